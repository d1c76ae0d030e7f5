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
        ParseErrorKind::UnexpectedChar(c) => {
            t(td_string!(lang, sql.kind_unexpected_char), &[("ch", &format!("'{c}'"))])
        }
        ParseErrorKind::UnterminatedString => td_string!(lang, sql.kind_unterminated_string).into(),
        ParseErrorKind::UnterminatedQuotedIdent => td_string!(lang, sql.kind_unterminated_ident).into(),
        ParseErrorKind::UnterminatedComment => td_string!(lang, sql.kind_unterminated_comment).into(),
        ParseErrorKind::EmptyQuotedIdent => td_string!(lang, sql.kind_empty_ident).into(),
        ParseErrorKind::NumberOutOfRange(n) => t(td_string!(lang, sql.kind_number_range), &[("n", n)]),
        ParseErrorKind::TrailingJunk(n) => t(td_string!(lang, sql.kind_trailing_junk), &[("n", n)]),
        ParseErrorKind::Expected { expected, found } => {
            // The parser names the end of the text in English; SQL words and symbols read the same in both.
            let found = if found == "the end of the script" {
                td_string!(lang, sql.end_of_script).to_string()
            } else {
                found.clone()
            };
            t(td_string!(lang, sql.kind_expected), &[("expected", &phrase(lang, expected)), ("found", &found)])
        }
        ParseErrorKind::NotSupported(what) => {
            t(td_string!(lang, sql.kind_not_supported), &[("what", &phrase(lang, what))])
        }
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
        &[
            ("part", &part(lang, p)),
            ("line", &e.pos.line),
            ("col", &e.pos.col),
            ("message", &parse_kind(lang, &e.kind)),
        ],
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
        ProgramError::Setup(SetupError::Sessions { max, .. }) => {
            fill(td_string!(lang, sql.url_sessions), &[("max", max)])
        }
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
        StepError::Waiting { session: s } => {
            fill(td_string!(lang, sql.cannot_waiting), &[("name", &session(s.into()))])
        }
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
        UrlError::BadChar { pos, .. } | UrlError::BadEscape { pos } => {
            fill(td_string!(lang, sql.url_char), &[("pos", &(pos + 1))])
        }
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
                    let cells: Vec<String> = row
                        .iter()
                        .map(|v| v.clone().unwrap_or_else(|| td_string!(lang, sql.null).to_string()))
                        .collect();
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

