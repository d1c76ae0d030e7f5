//! Every interleaving of the programs ([`Explorer`] in slices of at most ~8 ms, so the page stays responsive,
//! shows progress and can cancel), grouped by outcome, each group with a schedule to open on the board.

use super::text::{self, reply_line, session};
use super::Ctx;
use crate::i18n::*;
use crate::widgets::fill;
use crate::widgets::race::text::esc;
use crate::widgets::region::{clicked_button, html_region, show_replay};
use leptos::prelude::*;
use msa_sim::sql::url::{steps_code, Budget, Explorer, OutcomeGroup, Step};
use std::fmt::Write;
use std::time::Duration;

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

#[derive(Clone, PartialEq)]
struct Found {
    /// The texts explored (the link without its steps): results for other texts are stale.
    texts: String,
    groups: Vec<OutcomeGroup>,
    schedules: u64,
    truncated: bool,
    /// From the click to the last slice, yields between slices included.
    wall_ms: f64,
}

#[derive(Clone, PartialEq)]
enum Progress {
    Idle,
    Running(u64),
    Cancelled(u64),
    Failed(String),
    Done(Found),
}

/// Steps between clock checks inside one slice.
const CHUNK: u64 = 256;
/// Work per slice before yielding to the browser.
const SLICE_MS: f64 = 8.0;

/// The texts of the editor, without the steps taken.
fn texts(ctx: &Ctx) -> String {
    ctx.ed.with(|e| {
        let mut st = e.state.clone();
        st.steps.clear();
        st.encode()
    })
}

