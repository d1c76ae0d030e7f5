//! The reverse-proxy playground (`proxy`): clients → nginx → backends, driven by `msa_sim::proxy::playground`.
//!
//! The component holds a [`Playground`] (the core's run plus the learner's actions) and draws its snapshots. The
//! picture is SVG with a fixed number of nodes whatever the load: the requests in flight are drawn as dots batched
//! into one `<path>` per phase (a zero-length segment per request with a round cap), so 500 requests cost six
//! attribute updates a frame, not 500 elements. The same run is told as text: a per-backend table, an event log,
//! and a polite live region for the changes of state.

mod ask;
mod charts;
mod compare;
pub mod roles;
pub mod text;

use super::{param, url_state, Params};
use crate::i18n::*;
use charts::{Chart, Line};
use leptos::prelude::*;
use leptos_use::use_raf_fn;
use msa_sim::proxy::balancer::{Algorithm, MAX_SERVERS};
use msa_sim::proxy::config::{limits, Arrival, Config, Dist, Fault, SessionMode};
use msa_sim::proxy::engine::{Phase, Snapshot};
use msa_sim::proxy::metrics::Sample;
use msa_sim::proxy::playground::{Action, Little, Playground, State};
use msa_sim::proxy::{scenarios, to_nginx};
use msa_sim::time::SimTime;

/// Simulated seconds per real second; 0 = as fast as possible (in slices of at most [`SLICE_MS`]).
const SPEEDS: [f64; 8] = [0.02, 0.1, 0.25, 0.5, 1.0, 4.0, 16.0, 0.0];
const DEFAULT_SPEED: usize = 2;
/// Longest simulation work per animation frame when fast-forwarding, in milliseconds: most of each frame goes to
/// the run (a 60 Hz frame is 16.7 ms), yet every task stays far below the 50 ms at which a page stops feeling
/// responsive, and the progress bar and the Stop button keep working.
const SLICE_MS: f64 = 20.0;
/// The most servers the playground's controls offer (the core allows more).
const UI_MAX_SERVERS: usize = 16;
/// Log lines shown.
const LOG_LINES: usize = 12;
/// The fewest log entries a run keeps for the view.
const LOG_KEEP: u32 = 200;

/// Which panels an instance shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    All,
    Sim,
    SimCharts,
    Compare,
    AskServer,
    AskDetection,
}

impl View {
    fn parse(s: Option<&str>, lab: bool) -> View {
        match s {
            Some("all") => View::All,
            Some("sim") => View::Sim,
            Some("sim-charts") => View::SimCharts,
            Some("compare") => View::Compare,
            Some("ask-server") => View::AskServer,
            Some("ask-detection") => View::AskDetection,
            _ if lab => View::All,
            _ => View::Sim,
        }
    }
    fn charts(self) -> bool {
        matches!(self, View::All | View::SimCharts)
    }
    fn settings(self) -> bool {
        self == View::All
    }
}

fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// The playground; `params` from the directive (empty on the lab page).
#[component]
pub fn Proxy(params: Params, lang: Locale) -> impl IntoView {
    let lab = params.is_empty();
    let key: &'static str = param(params, "id").unwrap_or("proxy");
    let view_mode = View::parse(param(params, "view"), lab);
    let preset_name = param(params, "preset").unwrap_or(if lab { "notes-port-8004" } else { "uneven-round-robin" });
    let mut base = scenarios::preset(preset_name).unwrap_or_default();
    // The queueing presets keep no text log (for speed); the picture's log needs a few lines.
    base.log_capacity = base.log_capacity.max(LOG_KEEP);

    // A shared link wins over the preset; a bad one is explained and the preset is used.
    let mut message0 = None;
    let mut restore = None;
    let mut start = (base.clone(), Vec::new());
    if let Some(q) = url_state::initial(key) {
        match State::from_query(&q) {
            Ok(st) => {
                restore = (st.time > SimTime::ZERO).then_some(st.time);
                start = (st.config, st.actions);
            }
            Err(e) => message0 = Some(text::state_error(lang, &e)),
        }
    }
    let pg0 = match Playground::new(start.0.clone(), start.1) {
        Ok(p) => p,
        Err(e) => {
            message0 = Some(text::config_error(lang, &e));
            start.0 = base.clone();
            // The presets validate (a core test checks every one); Config::default() is the last resort.
            Playground::new(base.clone(), Vec::new())
                .or_else(|_| Playground::new(Config::default(), Vec::new()))
                .expect("the default config validates")
        }
    };

    let cfg = RwSignal::new(start.0);
    let pg = StoredValue::new(pg0);
    let snap = RwSignal::new(pg.with_value(|p| p.engine().snapshot()));
    let series = RwSignal::new(Vec::<Sample>::new());
    let log = RwSignal::new(Vec::<String>::new());
    let announce = RwSignal::new(String::new());
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(DEFAULT_SPEED);
    let message = RwSignal::new(message0);
    let max_t = RwSignal::new(0u64);
    let restore_to = RwSignal::new(restore);
    let selected = RwSignal::new(0usize);
    let last_text = StoredValue::new(0.0f64);
    let seen = StoredValue::new(0u64);
    let names = RwSignal::new(pg.with_value(|p| p.engine().server_names()));
    let little = RwSignal::new(pg.with_value(|p| Little::of(p.engine())));
    let events = RwSignal::new(0u64);

    // Redraw from the core: the snapshot every frame; charts when a second has passed; text at most 4 times a second.
    let refresh = move |force_text: bool| {
        pg.with_value(|p| {
            let e = p.engine();
            snap.set(e.snapshot());
            events.set(e.events());
            let m = e.metrics();
            let changed = series.with_untracked(|s| s.len() != m.series.len() || s.last().map(|x| x.t_s) != m.series.back().map(|x| x.t_s));
            if changed {
                series.set(m.series.iter().cloned().collect());
                little.set(Little::of(e));
            }
            let t = now_ms();
            if force_text || t - last_text.get_value() > 250.0 {
                last_text.set_value(t);
                let n = e.server_names();
                let entries = e.log().entries();
                log.set(entries.iter().rev().take(LOG_LINES).map(|x| text::log_line(lang, x, &n)).collect());
                // Every entry since the last look (as far as the log still holds them): the newest change of state.
                let count = e.log().count();
                let fresh = count.saturating_sub(seen.get_value()).min(entries.len() as u64) as usize;
                seen.set_value(count);
                if let Some(x) = entries.iter().rev().take(fresh).find(|x| text::notable(x)) {
                    let line = text::log_line(lang, x, &n);
                    if announce.get_untracked() != line {
                        announce.set(line);
                    }
                }
                if names.with_untracked(|old| *old != n) {
                    names.set(n);
                }
            }
            let now = e.now().as_us();
            if now > max_t.get_untracked() {
                max_t.set(now);
            }
        });
    };
    refresh(true);

    let write_url = move || pg.with_value(|p| url_state::write(key, Some(&p.state().to_query())));

    // The clock: one step per animation frame.
    let _ = use_raf_fn(move |args| {
        if let Some(target) = restore_to.get_untracked() {
            // Reopening a shared link: run to its time in slices, then show it paused.
            let t0 = now_ms();
            let mut done = false;
            while now_ms() - t0 < SLICE_MS {
                let p = pg.try_update_value(|p| p.advance(target, 20_000));
                if p.is_none_or(|p| p.now >= target || p.events == 0) {
                    done = true;
                    break;
                }
            }
            if done {
                restore_to.set(None);
                refresh(true);
            } else {
                refresh(false);
            }
            return;
        }
        if !playing.get_untracked() {
            return;
        }
        let sp = SPEEDS[speed.get_untracked().min(SPEEDS.len() - 1)];
        let mut finished = false;
        if sp == 0.0 {
            let t0 = now_ms();
            while now_ms() - t0 < SLICE_MS {
                let p = pg.try_update_value(|p| p.run_for(5_000));
                if p.is_none_or(|p| p.finished) {
                    finished = true;
                    break;
                }
            }
        } else {
            let adv = (args.delta.min(100.0) * 1000.0 * sp) as u64;
            finished = pg
                .try_update_value(|p| {
                    let t = p.now() + adv.max(1);
                    p.advance(t, 200_000).finished
                })
                .unwrap_or(true);
        }
        if finished {
            playing.set(false);
            refresh(true);
            write_url();
        } else {
            refresh(false);
        }
    });

    // Restart with new settings (validated by the core; a refusal is explained and changes nothing).
    let restart = move |c: Config| match Playground::new(c.clone(), Vec::new()) {
        Ok(p) => {
            pg.set_value(p);
            cfg.set(c);
            message.set(None);
            max_t.set(0);
            series.set(Vec::new());
            refresh(true);
            write_url();
        }
        Err(e) => {
            message.set(Some(text::config_error(lang, &e)));
            cfg.update(|_| {});
        }
    };
    let apply = move |key: String, value: String| {
        let mut c = cfg.get_untracked();
        match scenarios::set(&mut c, &key, &value) {
            Ok(()) => match c.validate() {
                Ok(()) => restart(c),
                Err(e) => {
                    message.set(Some(text::config_error(lang, &e)));
                    cfg.update(|_| {});
                }
            },
            Err(e) => {
                message.set(Some(text::set_error(lang, &e)));
                cfg.update(|_| {});
            }
        }
    };
    let act = move |a: Action| {
        let r = pg.try_update_value(|p| p.act(a));
        match r {
            Some(Err(e)) => message.set(Some(text::command_error(lang, &e))),
            _ => message.set(None),
        }
        refresh(true);
        write_url();
    };
    let burst = move || {
        if let Some(Err(e)) = pg.try_update_value(|p| p.burst()) {
            message.set(Some(text::command_error(lang, &e)));
        }
        refresh(true);
        write_url();
    };
    let step_once = move || {
        playing.set(false);
        pg.update_value(|p| {
            p.advance(SimTime::MAX, 1);
        });
        refresh(true);
        write_url();
    };
    let toggle_play = move || {
        if playing.get_untracked() {
            playing.set(false);
            refresh(true);
            write_url();
        } else {
            if pg.with_value(|p| p.is_finished()) {
                restart(cfg.get_untracked());
            }
            playing.set(true);
        }
    };
    let rewind = move |t_ms: u64| {
        playing.set(false);
        pg.update_value(|p| p.rewind(SimTime::from_ms(t_ms)));
        refresh(true);
        write_url();
    };

    let heading_id = format!("proxy-{key}-title");
    let heading_id2 = heading_id.clone();
    // Each instance's own title (a page may hold several): the kind of panel and the scenario it starts from.
    let title = format!(
        "{}: {preset_name}",
        match view_mode {
            View::Compare => td_string!(lang, proxy.title_compare),
            View::AskServer | View::AskDetection => td_string!(lang, proxy.title_ask),
            _ => td_string!(lang, proxy.title),
        }
    );

    let body = match view_mode {
        View::Compare => view! { <compare::Compare lang base=pg /> }.into_any(),
        View::AskServer => {
            let n = param(params, "request").and_then(|s| s.parse::<u64>().ok()).unwrap_or(7);
            view! { <ask::AskServer lang cfg=cfg.read_only() request=n /> }.into_any()
        }
        View::AskDetection => view! { <ask::AskDetection lang cfg=cfg.read_only() /> }.into_any(),
        _ => ().into_any(),
    };
    let with_sim = !matches!(view_mode, View::Compare);

    view! {
        <section class="widget widget--proxy proxy" data-keys aria-labelledby=heading_id2 data-proxy=key>
            <h2 class="widget__title proxy__title" id=heading_id>{title}</h2>
            <p class="proxy__message" role="status" aria-live="polite">
                {move || message.get().map(|m| view! { <span class="proxy__error">{m}</span> })}
            </p>
            {body}
            {with_sim.then(|| view! {
                <div class="proxy__bar" role="group" aria-label=td_string!(lang, proxy.time_controls)>
                    <button type="button" class="button button--primary proxy__play" on:click=move |_| toggle_play()>
                        {move || if playing.get() {
                            if speed.get() == SPEEDS.len() - 1 { td_string!(lang, proxy.cancel) } else { td_string!(lang, proxy.pause) }
                        } else { td_string!(lang, proxy.play) }}
                    </button>
                    <button type="button" class="button proxy__step" on:click=move |_| step_once()>{td_string!(lang, proxy.step)}</button>
                    <label class="proxy__field proxy__field--inline">
                        <span>{td_string!(lang, proxy.speed)}</span>
                        <select class="proxy__speed" on:change=move |ev| {
                            if let Ok(i) = event_target_value(&ev).parse::<usize>() { speed.set(i.min(SPEEDS.len() - 1)); }
                        }>
                            {SPEEDS.iter().enumerate().map(|(i, s)| {
                                let label = if *s == 0.0 { td_string!(lang, proxy.speed_max).to_string() } else { format!("{}×", text::num(*s)) };
                                view! { <option value=i.to_string() selected=i == DEFAULT_SPEED>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="button" class="button proxy__restart" on:click=move |_| { playing.set(false); restart(cfg.get_untracked()); }>
                        {td_string!(lang, proxy.restart)}
                    </button>
                    <button type="button" class="button proxy__burst" on:click=move |_| burst()>{td_string!(lang, proxy.burst)}</button>
                    <span class="proxy__clock" aria-live="off">
                        {move || format!("t = {}", text::secs(snap.with(|s| s.now.as_us())))}
                    </span>
                </div>
                <div class="proxy__progress">
                    <label class="proxy__field proxy__field--inline">
                        <span>{td_string!(lang, proxy.progress)}</span>
                        <progress max="1000" value=move || {
                            let d = cfg.with(|c| c.duration_ms) as f64 * 1000.0;
                            ((snap.with(|s| s.now.as_us()) as f64 / d.max(1.0)).min(1.0) * 1000.0) as u32
                        }></progress>
                    </label>
                    <span class="proxy__events">{move || {
                        let r = restore_to.get().is_some();
                        let base = crate::widgets::proxy::text::fill(td_string!(lang, proxy.events_done), &[("n", events.get().to_string())]);
                        if r { format!("{} {base}", td_string!(lang, proxy.restoring)) } else { base }
                    }}</span>
                </div>
                <Picture lang snap names selected act port=Signal::derive(move || cfg.with(|c| c.proxy.listen_port)) />
                <Totals lang snap little />
                <div class="proxy__timeline">
                    <label class="proxy__field">
                        <span>{td_string!(lang, proxy.timeline)}</span>
                        <input type="range" min="0" step="100"
                            max=move || (max_t.get() / 1000).to_string()
                            prop:value=move || (snap.with(|s| s.now.as_us()) / 1000).to_string()
                            aria-valuetext=move || text::secs(snap.with(|s| s.now.as_us()))
                            on:change=move |ev| { if let Ok(ms) = event_target_value(&ev).parse::<u64>() { rewind(ms); } } />
                        <span class="proxy__hint">{move || crate::widgets::proxy::text::fill(td_string!(lang, proxy.timeline_hint), &[("max", text::secs(max_t.get()))])}</span>
                    </label>
                </div>
                <BackendTable lang snap selected act />
                <div class="proxy__log-wrap">
                    <h3 class="proxy__h3">{td_string!(lang, proxy.log)}</h3>
                    <ol class="proxy__log" aria-live="off" tabindex="0" aria-label=td_string!(lang, proxy.log)>
                        {move || log.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ol>
                    <p class="visually-hidden proxy__announce" aria-live="polite">{move || announce.get()}</p>
                </div>
                // Below the first screen: built in a task after the rest (crate::widgets::later).
                {crate::widgets::later(move || view! {
                    {view_mode.charts().then(|| view! { <Charts lang series names /> })}
                    <Settings lang cfg apply open=view_mode.settings() />
                    <Export lang pg snap />
                })}
            })}
            {lab.then(|| view! { <compare::Compare lang base=pg /> })}
        </section>
    }
}

/// Where things are in the picture: side by side (clients, proxy, backends left to right), or on a narrow
/// screen stacked (clients and proxy on top, backends below, reached by a bus on the left).
#[derive(Clone, Copy, PartialEq)]
struct Layout {
    narrow: bool,
}

impl Layout {
    fn width(self) -> f64 {
        if self.narrow { 360.0 } else { 720.0 }
    }
    fn row_h(self, rows: usize) -> f64 {
        if rows <= 6 { 40.0 } else { 28.0 }
    }
    /// The first backend's top: below the proxy when stacked, else centred on a picture at least 200 high.
    fn top(self, rows: usize) -> f64 {
        if self.narrow { 92.0 } else { ((200.0 - rows as f64 * self.row_h(rows)) / 2.0).max(20.0) }
    }
    fn height(self, rows: usize) -> f64 {
        let body = self.top(rows) + rows as f64 * self.row_h(rows) + 14.0;
        if self.narrow { body } else { body.max(200.0) }
    }
    /// The clients' box (x, y, w, h) and the proxy's.
    fn clients(self, h: f64) -> (f64, f64, f64, f64) {
        if self.narrow { (10.0, 10.0, 120.0, 60.0) } else { (10.0, h / 2.0 - 30.0, 110.0, 60.0) }
    }
    fn proxy(self, h: f64) -> (f64, f64, f64, f64) {
        if self.narrow { (170.0, 10.0, 180.0, 60.0) } else { (170.0, h / 2.0 - 40.0, 130.0, 80.0) }
    }
    /// Where requests leave the proxy.
    fn out(self, h: f64) -> (f64, f64) {
        if self.narrow { (20.0, 76.0) } else { (300.0, h / 2.0) }
    }
    /// Backend `i`'s box.
    fn backend(self, i: usize, rows: usize) -> (f64, f64, f64, f64) {
        let y = self.top(rows) + i as f64 * self.row_h(rows);
        if self.narrow { (34.0, y, 316.0, self.row_h(rows) - 6.0) } else { (520.0, y, 190.0, self.row_h(rows) - 6.0) }
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
                (4, x0 - (k % 12) as f64 * 6.0, by + if lay.narrow { 9.0 } else { 13.0 } + ((k / 12) % 3) as f64 * 5.0 - if lay.narrow { 0.0 } else { 5.0 })
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
fn Picture(
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

/// Whole-run figures and Little's law read off them.
#[component]
fn Totals(lang: Locale, snap: RwSignal<Snapshot>, little: RwSignal<Little>) -> impl IntoView {
    let fig = move |label: &'static str, f: fn(&Snapshot) -> String| {
        view! { <div class="proxy__fig"><dt>{label}</dt><dd>{move || snap.with(f)}</dd></div> }
    };
    view! {
        <dl class="proxy__totals">
            {fig(td_string!(lang, proxy.t_sent), |s| s.totals.sent.to_string())}
            {fig(td_string!(lang, proxy.t_ok), |s| s.totals.ok.to_string())}
            {fig(td_string!(lang, proxy.t_failed), |s| s.totals.failed.to_string())}
            {fig(td_string!(lang, proxy.t_dropped), |s| s.totals.dropped.to_string())}
            {fig(td_string!(lang, proxy.t_in_flight), |s| s.totals.in_flight.to_string())}
            {fig(td_string!(lang, proxy.t_retries), |s| s.totals.retries.to_string())}
            {fig(td_string!(lang, proxy.t_lost), |s| s.totals.sessions_lost.to_string())}
            {fig("p50", |s| format!("{} ms", text::num(s.latency.p50_ms)))}
            {fig("p95", |s| format!("{} ms", text::num(s.latency.p95_ms)))}
            {fig("p99", |s| format!("{} ms", text::num(s.latency.p99_ms)))}
        </dl>
        <p class="proxy__little">
            {move || {
                let l = little.get();
                text::fill(td_string!(lang, proxy.little), &[
                    ("l", text::num(l.in_flight_avg)),
                    ("lambda", text::num(l.throughput_per_s)),
                    ("w", text::num(l.mean_latency_s * 1000.0)),
                    ("lw", text::num(l.product())),
                ])
            }}
        </p>
    }
}

/// One row per backend: its figures and its actions (real buttons: the keyboard path to every action).
#[component]
fn BackendTable(lang: Locale, snap: RwSignal<Snapshot>, selected: RwSignal<usize>, act: impl Fn(Action) + Copy + Send + Sync + 'static) -> impl IntoView {
    let rows = Memo::new(move |_| snap.with(|s| s.backends.len()));
    let can_add = move || rows.get() < UI_MAX_SERVERS.min(MAX_SERVERS);
    view! {
        <div class="proxy__table-wrap">
            <table class="proxy__table">
                <caption>{td_string!(lang, proxy.table_caption)}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(lang, proxy.col_server)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_state)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_conns)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_busy)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_attempts)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_ok)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_failed)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_actions)}</th>
                </tr></thead>
                <tbody>
                    <For each=move || 0..rows.get() key=|i| *i let:i>
                        <BackendRow lang snap i selected act />
                    </For>
                </tbody>
            </table>
            <button type="button" class="button proxy__add" disabled=move || !can_add() on:click=move |_| act(Action::Add)>
                {td_string!(lang, proxy.add_server)}
            </button>
        </div>
    }
}

