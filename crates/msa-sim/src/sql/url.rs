//! The SQL editor's state in one URL query value, and the editor's stated limits.
//!
//! ## What is saved
//! The setup script, 1 to [`MAX_SESSIONS`] session programs (each a `;`-separated list of statements, one
//! statement a step) and the steps taken so far: which session sent its next statement, or "time passed" (the
//! next lock timer fired: a deadlock check or a lock_timeout). Reload the link and the editor replays the same
//! steps on the same programs.
//!
//! ## Encoding
//! `1*_<steps>*_<setup>*_<session 1>[*_<session 2>[*_<session 3>]]`: a version, then fields separated by `*_`.
//! Steps are digits `1`-`3` (a session) and `t` (time passed). Texts use only characters that a query string
//! carries as they are (`URLSearchParams` leaves letters, digits, `*`, `-`, `.`, `_` alone and writes a space as
//! `+`), so a link stays about as long as the SQL and stays readable (`SELECT+v+FROM+t+WHERE+id+*e+1.`):
//!
//! | text | encoded |
//! |---|---|
//! | letters, digits, `_`, space | themselves |
//! | `;` | `.` |
//! | newline | `-` |
//! | `,` `(` `)` `=` `'` `*` `<` `>` `-` `.` `"` tab `+` `/` `!` `%` `:` | `*` and one lowercase letter ([`PUNCT`]) |
//! | any other character | `*`, its code point in uppercase hex, `*` (`*AC00*` is `가`) |
//!
//! A general-purpose compressor (deflate) was left out: SQL this short saves a few dozen characters in a link,
//! and the decoder would cost tens of kilobytes of wasm.
//!
//! A value that is just an example's name (`?sql=job-queue`) opens that example ([`super::examples`]).
//!
//! Decoding is total: any string gives a state within the limits or a typed [`UrlError`], never a panic.

use serde::Serialize;
use std::fmt;

/// Sessions an editor runs (the engine's limit as well).
pub const MAX_SESSIONS: usize = 3;
/// Statements in one session's program: every interleaving of three sessions of this length is still counted in
/// the browser within the exploration's budget.
pub const MAX_STATEMENTS: usize = 6;
/// Statements in the setup script.
pub const MAX_SETUP_STATEMENTS: usize = 24;
/// Characters of the setup script.
pub const MAX_SETUP_CHARS: usize = 1_500;
/// Characters of one session's program.
pub const MAX_SESSION_CHARS: usize = 600;
/// Steps taken (a session's statement or time passing): every statement once, and a timer after each.
pub const MAX_STEPS: usize = 2 * MAX_SESSIONS * MAX_STATEMENTS;
/// The longest URL value decoded: the longest texts of plain SQL with room for escapes. A server's request line
/// limit (nginx: 8 KB by default) is the reason for a ceiling at all.
pub const MAX_URL_CHARS: usize = 6_000;

/// The version field this module writes.
const VERSION: &str = "1";
/// Between fields. `*` then `_` is never an escape, so it cannot occur inside an encoded text.
const SEP: &str = "*_";

/// Punctuation with a one-letter escape: `*` then the letter. Letters that are not hex digits, so a code point
/// escape (`*` then uppercase hex) never reads as one of these.
pub const PUNCT: &[(char, char)] = &[
    (',', 'c'),
    ('(', 'o'),
    (')', 'p'),
    ('=', 'q'),
    ('\'', 'i'),
    ('*', 's'),
    ('<', 'l'),
    ('>', 'g'),
    ('-', 'm'),
    ('.', 'd'),
    ('"', 'w'),
    ('\t', 't'),
    ('+', 'u'),
    ('/', 'v'),
    ('!', 'x'),
    ('%', 'r'),
    (':', 'k'),
    ('\r', 'n'),
];

/// One step of a run: a session sends its next statement, or time passes until the next lock timer fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Step {
    /// Session index, 0-based (`1` in the link is the first session).
    Session { index: u8 },
    Time,
}

impl Step {
    /// `1`, `2`, `3` or `t`.
    pub fn code(self) -> char {
        match self {
            Step::Session { index } => char::from(b'1' + index.min(8)),
            Step::Time => 't',
        }
    }
}

/// Steps as the link writes them (`12t21`).
pub fn steps_code(steps: &[Step]) -> String {
    steps.iter().map(|s| s.code()).collect()
}

/// What the editor holds: the texts as the learner typed them and the steps taken so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EditorState {
    pub setup: String,
    /// 1 to [`MAX_SESSIONS`] programs.
    pub sessions: Vec<String>,
    pub steps: Vec<Step>,
}

