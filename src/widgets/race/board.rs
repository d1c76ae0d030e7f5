//! The scheduler board: settings, one column per transaction, the database, the waits-for graph, the
//! controls, the outcome and the step log (the text twin).
//!
//! Controls are Leptos elements that stay in place while the run changes (so keyboard focus stays on the button
//! just pressed); the read-only displays are HTML strings from the view model (escaped with [`esc`]), which
//! keeps the widget's wasm small.

use super::text::{self, esc, fill};
use super::Ctx;
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::txn::model::{Action, MinorKind};
use msa_sim::txn::view::{client_error, run_view, RaceConfig, RunView, StepMark, TxnStatus, TxnView};
use msa_sim::txn::{replay, Ending, Schedule, Scenario, State, PRESETS};
use std::fmt::Write;

#[component]
pub fn Board(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let view_m = Memo::new(move |_| ctx.sim.with(|s| run_view(&s.run)));
    // Columns are rebuilt only when the number of transactions changes.
    let n_txns = Memo::new(move |_| ctx.sim.with(|s| s.run.scenario.n_txns()));
    let side = move || ctx.sim.with(|s| side_html(lang, &s.run.scenario, &view_m.get(), &ctx.uid.get_value()));
    let outcome = move || ctx.sim.with(|s| outcome_html(lang, &s.run.scenario, s.run.state(), &view_m.get()));
    view! {
        <Settings ctx />
        <div class="race__board">
            <div class="race__txns" role="group" aria-label=td_string!(lang, race.txn_heading)>
                {move || (0..n_txns.get() as u8).map(|t| view! { <TxnColumn ctx t view_m /> }).collect_view()}
            </div>
            <div class="race__side" inner_html=side></div>
        </div>
        <Controls ctx />
        <p class="race__note" role="status">{move || ctx.note.get()}</p>
        <div class="race__outcome-wrap" aria-live="polite" inner_html=outcome></div>
        <Log ctx />
    }
}

#[component]
fn Settings(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let cfg = move || ctx.sim.with(|s| s.cfg);
    let on_scenario = move |ev| {
        if let Some(c) = RaceConfig::named(&event_target_value(&ev)) {
            ctx.reconfigure(RaceConfig { minor: cfg().minor, ..c });
        }
    };
    let on_strategy = move |ev| {
        if let Some(s) = msa_sim::txn::Strategy::from_name(&event_target_value(&ev)) {
            ctx.reconfigure(RaceConfig { strategy: s, ..cfg() });
        }
    };
    let on_clients = move |ev| {
        if let Some(n) = event_target_value(&ev).parse::<usize>().ok().filter(|n| (1..=3).contains(n)) {
            ctx.reconfigure(RaceConfig { clients: n, ..cfg() });
        }
    };
    let on_minor = move |ev| ctx.reconfigure(RaceConfig { minor: event_target_checked(&ev), ..cfg() });
    let scenario_options: String = PRESETS
        .iter()
        .map(|p| format!("<option value=\"{}\">{}</option>", p.name, esc(text::scenario(lang, p.name))))
        .collect();
    let strategy_options = move || {
        let c = cfg();
        c.preset
            .story
            .strategies()
            .iter()
            .map(|&s| {
                let sel = if s == c.strategy { " selected" } else { "" };
                format!("<option value=\"{}\"{sel}>{}</option>", s.name(), esc(text::strategy(lang, s)))
            })
            .collect::<String>()
    };
    let sc_id = format!("{uid}-scenario");
    let st_id = format!("{uid}-strategy");
    let cl_id = format!("{uid}-clients");
    let mi_id = format!("{uid}-minor");
    // Options are set as HTML; `prop:value` after them selects the current one.
    let scenario_select = NodeRef::<leptos::html::Select>::new();
    let strategy_select = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        let c = cfg();
        let _ = strategy_options();
        if let Some(el) = scenario_select.get() {
            el.set_value(c.preset.name);
        }
        if let Some(el) = strategy_select.get() {
            el.set_value(c.strategy.name());
        }
    });
    view! {
        <fieldset class="race__settings">
            <legend>{td_string!(lang, race.settings)}</legend>
            <label class="race__field">
                <span>{td_string!(lang, race.scenario)}</span>
                <select id=sc_id node_ref=scenario_select on:change=on_scenario inner_html=scenario_options></select>
            </label>
            <label class="race__field">
                <span>{td_string!(lang, race.strategy)}</span>
                <select id=st_id node_ref=strategy_select on:change=on_strategy inner_html=strategy_options></select>
            </label>
            <label class="race__field">
                <span>{td_string!(lang, race.clients)}</span>
                <select id=cl_id on:change=on_clients prop:value=move || cfg().clients.to_string()>
                    <option value="1">"1"</option>
                    <option value="2">"2"</option>
                    <option value="3">"3"</option>
                </select>
            </label>
            <label class="race__check">
                <input type="checkbox" id=mi_id prop:checked=move || cfg().minor on:change=on_minor />
                <span>{td_string!(lang, race.minor)}</span>
            </label>
        </fieldset>
    }
}

