//! Exact behaviour: balancer sequences pinned from the formulas in semantics.md (the vectors were computed by an
//! independent Python implementation of those formulas with zlib's crc32), nginx's failure / recovery replay on
//! its whole-second clock, and proxy_next_upstream's retry rules.

use msa_sim::proxy::balancer::{Algorithm, FreeState, PeerParams, PickInput, PickState, Picker, Upstream};
use msa_sim::proxy::config::*;
use msa_sim::proxy::{Command, CommandError, Engine, LogKind, Phase};
use msa_sim::rng::SimRng;
use msa_sim::time::SimTime;

fn params(spec: &[(&str, u32)]) -> Vec<PeerParams> {
    spec.iter().map(|&(addr, w)| PeerParams::weighted(addr, w)).collect()
}

const ABC: [&str; 3] = ["127.0.0.1:18081", "127.0.0.1:18082", "127.0.0.1:18083"];

fn names(v: impl IntoIterator<Item = Option<usize>>) -> String {
    v.into_iter().map(|i| i.map(|i| (b'a' + i as u8) as char).unwrap_or('-')).collect()
}

fn picker(algo: Algorithm, weights: &[u32], down: &[usize]) -> Picker {
    let mut p = params(&ABC.iter().zip(weights).map(|(a, &w)| (*a, w)).collect::<Vec<_>>());
    for &d in down {
        p[d].down = true;
    }
    Picker::new(algo, &p, 1)
}

fn ip(s: &str) -> [u8; 4] {
    let v: Vec<u8> = s.split('.').map(|x| x.parse().unwrap()).collect();
    [v[0], v[1], v[2], v[3]]
}

const IPS: [&str; 8] =
    ["10.0.1.5", "10.0.2.5", "192.168.1.10", "172.16.5.4", "8.8.8.8", "1.2.3.4", "127.0.0.1", "127.0.0.2"];
const KEYS: [&str; 10] = ["/a", "/b", "/c", "/d", "/e", "/item/1", "/item/2", "/item/3", "/item/4", "/item/5"];

#[test]
fn round_robin_5_1_1_is_a_a_b_a_c_a_a() {
    let mut p = picker(Algorithm::RoundRobin, &[5, 1, 1], &[]);
    let got = names((0..21).map(|_| p.pick(PickInput { client_ip: [127, 0, 0, 1], key: "/" })));
    assert_eq!(got, "aabacaa".repeat(3));
}

#[test]
fn round_robin_skips_down_and_says_no_live_when_all_down() {
    let mut p = picker(Algorithm::RoundRobin, &[1, 1, 1], &[1]);
    let got = names((0..4).map(|_| p.pick(PickInput { client_ip: [127, 0, 0, 1], key: "/" })));
    assert_eq!(got, "acac");
    let mut p = picker(Algorithm::RoundRobin, &[1, 1, 1], &[0, 1, 2]);
    assert_eq!(p.pick(PickInput { client_ip: [127, 0, 0, 1], key: "/" }), None);
}

#[test]
fn ip_hash_vectors() {
    let run = |w: &[u32], down: &[usize]| {
        let mut p = picker(Algorithm::IpHash, w, down);
        names(IPS.iter().map(|s| p.pick(PickInput { client_ip: ip(s), key: "/" })))
    };
    assert_eq!(run(&[1, 1, 1], &[]), "bcbbcbcc");
    assert_eq!(run(&[1, 1, 1], &[1]), "cccccccc");
    assert_eq!(run(&[5, 1, 1], &[]), "ababcaaa");
    // One /24, one server: 127.0.0.1 and 127.0.0.2 above both went to c.
}

#[test]
fn hash_vectors() {
    let run = |w: &[u32], down: &[usize]| {
        let mut p = picker(Algorithm::Hash, w, down);
        names(KEYS.iter().map(|k| p.pick(PickInput { client_ip: [127, 0, 0, 1], key: k })))
    };
    assert_eq!(run(&[2, 1, 3], &[]), "cccaaabccb");
    assert_eq!(run(&[2, 1, 3], &[2]), "baaaaabaab");
}

