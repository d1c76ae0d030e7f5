//! Compare mode: the same run (seed, arrival stream, actions) through two to four algorithms, run to the end in
//! slices, with a chart and a summary table.

use super::charts::{Chart, Line};
use super::text;
use crate::i18n::*;
use crate::sliced;
use leptos::prelude::*;
use leptos_use::use_raf_fn;
use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::playground::Playground;
use msa_sim::proxy::Summary;

const SLICE_MS: f64 = 8.0;

#[derive(Clone, PartialEq)]
struct Done {
    algo: Algorithm,
    summary: Summary,
    p99: Vec<f64>,
}

#[component]
pub fn Compare(lang: Locale, base: StoredValue<Playground>) -> impl IntoView {
    let chosen = RwSignal::new(vec![Algorithm::RoundRobin, Algorithm::LeastConn, Algorithm::RandomTwo]);
    let runs = StoredValue::new(Vec::<Playground>::new());
    let running = RwSignal::new(false);
    let progress = RwSignal::new(0u32);
    let results = RwSignal::new(Vec::<Done>::new());
    let error = RwSignal::new(None::<String>);

    let start = move || {
        let algos = chosen.get_untracked();
        if !(2..=4).contains(&algos.len()) {
            error.set(Some(td_string!(lang, proxy.cmp_pick).to_string()));
            return;
        }
        let mut v = Vec::new();
        for a in &algos {
            match base.with_value(|b| b.with_algorithm(*a)) {
                Ok(p) => v.push(p),
                Err(e) => {
                    error.set(Some(format!("{}: {}", text::algo_label(lang, *a), text::config_error(lang, &e))));
                    return;
                }
            }
        }
        error.set(None);
        results.set(Vec::new());
        runs.set_value(v);
        progress.set(0);
        running.set(true);
    };

    let _ = use_raf_fn(move |_| {
        if !running.get_untracked() {
            return;
        }
        let all_done = sliced::for_ms(SLICE_MS, || {
            runs.try_update_value(|v| {
                let mut done = true;
                for p in v.iter_mut() {
                    if !p.is_finished() {
                        p.run_for(2_000);
                        done &= p.is_finished();
                    }
                }
                done
            })
            .unwrap_or(true)
        });
        let (now, dur) = runs.with_value(|v| {
            let now = v.iter().map(|p| p.now().as_us()).min().unwrap_or(0);
            let dur = v.first().map(|p| p.config().duration_ms * 1000).unwrap_or(1);
            (now, dur)
        });
        progress.set(((now as f64 / dur.max(1) as f64).min(1.0) * 100.0) as u32);
        if all_done {
            running.set(false);
            progress.set(100);
            results.set(runs.with_value(|v| {
                v.iter()
                    .map(|p| Done {
                        algo: p.config().algorithm,
                        summary: p.engine().summary(),
                        p99: p.engine().metrics().series.iter().map(|s| s.p99_us as f64 / 1000.0).collect(),
                    })
                    .collect()
            }));
        }
    });

    let lines = Signal::derive(move || {
        results
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, d)| Line {
                label: text::algo_label(lang, d.algo),
                class: ["a", "b", "c", "d"][i % 4],
                values: d.p99,
            })
            .collect::<Vec<_>>()
    });

    view! {
        <div class="proxy__compare">
            <h3 class="proxy__h3">{td_string!(lang, proxy.cmp_title)}</h3>
            <p class="proxy__hint">{td_string!(lang, proxy.cmp_hint)}</p>
            <fieldset class="proxy__group proxy__algos">
                <legend>{td_string!(lang, proxy.cmp_pick)}</legend>
                {Algorithm::ALL.iter().map(|a| {
                    let a = *a;
                    view! {
                        <label class="proxy__field proxy__field--check">
                            <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&a))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != a);
                                        if on { c.push(a); }
                                        c.sort_by_key(|x| Algorithm::ALL.iter().position(|y| y == x));
                                    });
                                } />
                            <span>{text::algo_label(lang, a)}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="proxy__bar">
                <button type="button" class="button button--primary proxy__compare-run"
                    disabled={move || running.get() || !(2..=4).contains(&chosen.with(|c| c.len()))}
                    on:click=move |_| start()>{td_string!(lang, proxy.cmp_run)}</button>
                <button type="button" class="button" disabled=move || !running.get() on:click=move |_| running.set(false)>
                    {td_string!(lang, proxy.cancel)}
                </button>
                <label class="proxy__field proxy__field--inline">
                    <span>{td_string!(lang, proxy.progress)}</span>
                    <progress max="100" value=move || progress.get()></progress>
                </label>
            </div>
            <p class="proxy__message" role="status">{move || error.get()}</p>
            <Show when=move || !results.with(|r| r.is_empty())>
                <div class="proxy__table-wrap" tabindex="0" role="region" aria-label=td_string!(lang, proxy.cmp_caption)>
                    <table class="proxy__table proxy__compare-table">
                        <caption>{td_string!(lang, proxy.cmp_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{td_string!(lang, proxy.f_algorithm)}</th>
                            <th scope="col">{td_string!(lang, proxy.t_ok)}</th>
                            <th scope="col">{td_string!(lang, proxy.t_failed)}</th>
                            <th scope="col">{td_string!(lang, proxy.t_dropped)}</th>
                            <th scope="col">"p50 (ms)"</th>
                            <th scope="col">"p95 (ms)"</th>
                            <th scope="col">"p99 (ms)"</th>
                            <th scope="col">{td_string!(lang, proxy.t_lost)}</th>
                            <th scope="col">{td_string!(lang, proxy.cmp_share)}</th>
                        </tr></thead>
                        <tbody>
                            {move || results.get().into_iter().map(|d| {
                                let s = &d.summary;
                                let total: u64 = s.backends.iter().map(|b| b.stats.attempts).sum::<u64>().max(1);
                                let share = s.backends.iter().map(|b| format!("{} {}%", b.name, (b.stats.attempts * 100 + total / 2) / total)).collect::<Vec<_>>().join(" · ");
                                view! {
                                    <tr data-algo=d.algo.name()>
                                        <th scope="row">{text::algo_label(lang, d.algo)}</th>
                                        <td class="num">{s.totals.ok}</td>
                                        <td class="num">{s.totals.failed}</td>
                                        <td class="num">{s.totals.dropped}</td>
                                        <td class="num">{text::num(s.latency.p50_ms)}</td>
                                        <td class="num">{text::num(s.latency.p95_ms)}</td>
                                        <td class="num">{text::num(s.latency.p99_ms)}</td>
                                        <td class="num">{s.totals.sessions_lost}</td>
                                        <td>{share}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Chart title=td_string!(lang, proxy.cmp_chart).into() unit="ms".into() lines
                    first_s=Signal::derive(|| 1) empty=td_string!(lang, proxy.chart_empty).into() latest=td_string!(lang, proxy.latest).into() lang />
            </Show>
        </div>
    }
}
