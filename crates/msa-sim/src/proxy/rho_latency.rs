//! The large-traffic lesson's utilisation figure (`rho-latency`): response time against utilisation ρ for `c`
//! servers, in theory and as the simulator measures it.
//!
//! - Theory ([`crate::queueing`]): M/M/c, one shared first-come-first-served queue in front of `c` servers, and
//!   M/M/1, each server with a queue of its own (what `random` over `c` servers amounts to: `c` independent
//!   M/M/1 queues at the same ρ). Mean and p99 of the response time, service time 10 ms (μ = 100 req/s a server,
//!   the lesson's numbers).
//! - Measured: the `mmc` preset's model ([`super::scenarios::mmc`]: least_conn over `c` single-worker servers
//!   behind one proxy queue, exponential service, Poisson arrivals) at the ρ values of [`MEASURED`], a bounded
//!   number of requests each ([`Measurement`], run in slices so that a phone stays responsive).

use super::engine::Engine;
use super::scenarios;
use crate::queueing::Mmc;
use serde::Serialize;

/// The server counts the figure offers.
pub const SERVERS: [u32; 4] = [1, 2, 4, 8];
/// ρ in hundredths: the slider's bounds. At ρ = 1 there is no steady state; 0.98 is as close as a curve gets.
pub const RHO_MIN: u32 = 5;
pub const RHO_MAX: u32 = 98;
/// Mean service time: 10 ms (μ = 100 requests per second a server).
pub const SERVICE_MS: f64 = 10.0;
/// The ρ values (hundredths) the simulator measures.
pub const MEASURED: [u32; 6] = [30, 50, 70, 80, 90, 95];
/// Requests measured at each ρ, after [`WARMUP_REQUESTS`] that fill the queue from empty and are not counted.
pub const REQUESTS: u64 = 50_000;
pub const WARMUP_REQUESTS: u64 = 5_000;
/// The ρ values of the "knee" sentence: p99 at 0.80 against 0.95.
pub const KNEE: (u32, u32) = (80, 95);

/// Why a setting was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RhoError {
    /// `c` is not one of [`SERVERS`].
    Servers { c: u32 },
    /// ρ (hundredths) outside [`RHO_MIN`]..=[`RHO_MAX`].
    Rho { got: u32, min: u32, max: u32 },
}

/// A validated setting: `c` servers at ρ = `rho_pct` / 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    c: u32,
    rho_pct: u32,
}

/// Which bound of the slider the setting sits on, for the figure's message there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Bound {
    Low,
    High,
}

impl Setting {
    pub fn new(c: u32, rho_pct: u32) -> Result<Setting, RhoError> {
        if !SERVERS.contains(&c) {
            return Err(RhoError::Servers { c });
        }
        if !(RHO_MIN..=RHO_MAX).contains(&rho_pct) {
            return Err(RhoError::Rho { got: rho_pct, min: RHO_MIN, max: RHO_MAX });
        }
        Ok(Setting { c, rho_pct })
    }
    pub fn servers(&self) -> u32 {
        self.c
    }
    pub fn rho_pct(&self) -> u32 {
        self.rho_pct
    }
    pub fn at_bound(&self) -> Option<Bound> {
        match self.rho_pct {
            RHO_MIN => Some(Bound::Low),
            RHO_MAX => Some(Bound::High),
            _ => None,
        }
    }
    /// The theory at this setting.
    pub fn theory(&self) -> Theory {
        theory(self.c, self.rho_pct)
    }
}

impl Default for Setting {
    fn default() -> Self {
        Setting { c: 4, rho_pct: 80 }
    }
}

/// Response times in milliseconds at one ρ: each server its own queue (M/M/1) and one shared queue (M/M/c).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Theory {
    pub rho_pct: u32,
    pub mm1_mean_ms: f64,
    pub mm1_p99_ms: f64,
    pub mmc_mean_ms: f64,
    pub mmc_p99_ms: f64,
    /// Erlang C: the share of requests that wait in the shared queue.
    pub p_wait: f64,
}

/// The theory for `c` servers at ρ = `rho_pct` / 100, clamped to the slider's range; `c` outside [`SERVERS`] is
/// taken as the nearest allowed count below (at least 1), so this never fails.
pub fn theory(c: u32, rho_pct: u32) -> Theory {
    let c = SERVERS.iter().copied().filter(|&s| s <= c).max().unwrap_or(1);
    let rho_pct = rho_pct.clamp(RHO_MIN, RHO_MAX);
    let rho = rho_pct as f64 / 100.0;
    let mu = 1.0 / SERVICE_MS;
    // In range by construction (1 <= c <= 8, 0.05 <= rho <= 0.98): `at_utilisation` accepts both; the fallback
    // values are never used but keep the function total.
    let figures = |c: u32| {
        Mmc::at_utilisation(c, rho, mu)
            .map(|q| (q.mean_response(), q.response_quantile(0.99).unwrap_or(f64::NAN), q.p_wait()))
            .unwrap_or((f64::NAN, f64::NAN, f64::NAN))
    };
    let (mm1_mean_ms, mm1_p99_ms, _) = figures(1);
    let (mmc_mean_ms, mmc_p99_ms, p_wait) = figures(c);
    Theory { rho_pct, mm1_mean_ms, mm1_p99_ms, mmc_mean_ms, mmc_p99_ms, p_wait }
}

/// The curves: the theory at every hundredth from [`RHO_MIN`] to [`RHO_MAX`].
pub fn curve(c: u32) -> Vec<Theory> {
    (RHO_MIN..=RHO_MAX).map(|r| theory(c, r)).collect()
}

