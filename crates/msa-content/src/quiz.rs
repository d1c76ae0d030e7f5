//! Questions at the end of a lesson, written as a fenced block:
//!
//! ````text
//! ```quiz
//! id: rr-fourth-request
//! question: With weights a=5, b=1, c=1, which server gets the **fourth** request?
//! - b
//!   why: b got the third request; ...
//! + a
//!   why: Smooth weighted round robin gives a a b a c a a: ...
//! ```
//! ````
//!
//! `+` marks the one right option, `-` the others; every option has a `why:` line. Text is inline Markdown
//! (bold, code, emphasis), rendered to HTML at build time.

use crate::{Quiz, QuizOption};
use pulldown_cmark::{Event, Parser, Tag};

/// Parses a quiz block whose first body line is `first_line` of the file. Errors carry their own line numbers.
pub fn parse_quiz(body: &str, first_line: usize) -> Result<Quiz, Vec<(usize, String)>> {
    let mut errors = Vec::new();
    let mut id = None;
    let mut question = None;
    let mut options: Vec<(String, bool, Option<String>, usize)> = Vec::new();
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
                errors.push((l, format!("quiz id `{v}` must be lowercase letters, digits and dashes")));
            }
        } else if let Some(v) = line.strip_prefix("question:") {
            match render_inline(v.trim()) {
                Ok(h) if !v.trim().is_empty() => question = Some(h),
                Ok(_) => errors.push((l, "the question is empty".into())),
                Err(m) => errors.push((l, m)),
            }
        } else if let Some(v) = line.strip_prefix("why:") {
            match options.last_mut() {
                Some(o) if o.2.is_none() => match render_inline(v.trim()) {
                    Ok(h) if !v.trim().is_empty() => o.2 = Some(h),
                    Ok(_) => errors.push((l, "an empty `why:`".into())),
                    Err(m) => errors.push((l, m)),
                },
                Some(_) => errors.push((l, "one `why:` per option".into())),
                None => errors.push((l, "`why:` before any option".into())),
            }
        } else if let Some((mark, text)) = line.split_at_checked(1).filter(|(m, _)| *m == "+" || *m == "-") {
            match render_inline(text.trim()) {
                Ok(h) if !text.trim().is_empty() => options.push((h, mark == "+", None, l)),
                Ok(_) => errors.push((l, "an empty option".into())),
                Err(m) => errors.push((l, m)),
            }
        } else {
            errors
                .push((l, format!("`{line}` is not `id:`, `question:`, `+ right option`, `- wrong option` or `why:`")));
        }
    }
    let header = first_line.saturating_sub(1);
    if id.is_none() {
        errors.push((header, "the quiz needs `id: ...`".into()));
    }
    if question.is_none() {
        errors.push((header, "the quiz needs `question: ...`".into()));
    }
    if !(2..=6).contains(&options.len()) {
        errors.push((header, format!("a quiz has 2 to 6 options, not {}", options.len())));
    }
    let right = options.iter().filter(|o| o.1).count();
    if right != 1 {
        errors.push((header, format!("exactly one option is right (`+`), not {right}")));
    }
    for o in &options {
        if o.2.is_none() {
            errors.push((o.3, "every option needs a `why:` line explaining it".into()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Quiz {
        id: id.unwrap_or_default(),
        question: question.unwrap_or_default(),
        options: options
            .into_iter()
            .map(|(text, correct, why, _)| QuizOption { text, correct, why: why.unwrap_or_default() })
            .collect(),
        line: header,
    })
}

/// One line of inline Markdown as HTML, without the paragraph around it. Links, images and raw HTML are refused:
/// a question is read in place, not followed elsewhere.
pub(crate) fn render_inline(text: &str) -> Result<String, String> {
    let events: Vec<Event> = Parser::new(text)
        .filter(|e| !matches!(e, Event::Start(Tag::Paragraph) | Event::End(pulldown_cmark::TagEnd::Paragraph)))
        .collect();
    for e in &events {
        match e {
            Event::Html(_) | Event::InlineHtml(_) => return Err("raw HTML is not allowed in a quiz".into()),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                return Err("a quiz's text has no links or images".into())
            }
            Event::Start(Tag::Heading { .. } | Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_)) => {
                return Err("a quiz's text is one line of inline Markdown".into())
            }
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html.trim().to_string())
}
