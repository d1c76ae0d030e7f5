//! The balancers, exactly as nginx runs them (one worker process), plus peak-EWMA (not nginx).
//!
//! Each function names the nginx function it follows (src/http/ngx_http_upstream_round_robin.c and
//! src/http/modules/ngx_http_upstream_{least_conn,ip_hash,hash,random}_module.c, 1.22). The state is nginx's:
//! per server `current_weight`, `effective_weight`, `conns`, `fails`, `accessed`, `checked`; per request the
//! `tried` bitmap and the hash modules' own counters ([`PickState`]). nginx compares its failure clocks in whole
//! seconds (`ngx_time()`), so every `now_s` here is [`crate::time::SimTime::as_whole_secs`].
//!
//! A balancer never sees the simulation: [`Upstream::get`] picks (and counts the connection, as nginx's `get`
//! does), [`Upstream::free`] reports how the attempt went (nginx's `free`). The `pick` CLI drives exactly these
//! two calls, one request at a time.

use crate::rng::SimRng;
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// At most this many servers in one upstream, counting removed ones: the `tried` set is a fixed bitmap of this
/// many bits (nginx uses a bitmap too, sized to the upstream). 256 leaves room for the supermarket-model test.
pub const MAX_SERVERS: usize = 256;

/// nginx's hash, ip_hash and random modules give up after this many ineligible draws and fall back to round
/// robin (`if (++hp->tries > 20)`).
const MAX_MISSES: u32 = 20;

/// The balancing algorithm: nginx's seven, and peak-EWMA (Finagle / Linkerd), which nginx does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// nginx's default: smooth weighted round robin.
    RoundRobin,
    /// `least_conn;`
    LeastConn,
    /// `ip_hash;`
    IpHash,
    /// `hash $key;`
    Hash,
    /// `hash $key consistent;` (ketama)
    HashConsistent,
    /// `random;`
    Random,
    /// `random two least_conn;`
    RandomTwo,
    /// NOT nginx: peak-EWMA latency x (in flight + 1), power of two choices, as Finagle and Linkerd do it.
    PeakEwma,
}

impl Algorithm {
    pub const ALL: [Algorithm; 8] = [
        Algorithm::RoundRobin,
        Algorithm::LeastConn,
        Algorithm::IpHash,
        Algorithm::Hash,
        Algorithm::HashConsistent,
        Algorithm::Random,
        Algorithm::RandomTwo,
        Algorithm::PeakEwma,
    ];

    /// The stable name used by the CLI, `--set algo=...` and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::RoundRobin => "round-robin",
            Algorithm::LeastConn => "least-conn",
            Algorithm::IpHash => "ip-hash",
            Algorithm::Hash => "hash",
            Algorithm::HashConsistent => "hash-consistent",
            Algorithm::Random => "random",
            Algorithm::RandomTwo => "random-two",
            Algorithm::PeakEwma => "peak-ewma",
        }
    }

    pub fn parse(s: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == s)
    }

    /// False only for peak-EWMA: the views must label it as not an nginx algorithm.
    pub fn is_nginx(self) -> bool {
        self != Algorithm::PeakEwma
    }

    /// nginx accepts `backup` only where the module sets NGX_HTTP_UPSTREAM_BACKUP in its flags: round robin and
    /// least_conn. ip_hash, hash and random reject it ("invalid parameter"). Peak-EWMA: ours, kept simple.
    pub fn allows_backup(self) -> bool {
        matches!(self, Algorithm::RoundRobin | Algorithm::LeastConn)
    }

    /// Whether the algorithm reads the request's key (hash) or client address (ip_hash).
    pub fn uses_key(self) -> bool {
        matches!(self, Algorithm::Hash | Algorithm::HashConsistent)
    }
}

/// Static parameters of one `server` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerParams {
    /// The `server` string as written (`127.0.0.1:18081`): hash consistent hashes it.
    pub server: String,
    pub weight: u32,
    pub max_fails: u32,
    pub fail_timeout_s: u64,
    pub max_conns: u32,
    pub backup: bool,
    pub down: bool,
}

impl PeerParams {
    /// `server ADDR weight=W` and nothing else: nginx's defaults for the rest (max_fails=1, fail_timeout=10s, no
    /// max_conns, neither backup nor down).
    pub fn weighted(server: impl Into<String>, weight: u32) -> PeerParams {
        PeerParams {
            server: server.into(),
            weight,
            max_fails: 1,
            fail_timeout_s: 10,
            max_conns: 0,
            backup: false,
            down: false,
        }
    }
}

