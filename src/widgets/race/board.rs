//! The scheduler board: settings, one column per transaction, the database, the waits-for graph, the
//! controls, the outcome and the step log (the text twin).
//!
//! The board is one HTML string built from the view model (text escaped with [`esc`]) and set by one effect,
//! with one delegated handler per event type (`data-act` on buttons, `data-field` on form controls): a typed
//! Leptos view per element costs several times more wasm. The effect puts keyboard focus back on the control
//! with the same `data-focus` key after each render, so keyboard users keep their place. The step log stays a
//! keyed Leptos list, so a screen reader hears only the new entries.

use super::text::{self, esc, fill};
use super::Ctx;
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::race::model::{Action, MinorKind};
use msa_sim::race::view::{client_error, RunView, StepMark, TxnStatus, TxnView};
use msa_sim::race::{Ending, Scenario, State};
use std::fmt::Write;

pub fn status_class(s: &TxnStatus) -> &'static str {
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
pub fn column_html(lang: Locale, t: &TxnView) -> String {
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
        let _ = write!(
            h,
            "<span class=\"race__server\">{}</span>",
            esc(&fill(td_string!(lang, race.on_server), &[&(s + 1).to_string()]))
        );
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
pub fn why_html(lang: Locale, sc: &Scenario, st: &State, t: &TxnView) -> String {
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

/// The database table, app mutexes, orders, and the waits-for graph.
pub fn side_html(lang: Locale, sc: &Scenario, v: &RunView, uid: &str) -> String {
    let mut h = String::new();
    let holder = |x| esc(&text::holder(lang, x));
    let list = |ts: &[u8]| {
        if ts.is_empty() {
            "–".to_string()
        } else {
            ts.iter().map(|&w| text::txn(w)).collect::<Vec<_>>().join(", ")
        }
    };
    let versioned = v.rows.first().is_some_and(|r| r.versioned);
    let _ = write!(h, "<div class=\"race__db\"><h3>{}</h3><div class=\"race__table-wrap\" tabindex=\"0\"><table class=\"race__table\"><thead><tr>", esc(td_string!(lang, race.db_heading)));
    let mut cols = vec![td_string!(lang, race.col_row), td_string!(lang, race.col_value)];
    if versioned {
        cols.push(td_string!(lang, race.col_version));
    }
    cols.extend([
        td_string!(lang, race.col_pending),
        td_string!(lang, race.col_holder),
        td_string!(lang, race.col_waiters),
    ]);
    for c in cols {
        let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>");
    for r in &v.rows {
        let pending = r.pending.map_or("–".to_string(), |p| {
            if versioned {
                format!("{} (v{})", p.value, p.version)
            } else {
                p.value.to_string()
            }
        });
        let _ = write!(
            h,
            "<tr><th scope=\"row\"><code>{}.{} id={}</code></th><td class=\"race__value\">{}</td>",
            r.table, r.column, r.id, r.value
        );
        if versioned {
            let _ = write!(h, "<td>{}</td>", r.version);
        }
        let _ = write!(h, "<td>{pending}</td><td>{}</td><td>{}</td></tr>", holder(r.holder), list(&r.waiters));
    }
    h.push_str("</tbody></table></div>");
    if !v.mutexes.is_empty() {
        let _ = write!(
            h,
            "<p class=\"race__mutex-head\">{}</p><ul class=\"race__mutexes\">",
            esc(td_string!(lang, race.mutexes))
        );
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
        let _ = write!(
            h,
            "<p class=\"race__orders\">{}</p>",
            esc(&fill(td_string!(lang, race.orders), &[&v.orders.to_string()]))
        );
    }
    h.push_str("</div>");

    // The waits-for graph: nodes on a line, an arrow from each waiter to the holder it waits for.
    let x = |t: u8| 40 + 100 * t as i32;
    let width = 80 + 100 * (v.txns.len().max(1) as i32 - 1);
    let _ = write!(
        h,
        "<div class=\"race__graph\"><h3>{}</h3><svg class=\"race__graph-svg\" viewBox=\"0 0 {width} 100\" aria-hidden=\"true\" focusable=\"false\">\
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
            let mut s =
                fill(td_string!(lang, race.edge), &[&text::txn(e.from), &text::txn(e.to), &text::on(lang, sc, e.on)]);
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

pub fn outcome_html(lang: Locale, sc: &Scenario, st: &State, v: &RunView) -> String {
    let Some(o) = &v.outcome else { return String::new() };
    let who = text::outcome_error(o.kind)
        .and_then(|e| o.txns.iter().position(|t| t.ending == Some(Ending::Failed(e)) || t.errors.contains(&e)))
        .map(|i| text::txn(i as u8))
        .unwrap_or_default();
    let bad = if o.kind.is_bad() { " race__outcome--bad" } else { "" };
    let mut h = String::new();
    let _ = write!(
        h,
        "<div class=\"race__outcome{bad}\" data-outcome=\"{}\"><h3>{}: {}</h3><p>{}</p><ul>",
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
        .flat_map(|(i, t)| {
            t.errors.iter().map(move |e| format!("{}: {}", text::txn(i as u8), client_error(sc, st, i as u8, *e)))
        })
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

/// The step log, the text twin of the board: one `<li>` per action. Kept in step with the run by plain DOM
/// edits (entries after the first difference are removed, new ones appended), so a screen reader hears only
/// what was added.
#[component]
pub fn Log(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let list = NodeRef::<leptos::html::Ol>::new();
    let empty = NodeRef::<leptos::html::P>::new();
    let shown: StoredValue<Vec<String>> = StoredValue::new(Vec::new());
    Effect::new(move |_| {
        let items: Vec<String> = ctx.sim.with(|s| {
            let sc = &s.run.scenario;
            s.run
                .taken
                .iter()
                .map(|tk| {
                    let what = match (tk.action, tk.step) {
                        (Action::Step(_), Some(step)) => sc.step_sql(step),
                        (Action::DeadlockCheck(_), _) => td_string!(lang, race.log_check).to_string(),
                        _ => td_string!(lang, race.log_rollback).to_string(),
                    };
                    let events: Vec<String> = tk.events.iter().map(|e| text::event(lang, sc, e)).collect();
                    format!(
                        "<li><code>{}: {}</code> <span>{}</span></li>",
                        text::txn(tk.action.txn()),
                        esc(&what),
                        esc(&events.join(" "))
                    )
                })
                .collect()
        });
        let (Some(ol), Some(p)) = (list.get(), empty.get()) else { return };
        let old = shown.get_value();
        let keep = old.iter().zip(&items).take_while(|(a, b)| a == b).count();
        for _ in keep..old.len() {
            if let Some(last) = ol.last_element_child() {
                last.remove();
            }
        }
        if keep < items.len() {
            let _ = ol.insert_adjacent_html("beforeend", &items[keep..].concat());
        }
        let _ = p.toggle_attribute_with_force("hidden", !items.is_empty());
        shown.set_value(items);
    });
    view! {
        <div class="race__log">
            <h3>{td_string!(lang, race.log_heading)}</h3>
            <p node_ref=empty>{td_string!(lang, race.log_empty)}</p>
            <ol class="race__log-list" aria-live="polite" aria-relevant="additions" node_ref=list></ol>
        </div>
    }
}
