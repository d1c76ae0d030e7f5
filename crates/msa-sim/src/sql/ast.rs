//! The typed statements of the SQL subset, and their canonical text (`Display`), which parses back to the same
//! tree: binary expressions print fully parenthesized, keywords upper-case, identifiers quoted when they must be.

use serde::Serialize;
use std::fmt;

/// A position in the source: 1-based line and column, columns counted in chars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.col)
    }
}

/// One statement with the source text it came from (trimmed, without the `;`) and where it starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub kind: Stmt,
    pub text: String,
    pub pos: Pos,
}

impl Statement {
    /// The statement's source text, trimmed, without the trailing `;`.
    pub fn sql(&self) -> &str {
        &self.text
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ColType {
    Integer,
    BigInt,
    Numeric,
    Text,
    Boolean,
}

impl ColType {
    pub fn name(self) -> &'static str {
        match self {
            ColType::Integer => "integer",
            ColType::BigInt => "bigint",
            ColType::Numeric => "numeric",
            ColType::Text => "text",
            ColType::Boolean => "boolean",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnDef {
    pub name: String,
    pub ty: ColType,
    pub primary_key: bool,
    pub unique: bool,
    pub not_null: bool,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum TableConstraint {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CreateTable {
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Isolation {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl Isolation {
    pub fn sql(self) -> &'static str {
        match self {
            Isolation::ReadUncommitted => "READ UNCOMMITTED",
            Isolation::ReadCommitted => "READ COMMITTED",
            Isolation::RepeatableRead => "REPEATABLE READ",
            Isolation::Serializable => "SERIALIZABLE",
        }
    }
}

/// The four row-lock strengths, weakest first (PostgreSQL's LockTupleMode order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RowLockMode {
    KeyShare,
    Share,
    NoKeyUpdate,
    Update,
}

impl RowLockMode {
    pub fn sql(self) -> &'static str {
        match self {
            RowLockMode::KeyShare => "FOR KEY SHARE",
            RowLockMode::Share => "FOR SHARE",
            RowLockMode::NoKeyUpdate => "FOR NO KEY UPDATE",
            RowLockMode::Update => "FOR UPDATE",
        }
    }
    /// README.tuplock's conflict table.
    pub fn conflicts(self, other: RowLockMode) -> bool {
        use RowLockMode::*;
        matches!(
            (self, other),
            (KeyShare, Update)
                | (Share, NoKeyUpdate)
                | (Share, Update)
                | (NoKeyUpdate, Share)
                | (NoKeyUpdate, NoKeyUpdate)
                | (NoKeyUpdate, Update)
                | (Update, _)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WaitPolicy {
    Block,
    NoWait,
    SkipLocked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LockClause {
    pub mode: RowLockMode,
    pub wait: WaitPolicy,
}

/// The eight table-lock modes, weakest first (lock.h's numbering minus one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum TableLockMode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl TableLockMode {
    pub const ALL: [TableLockMode; 8] = [
        TableLockMode::AccessShare,
        TableLockMode::RowShare,
        TableLockMode::RowExclusive,
        TableLockMode::ShareUpdateExclusive,
        TableLockMode::Share,
        TableLockMode::ShareRowExclusive,
        TableLockMode::Exclusive,
        TableLockMode::AccessExclusive,
    ];
    pub fn sql(self) -> &'static str {
        match self {
            TableLockMode::AccessShare => "ACCESS SHARE",
            TableLockMode::RowShare => "ROW SHARE",
            TableLockMode::RowExclusive => "ROW EXCLUSIVE",
            TableLockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            TableLockMode::Share => "SHARE",
            TableLockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            TableLockMode::Exclusive => "EXCLUSIVE",
            TableLockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }
    /// The name PostgreSQL's pg_locks shows (`RowExclusiveLock`, ...).
    pub fn lock_name(self) -> &'static str {
        match self {
            TableLockMode::AccessShare => "AccessShareLock",
            TableLockMode::RowShare => "RowShareLock",
            TableLockMode::RowExclusive => "RowExclusiveLock",
            TableLockMode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            TableLockMode::Share => "ShareLock",
            TableLockMode::ShareRowExclusive => "ShareRowExclusiveLock",
            TableLockMode::Exclusive => "ExclusiveLock",
            TableLockMode::AccessExclusive => "AccessExclusiveLock",
        }
    }
    /// lock.c's LockConflicts table.
    pub fn conflicts(self, other: TableLockMode) -> bool {
        let rank = |m: TableLockMode| m as u8;
        let table: [u8; 8] = [
            // bit i set: conflicts with mode i
            1 << 7,                                                          // AccessShare
            (1 << 6) | (1 << 7),                                             // RowShare
            (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7),                       // RowExclusive
            (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7),            // ShareUpdateExclusive
            (1 << 2) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 7),            // Share
            (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7), // ShareRowExclusive
            0b1111_1110,                                                     // Exclusive
            0b1111_1111,                                                     // AccessExclusive
        ];
        table[rank(self) as usize] & (1 << rank(other)) != 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TimeoutSetting {
    DeadlockTimeout,
    LockTimeout,
}

impl TimeoutSetting {
    pub fn name(self) -> &'static str {
        match self {
            TimeoutSetting::DeadlockTimeout => "deadlock_timeout",
            TimeoutSetting::LockTimeout => "lock_timeout",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
}

impl BinOp {
    pub fn sql(self) -> &'static str {
        match self {
            BinOp::Or => "OR",
            BinOp::And => "AND",
            BinOp::Eq => "=",
            BinOp::Ne => "<>",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Expr {
    Int(i64),
    Str(String),
    Bool(bool),
    Null,
    Column(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `count(*)`: only in a select list.
    CountStar,
    /// `count(expr)`: only in a select list.
    Count(Box<Expr>),
    /// `sum(expr)`: only in a select list.
    Sum(Box<Expr>),
}

impl Expr {
    pub fn is_aggregate(&self) -> bool {
        match self {
            Expr::CountStar | Expr::Count(_) | Expr::Sum(_) => true,
            Expr::Neg(e) | Expr::Not(e) => e.is_aggregate(),
            Expr::Binary(_, a, b) => a.is_aggregate() || b.is_aggregate(),
            Expr::IsNull { expr, .. } => expr.is_aggregate(),
            Expr::InList { expr, list, .. } => expr.is_aggregate() || list.iter().any(|e| e.is_aggregate()),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SelectItem {
    Star,
    Expr { expr: Expr, alias: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrderItem {
    pub expr: Expr,
    pub desc: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Select {
    pub items: Vec<SelectItem>,
    pub from: Option<String>,
    pub where_: Option<Expr>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<i64>,
    pub lock: Option<LockClause>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Stmt {
    CreateTable(CreateTable),
    Insert {
        table: String,
        columns: Option<Vec<String>>,
        rows: Vec<Vec<Expr>>,
        returning: Option<Vec<SelectItem>>,
    },
    Select(Select),
    Update {
        table: String,
        sets: Vec<(String, Expr)>,
        where_: Option<Expr>,
        returning: Option<Vec<SelectItem>>,
    },
    Delete {
        table: String,
        where_: Option<Expr>,
        returning: Option<Vec<SelectItem>>,
    },
    /// `BEGIN` / `START TRANSACTION` (`start` says which was written).
    Begin {
        isolation: Option<Isolation>,
        start: bool,
    },
    SetTransaction(Isolation),
    Commit,
    Rollback,
    Savepoint(String),
    RollbackTo(String),
    Release(String),
    LockTable {
        tables: Vec<String>,
        mode: TableLockMode,
        nowait: bool,
    },
    /// `DROP TABLE [IF EXISTS] t, ...`
    DropTable {
        tables: Vec<String>,
        if_exists: bool,
    },
    /// `SET deadlock_timeout` / `SET lock_timeout`, in milliseconds.
    SetTimeout {
        setting: TimeoutSetting,
        ms: u64,
    },
}

fn is_keyword(s: &str) -> bool {
    crate::sql::lex::RESERVED.contains(&s) || crate::sql::lex::KEYWORDS.contains(&s)
}

/// An identifier as it must be written to read back the same.
pub struct Ident<'a>(pub &'a str);

impl fmt::Display for Ident<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let plain = !s.is_empty()
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !is_keyword(s);
        if plain {
            f.write_str(s)
        } else {
            write!(f, "\"{}\"", s.replace('"', "\"\""))
        }
    }
}

fn comma_list<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        each(f, it)?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Int(n) if *n < 0 => write!(f, "({n})"),
            Expr::Int(n) => write!(f, "{n}"),
            Expr::Str(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Expr::Bool(true) => f.write_str("TRUE"),
            Expr::Bool(false) => f.write_str("FALSE"),
            Expr::Null => f.write_str("NULL"),
            Expr::Column(c) => write!(f, "{}", Ident(c)),
            Expr::Neg(e) => write!(f, "(- {e})"),
            Expr::Not(e) => write!(f, "(NOT {e})"),
            Expr::Binary(op, a, b) => write!(f, "({a} {} {b})", op.sql()),
            Expr::IsNull { expr, negated } => write!(f, "({expr} IS {}NULL)", if *negated { "NOT " } else { "" }),
            Expr::InList { expr, list, negated } => {
                write!(f, "({expr} {}IN (", if *negated { "NOT " } else { "" })?;
                comma_list(f, list, |f, e| write!(f, "{e}"))?;
                f.write_str("))")
            }
            Expr::CountStar => f.write_str("count(*)"),
            Expr::Count(e) => write!(f, "count({e})"),
            Expr::Sum(e) => write!(f, "sum({e})"),
        }
    }
}

impl fmt::Display for SelectItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectItem::Star => f.write_str("*"),
            SelectItem::Expr { expr, alias: None } => write!(f, "{expr}"),
            SelectItem::Expr { expr, alias: Some(a) } => write!(f, "{expr} AS {}", Ident(a)),
        }
    }
}

fn where_clause(f: &mut fmt::Formatter<'_>, w: &Option<Expr>) -> fmt::Result {
    match w {
        Some(e) => write!(f, " WHERE {e}"),
        None => Ok(()),
    }
}

fn returning(f: &mut fmt::Formatter<'_>, r: &Option<Vec<SelectItem>>) -> fmt::Result {
    if let Some(items) = r {
        f.write_str(" RETURNING ")?;
        comma_list(f, items, |f, i| write!(f, "{i}"))?;
    }
    Ok(())
}

fn idents(f: &mut fmt::Formatter<'_>, names: &[String]) -> fmt::Result {
    comma_list(f, names, |f, n| write!(f, "{}", Ident(n)))
}

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stmt::CreateTable(ct) => {
                write!(f, "CREATE TABLE {} (", Ident(&ct.name))?;
                let mut first = true;
                for c in &ct.columns {
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    write!(f, "{} {}", Ident(&c.name), c.ty.name())?;
                    if c.primary_key {
                        f.write_str(" PRIMARY KEY")?;
                    }
                    if c.unique {
                        f.write_str(" UNIQUE")?;
                    }
                    if c.not_null {
                        f.write_str(" NOT NULL")?;
                    }
                    if let Some(d) = &c.default {
                        write!(f, " DEFAULT {d}")?;
                    }
                }
                for k in &ct.constraints {
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    let (kw, cols) = match k {
                        TableConstraint::PrimaryKey(c) => ("PRIMARY KEY", c),
                        TableConstraint::Unique(c) => ("UNIQUE", c),
                    };
                    write!(f, "{kw} (")?;
                    idents(f, cols)?;
                    f.write_str(")")?;
                }
                f.write_str(")")
            }
            Stmt::Insert { table, columns, rows, returning: r } => {
                write!(f, "INSERT INTO {}", Ident(table))?;
                if let Some(cols) = columns {
                    f.write_str(" (")?;
                    idents(f, cols)?;
                    f.write_str(")")?;
                }
                f.write_str(" VALUES ")?;
                comma_list(f, rows, |f, row| {
                    f.write_str("(")?;
                    comma_list(f, row, |f, e| write!(f, "{e}"))?;
                    f.write_str(")")
                })?;
                returning(f, r)
            }
            Stmt::Select(s) => {
                f.write_str("SELECT ")?;
                comma_list(f, &s.items, |f, i| write!(f, "{i}"))?;
                if let Some(t) = &s.from {
                    write!(f, " FROM {}", Ident(t))?;
                }
                where_clause(f, &s.where_)?;
                if !s.order_by.is_empty() {
                    f.write_str(" ORDER BY ")?;
                    comma_list(f, &s.order_by, |f, o| write!(f, "{}{}", o.expr, if o.desc { " DESC" } else { "" }))?;
                }
                if let Some(n) = s.limit {
                    write!(f, " LIMIT {n}")?;
                }
                if let Some(l) = &s.lock {
                    write!(f, " {}", l.mode.sql())?;
                    match l.wait {
                        WaitPolicy::Block => {}
                        WaitPolicy::NoWait => f.write_str(" NOWAIT")?,
                        WaitPolicy::SkipLocked => f.write_str(" SKIP LOCKED")?,
                    }
                }
                Ok(())
            }
            Stmt::Update { table, sets, where_, returning: r } => {
                write!(f, "UPDATE {} SET ", Ident(table))?;
                comma_list(f, sets, |f, (c, e)| write!(f, "{} = {e}", Ident(c)))?;
                where_clause(f, where_)?;
                returning(f, r)
            }
            Stmt::Delete { table, where_, returning: r } => {
                write!(f, "DELETE FROM {}", Ident(table))?;
                where_clause(f, where_)?;
                returning(f, r)
            }
            Stmt::Begin { isolation, start } => {
                f.write_str(if *start { "START TRANSACTION" } else { "BEGIN" })?;
                if let Some(i) = isolation {
                    write!(f, " ISOLATION LEVEL {}", i.sql())?;
                }
                Ok(())
            }
            Stmt::SetTransaction(i) => write!(f, "SET TRANSACTION ISOLATION LEVEL {}", i.sql()),
            Stmt::Commit => f.write_str("COMMIT"),
            Stmt::Rollback => f.write_str("ROLLBACK"),
            Stmt::Savepoint(n) => write!(f, "SAVEPOINT {}", Ident(n)),
            Stmt::RollbackTo(n) => write!(f, "ROLLBACK TO SAVEPOINT {}", Ident(n)),
            Stmt::Release(n) => write!(f, "RELEASE SAVEPOINT {}", Ident(n)),
            Stmt::LockTable { tables, mode, nowait } => {
                f.write_str("LOCK TABLE ")?;
                idents(f, tables)?;
                write!(f, " IN {} MODE", mode.sql())?;
                if *nowait {
                    f.write_str(" NOWAIT")?;
                }
                Ok(())
            }
            Stmt::DropTable { tables, if_exists } => {
                f.write_str(if *if_exists { "DROP TABLE IF EXISTS " } else { "DROP TABLE " })?;
                idents(f, tables)
            }
            Stmt::SetTimeout { setting, ms } => write!(f, "SET {} = '{ms}ms'", setting.name()),
        }
    }
}
