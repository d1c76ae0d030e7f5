//! The course facts, `course-facts`: what the browser suites (tests/e2e/lib.mjs, and through it tests/engines/ and
//! scripts/deploy-check.sh) check each page against, taken from the same parse the build made, so that no script
//! reads the Markdown again with a regular expression of its own. Printed by the `course-facts` tool for the
//! tests; never written into the site (the shipped manifest stays what the build needs, and the quizzes' answers
//! are not handed out beside the lessons a second time).
//!
//! ```text
//! { "lessons": [ { "slug",
//!                  "texts": { "<lang>": { "title", "summary", "minutes",
//!                                         "ids": ["<## and ### heading ids, in order>"],
//!                                         "quizzes": [{ "id", "right": <index of the + option>, "count" }],
//!                                         "asides": ["<kind>", ...] } } } ],
//!   "glossary": [ { "id", "<lang>": "<the term's name>" } ] }
//! ```

use crate::{Block, Site};
use serde_json::{json, Map, Value};

/// The facts of `site`, in summary order (lessons) and file order (everything else).
pub fn course_facts(site: &Site) -> Value {
    let lessons: Vec<Value> = site
        .lessons
        .iter()
        .map(|set| {
            let texts: Map<String, Value> = set
                .langs
                .iter()
                .map(|l| {
                    let ids: Vec<&str> = l.toc.iter().map(|t| t.id.as_str()).collect();
                    let quizzes: Vec<Value> = l
                        .blocks
                        .iter()
                        .filter_map(|b| match b {
                            Block::Quiz(q) => Some(json!({
                                "id": q.id,
                                "right": q.options.iter().position(|o| o.correct),
                                "count": q.options.len(),
                            })),
                            _ => None,
                        })
                        .collect();
                    let asides: Vec<&str> = l.asides.iter().map(|a| a.kind.as_str()).collect();
                    let text = json!({
                        "title": l.title,
                        "summary": l.summary,
                        "minutes": l.minutes,
                        "ids": ids,
                        "quizzes": quizzes,
                        "asides": asides,
                    });
                    (l.lang.clone(), text)
                })
                .collect();
            json!({ "slug": set.slug, "texts": texts })
        })
        .collect();
    let glossary: Vec<Value> = site
        .glossary
        .iter()
        .map(|t| {
            let mut term = Map::new();
            term.insert("id".into(), t.id.clone().into());
            for (lang, name) in crate::LANGS.iter().zip(&t.names) {
                term.insert((*lang).into(), name.clone().into());
            }
            Value::Object(term)
        })
        .collect();
    json!({ "lessons": lessons, "glossary": glossary })
}
