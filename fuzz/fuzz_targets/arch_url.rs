//! The architecture comparison's link (`a:mono,b:msa,do:leak,m:payment,g:breaker,x:10`): decoding never
//! panics; what decodes re-encodes to the same setup; the decoded comparison starts and runs a slice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::arch::{Comparison, Setup};

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let Ok(setup) = Setup::from_query(&s) else { return };
    let q = setup.to_query();
    assert_eq!(Setup::from_query(&q), Ok(setup.clone()), "{q:?}");
    let mut c = Comparison::new(setup).expect("a decoded setup validates, so it starts");
    c.advance(200);
});
