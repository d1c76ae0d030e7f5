//! The picture: clients, the proxy and the backends as SVG, the requests in flight as dots, and the keys on a
//! focused backend.

use super::text;
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::config::Fault;
use msa_sim::proxy::engine::{Phase, Snapshot};
use msa_sim::proxy::playground::Action;

/// Where things are in the picture: side by side (clients, proxy, backends left to right), or on a narrow
/// screen stacked (clients and proxy on top, backends below, reached by a bus on the left).
#[derive(Clone, Copy, PartialEq)]
struct Layout {
    narrow: bool,
}

impl Layout {
    fn width(self) -> f64 {
        if self.narrow {
            360.0
        } else {
            720.0
        }
    }
    fn row_h(self, rows: usize) -> f64 {
        if rows <= 6 {
            40.0
        } else {
            28.0
        }
    }
    /// The first backend's top: below the proxy when stacked, else centred on a picture at least 200 high.
    fn top(self, rows: usize) -> f64 {
        if self.narrow {
            92.0
        } else {
            ((200.0 - rows as f64 * self.row_h(rows)) / 2.0).max(20.0)
        }
    }
    fn height(self, rows: usize) -> f64 {
        let body = self.top(rows) + rows as f64 * self.row_h(rows) + 14.0;
        if self.narrow {
            body
        } else {
            body.max(200.0)
        }
    }
    /// The clients' box (x, y, w, h) and the proxy's.
    fn clients(self, h: f64) -> (f64, f64, f64, f64) {
        if self.narrow {
            (10.0, 10.0, 120.0, 60.0)
        } else {
            (10.0, h / 2.0 - 30.0, 110.0, 60.0)
        }
    }
    fn proxy(self, h: f64) -> (f64, f64, f64, f64) {
        if self.narrow {
            (170.0, 10.0, 180.0, 60.0)
        } else {
            (170.0, h / 2.0 - 40.0, 130.0, 80.0)
        }
    }
    /// Where requests leave the proxy.
    fn out(self, h: f64) -> (f64, f64) {
        if self.narrow {
            (20.0, 76.0)
        } else {
            (300.0, h / 2.0)
        }
    }
    /// Backend `i`'s box.
    fn backend(self, i: usize, rows: usize) -> (f64, f64, f64, f64) {
        let y = self.top(rows) + i as f64 * self.row_h(rows);
        if self.narrow {
            (34.0, y, 316.0, self.row_h(rows) - 6.0)
        } else {
            (520.0, y, 190.0, self.row_h(rows) - 6.0)
        }
    }
    /// Where a request reaches backend `i`, and the point on the way at `progress` (0 = the proxy, 1 = there).
    fn travel(self, i: usize, rows: usize, h: f64, progress: f64, lane: f64) -> (f64, f64) {
        let (bx, by, _, bh) = self.backend(i, rows);
        let (ox, oy) = self.out(h);
        let ty = by + bh / 2.0;
        if self.narrow {
            // Down the bus on the left (two lanes: to and back).
            (ox + lane, oy + (ty - oy) * progress)
        } else {
            (ox + (bx - ox) * progress, oy + (ty - oy) * progress)
        }
    }
}

/// Dots of requests in flight, one path per phase.
fn dot_paths(s: &Snapshot, rows: usize, height: f64, lay: Layout) -> [String; 6] {
    let mut out: [String; 6] = Default::default();
    let (px, py, _, ph) = lay.proxy(height);
    let mut qcount = vec![0usize; rows];
    let mut scount = vec![0usize; rows];
    let mut pq = 0usize;
    let last = rows.saturating_sub(1);
    let per_row = if lay.narrow { 48 } else { 28 };
    for r in &s.requests {
        let (slot, x, y) = match (r.phase, r.server) {
            (Phase::ProxyQueue, _) | (_, None) => {
                let k = pq;
                pq += 1;
                (3, px + 10.0 + (k % 18) as f64 * 6.5, py + ph - 10.0 - ((k / 18) % 3) as f64 * 6.0)
            }
            (Phase::ToBackend, Some(b)) => {
                let (x, y) = lay.travel(b.min(last), rows, height, r.progress, 0.0);
                (if r.attempt > 1 { 5 } else { 0 }, x, y)
            }
            (Phase::ToProxy, Some(b)) => {
                let (x, y) = lay.travel(b.min(last), rows, height, 1.0 - r.progress, 6.0);
                (1, x, y)
            }
            (Phase::BackendQueue, Some(b)) => {
                let b = b.min(last);
                let (bx, by, bw, _) = lay.backend(b, rows);
                let k = qcount[b];
                qcount[b] += 1;
                let x0 = if lay.narrow { bx + bw - 8.0 } else { bx - 8.0 };
                (
                    4,
                    x0 - (k % 12) as f64 * 6.0,
                    by + if lay.narrow { 9.0 } else { 13.0 } + ((k / 12) % 3) as f64 * 5.0
                        - if lay.narrow { 0.0 } else { 5.0 },
                )
            }
            (Phase::Service, Some(b)) | (Phase::Stalled, Some(b)) => {
                let b = b.min(last);
                let (bx, by, _, bh) = lay.backend(b, rows);
                let k = scount[b];
                scount[b] += 1;
                (if r.phase == Phase::Stalled { 5 } else { 2 }, bx + 10.0 + (k % per_row) as f64 * 6.0, by + bh - 7.0)
            }
        };
        use std::fmt::Write as _;
        let _ = write!(out[slot], "M{x:.1} {y:.1}h0");
    }
    out
}

