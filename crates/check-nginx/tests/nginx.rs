//! The simulator against a real nginx 1.22, case by case (issue 6). Never skipped: without nginx it fails with the
//! install command. Run: `CARGO_BUILD_JOBS=1 nice -n 10 cargo test -p check-nginx -- --nocapture`.

use check_nginx::backend::{Backends, Mode};
use check_nginx::{align_second, chi_square, chi_square_critical_001, config_for, Harness, Req, Tally};
use msa_sim::proxy::{Algorithm, Config};

type CaseResult = Result<Tally, String>;

fn harness(case: &str, names: &[&str], weights: &[u32], algo: Algorithm, tweak: impl FnOnce(&mut Config)) -> Result<Harness, String> {
    let b = Backends::start(names)?;
    let mut cfg = config_for(algo, &b, weights);
    tweak(&mut cfg);
    Harness::new(case, b, &cfg)
}

fn round_robin_weights() -> CaseResult {
    let mut h = harness("round robin a:5,b:1,c:1", &["a", "b", "c"], &[5, 1, 1], Algorithm::RoundRobin, |_| {})?;
    h.send_n(&Req::get(), 28);
    let mut t = h.finish();
    let mut h = harness("round robin a:3,b:2,c:1,d:4", &["a", "b", "c", "d"], &[3, 2, 1, 4], Algorithm::RoundRobin, |_| {})?;
    h.send_n(&Req::get(), 30);
    merge(&mut t, h.finish());
    Ok(t)
}

fn merge(t: &mut Tally, o: Tally) {
    t.case = format!("{} + {}", t.case, o.case);
    t.compared += o.compared;
    t.agreed += o.agreed;
    t.mismatches.extend(o.mismatches);
}

#[test]
fn nginx_cross_check() {
    check_nginx::nginx::nginx_binary(); // panics with the install command when nginx is missing
    let started = std::time::Instant::now();
    let cases: Vec<(&str, fn() -> CaseResult)> = vec![("round robin with weights", round_robin_weights)];
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for (name, f) in cases {
        let t0 = std::time::Instant::now();
        match f() {
            Ok(t) => {
                println!("{name}: {} of {} agreed ({:.1} s)", t.agreed, t.compared, t0.elapsed().as_secs_f64());
                total.compared += t.compared;
                total.agreed += t.agreed;
                failures.extend(t.mismatches);
            }
            Err(e) => failures.push(format!("[{name}] could not run: {e}")),
        }
    }
    println!(
        "nginx cross-check: {} of {} picks agreed ({:.1} s)",
        total.agreed,
        total.compared,
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    assert!(total.compared > 0);
}