/// Which text of the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Part {
    Setup,
    /// 0-based.
    Session { index: u8 },
}

/// Why a state breaks a limit (also what the editor says while the learner types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LimitError {
    /// Fewer than one or more than [`MAX_SESSIONS`] sessions.
    Sessions { n: usize, max: usize },
    /// A text longer than its limit ([`MAX_SETUP_CHARS`], [`MAX_SESSION_CHARS`]).
    TextTooLong { part: Part, len: usize, max: usize },
    /// More steps than [`MAX_STEPS`].
    TooManySteps { n: usize, max: usize },
    /// A step names a session the state does not have.
    NoSuchSession { step: usize, session: u8 },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::Sessions { n, max } => write!(f, "{n} sessions: 1 to {max}"),
            LimitError::TextTooLong { part, len, max } => write!(f, "{part} has {len} characters, at most {max}"),
            LimitError::TooManySteps { n, max } => write!(f, "{n} steps, at most {max}"),
            LimitError::NoSuchSession { step, session } => {
                write!(f, "step {} is session {}, which does not exist", step + 1, session + 1)
            }
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Setup => f.write_str("the setup"),
            Part::Session { index } => write!(f, "session {}", index + 1),
        }
    }
}

/// Why a URL value is not an editor state. Positions are 0-based character offsets into the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum UrlError {
    /// Longer than [`MAX_URL_CHARS`].
    TooLong { len: usize, max: usize },
    /// Neither an example's name nor a value of a version this module reads.
    UnknownVersion,
    /// Fewer fields than the version, steps, setup and one session.
    MissingFields,
    /// A character the encoding never writes.
    BadChar { pos: usize, ch: char },
    /// `*` not followed by a known escape.
    BadEscape { pos: usize },
    /// A step that is not `1`-`3` or `t`.
    BadStep { pos: usize, ch: char },
    /// Decoded, but beyond a limit.
    Limit(LimitError),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::TooLong { len, max } => write!(f, "{len} characters, at most {max}"),
            UrlError::UnknownVersion => f.write_str("not an editor link"),
            UrlError::MissingFields => f.write_str("fields are missing"),
            UrlError::BadChar { pos, ch } => write!(f, "character {pos} is {ch:?}"),
            UrlError::BadEscape { pos } => write!(f, "character {pos}: unknown escape"),
            UrlError::BadStep { pos, ch } => write!(f, "step {pos} is {ch:?}: expected 1-3 or t"),
            UrlError::Limit(e) => e.fmt(f),
        }
    }
}

impl From<LimitError> for UrlError {
    fn from(e: LimitError) -> UrlError {
        UrlError::Limit(e)
    }
}

impl EditorState {
    /// Checks the limits on sessions, texts and steps (not the SQL: see the engine's parser for that).
    pub fn check_limits(&self) -> Result<(), LimitError> {
        let n = self.sessions.len();
        if n == 0 || n > MAX_SESSIONS {
            return Err(LimitError::Sessions { n, max: MAX_SESSIONS });
        }
        let len = self.setup.chars().count();
        if len > MAX_SETUP_CHARS {
            return Err(LimitError::TextTooLong { part: Part::Setup, len, max: MAX_SETUP_CHARS });
        }
        for (i, s) in self.sessions.iter().enumerate() {
            let len = s.chars().count();
            if len > MAX_SESSION_CHARS {
                return Err(LimitError::TextTooLong { part: Part::Session { index: i as u8 }, len, max: MAX_SESSION_CHARS });
            }
        }
        if self.steps.len() > MAX_STEPS {
            return Err(LimitError::TooManySteps { n: self.steps.len(), max: MAX_STEPS });
        }
        for (step, s) in self.steps.iter().enumerate() {
            if let Step::Session { index } = *s {
                if usize::from(index) >= n {
                    return Err(LimitError::NoSuchSession { step, session: index });
                }
            }
        }
        Ok(())
    }

