//! The architecture comparison (msa_sim::arch): exact figures for the lesson's default runs, and the
//! properties the lesson states, checked for every module.

use msa_sim::arch::*;

fn run(s: Setup) -> Comparison {
    Comparison::new(s).unwrap().run()
}

fn setup(action: Action, module: Module, guard: Guard) -> Setup {
    Setup { action, module, guard, a: Arch::Monolith, b: Arch::Msa, ..Setup::default() }
}

fn fig(c: &Comparison, side: usize, f: Figure) -> Value {
    c.sides().unwrap()[side].get(f).cloned().unwrap_or_else(|| panic!("no {f:?}"))
}

fn pct(v: Value) -> u32 {
    match v {
        Value::Percent(p) => p,
        other => panic!("not a percent: {other:?}"),
    }
}

fn us(v: Value) -> u64 {
    match v {
        Value::Us(p) => p,
        other => panic!("not a duration: {other:?}"),
    }
}

fn avail(c: &Comparison, side: usize, f: Feature) -> u32 {
    pct(fig(c, side, Figure::Availability(f)))
}

#[test]
fn the_default_spike_exactly() {
    let c = run(Setup::default());
    let rows = c.rows();
    assert_eq!(rows.len(), 3);
    assert_eq!(fig(&c, 0, Figure::Instances), Value::Instances(vec![(Dep::App, 4)]));
    assert_eq!(
        fig(&c, 1, Figure::Instances),
        Value::Instances(vec![
            (Dep::Service(Module::Catalog), 4),
            (Dep::Service(Module::Order), 2),
            (Dep::Service(Module::Payment), 2),
            (Dep::Service(Module::Member), 2),
        ])
    );
    assert_eq!(fig(&c, 0, Figure::Memory), Value::Mb(4 * MONOLITH_MB));
    assert_eq!(fig(&c, 1, Figure::Memory), Value::Mb(10 * SERVICE_MB));
    assert_eq!(fig(&c, 0, Figure::P95), Value::Us(48_639));
    assert_eq!(fig(&c, 1, Figure::P95), Value::Us(35_839));
}

#[test]
fn same_setup_same_figures_and_fingerprints() {
    for action in Action::ALL {
        let s = setup(action, Module::Payment, Guard::Timeout);
        let (a, b) = (run(s), run(s));
        assert_eq!(a.rows(), b.rows(), "{action:?}");
        assert_eq!(a.sides().unwrap()[0].fingerprint, b.sides().unwrap()[0].fingerprint);
        assert_eq!(a.sides().unwrap()[1].fingerprint, b.sides().unwrap()[1].fingerprint);
    }
}

#[test]
fn slicing_does_not_change_the_result() {
    let s = setup(Action::Leak, Module::Payment, Guard::None);
    let whole = run(s);
    let mut sliced = Comparison::new(s).unwrap();
    let mut calls = 0;
    while !sliced.advance(997).finished {
        calls += 1;
    }
    assert!(calls > 10, "it really ran in slices ({calls})");
    assert_eq!(whole.rows(), sliced.rows());
}

#[test]
fn a_spike_scales_the_whole_monolith_but_only_the_busy_service() {
    for module in [Module::Catalog, Module::Member, Module::Order] {
        let c = run(Setup { spike: 20, ..setup(Action::Spike, module, Guard::None) });
        let Value::Instances(mono) = fig(&c, 0, Figure::Instances) else { panic!() };
        let Value::Instances(msa) = fig(&c, 1, Figure::Instances) else { panic!() };
        assert!(mono[0].1 > BASE_INSTANCES, "{module:?}: the monolith scales out");
        for (d, n) in &msa {
            let busy = *d == Dep::Service(module) || (module == Module::Order && *d == Dep::Service(Module::Payment));
            if !busy {
                assert_eq!(*n, BASE_INSTANCES, "{module:?}: {d:?} is untouched");
            }
        }
        let (Value::Mb(a), Value::Mb(b)) = (fig(&c, 0, Figure::Memory), fig(&c, 1, Figure::Memory)) else { panic!() };
        assert!(b < a, "{module:?}: scaling one service costs less memory ({b} vs {a} MB)");
        assert!(us(fig(&c, 0, Figure::P95)) <= P95_TARGET_US && us(fig(&c, 1, Figure::P95)) <= P95_TARGET_US);
    }
}

