//! `content/SUMMARY.md`: the course order, one list item a lesson, as mdBook's SUMMARY.md orders chapters.
//!
//! ```text
//! # Course order
//! 1. [Monolith vs microservices](monolith-vs-msa.md)
//! 2. [Domain-driven design](ddd.md)
//! ```

use crate::ContentError;
use std::path::Path;

/// The slugs in course order. Every list item must link to `<slug>.md`; a slug may appear once.
pub fn parse_summary(file: &Path, src: &str) -> Result<Vec<String>, Vec<ContentError>> {
    let mut slugs: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim();
        let item = line.strip_prefix("- ").or_else(|| {
            line.split_once(". ")
                .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
                .map(|(_, r)| r)
        });
        let Some(item) = item else {
            if !(line.is_empty() || line.starts_with('#')) {
                errors.push(ContentError::new(
                    file,
                    i + 1,
                    format!("`{line}` is not a list item `1. [Title](slug.md)`"),
                ));
            }
            continue;
        };
        let target =
            item.rsplit_once("](").and_then(|(_, rest)| rest.strip_suffix(')')).and_then(|t| t.strip_suffix(".md"));
        match target {
            Some("glossary") => errors.push(ContentError::new(
                file,
                i + 1,
                "`glossary` is the glossary page's address, not a lesson slug",
            )),
            Some(slug) if is_slug(slug) => {
                if slugs.iter().any(|s| s == slug) {
                    errors.push(ContentError::new(file, i + 1, format!("lesson `{slug}` is listed twice")));
                } else {
                    slugs.push(slug.to_string());
                }
            }
            _ => errors.push(ContentError::new(
                file,
                i + 1,
                format!("`{item}` does not link a lesson file: write `[Title](slug.md)` with a lowercase-dashed slug"),
            )),
        }
    }
    if slugs.is_empty() && errors.is_empty() {
        errors.push(ContentError::new(file, 1, "the summary lists no lesson"));
    }
    if errors.is_empty() {
        Ok(slugs)
    } else {
        Err(errors)
    }
}

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}
