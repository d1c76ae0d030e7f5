//! Predict-then-run questions: the learner answers first, then the core runs the setup and the answer is checked
//! against that run.

use super::text;
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::config::{Config, Fault};
use msa_sim::proxy::playground::{detection, first_servers};

/// "Which server gets request N?" (1-based for people; the log numbers requests from #0).
#[component]
pub fn AskServer(lang: Locale, cfg: ReadSignal<Config>, request: u64) -> impl IntoView {
    let choice = RwSignal::new(None::<usize>);
    let answer = RwSignal::new(None::<Result<Vec<Option<usize>>, String>>);
    let names = move || cfg.with(|c| c.servers.iter().map(|s| s.name.clone()).collect::<Vec<_>>());
    let group = format!("proxy-ask-{request}");
    let check = move |_| {
        let r = first_servers(&cfg.get_untracked(), request).map_err(|e| text::config_error(lang, &e));
        answer.set(Some(r));
    };
    let q = text::fill(
        td_string!(lang, proxy.ask_server),
        &[("n", request.to_string()), ("id", (request - 1).to_string())],
    );
    view! {
        <div class="proxy__ask">
            <fieldset class="proxy__group" disabled=move || answer.get().is_some()>
                <legend>{q}</legend>
                {move || names().into_iter().enumerate().map(|(i, n)| view! {
                    <label class="proxy__field proxy__field--check">
                        <input type="radio" name=group.clone() prop:checked=move || choice.get() == Some(i) on:change=move |_| choice.set(Some(i)) />
                        <span>{n}</span>
                    </label>
                }).collect_view()}
            </fieldset>
            <div class="proxy__bar">
                <button type="button" class="button button--primary proxy__check" disabled={move || choice.get().is_none() || answer.get().is_some()} on:click=check>
                    {td_string!(lang, proxy.ask_run)}
                </button>
                <button type="button" class="button proxy__again" disabled=move || answer.get().is_none() on:click=move |_| { answer.set(None); choice.set(None); }>
                    {td_string!(lang, proxy.ask_again)}
                </button>
            </div>
            <div class="proxy__verdict" aria-live="polite">
                {move || answer.get().map(|r| match r {
                    Err(e) => view! { <p class="proxy__error">{e}</p> }.into_any(),
                    Ok(v) => {
                        let n = names();
                        let name = |s: Option<usize>| s.and_then(|i| n.get(i).cloned()).unwrap_or_else(|| "-".into());
                        let got = v.last().copied().flatten();
                        let right = got.is_some() && got == choice.get_untracked();
                        let verdict = if right { td_string!(lang, proxy.ask_right) } else { td_string!(lang, proxy.ask_wrong) };
                        let order = v.iter().enumerate().map(|(k, s)| format!("#{k} → {}", name(*s))).collect::<Vec<_>>().join(", ");
                        view! {
                            <p class="proxy__verdict-line" class:proxy__verdict-line--right=right data-answer=name(got)>
                                {verdict} " " {text::fill(td_string!(lang, proxy.ask_server_answer), &[("n", request.to_string()), ("server", name(got))])}
                            </p>
                            <p class="proxy__hint">{td_string!(lang, proxy.ask_order)} " " {order}</p>
                        }.into_any()
                    }
                })}
            </div>
        </div>
    }
}

/// "How many attempts fail at the dead server before nginx stops sending to it?"
#[component]
pub fn AskDetection(lang: Locale, cfg: ReadSignal<Config>) -> impl IntoView {
    let guess = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<Result<Option<msa_sim::proxy::playground::Detection>, String>>);
    let dead = move || {
        cfg.with(|c| {
            c.faults
                .iter()
                .find(|f| f.fault == Fault::Crash)
                .and_then(|f| c.server_index(&f.server).map(|i| (i, f.server.clone(), f.at_ms)))
        })
    };
    let check = move |_| {
        let Some((i, _, _)) = dead() else { return };
        answer.set(Some(detection(&cfg.get_untracked(), i).map_err(|e| text::config_error(lang, &e))));
    };
    let question = move || match dead() {
        Some((_, name, at)) => {
            text::fill(td_string!(lang, proxy.ask_detect), &[("server", name), ("t", text::num(at as f64 / 1000.0))])
        }
        None => td_string!(lang, proxy.ask_no_crash).to_string(),
    };
    view! {
        <div class="proxy__ask">
            <label class="proxy__field">
                <span>{question}</span>
                <input type="number" min="0" max="100000" step="1" inputmode="numeric" prop:value=move || guess.get()
                    disabled=move || answer.get().is_some()
                    on:input=move |ev| guess.set(event_target_value(&ev)) />
                <span class="proxy__hint">{td_string!(lang, proxy.ask_detect_hint)}</span>
            </label>
            <div class="proxy__bar">
                <button type="button" class="button button--primary proxy__check"
                    disabled={move || guess.get().trim().parse::<u64>().is_err() || answer.get().is_some() || dead().is_none()}
                    on:click=check>{td_string!(lang, proxy.ask_run)}</button>
                <button type="button" class="button proxy__again" disabled=move || answer.get().is_none() on:click=move |_| answer.set(None)>
                    {td_string!(lang, proxy.ask_again)}
                </button>
            </div>
            <div class="proxy__verdict" aria-live="polite">
                {move || answer.get().map(|r| match r {
                    Err(e) => view! { <p class="proxy__error">{e}</p> }.into_any(),
                    Ok(None) => view! { <p>{td_string!(lang, proxy.ask_never)}</p> }.into_any(),
                    Ok(Some(d)) => {
                        let g = guess.get_untracked().trim().parse::<u64>().ok();
                        let right = g == Some(d.failed_attempts);
                        let verdict = if right { td_string!(lang, proxy.ask_right) } else { td_string!(lang, proxy.ask_wrong) };
                        view! {
                            <p class="proxy__verdict-line" class:proxy__verdict-line--right=right data-answer=d.failed_attempts.to_string()>
                                {verdict} " " {text::fill(td_string!(lang, proxy.ask_detect_answer), &[
                                    ("n", d.failed_attempts.to_string()),
                                    ("t0", text::secs(d.crashed_at.as_us())),
                                    ("t1", text::secs(d.removed_at.as_us())),
                                    ("errors", d.client_errors.to_string()),
                                ])}
                            </p>
                        }.into_any()
                    }
                })}
            </div>
        </div>
    }
}
