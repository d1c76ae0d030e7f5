//! PostgreSQL's isolation-test spec format (`src/test/isolation/README`), read the way PostgreSQL 15's
//! `specscanner.l` and `specparse.y` read it, with every error positioned (line and column).
//!
//! ```text
//! # comment (only `#`: PostgreSQL 15 rejects `--` outside an SQL block)
//! setup { CREATE TABLE t (id int PRIMARY KEY); }   # zero or more, run in order before each permutation
//! teardown { DROP TABLE t; }                       # at most one, after the setups
//! session s1                                       # one or more sessions
//! setup { BEGIN; }                                 #   optional
//! step s1a { SELECT 1; }                           #   one or more steps
//! teardown { COMMIT; }                             #   optional
//! permutation s1a s2a(s1a) s2b(*)                  # zero or more; none = every interleaving
//! ```
//!
//! Names are identifiers (`[A-Za-z_\x80-\xff][A-Za-z0-9_$\x80-\xff]*`) or `"quoted"` (with `""` for a quote);
//! the six keywords (`notices permutation session setup step teardown`) are reserved unless quoted. An SQL block
//! is everything between `{` and the first `}`, without the spaces and tabs right after `{` and right before `}`
//! (newlines are kept, so the tester prints multi-line steps as isolationtester does). A permutation step may
//! carry PostgreSQL 14+'s annotations: `(*)` (report it as waiting once), `(other)` (not complete while step
//! `other` is running) and `(other notices N)`.
//!
//! After parsing, the checks isolationtester's `check_testspec` makes: step names unique over all sessions, every
//! permutation step defined, every blocker defined in that permutation and in another session.

use super::ast::Pos;
use serde::Serialize;
use std::fmt;

/// Longest spec accepted (bytes): PostgreSQL's own specs are at most a few tens of KB.
pub const MAX_SPEC_BYTES: usize = 256 * 1024;

/// An SQL block: its text as isolationtester keeps it and where that text starts in the spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SqlBlock {
    pub sql: String,
    pub pos: Pos,
}

