//! PostgreSQL 15's `isolationtester`, run on the engine instead of a server: same permutations in the same
//! order, same lines (`starting permutation:`, `step NAME: SQL`, `<waiting ...>`, `<... completed>`, result
//! tables as libpq's `PQprint` draws them, `ERROR:  message`), byte for byte.
//!
//! The algorithm is `run_permutation` / `try_complete_step(s)` of isolationtester.c (PostgreSQL 14 and later):
//! - each permutation starts from a fresh engine built from the spec's `setup` blocks, then runs each session's
//!   `setup`;
//! - a step is sent; if its session then waits for a lock, the tester prints `<waiting ...>` and goes on with the
//!   next step; after every step it polls the waiting steps in the order they began waiting, and prints
//!   `<... completed>` and their results for those that finished;
//! - when the next step belongs to a session that is still waiting, the tester blocks on that session. This is
//!   the only place where time passes: the engine's virtual clock jumps to its next timer (a waiter's
//!   `deadlock_timeout` or `lock_timeout`, [`Engine::advance_time`]) until the session's query is done; then the
//!   other waiters are polled again;
//! - after the last step it waits for every remaining waiter the same way, then runs each session's `teardown`
//!   and the spec's `teardown`.
//!
//! What the engine cannot do, the tester says instead of guessing: SQL outside the subset is an error with its
//! position in the spec, found before anything runs. A step the tester blocks on that no timer will end is
//! canceled as isolationtester cancels it after its step timeout (`isolationtester: canceling step NAME after 300
//! seconds`, then `ERROR:  canceling statement due to user request`), or, with [`TesterOptions`] saying so, stops
//! the run as [`TesterErrorKind::Stuck`].
//!
//! Where the tester cannot be exact: a notice sent by a statement before a later statement of the same step waits
//! makes the server flush the finished results early; the real isolationtester then takes the step for finished,
//! prints its line without `<waiting ...>` and blocks in `PQgetResult` until the wait ends, which, if only a
//! later step would end it, is never (checked on PostgreSQL 15.18: `BEGIN; BEGIN; UPDATE ...` waiting for a row).
//! The tester here reports that step as waiting, and the notice with its completion.
//!
//! Two details of the engine's setting: the spec's `setup` blocks run inside [`Engine::new`], so a SELECT there
//! prints nothing (isolationtester prints its table); the spec's `teardown` runs on a session that is not in a
//! transaction block, without its `DROP` statements (the engine of the permutation is discarded instead).

use super::ast::Pos;
use super::spec::{Blocker, PermutationStep, Spec, SqlBlock, StepRef};
use super::{parse_script, Engine, ParseError, Reply, SendError, SetupError, MAX_SESSIONS};
use serde::Serialize;
use std::fmt;

/// Most permutations one run performs (isolationtester has no limit; 3 sessions of 4 steps already make 34650).
pub const MAX_PERMUTATIONS: usize = 50_000;
/// Most timers one blocking wait may fire before the tester gives up (every timer ends a wait or aborts a
/// waiter, so a sane engine never needs many).
const MAX_TIMERS_PER_WAIT: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TesterErrorKind {
    /// SQL the engine does not take (outside the subset, or malformed): the engine's message.
    Sql(String),
    /// The setup was refused (a statement failed, or too many sessions for the engine).
    Setup(String),
    /// A session's `setup` block failed: isolationtester stops there ("setup of session s1 failed").
    SessionSetup {
        session: String,
        message: String,
    },
    /// A step waits and no timer can end the wait (isolationtester would cancel it after 300 s).
    Stuck {
        step: String,
    },
    /// Steps still wait after the last one: isolationtester's "failed to complete permutation due to
    /// mutually-blocking steps".
    MutuallyBlocking,
    /// The engine refused a query (a limit, e.g. statements per session).
    Send {
        step: String,
        message: String,
    },
    TooManyPermutations {
        count: Option<u64>,
        max: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TesterError {
    /// Where in the spec, when the error belongs to a place in it.
    pub pos: Option<Pos>,
    pub kind: TesterErrorKind,
}

impl TesterError {
    pub fn message_en(&self) -> String {
        match &self.kind {
            TesterErrorKind::Sql(m) => m.clone(),
            TesterErrorKind::Setup(m) => format!("setup failed: {m}"),
            TesterErrorKind::SessionSetup { session, message } => {
                format!("setup of session {session} failed: {message}")
            }
            TesterErrorKind::Stuck { step } => format!(
                "step {step} waits for a lock that nothing will release (PostgreSQL's isolationtester would cancel \
                 it after 300 seconds)"
            ),
            TesterErrorKind::MutuallyBlocking => {
                "failed to complete permutation due to mutually-blocking steps".to_string()
            }
            TesterErrorKind::Send { step, message } => format!("step {step}: {message}"),
            TesterErrorKind::TooManyPermutations { count, max } => match count {
                Some(n) => format!("{n} permutations: more than the {max} the tester runs; list some in the spec"),
                None => format!("more permutations than the {max} the tester runs; list some in the spec"),
            },
        }
    }

    /// Whether the spec itself is at fault (bad or unsupported SQL, limits): the CLI exits 2 for those, 1 for
    /// failures while running, as isolationtester exits 1.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self.kind,
            TesterErrorKind::Sql(_) | TesterErrorKind::Setup(_) | TesterErrorKind::TooManyPermutations { .. }
        )
    }
}

