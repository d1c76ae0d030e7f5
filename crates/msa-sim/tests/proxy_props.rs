//! Properties: any config that validates runs without panic and conserves requests at every step; any config that
//! does not validate is refused with a typed error (also by `Engine::new`); the same seed gives the same trace;
//! a checkpoint (a clone) and a rewind continue exactly as the original; URL decoding never panics.

#![allow(clippy::field_reassign_with_default)] // configs are built by editing the defaults, field by field

use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::config::*;
use msa_sim::proxy::{Checkpoints, Command, Engine};
use msa_sim::time::SimTime;
use proptest::prelude::*;

fn server() -> impl Strategy<Value = ServerConfig> {
    (
        (0u32..6, 0u32..4, 0u64..15, 0u32..4, any::<bool>(), prop::bool::weighted(0.15)),
        (0u32..6, 0u32..12, 0usize..3, 0u64..40_000, prop_oneof![Just(0.0), Just(0.5), Just(1.0), Just(f64::NAN)]),
        prop_oneof![Just(1.0), Just(0.5), Just(4.0), Just(0.0)],
        prop::option::of(prop_oneof![
            Just("127.0.0.1:18090".to_string()),
            Just("bad".to_string()),
            Just("h:0".to_string())
        ]),
    )
        .prop_map(
            |(
                (weight, max_fails, fail_timeout_s, max_conns, backup, down),
                (workers, queue_cap, dist, mean_us, cv),
                speed,
                addr,
            )| {
                ServerConfig {
                    name: String::new(),
                    addr,
                    weight,
                    max_fails,
                    fail_timeout_s,
                    max_conns,
                    backup,
                    down,
                    workers,
                    queue_cap,
                    service: ServiceTime { dist: Dist::ALL[dist], mean_us, cv },
                    speed,
                }
            },
        )
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::Crash),
        Just(Fault::Hang),
        Just(Fault::Revive),
        (0.5f64..5.0).prop_map(Fault::Slow),
        (0u32..1100).prop_map(Fault::ErrorRate),
    ]
}

prop_compose! {
    fn config()(
        algo in 0usize..8,
        hash_key in 0usize..3,
        servers in prop::collection::vec(server(), 0..6),
        names_ok in prop::bool::weighted(0.9),
        arrival in 0usize..3,
        rate in prop_oneof![Just(-1.0), 0.0f64..600.0],
        burst in 0u32..30,
        clients in 0u32..20,
        post in 0u32..1100,
        duration_ms in 0u64..3_000,
        warmup_ms in 0u64..500,
        timeout_ms in 0u64..2_000,
        net in 0u64..3_000,
        next in prop::sample::select(vec!["error,timeout", "error,timeout,http_500,http_503", "off", "error,timeout,http_500,non_idempotent"]),
        tries in 0u32..4,
        queue in prop::option::of((0u32..20, 0u64..1_000)),
        check in prop::option::of((0u64..1_000, 0u64..500, 0u32..3, 0u32..3)),
        session in 0usize..5,
        faults in prop::collection::vec((0u64..3_000, 0usize..7, fault()), 0..5),
        seed in any::<u64>(),
    ) -> Config {
        let mut c = Config::default();
        c.seed = seed;
        c.algorithm = Algorithm::ALL[algo];
        c.hash_key = HashKey::ALL[hash_key];
        c.servers = servers;
        for (i, s) in c.servers.iter_mut().enumerate() {
            s.name = if names_ok { format!("s{}", i + 1) } else { format!("{i}") };
        }
        c.clients = ClientConfig {
            arrival: Arrival::ALL[arrival],
            rate_per_s: rate,
            burst_size: burst,
            burst_every_ms: 250,
            clients,
            keys: 50,
            post_permille: post,
        };
        c.duration_ms = duration_ms;
        c.warmup_ms = warmup_ms;
        c.proxy.timeout_ms = timeout_ms;
        c.proxy.net_latency_us = net;
        c.proxy.next_upstream = NextUpstream::parse(next).unwrap();
        c.proxy.tries = tries;
        c.proxy.queue = queue.map(|(max_len, timeout_ms)| QueueConfig { max_len, timeout_ms });
        c.health_check = check.map(|(interval_ms, timeout_ms, rise, fall)| HealthCheck { interval_ms, timeout_ms, rise, fall });
        c.sessions.mode = SessionMode::ALL[session];
        c.faults = faults
            .into_iter()
            .map(|(at_ms, s, fault)| FaultAt { at_ms, server: format!("s{}", s + 1), fault })
            .collect();
        c
    }
}

static VALID_CASES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Mends a generated config into a valid one (so the replay properties do not reject most cases).
fn mend(mut c: Config) -> Config {
    if c.servers.is_empty() {
        c.servers.push(ServerConfig::default());
    }
    let allows_backup = c.algorithm.allows_backup();
    for (i, s) in c.servers.iter_mut().enumerate() {
        s.name = format!("s{}", i + 1);
        s.addr = None;
        s.weight = s.weight.max(1);
        s.workers = s.workers.max(1);
        s.service.mean_us = s.service.mean_us.max(1);
        if !s.service.cv.is_finite() {
            s.service.cv = 1.0;
        }
        s.speed = s.speed.max(0.25);
        s.backup &= allows_backup;
    }
    c.servers[0].backup = false;
    c.clients.rate_per_s = c.clients.rate_per_s.max(1.0);
    c.clients.burst_size = c.clients.burst_size.max(1);
    c.clients.clients = c.clients.clients.max(1);
    c.clients.post_permille = c.clients.post_permille.min(1000);
    c.duration_ms = c.duration_ms.max(1);
    c.warmup_ms = c.warmup_ms.min(c.duration_ms - 1);
    c.proxy.timeout_ms = c.proxy.timeout_ms.max(1);
    if let Some(q) = &mut c.proxy.queue {
        q.max_len = q.max_len.max(1);
        q.timeout_ms = q.timeout_ms.max(1);
    }
    if let Some(h) = &mut c.health_check {
        h.interval_ms = h.interval_ms.max(10);
        h.timeout_ms = h.timeout_ms.max(1);
        h.rise = h.rise.max(1);
        h.fall = h.fall.max(1);
    }
    let n = c.servers.len();
    for (i, f) in c.faults.iter_mut().enumerate() {
        f.server = format!("s{}", i % n + 1);
        if let Fault::ErrorRate(p) = &mut f.fault {
            *p = (*p).min(1000);
        }
        if let Fault::Slow(x) = &mut f.fault {
            *x = x.max(1.0);
        }
    }
    c
}