/// One server's run-time state: nginx's `ngx_http_upstream_rr_peer_t`, plus what the simulator adds
/// (active-check verdict, removal, peak-EWMA estimate).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    pub server: String,
    pub weight: i64,
    pub effective_weight: i64,
    pub current_weight: i64,
    pub conns: u32,
    pub max_conns: u32,
    pub fails: u32,
    pub max_fails: u32,
    pub fail_timeout_s: u64,
    /// Whole seconds of the last failure.
    pub accessed_s: u64,
    /// Whole seconds of the last failure or of the first pick after fail_timeout (the "probe").
    pub checked_s: u64,
    pub down: bool,
    pub backup: bool,
    /// Marked down by active health checks (HAProxy / NGINX Plus); open-source nginx has none.
    pub check_down: bool,
    /// Taken out of the upstream while running (a reload without it).
    pub removed: bool,
    /// Peak-EWMA latency estimate in microseconds (only peak-EWMA reads it).
    pub ewma_us: f64,
    pub ewma_stamp_us: u64,
}

impl Peer {
    pub fn new(p: &PeerParams) -> Peer {
        Peer {
            server: p.server.clone(),
            weight: p.weight as i64,
            effective_weight: p.weight as i64,
            current_weight: 0,
            conns: 0,
            max_conns: p.max_conns,
            fails: 0,
            max_fails: p.max_fails,
            fail_timeout_s: p.fail_timeout_s,
            accessed_s: 0,
            checked_s: 0,
            down: p.down,
            backup: p.backup,
            check_down: false,
            removed: false,
            ewma_us: PEAK_EWMA_DEFAULT_RTT_US,
            ewma_stamp_us: 0,
        }
    }

    /// Passive checks hold this server out at `now_s` (fails reached max_fails less than fail_timeout ago).
    #[inline]
    pub fn is_failed(&self, now_s: u64) -> bool {
        self.max_fails > 0
            && self.fails >= self.max_fails
            && now_s.saturating_sub(self.checked_s) <= self.fail_timeout_s
    }

    #[inline]
    fn at_max_conns(&self) -> bool {
        self.max_conns > 0 && self.conns >= self.max_conns
    }
}

/// What one request remembers between its attempts: nginx's per-request peer data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickState {
    /// `rrp->tried`: servers this request already tried (bit = server index).
    pub tried: [u64; MAX_SERVERS / 64],
    /// `rrp->peers` switched to the backup list (it stays there for later attempts).
    pub on_backup: bool,
    /// ip_hash's running `hash`, hash's accumulated `hash`, hash consistent's point index.
    pub hash: u64,
    /// hash's `rehash` counter.
    pub rehash: u64,
    /// `tries` of the hash, ip_hash and random modules: ineligible draws so far.
    pub misses: u32,
    /// The hash state was initialised (ip_hash starts at 89; hash consistent at the key's ring point).
    pub started: bool,
}

/// What the request offers the balancer: the client address (ip_hash) and the hash key (`hash $key`).
#[derive(Clone, Copy, Debug)]
pub struct PickInput<'a> {
    pub client_ip: [u8; 4],
    pub key: &'a str,
}

/// How an attempt ended, for [`Upstream::free`]: nginx's `NGX_PEER_FAILED` or 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeState {
    Ok,
    Failed,
}

/// What [`Upstream::free`] observed, so the engine can log it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FreeReport {
    /// This failure made fails reach max_fails: nginx logs "upstream server temporarily disabled".
    pub disabled: bool,
    /// The upstream has a single server: nginx sets `pc->tries = 0` (no retry at all).
    pub single: bool,
}

/// Peak-EWMA: decay time (Finagle's default `decayTime` is 10 s) and the estimate a fresh server starts with.
const PEAK_EWMA_TAU_US: f64 = 10_000_000.0;
const PEAK_EWMA_DEFAULT_RTT_US: f64 = 1_000.0;
/// Finagle's penalty for a server with requests in flight and no latency estimate yet.
const PEAK_EWMA_PENALTY: f64 = 1e15;

/// One `upstream {}` block: its servers in config order and the balancing algorithm.
#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    algo: Algorithm,
    pub peers: Vec<Peer>,
    /// Indices of the primary and backup servers (config order, removed ones left out).
    primary: Vec<usize>,
    backup: Vec<usize>,
    /// `peers->total_weight` of the primary list: every primary's weight, down ones included (nginx sums them all).
    total_weight: u64,
    /// random: cumulative weights of `primary` (`ngx_http_upstream_random_range_t`).
    ranges: Vec<u64>,
    /// hash consistent: (point hash, index of a peer with that `server` string), sorted, equal hashes dropped.
    ring: Vec<(u32, usize)>,
}

