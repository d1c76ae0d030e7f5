//! `hash-ring`: nginx's `hash $key consistent` ring for the current backends; the learner adds or removes one
//! and sees which keys move, against plain `hash $key`. A view over `msa_sim::proxy::hash_ring`, which takes the
//! ring and every placement from the balancer itself; this draws the ring and its text twin, the table.

use crate::i18n::*;
use crate::widgets::{fill, param, Params};
use leptos::prelude::*;
use msa_sim::proxy::hash_ring::{compare, toggle, RingFigure, KEYS, PORTS, START};

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

#[component]
pub fn HashRing(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("hash-ring");
    let after = RwSignal::new(START.to_vec());
    let refused = RwSignal::new(false);
    // The constant keys and ports of the core are valid, so compare() only fails if the two disagree: shown as
    // a message rather than a panic.
    let figure = Memo::new(move |_| compare(&START, &after.get(), &KEYS).ok());

    let uid = key.to_string();
    let title_id = format!("{uid}-title");
    let title_ref = title_id.clone();
    let total = KEYS.len();

    let ring = move || {
        let Some(f) = figure.get() else { return ().into_any() };
        let rings = PORTS
            .iter()
            .flat_map(|&p| [ticks(&f.before.points, p, R_BEFORE), ticks(&f.after.points, p, R_AFTER)].map(move |d| (p, d)))
            // A backend on one side only has no points on the other: no path there.
            .filter(|(_, d)| !d.is_empty())
            .map(|(p, d)| view! { <path class=format!("ring__ticks ring__tone--{}", tone(p)) d=d /> })
            .collect_view();
        let keys = f
            .keys
            .iter()
            .map(|k| {
                let (x, y) = at(k.point, R_KEY);
                let (lx, ly) = at(k.point, R_LABEL);
                let class = format!(
                    "ring__key ring__tone--{}{}",
                    tone(k.consistent.1),
                    if k.moved_consistent() { " ring__key--moved" } else { "" }
                );
                view! {
                    <circle class=class cx=format!("{x:.1}") cy=format!("{y:.1}") r="4.5" />
                    <text class="ring__label" x=format!("{lx:.1}") y=format!("{:.1}", ly + 3.5) text-anchor="middle">{k.key.clone()}</text>
                }
            })
            .collect_view();
        view! {
            <circle class="ring__track" cx=C cy=C r=(R_BEFORE.0 + R_BEFORE.1) / 2.0 />
            <circle class="ring__track" cx=C cy=C r=(R_AFTER.0 + R_AFTER.1) / 2.0 />
            {rings}
            {keys}
            <text class="ring__caption" x=C y=C - 4.0 text-anchor="middle">{td_string!(lang, hash_ring.outer_before)}</text>
            <text class="ring__caption" x=C y=C + 12.0 text-anchor="middle">{td_string!(lang, hash_ring.inner_after)}</text>
        }
        .into_any()
    };

    let counts = move |f: &RingFigure| {
        (
            fill(td_string!(lang, hash_ring.moved_consistent), &[("moved", &f.moved_consistent), ("total", &total)]),
            fill(td_string!(lang, hash_ring.moved_hash), &[("moved", &f.moved_hash), ("total", &total)]),
        )
    };

    let rows = move || {
        figure.get().map(|f| {
            f.keys
                .into_iter()
                .map(|k| {
                    let (mc, mh) = (k.moved_consistent(), k.moved_hash());
                    view! {
                        <tr data-key=k.key.clone()>
                            <th scope="row">{k.key.clone()}</th>
                            <td class="num">{format!("{:.1}°", angle(k.point).to_degrees() + 90.0)}</td>
                            <td class=if mc { "ring__cell ring__cell--moved" } else { "ring__cell" } data-col="consistent">{move_text(lang, k.consistent)}</td>
                            <td class=if mh { "ring__cell ring__cell--moved" } else { "ring__cell" } data-col="hash">{move_text(lang, k.hash)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    let config = move || {
        let ports = after.get();
        let mut s = String::from("upstream fooddash {\n    hash $arg_restaurant_id consistent;\n");
        for p in ports {
            s.push_str(&format!("    server 127.0.0.1:{p};\n"));
        }
        s.push('}');
        s
    };

    view! {
        <section class="widget widget--hash-ring ring" data-keys aria-labelledby=title_ref>
            <h3 class="widget__title" id=title_id>{td_string!(lang, hash_ring.title)}</h3>
            <p class="ring__intro">{td_string!(lang, hash_ring.intro)}</p>
            <fieldset class="ring__backends">
                <legend>{td_string!(lang, hash_ring.backends_legend)}</legend>
                {PORTS
                    .into_iter()
                    .map(|p| view! {
                        <label class="ring__backend">
                            <input
                                type="checkbox"
                                prop:checked=move || after.with(|a| a.contains(&p))
                                on:change=move |ev| {
                                    match toggle(&after.get_untracked(), p) {
                                        Some(next) => {
                                            refused.set(false);
                                            after.set(next);
                                        }
                                        None => {
                                            // The last backend stays: put the box back as it was.
                                            refused.set(true);
                                            let input: web_sys::HtmlInputElement = event_target(&ev);
                                            input.set_checked(true);
                                        }
                                    }
                                }
                            />
                            <span class=format!("ring__swatch ring__tone--{}", tone(p)) aria-hidden="true"></span>
                            <span>{format!("127.0.0.1:{p}")}</span>
                        </label>
                    })
                    .collect_view()}
                <button
                    type="button"
                    class="button button--small"
                    data-act="reset"
                    disabled=move || after.with(|a| a[..] == START[..])
                    on:click=move |_| {
                        refused.set(false);
                        after.set(START.to_vec());
                    }
                >
                    {td_string!(lang, hash_ring.reset)}
                </button>
            </fieldset>
            <p class="ring__refused" role="status">{move || refused.get().then_some(td_string!(lang, hash_ring.last_one))}</p>
            {move || figure.get().is_none().then(|| view! { <p class="ring__refused" role="alert">{td_string!(lang, hash_ring.error)}</p> })}
            <div class="ring__counts" aria-live="polite">
                {move || figure.get().map(|f| {
                    let (a, b) = counts(&f);
                    view! {
                        <p class="ring__count" data-method="consistent"><code>"hash $arg_restaurant_id consistent;"</code> " " <strong>{a}</strong></p>
                        <p class="ring__count" data-method="hash"><code>"hash $arg_restaurant_id;"</code> " " <strong>{b}</strong></p>
                    }
                })}
            </div>
            <div class="ring__body">
                <figure class="ring__figure">
                    <svg class="ring__svg" viewBox=format!("0 0 {SIZE} {SIZE}") role="img" aria-label=td_string!(lang, hash_ring.ring_label)>
                        {ring}
                    </svg>
                    <figcaption>
                        <ul class="ring__legend">
                            {move || figure.get().map(|f| {
                                f.after.ports.iter().zip(f.after.share.iter()).map(|(&p, &s)| view! {
                                    <li>
                                        <span class=format!("ring__swatch ring__tone--{}", tone(p)) aria-hidden="true"></span>
                                        {fill(td_string!(lang, hash_ring.share), &[("port", &p), ("share", &format!("{:.0}", s * 100.0))])}
                                    </li>
                                }).collect_view()
                            })}
                            <li><span class="ring__swatch ring__swatch--moved" aria-hidden="true"></span>{td_string!(lang, hash_ring.legend_moved)}</li>
                        </ul>
                    </figcaption>
                </figure>
                <pre class="ring__config"><code>{config}</code></pre>
            </div>
            <p class="ring__explain">{td_string!(lang, hash_ring.explain)}</p>
            <div class="ring__table-wrap" tabindex="0" role="region" aria-label=td_string!(lang, hash_ring.table_caption)>
                <table class="ring__table">
                    <caption>{td_string!(lang, hash_ring.table_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"restaurant_id"</th>
                            <th scope="col">{td_string!(lang, hash_ring.col_point)}</th>
                            <th scope="col"><code>"consistent"</code></th>
                            <th scope="col">{td_string!(lang, hash_ring.col_hash)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