impl fmt::Display for TesterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}: {}", p.line, p.col, self.message_en()),
            None => write!(f, "{}", self.message_en()),
        }
    }
}

/// How the tester behaves where isolationtester has a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TesterOptions {
    /// isolationtester's step timeout (`PGISOLATIONTIMEOUT`, 300 s by default): a step the tester blocks on that
    /// no lock timer will ever end is canceled after this long ("isolationtester: canceling step ... after N
    /// seconds", then 57014). None: stop the run with [`TesterErrorKind::Stuck`] instead (the explorer's view).
    pub step_timeout_secs: Option<u64>,
}

impl Default for TesterOptions {
    fn default() -> Self {
        TesterOptions { step_timeout_secs: Some(300) }
    }
}

/// What a run printed: `stdout` is isolationtester's standard output; `stderr` its warnings (unused steps);
/// `error` why it stopped early, if it did (what was printed before stays in `stdout`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TesterRun {
    pub stdout: String,
    pub stderr: String,
    pub error: Option<TesterError>,
}

/// One permutation to run: each step with its annotations.
pub type PermutationSteps = Vec<(StepRef, Vec<Blocker>)>;

/// The permutations a run performs: the listed ones, or every interleaving in isolationtester's order.
pub fn permutations(spec: &Spec) -> Result<Vec<PermutationSteps>, TesterError> {
    if spec.permutations.is_empty() {
        let all = spec.all_permutations(MAX_PERMUTATIONS).ok_or(TesterError {
            pos: None,
            kind: TesterErrorKind::TooManyPermutations { count: spec.all_permutations_count(), max: MAX_PERMUTATIONS },
        })?;
        return Ok(all.into_iter().map(|p| p.into_iter().map(|r| (r, Vec::new())).collect()).collect());
    }
    Ok(spec
        .permutations
        .iter()
        .map(|p| {
            p.steps
                .iter()
                .filter_map(|ps: &PermutationStep| spec.find_step(&ps.name).map(|r| (r, ps.blockers.clone())))
                .collect()
        })
        .collect())
}

/// One statement of a block, as the tester splits a `teardown`: its text and where it starts in the block.
fn split_statements(sql: &str) -> Vec<(String, Pos)> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let (mut line, mut col) = (1u32, 1u32);
    let mut cur = String::new();
    let mut start: Option<Pos> = None;
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        let here = Pos { line, col };
        let mut take = 1;
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' => quote = Some(c),
                '-' if chars.get(i + 1) == Some(&'-') => {
                    while i + take < chars.len() && chars[i + take] != '\n' {
                        take += 1;
                    }
                }
                ';' => {
                    if let Some(p) = start.take() {
                        out.push((std::mem::take(&mut cur).trim_end().to_string(), p));
                    }
                    cur.clear();
                    take = 0;
                }
                _ => {}
            },
        }
        if take == 0 {
            col += 1;
            i += 1;
            continue;
        }
        for k in 0..take {
            let ch = chars[i + k];
            if start.is_none() && !ch.is_whitespace() {
                start = Some(if k == 0 { here } else { Pos { line, col } });
            }
            if start.is_some() {
                cur.push(ch);
            }
            if ch == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        i += take;
    }
    if let Some(p) = start {
        let t = cur.trim_end().to_string();
        if !t.is_empty() {
            out.push((t, p));
        }
    }
    out
}