impl Upstream {
    /// An upstream of `params` (at most [`MAX_SERVERS`], at least one primary: [`crate::proxy::Config::validate`]
    /// checks both before an engine is built; here a violation just leaves the lists empty and every pick fails).
    pub fn new(algo: Algorithm, params: &[PeerParams]) -> Upstream {
        let mut u = Upstream {
            algo,
            peers: params.iter().take(MAX_SERVERS).map(Peer::new).collect(),
            primary: Vec::new(),
            backup: Vec::new(),
            total_weight: 0,
            ranges: Vec::new(),
            ring: Vec::new(),
        };
        u.rebuild();
        u
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algo
    }

    /// Recomputes the server lists, weights, ranges and ring, as a reload does (run-time state is kept).
    fn rebuild(&mut self) {
        self.primary = (0..self.peers.len()).filter(|&i| !self.peers[i].removed && !self.peers[i].backup).collect();
        self.backup = (0..self.peers.len()).filter(|&i| !self.peers[i].removed && self.peers[i].backup).collect();
        self.total_weight = self.primary.iter().map(|&i| self.peers[i].weight as u64).sum();
        let mut acc = 0;
        self.ranges = self
            .primary
            .iter()
            .map(|&i| {
                acc += self.peers[i].weight as u64;
                acc
            })
            .collect();
        self.ring =
            if self.algo == Algorithm::HashConsistent { build_ring(&self.peers, &self.primary) } else { Vec::new() };
    }

    /// Adds a server at the end (index = previous length). Returns its index, or None when full.
    pub fn add(&mut self, p: &PeerParams) -> Option<usize> {
        if self.peers.len() >= MAX_SERVERS {
            return None;
        }
        self.peers.push(Peer::new(p));
        self.rebuild();
        Some(self.peers.len() - 1)
    }

    /// Takes server `i` out of the lists (its index stays, so in-flight attempts can still free it).
    pub fn remove(&mut self, i: usize) {
        if let Some(p) = self.peers.get_mut(i) {
            p.removed = true;
            self.rebuild();
        }
    }

    /// nginx's `peers->single`: exactly one primary and no backup; then max_fails is ignored and nothing is retried.
    pub fn is_single(&self) -> bool {
        self.primary.len() == 1 && self.backup.is_empty()
    }

    /// `ngx_http_upstream_tries()`: non-down primaries plus non-down backups.
    pub fn tries(&self) -> u32 {
        self.primary.iter().chain(self.backup.iter()).filter(|&&i| !self.peers[i].down).count() as u32
    }

    /// The hash consistent ring (point hash, server index), for views and tests.
    pub fn ring(&self) -> &[(u32, usize)] {
        &self.ring
    }

    /// True if some live server is held back only by max_conns: a proxy queue (HAProxy) would wait for it.
    pub fn blocked_by_max_conns(&self, now_s: u64) -> bool {
        self.primary.iter().chain(self.backup.iter()).any(|&i| {
            let p = &self.peers[i];
            p.at_max_conns() && !p.down && !p.check_down && !p.is_failed(now_s)
        })
    }

    /// The eligibility test every nginx module repeats: not tried, not down, not failed, not at max_conns.
    /// (`check_down` and `removed` are the simulator's additions: an active check's verdict, a reload.)
    #[inline]
    fn eligible(&self, i: usize, st: &PickState, now_s: u64) -> bool {
        // Pure tests, so their order is free: max_conns first, the one that fails when a proxy queue waits.
        let p = &self.peers[i];
        !p.at_max_conns() && !is_tried(&st.tried, i) && !p.down && !p.removed && !p.check_down && !p.is_failed(now_s)
    }

    /// What a successful `get` does to the chosen server: `conns++`, mark tried, and
    /// `if (now - peer->checked > peer->fail_timeout) peer->checked = now;` (this is what makes the first pick after
    /// fail_timeout a probe).
    fn take(&mut self, i: usize, st: &mut PickState, now_s: u64) -> usize {
        set_tried(&mut st.tried, i);
        let p = &mut self.peers[i];
        p.conns += 1;
        if now_s.saturating_sub(p.checked_s) > p.fail_timeout_s {
            p.checked_s = now_s;
        }
        i
    }

