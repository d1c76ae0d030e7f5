//! `arch`: the same FoodDash shop as a monolith, a modular monolith or microservices, side by side, for one
//! action at a time (a spike, a deploy, a crash, a leak, the extra hop, a change across two modules, a schema
//! change). A view over `msa_sim::arch`: the core runs the engines (a slice a frame) and hands back a table of
//! figures; this draws the two sides, the table (the text twin) and the explanation.

use crate::i18n::*;
use crate::sliced::{First, Slice, Sliced};
use crate::widgets::fill;
use crate::widgets::{param, url_state, Params};
use leptos::prelude::*;
use msa_sim::arch::{
    self, Action, Arch, Comparison, Dep, Feature, Figure, Guard, Module, Row, Setup, SetupError, Value,
};

/// Engine events per slice: a few milliseconds of work in the browser.
const SLICE_EVENTS: u64 = 20_000;

fn arch_name(lang: Locale, a: Arch) -> &'static str {
    match a {
        Arch::Monolith => td_string!(lang, arch.arch_mono),
        Arch::Modular => td_string!(lang, arch.arch_modular),
        Arch::Msa => td_string!(lang, arch.arch_msa),
    }
}

fn action_name(lang: Locale, a: Action) -> &'static str {
    match a {
        Action::Spike => td_string!(lang, arch.do_spike),
        Action::Deploy => td_string!(lang, arch.do_deploy),
        Action::Crash => td_string!(lang, arch.do_crash),
        Action::Leak => td_string!(lang, arch.do_leak),
        Action::Hop => td_string!(lang, arch.do_hop),
        Action::TwoChange => td_string!(lang, arch.do_two),
        Action::Schema => td_string!(lang, arch.do_schema),
    }
}

fn action_explain(lang: Locale, a: Action) -> &'static str {
    match a {
        Action::Spike => td_string!(lang, arch.why_spike),
        Action::Deploy => td_string!(lang, arch.why_deploy),
        Action::Crash => td_string!(lang, arch.why_crash),
        Action::Leak => td_string!(lang, arch.why_leak),
        Action::Hop => td_string!(lang, arch.why_hop),
        Action::TwoChange => td_string!(lang, arch.why_two),
        Action::Schema => td_string!(lang, arch.why_schema),
    }
}

fn module_name(lang: Locale, m: Module) -> &'static str {
    match m {
        Module::Catalog => td_string!(lang, arch.mod_catalog),
        Module::Order => td_string!(lang, arch.mod_order),
        Module::Payment => td_string!(lang, arch.mod_payment),
        Module::Member => td_string!(lang, arch.mod_member),
    }
}

fn feature_name(lang: Locale, f: Feature) -> &'static str {
    match f {
        Feature::Browse => td_string!(lang, arch.f_browse),
        Feature::SignIn => td_string!(lang, arch.f_signin),
        Feature::Checkout => td_string!(lang, arch.f_checkout),
        Feature::Track => td_string!(lang, arch.f_track),
    }
}

fn guard_name(lang: Locale, g: Guard) -> &'static str {
    match g {
        Guard::None => td_string!(lang, arch.guard_none),
        Guard::Timeout => td_string!(lang, arch.guard_timeout),
        Guard::Breaker => td_string!(lang, arch.guard_breaker),
    }
}

fn dep_name(lang: Locale, d: Dep) -> String {
    match d {
        Dep::App => td_string!(lang, arch.dep_app).to_string(),
        Dep::Service(m) => format!("{} {}", module_name(lang, m), td_string!(lang, arch.dep_service)),
    }
}

fn figure_name(lang: Locale, f: Figure) -> String {
    match f {
        Figure::Availability(feat) => {
            format!("{}: {}", td_string!(lang, arch.fig_availability), feature_name(lang, feat))
        }
        Figure::P95 => td_string!(lang, arch.fig_p95).to_string(),
        Figure::Instances => td_string!(lang, arch.fig_instances).to_string(),
        Figure::Memory => td_string!(lang, arch.fig_memory).to_string(),
        Figure::Restarted => td_string!(lang, arch.fig_restarted).to_string(),
        Figure::Blast => td_string!(lang, arch.fig_blast).to_string(),
        Figure::Duration => td_string!(lang, arch.fig_duration).to_string(),
        Figure::Lost => td_string!(lang, arch.fig_lost).to_string(),
        Figure::FailWait => td_string!(lang, arch.fig_failwait).to_string(),
        Figure::CheckoutP50 => td_string!(lang, arch.fig_p50_checkout).to_string(),
        Figure::CheckoutP95 => td_string!(lang, arch.fig_p95_checkout).to_string(),
        Figure::Hops => td_string!(lang, arch.fig_hops).to_string(),
        Figure::Deploys => td_string!(lang, arch.fig_deploys).to_string(),
        Figure::Ordered => td_string!(lang, arch.fig_ordered).to_string(),
        Figure::CodeChanges => td_string!(lang, arch.fig_code).to_string(),
    }
}

