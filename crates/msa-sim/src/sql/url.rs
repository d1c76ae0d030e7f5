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

use super::engine::Value;
use super::explore::{FxHasher, Grouping, Leaf, Walk, PENDING};
use super::spec::{Session as SpecSession, Spec, SqlBlock, Step as SpecStep};
use super::{parse_script, Engine, ParseError, Reply, SetupError, Statement};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Sessions an editor runs: the engine's limit.
pub use super::MAX_SESSIONS;
/// Statements in one session's program (one statement a step).
pub const MAX_STATEMENTS: usize = 6;
/// Statements of all sessions together: at most 34,650 interleavings (three sessions of four), which the
/// exploration runs in the browser in a moment. Three sessions of six would be 17 million.
pub const MAX_TOTAL_STATEMENTS: usize = 12;
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
    Session {
        index: u8,
    },
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
    Session {
        index: u8,
    },
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
                return Err(LimitError::TextTooLong {
                    part: Part::Session { index: i as u8 },
                    len,
                    max: MAX_SESSION_CHARS,
                });
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
        let mut out =
            String::with_capacity(self.setup.len() + self.sessions.iter().map(|s| s.len()).sum::<usize>() + 32);
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

// ---------------------------------------------------------------------------------------------------------------
// The board: the state's programs parsed, and its steps run on the engine

/// The editor's texts parsed: the setup as typed, each session's statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub setup: String,
    pub sessions: Vec<Vec<Statement>>,
}

/// Why the texts cannot run. Every variant is something a learner types; positions are the parser's (1-based
/// line and column in the text of `part`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ProgramError {
    Limit(LimitError),
    Parse {
        part: Part,
        error: ParseError,
    },
    /// More than [`MAX_STATEMENTS`] statements in a session.
    TooManyStatements {
        part: Part,
        n: usize,
        max: usize,
    },
    /// More than [`MAX_TOTAL_STATEMENTS`] statements in all sessions together.
    TooManyInAll {
        n: usize,
        max: usize,
    },
    /// The setup parsed but a statement failed (or the engine refused it).
    Setup(SetupError),
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgramError::Limit(e) => e.fmt(f),
            ProgramError::Parse { part, error } => write!(f, "{part}, {error}"),
            ProgramError::TooManyStatements { part, n, max } => write!(f, "{part} has {n} statements, at most {max}"),
            ProgramError::TooManyInAll { n, max } => write!(f, "{n} statements in all sessions, at most {max}"),
            ProgramError::Setup(e) => e.fmt(f),
        }
    }
}

impl EditorState {
    /// Parses the texts and checks the limits (the setup runs in [`Board::new`]).
    pub fn program(&self) -> Result<Program, ProgramError> {
        self.check_limits().map_err(ProgramError::Limit)?;
        let setup = parse_script(&self.setup);
        if let Err(error) = setup {
            return Err(ProgramError::Parse { part: Part::Setup, error });
        }
        let mut sessions = Vec::with_capacity(self.sessions.len());
        for (i, text) in self.sessions.iter().enumerate() {
            let part = Part::Session { index: i as u8 };
            let stmts = parse_script(text).map_err(|error| ProgramError::Parse { part, error })?;
            if stmts.len() > MAX_STATEMENTS {
                return Err(ProgramError::TooManyStatements { part, n: stmts.len(), max: MAX_STATEMENTS });
            }
            sessions.push(stmts);
        }
        let n: usize = sessions.iter().map(Vec::len).sum();
        if n > MAX_TOTAL_STATEMENTS {
            return Err(ProgramError::TooManyInAll { n, max: MAX_TOTAL_STATEMENTS });
        }
        Ok(Program { setup: self.setup.clone(), sessions })
    }
}