    /// Picks a server for the next attempt of a request, or None: "no live upstreams" (nginx answers 502).
    pub fn get(
        &mut self,
        st: &mut PickState,
        input: PickInput<'_>,
        now_s: u64,
        now_us: u64,
        rng: &mut SimRng,
    ) -> Option<usize> {
        match self.algo {
            Algorithm::RoundRobin => self.get_round_robin(st, now_s),
            Algorithm::LeastConn => self.get_least_conn(st, now_s),
            Algorithm::IpHash => self.get_ip_hash(st, input.client_ip, now_s),
            Algorithm::Hash => self.get_hash(st, input.key, now_s),
            Algorithm::HashConsistent => self.get_chash(st, input.key, now_s),
            Algorithm::Random => self.get_random(st, now_s, rng, false),
            Algorithm::RandomTwo => self.get_random(st, now_s, rng, true),
            Algorithm::PeakEwma => self.get_peak_ewma(st, now_s, now_us, rng),
        }
    }

    /// Where `hash $key` or `hash $key consistent` sends `key` as a request's first attempt at time 0, without
    /// counting a connection: the code [`Upstream::get`] runs for these two algorithms (`get_hash`, `get_chash`),
    /// called directly so that a figure of placements does not bring a second copy of the whole `get` into the
    /// wasm. None for the other algorithms, or when no server is eligible.
    pub fn place_by_key(&mut self, key: &str) -> Option<usize> {
        let mut st = PickState::default();
        let i = match self.algo {
            Algorithm::Hash => self.get_hash(&mut st, key, 0),
            Algorithm::HashConsistent => self.get_chash(&mut st, key, 0),
            _ => None,
        }?;
        // `take` counted the connection; nothing else it does changes at time 0 (checked stays 0).
        if let Some(p) = self.peers.get_mut(i) {
            p.conns = p.conns.saturating_sub(1);
        }
        Some(i)
    }

    /// Sends the attempt to server `i` if it is eligible (a sticky cookie naming it), counting it as `get` does.
    pub fn get_specific(&mut self, i: usize, st: &mut PickState, now_s: u64) -> Option<usize> {
        if i < self.peers.len() && self.eligible(i, st, now_s) {
            Some(self.take(i, st, now_s))
        } else {
            None
        }
    }

    /// `ngx_http_upstream_get_round_robin_peer`: the single-server shortcut, else smooth WRR over the primaries,
    /// then over the backups (and the request stays on the backups for later attempts).
    fn get_round_robin(&mut self, st: &mut PickState, now_s: u64) -> Option<usize> {
        if self.is_single() {
            // The single path checks only `down` and max_conns (not max_fails), and does not touch `checked`.
            let i = self.primary[0];
            let p = &mut self.peers[i];
            if p.down || p.check_down || p.at_max_conns() {
                return None;
            }
            p.conns += 1;
            return Some(i);
        }
        if !st.on_backup {
            if let Some(i) = self.smooth_wrr(false, st, now_s, |_, _| true) {
                return Some(self.take(i, st, now_s));
            }
            if self.backup.is_empty() {
                return None;
            }
            st.on_backup = true;
        }
        let i = self.smooth_wrr(true, st, now_s, |_, _| true)?;
        Some(self.take(i, st, now_s))
    }

    /// `ngx_http_upstream_get_peer`: over eligible servers (also passing `extra`) in config order,
    /// `cw += ew; total += ew; if ew < weight: ew += 1`; the largest cw wins (the earliest on ties, strict >);
    /// then `best.cw -= total`. Returns the winner without taking it.
    fn smooth_wrr(
        &mut self,
        backup: bool,
        st: &PickState,
        now_s: u64,
        extra: impl Fn(&Upstream, usize) -> bool,
    ) -> Option<usize> {
        let n = if backup { self.backup.len() } else { self.primary.len() };
        let mut best: Option<usize> = None;
        let mut total = 0i64;
        for k in 0..n {
            let i = if backup { self.backup[k] } else { self.primary[k] };
            if !self.eligible(i, st, now_s) || !extra(self, i) {
                continue;
            }
            let p = &mut self.peers[i];
            p.current_weight += p.effective_weight;
            total += p.effective_weight;
            if p.effective_weight < p.weight {
                p.effective_weight += 1;
            }
            if best.is_none_or(|b| self.peers[i].current_weight > self.peers[b].current_weight) {
                best = Some(i);
            }
        }
        let b = best?;
        self.peers[b].current_weight -= total;
        Some(b)
    }

