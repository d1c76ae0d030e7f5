//! The DDD aggregate widget's script (`a4x3.a1x2.p.b3x1.lunch-blind`, `msa_sim::ddd::script`), the state a
//! challenge link carries: decoding never panics; what decodes re-encodes to the same script; replaying it on
//! the lesson's order never panics, and only the back door can break an invariant.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::ddd::script::Script;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let Ok(script) = Script::decode(&s) else { return };
    let enc = script.encode();
    assert_eq!(Script::decode(&enc), Ok(script.clone()), "{enc:?}");
    let r = script.replay();
    if r.back_door == 0 {
        assert!(r.violations().is_empty(), "{enc:?}");
    }
});
