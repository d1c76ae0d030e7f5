//! The playground model: actions replayed from a link give the same run, rewinding and playing on gives
//! the same run, fast-forward slices give the same run as one call, compare mode keeps one arrival stream, the
//! per-second series adds up to the totals, and the predict-then-run helpers agree with the event log.

#![allow(clippy::field_reassign_with_default)] // configs are built by editing the defaults, field by field

use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::log::LogKind;
use msa_sim::proxy::playground::{detection, server_of_request, Action, Playground, State, StateError, TimedAction};
use msa_sim::proxy::{scenarios, Config, Engine, Fault};
use msa_sim::time::SimTime;
use proptest::prelude::*;

/// A run with every kind of action: a crash at 3.2 s, a slow server, a burst, an added and a removed server.
fn busy_run(until: SimTime) -> Playground {
    let mut p = Playground::new(scenarios::preset("uneven-round-robin").unwrap(), Vec::new()).unwrap();
    p.run_until(SimTime::from_ms(3_200));
    p.act(Action::Fault { server: 1, fault: Fault::Crash }).unwrap();
    p.run_until(SimTime::from_ms(4_000));
    p.act(Action::Fault { server: 0, fault: Fault::Slow(3.0) }).unwrap();
    p.burst().unwrap();
    p.run_until(SimTime::from_ms(6_500));
    p.act(Action::Add).unwrap();
    p.act(Action::Fault { server: 1, fault: Fault::Revive }).unwrap();
    p.run_until(SimTime::from_ms(8_000));
    p.act(Action::Remove { server: 2 }).unwrap();
    p.act(Action::SetDown { server: 0, down: true }).unwrap();
    p.act(Action::SetDown { server: 0, down: false }).unwrap();
    p.run_until(until);
    p
}

#[test]
fn a_link_reproduces_the_run_exactly() {
    let p = busy_run(SimTime::from_secs(12));
    let q = p.state().to_query();
    assert!(q.contains("t=12000000"), "{q}");
    assert!(q.contains("act=3200000@1:crash,4000000@0:slowx3,4000000@rate:1800,5000000@rate:180,6500000@add"), "{q}");
    let state = State::from_query(&q).unwrap();
    assert_eq!(state, p.state());
    let mut r = Playground::from_state(state.clone()).unwrap();
    r.run_until(state.time);
    assert!(r.rejected().is_empty());
    assert_eq!(r.now(), p.now());
    assert_eq!(r.engine().trace_hash(), p.engine().trace_hash());
    assert_eq!(r.engine().metrics(), p.engine().metrics());
    assert_eq!(r.engine().snapshot(), p.engine().snapshot());
    assert_eq!(r.actions(), p.actions());
    // The added server exists, the removed one is out, the crash was logged at 3.2 s exactly.
    let snap = r.engine().snapshot();
    assert_eq!(snap.backends.len(), 4);
    assert!(snap.backends[2].removed);
    assert!(r.engine().log().entries().iter().all(|e| e.at <= SimTime::from_secs(12)));
}

#[test]
fn fast_forward_slices_equal_one_call() {
    let whole = busy_run(SimTime::from_secs(30));
    let mut sliced = Playground::new(whole.config().clone(), whole.actions().to_vec()).unwrap();
    let mut guard = 0;
    while !sliced.is_finished() && guard < 1_000_000 {
        sliced.run_for(777);
        guard += 1;
    }
    let mut whole = whole;
    while !whole.is_finished() {
        whole.run_until(whole.now() + 10_000_000);
    }
    assert_eq!(sliced.engine().trace_hash(), whole.engine().trace_hash());
    assert_eq!(sliced.engine().metrics().totals, whole.engine().metrics().totals);
    assert!(whole.engine().metrics().totals.conserved());
}