/// Why a step cannot be taken now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum StepError {
    NoSuchSession {
        session: u8,
    },
    /// The session's statement is waiting for a lock.
    Waiting {
        session: u8,
    },
    /// The session has sent all its statements.
    Finished {
        session: u8,
    },
    /// No lock timer is pending: time passing changes nothing.
    NoTimer,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::NoSuchSession { session } => write!(f, "there is no session {}", session + 1),
            StepError::Waiting { session } => write!(f, "session {} is waiting for a lock", session + 1),
            StepError::Finished { session } => write!(f, "session {} has sent all its statements", session + 1),
            StepError::NoTimer => f.write_str("no lock timer is pending"),
        }
    }
}

/// What one session has done: how many statements it sent, and each sent statement's replies once it finished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionRun {
    pub sent: usize,
    /// One entry per sent statement: None while it waits for a lock.
    pub replies: Vec<Option<Vec<Reply>>>,
}

impl SessionRun {
    /// The index of the statement waiting for a lock, if one is.
    pub fn waiting_in(&self) -> Option<usize> {
        self.replies.iter().position(|r| r.is_none())
    }
}

/// One line of the step log, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LogEntry {
    /// The session sent statement `stmt` (0-based).
    Sent { session: u8, stmt: usize },
    /// Time passed: the next lock timer fired.
    Time,
    /// The statement must wait for a lock.
    Waits { session: u8, stmt: usize },
    /// The statement finished with these replies (at once, or when a lock came free or a timer fired).
    Finished { session: u8, stmt: usize, replies: Vec<Reply> },
}

/// The engine after the setup and the steps taken, with what each session got back.
#[derive(Clone, Debug)]
pub struct Board {
    /// Shared by the board's copies.
    pub program: Arc<Program>,
    pub engine: Engine,
    pub steps: Vec<Step>,
    pub sessions: Vec<SessionRun>,
    pub log: Vec<LogEntry>,
}

impl Board {
    /// Runs the setup and opens one engine session per program.
    pub fn new(program: Program) -> Result<Board, ProgramError> {
        let engine = Engine::new(&program.setup, program.sessions.len()).map_err(ProgramError::Setup)?;
        let sessions = program.sessions.iter().map(|_| SessionRun { sent: 0, replies: Vec::new() }).collect();
        Ok(Board { program: Arc::new(program), engine, steps: Vec::new(), sessions, log: Vec::new() })
    }

    /// Whether `step` can be taken now, and if not why.
    pub fn check(&self, step: Step) -> Result<(), StepError> {
        match step {
            Step::Session { index } => {
                let i = usize::from(index);
                let (Some(run), Some(prog)) = (self.sessions.get(i), self.program.sessions.get(i)) else {
                    return Err(StepError::NoSuchSession { session: index });
                };
                if run.waiting_in().is_some() || self.engine.waiting(i) {
                    return Err(StepError::Waiting { session: index });
                }
                if run.sent >= prog.len() {
                    return Err(StepError::Finished { session: index });
                }
                Ok(())
            }
            Step::Time => {
                if self.engine.has_pending_timer() {
                    Ok(())
                } else {
                    Err(StepError::NoTimer)
                }
            }
        }
    }

    /// Takes one step: the session sends its next statement, or time passes to the next lock timer.
    pub fn step(&mut self, step: Step) -> Result<(), StepError> {
        if let Step::Session { .. } = step {
            self.check(step)?;
        }
        match step {
            Step::Session { index } => {
                let i = usize::from(index);
                let n = self.sessions[i].sent;
                let stmt = &self.program.sessions[i][n];
                // The session is not waiting and the index exists (checked): the engine accepts the statement.
                if self.engine.send_parsed(i, std::slice::from_ref(stmt)).is_err() {
                    return Err(StepError::Waiting { session: index });
                }
                self.sessions[i].sent += 1;
                self.sessions[i].replies.push(None);
                self.note(LogEntry::Sent { session: index, stmt: n });
            }
            Step::Time => {
                if !self.engine.advance_time() {
                    return Err(StepError::NoTimer);
                }
                self.note(LogEntry::Time);
            }
        }
        self.steps.push(step);
        self.collect(step);
        Ok(())
    }

