//! Reading times: every lesson's `minutes:` is what `msa_content::estimate` makes of its text, in every language.
//! Run with `--nocapture` to see the figures:
//!
//! ```text
//! cargo test -p msa-content --test reading_time -- --nocapture
//! ```

use msa_content::{estimate, load_site, LANGS, WIDGETS};
use std::path::Path;

/// How far the front matter may be from an estimate, in minutes: the larger of 1 minute and 15% of the estimate.
/// One value serves both languages (the course map shows the same lesson at the same length), and the two
/// estimates differ by the rates' own error (a Korean sentence is not an English one re-counted), so the tolerance
/// covers that difference; anything beyond it is a lesson that grew or shrank without its minutes.
fn tolerance(estimate: f64) -> f64 {
    (estimate * 0.15).max(1.0)
}

#[test]
fn every_lesson_states_the_minutes_its_text_takes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let site = load_site(&root, WIDGETS).unwrap_or_else(|e| panic!("{e:#?}"));
    let mut failures = Vec::new();
    let head = ["lesson", "lang", "words", "hangul", "code", "wdg", "q", "prd", "est", "asides", "stated"];
    println!(
        "{:<18} {:>4} {:>6} {:>7} {:>5} {:>3} {:>3} {:>3} {:>7} {:>7} {:>7}",
        head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8], head[9], head[10]
    );
    for set in &site.lessons {
        let mut estimates = Vec::new();
        for lesson in &set.langs {
            let e = estimate(lesson);
            println!(
                "{:<18} {:>4} {:>6} {:>7} {:>5} {:>3} {:>3} {:>3} {:>7.1} {:>7.1} {:>7}",
                set.slug,
                lesson.lang,
                e.words,
                e.hangul,
                e.code_words,
                e.widgets,
                e.questions,
                e.predictions,
                e.minutes,
                e.aside_minutes,
                lesson.minutes
            );
            let off = (lesson.minutes as f64 - e.minutes).abs();
            if off > tolerance(e.minutes) {
                failures.push(format!(
                    "content/{}/{}.md: minutes: {} but the text takes about {:.1} (tolerance {:.1})",
                    lesson.lang,
                    set.slug,
                    lesson.minutes,
                    e.minutes,
                    tolerance(e.minutes)
                ));
            }
            estimates.push(e.minutes);
        }
        let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
        println!("{:<18} {:>4} {:>41.1} -> minutes: {}", set.slug, "mean", mean, mean.round());
        let stated: Vec<u32> = set.langs.iter().map(|l| l.minutes).collect();
        if stated.windows(2).any(|w| w[0] != w[1]) {
            failures.push(format!("{}: minutes differ between {:?}: {stated:?}", set.slug, LANGS));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
