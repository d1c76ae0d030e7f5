//! A prediction before a reveal: the learner commits to an option or a number, then "Run it" asks the simulation
//! core (`msa_sim::predict`) to run the scenario, and the block shows the prediction next to what happened, the
//! lesson's "why", and the run as a table (the text twin). The prediction is remembered on this device under the
//! block's id (the same in both languages) and can be changed and run again.
//!
//! The core decides the answer; this view only compares. Each reveal runs in the bundle of its family (the
//! lesson's bundle, checked at build time), so the core bundle carries none of the simulations.

use crate::i18n::*;
use crate::prefs::use_predictions;
use crate::widgets::fill;
use leptos::prelude::*;
use lesson_format::{Predict as PredictData, PredictAnswer};
use msa_sim::predict::{nearness, Answer, Col, Nearness, Reveal};

/// The block for a lesson: only bundles of a widget family carry the component (a prediction's reveal runs in
/// its lesson's bundle, so the core bundle, which shows no lesson with predictions, needs none of it).
pub fn mount(data: &'static PredictData<'static>, lang: Locale) -> AnyView {
    #[cfg(any(feature = "proxy", feature = "race", feature = "arch", feature = "ddd"))]
    return view! { <Predict data lang /> }.into_any();
    #[cfg(not(any(feature = "proxy", feature = "race", feature = "arch", feature = "ddd")))]
    return {
        let _ = (data, lang);
        ().into_any()
    };
}

/// Runs a reveal of a family this bundle carries.
fn run(reveal: &str) -> Option<Reveal> {
    match reveal.split_once('.')? {
        #[cfg(feature = "proxy")]
        ("proxy", name) => msa_sim::predict::proxy::reveal(name),
        #[cfg(feature = "race")]
        ("race", name) => msa_sim::predict::race::reveal(name),
        #[cfg(feature = "arch")]
        ("arch", name) => msa_sim::predict::arch::reveal(name),
        #[cfg(feature = "ddd")]
        ("ddd", name) => msa_sim::predict::ddd::reveal(name),
        _ => None,
    }
}

/// The pseudo-widget that stands for a prediction of this family (`msa_content::WIDGETS`): whether this bundle
/// carries it is [`crate::widgets::available`]'s answer.
pub fn widget_name(reveal: &str) -> &'static str {
    match reveal.split_once('.').map(|(f, _)| f) {
        Some("proxy") => "predict-proxy",
        Some("race") => "predict-race",
        Some("arch") => "predict-arch",
        _ => "predict-ddd",
    }
}

fn col_name(lang: Locale, c: Col) -> &'static str {
    match c {
        Col::Server => td_string!(lang, predict.col_server),
        Col::Client => td_string!(lang, predict.col_client),
        Col::Requests => td_string!(lang, predict.col_requests),
        Col::Share => td_string!(lang, predict.col_share),
        Col::Busy => td_string!(lang, predict.col_busy),
        Col::Window => td_string!(lang, predict.col_window),
        Col::SessionsLost => td_string!(lang, predict.col_sessions_lost),
        Col::Load => td_string!(lang, predict.col_load),
        Col::MeanMs => td_string!(lang, predict.col_mean_ms),
        Col::P99Ms => td_string!(lang, predict.col_p99_ms),
        Col::FailedPct => td_string!(lang, predict.col_failed_pct),
        Col::Step => td_string!(lang, predict.col_step),
        Col::Txn => td_string!(lang, predict.col_txn),
        Col::Sql => td_string!(lang, predict.col_sql),
        Col::Result => td_string!(lang, predict.col_result),
        Col::Feature => td_string!(lang, predict.col_feature),
        Col::Arch => td_string!(lang, predict.col_arch),
        Col::MonolithPct => td_string!(lang, predict.col_monolith_pct),
        Col::MsaPct => td_string!(lang, predict.col_msa_pct),
        Col::Instances => td_string!(lang, predict.col_instances),
        Col::MemoryMb => td_string!(lang, predict.col_memory_mb),
        Col::P95Ms => td_string!(lang, predict.col_p95_ms),
        Col::Queues => td_string!(lang, predict.col_queues),
        Col::Command => td_string!(lang, predict.col_command),
        Col::Version => td_string!(lang, predict.col_version),
        Col::TotalWon => td_string!(lang, predict.col_total_won),
    }
}

