//! `ddd-aggregate`: FoodDash's Order aggregate from `msa_sim::ddd::order`. Commands go through the root,
//! which refuses what would break an invariant; a back door shows what skipping the root does; two concurrent
//! requests show the root's version as the unit of optimistic locking. The view only sends commands and draws
//! the order and the log.
//!
//! With a `key` (a challenge's instance), the widget records what the learner did as a
//! [`msa_sim::ddd::script::Script`] (every Add, Remove and Pay click, refused ones included, each back-door
//! push, each team-lunch run; Reset starts a new one), keeps it in the URL under that key, and replays a script
//! found there when it mounts: the script is the shareable state a challenge judges.

use crate::i18n::*;
use crate::widgets::fill;
use crate::widgets::url_state;
use leptos::prelude::*;
use msa_sim::ddd::order::{self, Command, Order, RaceStep, Refusal, Status, Violation, MAX_QTY, MENU};
use msa_sim::ddd::script::{Script, ScriptCommand, Step};

fn item_name(lang: Locale, item: usize) -> &'static str {
    match MENU.get(item).map(|m| m.0) {
        Some("bibimbap") => td_string!(lang, ddd.item_bibimbap),
        Some("cold-noodles") => td_string!(lang, ddd.item_cold_noodles),
        Some("fried-dumplings") => td_string!(lang, ddd.item_fried_dumplings),
        Some("drink") => td_string!(lang, ddd.item_drink),
        _ => td_string!(lang, ddd.item_bulgogi_set),
    }
}

/// 94000 -> "94,000".
fn won(n: u64) -> String {
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

fn who(lang: Locale, w: usize) -> &'static str {
    if w == 0 {
        td_string!(lang, ddd.who_mina)
    } else {
        td_string!(lang, ddd.who_junho)
    }
}

fn refusal_view(lang: Locale, r: Refusal) -> AnyView {
    match r {
        Refusal::CreditLimitExceeded { total, limit } => {
            fill(td_string!(lang, ddd.agg_no_limit), &[("total", &won(total)), ("limit", &won(limit))]).into_any()
        }
        Refusal::AlreadyPaid => td_string!(lang, ddd.agg_no_paid).into_any(),
        Refusal::EmptyOrder => td_string!(lang, ddd.agg_no_empty).into_any(),
        Refusal::BadQuantity { min, max, .. } => {
            fill(td_string!(lang, ddd.agg_no_qty), &[("min", &min), ("max", &max)]).into_any()
        }
        Refusal::NoSuchItem { .. } | Refusal::NoSuchLine { .. } | Refusal::TooManyLines { .. } => {
            td_string!(lang, ddd.agg_no_other).into_any()
        }
    }
}