#[test]
fn hash_consistent_vectors() {
    let run = |w: &[u32], down: &[usize]| {
        let mut p = picker(Algorithm::HashConsistent, w, down);
        names(KEYS.iter().map(|k| p.pick(PickInput { client_ip: [127, 0, 0, 1], key: k })))
    };
    assert_eq!(run(&[1, 1, 1], &[]), "abacacacaa");
    // b down: only b's keys move.
    assert_eq!(run(&[1, 1, 1], &[1]), "acacacacaa");
    assert_eq!(run(&[1, 2, 1], &[]), "bbacacacaa");
}

#[test]
fn empty_key_falls_back_to_round_robin() {
    let mut p = picker(Algorithm::Hash, &[5, 1, 1], &[]);
    let got = names((0..7).map(|_| p.pick(PickInput { client_ip: [127, 0, 0, 1], key: "" })));
    assert_eq!(got, "aabacaa");
}

#[test]
fn random_follows_weights_and_random_two_prefers_fewer_conns() {
    let mut p = picker(Algorithm::Random, &[3, 1, 1], &[]);
    let mut counts = [0u32; 3];
    for _ in 0..50_000 {
        counts[p.pick(PickInput { client_ip: [127, 0, 0, 1], key: "/" }).unwrap()] += 1;
    }
    // Weights 3:1:1 -> 0.6, 0.2, 0.2.
    assert!((counts[0] as f64 / 50_000.0 - 0.6).abs() < 0.01, "{counts:?}");
    // random two: hold connections on a and b. The two distinct draws are {a,b}, {a,c} or {b,c}, each with
    // probability 1/3, and c (no connections) wins whenever it is drawn: 2/3 of the picks.
    let mut u = Upstream::new(Algorithm::RandomTwo, &params(&[(ABC[0], 1), (ABC[1], 1), (ABC[2], 1)]));
    u.peers[0].conns = 5;
    u.peers[1].conns = 5;
    let mut rng = SimRng::new(9);
    let mut to_c = 0;
    for _ in 0..30_000 {
        let mut st = PickState::default();
        let i = u.get(&mut st, PickInput { client_ip: [127, 0, 0, 1], key: "/" }, 0, 0, &mut rng).unwrap();
        to_c += (i == 2) as u32;
        u.free(i, FreeState::Ok, 0, 0, None);
    }
    assert!((to_c as f64 / 30_000.0 - 2.0 / 3.0).abs() < 0.01, "{to_c}");
}

#[test]
fn least_conn_picks_lowest_conns_per_weight() {
    let mut u = Upstream::new(Algorithm::LeastConn, &params(&[(ABC[0], 2), (ABC[1], 1), (ABC[2], 1)]));
    let mut rng = SimRng::new(1);
    let input = PickInput { client_ip: [127, 0, 0, 1], key: "/" };
    // Hold every connection: conns/weight decides, ties by smooth WRR.
    let got: Vec<usize> = (0..8).map(|_| u.get(&mut PickState::default(), input, 0, 0, &mut rng).unwrap()).collect();
    // a b c (all start at 0: smooth WRR; then the lowest), a (1/2 < 1), c (tie of all: c has the highest cw),
    // a (tie of a and b), b, a.
    assert_eq!(names(got.iter().map(|&i| Some(i))), "abcacaba");
}

