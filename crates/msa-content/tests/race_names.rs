//! The race widget's directive lists name exactly the core's presets and strategies.

#[test]
fn race_directive_names_match_the_core() {
    let presets: Vec<&str> = msa_sim::race::PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(msa_content::RACE_SCENARIOS, &presets[..]);
    let strategies: Vec<&str> = msa_sim::race::Strategy::ALL.iter().map(|s| s.name()).collect();
    assert_eq!(msa_content::RACE_STRATEGIES, &strategies[..]);
}

#[test]
fn sql_directive_examples_match_the_core() {
    let names: Vec<&str> = msa_sim::sql::examples::EXAMPLES.iter().map(|e| e.name).collect();
    assert_eq!(msa_content::SQL_EXAMPLES, &names[..]);
}
