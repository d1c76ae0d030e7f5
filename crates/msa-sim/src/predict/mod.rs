//! Predictions: the lessons ask the learner to commit to an answer before a reveal, then run the scenario here
//! and show the prediction next to what happened. A reveal is named `<family>.<name>` (the family is the app's
//! wasm bundle that computes it: [`proxy`], [`race`]); it returns the answer, computed from a run of the core,
//! never written by hand, and a small table of what the run did, the text twin of the result.
//!
//! The lessons' ```` ```predict ```` blocks name a reveal and list the keys of their options; a test
//! (`tests/predictions.rs`) checks every block against [`REVEALS`] and that the core's answer is one of its keys.

pub mod proxy;
pub mod race;

/// The answer a reveal computes.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// The key of the option that came true.
    Choice(&'static str),
    /// A whole number, in the unit the question names.
    Number(i64),
}

/// What a table column holds; the view names it in the learner's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    Server,
    /// Attempts the proxy sent to the server.
    Requests,
    /// Percent of all attempts.
    Share,
    /// Percent of the server's worker time spent serving.
    Busy,
    /// A stretch of simulated time, `10-20 s`.
    Window,
    /// Requests that found their session gone.
    SessionsLost,
    /// Utilisation, rho.
    Load,
    MeanMs,
    P99Ms,
    /// Percent of requests answered with an error or refused.
    FailedPct,
    /// A step of a schedule, 1-based.
    Step,
    /// The transaction that moved, `T1`.
    Txn,
    /// The SQL it ran.
    Sql,
    /// What the statement saw or did: a value read or written, a wait, an error code.
    Result,
}

/// What a reveal returns: the answer and the table of the run behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reveal {
    pub answer: Answer,
    pub cols: Vec<Col>,
    /// Cells as the learner reads them in any language (numbers, server names, SQL, error codes).
    pub rows: Vec<Vec<String>>,
    /// The row that holds the answer, highlighted.
    pub mark: Option<usize>,
}

/// The kind of answer a reveal gives: the keys of its options, or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Choice(&'static [&'static str]),
    Number,
}

/// Every reveal: (name, kind). The lessons' blocks must agree with it.
pub const REVEALS: &[(&str, Kind)] = &[
    ("proxy.rr-slow-share", Kind::Choice(proxy::SHARE_KEYS)),
    ("proxy.least-conn-slow-share", Kind::Choice(proxy::SHARE_KEYS)),
    ("proxy.ip-hash-return", Kind::Choice(proxy::RETURN_KEYS)),
    ("proxy.cookie-return", Kind::Choice(proxy::RETURN_KEYS)),
    ("proxy.shared-store-lost", Kind::Number),
    ("proxy.mmc-p99-095", Kind::Number),
    ("proxy.saturation-failed", Kind::Choice(proxy::FAILED_KEYS)),
    ("race.lost-update-final", Kind::Number),
    ("race.atomic-second-write", Kind::Choice(race::WRITE_KEYS)),
    ("race.repeatable-read-second", Kind::Choice(race::WRITE_KEYS)),
    ("race.deadlock-victim", Kind::Choice(race::VICTIM_KEYS)),
];

/// The kind of the reveal named `name`, or None when there is no such reveal.
pub fn kind(name: &str) -> Option<Kind> {
    REVEALS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

/// Runs the reveal named `name` of any family (natively, the CLI and tests; the app calls its bundle's family).
pub fn reveal(name: &str) -> Option<Reveal> {
    match name.split_once('.')? {
        ("proxy", n) => proxy::reveal(n),
        ("race", n) => race::reveal(n),
        _ => None,
    }
}

/// How near a number prediction is to the answer: `Exact`, `Close` (within 10 % or 1 unit), or `Far`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nearness {
    Exact,
    Close,
    Far,
}

/// Judges a number prediction against the core's answer.
pub fn nearness(predicted: i64, actual: i64) -> Nearness {
    let diff = predicted.abs_diff(actual);
    if diff == 0 {
        Nearness::Exact
    } else if diff <= 1 || diff.saturating_mul(10) <= actual.unsigned_abs() {
        Nearness::Close
    } else {
        Nearness::Far
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearness_is_ten_percent_or_one_unit() {
        assert_eq!(nearness(100, 100), Nearness::Exact);
        assert_eq!(nearness(110, 100), Nearness::Close);
        assert_eq!(nearness(111, 100), Nearness::Far);
        assert_eq!(nearness(1, 0), Nearness::Close);
        assert_eq!(nearness(2, 0), Nearness::Far);
        assert_eq!(nearness(i64::MIN, i64::MAX), Nearness::Far);
    }

    #[test]
    fn unknown_reveals_are_none() {
        assert_eq!(reveal("proxy.nope"), None);
        assert_eq!(reveal("nope"), None);
        assert_eq!(kind("race.nope"), None);
    }
}
