//! `hash-ring`: nginx's `hash $key consistent` ring for the current backends; the learner adds or removes one
//! and sees which keys move, against plain `hash $key`. A view over `msa_sim::proxy::hash_ring`, which takes the
//! ring and every placement from the balancer itself; this draws the ring and its text twin, the table.

use crate::i18n::*;
use crate::widgets::rho_latency::esc;
use crate::widgets::{fill, param, Params};
use leptos::prelude::*;
use msa_sim::proxy::hash_ring::{compare, toggle, RingFigure, KEYS, PORTS, START};
use std::fmt::Write;

// The ring's frame (SVG user units): the "before" ring outside, the "after" ring inside, keys around both.
const SIZE: f64 = 300.0;
const C: f64 = SIZE / 2.0;
const R_BEFORE: (f64, f64) = (104.0, 114.0);
const R_AFTER: (f64, f64) = (88.0, 98.0);
const R_KEY: f64 = 124.0;
const R_LABEL: f64 = 138.0;

/// A ring position (crc32, 0..2^32) as an angle in radians, 0 at the top, clockwise.
fn angle(point: u32) -> f64 {
    point as f64 / 4_294_967_296.0 * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2
}
fn at(point: u32, r: f64) -> (f64, f64) {
    let a = angle(point);
    (C + r * a.cos(), C + r * a.sin())
}

/// The colour class of a backend: one per port of PORTS.
fn tone(port: u16) -> usize {
    PORTS.iter().position(|&p| p == port).unwrap_or(0) + 1
}

/// One path per backend: a short radial tick at each of its ring points.
fn ticks(points: &[(u32, u16)], port: u16, (r0, r1): (f64, f64)) -> String {
    let mut d = String::with_capacity(points.len() * 8);
    for &(h, _) in points.iter().filter(|(_, p)| *p == port) {
        let ((x0, y0), (x1, y1)) = (at(h, r0), at(h, r1));
        d.push_str(&format!("M{x0:.1} {y0:.1}L{x1:.1} {y1:.1}"));
    }
    d
}

fn move_text(lang: Locale, (a, b): (u16, u16)) -> String {
    if a == b {
        fill(td_string!(lang, hash_ring.stays), &[("port", &a)])
    } else {
        fill(td_string!(lang, hash_ring.moves), &[("from", &a), ("to", &b)])
    }
}

