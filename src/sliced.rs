//! Long work in slices: a simulation that runs for seconds does a slice of work per browser task (a
//! `set_timeout(0)` between slices), so the page paints, the progress shows and the Stop button answers meanwhile.
//!
//! - [`Sliced`] is one widget's job: [`Sliced::start`] runs it slice by slice until it is done, stopped
//!   ([`Sliced::stop`], or a newer start), or its widget is gone (the learner left the page);
//! - [`for_ms`] is the time budget inside a slice: the work in small steps until the budget is spent. The proxy
//!   playground and its comparison call it from their animation-frame callback (one slice per frame, the picture
//!   moving between them) rather than through [`Sliced`];
//! - [`now_ms`] is the clock both read.

// A bundle with one family's widgets uses a part of this (the arch widget only `Sliced`).
#![cfg_attr(not(all(feature = "proxy", feature = "race", feature = "arch")), allow(dead_code))]

use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

/// Milliseconds since the page loaded (`performance.now()`): for time budgets and wall-clock figures.
pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Calls `step` until it says the work is done or `budget_ms` milliseconds have passed; true when it is done.
pub fn for_ms(budget_ms: f64, mut step: impl FnMut() -> bool) -> bool {
    let t0 = now_ms();
    while now_ms() - t0 < budget_ms {
        if step() {
            return true;
        }
    }
    false
}

/// What one slice of a job came to: more to do (with the progress to show), or the result.
pub enum Slice<P, T> {
    More(P),
    Done(T),
}

/// When a job's first slice runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum First {
    /// In the caller's task (a click that starts the work shows the first slice's progress at once).
    Now,
    /// In a task of its own (an effect that starts the work lets the page paint first).
    Later,
}

/// One widget's long job. A generation counter says which job is current: starting or stopping bumps it, and a
/// slice of an older generation does not run. The counter lives in the widget's reactive owner, so when the
/// widget is gone the next slice finds no counter and stops too.
#[derive(Clone, Copy)]
pub struct Sliced {
    generation: StoredValue<u32>,
}

struct Job<P, T> {
    slice: Box<dyn FnMut() -> Option<Slice<P, T>>>,
    progress: Box<dyn Fn(P)>,
    done: Option<Box<dyn FnOnce(T)>>,
}

impl Sliced {
    /// A handle with no job running (create it in the widget, so it goes with the widget).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Sliced {
        Sliced { generation: StoredValue::new(0) }
    }

    /// Stops the current job, if any: its next slice does not run.
    pub fn stop(self) {
        self.generation.update_value(|g| *g = g.wrapping_add(1));
    }

    /// Starts a job, stopping the one before. `slice` does one slice of work and says what it came to (None: the
    /// job's state is gone, so it stops quietly); `progress` shows the progress after each slice that leaves more
    /// to do, and `done` the result, once.
    pub fn start<P: 'static, T: 'static>(
        self,
        first: First,
        slice: impl FnMut() -> Option<Slice<P, T>> + 'static,
        progress: impl Fn(P) + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.stop();
        let my = self.generation.get_value();
        let job = Job { slice: Box::new(slice), progress: Box::new(progress), done: Some(Box::new(done)) };
        let job = Rc::new(RefCell::new(job));
        match first {
            First::Now => run(self.generation, my, job),
            First::Later => set_timeout(move || run(self.generation, my, job), Duration::ZERO),
        }
    }
}

/// One slice of the job of generation `my`, then the next in a task of its own while there is more to do.
fn run<P: 'static, T: 'static>(generation: StoredValue<u32>, my: u32, job: Rc<RefCell<Job<P, T>>>) {
    // A newer job started, this one was stopped, or the widget is gone.
    if generation.try_get_value() != Some(my) {
        return;
    }
    let step = (job.borrow_mut().slice)();
    match step {
        None => {}
        Some(Slice::More(p)) => {
            (job.borrow().progress)(p);
            set_timeout(move || run(generation, my, job), Duration::ZERO);
        }
        Some(Slice::Done(t)) => {
            let done = job.borrow_mut().done.take();
            if let Some(done) = done {
                done(t);
            }
        }
    }
}
