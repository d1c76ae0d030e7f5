//! Reveals that run the monolith-vs-microservices comparison ([`crate::arch`]): the same shop, the same traffic,
//! one action on one module, monolith against microservices.

use super::{Answer, Col, Reveal};
use crate::arch::{Action, Comparison, Feature, Figure, Guard, Module, Setup, Value};

/// Which architecture needs more memory for a spike.
pub const MEMORY_KEYS: &[&str] = &["mono-more", "msa-more", "same"];
/// Which features stop in microservices when payment fails.
pub const STOPPED_KEYS: &[&str] = &["none", "checkout", "checkout-track", "all"];

pub fn reveal(name: &str) -> Option<Reveal> {
    match name {
        "spike-memory" => Some(spike_memory()),
        "crash-payment-msa" => Some(stopped(Action::Crash, Guard::None)),
        "leak-payment-msa" => Some(stopped(Action::Leak, Guard::None)),
        _ => None,
    }
}

fn compare(action: Action, module: Module, guard: Guard) -> Comparison {
    // Setup::default() compares the monolith (a) with microservices (b) at a 10x spike; always valid.
    Comparison::new(Setup { action, module, guard, ..Setup::default() }).expect("a valid setup").run()
}

fn side(c: &Comparison, f: Figure) -> [Option<Value>; 2] {
    let rows = c.rows();
    let row = rows.iter().find(|r| r.figure == f);
    [row.map(|r| r.a.clone()), row.map(|r| r.b.clone())]
}

/// Catalog traffic times ten: each side gets the fewest instances that keep p95 under 200 ms. Rows: the monolith,
/// then microservices; instances, memory, p95.
fn spike_memory() -> Reveal {
    let c = compare(Action::Spike, Module::Catalog, Guard::None);
    let [ia, ib] = side(&c, Figure::Instances);
    let [ma, mb] = side(&c, Figure::Memory);
    let [pa, pb] = side(&c, Figure::P95);
    // All the instances the side runs, of every deployable.
    let instances = |v: Option<Value>| match v {
        Some(Value::Instances(list)) => list.iter().map(|(_, n)| n).sum::<u32>().to_string(),
        _ => String::new(),
    };
    let mb_of = |v: &Option<Value>| match v {
        Some(Value::Mb(n)) => *n,
        _ => 0,
    };
    let ms = |v: Option<Value>| match v {
        Some(Value::Us(us)) => format!("{:.0}", us as f64 / 1e3),
        _ => String::new(),
    };
    let (a, b) = (mb_of(&ma), mb_of(&mb));
    let answer = match a.cmp(&b) {
        std::cmp::Ordering::Greater => "mono-more",
        std::cmp::Ordering::Less => "msa-more",
        std::cmp::Ordering::Equal => "same",
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: vec![Col::Arch, Col::Instances, Col::MemoryMb, Col::P95Ms],
        rows: vec![
            vec!["mono".into(), instances(ia), a.to_string(), ms(pa)],
            vec!["msa".into(), instances(ib), b.to_string(), ms(pb)],
        ],
        mark: Some(if a >= b { 0 } else { 1 }),
    }
}

/// Payment crashes or hangs: each feature's availability on both sides; the answer is the set of features that
/// stop in microservices (the blast radius of side b).
fn stopped(action: Action, guard: Guard) -> Reveal {
    let c = compare(action, Module::Payment, guard);
    let pct = |v: Option<Value>| match v {
        Some(Value::Percent(bp)) => format!("{:.1}", f64::from(bp) / 100.0),
        _ => String::new(),
    };
    let rows = Feature::ALL
        .iter()
        .map(|&f| {
            let [a, b] = side(&c, Figure::Availability(f));
            vec![f.name().to_string(), pct(a), pct(b)]
        })
        .collect();
    let [_, blast] = side(&c, Figure::Blast);
    let hit = match blast {
        Some(Value::Features(v)) => v,
        _ => Vec::new(),
    };
    let answer = match hit.as_slice() {
        [] => "none",
        [Feature::Checkout] => "checkout",
        [Feature::Checkout, Feature::Track] => "checkout-track",
        _ => "all",
    };
    Reveal {
        answer: Answer::Choice(answer),
        cols: vec![Col::Feature, Col::MonolithPct, Col::MsaPct],
        rows,
        mark: Feature::ALL.iter().position(|f| *f == Feature::Checkout),
    }
}
