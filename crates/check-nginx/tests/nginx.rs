//! The simulator against a real nginx 1.22, case by case. Never skipped: without nginx it fails with the
//! install command. Run: `CARGO_BUILD_JOBS=1 nice -n 10 cargo test -p check-nginx -- --nocapture`.

use check_nginx::backend::Mode;
use check_nginx::case::{key_requests, Setup};
use check_nginx::{align_second, chi_square, chi_square_critical_001, config_for, Harness, Req, Tally};
use msa_sim::proxy::{Algorithm, Config};

type CaseResult = Result<Tally, String>;
type Case = (&'static str, fn() -> CaseResult);

/// Straight to stderr, past the test harness's capture: the counts show in every run, passing or not.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn round_robin_weights() -> CaseResult {
    let mut t =
        Setup::new("round robin a:5,b:1,c:1", Algorithm::RoundRobin, &[5, 1, 1]).run(|h| h.send_n(&Req::get(), 28))?;
    t.merge(
        Setup::new("round robin a:3,b:2,c:1,d:4", Algorithm::RoundRobin, &[3, 2, 1, 4])
            .run(|h| h.send_n(&Req::get(), 30))?,
    );
    Ok(t)
}

fn least_conn_held() -> CaseResult {
    // Weights 1,1,2: conns/weight compared by cross-multiplying; ties by smooth WRR over the tied servers.
    Setup::new("least_conn with held connections", Algorithm::LeastConn, &[1, 1, 2]).run(|h| {
        let g = Req::get();
        h.send_n(&g, 4);
        h.set_mode(1, Mode::Stall);
        h.send_n(&g, 6);
        h.set_mode(2, Mode::Stall);
        h.send_n(&g, 8);
        h.answer(1);
        h.send_n(&g, 6);
        h.set_mode(0, Mode::Stall);
        h.send_n(&g, 6);
        h.answer(2);
        h.send_n(&g, 6);
        h.answer(0);
        h.send_n(&g, 4);
        // A pseudo-random script: stall / release / send, fixed seed.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x % 3) as usize;
            match (x >> 8) % 5 {
                0 => h.set_mode(i, Mode::Stall),
                1 => h.answer(i),
                _ => h.send(&g),
            }
        }
    })
}

fn ip_hash_clients() -> CaseResult {
    let mut t = Setup::new("ip_hash", Algorithm::IpHash, &[1, 2, 1, 1]).run(|h| {
        for round in 0..2 {
            h.send_all((1..=40u8).map(|n| Req::from(n.wrapping_mul(7).wrapping_add(round))));
        }
    })?;
    // One server down: its clients move on (the byte loop continues from the current hash).
    t.merge(
        Setup::new("ip_hash, b down", Algorithm::IpHash, &[1, 2, 1, 1])
            .with(|c| c.servers[1].down = true)
            .run(|h| h.send_all((1..=60u8).map(|n| Req::from(n.wrapping_mul(3)))))?,
    );
    Ok(t)
}

fn hash_keys() -> CaseResult {
    let mut t = Setup::new("hash $arg_key", Algorithm::Hash, &[2, 1, 1]).run(|h| h.send_all(key_requests(150)))?;
    // A down server: rehash (crc32 of "<rehash><key>") until an eligible one.
    t.merge(
        Setup::new("hash $arg_key, c down", Algorithm::Hash, &[2, 1, 1])
            .with(|c| c.servers[2].down = true)
            .run(|h| h.send_all(key_requests(60)))?,
    );
    Ok(t)
}

fn hash_consistent() -> CaseResult {
    let mut t = Setup::new("hash $arg_key consistent", Algorithm::HashConsistent, &[1, 1, 2, 1])
        .run(|h| h.send_all(key_requests(150)))?;
    t.merge(
        Setup::new("hash $arg_key consistent, b down", Algorithm::HashConsistent, &[1, 1, 2, 1])
            .with(|c| c.servers[1].down = true)
            .run(|h| h.send_all(key_requests(150)))?,
    );
    Ok(t)
}

fn backup() -> CaseResult {
    // Round robin: a and b refuse, c is the backup.
    let g = Req::get();
    let mut t = Setup::new("backup (round robin)", Algorithm::RoundRobin, &[2, 1, 1])
        .with(|c| c.servers[2].backup = true)
        .run(|h| {
            h.send_n(&g, 4);
            h.set_mode(0, Mode::Refuse);
            h.send_n(&g, 3);
            h.set_mode(1, Mode::Refuse);
            h.send_n(&g, 4);
            h.set_mode(2, Mode::Refuse);
            h.send_n(&g, 2); // nothing live: 502 without connecting
        })?;
    // least_conn: primaries held at max_conns spill to the backup.
    t.merge(
        Setup::new("backup (least_conn, max_conns)", Algorithm::LeastConn, &[1, 1, 1])
            .with(|c| {
                c.servers[0].max_conns = 1;
                c.servers[1].max_conns = 1;
                c.servers[2].backup = true;
            })
            .run(|h| {
                h.set_mode(0, Mode::Stall);
                h.set_mode(1, Mode::Stall);
                h.send_n(&g, 5);
                h.answer(0);
                h.send_n(&g, 3);
            })?,
    );
    Ok(t)
}