    /// `ngx_http_upstream_get_least_conn_peer`: the lowest conns/weight (cross-multiplied), ties broken by the
    /// smooth WRR step over the tied servers only; no eligible primary: the same over the backups.
    fn get_least_conn(&mut self, st: &mut PickState, now_s: u64) -> Option<usize> {
        if self.is_single() {
            return self.get_round_robin(st, now_s);
        }
        // At most two passes: the primaries, then the backups.
        for _pass in 0..2 {
            let list: &[usize] = if st.on_backup { &self.backup } else { &self.primary };
            let mut best: Option<usize> = None;
            let mut many = false;
            for &i in list {
                if !self.eligible(i, st, now_s) {
                    continue;
                }
                match best {
                    None => best = Some(i),
                    Some(b) => {
                        let (p, q) = (&self.peers[i], &self.peers[b]);
                        let lhs = p.conns as i64 * q.weight;
                        let rhs = q.conns as i64 * p.weight;
                        if lhs < rhs {
                            best = Some(i);
                            many = false;
                        } else if lhs == rhs {
                            many = true;
                        }
                    }
                }
            }
            if let Some(b) = best {
                let chosen = if many {
                    // The tie-break loop starts at `best` and walks on in config order; only servers with the
                    // same conns/weight take part. Every tied server comes at or after `best`, so smooth WRR over
                    // "eligible and tied" is the same walk.
                    let (bc, bw) = (self.peers[b].conns as i64, self.peers[b].weight);
                    let on_backup = st.on_backup;
                    self.smooth_wrr(on_backup, st, now_s, move |u, i| {
                        u.peers[i].conns as i64 * bw == bc * u.peers[i].weight
                    })
                    .unwrap_or(b)
                } else {
                    b
                };
                return Some(self.take(chosen, st, now_s));
            }
            if st.on_backup || self.backup.is_empty() {
                return None;
            }
            st.on_backup = true;
        }
        None
    }

    /// Walks the primaries in config order subtracting weights until `w` falls inside one (hash and ip_hash).
    fn walk_weight(&self, mut w: u64) -> usize {
        for &i in &self.primary {
            let wt = self.peers[i].weight as u64;
            if w < wt {
                return i;
            }
            w -= wt;
        }
        // Unreachable while w < total_weight; the last primary keeps this total.
        *self.primary.last().unwrap_or(&0)
    }

    /// `ngx_http_upstream_get_ip_hash_peer`: key = the first three octets; h = 89, then per byte
    /// `h = (h * 113 + b) % 6271`; `w = h % total_weight`; walk by weight; an ineligible server repeats the byte
    /// loop from the current h; after 20 misses, round robin.
    #[inline(never)]
    fn get_ip_hash(&mut self, st: &mut PickState, ip: [u8; 4], now_s: u64) -> Option<usize> {
        if st.misses > MAX_MISSES || self.primary.len() < 2 || self.total_weight == 0 {
            return self.get_round_robin(st, now_s);
        }
        if !st.started {
            st.started = true;
            st.hash = 89;
        }
        loop {
            for &b in &ip[..3] {
                st.hash = (st.hash * 113 + b as u64) % 6271;
            }
            if let ControlFlow::Break(pick) = self.draw_at_hash(st, now_s) {
                return pick;
            }
        }
    }

    /// One draw of ip_hash / hash at `st.hash`: `w = hash % total_weight`, walked by weight; an eligible server is
    /// taken, else a miss, and after 20 misses round robin. `Continue`: the caller draws again from a new hash.
    fn draw_at_hash(&mut self, st: &mut PickState, now_s: u64) -> ControlFlow<Option<usize>> {
        let i = self.walk_weight(st.hash % self.total_weight);
        if self.eligible(i, st, now_s) {
            return ControlFlow::Break(Some(self.take(i, st, now_s)));
        }
        st.misses += 1;
        if st.misses > MAX_MISSES {
            return ControlFlow::Break(self.get_round_robin(st, now_s));
        }
        ControlFlow::Continue(())
    }