#[test]
fn a_bigger_spike_never_needs_fewer_instances() {
    let count = |x| {
        let c = run(Setup { spike: x, ..setup(Action::Spike, Module::Catalog, Guard::None) });
        let Value::Instances(v) = fig(&c, 0, Figure::Instances) else { panic!() };
        v[0].1
    };
    let counts: Vec<u32> = [2, 6, 12, 20].into_iter().map(count).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
}

#[test]
fn a_crash_in_one_service_leaves_the_others_untouched_but_stops_the_whole_monolith() {
    for module in Module::ALL {
        let c = run(setup(Action::Crash, module, Guard::None));
        let hit = Feature::using(module);
        for f in Feature::ALL {
            let mono = avail(&c, 0, f);
            let msa = avail(&c, 1, f);
            assert!(mono < 9_000, "{module:?}: monolith {f:?} goes down ({mono})");
            if hit.contains(&f) {
                assert!(msa < 9_900, "{module:?}: {f:?} needs the crashed service ({msa})");
                assert!(msa > mono, "{module:?}: a service restarts faster than the monolith");
            } else {
                assert_eq!(msa, 10_000, "{module:?}: {f:?} does not depend on it");
            }
        }
        assert_eq!(fig(&c, 0, Figure::Blast), Value::Features(Feature::ALL.to_vec()));
        assert_eq!(fig(&c, 1, Figure::Blast), Value::Features(hit));
    }
}

#[test]
fn a_hung_payment_cascades_into_order_without_a_guard() {
    let none = run(setup(Action::Leak, Module::Payment, Guard::None));
    let timeout = run(setup(Action::Leak, Module::Payment, Guard::Timeout));
    let breaker = run(setup(Action::Leak, Module::Payment, Guard::Breaker));
    // Without a timeout, order's workers wait on payment until none is left: tracking an order (which never
    // calls payment) fails too.
    assert!(avail(&none, 1, Feature::Track) < 9_000, "{}", avail(&none, 1, Feature::Track));
    assert_eq!(fig(&none, 1, Figure::Blast), Value::Features(vec![Feature::Checkout, Feature::Track]));
    // A timeout or a breaker keeps order's workers free: only checkout fails.
    for c in [&timeout, &breaker] {
        assert_eq!(avail(c, 1, Feature::Track), 10_000);
        assert_eq!(fig(c, 1, Figure::Blast), Value::Features(vec![Feature::Checkout]));
        assert!(avail(c, 1, Feature::Checkout) > avail(&none, 1, Feature::Checkout));
    }
    // The failing checkout waits 30 s, 300 ms, or not at all.
    let wait = |c: &Comparison| us(fig(c, 1, Figure::FailWait));
    assert_eq!(wait(&none), NO_TIMEOUT_MS * 1000);
    assert_eq!(wait(&timeout), CALL_TIMEOUT_MS * 1000);
    assert!(wait(&breaker) < 5_000);
    // Browsing and signing in never notice; the monolith loses every feature, whatever the guard.
    for c in [&none, &timeout, &breaker] {
        assert_eq!(avail(c, 1, Feature::Browse), 10_000);
        assert_eq!(avail(c, 1, Feature::SignIn), 10_000);
        assert!(Feature::ALL.iter().all(|f| avail(c, 0, *f) < 5_000));
    }
    // Exact, for the record.
    assert_eq!(avail(&none, 1, Feature::Track), 7_420);
    assert_eq!(avail(&timeout, 1, Feature::Checkout), 6_772);
}