#[component]
fn BackendRow(lang: Locale, snap: RwSignal<Snapshot>, i: usize, selected: RwSignal<usize>, act: impl Fn(Action) + Copy + Send + Sync + 'static) -> impl IntoView {
    let _ = selected;
    let b = Memo::new(move |_| snap.with(|s| s.backends.get(i).cloned()));
    let name = move || b.with(|b| b.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let removed = move || b.with(|b| b.as_ref().is_none_or(|b| b.removed));
    let btn = move |label: &'static str, class: &'static str, a: Action| {
        let aria = move || format!("{label} {}", name());
        view! {
            <button type="button" class=format!("button button--small proxy__act proxy__act--{class}") aria-label=aria
                disabled=removed on:click=move |_| act(a)>{label}</button>
        }
    };
    view! {
        <tr class:proxy__row--removed=removed data-row=i>
            <th scope="row">{name}</th>
            <td class=move || format!("proxy__state proxy__state--{}", b.with(|b| b.as_ref().map(|b| text::backend_state(lang, b).0).unwrap_or("off")))>
                {move || b.with(|b| b.as_ref().map(|b| text::backend_state(lang, b).1).unwrap_or_default())}
            </td>
            <td class="num" data-col="conns">{move || b.with(|b| b.as_ref().map(|b| b.conns).unwrap_or(0))}</td>
            <td class="num">{move || b.with(|b| b.as_ref().map(|b| format!("{}/{} ({})", b.busy, b.workers, text::fill(td_string!(lang, proxy.queue_short), &[("n", b.queue_len.to_string())]))).unwrap_or_default())}</td>
            <td class="num" data-col="attempts">{move || attempts(snap, i)}</td>
            <td class="num" data-col="ok">{move || served(snap, i)}</td>
            <td class="num" data-col="failed">{move || failed_at(snap, i)}</td>
            <td class="proxy__acts">
                {btn(td_string!(lang, proxy.crash), "crash", Action::Fault { server: i, fault: Fault::Crash })}
                {btn(td_string!(lang, proxy.hang), "hang", Action::Fault { server: i, fault: Fault::Hang })}
                {btn(td_string!(lang, proxy.slow), "slow", Action::Fault { server: i, fault: Fault::Slow(4.0) })}
                {btn(td_string!(lang, proxy.revive), "revive", Action::Fault { server: i, fault: Fault::Revive })}
                {btn(td_string!(lang, proxy.remove), "remove", Action::Remove { server: i })}
            </td>
        </tr>
    }
}

fn attempts(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| s.stats.get(i).map(|b| b.attempts.to_string()).unwrap_or_default())
}
fn served(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| s.stats.get(i).map(|b| b.ok.to_string()).unwrap_or_default())
}
fn failed_at(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| {
        s.stats
            .get(i)
            .map(|b| (b.http_500 + b.http_503 + b.refused + b.reset + b.timeouts).to_string())
            .unwrap_or_default()
    })
}

