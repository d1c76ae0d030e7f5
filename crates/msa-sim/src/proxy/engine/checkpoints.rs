//! Checkpoints of a run, for rewinding.

use super::*;

/// Checkpoints of a run, so a view can rewind to any earlier time: a clone of the engine every `every`, at most
/// `max` of them (when full, every other one is dropped and the spacing doubles).
#[derive(Clone, Debug)]
pub struct Checkpoints {
    every_us: u64,
    max: usize,
    saved: Vec<Engine>,
}

impl Checkpoints {
    pub fn new(every: SimTime, max: usize) -> Checkpoints {
        Checkpoints { every_us: every.as_us().max(1), max: max.max(2), saved: Vec::new() }
    }

    /// Runs `engine` to `t` (bounded like [`Engine::run_until`]), saving a clone at each multiple of the spacing.
    pub fn run_until(&mut self, engine: &mut Engine, t: SimTime) -> Progress {
        if self.saved.is_empty() {
            self.saved.push(engine.clone());
        }
        let mut events = 0;
        // One pass per checkpoint mark; bounded by the number of marks up to t and by the event budget.
        while engine.now() < t && events < MAX_EVENTS_PER_CALL {
            let last = self.saved.last().map(|e| e.now().as_us()).unwrap_or(0);
            let mark = SimTime((last / self.every_us + 1).saturating_mul(self.every_us));
            let p = engine.run_until(mark.min(t));
            events += p.events;
            if engine.now() >= mark {
                self.saved.push(engine.clone());
                if self.saved.len() > self.max {
                    // Keep every other checkpoint, and space the next ones twice as far.
                    let kept: Vec<Engine> = self.saved.drain(..).step_by(2).collect();
                    self.saved = kept;
                    self.every_us = self.every_us.saturating_mul(2);
                }
            }
            if p.events == 0 && engine.now() < mark.min(t) {
                break;
            }
        }
        Progress { events, now: engine.now(), finished: engine.is_finished() }
    }

    /// The engine as it was at time `t` (from the latest checkpoint at or before `t`, run forward).
    pub fn rewind(&self, t: SimTime) -> Option<Engine> {
        let mut e = self.saved.iter().rev().find(|e| e.now() <= t)?.clone();
        e.run_until(t);
        Some(e)
    }

    pub fn len(&self) -> usize {
        self.saved.len()
    }
    pub fn is_empty(&self) -> bool {
        self.saved.is_empty()
    }
}
