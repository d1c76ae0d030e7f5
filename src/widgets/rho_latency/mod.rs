//! `rho-latency`: response time against utilisation ρ, for one shared queue in front of c servers (M/M/c) and a
//! queue per server (M/M/1), mean and p99, with the simulator's measured points on top. A view over
//! `msa_sim::proxy::rho_latency`: the core computes the curves and runs the engine (a slice a task); this draws
//! the chart and its text twin, the table.

use crate::i18n::*;
use crate::sliced::{First, Slice, Sliced};
use crate::widgets::{fill, param, Params};
use leptos::prelude::*;
use msa_sim::proxy::rho_latency::{
    curve, theory, Bound, Measured, Measurement, Setting, Theory, KNEE, MEASURED, REQUESTS, RHO_MAX, RHO_MIN, SERVERS,
};
use std::fmt::Write;

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

/// `s` with the characters markup gives a meaning escaped, for text written into `inner_html`.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The chart's markup: axes and grid, four curves (two when c = 1, where both models are one), the measured
/// points, the slider's ρ with its values as dots (written at the top when above the chart).
fn chart_svg(c: u32, t: &Theory, cs: &[Theory], pts: &[Measured]) -> String {
    let mut o = String::with_capacity(8_192);
    let single = c == 1;
    let (l, r, b) = (LEFT, W - RIGHT, H - BOTTOM);
    let _ = write!(
        o,
        r#"<line class="rho__axis" x1="{l}" y1="{b}" x2="{r}" y2="{b}"/><line class="rho__axis" x1="{l}" y1="{TOP}" x2="{l}" y2="{b}"/>"#
    );
    for i in 1..=5 {
        let v = i as f64 * 100.0;
        let y = y_of(v);
        let _ = write!(
            o,
            r#"<line class="rho__grid" x1="{l}" y1="{y:.1}" x2="{r}" y2="{y:.1}"/><text class="rho__tick" x="{:.1}" y="{:.1}" text-anchor="end">{v:.0}</text>"#,
            l - 4.0,
            y + 3.5
        );
    }
    for i in 0..=5 {
        let rp = i * 20;
        // The last label ends at the axis' end, inside the frame.
        let anchor = if rp == 100 { "end" } else { "middle" };
        let _ = write!(
            o,
            r#"<text class="rho__tick" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            x_of(rp),
            b + 13.0,
            rho_text(rp)
        );
    }
    let _ = write!(
        o,
        r#"<text class="rho__tick" x="{:.1}" y="{:.1}">ms</text><text class="rho__tick" x="{r}" y="{:.1}" text-anchor="end">ρ</text>"#,
        l + 4.0,
        TOP + 8.0,
        H - 2.0
    );
    let series = |o: &mut String, class: &str, f: fn(&Theory) -> f64| {
        let _ = write!(
            o,
            r#"<polyline class="rho__line {class}" points="{}"/>"#,
            line(&cs.iter().map(|t| (t.rho_pct, f(t))).collect::<Vec<_>>())
        );
    };
    if !single {
        series(&mut o, "rho__line--mm1 rho__line--mean", |t| t.mm1_mean_ms);
        series(&mut o, "rho__line--mm1 rho__line--p99", |t| t.mm1_p99_ms);
    }
    series(&mut o, "rho__line--mmc rho__line--mean", |t| t.mmc_mean_ms);
    series(&mut o, "rho__line--mmc rho__line--p99", |t| t.mmc_p99_ms);
    let x = x_of(t.rho_pct);
    let _ = write!(o, r#"<line class="rho__cursor" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{b}"/>"#);
    for p in pts {
        let (px, ym, yp) = (x_of(p.rho_pct), y_of(p.mean_ms), y_of(p.p99_ms));
        let _ = write!(
            o,
            r#"<rect class="rho__pt rho__pt--mean" x="{:.1}" y="{:.1}" width="6" height="6"/><path class="rho__pt rho__pt--p99" d="M{px:.1} {:.1}l4 4l-4 4l-4-4z"/>"#,
            px - 3.0,
            ym - 3.0,
            yp - 4.0
        );
    }
    let mut now: Vec<(f64, &str)> = vec![(t.mmc_mean_ms, "mmc"), (t.mmc_p99_ms, "mmc")];
    if !single {
        now.extend([(t.mm1_mean_ms, "mm1"), (t.mm1_p99_ms, "mm1")]);
    }
    let mut over = 0;
    for (v, m) in now {
        if v <= Y_MAX_MS {
            let _ = write!(o, r#"<circle class="rho__now rho__now--{m}" cx="{x:.1}" cy="{:.1}" r="3.5"/>"#, y_of(v));
        } else {
            // Left of the cursor when it is in the chart's right half, so the text stays inside; one line each.
            let (tx, anchor) = if x > (LEFT + W) / 2.0 { (x - 4.0, "end") } else { (x + 4.0, "start") };
            let _ = write!(
                o,
                r#"<text class="rho__over rho__over--{m}" x="{tx:.1}" y="{:.1}" text-anchor="{anchor}">{} ↑</text>"#,
                TOP + 9.0 + 10.0 * over as f64,
                ms(v)
            );
            over += 1;
        }
    }
    o
}

/// The figure: the chart (an image with its description; the table is its text twin) and the legend.
fn figure_html(lang: Locale, c: u32, t: &Theory, cs: &[Theory], pts: &[Measured]) -> String {
    let mut o = format!(
        r#"<svg class="rho__svg" viewBox="0 0 {W} {H}" role="img" aria-label="{}">{}</svg><figcaption><ul class="rho__legend">"#,
        esc(td_string!(lang, rho_latency.chart_label)),
        chart_svg(c, t, cs, pts)
    );
    let mut item = |class: &str, text: &str| {
        let _ =
            write!(o, r#"<li><span class="rho__key rho__key--{class}" aria-hidden="true"></span>{}</li>"#, esc(text));
    };
    item("mmc", &fill(td_string!(lang, rho_latency.legend_mmc), &[("c", &c)]));
    if c != 1 {
        item("mm1", td_string!(lang, rho_latency.legend_mm1));
    }
    item("p99", td_string!(lang, rho_latency.legend_lines));
    item("pts", td_string!(lang, rho_latency.legend_points));
    o.push_str("</ul></figcaption>");
    o
}

/// The text twin: a table of the measured ρ values and the slider's, theory and simulator side by side.
fn table_html(lang: Locale, c: u32, r: u32, pts: &[Measured]) -> String {
    let mut o = format!(
        r#"<table class="rho__table"><caption>{}</caption><thead><tr><th scope="col" rowspan="2">ρ</th><th scope="colgroup" colspan="2">{}</th><th scope="colgroup" colspan="2">{}</th><th scope="colgroup" colspan="2">{}</th></tr><tr>"#,
        esc(td_string!(lang, rho_latency.table_caption)),
        esc(&fill(td_string!(lang, rho_latency.legend_mmc), &[("c", &c)])),
        esc(td_string!(lang, rho_latency.legend_mm1)),
        esc(td_string!(lang, rho_latency.col_sim)),
    );
    for _ in 0..3 {
        let _ = write!(
            o,
            r#"<th scope="col">{}</th><th scope="col">p99</th>"#,
            esc(td_string!(lang, rho_latency.col_mean))
        );
    }
    o.push_str("</tr></thead><tbody>");
    o.push_str(&table_rows(lang, c, r, pts));
    o.push_str("</tbody></table>");
    o
}

/// The table's rows: the measured ρ values and the slider's, theory and simulator side by side.
fn table_rows(lang: Locale, c: u32, r: u32, pts: &[Measured]) -> String {
    let mut rhos: Vec<u32> = MEASURED.to_vec();
    if !rhos.contains(&r) {
        rhos.push(r);
        rhos.sort_unstable();
    }
    let mut o = String::with_capacity(2_048);
    for x in rhos {
        let t = theory(c, x);
        let m = pts.iter().find(|p| p.rho_pct == x);
        let (class, mark) = if x == r {
            (
                r#" class="rho__row--now""#,
                format!(r#" <span class="rho__mark">{}</span>"#, esc(td_string!(lang, rho_latency.row_slider))),
            )
        } else {
            ("", String::new())
        };
        let _ = write!(o, r#"<tr{class} data-rho="{x}"><th scope="row">{}{mark}</th>"#, rho_text(x));
        for v in [t.mmc_mean_ms, t.mmc_p99_ms, t.mm1_mean_ms, t.mm1_p99_ms] {
            let _ = write!(o, r#"<td class="num">{}</td>"#, ms(v));
        }
        let sim = |v: Option<f64>| v.map(ms).unwrap_or_else(|| "–".to_string());
        let _ = write!(
            o,
            r#"<td class="num" data-col="sim-mean">{}</td><td class="num" data-col="sim-p99">{}</td></tr>"#,
            sim(m.map(|m| m.mean_ms)),
            sim(m.map(|m| m.p99_ms))
        );
    }
    o
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
    let sliced = Sliced::new();
    let job: StoredValue<Option<Measurement>, LocalStorage> = StoredValue::new_local(None);

    Effect::new(move |_| {
        let c = c.get();
        let want = wanted.get();
        sliced.stop();
        points.set(Vec::new());
        match (want, Measurement::new(c)) {
            (true, Ok(m)) => {
                job.set_value(Some(m));
                running.set(Some(0));
                // The measurement runs a slice per task until it finishes, unless a newer one (another c) took its
                // place or the widget is gone; each slice shows the points measured so far.
                sliced.start(
                    First::Later,
                    move || {
                        let (done, pts) = job
                            .try_update_value(|j| j.as_mut().map(|m| (m.advance(SLICE_EVENTS), m.points().to_vec())))
                            .flatten()?;
                        if pts.len() != points.try_with_untracked(Vec::len).unwrap_or(0) {
                            points.try_set(pts.clone());
                        }
                        Some(if done { Slice::Done(()) } else { Slice::More(pts.len()) })
                    },
                    move |n| _ = running.try_set(Some(n)),
                    move |()| {
                        job.try_set_value(None);
                        running.try_set(None);
                    },
                );
            }
            _ => {
                job.set_value(None);
                running.set(None);
            }
        }
    });

    let uid = key.to_string();
    let title_id = format!("{uid}-title");
    let rho_id = format!("{uid}-rho");
    let out_id = format!("{uid}-rho-value");
    let readout_id = format!("{uid}-readout");

    // The heading and the two controls are plain markup written once (dragging the slider never re-renders it),
    // and the rest is text or markup redrawn from the core's figures: as typed views, their many element types
    // cost the proxy bundle tens of kilobytes. One handler per event type reads the control's `data-ctl`.
    let mut head = String::with_capacity(1_024);
    let _ = write!(
        head,
        r#"<h3 class="widget__title" id="{title_id}">{}</h3><p class="rho__intro">{}</p><div class="rho__controls"><label class="rho__field rho__field--slider" for="{rho_id}"><span>{} <output class="rho__value" id="{out_id}" for="{rho_id}">{}</output></span><input id="{rho_id}" data-ctl="rho" type="range" min="{RHO_MIN}" max="{RHO_MAX}" step="1" value="{}" aria-valuetext="ρ = {}" aria-describedby="{readout_id}"></label><label class="rho__field" for="{uid}-c"><span>{}</span><select id="{uid}-c" data-ctl="c">"#,
        esc(td_string!(lang, rho_latency.title)),
        esc(td_string!(lang, rho_latency.intro)),
        esc(td_string!(lang, rho_latency.rho_label)),
        rho_text(start.rho_pct()),
        start.rho_pct(),
        rho_text(start.rho_pct()),
        esc(td_string!(lang, rho_latency.servers_label)),
    );
    for s in SERVERS {
        let sel = if s == start.servers() { " selected" } else { "" };
        let _ = write!(head, r#"<option value="{s}"{sel}>{}</option>"#, esc(&servers_text(lang, s)));
    }
    head.push_str("</select></label></div>");

    let on_input = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(v) = event_target_value(&ev).parse::<u32>() else { return };
        match el.get_attribute("data-ctl").as_deref() {
            Some("rho") => {
                let v = v.clamp(RHO_MIN, RHO_MAX);
                rho.set(v);
                let _ = el.set_attribute("aria-valuetext", &format!("ρ = {}", rho_text(v)));
                if let Some(out) = document().get_element_by_id(&out_id) {
                    out.set_text_content(Some(&rho_text(v)));
                }
            }
            Some("c") if SERVERS.contains(&v) => c.set(v),
            _ => {}
        }
    };

    // The select reports `change` (and `input` too, in current browsers); the slider `input`.
    let on_change = on_input.clone();

    let readout = move || {
        let t = theory(c.get(), rho.get());
        let c = c.get();
        let wait = format!("{:.0}", t.p_wait * 100.0);
        if c == 1 {
            fill(
                td_string!(lang, rho_latency.readout_one),
                &[
                    ("rho", &rho_text(t.rho_pct)),
                    ("mean", &ms(t.mmc_mean_ms)),
                    ("p99", &ms(t.mmc_p99_ms)),
                    ("wait", &wait),
                ],
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
            &[
                ("servers", &servers_text(lang, c)),
                ("p80", &ms(a)),
                ("p95", &ms(b)),
                ("ratio", &format!("{:.1}", b / a)),
            ],
        )
    };
    let bound = move || match Setting::new(c.get(), rho.get()).ok().and_then(|s| s.at_bound()) {
        Some(Bound::High) => Some(td_string!(lang, rho_latency.bound_high)),
        Some(Bound::Low) => Some(td_string!(lang, rho_latency.bound_low)),
        None => None,
    };

    // The chart and the table are written as markup (strings) rather than views: they are redrawn whole on every
    // change anyway, and as views their many element types cost the proxy bundle tens of kilobytes.
    let figure = move || {
        let c = c.get();
        figure_html(lang, c, &theory(c, rho.get()), &curve(c), &points.get())
    };
    let table = move || table_html(lang, c.get(), rho.get(), &points.get());

    let measure_note = move || {
        fill(
            td_string!(lang, rho_latency.measured_note),
            &[("servers", &servers_text(lang, c.get())), ("n", &REQUESTS)],
        )
    };

    view! {
        <section class="widget widget--rho-latency rho" data-keys aria-labelledby=title_id on:input=on_input on:change=on_change>
            <div inner_html=head></div>
            <p class="rho__readout" id=readout_id aria-live="polite">{readout}</p>
            <p class="rho__bound" role="status">{move || bound().unwrap_or_default()}</p>
            <figure class="rho__figure" inner_html=figure></figure>
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
            <div class="rho__table-wrap" tabindex="0" role="region" aria-label=td_string!(lang, rho_latency.table_caption) inner_html=table></div>
        </section>
    }
}