    fn note(&mut self, e: LogEntry) {
        self.log.push(e);
    }

    /// Gathers the replies of every statement that has finished, the one just sent first.
    fn collect(&mut self, step: Step) {
        let first = match step {
            Step::Session { index } => usize::from(index),
            Step::Time => 0,
        };
        let n = self.sessions.len();
        for k in 0..n {
            let i = (first + k) % n;
            let Some(stmt) = self.sessions[i].waiting_in() else { continue };
            if self.engine.waiting(i) {
                if k == 0 && matches!(step, Step::Session { .. }) {
                    self.note(LogEntry::Waits { session: i as u8, stmt });
                }
                continue;
            }
            if let Some(replies) = self.engine.take_replies(i) {
                self.log.push(LogEntry::Finished { session: i as u8, stmt, replies: replies.clone() });
                self.sessions[i].replies[stmt] = Some(replies);
            }
        }
    }

    /// The steps that can be taken now, sessions in order then time.
    pub fn enabled(&self) -> Vec<Step> {
        let mut out: Vec<Step> = (0..self.sessions.len() as u8)
            .map(|index| Step::Session { index })
            .filter(|s| self.check(*s).is_ok())
            .collect();
        if self.check(Step::Time).is_ok() {
            out.push(Step::Time);
        }
        out
    }

    /// Every session has sent every statement and none waits.
    pub fn is_over(&self) -> bool {
        self.sessions.iter().zip(&self.program.sessions).all(|(r, p)| r.sent >= p.len() && r.waiting_in().is_none())
    }

