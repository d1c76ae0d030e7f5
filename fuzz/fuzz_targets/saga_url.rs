//! The saga timeline's link (`f:stock,c:payment,p:before,o:1`): decoding never panics; what decodes
//! re-encodes to the same setup; the decoded setup runs to an end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::arch::saga::{self, Setup};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let Ok(setup) = Setup::from_query(&s) else { return };
    let q = setup.to_query();
    assert_eq!(Setup::from_query(&q), Ok(setup), "{q:?}");
    let run = saga::run(setup);
    assert!(run.fin.charges <= 1, "{q:?}: charged twice");
});
