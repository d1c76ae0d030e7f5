//! # lesson-format: a lesson's body on the wire
//!
//! Lesson bodies are not compiled into the site's wasm: each is a small file (`lessons/<lang>/<slug>.txt`)
//! fetched when the learner opens the lesson, so the first load stays small however much the course grows. The
//! Markdown was parsed and checked at build time; this format only carries the result, and reading it is
//! splitting a string. [`decode`] returns borrowed slices of its input and never panics: a file that is not a
//! lesson body (a host's HTML fallback page, a truncated download) is a [`DecodeError`].
//!
//! ```
//! use lesson_format::{decode, encode, Block, Quiz, QuizOption};
//! let blocks = vec![
//!     Block::Html("<p>Hello</p>"),
//!     Block::Widget { name: "proxy", params: vec![("preset", "notes-port-8004")] },
//!     Block::Quiz(Quiz { id: "q1", question: "Right?", options: vec![
//!         QuizOption { text: "yes", correct: true, why: "Because." },
//!         QuizOption { text: "no", correct: false, why: "It is." },
//!     ] }),
//! ];
//! let wire = encode(&blocks).unwrap();
//! assert_eq!(decode(&wire).unwrap(), blocks);
//! ```
//!
//! Layout: the line [`MAGIC`], then blocks separated by RS (U+001E), each block's fields separated by US
//! (U+001F). A block is `H␟html`, `W␟name␟key=value…`, `Q␟id␟question` followed by `text␟1|0␟why` for each
//! option, or `P␟id␟reveal␟question␟why` followed by `C` and `key␟text` for each option, or by `N␟unit␟min␟max`. Neither separator may occur in the content ([`encode`] refuses it).

use std::fmt;

pub mod glossary;
pub mod progress;

/// The first line of every lesson body; a new layout gets a new number.
pub const MAGIC: &str = "MSA-LAB LESSON 1\n";
pub(crate) const RS: char = '\u{1e}';
pub(crate) const US: char = '\u{1f}';

