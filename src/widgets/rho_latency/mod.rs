//! `rho-latency`: response time against utilisation ρ, for one shared queue in front of c servers (M/M/c) and a
//! queue per server (M/M/1), mean and p99, with the simulator's measured points on top. A view over
//! `msa_sim::proxy::rho_latency`: the core computes the curves and runs the engine (a slice a task); this draws
//! the chart and its text twin, the table.

use crate::i18n::*;
use crate::widgets::{fill, param, Params};
use leptos::prelude::*;
use msa_sim::proxy::rho_latency::{
    curve, theory, Bound, Measured, Measurement, Setting, KNEE, MEASURED, REQUESTS, RHO_MAX, RHO_MIN, SERVERS,
};
use std::time::Duration;

/// Engine events per slice: a few milliseconds of work on a phone.
const SLICE_EVENTS: u64 = 15_000;

// The chart's frame (SVG user units): ρ from 0 to 1 across, 0 to Y_MAX_MS up; curves above are cut at the top.
const W: f64 = 320.0;
const H: f64 = 210.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 26.0;
const Y_MAX_MS: f64 = 500.0;

fn x_of(rho_pct: u32) -> f64 {
    LEFT + rho_pct as f64 / 100.0 * (W - LEFT - RIGHT)
}
fn y_of(ms: f64) -> f64 {
    H - BOTTOM - (ms / Y_MAX_MS).clamp(0.0, 1.0) * (H - TOP - BOTTOM)
}

/// A polyline's points for one series of the curve; points above the chart sit on its top edge.
fn line(pts: &[(u32, f64)]) -> String {
    pts.iter().map(|&(r, v)| format!("{:.1},{:.1}", x_of(r), y_of(v))).collect::<Vec<_>>().join(" ")
}

fn ms(v: f64) -> String {
    format!("{v:.1}")
}
fn rho_text(rho_pct: u32) -> String {
    format!("{}.{:02}", rho_pct / 100, rho_pct % 100)
}

fn servers_text(lang: Locale, c: u32) -> String {
    if c == 1 {
        td_string!(lang, rho_latency.servers_one).to_string()
    } else {
        fill(td_string!(lang, rho_latency.servers_many), &[("c", &c)])
    }
}

/// Runs the measurement a slice per task until it finishes, unless a newer one (another c) took its place or the
/// widget is gone.
fn tick(
    gen: u32,
    generation: StoredValue<u32>,
    job: StoredValue<Option<Measurement>, LocalStorage>,
    points: RwSignal<Vec<Measured>>,
    running: RwSignal<Option<usize>>,
) {
    if generation.try_get_value() != Some(gen) {
        return;
    }
    let mut state = None;
    job.try_update_value(|j| {
        if let Some(m) = j.as_mut() {
            let done = m.advance(SLICE_EVENTS);
            state = Some((done, m.points().to_vec()));
        }
    });
    let Some((done, pts)) = state else { return };
    if pts.len() != points.try_with_untracked(Vec::len).unwrap_or(0) {
        points.try_set(pts.clone());
    }
    if done {
        job.try_set_value(None);
        running.try_set(None);
    } else {
        running.try_set(Some(pts.len()));
        set_timeout(move || tick(gen, generation, job, points, running), Duration::ZERO);
    }
}

