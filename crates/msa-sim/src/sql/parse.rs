//! Recursive-descent parser over the lexer's tokens. Anything outside the subset is an error at the token where
//! it starts ("not supported here: ..."), never a guess.

use super::ast::*;
use super::lex::{lex, Tok, Token, MAX_SOURCE_BYTES};
use super::{ParseError, ParseErrorKind};

/// Most statements one script may hold.
pub const MAX_SCRIPT_STATEMENTS: usize = 64;
/// Deepest expression nesting accepted (bounds the recursion).
pub const MAX_EXPR_DEPTH: usize = 32;

pub fn parse_script(src: &str) -> Result<Vec<Statement>, ParseError> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(ParseError {
            pos: Pos { line: 1, col: 1 },
            kind: ParseErrorKind::TooLong { max_bytes: MAX_SOURCE_BYTES },
        });
    }
    let toks = lex(src)?;
    let mut p = Parser { src, toks, i: 0, depth: 0 };
    let mut out = Vec::new();
    loop {
        while p.eat_sym(";") {}
        if p.at_end() {
            break;
        }
        if out.len() >= MAX_SCRIPT_STATEMENTS {
            return Err(p.err(ParseErrorKind::TooManyStatements { max: MAX_SCRIPT_STATEMENTS }));
        }
        let first = p.i;
        let kind = p.statement()?;
        let last = p.i - 1;
        if !p.at_end() && !p.peek_sym(";") {
            return Err(p.unexpected("`;` or the end of the script"));
        }
        let (s, e) = (p.toks[first].start, p.toks[last].end);
        out.push(Statement { kind, text: src[s..e].trim().to_string(), pos: p.toks[first].pos });
    }
    Ok(out)
}

