//! # A small SQL engine that behaves as PostgreSQL 15 does on tiny tables
//!
//! Web-free, bounded and deterministic: a hand-written lexer and recursive-descent parser ([`parse_script`]) for a
//! subset of SQL, and an [`Engine`] with MVCC row versions, snapshots (READ COMMITTED per statement, REPEATABLE
//! READ per transaction), the four row-lock modes and the eight table-lock modes with PostgreSQL's conflict
//! tables and wait queues, EvalPlanQual re-checks, unique constraints, NOWAIT / SKIP LOCKED, savepoints, the
//! error-aborted transaction state, and deadlock detection fired by a waiter's own `deadlock_timeout` on a virtual
//! clock ([`Engine::advance_time`]).
//!
//! Sessions talk to the engine as libpq clients do: [`Engine::send`] is `PQsendQuery` (the statements run until
//! one must wait for a lock), [`Engine::waiting`] is what isolationtester asks `pg_locks` for, and
//! [`Engine::take_replies`] collects the results once the query has finished.
//!
//! What it models beyond the obvious, each checked against PostgreSQL 15.18 (tests `sql_engine`, `sql_engine_pg`):
//! - the heavyweight tuple lock a row-lock waiter takes first (README.tuplock): the first waiter queues on the
//!   holder's transaction, later ones behind it; NOWAIT / SKIP LOCKED only look at it when they would wait;
//! - a failed EvalPlanQual re-check leaves the row locked; FOR KEY SHARE beside a no-key update neither waits nor
//!   fails under REPEATABLE READ; UPDATE takes FOR UPDATE only when a unique column's value changes;
//! - unique checks wait for the inserting (or deleting) transaction and see only index entries already in;
//! - rows come in the order of the plan PostgreSQL picks on a fresh table: a WHERE an index can answer gives index
//!   order (a HOT update keeps its row's place), otherwise a sequential scan gives physical order (an updated
//!   row's new version at the end);
//! - one query string outside a block is one implicit transaction; an error aborts the (sub)transaction at once,
//!   releasing its locks, and 25P02 follows until ROLLBACK or ROLLBACK TO;
//! - deadlock checks see hard and soft waits-for edges; a cycle that needs soft edges is resolved by letting the
//!   blocked waiter go ahead (deadlock.c's queue rearrangement, for the cycle found) before anyone is a victim.
//!
//! Not modelled: SERIALIZABLE (SSI) — `BEGIN ISOLATION LEVEL SERIALIZABLE` is refused with a positioned error, since
//! running it as REPEATABLE READ would show outcomes PostgreSQL does not produce; sort order among equal ORDER BY
//! keys; text ordering by a locale's collation (byte order is used, as the C locale does).
//!
//! ```
//! use msa_sim::sql::{Engine, Reply};
//! let mut e = Engine::new("CREATE TABLE c (id int PRIMARY KEY, v int); INSERT INTO c VALUES (1, 0);", 2).unwrap();
//! e.send(0, "BEGIN; UPDATE c SET v = v + 1 WHERE id = 1;").unwrap();
//! e.send(1, "UPDATE c SET v = v + 1 WHERE id = 1").unwrap();
//! assert!(e.waiting(1));            // session 1 waits for session 0's row lock
//! e.send(0, "COMMIT").unwrap();
//! assert!(!e.waiting(1));           // ... and re-reads the row (EvalPlanQual): v = 2
//! assert_eq!(e.take_replies(1).unwrap(), vec![Reply::Command { tag: "UPDATE 1".into() }]);
//! e.send(0, "SELECT v FROM c").unwrap();
//! assert_eq!(e.take_replies(0).unwrap()[0], Reply::Rows { columns: vec!["v".into()], rows: vec![vec![Some("2".into())]] });
//! ```

pub mod ast;
pub mod engine;
pub mod examples;
pub mod explore;
pub mod lex;
pub mod lock;
pub mod parse;
pub mod spec;
pub mod tester;
pub mod url;

pub use ast::{Pos, Statement, Stmt};
pub use engine::{Engine, SessionSnapshot, Snapshot, TableSnapshot, VersionSnapshot, WaitEdge};
pub use parse::parse_script;

use serde::Serialize;
use std::fmt;

/// Most sessions an engine opens.
pub const MAX_SESSIONS: usize = 3;
/// Most tables.
pub const MAX_TABLES: usize = 8;
/// Most columns per table.
pub const MAX_COLUMNS: usize = 8;
/// Most row versions (live and dead) all tables together hold.
pub const MAX_ROW_VERSIONS: usize = 64;
/// Most statements one session may run (over the engine's life).
pub const MAX_SESSION_STATEMENTS: usize = 32;
/// Most statements the setup may hold.
pub const MAX_SETUP_STATEMENTS: usize = 64;

