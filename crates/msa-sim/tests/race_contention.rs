//! The contention experiment: determinism, sanity of the figures, and the pessimistic/optimistic crossover.

use msa_sim::race::contention::*;

fn cfg(locking: Locking, hot_rows: u32) -> ContentionConfig {
    ContentionConfig { locking, hot_rows, ..ContentionConfig::default() }
}

#[test]
fn same_seed_same_figures() {
    for l in Locking::ALL {
        let a = run_contention(&cfg(l, 4)).unwrap();
        let b = run_contention(&cfg(l, 4)).unwrap();
        assert_eq!(a, b);
        let c = run_contention(&ContentionConfig { seed: 2, ..cfg(l, 4) }).unwrap();
        assert_ne!(a.sim_time_us, c.sim_time_us);
    }
}

#[test]
fn figures_add_up() {
    let d = ContentionConfig::default();
    let ops = d.clients as u64 * d.ops_per_client as u64;
    let p = run_contention(&cfg(Locking::Pessimistic, 1)).unwrap();
    assert_eq!((p.committed, p.aborts, p.retries, p.gave_up), (ops, 0, 0, 0));
    assert_eq!(p.statements, 4 * ops);
    let a = run_contention(&cfg(Locking::Atomic, 1)).unwrap();
    assert_eq!((a.committed, a.statements), (ops, ops));
    let o = run_contention(&cfg(Locking::Optimistic, 1)).unwrap();
    assert_eq!(o.committed + o.gave_up, ops);
    assert_eq!(o.statements, 2 * (ops + o.retries));
    assert!(o.aborts >= o.retries && o.aborts > 0);
    for r in [p, a, o] {
        assert!(r.p99_latency_us as f64 >= r.mean_latency_us * 0.5);
        assert!(r.p99_lock_wait_us as f64 >= r.mean_lock_wait_us);
    }
    // One hot row serializes the pessimistic transactions: they wait far longer than with 256 rows.
    let p256 = run_contention(&cfg(Locking::Pessimistic, 256)).unwrap();
    assert!(p.mean_lock_wait_us > 10.0 * p256.mean_lock_wait_us);
}

#[test]
fn pessimistic_wins_with_many_conflicts_optimistic_with_few() {
    let base = ContentionConfig { ops_per_client: 100, ..ContentionConfig::default() };
    let s = sweep(&base, &DEFAULT_SWEEP).unwrap();
    assert_eq!(s.points.first().unwrap().winner(), Locking::Pessimistic);
    assert_eq!(s.points.last().unwrap().winner(), Locking::Optimistic);
    let (lo, hi) = s.crossover.expect("a crossover");
    assert!(lo < hi && (4..=64).contains(&lo), "{lo}..{hi}");
    // Atomic needs one short statement under the lock: it beats both everywhere.
    for p in &s.points {
        assert!(p.atomic.throughput_per_s > p.pessimistic.throughput_per_s);
        assert!(p.atomic.throughput_per_s > p.optimistic.throughput_per_s);
    }
}

#[test]
fn bad_settings_are_typed_errors() {
    for bad in [
        ContentionConfig { clients: 0, ..ContentionConfig::default() },
        ContentionConfig { hot_rows: 0, ..ContentionConfig::default() },
        ContentionConfig { db_workers: 0, ..ContentionConfig::default() },
        ContentionConfig { clients: 10_000, ops_per_client: 100_000, ..ContentionConfig::default() },
    ] {
        assert!(matches!(run_contention(&bad), Err(ContentionError::OutOfRange { .. })));
    }
}