/// One measured point: the simulator's mean and p99 at ρ, over `requests` answered requests.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Measured {
    pub rho_pct: u32,
    pub requests: u64,
    pub mean_ms: f64,
    pub p99_ms: f64,
}

/// The engine configuration of one measured point: the `mmc` model with `c` servers of mean service
/// [`SERVICE_MS`] at ρ = `rho_pct` / 100, [`WARMUP_REQUESTS`] + [`REQUESTS`] arrivals, seed 1.
pub fn measured_config(c: u32, rho_pct: u32) -> super::Config {
    let rate = rho_pct as f64 / 100.0 * c as f64 * 1000.0 / SERVICE_MS;
    let mut cfg = scenarios::mmc(c as usize, rate);
    for s in &mut cfg.servers {
        s.service.mean_us = (SERVICE_MS * 1000.0) as u64;
    }
    cfg.max_requests = WARMUP_REQUESTS + REQUESTS;
    // Arrivals end by count; the duration only has to be long enough (a day of simulated time is ~2.6 million
    // requests even at the lowest rate offered here).
    cfg.duration_ms = super::config::limits::MAX_DURATION_MS;
    cfg.warmup_ms = (WARMUP_REQUESTS as f64 / rate * 1000.0) as u64;
    cfg
}

/// The measured points for `c` servers, computed a slice at a time: [`Measurement::advance`] runs at most a
/// given number of engine events and returns, so a view can yield to the browser between slices.
#[derive(Clone, Debug)]
pub struct Measurement {
    c: u32,
    next: usize,
    engine: Option<Engine>,
    points: Vec<Measured>,
    events: u64,
}

impl Measurement {
    /// `c` outside [`SERVERS`]: a typed error.
    pub fn new(c: u32) -> Result<Measurement, RhoError> {
        Setting::new(c, RHO_MIN)?;
        Ok(Measurement { c, next: 0, engine: None, points: Vec::new(), events: 0 })
    }

    pub fn servers(&self) -> u32 {
        self.c
    }

    /// Runs at most about `budget` engine events; true once every point of [`MEASURED`] is measured.
    pub fn advance(&mut self, budget: u64) -> bool {
        let mut left = budget.max(1);
        while self.next < MEASURED.len() && left > 0 {
            let rho = MEASURED[self.next];
            let engine = match self.engine.as_mut() {
                Some(e) => e,
                None => match Engine::new(measured_config(self.c, rho)) {
                    Ok(e) => self.engine.insert(e),
                    // Unreachable for the validated c and the constant ρ values; skipped rather than panic.
                    Err(_) => {
                        self.next += 1;
                        continue;
                    }
                },
            };
            let p = engine.run_for(left);
            left = left.saturating_sub(p.events.max(1));
            self.events += p.events;
            if p.finished {
                let l = &engine.metrics().latency;
                self.points.push(Measured {
                    rho_pct: rho,
                    requests: l.count,
                    mean_ms: l.mean_us() / 1000.0,
                    p99_ms: l.quantile_us(0.99) as f64 / 1000.0,
                });
                self.engine = None;
                self.next += 1;
            }
        }
        self.is_done()
    }

    pub fn is_done(&self) -> bool {
        self.next >= MEASURED.len()
    }
    /// The points measured so far, in the order of [`MEASURED`].
    pub fn points(&self) -> &[Measured] {
        &self.points
    }
    /// Engine events run so far (for progress).
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Points finished, out of [`MEASURED`]`.len()`.
    pub fn done_count(&self) -> usize {
        self.points.len()
    }
}

/// Runs every point at once (the CLI and tests; a view uses [`Measurement::advance`]).
pub fn measure(c: u32) -> Result<Vec<Measured>, RhoError> {
    let mut m = Measurement::new(c)?;
    while !m.advance(1_000_000) {}
    Ok(m.points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_validated() {
        assert_eq!(Setting::new(3, 50), Err(RhoError::Servers { c: 3 }));
        assert_eq!(Setting::new(4, 99), Err(RhoError::Rho { got: 99, min: 5, max: 98 }));
        assert_eq!(Setting::new(4, 4), Err(RhoError::Rho { got: 4, min: 5, max: 98 }));
        assert_eq!(Setting::new(4, 98).unwrap().at_bound(), Some(Bound::High));
        assert_eq!(Setting::new(1, 5).unwrap().at_bound(), Some(Bound::Low));
        assert_eq!(Setting::new(8, 80).unwrap().at_bound(), None);
        assert!(Measurement::new(0).is_err());
    }

    /// The numbers the figure shows (and the browser test reads), to 0.1 ms: c = 1 is the lesson's M/M/1 table.
    #[test]
    fn theory_to_the_tenth_of_a_millisecond() {
        let r = |x: f64| (x * 10.0).round() / 10.0;
        let t = theory(1, 80);
        assert_eq!((r(t.mm1_mean_ms), r(t.mm1_p99_ms), r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (50.0, 230.3, 50.0, 230.3));
        let t = theory(4, 80);
        assert_eq!((r(t.mm1_mean_ms), r(t.mm1_p99_ms), r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (50.0, 230.3, 17.5, 68.9));
        let t = theory(4, 95);
        assert_eq!((r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (54.6, 235.7));
        let t = theory(4, 98);
        assert_eq!((r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (129.5, 580.4));
        let t = theory(4, 5);
        assert_eq!((r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (10.0, 46.1));
        let t = theory(1, 95);
        assert_eq!((r(t.mmc_mean_ms), r(t.mmc_p99_ms)), (200.0, 921.0));
        let t = theory(8, 98);
        assert_eq!((r(t.mmc_mean_ms), r(t.mmc_p99_ms), r(t.mm1_p99_ms)), (68.5, 294.6, 2302.6));
        assert_eq!(curve(2).len(), 94);
    }
}
