//! `content/glossary.md`: the terms every lesson shares, each named and defined in both languages.
//!
//! ```text
//! ## aggregate
//! ko: 애그리거트
//! en: aggregate
//! ko-def: 하나의 단위로 일관성을 지키는 엔티티와 값 객체의 묶음. 바깥에서는 루트를 통해서만 바꾼다.
//! en-def: A cluster of entities and value objects kept consistent as one unit, changed only through its root.
//! ```
//!
//! Lessons link a term where it first appears: `[애그리거트](glossary:aggregate)`.

use crate::{ContentError, Term, LANGS};
use std::path::Path;

pub fn parse_glossary(file: &Path, src: &str) -> Result<Vec<Term>, Vec<ContentError>> {
    let mut terms: Vec<Term> = Vec::new();
    let mut errors = Vec::new();
    let err = |line: usize, m: String| ContentError::new(file, line, m);
    for (i, raw) in src.lines().enumerate() {
        let l = i + 1;
        let line = raw.trim();
        if line.is_empty() || (line.starts_with("# ") && !line.starts_with("## ")) {
            continue;
        }
        if let Some(id) = line.strip_prefix("## ") {
            let id = id.trim();
            if !crate::summary::is_slug(id) {
                errors.push(err(l, format!("term id `{id}` must be lowercase letters, digits and dashes")));
            } else if terms.iter().any(|t| t.id == id) {
                errors.push(err(l, format!("term `{id}` is defined twice")));
            }
            terms.push(Term {
                id: id.to_string(),
                names: vec![String::new(); LANGS.len()],
                definitions: vec![String::new(); LANGS.len()],
                line: l,
            });
            continue;
        }
        let Some(term) = terms.last_mut() else {
            errors.push(err(l, "text before the first `## term-id`".into()));
            continue;
        };
        let Some((key, value)) = line.split_once(':') else {
            errors.push(err(l, format!("`{line}` is not `ko: ...`, `en: ...`, `ko-def: ...` or `en-def: ...`")));
            continue;
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        let (lang, is_def) = match key.strip_suffix("-def") {
            Some(lang) => (lang, true),
            None => (key, false),
        };
        let Some(li) = LANGS.iter().position(|x| *x == lang) else {
            errors.push(err(l, format!("unknown key `{key}`")));
            continue;
        };
        if value.contains('<') {
            errors.push(err(l, "glossary text is plain text".into()));
        }
        let slot = if is_def { &mut term.definitions[li] } else { &mut term.names[li] };
        if !slot.is_empty() {
            errors.push(err(l, format!("`{key}` is given twice")));
        }
        *slot = value;
    }
    for t in &terms {
        for (li, lang) in LANGS.iter().enumerate() {
            if t.names[li].is_empty() {
                errors.push(err(t.line, format!("term `{}` has no `{lang}:` name", t.id)));
            }
            if t.definitions[li].is_empty() {
                errors.push(err(t.line, format!("term `{}` has no `{lang}-def:` definition", t.id)));
            }
        }
    }
    if errors.is_empty() {
        Ok(terms)
    } else {
        Err(errors)
    }
}
