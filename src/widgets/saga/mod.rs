//! `saga`: the monolith lesson's order placed across four services (`msa_sim::arch::saga`). The learner picks
//! the step that fails, whose process dies and when, and whether the services use an outbox; the core runs the
//! saga and hands back its timeline, the end state and the outcome. This draws the swimlanes, the ordered log
//! (the text twin), the end-state table and the verdict.

use crate::i18n::*;
use crate::widgets::{fill, param, url_state, Params};
use leptos::prelude::*;
use msa_sim::arch::saga::{self, Change, CrashPoint, Entry, Failure, Outcome, Run, Service, Setup};

fn service_name(lang: Locale, s: Service) -> &'static str {
    match s {
        Service::Order => td_string!(lang, saga.svc_order),
        Service::Payment => td_string!(lang, saga.svc_payment),
        Service::Stock => td_string!(lang, saga.svc_stock),
        Service::Delivery => td_string!(lang, saga.svc_delivery),
    }
}

fn failure_name(lang: Locale, f: Failure) -> &'static str {
    match f {
        Failure::None => td_string!(lang, saga.fail_none),
        Failure::Payment => td_string!(lang, saga.fail_payment),
        Failure::Stock => td_string!(lang, saga.fail_stock),
        Failure::Delivery => td_string!(lang, saga.fail_delivery),
    }
}

fn point_name(lang: Locale, p: CrashPoint) -> &'static str {
    match p {
        CrashPoint::None => td_string!(lang, saga.point_none),
        CrashPoint::BeforePublish => td_string!(lang, saga.point_before),
        CrashPoint::AfterPublish => td_string!(lang, saga.point_after),
    }
}

/// A state in a few words: the swimlanes' boxes and the end-state table.
fn change_short(lang: Locale, c: Change) -> &'static str {
    match c {
        Change::OrderPending => td_string!(lang, saga.c_pending),
        Change::Charged => td_string!(lang, saga.c_charged),
        Change::Declined => td_string!(lang, saga.c_declined),
        Change::Reserved => td_string!(lang, saga.c_reserved),
        Change::SoldOut => td_string!(lang, saga.c_sold_out),
        Change::RiderAssigned => td_string!(lang, saga.c_rider),
        Change::NoRider => td_string!(lang, saga.c_no_rider),
        Change::OrderConfirmed => td_string!(lang, saga.c_confirmed),
        Change::Released => td_string!(lang, saga.c_released),
        Change::Refunded => td_string!(lang, saga.c_refunded),
        Change::OrderCancelled => td_string!(lang, saga.c_cancelled),
    }
}

/// The same change as a sentence, for the log.
fn change_long(lang: Locale, c: Change) -> String {
    let t = match c {
        Change::OrderPending => td_string!(lang, saga.l_pending),
        Change::Charged => td_string!(lang, saga.l_charged),
        Change::Declined => td_string!(lang, saga.l_declined),
        Change::Reserved => td_string!(lang, saga.l_reserved),
        Change::SoldOut => td_string!(lang, saga.l_sold_out),
        Change::RiderAssigned => td_string!(lang, saga.l_rider),
        Change::NoRider => td_string!(lang, saga.l_no_rider),
        Change::OrderConfirmed => td_string!(lang, saga.l_confirmed),
        Change::Released => td_string!(lang, saga.l_released),
        Change::Refunded => td_string!(lang, saga.l_refunded),
        Change::OrderCancelled => td_string!(lang, saga.l_cancelled),
    };
    fill(t, &[("order", &saga::ORDER_ID), ("amount", &won(saga::AMOUNT))])
}

/// 23000 -> "23,000".
fn won(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Which swimlane an entry belongs to.
fn lane(e: &Entry) -> Service {
    match *e {
        Entry::Commit { change, .. } => change.service(),
        Entry::Publish { from, .. } | Entry::Lost { from, .. } => from,
        Entry::Crash { service } | Entry::Restart { service } | Entry::Duplicate { service, .. } => service,
    }
}

/// The kind of box, for its colour.
fn kind(e: &Entry) -> &'static str {
    match *e {
        Entry::Commit { change, .. } if change.is_compensation() => "comp",
        Entry::Commit { change, .. } if change.is_failure() => "fail",
        Entry::Commit { .. } => "commit",
        Entry::Publish { .. } => "publish",
        Entry::Crash { .. } | Entry::Lost { .. } => "crash",
        Entry::Restart { .. } => "restart",
        Entry::Duplicate { .. } => "dup",
    }
}

