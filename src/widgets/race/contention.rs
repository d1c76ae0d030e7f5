//! The contention lab: the same clients under pessimistic, optimistic and atomic locking, side by side, and a
//! sweep over the number of hot rows (`msa_sim::race::contention::SweepRunner`, one run per browser task) drawn
//! as two SVG charts with the crossover the lecture notes' rule of thumb predicts. A table is its text twin.

use super::text::{esc, fill, fixed};
use crate::i18n::*;
use crate::sliced::{First, Slice, Sliced};
use leptos::prelude::*;
use msa_sim::race::contention::{
    ContentionConfig, ContentionReport, Locking, Sweep, SweepPoint, SweepRunner, DEFAULT_SWEEP,
};
use std::fmt::Write;
use wasm_bindgen::JsCast;

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

fn report(p: &SweepPoint, l: Locking) -> &ContentionReport {
    match l {
        Locking::Pessimistic => &p.pessimistic,
        Locking::Optimistic => &p.optimistic,
        Locking::Atomic => &p.atomic,
    }
}

#[component]
pub fn Contention(lang: Locale, uid: String) -> impl IntoView {
    let knobs = StoredValue::new(Knobs { clients: 32, hot: 4, think_ms: 2 });
    let result = RwSignal::new(None::<(Knobs, Sweep)>);
    let running = RwSignal::new(None::<(usize, usize)>);
    // Where the learner stopped the last sweep (runs done, runs in all).
    let stopped = RwSignal::new(None::<(usize, usize)>);
    let job = Sliced::new();
    let runner: StoredValue<Option<SweepRunner>, LocalStorage> = StoredValue::new_local(None);

    // One slice is one run of the sweep; then the runs done so far, or the whole sweep.
    let slice = move || {
        let mut more = false;
        let mut alive = false;
        runner.try_update_value(|r| {
            if let Some(r) = r {
                alive = true;
                more = r.step().unwrap_or(false);
            }
        });
        if !alive {
            return None;
        }
        runner
            .try_with_value(|r| {
                r.as_ref().map(|r| if more { Slice::More(r.progress()) } else { Slice::Done(r.sweep()) })
            })
            .flatten()
    };
    let start = move || {
        let k = knobs.get_value();
        let Ok(r) = SweepRunner::new(&base(k), &points(k.hot)) else { return };
        runner.set_value(Some(r));
        running.set(Some((0, points(k.hot).len() * 3)));
        stopped.set(None);
        job.start(
            First::Later,
            slice,
            move |prog| _ = running.try_set(Some(prog)),
            move |s| {
                runner.try_set_value(None);
                running.try_set(None);
                result.try_set(Some((k, s)));
            },
        );
    };
    let is_running = Memo::new(move |_| running.with(Option::is_some));
    let root = NodeRef::<leptos::html::Div>::new();
    // Stopping a sweep: slices of its generation stop; the figures of the last finished sweep stay, and focus
    // goes to the Run button (the Stop button is gone).
    let stop = move || {
        if let Some(at) = running.get_untracked() {
            job.stop();
            runner.set_value(None);
            running.set(None);
            stopped.set(Some(at));
            crate::focus(root.get_untracked().and_then(|r| r.query_selector("[data-act=\"run\"]").ok().flatten()));
        }
    };
    // A first sweep when the lab appears, so the charts show measured figures right away.
    Effect::new(move |_| start());

    // The sliders are plain HTML, written once (dragging one never re-renders it); one handler per event type
    // reads `data-knob`, and the value next to each slider is updated in place.
    let mut controls = String::new();
    let k0 = knobs.get_value();
    for (knob, label, min, max, v) in [
        ("clients", td_string!(lang, race.cont_clients), 2, 64, k0.clients),
        ("hot", td_string!(lang, race.cont_hot), 1, 256, k0.hot),
        ("think", td_string!(lang, race.cont_think), 0, 20, k0.think_ms),
    ] {
        let _ = write!(
            controls,
            "<label class=\"race__slider\" for=\"{uid}-{knob}\"><span>{}: <output>{v}</output></span>\
             <input type=\"range\" id=\"{uid}-{knob}\" data-knob=\"{knob}\" min=\"{min}\" max=\"{max}\" step=\"1\" value=\"{v}\"></label>",
            esc(label)
        );
    }
    let _ = write!(
        controls,
        "<button type=\"button\" class=\"button\" data-act=\"run\">{}</button>",
        esc(td_string!(lang, race.cont_run))
    );
    let knob_of = |ev: &leptos::ev::Event| -> Option<(web_sys::HtmlInputElement, String)> {
        let el = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
        let knob = el.get_attribute("data-knob")?;
        Some((el, knob))
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some((el, knob)) = knob_of(&ev) else { return };
        let Ok(v) = el.value().parse::<u32>() else { return };
        knobs.update_value(|k| match knob.as_str() {
            "clients" => k.clients = v.clamp(2, 64),
            "hot" => k.hot = v.clamp(1, 256),
            _ => k.think_ms = v.min(20),
        });
        if let Some(out) = el.parent_element().and_then(|l| l.query_selector("output").ok().flatten()) {
            out.set_text_content(Some(&v.to_string()));
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        if knob_of(&ev).is_some() {
            start();
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let is_run = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-act=\"run\"]").ok().flatten())
            .is_some();
        if is_run {
            start();
        }
    };

    view! {
        <div class="race__contention" node_ref=root>
            <h3>{td_string!(lang, race.cont_heading)}</h3>
            <p>{td_string!(lang, race.cont_intro)}</p>
            <div class="race__sliders" inner_html=controls on:input=on_input on:change=on_change on:click=on_click></div>
            <p class="race__cont-status" role="status">
                {move || running.get().map(|(a, b)| fill(td_string!(lang, race.cont_running), &[&(a + 1).min(b).to_string(), &b.to_string()]))}
                {move || stopped.get().map(|(a, b)| fill(td_string!(lang, race.cont_stopped), &[&a.to_string(), &b.to_string()]))}
            </p>
            // Built once a sweep (not once a slice): the button stays the same element while the bar moves, so a
            // click or the keyboard's focus is not lost between two slices.
            {move || is_running.get().then(|| view! {
                <div class="race__cont-progress">
                    <progress
                        max=move || running.get().map_or(1, |(_, b)| b)
                        value=move || running.get().map_or(0, |(a, _)| a)
                        aria-label=td_string!(lang, race.cont_progress)
                    ></progress>
                    <button type="button" class="button button--small" on:click=move |_| stop()>{td_string!(lang, race.cancel)}</button>
                </div>
            })}
            <div class="race__figures" inner_html=move || result.with(|r| r.as_ref().map(|(k, s)| figures_html(lang, *k, s)).unwrap_or_default())></div>
        </div>
    }
}

