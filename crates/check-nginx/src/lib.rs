//! Cross-check of msa-sim's balancers against a real nginx 1.22.
//!
//! A [`Harness`] starts tiny backends ([`backend`]), writes nginx's `upstream {}` with the project's own
//! [`msa_sim::proxy::to_nginx`], runs nginx ([`nginx`]) on loopback, sends requests one at a time and compares
//! each with what the simulator's balancer ([`msa_sim::proxy::Upstream`], the code behind `Picker` and the
//! engine) does for the same sequence: the server that answers (or holds) the request, the status, and the
//! servers the request reached on its way (retries).

pub mod backend;
pub mod case;
pub mod nginx;

use backend::{Arrival, Backends, Mode};
use msa_sim::proxy::balancer::{FreeState, PickState};
use msa_sim::proxy::{Config, NextUpstream, PickInput, Upstream};
use msa_sim::rng::SimRng;
use nginx::Nginx;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One request as the harness sends it.
#[derive(Clone, Debug)]
pub struct Req {
    pub post: bool,
    /// `?key=` (hash $arg_key); empty: no query.
    pub key: String,
    /// The client binds to 127.`client`.0.1 (ip_hash sees the first three octets).
    pub client: u8,
}

impl Req {
    pub fn get() -> Req {
        Req { post: false, key: String::new(), client: 0 }
    }
    pub fn post() -> Req {
        Req { post: true, ..Req::get() }
    }
    pub fn key(k: impl Into<String>) -> Req {
        Req { key: k.into(), ..Req::get() }
    }
    pub fn from(client: u8) -> Req {
        Req { client, ..Req::get() }
    }
    pub fn ip(&self) -> [u8; 4] {
        [127, self.client, 0, 1]
    }
}

/// How a request ended, from either side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Held by a stalling backend (this index).
    Held(usize),
    /// Status and the backend that answered (None: nginx's own error page).
    Reply(u16, Option<usize>),
}

/// What nginx did with one request.
#[derive(Clone, Debug)]
pub struct Observed {
    pub outcome: Outcome,
    /// Backends the request reached, in order (refused connections never arrive).
    pub reached: Vec<usize>,
    /// Backends that refused the connection, in order (from nginx's error log: `connect() failed (111: ...)`).
    pub refused: Vec<usize>,
    /// nginx logged "no live upstreams".
    pub no_live: bool,
}

/// The simulator's account of one request, comparable with [`Observed`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimResult {
    pub outcome: Outcome,
    /// Every attempt, in order.
    pub attempts: Vec<usize>,
    /// The balancer found no eligible server at some attempt.
    pub no_live: bool,
}

/// Whole seconds of the wall clock: nginx's `ngx_time()`.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Sleeps until 30 ms after the next whole second: what follows (well under a second) happens within one
/// second of nginx's clock.
pub fn align_second() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let into = now.subsec_millis() as u64;
    std::thread::sleep(Duration::from_millis(1000 - into + 30));
}

/// The simulator's side: the balancer nginx's `get`/`free` calls drive, plus the retry decision of
/// `ngx_http_upstream_next` exactly as msa-sim's engine makes it (`attempt_failed`).
#[derive(Clone)]
pub struct Sim {
    pub up: Upstream,
    rng: SimRng,
    nu: NextUpstream,
    tries_cap: u32,
}

impl Sim {
    pub fn new(cfg: &Config) -> Sim {
        let params: Vec<_> = cfg.servers.iter().enumerate().map(|(i, s)| s.peer_params(i)).collect();
        Sim {
            up: Upstream::new(cfg.algorithm, &params),
            rng: SimRng::fork(cfg.seed, 3),
            nu: cfg.proxy.next_upstream,
            tries_cap: cfg.proxy.tries,
        }
    }

