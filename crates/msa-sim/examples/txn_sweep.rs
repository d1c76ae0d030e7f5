use msa_sim::txn::contention::*;
fn main() {
    let a: Vec<u64> = std::env::args().skip(1).map(|x| x.parse().unwrap()).collect();
    let mut base = ContentionConfig::default();
    if a.len() >= 4 { base.clients = a[0] as u32; base.db_workers = a[1] as u32; base.stmt_cpu_us = a[2]; base.think_mean_us = a[3]; }
    if a.len() >= 5 { base.compute_us = a[4]; }
    let s = sweep(&base, &DEFAULT_SWEEP).unwrap();
    for p in &s.points {
        println!("H={:4} pess {:8.0}/s w{:7.0} p99 {:7} | opt {:8.0}/s aborts {:6} gave {:4} lat {:7.0} p99 {:7} | atomic {:8.0}/s  stm p/o {} {}", p.hot_rows,
          p.pessimistic.throughput_per_s, p.pessimistic.mean_lock_wait_us, p.pessimistic.p99_latency_us,
          p.optimistic.throughput_per_s, p.optimistic.aborts, p.optimistic.gave_up, p.optimistic.mean_latency_us, p.optimistic.p99_latency_us,
          p.atomic.throughput_per_s, p.pessimistic.statements, p.optimistic.statements);
    }
    println!("{:?}", s.crossover);
}