#[test]
fn rewind_then_play_on_is_the_same_run_and_acting_branches() {
    let straight = busy_run(SimTime::from_secs(14));
    let mut p = busy_run(SimTime::from_secs(14));
    p.rewind(SimTime::from_ms(5_100));
    assert_eq!(p.now(), SimTime::from_ms(5_100));
    let mut reference = Playground::new(straight.config().clone(), straight.actions().to_vec()).unwrap();
    reference.run_until(SimTime::from_ms(5_100));
    assert_eq!(p.engine().trace_hash(), reference.engine().trace_hash());
    // Playing on replays the same future (actions after 5.1 s included).
    p.run_until(SimTime::from_secs(14));
    assert_eq!(p.engine().trace_hash(), straight.engine().trace_hash());
    // Rewinding and acting drops the later actions: a branch.
    p.rewind(SimTime::from_ms(5_100));
    p.act(Action::Fault { server: 2, fault: Fault::Hang }).unwrap();
    assert!(p.actions().iter().all(|a| a.at <= SimTime::from_ms(5_100)));
    assert_eq!(p.actions().last().unwrap().action, Action::Fault { server: 2, fault: Fault::Hang });
    p.run_until(SimTime::from_secs(14));
    assert_ne!(p.engine().trace_hash(), straight.engine().trace_hash());
    // And the branch reproduces from its own link.
    let mut r = Playground::from_state(p.state()).unwrap();
    r.run_until(p.now());
    assert_eq!(r.engine().trace_hash(), p.engine().trace_hash());
}

#[test]
fn refused_actions_are_reported_not_fatal() {
    let q = "act=1000000@9:crash,2000000@0:remove,2000000@1:remove,2000000@2:remove&t=3000000";
    let s = State::from_query(q).unwrap();
    let mut p = Playground::from_state(s).unwrap();
    p.run_until(SimTime::from_secs(3));
    // Server 9 does not exist; removing the last primary is refused.
    assert_eq!(p.rejected().len(), 2);
    assert_eq!(p.actions().len(), 2);
    assert!(p.engine().metrics().totals.conserved());
}

