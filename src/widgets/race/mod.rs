//! `race`: the race-condition visualizer. The learner is the scheduler: each click (or key 1/2/3) moves one
//! transaction by one statement of a PostgreSQL-faithful model (`msa_sim::race`); the table, the locks, the
//! waits-for graph, the outcome and a step log follow. Panels: the scheduler, exploration of every schedule,
//! a predict-then-run question, and the contention lab. Everything it shows comes from `msa_sim::race::view`.
//!
//! Directive keys: `scenario` (a preset), `strategy`, `panels` (`play`, `explore`, `predict`, `contention`,
//! `all`), `id` (the URL key when several instances share a page).

mod board;
mod contention;
mod explore;
mod page;
pub mod text;

use crate::i18n::*;
use crate::widgets::{param, url_state, Params};
use leptos::prelude::*;
use msa_sim::race::view::{decode_url, replay_prefix, RaceConfig};
use msa_sim::race::{Run, Schedule, Strategy, PRESETS};
use msa_sim::rng::SimRng;
use text::fill;

/// Which parts an instance shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Panels {
    Play,
    Explore,
    Predict,
    Contention,
    All,
}

impl Panels {
    fn parse(s: Option<&str>) -> Panels {
        match s {
            Some("explore") => Panels::Explore,
            Some("predict") => Panels::Predict,
            Some("contention") => Panels::Contention,
            Some("play") => Panels::Play,
            _ => Panels::All,
        }
    }
    fn board(self) -> bool {
        self != Panels::Contention
    }
    fn explore(self) -> bool {
        matches!(self, Panels::Explore | Panels::All)
    }
    fn contention(self) -> bool {
        matches!(self, Panels::Contention | Panels::All)
    }
    fn predict(self) -> bool {
        self == Panels::Predict
    }
}

/// The scheduler's state: what runs, the run with its history (undo is a truncate), a message for the learner,
/// and a schedule being replayed (an opened counterexample or the lesson's showcase).
#[derive(Clone)]
pub struct Sim {
    pub cfg: RaceConfig,
    pub run: Run,
    pub replay: Option<Schedule>,
}

/// Shared handles the panels use.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: Locale,
    pub sim: RwSignal<Sim>,
    /// A message about the last thing the learner did (bad URL, a move that is not possible, a switch).
    pub note: RwSignal<Option<String>>,
    pub key: StoredValue<String>,
    pub uid: StoredValue<String>,
}

impl Ctx {
    /// Writes the shareable state (scenario, strategy, clients, granularity, schedule so far).
    pub fn save(&self) {
        let (cfg, sched) = self.sim.with_untracked(|s| (s.cfg, s.run.schedule()));
        url_state::write(&self.key.get_value(), Some(&cfg.encode(&sched)));
    }

    /// Moves transaction `t` (0-based), or says why it cannot move.
    pub fn step(&self, t: u8) {
        let lang = self.lang;
        let mut err = None;
        self.sim.update(|s| {
            if let Err(e) = s.run.step(t) {
                let sc = &s.run.scenario;
                err = Some(fill(td_string!(lang, race.cannot_move), &[&text::txn(t), &text::blocked(lang, sc, e.why)]));
            }
        });
        self.note.set(err);
        self.save();
    }

    pub fn undo(&self) {
        self.sim.update(|s| {
            s.run.undo();
        });
        self.note.set(None);
        self.save();
    }

    pub fn reset(&self) {
        self.sim.update(|s| {
            s.run.rewind(0);
            s.replay = None;
        });
        self.note.set(None);
        self.save();
    }

    /// Starts over and replays `sched` step by step (the learner advances it).
    pub fn open(&self, sched: Schedule) {
        self.sim.update(|s| {
            s.run.rewind(0);
            s.replay = Some(sched);
        });
        self.note.set(None);
        self.save();
    }

    /// The next action of the schedule being replayed, if the run still follows it.
    pub fn replay_next(&self) -> Option<u8> {
        self.sim.with_untracked(|s| self.replay_next_in(s))
    }

    /// [`Ctx::replay_next`] for a state already borrowed.
    pub fn replay_next_in(&self, s: &Sim) -> Option<u8> {
        let r = s.replay.as_ref()?;
        let n = s.run.taken.len();
        let taken = s.run.schedule();
        (n <= r.0.len() && taken.0[..] == r.0[..n]).then(|| r.0.get(n).copied()).flatten()
    }

