//! The board: one column per session (its statements, each with its reply, the step button), the controls,
//! the tables with every row version and its lock holders, the sessions and who waits for whom (tables and
//! lists: the text twin), and the step log. One HTML region, as the race board is (see `race::board` for why).

use super::text::{self, reply_html, reply_line, session};
use super::{Ctx, Ed};
use crate::i18n::*;
use crate::widgets::fill;
use crate::widgets::race::text::esc;
use crate::widgets::region::{button, html_region};
use leptos::html::Div;
use leptos::prelude::*;
use msa_sim::sql::url::{Board as Run, LogEntry, Step};
use msa_sim::sql::Snapshot;
use std::fmt::Write;
use wasm_bindgen::JsCast;

fn board_html(ctx: &Ctx, e: &Ed) -> String {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let Ok(run) = &e.built else {
        // The texts do not run: the error is under its text box; say so here too, for whoever reads the board.
        let msg = e.built.as_ref().err().map(|x| text::program_error(lang, x)).unwrap_or_default();
        return format!("<p class=\"race__bad sqled__cannot\">{}</p>", esc(&msg));
    };
    let snap = run.engine.snapshot();
    let mut h = String::new();
    let _ = write!(h, "<h3 id=\"{uid}-board\">{}</h3>", esc(td_string!(lang, sql.board)));
    let _ = write!(
        h,
        "<div class=\"race__board\"><div class=\"race__txns\" role=\"group\" aria-labelledby=\"{uid}-board\">"
    );
    for (i, (sr, stmts)) in run.sessions.iter().zip(&run.program.sessions).enumerate() {
        let name = session(i);
        let waiting = sr.waiting_in();
        let (cls, status) = session_status(lang, &snap, i, waiting.is_some(), sr.sent >= stmts.len());
        let _ = write!(
            h,
            "<div class=\"race__txn race__txn--{cls}\" data-session=\"{}\"><div class=\"race__txn-head\"><strong class=\"race__txn-name\">{name}</strong><span class=\"race__badge race__badge--{cls}\">{}</span></div>",
            i + 1,
            esc(&status)
        );
        if stmts.is_empty() {
            let _ = write!(h, "<p class=\"race__why\">{}</p>", esc(td_string!(lang, sql.session_empty)));
        }
        h.push_str("<ol class=\"race__steps sqled__steps\">");
        for (k, st) in stmts.iter().enumerate() {
            let (mark, word, current) = if Some(k) == waiting {
                ("waiting", td_string!(lang, sql.mark_waiting), " aria-current=\"step\"")
            } else if k < sr.sent {
                ("done", td_string!(lang, sql.mark_done), "")
            } else if k == sr.sent && waiting.is_none() {
                ("next", td_string!(lang, sql.mark_next), " aria-current=\"step\"")
            } else {
                ("later", "", "")
            };
            let _ = write!(
                h,
                "<li class=\"race__step race__step--{mark} sqled__step\"{current}><code>{}</code>",
                esc(st.sql())
            );
            if !word.is_empty() {
                let _ = write!(h, "<span class=\"race__next\">{}</span>", esc(word));
            }
            if let Some(Some(replies)) = sr.replies.get(k) {
                h.push_str("<div class=\"sqled__reply\">");
                for r in replies {
                    h.push_str(&reply_html(lang, r));
                }
                h.push_str("</div>");
            }
            h.push_str("</li>");
        }
        h.push_str("</ol>");
        if waiting.is_some() {
            let who = waits_on(&snap, i);
            let _ = write!(
                h,
                "<p class=\"race__why\">{}</p>",
                esc(&fill(td_string!(lang, sql.waits_lock), &[("who", &who)]))
            );
        }
        let step = Step::Session { index: i as u8 };
        let can = run.check(step).is_ok();
        let primary = if can { " button--primary" } else { "" };
        let label = fill(td_string!(lang, sql.next_button), &[("name", &name)]);
        let aria = fill(td_string!(lang, sql.next_label), &[("name", &name)]);
        let _ = write!(
            h,
            "<button type=\"button\" class=\"button race__move{primary}\" data-act=\"move-{n}\" data-focus=\"move-{n}\" aria-keyshortcuts=\"{n}\" title=\"{}\"{}>{} <kbd>{n}</kbd></button>",
            esc(&aria),
            if can { "" } else { " disabled" },
            esc(&label),
            n = i + 1
        );
        h.push_str("</div>");
    }
    h.push_str("</div><div class=\"race__side\">");
    h.push_str(&db_html(lang, &snap));
    h.push_str("</div></div>");

    // Controls.
    let taken = run.steps.len();
    let _ = write!(
        h,
        "<div class=\"race__controls\" role=\"group\" aria-label=\"{}\">",
        esc(td_string!(lang, sql.controls))
    );
    let can_time = run.check(Step::Time).is_ok();
    button(
        &mut h,
        "time",
        &format!("{} <kbd>T</kbd>", esc(td_string!(lang, sql.time))),
        can_time,
        "",
        &format!(" aria-keyshortcuts=\"t\" title=\"{}\"", esc(td_string!(lang, sql.time_label))),
    );
    button(
        &mut h,
        "undo",
        &format!("{} <kbd>U</kbd>", esc(td_string!(lang, sql.undo))),
        taken > 0,
        "",
        " aria-keyshortcuts=\"u\"",
    );
    button(&mut h, "reset", &esc(td_string!(lang, sql.reset)), taken > 0, "", "");
    let _ = write!(h, "<p class=\"race__hint\">{}</p>", esc(td_string!(lang, sql.key_hint)));
    let steps_text = if taken == 0 {
        td_string!(lang, sql.steps_none).to_string()
    } else {
        fill(td_string!(lang, sql.steps_taken), &[("steps", &text::steps(lang, &run.steps))])
    };
    let code = msa_sim::sql::url::steps_code(&run.steps);
    let _ = write!(h, "<p class=\"race__schedule\" data-steps=\"{code}\">{}</p>", esc(&steps_text));
    if let Some(r) = &e.replay {
        let code = msa_sim::sql::url::steps_code(r);
        let _ = write!(
            h,
            "<div class=\"race__replay\"><p><strong>{}</strong></p>",
            esc(&fill(td_string!(lang, sql.opened), &[("schedule", &text::steps(lang, r))]))
        );
        let _ = code;
        match e.replay_next() {
            Some(s) => {
                let who = match s {
                    Step::Session { index } => session(index.into()),
                    Step::Time => td_string!(lang, sql.time_step).to_string(),
                };
                let label = format!("{} ({who})", esc(td_string!(lang, sql.replay_step)));
                button(&mut h, "replay-step", &label, true, " button--primary race__replay-step", "");
                button(&mut h, "replay-all", &esc(td_string!(lang, sql.replay_all)), true, "", "");
            }
            None => {
                let _ = write!(h, "<p>{}</p>", esc(td_string!(lang, sql.replay_done)));
            }
        }
        h.push_str("</div>");
    }
    h.push_str("</div>");
    h
}

