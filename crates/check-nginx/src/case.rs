//! What the cases in `tests/nginx.rs` share: one run's upstream ([`Setup`]), started and driven by a script,
//! and the requests the hash cases send, so that each case states only its upstream and its script.

use crate::backend::{Backends, Mode};
use crate::{config_for, Harness, Req, Tally};
use msa_sim::proxy::{Algorithm, Config};

/// Backend names, in server order.
const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

/// A change to the config before the run starts.
type Tweak<'a> = Box<dyn FnOnce(&mut Config) + 'a>;

/// One run's upstream: one backend per weight (named a, b, c, ...) under `algo`, then any changes to the config
/// ([`Setup::with`]).
pub struct Setup<'a> {
    case: &'a str,
    algo: Algorithm,
    weights: &'a [u32],
    tweaks: Vec<Tweak<'a>>,
}

impl<'a> Setup<'a> {
    pub fn new(case: &'a str, algo: Algorithm, weights: &'a [u32]) -> Setup<'a> {
        assert!(weights.len() <= NAMES.len(), "{case}: at most {} servers", NAMES.len());
        Setup { case, algo, weights, tweaks: Vec::new() }
    }

    /// A change to the config (server parameters, proxy settings) before nginx and the simulator start.
    pub fn with(mut self, tweak: impl FnOnce(&mut Config) + 'a) -> Setup<'a> {
        self.tweaks.push(Box::new(tweak));
        self
    }

    /// Starts the backends, nginx and the simulator.
    pub fn start(self) -> Result<Harness, String> {
        let b = Backends::start(&NAMES[..self.weights.len()])?;
        let mut cfg = config_for(self.algo, &b, self.weights);
        for tweak in self.tweaks {
            tweak(&mut cfg);
        }
        Harness::new(self.case, b, &cfg)
    }

    /// Starts, sends what `drive` sends (each request compared as it goes), then releases everything.
    pub fn run(self, drive: impl FnOnce(&mut Harness)) -> Result<Tally, String> {
        let mut h = self.start()?;
        drive(&mut h);
        Ok(h.finish())
    }
}

impl Harness {
    pub fn send_all(&mut self, reqs: impl IntoIterator<Item = Req>) {
        for r in reqs {
            self.send(&r);
        }
    }

    /// Backend `i` answers again, and the requests it holds are released.
    pub fn answer(&mut self, i: usize) {
        self.set_mode(i, Mode::Answer);
        self.release(i);
    }
}

impl Tally {
    /// Adds another run of the same case: its counts and mismatches, its name after this one's.
    pub fn merge(&mut self, o: Tally) {
        self.case = format!("{} + {}", self.case, o.case);
        self.compared += o.compared;
        self.agreed += o.agreed;
        self.mismatches.extend(o.mismatches);
    }
}

/// `n` requests with `?key=`: every third `user<i>`, the others `k<i * 7919>`.
pub fn key_requests(n: usize) -> impl Iterator<Item = Req> {
    (0..n).map(|i| if i % 3 == 0 { Req::key(format!("user{i}")) } else { Req::key(format!("k{}", i * 7919)) })
}
