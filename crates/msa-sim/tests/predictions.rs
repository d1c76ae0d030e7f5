//! The lessons' predictions: every reveal runs and answers within its kind, its answers are pinned (the lessons'
//! "why" paragraphs explain these very outcomes), and every ```predict block of content/ names a reveal of the
//! core with the same option keys, in both languages.

#![cfg(not(target_arch = "wasm32"))]

use msa_content::{Block, PredictAnswer, LANGS, WIDGETS};
use msa_sim::predict::{kind, reveal, Answer, Kind, REVEALS};
use std::path::Path;

#[test]
fn every_reveal_runs_and_answers_within_its_kind() {
    for (name, k) in REVEALS {
        let r = reveal(name).unwrap_or_else(|| panic!("{name} has no reveal"));
        match (k, &r.answer) {
            (Kind::Choice(keys), Answer::Choice(a)) => assert!(keys.contains(a), "{name}: {a} is not one of {keys:?}"),
            (Kind::Number, Answer::Number(_)) => {}
            _ => panic!("{name}: answer {:?} is not of kind {k:?}", r.answer),
        }
        assert!(!r.rows.is_empty(), "{name}: no table");
        assert!(r.rows.iter().all(|row| row.len() == r.cols.len()), "{name}: a row's cells differ from the columns");
        assert!(r.mark.is_none_or(|m| m < r.rows.len()), "{name}: the mark is past the table");
    }
}

/// The answers the lessons explain. A change in the engine that moves one of them changes what a lesson says.
#[test]
fn answers_are_the_ones_the_lessons_explain() {
    let choice = |name: &str| match reveal(name).unwrap().answer {
        Answer::Choice(k) => k,
        a => panic!("{name}: {a:?}"),
    };
    let number = |name: &str| match reveal(name).unwrap().answer {
        Answer::Number(n) => n,
        a => panic!("{name}: {a:?}"),
    };
    // Round robin counts requests: the slow server still gets a third; least_conn sends it fewer.
    assert_eq!(choice("proxy.rr-slow-share"), "third");
    assert_eq!(choice("proxy.least-conn-slow-share"), "less");
    // ip_hash sends s2's clients home to an empty s2 when it returns; a sticky cookie re-issued elsewhere does not.
    assert_eq!(choice("proxy.ip-hash-return"), "again");
    assert_eq!(choice("proxy.cookie-return"), "kept");
    assert_eq!(number("proxy.shared-store-lost"), 0);
    // M/M/4 with 1 ms service: Erlang C gives a p99 response time of 6.9 ms at 80 % load and 23.6 ms at 95 %.
    assert_eq!(number("proxy.mmc-p99-095"), 24);
    assert_eq!(choice("proxy.saturation-failed"), "quarter");
    // The read-then-write counter loses one of two increments; an atomic UPDATE re-reads after the wait; REPEATABLE
    // READ refuses with 40001; PostgreSQL aborts the transfer whose deadlock_timeout fires first.
    assert_eq!(number("race.lost-update-final"), 1);
    assert_eq!(choice("race.atomic-second-write"), "fresh");
    assert_eq!(choice("race.repeatable-read-second"), "error");
    assert_eq!(choice("race.deadlock-victim"), "t1");
}

#[test]
fn the_lessons_predictions_match_the_core() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let site = msa_content::load_site(&root, WIDGETS).unwrap_or_else(|e| panic!("content/ is invalid: {e:?}"));
    let mut seen = 0;
    for set in &site.lessons {
        for lesson in &set.langs {
            for b in &lesson.blocks {
                let Block::Predict(p) = b else { continue };
                seen += 1;
                let at = format!("content/{}/{}.md:{} ({})", lesson.lang, lesson.slug, p.line, p.reveal);
                let k = kind(&p.reveal).unwrap_or_else(|| panic!("{at}: no such reveal in msa_sim::predict::REVEALS"));
                match (&p.answer, k) {
                    (PredictAnswer::Choice(options), Kind::Choice(keys)) => {
                        let mut written: Vec<&str> = options.iter().map(|(k, _)| k.as_str()).collect();
                        written.sort_unstable();
                        let mut known = keys.to_vec();
                        known.sort_unstable();
                        assert_eq!(written, known, "{at}: the options' keys differ from the reveal's");
                    }
                    (PredictAnswer::Number { min, max, .. }, Kind::Number) => {
                        let Some(Answer::Number(n)) = reveal(&p.reveal).map(|r| r.answer) else { unreachable!() };
                        assert!((*min..=*max).contains(&n), "{at}: the answer {n} is outside min..max");
                    }
                    (a, k) => panic!("{at}: the block asks {a:?}, the reveal answers {k:?}"),
                }
            }
        }
    }
    assert!(seen >= 3 * LANGS.len(), "only {seen} predictions in the course");
}