fn max_conns() -> CaseResult {
    Setup::new("max_conns", Algorithm::RoundRobin, &[3, 1, 1])
        .with(|c| {
            c.servers[0].max_conns = 2;
            c.servers[1].max_conns = 1;
            c.servers[2].max_conns = 1;
        })
        .run(|h| {
            let g = Req::get();
            for i in 0..3 {
                h.set_mode(i, Mode::Stall);
            }
            h.send_n(&g, 6); // four held, then "no live upstreams"
            h.answer(0);
            h.send_n(&g, 4);
            h.answer(1);
            h.send_n(&g, 4);
        })
}

fn max_fails() -> CaseResult {
    // a refuses; max_fails=2 fail_timeout=2s; weight 4 (each failure takes 4/2 from its effective weight).
    // Each batch starts just after a second boundary and ends well inside that second (nginx's whole-second clock).
    Setup::new("max_fails / fail_timeout", Algorithm::RoundRobin, &[4, 1, 1])
        .with(|c| {
            c.servers[0].max_fails = 2;
            c.servers[0].fail_timeout_s = 2;
        })
        .run(|h| {
            let g = Req::get();
            align_second();
            h.send_n(&g, 6);
            h.set_mode(0, Mode::Refuse);
            align_second();
            h.send_n(&g, 5); // two failures: a is disabled
            align_second();
            h.send_n(&g, 4); // still within fail_timeout
            align_second();
            align_second();
            h.send_n(&g, 4); // now - checked > 2: a probe, refused again: disabled again
            h.set_mode(0, Mode::Answer);
            align_second();
            h.send_n(&g, 4); // a answers again, but is still held out
            align_second();
            align_second();
            align_second();
            h.send_n(&g, 12); // the probe succeeds: fails = 0, effective weight climbs back
        })
}

fn post_retries() -> CaseResult {
    // a closes early after reading the request (max_fails=0: never disabled, so round robin keeps coming back).
    let never_disabled = |c: &mut Config| c.servers[0].max_fails = 0;
    let mut t =
        Setup::new("POST not retried after sending", Algorithm::RoundRobin, &[1, 1]).with(never_disabled).run(|h| {
            h.set_mode(0, Mode::CloseEarly);
            h.send_all((0..10).map(|i| if i % 3 == 0 { Req::get() } else { Req::post() }));
        })?;
    t.merge(Setup::new("POST retried on refusal", Algorithm::RoundRobin, &[1, 1, 1]).with(never_disabled).run(
        |h| {
            h.set_mode(0, Mode::Refuse);
            h.send_all((0..9).map(|i| if i % 2 == 0 { Req::post() } else { Req::get() }));
        },
    )?);
    // With non_idempotent, a POST is retried after an early close too.
    t.merge(
        Setup::new("POST retried with non_idempotent", Algorithm::RoundRobin, &[1, 1])
            .with(never_disabled)
            .with(|c| c.proxy.next_upstream.non_idempotent = true)
            .run(|h| {
                h.set_mode(0, Mode::CloseEarly);
                h.send_n(&Req::post(), 6);
            })?,
    );
    Ok(t)
}

/// ip_hash, hash and hash consistent with a server that refuses (max_fails=1): the failed attempt continues the
/// module's own search (ip_hash's byte loop from the current hash, hash's rehash, the next ring point), and later
/// requests skip the failed server.
fn refusing_hash_servers() -> CaseResult {
    let mut t = Setup::new("ip_hash, c refuses", Algorithm::IpHash, &[1, 2, 1, 1]).run(|h| {
        h.set_mode(2, Mode::Refuse);
        h.send_all((1..=40u8).map(|n| Req::from(n.wrapping_mul(5))));
    })?;
    t.merge(Setup::new("hash $arg_key, a refuses", Algorithm::Hash, &[2, 1, 1]).run(|h| {
        h.set_mode(0, Mode::Refuse);
        h.send_all(key_requests(60));
    })?);
    t.merge(Setup::new("hash $arg_key consistent, c refuses", Algorithm::HashConsistent, &[1, 1, 2, 1]).run(|h| {
        h.set_mode(2, Mode::Refuse);
        h.send_all(key_requests(60));
    })?);
    Ok(t)
}

/// proxy_next_upstream_tries 2: two refusals and the request gives up with 502, though c would answer.
fn next_upstream_tries() -> CaseResult {
    Setup::new("proxy_next_upstream_tries 2", Algorithm::RoundRobin, &[1, 1, 1])
        .with(|c| {
            c.proxy.tries = 2;
            for s in &mut c.servers {
                s.max_fails = 0;
            }
        })
        .run(|h| {
            h.set_mode(0, Mode::Refuse);
            h.set_mode(1, Mode::Refuse);
            h.send_n(&Req::get(), 6);
        })
}