fn first_word_is(sql: &str, word: &str) -> bool {
    let w: String = sql.trim_start().chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    w.eq_ignore_ascii_case(word)
}

fn sql_error(block: &SqlBlock, offset: Pos, e: &ParseError) -> TesterError {
    // `e.pos` is relative to the statement text that starts at `offset` within the block.
    let inner = if e.pos.line <= 1 {
        Pos { line: offset.line, col: offset.col + e.pos.col.saturating_sub(1) }
    } else {
        Pos { line: offset.line + e.pos.line - 1, col: e.pos.col }
    };
    TesterError { pos: Some(block.file_pos(inner)), kind: TesterErrorKind::Sql(e.message_en()) }
}

/// A step's query string parsed (the statements it sends), or the parse error with its place in the spec.
pub(crate) fn parse_step(step: &super::spec::Step) -> Result<Vec<super::Statement>, TesterError> {
    parse_script(&step.sql.sql).map_err(|e| sql_error(&step.sql, Pos { line: 1, col: 1 }, &e))
}

/// The spec's `teardown` without its DROP statements (each with its position in the block).
fn teardown_statements(block: &SqlBlock) -> Vec<(String, Pos)> {
    split_statements(&block.sql).into_iter().filter(|(s, _)| !first_word_is(s, "drop")).collect()
}

/// Checks every SQL block of the spec against the engine's parser before anything runs, so unsupported SQL is
/// reported with its place in the spec and the run never stops half-way for it.
pub fn check_sql(spec: &Spec) -> Result<(), TesterError> {
    let origin = Pos { line: 1, col: 1 };
    for b in &spec.setup {
        parse_script(&b.sql).map_err(|e| sql_error(b, origin, &e))?;
    }
    for s in &spec.sessions {
        for b in s.setup.iter().chain(s.teardown.iter()) {
            parse_script(&b.sql).map_err(|e| sql_error(b, origin, &e))?;
        }
        for st in &s.steps {
            parse_script(&st.sql.sql).map_err(|e| sql_error(&st.sql, origin, &e))?;
        }
    }
    if let Some(b) = &spec.teardown {
        for (sql, at) in teardown_statements(b) {
            parse_script(&sql).map_err(|e| sql_error(b, at, &e))?;
        }
    }
    Ok(())
}

/// The spec's setup blocks as one script for [`Engine::new`], with the first line of each block in it.
fn setup_script(spec: &Spec) -> (String, Vec<u32>) {
    let mut text = String::new();
    let mut starts = Vec::new();
    let mut line = 1u32;
    for (k, b) in spec.setup.iter().enumerate() {
        if k > 0 {
            text.push_str(";\n");
            line += 1;
        }
        starts.push(line);
        text.push_str(&b.sql);
        line += b.sql.matches('\n').count() as u32;
    }
    (text, starts)
}

fn setup_error(spec: &Spec, starts: &[u32], e: &SetupError) -> TesterError {
    let (pos, message) = match e {
        SetupError::Parse(p) => (Some(p.pos), p.message_en()),
        SetupError::Statement { pos, message, .. } => (Some(*pos), message.clone()),
        SetupError::Sessions { .. } => (None, e.to_string()),
    };
    let file_pos = pos.and_then(|p| {
        let k = starts.iter().rposition(|&l| l <= p.line)?;
        let inner = Pos { line: p.line - starts[k] + 1, col: p.col };
        Some(spec.setup[k].file_pos(inner))
    });
    TesterError { pos: file_pos, kind: TesterErrorKind::Setup(message) }
}