fn ms(us: u64) -> String {
    if us >= 10_000_000 {
        format!("{} s", us / 1_000_000)
    } else {
        format!("{}.{} ms", us / 1000, (us % 1000) / 100)
    }
}

fn value_text(lang: Locale, v: &Value) -> String {
    match v {
        Value::Percent(bp) => format!("{}.{:02}%", bp / 100, bp % 100),
        Value::Us(us) => ms(*us),
        Value::Count(n) => n.to_string(),
        Value::AtLeast(n) => format!("≥ {n}"),
        Value::Mb(mb) => format!("{}.{} GB", mb / 1024, (mb % 1024) * 10 / 1024),
        Value::Seconds(s) => format!("{s} s"),
        Value::Features(f) if f.is_empty() => td_string!(lang, arch.none).to_string(),
        Value::Features(f) => f.iter().map(|x| feature_name(lang, *x)).collect::<Vec<_>>().join(", "),
        Value::Instances(v) => {
            v.iter().map(|(d, n)| format!("{} × {n}", dep_name(lang, *d))).collect::<Vec<_>>().join(", ")
        }
        Value::YesNo(true) => td_string!(lang, arch.yes).to_string(),
        Value::YesNo(false) => td_string!(lang, arch.no).to_string(),
    }
}

fn error_view(lang: Locale, e: &SetupError) -> AnyView {
    match e {
        SetupError::SameArch => td_string!(lang, arch.err_same).into_any(),
        SetupError::SpikeOutOfRange { min, max, .. } => {
            let (min, max) = (*min, *max);
            fill(td_string!(lang, arch.err_spike), &[("min", &min), ("max", &max)]).into_any()
        }
        _ => td_string!(lang, arch.err_link).into_any(),
    }
}