/// A session's badge: its class and word.
fn session_status(lang: Locale, snap: &Snapshot, i: usize, waiting: bool, done: bool) -> (&'static str, String) {
    if waiting {
        return ("waiting", fill(td_string!(lang, sql.waits_for), &[("who", &waits_on(snap, i))]));
    }
    match snap.sessions.get(i).map(|s| s.state) {
        Some("failed") => ("aborted", td_string!(lang, sql.st_aborted).into()),
        Some("in transaction") => ("ready", td_string!(lang, sql.st_in_txn).into()),
        _ if done => ("done", td_string!(lang, sql.st_done).into()),
        _ => ("ready", td_string!(lang, sql.st_idle).into()),
    }
}

/// The sessions `i` waits for, named.
fn waits_on(snap: &Snapshot, i: usize) -> String {
    let mut v: Vec<usize> = snap.edges.iter().filter(|w| w.from == i).map(|w| w.to).collect();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        "–".into()
    } else {
        v.into_iter().map(session).collect::<Vec<_>>().join(", ")
    }
}

/// A transaction id with who ran it and how it ended: "7 (T1, committed)".
fn xid(lang: Locale, x: u32, who: Option<usize>, state: &str) -> String {
    let who = who.map_or_else(|| td_string!(lang, sql.xid_setup).to_string(), session);
    let state = match state {
        "committed" => td_string!(lang, sql.xid_committed),
        "aborted" => td_string!(lang, sql.xid_aborted),
        _ => td_string!(lang, sql.xid_in_progress),
    };
    fill(td_string!(lang, sql.xid), &[("xid", &x), ("who", &who), ("state", &state)])
}

fn names(v: &[usize]) -> String {
    if v.is_empty() {
        "–".into()
    } else {
        v.iter().map(|&s| session(s)).collect::<Vec<_>>().join(", ")
    }
}