/// The parser's words for what it expected or does not support, in Korean when the learner reads Korean. Most are
/// SQL (`FOR UPDATE`, `ON CONFLICT`) and read the same in both languages; the others are translated here. A phrase
/// the parser gains later and this table lacks stays in English rather than disappear.
fn phrase(lang: Locale, en: &str) -> String {
    if lang != Locale::ko {
        return en.to_string();
    }
    const KO: &[(&str, &str)] = &[
        ("= or TO", "= 또는 TO"),
        ("COMMITTED or UNCOMMITTED", "COMMITTED 또는 UNCOMMITTED"),
        ("READ COMMITTED, REPEATABLE READ or SERIALIZABLE", "READ COMMITTED, REPEATABLE READ, SERIALIZABLE 중 하나"),
        ("UPDATE, NO KEY UPDATE, SHARE or KEY SHARE", "UPDATE, NO KEY UPDATE, SHARE, KEY SHARE 중 하나"),
        ("`;` or the end of the script", "`;` 또는 텍스트의 끝"),
        ("a column type (integer, bigint, numeric, text, boolean)", "열 타입(integer, bigint, numeric, text, boolean)"),
        ("a duration ('10ms', '1s' or milliseconds)", "시간 값('10ms', '1s' 또는 밀리초)"),
        ("a lock mode (ACCESS SHARE ... ACCESS EXCLUSIVE)", "잠금 모드(ACCESS SHARE ... ACCESS EXCLUSIVE)"),
        ("a row count", "행 수"),
        ("a statement", "SQL 문"),
        ("an expression", "식"),
        ("deadlock_timeout, lock_timeout or TRANSACTION", "deadlock_timeout, lock_timeout, TRANSACTION 중 하나"),
        ("no second comparison (add parentheses)", "두 번째 비교가 아닌 것(괄호로 묶으세요)"),
        ("CASCADE / RESTRICT", "CASCADE / RESTRICT"),
        ("DISTINCT in aggregates", "집계 함수 안의 DISTINCT"),
        ("FOR ... OF table", "FOR ... OF 테이블"),
        (
            "INSERT ... SELECT and DEFAULT VALUES (VALUES is)",
            "INSERT ... SELECT와 DEFAULT VALUES (VALUES는 지원합니다)",
        ),
        (
            "IS TRUE / IS FALSE / IS DISTINCT FROM (IS NULL is)",
            "IS TRUE / IS FALSE / IS DISTINCT FROM (IS NULL은 지원합니다)",
        ),
        ("ISNULL / NOTNULL (IS NULL is)", "ISNULL / NOTNULL (IS NULL은 지원합니다)"),
        ("NULLS FIRST/LAST and USING in ORDER BY", "ORDER BY의 NULLS FIRST/LAST와 USING"),
        ("casts (::)", "형 변환(::)"),
        ("division and modulo (+, - and * are)", "나눗셈과 나머지 (+, -, *는 지원합니다)"),
        ("joins (one table per SELECT)", "조인 (SELECT 하나에 테이블 하나)"),
        ("more than one locking clause", "둘 이상의 잠금 절"),
        ("named, foreign-key and check constraints", "이름 붙은 제약, 외래 키 제약, CHECK 제약"),
        ("qualified names (schema.table or table.column)", "한정된 이름(schema.table이나 table.column)"),
        ("subqueries", "서브쿼리"),
        ("table aliases", "테이블 별칭"),
        ("this column constraint", "이 열 제약"),
        ("transaction modes other than ISOLATION LEVEL", "ISOLATION LEVEL 이외의 트랜잭션 모드"),
        ("type modifiers such as numeric(10,2)", "numeric(10,2) 같은 타입 수식어"),
        ("unary +", "단항 +"),
        ("numbers with a fraction or an exponent", "소수점이나 지수가 있는 숫자"),
    ];
    if let Some((_, ko)) = KO.iter().find(|(e, _)| *e == en) {
        return ko.to_string();
    }
    // The phrases the parser builds around a word of the learner's.
    if let Some(rest) = en.strip_prefix("the function ") {
        if let Some((name, _)) = rest.split_once(" (") {
            return format!("함수 {name} (count(*), count(), sum()만 지원합니다)");
        }
    }
    if let Some(rest) = en.strip_prefix("the setting ") {
        if let Some((name, _)) = rest.split_once(" (") {
            return format!("설정 {name} (deadlock_timeout과 lock_timeout만 지원합니다)");
        }
    }
    if let Some(rest) = en.strip_prefix("the type ") {
        if let Some((name, _)) = rest.split_once(" (") {
            return format!("타입 {name} (integer, bigint, numeric, text, boolean만 지원합니다)");
        }
    }
    if let Some(rest) = en.strip_prefix("the statement ") {
        return format!("{rest} 문");
    }
    en.to_string()
}

#[cfg(test)]
mod tests {
    use super::phrase;
    use crate::i18n::Locale;

    /// Every phrase the parser writes with English words in it has its Korean: the parser's source is the list.
    #[test]
    fn every_parser_phrase_has_korean() {
        let src = include_str!("../../../crates/msa-sim/src/sql/parse.rs");
        let mut missing = Vec::new();
        for call in ["unexpected(\"", "unsupported(\""] {
            for part in src.split(call).skip(1) {
                let en = &part[..part.find("\")").unwrap_or(0)];
                // SQL keywords read the same in both languages; a phrase with a lowercase English word does not.
                let words = en.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 2);
                let english = words.clone().any(|w| w.chars().all(|c| c.is_ascii_lowercase()) && !w.contains('_'));
                if english && phrase(Locale::ko, en) == en {
                    missing.push(en.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "no Korean for: {missing:?}");
        assert_eq!(phrase(Locale::en, "a statement"), "a statement");
        assert_eq!(
            phrase(Locale::ko, "the function avg() (count(*), count() and sum() are)"),
            "함수 avg() (count(*), count(), sum()만 지원합니다)"
        );
    }
}