    /// A new configuration: the same schedule replayed as far as the new scenario allows.
    pub fn reconfigure(&self, cfg: RaceConfig) {
        let lang = self.lang;
        let Ok(sc) = cfg.scenario() else { return };
        let sched = self.sim.with_untracked(|s| s.run.schedule());
        let (run, stopped) = replay_prefix(&sc, &sched);
        let note = if sched.is_empty() {
            None
        } else {
            Some(match stopped {
                None => fill(td_string!(lang, race.switched_ok), &[&sched.len().to_string()]),
                Some(e) => {
                    let pos = run.taken.len();
                    fill(
                        td_string!(lang, race.switched),
                        &[
                            &pos.to_string(),
                            &sched.len().to_string(),
                            &(pos + 1).to_string(),
                            &text::replay_error(lang, &sc, &e),
                        ],
                    )
                }
            })
        };
        self.sim.set(Sim { cfg, run, replay: None });
        self.note.set(note);
        self.save();
    }

    /// Finishes the run choosing at random among the transactions that can move (seeded).
    pub fn auto(&self, seed: u64) {
        self.sim.update(|s| {
            s.run.finish_random(&mut SimRng::new(seed));
        });
        self.note.set(None);
        self.save();
    }
}

pub fn mount(params: Params, lang: Locale) -> AnyView {
    if params.is_empty() {
        // The lab page (no directive): the SQL editor under the visualizer, built in a task of its own.
        let editor = crate::widgets::later(move || crate::widgets::sql_editor::mount(&[], lang));
        return view! { <Race params lang /> {editor} }.into_any();
    }
    view! { <Race params lang /> }.into_any()
}

#[component]
fn Race(params: Params, lang: Locale) -> impl IntoView {
    let key = param(params, "id").unwrap_or("race").to_string();
    let panels = Panels::parse(param(params, "panels"));
    let lesson_cfg = {
        let mut c = param(params, "scenario").and_then(RaceConfig::named).unwrap_or(RaceConfig::of(&PRESETS[0]));
        if let Some(s) = param(params, "strategy").and_then(Strategy::from_name) {
            if c.preset.story.strategies().contains(&s) {
                c.strategy = s;
            }
        }
        c
    };
    let mut note = None;
    let initial = match url_state::initial(&key).filter(|_| panels.board()) {
        Some(v) => match decode_url(&v) {
            Ok((cfg, run)) => Some(Sim { cfg, run, replay: None }),
            Err(e) => {
                note = Some(text::url_error(lang, &e));
                None
            }
        },
        None => None,
    };
    let initial = initial
        .or_else(|| lesson_cfg.scenario().ok().map(|sc| Sim { cfg: lesson_cfg, run: Run::new(sc), replay: None }));
    let Some(initial) = initial else {
        // Unreachable with the presets (each builds; tested in msa-sim), but never a panic.
        return view! { <p class="widget__error">{td_string!(lang, race.url_scenario)}</p> }.into_any();
    };
    let uid = format!("race-{key}");
    let ctx = Ctx {
        lang,
        sim: RwSignal::new(initial),
        note: RwSignal::new(note),
        key: StoredValue::new(key),
        uid: StoredValue::new(uid.clone()),
    };
    let title_id = format!("{uid}-title");
    // Distinct names for the page's landmarks: each lesson instance names its scenario.
    let title = match (panels, param(params, "scenario")) {
        (Panels::Contention, _) => td_string!(lang, race.cont_heading).to_string(),
        (_, Some(name)) => format!("{}: {}", td_string!(lang, race.title), text::scenario(lang, name)),
        _ => td_string!(lang, race.title).to_string(),
    };
    let labelled_by = title_id.clone();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if crate::widgets::region::not_a_shortcut(&ev) || !panels.board() {
            return;
        }
        match ev.key().as_str() {
            k @ ("1" | "2" | "3") => {
                ev.prevent_default();
                ctx.step(k.as_bytes()[0] - b'1');
            }
            "u" | "U" => {
                ev.prevent_default();
                ctx.undo();
            }
            _ => {}
        }
    };
    view! {
        <section class="widget widget--race race" data-keys aria-labelledby=labelled_by on:keydown=on_key>
            <h2 id=title_id class="race__title">
                {title}
            </h2>
            {panels.board().then(|| view! {
                <p class="race__intro">{td_string!(lang, race.intro)}</p>
                {panels.predict().then(|| view! { <explore::Predict ctx /> })}
                <page::Board ctx />
            })}
            {panels.explore().then(|| view! { <explore::Explore ctx /> })}
            {panels.contention().then(|| view! { <contention::Contention lang uid=uid.clone() /> })}
        </section>
    }
    .into_any()
}
