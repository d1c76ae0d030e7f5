//! What the site keeps in localStorage about the learner: how far each lesson was read and which option was
//! chosen for each question, both as a small map from ids to a number stored as `id:n,id:n`; the predictions and
//! the solved challenges ([`Solved`]) are stored the same way.
//!
//! The parsing lives here, in a web-free crate, so it is fuzzed and property-tested natively: any string a
//! browser hands back (an entry from an older version, one edited by hand, garbage) parses to a [`Progress`] or
//! to `Err(())`, never a panic. The app decodes an error to the default (nothing read, nothing answered).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A small map from ids (lesson slugs, question ids) to a number, stored as `id:n,id:n`: how far each lesson
/// was read (percent), or which option the learner chose for each question.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress(pub BTreeMap<String, u8>);

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The reading percentage from which a lesson counts as read.
pub const DONE_PERCENT: u8 = 95;

impl Progress {
    pub fn percent(&self, slug: &str) -> u8 {
        self.0.get(slug).copied().unwrap_or(0)
    }

    /// A lesson counts as read once its end has been on screen.
    pub fn is_done(&self, slug: &str) -> bool {
        self.percent(slug) >= DONE_PERCENT
    }
}

/// Whether `id` can be stored: 1 to [`MAX_ID_LEN`] ASCII letters, digits or `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_map(&self.0, f)
    }
}

impl FromStr for Progress {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        read_map(s, |v| v.parse::<u8>().ok().filter(|pct| *pct <= 100)).map(Progress)
    }
}

/// Writes a stored map as `id:v,id:v`.
fn write_map<V: fmt::Display>(map: &BTreeMap<String, V>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (i, (k, v)) in map.iter().enumerate() {
        write!(f, "{}{k}:{v}", if i == 0 { "" } else { "," })?;
    }
    Ok(())
}

/// Reads `id:v,id:v`: every id [`valid_id`], every value one that `value` accepts; anything else is `Err(())`.
fn read_map<V>(s: &str, value: impl Fn(&str) -> Option<V>) -> Result<BTreeMap<String, V>, ()> {
    let mut map = BTreeMap::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (id, v) = part.split_once(':').ok_or(())?;
        if !valid_id(id) {
            return Err(());
        }
        map.insert(id.to_string(), value(v).ok_or(())?);
    }
    Ok(map)
}

/// The learner's predictions: prediction id to what they committed to (a choice's place among the options, or
/// the number they typed), stored as `id:n,id:n` like [`Progress`] but with whole numbers of either sign.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Predictions(pub BTreeMap<String, i64>);

/// The largest number a prediction may hold, either sign: beyond any answer the course asks for, and far from
/// `i64`'s edges, so arithmetic on it cannot overflow.
pub const MAX_PREDICTION: i64 = 1_000_000_000;

impl fmt::Display for Predictions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_map(&self.0, f)
    }
}

impl FromStr for Predictions {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        read_map(s, |v| v.parse::<i64>().ok().filter(|n| n.abs() <= MAX_PREDICTION)).map(Predictions)
    }
}

/// The challenges the learner solved: challenge id to the size of their smallest solution (in the challenge's own
/// unit: steps, commands, servers...), stored as `id:n,id:n` under `msa-lab:challenges`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Solved(pub BTreeMap<String, u64>);

/// The largest solution size kept: above any challenge's measure, so a stored size never overflows a sum.
pub const MAX_SOLVED_SIZE: u64 = 1_000_000_000;

impl Solved {
    /// Records a solution of `size`, keeping the smaller of it and what was there.
    pub fn record(&mut self, id: &str, size: u64) {
        if valid_id(id) && size <= MAX_SOLVED_SIZE {
            let e = self.0.entry(id.to_string()).or_insert(size);
            *e = (*e).min(size);
        }
    }

    pub fn is_solved(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }
}

impl fmt::Display for Solved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_map(&self.0, f)
    }
}

impl FromStr for Solved {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        // Digits only: `u64::from_str` also takes a leading `+`, which would not read back as written.
        read_map(s, |n| {
            (!n.is_empty() && n.len() <= 10 && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse::<u64>().ok())
                .flatten()
                .filter(|n| *n <= MAX_SOLVED_SIZE)
        })
        .map(Solved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solved_round_trips_keeps_the_smallest_and_rejects_garbage() {
        let mut s: Solved = "race-lose-two-updates:12,ddd-break-limit:1".parse().unwrap();
        assert!(s.is_solved("ddd-break-limit"));
        s.record("race-lose-two-updates", 14);
        s.record("lb-weights-5-of-7", 7);
        assert_eq!(s.to_string(), "ddd-break-limit:1,lb-weights-5-of-7:7,race-lose-two-updates:12");
        assert_eq!("".parse::<Solved>(), Ok(Solved::default()));
        for bad in ["a", "a:x", "a:+1", "a:1000000001", "a:99999999999999999999", ":5", "a b:1", "a:-1"] {
            assert!(bad.parse::<Solved>().is_err(), "{bad}");
        }
    }

    #[test]
    fn predictions_round_trip_and_reject_garbage() {
        let p: Predictions = "lb-rr:2,lt-p99:-5".parse().unwrap();
        assert_eq!(p.0.get("lt-p99"), Some(&-5));
        assert_eq!(p.to_string(), "lb-rr:2,lt-p99:-5");
        for bad in ["a", "a:x", "a:1000000001", "a:99999999999999999999", ":5", "a b:1"] {
            assert!(bad.parse::<Predictions>().is_err(), "{bad}");
        }
    }

    #[test]
    fn progress_round_trips_and_rejects_garbage() {
        let p: Progress = "ddd:40,sessions:100".parse().unwrap();
        assert_eq!(p.percent("ddd"), 40);
        assert!(p.is_done("sessions"));
        assert_eq!(p.to_string(), "ddd:40,sessions:100");
        assert_eq!("".parse::<Progress>(), Ok(Progress::default()));
        for bad in ["ddd", "ddd:x", "ddd:101", ":5", "{\"json\":1}", "a b:1"] {
            assert!(bad.parse::<Progress>().is_err(), "{bad}");
        }
    }
}
