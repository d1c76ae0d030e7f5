//! The proxy playground's link (`?<config items>&t=<µs>&act=<actions>`): decoding never panics; what decodes
//! re-encodes to the same state; the decoded run builds, runs a few hundred events and exports without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::proxy::playground::{Playground, State, TimedAction};
use msa_sim::proxy::{to_nginx, Config};
use msa_sim::time::SimTime;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = TimedAction::decode(&s);
    if let Ok(c) = Config::from_query(&s) {
        let q = c.to_query();
        assert_eq!(Config::from_query(&q).as_ref(), Ok(&c), "config round trip of {q:?}");
    }
    let Ok(state) = State::from_query(&s) else { return };
    let q = state.to_query();
    let back = State::from_query(&q).unwrap_or_else(|e| panic!("{q:?} does not decode: {e}"));
    assert_eq!(back, state, "state round trip of {q:?}");
    assert_eq!(back.to_query(), q);
    for a in &state.actions {
        assert_eq!(TimedAction::decode(&a.encode()), Some(*a));
    }
    let _ = to_nginx(&state.config);
    let mut p = Playground::from_state(state).expect("a decoded config validates, so it builds");
    p.advance(SimTime::MAX, 300);
    let _ = p.current_config();
    let _ = p.state().to_query();
});