/// The picture: clients, the proxy, the backends, and the requests in flight.
#[component]
pub(super) fn Picture(
    lang: Locale,
    snap: RwSignal<Snapshot>,
    names: RwSignal<Vec<String>>,
    selected: RwSignal<usize>,
    act: impl Fn(Action) + Copy + Send + Sync + 'static,
    port: Signal<u16>,
) -> impl IntoView {
    let _ = names;
    // Measured once: a phone gets the stacked picture.
    let lay = Layout { narrow: window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w < 600.0) };
    let rows = Memo::new(move |_| snap.with(|s| s.backends.len()));
    let height = Memo::new(move |_| lay.height(rows.get()));
    let dots = Memo::new(move |_| snap.with(|s| dot_paths(s, rows.get(), height.get(), lay)));
    let dot = move |i: usize| move || dots.with(|d| d[i].clone());
    let c = move || lay.clients(height.get());
    let p = move || lay.proxy(height.get());
    view! {
        <div class="proxy__picture" class:proxy__picture--narrow=lay.narrow>
            <div class="proxy__picture-scroll">
            <svg class="proxy__svg" viewBox=move || format!("0 0 {} {}", lay.width(), height.get()) role="group"
                aria-label=td_string!(lang, proxy.picture_label)>
                <g aria-hidden="true">
                    <rect class="proxy__node" x=move || c().0 y=move || c().1 width=move || c().2 height=move || c().3 rx="8" />
                    <text class="proxy__label" x=move || c().0 + c().2 / 2.0 y=move || c().1 + 24.0 text-anchor="middle">{td_string!(lang, proxy.clients)}</text>
                    <text class="proxy__small" x=move || c().0 + c().2 / 2.0 y=move || c().1 + 42.0 text-anchor="middle">
                        {move || snap.with(|s| format!("{} {}", s.totals.sent, td_string!(lang, proxy.sent_short)))}
                    </text>
                    <line class="proxy__wire" x1=move || c().0 + c().2 y1=move || c().1 + c().3 / 2.0 x2=move || p().0 y2=move || c().1 + c().3 / 2.0 />
                    <rect class="proxy__node proxy__node--proxy" x=move || p().0 y=move || p().1 width=move || p().2 height=move || p().3 rx="8" />
                    <text class="proxy__label" x=move || p().0 + p().2 / 2.0 y=move || p().1 + 22.0 text-anchor="middle">{move || format!("nginx :{}", port.get())}</text>
                    <text class="proxy__small" x=move || p().0 + p().2 / 2.0 y=move || p().1 + 38.0 text-anchor="middle">
                        {move || snap.with(|s| format!("{} {}", s.proxy_queue, td_string!(lang, proxy.queued_short)))}
                    </text>
                    {move || {
                        let n = rows.get();
                        let h = height.get();
                        let (ox, oy) = lay.out(h);
                        let mut d = String::new();
                        if lay.narrow {
                            // From the proxy down to the bus, then one branch per backend.
                            let (px, py, _, ph) = lay.proxy(h);
                            d.push_str(&format!("M{} {} V{oy} H{ox}", px + 20.0, py + ph));
                            if n > 0 {
                                let (_, ly, _, lh) = lay.backend(n - 1, n);
                                d.push_str(&format!(" V{}", ly + lh / 2.0));
                            }
                        }
                        for i in 0..n {
                            let (bx, by, _, bh) = lay.backend(i, n);
                            let ty = by + bh / 2.0;
                            if lay.narrow {
                                d.push_str(&format!(" M{ox} {ty} H{bx}"));
                            } else {
                                d.push_str(&format!(" M{ox} {oy} L{bx} {ty}"));
                            }
                        }
                        view! { <path class="proxy__wire" d=d fill="none" /> }
                    }}
                </g>
                <For each=move || 0..rows.get() key=|i| *i let:i>
                    <Backend lang snap i rows selected act lay />
                </For>
                <g aria-hidden="true" class="proxy__dots">
                    <path class="proxy__dot proxy__dot--to" d=dot(0) />
                    <path class="proxy__dot proxy__dot--back" d=dot(1) />
                    <path class="proxy__dot proxy__dot--serve" d=dot(2) />
                    <path class="proxy__dot proxy__dot--pq" d=dot(3) />
                    <path class="proxy__dot proxy__dot--bq" d=dot(4) />
                    <path class="proxy__dot proxy__dot--retry" d=dot(5) />
                </g>
            </svg>
            </div>
            <p class="proxy__legend" aria-hidden="true">
                <span class="proxy__key proxy__key--to"></span>{td_string!(lang, proxy.key_to)}
                <span class="proxy__key proxy__key--serve"></span>{td_string!(lang, proxy.key_serve)}
                <span class="proxy__key proxy__key--bq"></span>{td_string!(lang, proxy.key_queue)}
                <span class="proxy__key proxy__key--back"></span>{td_string!(lang, proxy.key_back)}
                <span class="proxy__key proxy__key--retry"></span>{td_string!(lang, proxy.key_retry)}
            </p>
            <p class="proxy__hint">{td_string!(lang, proxy.picture_keys)}</p>
        </div>
    }
}