#[component]
pub fn ArchWidget(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("arch");
    let mut start = Setup::default();
    if let Some(a) = param(params, "action").and_then(|v| Action::ALL.into_iter().find(|x| x.name() == v)) {
        start.action = a;
    }
    if let Some(m) = param(params, "module").and_then(|v| Module::ALL.into_iter().find(|x| x.name() == v)) {
        start.module = m;
    }
    if let Some(g) = param(params, "guard").and_then(|v| Guard::ALL.into_iter().find(|x| x.name() == v)) {
        start.guard = g;
    }
    let mut link_error = None;
    if let Some(q) = url_state::initial(key) {
        match Setup::from_query(&q) {
            Ok(s) => start = s,
            Err(e) => link_error = Some(e),
        }
    }
    let setup = RwSignal::new(start);
    let error = RwSignal::new(link_error);
    let done = RwSignal::new(None::<(Setup, Vec<Row>)>);
    let progress = RwSignal::new(None::<u64>);
    let job = StoredValue::new(None::<Comparison>);
    let sliced = Sliced::new();

    Effect::new(move |prev: Option<()>| {
        let s = setup.get();
        if prev.is_some() {
            url_state::write(key, Some(&s.to_query()));
        }
        sliced.stop();
        match Comparison::new(s) {
            Ok(c) => {
                if prev.is_some() {
                    error.set(None);
                }
                job.set_value(Some(c));
                progress.set(Some(0));
                // The comparison runs a slice per task until it finishes, unless a newer run took its place.
                sliced.start(
                    First::Later,
                    move || {
                        job.try_update_value(|c| {
                            let c = c.as_mut()?;
                            let a = c.advance(SLICE_EVENTS);
                            Some(if a.finished { Slice::Done((*c.setup(), c.rows())) } else { Slice::More(a.events) })
                        })
                        .flatten()
                    },
                    move |events| _ = progress.try_set(Some(events)),
                    move |r| {
                        job.try_set_value(None);
                        progress.try_set(None);
                        done.try_set(Some(r));
                    },
                );
            }
            Err(e) => {
                job.set_value(None);
                progress.set(None);
                error.set(Some(e));
            }
        }
    });

    let uid = key.to_string();
    let title_id = format!("{uid}-title");
    // On its lab page the widget sits under the page's h1; in a lesson, under a section heading (h2 or h3).
    let on_lab = params.is_empty();
    let level: u8 = if on_lab { 2 } else { 3 };
    // Two instances on one lesson page need different names: the experiment the lesson set up names each.
    let kicker_id = format!("{uid}-kicker");
    let kicker = param(params, "action").map(|_| action_name(lang, start.action));
    let title_ref = match kicker {
        Some(_) => format!("{title_id} {kicker_id}"),
        None => title_id.clone(),
    };
    let arch_select = move |side: usize| {
        let label_id = format!("{uid}-arch-{side}");
        let select_id = label_id.clone();
        let current = move || {
            let s = setup.get();
            if side == 0 {
                s.a
            } else {
                s.b
            }
        };
        view! {
            <label class="arch__field" for=label_id>
                <span>{if side == 0 { td_string!(lang, arch.side_a) } else { td_string!(lang, arch.side_b) }}</span>
                <select
                    id=select_id
                    class="arch__select"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(a) = Arch::ALL.into_iter().find(|x| x.name() == v) {
                            setup.update(|s| if side == 0 { s.a = a } else { s.b = a });
                        }
                    }
                >
                    {Arch::ALL
                        .into_iter()
                        .map(|a| view! { <option value=a.name() selected=move || current() == a>{arch_name(lang, a)}</option> })
                        .collect_view()}
                </select>
            </label>
        }
        .into_any()
    };
    let uid = key.to_string();
    let uid2 = uid.clone();
    let uid3 = uid.clone();
    let module_id = format!("{uid}-module");
    let spike_id = format!("{uid}-spike");
    let spike_hint = format!("{uid}-spike-hint");
    let spike_hint2 = spike_hint.clone();

    view! {
        <section class="widget widget--arch" data-keys aria-labelledby=title_ref>
            {heading(level, "widget__title", Some(title_id), td_string!(lang, arch.title))}
            {kicker.map(|k| view! { <p class="arch__kicker" id=kicker_id>{k}</p> })}
            <p class="arch__intro">{td_string!(lang, arch.intro)}</p>
            <div class="arch__controls">
                <div class="arch__pair">
                    {arch_select(0)}
                    {arch_select(1)}
                </div>
                <fieldset class="arch__actions">
                    <legend>{td_string!(lang, arch.action_legend)}</legend>
                    {Action::ALL
                        .into_iter()
                        .map(|a| {
                            let name = format!("{uid2}-action");
                            view! {
                                <label class="arch__choice">
                                    <input
                                        type="radio"
                                        name=name
                                        value=a.name()
                                        prop:checked=move || setup.get().action == a
                                        on:change=move |_| setup.update(|s| s.action = a)
                                    />
                                    <span>{action_name(lang, a)}</span>
                                </label>
                            }
                            .into_any()
                        })
                        .collect_view()}
                </fieldset>
                <div class="arch__params">
                    {move || setup.get().action.takes_module().then(|| view! {
                        <label class="arch__field" for=module_id.clone()>
                            <span>{td_string!(lang, arch.module_label)}</span>
                            <select
                                id=module_id.clone()
                                class="arch__select"
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    if let Some(m) = Module::ALL.into_iter().find(|x| x.name() == v) {
                                        setup.update(|s| s.module = m);
                                    }
                                }
                            >
                                {Module::ALL
                                    .into_iter()
                                    .map(|m| view! { <option value=m.name() selected=move || setup.get().module == m>{module_name(lang, m)}</option> })
                                    .collect_view()}
                            </select>
                        </label>
                    }.into_any())}
                    {move || (setup.get().action == Action::Spike).then(|| view! {
                        <label class="arch__field" for=spike_id.clone()>
                            <span>{td_string!(lang, arch.spike_label)}</span>
                            <input
                                id=spike_id.clone()
                                type="range"
                                min=arch::MIN_SPIKE
                                max=arch::MAX_SPIKE
                                step="1"
                                aria-describedby=spike_hint.clone()
                                prop:value=move || setup.get().spike.to_string()
                                on:change=move |ev| {
                                    if let Ok(x) = event_target_value(&ev).parse::<u32>() {
                                        setup.update(|s| s.spike = x.clamp(arch::MIN_SPIKE, arch::MAX_SPIKE));
                                    }
                                }
                            />
                            <output class="arch__output">{move || format!("× {}", setup.get().spike)}</output>
                        </label>
                        <p class="arch__hint" id=spike_hint2.clone()>
                            {fill(td_string!(lang, arch.spike_hint), &[("min", &arch::MIN_SPIKE), ("max", &arch::MAX_SPIKE)])}
                        </p>
                    }.into_any())}
                    {move || setup.get().action.takes_guard().then(|| view! {
                        <fieldset class="arch__guards">
                            <legend>{td_string!(lang, arch.guard_legend)}</legend>
                            {Guard::ALL
                                .into_iter()
                                .map(|g| {
                                    let name = format!("{uid3}-guard");
                                    view! {
                                        <label class="arch__choice">
                                            <input
                                                type="radio"
                                                name=name
                                                value=g.name()
                                                prop:checked=move || setup.get().guard == g
                                                on:change=move |_| setup.update(|s| s.guard = g)
                                            />
                                            <span>{guard_name(lang, g)}</span>
                                        </label>
                                    }
                                    .into_any()
                                })
                                .collect_view()}
                        </fieldset>
                    }.into_any())}
                </div>
            </div>
            <p class="arch__status" role="status" aria-live="polite">
                {move || match (error.get(), progress.get()) {
                    (Some(e), _) => error_view(lang, &e),
                    (None, Some(_)) => td_string!(lang, arch.running).into_any(),
                    (None, None) => done
                        .get()
                        .map(|(s, _)| view! { {fill(td_string!(lang, arch.done), &[("action", &action_name(lang, s.action))])} })
                        .into_any(),
                }}
            </p>
            {move || {
                let current = setup.get();
                done.get()
                    .filter(|(s, _)| *s == current)
                    .map(|(s, rows)| view! { <Results setup=s rows lang level=level + 1 /> })
            }}
        </section>
    }
}

