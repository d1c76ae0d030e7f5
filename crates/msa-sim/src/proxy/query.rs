//! A compact URL query encoding of a [`Config`], for shareable links: only the settings that differ from the
//! defaults, as `key=value` items joined by `&` (the same keys as `--set`), percent-encoded.
//!
//! Decoding never panics: any string gives a validated `Config` or a typed [`QueryError`].

use super::config::{Config, ConfigError};
use super::scenarios::{set, to_items, SetError};
use serde::Serialize;
use std::fmt;

/// Longest query accepted, in bytes, and most items: far above any real config, small enough to bound the work.
pub const MAX_QUERY_LEN: usize = 64 * 1024;
pub const MAX_QUERY_ITEMS: usize = 8_192;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum QueryError {
    TooLong {
        max: usize,
        got: usize,
    },
    TooManyItems {
        max: usize,
    },
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8 after decoding.
    BadEncoding {
        item: usize,
    },
    /// An item without `=`.
    Malformed {
        item: usize,
    },
    Set {
        item: usize,
        error: SetError,
    },
    Invalid(ConfigError),
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::TooLong { max, got } => write!(f, "query of {got} bytes, at most {max}"),
            QueryError::TooManyItems { max } => write!(f, "more than {max} items"),
            QueryError::BadEncoding { item } => write!(f, "item {item}: bad percent-encoding"),
            QueryError::Malformed { item } => write!(f, "item {item}: not key=value"),
            QueryError::Set { item, error } => write!(f, "item {item}: {error}"),
            QueryError::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for QueryError {}

fn encode(s: &str, out: &mut String) {
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:@,*".contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[(b >> 4) as usize]));
            out.push(char::from(b"0123456789ABCDEF"[(b & 15) as usize]));
        }
    }
}

fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                let hi = b.get(i + 1).copied().and_then(hex)?;
                let lo = b.get(i + 2).copied().and_then(hex)?;
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

impl Config {
    /// The settings that differ from the defaults, as a URL query (without the leading `?`).
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in to_items(self).iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            encode(k, &mut out);
            out.push('=');
            encode(v, &mut out);
        }
        out
    }

    /// Rebuilds a config from [`Config::to_query`]'s output (a leading `?` is ignored), validated.
    pub fn from_query(q: &str) -> Result<Config, QueryError> {
        if q.len() > MAX_QUERY_LEN {
            return Err(QueryError::TooLong { max: MAX_QUERY_LEN, got: q.len() });
        }
        let q = q.strip_prefix('?').unwrap_or(q);
        let mut cfg = Config::default();
        for (i, item) in q.split('&').filter(|s| !s.is_empty()).enumerate() {
            if i >= MAX_QUERY_ITEMS {
                return Err(QueryError::TooManyItems { max: MAX_QUERY_ITEMS });
            }
            let (k, v) = item.split_once('=').ok_or(QueryError::Malformed { item: i })?;
            let k = decode(k).ok_or(QueryError::BadEncoding { item: i })?;
            let v = decode(v).ok_or(QueryError::BadEncoding { item: i })?;
            set(&mut cfg, &k, &v).map_err(|error| QueryError::Set { item: i, error })?;
        }
        cfg.validate().map_err(QueryError::Invalid)?;
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proxy::scenarios::{preset, PRESETS};

    #[test]
    fn default_is_empty_and_presets_round_trip() {
        assert_eq!(Config::default().to_query(), "");
        for (name, _) in PRESETS {
            let c = preset(name).unwrap();
            let q = c.to_query();
            assert_eq!(Config::from_query(&q), Ok(c), "{name}: {q}");
        }
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert!(matches!(Config::from_query("%zz=1"), Err(QueryError::BadEncoding { .. })));
        assert!(matches!(Config::from_query("rate"), Err(QueryError::Malformed { .. })));
        assert!(matches!(Config::from_query("rate=-5"), Err(QueryError::Invalid(_))));
        assert!(matches!(Config::from_query("%FF%FE=1"), Err(QueryError::BadEncoding { .. })));
    }
}
