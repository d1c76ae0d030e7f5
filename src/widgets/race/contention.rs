//! The contention lab: the same clients under pessimistic, optimistic and atomic locking, side by side, and a
//! sweep over the number of hot rows (`msa_sim::txn::contention::SweepRunner`, one run per browser task) drawn
//! as two SVG charts with the crossover the lecture notes' rule of thumb predicts. A table is its text twin.

use super::text::{fill, fixed};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::txn::contention::{ContentionConfig, ContentionReport, Locking, Sweep, SweepRunner, DEFAULT_SWEEP};
use std::time::Duration;

const OPS_PER_CLIENT: u32 = 50;

#[derive(Clone, Copy, PartialEq)]
struct Knobs {
    clients: u32,
    hot: u32,
    think_ms: u32,
}

fn base(k: Knobs) -> ContentionConfig {
    ContentionConfig {
        clients: k.clients,
        ops_per_client: OPS_PER_CLIENT,
        think_mean_us: k.think_ms as u64 * 1_000,
        ..ContentionConfig::default()
    }
}

fn points(hot: u32) -> Vec<u32> {
    let mut v: Vec<u32> = DEFAULT_SWEEP.to_vec();
    v.push(hot);
    v.sort_unstable();
    v.dedup();
    v
}

fn locking_name(lang: Locale, l: Locking) -> &'static str {
    match l {
        Locking::Pessimistic => td_string!(lang, race.lock_pessimistic),
        Locking::Optimistic => td_string!(lang, race.lock_optimistic),
        Locking::Atomic => td_string!(lang, race.lock_atomic),
    }
}

fn report(p: &msa_sim::txn::contention::SweepPoint, l: Locking) -> &ContentionReport {
    match l {
        Locking::Pessimistic => &p.pessimistic,
        Locking::Optimistic => &p.optimistic,
        Locking::Atomic => &p.atomic,
    }
}

#[component]
pub fn Contention(lang: Locale, uid: String) -> impl IntoView {
    let knobs = RwSignal::new(Knobs { clients: 32, hot: 4, think_ms: 2 });
    let result = RwSignal::new(None::<(Knobs, Sweep)>);
    let running = RwSignal::new(None::<(usize, usize)>);
    let generation = StoredValue::new(0u32);
    let runner: StoredValue<Option<SweepRunner>, LocalStorage> = StoredValue::new_local(None);

    fn tick(gen: u32, k: Knobs, generation: StoredValue<u32>, runner: StoredValue<Option<SweepRunner>, LocalStorage>, running: RwSignal<Option<(usize, usize)>>, result: RwSignal<Option<(Knobs, Sweep)>>) {
        if generation.get_value() != gen {
            return;
        }
        let mut more = false;
        runner.update_value(|r| {
            if let Some(r) = r {
                more = r.step().unwrap_or(false);
            }
        });
        let (prog, sweep) = runner.with_value(|r| r.as_ref().map_or(((0, 0), None), |r| (r.progress(), (!more).then(|| r.sweep()))));
        if let Some(s) = sweep {
            runner.set_value(None);
            running.set(None);
            result.set(Some((k, s)));
        } else {
            running.set(Some(prog));
            set_timeout(move || tick(gen, k, generation, runner, running, result), Duration::ZERO);
        }
    }
    let start = move || {
        let k = knobs.get_untracked();
        let Ok(r) = SweepRunner::new(&base(k), &points(k.hot)) else { return };
        let gen = generation.get_value().wrapping_add(1);
        generation.set_value(gen);
        runner.set_value(Some(r));
        running.set(Some((0, points(k.hot).len() * 3)));
        set_timeout(move || tick(gen, k, generation, runner, running, result), Duration::ZERO);
    };
    // A first sweep when the lab appears, so the charts show measured figures right away.
    Effect::new(move |_| start());

    let slider = move |label: &'static str, id: String, min: u32, max: u32, get: fn(Knobs) -> u32, set: fn(&mut Knobs, u32)| {
        let for_id = id.clone();
        view! {
            <label class="race__slider" for=for_id>
                <span>{label}": "<output>{move || get(knobs.get())}</output></span>
                <input type="range" id=id min=min max=max step="1" prop:value=move || get(knobs.get()).to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<u32>() { knobs.update(|k| set(k, v.clamp(min, max))) } }
                    on:change=move |_| start() />
            </label>
        }
    };

    view! {
        <div class="race__contention">
            <h4>{td_string!(lang, race.cont_heading)}</h4>
            <p>{td_string!(lang, race.cont_intro)}</p>
            <div class="race__sliders">
                {slider(td_string!(lang, race.cont_clients), format!("{uid}-clients-lab"), 2, 64, |k| k.clients, |k, v| k.clients = v)}
                {slider(td_string!(lang, race.cont_hot), format!("{uid}-hot"), 1, 256, |k| k.hot, |k, v| k.hot = v)}
                {slider(td_string!(lang, race.cont_think), format!("{uid}-think"), 0, 20, |k| k.think_ms, |k, v| k.think_ms = v)}
                <button type="button" class="button" on:click=move |_| start() disabled=move || running.get().is_some()>{td_string!(lang, race.cont_run)}</button>
            </div>
            <p class="race__cont-status" role="status">
                {move || running.get().map(|(a, b)| fill(td_string!(lang, race.cont_running), &[&(a + 1).min(b).to_string(), &b.to_string()]))}
            </p>
            {move || result.get().map(|(k, sweep)| view! { <Figures lang k sweep /> })}
        </div>
    }
}

