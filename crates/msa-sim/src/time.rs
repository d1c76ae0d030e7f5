//! Logical time. `Instant::now` panics on wasm32-unknown-unknown and would make runs unrepeatable, so the
//! simulation carries its own clock: integer microseconds since the start of the run.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A point in simulated time, in whole microseconds since the run began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_us(us: u64) -> Self {
        SimTime(us)
    }
    pub const fn from_ms(ms: u64) -> Self {
        SimTime(ms.saturating_mul(1_000))
    }
    pub const fn from_secs(s: u64) -> Self {
        SimTime(s.saturating_mul(1_000_000))
    }
    pub const fn as_us(self) -> u64 {
        self.0
    }
    /// Whole seconds, rounded down: nginx compares its failure clocks in whole seconds (`ngx_time()`).
    pub const fn as_whole_secs(self) -> u64 {
        self.0 / 1_000_000
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// Adds a duration, saturating at [`SimTime::MAX`] instead of overflowing.
    pub const fn plus_us(self, us: u64) -> Self {
        SimTime(self.0.saturating_add(us))
    }
    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<u64> for SimTime {
    type Output = SimTime;
    fn add(self, us: u64) -> SimTime {
        self.plus_us(us)
    }
}

impl AddAssign<u64> for SimTime {
    fn add_assign(&mut self, us: u64) {
        *self = self.plus_us(us);
    }
}

impl Sub for SimTime {
    type Output = u64;
    fn sub(self, rhs: SimTime) -> u64 {
        self.since(rhs)
    }
}

impl fmt::Display for SimTime {
    /// `12.345678s`: seconds with microsecond precision, as the event log prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_and_displays() {
        let t = SimTime::from_ms(1_500);
        assert_eq!(t.as_us(), 1_500_000);
        assert_eq!(t.as_whole_secs(), 1);
        assert_eq!((t + 250).as_us(), 1_500_250);
        assert_eq!(SimTime::MAX + 1, SimTime::MAX);
        assert_eq!(SimTime::ZERO - t, 0);
        assert_eq!(t.to_string(), "1.500000s");
    }
}