/// random two least_conn: compared as distributions (nginx's random draws cannot be replayed).
fn random_two() -> Result<(Tally, Vec<String>), String> {
    let mut h = Setup::new("random two least_conn", Algorithm::RandomTwo, &[3, 2, 1]).start()?;
    let g = Req::get();
    let mut notes = Vec::new();
    let mut tally = Tally { case: h.case.clone(), ..Tally::default() };
    let mut phase = |h: &mut Harness, label: &str, n: usize| -> Result<(), String> {
        let p = h.sim.distribution(&g, 200_000);
        let mut counts = vec![0u64; 3];
        for _ in 0..n {
            match h.observe(&g)?.outcome {
                check_nginx::Outcome::Reply(200, Some(i)) | check_nginx::Outcome::Held(i) => counts[i] += 1,
                o => return Err(format!("unexpected {o:?}")),
            }
        }
        let (x2, df) = chi_square(&counts, &p);
        let crit = chi_square_critical_001(df);
        let ok = x2 < crit;
        let line = format!(
            "random two least_conn ({label}): nginx {counts:?} of {n}, simulator p = [{}], chi-square {x2:.2} (df {df}, critical {crit} at p=0.001): {}",
            p.iter().map(|x| format!("{x:.3}")).collect::<Vec<_>>().join(", "),
            if ok { "agree" } else { "DISAGREE" }
        );
        tally.compared += 1;
        if ok {
            tally.agreed += 1;
        } else {
            tally.mismatches.push(format!("MISMATCH [{}] {line}", h.case));
        }
        notes.push(line);
        Ok(())
    };
    phase(&mut h, "idle servers", 600)?;
    // Hold two requests on a (weight 3): with a busy, a pair containing a goes to the other one.
    h.set_mode(0, Mode::Stall);
    let mut guard = 0;
    while h.held_on(0) < 2 && guard < 200 {
        guard += 1;
        h.observe(&g)?;
    }
    let now = check_nginx::unix_now();
    for _ in 0..h.held_on(0) {
        h.sim.up.get_specific(0, &mut Default::default(), now);
    }
    phase(&mut h, "a holds 2", 400)?;
    h.set_mode(0, Mode::Answer);
    let _ = h.finish();
    Ok((tally, notes))
}

#[test]
fn nginx_cross_check() {
    check_nginx::nginx::nginx_binary(); // panics with the install command when nginx is missing
    let started = std::time::Instant::now();
    let cases: Vec<Case> = vec![
        ("round robin with weights", round_robin_weights),
        ("least_conn with held connections", least_conn_held),
        ("ip_hash over client addresses", ip_hash_clients),
        ("hash $arg_key", hash_keys),
        ("hash $arg_key consistent", hash_consistent),
        ("backup", backup),
        ("max_conns", max_conns),
        ("POST retries", post_retries),
        ("refusing server under ip_hash / hash / hash consistent", refusing_hash_servers),
        ("proxy_next_upstream_tries", next_upstream_tries),
        ("max_fails / fail_timeout", max_fails),
    ];
    let mut total = Tally::default();
    let mut failures = Vec::new();
    for (name, f) in cases {
        let t0 = std::time::Instant::now();
        match f() {
            Ok(t) => {
                report!("{name}: {} of {} agreed ({:.1} s)", t.agreed, t.compared, t0.elapsed().as_secs_f64());
                total.compared += t.compared;
                total.agreed += t.agreed;
                failures.extend(t.mismatches);
            }
            Err(e) => failures.push(format!("[{name}] could not run: {e}")),
        }
    }
    let t0 = std::time::Instant::now();
    let mut dists = Tally::default();
    match random_two() {
        Ok((t, notes)) => {
            for n in notes {
                report!("{n}");
            }
            report!(
                "random two least_conn: {} of {} distributions agreed ({:.1} s)",
                t.agreed,
                t.compared,
                t0.elapsed().as_secs_f64()
            );
            failures.extend(t.mismatches.clone());
            dists = t;
        }
        Err(e) => failures.push(format!("[random two least_conn] could not run: {e}")),
    }
    report!(
        "nginx cross-check: {} of {} picks agreed; {} of {} random-two distributions agreed (chi-square) ({:.1} s)",
        total.agreed,
        total.compared,
        dists.agreed,
        dists.compared,
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
    assert!(total.compared > 0);
}

/// Negative control: the harness does notice a simulator that balances differently (nginx runs a:5,b:1,c:1, the
/// simulator is given a:1,b:1,c:1), and the chi-square rejects a wrong distribution.
#[test]
fn harness_detects_disagreement() {
    let mut h = Setup::new("negative control", Algorithm::RoundRobin, &[5, 1, 1]).start().unwrap();
    h.quiet = true;
    h.sim = check_nginx::Sim::new(&config_for(Algorithm::RoundRobin, &h.backends, &[1, 1, 1]));
    h.send_n(&Req::get(), 7);
    let t = h.finish();
    assert_eq!(t.compared, 7);
    assert!(t.agreed < 7 && !t.mismatches.is_empty(), "{t:?}");
    let (x2, df) = chi_square(&[300, 200, 100], &[0.2, 0.4, 0.4]);
    assert!(x2 > chi_square_critical_001(df));
    let (x2, _) = chi_square(&[1, 399], &[0.0, 1.0]);
    assert!(x2.is_infinite());
}
