//! The lexer: SQL text to tokens with their positions. Unquoted identifiers and keywords fold to lower case, as
//! PostgreSQL folds them; `"Quoted"` identifiers keep their case.

use super::ast::Pos;
use super::{ParseError, ParseErrorKind};

/// Words that must be quoted to be used as names (the subset's reserved words).
pub const RESERVED: &[&str] = &[
    "all",
    "and",
    "as",
    "asc",
    "begin",
    "by",
    "commit",
    "create",
    "default",
    "delete",
    "desc",
    "false",
    "for",
    "from",
    "in",
    "insert",
    "into",
    "is",
    "key",
    "limit",
    "lock",
    "not",
    "null",
    "or",
    "order",
    "primary",
    "returning",
    "rollback",
    "select",
    "set",
    "table",
    "true",
    "unique",
    "update",
    "values",
    "where",
];

/// Every word the parser gives a meaning somewhere: the printer quotes names spelled like one, so that printed
/// statements read back the same.
pub const KEYWORDS: &[&str] = &[
    "abort",
    "access",
    "between",
    "case",
    "cast",
    "coalesce",
    "committed",
    "constraint",
    "count",
    "current",
    "deadlock_timeout",
    "decimal",
    "distinct",
    "end",
    "exclusive",
    "exists",
    "fetch",
    "foreign",
    "generated",
    "greatest",
    "group",
    "having",
    "if",
    "ilike",
    "inner",
    "isnull",
    "isolation",
    "join",
    "least",
    "left",
    "level",
    "like",
    "local",
    "lock_timeout",
    "locked",
    "mode",
    "no",
    "notnull",
    "nowait",
    "nulls",
    "nullif",
    "of",
    "offset",
    "on",
    "only",
    "read",
    "references",
    "release",
    "repeatable",
    "row",
    "savepoint",
    "serializable",
    "session",
    "share",
    "similar",
    "skip",
    "start",
    "sum",
    "to",
    "transaction",
    "uncommitted",
    "using",
    "work",
    "check",
    "drop",
    "exists",
    "cascade",
    "restrict",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    /// An unquoted word, folded to lower case (keyword or identifier).
    Word(String),
    /// A `"quoted"` identifier.
    Quoted(String),
    /// An integer literal (digits only).
    Int(i64),
    /// A `'string'` literal.
    Str(String),
    /// Punctuation and operators: ( ) , ; * + - = < > <= >= <> != . / %
    Sym(&'static str),
}

impl Tok {
    /// The token as the error messages quote it.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Quoted(q) => format!("\"{q}\""),
            Tok::Int(n) => n.to_string(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Sym(s) => (*s).to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub pos: Pos,
    /// Byte offsets of the token in the source.
    pub start: usize,
    pub end: usize,
}

/// Longest input the parser accepts (bytes): a learner's script is far shorter; this bounds the work.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024;

pub fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    let (mut line, mut col) = (1u32, 1u32);
    // Advance over chars[i..j], keeping line/col.
    let bump = |i: &mut usize, line: &mut u32, col: &mut u32, n: usize| {
        for _ in 0..n {
            if let Some(&(_, c)) = chars.get(*i) {
                if c == '\n' {
                    *line += 1;
                    *col = 1;
                } else {
                    *col += 1;
                }
            }
            *i += 1;
        }
    };
    let offset = |i: usize| chars.get(i).map(|&(o, _)| o).unwrap_or(src.len());
    while i < chars.len() {
        let c = chars[i].1;
        let pos = Pos { line, col };
        let start = offset(i);
        if c.is_whitespace() {
            bump(&mut i, &mut line, &mut col, 1);
            continue;
        }
        // `-- comment` to end of line
        if c == '-' && chars.get(i + 1).map(|x| x.1) == Some('-') {
            while i < chars.len() && chars[i].1 != '\n' {
                bump(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        // `/* comment */` (PostgreSQL nests them)
        if c == '/' && chars.get(i + 1).map(|x| x.1) == Some('*') {
            let mut depth = 0usize;
            loop {
                if i >= chars.len() {
                    return Err(ParseError { pos, kind: ParseErrorKind::UnterminatedComment });
                }
                let a = chars[i].1;
                let b = chars.get(i + 1).map(|x| x.1);
                if a == '/' && b == Some('*') {
                    depth += 1;
                    bump(&mut i, &mut line, &mut col, 2);
                } else if a == '*' && b == Some('/') {
                    depth -= 1;
                    bump(&mut i, &mut line, &mut col, 2);
                    if depth == 0 {
                        break;
                    }
                } else {
                    bump(&mut i, &mut line, &mut col, 1);
                }
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && c.is_alphabetic()) {
            let mut w = String::new();
            while i < chars.len() {
                let d = chars[i].1;
                if d.is_ascii_alphanumeric() || d == '_' || d == '$' || (!d.is_ascii() && d.is_alphanumeric()) {
                    w.push(d.to_ascii_lowercase());
                    bump(&mut i, &mut line, &mut col, 1);
                } else {
                    break;
                }
            }
            out.push(Token { tok: Tok::Word(w), pos, start, end: offset(i) });
            continue;
        }
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while i < chars.len() && chars[i].1.is_ascii_digit() {
                digits.push(chars[i].1);
                bump(&mut i, &mut line, &mut col, 1);
            }
            if i < chars.len() && (chars[i].1 == '.' || chars[i].1 == 'e' || chars[i].1 == 'E') {
                return Err(ParseError {
                    pos,
                    kind: ParseErrorKind::NotSupported("numbers with a fraction or an exponent".into()),
                });
            }
            if i < chars.len() && (chars[i].1.is_alphabetic() || chars[i].1 == '_') {
                return Err(ParseError { pos: Pos { line, col }, kind: ParseErrorKind::TrailingJunk(digits) });
            }
            let n: i64 = digits
                .parse()
                .map_err(|_| ParseError { pos, kind: ParseErrorKind::NumberOutOfRange(digits.clone()) })?;
            out.push(Token { tok: Tok::Int(n), pos, start, end: offset(i) });
            continue;
        }
        if c == '\'' || c == '"' {
            let quote = c;
            bump(&mut i, &mut line, &mut col, 1);
            let mut s = String::new();
            loop {
                if i >= chars.len() {
                    return Err(ParseError {
                        pos,
                        kind: if quote == '\'' {
                            ParseErrorKind::UnterminatedString
                        } else {
                            ParseErrorKind::UnterminatedQuotedIdent
                        },
                    });
                }
                let d = chars[i].1;
                if d == quote {
                    if chars.get(i + 1).map(|x| x.1) == Some(quote) {
                        s.push(quote);
                        bump(&mut i, &mut line, &mut col, 2);
                        continue;
                    }
                    bump(&mut i, &mut line, &mut col, 1);
                    break;
                }
                s.push(d);
                bump(&mut i, &mut line, &mut col, 1);
            }
            let tok = if quote == '\'' {
                Tok::Str(s)
            } else {
                if s.is_empty() {
                    return Err(ParseError { pos, kind: ParseErrorKind::EmptyQuotedIdent });
                }
                Tok::Quoted(s)
            };
            out.push(Token { tok, pos, start, end: offset(i) });
            continue;
        }
        let next = chars.get(i + 1).map(|x| x.1);
        let two: Option<&'static str> = match (c, next) {
            ('<', Some('=')) => Some("<="),
            ('>', Some('=')) => Some(">="),
            ('<', Some('>')) => Some("<>"),
            ('!', Some('=')) => Some("!="),
            (':', Some(':')) => Some("::"),
            _ => None,
        };
        if let Some(s) = two {
            bump(&mut i, &mut line, &mut col, 2);
            out.push(Token { tok: Tok::Sym(s), pos, start, end: offset(i) });
            continue;
        }
        let one: Option<&'static str> = match c {
            '(' => Some("("),
            ')' => Some(")"),
            ',' => Some(","),
            ';' => Some(";"),
            '*' => Some("*"),
            '+' => Some("+"),
            '-' => Some("-"),
            '=' => Some("="),
            '<' => Some("<"),
            '>' => Some(">"),
            '.' => Some("."),
            '/' => Some("/"),
            '%' => Some("%"),
            _ => None,
        };
        match one {
            Some(s) => {
                bump(&mut i, &mut line, &mut col, 1);
                out.push(Token { tok: Tok::Sym(s), pos, start, end: offset(i) });
            }
            None => return Err(ParseError { pos, kind: ParseErrorKind::UnexpectedChar(c) }),
        }
    }
    Ok(out)
}
