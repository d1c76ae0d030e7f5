//! Small SVG line charts of the learner's own run (one polyline per series), each with its figures as text.

use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::metrics::Sample;

/// One line: its label, its colour class (`proxy-chart__line--<class>`), and one value per second.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub class: &'static str,
    pub values: Vec<f64>,
}

const W: f64 = 300.0;
const H: f64 = 110.0;
const PAD_L: f64 = 4.0;
const PAD_T: f64 = 8.0;

fn points(values: &[f64], max: f64, n: usize) -> String {
    let mut s = String::with_capacity(values.len() * 12);
    let dx = if n > 1 { (W - PAD_L * 2.0) / (n - 1) as f64 } else { 0.0 };
    for (i, v) in values.iter().enumerate() {
        let x = PAD_L + i as f64 * dx;
        let y = H - 4.0 - (v / max).clamp(0.0, 1.0) * (H - PAD_T - 8.0);
        s.push_str(&format!("{x:.1},{y:.1} "));
    }
    s
}

/// A chart of `lines` over the seconds `first_s..=last_s`, values in `unit`.
#[component]
pub fn Chart(
    title: String,
    unit: String,
    lines: Signal<Vec<Line>>,
    first_s: Signal<u64>,
    /// Shown when there is nothing yet.
    empty: String,
    /// "latest" in the learner's language.
    latest: String,
    lang: Locale,
) -> impl IntoView {
    let max = Memo::new(move |_| {
        lines.with(|ls| ls.iter().flat_map(|l| l.values.iter().copied()).fold(0.0f64, f64::max)).max(1e-9)
    });
    let n = Memo::new(move |_| lines.with(|ls| ls.iter().map(|l| l.values.len()).max().unwrap_or(0)));
    let unit2 = unit.clone();
    let summary = {
        let title = title.clone();
        let latest = latest.clone();
        let unit = unit.clone();
        move || {
            lines.with(|ls| {
                let parts: Vec<String> = ls
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {}",
                            l.label,
                            l.values.last().map(|v| super::text::num(*v)).unwrap_or_else(|| "-".into())
                        )
                    })
                    .collect();
                format!("{title} ({unit}), {latest}: {}", parts.join(", "))
            })
        }
    };
    view! {
        <figure class="proxy-chart">
            <figcaption class="proxy-chart__title">{title.clone()} <span class="proxy-chart__unit">"(" {unit.clone()} ")"</span></figcaption>
            <svg class="proxy-chart__svg" viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary preserveAspectRatio="none">
                <line class="proxy-chart__axis" x1="0" y1=H - 4.0 x2=W y2=H - 4.0 />
                {move || lines.get().into_iter().map(|l| {
                    let pts = points(&l.values, max.get(), n.get());
                    view! { <polyline class=format!("proxy-chart__line proxy-chart__line--{}", l.class) points=pts /> }
                }).collect_view()}
            </svg>
            <div class="proxy-chart__scale">
                <span>{move || super::text::fill(td_string!(lang, proxy.chart_max), &[("value", format!("{} {}", super::text::num(max.get()), unit2))])}</span>
                <span>{move || if n.get() == 0 { empty.clone() } else { format!("{} s – {} s", first_s.get(), first_s.get() + n.get() as u64 - 1) }}</span>
            </div>
            <ul class="proxy-chart__legend">
                {move || lines.get().into_iter().map(|l| view! {
                    <li>
                        <span class=format!("proxy-chart__swatch proxy-chart__line--{}", l.class) aria-hidden="true"></span>
                        {l.label.clone()} ": " {l.values.last().map(|v| super::text::num(*v)).unwrap_or_else(|| "-".into())}
                    </li>
                }).collect_view()}
            </ul>
        </figure>
    }
}

/// The live charts.
#[component]
pub(super) fn Charts(lang: Locale, series: RwSignal<Vec<Sample>>, names: RwSignal<Vec<String>>) -> impl IntoView {
    let first = Signal::derive(move || series.with(|s| s.first().map(|x| x.t_s).unwrap_or(1)));
    let col = move |f: fn(&Sample) -> f64| series.with(|s| s.iter().map(f).collect::<Vec<f64>>());
    let latency = Signal::derive(move || {
        vec![
            Line { label: "p50".into(), class: "a", values: col(|s| s.p50_us as f64 / 1000.0) },
            Line { label: "p95".into(), class: "b", values: col(|s| s.p95_us as f64 / 1000.0) },
            Line { label: "p99".into(), class: "c", values: col(|s| s.p99_us as f64 / 1000.0) },
        ]
    });
    let throughput = Signal::derive(move || {
        vec![
            Line { label: td_string!(lang, proxy.t_ok).into(), class: "a", values: col(|s| s.ok as f64) },
            Line { label: td_string!(lang, proxy.t_failed).into(), class: "c", values: col(|s| s.failed as f64) },
            Line { label: td_string!(lang, proxy.t_dropped).into(), class: "b", values: col(|s| s.dropped as f64) },
        ]
    });
    let errors = Signal::derive(move || {
        vec![
            Line { label: "500".into(), class: "a", values: col(|s| s.http_500 as f64) },
            Line { label: "502".into(), class: "b", values: col(|s| s.http_502 as f64) },
            Line { label: "503".into(), class: "c", values: col(|s| s.http_503 as f64) },
            Line { label: "504".into(), class: "d", values: col(|s| s.http_504 as f64) },
        ]
    });
    let load = Signal::derive(move || {
        let n = names.get();
        series.with(|s| {
            n.iter()
                .enumerate()
                .map(|(i, name)| Line {
                    label: name.clone(),
                    class: ["a", "b", "c", "d", "e", "f", "g", "h"][i % 8],
                    values: s.iter().map(|x| x.served.get(i).copied().unwrap_or(0) as f64).collect(),
                })
                .collect()
        })
    });
    let lost = Signal::derive(move || {
        vec![
            Line { label: td_string!(lang, proxy.t_lost).into(), class: "c", values: col(|s| s.sessions_lost as f64) },
            Line { label: td_string!(lang, proxy.t_retries).into(), class: "b", values: col(|s| s.retries as f64) },
        ]
    });
    let per_s = td_string!(lang, proxy.per_second).to_string();
    let e = move || td_string!(lang, proxy.chart_empty).to_string();
    let l = move || td_string!(lang, proxy.latest).to_string();
    view! {
        <div class="proxy__charts">
            <h3 class="proxy__h3">{td_string!(lang, proxy.charts)}</h3>
            <div class="proxy__chart-grid">
                <Chart title=td_string!(lang, proxy.c_latency).into() unit="ms".into() lines=latency first_s=first empty=e() latest=l() lang />
                <Chart title=td_string!(lang, proxy.c_throughput).into() unit=per_s.clone() lines=throughput first_s=first empty=e() latest=l() lang />
                <Chart title=td_string!(lang, proxy.c_errors).into() unit=per_s.clone() lines=errors first_s=first empty=e() latest=l() lang />
                <Chart title=td_string!(lang, proxy.c_load).into() unit=per_s.clone() lines=load first_s=first empty=e() latest=l() lang />
                <Chart title=td_string!(lang, proxy.c_lost).into() unit=per_s lines=lost first_s=first empty=e() latest=l() lang />
            </div>
        </div>
    }
}
