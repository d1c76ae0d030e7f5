//! Queueing theory for the M/M/1 and M/M/c models: the formulas the simulator is checked against
//! (`tests/proxy_theory.rs`) and the curves the large-traffic lesson's utilisation figure draws
//! ([`crate::proxy::rho_latency`]).
//!
//! The guards are written `!(x > 0.0)` on purpose: they are true for NaN too, so a NaN input is refused with the
//! out-of-range ones (clippy's `neg_cmp_op_on_partial_ord` is allowed here for that).
//!
//! The model: Poisson arrivals at rate λ, `c` identical servers with exponential service of rate μ each, one
//! first-come-first-served queue without a limit (M/M/c; c = 1 is M/M/1). Utilisation ρ = λ / (cμ) < 1, offered
//! load a = λ / μ = cρ.
//!
//! - Erlang C, the probability that an arrival waits: `C(c, a) = B / (1 − ρ(1 − B))`, with Erlang B from the
//!   recursion `B(0) = 1`, `B(k) = a·B(k−1) / (k + a·B(k−1))` (no factorials, stable for any c).
//! - Mean wait `E[Wq] = C / (cμ − λ)`; mean response time `E[W] = 1/μ + E[Wq]`.
//! - Response time W = S + Wq, S ~ Exp(μ) the arrival's own service, independent of its wait; under FCFS
//!   `P(Wq > t) = C·e^{−θt}` with θ = cμ − λ (a waiting arrival waits an Exp(θ) time). Summing the two:
//!
//!   `P(W > t) = e^{−μt} + C·μ·t·e^{−min(μ,θ)·t}·φ(|μ − θ|·t)`,  φ(x) = (1 − e^{−x}) / x,  φ(0) = 1.
//!
//!   (From `P(W > t) = P(S > t) + C·∫₀ᵗ μe^{−μs}·e^{−θ(t−s)} ds`.) Written with φ and `expm1` it has no
//!   cancellation when θ is close to μ (θ = μ exactly at ρ = (c−1)/c: c = 2 at ρ = 0.5), and nothing overflows.
//!   For c = 1 it reduces to `e^{−(μ−λ)t}`, the M/M/1 result.
//! - The p-quantile of W is the root of `P(W > t) = 1 − p`, found by bisection: the survival function falls
//!   strictly from 1 at t = 0, and `P(W > t) ≤ 2·e^{−min(μ,θ)·t/2}` bounds the root from above.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use serde::Serialize;

/// At most this many servers: a figure's queue, not a data centre (and the recursion stays exact to 1e-12).
pub const MAX_SERVERS: u32 = 1_000;

/// Why a model was refused.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub enum ModelError {
    /// c = 0, or more than [`MAX_SERVERS`].
    Servers { c: u32, max: u32 },
    /// λ or μ is not a finite number above 0.
    Rate,
    /// ρ = λ / (cμ) ≥ 1: no steady state, the queue grows for as long as the load lasts.
    Unstable { rho: f64 },
}

/// A validated M/M/c queue: rates per unit of time (the caller's unit; times come back in the same unit).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Mmc {
    c: u32,
    lambda: f64,
    mu: f64,
}

impl Mmc {
    pub fn new(c: u32, lambda: f64, mu: f64) -> Result<Mmc, ModelError> {
        if c == 0 || c > MAX_SERVERS {
            return Err(ModelError::Servers { c, max: MAX_SERVERS });
        }
        if !(lambda.is_finite() && mu.is_finite() && lambda > 0.0 && mu > 0.0) {
            return Err(ModelError::Rate);
        }
        let rho = lambda / (c as f64 * mu);
        if !(rho < 1.0) {
            return Err(ModelError::Unstable { rho });
        }
        Ok(Mmc { c, lambda, mu })
    }

    /// The M/M/c queue of `c` servers at utilisation `rho`, service rate `mu` each.
    pub fn at_utilisation(c: u32, rho: f64, mu: f64) -> Result<Mmc, ModelError> {
        if !(rho.is_finite() && rho > 0.0) {
            return Err(ModelError::Rate);
        }
        Mmc::new(c, rho * c.max(1) as f64 * mu, mu)
    }