impl SqlBlock {
    /// Maps a position inside the block's SQL (as the SQL parser reports it) to the position in the spec file.
    pub fn file_pos(&self, inner: Pos) -> Pos {
        if inner.line <= 1 {
            Pos { line: self.pos.line, col: self.pos.col + inner.col.saturating_sub(1) }
        } else {
            Pos { line: self.pos.line + inner.line - 1, col: inner.col }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub name: String,
    /// Where the step's name is.
    pub pos: Pos,
    pub sql: SqlBlock,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Session {
    pub name: String,
    pub pos: Pos,
    pub setup: Option<SqlBlock>,
    pub steps: Vec<Step>,
    pub teardown: Option<SqlBlock>,
}

/// An annotation on a permutation step (PostgreSQL 14+).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Blocker {
    /// `(*)`: report the step as waiting once, whether or not it had to wait.
    Once,
    /// `(name)`: do not report the step complete while step `name` (of another session) is running.
    OtherStep(String),
    /// `(name notices N)`: do not report it complete before `name`'s session has sent N more notices.
    Notices { step: String, count: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PermutationStep {
    pub name: String,
    pub pos: Pos,
    pub blockers: Vec<Blocker>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Permutation {
    pub pos: Pos,
    pub steps: Vec<PermutationStep>,
}

/// A parsed and checked spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Spec {
    pub setup: Vec<SqlBlock>,
    pub teardown: Option<SqlBlock>,
    pub sessions: Vec<Session>,
    pub permutations: Vec<Permutation>,
}

/// Where a step is: (session index, step index within the session).
pub type StepRef = (usize, usize);

impl Spec {
    /// The session and index of the step called `name`.
    pub fn find_step(&self, name: &str) -> Option<StepRef> {
        self.sessions
            .iter()
            .enumerate()
            .find_map(|(si, s)| s.steps.iter().position(|st| st.name == name).map(|k| (si, k)))
    }

    pub fn step(&self, r: StepRef) -> &Step {
        &self.sessions[r.0].steps[r.1]
    }

    /// Steps no listed permutation uses (isolationtester warns "unused step name" on stderr), sorted by name as
    /// it lists them. Empty when no permutation is listed.
    pub fn unused_steps(&self) -> Vec<&str> {
        if self.permutations.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<&str> = self
            .sessions
            .iter()
            .flat_map(|s| s.steps.iter())
            .filter(|st| !self.permutations.iter().any(|p| p.steps.iter().any(|ps| ps.name == st.name)))
            .map(|st| st.name.as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// How many permutations isolationtester runs when none is listed: the multinomial coefficient
    /// (sum n_i)! / prod(n_i!), or None past `u64`.
    pub fn all_permutations_count(&self) -> Option<u64> {
        let mut total: u64 = 1;
        let mut placed: u64 = 0;
        for s in &self.sessions {
            for k in 1..=s.steps.len() as u64 {
                placed += 1;
                // total * placed / k stays an integer at every step (it is a product of binomials).
                total = total.checked_mul(placed)? / k;
            }
        }
        Some(total)
    }

    /// Every permutation of the sessions' steps in isolationtester's order (`run_all_permutations_recurse`:
    /// depth first, trying session 0's next step before session 1's), at most `limit` of them; None if there are
    /// more.
    pub fn all_permutations(&self, limit: usize) -> Option<Vec<Vec<StepRef>>> {
        let mut out = Vec::new();
        let mut piles = vec![0usize; self.sessions.len()];
        let total: usize = self.sessions.iter().map(|s| s.steps.len()).sum();
        let mut cur = Vec::with_capacity(total);
        if self.recurse(&mut piles, &mut cur, total, limit, &mut out) {
            Some(out)
        } else {
            None
        }
    }

    fn recurse(
        &self,
        piles: &mut [usize],
        cur: &mut Vec<StepRef>,
        total: usize,
        limit: usize,
        out: &mut Vec<Vec<StepRef>>,
    ) -> bool {
        if cur.len() == total {
            if out.len() >= limit {
                return false;
            }
            out.push(cur.clone());
            return true;
        }
        for i in 0..self.sessions.len() {
            if piles[i] < self.sessions[i].steps.len() {
                cur.push((i, piles[i]));
                piles[i] += 1;
                let ok = self.recurse(piles, cur, total, limit, out);
                piles[i] -= 1;
                cur.pop();
                if !ok {
                    return false;
                }
            }
        }
        true
    }
}

/// What is wrong with a spec: data, so an interface can say it in the learner's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SpecErrorKind {
    UnexpectedChar(char),
    /// `--` outside an SQL block: PostgreSQL 15's spec scanner has only `#` comments.
    DashComment,
    UnterminatedSqlBlock,
    UnterminatedQuotedName,
    NewlineInQuotedName,
    /// The grammar wanted `expected` and met `found` (a token quoted, or "the end of the spec").
    Expected {
        expected: &'static str,
        found: String,
    },
    NumberOutOfRange(String),
    DuplicateStep(String),
    UndefinedStep(String),
    UndefinedBlocker {
        blocker: String,
        step: String,
    },
    BlockerInOwnSession(String),
    TooLong {
        max_bytes: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpecError {
    pub pos: Pos,
    pub kind: SpecErrorKind,
}

impl SpecError {
    /// The message in English, without the position.
    pub fn message_en(&self) -> String {
        match &self.kind {
            SpecErrorKind::UnexpectedChar(c) => format!("unexpected character {c:?}"),
            SpecErrorKind::DashComment => {
                "`--` starts a comment only inside an SQL block; outside one, spec comments start with `#`".into()
            }
            SpecErrorKind::UnterminatedSqlBlock => "unterminated SQL block (a `}` is missing)".into(),
            SpecErrorKind::UnterminatedQuotedName => "unterminated quoted name (a `\"` is missing)".into(),
            SpecErrorKind::NewlineInQuotedName => "a quoted name cannot span lines".into(),
            SpecErrorKind::Expected { expected, found } => format!("syntax error: expected {expected}, found {found}"),
            SpecErrorKind::NumberOutOfRange(n) => format!("the number {n} is out of range"),
            SpecErrorKind::DuplicateStep(n) => format!("duplicate step name: {n}"),
            SpecErrorKind::UndefinedStep(n) => format!("undefined step \"{n}\" specified in permutation"),
            SpecErrorKind::UndefinedBlocker { blocker, step } => {
                format!("undefined blocking step \"{blocker}\" referenced in permutation step \"{step}\"")
            }
            SpecErrorKind::BlockerInOwnSession(n) => {
                format!("permutation step \"{n}\" cannot block on its own session")
            }
            SpecErrorKind::TooLong { max_bytes } => format!("the spec is longer than {max_bytes} bytes"),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.pos.line, self.pos.col, self.message_en())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Keyword(&'static str),
    Ident(String),
    Sql(SqlBlock),
    Int(String),
    Sym(char),
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Keyword(k) => format!("keyword `{k}`"),
            Tok::Ident(n) => format!("name `{n}`"),
            Tok::Sql(_) => "an SQL block `{ ... }`".into(),
            Tok::Int(n) => format!("number {n}"),
            Tok::Sym(c) => format!("`{c}`"),
            Tok::Eof => "the end of the spec".into(),
        }
    }
}

const KEYWORDS: [&str; 6] = ["notices", "permutation", "session", "setup", "step", "teardown"];

fn ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn ident_cont(c: char) -> bool {
    ident_start(c) || c.is_ascii_digit() || c == '$'
}

/// `{space}` of specscanner.l: blanks that never end a line.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\x0c')
}

struct Lexer<'a> {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
    _src: &'a str,
}

impl Lexer<'_> {
    fn pos(&self) -> Pos {
        Pos { line: self.line, col: self.col }
    }

    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.i).copied()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn err(pos: Pos, kind: SpecErrorKind) -> SpecError {
        SpecError { pos, kind }
    }

    fn next(&mut self) -> Result<(Tok, Pos), SpecError> {
        loop {
            match self.peek(0) {
                Some(c) if is_space(c) || c == '\n' => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.peek(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        let start = self.pos();
        let Some(c) = self.peek(0) else {
            return Ok((Tok::Eof, start));
        };
        if ident_start(c) {
            let mut word = String::new();
            while let Some(c) = self.peek(0) {
                if !ident_cont(c) {
                    break;
                }
                word.push(c);
                self.bump();
            }
            return Ok(match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => (Tok::Keyword(k), start),
                None => (Tok::Ident(word), start),
            });
        }
        if c.is_ascii_digit() {
            let mut n = String::new();
            while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
                n.push(c);
                self.bump();
            }
            return Ok((Tok::Int(n), start));
        }
        match c {
            '"' => {
                self.bump();
                let mut name = String::new();
                loop {
                    match self.peek(0) {
                        None => return Err(Self::err(start, SpecErrorKind::UnterminatedQuotedName)),
                        Some('\n') => return Err(Self::err(self.pos(), SpecErrorKind::NewlineInQuotedName)),
                        Some('"') if self.peek(1) == Some('"') => {
                            name.push('"');
                            self.bump();
                            self.bump();
                        }
                        Some('"') => {
                            self.bump();
                            return Ok((Tok::Ident(name), start));
                        }
                        Some(c) => {
                            name.push(c);
                            self.bump();
                        }
                    }
                }
            }
            '{' => {
                self.bump();
                while self.peek(0).is_some_and(is_space) {
                    self.bump();
                }
                let pos = self.pos();
                let mut sql = String::new();
                loop {
                    // `{space}*"}"` ends the block: trailing spaces and tabs before the brace are not kept.
                    let mut k = 0;
                    while self.peek(k).is_some_and(is_space) {
                        k += 1;
                    }
                    match self.peek(k) {
                        Some('}') => {
                            for _ in 0..=k {
                                self.bump();
                            }
                            return Ok((Tok::Sql(SqlBlock { sql, pos }), start));
                        }
                        None => return Err(Self::err(start, SpecErrorKind::UnterminatedSqlBlock)),
                        _ => {}
                    }
                    if let Some(c) = self.bump() {
                        sql.push(c);
                    }
                }
            }
            ',' | '(' | ')' | '*' => {
                self.bump();
                Ok((Tok::Sym(c), start))
            }
            '-' if self.peek(1) == Some('-') => Err(Self::err(start, SpecErrorKind::DashComment)),
            other => Err(Self::err(start, SpecErrorKind::UnexpectedChar(other))),
        }
    }
}

struct Parser<'a> {
    lex: Lexer<'a>,
    tok: Tok,
    pos: Pos,
}

impl Parser<'_> {
    fn advance(&mut self) -> Result<(), SpecError> {
        let (t, p) = self.lex.next()?;
        self.tok = t;
        self.pos = p;
        Ok(())
    }

    fn expected(&self, expected: &'static str) -> SpecError {
        SpecError { pos: self.pos, kind: SpecErrorKind::Expected { expected, found: self.tok.describe() } }
    }

    fn is_kw(&self, k: &str) -> bool {
        matches!(self.tok, Tok::Keyword(w) if w == k)
    }

    fn sql_block(&mut self) -> Result<SqlBlock, SpecError> {
        match &self.tok {
            Tok::Sql(b) => {
                let b = b.clone();
                self.advance()?;
                Ok(b)
            }
            _ => Err(self.expected("an SQL block `{ ... }`")),
        }
    }

    fn ident(&mut self, what: &'static str) -> Result<(String, Pos), SpecError> {
        match &self.tok {
            Tok::Ident(n) => {
                let r = (n.clone(), self.pos);
                self.advance()?;
                Ok(r)
            }
            _ => Err(self.expected(what)),
        }
    }

    fn spec(&mut self) -> Result<Spec, SpecError> {
        let mut setup = Vec::new();
        while self.is_kw("setup") {
            self.advance()?;
            setup.push(self.sql_block()?);
        }
        let mut teardown = None;
        if self.is_kw("teardown") {
            self.advance()?;
            teardown = Some(self.sql_block()?);
        }
        let mut sessions = Vec::new();
        while self.is_kw("session") {
            sessions.push(self.session()?);
        }
        if sessions.is_empty() {
            return Err(self.expected(if teardown.is_some() {
                "`session`"
            } else {
                "`setup`, `teardown` or `session`"
            }));
        }
        let mut permutations = Vec::new();
        while self.is_kw("permutation") {
            let pos = self.pos;
            self.advance()?;
            let mut steps = Vec::new();
            while let Tok::Ident(_) = self.tok {
                steps.push(self.permutation_step()?);
            }
            if steps.is_empty() {
                return Err(self.expected("a step name"));
            }
            permutations.push(Permutation { pos, steps });
        }
        if self.tok != Tok::Eof {
            return Err(self.expected(if permutations.is_empty() {
                "`step`, `teardown`, `session` or `permutation`"
            } else {
                "a step name or `permutation`"
            }));
        }
        Ok(Spec { setup, teardown, sessions, permutations })
    }

    fn session(&mut self) -> Result<Session, SpecError> {
        self.advance()?;
        let (name, pos) = self.ident("a session name")?;
        let mut setup = None;
        if self.is_kw("setup") {
            self.advance()?;
            setup = Some(self.sql_block()?);
        }
        let mut steps = Vec::new();
        while self.is_kw("step") {
            self.advance()?;
            let (name, pos) = self.ident("a step name")?;
            let sql = self.sql_block()?;
            steps.push(Step { name, pos, sql });
        }
        if steps.is_empty() {
            return Err(self.expected(if setup.is_some() { "`step`" } else { "`setup` or `step`" }));
        }
        let mut teardown = None;
        if self.is_kw("teardown") {
            self.advance()?;
            teardown = Some(self.sql_block()?);
        }
        Ok(Session { name, pos, setup, steps, teardown })
    }

    fn permutation_step(&mut self) -> Result<PermutationStep, SpecError> {
        let (name, pos) = self.ident("a step name")?;
        let mut blockers = Vec::new();
        if self.tok == Tok::Sym('(') {
            self.advance()?;
            loop {
                match &self.tok {
                    Tok::Sym('*') => {
                        self.advance()?;
                        blockers.push(Blocker::Once);
                    }
                    Tok::Ident(_) => {
                        let (other, _) = self.ident("a step name")?;
                        if self.is_kw("notices") {
                            self.advance()?;
                            let Tok::Int(n) = &self.tok else {
                                return Err(self.expected("a number of notices"));
                            };
                            let count = n.parse::<u32>().map_err(|_| SpecError {
                                pos: self.pos,
                                kind: SpecErrorKind::NumberOutOfRange(n.clone()),
                            })?;
                            self.advance()?;
                            blockers.push(Blocker::Notices { step: other, count });
                        } else {
                            blockers.push(Blocker::OtherStep(other));
                        }
                    }
                    _ => return Err(self.expected("`*` or a step name")),
                }
                match self.tok {
                    Tok::Sym(',') => self.advance()?,
                    Tok::Sym(')') => {
                        self.advance()?;
                        break;
                    }
                    _ => return Err(self.expected("`,` or `)`")),
                }
            }
        }
        Ok(PermutationStep { name, pos, blockers })
    }
}

/// Reads a spec and makes isolationtester's checks. Never panics, whatever the input.
pub fn parse_spec(src: &str) -> Result<Spec, SpecError> {
    if src.len() > MAX_SPEC_BYTES {
        return Err(SpecError {
            pos: Pos { line: 1, col: 1 },
            kind: SpecErrorKind::TooLong { max_bytes: MAX_SPEC_BYTES },
        });
    }
    let lex = Lexer { chars: src.chars().collect(), i: 0, line: 1, col: 1, _src: src };
    let mut p = Parser { lex, tok: Tok::Eof, pos: Pos { line: 1, col: 1 } };
    p.advance()?;
    let spec = p.spec()?;
    check(&spec)?;
    Ok(spec)
}

/// isolationtester's `check_testspec`, in its order: duplicate step names (reported at the later definition),
/// then per permutation its undefined steps, then its blockers.
fn check(spec: &Spec) -> Result<(), SpecError> {
    let mut all: Vec<&Step> = spec.sessions.iter().flat_map(|s| s.steps.iter()).collect();
    all.sort_by(|a, b| a.name.cmp(&b.name).then(a.pos.cmp(&b.pos)));
    for w in all.windows(2) {
        if w[0].name == w[1].name {
            return Err(SpecError { pos: w[1].pos, kind: SpecErrorKind::DuplicateStep(w[1].name.clone()) });
        }
    }
    for p in &spec.permutations {
        for ps in &p.steps {
            if spec.find_step(&ps.name).is_none() {
                return Err(SpecError { pos: ps.pos, kind: SpecErrorKind::UndefinedStep(ps.name.clone()) });
            }
        }
        for ps in &p.steps {
            let Some((own, _)) = spec.find_step(&ps.name) else { continue };
            for b in &ps.blockers {
                let other = match b {
                    Blocker::Once => continue,
                    Blocker::OtherStep(n) | Blocker::Notices { step: n, .. } => n,
                };
                let in_perm = p.steps.iter().any(|x| &x.name == other);
                let found = spec.find_step(other).filter(|_| in_perm);
                match found {
                    None => {
                        return Err(SpecError {
                            pos: ps.pos,
                            kind: SpecErrorKind::UndefinedBlocker { blocker: other.clone(), step: ps.name.clone() },
                        })
                    }
                    Some((s, _)) if s == own => {
                        return Err(SpecError {
                            pos: ps.pos,
                            kind: SpecErrorKind::BlockerInOwnSession(ps.name.clone()),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}
