//! The `proxy` directive's `preset` values are exactly the simulation core's preset names, in its order.

#[test]
fn proxy_presets_are_the_cores() {
    let core: Vec<&str> = msa_sim::proxy::PRESETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(msa_content::PROXY_PRESETS, core.as_slice());
}
