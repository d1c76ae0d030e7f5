//! The shareable form of a [`Setup`]: `a:mono,b:msa,do:leak,m:payment,g:breaker,x:10` (every item optional,
//! defaults for the missing ones). Decoding never panics: any string gives a valid `Setup` or a typed
//! [`SetupError`].

use super::{Action, Arch, Guard, Module, Setup, MAX_SPIKE, MIN_SPIKE};
use std::fmt;

/// Longest text accepted.
pub const MAX_LEN: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    TooLong {
        max: usize,
        got: usize,
    },
    /// An item without `:`.
    Malformed {
        item: usize,
    },
    UnknownKey {
        key: String,
    },
    /// A value the key does not take.
    BadValue {
        key: String,
        value: String,
    },
    /// The two sides must differ.
    SameArch,
    SpikeOutOfRange {
        min: u32,
        max: u32,
        got: u64,
    },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::TooLong { max, got } => write!(f, "{got} bytes, at most {max}"),
            SetupError::Malformed { item } => write!(f, "item {item} is not key:value"),
            SetupError::UnknownKey { key } => write!(f, "unknown key {key:?}"),
            SetupError::BadValue { key, value } => write!(f, "{key} cannot be {value:?}"),
            SetupError::SameArch => write!(f, "the two sides must be different architectures"),
            SetupError::SpikeOutOfRange { min, max, got } => write!(f, "spike must be {min} to {max}, got {got}"),
        }
    }
}

impl std::error::Error for SetupError {}

fn find<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, v: &str) -> Option<T> {
    all.iter().copied().find(|x| name(*x) == v)
}

impl Setup {
    /// `a:mono,b:msa,do:spike,m:catalog,g:none,x:10` (the seed is not part of it: one seed for every learner).
    pub fn to_query(&self) -> String {
        format!(
            "a:{},b:{},do:{},m:{},g:{},x:{}",
            self.a.name(),
            self.b.name(),
            self.action.name(),
            self.module.name(),
            self.guard.name(),
            self.spike
        )
    }

    pub fn from_query(q: &str) -> Result<Setup, SetupError> {
        if q.len() > MAX_LEN {
            return Err(SetupError::TooLong { max: MAX_LEN, got: q.len() });
        }
        let mut s = Setup::default();
        for (i, item) in q.split(',').filter(|p| !p.is_empty()).enumerate() {
            let Some((k, v)) = item.split_once(':') else { return Err(SetupError::Malformed { item: i + 1 }) };
            let bad = || SetupError::BadValue { key: k.to_string(), value: v.to_string() };
            match k {
                "a" => s.a = find(&Arch::ALL, Arch::name, v).ok_or_else(bad)?,
                "b" => s.b = find(&Arch::ALL, Arch::name, v).ok_or_else(bad)?,
                "do" => s.action = find(&Action::ALL, Action::name, v).ok_or_else(bad)?,
                "m" => s.module = find(&Module::ALL, Module::name, v).ok_or_else(bad)?,
                "g" => s.guard = find(&Guard::ALL, Guard::name, v).ok_or_else(bad)?,
                "x" => {
                    if v.is_empty() || v.len() > 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(bad());
                    }
                    let n: u64 = v.parse().map_err(|_| bad())?;
                    if !(MIN_SPIKE as u64..=MAX_SPIKE as u64).contains(&n) {
                        return Err(SetupError::SpikeOutOfRange { min: MIN_SPIKE, max: MAX_SPIKE, got: n });
                    }
                    s.spike = n as u32;
                }
                _ => return Err(SetupError::UnknownKey { key: k.chars().take(16).collect() }),
            }
        }
        s.validate()?;
        Ok(s)
    }
}
