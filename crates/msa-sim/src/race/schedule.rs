//! Schedules and the schedulers that sit outside the model: manual (with undo), seeded random, replay.
//!
//! ## Encoding
//! At most one action is enabled per transaction at any moment (its next step, its deadlock check, or its
//! ROLLBACK after an error), so a schedule is the sequence of transactions that moved: one digit per action,
//! `1` for T1, `2` for T2, `3` for T3. `"12121212"` is T1, T2, T1, T2, ... Dots may separate digits for
//! readability (`"1.2.1.2"` is the same schedule); [`Schedule::encode`] writes none. The characters are
//! URL-safe as they are. The empty string is the empty schedule. Anything else is a typed [`DecodeError`];
//! a decoded schedule that asks a transaction to move when it cannot is a typed [`ReplayError`].

use super::explore::{classify, Outcome};
use super::model::*;
use crate::rng::SimRng;
use serde::Serialize;
use std::fmt;

/// The longest schedule string accepted (characters, dots included): longer than any run of any scenario
/// ([`Scenario::max_run_len`] is at most 3 x 12 x 4 = 144 actions), and short enough for a URL.
pub const MAX_SCHEDULE_CHARS: usize = 512;

/// A sequence of transactions to move, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Schedule(pub Vec<TxnId>);

/// Why a string is not a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum DecodeError {
    /// Longer than [`MAX_SCHEDULE_CHARS`].
    TooLong { len: usize, max: usize },
    /// A character that is neither a digit 1-9 nor a dot, at this character position (0-based).
    BadChar { pos: usize, ch: char },
    /// `0` at this position: transactions are numbered from 1.
    Zero { pos: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLong { len, max } => write!(f, "schedule has {len} characters, at most {max}"),
            DecodeError::BadChar { pos, ch } => write!(f, "schedule character {pos} is {ch:?}: expected 1-9 or '.'"),
            DecodeError::Zero { pos } => write!(f, "schedule character {pos} is 0: transactions are numbered from 1"),
        }
    }
}

impl Schedule {
    /// Decodes a schedule string. Total: every input gives a schedule or an error, never a panic.
    pub fn decode(s: &str) -> Result<Schedule, DecodeError> {
        let len = s.chars().count();
        if len > MAX_SCHEDULE_CHARS {
            return Err(DecodeError::TooLong { len, max: MAX_SCHEDULE_CHARS });
        }
        let mut out = Vec::with_capacity(len);
        for (pos, ch) in s.chars().enumerate() {
            match ch {
                '.' => {}
                '0' => return Err(DecodeError::Zero { pos }),
                '1'..='9' => out.push(ch as u8 - b'1'),
                _ => return Err(DecodeError::BadChar { pos, ch }),
            }
        }
        Ok(Schedule(out))
    }

    /// The canonical string: one digit per action, no dots.
    pub fn encode(&self) -> String {
        self.0.iter().map(|&t| char::from(b'1' + t.min(8))).collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// A decoded schedule that does not fit the scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ReplayError {
    Decode(DecodeError),
    /// Action `pos` (0-based) names a transaction that cannot move then.
    NotEnabled {
        pos: usize,
        error: NotEnabled,
    },
    /// The run finished before action `pos`.
    AfterEnd {
        pos: usize,
    },
}

impl From<DecodeError> for ReplayError {
    fn from(e: DecodeError) -> Self {
        ReplayError::Decode(e)
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Decode(e) => e.fmt(f),
            ReplayError::NotEnabled { pos, error } => {
                write!(f, "action {} (T{}) is not enabled: {:?}", pos + 1, error.txn as usize + 1, error.why)
            }
            ReplayError::AfterEnd { pos } => write!(f, "action {} comes after every transaction finished", pos + 1),
        }
    }
}

/// One action taken in a run, with what happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Taken {
    pub action: Action,
    /// The step the transaction ran (None for a deadlock check or the ROLLBACK after an error).
    pub step: Option<Step>,
    pub events: Vec<Event>,
}

/// A run of a scenario: every state from the initial one, so undo and rewind are a truncate. This is what the
/// manual scheduler drives (`step`, `undo`) and what replay and the random scheduler return.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub scenario: Scenario,
    /// `states[0]` is the initial state; `states[i + 1]` is the state after `taken[i]`.
    pub states: Vec<State>,
    pub taken: Vec<Taken>,
}