struct Parser<'a> {
    #[allow(dead_code)]
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.i >= self.toks.len()
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.i + k).map(|t| &t.tok)
    }
    fn pos(&self) -> Pos {
        match self.toks.get(self.i) {
            Some(t) => t.pos,
            None => self.end_pos(),
        }
    }
    fn end_pos(&self) -> Pos {
        // just past the last token
        let Some(t) = self.toks.last() else { return Pos { line: 1, col: 1 } };
        let text = &self.src[t.start..t.end];
        let mut p = t.pos;
        for c in text.chars() {
            if c == '\n' {
                p.line += 1;
                p.col = 1;
            } else {
                p.col += 1;
            }
        }
        p
    }
    fn err(&self, kind: ParseErrorKind) -> ParseError {
        ParseError { pos: self.pos(), kind }
    }
    fn found(&self) -> String {
        match self.peek() {
            Some(t) => t.describe(),
            None => "the end of the script".into(),
        }
    }
    fn unexpected(&self, expected: &'static str) -> ParseError {
        self.err(ParseErrorKind::Expected { expected, found: self.found() })
    }
    fn unsupported(&self, what: &str) -> ParseError {
        self.err(ParseErrorKind::NotSupported(what.to_string()))
    }
    fn peek_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w == kw)
    }
    fn peek_kw_at(&self, k: usize, kw: &str) -> bool {
        matches!(self.peek_at(k), Some(Tok::Word(w)) if w == kw)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.peek_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect_kw(&mut self, kw: &'static str) -> Result<(), ParseError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected(kw_upper(kw)))
        }
    }
    fn peek_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        if self.peek_sym(s) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect_sym(&mut self, s: &'static str) -> Result<(), ParseError> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.unexpected(s))
        }
    }
    /// A name: an unquoted non-reserved word or a quoted identifier.
    fn ident(&mut self, what: &'static str) -> Result<String, ParseError> {
        match self.peek() {
            Some(Tok::Word(w)) if !super::lex::RESERVED.contains(&w.as_str()) => {
                let w = w.clone();
                self.i += 1;
                if self.peek_sym(".") {
                    return Err(self.unsupported("qualified names (schema.table or table.column)"));
                }
                Ok(w)
            }
            Some(Tok::Quoted(q)) => {
                let q = q.clone();
                self.i += 1;
                if self.peek_sym(".") {
                    return Err(self.unsupported("qualified names (schema.table or table.column)"));
                }
                Ok(q)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn statement(&mut self) -> Result<Stmt, ParseError> {
        let Some(Tok::Word(w)) = self.peek().cloned() else {
            return Err(self.unexpected("a statement"));
        };
        match w.as_str() {
            "create" => self.create_table(),
            "insert" => self.insert(),
            "select" => self.select().map(Stmt::Select),
            "update" => self.update(),
            "delete" => self.delete(),
            "begin" => {
                self.i += 1;
                let _ = self.eat_kw("transaction") || self.eat_kw("work");
                let isolation = self.opt_isolation()?;
                Ok(Stmt::Begin { isolation, start: false })
            }
            "start" => {
                self.i += 1;
                self.expect_kw("transaction")?;
                let isolation = self.opt_isolation()?;
                Ok(Stmt::Begin { isolation, start: true })
            }
            "commit" | "end" => {
                self.i += 1;
                let _ = self.eat_kw("transaction") || self.eat_kw("work");
                if self.peek_kw("and") {
                    return Err(self.unsupported("COMMIT AND CHAIN"));
                }
                Ok(Stmt::Commit)
            }
            "rollback" | "abort" => {
                self.i += 1;
                let _ = self.eat_kw("transaction") || self.eat_kw("work");
                if w == "rollback" && self.eat_kw("to") {
                    let _ = self.eat_kw("savepoint");
                    let name = self.ident("a savepoint name")?;
                    return Ok(Stmt::RollbackTo(name));
                }
                if self.peek_kw("and") {
                    return Err(self.unsupported("ROLLBACK AND CHAIN"));
                }
                Ok(Stmt::Rollback)
            }
            "savepoint" => {
                self.i += 1;
                Ok(Stmt::Savepoint(self.ident("a savepoint name")?))
            }
            "release" => {
                self.i += 1;
                let _ = self.eat_kw("savepoint");
                Ok(Stmt::Release(self.ident("a savepoint name")?))
            }
            "lock" => self.lock_table(),
            "drop" => self.drop_table(),
            "set" => self.set(),
            _ => Err(self.unsupported(&format!("the statement {}", w.to_uppercase()))),
        }
    }

    fn opt_isolation(&mut self) -> Result<Option<Isolation>, ParseError> {
        if self.peek_kw("isolation") {
            self.i += 1;
            self.expect_kw("level")?;
            let lvl = self.isolation_level()?;
            if self.peek_sym(",") || self.peek_kw("read") || self.peek_kw("deferrable") || self.peek_kw("not") {
                return Err(self.unsupported("transaction modes other than ISOLATION LEVEL"));
            }
            return Ok(Some(lvl));
        }
        if self.peek_kw("read") || self.peek_kw("deferrable") || self.peek_kw("not") {
            return Err(self.unsupported("transaction modes other than ISOLATION LEVEL"));
        }
        Ok(None)
    }

    fn isolation_level(&mut self) -> Result<Isolation, ParseError> {
        let at = self.pos();
        if self.eat_kw("read") {
            if self.eat_kw("committed") {
                return Ok(Isolation::ReadCommitted);
            }
            if self.eat_kw("uncommitted") {
                return Ok(Isolation::ReadUncommitted);
            }
            return Err(self.unexpected("COMMITTED or UNCOMMITTED"));
        }
        if self.eat_kw("repeatable") {
            self.expect_kw("read")?;
            return Ok(Isolation::RepeatableRead);
        }
        if self.peek_kw("serializable") {
            // SSI is not modelled: refusing is honest, running it as REPEATABLE READ would be a guess.
            return Err(ParseError { pos: at, kind: ParseErrorKind::SerializableNotModelled });
        }
        Err(self.unexpected("READ COMMITTED, REPEATABLE READ or SERIALIZABLE"))
    }

    fn set(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1; // SET
        if self.peek_kw("session") || self.peek_kw("local") {
            return Err(self.unsupported("SET SESSION / SET LOCAL"));
        }
        if self.eat_kw("transaction") {
            self.expect_kw("isolation")?;
            self.expect_kw("level")?;
            let lvl = self.isolation_level()?;
            if self.peek_sym(",") || self.peek_kw("read") || self.peek_kw("deferrable") || self.peek_kw("not") {
                return Err(self.unsupported("transaction modes other than ISOLATION LEVEL"));
            }
            return Ok(Stmt::SetTransaction(lvl));
        }
        let setting = match self.peek() {
            Some(Tok::Word(w)) if w == "deadlock_timeout" => TimeoutSetting::DeadlockTimeout,
            Some(Tok::Word(w)) if w == "lock_timeout" => TimeoutSetting::LockTimeout,
            Some(Tok::Word(w)) => {
                let w = w.clone();
                return Err(self.unsupported(&format!("the setting {w} (only deadlock_timeout and lock_timeout)")));
            }
            _ => return Err(self.unexpected("deadlock_timeout, lock_timeout or TRANSACTION")),
        };
        self.i += 1;
        if !(self.eat_sym("=") || self.eat_kw("to")) {
            return Err(self.unexpected("= or TO"));
        }
        let at = self.pos();
        let ms = match self.peek().cloned() {
            Some(Tok::Int(n)) => {
                self.i += 1;
                n as u64
            }
            Some(Tok::Str(s)) => {
                self.i += 1;
                parse_duration(&s).ok_or(ParseError { pos: at, kind: ParseErrorKind::BadDuration(s.clone()) })?
            }
            Some(Tok::Word(w)) if w == "default" => {
                self.i += 1;
                match setting {
                    TimeoutSetting::DeadlockTimeout => 1000,
                    TimeoutSetting::LockTimeout => 0,
                }
            }
            _ => return Err(self.unexpected("a duration ('10ms', '1s' or milliseconds)")),
        };
        // PostgreSQL's limits: INT_MAX milliseconds; deadlock_timeout at least 1 ms.
        if ms > i32::MAX as u64 || (setting == TimeoutSetting::DeadlockTimeout && ms == 0) {
            return Err(ParseError { pos: at, kind: ParseErrorKind::BadDuration(ms.to_string()) });
        }
        Ok(Stmt::SetTimeout { setting, ms })
    }

    fn lock_table(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1; // LOCK
        let _ = self.eat_kw("table");
        if self.peek_kw("only") {
            return Err(self.unsupported("LOCK TABLE ONLY"));
        }
        let mut tables = vec![self.ident("a table name")?];
        while self.eat_sym(",") {
            tables.push(self.ident("a table name")?);
        }
        let mut mode = TableLockMode::AccessExclusive;
        if self.eat_kw("in") {
            mode = if self.eat_kw("access") {
                if self.eat_kw("share") {
                    TableLockMode::AccessShare
                } else {
                    self.expect_kw("exclusive")?;
                    TableLockMode::AccessExclusive
                }
            } else if self.eat_kw("row") {
                if self.eat_kw("share") {
                    TableLockMode::RowShare
                } else {
                    self.expect_kw("exclusive")?;
                    TableLockMode::RowExclusive
                }
            } else if self.eat_kw("share") {
                if self.eat_kw("update") {
                    self.expect_kw("exclusive")?;
                    TableLockMode::ShareUpdateExclusive
                } else if self.eat_kw("row") {
                    self.expect_kw("exclusive")?;
                    TableLockMode::ShareRowExclusive
                } else {
                    TableLockMode::Share
                }
            } else if self.eat_kw("exclusive") {
                TableLockMode::Exclusive
            } else {
                return Err(self.unexpected("a lock mode (ACCESS SHARE ... ACCESS EXCLUSIVE)"));
            };
            self.expect_kw("mode")?;
        }
        let nowait = self.eat_kw("nowait");
        Ok(Stmt::LockTable { tables, mode, nowait })
    }

    fn create_table(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1; // CREATE
        if !self.peek_kw("table") {
            return Err(self.unsupported(&format!("CREATE {}", self.found().to_uppercase())));
        }
        self.i += 1;
        if self.peek_kw("if") {
            return Err(self.unsupported("CREATE TABLE IF NOT EXISTS"));
        }
        let name = self.ident("a table name")?;
        self.expect_sym("(")?;
        let mut columns = Vec::new();
        let mut constraints = Vec::new();
        // PostgreSQL allows a table without columns (`CREATE TABLE a1 ()`, for lock tests).
        let mut more = !self.eat_sym(")");
        while more {
            if self.peek_kw("primary") || self.peek_kw("unique") {
                let pk = self.eat_kw("primary");
                if pk {
                    self.expect_kw("key")?;
                } else {
                    self.i += 1;
                }
                self.expect_sym("(")?;
                let mut cols = vec![self.ident("a column name")?];
                while self.eat_sym(",") {
                    cols.push(self.ident("a column name")?);
                }
                self.expect_sym(")")?;
                constraints.push(if pk { TableConstraint::PrimaryKey(cols) } else { TableConstraint::Unique(cols) });
            } else if self.peek_kw("constraint") || self.peek_kw("foreign") || self.peek_kw("check") {
                return Err(self.unsupported("named, foreign-key and check constraints"));
            } else {
                let cname = self.ident("a column name")?;
                let ty = self.col_type()?;
                let mut col =
                    ColumnDef { name: cname, ty, primary_key: false, unique: false, not_null: false, default: None };
                loop {
                    if self.eat_kw("primary") {
                        self.expect_kw("key")?;
                        col.primary_key = true;
                    } else if self.eat_kw("unique") {
                        col.unique = true;
                    } else if self.peek_kw("not") && self.peek_kw_at(1, "null") {
                        self.i += 2;
                        col.not_null = true;
                    } else if self.eat_kw("default") {
                        col.default = Some(self.expr()?);
                    } else if self.peek_kw("null")
                        || self.peek_kw("references")
                        || self.peek_kw("check")
                        || self.peek_kw("constraint")
                        || self.peek_kw("generated")
                    {
                        return Err(self.unsupported("this column constraint"));
                    } else {
                        break;
                    }
                }
                columns.push(col);
            }
            if self.eat_sym(",") {
                continue;
            }
            self.expect_sym(")")?;
            more = false;
        }
        Ok(Stmt::CreateTable(CreateTable { name, columns, constraints }))
    }

    fn col_type(&mut self) -> Result<ColType, ParseError> {
        let ty = match self.peek() {
            Some(Tok::Word(w)) => match w.as_str() {
                "int" | "integer" | "int4" => ColType::Integer,
                "bigint" | "int8" => ColType::BigInt,
                "numeric" | "decimal" => ColType::Numeric,
                "text" => ColType::Text,
                "boolean" | "bool" => ColType::Boolean,
                "serial" | "bigserial" | "varchar" | "character" | "char" | "smallint" | "real" | "float"
                | "double" | "timestamp" | "timestamptz" | "date" | "uuid" | "jsonb" | "json" => {
                    return Err(
                        self.unsupported(&format!("the type {w} (integer, bigint, numeric, text and boolean are)"))
                    )
                }
                _ => return Err(self.unexpected("a column type (integer, bigint, numeric, text, boolean)")),
            },
            _ => return Err(self.unexpected("a column type (integer, bigint, numeric, text, boolean)")),
        };
        self.i += 1;
        if self.peek_sym("(") {
            return Err(self.unsupported("type modifiers such as numeric(10,2)"));
        }
        Ok(ty)
    }

    fn insert(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1;
        self.expect_kw("into")?;
        let table = self.ident("a table name")?;
        let mut columns = None;
        if self.eat_sym("(") {
            let mut cols = vec![self.ident("a column name")?];
            while self.eat_sym(",") {
                cols.push(self.ident("a column name")?);
            }
            self.expect_sym(")")?;
            columns = Some(cols);
        }
        if self.peek_kw("select") || self.peek_kw("default") {
            return Err(self.unsupported("INSERT ... SELECT and DEFAULT VALUES (VALUES is)"));
        }
        self.expect_kw("values")?;
        let mut rows = Vec::new();
        loop {
            self.expect_sym("(")?;
            let mut row = vec![self.expr()?];
            while self.eat_sym(",") {
                row.push(self.expr()?);
            }
            self.expect_sym(")")?;
            rows.push(row);
            if !self.eat_sym(",") {
                break;
            }
        }
        if self.peek_kw("on") {
            return Err(self.unsupported("ON CONFLICT"));
        }
        let returning = self.opt_returning()?;
        Ok(Stmt::Insert { table, columns, rows, returning })
    }

    fn opt_returning(&mut self) -> Result<Option<Vec<SelectItem>>, ParseError> {
        if self.eat_kw("returning") {
            Ok(Some(self.select_items()?))
        } else {
            Ok(None)
        }
    }

    fn opt_where(&mut self) -> Result<Option<Expr>, ParseError> {
        if self.eat_kw("where") {
            if self.peek_kw("current") {
                return Err(self.unsupported("WHERE CURRENT OF"));
            }
            Ok(Some(self.expr()?))
        } else {
            Ok(None)
        }
    }

    fn update(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1;
        if self.peek_kw("only") {
            return Err(self.unsupported("UPDATE ONLY"));
        }
        let table = self.ident("a table name")?;
        if !self.peek_kw("set") && matches!(self.peek(), Some(Tok::Word(_))) {
            return Err(self.unsupported("table aliases"));
        }
        self.expect_kw("set")?;
        let mut sets = Vec::new();
        loop {
            if self.peek_sym("(") {
                return Err(self.unsupported("SET (a, b) = ..."));
            }
            let c = self.ident("a column name")?;
            self.expect_sym("=")?;
            let e = self.expr()?;
            sets.push((c, e));
            if !self.eat_sym(",") {
                break;
            }
        }
        if self.peek_kw("from") {
            return Err(self.unsupported("UPDATE ... FROM"));
        }
        let where_ = self.opt_where()?;
        let returning = self.opt_returning()?;
        Ok(Stmt::Update { table, sets, where_, returning })
    }

    fn delete(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1;
        self.expect_kw("from")?;
        if self.peek_kw("only") {
            return Err(self.unsupported("DELETE FROM ONLY"));
        }
        let table = self.ident("a table name")?;
        if self.peek_kw("using") {
            return Err(self.unsupported("DELETE ... USING"));
        }
        let where_ = self.opt_where()?;
        let returning = self.opt_returning()?;
        Ok(Stmt::Delete { table, where_, returning })
    }

    fn select_items(&mut self) -> Result<Vec<SelectItem>, ParseError> {
        let mut items = Vec::new();
        loop {
            if self.eat_sym("*") {
                items.push(SelectItem::Star);
            } else {
                let expr = self.expr()?;
                let alias = if self.eat_kw("as")
                    || matches!(self.peek(), Some(Tok::Quoted(_)))
                    || matches!(self.peek(), Some(Tok::Word(w)) if !super::lex::RESERVED.contains(&w.as_str()))
                {
                    Some(self.ident("a column alias")?)
                } else {
                    None
                };
                items.push(SelectItem::Expr { expr, alias });
            }
            if !self.eat_sym(",") {
                break;
            }
        }
        Ok(items)
    }

    fn select(&mut self) -> Result<Select, ParseError> {
        self.i += 1;
        if self.peek_kw("distinct") || self.peek_kw("all") {
            return Err(self.unsupported("SELECT DISTINCT / ALL"));
        }
        let items = self.select_items()?;
        let mut from = None;
        if self.eat_kw("from") {
            from = Some(self.ident("a table name")?);
            if self.peek_sym(",") || self.peek_kw("join") || self.peek_kw("inner") || self.peek_kw("left") {
                return Err(self.unsupported("joins (one table per SELECT)"));
            }
            if matches!(self.peek(), Some(Tok::Word(w)) if !super::lex::RESERVED.contains(&w.as_str())) {
                return Err(self.unsupported("table aliases"));
            }
        }
        let where_ = self.opt_where()?;
        if self.peek_kw("group") || self.peek_kw("having") {
            return Err(self.unsupported("GROUP BY / HAVING"));
        }
        let mut order_by = Vec::new();
        if self.eat_kw("order") {
            self.expect_kw("by")?;
            loop {
                let expr = self.expr()?;
                let desc = if self.eat_kw("desc") {
                    true
                } else {
                    let _ = self.eat_kw("asc");
                    false
                };
                if self.peek_kw("nulls") || self.peek_kw("using") {
                    return Err(self.unsupported("NULLS FIRST/LAST and USING in ORDER BY"));
                }
                order_by.push(OrderItem { expr, desc });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let mut limit = self.opt_limit()?;
        let mut lock = None;
        if self.peek_kw("for") {
            self.i += 1;
            let mode = if self.eat_kw("update") {
                RowLockMode::Update
            } else if self.eat_kw("share") {
                RowLockMode::Share
            } else if self.eat_kw("no") {
                self.expect_kw("key")?;
                self.expect_kw("update")?;
                RowLockMode::NoKeyUpdate
            } else if self.eat_kw("key") {
                self.expect_kw("share")?;
                RowLockMode::KeyShare
            } else {
                return Err(self.unexpected("UPDATE, NO KEY UPDATE, SHARE or KEY SHARE"));
            };
            if self.peek_kw("of") {
                return Err(self.unsupported("FOR ... OF table"));
            }
            let wait = if self.eat_kw("nowait") {
                WaitPolicy::NoWait
            } else if self.eat_kw("skip") {
                self.expect_kw("locked")?;
                WaitPolicy::SkipLocked
            } else {
                WaitPolicy::Block
            };
            if self.peek_kw("for") {
                return Err(self.unsupported("more than one locking clause"));
            }
            lock = Some(LockClause { mode, wait });
            // PostgreSQL takes LIMIT on either side of the locking clause.
            if limit.is_none() {
                limit = self.opt_limit()?;
            }
        }
        Ok(Select { items, from, where_, order_by, limit, lock })
    }

    fn opt_limit(&mut self) -> Result<Option<i64>, ParseError> {
        let mut limit = None;
        if self.eat_kw("limit") {
            match self.peek().cloned() {
                Some(Tok::Int(n)) => {
                    self.i += 1;
                    limit = Some(n);
                }
                Some(Tok::Word(w)) if w == "all" => {
                    return Err(self.unsupported("LIMIT ALL"));
                }
                _ => return Err(self.unexpected("a row count")),
            }
        }
        if self.peek_kw("offset") || self.peek_kw("fetch") {
            return Err(self.unsupported("OFFSET / FETCH"));
        }
        Ok(limit)
    }

    fn drop_table(&mut self) -> Result<Stmt, ParseError> {
        self.i += 1; // DROP
        if !self.peek_kw("table") {
            return Err(self.unsupported(&format!("DROP {}", self.found().to_uppercase())));
        }
        self.i += 1;
        let mut if_exists = false;
        if self.eat_kw("if") {
            self.expect_kw("exists")?;
            if_exists = true;
        }
        let mut tables = vec![self.ident("a table name")?];
        while self.eat_sym(",") {
            tables.push(self.ident("a table name")?);
        }
        if self.peek_kw("cascade") || self.peek_kw("restrict") {
            return Err(self.unsupported("CASCADE / RESTRICT"));
        }
        Ok(Stmt::DropTable { tables, if_exists })
    }

    // Expressions, PostgreSQL's precedence from loosest: OR, AND, NOT, IS, comparison, IN, + -, *, unary minus.
    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep { max: MAX_EXPR_DEPTH }));
        }
        let r = self.or_expr();
        self.depth -= 1;
        r
    }
    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.and_expr()?;
        while self.eat_kw("or") {
            let r = self.and_expr()?;
            l = Expr::Binary(BinOp::Or, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.not_expr()?;
        while self.eat_kw("and") {
            let r = self.not_expr()?;
            l = Expr::Binary(BinOp::And, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn not_expr(&mut self) -> Result<Expr, ParseError> {
        if self.eat_kw("not") {
            self.depth += 1;
            if self.depth > MAX_EXPR_DEPTH {
                return Err(self.err(ParseErrorKind::TooDeep { max: MAX_EXPR_DEPTH }));
            }
            let e = self.not_expr();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e?)));
        }
        self.is_expr()
    }
    fn is_expr(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.cmp_expr()?;
        while self.peek_kw("is") {
            self.i += 1;
            let negated = self.eat_kw("not");
            if self.eat_kw("null") {
                e = Expr::IsNull { expr: Box::new(e), negated };
            } else if self.peek_kw("true") || self.peek_kw("false") || self.peek_kw("distinct") {
                return Err(self.unsupported("IS TRUE / IS FALSE / IS DISTINCT FROM (IS NULL is)"));
            } else {
                return Err(self.unexpected("NULL"));
            }
        }
        if self.peek_kw("isnull") || self.peek_kw("notnull") {
            return Err(self.unsupported("ISNULL / NOTNULL (IS NULL is)"));
        }
        Ok(e)
    }
    fn cmp_op(&self) -> Option<BinOp> {
        match self.peek() {
            Some(Tok::Sym("=")) => Some(BinOp::Eq),
            Some(Tok::Sym("<>")) | Some(Tok::Sym("!=")) => Some(BinOp::Ne),
            Some(Tok::Sym("<")) => Some(BinOp::Lt),
            Some(Tok::Sym("<=")) => Some(BinOp::Le),
            Some(Tok::Sym(">")) => Some(BinOp::Gt),
            Some(Tok::Sym(">=")) => Some(BinOp::Ge),
            _ => None,
        }
    }
    fn cmp_expr(&mut self) -> Result<Expr, ParseError> {
        let l = self.in_expr()?;
        if let Some(op) = self.cmp_op() {
            self.i += 1;
            let r = self.in_expr()?;
            if self.cmp_op().is_some() {
                // PostgreSQL: comparison operators do not associate (`a = b = c` is a syntax error).
                return Err(self.unexpected("no second comparison (add parentheses)"));
            }
            return Ok(Expr::Binary(op, Box::new(l), Box::new(r)));
        }
        Ok(l)
    }
    fn in_expr(&mut self) -> Result<Expr, ParseError> {
        let e = self.add_expr()?;
        let negated = self.peek_kw("not") && self.peek_kw_at(1, "in");
        if negated || self.peek_kw("in") {
            self.i += if negated { 2 } else { 1 };
            self.expect_sym("(")?;
            if self.peek_kw("select") {
                return Err(self.unsupported("subqueries"));
            }
            let mut list = vec![self.expr()?];
            while self.eat_sym(",") {
                list.push(self.expr()?);
            }
            self.expect_sym(")")?;
            return Ok(Expr::InList { expr: Box::new(e), list, negated });
        }
        if self.peek_kw("between") || self.peek_kw("like") || self.peek_kw("ilike") || self.peek_kw("similar") {
            return Err(self.unsupported(&self.found().to_uppercase()));
        }
        if self.peek_kw("not") && (self.peek_kw_at(1, "between") || self.peek_kw_at(1, "like")) {
            return Err(self.unsupported("NOT BETWEEN / NOT LIKE"));
        }
        Ok(e)
    }
    fn add_expr(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.mul_expr()?;
        loop {
            let op = if self.peek_sym("+") {
                BinOp::Add
            } else if self.peek_sym("-") {
                BinOp::Sub
            } else {
                break;
            };
            self.i += 1;
            let r = self.mul_expr()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn mul_expr(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.unary()?;
        loop {
            if self.peek_sym("*") {
                self.i += 1;
                let r = self.unary()?;
                l = Expr::Binary(BinOp::Mul, Box::new(l), Box::new(r));
            } else if self.peek_sym("/") || self.peek_sym("%") {
                return Err(self.unsupported("division and modulo (+, - and * are)"));
            } else {
                break;
            }
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.eat_sym("-") {
            self.depth += 1;
            if self.depth > MAX_EXPR_DEPTH {
                return Err(self.err(ParseErrorKind::TooDeep { max: MAX_EXPR_DEPTH }));
            }
            let e = self.unary();
            self.depth -= 1;
            let e = e?;
            // `-5` is the literal -5, as in PostgreSQL's grammar (doNegate folds it).
            return Ok(match e {
                Expr::Int(n) => Expr::Int(-n),
                e => Expr::Neg(Box::new(e)),
            });
        }
        if self.peek_sym("+") {
            return Err(self.unsupported("unary +"));
        }
        let e = self.primary()?;
        if self.peek_sym("::") {
            return Err(self.unsupported("casts (::)"));
        }
        Ok(e)
    }
    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.unexpected("an expression"));
        };
        match t {
            Tok::Int(n) => {
                self.i += 1;
                Ok(Expr::Int(n))
            }
            Tok::Str(s) => {
                self.i += 1;
                Ok(Expr::Str(s))
            }
            Tok::Sym("(") => {
                self.i += 1;
                if self.peek_kw("select") {
                    return Err(self.unsupported("subqueries"));
                }
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Quoted(_) => Ok(Expr::Column(self.ident("a column name")?)),
            Tok::Word(w) => match w.as_str() {
                "true" => {
                    self.i += 1;
                    Ok(Expr::Bool(true))
                }
                "false" => {
                    self.i += 1;
                    Ok(Expr::Bool(false))
                }
                "null" => {
                    self.i += 1;
                    Ok(Expr::Null)
                }
                "count" | "sum" if matches!(self.peek_at(1), Some(Tok::Sym("("))) => {
                    self.i += 2;
                    if self.peek_kw("distinct") {
                        return Err(self.unsupported("DISTINCT in aggregates"));
                    }
                    let e = if w == "count" && self.eat_sym("*") {
                        Expr::CountStar
                    } else {
                        let arg = self.expr()?;
                        if w == "count" {
                            Expr::Count(Box::new(arg))
                        } else {
                            Expr::Sum(Box::new(arg))
                        }
                    };
                    self.expect_sym(")")?;
                    Ok(e)
                }
                "case" | "exists" | "cast" | "coalesce" | "nullif" | "greatest" | "least" => {
                    Err(self.unsupported(&w.to_uppercase()))
                }
                _ if super::lex::RESERVED.contains(&w.as_str()) => Err(self.unexpected("an expression")),
                _ => {
                    if matches!(self.peek_at(1), Some(Tok::Sym("("))) {
                        return Err(self.unsupported(&format!("the function {w}() (count(*), count() and sum() are)")));
                    }
                    Ok(Expr::Column(self.ident("a column name")?))
                }
            },
            _ => Err(self.unexpected("an expression")),
        }
    }
}

fn kw_upper(kw: &'static str) -> &'static str {
    match kw {
        "transaction" => "TRANSACTION",
        "level" => "LEVEL",
        "into" => "INTO",
        "values" => "VALUES",
        "set" => "SET",
        "from" => "FROM",
        "key" => "KEY",
        "update" => "UPDATE",
        "share" => "SHARE",
        "exclusive" => "EXCLUSIVE",
        "mode" => "MODE",
        "read" => "READ",
        "locked" => "LOCKED",
        "isolation" => "ISOLATION",
        "by" => "BY",
        _ => kw,
    }
}

/// `'10ms'`, `'1s'`, `'2min'`, `'100'` (milliseconds) -> milliseconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if digits_end == 0 {
        return None;
    }
    let n: u64 = s[..digits_end].parse().ok()?;
    let unit = s[digits_end..].trim();
    let mult = match unit {
        "" | "ms" => 1,
        "s" => 1000,
        "min" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(mult)
}
