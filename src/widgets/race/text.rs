//! The visualizer's sentences: the core's data (events, endings, reasons, outcomes, URL errors) in the
//! learner's language. Templates hold `{1}`, `{2}`, ..., filled by [`fill`].

use crate::i18n::*;
use msa_sim::race::model::{Blocked, Ending, Event, MinorKind, WaitOn};
use msa_sim::race::view::UrlError;
use msa_sim::race::{BuildError, OutcomeKind, ReplayError, Scenario, SqlError, Story, Strategy, TxnId};

/// [`crate::widgets::fill`] with positional arguments: the first fills `{1}`, the second `{2}`, ...
pub fn fill(template: &str, args: &[&str]) -> String {
    const NAMES: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
    let args: Vec<(&str, &dyn std::fmt::Display)> =
        NAMES.iter().zip(args).map(|(n, a)| (*n, a as &dyn std::fmt::Display)).collect();
    crate::widgets::fill(template, &args)
}

pub fn txn(t: TxnId) -> String {
    format!("T{}", t as usize + 1)
}

/// "row counters id=1" / "counters id=1 행".
pub fn row(lang: Locale, sc: &Scenario, r: u8) -> String {
    let name = sc.rows.get(r as usize).map_or_else(|| "?".to_string(), |d| format!("{} id={}", d.table, d.id));
    fill(td_string!(lang, race.row_name), &[&name])
}

pub fn mutex(lang: Locale, m: u8) -> String {
    fill(td_string!(lang, race.mutex_name), &[&(m as usize + 1).to_string()])
}

pub fn on(lang: Locale, sc: &Scenario, on: WaitOn) -> String {
    match on {
        WaitOn::Row(r) => row(lang, sc, r),
        WaitOn::Mutex(m) => mutex(lang, m),
    }
}

pub fn holder(lang: Locale, h: Option<TxnId>) -> String {
    h.map_or_else(|| td_string!(lang, race.nobody).to_string(), txn)
}

pub fn ending(lang: Locale, e: Ending) -> String {
    match e {
        Ending::Committed => td_string!(lang, race.end_committed).into(),
        Ending::RolledBack => td_string!(lang, race.end_rolled_back).into(),
        Ending::SoldOut => td_string!(lang, race.end_sold_out).into(),
        Ending::GaveUp => td_string!(lang, race.end_gave_up).into(),
        Ending::Failed(err) => fill(td_string!(lang, race.end_failed), &[err.sqlstate()]),
    }
}

/// Why a transaction cannot move.
pub fn blocked(lang: Locale, sc: &Scenario, b: Blocked) -> String {
    match b {
        Blocked::Row { row: r, holder: h } => {
            fill(td_string!(lang, race.why_row), &[&row(lang, sc, r), &holder(lang, h)])
        }
        Blocked::Mutex { mutex: m, holder: h } => {
            fill(td_string!(lang, race.why_mutex), &[&mutex(lang, m), &holder(lang, h)])
        }
        Blocked::Finished { .. } => td_string!(lang, race.finished_why).into(),
        Blocked::NoSuchTxn | Blocked::OtherAction { .. } => td_string!(lang, race.no_txn).into(),
    }
}