impl Run {
    pub fn new(scenario: Scenario) -> Run {
        let init = scenario.init_state();
        Run { scenario, states: vec![init], taken: Vec::new() }
    }

    /// The current state.
    pub fn state(&self) -> &State {
        // `states` starts with the initial state and `undo` never removes it.
        &self.states[self.states.len() - 1]
    }

    /// For the manual view: every transaction with its enabled action or why it cannot move.
    pub fn choices(&self) -> Vec<(TxnId, Result<Action, Blocked>)> {
        self.scenario.choices(self.state())
    }

    /// Moves transaction `t` (the manual scheduler's click). Rejects a transaction that cannot move.
    pub fn step(&mut self, t: TxnId) -> Result<&Taken, NotEnabled> {
        if self.taken.len() >= self.scenario.max_run_len() {
            return Err(NotEnabled { txn: t, why: Blocked::NoSuchTxn });
        }
        let st = *self.state();
        let action = self.scenario.action_for(&st, t).map_err(|why| NotEnabled { txn: t, why })?;
        let step = match action {
            Action::Step(t) => self.scenario.next_step(&st, t),
            _ => None,
        };
        let (next, events) = self.scenario.next_state_logged(&st, action)?;
        self.states.push(next);
        self.taken.push(Taken { action, step, events });
        Ok(&self.taken[self.taken.len() - 1])
    }

    /// Takes back the last action. False if there is none.
    pub fn undo(&mut self) -> bool {
        if self.taken.pop().is_some() {
            self.states.pop();
            true
        } else {
            false
        }
    }

    /// Rewinds to after the first `n` actions (0 = the start).
    pub fn rewind(&mut self, n: usize) {
        self.taken.truncate(n);
        self.states.truncate(n + 1);
    }

    /// The schedule taken so far.
    pub fn schedule(&self) -> Schedule {
        Schedule(self.taken.iter().map(|t| t.action.txn()).collect())
    }

    /// True when no action is enabled (every transaction finished, or the rest are stuck).
    pub fn is_over(&self) -> bool {
        self.scenario.actions(self.state()).is_empty()
    }

    /// The outcome, once the run is over.
    pub fn outcome(&self) -> Option<Outcome> {
        classify(&self.scenario, self.state())
    }

    /// Finishes the run by always moving the lowest-numbered transaction that can move: from the start, that is
    /// the serial schedule T1, then T2, then T3.
    pub fn finish_lowest_first(&mut self) {
        for _ in 0..self.scenario.max_run_len() {
            let Some(a) = self.scenario.actions(self.state()).first().copied() else { return };
            if self.step(a.txn()).is_err() {
                return;
            }
        }
    }

    /// Finishes the run choosing uniformly among enabled transactions with `rng` (the seeded scheduler).
    pub fn finish_random(&mut self, rng: &mut SimRng) {
        for _ in 0..self.scenario.max_run_len() {
            let acts = self.scenario.actions(self.state());
            if acts.is_empty() {
                return;
            }
            let a = acts[rng.below(acts.len() as u64) as usize];
            if self.step(a.txn()).is_err() {
                return;
            }
        }
    }
}

/// Replays `schedule` from the initial state. Stops at the first action that is not enabled.
pub fn replay(scenario: &Scenario, schedule: &Schedule) -> Result<Run, ReplayError> {
    let mut run = Run::new(scenario.clone());
    for (pos, &t) in schedule.0.iter().enumerate() {
        if run.is_over() {
            return Err(ReplayError::AfterEnd { pos });
        }
        run.step(t).map_err(|error| ReplayError::NotEnabled { pos, error })?;
    }
    Ok(run)
}

/// Decodes and replays a schedule string.
pub fn replay_str(scenario: &Scenario, s: &str) -> Result<Run, ReplayError> {
    replay(scenario, &Schedule::decode(s)?)
}

/// The serial run: T1 to the end, then T2, then T3.
pub fn run_serial(scenario: &Scenario) -> Run {
    let mut run = Run::new(scenario.clone());
    run.finish_lowest_first();
    run
}

/// A seeded random run: the same seed gives the same schedule on every target.
pub fn run_random(scenario: &Scenario, seed: u64) -> Run {
    let mut run = Run::new(scenario.clone());
    run.finish_random(&mut SimRng::new(seed));
    run
}