    /// `ngx_http_upstream_get_hash_peer` (Cache::Memcached compatible): per draw
    /// `hash += (crc32([rehash as decimal] key) >> 16) & 0x7fff` with the rehash prefix omitted the first time;
    /// `w = hash % total_weight`; walk by weight. Empty key, fewer than two servers or 20 misses: round robin.
    #[inline(never)]
    fn get_hash(&mut self, st: &mut PickState, key: &str, now_s: u64) -> Option<usize> {
        if st.misses > MAX_MISSES || self.primary.len() < 2 || key.is_empty() || self.total_weight == 0 {
            return self.get_round_robin(st, now_s);
        }
        loop {
            let mut h = crc32fast::Hasher::new();
            if st.rehash > 0 {
                h.update(st.rehash.to_string().as_bytes());
            }
            h.update(key.as_bytes());
            let c = h.finalize();
            // nginx keeps `hash` in a uint32_t.
            st.hash = (st.hash + ((c >> 16) & 0x7fff) as u64) & 0xffff_ffff;
            st.rehash += 1;
            if let ControlFlow::Break(pick) = self.draw_at_hash(st, now_s) {
                return pick;
            }
        }
    }

    /// `ngx_http_upstream_get_chash_peer`: start at the first ring point >= crc32(key) (wrapping); among eligible
    /// servers whose `server` string equals that point's, smooth WRR; none: the next point, up to 20, then round
    /// robin.
    #[inline(never)]
    fn get_chash(&mut self, st: &mut PickState, key: &str, now_s: u64) -> Option<usize> {
        if st.misses > MAX_MISSES || self.primary.len() < 2 || key.is_empty() || self.ring.is_empty() {
            return self.get_round_robin(st, now_s);
        }
        if !st.started {
            st.started = true;
            st.hash = find_chash_point(&self.ring, chash_key_point(key)) as u64;
        }
        loop {
            let owner = self.ring[(st.hash % self.ring.len() as u64) as usize].1;
            let server = self.peers[owner].server.clone();
            if let Some(i) = self.smooth_wrr(false, st, now_s, |u, i| u.peers[i].server == server) {
                return Some(self.take(i, st, now_s));
            }
            st.hash += 1;
            st.misses += 1;
            if st.misses > MAX_MISSES {
                return self.get_round_robin(st, now_s);
            }
        }
    }

    /// `ngx_http_upstream_peek_random_peer`: a draw below total_weight, located by binary search in the
    /// cumulative ranges. Returns a server index.
    fn peek_random(&self, rng: &mut SimRng) -> usize {
        let x = rng.below(self.total_weight);
        let (mut i, mut j) = (0usize, self.ranges.len());
        while j - i > 1 {
            let k = (i + j) / 2;
            if x < self.ranges[k - 1] {
                j = k;
            } else {
                i = k;
            }
        }
        self.primary[i]
    }

    /// `ngx_http_upstream_get_random_peer` and `..._random2_peer`: one weighted draw (random), or draws until two
    /// distinct eligible servers `prev` then `peer`, keeping `prev` only if it has strictly fewer conns per weight
    /// (`peer.conns * prev.weight > prev.conns * peer.weight`); a tie goes to the second draw.
    #[inline(never)]
    fn get_random(&mut self, st: &mut PickState, now_s: u64, rng: &mut SimRng, two: bool) -> Option<usize> {
        self.get_drawn(st, now_s, rng, two, |b, prev, peer| {
            let (p, q) = (&b.peers[peer], &b.peers[prev]);
            p.conns as i64 * q.weight > q.conns as i64 * p.weight
        })
    }

    /// NOT nginx. Peak-EWMA with two random choices (Finagle `Balancers.p2cPeakEwma`, Linkerd): draw two distinct
    /// eligible servers as random two does, keep the one with the lower `cost x (in flight + 1)`, where cost is
    /// the latency estimate decayed toward 0 over time (tau 10 s). Failures count as passive-check failures, as
    /// for every algorithm here.
    #[inline(never)]
    fn get_peak_ewma(&mut self, st: &mut PickState, now_s: u64, now_us: u64, rng: &mut SimRng) -> Option<usize> {
        self.get_drawn(st, now_s, rng, true, |b, prev, peer| b.ewma_load(prev, now_us) < b.ewma_load(peer, now_us))
    }