fn figures_html(lang: Locale, k: Knobs, sweep: &Sweep) -> String {
    let mut h = String::new();
    let fmt_ms = |us: f64| fixed(us / 1000.0, 2);
    if let Some(p) = sweep.points.iter().find(|p| p.hot_rows == k.hot) {
        h.push_str("<div class=\"race__cards\">");
        for l in Locking::ALL {
            let r = report(p, l);
            let _ = write!(
                h,
                "<div class=\"race__card race__card--{}\"><h4>{}</h4><dl>",
                l.name(),
                esc(locking_name(lang, l))
            );
            for (name, value) in [
                (td_string!(lang, race.m_throughput), fixed(r.throughput_per_s, 0)),
                (td_string!(lang, race.m_retries), r.retries.to_string()),
                (td_string!(lang, race.m_aborts), r.aborts.to_string()),
                (td_string!(lang, race.m_gave_up), r.gave_up.to_string()),
                (td_string!(lang, race.m_wait), fmt_ms(r.mean_lock_wait_us)),
                (td_string!(lang, race.m_latency), fmt_ms(r.mean_latency_us)),
            ] {
                let _ = write!(h, "<dt>{}</dt><dd>{value}</dd>", esc(name));
            }
            h.push_str("</dl></div>");
        }
        h.push_str("</div>");
    }
    let crossover = match sweep.crossover {
        Some((a, b)) => fill(td_string!(lang, race.crossover), &[&a.to_string(), &b.to_string()]),
        None => td_string!(lang, race.no_crossover).to_string(),
    };
    let _ = write!(
        h,
        "<p class=\"race__crossover\" data-crossover=\"{}\">{}</p>",
        sweep.crossover.map(|(a, b)| format!("{a}-{b}")).unwrap_or_default(),
        esc(&crossover)
    );
    charts_html(lang, sweep, &mut h);
    let _ = write!(
        h,
        "<details class=\"race__sweep-table\"><summary>{0}</summary><div class=\"race__table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{0}\"><table class=\"race__table\"><thead><tr><th scope=\"col\">{1}</th>",
        esc(td_string!(lang, race.sweep_table)),
        esc(td_string!(lang, race.col_hot))
    );
    for l in Locking::ALL {
        let _ = write!(
            h,
            "<th scope=\"col\">{} · {}</th>",
            esc(locking_name(lang, l)),
            esc(td_string!(lang, race.m_throughput))
        );
    }
    let _ = write!(
        h,
        "<th scope=\"col\">{} · {}</th><th scope=\"col\">{} · {}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(td_string!(lang, race.lock_optimistic)),
        esc(td_string!(lang, race.m_retries)),
        esc(td_string!(lang, race.lock_pessimistic)),
        esc(td_string!(lang, race.m_wait)),
        esc(td_string!(lang, race.winner))
    );
    for p in &sweep.points {
        let _ = write!(h, "<tr><th scope=\"row\">{}</th>", p.hot_rows);
        for l in Locking::ALL {
            let _ = write!(h, "<td>{}</td>", fixed(report(p, l).throughput_per_s, 0));
        }
        let _ = write!(
            h,
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            p.optimistic.retries,
            fmt_ms(p.pessimistic.mean_lock_wait_us),
            esc(locking_name(lang, p.winner()))
        );
    }
    h.push_str("</tbody></table></div></details>");
    h
}