pub fn event(lang: Locale, sc: &Scenario, e: &Event) -> String {
    let t = |x: &u8| txn(*x);
    match e {
        Event::Began { txn } => fill(td_string!(lang, race.ev_began), &[&t(txn)]),
        Event::Snapshot { txn } => fill(td_string!(lang, race.ev_snapshot), &[&t(txn)]),
        Event::Read { txn, value, version, .. } => {
            fill(td_string!(lang, race.ev_read), &[&t(txn), &value.to_string(), &version.to_string()])
        }
        Event::Locked { txn, row: r } => fill(td_string!(lang, race.ev_locked), &[&t(txn), &row(lang, sc, *r)]),
        Event::Waits { txn, on: o, holder: h } => {
            fill(td_string!(lang, race.ev_waits), &[&t(txn), &on(lang, sc, *o), &holder(lang, *h)])
        }
        Event::Resumed { txn, on: o } => fill(td_string!(lang, race.ev_resumed), &[&t(txn), &on(lang, sc, *o)]),
        Event::Computed { txn, new } => fill(td_string!(lang, race.ev_computed), &[&t(txn), &new.to_string()]),
        Event::Updated { txn, count, value, .. } => match (count, value) {
            (0, _) | (_, None) => fill(td_string!(lang, race.ev_updated0), &[&t(txn)]),
            (n, Some(v)) => fill(td_string!(lang, race.ev_updated), &[&t(txn), &n.to_string(), &v.to_string()]),
        },
        Event::Inserted { txn } => fill(td_string!(lang, race.ev_inserted), &[&t(txn)]),
        Event::Committed { txn } => fill(td_string!(lang, race.ev_committed), &[&t(txn)]),
        Event::RolledBack { txn } => fill(td_string!(lang, race.ev_rolledback), &[&t(txn)]),
        Event::Error { txn, error } => {
            let rel = sc.rows.first().map_or("t", |r| r.table);
            let msg = format!("{} (SQLSTATE {})", error.message(rel), error.sqlstate());
            fill(td_string!(lang, race.ev_error), &[&t(txn), &msg])
        }
        Event::SoldOut { txn } => fill(td_string!(lang, race.ev_soldout), &[&t(txn)]),
        Event::Retry { txn, attempt } => fill(td_string!(lang, race.ev_retry), &[&t(txn), &attempt.to_string()]),
        Event::MutexLocked { txn, mutex: m } => {
            fill(td_string!(lang, race.ev_mutex_locked), &[&t(txn), &mutex(lang, *m)])
        }
        Event::MutexUnlocked { txn, mutex: m } => {
            fill(td_string!(lang, race.ev_mutex_unlocked), &[&t(txn), &mutex(lang, *m)])
        }
        Event::Finished { txn, ending: e } => fill(td_string!(lang, race.ev_finished), &[&t(txn), &ending(lang, *e)]),
    }
}

pub fn outcome_name(lang: Locale, k: OutcomeKind) -> &'static str {
    match k {
        OutcomeKind::Stuck => td_string!(lang, race.o_stuck),
        OutcomeKind::Oversold => td_string!(lang, race.o_oversold),
        OutcomeKind::LostUpdate => td_string!(lang, race.o_lost_update),
        OutcomeKind::DeadlockVictim => td_string!(lang, race.o_deadlock),
        OutcomeKind::SerializationFailure => td_string!(lang, race.o_serialization),
        OutcomeKind::LockNotAvailable => td_string!(lang, race.o_lock_na),
        OutcomeKind::GaveUp => td_string!(lang, race.o_gave_up),
        OutcomeKind::Retried => td_string!(lang, race.o_retried),
        OutcomeKind::Correct => td_string!(lang, race.o_correct),
    }
}

/// The outcome's sentence; `who` names the transaction that hit the error, if any.
pub fn outcome_text(lang: Locale, k: OutcomeKind, who: &str) -> String {
    match k {
        OutcomeKind::Stuck => td_string!(lang, race.out_stuck).into(),
        OutcomeKind::Oversold => td_string!(lang, race.out_oversold).into(),
        OutcomeKind::LostUpdate => td_string!(lang, race.out_lost_update).into(),
        OutcomeKind::DeadlockVictim => fill(td_string!(lang, race.out_deadlock), &[who]),
        OutcomeKind::SerializationFailure => fill(td_string!(lang, race.out_serialization), &[who]),
        OutcomeKind::LockNotAvailable => fill(td_string!(lang, race.out_lock_na), &[who]),
        OutcomeKind::GaveUp => td_string!(lang, race.out_gave_up).into(),
        OutcomeKind::Retried => td_string!(lang, race.out_retried).into(),
        OutcomeKind::Correct => td_string!(lang, race.out_correct).into(),
    }
}

/// The error an outcome kind is about, to find the transaction that hit it.
pub fn outcome_error(k: OutcomeKind) -> Option<SqlError> {
    match k {
        OutcomeKind::DeadlockVictim => Some(SqlError::DeadlockDetected),
        OutcomeKind::SerializationFailure => Some(SqlError::SerializationFailure),
        OutcomeKind::LockNotAvailable => Some(SqlError::LockNotAvailable),
        _ => None,
    }
}