/// libpq's `PQprint` with isolationtester's options (header, aligned, `|` between fields): a column is
/// right-aligned when every non-empty value in it looks numeric; widths count bytes, as the C code does.
pub fn print_result_set(out: &mut String, columns: &[String], rows: &[Vec<Option<String>>]) {
    let n = columns.len();
    if n == 0 {
        return;
    }
    let mut width: Vec<usize> = columns.iter().map(|c| c.len()).collect();
    let mut not_num = vec![false; n];
    for row in rows {
        for (j, v) in row.iter().enumerate().take(n) {
            let Some(v) = v.as_deref().filter(|v| !v.is_empty()) else { continue };
            width[j] = width[j].max(v.len());
            if !not_num[j] {
                let numeric_chars = v.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'E' | 'e' | ' ' | '-'));
                let first_e = v.starts_with(['E', 'e']);
                let last_digit = v.chars().last().is_some_and(|c| c.is_ascii_digit());
                if !numeric_chars || first_e || !last_digit {
                    not_num[j] = true;
                }
            }
        }
    }
    let pad = |out: &mut String, s: &str, j: usize| {
        let fill = width[j].saturating_sub(s.len());
        if not_num[j] {
            out.push_str(s);
            out.extend(std::iter::repeat_n(' ', fill));
        } else {
            out.extend(std::iter::repeat_n(' ', fill));
            out.push_str(s);
        }
    };
    for (j, c) in columns.iter().enumerate() {
        pad(out, c, j);
        if j + 1 < n {
            out.push('|');
        }
    }
    out.push('\n');
    for (j, w) in width.iter().enumerate() {
        out.extend(std::iter::repeat_n('-', *w));
        if j + 1 < n {
            out.push('+');
        }
    }
    out.push('\n');
    for row in rows {
        for j in 0..n {
            let v = row.get(j).and_then(|v| v.as_deref()).unwrap_or("");
            pad(out, v, j);
            if j + 1 < n {
                out.push('|');
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("({} row{})\n\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
}

/// How isolationtester shows one reply of a step's query.
fn print_reply(out: &mut String, session: &str, r: &Reply) {
    match r {
        Reply::Rows { columns, rows } => print_result_set(out, columns, rows),
        Reply::Command { .. } => {}
        Reply::Error { message, .. } => {
            out.push_str("ERROR:  ");
            out.push_str(message);
            out.push('\n');
        }
        Reply::Notice { severity, message } => {
            out.push_str(&format!("{session}: {severity}:  {message}\n"));
        }
    }
}

struct PermRun<'a> {
    spec: &'a Spec,
    engine: Engine,
    out: &'a mut String,
    /// Per session: the permutation index of its running step.
    active: Vec<Option<usize>>,
    /// Per session: replies of a finished query not yet reported (a blocker annotation holds it back).
    pending: Vec<Option<Vec<Reply>>>,
    /// Per session: notices received so far (for `(step notices N)` blockers).
    notices: Vec<u32>,
    steps: &'a [(StepRef, Vec<Blocker>)],
    /// Per permutation step: the notice count its `notices` blockers wait for (set when it is sent).
    targets: Vec<Vec<u32>>,
    opts: TesterOptions,
}

const NONBLOCK: u8 = 1;
const RETRY: u8 = 2;

impl PermRun<'_> {
    fn name(&self, k: usize) -> &str {
        &self.spec.step(self.steps[k].0).name
    }

    fn session_of(&self, k: usize) -> usize {
        self.steps[k].0 .0
    }

    /// Collects a finished query's replies and prints the notices libpq has already handed to the notice
    /// processor. libpq parses ahead over notices: once a result is complete, the notices right behind it in
    /// the stream (the server flushes at every notice, so they arrive together) are printed before the result is
    /// returned. So the notices before and right after the first result print before the step's line, and the
    /// notices right after any later result print before that result's table.
    fn collect(&mut self, s: usize) {
        if self.pending[s].is_some() {
            return;
        }
        let replies = self.engine.take_replies(s).unwrap_or_default();
        self.notices[s] += replies.iter().filter(|r| matches!(r, Reply::Notice { .. })).count() as u32;
        let is_notice = |r: &Reply| matches!(r, Reply::Notice { .. });
        let results: Vec<usize> = (0..replies.len()).filter(|&i| !is_notice(&replies[i])).collect();
        let session = self.spec.sessions[s].name.clone();
        let mut later: Vec<Reply> = Vec::new();
        if results.is_empty() {
            for r in &replies {
                print_reply(self.out, &session, r);
            }
        }
        for (k, &ri) in results.iter().enumerate() {
            let end = results.get(k + 1).copied().unwrap_or(replies.len());
            let trailing = &replies[ri + 1..end];
            if k == 0 {
                for r in replies[..ri].iter().chain(trailing) {
                    print_reply(self.out, &session, r);
                }
            } else {
                later.extend(trailing.iter().cloned());
            }
            later.push(replies[ri].clone());
        }
        self.pending[s] = Some(later);
    }

    fn has_blocker(&self, k: usize) -> bool {
        let mut n = 0;
        for b in &self.steps[k].1 {
            match b {
                Blocker::Once => {}
                Blocker::OtherStep(other) => {
                    let Some(r) = self.spec.find_step(other) else { continue };
                    if self.active[r.0].is_some_and(|a| self.steps[a].0 == r) {
                        return true;
                    }
                }
                Blocker::Notices { step, .. } => {
                    let target = self.targets[k].get(n).copied().unwrap_or(0);
                    n += 1;
                    let Some(r) = self.spec.find_step(step) else { continue };
                    if self.notices[r.0] < target {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// isolationtester's `try_complete_step`: true if the step has not completed (it waits for a lock, or a
    /// blocker annotation holds it back).
    fn try_complete_step(&mut self, k: usize, flags: u8) -> Result<bool, TesterError> {
        let s = self.session_of(k);
        let sql = self.spec.step(self.steps[k].0).sql.sql.clone();
        let name = self.name(k).to_string();
        if flags & RETRY == 0 && self.steps[k].1.contains(&Blocker::Once) {
            self.out.push_str(&format!("step {name}: {sql} <waiting ...>\n"));
            return Ok(true);
        }
        let mut timers = 0;
        let mut canceled = false;
        while self.engine.waiting(s) {
            if flags & NONBLOCK != 0 {
                if flags & RETRY == 0 {
                    self.out.push_str(&format!("step {name}: {sql} <waiting ...>\n"));
                }
                return Ok(true);
            }
            // The tester blocks on this session: time passes until the engine's next timer.
            timers += 1;
            if timers <= MAX_TIMERS_PER_WAIT && self.engine.advance_time() {
                continue;
            }
            // No timer will end the wait: isolationtester cancels the step once its step timeout has passed
            // (timers later than that would fire after the cancel on a server; the engine has none that long).
            match self.opts.step_timeout_secs {
                Some(secs) if !canceled && self.engine.cancel(s) => {
                    self.out.push_str(&format!("isolationtester: canceling step {name} after {secs} seconds\n"));
                    canceled = true;
                }
                _ => return Err(TesterError { pos: None, kind: TesterErrorKind::Stuck { step: name } }),
            }
        }
        self.collect(s);
        if self.has_blocker(k) {
            if flags & RETRY == 0 {
                self.out.push_str(&format!("step {name}: {sql} <waiting ...>\n"));
            }
            return Ok(true);
        }
        if flags & RETRY != 0 {
            self.out.push_str(&format!("step {name}: <... completed>\n"));
        } else {
            self.out.push_str(&format!("step {name}: {sql}\n"));
        }
        let session = self.spec.sessions[s].name.clone();
        for r in self.pending[s].take().unwrap_or_default() {
            print_reply(self.out, &session, &r);
        }
        self.active[s] = None;
        Ok(false)
    }

    /// isolationtester's `try_complete_steps`: polls the waiters in order, drops those that completed.
    fn try_complete_steps(&mut self, waiting: &mut Vec<usize>, flags: u8) -> Result<(), TesterError> {
        loop {
            let before = waiting.len();
            let before_notices: u32 = self.notices.iter().sum();
            let mut have_blocker = false;
            let mut w = 0;
            while w < waiting.len() {
                if self.try_complete_step(waiting[w], flags)? {
                    if !self.steps[waiting[w]].1.is_empty() {
                        have_blocker = true;
                    }
                    w += 1;
                } else {
                    waiting.remove(w);
                }
            }
            let new_notice = self.notices.iter().sum::<u32>() != before_notices;
            if !(have_blocker && (waiting.len() < before || new_notice)) {
                return Ok(());
            }
        }
    }

    fn exec(&mut self, s: usize, sql: &str, what: &str) -> Result<Vec<Reply>, TesterError> {
        exec_blocking(&mut self.engine, s, sql, what)
    }

    /// Prints what `PQexec` returns for a setup or teardown block: the last result, if it is a table; the
    /// session's notices on the way. Returns the error message if the last result is an error.
    fn print_exec(&mut self, s: usize, replies: Vec<Reply>, show_notices: bool) -> Option<String> {
        let session = self.spec.sessions[s].name.clone();
        let mut last = None;
        for r in replies {
            match r {
                Reply::Notice { .. } => {
                    if show_notices {
                        print_reply(self.out, &session, &r);
                    }
                }
                other => last = Some(other),
            }
        }
        match last {
            Some(Reply::Rows { columns, rows }) => {
                print_result_set(self.out, &columns, &rows);
                None
            }
            Some(Reply::Error { message, .. }) => Some(message),
            _ => None,
        }
    }
}

/// `PQexec` on a session: sends the query and waits (time passing) until it is done; returns its replies.
pub fn exec_blocking(engine: &mut Engine, s: usize, sql: &str, what: &str) -> Result<Vec<Reply>, TesterError> {
    engine.send(s, sql).map_err(|e| send_error(what, e))?;
    let mut timers = 0;
    while engine.waiting(s) {
        timers += 1;
        if timers > MAX_TIMERS_PER_WAIT || !engine.advance_time() {
            return Err(TesterError { pos: None, kind: TesterErrorKind::Stuck { step: what.to_string() } });
        }
    }
    Ok(engine.take_replies(s).unwrap_or_default())
}

/// The engine a permutation starts from: the spec's setup blocks run, one session per spec session.
pub fn fresh_engine(spec: &Spec) -> Result<Engine, TesterError> {
    let (setup, starts) = setup_script(spec);
    Engine::new(&setup, spec.sessions.len()).map_err(|e| setup_error(spec, &starts, &e))
}

fn send_error(step: &str, e: SendError) -> TesterError {
    TesterError { pos: None, kind: TesterErrorKind::Send { step: step.to_string(), message: e.to_string() } }
}

/// Runs one permutation from a fresh engine, appending what isolationtester prints to `out`.
fn run_permutation(
    spec: &Spec,
    steps: &[(StepRef, Vec<Blocker>)],
    out: &mut String,
    stderr: &mut String,
    opts: TesterOptions,
) -> Result<Engine, TesterError> {
    out.push_str("\nstarting permutation:");
    for (r, _) in steps {
        out.push(' ');
        out.push_str(&spec.step(*r).name);
    }
    out.push('\n');
    let n = spec.sessions.len();
    let engine = fresh_engine(spec)?;
    let mut run = PermRun {
        spec,
        engine,
        out,
        active: vec![None; n],
        pending: vec![None; n],
        notices: vec![0; n],
        steps,
        targets: vec![Vec::new(); steps.len()],
        opts,
    };
    for s in 0..n {
        if let Some(b) = &spec.sessions[s].setup {
            let what = format!("setup of session {}", spec.sessions[s].name);
            let replies = run.exec(s, &b.sql, &what)?;
            if let Some(message) = run.print_exec(s, replies, true) {
                return Err(TesterError {
                    pos: Some(b.pos),
                    kind: TesterErrorKind::SessionSetup { session: spec.sessions[s].name.clone(), message },
                });
            }
        }
    }
    let mut waiting: Vec<usize> = Vec::new();
    for (k, (step_ref, blockers)) in steps.iter().enumerate() {
        let s = run.session_of(k);
        // The session still runs an earlier step: wait for it (time passes), polling the others.
        while let Some(old) = run.active[s] {
            let before = waiting.len();
            if !run.try_complete_step(old, RETRY)? {
                waiting.retain(|&w| w != old);
            }
            run.try_complete_steps(&mut waiting, NONBLOCK | RETRY)?;
            // Held back by an annotation on a step that still waits: only time can move things on.
            if run.active[s] == Some(old) && waiting.len() >= before && !run.engine.advance_time() {
                return Err(TesterError { pos: None, kind: TesterErrorKind::MutuallyBlocking });
            }
        }
        let step = spec.step(*step_ref);
        run.engine.send(s, &step.sql.sql).map_err(|e| send_error(&step.name, e))?;
        run.active[s] = Some(k);
        run.targets[k] = blockers
            .iter()
            .filter_map(|b| match b {
                Blocker::Notices { step, count } => spec.find_step(step).map(|r| run.notices[r.0] + count),
                _ => None,
            })
            .collect();
        let must_wait = run.try_complete_step(k, NONBLOCK)?;
        run.try_complete_steps(&mut waiting, NONBLOCK | RETRY)?;
        if must_wait {
            waiting.push(k);
        }
    }
    run.try_complete_steps(&mut waiting, RETRY)?;
    if !waiting.is_empty() {
        return Err(TesterError { pos: None, kind: TesterErrorKind::MutuallyBlocking });
    }
    for s in 0..n {
        if let Some(b) = &spec.sessions[s].teardown {
            let what = format!("teardown of session {}", spec.sessions[s].name);
            let replies = run.exec(s, &b.sql, &what)?;
            if let Some(message) = run.print_exec(s, replies, true) {
                // isolationtester does not stop on a failed teardown.
                stderr.push_str(&format!("{what} failed: ERROR:  {message}\n"));
            }
        }
    }
    if let Some(b) = &spec.teardown {
        // PQexec shows only the last result: when the teardown ends with DROP, as most do, nothing of it prints.
        let all = split_statements(&b.sql);
        let ends_with_drop = all.last().is_some_and(|(t, _)| first_word_is(t, "drop"));
        let stmts = teardown_statements(b);
        if !ends_with_drop && !stmts.is_empty() {
            // The control connection is never in a transaction block: use a session that is not in one either.
            let states = run.engine.snapshot().sessions;
            let s = (0..n).find(|&s| states.get(s).is_some_and(|x| x.state == "idle")).unwrap_or(0);
            let sql: Vec<String> = stmts.into_iter().map(|(t, _)| t).collect();
            let replies = run.exec(s, &sql.join(";\n"), "teardown")?;
            if let Some(message) = run.print_exec(s, replies, false) {
                stderr.push_str(&format!("teardown failed: ERROR:  {message}\n"));
            }
        }
    }
    Ok(run.engine)
}

/// Runs a parsed spec as isolationtester does with its default settings.
pub fn run_spec(spec: &Spec) -> TesterRun {
    run_spec_with(spec, TesterOptions::default())
}

/// Runs a parsed spec as isolationtester does with the given settings.
pub fn run_spec_with(spec: &Spec, opts: TesterOptions) -> TesterRun {
    let mut stdout = String::new();
    let mut stderr = String::new();
    let error = (|| {
        if let Some(extra) = spec.sessions.get(MAX_SESSIONS) {
            return Err(TesterError {
                pos: Some(extra.pos),
                kind: TesterErrorKind::Setup(format!(
                    "{} sessions: the engine runs at most {MAX_SESSIONS}",
                    spec.sessions.len()
                )),
            });
        }
        check_sql(spec)?;
        let perms = permutations(spec)?;
        for name in spec.unused_steps() {
            stderr.push_str(&format!("unused step name: {name}\n"));
        }
        stdout.push_str(&format!("Parsed test spec with {} sessions\n", spec.sessions.len()));
        for p in &perms {
            run_permutation(spec, p, &mut stdout, &mut stderr, opts)?;
        }
        Ok(())
    })()
    .err();
    TesterRun { stdout, stderr, error }
}

/// Runs one permutation (given as step references, no annotations) and returns what it printed and the engine
/// as the permutation left it (for the explorer's outcome). A wait nothing ends is [`TesterErrorKind::Stuck`].
pub fn run_one(spec: &Spec, steps: &[StepRef]) -> Result<(String, Engine), TesterError> {
    let steps: Vec<(StepRef, Vec<Blocker>)> = steps.iter().map(|r| (*r, Vec::new())).collect();
    let mut out = String::new();
    let mut err = String::new();
    let engine = run_permutation(spec, &steps, &mut out, &mut err, TesterOptions { step_timeout_secs: None })?;
    Ok((out, engine))
}
