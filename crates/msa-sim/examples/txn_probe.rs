use msa_sim::txn::*;
fn main() {
    for p in PRESETS.iter() {
        let sc = p.scenario().unwrap();
        let ser = run_serial(&sc);
        let show = replay_str(&sc, p.showcase);
        let ex = explore(&sc, Budget::DEFAULT);
        println!("{:16} serial={} {:?} showcase={:?}", p.name, ser.schedule(), ser.outcome().map(|o| (o.kind, o.final_values)),
            show.as_ref().map(|r| (r.is_over(), r.outcome().map(|o| (o.kind, o.final_values, o.txns.iter().map(|t| t.ending).collect::<Vec<_>>())))));
        println!("   explore: {} schedules, {} states, {:?} ex {:?} trunc={}", ex.schedules, ex.states, ex.by_outcome, ex.examples.iter().map(|(k,v)| (k.name(), v.encode())).collect::<Vec<_>>(), ex.truncated);
    }
}
#[allow(dead_code)]
fn _x() {}