#[test]
fn the_guard_is_the_order_slowdown() {
    let x = |g| order_slowdown(Action::Leak, g, LEAK_HANG_S);
    assert!(x(Guard::None) > 100.0);
    assert!(x(Guard::Timeout) > 1.0 && x(Guard::Timeout) < 10.0);
    assert_eq!(x(Guard::Breaker), 1.0);
    assert_eq!(order_slowdown(Action::Crash, Guard::None, 10), 1.0);
}

#[test]
fn a_deploy_restarts_everything_in_the_monolith_and_one_service_in_msa() {
    for module in Module::ALL {
        let c = run(setup(Action::Deploy, module, Guard::None));
        assert_eq!(fig(&c, 0, Figure::Blast), Value::Features(Feature::ALL.to_vec()));
        assert_eq!(fig(&c, 1, Figure::Blast), Value::Features(features_of(Arch::Msa, Dep::Service(module))));
        assert_eq!(fig(&c, 0, Figure::Duration), Value::Seconds(2 * MONOLITH_START_S + DEPLOY_GAP_S));
        assert_eq!(fig(&c, 1, Figure::Duration), Value::Seconds(2 * SERVICE_START_S + DEPLOY_GAP_S));
        // A careful rolling deploy loses nothing in either: the difference is what restarts and for how long.
        assert_eq!(fig(&c, 0, Figure::Lost), Value::Count(0));
        assert_eq!(fig(&c, 1, Figure::Lost), Value::Count(0));
    }
}

#[test]
fn the_extra_hop_costs_latency() {
    let c = run(setup(Action::Hop, Module::Order, Guard::None));
    let (m50, m95) = (us(fig(&c, 0, Figure::CheckoutP50)), us(fig(&c, 0, Figure::CheckoutP95)));
    let (s50, s95) = (us(fig(&c, 1, Figure::CheckoutP50)), us(fig(&c, 1, Figure::CheckoutP95)));
    assert!(s50 > m50 && s95 > m95, "{m50} {m95} / {s50} {s95}");
    // At least the two extra one-way hops (order to payment and back).
    assert!(s50 - m50 >= 2 * HOP_US - 2 * EDGE_US, "{}", s50 - m50);
    assert_eq!(fig(&c, 1, Figure::Hops), Value::Count(2));
    assert_eq!(fig(&c, 0, Figure::Hops), Value::Count(0));
    // The modular monolith calls in process too.
    let m = run(Setup { a: Arch::Modular, b: Arch::Msa, ..setup(Action::Hop, Module::Order, Guard::None) });
    assert_eq!(fig(&m, 0, Figure::CheckoutP50), Value::Us(m50));
}

#[test]
fn a_change_across_two_modules() {
    for module in Module::ALL {
        let c = run(Setup { a: Arch::Modular, ..setup(Action::TwoChange, module, Guard::None) });
        assert_eq!(fig(&c, 0, Figure::Deploys), Value::Count(1));
        assert_eq!(fig(&c, 1, Figure::Deploys), Value::Count(2));
        assert_eq!(fig(&c, 0, Figure::Ordered), Value::YesNo(false));
        assert_eq!(fig(&c, 1, Figure::Ordered), Value::YesNo(true));
        let Value::Features(f) = fig(&c, 1, Figure::Blast) else { panic!() };
        assert!(f.len() < 4 && !f.is_empty());
    }
}

#[test]
fn a_schema_change_blocks_the_readers_of_the_table() {
    for module in Module::ALL {
        let c = run(setup(Action::Schema, module, Guard::None));
        let Value::Features(mono) = fig(&c, 0, Figure::Blast) else { panic!() };
        let Value::Features(msa) = fig(&c, 1, Figure::Blast) else { panic!() };
        assert!(msa.iter().all(|f| mono.contains(f)), "{module:?}");
        assert!(mono.len() > msa.len(), "{module:?}: other modules read its tables in the monolith");
        assert_eq!(fig(&c, 1, Figure::CodeChanges), Value::Count(1));
        // With owned tables the modular monolith is blocked no more than the services are.
        let m = run(Setup { a: Arch::Modular, ..setup(Action::Schema, module, Guard::None) });
        assert_eq!(fig(&m, 0, Figure::Blast), Value::Features(msa.clone()));
    }
}