/// A piece of a lesson: prose, a widget to mount, or a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block<'a> {
    /// Prose rendered to HTML at build time.
    Html(&'a str),
    /// A widget directive: the component's name and its settings in the order written.
    Widget {
        name: &'a str,
        params: Vec<(&'a str, &'a str)>,
    },
    Quiz(Quiz<'a>),
    Predict(Predict<'a>),
}

/// A prediction: the learner commits to an answer, then the simulation core's reveal `reveal` computes what
/// happens (the content marks no answer right).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predict<'a> {
    /// The same in every language: the prediction is stored under it.
    pub id: &'a str,
    /// `<family>.<name>`, a reveal of `msa_sim::predict`.
    pub reveal: &'a str,
    /// Inline HTML.
    pub question: &'a str,
    /// Inline HTML, shown with the result.
    pub why: &'a str,
    pub answer: PredictAnswer<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PredictAnswer<'a> {
    /// (key the core answers with, inline HTML).
    Choice(Vec<(&'a str, &'a str)>),
    /// A whole number in `unit`, from `min` to `max`.
    Number { unit: &'a str, min: i64, max: i64 },
}

/// A question: exactly one option is right, and every option explains itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quiz<'a> {
    /// The same in every language: answers are stored under it.
    pub id: &'a str,
    /// Inline HTML.
    pub question: &'a str,
    pub options: Vec<QuizOption<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizOption<'a> {
    pub text: &'a str,
    pub correct: bool,
    pub why: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A separator character inside content (block number, 0-based).
    Separator { block: usize },
    /// A widget setting without a name, or a name containing `=`.
    BadKey { block: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The text does not start with [`MAGIC`]: not a lesson body (or another version of the format).
    NotALesson,
    /// The text does not start with [`glossary::MAGIC`].
    NotAGlossary,
    /// Block `block` (0-based) is malformed.
    BadBlock { block: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotALesson => write!(f, "not a lesson body"),
            DecodeError::NotAGlossary => write!(f, "not the glossary"),
            DecodeError::BadBlock { block } => write!(f, "block {block} is malformed"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Writes blocks in the wire format.
pub fn encode(blocks: &[Block]) -> Result<String, EncodeError> {
    let mut out = String::from(MAGIC);
    for (i, b) in blocks.iter().enumerate() {
        let mut fields: Vec<&str> = Vec::new();
        let kv: Vec<String>;
        match b {
            Block::Html(h) => fields.extend(["H", h]),
            Block::Widget { name, params } => {
                if params.iter().any(|(k, _)| k.is_empty() || k.contains('=')) {
                    return Err(EncodeError::BadKey { block: i });
                }
                kv = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                fields.extend(["W", name]);
                fields.extend(kv.iter().map(String::as_str));
            }
            Block::Quiz(q) => {
                fields.extend(["Q", q.id, q.question]);
                for o in &q.options {
                    fields.extend([o.text, if o.correct { "1" } else { "0" }, o.why]);
                }
            }
            Block::Predict(p) => {
                fields.extend(["P", p.id, p.reveal, p.question, p.why]);
                match &p.answer {
                    PredictAnswer::Choice(options) => {
                        fields.push("C");
                        for (k, t) in options {
                            fields.extend([*k, *t]);
                        }
                    }
                    PredictAnswer::Number { unit, min, max } => {
                        kv = vec![min.to_string(), max.to_string()];
                        fields.extend(["N", unit]);
                        fields.extend(kv.iter().map(String::as_str));
                    }
                }
            }
        }
        push_record(&mut out, i, &fields)?;
    }
    Ok(out)
}

/// Appends record `i` (0-based) of a file in this crate's layout: its fields joined by US, after an RS unless it is
/// the first. A field holding a separator is refused.
pub(crate) fn push_record(out: &mut String, i: usize, fields: &[&str]) -> Result<(), EncodeError> {
    if fields.iter().any(|f| f.contains([RS, US])) {
        return Err(EncodeError::Separator { block: i });
    }
    if i > 0 {
        out.push(RS);
    }
    out.push_str(&fields.join("\u{1f}"));
    Ok(())
}

/// The records of a file in this crate's layout, numbered, each as an iterator over its fields: `text` must start
/// with `magic` (else `not`); an empty file has no records.
pub(crate) fn records<'a>(
    text: &'a str,
    magic: &str,
    not: DecodeError,
) -> Result<impl Iterator<Item = (usize, std::str::Split<'a, char>)>, DecodeError> {
    let body = text.strip_prefix(magic).ok_or(not)?;
    Ok(body.split(RS).filter(|_| !body.is_empty()).map(|raw| raw.split(US)).enumerate())
}

/// Reads a lesson body. Borrowed from `text`; any input gives blocks or an error, never a panic.
pub fn decode(text: &str) -> Result<Vec<Block<'_>>, DecodeError> {
    records(text, MAGIC, DecodeError::NotALesson)?
        .map(|(i, mut f)| {
            let bad = DecodeError::BadBlock { block: i };
            match (f.next(), f.next()) {
                (Some("H"), Some(html)) if f.next().is_none() => Ok(Block::Html(html)),
                (Some("W"), Some(name)) if !name.is_empty() => {
                    let params =
                        f.map(|kv| kv.split_once('=').filter(|(k, _)| !k.is_empty())).collect::<Option<Vec<_>>>();
                    Ok(Block::Widget { name, params: params.ok_or(bad)? })
                }
                (Some("Q"), Some(id)) => {
                    let question = f.next().ok_or(bad.clone())?;
                    let rest: Vec<&str> = f.collect();
                    if rest.is_empty() || !rest.len().is_multiple_of(3) {
                        return Err(bad);
                    }
                    let options = rest
                        .chunks(3)
                        .map(|c| match c[1] {
                            "1" => Some(QuizOption { text: c[0], correct: true, why: c[2] }),
                            "0" => Some(QuizOption { text: c[0], correct: false, why: c[2] }),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()
                        .ok_or(bad.clone())?;
                    if options.iter().filter(|o| o.correct).count() != 1 {
                        return Err(bad);
                    }
                    Ok(Block::Quiz(Quiz { id, question, options }))
                }
                (Some("P"), Some(id)) => {
                    let (Some(reveal), Some(question), Some(why)) = (f.next(), f.next(), f.next()) else {
                        return Err(bad);
                    };
                    let answer = match (f.next(), f.collect::<Vec<&str>>().as_slice()) {
                        (Some("C"), rest) if !rest.is_empty() && rest.len() % 2 == 0 => {
                            PredictAnswer::Choice(rest.chunks(2).map(|c| (c[0], c[1])).collect())
                        }
                        (Some("N"), [unit, min, max]) => match (min.parse::<i64>(), max.parse::<i64>()) {
                            (Ok(min), Ok(max)) if min < max => PredictAnswer::Number { unit, min, max },
                            _ => return Err(bad),
                        },
                        _ => return Err(bad),
                    };
                    Ok(Block::Predict(Predict { id, reveal, question, why, answer }))
                }
                _ => Err(bad),
            }
        })
        .collect()
}

/// The body without its prose: every `H` block's HTML left out, the rest as it was. A page that already holds the
/// prose (the static copy of a lesson, rendered by the app's src/bin/render.rs) carries
/// this instead of the whole body, and [`with_prose`] puts the two together again. None when `text` is not a body.
pub fn without_prose(text: &str) -> Option<String> {
    let body = text.strip_prefix(MAGIC)?;
    let blocks: Vec<&str> = body.split(RS).map(|b| if b.starts_with("H\u{1f}") { "H\u{1f}" } else { b }).collect();
    Some(format!("{MAGIC}{}", blocks.join("\u{1e}")))
}

/// The body again from [`without_prose`]'s text and the prose blocks' HTML, in order. None when the number of
/// prose blocks differs, or when the HTML holds a separator: then the page fetches the body instead.
pub fn with_prose(skeleton: &str, prose: impl IntoIterator<Item = String>) -> Option<String> {
    let body = skeleton.strip_prefix(MAGIC)?;
    let mut prose = prose.into_iter();
    let mut out = String::with_capacity(skeleton.len());
    out.push_str(MAGIC);
    for (i, block) in body.split(RS).enumerate() {
        if i > 0 {
            out.push(RS);
        }
        out.push_str(block);
        if block == "H\u{1f}" {
            let html = prose.next()?;
            if html.contains([RS, US]) {
                return None;
            }
            out.push_str(&html);
        }
    }
    prose.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_what_is_not_a_lesson() {
        assert_eq!(decode("<!doctype html><html>…"), Err(DecodeError::NotALesson));
        assert_eq!(decode(""), Err(DecodeError::NotALesson));
        assert_eq!(decode(MAGIC), Ok(vec![]));
        let q = format!("{MAGIC}Q\u{1f}id\u{1f}question\u{1f}a\u{1f}0\u{1f}why");
        assert_eq!(decode(&q), Err(DecodeError::BadBlock { block: 0 }), "no right option");
        let w = format!("{MAGIC}H\u{1f}<p>x</p>\u{1e}W\u{1f}demo\u{1f}novalue");
        assert_eq!(decode(&w), Err(DecodeError::BadBlock { block: 1 }));
        assert_eq!(encode(&[Block::Html("a\u{1e}b")]), Err(EncodeError::Separator { block: 0 }));
    }

    #[test]
    fn prose_comes_out_and_goes_back() {
        let wire = encode(&[
            Block::Html("<h2 id=\"a\">A</h2>"),
            Block::Widget { name: "lb-sim", params: vec![("preset", "mmc")] },
            Block::Html("<p>b</p>"),
        ])
        .unwrap();
        let skeleton = without_prose(&wire).unwrap();
        assert_eq!(skeleton, format!("{MAGIC}H\u{1f}\u{1e}W\u{1f}lb-sim\u{1f}preset=mmc\u{1e}H\u{1f}"));
        let prose = || vec!["<h2 id=\"a\">A</h2>".to_string(), "<p>b</p>".to_string()];
        assert_eq!(with_prose(&skeleton, prose()).as_deref(), Some(wire.as_str()));
        // Too few or too many prose blocks, a separator inside one, or no body at all: None, never a wrong body.
        assert_eq!(with_prose(&skeleton, prose().into_iter().take(1)), None);
        assert_eq!(with_prose(&skeleton, prose().into_iter().chain(["<p>c</p>".to_string()])), None);
        assert_eq!(with_prose(&skeleton, ["<p>\u{1e}</p>".to_string(), "x".to_string()]), None);
        assert_eq!(with_prose("<!doctype html>", prose()), None);
        assert_eq!(without_prose("<!doctype html>"), None);
    }

    proptest! {
        #[test]
        fn decoding_any_text_never_panics(s in ".*", prefix in any::<bool>()) {
            let text = if prefix { format!("{MAGIC}{s}") } else { s };
            let _ = decode(&text);
        }

        #[test]
        fn encode_then_decode_is_identity(
            html in "[^\u{1e}\u{1f}]*",
            name in "[a-z-]{1,12}",
            params in proptest::collection::vec(("[a-z_]{1,8}", "[^\u{1e}\u{1f}]*"), 0..4),
            texts in proptest::collection::vec(("[^\u{1e}\u{1f}]*", "[^\u{1e}\u{1f}]*"), 2..5),
            right in 0usize..2,
        ) {
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let options = texts.iter().enumerate().map(|(i, (t, w))| QuizOption { text: t, correct: i == right, why: w }).collect();
            let blocks = vec![
                Block::Html(&html),
                Block::Widget { name: &name, params },
                Block::Quiz(Quiz { id: "q", question: &html, options }),
                Block::Predict(Predict {
                    id: "p",
                    reveal: "proxy.x",
                    question: &html,
                    why: &name,
                    answer: PredictAnswer::Choice(texts.iter().map(|(t, w)| (t.as_str(), w.as_str())).collect()),
                }),
                Block::Predict(Predict {
                    id: "n",
                    reveal: "race.y",
                    question: &name,
                    why: &html,
                    answer: PredictAnswer::Number { unit: &name, min: -(right as i64), max: 1 + right as i64 },
                }),
            ];
            let wire = encode(&blocks).unwrap();
            prop_assert_eq!(&decode(&wire).unwrap(), &blocks);
            // Without its prose and with it again, the body is the same.
            let prose = blocks.iter().filter_map(|b| match b { Block::Html(h) => Some(h.to_string()), _ => None });
            prop_assert_eq!(with_prose(&without_prose(&wire).unwrap(), prose), Some(wire.clone()));
        }

        #[test]
        fn putting_any_prose_back_never_panics(skeleton in ".*", prose in proptest::collection::vec(".*", 0..4)) {
            let _ = with_prose(&format!("{MAGIC}{skeleton}"), prose);
        }
    }
}
