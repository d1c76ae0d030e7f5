//! Exhaustive exploration of 3 transactions x 4 statements (lost-update with 3 clients: 34,650 interleavings
//! before locking prunes them to 13,830 schedules). `cargo bench -p msa-sim --bench race_explore`.

use criterion::{criterion_group, criterion_main, Criterion};
use msa_sim::race::{build, explore, Budget, Story, Strategy};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let sc = build(Story::Counter, Strategy::NoLock, 3).expect("builds");
    c.bench_function("explore lost-update x3 (34,650 interleavings)", |b| {
        b.iter(|| {
            let e = explore(black_box(&sc), Budget::DEFAULT);
            assert_eq!(e.schedules, 13_830);
            e
        })
    });
    let app = build(Story::AppServers, Strategy::AppMutex, 3).expect("builds");
    c.bench_function("explore app-mutex x3", |b| b.iter(|| explore(black_box(&app), Budget::DEFAULT)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