fn entry_short(lang: Locale, e: &Entry) -> String {
    match *e {
        Entry::Commit { change, .. } => change_short(lang, change).to_string(),
        Entry::Publish { event, relay: false, .. } => format!("→ {}", event.name()),
        Entry::Publish { event, again: false, .. } => fill(td_string!(lang, saga.s_relay), &[("event", &event.name())]),
        Entry::Publish { event, .. } => fill(td_string!(lang, saga.s_relay_again), &[("event", &event.name())]),
        Entry::Crash { .. } => td_string!(lang, saga.s_crash).to_string(),
        Entry::Restart { .. } => td_string!(lang, saga.s_restart).to_string(),
        Entry::Lost { event, .. } => fill(td_string!(lang, saga.s_lost), &[("event", &event.name())]),
        Entry::Duplicate { key, .. } => fill(td_string!(lang, saga.s_dup), &[("event", &key.event.name())]),
    }
}

fn entry_long(lang: Locale, e: &Entry) -> String {
    let svc = |s: Service| service_name(lang, s);
    match *e {
        Entry::Commit { change, on, outbox_row } => {
            let mut text = match on {
                None => fill(
                    td_string!(lang, saga.log_commit),
                    &[("service", &svc(change.service())), ("change", &change_long(lang, change))],
                ),
                Some(ev) => fill(
                    td_string!(lang, saga.log_commit_on),
                    &[
                        ("service", &svc(change.service())),
                        ("event", &ev.name()),
                        ("change", &change_long(lang, change)),
                    ],
                ),
            };
            if let Some(ev) = outbox_row {
                text.push(' ');
                text.push_str(&fill(td_string!(lang, saga.log_outbox_row), &[("event", &ev.name())]));
            }
            text
        }
        Entry::Publish { from, event, relay: false, .. } => {
            fill(td_string!(lang, saga.log_publish), &[("service", &svc(from)), ("event", &event.name())])
        }
        Entry::Publish { from, event, again: false, .. } => {
            fill(td_string!(lang, saga.log_relay), &[("service", &svc(from)), ("event", &event.name())])
        }
        Entry::Publish { from, event, .. } => {
            fill(td_string!(lang, saga.log_relay_again), &[("service", &svc(from)), ("event", &event.name())])
        }
        Entry::Crash { service } => fill(td_string!(lang, saga.log_crash), &[("service", &svc(service))]),
        Entry::Restart { service } => fill(td_string!(lang, saga.log_restart), &[("service", &svc(service))]),
        Entry::Lost { from, event } => {
            fill(td_string!(lang, saga.log_lost), &[("service", &svc(from)), ("event", &event.name())])
        }
        Entry::Duplicate { service, key } => fill(
            td_string!(lang, saga.log_dup),
            &[("service", &svc(service)), ("event", &key.event.name()), ("key", &key)],
        ),
    }
}

fn outcome_text(lang: Locale, run: &Run) -> String {
    let mut text = match run.outcome {
        Outcome::Completed => td_string!(lang, saga.out_completed).to_string(),
        Outcome::Compensated { failed } => {
            fill(td_string!(lang, saga.out_compensated), &[("service", &service_name(lang, failed))])
        }
        Outcome::Stuck { lost, waiting } => fill(
            td_string!(lang, saga.out_stuck),
            &[("event", &lost.name()), ("service", &service_name(lang, waiting))],
        ),
    };
    if matches!(run.outcome, Outcome::Stuck { .. }) && run.fin.payment == Some(Change::Charged) {
        text.push(' ');
        text.push_str(&fill(td_string!(lang, saga.out_charged), &[("amount", &won(saga::AMOUNT))]));
    }
    let dups = run.duplicates();
    if dups > 0 {
        text.push(' ');
        text.push_str(&fill(td_string!(lang, saga.out_dups), &[("n", &dups), ("charges", &run.fin.charges)]));
    }
    text
}