/// Who holds a lock on this version: the row locks the engine lists (`SELECT ... FOR ...`), and the session whose
/// UPDATE or DELETE is still in progress (PostgreSQL keeps that lock in the version's xmax).
fn holders(lang: Locale, v: &msa_sim::sql::VersionSnapshot) -> String {
    let mut out: Vec<String> = v.lockers.iter().map(|(s, m)| format!("{} {m}", session(*s))).collect();
    if let (Some(s), Some("in progress")) = (v.xmax_session, v.xmax_state) {
        if !v.lockers.iter().any(|(l, _)| *l == s) {
            out.push(fill(td_string!(lang, sql.xmax_lock), &[("name", &session(s))]));
        }
    }
    if out.is_empty() {
        "–".into()
    } else {
        out.join(", ")
    }
}

fn locks(v: &[(usize, &str)]) -> String {
    if v.is_empty() {
        "–".into()
    } else {
        v.iter().map(|(s, m)| format!("{} {m}", session(*s))).collect::<Vec<_>>().join(", ")
    }
}

/// Every table's row versions with their lock holders, the sessions, and who waits for whom.
fn db_html(lang: Locale, snap: &Snapshot) -> String {
    let mut h = String::new();
    let _ = write!(h, "<div class=\"race__db\"><h3>{}</h3>", esc(td_string!(lang, sql.db_heading)));
    for t in &snap.tables {
        let _ = write!(
            h,
            "<div class=\"race__table-wrap sqled__versions-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\"><table class=\"race__table sqled__versions\" data-table=\"{}\"><caption><code>{}</code></caption><thead><tr>",
            esc(&t.name),
            esc(&t.name),
            esc(&t.name)
        );
        for c in &t.columns {
            let _ = write!(h, "<th scope=\"col\"><code>{}</code></th>", esc(c));
        }
        for c in [
            td_string!(lang, sql.col_xmin),
            td_string!(lang, sql.col_xmax),
            td_string!(lang, sql.col_visible),
            td_string!(lang, sql.col_locks),
            td_string!(lang, sql.col_waiters),
        ] {
            let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
        }
        h.push_str("</tr></thead><tbody>");
        for v in &t.versions {
            let cls = if v.live { "sqled__version sqled__version--live" } else { "sqled__version" };
            let _ = write!(h, "<tr class=\"{cls}\" data-row=\"{}\" data-live=\"{}\">", v.row + 1, v.live);
            for val in &v.values {
                match val {
                    Some(x) => _ = write!(h, "<td>{}</td>", esc(x)),
                    None => _ = write!(h, "<td class=\"sqled__null\">{}</td>", esc(td_string!(lang, sql.null))),
                }
            }
            let xmax = match (v.xmax, v.xmax_state) {
                (Some(x), Some(st)) => xid(lang, x, v.xmax_session, st),
                _ => "–".into(),
            };
            let yes = if v.live { td_string!(lang, sql.yes) } else { td_string!(lang, sql.no) };
            let _ = write!(
                h,
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&xid(lang, v.xmin, v.xmin_session, v.xmin_state)),
                esc(&xmax),
                esc(yes),
                esc(&holders(lang, v)),
                esc(&names(&v.waiters))
            );
        }
        if t.versions.is_empty() {
            let _ = write!(
                h,
                "<tr><td colspan=\"{}\">{}</td></tr>",
                t.columns.len() + 5,
                esc(td_string!(lang, sql.no_rows))
            );
        }
        h.push_str("</tbody></table></div>");
        if !t.locks.is_empty() || !t.lock_waiters.is_empty() {
            let _ = write!(
                h,
                "<p class=\"sqled__table-locks\">{}</p>",
                esc(&fill(
                    td_string!(lang, sql.table_locks),
                    &[("table", &t.name), ("held", &locks(&t.locks)), ("waiting", &locks(&t.lock_waiters))]
                ))
            );
        }
    }
    h.push_str("</div>");

    // The sessions, and who waits for whom.
    let _ = write!(
        h,
        "<div class=\"race__graph\"><h3>{}</h3><div class=\"race__table-wrap\"><table class=\"race__table sqled__sessions\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(td_string!(lang, sql.sessions_heading)),
        esc(td_string!(lang, sql.col_session)),
        esc(td_string!(lang, sql.col_state)),
        esc(td_string!(lang, sql.col_isolation))
    );
    for (i, s) in snap.sessions.iter().enumerate() {
        let state = match s.state {
            "waiting" => fill(td_string!(lang, sql.waits_for), &[("who", &waits_on(snap, i))]),
            "failed" => td_string!(lang, sql.st_aborted).to_string(),
            "in transaction" => td_string!(lang, sql.st_in_txn).to_string(),
            _ => td_string!(lang, sql.st_idle).to_string(),
        };
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            session(i),
            esc(&state),
            esc(s.isolation.unwrap_or("–"))
        );
    }
    h.push_str("</tbody></table></div>");
    let _ = write!(h, "<h3>{}</h3>", esc(td_string!(lang, sql.graph_heading)));
    if snap.edges.is_empty() {
        let _ = write!(h, "<p class=\"race__edges\">{}</p>", esc(td_string!(lang, sql.graph_none)));
    } else {
        h.push_str("<ul class=\"race__edges sqled__edges\">");
        for w in &snap.edges {
            let t = if w.hard { td_string!(lang, sql.edge) } else { td_string!(lang, sql.edge_soft) };
            let _ = write!(h, "<li>{}</li>", esc(&fill(t, &[("from", &session(w.from)), ("to", &session(w.to))])));
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
    h
}

/// The step log: a keyed list, so a screen reader hears only the new entries.
fn log_lines(lang: Locale, run: &Run) -> Vec<String> {
    run.log
        .iter()
        .map(|l| match l {
            LogEntry::Sent { session: s, stmt } => {
                let sql = run.program.sessions.get(usize::from(*s)).and_then(|p| p.get(*stmt)).map_or("", |x| x.sql());
                fill(td_string!(lang, sql.log_send), &[("name", &session((*s).into())), ("sql", &sql)])
            }
            LogEntry::Time => td_string!(lang, sql.log_time).to_string(),
            LogEntry::Waits { session: s, .. } => {
                fill(td_string!(lang, sql.log_waits), &[("name", &session((*s).into()))])
            }
            LogEntry::Finished { session: s, replies, .. } => {
                let r: Vec<String> = replies.iter().map(|r| reply_line(lang, r)).collect();
                fill(td_string!(lang, sql.log_reply), &[("name", &session((*s).into())), ("reply", &r.join("; "))])
            }
        })
        .collect()
}

fn target_el(ev: &web_sys::Event) -> Option<web_sys::Element> {
    ev.target()?.dyn_into::<web_sys::Element>().ok()
}

#[component]
pub fn Board(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let node = NodeRef::<Div>::new();
    html_region(node, move || ctx.ed.with(|e| board_html(&ctx, e)));
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = target_el(&ev).and_then(|t| t.closest("[data-act]").ok().flatten()) else { return };
        let act = el.get_attribute("data-act").unwrap_or_default();
        match act.as_str() {
            "undo" => ctx.undo(),
            "reset" => ctx.reset(),
            "time" => ctx.step(Step::Time),
            "replay-step" => {
                if let Some(s) = ctx.ed.with_untracked(|e| e.replay_next()) {
                    ctx.step(s);
                }
            }
            "replay-all" => {
                while let Some(s) = ctx.ed.with_untracked(|e| e.replay_next()) {
                    let before = ctx.ed.with_untracked(|e| e.state.steps.len());
                    ctx.step(s);
                    if ctx.ed.with_untracked(|e| e.state.steps.len()) == before {
                        break;
                    }
                }
            }
            a => {
                if let Some(n) = a.strip_prefix("move-").and_then(|n| n.parse::<u8>().ok()) {
                    ctx.step(Step::Session { index: n.saturating_sub(1) });
                }
            }
        }
    };
    let lines = move || ctx.ed.with(|e| e.built.as_ref().map(|b| log_lines(lang, b)).unwrap_or_default());
    // Only a change between "nothing yet" and "some lines" rebuilds the list; new lines are added to it.
    let empty = Memo::new(move |_| ctx.ed.with(|e| e.built.as_ref().map_or(true, |b| b.log.is_empty())));
    view! {
        <div class="race__main sqled__main" node_ref=node on:click=on_click></div>
        <p class="race__note" role="status">{move || ctx.note.get()}</p>
        <details class="race__log sqled__log" open>
            <summary>{td_string!(lang, sql.log_heading)}</summary>
            {move || {
                if empty.get() {
                    view! { <p class="race__why">{td_string!(lang, sql.log_empty)}</p> }.into_any()
                } else {
                    view! {
                        <ol class="race__log-list" aria-live="polite">
                            <For each=move || lines().into_iter().enumerate() key=|(i, s)| (*i, s.clone()) let:item>
                                <li>{item.1}</li>
                            </For>
                        </ol>
                    }
                        .into_any()
                }
            }}
        </details>
    }
}
