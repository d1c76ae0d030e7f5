//! The editor's sentences: the core's data (parse errors, limits, replies, link errors) in the learner's
//! language. The parser's error kinds are data (`msa_sim::sql::ParseErrorKind`); each gets its own sentence here.

use crate::i18n::*;
use crate::widgets::fill;
use crate::widgets::race::text::esc;
use msa_sim::sql::url::{LimitError, Part, ProgramError, Step, StepError, UrlError};
use msa_sim::sql::{ParseError, ParseErrorKind, Reply, SetupError};
use std::fmt::Write;

/// "T1", "T2", "T3": the sessions' names, as the race board names transactions.
pub fn session(i: usize) -> String {
    format!("T{}", i + 1)
}

pub fn part(lang: Locale, p: Part) -> String {
    match p {
        Part::Setup => td_string!(lang, sql.part_setup).to_string(),
        Part::Session { index } => session(index.into()),
    }
}

/// "1 2 t 1" as the step list reads.
pub fn steps(lang: Locale, steps: &[Step]) -> String {
    let words: Vec<String> = steps
        .iter()
        .map(|s| match s {
            Step::Session { index } => session((*index).into()),
            Step::Time => td_string!(lang, sql.time_step).to_string(),
        })
        .collect();
    words.join(" · ")
}

/// The parser's message for `kind`, in the learner's language, without the position.
pub fn parse_kind(lang: Locale, kind: &ParseErrorKind) -> String {
    let t = |s: &str, args: &[(&str, &dyn std::fmt::Display)]| fill(s, args);
    match kind {
        ParseErrorKind::UnexpectedChar(c) => t(td_string!(lang, sql.kind_unexpected_char), &[("ch", &format!("'{c}'"))]),
        ParseErrorKind::UnterminatedString => td_string!(lang, sql.kind_unterminated_string).into(),
        ParseErrorKind::UnterminatedQuotedIdent => td_string!(lang, sql.kind_unterminated_ident).into(),
        ParseErrorKind::UnterminatedComment => td_string!(lang, sql.kind_unterminated_comment).into(),
        ParseErrorKind::EmptyQuotedIdent => td_string!(lang, sql.kind_empty_ident).into(),
        ParseErrorKind::NumberOutOfRange(n) => t(td_string!(lang, sql.kind_number_range), &[("n", n)]),
        ParseErrorKind::TrailingJunk(n) => t(td_string!(lang, sql.kind_trailing_junk), &[("n", n)]),
        ParseErrorKind::Expected { expected, found } => {
            // The parser names the end of the text in English; SQL words and symbols read the same in both.
            let found = if found == "the end of the script" { td_string!(lang, sql.end_of_script).to_string() } else { found.clone() };
            t(td_string!(lang, sql.kind_expected), &[("expected", expected), ("found", &found)])
        }
        ParseErrorKind::NotSupported(what) => t(td_string!(lang, sql.kind_not_supported), &[("what", what)]),
        ParseErrorKind::SerializableNotModelled => td_string!(lang, sql.kind_serializable).into(),
        ParseErrorKind::BadDuration(s) => t(td_string!(lang, sql.kind_bad_duration), &[("s", &format!("'{s}'"))]),
        ParseErrorKind::TooLong { max_bytes } => t(td_string!(lang, sql.kind_too_long), &[("max", max_bytes)]),
        ParseErrorKind::TooManyStatements { max } => t(td_string!(lang, sql.kind_too_many), &[("max", max)]),
        ParseErrorKind::TooDeep { max } => t(td_string!(lang, sql.kind_too_deep), &[("max", max)]),
    }
}

/// "T2, line 3, column 8: expected FROM, found fromm".
pub fn parse_error(lang: Locale, p: Part, e: &ParseError) -> String {
    fill(
        td_string!(lang, sql.parse_at),
        &[("part", &part(lang, p)), ("line", &e.pos.line), ("col", &e.pos.col), ("message", &parse_kind(lang, &e.kind))],
    )
}

pub fn limit(lang: Locale, e: &LimitError) -> String {
    match e {
        LimitError::Sessions { max, .. } => fill(td_string!(lang, sql.url_sessions), &[("max", max)]),
        LimitError::TextTooLong { part: p, len, max } => {
            fill(td_string!(lang, sql.too_long), &[("part", &part(lang, *p)), ("len", len), ("max", max)])
        }
        LimitError::TooManySteps { max, .. } => fill(td_string!(lang, sql.url_steps), &[("max", max)]),
        LimitError::NoSuchSession { .. } => td_string!(lang, sql.url_no_session).into(),
    }
}

/// Why the programs cannot run, with the position when there is one.
pub fn program_error(lang: Locale, e: &ProgramError) -> String {
    match e {
        ProgramError::Limit(l) => limit(lang, l),
        ProgramError::Parse { part: p, error } => parse_error(lang, *p, error),
        ProgramError::TooManyStatements { part: p, n, max } => {
            fill(td_string!(lang, sql.too_many_statements), &[("part", &part(lang, *p)), ("n", n), ("max", max)])
        }
        ProgramError::TooManyInAll { n, max } => fill(td_string!(lang, sql.too_many_in_all), &[("n", n), ("max", max)]),
        ProgramError::Setup(SetupError::Parse(error)) => parse_error(lang, Part::Setup, error),
        ProgramError::Setup(SetupError::Statement { pos, sqlstate, message, .. }) => fill(
            td_string!(lang, sql.setup_failed),
            &[("line", &pos.line), ("col", &pos.col), ("message", message), ("code", sqlstate)],
        ),
        ProgramError::Setup(SetupError::Sessions { max, .. }) => fill(td_string!(lang, sql.url_sessions), &[("max", max)]),
    }
}