pub fn strategy(lang: Locale, story: Story, s: Strategy) -> &'static str {
    match (story, s) {
        (Story::Transfer, Strategy::NoLock) => return td_string!(lang, race.st_transfer_no_lock),
        (Story::Transfer, Strategy::ForUpdate) => return td_string!(lang, race.st_transfer_for_update),
        _ => {}
    }
    match s {
        Strategy::NoLock => td_string!(lang, race.st_no_lock),
        Strategy::Atomic => td_string!(lang, race.st_atomic),
        Strategy::ForUpdate => td_string!(lang, race.st_for_update),
        Strategy::ForUpdateNowait => td_string!(lang, race.st_for_update_nowait),
        Strategy::Optimistic => td_string!(lang, race.st_optimistic),
        Strategy::RepeatableRead => td_string!(lang, race.st_repeatable_read),
        Strategy::AppMutex => td_string!(lang, race.st_app_mutex),
        Strategy::DbLock => td_string!(lang, race.st_db_lock),
    }
}

pub fn scenario(lang: Locale, name: &str) -> &'static str {
    match name {
        "lost-update" => td_string!(lang, race.sc_lost_update),
        "oversell" => td_string!(lang, race.sc_oversell),
        "atomic" => td_string!(lang, race.sc_atomic),
        "for-update" => td_string!(lang, race.sc_for_update),
        "optimistic" => td_string!(lang, race.sc_optimistic),
        "deadlock" => td_string!(lang, race.sc_deadlock),
        "repeatable-read" => td_string!(lang, race.sc_repeatable_read),
        "app-mutex" => td_string!(lang, race.sc_app_mutex),
        _ => td_string!(lang, race.sc_db_lock),
    }
}

pub fn minor(lang: Locale, k: MinorKind) -> &'static str {
    match k {
        MinorKind::Read => td_string!(lang, race.kind_read),
        MinorKind::Compute => td_string!(lang, race.kind_compute),
        MinorKind::Write => td_string!(lang, race.kind_write),
        MinorKind::Control => td_string!(lang, race.kind_control),
    }
}

/// Why a replay stopped (a schedule position is 0-based in the core, 1-based for the learner).
pub fn replay_error(lang: Locale, sc: &Scenario, e: &ReplayError) -> String {
    match e {
        ReplayError::Decode(_) => td_string!(lang, race.url_schedule_chars).into(),
        ReplayError::AfterEnd { pos } => fill(td_string!(lang, race.url_schedule), &[&(pos + 1).to_string()]),
        ReplayError::NotEnabled { error, .. } => {
            fill(td_string!(lang, race.cannot_move), &[&txn(error.txn), &blocked(lang, sc, error.why)])
        }
    }
}

pub fn url_error(lang: Locale, e: &UrlError) -> String {
    let why = match e {
        UrlError::TooLong { .. } => td_string!(lang, race.url_long).to_string(),
        UrlError::UnknownScenario => td_string!(lang, race.url_scenario).into(),
        UrlError::UnknownStrategy => td_string!(lang, race.url_strategy).into(),
        UrlError::Build(BuildError::UnsupportedStrategy { .. }) => td_string!(lang, race.url_unsupported).into(),
        UrlError::Build(_) | UrlError::BadClients => td_string!(lang, race.url_clients).into(),
        UrlError::BadFlag | UrlError::TooManyFields => td_string!(lang, race.url_format).into(),
        UrlError::Schedule(ReplayError::Decode(_)) => td_string!(lang, race.url_schedule_chars).into(),
        UrlError::Schedule(ReplayError::AfterEnd { pos }) | UrlError::Schedule(ReplayError::NotEnabled { pos, .. }) => {
            fill(td_string!(lang, race.url_schedule), &[&(pos + 1).to_string()])
        }
    };
    fill(td_string!(lang, race.url_bad), &[&why])
}

/// `x` with `decimals` digits after the point (at most 3), by integer arithmetic: Rust's float formatting
/// would add its own code to the wasm for a few labels.
pub fn fixed(x: f64, decimals: u32) -> String {
    let d = decimals.min(3);
    let scale = 10i64.pow(d);
    let neg = x < 0.0;
    // `as` saturates; NaN becomes 0.
    let n = (round_half_up(x.abs() * scale as f64)) as i64;
    let (int, frac) = (n / scale, n % scale);
    let sign = if neg && n != 0 { "-" } else { "" };
    if d == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = d as usize)
    }
}

fn round_half_up(x: f64) -> f64 {
    (x + 0.5).floor()
}

/// Escapes text for HTML (element content and double-quoted attributes). The board's read-only parts are
/// rendered as HTML strings: a few string builders cost far less wasm than a typed view per element.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}