/// What went wrong while reading SQL: data, so the interface can say it in the learner's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ParseErrorKind {
    UnexpectedChar(char),
    UnterminatedString,
    UnterminatedQuotedIdent,
    UnterminatedComment,
    EmptyQuotedIdent,
    NumberOutOfRange(String),
    /// Letters straight after a number (`12abc`).
    TrailingJunk(String),
    /// `expected` names what the grammar wanted, `found` quotes the token met (or "the end of the script").
    Expected {
        expected: &'static str,
        found: String,
    },
    /// SQL outside the subset, named.
    NotSupported(String),
    /// SERIALIZABLE (SSI) is not modelled.
    SerializableNotModelled,
    /// A duration PostgreSQL would not take for deadlock_timeout / lock_timeout.
    BadDuration(String),
    TooLong {
        max_bytes: usize,
    },
    TooManyStatements {
        max: usize,
    },
    TooDeep {
        max: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub pos: Pos,
    pub kind: ParseErrorKind,
}

impl ParseError {
    /// The message in English, without the position (the interface translates `kind` for Korean).
    pub fn message_en(&self) -> String {
        match &self.kind {
            ParseErrorKind::UnexpectedChar(c) => format!("unexpected character {c:?}"),
            ParseErrorKind::UnterminatedString => "unterminated string literal (a ' is missing)".into(),
            ParseErrorKind::UnterminatedQuotedIdent => "unterminated quoted name (a \" is missing)".into(),
            ParseErrorKind::UnterminatedComment => "unterminated /* comment".into(),
            ParseErrorKind::EmptyQuotedIdent => "a quoted name cannot be empty".into(),
            ParseErrorKind::NumberOutOfRange(n) => format!("the number {n} is out of range"),
            ParseErrorKind::TrailingJunk(n) => format!("trailing junk after the number {n}"),
            ParseErrorKind::Expected { expected, found } => format!("expected {expected}, found {found}"),
            ParseErrorKind::NotSupported(what) => format!("not supported here: {what}"),
            ParseErrorKind::SerializableNotModelled => {
                "not supported here: SERIALIZABLE (its predicate locks are not modelled; use READ COMMITTED or \
                 REPEATABLE READ)"
                    .into()
            }
            ParseErrorKind::BadDuration(s) => {
                format!("invalid duration {s:?} (write '10ms', '1s', '2min' or whole milliseconds)")
            }
            ParseErrorKind::TooLong { max_bytes } => format!("the script is longer than {max_bytes} bytes"),
            ParseErrorKind::TooManyStatements { max } => format!("more than {max} statements"),
            ParseErrorKind::TooDeep { max } => format!("expression nested deeper than {max} levels"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message_en())
    }
}

/// One result of a statement, as libpq hands it to the client.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Reply {
    /// Result rows: values as psql prints them (`t`/`f` for booleans); `None` is NULL.
    Rows { columns: Vec<String>, rows: Vec<Vec<Option<String>>> },
    /// A command's tag: "UPDATE 1", "INSERT 0 1", "BEGIN", "LOCK TABLE", ...
    Command { tag: String },
    /// An error: the SQLSTATE and the primary message, without "ERROR:  ".
    Error { sqlstate: &'static str, message: String },
    /// A notice before the statement's result (`WARNING:  there is no transaction in progress`): the severity
    /// ("WARNING") and the message.
    Notice { severity: &'static str, message: String },
}

/// Why the setup was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SetupError {
    Parse(ParseError),
    /// A setup statement failed as PostgreSQL would fail it (statement index, SQLSTATE, message), or was not
    /// allowed in a setup (transaction control, locks).
    Statement {
        index: usize,
        pos: Pos,
        sqlstate: &'static str,
        message: String,
    },
    /// `sessions` outside 1..=MAX_SESSIONS.
    Sessions {
        requested: usize,
        max: usize,
    },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Parse(p) => write!(f, "setup: {p}"),
            SetupError::Statement { pos, message, .. } => write!(f, "setup, {pos}: {message}"),
            SetupError::Sessions { requested, max } => write!(f, "{requested} sessions: between 1 and {max}"),
        }
    }
}

/// Why a query was not sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SendError {
    NoSuchSession {
        session: usize,
        sessions: usize,
    },
    /// The session's last query is still waiting for a lock.
    Busy {
        session: usize,
    },
    Parse(ParseError),
    /// The session would run more than MAX_SESSION_STATEMENTS statements.
    TooManyStatements {
        session: usize,
        max: usize,
    },
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::NoSuchSession { session, sessions } => {
                write!(f, "no session {session} (there are {sessions})")
            }
            SendError::Busy { session } => write!(f, "session {session} is still waiting for a lock"),
            SendError::Parse(p) => write!(f, "{p}"),
            SendError::TooManyStatements { session, max } => {
                write!(f, "session {session} would run more than {max} statements")
            }
        }
    }
}