/// nginx's passive checks on the whole-second clock: a failure at 5.x s holds the server out while
/// `now - checked <= fail_timeout` (through 15 s), the first pick after that is a probe, a failed probe holds it out
/// again for fail_timeout, a good one clears `fails`.
#[test]
fn max_fails_fail_timeout_replay() {
    let mut u = Upstream::new(Algorithm::RoundRobin, &params(&[(ABC[0], 1), (ABC[1], 1)]));
    let mut rng = SimRng::new(1);
    let input = PickInput { client_ip: [127, 0, 0, 1], key: "/" };
    let mut pick_at = |u: &mut Upstream, us: u64| {
        let mut st = PickState::default();
        u.get(&mut st, input, us / 1_000_000, us, &mut rng).unwrap()
    };
    // 5.3 s: a is picked and fails.
    assert_eq!(pick_at(&mut u, 5_300_000), 0);
    let r = u.free(0, FreeState::Failed, 5, 5_300_000, None);
    assert!(r.disabled);
    assert_eq!((u.peers[0].fails, u.peers[0].checked_s, u.peers[0].effective_weight), (1, 5, 0));
    // 5.4 s .. 15.9 s: only b (15 - 5 = 10 <= fail_timeout).
    for us in (5_400_000..16_000_000).step_by(500_000) {
        let i = pick_at(&mut u, us);
        assert_eq!(i, 1, "at {us} us");
        u.free(i, FreeState::Ok, us / 1_000_000, us, None);
    }
    // 16 s: a is eligible again, but its effective weight fell to 0 and climbs back by 1 per selection round, so
    // smooth WRR picks it on the third pick: b b a. That pick is the probe (checked moves to 16).
    let mut seq = Vec::new();
    for k in 0..3 {
        let us = 16_000_000 + k * 100_000;
        let i = pick_at(&mut u, us);
        seq.push(i);
        if i != 0 {
            u.free(i, FreeState::Ok, 16, us, None);
        }
    }
    assert_eq!(seq, [1, 1, 0]);
    assert_eq!(u.peers[0].checked_s, 16);
    // The probe fails: out again through 26 s.
    u.free(0, FreeState::Failed, 16, 16_200_000, None);
    for s in 17..=26 {
        let i = pick_at(&mut u, s * 1_000_000);
        assert_eq!(i, 1, "at {s} s");
        u.free(i, FreeState::Ok, s, s * 1_000_000, None);
    }
    // 27 s: the next probe succeeds and clears fails (accessed 16 < checked 27).
    let mut got_a = false;
    for k in 0..4 {
        let us = 27_000_000 + k * 1000;
        let i = pick_at(&mut u, us);
        u.free(i, FreeState::Ok, 27, us, None);
        got_a |= i == 0;
    }
    assert!(got_a);
    assert_eq!(u.peers[0].fails, 0);
}

/// A success in the same second as the failure does not clear fails (accessed == checked): with max_fails=2,
/// fail, succeed, fail within the fail_timeout disables the server.
#[test]
fn failures_do_not_decay_within_fail_timeout() {
    let mut p = params(&[(ABC[0], 1), (ABC[1], 1)]);
    p[0].max_fails = 2;
    let mut u = Upstream::new(Algorithm::RoundRobin, &p);
    u.free(0, FreeState::Failed, 5, 5_000_000, None);
    u.free(0, FreeState::Ok, 5, 5_100_000, None);
    assert_eq!(u.peers[0].fails, 1);
    let r = u.free(0, FreeState::Failed, 8, 8_000_000, None);
    assert!(r.disabled);
    assert!(u.peers[0].is_failed(18) && !u.peers[0].is_failed(19));
}

/// Two servers, no network latency, s1 answering every request with a fault; max_fails=0 keeps it in rotation.
fn two_servers(post_permille: u32, next: &str, fault: Fault) -> Config {
    let mut c = Config::default();
    c.servers.truncate(2);
    for s in &mut c.servers {
        s.max_fails = 0;
    }
    c.clients.post_permille = post_permille;
    c.clients.rate_per_s = 50.0;
    c.duration_ms = 10_000;
    c.proxy.next_upstream = NextUpstream::parse(next).unwrap();
    c.faults = vec![FaultAt { at_ms: 0, server: "s1".into(), fault }];
    c
}

fn run(c: Config) -> Engine {
    let mut e = Engine::new(c).unwrap();
    let p = e.run_to_end(100);
    assert!(p.finished);
    assert!(e.metrics().totals.conserved());
    e
}