#[component]
pub fn Explore(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let progress = RwSignal::new(Progress::Idle);
    // Bumped to start or cancel: a slice of an older generation stops.
    let generation = StoredValue::new(0u32);
    let explorer: StoredValue<Option<Explorer>, LocalStorage> = StoredValue::new_local(None);

    fn tick(
        gen: u32,
        started: f64,
        texts: String,
        generation: StoredValue<u32>,
        explorer: StoredValue<Option<Explorer>, LocalStorage>,
        progress: RwSignal<Progress>,
    ) {
        // A newer exploration started, it was cancelled, or the widget is gone (the learner left the page).
        if generation.try_get_value() != Some(gen) {
            return;
        }
        let t0 = now_ms();
        let mut done = false;
        explorer.try_update_value(|e| {
            if let Some(e) = e {
                while !done && now_ms() - t0 < SLICE_MS {
                    done = e.run(CHUNK);
                }
            }
        });
        let snapshot = explorer
            .try_with_value(|e| {
                e.as_ref().map(|e| {
                    (
                        e.schedules,
                        done.then(|| Found {
                            texts: texts.clone(),
                            groups: e.groups().to_vec(),
                            schedules: e.schedules,
                            truncated: e.truncated,
                            wall_ms: now_ms() - started,
                        }),
                    )
                })
            })
            .flatten();
        match snapshot {
            Some((_, Some(found))) => {
                explorer.try_set_value(None);
                progress.try_set(Progress::Done(found));
            }
            Some((n, None)) => {
                progress.try_set(Progress::Running(n));
                set_timeout(move || tick(gen, started, texts, generation, explorer, progress), Duration::ZERO);
            }
            None => {}
        }
    }

    let start = move || {
        let program = ctx.ed.with_untracked(|e| e.state.program());
        let made = program
            .map_err(|e| text::program_error(lang, &e))
            .and_then(|p| Explorer::new(p, Budget::DEFAULT).map_err(|e| text::program_error(lang, &e)));
        let x = match made {
            Ok(x) => x,
            Err(why) => {
                progress.set(Progress::Failed(fill(td_string!(lang, sql.explore_error), &[("why", &why)])));
                return;
            }
        };
        let gen = generation.get_value().wrapping_add(1);
        generation.set_value(gen);
        explorer.set_value(Some(x));
        progress.set(Progress::Running(0));
        let started = now_ms();
        let t = untrack(|| texts(&ctx));
        // The first slice after the browser has painted "Exploring…".
        set_timeout(move || tick(gen, started, t, generation, explorer, progress), Duration::ZERO);
    };
    let cancel = move || {
        generation.set_value(generation.get_value().wrapping_add(1));
        let n = explorer.with_value(|e| e.as_ref().map_or(0, |e| e.schedules));
        explorer.set_value(None);
        progress.set(Progress::Cancelled(n));
    };
    let node = NodeRef::<leptos::html::Div>::new();
    let uid = ctx.uid.get_value();
    html_region(node, move || {
        let p = progress.get();
        let running = matches!(p, Progress::Running(_));
        let runnable = ctx.ed.with(|e| e.built.is_ok());
        let mut h = String::new();
        let _ = write!(
            h,
            "<h3 id=\"{uid}-explore\">{}</h3><div class=\"race__explore-actions\"><button type=\"button\" class=\"button button--primary race__explore-go\" data-act=\"explore\" data-focus=\"explore\"{}>{}</button>",
            esc(td_string!(lang, sql.explore_heading)),
            if running || !runnable { " disabled" } else { "" },
            esc(td_string!(lang, sql.explore))
        );
        if running {
            let _ = write!(
                h,
                "<button type=\"button\" class=\"button\" data-act=\"cancel\" data-focus=\"explore-cancel\">{}</button>",
                esc(td_string!(lang, sql.cancel))
            );
        }
        h.push_str("</div><div class=\"race__explore-result\">");
        match p {
            Progress::Idle => {}
            Progress::Running(n) => {
                let _ = write!(h, "<p>{}</p>", esc(&fill(td_string!(lang, sql.exploring), &[("n", &n)])));
            }
            Progress::Cancelled(n) => {
                let _ = write!(h, "<p>{}</p>", esc(&fill(td_string!(lang, sql.explore_cancelled), &[("n", &n)])));
            }
            Progress::Failed(why) => {
                let _ = write!(h, "<p class=\"race__bad\">{}</p>", esc(&why));
            }
            Progress::Done(f) => {
                let stale = f.texts != texts(&ctx);
                h.push_str(&found_html(lang, &f, stale));
            }
        }
        h.push_str("</div>");
        h
    });
    // One handler for every button in the panel: `data-act`, or the schedule to open in `data-steps`.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked_button(&ev) else { return };
        match button.get_attribute("data-act").as_deref() {
            Some("explore") => return start(),
            Some("cancel") => return cancel(),
            _ => {}
        }
        let Some(code) = button.get_attribute("data-steps") else { return };
        let steps: Vec<Step> = code
            .chars()
            .filter_map(|c| match c {
                't' => Some(Step::Time),
                '1'..='3' => Some(Step::Session { index: c as u8 - b'1' }),
                _ => None,
            })
            .collect();
        ctx.open(steps);
        // Bring the board into view for the replay, and put focus on the replay's next-step button.
        let uid = ctx.uid.get_value();
        show_replay(&format!("{uid}-board"), format!("#{uid} .race__replay-step"));
    };
    view! { <div class="race__explore sqled__explore" aria-live="polite" node_ref=node on:click=on_click></div> }
}