    pub fn servers(&self) -> u32 {
        self.c
    }
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
    pub fn mu(&self) -> f64 {
        self.mu
    }
    /// ρ = λ / (cμ).
    pub fn utilisation(&self) -> f64 {
        self.lambda / (self.c as f64 * self.mu)
    }
    /// Erlang C: the probability that an arrival waits.
    pub fn p_wait(&self) -> f64 {
        erlang_c(self.c, self.lambda / self.mu)
    }
    /// θ = cμ − λ: the rate of a waiting arrival's wait.
    fn theta(&self) -> f64 {
        self.c as f64 * self.mu - self.lambda
    }
    /// E[Wq] = C / (cμ − λ).
    pub fn mean_wait(&self) -> f64 {
        self.p_wait() / self.theta()
    }
    /// E[W] = 1/μ + E[Wq].
    pub fn mean_response(&self) -> f64 {
        1.0 / self.mu + self.mean_wait()
    }

    /// P(W > t), the response time's survival function (see the module's comment). 1 for t ≤ 0.
    pub fn response_survival(&self, t: f64) -> f64 {
        if !(t > 0.0) {
            return 1.0;
        }
        let (mu, theta) = (self.mu, self.theta());
        let x = (mu - theta).abs() * t;
        let phi = if x == 0.0 { 1.0 } else { -libm::expm1(-x) / x };
        libm::exp(-mu * t) + self.p_wait() * mu * t * libm::exp(-mu.min(theta) * t) * phi
    }

    /// The p-quantile of the response time (p in (0, 1)); None for p outside.
    pub fn response_quantile(&self, p: f64) -> Option<f64> {
        if !(p > 0.0 && p < 1.0) {
            return None;
        }
        let target = 1.0 - p;
        let (mut lo, mut hi) = (0.0f64, 2.0 * libm::log(2.0 / target) / self.mu.min(self.theta()));
        // 200 halvings take any bracket below one ulp; stop as soon as the interval stops shrinking.
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.response_survival(mid) > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(0.5 * (lo + hi))
    }
}

