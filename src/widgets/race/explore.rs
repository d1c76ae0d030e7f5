//! Every schedule at once ([`Explorer`] in slices of at most ~8 ms, so the page stays responsive, shows progress
//! and can cancel), and the predict-then-run question.

use super::text::{self, esc, fill};
use super::Ctx;
use crate::i18n::*;
use crate::sliced::{self, now_ms, First, Slice, Sliced};
use crate::widgets::region::{clicked_button, html_region, show_replay};
use leptos::prelude::*;
use msa_sim::race::view::{Explorer, RaceConfig, MAX_BAD_KEPT};
use msa_sim::race::{replay, Budget, OutcomeKind, Schedule};
use std::fmt::Write;

#[derive(Clone, PartialEq)]
struct Found {
    cfg: RaceConfig,
    counts: Vec<(OutcomeKind, u64)>,
    examples: Vec<(OutcomeKind, Schedule)>,
    bad: Vec<(OutcomeKind, Schedule)>,
    schedules: u64,
    states: u64,
    truncated: bool,
    /// From the click to the last slice, yields between slices included.
    wall_ms: f64,
}

#[derive(Clone, PartialEq)]
enum Progress {
    Idle,
    Running(u64),
    Cancelled(u64),
    Done(Found),
}

/// Transitions between clock checks inside one slice.
const CHUNK: u64 = 2_048;
/// Work per slice before yielding to the browser.
const SLICE_MS: f64 = 8.0;

#[component]
pub fn Explore(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let progress = RwSignal::new(Progress::Idle);
    let job = Sliced::new();
    let explorer: StoredValue<Option<Explorer>, LocalStorage> = StoredValue::new_local(None);
    let cfg = move || ctx.sim.with(|s| s.cfg);

    // One slice: the explorer runs for at most SLICE_MS; then its count so far, or everything it found.
    let slice = move |started: f64, cfg: RaceConfig| {
        move || {
            let mut done = false;
            explorer.try_update_value(|e| {
                if let Some(e) = e {
                    done = sliced::for_ms(SLICE_MS, || e.run(CHUNK));
                }
            });
            explorer
                .try_with_value(|e| {
                    e.as_ref().map(|e| {
                        let ex = e.exploration();
                        if !done {
                            return Slice::More(ex.schedules);
                        }
                        Slice::Done(Found {
                            cfg,
                            counts: ex.by_outcome.iter().map(|(k, n)| (*k, *n)).collect(),
                            examples: ex.examples.iter().map(|(k, s)| (*k, s.clone())).collect(),
                            bad: e.bad().to_vec(),
                            schedules: ex.schedules,
                            states: ex.states,
                            truncated: ex.truncated,
                            wall_ms: now_ms() - started,
                        })
                    })
                })
                .flatten()
        }
    };

    let start = move || {
        let c = ctx.sim.with_untracked(|s| s.cfg);
        let Ok(sc) = c.scenario() else { return };
        explorer.set_value(Some(Explorer::new(sc, Budget::DEFAULT)));
        progress.set(Progress::Running(0));
        let started = now_ms();
        job.start(
            First::Now,
            slice(started, c),
            move |n| _ = progress.try_set(Progress::Running(n)),
            move |found| {
                explorer.try_set_value(None);
                progress.try_set(Progress::Done(found));
            },
        );
    };
    let cancel = move || {
        job.stop();
        let n = explorer.with_value(|e| e.as_ref().map_or(0, |e| e.exploration().schedules));
        explorer.set_value(None);
        progress.set(Progress::Cancelled(n));
    };
    // The whole panel is one HTML region: the buttons, the progress and the results (see `page::html_region`).
    let node = NodeRef::<leptos::html::Div>::new();
    html_region(node, move || {
        let p = progress.get();
        let running = matches!(p, Progress::Running(_));
        let mut h = String::new();
        let _ = write!(
            h,
            "<h3>{}</h3><div class=\"race__explore-actions\"><button type=\"button\" class=\"button button--primary race__explore-go\" data-act=\"explore\" data-focus=\"explore\"{}>{}</button>",
            esc(td_string!(lang, race.explore_heading)),
            if running { " disabled" } else { "" },
            esc(td_string!(lang, race.explore))
        );
        if running {
            let _ = write!(h, "<button type=\"button\" class=\"button\" data-act=\"cancel\" data-focus=\"explore-cancel\">{}</button>", esc(td_string!(lang, race.cancel)));
        }
        h.push_str("</div><div class=\"race__explore-result\">");
        match p {
            Progress::Idle => {}
            Progress::Running(n) => {
                let _ = write!(h, "<p>{}</p>", esc(&fill(td_string!(lang, race.exploring), &[&n.to_string()])));
            }
            Progress::Cancelled(n) => {
                let _ = write!(h, "<p>{}</p>", esc(&fill(td_string!(lang, race.explore_cancelled), &[&n.to_string()])));
            }
            // Counts for other settings than the current ones are not shown.
            Progress::Done(f) if f.cfg != cfg() => {}
            Progress::Done(f) => h.push_str(&found_html(lang, &f)),
        }
        h.push_str("</div>");
        h
    });
    // One handler for every button in the panel: `data-act`, or the schedule to open in `data-schedule`.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = clicked_button(&ev) else { return };
        match button.get_attribute("data-act").as_deref() {
            Some("explore") => return start(),
            Some("cancel") => return cancel(),
            _ => {}
        }
        let Some(enc) = button.get_attribute("data-schedule") else { return };
        let Ok(s) = Schedule::decode(&enc) else { return };
        ctx.open(s);
        // Bring the board into view for the replay, and put focus on the replay's next-step button.
        let uid = ctx.uid.get_value();
        show_replay(&format!("{uid}-title"), format!("#{uid}-title ~ .race__main .race__replay-step"));
    };
    view! { <div class="race__explore" aria-live="polite" node_ref=node on:click=on_click></div> }
}