/// The part of the editor an error belongs to (to show it under that text box).
pub fn error_part(e: &ProgramError) -> Option<Part> {
    match e {
        ProgramError::Parse { part, .. } | ProgramError::TooManyStatements { part, .. } => Some(*part),
        ProgramError::Limit(LimitError::TextTooLong { part, .. }) => Some(*part),
        ProgramError::Setup(_) => Some(Part::Setup),
        ProgramError::Limit(_) | ProgramError::TooManyInAll { .. } => None,
    }
}

pub fn step_error(lang: Locale, e: StepError) -> String {
    match e {
        StepError::Waiting { session: s } => fill(td_string!(lang, sql.cannot_waiting), &[("name", &session(s.into()))]),
        StepError::Finished { session: s } | StepError::NoSuchSession { session: s } => {
            fill(td_string!(lang, sql.cannot_done), &[("name", &session(s.into()))])
        }
        StepError::NoTimer => td_string!(lang, sql.cannot_time).into(),
    }
}

pub fn url_error(lang: Locale, e: &UrlError) -> String {
    let why = match e {
        UrlError::TooLong { max, .. } => fill(td_string!(lang, sql.url_long), &[("max", max)]),
        UrlError::UnknownVersion | UrlError::MissingFields => td_string!(lang, sql.url_format).into(),
        UrlError::BadChar { pos, .. } | UrlError::BadEscape { pos } => fill(td_string!(lang, sql.url_char), &[("pos", &(pos + 1))]),
        UrlError::BadStep { .. } => td_string!(lang, sql.url_step).into(),
        UrlError::Limit(l) => limit(lang, l),
    };
    fill(td_string!(lang, sql.url_bad), &[("why", &why)])
}

/// A reply as HTML: a result table, a command tag, or the error with its SQLSTATE.
pub fn reply_html(lang: Locale, r: &Reply) -> String {
    let mut h = String::new();
    match r {
        Reply::Rows { columns, rows } => {
            let _ = write!(h, "<div class=\"race__table-wrap\"><table class=\"race__table sqled__rows\"><thead><tr>");
            for c in columns {
                let _ = write!(h, "<th scope=\"col\">{}</th>", esc(c));
            }
            h.push_str("</tr></thead><tbody>");
            for row in rows {
                h.push_str("<tr>");
                for v in row {
                    match v {
                        Some(v) => _ = write!(h, "<td>{}</td>", esc(v)),
                        None => _ = write!(h, "<td class=\"sqled__null\">{}</td>", esc(td_string!(lang, sql.null))),
                    }
                }
                h.push_str("</tr>");
            }
            let n = if rows.len() == 1 {
                td_string!(lang, sql.reply_row).to_string()
            } else {
                fill(td_string!(lang, sql.reply_rows), &[("n", &rows.len())])
            };
            let _ = write!(h, "</tbody></table></div><p class=\"sqled__rowcount\">({})</p>", esc(&n));
        }
        Reply::Command { tag } => {
            let _ = write!(h, "<p class=\"sqled__tag\"><code>{}</code></p>", esc(tag));
        }
        Reply::Error { sqlstate, message } => {
            let _ = write!(
                h,
                "<p class=\"race__error sqled__error\" data-sqlstate=\"{sqlstate}\">{} <span class=\"sqled__sqlstate\">({})</span></p>",
                esc(&fill(td_string!(lang, sql.reply_error), &[("message", message)])),
                esc(&fill(td_string!(lang, sql.reply_sqlstate), &[("code", sqlstate)]))
            );
        }
        Reply::Notice { severity, message } => {
            let _ = write!(h, "<p class=\"sqled__notice\">{}:  {}</p>", esc(severity), esc(message));
        }
    }
    h
}

/// A reply in one line, for the step log.
pub fn reply_line(lang: Locale, r: &Reply) -> String {
    match r {
        Reply::Rows { columns, rows } => {
            let vals: Vec<String> = rows
                .iter()
                .take(4)
                .map(|row| {
                    let cells: Vec<String> =
                        row.iter().map(|v| v.clone().unwrap_or_else(|| td_string!(lang, sql.null).to_string())).collect();
                    format!("({})", cells.join(", "))
                })
                .collect();
            let more = if rows.len() > 4 { ", …" } else { "" };
            format!("{}: {}{more}", columns.join(", "), if vals.is_empty() { "–".to_string() } else { vals.join(", ") })
        }
        Reply::Command { tag } => tag.clone(),
        Reply::Error { sqlstate, message } => format!("ERROR:  {message} ({sqlstate})"),
        Reply::Notice { severity, message } => format!("{severity}:  {message}"),
    }
}