/// What a group ends with, in words: the final rows of each table, then what each statement got back.
fn outcome_html(lang: Locale, g: &OutcomeGroup) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<p class=\"sqled__outcome-head\">{}</p><ul class=\"sqled__outcome\">",
        esc(td_string!(lang, sql.outcome_final))
    );
    for t in &g.outcome.tables {
        let rows: Vec<String> = t
            .rows
            .iter()
            .map(|r| {
                let cells: Vec<String> =
                    r.iter().map(|v| v.clone().unwrap_or_else(|| td_string!(lang, sql.null).to_string())).collect();
                format!("({})", cells.join(", "))
            })
            .collect();
        let rows = if rows.is_empty() { td_string!(lang, sql.no_rows).to_string() } else { rows.join(" ") };
        let _ = write!(h, "<li><code>{}</code>: <code>{}</code></li>", esc(&t.name), esc(&rows));
    }
    h.push_str("</ul>");
    let mut lines = String::new();
    for (i, s) in g.outcome.replies.iter().enumerate() {
        for (k, r) in s.iter().enumerate() {
            let what = match r {
                // Only what tells schedules apart: result rows, errors, and statements that never finished.
                Some(rs) if rs.iter().all(|x| matches!(x, msa_sim::sql::Reply::Command { .. })) => continue,
                Some(rs) => rs.iter().map(|x| reply_line(lang, x)).collect::<Vec<_>>().join("; "),
                None => td_string!(lang, sql.outcome_stuck).to_string(),
            };
            let bad = r.as_ref().is_none_or(|rs| rs.iter().any(|x| matches!(x, msa_sim::sql::Reply::Error { .. })));
            let _ = write!(
                lines,
                "<li{}>{}: <code>{}</code></li>",
                if bad { " class=\"sqled__outcome-bad\"" } else { "" },
                esc(&fill(td_string!(lang, sql.outcome_stmt), &[("name", &session(i)), ("n", &(k + 1))])),
                esc(&what)
            );
        }
    }
    if !lines.is_empty() {
        let _ = write!(
            h,
            "<p class=\"sqled__outcome-head\">{}</p><ul class=\"sqled__outcome\">{lines}</ul>",
            esc(td_string!(lang, sql.outcome_replies))
        );
    }
    h
}

fn found_html(lang: Locale, f: &Found, stale: bool) -> String {
    let mut h = String::new();
    let summary = fill(
        td_string!(lang, sql.explore_done),
        &[
            ("schedules", &f.schedules),
            ("outcomes", &f.groups.len()),
            ("ms", &crate::widgets::race::text::fixed(f.wall_ms, 1)),
        ],
    );
    let _ = write!(
        h,
        "<p class=\"race__explore-summary\" data-ms=\"{}\" data-schedules=\"{}\" data-groups=\"{}\">{}</p>",
        crate::widgets::race::text::fixed(f.wall_ms, 3),
        f.schedules,
        f.groups.len(),
        esc(&summary)
    );
    if f.truncated {
        let _ = write!(h, "<p class=\"race__bad\">{}</p>", esc(td_string!(lang, sql.explore_truncated)));
    }
    if stale {
        let _ = write!(h, "<p class=\"race__bad\">{}</p>", esc(td_string!(lang, sql.explore_stale)));
    }
    // One card a group (a table of three columns does not fit a phone): how many schedules, the outcome, and the
    // first schedule to open.
    let _ = write!(h, "<ol class=\"sqled__groups\" aria-label=\"{}\">", esc(td_string!(lang, sql.col_outcome)));
    for (n, g) in f.groups.iter().enumerate() {
        let bad = !g.outcome.errors().is_empty() || !g.outcome.stuck().is_empty();
        let words = text::steps(lang, &g.first);
        let open = if stale {
            format!("<p><code>{}</code></p>", esc(&words))
        } else {
            format!(
                "<button type=\"button\" class=\"button button--small race__open sqled__open\" data-steps=\"{}\" data-focus=\"open-{n}\">{}</button>",
                steps_code(&g.first),
                esc(&fill(td_string!(lang, sql.open), &[("schedule", &words)]))
            )
        };
        let _ = write!(
            h,
            "<li class=\"sqled__group{}\" data-group=\"{}\"><p class=\"sqled__group-head\">{}</p>{}{open}</li>",
            if bad { " sqled__group--bad" } else { "" },
            n + 1,
            esc(&fill(td_string!(lang, sql.group_count), &[("n", &g.schedules)])).replacen(
                &g.schedules.to_string(),
                &format!("<strong class=\"race__count\">{}</strong>", g.schedules),
                1
            ),
            outcome_html(lang, g)
        );
    }
    h.push_str("</ol>");
    h
}