    /// The draw loop random, random two and peak-EWMA share: weighted draws until one eligible server (`two` =
    /// false) or two distinct ones, `prev` then `peer`, of which `keep_prev(self, prev, peer)` chooses; after
    /// more than 20 misses (or with fewer than two servers) plain round robin, as nginx does.
    fn get_drawn(
        &mut self,
        st: &mut PickState,
        now_s: u64,
        rng: &mut SimRng,
        two: bool,
        keep_prev: impl Fn(&Self, usize, usize) -> bool,
    ) -> Option<usize> {
        if st.misses > MAX_MISSES || self.primary.len() < 2 || self.total_weight == 0 {
            return self.get_round_robin(st, now_s);
        }
        let mut prev: Option<usize> = None;
        loop {
            let i = self.peek_random(rng);
            if prev != Some(i) && self.eligible(i, st, now_s) {
                if !two {
                    return Some(self.take(i, st, now_s));
                }
                match prev {
                    None => prev = Some(i),
                    Some(pv) => {
                        let chosen = if keep_prev(self, pv, i) { pv } else { i };
                        return Some(self.take(chosen, st, now_s));
                    }
                }
                continue;
            }
            st.misses += 1;
            if st.misses > MAX_MISSES {
                return self.get_round_robin(st, now_s);
            }
        }
    }

    fn ewma_load(&self, i: usize, now_us: u64) -> f64 {
        let p = &self.peers[i];
        let dt = now_us.saturating_sub(p.ewma_stamp_us) as f64;
        let cost = p.ewma_us * libm::exp(-dt / PEAK_EWMA_TAU_US);
        if cost == 0.0 && p.conns > 0 {
            PEAK_EWMA_PENALTY
        } else {
            cost * (p.conns as f64 + 1.0)
        }
    }

    /// `ngx_http_upstream_free_round_robin_peer`: `conns--`; on a failure `fails++`, `accessed = checked = now`,
    /// `ew -= weight / max_fails` (not below 0); on a success `fails = 0` only if `accessed < checked`.
    /// A single-server upstream skips all of it (and nginx sets tries to 0). `rtt_us` feeds peak-EWMA.
    pub fn free(&mut self, i: usize, state: FreeState, now_s: u64, now_us: u64, rtt_us: Option<u64>) -> FreeReport {
        let single = self.is_single();
        let Some(p) = self.peers.get_mut(i) else {
            return FreeReport { disabled: false, single };
        };
        p.conns = p.conns.saturating_sub(1);
        if let Some(rtt) = rtt_us {
            // Finagle's PeakEwma.observe: jump up to a higher sample at once, decay toward lower ones.
            let dt = now_us.saturating_sub(p.ewma_stamp_us) as f64;
            let w = libm::exp(-dt / PEAK_EWMA_TAU_US);
            let rtt = rtt as f64;
            p.ewma_us = if rtt > p.ewma_us { rtt } else { p.ewma_us * w + rtt * (1.0 - w) };
            p.ewma_stamp_us = now_us;
        }
        if single {
            return FreeReport { disabled: false, single };
        }
        let mut disabled = false;
        match state {
            FreeState::Failed => {
                p.fails += 1;
                p.accessed_s = now_s;
                p.checked_s = now_s;
                if p.max_fails > 0 {
                    p.effective_weight -= p.weight / p.max_fails as i64;
                    disabled = p.fails == p.max_fails;
                }
                if p.effective_weight < 0 {
                    p.effective_weight = 0;
                }
            }
            FreeState::Ok => {
                if p.accessed_s < p.checked_s {
                    p.fails = 0;
                }
            }
        }
        FreeReport { disabled, single }
    }
}

fn is_tried(t: &[u64; MAX_SERVERS / 64], i: usize) -> bool {
    t.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0)
}

fn set_tried(t: &mut [u64; MAX_SERVERS / 64], i: usize) {
    if let Some(w) = t.get_mut(i / 64) {
        *w |= 1u64 << (i % 64);
    }
}

/// `ngx_http_upstream_init_chash`: per primary server, split its `server` string at the last ':' into host and
/// port; 160 x weight points `h_j = crc32(host "\0" port le32(h_{j-1}))`, `h_{-1} = 0`; sort ascending and drop
/// equal hashes. (nginx's qsort is not stable: if two different servers ever produced the same point, which one
/// keeps it could differ; with crc32 over distinct strings this is vanishingly rare, and we keep the first.)
fn build_ring(peers: &[Peer], primary: &[usize]) -> Vec<(u32, usize)> {
    let mut ring = Vec::new();
    for &i in primary {
        let s = peers[i].server.as_bytes();
        let (host, port): (&[u8], &[u8]) = if s.len() >= 5 && s[..5].eq_ignore_ascii_case(b"unix:") {
            (&s[5..], &[])
        } else {
            match s.iter().rposition(|&c| c == b':') {
                Some(k) => (&s[..k], &s[k + 1..]),
                None => (s, &[]),
            }
        };
        let mut base = crc32fast::Hasher::new();
        base.update(host);
        base.update(&[0]);
        base.update(port);
        let mut prev: u32 = 0;
        for _ in 0..160 * peers[i].weight.max(0) as u64 {
            let mut h = base.clone();
            h.update(&prev.to_le_bytes());
            let v = h.finalize();
            ring.push((v, i));
            prev = v;
        }
    }
    ring.sort_by_key(|&(h, _)| h);
    ring.dedup_by_key(|&mut (h, _)| h);
    ring
}