#[test]
fn post_is_not_retried_after_sending_but_get_is() {
    let e = run(two_servers(1000, "error,timeout,http_500", Fault::ErrorRate(1000)));
    let t = &e.metrics().totals;
    assert_eq!(t.retries, 0);
    assert_eq!(t.errors.http_500, e.metrics().backends[0].attempts);
    assert!(t.errors.http_500 > 200);
    let e = run(two_servers(0, "error,timeout,http_500", Fault::ErrorRate(1000)));
    let t = &e.metrics().totals;
    assert_eq!(t.failed, 0);
    assert_eq!(t.retries, e.metrics().backends[0].attempts);
    // With non_idempotent listed, POSTs are retried too.
    let e = run(two_servers(1000, "error,timeout,http_500,non_idempotent", Fault::ErrorRate(1000)));
    assert_eq!(e.metrics().totals.failed, 0);
}

#[test]
fn http_500_not_listed_is_passed_through() {
    let e = run(two_servers(0, "error,timeout", Fault::ErrorRate(1000)));
    let t = &e.metrics().totals;
    assert_eq!(t.retries, 0);
    assert_eq!(t.errors.http_500, e.metrics().backends[0].attempts);
}

#[test]
fn post_is_retried_on_a_refused_connection() {
    let e = run(two_servers(1000, "error,timeout", Fault::Crash));
    let t = &e.metrics().totals;
    assert_eq!(t.failed, 0);
    assert!(t.retries > 200);
    assert_eq!(t.retries, e.metrics().backends[0].refused);
}

#[test]
fn a_single_server_is_never_retried_and_times_out_with_504() {
    let mut c = Config::default();
    c.servers.truncate(1);
    c.proxy.timeout_ms = 1_000;
    c.duration_ms = 3_000;
    c.faults = vec![FaultAt { at_ms: 0, server: "s1".into(), fault: Fault::Hang }];
    let e = run(c);
    let t = &e.metrics().totals;
    assert_eq!(t.retries, 0);
    assert_eq!(t.ok, 0);
    assert_eq!(t.errors.http_504, t.sent - t.errors.http_503);
}

#[test]
fn tries_cap_and_final_502() {
    // Three servers all refusing: each request tries all three, then 502.
    let mut c = Config::default();
    for s in &mut c.servers {
        s.max_fails = 0;
    }
    c.duration_ms = 2_000;
    c.faults =
        ["s1", "s2", "s3"].iter().map(|s| FaultAt { at_ms: 0, server: s.to_string(), fault: Fault::Crash }).collect();
    let e = run(c.clone());
    let t = &e.metrics().totals;
    assert_eq!(t.errors.http_502, t.sent);
    assert_eq!(t.retries, 2 * t.sent);
    // proxy_next_upstream_tries 2: one retry each.
    c.proxy.tries = 2;
    let e = run(c);
    let t = &e.metrics().totals;
    assert_eq!(t.retries, t.sent);
}

#[test]
fn no_live_upstreams_is_502_at_once() {
    let mut c = Config::default();
    for s in &mut c.servers {
        s.down = true;
    }
    c.duration_ms = 1_000;
    let e = run(c);
    let t = &e.metrics().totals;
    assert_eq!(t.errors.no_live, t.sent);
    assert!(e.metrics().backends.iter().all(|b| b.attempts == 0));
}

#[test]
fn backup_takes_over_when_primaries_die() {
    let e = run(msa_sim::proxy::preset("backup-server").unwrap());
    let b = &e.metrics().backends;
    assert!(b[2].ok > 500, "{b:?}");
    assert_eq!(e.metrics().totals.failed, 0);
}

#[test]
fn sessions_ip_hash_loses_twice_shared_never() {
    let sticky = run(msa_sim::proxy::preset("sticky-ip-hash-death").unwrap());
    let cookie = run(msa_sim::proxy::preset("sticky-cookie-death").unwrap());
    let shared = run(msa_sim::proxy::preset("shared-sessions-death").unwrap());
    let jwt = run(msa_sim::proxy::preset("jwt-sessions-death").unwrap());
    let (s, c) = (sticky.metrics().totals.sessions_lost, cookie.metrics().totals.sessions_lost);
    assert!(s > 0 && c > 0);
    // ip_hash moves s2's clients away and back (two losses each); the cookie moves them once.
    assert!(s as f64 > 1.6 * c as f64, "ip_hash {s}, cookie {c}");
    assert_eq!(shared.metrics().totals.sessions_lost, 0);
    assert_eq!(jwt.metrics().totals.sessions_lost, 0);
}