#[test]
fn the_modular_monolith_runs_like_the_monolith() {
    for action in [Action::Crash, Action::Deploy, Action::Spike] {
        let a = run(setup(action, Module::Member, Guard::None));
        let b = run(Setup { a: Arch::Modular, ..setup(action, Module::Member, Guard::None) });
        assert_eq!(a.sides().unwrap()[0].figures, b.sides().unwrap()[0].figures, "{action:?}");
    }
}

#[test]
fn query_round_trips_and_refuses_garbage() {
    for action in Action::ALL {
        for module in Module::ALL {
            for guard in Guard::ALL {
                for (a, b) in [(Arch::Monolith, Arch::Msa), (Arch::Msa, Arch::Modular)] {
                    let s = Setup { a, b, action, module, guard, spike: 7, seed: 1 };
                    assert_eq!(Setup::from_query(&s.to_query()), Ok(s));
                }
            }
        }
    }
    assert_eq!(Setup::from_query(""), Ok(Setup::default()));
    assert_eq!(Setup::from_query("do:leak"), Ok(Setup { action: Action::Leak, ..Setup::default() }));
    assert_eq!(Setup::from_query("a:msa,b:msa"), Err(SetupError::SameArch));
    assert_eq!(Setup::from_query("x:1"), Err(SetupError::SpikeOutOfRange { min: 2, max: 20, got: 1 }));
    assert_eq!(Setup::from_query("x:99999"), Err(SetupError::SpikeOutOfRange { min: 2, max: 20, got: 99999 }));
    assert!(matches!(Setup::from_query("x:9999999999999"), Err(SetupError::BadValue { .. })));
    assert!(matches!(Setup::from_query("x:-3"), Err(SetupError::BadValue { .. })));
    assert!(matches!(Setup::from_query("do:explode"), Err(SetupError::BadValue { .. })));
    assert!(matches!(Setup::from_query("zz:1"), Err(SetupError::UnknownKey { .. })));
    assert_eq!(Setup::from_query("leak"), Err(SetupError::Malformed { item: 1 }));
    assert!(matches!(Setup::from_query(&"a:mono,".repeat(100)), Err(SetupError::TooLong { .. })));
    assert!(Comparison::new(Setup { a: Arch::Msa, b: Arch::Msa, ..Setup::default() }).is_err());
}

proptest::proptest! {
    #[test]
    fn decoding_any_text_never_panics(q in "\\PC{0,300}") {
        let _ = Setup::from_query(&q);
    }

    #[test]
    fn decoding_near_misses_never_panics(q in "(a|b|do|m|g|x|:|,|mono|msa|leak|[0-9]){0,40}") {
        if let Ok(s) = Setup::from_query(&q) {
            proptest::prop_assert_eq!(Setup::from_query(&s.to_query()), Ok(s));
        }
    }
}

#[test]
fn feature_tiles_follow_the_figures() {
    // A catalog crash: every monolith feature is down; under microservices only browsing is.
    let rows = run(setup(Action::Crash, Module::Catalog, Guard::None)).rows();
    for f in Feature::ALL {
        assert_eq!(feature_state(&rows, 0, f), FeatureState::Bad, "monolith {f:?}");
        let want = if f == Feature::Browse { FeatureState::Bad } else { FeatureState::Ok };
        assert_eq!(feature_state(&rows, 1, f), want, "microservices {f:?}");
    }
    // A schema change for order measures no availability: the tiles show its blast radius, which in the monolith
    // (one shared database) reaches sign-in too.
    let rows = run(setup(Action::Schema, Module::Order, Guard::None)).rows();
    assert!(rows.iter().all(|r| !matches!(r.figure, Figure::Availability(_))));
    let states = |side| Feature::ALL.map(|f| feature_state(&rows, side, f));
    use FeatureState::{Hit, Ok};
    assert_eq!(states(0), [Ok, Hit, Hit, Hit]);
    assert_eq!(states(1), [Ok, Ok, Hit, Hit]);
}