fn found_html(lang: Locale, f: &Found) -> String {
    let mut h = String::new();
    let summary = fill(
        td_string!(lang, race.explore_done),
        &[&f.schedules.to_string(), &f.states.to_string(), &text::fixed(f.wall_ms, 1)],
    );
    let _ = write!(
        h,
        "<p class=\"race__explore-summary\" data-ms=\"{}\" data-schedules=\"{}\">{}</p>",
        text::fixed(f.wall_ms, 3),
        f.schedules,
        esc(&summary)
    );
    if f.truncated {
        let _ = write!(h, "<p class=\"race__bad\">{}</p>", esc(td_string!(lang, race.explore_truncated)));
    }
    let _ = write!(
        h,
        "<table class=\"race__table race__counts\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(td_string!(lang, race.col_outcome)),
        esc(td_string!(lang, race.col_count)),
        esc(td_string!(lang, race.col_example))
    );
    let open = |s: &Schedule| {
        let enc = s.encode();
        format!(
            "<button type=\"button\" class=\"button button--small race__open\" data-schedule=\"{enc}\">{}</button>",
            esc(&fill(td_string!(lang, race.open), &[&enc]))
        )
    };
    for (k, n) in &f.counts {
        let ex = f.examples.iter().find(|(kk, _)| kk == k).map(|(_, s)| open(s)).unwrap_or_default();
        let bad = if k.is_bad() { " class=\"race__count--bad\"" } else { "" };
        let _ = write!(
            h,
            "<tr data-outcome=\"{}\"{bad}><th scope=\"row\">{}</th><td class=\"race__count\">{n}</td><td>{ex}</td></tr>",
            k.name(),
            esc(text::outcome_name(lang, *k))
        );
    }
    h.push_str("</tbody></table>");
    if f.bad.is_empty() {
        let _ = write!(h, "<p class=\"race__good\">{}</p>", esc(td_string!(lang, race.bad_none)));
    } else {
        let _ = write!(
            h,
            "<details class=\"race__bad-list\"><summary>{}</summary><ul>",
            esc(&fill(td_string!(lang, race.bad_heading), &[&f.bad.len().min(MAX_BAD_KEPT).to_string()]))
        );
        for (k, s) in &f.bad {
            let _ = write!(h, "<li>{} {}</li>", open(s), esc(text::outcome_name(lang, *k)));
        }
        h.push_str("</ul></details>");
    }
    h
}

/// "What is the value after this schedule?": the answer is the core's replay of the lesson's schedule.
#[component]
pub fn Predict(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    // What the learner typed: read when the card renders, never a reason to re-render it.
    let guess = StoredValue::new(String::new());
    let verdict = RwSignal::new(None::<String>);
    let node = NodeRef::<leptos::html::Div>::new();
    html_region(node, move || {
        let Some((sched, row, _)) = ctx.sim.with(question) else { return String::new() };
        let mut h = String::new();
        let _ = write!(
            h,
            "<h3>{}</h3><p>{}</p><label for=\"{uid}-predict\">{}</label>\
             <input id=\"{uid}-predict\" type=\"number\" step=\"1\" inputmode=\"numeric\" value=\"{}\" data-field=\"guess\" data-focus=\"guess\">\
             <button type=\"button\" class=\"button button--primary\" data-act=\"predict\" data-focus=\"predict\">{}</button>",
            esc(td_string!(lang, race.predict_heading)),
            esc(&fill(td_string!(lang, race.predict_q), &[&sched.encode(), &row])),
            esc(td_string!(lang, race.predict_label)),
            esc(&guess.get_value()),
            esc(td_string!(lang, race.predict_check))
        );
        if let Some(v) = verdict.get() {
            let _ = write!(h, "<p class=\"race__verdict\">{}</p>", esc(&v));
        }
        h
    });
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(i) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok()) {
            guess.set_value(i.value());
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(t) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) else {
            return;
        };
        if !matches!(t.closest("[data-act=\"predict\"]"), Ok(Some(_))) {
            return;
        }
        let Some((sched, row, answer)) = ctx.sim.with_untracked(question) else { return };
        match guess.get_value().trim().parse::<i64>() {
            Ok(g) => {
                verdict.set(Some(if g == answer {
                    fill(td_string!(lang, race.predict_right), &[&row, &answer.to_string()])
                } else {
                    fill(td_string!(lang, race.predict_wrong), &[&row, &answer.to_string(), &g.to_string()])
                }));
                ctx.open(sched);
            }
            Err(_) => verdict.set(Some(td_string!(lang, race.predict_bad).to_string())),
        }
    };
    view! { <div class="race__predict" aria-live="polite" node_ref=node on:input=on_input on:click=on_click></div> }
}

/// The question for the current settings, when the lesson's schedule fits them: the schedule, the row's name
/// and its final value after the core replays the schedule.
fn question(s: &super::Sim) -> Option<(Schedule, String, i64)> {
    let sc = &s.run.scenario;
    let sched = Schedule::decode(s.cfg.preset.showcase).ok()?;
    let out = replay(sc, &sched).ok()?.outcome()?;
    let r = sc.rows.first()?;
    Some((sched, format!("{}.{}", r.table, r.column), *out.final_values.first()?))
}