/// Where `hash $key consistent` places a key on the ring: crc32 of the key's bytes (nginx's
/// `ngx_crc32_long(key)` in `ngx_http_upstream_get_chash_peer`). The key goes to the first ring point at or
/// after it, wrapping past the top.
pub fn chash_key_point(key: &str) -> u32 {
    crc32fast::hash(key.as_bytes())
}

/// `ngx_http_upstream_find_chash_point`: the first point with hash >= `h` (may be `len`, which wraps to 0).
fn find_chash_point(ring: &[(u32, usize)], h: u32) -> usize {
    let (mut i, mut j) = (0usize, ring.len());
    while i < j {
        let k = (i + j) / 2;
        if h > ring[k].0 {
            i = k + 1;
        } else if h < ring[k].0 {
            j = k;
        } else {
            return k;
        }
    }
    i
}

/// A pure picker for the `pick` command and the lessons' step-through widgets: requests one at a time, each
/// finishing (successfully) before the next, so only the balancer's own state carries over.
#[derive(Clone, Debug)]
pub struct Picker {
    pub upstream: Upstream,
    rng: SimRng,
}

impl Picker {
    pub fn new(algo: Algorithm, params: &[PeerParams], seed: u64) -> Picker {
        Picker { upstream: Upstream::new(algo, params), rng: SimRng::fork(seed, 3) }
    }

    /// The server index nginx picks for one request at time 0 (then the request completes), or None
    /// ("no live upstreams": nginx answers 502).
    pub fn pick(&mut self, input: PickInput<'_>) -> Option<usize> {
        let mut st = PickState::default();
        let i = self.upstream.get(&mut st, input, 0, 0, &mut self.rng)?;
        self.upstream.free(i, FreeState::Ok, 0, 0, None);
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(ws: &[u32]) -> Vec<PeerParams> {
        ws.iter().enumerate().map(|(i, &w)| PeerParams::weighted(format!("127.0.0.1:{}", 18081 + i), w)).collect()
    }

    fn seq(algo: Algorithm, ws: &[u32], n: usize) -> Vec<usize> {
        let mut p = Picker::new(algo, &params(ws), 1);
        (0..n).map(|_| p.pick(PickInput { client_ip: [10, 0, 0, 1], key: "k" }).unwrap()).collect()
    }

    #[test]
    fn smooth_wrr_5_1_1() {
        assert_eq!(seq(Algorithm::RoundRobin, &[5, 1, 1], 14), [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
    }

    #[test]
    fn least_conn_with_no_load_is_round_robin() {
        assert_eq!(seq(Algorithm::LeastConn, &[5, 1, 1], 7), [0, 0, 1, 0, 2, 0, 0]);
    }

    /// place_by_key is exactly what a pick does for the two hash algorithms, over weights and server counts.
    #[test]
    fn place_by_key_is_the_pick() {
        for ws in [&[1, 1][..], &[1, 1, 1], &[1, 1, 1, 1], &[5, 1, 2], &[1, 3, 1, 1, 2]] {
            for algo in [Algorithm::Hash, Algorithm::HashConsistent] {
                let mut p = Picker::new(algo, &params(ws), 1);
                let mut u = Upstream::new(algo, &params(ws));
                for k in 0..500 {
                    let key = format!("/item/{k}");
                    assert_eq!(
                        u.place_by_key(&key),
                        p.pick(PickInput { client_ip: [10, 0, 0, 7], key: &key }),
                        "{algo:?} {ws:?} {key}"
                    );
                }
                assert!(u.peers.iter().all(|p| p.conns == 0));
            }
        }
        assert_eq!(Upstream::new(Algorithm::RoundRobin, &params(&[1, 1])).place_by_key("k"), None);
    }

    #[test]
    fn ring_has_160_points_per_weight() {
        let u = Upstream::new(Algorithm::HashConsistent, &params(&[1, 2]));
        assert_eq!(u.ring().len(), 480);
        assert!(u.ring().windows(2).all(|w| w[0].0 < w[1].0));
    }
}