    /// One request at `now_s`; `mode(i)` says what backend i does with an attempt.
    pub fn request(&mut self, req: &Req, now_s: u64, mode: impl Fn(usize) -> Mode) -> SimResult {
        let input = PickInput { client_ip: req.ip(), key: &req.key };
        let mut st = PickState::default();
        let mut tries_left = self.up.tries();
        if self.tries_cap > 0 {
            tries_left = tries_left.min(self.tries_cap);
        }
        let mut attempts = Vec::new();
        let now_us = now_s * 1_000_000;
        loop {
            let Some(i) = self.up.get(&mut st, input, now_s, now_us, &mut self.rng) else {
                return SimResult { outcome: Outcome::Reply(502, None), attempts, no_live: true };
            };
            attempts.push(i);
            match mode(i) {
                Mode::Answer => {
                    self.up.free(i, FreeState::Ok, now_s, now_us, None);
                    return SimResult { outcome: Outcome::Reply(200, Some(i)), attempts, no_live: false };
                }
                Mode::Stall => return SimResult { outcome: Outcome::Held(i), attempts, no_live: false },
                m @ (Mode::Refuse | Mode::CloseEarly) => {
                    // A refused connection fails before the request is sent; an early close after it was sent.
                    let sent = m == Mode::CloseEarly;
                    let retry = self.nu.error && !(sent && req.post && !self.nu.non_idempotent) && tries_left > 1;
                    let rep = self.up.free(i, FreeState::Failed, now_s, now_us, None);
                    tries_left = if rep.single { 0 } else { tries_left.saturating_sub(1) };
                    if !retry || rep.single {
                        return SimResult { outcome: Outcome::Reply(502, None), attempts, no_live: false };
                    }
                }
            }
        }
    }

    /// A held request on `i` completes successfully.
    pub fn release(&mut self, i: usize, now_s: u64) {
        self.up.free(i, FreeState::Ok, now_s, now_s * 1_000_000, None);
    }

    /// The simulator's distribution of picks over `n` sequential requests from the current state (a clone: the
    /// state itself is not changed), as probabilities per server.
    pub fn distribution(&self, req: &Req, n: u32) -> Vec<f64> {
        let mut s = self.clone();
        let mut counts = vec![0u64; s.up.peers.len()];
        for _ in 0..n {
            if let Outcome::Reply(200, Some(i)) = s.request(req, 0, |_| Mode::Answer).outcome {
                counts[i] += 1;
            }
        }
        counts.iter().map(|&c| c as f64 / n as f64).collect()
    }
}

/// Pearson's chi-square of observed counts against expected probabilities. Cells expected at 0 must be observed
/// at 0 (else infinity). Returns (statistic, degrees of freedom).
pub fn chi_square(observed: &[u64], p: &[f64]) -> (f64, usize) {
    let n: u64 = observed.iter().sum();
    let mut x2 = 0.0;
    let mut df = 0usize;
    for (&o, &pi) in observed.iter().zip(p) {
        let e = pi * n as f64;
        if e < 1e-9 {
            if o > 0 {
                return (f64::INFINITY, df);
            }
            continue;
        }
        df += 1;
        x2 += (o as f64 - e).powi(2) / e;
    }
    (x2, df.saturating_sub(1))
}

/// The chi-square critical value at p = 0.001 for 1..=6 degrees of freedom.
pub fn chi_square_critical_001(df: usize) -> f64 {
    [0.0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46][df.min(6)]
}

/// One case: backends, nginx, the simulator, and the tally.
pub struct Harness {
    pub case: String,
    pub sim: Sim,
    held: Vec<(usize, TcpStream, usize)>,
    pub compared: u32,
    pub agreed: u32,
    pub mismatches: Vec<String>,
    sent: usize,
    /// Do not print mismatches (the harness's own negative control expects them).
    pub quiet: bool,
    // Drop order: nginx first, then the backends.
    pub nginx: Nginx,
    pub backends: Backends,
}

impl Harness {
    /// `cfg.servers` must name the backends' addresses (see [`servers_for`]). `cfg` is exported with
    /// [`msa_sim::proxy::to_nginx`]; its `$request_uri` hash key becomes `$arg_key`.
    pub fn new(case: &str, backends: Backends, cfg: &Config) -> Result<Harness, String> {
        cfg.validate().map_err(|e| format!("{case}: config: {e}"))?;
        let exported = msa_sim::proxy::to_nginx(cfg);
        let upstream = nginx::upstream_block(&exported)?.replace("$request_uri", "$arg_key");
        let mut loc = format!("            proxy_next_upstream {};\n", cfg.proxy.next_upstream.to_directive_args());
        if cfg.proxy.tries > 0 {
            loc += &format!("            proxy_next_upstream_tries {};\n", cfg.proxy.tries);
        }
        loc += "            proxy_connect_timeout 2s;\n            proxy_read_timeout 30s;\n";
        let nginx = Nginx::start(&upstream, &loc).map_err(|e| format!("{case}: {e}"))?;
        Ok(Harness {
            case: case.to_string(),
            sim: Sim::new(cfg),
            held: Vec::new(),
            compared: 0,
            agreed: 0,
            mismatches: Vec::new(),
            sent: 0,
            quiet: false,
            nginx,
            backends,
        })
    }

