//! The race visualizer's link (`?race=<scenario>_<strategy>_<clients>_<schedule>[_m]`): decoding never panics;
//! what decodes re-encodes to the same config and schedule; the decoded run's views and endings do not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::race::contention::Locking;
use msa_sim::race::view::{decode_url, replay_prefix, run_view};
use msa_sim::race::{replay_str, Schedule, Strategy, PRESETS};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = Strategy::from_name(&s);
    let _ = Locking::from_name(&s);
    if let Ok(sched) = Schedule::decode(&s) {
        assert_eq!(Schedule::decode(&sched.encode()), Ok(sched.clone()));
        // The same schedule against a preset picked by the input's length: replays or is a typed error.
        if let Ok(sc) = PRESETS[s.len() % PRESETS.len()].scenario() {
            let _ = replay_str(&sc, &s);
            let _ = replay_prefix(&sc, &sched);
        }
    }
    let Ok((cfg, run)) = decode_url(&s) else { return };
    let e = cfg.encode(&run.schedule());
    let (cfg2, run2) = decode_url(&e).unwrap_or_else(|err| panic!("{e:?} does not decode: {err}"));
    assert_eq!(cfg2, cfg, "{e:?}");
    assert_eq!(run2.schedule(), run.schedule(), "{e:?}");
    assert_eq!(cfg2.encode(&run2.schedule()), e);
    let _ = run_view(&run);
    let mut rest = run;
    rest.finish_lowest_first();
    let _ = run_view(&rest);
    let _ = rest.outcome();
});
