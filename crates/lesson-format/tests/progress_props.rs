//! The stored `id:n,id:n` map: any string parses or is refused (never a panic), and what the site writes
//! reads back to the same map.

use lesson_format::progress::{valid_id, Predictions, Progress, Solved, MAX_ID_LEN, MAX_PREDICTION, MAX_SOLVED_SIZE};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn valid_map() -> impl Strategy<Value = BTreeMap<String, u8>> {
    proptest::collection::btree_map("[a-z0-9-]{1,64}", 0u8..=100, 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_parses_or_is_refused(s in any::<String>()) {
        if let Ok(p) = s.parse::<Progress>() {
            // What parsed is canonical after one write: writing and reading again changes nothing.
            prop_assert_eq!(p.to_string().parse::<Progress>(), Ok(p.clone()));
            prop_assert!(p.0.iter().all(|(k, v)| valid_id(k) && *v <= 100));
        }
    }

    #[test]
    fn strings_of_the_format_alphabet_parse_or_are_refused(s in "[a-z0-9:,\\-]{0,80}") {
        if let Ok(p) = s.parse::<Progress>() {
            prop_assert_eq!(p.to_string().parse::<Progress>(), Ok(p));
        }
    }

    #[test]
    fn predictions_parse_or_are_refused_and_read_back(
        s in "[a-z0-9:,\\-]{0,80}",
        map in proptest::collection::btree_map("[a-z0-9-]{1,64}", -MAX_PREDICTION..=MAX_PREDICTION, 0..12),
    ) {
        if let Ok(p) = s.parse::<Predictions>() {
            prop_assert_eq!(p.to_string().parse::<Predictions>(), Ok(p.clone()));
            prop_assert!(p.0.values().all(|v| v.abs() <= MAX_PREDICTION));
        }
        let p = Predictions(map);
        prop_assert_eq!(p.to_string().parse::<Predictions>(), Ok(p));
    }

    #[test]
    fn solved_challenges_parse_or_are_refused_and_read_back(
        s in "[a-z0-9:,+\\-]{0,80}",
        map in proptest::collection::btree_map("[a-z0-9-]{1,64}", 0..=MAX_SOLVED_SIZE, 0..12),
    ) {
        if let Ok(p) = s.parse::<Solved>() {
            prop_assert_eq!(p.to_string().parse::<Solved>(), Ok(p.clone()));
            prop_assert!(p.0.values().all(|v| *v <= MAX_SOLVED_SIZE));
        }
        let p = Solved(map);
        prop_assert_eq!(p.to_string().parse::<Solved>(), Ok(p));
    }

    #[test]
    fn written_maps_read_back(map in valid_map()) {
        let p = Progress(map);
        prop_assert_eq!(p.to_string().parse::<Progress>(), Ok(p));
    }

    #[test]
    fn one_edited_character_never_panics(map in valid_map(), pos in any::<prop::sample::Index>(), c in any::<char>()) {
        let mut s: Vec<char> = Progress(map).to_string().chars().collect();
        if !s.is_empty() {
            let i = pos.index(s.len());
            s[i] = c;
        }
        let s: String = s.into_iter().collect();
        let _ = s.parse::<Progress>();
    }
}

#[test]
fn bounds_of_ids_and_values() {
    let long = "a".repeat(MAX_ID_LEN);
    assert!(format!("{long}:1").parse::<Progress>().is_ok());
    assert!(format!("{long}a:1").parse::<Progress>().is_err());
    assert!("a:100".parse::<Progress>().is_ok());
    assert!("a:256".parse::<Progress>().is_err());
    assert!("a:-1".parse::<Progress>().is_err());
    assert!("a:+5".parse::<Progress>().is_ok(), "u8::from_str takes a leading +");
    assert_eq!(",,a:5,,".parse::<Progress>().map(|p| p.to_string()), Ok("a:5".to_string()));
    assert_eq!("a:1,a:2".parse::<Progress>().map(|p| p.percent("a")), Ok(2));
}
