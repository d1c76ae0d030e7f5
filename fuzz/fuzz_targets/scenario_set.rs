//! The proxy's `key=value` overrides on top of each preset (the link's items and the CLI's `--set`): applying
//! any items never panics, validation gives Ok or a typed error, and a valid result round-trips through its
//! items and its URL query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msa_sim::proxy::config::NextUpstream;
use msa_sim::proxy::scenarios::{apply_item, format_fault, parse_fault, set, to_items};
use msa_sim::proxy::{preset, Config, PRESETS};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let name = PRESETS[first as usize % PRESETS.len()].0;
    let mut cfg = preset(name).expect("every listed preset exists");
    let s = String::from_utf8_lossy(rest);
    for item in s.split(['\n', '&']) {
        let _ = apply_item(&mut cfg, item);
        if let Some((k, v)) = item.split_once('=') {
            if let Ok(f) = parse_fault(k, v) {
                assert_eq!(parse_fault(k, &format_fault(&f)), Ok(f));
            }
            if let Some(n) = NextUpstream::parse(v) {
                let _ = n.to_directive_args();
            }
        }
    }
    if cfg.validate().is_err() {
        return;
    }
    let mut back = Config::default();
    for (k, v) in to_items(&cfg) {
        set(&mut back, &k, &v).unwrap_or_else(|e| panic!("{name}: {k}={v}: {e}"));
    }
    assert_eq!(back, cfg, "{name}: items round trip");
    let q = cfg.to_query();
    assert_eq!(Config::from_query(&q), Ok(cfg), "{name}: query round trip of {q:?}");
});