fn status_class(s: &TxnStatus) -> &'static str {
    match s {
        TxnStatus::Ready => "ready",
        TxnStatus::Waiting { .. } => "waiting",
        TxnStatus::DeadlockCheck { .. } => "deadlock",
        TxnStatus::Aborted { .. } => "aborted",
        TxnStatus::Done { .. } => "done",
    }
}

fn kind_slug(k: MinorKind) -> &'static str {
    match k {
        MinorKind::Read => "read",
        MinorKind::Compute => "compute",
        MinorKind::Write => "write",
        MinorKind::Control => "control",
    }
}

/// A column's head, program and app variables.
fn column_html(lang: Locale, t: &TxnView) -> String {
    let mut h = String::new();
    let cls = status_class(&t.status);
    let status = match t.status {
        TxnStatus::Ready => td_string!(lang, race.status_ready),
        TxnStatus::Waiting { .. } => td_string!(lang, race.status_waiting),
        TxnStatus::DeadlockCheck { .. } => td_string!(lang, race.status_deadlock),
        TxnStatus::Aborted { .. } => td_string!(lang, race.status_aborted),
        TxnStatus::Done { .. } => td_string!(lang, race.status_done),
    };
    let _ = write!(h, "<div class=\"race__txn-head\"><strong class=\"race__txn-name\">{}</strong>", text::txn(t.id));
    if let Some(s) = t.server {
        let _ = write!(h, "<span class=\"race__server\">{}</span>", esc(&fill(td_string!(lang, race.on_server), &[&(s + 1).to_string()])));
    }
    let _ = write!(h, "<span class=\"race__badge race__badge--{cls}\">{}</span>", esc(status));
    if t.max_attempts > 1 {
        let a = fill(td_string!(lang, race.attempt), &[&t.attempt.to_string(), &t.max_attempts.to_string()]);
        let _ = write!(h, "<span class=\"race__attempt\">{}</span>", esc(&a));
    }
    h.push_str("</div><ol class=\"race__steps\">");
    for s in &t.steps {
        let (mark, current) = match s.mark {
            StepMark::Done => ("done", ""),
            StepMark::Next => ("next", " aria-current=\"step\""),
            StepMark::Later => ("later", ""),
        };
        let app = if s.app_local { " race__step--app" } else { "" };
        let _ = write!(
            h,
            "<li class=\"race__step race__step--{mark}{app}\"{current}><span class=\"race__kind race__kind--{}\">{}</span><code>{}</code>",
            kind_slug(s.kind),
            esc(text::minor(lang, s.kind)),
            esc(&s.sql)
        );
        if s.mark == StepMark::Next {
            let _ = write!(h, "<span class=\"race__next\">{}</span>", esc(td_string!(lang, race.next_marker)));
        }
        h.push_str("</li>");
    }
    h.push_str("</ol>");
    let vars: Vec<String> = [
        t.x.map(|v| format!("x = {v}")),
        t.seen.map(|v| format!("seen = {v}")),
        t.new.map(|v| format!("new = {v}")),
        t.rows.map(|v| format!("rows = {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !vars.is_empty() {
        let _ = write!(
            h,
            "<p class=\"race__vars\"><span class=\"race__vars-label\">{}</span> <code>{}</code></p>",
            esc(td_string!(lang, race.vars)),
            esc(&vars.join(", "))
        );
    }
    h
}

/// Why a transaction cannot move (or how it ended), and the error its client got.
fn why_html(lang: Locale, sc: &Scenario, st: &State, t: &TxnView) -> String {
    let why = match t.status {
        TxnStatus::Waiting { .. } => sc.action_for(st, t.id).err().map(|b| text::blocked(lang, sc, b)),
        TxnStatus::DeadlockCheck { on, holder } => {
            Some(fill(td_string!(lang, race.why_deadlock), &[&text::on(lang, sc, on), &text::holder(lang, holder)]))
        }
        TxnStatus::Aborted { .. } => Some(td_string!(lang, race.why_aborted).to_string()),
        TxnStatus::Done { ending } => Some(text::ending(lang, ending)),
        TxnStatus::Ready => None,
    };
    let mut h = String::new();
    if let Some(w) = why {
        let _ = write!(h, "<p class=\"race__why\">{}</p>", esc(&w));
    }
    if let TxnStatus::Aborted { error } = t.status {
        let _ = write!(h, "<pre class=\"race__error\">{}</pre>", esc(&client_error(sc, st, t.id, error)));
    }
    h
}

#[component]
fn TxnColumn(ctx: Ctx, t: u8, view_m: Memo<RunView>) -> impl IntoView {
    let lang = ctx.lang;
    let name = text::txn(t);
    let tv = move || view_m.with(|v| v.txns.get(t as usize).cloned());
    let class = move || format!("race__txn race__txn--{}", tv().map_or("done", |v| status_class(&v.status)));
    let body = move || tv().map(|v| column_html(lang, &v)).unwrap_or_default();
    let why = move || {
        let v = tv();
        ctx.sim.with(|s| v.map(|v| why_html(lang, &s.run.scenario, s.run.state(), &v)).unwrap_or_default())
    };
    let can = move || tv().is_some_and(|v| v.can_move);
    let label = move || {
        let action = ctx.sim.with(|s| s.run.scenario.action_for(s.run.state(), t));
        match action {
            Ok(Action::DeadlockCheck(_)) => fill(td_string!(lang, race.move_check), &[&name]),
            Ok(Action::Rollback(_)) => fill(td_string!(lang, race.move_rollback), &[&name]),
            _ => fill(td_string!(lang, race.move_next), &[&name]),
        }
    };
    view! {
        <div class=class data-txn=t + 1>
            <div inner_html=body></div>
            <button type="button" class="button race__move" class:button--primary=can disabled=move || !can()
                aria-keyshortcuts=(t + 1).to_string() on:click=move |_| ctx.step(t)>
                {label}" "<kbd>{t + 1}</kbd>
            </button>
            <div inner_html=why></div>
        </div>
    }
}

/// The database table, app mutexes, orders, and the waits-for graph.
fn side_html(lang: Locale, sc: &Scenario, v: &RunView, uid: &str) -> String {
    let mut h = String::new();
    let holder = |x| esc(&text::holder(lang, x));
    let list = |ts: &[u8]| if ts.is_empty() { "–".to_string() } else { ts.iter().map(|&w| text::txn(w)).collect::<Vec<_>>().join(", ") };
    let versioned = v.rows.first().is_some_and(|r| r.versioned);
    let _ = write!(h, "<div class=\"race__db\"><h4>{}</h4><div class=\"race__table-wrap\"><table class=\"race__table\"><thead><tr>", esc(td_string!(lang, race.db_heading)));
    let mut cols = vec![td_string!(lang, race.col_row), td_string!(lang, race.col_value)];
    if versioned {
        cols.push(td_string!(lang, race.col_version));
    }
    cols.extend([td_string!(lang, race.col_pending), td_string!(lang, race.col_holder), td_string!(lang, race.col_waiters)]);
    for c in cols {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in &v.rows {
        let pending = r.pending.map_or("–".to_string(), |p| if versioned { format!("{} (v{})", p.value, p.version) } else { p.value.to_string() });
        let _ = write!(h, "<tr><th scope=\"row\"><code>{}.{} id={}</code></th><td class=\"race__value\">{}</td>", r.table, r.column, r.id, r.value);
        if versioned {
            let _ = write!(h, "<td>{}</td>", r.version);
        }
        let _ = write!(h, "<td>{pending}</td><td>{}</td><td>{}</td></tr>", holder(r.holder), list(&r.waiters));
    }
    h.push_str("</tbody></table></div>");
    if !v.mutexes.is_empty() {
        let _ = write!(h, "<p class=\"race__mutex-head\">{}</p><ul class=\"race__mutexes\">", esc(td_string!(lang, race.mutexes)));
        for m in &v.mutexes {
            let _ = write!(
                h,
                "<li><strong>{}</strong>: {} {} · {} {}</li>",
                esc(&text::mutex(lang, m.server)),
                esc(td_string!(lang, race.col_holder)),
                holder(m.holder),
                esc(td_string!(lang, race.col_waiters)),
                list(&m.waiters)
            );
        }
        h.push_str("</ul>");
    }
    if sc.txns.iter().any(|t| t.orders > 0) {
        let _ = write!(h, "<p class=\"race__orders\">{}</p>", esc(&fill(td_string!(lang, race.orders), &[&v.orders.to_string()])));
    }
    h.push_str("</div>");

    // The waits-for graph: nodes on a line, an arrow from each waiter to the holder it waits for.
    let x = |t: u8| 40 + 100 * t as i32;
    let width = 80 + 100 * (v.txns.len().max(1) as i32 - 1);
    let _ = write!(
        h,
        "<div class=\"race__graph\"><h4>{}</h4><svg class=\"race__graph-svg\" viewBox=\"0 0 {width} 100\" aria-hidden=\"true\" focusable=\"false\">\
         <defs><marker id=\"{uid}-arrow\" viewBox=\"0 0 10 10\" refX=\"8\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M 0 0 L 10 5 L 0 10 z\" class=\"race__arrow-head\"/></marker></defs>",
        esc(td_string!(lang, race.graph_heading))
    );
    for e in &v.edges {
        let (x1, x2) = (x(e.from), x(e.to));
        let bend = if e.from < e.to { -34 } else { 34 };
        let dir = if x2 > x1 { 1 } else { -1 };
        let cyc = if e.in_cycle { " race__edge--cycle" } else { "" };
        let _ = write!(
            h,
            "<path d=\"M {} 50 Q {} {} {} 50\" class=\"race__edge{cyc}\" marker-end=\"url(#{uid}-arrow)\"/>",
            x1 + 14 * dir,
            (x1 + x2) / 2,
            50 + bend,
            x2 - 16 * dir
        );
    }
    for t in &v.txns {
        let cls = match t.status {
            TxnStatus::Waiting { .. } | TxnStatus::DeadlockCheck { .. } => "waiting",
            other => status_class(&other),
        };
        let _ = write!(
            h,
            "<g class=\"race__node race__node--{cls}\"><circle cx=\"{x}\" cy=\"50\" r=\"14\"/><text x=\"{x}\" y=\"55\" text-anchor=\"middle\">{}</text></g>",
            text::txn(t.id),
            x = x(t.id)
        );
    }
    h.push_str("</svg>");
    if v.edges.is_empty() {
        let _ = write!(h, "<p class=\"race__edges\">{}</p>", esc(td_string!(lang, race.graph_none)));
    } else {
        h.push_str("<ul class=\"race__edges\">");
        for e in &v.edges {
            let mut s = fill(td_string!(lang, race.edge), &[&text::txn(e.from), &text::txn(e.to), &text::on(lang, sc, e.on)]);
            if e.in_cycle {
                s.push_str(" · ");
                s.push_str(td_string!(lang, race.edge_cycle));
            }
            let cls = if e.in_cycle { " class=\"race__edge-text--cycle\"" } else { "" };
            let _ = write!(h, "<li{cls}>{}</li>", esc(&s));
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
    h
}

fn outcome_html(lang: Locale, sc: &Scenario, st: &State, v: &RunView) -> String {
    let Some(o) = &v.outcome else { return String::new() };
    let who = text::outcome_error(o.kind)
        .and_then(|e| o.txns.iter().position(|t| t.ending == Some(Ending::Failed(e)) || t.errors.contains(&e)))
        .map(|i| text::txn(i as u8))
        .unwrap_or_default();
    let bad = if o.kind.is_bad() { " race__outcome--bad" } else { "" };
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"race__outcome{bad}\" data-outcome=\"{}\"><h4>{}: {}</h4><p>{}</p><ul>",
        o.kind.name(),
        esc(td_string!(lang, race.outcome_heading)),
        esc(text::outcome_name(lang, o.kind)),
        esc(&text::outcome_text(lang, o.kind, &who))
    );
    for (i, r) in sc.rows.iter().enumerate() {
        let s = fill(
            td_string!(lang, race.final_values),
            &[
                &format!("{}.{} id={}", r.table, r.column, r.id),
                &o.final_values.get(i).copied().unwrap_or(0).to_string(),
                &o.expected_values.get(i).copied().unwrap_or(0).to_string(),
            ],
        );
        let _ = write!(h, "<li class=\"race__final\">{}</li>", esc(&s));
    }
    for (i, t) in o.txns.iter().enumerate() {
        let end = t.ending.map(|e| text::ending(lang, e)).unwrap_or_else(|| td_string!(lang, race.o_stuck).to_string());
        let _ = write!(h, "<li>{}: {}</li>", text::txn(i as u8), esc(&end));
    }
    h.push_str("</ul>");
    let errors: Vec<String> = o
        .txns
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.errors.iter().map(move |e| format!("{}: {}", text::txn(i as u8), client_error(sc, st, i as u8, *e))))
        .collect();
    if !errors.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p><pre class=\"race__error\">{}</pre>",
            esc(td_string!(lang, race.client_sees)),
            esc(&errors.join("\n"))
        );
    }
    h.push_str("</div>");
    h
}

#[component]
fn Controls(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let seed = RwSignal::new("1".to_string());
    let seed_ok = move || seed.with(|s| s.trim().parse::<u64>().ok().filter(|n| *n <= 999_999));
    let taken = move || ctx.sim.with(|s| s.run.taken.len());
    let over = move || ctx.sim.with(|s| s.run.is_over());
    let sched = move || {
        let s = ctx.sim.with(|s| s.run.schedule().encode());
        if s.is_empty() { td_string!(lang, race.schedule_empty).to_string() } else { fill(td_string!(lang, race.schedule), &[&s]) }
    };
    // The lesson's schedule, when it fits the scenario as configured.
    let showcase = move || {
        ctx.sim.with(|s| {
            let sched = Schedule::decode(s.cfg.preset.showcase).ok()?;
            replay(&s.run.scenario, &sched).ok().map(|_| sched)
        })
    };
    let replaying = move || ctx.sim.with(|s| s.replay.as_ref().map(|r| r.encode()));
    let next = move || ctx.replay_next();
    let seed_id = format!("{uid}-seed");
    view! {
        <div class="race__controls" role="group" aria-label=td_string!(lang, race.controls)>
            <button type="button" class="button" on:click=move |_| ctx.undo() disabled=move || taken() == 0 aria-keyshortcuts="u">
                {td_string!(lang, race.undo)}" "<kbd>"U"</kbd>
            </button>
            <button type="button" class="button" on:click=move |_| ctx.reset() disabled=move || taken() == 0>{td_string!(lang, race.reset)}</button>
            <label class="race__seed">
                <span>{td_string!(lang, race.seed)}</span>
                <input id=seed_id type="number" min="0" max="999999" step="1" inputmode="numeric"
                    prop:value=move || seed.get() on:input=move |ev| seed.set(event_target_value(&ev))
                    aria-invalid=move || seed_ok().is_none().then_some("true") />
            </label>
            <button type="button" class="button" disabled=move || over() || seed_ok().is_none()
                on:click=move |_| { if let Some(s) = seed_ok() { ctx.auto(s) } }>{td_string!(lang, race.auto)}</button>
            <button type="button" class="button race__showcase" disabled=move || showcase().is_none()
                on:click=move |_| { if let Some(s) = showcase() { ctx.open(s) } }>{td_string!(lang, race.showcase)}</button>
            <p class="race__bad" hidden=move || seed_ok().is_some()>{td_string!(lang, race.seed_bad)}</p>
            <p class="race__hint">{td_string!(lang, race.key_hint)}</p>
            <p class="race__schedule">{sched}</p>
            <div class="race__replay" hidden=move || replaying().is_none()>
                <p><strong>{move || fill(td_string!(lang, race.replay_heading), &[&replaying().unwrap_or_default()])}</strong></p>
                <button type="button" class="button button--primary race__replay-step" disabled=move || next().is_none()
                    on:click=move |_| { if let Some(t) = ctx.replay_next() { ctx.step(t) } }>
                    {td_string!(lang, race.replay_step)}{move || next().map(|t| format!(" ({})", text::txn(t)))}
                </button>
                <button type="button" class="button" disabled=move || next().is_none() on:click=move |_| {
                    while let Some(t) = ctx.replay_next() { ctx.step(t); }
                }>{td_string!(lang, race.replay_all)}</button>
                <p hidden=move || next().is_some()>{td_string!(lang, race.replay_done)}</p>
            </div>
        </div>
    }
}

#[component]
fn Log(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let entries = move || {
        ctx.sim.with(|s| {
            let sc = &s.run.scenario;
            s.run
                .taken
                .iter()
                .enumerate()
                .map(|(i, tk)| {
                    let what = match (tk.action, tk.step) {
                        (Action::Step(_), Some(step)) => sc.step_sql(step),
                        (Action::DeadlockCheck(_), _) => td_string!(lang, race.log_check).to_string(),
                        _ => td_string!(lang, race.log_rollback).to_string(),
                    };
                    let events: Vec<String> = tk.events.iter().map(|e| text::event(lang, sc, e)).collect();
                    (i, format!("{}: {what}", text::txn(tk.action.txn())), events.join(" "))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="race__log">
            <h4>{td_string!(lang, race.log_heading)}</h4>
            <p hidden=move || ctx.sim.with(|s| !s.run.taken.is_empty())>{td_string!(lang, race.log_empty)}</p>
            <ol class="race__log-list" aria-live="polite" aria-relevant="additions">
                <For each=entries key=|e| e.clone() let:e>
                    <li><code>{e.1}</code>" "<span>{e.2}</span></li>
                </For>
            </ol>
        </div>
    }
}