#[component]
pub fn Saga(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("saga");
    let mut start = Setup::default();
    let mut bad_link = false;
    if let Some(q) = url_state::initial(key) {
        match Setup::from_query(&q) {
            Ok(s) => start = s,
            Err(_) => bad_link = true,
        }
    }
    let setup = RwSignal::new(start);
    let bad_link = RwSignal::new(bad_link);
    let run = Memo::new(move |_| saga::run(setup.get()));
    Effect::new(move |prev: Option<()>| {
        let s = setup.get();
        if prev.is_some() {
            bad_link.set(false);
            url_state::write(key, (s != Setup::default()).then(|| s.to_query()).as_deref());
        }
    });
    let id = move |s: &str| format!("{key}-{s}");
    let title_id = id("title");
    let labelled_by = title_id.clone();
    let select = move |label: &'static str,
                       sid: String,
                       options: Vec<(&'static str, &'static str)>,
                       current: Signal<&'static str>,
                       set: fn(&mut Setup, &str)| {
        let for_id = sid.clone();
        view! {
            <label class="saga__field" for=for_id>
                <span>{label}</span>
                <select
                    id=sid
                    class="saga__select"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        setup.update(|s| set(s, &v));
                    }
                >
                    {options
                        .into_iter()
                        .map(|(value, text)| view! { <option value=value selected=move || current.get() == value>{text}</option> })
                        .collect_view()}
                </select>
            </label>
        }
    };

    view! {
        <section class="widget widget--saga" data-keys aria-labelledby=labelled_by>
            <h3 class="widget__title" id=title_id>{td_string!(lang, saga.title)}</h3>
            <p class="saga__intro">{td_string!(lang, saga.intro)}</p>
            {move || bad_link.get().then(|| view! { <p class="saga__error" role="alert">{td_string!(lang, saga.bad_link)}</p> })}
            <div class="saga__controls">
                {select(
                    td_string!(lang, saga.fail_label),
                    id("fail"),
                    Failure::ALL.iter().map(|f| (f.name(), failure_name(lang, *f))).collect(),
                    Signal::derive(move || setup.get().fail.name()),
                    |s, v| if let Some(f) = Failure::ALL.into_iter().find(|f| f.name() == v) { s.fail = f },
                )}
                {select(
                    td_string!(lang, saga.point_label),
                    id("point"),
                    CrashPoint::ALL.iter().map(|p| (p.name(), point_name(lang, *p))).collect(),
                    Signal::derive(move || setup.get().point.name()),
                    |s, v| if let Some(p) = CrashPoint::ALL.into_iter().find(|p| p.name() == v) { s.point = p },
                )}
                {select(
                    td_string!(lang, saga.crash_label),
                    id("crash"),
                    Service::ALL.iter().map(|c| (c.name(), service_name(lang, *c))).collect(),
                    Signal::derive(move || setup.get().crash.name()),
                    |s, v| if let Some(c) = Service::ALL.into_iter().find(|c| c.name() == v) { s.crash = c },
                )}
                <label class="saga__check" for=id("outbox")>
                    <input
                        id=id("outbox")
                        type="checkbox"
                        prop:checked=move || setup.get().outbox
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            setup.update(|s| s.outbox = on);
                        }
                    />
                    <span>{td_string!(lang, saga.outbox_label)}</span>
                </label>
            </div>
            <p
                class="saga__outcome"
                class:saga__outcome--ok=move || run.with(|r| r.outcome.consistent())
                class:saga__outcome--bad=move || run.with(|r| !r.outcome.consistent())
                role="status"
            >
                {move || run.with(|r| outcome_text(lang, r))}
            </p>
            // The swimlanes repeat the log below as a picture: one column a service, one row a step.
            <div class="saga__lanes" aria-hidden="true">
                {Service::ALL.iter().map(|s| view! { <div class="saga__lane-head">{service_name(lang, *s)}</div> }).collect_view()}
                {move || {
                    run.with(|r| {
                        r.log
                            .iter()
                            .enumerate()
                            .map(|(i, e)| {
                                let col = Service::ALL.iter().position(|s| *s == lane(e)).unwrap_or(0) + 1;
                                view! {
                                    <div
                                        class=format!("saga__box saga__box--{}", kind(e))
                                        // Set through the CSSOM: the Content-Security-Policy refuses style attributes.
                                        style:grid-column=col.to_string()
                                        style:grid-row=(i + 2).to_string()
                                    >
                                        {entry_short(lang, e)}
                                    </div>
                                }
                            })
                            .collect_view()
                    })
                }}
            </div>
            <h4 class="saga__log-title" id=id("log-title")>{td_string!(lang, saga.log_title)}</h4>
            <ol class="saga__log" aria-labelledby=id("log-title")>
                {move || {
                    run.with(|r| {
                        r.log
                            .iter()
                            .map(|e| view! { <li class=format!("saga__entry saga__entry--{}", kind(e))>{entry_long(lang, e)}</li> })
                            .collect_view()
                    })
                }}
            </ol>
            <table class="saga__end">
                <caption>{td_string!(lang, saga.end_title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(lang, saga.col_service)}</th>
                        <th scope="col">{td_string!(lang, saga.col_state)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        run.with(|r| {
                            Service::ALL
                                .iter()
                                .map(|s| {
                                    let state = r.fin.of(*s).map_or(td_string!(lang, saga.c_nothing), |c| change_short(lang, c));
                                    view! {
                                        <tr>
                                            <th scope="row">{service_name(lang, *s)}</th>
                                            <td>{state}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </tbody>
            </table>
        </section>
    }
}