/// Two charts over log2(hot rows): throughput of the three strategies, then what conflicts cost (optimistic
/// retries per operation on the left axis, pessimistic mean lock wait on the right). Integer coordinates in a
/// 560 x 220 viewBox; the band marks the crossover.
fn charts_html(lang: Locale, sweep: &Sweep, h: &mut String) {
    const W: i32 = 560;
    const H: i32 = 220;
    const L: i32 = 56;
    const R: i32 = 56;
    const T: i32 = 16;
    const B: i32 = 40;
    let pts = &sweep.points;
    let max_log = pts.iter().map(|p| (p.hot_rows.max(1) as f64).log2()).fold(1.0_f64, f64::max);
    let x = |hr: u32| L + ((W - L - R) as f64 * (hr.max(1) as f64).log2() / max_log) as i32;
    let y = |v: f64, max: f64| T + ((H - T - B) as f64 * (1.0 - if max > 0.0 { v / max } else { 0.0 })) as i32;
    let line = |vals: &mut dyn Iterator<Item = (u32, f64)>, max: f64, class: &str| {
        let d: String = vals
            .enumerate()
            .map(|(i, (hr, v))| format!("{}{},{}", if i == 0 { "M" } else { " L" }, x(hr), y(v, max)))
            .collect();
        format!("<path d=\"{d}\" class=\"race__line {class}\"/>")
    };
    let tp_max =
        pts.iter().flat_map(|p| Locking::ALL.map(|l| report(p, l).throughput_per_s)).fold(1.0_f64, f64::max) * 1.1;
    let retry_per_op = |p: &SweepPoint| p.optimistic.retries as f64 / p.optimistic.committed.max(1) as f64;
    let r_max = pts.iter().map(retry_per_op).fold(0.1_f64, f64::max) * 1.1;
    let w_max = pts.iter().map(|p| p.pessimistic.mean_lock_wait_us / 1000.0).fold(0.1_f64, f64::max) * 1.1;
    let label = |v: f64, max: f64| if max >= 100.0 { fixed(v, 0) } else { fixed(v, 1) };
    let frame = |h: &mut String, title: &str, max: f64, right: Option<f64>| {
        let _ = write!(h, "<figure class=\"race__chart\"><figcaption>{t}</figcaption><svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\">", t = esc(title));
        if let Some((a, b)) = sweep.crossover {
            let _ = write!(
                h,
                "<rect x=\"{}\" y=\"{T}\" width=\"{}\" height=\"{}\" class=\"race__band\"/>",
                x(a),
                (x(b) - x(a)).max(2),
                H - T - B
            );
        }
        for i in 0..=4 {
            let v = max * i as f64 / 4.0;
            let yy = y(v, max);
            let _ = write!(
                h,
                "<line x1=\"{L}\" x2=\"{}\" y1=\"{yy}\" y2=\"{yy}\" class=\"race__grid\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"race__tick\">{}</text>",
                W - R,
                L - 6,
                yy + 4,
                label(v, max)
            );
            if let Some(m) = right {
                let _ = write!(
                    h,
                    "<text x=\"{}\" y=\"{}\" class=\"race__tick\">{}</text>",
                    W - R + 6,
                    yy + 4,
                    label(m * i as f64 / 4.0, m)
                );
            }
        }
        for p in pts {
            let _ = write!(
                h,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"race__tick\">{}</text>",
                x(p.hot_rows),
                H - B + 16,
                p.hot_rows
            );
        }
        let _ = write!(
            h,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"race__tick\">{}</text>",
            (L + W - R) / 2,
            H - 6,
            esc(td_string!(lang, race.axis_hot))
        );
    };
    frame(h, td_string!(lang, race.chart_tp), tp_max, None);
    for l in Locking::ALL {
        h.push_str(&line(
            &mut pts.iter().map(|p| (p.hot_rows, report(p, l).throughput_per_s)),
            tp_max,
            &format!("race__line--{}", l.name()),
        ));
    }
    h.push_str("</svg><ul class=\"race__legend\">");
    for l in Locking::ALL {
        let _ = write!(h, "<li class=\"race__legend--{}\">{}</li>", l.name(), esc(locking_name(lang, l)));
    }
    h.push_str("</ul></figure>");
    frame(h, td_string!(lang, race.chart_cost), r_max, Some(w_max));
    h.push_str(&line(&mut pts.iter().map(|p| (p.hot_rows, retry_per_op(p))), r_max, "race__line--optimistic"));
    h.push_str(&line(
        &mut pts.iter().map(|p| (p.hot_rows, p.pessimistic.mean_lock_wait_us / 1000.0)),
        w_max,
        "race__line--pessimistic",
    ));
    let _ = write!(
        h,
        "</svg><ul class=\"race__legend\"><li class=\"race__legend--optimistic\">{} · {}</li><li class=\"race__legend--pessimistic\">{} · {}</li></ul></figure>",
        esc(td_string!(lang, race.lock_optimistic)),
        esc(td_string!(lang, race.m_retries)),
        esc(td_string!(lang, race.lock_pessimistic)),
        esc(td_string!(lang, race.m_wait))
    );
}
