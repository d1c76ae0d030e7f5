//! Small SVG line charts of the learner's own run (one polyline per series), each with its figures as text.

use crate::i18n::*;
use leptos::prelude::*;

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
                    .map(|l| format!("{} {}", l.label, l.values.last().map(|v| super::text::num(*v)).unwrap_or_else(|| "-".into())))
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
