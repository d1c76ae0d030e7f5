//! What the site reads back from localStorage: each DDD exercise's answers (`201.1!`) and the reading-progress
//! / answers map, the predictions and the solved challenges (`id:n,id:n`). Decoding never panics, and what decodes encodes back to the same value.
#![no_main]

use lesson_format::progress::{Predictions, Progress, Solved};
use libfuzzer_sys::fuzz_target;
use msa_sim::ddd::exercises::ALL;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    for ex in ALL {
        if let Some((answers, checked)) = ex.decode(&s) {
            let e = ex.encode(&answers, checked);
            assert_eq!(e, s, "{}: a decoded entry is written back as it was", ex.id);
            assert_eq!(ex.decode(&e), Some((answers.clone(), checked)));
            let g = ex.grade(&answers);
            assert_eq!(g.total, ex.items.len());
        }
    }
    if let Ok(p) = s.parse::<Progress>() {
        let w = p.to_string();
        assert_eq!(w.parse::<Progress>(), Ok(p), "{w:?}");
    }
    if let Ok(p) = s.parse::<Predictions>() {
        let w = p.to_string();
        assert_eq!(w.parse::<Predictions>(), Ok(p), "{w:?}");
    }
    if let Ok(p) = s.parse::<Solved>() {
        let w = p.to_string();
        assert_eq!(w.parse::<Solved>(), Ok(p), "{w:?}");
    }
});