#[test]
fn active_checks_mark_down_after_fall_and_up_after_rise() {
    let mut c = msa_sim::proxy::preset("active-checks-death").unwrap();
    c.log_capacity = 100_000;
    let e = run(c);
    let down = e.log().entries().iter().find(|x| matches!(x.kind, LogKind::CheckDown { server: 1 })).unwrap().at;
    let up = e.log().entries().iter().find(|x| matches!(x.kind, LogKind::CheckUp { server: 1 })).unwrap().at;
    // Crash at 10 s, probes of s2 every 2 s at 1.333.. + 2k s: fall 3 -> the third failed probe after 10 s;
    // revive at 25 s, rise 2 -> the second good probe after 25 s.
    assert!(down > SimTime::from_secs(14) && down < SimTime::from_secs(16), "{down}");
    assert!(up > SimTime::from_secs(27) && up < SimTime::from_secs(29), "{up}");
}

#[test]
fn proxy_queue_drops_when_full() {
    let e = run(msa_sim::proxy::preset("saturation-proxy-queue").unwrap());
    let t = &e.metrics().totals;
    assert!(t.dropped > 0 && t.errors.queue_full + t.errors.queue_timeout == t.dropped);
    assert!(e.metrics().backends.iter().all(|b| b.http_503 == 0));
}

#[test]
fn snapshot_shows_phases_and_progress() {
    let mut e = Engine::new(msa_sim::proxy::preset("hang-timeout").unwrap()).unwrap();
    e.run_until(SimTime::from_ms(11_000));
    let s = e.snapshot();
    assert!(s.requests.iter().any(|r| r.phase == Phase::Stalled));
    assert!(s.requests.iter().all(|r| (0.0..=1.0).contains(&r.progress)));
    assert_eq!(s.requests_total as usize, s.requests.len());
    assert!(s.backends[1].hung);
    assert_eq!(s.totals.sent, s.totals.ok + s.totals.failed + s.totals.dropped + s.totals.in_flight);
}

#[test]
fn inject_commands_and_typed_errors() {
    let mut e = Engine::new(Config::default()).unwrap();
    e.run_until(SimTime::from_secs(1));
    assert_eq!(
        e.inject(Command::Fault { server: 9, fault: Fault::Crash }),
        Err(CommandError::UnknownServer { server: 9, count: 3 })
    );
    assert!(matches!(
        e.inject(Command::Fault { server: 0, fault: Fault::Slow(f64::NAN) }),
        Err(CommandError::Config(_))
    ));
    assert!(matches!(e.inject(Command::SetRate { per_s: -1.0 }), Err(CommandError::Config(_))));
    e.inject(Command::AddServer(ServerConfig { name: "new".into(), ..ServerConfig::default() })).unwrap();
    assert!(matches!(
        e.inject(Command::AddServer(ServerConfig { name: "new".into(), ..ServerConfig::default() })),
        Err(CommandError::Config(ConfigError::DuplicateName { .. }))
    ));
    e.inject(Command::RemoveServer { server: 0 }).unwrap();
    e.inject(Command::RemoveServer { server: 1 }).unwrap();
    e.inject(Command::RemoveServer { server: 2 }).unwrap();
    assert_eq!(e.inject(Command::RemoveServer { server: 3 }), Err(CommandError::LastPrimary { server: 3 }));
    e.inject(Command::Fault { server: 3, fault: Fault::Crash }).unwrap();
    e.run_until(SimTime::from_secs(5));
    assert!(e.metrics().totals.conserved());
    assert!(e.metrics().backends[3].attempts > 0);
}