/// Erlang C for `c` servers and offered load `a` = λ/μ (a < c): the probability that an arrival waits. Through
/// Erlang B's recursion, so large c neither overflows nor loses precision. 1 when a ≥ c (every arrival waits),
/// 0 when a ≤ 0 or c = 0.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if c == 0 || !(a > 0.0) {
        return 0.0;
    }
    let rho = a / c as f64;
    if rho >= 1.0 {
        return 1.0;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    b / (1.0 - rho * (1.0 - b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol * want.abs().max(1.0), "got {got}, want {want}");
    }

    /// The textbook sum, with factorials (independent of the recursion).
    fn erlang_c_sum(c: u32, a: f64) -> f64 {
        let fact = |k: u32| (1..=k).map(|x| x as f64).product::<f64>();
        let head: f64 = (0..c).map(|k| a.powi(k as i32) / fact(k)).sum();
        let tail = a.powi(c as i32) / fact(c) * c as f64 / (c as f64 - a);
        tail / (head + tail)
    }

    #[test]
    fn erlang_c_closed_forms_and_the_textbook_sum() {
        // c = 1: C = ρ. c = 2: C = 2ρ² / (1 + ρ).
        for rho in [0.05, 0.3, 0.5, 0.8, 0.95, 0.98] {
            close(erlang_c(1, rho), rho, 1e-14);
            close(erlang_c(2, 2.0 * rho), 2.0 * rho * rho / (1.0 + rho), 1e-14);
            for c in [3, 4, 8, 20] {
                close(erlang_c(c, c as f64 * rho), erlang_c_sum(c, c as f64 * rho), 1e-12);
            }
        }
        // A value to the digit: c = 2, a = 1 (ρ = 0.5): 1/3. c = 4, a = 3.2 (the simulator's M/M/4 test): 0.59643...
        close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-15);
        close(erlang_c(4, 3.2), 0.596_432_471_787_404_4, 1e-12);
        assert_eq!(erlang_c(4, 4.0), 1.0);
        assert_eq!(erlang_c(0, 1.0), 0.0);
    }

    #[test]
    fn mm1_matches_the_lesson_table() {
        // μ = 100 req/s (rates per ms: 0.1), λ = 80: mean 50 ms, p99 = ln(100) / (μ − λ) = 230.26 ms.
        let q = Mmc::new(1, 0.08, 0.1).unwrap();
        close(q.mean_response(), 50.0, 1e-12);
        close(q.response_quantile(0.99).unwrap(), 100f64.ln() / 0.02, 1e-12);
        for (lambda, p99) in
            [(0.05, 92.103_403_719_761_83), (0.09, 460.517_018_598_809_16), (0.095, 921.034_037_197_618_2)]
        {
            close(Mmc::new(1, lambda, 0.1).unwrap().response_quantile(0.99).unwrap(), p99, 1e-12);
        }
        // M/M/1's response time is Exp(μ − λ) at every t.
        for t in [0.0, 1.0, 10.0, 100.0, 1000.0] {
            close(q.response_survival(t), (-0.02f64 * t).exp(), 1e-13);
        }
    }

    /// The survival function against the direct form (two exponentials, fine away from θ = μ), and the p99 as its
    /// root.
    #[test]
    fn mmc_survival_and_p99() {
        for (c, rho) in [(2u32, 0.8), (4, 0.8), (4, 0.95), (8, 0.5), (8, 0.9)] {
            let q = Mmc::at_utilisation(c, rho, 1.0).unwrap();
            let (mu, theta, cw) = (1.0, c as f64 * (1.0 - rho), q.p_wait());
            let direct = |t: f64| {
                (-mu * t).exp() * (1.0 - cw + cw * theta / (theta - mu)) - cw * mu / (theta - mu) * (-theta * t).exp()
            };
            for t in [0.1, 1.0, 3.0, 10.0, 30.0] {
                close(q.response_survival(t), direct(t), 1e-11);
            }
            let p99 = q.response_quantile(0.99).unwrap();
            close(direct(p99), 0.01, 1e-9);
        }
        // θ = μ (c = 2, ρ = 0.5): P(W > t) = e^{−t}(1 + t/3). Its p99 to the digit (solved independently).
        let q = Mmc::at_utilisation(2, 0.5, 1.0).unwrap();
        for t in [0.5, 2.0, 7.0] {
            close(q.response_survival(t), (-t).exp() * (1.0 + t / 3.0), 1e-14);
        }
        let p99 = q.response_quantile(0.99).unwrap();
        close((-p99).exp() * (1.0 + p99 / 3.0), 0.01, 1e-12);
        close(p99, 5.665_960_683_792_997, 1e-12);
        // Mean: 1/μ + C/(cμ − λ) = 1 + (1/3) / 1.
        close(q.mean_response(), 4.0 / 3.0, 1e-15);
    }

    #[test]
    fn a_shared_queue_beats_separate_ones_but_keeps_the_knee() {
        for c in [2, 4, 8] {
            let at = |rho: f64| Mmc::at_utilisation(c, rho, 1.0).unwrap().response_quantile(0.99).unwrap();
            let mm1 = |rho: f64| Mmc::at_utilisation(1, rho, 1.0).unwrap().response_quantile(0.99).unwrap();
            for rho in [0.3, 0.8, 0.95] {
                assert!(at(rho) < mm1(rho));
            }
            // The knee moves right as c grows, but from ρ = 0.8 to 0.95 the p99 still more than doubles.
            assert!(at(0.95) > 2.0 * at(0.8), "c = {c}");
        }
    }

    #[test]
    fn bad_models_are_typed_errors() {
        assert_eq!(Mmc::new(0, 1.0, 1.0), Err(ModelError::Servers { c: 0, max: MAX_SERVERS }));
        assert_eq!(Mmc::new(1, f64::NAN, 1.0), Err(ModelError::Rate));
        assert_eq!(Mmc::new(1, 1.0, 0.0), Err(ModelError::Rate));
        assert_eq!(Mmc::new(2, 2.0, 1.0), Err(ModelError::Unstable { rho: 1.0 }));
        assert_eq!(Mmc::at_utilisation(4, f64::INFINITY, 1.0), Err(ModelError::Rate));
        let q = Mmc::new(1, 0.5, 1.0).unwrap();
        assert_eq!(q.response_quantile(1.0), None);
        assert_eq!(q.response_quantile(f64::NAN), None);
    }
}