/// Keys on a focused backend: c crash, h hang, s slow, r revive, d down/up, x remove.
fn key_action(key: &str, i: usize, down: bool) -> Option<Action> {
    Some(match key {
        "c" | "C" => Action::Fault { server: i, fault: Fault::Crash },
        "h" | "H" => Action::Fault { server: i, fault: Fault::Hang },
        "s" | "S" => Action::Fault { server: i, fault: Fault::Slow(4.0) },
        "r" | "R" => Action::Fault { server: i, fault: Fault::Revive },
        "d" | "D" => Action::SetDown { server: i, down: !down },
        "x" | "X" | "Delete" => Action::Remove { server: i },
        _ => return None,
    })
}

#[component]
fn Backend(
    lang: Locale,
    snap: RwSignal<Snapshot>,
    i: usize,
    rows: Memo<usize>,
    selected: RwSignal<usize>,
    act: impl Fn(Action) + Copy + Send + Sync + 'static,
    lay: Layout,
) -> impl IntoView {
    let b = Memo::new(move |_| snap.with(|s| s.backends.get(i).cloned()));
    let bx = lay.backend(i, 1).0;
    let bw = lay.backend(i, 1).2;
    let y = move || lay.backend(i, rows.get()).1;
    let h = move || lay.backend(i, rows.get()).3;
    let state = move || b.with(|b| b.as_ref().map(|b| text::backend_state(lang, b)).unwrap_or(("off", String::new())));
    // The accessible name is the visible text (name, workers, queue, state); the keys are told once, above.
    let toggle = move || {
        if let Some(b) = b.get_untracked() {
            let fault = if b.crashed || b.hung || b.slow > 1.0 { Fault::Revive } else { Fault::Crash };
            act(Action::Fault { server: i, fault });
        }
    };
    view! {
        <g class=move || format!("proxy__backend proxy__backend--{}", state().0)
            class:proxy__backend--selected=move || selected.get() == i
            tabindex="0" role="button" data-backend=i
            on:click=move |_| { selected.set(i); toggle(); }
            on:focus=move |_| selected.set(i)
            on:keydown=move |ev| {
                let k = ev.key();
                if k == "Enter" || k == " " {
                    ev.prevent_default();
                    toggle();
                } else if let Some(a) = key_action(&k, i, b.with_untracked(|b| b.as_ref().is_some_and(|b| b.down))) {
                    ev.prevent_default();
                    act(a);
                }
            }>
            <rect class="proxy__node proxy__node--backend" x=bx y=y width=bw height=h rx="6" />
            <text x=bx + 8.0 y=move || y() + 13.0>
                <tspan class="proxy__label">{move || b.with(|b| b.as_ref().map(|b| b.name.clone()).unwrap_or_default())}</tspan>
                " "
                <tspan class="proxy__small" dx="6">
                    {move || b.with(|b| b.as_ref().map(|b| format!("{}/{} · {} · {}", b.busy, b.workers, text::fill(td_string!(lang, proxy.queue_short), &[("n", b.queue_len.to_string())]), state().1)).unwrap_or_default())}
                </tspan>
            </text>
        </g>
    }
}