/// The live charts.
#[component]
fn Charts(lang: Locale, series: RwSignal<Vec<Sample>>, names: RwSignal<Vec<String>>) -> impl IntoView {
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

/// One labelled number field; commits on change.
#[component]
fn Num(
    label: String,
    /// Unit and bounds, shown next to the field.
    hint: String,
    value: Signal<String>,
    min: String,
    max: String,
    #[prop(default = "any")] step: &'static str,
    on_commit: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="proxy__field">
            <span>{label}</span>
            <input type="number" inputmode="decimal" min=min max=max step=step prop:value=move || value.get()
                on:change=move |ev| on_commit.run(event_target_value(&ev)) />
            <span class="proxy__hint">{hint}</span>
        </label>
    }
}

/// Every setting of the run. A change restarts the run from time 0 with the new settings.
#[component]
fn Settings(lang: Locale, cfg: RwSignal<Config>, apply: impl Fn(String, String) + Copy + Send + Sync + 'static, open: bool) -> impl IntoView {
    let commit = move |key: &'static str| Callback::new(move |v: String| apply(key.to_string(), v));
    let val = move |f: fn(&Config) -> String| Signal::derive(move || cfg.with(f));
    let bounds = move |unit: &str, min: &str, max: &str| {
        text::fill(td_string!(lang, proxy.bounds), &[("unit", unit.to_string()), ("min", min.to_string()), ("max", max.to_string())])
    };
    let nservers = Memo::new(move |_| cfg.with(|c| c.servers.len()));
    let uses_key = Memo::new(move |_| cfg.with(|c| c.algorithm.uses_key()));
    let checks_on = Memo::new(move |_| cfg.with(|c| c.health_check.is_some()));
    let bursts = Memo::new(move |_| cfg.with(|c| c.clients.arrival == Arrival::Bursts));
    let lognormal = Memo::new(move |_| cfg.with(|c| c.servers.first().is_some_and(|s| s.service.dist == Dist::LogNormal)));
    let select = move |label: &'static str, key: &'static str, options: Vec<(String, String)>, current: fn(&Config) -> String| {
        view! {
            <label class="proxy__field">
                <span>{label}</span>
                <select on:change=move |ev| apply(key.to_string(), event_target_value(&ev))>
                    {options.into_iter().map(|(v, l)| {
                        let v2 = v.clone();
                        view! { <option value=v selected=move || cfg.with(current) == v2>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let none = td_string!(lang, proxy.none_word);
    view! {
        <details class="proxy__settings" open=open>
            <summary>{td_string!(lang, proxy.settings)}</summary>
            <p class="proxy__hint">{td_string!(lang, proxy.settings_hint)}</p>
            <fieldset class="proxy__group">
                <legend>{td_string!(lang, proxy.g_balancing)}</legend>
                {select(td_string!(lang, proxy.f_algorithm), "algo",
                    Algorithm::ALL.iter().map(|a| (a.name().to_string(), text::algo_label(lang, *a))).collect(),
                    |c| c.algorithm.name().to_string())}
                <Show when=move || uses_key.get()>
                    {select(td_string!(lang, proxy.f_hash_key), "hash_key",
                        vec![("uri".into(), "$request_uri".into()), ("remote-addr".into(), "$remote_addr".into()), ("session-cookie".into(), "$cookie_session".into())],
                        |c| c.hash_key.name().to_string())}
                </Show>
                <Num label=text::field_label(lang, "servers") hint=bounds("", "1", &UI_MAX_SERVERS.to_string())
                    value=val(|c| c.servers.len().to_string()) min="1".into() max=UI_MAX_SERVERS.to_string() step="1" on_commit=Callback::new(move |v: String| {
                        match v.trim().parse::<usize>() {
                            Ok(n) if (1..=UI_MAX_SERVERS).contains(&n) => apply("servers".into(), v),
                            _ => apply("servers".into(), "0".into()),
                        }
                    }) />
                {select(td_string!(lang, proxy.f_session), "session",
                    SessionMode::ALL.iter().map(|m| (m.name().to_string(), session_label(lang, *m))).collect(),
                    |c| c.sessions.mode.name().to_string())}
            </fieldset>
            <fieldset class="proxy__group">
                <legend>{td_string!(lang, proxy.g_servers)}</legend>
                <div class="proxy__table-wrap">
                <table class="proxy__table proxy__table--settings">
                    <thead><tr>
                        <th scope="col">{td_string!(lang, proxy.col_server)}</th>
                        <th scope="col">{text::field_label(lang, "weight")}<br/><small>{bounds("", "1", &limits::MAX_WEIGHT.to_string())}</small></th>
                        <th scope="col">{text::field_label(lang, "workers")}<br/><small>{bounds("", "1", &limits::MAX_WORKERS.to_string())}</small></th>
                        <th scope="col">{text::field_label(lang, "speed")}<br/><small>{bounds("×", &text::num(limits::MIN_SPEED), &text::num(limits::MAX_SPEED))}</small></th>
                        <th scope="col">{text::field_label(lang, "max_conns")}<br/><small>{bounds("", "0", &limits::MAX_CONNS.to_string())}{format!(", 0 = {none}")}</small></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || 0..nservers.get() key=|i| *i let:i>
                            {
                                let name = move || cfg.with(|c| c.servers.get(i).map(|s| s.name.clone()).unwrap_or_default());
                                let cell = move |param: &'static str, get: fn(&msa_sim::proxy::ServerConfig) -> String, step: &'static str| {
                                    let aria = move || format!("{} {}", name(), text::field_label(lang, param));
                                    view! {
                                        <td><input type="number" step=step aria-label=aria
                                            prop:value=move || cfg.with(|c| c.servers.get(i).map(get).unwrap_or_default())
                                            on:change=move |ev| apply(format!("{i}.{param}"), event_target_value(&ev)) /></td>
                                    }
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{name}</th>
                                        {cell("weight", |s| s.weight.to_string(), "1")}
                                        {cell("workers", |s| s.workers.to_string(), "1")}
                                        {cell("speed", |s| text::num(s.speed), "any")}
                                        {cell("max_conns", |s| s.max_conns.to_string(), "1")}
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                </div>
                {select(td_string!(lang, proxy.f_dist), "*.service",
                    Dist::ALL.iter().map(|d| (d.name().to_string(), dist_label(lang, *d))).collect(),
                    |c| c.servers.first().map(|s| s.service.dist.name().to_string()).unwrap_or_default())}
                <Num label=text::field_label(lang, "mean_ms") hint=bounds("ms", "0.001", "60000")
                    value=val(|c| c.servers.first().map(|s| text::num(s.service.mean_us as f64 / 1000.0)).unwrap_or_default())
                    min="0.001".into() max="60000".into() on_commit=commit("*.mean_ms") />
                <Show when=move || lognormal.get()>
                    <Num label=text::field_label(lang, "cv") hint=bounds("", "0", "10")
                        value=val(|c| c.servers.first().map(|s| text::num(s.service.cv)).unwrap_or_default())
                        min="0".into() max="10".into() on_commit=commit("*.cv") />
                </Show>
            </fieldset>
            <fieldset class="proxy__group">
                <legend>{td_string!(lang, proxy.g_traffic)}</legend>
                {select(td_string!(lang, proxy.f_arrival), "arrival",
                    Arrival::ALL.iter().map(|a| (a.name().to_string(), arrival_label(lang, *a))).collect(),
                    |c| c.clients.arrival.name().to_string())}
                <Num label=text::field_label(lang, "rate") hint=bounds(td_string!(lang, proxy.per_second), "0.001", "1000000")
                    value=val(|c| text::num(c.clients.rate_per_s)) min="0.001".into() max="1000000".into() on_commit=commit("rate") />
                <Show when=move || bursts.get()>
                    <Num label=text::field_label(lang, "burst_size") hint=bounds("", "1", &limits::MAX_BURST.to_string())
                        value=val(|c| c.clients.burst_size.to_string()) min="1".into() max=limits::MAX_BURST.to_string() step="1" on_commit=commit("burst_size") />
                    <Num label=text::field_label(lang, "burst_every_ms") hint=bounds("ms", "1", "86400000")
                        value=val(|c| c.clients.burst_every_ms.to_string()) min="1".into() max="86400000".into() step="1" on_commit=commit("burst_every_ms") />
                </Show>
                <Num label=text::field_label(lang, "duration_s") hint=bounds("s", "1", "86400")
                    value=val(|c| text::num(c.duration_ms as f64 / 1000.0)) min="1".into() max="86400".into() step="1" on_commit=commit("duration_s") />
                <Num label=text::field_label(lang, "seed") hint=bounds("", "0", "18446744073709551615")
                    value=val(|c| c.seed.to_string()) min="0".into() max="18446744073709551615".into() step="1" on_commit=commit("seed") />
            </fieldset>
            <fieldset class="proxy__group">
                <legend>{td_string!(lang, proxy.g_checks)}</legend>
                <Num label=text::field_label(lang, "max_fails") hint=bounds("", "0", &limits::MAX_FAILS.to_string())
                    value=val(|c| c.servers.first().map(|s| s.max_fails.to_string()).unwrap_or_default()) min="0".into() max=limits::MAX_FAILS.to_string() step="1" on_commit=commit("*.max_fails") />
                <Num label=text::field_label(lang, "fail_timeout_s") hint=bounds("s", "0", "86400")
                    value=val(|c| c.servers.first().map(|s| s.fail_timeout_s.to_string()).unwrap_or_default()) min="0".into() max="86400".into() step="1" on_commit=commit("*.fail_timeout_s") />
                <label class="proxy__field proxy__field--check">
                    <input type="checkbox" prop:checked=move || checks_on.get()
                        on:change=move |ev| apply("check".into(), if event_target_checked(&ev) { "on".into() } else { "off".into() }) />
                    <span>{td_string!(lang, proxy.f_active)}</span>
                </label>
                <Show when=move || checks_on.get()>
                    <Num label=text::field_label(lang, "check_interval_ms") hint=bounds("ms", "10", "3600000")
                        value=val(|c| c.health_check.map(|h| h.interval_ms.to_string()).unwrap_or_default()) min="10".into() max="3600000".into() step="1" on_commit=commit("check_interval_ms") />
                    <Num label=text::field_label(lang, "check_rise") hint=bounds("", "1", "100")
                        value=val(|c| c.health_check.map(|h| h.rise.to_string()).unwrap_or_default()) min="1".into() max="100".into() step="1" on_commit=commit("check_rise") />
                    <Num label=text::field_label(lang, "check_fall") hint=bounds("", "1", "100")
                        value=val(|c| c.health_check.map(|h| h.fall.to_string()).unwrap_or_default()) min="1".into() max="100".into() step="1" on_commit=commit("check_fall") />
                </Show>
            </fieldset>
            <fieldset class="proxy__group">
                <legend>{td_string!(lang, proxy.g_retries)}</legend>
                <label class="proxy__field proxy__field--check">
                    <input type="checkbox" prop:checked=move || cfg.with(|c| c.proxy.next_upstream.error)
                        on:change=move |ev| apply("next_upstream".into(), if event_target_checked(&ev) { "error,timeout".into() } else { "off".into() }) />
                    <span>{td_string!(lang, proxy.f_next_upstream)}</span>
                </label>
                <Num label=text::field_label(lang, "tries") hint=bounds(&format!("0 = {}", td_string!(lang, proxy.no_cap)), "0", &UI_MAX_SERVERS.to_string())
                    value=val(|c| c.proxy.tries.to_string()) min="0".into() max=UI_MAX_SERVERS.to_string() step="1" on_commit=commit("tries") />
                <Num label=text::field_label(lang, "net_latency_us") hint=bounds("µs", "0", "10000000")
                    value=val(|c| c.proxy.net_latency_us.to_string()) min="0".into() max="10000000".into() step="1" on_commit=commit("net_latency_us") />
                <Num label=text::field_label(lang, "timeout_ms") hint=bounds("ms", "1", "3600000")
                    value=val(|c| c.proxy.timeout_ms.to_string()) min="1".into() max="3600000".into() step="1" on_commit=commit("timeout_ms") />
            </fieldset>
        </details>
    }
}

fn session_label(lang: Locale, m: SessionMode) -> String {
    match m {
        SessionMode::None => td_string!(lang, proxy.sess_none),
        SessionMode::Local => td_string!(lang, proxy.sess_local),
        SessionMode::Cookie => td_string!(lang, proxy.sess_cookie),
        SessionMode::Shared => td_string!(lang, proxy.sess_shared),
        SessionMode::Jwt => "JWT",
    }
    .to_string()
}

fn dist_label(lang: Locale, d: Dist) -> String {
    match d {
        Dist::Exponential => td_string!(lang, proxy.dist_exp),
        Dist::LogNormal => td_string!(lang, proxy.dist_lognormal),
        Dist::Constant => td_string!(lang, proxy.dist_const),
    }
    .to_string()
}

fn arrival_label(lang: Locale, a: Arrival) -> String {
    match a {
        Arrival::Poisson => td_string!(lang, proxy.arr_poisson),
        Arrival::Constant => td_string!(lang, proxy.arr_constant),
        Arrival::Bursts => td_string!(lang, proxy.arr_bursts),
    }
    .to_string()
}

/// The nginx configuration of the current setup, with a copy button.
#[component]
fn Export(lang: Locale, pg: StoredValue<Playground>, snap: RwSignal<Snapshot>) -> impl IntoView {
    // Follows the run: servers added or removed while it runs are in the export too.
    let text = Memo::new(move |_| {
        snap.with(|s| s.backends.len());
        pg.with_value(|p| to_nginx(&p.current_config()))
    });
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let t = text.get_untracked();
        let _ = window().navigator().clipboard().write_text(&t);
        copied.set(true);
    };
    view! {
        <details class="proxy__export">
            <summary>{td_string!(lang, proxy.export)}</summary>
            <p class="proxy__hint">{td_string!(lang, proxy.export_hint)}</p>
            <button type="button" class="button proxy__copy" on:click=copy>{td_string!(lang, proxy.copy)}</button>
            <span class="proxy__copied" role="status">{move || if copied.get() { td_string!(lang, proxy.copied) } else { "" }}</span>
            <pre class="proxy__nginx" tabindex="0"><code>{move || text.get()}</code></pre>
        </details>
    }
}