/// A cell as the learner reads it: the core writes features, architectures and the story's people as keys, named
/// here in the learner's language; every other cell (numbers, SQL, error codes) reads the same in both.
fn cell(lang: Locale, c: Col, text: &str) -> String {
    let named = match (c, text) {
        (Col::Feature, "browse") => td_string!(lang, arch.f_browse),
        (Col::Feature, "sign-in") => td_string!(lang, arch.f_signin),
        (Col::Feature, "checkout") => td_string!(lang, arch.f_checkout),
        (Col::Feature, "track") => td_string!(lang, arch.f_track),
        (Col::Arch, "mono") => td_string!(lang, arch.arch_mono),
        (Col::Arch, "msa") => td_string!(lang, arch.arch_msa),
        // The race steps' words between the SQL and the codes: a wait and a resumption.
        (Col::Result, _) => {
            return text
                .replace("waits for ", &format!("{} ", td_string!(lang, predict.waits_for)))
                .replace("resumes", td_string!(lang, predict.resumes));
        }
        (Col::Command, _) => {
            for (key, name) in [("Mina:", td_string!(lang, predict.mina)), ("Junho:", td_string!(lang, predict.junho))]
            {
                if let Some(rest) = text.strip_prefix(key) {
                    return format!("{name}:{rest}");
                }
            }
            return text.to_string();
        }
        _ => return text.to_string(),
    };
    named.to_string()
}

/// Whether a stored value is a prediction this block can hold: an option's place, or a number within its bounds.
fn fits(data: &PredictData, v: i64) -> bool {
    match &data.answer {
        PredictAnswer::Choice(options) => usize::try_from(v).is_ok_and(|i| i < options.len()),
        PredictAnswer::Number { min, max, .. } => (*min..=*max).contains(&v),
    }
}

/// How a value reads: an option's text (HTML), or the number with its unit.
fn shown(data: &PredictData, v: i64) -> String {
    match &data.answer {
        PredictAnswer::Choice(options) => {
            usize::try_from(v).ok().and_then(|i| options.get(i)).map_or(String::new(), |o| o.1.to_string())
        }
        PredictAnswer::Number { unit, .. } => format!("{v} {unit}"),
    }
}