/// A heading at `level` (2 to 4): the widget's title sits one below the page's or section's heading.
fn heading(level: u8, class: &'static str, id: Option<String>, text: &'static str) -> AnyView {
    match level {
        2 => view! { <h2 class=class id=id>{text}</h2> }.into_any(),
        3 => view! { <h3 class=class id=id>{text}</h3> }.into_any(),
        _ => view! { <h4 class=class id=id>{text}</h4> }.into_any(),
    }
}

#[component]
fn Results(setup: Setup, rows: Vec<Row>, lang: Locale, level: u8) -> impl IntoView {
    let sides = [setup.a, setup.b];
    let instances = |side: usize, d: Dep| -> u32 {
        rows.iter()
            .find(|r| r.figure == Figure::Instances)
            .and_then(|r| match if side == 0 { &r.a } else { &r.b } {
                Value::Instances(v) => v.iter().find(|(x, _)| *x == d).map(|(_, n)| *n),
                _ => None,
            })
            .unwrap_or(arch::BASE_INSTANCES)
    };
    let hit_dep = |a: Arch| if setup.action.takes_module() { Some(arch::dep_of(a, setup.module)) } else { None };
    let cards = sides
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let a = *a;
            let deps = arch::deployables(a)
                .into_iter()
                .map(|d| {
                    let mods: Vec<&str> = match d {
                        Dep::App => Module::ALL.iter().map(|m| module_name(lang, *m)).collect(),
                        Dep::Service(m) => vec![module_name(lang, m)],
                    };
                    let n = instances(i, d);
                    let hit = hit_dep(a) == Some(d);
                    view! {
                        <li class="arch__dep" class:arch__dep--hit=hit>
                            <span class="arch__dep-name">{dep_name(lang, d)}</span>
                            <span class="arch__dep-count">{format!("× {n}")}</span>
                            <span class="arch__dep-mods">{mods.join(" · ")}</span>
                        </li>
                    }
                    .into_any()
                })
                .collect_view();
            let feats = Feature::ALL
                .into_iter()
                .map(|f| {
                    let st = arch::feature_state(&rows, i, f).name();
                    let label = match st {
                        "ok" => td_string!(lang, arch.state_ok),
                        "warn" => td_string!(lang, arch.state_warn),
                        "hit" => td_string!(lang, arch.state_hit),
                        _ => td_string!(lang, arch.state_bad),
                    };
                    view! {
                        <li class=format!("arch__feature arch__feature--{st}")>
                            <span>{feature_name(lang, f)}</span>
                            <span class="arch__feature-state">{label}</span>
                        </li>
                    }
                    .into_any()
                })
                .collect_view();
            view! {
                <div class="arch__side">
                    {heading(level, "arch__side-title", None, arch_name(lang, a))}
                    <ul class="arch__deps" aria-label=td_string!(lang, arch.deps_label)>{deps}</ul>
                    <ul class="arch__features" aria-label=td_string!(lang, arch.features_label)>{feats}</ul>
                </div>
            }
            .into_any()
        })
        .collect_view();
    let body = rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{figure_name(lang, r.figure)}</th>
                    <td>{value_text(lang, &r.a)}</td>
                    <td>{value_text(lang, &r.b)}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <div class="arch__sides">{cards}</div>
        <div class="arch__table-wrap">
            <table class="arch__table">
                <caption>{fill(td_string!(lang, arch.table_caption), &[("action", &action_name(lang, setup.action))])}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(lang, arch.col_figure)}</th>
                        <th scope="col">{arch_name(lang, setup.a)}</th>
                        <th scope="col">{arch_name(lang, setup.b)}</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <p class="arch__explain">{action_explain(lang, setup.action)}</p>
    }
}