fn violations_text(lang: Locale, v: &[Violation]) -> String {
    if v.is_empty() {
        return td_string!(lang, ddd.agg_intact).to_string();
    }
    v.iter()
        .map(|x| match x {
            Violation::OverLimit { .. } => td_string!(lang, ddd.agg_broken_limit),
            Violation::ChangedAfterPayment => td_string!(lang, ddd.agg_broken_paid),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn race_view(lang: Locale, s: RaceStep) -> AnyView {
    match s {
        RaceStep::Ran { who: w, result: Ok(total) } => {
            fill(td_string!(lang, ddd.agg_race_ran_ok), &[("who", &who(lang, w)), ("total", &won(total))]).into_any()
        }
        RaceStep::Ran { who: w, result: Err(Refusal::CreditLimitExceeded { total, .. }) } => {
            fill(td_string!(lang, ddd.agg_race_ran_no), &[("who", &who(lang, w)), ("total", &won(total))]).into_any()
        }
        RaceStep::Ran { who: w, result: Err(r) } => view! { {who(lang, w)} ": " {refusal_view(lang, r)} }.into_any(),
        RaceStep::Saved { who: w, version } => {
            fill(td_string!(lang, ddd.agg_race_saved), &[("who", &who(lang, w)), ("version", &version)]).into_any()
        }
        RaceStep::Conflict { who: w, stale } => view! {
            {fill(td_string!(lang, ddd.agg_race_conflict), &[("who", &who(lang, w)), ("loaded", &stale.loaded), ("stored", &stale.stored)])}
        }
        .into_any(),
        RaceStep::Retried { who: w } => fill(td_string!(lang, ddd.agg_race_retried), &[("who", &who(lang, w))]).into_any(),
    }
}

/// One line of the log: what the root (or the back door) did, with the order as it was right after.
#[derive(Clone, Debug)]
enum Entry {
    Done { cmd: Command, total: u64, version: u64 },
    Refused(Refusal),
    Bypassed { item: usize, qty: u32, total: u64, version: u64, broken: Vec<Violation> },
}

fn entry_view(lang: Locale, e: Entry) -> AnyView {
    match e {
        Entry::Done { cmd: Command::AddLine { item, quantity }, total, version } => view! {
            {fill(td_string!(lang, ddd.agg_ok_add), &[("qty", &quantity), ("item", &item_name(lang, item)), ("total", &won(total)), ("version", &version)])}
        }
        .into_any(),
        Entry::Done { cmd: Command::RemoveLine { .. }, total, version } => {
            fill(td_string!(lang, ddd.agg_ok_remove), &[("total", &won(total)), ("version", &version)]).into_any()
        }
        Entry::Done { cmd: Command::Pay, version, .. } => fill(td_string!(lang, ddd.agg_ok_pay), &[("version", &version)]).into_any(),
        Entry::Refused(r) => refusal_view(lang, r),
        Entry::Bypassed { item, qty, total, version, broken } => view! {
            {fill(td_string!(lang, ddd.agg_bypassed), &[("qty", &qty), ("item", &item_name(lang, item)), ("total", &won(total)), ("version", &version)])}
            " "
            <strong>{violations_text(lang, &broken)}</strong>
        }
        .into_any(),
    }
}

/// The script step of a command sent through the root.
fn step_of(cmd: Command) -> Step {
    let command = match cmd {
        Command::AddLine { item, quantity } => ScriptCommand::Add { item, quantity },
        Command::RemoveLine { index } => ScriptCommand::Remove { line: index },
        Command::Pay => ScriptCommand::Pay,
    };
    Step::Root { command }
}

/// `key`: the URL key of a recorded instance (a challenge's id); without one the widget records nothing.
#[component]
pub fn DddAggregate(lang: Locale, #[prop(optional)] key: Option<&'static str>) -> impl IntoView {
    let fresh = || Order::new(msa_sim::ddd::script::ORDER_ID, order::LESSON_LIMIT);
    let uid = key.unwrap_or("ddd-aggregate");
    let (title_id, item_id, qty_id, hint_id) =
        (format!("{uid}-title"), format!("{uid}-item"), format!("{uid}-qty"), format!("{uid}-bypass-hint"));
    // The view macro builds attributes in its own order: each use gets its own copy.
    let (labelled_by, item_for, qty_for, described_by) =
        (title_id.clone(), item_id.clone(), qty_id.clone(), hint_id.clone());
    let script = StoredValue::new(Script::default());
    let link_error = RwSignal::new(None::<String>);
    let record = move |step: Option<Step>| {
        if let Some(k) = key {
            script.update_value(|s| match step {
                Some(st) => s.push(st),
                None => s.0.clear(),
            });
            url_state::write(k, Some(&script.with_value(|s| s.encode())));
        }
    };
    let order = RwSignal::new(fresh());
    let log = RwSignal::new(Vec::<Entry>::new());
    let item = RwSignal::new(0usize);
    let qty = RwSignal::new(1u32);
    let race = RwSignal::new(None::<(bool, Vec<RaceStep>, u64, usize)>);

    let push = move |e: Entry| {
        log.update(|l| {
            l.push(e);
            if l.len() > 12 {
                l.remove(0);
            }
        })
    };
    let apply = move |cmd: Command| {
        let mut o = order.get_untracked();
        match o.execute(cmd) {
            Ok(()) => push(Entry::Done { cmd, total: o.total(), version: o.version() }),
            Err(r) => push(Entry::Refused(r)),
        }
        order.set(o);
    };
    let apply_bypass = move |i: usize, q: u32| {
        let mut o = order.get_untracked();
        let broken = o.bypass_add_line(i, q);
        push(Entry::Bypassed { item: i, qty: q, total: o.total(), version: o.version(), broken });
        order.set(o);
    };
    let apply_race = move |check: bool| {
        let start = order::team_lunch();
        let adds = [Command::AddLine { item: 3, quantity: 1 }, Command::AddLine { item: 2, quantity: 1 }];
        let (steps, repo) = order::race(&start, adds, check);
        race.set(Some((check, steps, repo.stored().total(), repo.stored().lines().len())));
    };
    let send = move |cmd: Command| {
        apply(cmd);
        record(Some(step_of(cmd)));
    };
    let bypass = move || {
        let (i, q) = (item.get_untracked(), qty.get_untracked().clamp(1, MAX_QTY));
        apply_bypass(i, q);
        record(Some(Step::BackDoor { item: i, quantity: q }));
    };
    let run_race = move |check: bool| {
        apply_race(check);
        record(Some(Step::Lunch { checked: check }));
    };
    // A recorded instance reopens where its link left it: the script replayed through the same actions.
    if let Some(raw) = key.and_then(url_state::initial) {
        match Script::decode(&raw) {
            Ok(sc) => {
                for st in &sc.0 {
                    match *st {
                        Step::Root { command } => apply(command.command()),
                        Step::BackDoor { item, quantity } => apply_bypass(item, quantity),
                        Step::Lunch { checked } => apply_race(checked),
                    }
                }
                script.set_value(sc);
            }
            Err(_) => link_error.set(Some(td_string!(lang, challenge_ui.err_ddd_link).to_string())),
        }
    }

    let status = move || match order.with(|o| o.status()) {
        Status::Created => td_string!(lang, ddd.agg_status_created),
        Status::Paid => td_string!(lang, ddd.agg_status_paid),
    };
    let broken = move || !order.with(|o| o.violations().is_empty());

    view! {
        <section class="widget widget--ddd widget--ddd-aggregate" data-keys aria-labelledby=labelled_by>
            <h3 class="widget__title" id=title_id>{td_string!(lang, ddd.agg_title)}</h3>
            {move || link_error.get().map(|m| view! { <p class="widget__error" role="alert">{m}</p> })}
            <p class="ddd__intro">{td_string!(lang, ddd.agg_intro)}</p>
            <p class="agg__summary" class:agg__summary--broken=broken>
                {move || {
                    let o = order.get();
                    fill(
                        td_string!(lang, ddd.agg_summary),
                        &[
                            ("id", &o.id()),
                            ("status", &status()),
                            ("total", &won(o.total())),
                            ("limit", &won(o.credit_limit())),
                            ("version", &o.version()),
                        ],
                    )
                }}
            </p>
            <div class="agg__meter" aria-hidden="true">
                <span
                    class="agg__meter-fill"
                    class:agg__meter-fill--over=broken
                    style:width=move || order.with(|o| format!("{}%", (o.total() * 100 / o.credit_limit().max(1)).min(100)))
                ></span>
            </div>
            <div class="agg__table-wrap">
                <table class="agg__lines">
                    <caption>{td_string!(lang, ddd.agg_lines)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(lang, ddd.agg_col_item)}</th>
                            <th scope="col">{td_string!(lang, ddd.agg_col_qty)}</th>
                            <th scope="col">{td_string!(lang, ddd.agg_col_subtotal)}</th>
                            <th scope="col">{td_string!(lang, ddd.agg_col_action)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let lines = order.with(|o| o.lines().to_vec());
                            if lines.is_empty() {
                                return view! { <tr><td colspan="4">{td_string!(lang, ddd.agg_empty)}</td></tr> }.into_any();
                            }
                            lines
                                .into_iter()
                                .enumerate()
                                .map(|(i, l)| {
                                    view! {
                                        <tr>
                                            <td>{item_name(lang, l.item)}</td>
                                            <td class="num">{format!("{} × {}", l.quantity, won(l.unit_price))}</td>
                                            <td class="num">{won(l.subtotal())}</td>
                                            <td>
                                                <button
                                                    type="button"
                                                    class="button button--small"
                                                    on:click=move |_| send(Command::RemoveLine { index: i })
                                                >
                                                    <span aria-hidden="true">{td_string!(lang, ddd.agg_remove)}</span>
                                                    <span class="visually-hidden">{fill(td_string!(lang, ddd.agg_remove_label), &[("n", &(i + 1))])}</span>
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                    .into_any()
                                })
                                .collect_view()
                                .into_any()
                        }}
                    </tbody>
                </table>
            </div>
            <div class="agg__controls">
                <label class="agg__field" for=item_for>
                    <span>{td_string!(lang, ddd.agg_item)}</span>
                    <select
                        id=item_id
                        on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                                if i < MENU.len() {
                                    item.set(i);
                                }
                            }
                        }
                    >
                        {MENU
                            .iter()
                            .enumerate()
                            .map(|(i, (_, price))| {
                                view! {
                                    <option value=i.to_string() selected=move || item.get() == i>
                                        {fill(td_string!(lang, ddd.agg_price), &[("item", &item_name(lang, i)), ("price", &won(*price))])}
                                    </option>
                                }
                                .into_any()
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="agg__field" for=qty_for>
                    <span>{td_string!(lang, ddd.agg_qty)}</span>
                    <input
                        id=qty_id
                        type="number"
                        min="1"
                        max=MAX_QTY
                        step="1"
                        prop:value=move || qty.get().to_string()
                        on:change=move |ev| {
                            // Out-of-range numbers are sent as typed: the root refuses them with a reason.
                            let v = event_target_value(&ev).trim().parse::<i64>().unwrap_or(0);
                            qty.set(v.clamp(0, 999) as u32);
                        }
                    />
                </label>
                <div class="agg__buttons">
                    <button
                        type="button"
                        class="button button--primary"
                        on:click=move |_| send(Command::AddLine { item: item.get_untracked(), quantity: qty.get_untracked() })
                    >
                        {td_string!(lang, ddd.agg_add)}
                    </button>
                    <button type="button" class="button" on:click=move |_| send(Command::Pay)>{td_string!(lang, ddd.agg_pay)}</button>
                    <button type="button" class="button button--danger" aria-describedby=described_by on:click=move |_| bypass()>
                        {td_string!(lang, ddd.agg_bypass)}
                    </button>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            order.set(fresh());
                            log.set(Vec::new());
                            record(None);
                        }
                    >
                        {td_string!(lang, ddd.agg_reset)}
                    </button>
                </div>
                <p class="arch__hint" id=hint_id>{td_string!(lang, ddd.agg_bypass_hint)}</p>
            </div>
            <h4 class="agg__log-title">{td_string!(lang, ddd.agg_log)}</h4>
            <ol class="agg__log" aria-live="polite">
                {move || {
                    let l = log.get();
                    if l.is_empty() {
                        return view! { <li class="agg__log-empty">{td_string!(lang, ddd.agg_log_empty)}</li> }.into_any();
                    }
                    l.into_iter()
                        .map(|e| {
                            let ok = match &e {
                                Entry::Done { .. } => true,
                                Entry::Refused(_) => false,
                                Entry::Bypassed { broken, .. } => broken.is_empty(),
                            };
                            view! { <li class=if ok { "agg__entry agg__entry--ok" } else { "agg__entry agg__entry--no" }>{entry_view(lang, e)}</li> }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ol>
            <div class="agg__race">
                <h4>{td_string!(lang, ddd.agg_race_title)}</h4>
                <p>{td_string!(lang, ddd.agg_race_intro)}</p>
                <div class="agg__buttons">
                    <button type="button" class="button" on:click=move |_| run_race(false)>{td_string!(lang, ddd.agg_race_blind)}</button>
                    <button type="button" class="button" on:click=move |_| run_race(true)>{td_string!(lang, ddd.agg_race_checked)}</button>
                </div>
                <div aria-live="polite">
                    {move || race.get().map(|(check, steps, total, lines)| view! {
                        <ol class="agg__race-steps" data-check=check.to_string()>
                            {steps.into_iter().map(|s| view! { <li>{race_view(lang, s)}</li> }).collect_view()}
                        </ol>
                        <p class="agg__race-end" class:agg__race-end--bad=!check>
                            {if check {
                                fill(td_string!(lang, ddd.agg_race_end_checked), &[("total", &won(total))]).into_any()
                            } else {
                                fill(td_string!(lang, ddd.agg_race_end_blind), &[("total", &won(total)), ("lines", &lines)]).into_any()
                            }}
                        </p>
                    })}
                </div>
            </div>
        </section>
    }
}