#[component]
pub fn Predict(
    /// The block, from the lesson.
    data: &'static PredictData<'static>,
    lang: Locale,
) -> impl IntoView {
    let store = use_predictions();
    let saved = move || store.predictions.with(|p| p.0.get(data.id).copied()).filter(|&v| fits(data, v));
    let chosen = RwSignal::new(None::<usize>);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // The run behind the answer: computed once, when there is a prediction to compare it with.
    let outcome = Memo::new(move |prev: Option<&Option<Reveal>>| match saved() {
        Some(_) => prev.cloned().flatten().or_else(|| run(data.reveal)),
        None => None,
    });
    let ids = format!("predict-{}", data.id);
    let (question_id, result_id, input_id, error_id) =
        (format!("{ids}-q"), format!("{ids}-result"), format!("{ids}-input"), format!("{ids}-error"));

    let commit = {
        let (input_id, result_id) = (input_id.clone(), result_id.clone());
        move |_| {
            let value = match &data.answer {
                PredictAnswer::Choice(_) => match chosen.get() {
                    Some(i) => Ok(i as i64),
                    None => Err(td_string!(lang, predict.choose_first).to_string()),
                },
                PredictAnswer::Number { min, max, .. } => match typed.get().trim().parse::<i64>() {
                    Ok(v) if (*min..=*max).contains(&v) => Ok(v),
                    _ => Err(fill(td_string!(lang, predict.number_invalid), &[("1", min), ("2", max)])),
                },
            };
            match value {
                Ok(v) => {
                    error.set(None);
                    store.set_predictions.update(|p| {
                        p.0.insert(data.id.to_string(), v);
                    });
                    // The button the learner pressed is gone: the result, announced, takes the focus.
                    let result_id = result_id.clone();
                    request_animation_frame(move || crate::focus(document().get_element_by_id(&result_id)));
                }
                Err(message) => {
                    error.set(Some(message));
                    crate::focus(document().get_element_by_id(&input_id));
                }
            }
        }
    };
    let change = {
        let input_id = input_id.clone();
        move |_| {
            if let Some(v) = saved() {
                match data.answer {
                    PredictAnswer::Choice(_) => chosen.set(usize::try_from(v).ok()),
                    PredictAnswer::Number { .. } => typed.set(v.to_string()),
                }
            }
            store.set_predictions.update(|p| {
                p.0.remove(data.id);
            });
            let input_id = input_id.clone();
            request_animation_frame(move || crate::focus(document().get_element_by_id(&input_id)));
        }
    };

    let inputs = match &data.answer {
        PredictAnswer::Choice(options) => options
            .iter()
            .enumerate()
            .map(|(i, (key, text))| {
                let is_on = move || saved().map(|v| v as usize).or(chosen.get()) == Some(i);
                view! {
                    <label class="quiz__option">
                        <input
                            type="radio"
                            value=*key
                            id=(i == 0).then(|| input_id.clone())
                            name=ids.clone()
                            prop:checked=is_on
                            on:change=move |_| {
                                chosen.set(Some(i));
                                error.set(None);
                            }
                        />
                        <span inner_html=*text></span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        PredictAnswer::Number { unit, min, max } => view! {
            <label class="predict__number">
                <span>{fill(td_string!(lang, predict.number_label), &[("1", unit)])}</span>
                <input
                    id=input_id.clone()
                    type="number"
                    inputmode="numeric"
                    step="1"
                    min=*min
                    max=*max
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:value=move || saved().map_or_else(|| typed.get(), |v| v.to_string())
                    on:input=move |ev| typed.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        // Enter runs it, as in a form.
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            if let Some(b) = document().get_element_by_id(&format!("predict-{}-run", data.id)) {
                                use wasm_bindgen::JsCast;
                                if let Ok(b) = b.dyn_into::<web_sys::HtmlElement>() {
                                    b.click();
                                }
                            }
                        }
                    }
                />
            </label>
        }
        .into_any(),
    };

    let labelled_by = question_id.clone();
    view! {
        <section class="quiz predict" aria-labelledby=labelled_by data-predict=data.id data-reveal=data.reveal>
            <fieldset class="quiz__fieldset" disabled=move || saved().is_some()>
                <legend id=question_id class="quiz__legend">
                    <span class="quiz__number">{td_string!(lang, predict.label)}</span>
                    <span class="quiz__question" inner_html=data.question></span>
                </legend>
                {inputs}
            </fieldset>
            <p id=format!("{ids}-error") class="predict__error" role="alert">{move || error.get()}</p>
            <div class="quiz__actions">
                <Show
                    when=move || saved().is_some()
                    fallback=move || {
                        let commit = commit.clone();
                        view! {
                            <button type="button" id=format!("predict-{}-run", data.id) class="button button--primary" on:click=commit>
                                {td_string!(lang, predict.run)}
                            </button>
                        }
                    }
                >
                    <button type="button" class="button" on:click=change.clone()>{td_string!(lang, predict.change)}</button>
                </Show>
            </div>
            <div id=result_id class="predict__result" tabindex="-1" aria-live="polite">
                {move || saved().zip(outcome.get()).map(|(v, r)| result(data, lang, v, &r))}
            </div>
        </section>
    }
}

/// The prediction next to the answer, the verdict, the lesson's why and the table of the run.
fn result(data: &'static PredictData<'static>, lang: Locale, v: i64, r: &Reveal) -> impl IntoView {
    let (actual, verdict) = match (&data.answer, &r.answer) {
        (PredictAnswer::Choice(options), Answer::Choice(key)) => {
            let at = options.iter().position(|(k, _)| k == key);
            let right = at == usize::try_from(v).ok();
            (at.map_or(String::new(), |i| shown(data, i as i64)), if right { Nearness::Exact } else { Nearness::Far })
        }
        (PredictAnswer::Number { .. }, Answer::Number(n)) => (shown(data, *n), nearness(v, *n)),
        // The block and the core disagree on the kind (a test rules it out): show the run without a verdict.
        _ => (String::new(), Nearness::Far),
    };
    let (verdict_text, class) = match verdict {
        Nearness::Exact => (td_string!(lang, predict.right), "quiz__verdict quiz__verdict--right"),
        Nearness::Close => (td_string!(lang, predict.close), "quiz__verdict quiz__verdict--right"),
        Nearness::Far => (td_string!(lang, predict.wrong), "quiz__verdict"),
    };
    let (yours, theirs) = {
        let (a, b) = td_string!(lang, predict.yours).split_once("{1}").unwrap_or(("", ""));
        let (c, d) = td_string!(lang, predict.actual).split_once("{1}").unwrap_or(("", ""));
        ((a, b), (c, d))
    };
    let mark = r.mark;
    view! {
        <div class="predict__compare">
            <p class="predict__yours">{yours.0}<span inner_html=shown(data, v)></span>{yours.1}</p>
            <p class="predict__actual">{theirs.0}<strong inner_html=actual></strong>{theirs.1}</p>
        </div>
        <p class=class>{verdict_text}</p>
        <p class="quiz__why-text" inner_html=data.why></p>
        <div class="predict__table" role="region" tabindex="0" aria-label=td_string!(lang, predict.table_caption)>
            <table>
                <caption>{td_string!(lang, predict.table_caption)}</caption>
                <thead>
                    <tr>{r.cols.iter().map(|c| view! { <th scope="col">{col_name(lang, *c)}</th> }).collect_view()}</tr>
                </thead>
                <tbody>
                    {r.rows.iter().enumerate().map(|(i, row)| view! {
                        <tr class:predict__mark=mark == Some(i)>
                            {row.iter().zip(&r.cols).map(|(text, c)| view! { <td>{cell(lang, *c, text)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