/// The ring's markup: the two rings' ticks (one path a backend and side), the keys at their crc32, coloured by
/// where they go after the change and outlined when consistent hashing moved them, with their ids.
fn ring_svg(lang: Locale, f: &RingFigure) -> String {
    let mut o = String::with_capacity(40_000);
    for (side, radii) in [(&f.before, R_BEFORE), (&f.after, R_AFTER)] {
        let _ = write!(o, r#"<circle class="ring__track" cx="{C}" cy="{C}" r="{}"/>"#, (radii.0 + radii.1) / 2.0);
        for &p in &side.ports {
            let _ = write!(
                o,
                r#"<path class="ring__ticks ring__tone--{}" d="{}"/>"#,
                tone(p),
                ticks(&side.points, p, radii)
            );
        }
    }
    for k in &f.keys {
        let (x, y) = at(k.point, R_KEY);
        let (lx, ly) = at(k.point, R_LABEL);
        let moved = if k.moved_consistent() { " ring__key--moved" } else { "" };
        let _ = write!(
            o,
            r#"<circle class="ring__key ring__tone--{}{moved}" cx="{x:.1}" cy="{y:.1}" r="4.5"/><text class="ring__label" x="{lx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            tone(k.consistent.1),
            ly + 3.5,
            esc(&k.key)
        );
    }
    let _ = write!(
        o,
        r#"<text class="ring__caption" x="{C}" y="{}" text-anchor="middle">{}</text><text class="ring__caption" x="{C}" y="{}" text-anchor="middle">{}</text>"#,
        C - 4.0,
        esc(td_string!(lang, hash_ring.outer_before)),
        C + 12.0,
        esc(td_string!(lang, hash_ring.inner_after))
    );
    o
}

/// The legend: each backend's share of the ring after the change, and the outline's meaning.
fn legend_items(lang: Locale, f: &RingFigure) -> String {
    let mut o = String::new();
    for (&p, &s) in f.after.ports.iter().zip(f.after.share.iter()) {
        let text = fill(td_string!(lang, hash_ring.share), &[("port", &p), ("share", &format!("{:.0}", s * 100.0))]);
        let _ = write!(
            o,
            r#"<li><span class="ring__swatch ring__tone--{}" aria-hidden="true"></span>{}</li>"#,
            tone(p),
            esc(&text)
        );
    }
    let _ = write!(
        o,
        r#"<li><span class="ring__swatch ring__swatch--moved" aria-hidden="true"></span>{}</li>"#,
        esc(td_string!(lang, hash_ring.legend_moved))
    );
    o
}

/// The table's rows: each key, its ring position in degrees, and where each method sends it before and after.
fn table_rows(lang: Locale, f: &RingFigure) -> String {
    let mut o = String::with_capacity(4_096);
    for k in &f.keys {
        let key = esc(&k.key);
        let _ = write!(
            o,
            r#"<tr data-key="{key}"><th scope="row">{key}</th><td class="num">{:.1}°</td>"#,
            angle(k.point).to_degrees() + 90.0
        );
        for (col, moved, m) in [("consistent", k.moved_consistent(), k.consistent), ("hash", k.moved_hash(), k.hash)] {
            let class = if moved { "ring__cell ring__cell--moved" } else { "ring__cell" };
            let _ = write!(o, r#"<td class="{class}" data-col="{col}">{}</td>"#, esc(&move_text(lang, m)));
        }
        o.push_str("</tr>");
    }
    o
}

/// The counts, the figure with its legend and the upstream after the change, and the explanation.
fn body_html(lang: Locale, f: &RingFigure) -> String {
    let total = f.keys.len();
    let mut o = String::with_capacity(48_000);
    for (method, directive, moved, text) in [
        (
            "consistent",
            "hash $arg_restaurant_id consistent;",
            f.moved_consistent,
            td_string!(lang, hash_ring.moved_consistent),
        ),
        ("hash", "hash $arg_restaurant_id;", f.moved_hash, td_string!(lang, hash_ring.moved_hash)),
    ] {
        let _ = write!(
            o,
            r#"<p class="ring__count" data-method="{method}"><code>{directive}</code> <strong>{}</strong></p>"#,
            esc(&fill(text, &[("moved", &moved), ("total", &total)]))
        );
    }
    o
}

fn figure_html(lang: Locale, f: &RingFigure) -> String {
    let mut o = format!(
        r#"<figure class="ring__figure"><svg class="ring__svg" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{}">{}</svg><figcaption><ul class="ring__legend">{}</ul></figcaption></figure><pre class="ring__config"><code>upstream fooddash {{
    hash $arg_restaurant_id consistent;
"#,
        esc(td_string!(lang, hash_ring.ring_label)),
        ring_svg(lang, f),
        legend_items(lang, f)
    );
    for p in &f.after.ports {
        let _ = writeln!(o, "    server 127.0.0.1:{p};");
    }
    o.push_str("}</code></pre>");
    o
}

fn table_html(lang: Locale, f: &RingFigure) -> String {
    format!(
        r#"<table class="ring__table"><caption>{}</caption><thead><tr><th scope="col">restaurant_id</th><th scope="col">{}</th><th scope="col"><code>consistent</code></th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>"#,
        esc(td_string!(lang, hash_ring.table_caption)),
        esc(td_string!(lang, hash_ring.col_point)),
        esc(td_string!(lang, hash_ring.col_hash)),
        table_rows(lang, f)
    )
}

#[component]
pub fn HashRing(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("hash-ring");
    let after = RwSignal::new(START.to_vec());
    let refused = RwSignal::new(false);
    let uid = key.to_string();
    let title_id = format!("{uid}-title");

    // The heading and the backends' boxes are plain markup written once (the boxes keep their focus as the figure
    // changes); the figure, the counts and the table are markup redrawn from the core's figure. As typed views
    // their element types cost the proxy bundle many kilobytes. One handler per event type reads `data-port` or
    // `data-act`.
    let mut head = format!(
        r#"<h3 class="widget__title" id="{title_id}">{}</h3><p class="ring__intro">{}</p><fieldset class="ring__backends"><legend>{}</legend>"#,
        esc(td_string!(lang, hash_ring.title)),
        esc(td_string!(lang, hash_ring.intro)),
        esc(td_string!(lang, hash_ring.backends_legend))
    );
    for p in PORTS {
        let checked = if START.contains(&p) { " checked" } else { "" };
        let _ = write!(
            head,
            r#"<label class="ring__backend"><input type="checkbox" id="{uid}-{p}" data-port="{p}"{checked}><span class="ring__swatch ring__tone--{}" aria-hidden="true"></span><span>127.0.0.1:{p}</span></label>"#,
            tone(p)
        );
    }
    let _ = write!(
        head,
        r#"<button type="button" class="button button--small" data-act="reset">{}</button></fieldset>"#,
        esc(td_string!(lang, hash_ring.reset))
    );

    let boxes_to = move |ports: &[u16]| {
        for p in PORTS {
            if let Some(el) = document().get_element_by_id(&format!("{key}-{p}")) {
                use wasm_bindgen::JsCast;
                if let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>() {
                    input.set_checked(ports.contains(&p));
                }
            }
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Some(port) = el.get_attribute("data-port").and_then(|v| v.parse::<u16>().ok()) else { return };
        match toggle(&after.get_untracked(), port) {
            Some(next) => {
                refused.set(false);
                after.set(next);
            }
            None => {
                // The last backend stays: its box goes back as it was.
                refused.set(true);
                boxes_to(&after.get_untracked());
            }
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let reset =
            ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.get_attribute("data-act"));
        if reset.as_deref() == Some("reset") {
            refused.set(false);
            after.set(START.to_vec());
            boxes_to(&START);
        }
    };

    // The constant keys and ports of the core are valid, so compare() only fails if the two disagree: shown as
    // a message rather than a panic.
    let figure = Memo::new(move |_| compare(&START, &after.get(), &KEYS).ok());
    let counts = move || figure.with(|f| f.as_ref().map(|f| body_html(lang, f)).unwrap_or_default());
    let picture = move || figure.with(|f| f.as_ref().map(|f| figure_html(lang, f)).unwrap_or_default());
    let table = move || figure.with(|f| f.as_ref().map(|f| table_html(lang, f)).unwrap_or_default());
    let message = move || {
        if figure.with(Option::is_none) {
            td_string!(lang, hash_ring.error)
        } else if refused.get() {
            td_string!(lang, hash_ring.last_one)
        } else {
            ""
        }
    };

    view! {
        <section class="widget widget--hash-ring ring" data-keys aria-labelledby=title_id on:change=on_change on:click=on_click>
            <div inner_html=head></div>
            <p class="ring__refused" role="status">{message}</p>
            <div class="ring__counts" aria-live="polite" inner_html=counts></div>
            <div class="ring__body" inner_html=picture></div>
            <p class="ring__explain">{td_string!(lang, hash_ring.explain)}</p>
            <div class="ring__table-wrap" tabindex="0" role="region" aria-label=td_string!(lang, hash_ring.table_caption) inner_html=table></div>
        </section>
    }
}