    /// The URL value. Total for any state; a state beyond the limits encodes, but does not decode.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.setup.len() + self.sessions.iter().map(|s| s.len()).sum::<usize>() + 32);
        out.push_str(VERSION);
        out.push_str(SEP);
        out.push_str(&steps_code(&self.steps));
        out.push_str(SEP);
        encode_text(&self.setup, &mut out);
        for s in &self.sessions {
            out.push_str(SEP);
            encode_text(s, &mut out);
        }
        out
    }

    /// Decodes a URL value: a state within the limits, or why not. An example's name gives the example with no
    /// step taken.
    pub fn decode(value: &str) -> Result<EditorState, UrlError> {
        let len = value.chars().count();
        if len > MAX_URL_CHARS {
            return Err(UrlError::TooLong { len, max: MAX_URL_CHARS });
        }
        if let Some(ex) = super::examples::example(value) {
            return Ok(ex.state());
        }
        let Some(rest) = value.strip_prefix(VERSION).and_then(|r| r.strip_prefix(SEP)) else {
            return Err(UrlError::UnknownVersion);
        };
        // Character offset of `rest` in `value`, for positions in errors.
        let mut pos = VERSION.len() + SEP.len();
        let mut fields = Vec::new();
        let mut chars = rest.chars().peekable();
        let mut text = String::new();
        let mut steps_done = false;
        let mut steps = Vec::new();
        // The steps field is read as raw characters; the texts through the escapes.
        while let Some(c) = chars.next() {
            let at = pos;
            pos += 1;
            if !steps_done {
                match c {
                    '*' if chars.peek() == Some(&'_') => {
                        chars.next();
                        pos += 1;
                        steps_done = true;
                    }
                    '1'..='9' => {
                        let index = c as u8 - b'1';
                        if usize::from(index) >= MAX_SESSIONS {
                            return Err(UrlError::BadStep { pos: at, ch: c });
                        }
                        steps.push(Step::Session { index });
                    }
                    't' => steps.push(Step::Time),
                    _ => return Err(UrlError::BadStep { pos: at, ch: c }),
                }
                if steps.len() > MAX_STEPS {
                    return Err(LimitError::TooManySteps { n: steps.len(), max: MAX_STEPS }.into());
                }
                continue;
            }
            match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | ' ' => text.push(c),
                '.' => text.push(';'),
                '-' => text.push('\n'),
                '*' => {
                    let Some(&e) = chars.peek() else { return Err(UrlError::BadEscape { pos: at }) };
                    if e == '_' {
                        chars.next();
                        pos += 1;
                        fields.push(std::mem::take(&mut text));
                        if fields.len() > 1 + MAX_SESSIONS {
                            return Err(LimitError::Sessions { n: fields.len(), max: MAX_SESSIONS }.into());
                        }
                    } else if let Some(&(p, _)) = PUNCT.iter().find(|(_, l)| *l == e) {
                        chars.next();
                        pos += 1;
                        text.push(p);
                    } else if e.is_ascii_hexdigit() && !e.is_ascii_lowercase() {
                        // A code point: up to six uppercase hex digits, then `*`.
                        let mut cp: u32 = 0;
                        let mut digits = 0;
                        loop {
                            let Some(d) = chars.next() else { return Err(UrlError::BadEscape { pos: at }) };
                            pos += 1;
                            if d == '*' && digits > 0 {
                                break;
                            }
                            let v = match d {
                                '0'..='9' => d as u32 - '0' as u32,
                                'A'..='F' => d as u32 - 'A' as u32 + 10,
                                _ => return Err(UrlError::BadEscape { pos: at }),
                            };
                            digits += 1;
                            if digits > 6 {
                                return Err(UrlError::BadEscape { pos: at });
                            }
                            cp = cp * 16 + v;
                        }
                        // Only what the encoder writes: a character without a shorter form.
                        match char::from_u32(cp) {
                            Some(ch) if needs_code_point(ch) => text.push(ch),
                            _ => return Err(UrlError::BadEscape { pos: at }),
                        }
                    } else {
                        return Err(UrlError::BadEscape { pos: at });
                    }
                }
                _ => return Err(UrlError::BadChar { pos: at, ch: c }),
            }
        }
        if !steps_done {
            return Err(UrlError::MissingFields);
        }
        fields.push(text);
        if fields.len() < 2 {
            return Err(UrlError::MissingFields);
        }
        let setup = fields.remove(0);
        let state = EditorState { setup, sessions: fields, steps };
        state.check_limits()?;
        Ok(state)
    }
}

/// Whether the encoder writes `ch` as a code point escape.
fn needs_code_point(ch: char) -> bool {
    !(ch.is_ascii_alphanumeric() || matches!(ch, '_' | ' ' | ';' | '\n') || PUNCT.iter().any(|(p, _)| *p == ch))
}

fn encode_text(s: &str, out: &mut String) {
    use std::fmt::Write;
    for c in s.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | ' ' => out.push(c),
            ';' => out.push('.'),
            '\n' => out.push('-'),
            _ => match PUNCT.iter().find(|(p, _)| *p == c) {
                Some(&(_, l)) => {
                    out.push('*');
                    out.push(l);
                }
                None => {
                    let _ = write!(out, "*{:X}*", c as u32);
                }
            },
        }
    }
}