#[test]
fn malformed_links_are_typed_errors() {
    assert_eq!(State::from_query("t=abc"), Err(StateError::BadTime));
    assert_eq!(State::from_query("t=-1"), Err(StateError::BadTime));
    assert_eq!(State::from_query("act=12@1:explode"), Err(StateError::BadAction { index: 0 }));
    assert_eq!(State::from_query("act=1@0:crash,x"), Err(StateError::BadAction { index: 1 }));
    assert!(matches!(State::from_query("rate=0"), Err(StateError::Config(_))));
    assert!(matches!(State::from_query("nope=1"), Err(StateError::Config(_))));
    let ok = State::from_query("").unwrap();
    assert_eq!(ok.config, Config::default());
    // A hand-copied link with an encoded `:` still decodes.
    let s = State::from_query("act=5%401%3Acrash").unwrap();
    assert_eq!(
        s.actions,
        vec![TimedAction { at: SimTime(5), action: Action::Fault { server: 1, fault: Fault::Crash } }]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn decoding_never_panics(s in ".{0,200}") {
        let _ = State::from_query(&s);
        let _ = TimedAction::decode(&s);
    }

    #[test]
    fn action_encoding_round_trips(at in 0u64..1_000_000_000_000, server in 0usize..300, kind in 0usize..9, x in 1.0f64..1000.0, p in 0u32..1001) {
        let action = match kind {
            0 => Action::Fault { server, fault: Fault::Crash },
            1 => Action::Fault { server, fault: Fault::Hang },
            2 => Action::Fault { server, fault: Fault::Revive },
            3 => Action::Fault { server, fault: Fault::Slow(x) },
            4 => Action::Fault { server, fault: Fault::ErrorRate(p) },
            5 => Action::SetDown { server, down: p % 2 == 0 },
            6 => Action::Remove { server },
            7 => Action::Add,
            _ => Action::Rate { per_s: x },
        };
        let a = TimedAction { at: SimTime(at), action };
        prop_assert_eq!(TimedAction::decode(&a.encode()), Some(a));
    }

    #[test]
    fn random_clicks_replay_exactly(clicks in prop::collection::vec((1u64..4_000, 0usize..8, 0usize..4), 0..12), seed in 0u64..1000) {
        let mut cfg = Config::default();
        cfg.seed = seed;
        cfg.duration_ms = 6_000;
        let mut p = Playground::new(cfg, Vec::new()).unwrap();
        for (dt, kind, server) in clicks {
            p.run_until(p.now() + dt * 1000);
            let a = match kind {
                0 => Action::Fault { server, fault: Fault::Crash },
                1 => Action::Fault { server, fault: Fault::Revive },
                2 => Action::Fault { server, fault: Fault::Hang },
                3 => Action::Add,
                4 => Action::Remove { server },
                5 => Action::Rate { per_s: 50.0 + server as f64 * 100.0 },
                6 => Action::SetDown { server, down: true },
                _ => { let _ = p.burst(); continue; }
            };
            let _ = p.act(a); // refused ones (no such server, last primary) leave no trace
        }
        let end = p.now() + 2_000_000;
        p.run_until(end);
        let mut r = Playground::from_state(State::from_query(&p.state().to_query()).unwrap()).unwrap();
        r.run_until(end);
        prop_assert!(r.rejected().is_empty());
        prop_assert_eq!(r.engine().trace_hash(), p.engine().trace_hash());
        prop_assert!(r.engine().metrics().totals.conserved());
    }
}

#[test]
fn compare_mode_keeps_one_arrival_stream() {
    let mut cfg = scenarios::preset("uneven-round-robin").unwrap();
    cfg.duration_ms = 5_000;
    cfg.log_capacity = 100_000;
    let base = Playground::new(cfg, Vec::new()).unwrap();
    let arrivals = |algo| {
        let mut p = base.with_algorithm(algo).unwrap();
        p.run_until(SimTime::from_secs(10));
        let v: Vec<_> =
            p.engine().log().entries().iter().filter(|e| matches!(e.kind, LogKind::Arrived { .. })).cloned().collect();
        (v, p.engine().metrics().backends.iter().map(|b| b.attempts).collect::<Vec<_>>())
    };
    let (rr, rr_load) = arrivals(Algorithm::RoundRobin);
    let (lc, lc_load) = arrivals(Algorithm::LeastConn);
    let (p2, _) = arrivals(Algorithm::RandomTwo);
    assert!(rr.len() > 500);
    assert_eq!(rr, lc);
    assert_eq!(rr, p2);
    // Round robin gives the slow server its full third; least_conn gives it less.
    assert!(lc_load[2] < rr_load[2], "{rr_load:?} {lc_load:?}");
}

#[test]
fn series_adds_up_to_the_totals() {
    let mut p = busy_run(SimTime::from_secs(40));
    while !p.is_finished() {
        p.run_until(p.now() + 10_000_000);
    }
    let m = p.engine().metrics();
    let t = &m.totals;
    let sum = |f: fn(&msa_sim::proxy::metrics::Sample) -> u64| m.series.iter().map(f).sum::<u64>();
    // The last tick may come before the last answer: the series covers everything up to it.
    assert!(sum(|s| s.ok) <= t.ok && sum(|s| s.ok) + 50 >= t.ok);
    assert_eq!(sum(|s| s.http_500 + s.http_502 + s.http_503 + s.http_504), sum(|s| s.failed));
    // ... and each kind adds up to its total the same way.
    assert!(sum(|s| s.failed) <= t.failed && sum(|s| s.failed) + 50 >= t.failed);
    let e = &t.errors;
    assert!(sum(|s| s.http_500) <= e.http_500 && sum(|s| s.http_502) <= e.http_502);
    assert!(sum(|s| s.http_503) <= e.http_503 && sum(|s| s.http_504) <= e.http_504);
    assert!(sum(|s| s.retries) <= t.retries);
    let served: u64 = m.series.iter().map(|s| s.served.iter().sum::<u64>()).sum();
    assert_eq!(served, sum(|s| s.ok));
    for s in &m.series {
        assert!(s.p50_us <= s.p95_us && s.p95_us <= s.p99_us, "{s:?}");
        assert_eq!(s.ok == 0, s.p50_us == 0, "{s:?}");
    }
    // The crashed server served nothing between 4 s and 6 s.
    let s2: u64 = m.series.iter().filter(|s| (5..=6).contains(&s.t_s)).map(|s| s.served[1]).sum();
    assert_eq!(s2, 0);
}

#[test]
fn sessions_lost_per_second_under_local_sessions() {
    let mut e = Engine::new(scenarios::preset("sticky-ip-hash-death").unwrap()).unwrap();
    e.run_to_end(100);
    let m = e.metrics();
    let lost: u64 = m.series.iter().map(|s| s.sessions_lost).sum();
    assert!(lost > 0 && lost <= m.totals.sessions_lost);
    // Nothing is lost before the crash at 10 s (ip_hash keeps every client on its server; first visits aside).
    let early: u64 = m.series.iter().filter(|s| s.t_s <= 10).map(|s| s.sessions_lost).sum();
    let late: u64 = m.series.iter().filter(|s| s.t_s > 10).map(|s| s.sessions_lost).sum();
    assert_eq!(early, 0);
    assert!(late > 0);
}

#[test]
fn predict_which_server_gets_request_n() {
    // Smooth weighted round robin over 5:1:1 gives a a b a c a a (nginx's order; see proxy_exact.rs).
    let mut cfg = Config::default();
    cfg.servers[0].weight = 5;
    cfg.log_capacity = 100_000;
    let order: Vec<_> = (0..7).map(|i| server_of_request(&cfg, i).unwrap().unwrap()).collect();
    assert_eq!(order, vec![0, 0, 1, 0, 2, 0, 0]);
    // The same as the engine's own log.
    let mut e = Engine::new(cfg.clone()).unwrap();
    e.run_until(SimTime::from_secs(1));
    let from_log: Vec<_> = e
        .log()
        .entries()
        .iter()
        .filter_map(|x| match x.kind {
            LogKind::Sent { req, server, attempt: 1 } if req < 7 => Some(server),
            _ => None,
        })
        .collect();
    assert_eq!(from_log, order);
}

#[test]
fn predict_errors_before_the_dead_server_is_taken_out() {
    let passive = detection(&scenarios::preset("passive-checks-death").unwrap(), 1).unwrap().unwrap();
    assert_eq!(passive.crashed_at, SimTime::from_secs(10));
    // max_fails=1: the first refused attempt disables it; it is retried, so clients see no error.
    assert_eq!(passive.failed_attempts, 1);
    assert_eq!(passive.client_errors, 0);
    let active = detection(&scenarios::preset("active-checks-death").unwrap(), 1).unwrap().unwrap();
    // fall 3 every 2 s: several seconds of refused attempts (retried) before it is marked down.
    assert!(active.removed_at.as_us() - active.crashed_at.as_us() >= 4_000_000, "{active:?}");
    assert!(active.failed_attempts > 50, "{active:?}");
}

#[test]
fn bounded_slices_toward_a_time_stop_exactly_there() {
    let reference = busy_run(SimTime::from_ms(9_500));
    let mut p = Playground::new(reference.config().clone(), reference.actions().to_vec()).unwrap();
    let t = SimTime::from_ms(9_500);
    let mut calls = 0;
    while p.now() < t {
        let pr = p.advance(t, 313);
        assert!(pr.events <= 313);
        calls += 1;
        assert!(calls < 100_000);
    }
    assert_eq!(p.now(), t);
    assert!(calls > 3);
    assert_eq!(p.engine().trace_hash(), reference.engine().trace_hash());
    assert_eq!(p.engine().snapshot(), reference.engine().snapshot());
}

#[test]
fn current_config_follows_the_actions() {
    let mut p = Playground::new(Config::default(), Vec::new()).unwrap();
    p.run_until(SimTime::from_secs(1));
    p.act(Action::Add).unwrap();
    p.act(Action::SetDown { server: 0, down: true }).unwrap();
    p.act(Action::Rate { per_s: 250.0 }).unwrap();
    let c = p.current_config();
    assert_eq!(c.servers.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["s1", "s2", "s3", "s4"]);
    assert!(c.servers[0].down);
    assert_eq!(c.clients.rate_per_s, 250.0);
    // The same as the config a learner would write with servers=4: the exported nginx text agrees.
    let mut by_hand = Config::default();
    msa_sim::proxy::scenarios::set(&mut by_hand, "servers", "4").unwrap();
    by_hand.servers[0].down = true;
    by_hand.clients.rate_per_s = 250.0;
    assert_eq!(msa_sim::proxy::to_nginx(&c), msa_sim::proxy::to_nginx(&by_hand));
    // Removing s2 keeps the others' addresses.
    p.act(Action::Remove { server: 1 }).unwrap();
    let c = p.current_config();
    assert_eq!(c.servers.len(), 3);
    assert_eq!(c.servers[1].addr.as_deref(), Some("127.0.0.1:18083"));
    assert!(c.validate().is_ok());
}

#[test]
fn first_servers_and_littles_law() {
    let mut cfg = Config::default();
    cfg.servers[0].weight = 5;
    let v = msa_sim::proxy::playground::first_servers(&cfg, 14).unwrap();
    assert_eq!(v, [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0].map(Some).to_vec());
    let mut p = Playground::new(scenarios::preset("saturation").unwrap(), Vec::new()).unwrap();
    p.run_until(SimTime::from_secs(20));
    let l = msa_sim::proxy::playground::Little::of(p.engine());
    assert!(l.in_flight_avg > 50.0, "{l:?}");
    // L = λW within sampling error (L is sampled once a second; failed requests are not in W).
    let ratio = l.in_flight_avg / l.product();
    assert!((0.7..1.3).contains(&ratio), "{l:?} {ratio}");
}