    /// Runs the program from the setup through as many of `steps` as can be taken: the board, and the first step
    /// that could not be taken (its index and why), if any.
    pub fn replay(program: Program, steps: &[Step]) -> Result<(Board, Option<(usize, StepError)>), ProgramError> {
        let mut b = Board::new(program)?;
        for (i, &s) in steps.iter().enumerate() {
            if let Err(e) = b.step(s) {
                return Ok((b, Some((i, e))));
            }
        }
        Ok((b, None))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Exploration: the programs as an isolation spec for `super::explore`, and its schedules back as steps

impl Program {
    /// The spec `super::explore::explore` runs: the setup, and one step per statement, named `t<session>_<n>`
    /// (both 1-based: `t2_3` is T2's third statement).
    pub fn spec(&self) -> Spec {
        let origin = super::Pos { line: 1, col: 1 };
        let sessions = self
            .sessions
            .iter()
            .enumerate()
            .map(|(i, stmts)| SpecSession {
                name: format!("t{}", i + 1),
                pos: origin,
                setup: None,
                steps: stmts
                    .iter()
                    .enumerate()
                    .map(|(k, st)| SpecStep {
                        name: step_name(i, k),
                        pos: st.pos,
                        sql: SqlBlock { sql: st.sql().to_string(), pos: st.pos },
                    })
                    .collect(),
                teardown: None,
            })
            .collect();
        let setup = if self.setup.trim().is_empty() {
            Vec::new()
        } else {
            vec![SqlBlock { sql: self.setup.clone(), pos: origin }]
        };
        Spec { setup, teardown: None, sessions, permutations: Vec::new() }
    }

    /// The steps of an explored schedule (its step names in the order sent), with time passing wherever every
    /// session with statements left was waiting, as the exploration lets it pass. None if a name is not one of
    /// [`Program::spec`]'s or the schedule does not run on the board.
    pub fn schedule_steps(&self, names: &[String]) -> Option<Vec<Step>> {
        let mut b = Board::new(self.clone()).ok()?;
        for name in names {
            let (i, k) = parse_step_name(name)?;
            if b.sessions.get(i)?.sent != k {
                return None;
            }
            let s = Step::Session { index: i as u8 };
            b.pass_time_until(|b| b.check(s).is_ok());
            b.step(s).ok()?;
        }
        b.pass_time_until(|_| false);
        Some(b.steps)
    }
}

/// `t2_3`: T2's third statement.
pub fn step_name(session: usize, stmt: usize) -> String {
    format!("t{}_{}", session + 1, stmt + 1)
}

/// The session and statement (0-based) of a step name of [`Program::spec`].
pub fn parse_step_name(name: &str) -> Option<(usize, usize)> {
    let (s, k) = name.strip_prefix('t')?.split_once('_')?;
    let (s, k) = (s.parse::<usize>().ok()?, k.parse::<usize>().ok()?);
    (s >= 1 && k >= 1).then(|| (s - 1, k - 1))
}

impl Board {
    /// Lets time pass while no session can send and a timer is pending, until `done` holds.
    fn pass_time_until(&mut self, done: impl Fn(&Board) -> bool) {
        let n = self.sessions.len() as u8;
        while !done(self)
            && (0..n).all(|index| self.check(Step::Session { index }).is_err())
            && self.step(Step::Time).is_ok()
        {}
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Every interleaving, in slices

/// What a schedule ends with, from the clients' side and the database's: each statement's replies (None for a
/// statement still waiting at the end, with no timer left to end the wait) and every table's committed rows.
/// The replies belong in it because a session cannot carry what it read into a later statement: two schedules
/// of a lost update leave the same rows, and differ in what each SELECT returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub replies: Vec<Vec<Option<Vec<Reply>>>>,
    pub tables: Vec<super::explore::TableRows>,
}

impl Outcome {
    /// Errors by session and statement (0-based): SQLSTATE and message.
    pub fn errors(&self) -> Vec<(usize, usize, &'static str, &str)> {
        let mut out = Vec::new();
        for (i, s) in self.replies.iter().enumerate() {
            for (k, r) in s.iter().enumerate() {
                for x in r.iter().flatten() {
                    if let Reply::Error { sqlstate, message } = x {
                        out.push((i, k, *sqlstate, message.as_str()));
                    }
                }
            }
        }
        out
    }

    /// Statements still waiting at the end: (session, statement), 0-based.
    pub fn stuck(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (i, s) in self.replies.iter().enumerate() {
            for (k, r) in s.iter().enumerate() {
                if r.is_none() {
                    out.push((i, k));
                }
            }
        }
        out
    }
}

/// The schedules that end the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeGroup {
    pub outcome: Outcome,
    pub schedules: u64,
    /// The first schedule found that ends so (open it on the board with [`Board::replay`]).
    pub first: Vec<Step>,
}

/// Bounds on one exploration: whichever is reached first stops it, and the result says it is a lower bound.
/// [`Budget::DEFAULT`] is far above the 34,650 schedules of the largest program the limits allow.
pub use super::explore::Budget;

/// What tells two schedules' ends apart, as a leaf is compared with a group: the walk's numbers of the replies of
/// every statement sent (session after session, with how many each sent), and the committed rows sorted by value
/// (any one order tells equal sets of rows apart; a column holds values of its own type, so equal values are equal
/// text). The group's outcome has the table names and columns.
struct GroupKey {
    sent: [usize; MAX_SESSIONS],
    replies: Vec<u32>,
    rows: Vec<(usize, Vec<Value>)>,
}

/// Every schedule of a program, depth first, a slice at a time ([`Explorer::run`]). A session sends its next
/// statement whenever it is not waiting; when every session with statements left is waiting, time passes (the
/// next lock timer fires), as while isolationtester blocks: the walk `super::explore` runs, grouped by what every
/// statement returned and the rows.
pub struct Explorer {
    walk: Walk,
    pub schedules: u64,
    /// Engine actions so far: statements sent and timers fired, over all branches (a state met again counts the
    /// actions its first walk took).
    pub actions: u64,
    pub truncated: bool,
    by: EditorGroups,
}

/// The editor's grouping: by what every statement returned and the rows left.
struct EditorGroups {
    groups: Vec<OutcomeGroup>,
    /// One a group.
    keys: Vec<GroupKey>,
    /// The groups by their key's hash.
    index: HashMap<u64, Vec<u32>>,
}

impl Grouping for EditorGroups {
    fn leaf(&mut self, leaf: &Leaf) -> u32 {
        let e = leaf.engine;
        let mut rows: Vec<(usize, &[Value])> = e.committed_rows().collect();
        rows.sort_unstable();
        let mut h = FxHasher::default();
        for s in 0..leaf.sessions() {
            leaf.reply_ids(s).hash(&mut h);
        }
        for t in 0..e.tables_len() {
            e.table_name(t).hash(&mut h);
            e.column_names(t).for_each(|c| c.hash(&mut h));
        }
        rows.hash(&mut h);
        let (groups, keys) = (&mut self.groups, &mut self.keys);
        let bucket = self.index.entry(h.finish()).or_default();
        let same = |g: usize| {
            let (k, tables) = (&keys[g], &groups[g].outcome.tables);
            let mut at = 0;
            (0..leaf.sessions()).all(|s| {
                let ids = leaf.reply_ids(s);
                at += ids.len();
                k.sent[s] == ids.len() && k.replies[at - ids.len()..at] == *ids
            }) && tables.len() == e.tables_len()
                && tables.iter().enumerate().all(|(t, tr)| {
                    tr.name == e.table_name(t) && tr.columns.iter().map(String::as_str).eq(e.column_names(t))
                })
                && k.rows.len() == rows.len()
                && k.rows.iter().zip(&rows).all(|(a, b)| a.0 == b.0 && a.1 == b.1)
        };
        if let Some(g) = bucket.iter().copied().find(|&g| same(g as usize)) {
            groups[g as usize].schedules += 1;
            return g;
        }
        let g = groups.len() as u32;
        bucket.push(g);
        let mut key = GroupKey { sent: [0; MAX_SESSIONS], replies: Vec::new(), rows: Vec::new() };
        let mut replies = Vec::with_capacity(leaf.sessions());
        for s in 0..leaf.sessions() {
            let ids = leaf.reply_ids(s);
            key.sent[s] = ids.len();
            key.replies.extend_from_slice(ids);
            replies.push(ids.iter().map(|&id| (id != PENDING).then(|| leaf.reply(id).to_vec())).collect());
        }
        key.rows = rows.iter().map(|&(t, v)| (t, v.to_vec())).collect();
        keys.push(key);
        let outcome = Outcome { replies, tables: super::explore::final_tables(e) };
        groups.push(OutcomeGroup { outcome, schedules: 1, first: leaf.path.to_vec() });
        g
    }

    fn more(&mut self, group: u32, n: u64) {
        self.groups[group as usize].schedules += n;
    }
}

impl Explorer {
    pub fn new(program: Program, budget: Budget) -> Result<Explorer, ProgramError> {
        let engine = Engine::new(&program.setup, program.sessions.len()).map_err(ProgramError::Setup)?;
        let steps =
            program.sessions.into_iter().map(|s| s.into_iter().map(|st| vec![Arc::new(st)]).collect()).collect();
        Ok(Explorer {
            walk: Walk::new(engine, steps, budget),
            schedules: 0,
            actions: 0,
            truncated: false,
            by: EditorGroups { groups: Vec::new(), keys: Vec::new(), index: HashMap::new() },
        })
    }

    /// Explores up to `actions` more engine actions; true once every schedule has run (or the budget is spent).
    pub fn run(&mut self, actions: u64) -> bool {
        let done = self.walk.run(actions, &mut self.by);
        self.schedules = self.walk.schedules;
        self.actions = self.walk.actions;
        self.truncated = self.walk.truncated;
        done
    }

    /// The groups so far, in the order their first schedule was found.
    pub fn groups(&self) -> &[OutcomeGroup] {
        &self.by.groups
    }
}