#[component]
fn Figures(lang: Locale, k: Knobs, sweep: Sweep) -> impl IntoView {
    let here = sweep.points.iter().find(|p| p.hot_rows == k.hot).cloned();
    let fmt_ms = |us: f64| fixed(us / 1000.0, 2);
    let crossover = match sweep.crossover {
        Some((a, b)) => fill(td_string!(lang, race.crossover), &[&a.to_string(), &b.to_string()]),
        None => td_string!(lang, race.no_crossover).to_string(),
    };
    view! {
        {here.map(|p| view! {
            <div class="race__cards">
                {Locking::ALL.into_iter().map(|l| {
                    let r = *report(&p, l);
                    view! {
                        <div class=format!("race__card race__card--{}", l.name())>
                            <h5>{locking_name(lang, l)}</h5>
                            <dl>
                                <dt>{td_string!(lang, race.m_throughput)}</dt><dd>{fixed(r.throughput_per_s, 0)}</dd>
                                <dt>{td_string!(lang, race.m_retries)}</dt><dd>{r.retries}</dd>
                                <dt>{td_string!(lang, race.m_aborts)}</dt><dd>{r.aborts}</dd>
                                <dt>{td_string!(lang, race.m_gave_up)}</dt><dd>{r.gave_up}</dd>
                                <dt>{td_string!(lang, race.m_wait)}</dt><dd>{fmt_ms(r.mean_lock_wait_us)}</dd>
                                <dt>{td_string!(lang, race.m_latency)}</dt><dd>{fmt_ms(r.mean_latency_us)}</dd>
                            </dl>
                        </div>
                    }
                }).collect_view()}
            </div>
        })}
        <p class="race__crossover" data-crossover=sweep.crossover.map(|(a, b)| format!("{a}-{b}"))>{crossover}</p>
        <Chart lang sweep=sweep.clone() />
        <details class="race__sweep-table">
            <summary>{td_string!(lang, race.sweep_table)}</summary>
            <div class="race__table-wrap">
            <table class="race__table">
                <thead><tr>
                    <th scope="col">{td_string!(lang, race.col_hot)}</th>
                    {Locking::ALL.into_iter().map(|l| view! { <th scope="col">{locking_name(lang, l)}" · "{td_string!(lang, race.m_throughput)}</th> }).collect_view()}
                    <th scope="col">{td_string!(lang, race.lock_optimistic)}" · "{td_string!(lang, race.m_retries)}</th>
                    <th scope="col">{td_string!(lang, race.lock_pessimistic)}" · "{td_string!(lang, race.m_wait)}</th>
                    <th scope="col">{td_string!(lang, race.winner)}</th>
                </tr></thead>
                <tbody>
                    {sweep.points.iter().map(|p| view! {
                        <tr>
                            <th scope="row">{p.hot_rows}</th>
                            {Locking::ALL.into_iter().map(|l| view! { <td>{fixed(report(p, l).throughput_per_s, 0)}</td> }).collect_view()}
                            <td>{p.optimistic.retries}</td>
                            <td>{fmt_ms(p.pessimistic.mean_lock_wait_us)}</td>
                            <td>{locking_name(lang, p.winner())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </details>
    }
}

/// Two charts over log2(hot rows): throughput of the three strategies, then what conflicts cost (optimistic
/// retries per operation on the left axis, pessimistic mean lock wait on the right). Integer coordinates in a
/// 560 x 220 viewBox.
#[component]
fn Chart(lang: Locale, sweep: Sweep) -> impl IntoView {
    const W: i32 = 560;
    const H: i32 = 220;
    const L: i32 = 56;
    const R: i32 = 56;
    const T: i32 = 16;
    const B: i32 = 40;
    let pts = sweep.points.clone();
    let max_log = pts.iter().map(|p| (p.hot_rows.max(1) as f64).log2()).fold(1.0_f64, f64::max);
    let x = move |h: u32| L + ((W - L - R) as f64 * (h.max(1) as f64).log2() / max_log) as i32;
    let y = |v: f64, max: f64| T + ((H - T - B) as f64 * (1.0 - if max > 0.0 { v / max } else { 0.0 })) as i32;
    let line = |vals: Vec<(u32, f64)>, max: f64| {
        vals.iter().enumerate().map(|(i, (h, v))| format!("{}{},{}", if i == 0 { "M" } else { " L" }, x(*h), y(*v, max))).collect::<String>()
    };
    let tp_max = pts.iter().flat_map(|p| Locking::ALL.map(|l| report(p, l).throughput_per_s)).fold(1.0_f64, f64::max) * 1.1;
    let retry_per_op = |p: &msa_sim::txn::contention::SweepPoint| p.optimistic.retries as f64 / (p.optimistic.committed.max(1)) as f64;
    let r_max = pts.iter().map(retry_per_op).fold(0.1_f64, f64::max) * 1.1;
    let w_max = pts.iter().map(|p| p.pessimistic.mean_lock_wait_us / 1000.0).fold(0.1_f64, f64::max) * 1.1;
    let label = |v: f64, max: f64| if max >= 100.0 { fixed(v, 0) } else { fixed(v, 1) };
    let axis = move |max: f64, right_max: Option<f64>| {
        (0..=4).map(|i| {
            let v = max * i as f64 / 4.0;
            let yy = y(v, max);
            let right = right_max.map(|m| view! {
                <text x=W - R + 6 y=yy + 4 text-anchor="start" class="race__tick">{label(m * i as f64 / 4.0, m)}</text>
            });
            view! {
                <line x1=L x2=W - R y1=yy y2=yy class="race__grid" />
                <text x=L - 6 y=yy + 4 text-anchor="end" class="race__tick">{label(v, max)}</text>
                {right}
            }
        }).collect_view()
    };
    let xticks = move |pts: &[msa_sim::txn::contention::SweepPoint]| pts.iter().map(|p| view! {
        <text x=x(p.hot_rows) y=H - B + 16 text-anchor="middle" class="race__tick">{p.hot_rows}</text>
    }).collect_view();
    let band = move || sweep.crossover.map(|(a, b)| view! {
        <rect x=x(a) y=T width=(x(b) - x(a)).max(2) height=H - T - B class="race__band" />
    });
    let series = Locking::ALL.map(|l| (l, line(pts.iter().map(|p| (p.hot_rows, report(p, l).throughput_per_s)).collect(), tp_max)));
    let retry_line = line(pts.iter().map(|p| (p.hot_rows, retry_per_op(p))).collect(), r_max);
    let wait_line = line(pts.iter().map(|p| (p.hot_rows, p.pessimistic.mean_lock_wait_us / 1000.0)).collect(), w_max);
    let view_box = format!("0 0 {W} {H}");
    view! {
        <figure class="race__chart">
            <figcaption>{td_string!(lang, race.chart_tp)}</figcaption>
            <svg viewBox=view_box.clone() role="img" aria-label=td_string!(lang, race.chart_tp)>
                {band()}
                {axis(tp_max, None)}
                {xticks(&pts)}
                <text x=(L + W - R) / 2 y=H - 6 text-anchor="middle" class="race__tick">{td_string!(lang, race.axis_hot)}</text>
                {series.into_iter().map(|(l, d)| view! { <path d=d class=format!("race__line race__line--{}", l.name()) /> }).collect_view()}
            </svg>
            <ul class="race__legend">
                {Locking::ALL.into_iter().map(|l| view! { <li class=format!("race__legend--{}", l.name())>{locking_name(lang, l)}</li> }).collect_view()}
            </ul>
        </figure>
        <figure class="race__chart">
            <figcaption>{td_string!(lang, race.chart_cost)}</figcaption>
            <svg viewBox=view_box role="img" aria-label=td_string!(lang, race.chart_cost)>
                {band()}
                {axis(r_max, Some(w_max))}
                {xticks(&pts)}
                <text x=(L + W - R) / 2 y=H - 6 text-anchor="middle" class="race__tick">{td_string!(lang, race.axis_hot)}</text>
                <path d=retry_line class="race__line race__line--optimistic" />
                <path d=wait_line class="race__line race__line--pessimistic" />
            </svg>
            <ul class="race__legend">
                <li class="race__legend--optimistic">{td_string!(lang, race.lock_optimistic)}" · "{td_string!(lang, race.m_retries)}</li>
                <li class="race__legend--pessimistic">{td_string!(lang, race.lock_pessimistic)}" · "{td_string!(lang, race.m_wait)}</li>
            </ul>
        </figure>
    }
}
