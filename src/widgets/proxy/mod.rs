//! The reverse-proxy playground (`proxy`): clients → nginx → backends, driven by `msa_sim::proxy::playground`.
//!
//! The component holds a [`Playground`] (the core's run plus the learner's actions) and draws its snapshots. The
//! picture is SVG with a fixed number of nodes whatever the load: the requests in flight are drawn as dots batched
//! into one `<path>` per phase (a zero-length segment per request with a round cap), so 500 requests cost six
//! attribute updates a frame, not 500 elements. The same run is told as text: a per-backend table, an event log,
//! and a polite live region for the changes of state.
//!
//! This file holds the component: the run, the clock and the time controls. Beside it: `picture.rs` (the SVG and
//! the keys on a backend), `tables.rs` (the totals and the per-backend table), `charts.rs` (the live charts),
//! `settings.rs` (every setting, and the nginx configuration they make), `compare.rs` (the same run through
//! several algorithms), `ask.rs` (the predict-then-run questions), `text.rs` (the words), `roles.rs`
//! (`proxy-roles`).

mod ask;
mod charts;
mod compare;
mod picture;
pub mod roles;
mod settings;
mod tables;
pub mod text;

use super::{param, url_state, Params};
use crate::i18n::*;
use crate::sliced::{self, now_ms};
use charts::Charts;
use leptos::prelude::*;
use leptos_use::use_raf_fn;
use msa_sim::proxy::config::Config;
use msa_sim::proxy::metrics::Sample;
use msa_sim::proxy::playground::{Action, Little, Playground, State};
use msa_sim::proxy::scenarios;
use msa_sim::time::SimTime;
use picture::Picture;
use settings::{Export, Settings};
use tables::{BackendTable, Totals};

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
            let changed = series.with_untracked(|s| {
                s.len() != m.series.len() || s.last().map(|x| x.t_s) != m.series.back().map(|x| x.t_s)
            });
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
            let done = sliced::for_ms(SLICE_MS, || {
                let p = pg.try_update_value(|p| p.advance(target, 20_000));
                p.is_none_or(|p| p.now >= target || p.events == 0)
            });
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
        let finished = if sp == 0.0 {
            sliced::for_ms(SLICE_MS, || pg.try_update_value(|p| p.run_for(5_000)).is_none_or(|p| p.finished))
        } else {
            let adv = (args.delta.min(100.0) * 1000.0 * sp) as u64;
            pg.try_update_value(|p| {
                let t = p.now() + adv.max(1);
                p.advance(t, 200_000).finished
            })
            .unwrap_or(true)
        };
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
