//! Predictions, written as a fenced block before the part of the lesson that explains the answer:
//!
//! ````text
//! ```predict
//! id: lb-rr-slow-share
//! reveal: proxy.rr-slow-share
//! question: Round robin, and s3 is four times slower than the others. What share of the requests does s3 get?
//! - [less] Less than a third: nginx notices that it is slow
//! - [third] A third, like the others
//! - [more] More than a third: its requests pile up
//! why: Round robin counts requests, not how long they take: ...
//! ```
//! ````
//!
//! or, for a number, `number: ms` (the unit as the learner reads it) with optional `min:` and `max:` instead of
//! options. `reveal:` names a reveal of the simulation core (`msa_sim::predict`, `<family>.<name>`); the core
//! computes the answer, so no option is marked right here (msa-sim's tests check that the core's answer is one of
//! the keys). Text is inline Markdown, rendered to HTML at build time.

use crate::quiz::render_inline;
use crate::{Predict, PredictAnswer, BUNDLES};

/// Parses a predict block whose first body line is `first_line` of the file. Errors carry their own line numbers.
pub fn parse_predict(body: &str, first_line: usize) -> Result<Predict, Vec<(usize, String)>> {
    let mut errors = Vec::new();
    let mut id = None;
    let mut reveal = None;
    let mut question = None;
    let mut why = None;
    let mut unit: Option<String> = None;
    let (mut min, mut max) = (0_i64, 1_000_000_i64);
    let mut options: Vec<(String, String)> = Vec::new();
    let inline = |l: usize, v: &str, what: &str, errors: &mut Vec<(usize, String)>| match render_inline(v.trim()) {
        Ok(h) if !v.trim().is_empty() => Some(h),
        Ok(_) => {
            errors.push((l, format!("an empty `{what}`")));
            None
        }
        Err(m) => {
            errors.push((l, m.replace("quiz", "prediction")));
            None
        }
    };
    for (i, raw) in body.lines().enumerate() {
        let l = first_line + i;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(v) = line.strip_prefix("id:") {
            let v = v.trim();
            if crate::summary::is_slug(v) {
                id = Some(v.to_string());
            } else {
                errors.push((l, format!("prediction id `{v}` must be lowercase letters, digits and dashes")));
            }
        } else if let Some(v) = line.strip_prefix("reveal:") {
            let v = v.trim();
            match v.split_once('.') {
                Some((family, name)) if BUNDLES.contains(&family) && crate::summary::is_slug(name) => {
                    reveal = Some(v.to_string())
                }
                _ => errors.push((
                    l,
                    format!("`reveal: {v}` must be `<family>.<name>`, the family one of {}", BUNDLES.join(", ")),
                )),
            }
        } else if let Some(v) = line.strip_prefix("question:") {
            question = inline(l, v, "question:", &mut errors);
        } else if let Some(v) = line.strip_prefix("why:") {
            why = inline(l, v, "why:", &mut errors);
        } else if let Some(v) = line.strip_prefix("number:") {
            if v.trim().is_empty() || v.contains(['<', '>', '&']) {
                errors.push((l, "`number:` names the unit as plain text (`number: ms`)".into()));
            } else {
                unit = Some(v.trim().to_string());
            }
        } else if let Some((key, v)) =
            line.strip_prefix("min:").map(|v| ("min", v)).or(line.strip_prefix("max:").map(|v| ("max", v)))
        {
            match v.trim().parse::<i64>() {
                Ok(x) if x.abs() <= 1_000_000_000 => *(if key == "min" { &mut min } else { &mut max }) = x,
                _ => errors.push((l, format!("`{key}:` takes a whole number, not `{}`", v.trim()))),
            }
        } else if let Some(rest) = line.strip_prefix("- [") {
            match rest.split_once(']') {
                Some((key, text)) if crate::summary::is_slug(key) => {
                    if options.iter().any(|(k, _)| k == key) {
                        errors.push((l, format!("option key `{key}` is used twice")));
                    }
                    if let Some(h) = inline(l, text, "option", &mut errors) {
                        options.push((key.to_string(), h));
                    }
                }
                _ => errors
                    .push((l, "an option is `- [key] text`, the key in lowercase letters, digits and dashes".into())),
            }
        } else {
            errors.push((
                l,
                format!("`{line}` is not `id:`, `reveal:`, `question:`, `- [key] option`, `number:`, `min:`, `max:` or `why:`"),
            ));
        }
    }
    let header = first_line.saturating_sub(1);
    for (missing, what) in [
        (id.is_none(), "id: ..."),
        (reveal.is_none(), "reveal: <family>.<name>"),
        (question.is_none(), "question: ..."),
        (why.is_none(), "why: ..."),
    ] {
        if missing {
            errors.push((header, format!("the prediction needs `{what}`")));
        }
    }
    let answer = match (unit, options.len()) {
        (Some(unit), 0) => {
            if min >= max {
                errors.push((header, format!("`min:` ({min}) must be below `max:` ({max})")));
            }
            PredictAnswer::Number { unit, min, max }
        }
        (None, 2..=6) => PredictAnswer::Choice(options),
        (Some(_), _) => {
            errors.push((header, "a prediction takes options or `number:`, not both".into()));
            PredictAnswer::Choice(Vec::new())
        }
        (None, n) => {
            errors.push((header, format!("a prediction has 2 to 6 options (or `number: unit`), not {n}")));
            PredictAnswer::Choice(Vec::new())
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Predict {
        id: id.unwrap_or_default(),
        reveal: reveal.unwrap_or_default(),
        question: question.unwrap_or_default(),
        answer,
        why: why.unwrap_or_default(),
        line: header,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options_and_numbers() {
        let p = parse_predict(
            "id: a\nreveal: proxy.rr-slow-share\nquestion: Which **one**?\n- [less] Less\n- [third] A third\nwhy: Because.\n",
            10,
        )
        .unwrap();
        assert_eq!(p.family(), "proxy");
        assert_eq!(p.widget_name(), "predict-proxy");
        assert_eq!(p.question, "Which <strong>one</strong>?");
        assert_eq!(
            p.answer,
            PredictAnswer::Choice(vec![("less".into(), "Less".into()), ("third".into(), "A third".into())])
        );
        assert_eq!(p.line, 9);
        let n =
            parse_predict("id: b\nreveal: race.x\nquestion: How many?\nnumber: ms\nmax: 5000\nwhy: W.\n", 1).unwrap();
        assert_eq!(n.answer, PredictAnswer::Number { unit: "ms".into(), min: 0, max: 5000 });
    }

    #[test]
    fn refuses_what_cannot_be_checked() {
        let errs = |body: &str| parse_predict(body, 1).unwrap_err();
        // No reveal, or one of no family: nothing could compute the answer.
        assert!(errs("id: a\nquestion: Q\n- [x] X\n- [y] Y\nwhy: W\n").iter().any(|(_, m)| m.contains("reveal")));
        assert!(errs("id: a\nreveal: web.x\nquestion: Q\n- [x] X\n- [y] Y\nwhy: W\n")
            .iter()
            .any(|(_, m)| m.contains("family")));
        // A right answer marked in the text: the core decides it.
        assert!(errs("id: a\nreveal: race.x\nquestion: Q\n+ [x] X\n- [y] Y\nwhy: W\n").iter().any(|(l, _)| *l == 4));
        // Options and a number at once; one option; a key used twice; no why.
        assert!(!errs("id: a\nreveal: race.x\nquestion: Q\nnumber: ms\n- [x] X\n- [y] Y\nwhy: W\n").is_empty());
        assert!(!errs("id: a\nreveal: race.x\nquestion: Q\n- [x] X\nwhy: W\n").is_empty());
        assert!(errs("id: a\nreveal: race.x\nquestion: Q\n- [x] X\n- [x] Y\nwhy: W\n")
            .iter()
            .any(|(_, m)| m.contains("twice")));
        assert!(errs("id: a\nreveal: race.x\nquestion: Q\n- [x] X\n- [y] Y\n").iter().any(|(_, m)| m.contains("why")));
        assert!(!errs("id: a\nreveal: race.x\nquestion: Q\nnumber: ms\nmin: 5\nmax: 1\nwhy: W\n").is_empty());
    }
}