/// Runs to the end in slices, checking conservation after each.
fn run_checked(e: &mut Engine) {
    for k in 1..=200u64 {
        let p = e.run_until(SimTime::from_ms(k * 100));
        let t = e.snapshot().totals;
        assert!(t.conserved(), "{t:?}");
        assert_eq!(t, {
            let mut m = e.metrics().totals.clone();
            m.in_flight = t.in_flight;
            m
        });
        if p.finished {
            return;
        }
    }
    let p = e.run_to_end(100);
    assert!(p.finished, "did not finish");
    assert!(e.metrics().totals.conserved());
    assert_eq!(e.metrics().totals.in_flight, 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn valid_configs_run_and_conserve_invalid_ones_are_typed_errors(cfg in prop_oneof![config(), config().prop_map(mend)]) {
        match cfg.validate() {
            Ok(()) => {
                VALID_CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let mut e = Engine::new(cfg.clone()).expect("validated config must build");
                run_checked(&mut e);
                let s = e.summary();
                prop_assert!(s.conserved);
                // Same seed, same trace.
                let mut again = Engine::new(cfg).unwrap();
                again.run_to_end(100);
                prop_assert_eq!(again.trace_hash(), e.trace_hash());
            }
            Err(err) => {
                prop_assert_eq!(format!("{:?}", Engine::new(cfg).err()), format!("{:?}", Some(err.clone())));
                // The message names something (for the CLI); the UI reads the data.
                prop_assert!(!err.to_string().is_empty());
            }
        }
    }

    #[test]
    fn checkpoints_and_commands_replay_exactly(cfg in config().prop_map(mend), at_ms in 0u64..3_000, cmd in 0usize..6, server in 0usize..4, f in fault()) {
        prop_assert_eq!(cfg.validate(), Ok(()));
        let mut e = Engine::new(cfg).unwrap();
        e.run_until(SimTime::from_ms(at_ms));
        let checkpoint = e.clone();
        let command = match cmd {
            0 => Command::Fault { server, fault: f },
            1 => Command::SetDown { server, down: true },
            2 => Command::SetDown { server, down: false },
            3 => Command::RemoveServer { server },
            4 => Command::AddServer(ServerConfig { name: "added".into(), ..ServerConfig::default() }),
            _ => Command::SetRate { per_s: 50.0 },
        };
        let r1 = e.inject(command.clone());
        let mut c = checkpoint.clone();
        let r2 = c.inject(command);
        prop_assert_eq!(r1, r2);
        run_checked(&mut e);
        run_checked(&mut c);
        prop_assert_eq!(e.trace_hash(), c.trace_hash());
        prop_assert_eq!(format!("{:?}", e.metrics()), format!("{:?}", c.metrics()));
    }

    #[test]
    fn rewind_reaches_the_same_state(cfg in config().prop_map(mend), t_ms in 0u64..3_000) {
        prop_assert_eq!(cfg.validate(), Ok(()));
        let mut straight = Engine::new(cfg.clone()).unwrap();
        straight.run_until(SimTime::from_ms(t_ms));
        let mut e = Engine::new(cfg).unwrap();
        let mut cps = Checkpoints::new(SimTime::from_ms(250), 4);
        cps.run_until(&mut e, SimTime::from_secs(4));
        let back = cps.rewind(SimTime::from_ms(t_ms)).unwrap();
        prop_assert_eq!(back.now(), straight.now());
        prop_assert_eq!(back.trace_hash(), straight.trace_hash());
        prop_assert_eq!(format!("{:?}", back.metrics()), format!("{:?}", straight.metrics()));
    }

    #[test]
    fn any_query_string_decodes_or_is_a_typed_error(q in ".{0,200}") {
        let _ = Config::from_query(&q);
    }

    #[test]
    fn key_like_query_strings_decode_or_are_typed_errors(
        items in prop::collection::vec((prop::sample::select(vec![
            "seed", "algo", "servers", "rate", "0.weight", "1.name", "*.workers", "queue_len", "faults", "s1.speed",
            "session", "check", "duration_ms", "next_upstream", "2.addr", "hash_key", "x",
        ]), "[-a-z0-9_,:@%.]{0,12}"), 0..12)
    ) {
        let q: Vec<String> = items.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Ok(c) = Config::from_query(&q.join("&")) {
            prop_assert!(c.validate().is_ok());
            prop_assert_eq!(Config::from_query(&c.to_query()), Ok(c));
        }
    }
}

/// The run-and-conserve property must see valid configs too, not only refusals.
#[test]
fn the_generator_yields_valid_configs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strat = prop_oneof![config(), config().prop_map(mend)];
    let valid = (0..200).filter(|_| strat.new_tree(&mut runner).unwrap().current().validate().is_ok()).count();
    assert!(valid > 60, "only {valid} of 200 generated configs validate");
    let _ = VALID_CASES.load(std::sync::atomic::Ordering::Relaxed);
}
