//! Events per second of the proxy engine with 16 backends, under least_conn and random two least_conn.
//! Figures, not timed tests: `cargo bench -p msa-sim --bench proxy`.

#![allow(clippy::field_reassign_with_default)] // configs are built by editing the defaults, field by field

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::config::*;
use msa_sim::proxy::Engine;

/// 16 backends (4 workers, exponential 10 ms), Poisson arrivals at 80% load, 0.5 ms network latency: 10 simulated
/// seconds, about 51,000 requests and 260,000 events.
fn config(algo: Algorithm) -> Config {
    let mut c = Config::default();
    c.algorithm = algo;
    c.servers = (0..16)
        .map(|i| ServerConfig {
            workers: 4,
            queue_cap: 1_000,
            service: ServiceTime { dist: Dist::Exponential, mean_us: 10_000, cv: 1.0 },
            ..ServerConfig::named_for(i)
        })
        .collect();
    c.clients.rate_per_s = 0.8 * 16.0 * 4.0 * 100.0;
    c.duration_ms = 10_000;
    c.log_capacity = 0;
    c
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("proxy_16_backends");
    for algo in [Algorithm::LeastConn, Algorithm::RandomTwo] {
        let cfg = config(algo);
        // Count the events once, so criterion reports events per second.
        let mut e = Engine::new(cfg.clone()).unwrap();
        e.run_to_end(1_000);
        g.throughput(Throughput::Elements(e.events()));
        g.bench_function(algo.name(), |b| {
            b.iter(|| {
                let mut e = Engine::new(cfg.clone()).unwrap();
                e.run_to_end(1_000);
                e.events()
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