#[component]
pub fn RhoLatency(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("rho-latency");
    let start = Setting::default();
    let c = RwSignal::new(start.servers());
    let rho = RwSignal::new(start.rho_pct());
    // The learner asked for measured points (the button); from then on a change of c measures again.
    let wanted = RwSignal::new(false);
    let points = RwSignal::new(Vec::<Measured>::new());
    let running = RwSignal::new(None::<usize>);
    let generation = StoredValue::new(0u32);
    let job: StoredValue<Option<Measurement>, LocalStorage> = StoredValue::new_local(None);

    Effect::new(move |_| {
        let c = c.get();
        let want = wanted.get();
        generation.update_value(|g| *g = g.wrapping_add(1));
        let gen = generation.get_value();
        points.set(Vec::new());
        match (want, Measurement::new(c)) {
            (true, Ok(m)) => {
                job.set_value(Some(m));
                running.set(Some(0));
                set_timeout(move || tick(gen, generation, job, points, running), Duration::ZERO);
            }
            _ => {
                job.set_value(None);
                running.set(None);
            }
        }
    });

    let setting = Memo::new(move |_| Setting::new(c.get(), rho.get()).unwrap_or_default());
    let now = Memo::new(move |_| setting.get().theory());
    let curves = Memo::new(move |_| curve(c.get()));

    let uid = key.to_string();
    let title_id = format!("{uid}-title");
    let rho_id = format!("{uid}-rho");
    let c_id = format!("{uid}-c");
    let readout_id = format!("{uid}-readout");
    let (title_ref, rho_label_for, rho_output_for, c_label_for) = (title_id.clone(), rho_id.clone(), rho_id.clone(), c_id.clone());
    let readout_ref = readout_id.clone();

    let readout = move || {
        let t = now.get();
        let c = c.get();
        let wait = format!("{:.0}", t.p_wait * 100.0);
        if c == 1 {
            fill(
                td_string!(lang, rho_latency.readout_one),
                &[("rho", &rho_text(t.rho_pct)), ("mean", &ms(t.mmc_mean_ms)), ("p99", &ms(t.mmc_p99_ms)), ("wait", &wait)],
            )
        } else {
            fill(
                td_string!(lang, rho_latency.readout),
                &[
                    ("rho", &rho_text(t.rho_pct)),
                    ("servers", &servers_text(lang, c)),
                    ("mmc_mean", &ms(t.mmc_mean_ms)),
                    ("mmc_p99", &ms(t.mmc_p99_ms)),
                    ("mm1_mean", &ms(t.mm1_mean_ms)),
                    ("mm1_p99", &ms(t.mm1_p99_ms)),
                    ("wait", &wait),
                ],
            )
        }
    };
    let knee = move || {
        let c = c.get();
        let (a, b) = (theory(c, KNEE.0).mmc_p99_ms, theory(c, KNEE.1).mmc_p99_ms);
        fill(
            td_string!(lang, rho_latency.knee),
            &[("servers", &servers_text(lang, c)), ("p80", &ms(a)), ("p95", &ms(b)), ("ratio", &format!("{:.1}", b / a))],
        )
    };
    let bound = move || match setting.get().at_bound() {
        Some(Bound::High) => Some(td_string!(lang, rho_latency.bound_high)),
        Some(Bound::Low) => Some(td_string!(lang, rho_latency.bound_low)),
        None => None,
    };

    // The chart: four curves (two when c = 1, where both models are one), the measured points, the slider's ρ.
    let chart = move || {
        let cs = curves.get();
        let single = c.get() == 1;
        let series = |f: fn(&msa_sim::proxy::rho_latency::Theory) -> f64| line(&cs.iter().map(|t| (t.rho_pct, f(t))).collect::<Vec<_>>());
        let t = now.get();
        let x = x_of(t.rho_pct);
        let pts = points.get();
        let grid = (1..=5)
            .map(|i| {
                let v = i as f64 * 100.0;
                let y = y_of(v);
                view! {
                    <line class="rho__grid" x1=LEFT y1=y x2=W - RIGHT y2=y />
                    <text class="rho__tick" x=LEFT - 4.0 y=y + 3.5 text-anchor="end">{format!("{v:.0}")}</text>
                }
            })
            .collect_view();
        let xticks = (0..=5)
            .map(|i| {
                let r = i * 20;
                // The last label ends at the axis' end, inside the frame.
                let anchor = if r == 100 { "end" } else { "middle" };
                view! { <text class="rho__tick" x=x_of(r) y=H - BOTTOM + 13.0 text-anchor=anchor>{rho_text(r)}</text> }
            })
            .collect_view();
        // The slider's values as dots on the curves; a value above the chart is written at its top instead, one
        // line each (the shared queue's first).
        let now_values: Vec<(f64, &'static str)> = [(t.mmc_mean_ms, "mmc"), (t.mmc_p99_ms, "mmc")]
            .into_iter()
            .chain((!single).then_some([(t.mm1_mean_ms, "mm1"), (t.mm1_p99_ms, "mm1")]).into_iter().flatten())
            .collect();
        let cursor_dots = now_values
            .iter()
            .filter(|(v, _)| *v <= Y_MAX_MS)
            .map(|&(v, m)| view! { <circle class=format!("rho__now rho__now--{m}") cx=x cy=y_of(v) r="3.5" /> })
            .collect_view();
        let over = now_values
            .iter()
            .filter(|(v, _)| *v > Y_MAX_MS)
            .enumerate()
            .map(|(k, &(v, m))| {
                // Left of the cursor when it is in the chart's right half, so the text stays inside.
                let (tx, anchor) = if x > (LEFT + W) / 2.0 { (x - 4.0, "end") } else { (x + 4.0, "start") };
                view! { <text class=format!("rho__over rho__over--{m}") x=tx y=TOP + 9.0 + 10.0 * k as f64 text-anchor=anchor>{format!("{} ↑", ms(v))}</text> }
            })
            .collect_view();
        let measured = pts
            .iter()
            .map(|p| {
                let (px, ym, yp) = (x_of(p.rho_pct), y_of(p.mean_ms), y_of(p.p99_ms));
                view! {
                    <rect class="rho__pt rho__pt--mean" x=px - 3.0 y=ym - 3.0 width="6" height="6" />
                    <path class="rho__pt rho__pt--p99" d=format!("M{:.1} {:.1}l4 4l-4 4l-4-4z", px, yp - 4.0) />
                }
            })
            .collect_view();
        view! {
            <line class="rho__axis" x1=LEFT y1=H - BOTTOM x2=W - RIGHT y2=H - BOTTOM />
            <line class="rho__axis" x1=LEFT y1=TOP x2=LEFT y2=H - BOTTOM />
            {grid}
            {xticks}
            <text class="rho__tick" x=LEFT + 4.0 y=TOP + 8.0>"ms"</text>
            <text class="rho__tick" x=W - RIGHT y=H - 2.0 text-anchor="end">"ρ"</text>
            {(!single).then(|| view! {
                <polyline class="rho__line rho__line--mm1 rho__line--mean" points=series(|t| t.mm1_mean_ms) />
                <polyline class="rho__line rho__line--mm1 rho__line--p99" points=series(|t| t.mm1_p99_ms) />
            })}
            <polyline class="rho__line rho__line--mmc rho__line--mean" points=series(|t| t.mmc_mean_ms) />
            <polyline class="rho__line rho__line--mmc rho__line--p99" points=series(|t| t.mmc_p99_ms) />
            <line class="rho__cursor" x1=x y1=TOP x2=x y2=H - BOTTOM />
            {measured}
            {cursor_dots}
            {over}
        }
    };

    // The text twin: the measured ρ values and the slider's, theory and simulator side by side.
    let rows = move || {
        let c = c.get();
        let r = rho.get();
        let pts = points.get();
        let mut rhos: Vec<u32> = MEASURED.to_vec();
        if !rhos.contains(&r) {
            rhos.push(r);
            rhos.sort_unstable();
        }
        rhos.into_iter()
            .map(|x| {
                let t = theory(c, x);
                let m = pts.iter().find(|p| p.rho_pct == x).copied();
                let dash = || "–".to_string();
                let current = x == r;
                view! {
                    <tr class=current.then_some("rho__row--now") data-rho=x>
                        <th scope="row">
                            {rho_text(x)}
                            {current.then(|| view! { <span class="rho__mark">{format!(" {}", td_string!(lang, rho_latency.row_slider))}</span> })}
                        </th>
                        <td class="num">{ms(t.mmc_mean_ms)}</td>
                        <td class="num">{ms(t.mmc_p99_ms)}</td>
                        <td class="num">{ms(t.mm1_mean_ms)}</td>
                        <td class="num">{ms(t.mm1_p99_ms)}</td>
                        <td class="num" data-col="sim-mean">{m.map(|m| ms(m.mean_ms)).unwrap_or_else(dash)}</td>
                        <td class="num" data-col="sim-p99">{m.map(|m| ms(m.p99_ms)).unwrap_or_else(dash)}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    let measure_note = move || fill(td_string!(lang, rho_latency.measured_note), &[("servers", &servers_text(lang, c.get())), ("n", &REQUESTS)]);
    let chart_label = td_string!(lang, rho_latency.chart_label);

    view! {
        <section class="widget widget--rho-latency rho" data-keys aria-labelledby=title_ref>
            <h3 class="widget__title" id=title_id>{td_string!(lang, rho_latency.title)}</h3>
            <p class="rho__intro">{td_string!(lang, rho_latency.intro)}</p>
            <div class="rho__controls">
                <label class="rho__field rho__field--slider" for=rho_label_for>
                    <span>{td_string!(lang, rho_latency.rho_label)} " " <output class="rho__value" for=rho_output_for>{move || rho_text(rho.get())}</output></span>
                    <input
                        id=rho_id
                        type="range"
                        min=RHO_MIN
                        max=RHO_MAX
                        step="1"
                        prop:value=move || rho.get().to_string()
                        aria-valuetext=move || format!("ρ = {}", rho_text(rho.get()))
                        aria-describedby=readout_ref
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                rho.set(v.clamp(RHO_MIN, RHO_MAX));
                            }
                        }
                    />
                </label>
                <label class="rho__field" for=c_label_for>
                    <span>{td_string!(lang, rho_latency.servers_label)}</span>
                    <select
                        id=c_id
                        on:change=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<u32>() {
                                if SERVERS.contains(&v) {
                                    c.set(v);
                                }
                            }
                        }
                    >
                        {SERVERS
                            .into_iter()
                            .map(|s| view! { <option value=s selected=move || c.get() == s>{servers_text(lang, s)}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="rho__readout" id=readout_id aria-live="polite">{readout}</p>
            <p class="rho__bound" role="status">{move || bound().unwrap_or_default()}</p>
            <figure class="rho__figure">
                <svg class="rho__svg" viewBox=format!("0 0 {W} {H}") role="img" aria-label=chart_label>
                    {chart}
                </svg>
                <figcaption>
                    <ul class="rho__legend">
                        <li><span class="rho__key rho__key--mmc" aria-hidden="true"></span>{move || fill(td_string!(lang, rho_latency.legend_mmc), &[("c", &c.get())])}</li>
                        {move || (c.get() != 1).then(|| view! {
                            <li><span class="rho__key rho__key--mm1" aria-hidden="true"></span>{td_string!(lang, rho_latency.legend_mm1)}</li>
                        })}
                        <li><span class="rho__key rho__key--p99" aria-hidden="true"></span>{td_string!(lang, rho_latency.legend_lines)}</li>
                        <li><span class="rho__key rho__key--pts" aria-hidden="true"></span>{td_string!(lang, rho_latency.legend_points)}</li>
                    </ul>
                </figcaption>
            </figure>
            <p class="rho__knee">{knee}</p>
            <div class="rho__measure">
                <button
                    type="button"
                    class="button"
                    data-act="measure"
                    disabled=move || running.get().is_some() || (wanted.get() && !points.with(Vec::is_empty))
                    on:click=move |_| wanted.set(true)
                >
                    {td_string!(lang, rho_latency.measure)}
                </button>
                <span class="rho__progress" role="status">
                    {move || running.get().map(|done| fill(td_string!(lang, rho_latency.measuring), &[("done", &done), ("total", &MEASURED.len())]))}
                </span>
            </div>
            <p class="rho__hint">{measure_note}</p>
            <div class="rho__table-wrap" tabindex="0" role="region" aria-label=td_string!(lang, rho_latency.table_caption)>
                <table class="rho__table">
                    <caption>{td_string!(lang, rho_latency.table_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">"ρ"</th>
                            <th scope="colgroup" colspan="2">{move || fill(td_string!(lang, rho_latency.legend_mmc), &[("c", &c.get())])}</th>
                            <th scope="colgroup" colspan="2">{td_string!(lang, rho_latency.legend_mm1)}</th>
                            <th scope="colgroup" colspan="2">{td_string!(lang, rho_latency.col_sim)}</th>
                        </tr>
                        <tr>
                            {(0..3)
                                .map(|_| view! {
                                    <th scope="col">{td_string!(lang, rho_latency.col_mean)}</th>
                                    <th scope="col">"p99"</th>
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