    fn describe(&self, o: &Outcome, reached: &[usize], refused: &[usize], no_live: bool) -> String {
        let names = |v: &[usize]| v.iter().map(|&i| self.backends.name(i)).collect::<Vec<_>>().join(",");
        let main = match o {
            Outcome::Held(i) => format!("held by {}", self.backends.name(*i)),
            Outcome::Reply(s, Some(i)) => format!("{s} from {}", self.backends.name(*i)),
            Outcome::Reply(s, None) => format!("{s} from nginx"),
        };
        let mut t = format!("{main} (reached [{}]", names(reached));
        if !refused.is_empty() {
            t += &format!(", refused by [{}]", names(refused));
        }
        if no_live {
            t += ", no live upstreams";
        }
        t + ")"
    }

    /// Sends one request to nginx and reports what happened, without asking the simulator.
    pub fn observe(&mut self, req: &Req) -> Result<Observed, String> {
        let stale = self.backends.take_arrivals();
        if !stale.is_empty() {
            return Err(format!("arrivals from nothing: {stale:?}"));
        }
        self.sent += 1;
        let log_from = self.nginx.error_log_len();
        let mut s = connect(self.nginx.port, req)?;
        let path = if req.key.is_empty() { "/".to_string() } else { format!("/?key={}", req.key) };
        let (method, body) = if req.post { ("POST", "data") } else { ("GET", "") };
        let text = format!(
            "{method} {path} HTTP/1.1\r\nHost: check\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(text.as_bytes()).map_err(|e| format!("send: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(8);
        let mut reached: Vec<Arrival> = Vec::new();
        s.set_read_timeout(Some(Duration::from_millis(5))).map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        loop {
            reached.extend(self.backends.take_arrivals());
            if let Some(a) = reached.last() {
                if self.backends.mode(a.backend) == Mode::Stall {
                    let b = a.backend;
                    self.held.push((b, s, self.sent));
                    let (refused, no_live) = self.log_since(log_from);
                    let reached = reached.iter().map(|a| a.backend).collect();
                    return Ok(Observed { outcome: Outcome::Held(b), reached, refused, no_live });
                }
            }
            let mut chunk = [0u8; 4096];
            match s.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    s.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
                }
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    if !buf.is_empty() {
                        return Err("reply stalled halfway".into());
                    }
                }
                Err(e) => return Err(format!("read: {e}")),
            }
            if Instant::now() > deadline {
                return Err("no reply and no arrival within 8 s".into());
            }
        }
        reached.extend(self.backends.take_arrivals());
        let outcome = self.parse_reply(&buf)?;
        let (refused, no_live) = self.log_since(log_from);
        Ok(Observed { outcome, reached: reached.iter().map(|a| a.backend).collect(), refused, no_live })
    }

    /// Refused connections (by backend, in order) and "no live upstreams" in nginx's error log after `from`.
    fn log_since(&self, from: u64) -> (Vec<usize>, bool) {
        let log = self.nginx.error_log_from(from);
        let mut refused = Vec::new();
        let mut no_live = false;
        for line in log.lines() {
            if line.contains("no live upstreams") {
                no_live = true;
            }
            if line.contains("connect() failed (111") {
                if let Some(i) =
                    (0..self.backends.len()).find(|&i| line.contains(&format!("\"http://{}/", self.backends.addr(i))))
                {
                    refused.push(i);
                }
            }
        }
        (refused, no_live)
    }

    fn parse_reply(&self, buf: &[u8]) -> Result<Outcome, String> {
        let t = String::from_utf8_lossy(buf);
        let status: u16 = t
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("not an HTTP reply: {t:?}"))?;
        let body = t.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let from = if status == 200 { self.backends.index_of(body.trim()) } else { None };
        if status == 200 && from.is_none() {
            return Err(format!("200 with an unknown body {body:?}"));
        }
        Ok(Outcome::Reply(status, from))
    }

    /// Sends `req` to nginx and the simulator and compares: who answers or holds it, the status, and which
    /// backends it reached.
    pub fn send(&mut self, req: &Req) {
        let now_s = unix_now();
        let got = self.observe(req);
        let backends = &self.backends;
        let r = self.sim.request(req, now_s, |i| backends.mode(i));
        let refusing = |i: &usize| self.backends.mode(*i) == Mode::Refuse;
        let sim_reached: Vec<usize> = r.attempts.iter().copied().filter(|i| !refusing(i)).collect();
        let sim_refused: Vec<usize> = r.attempts.iter().copied().filter(|i| refusing(i)).collect();
        let sim = r.outcome.clone();
        self.compared += 1;
        let sim_txt = self.describe(&sim, &sim_reached, &sim_refused, r.no_live);
        if std::env::var_os("CHECK_NGINX_TRACE").is_some() {
            let n = match &got {
                Ok(o) => self.describe(&o.outcome, &o.reached, &o.refused, o.no_live),
                Err(e) => format!("error: {e}"),
            };
            println!(
                "  [{}] #{} {} key={:?} 127.{}.0.1 t={now_s}: nginx {n} | sim {sim_txt}",
                self.case,
                self.sent,
                if req.post { "POST" } else { "GET" },
                req.key,
                req.client
            );
        }
        match got {
            Ok(o)
                if o.outcome == sim
                    && o.reached == sim_reached
                    && o.refused == sim_refused
                    && o.no_live == r.no_live =>
            {
                self.agreed += 1
            }
            Ok(o) => {
                let n = self.describe(&o.outcome, &o.reached, &o.refused, o.no_live);
                self.mismatch(req, &n, &sim_txt);
            }
            Err(e) => self.mismatch(req, &format!("harness error: {e}"), &sim_txt),
        }
    }

    fn mismatch(&mut self, req: &Req, nginx: &str, sim: &str) {
        let m = format!(
            "MISMATCH [{}] request #{} ({} key={:?} from 127.{}.0.1): nginx: {nginx}; simulator: {sim}",
            self.case,
            self.sent,
            if req.post { "POST" } else { "GET" },
            req.key,
            req.client
        );
        if !self.quiet {
            eprintln!("{m}");
        }
        self.mismatches.push(m);
    }

    pub fn send_n(&mut self, req: &Req, n: usize) {
        for _ in 0..n {
            self.send(req);
        }
    }

    pub fn set_mode(&mut self, i: usize, mode: Mode) {
        if let Err(e) = self.backends.set_mode(i, mode) {
            self.mismatches.push(format!("[{}] harness error: {e}", self.case));
        }
    }

    /// Lets every request held on backend `i` finish; each must answer 200 from `i`. The simulator frees them.
    pub fn release(&mut self, i: usize) {
        self.backends.release(i);
        let now_s = unix_now();
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held).into_iter().partition(|h| h.0 == i);
        self.held = rest;
        for (b, mut s, n) in mine {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = Vec::new();
            let r = s.read_to_end(&mut buf).map_err(|e| e.to_string()).and_then(|_| self.parse_reply(&buf));
            if r != Ok(Outcome::Reply(200, Some(b))) {
                let m = format!(
                    "MISMATCH [{}] held request #{n} on {}: released as {r:?}",
                    self.case,
                    self.backends.name(b)
                );
                eprintln!("{m}");
                self.mismatches.push(m);
            }
            self.sim.release(b, now_s);
        }
        let _ = self.backends.take_arrivals();
    }

    pub fn held_on(&self, i: usize) -> usize {
        self.held.iter().filter(|h| h.0 == i).count()
    }

    /// Releases everything and returns the tally.
    pub fn finish(mut self) -> Tally {
        for i in 0..self.backends.len() {
            self.release(i);
        }
        Tally {
            case: self.case.clone(),
            compared: self.compared,
            agreed: self.agreed,
            mismatches: self.mismatches.clone(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub case: String,
    pub compared: u32,
    pub agreed: u32,
    pub mismatches: Vec<String>,
}

/// A client socket bound to 127.`client`.0.1, connected to nginx (2 s bound).
fn connect(port: u16, req: &Req) -> Result<TcpStream, String> {
    use socket2::{Domain, Socket, Type};
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).map_err(|e| e.to_string())?;
    let src = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::new(127, req.client, 0, 1), 0));
    sock.bind(&src.into()).map_err(|e| format!("bind {src}: {e}"))?;
    let dst = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
    sock.connect_timeout(&dst.into(), Duration::from_secs(2)).map_err(|e| format!("connect {dst}: {e}"))?;
    let s: TcpStream = sock.into();
    s.set_write_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
    Ok(s)
}

/// A config for `algo` over `backends`, with (name, weight) taken from the backends and the given tweaks applied
/// by the caller; each server's `addr` is its backend's real address.
pub fn config_for(algo: msa_sim::proxy::Algorithm, backends: &Backends, weights: &[u32]) -> Config {
    let mut c = Config { algorithm: algo, ..Config::default() };
    c.servers = (0..backends.len())
        .map(|i| {
            let mut s = msa_sim::proxy::ServerConfig::named_for(i);
            s.name = backends.name(i).to_string();
            s.addr = Some(backends.addr(i));
            s.weight = weights.get(i).copied().unwrap_or(1);
            s
        })
        .collect();
    c
}
