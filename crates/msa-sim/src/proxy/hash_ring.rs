//! The load-balancing lesson's ring figure (`hash-ring`): which keys move when a backend is added or removed,
//! under `hash $key consistent` (ketama) and under plain `hash $key`.
//!
//! Nothing here hashes on its own: the ring is [`Upstream::ring`] and every placement is the balancer's own pick
//! ([`Upstream::place_by_key`]), the code the simulator and the `pick` command use (nginx 1.22's `ngx_http_upstream_hash_module`). A change of
//! backends is a reload with the new `server` lines: a fresh upstream, in config order (ascending port).

use super::balancer::{chash_key_point, Algorithm, PeerParams, Upstream};
use serde::Serialize;

/// The backends the figure offers: the course's 8001..8003, and 8004 to add.
pub const PORTS: [u16; 4] = [8001, 8002, 8003, 8004];
/// The backends the figure starts from.
pub const START: [u16; 3] = [8001, 8002, 8003];
/// The keys: `$arg_restaurant_id` of `hash $arg_restaurant_id [consistent];` for restaurants 1 to 20.
pub const KEYS: [&str; 20] =
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"];
/// At most this many keys, each at most [`MAX_KEY_LEN`] bytes: a figure, not a load test.
pub const MAX_KEYS: usize = 64;
pub const MAX_KEY_LEN: usize = 64;

/// Why a figure was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RingError {
    /// A side has no backend.
    NoBackends,
    /// A port that is not one of [`PORTS`].
    UnknownPort { port: u16 },
    /// A port listed twice on one side.
    Duplicate { port: u16 },
    /// No keys, more than [`MAX_KEYS`], or a key empty or longer than [`MAX_KEY_LEN`] (nginx sends an empty key
    /// to round robin, which is not what this figure is about).
    Keys,
}

/// `127.0.0.1:<port>`, as the course's `server` lines write it (what ketama hashes).
pub fn server(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// One side of the comparison: the backends in config order and their ring points.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub ports: Vec<u16>,
    /// The ketama points, ascending: (hash, backend port). 160 a backend (weight 1), equal hashes dropped.
    pub points: Vec<(u32, u16)>,
    /// Each backend's share of the ring (the arcs that end at its points), in the order of `ports`.
    pub share: Vec<f64>,
}

/// One key: where it sits on the ring and where each method sends it, before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub key: String,
    /// crc32 of the key: its place on the ring.
    pub point: u32,
    pub consistent: (u16, u16),
    pub hash: (u16, u16),
}

impl KeyRow {
    pub fn moved_consistent(&self) -> bool {
        self.consistent.0 != self.consistent.1
    }
    pub fn moved_hash(&self) -> bool {
        self.hash.0 != self.hash.1
    }
}

/// The whole figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RingFigure {
    pub before: Side,
    pub after: Side,
    pub keys: Vec<KeyRow>,
    pub moved_consistent: usize,
    pub moved_hash: usize,
}

fn checked(ports: &[u16]) -> Result<Vec<u16>, RingError> {
    if ports.is_empty() {
        return Err(RingError::NoBackends);
    }
    let mut out: Vec<u16> = Vec::with_capacity(ports.len());
    for &p in ports {
        if !PORTS.contains(&p) {
            return Err(RingError::UnknownPort { port: p });
        }
        if out.contains(&p) {
            return Err(RingError::Duplicate { port: p });
        }
        out.push(p);
    }
    out.sort_unstable();
    Ok(out)
}

fn params(ports: &[u16]) -> Vec<PeerParams> {
    ports.iter().map(|&p| PeerParams::weighted(server(p), 1)).collect()
}

fn side(ports: &[u16]) -> Side {
    let up = Upstream::new(Algorithm::HashConsistent, &params(ports));
    let points: Vec<(u32, u16)> = up.ring().iter().map(|&(h, i)| (h, ports[i])).collect();
    // A point owns the arc from the previous point (exclusive) up to itself; the first point also owns the
    // wrap-around arc above the last one.
    let mut owned = vec![0u64; ports.len()];
    for (k, &(h, p)) in points.iter().enumerate() {
        let prev = if k == 0 { points.last().map_or(0, |l| l.0) as i64 - (1i64 << 32) } else { points[k - 1].0 as i64 };
        if let Some(j) = ports.iter().position(|&q| q == p) {
            owned[j] += (h as i64 - prev) as u64;
        }
    }
    let share = owned.iter().map(|&o| o as f64 / (1u64 << 32) as f64).collect();
    Side { ports: ports.to_vec(), points, share }
}

/// Where `algo` sends each key over `ports` (every backend up, one request at a time, as `msa-sim pick` does:
/// [`Upstream::place_by_key`] is that pick, checked against [`super::balancer::Picker`] in the balancer's tests).
fn placements(algo: Algorithm, ports: &[u16], keys: &[&str]) -> Vec<u16> {
    let mut up = Upstream::new(algo, &params(ports));
    // Every server is up, so nginx always finds one; ports[0] keeps the function total all the same.
    keys.iter().map(|k| up.place_by_key(k).map_or(ports[0], |i| ports[i])).collect()
}

/// The figure for a change from `before` to `after` (ports of [`PORTS`], each side at least one, any order: an
/// upstream lists them by port) over `keys`.
pub fn compare(before: &[u16], after: &[u16], keys: &[&str]) -> Result<RingFigure, RingError> {
    let (b, a) = (checked(before)?, checked(after)?);
    if keys.is_empty() || keys.len() > MAX_KEYS || keys.iter().any(|k| k.is_empty() || k.len() > MAX_KEY_LEN) {
        return Err(RingError::Keys);
    }
    let (cb, ca) = (placements(Algorithm::HashConsistent, &b, keys), placements(Algorithm::HashConsistent, &a, keys));
    let (hb, ha) = (placements(Algorithm::Hash, &b, keys), placements(Algorithm::Hash, &a, keys));
    let rows: Vec<KeyRow> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| KeyRow {
            key: k.to_string(),
            point: chash_key_point(k),
            consistent: (cb[i], ca[i]),
            hash: (hb[i], ha[i]),
        })
        .collect();
    Ok(RingFigure {
        moved_consistent: rows.iter().filter(|r| r.moved_consistent()).count(),
        moved_hash: rows.iter().filter(|r| r.moved_hash()).count(),
        before: side(&b),
        after: side(&a),
        keys: rows,
    })
}

/// The backends after the learner toggles `port` in `current`: added if absent, removed if present, unless
/// that would leave none (then None).
pub fn toggle(current: &[u16], port: u16) -> Option<Vec<u16>> {
    let mut next: Vec<u16> = current.to_vec();
    if let Some(i) = next.iter().position(|&p| p == port) {
        next.remove(i);
    } else if PORTS.contains(&port) {
        next.push(port);
    } else {
        return None;
    }
    next.sort_unstable();
    (!next.is_empty()).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert_eq!(compare(&[], &START, &KEYS), Err(RingError::NoBackends));
        assert_eq!(compare(&START, &[8001, 9000], &KEYS), Err(RingError::UnknownPort { port: 9000 }));
        assert_eq!(compare(&START, &[8001, 8001], &KEYS), Err(RingError::Duplicate { port: 8001 }));
        assert_eq!(compare(&START, &START, &[]), Err(RingError::Keys));
        assert_eq!(compare(&START, &START, &[""]), Err(RingError::Keys));
        assert_eq!(toggle(&[8001], 8001), None);
        assert_eq!(toggle(&START, 8004), Some(vec![8001, 8002, 8003, 8004]));
        assert_eq!(toggle(&START, 8002), Some(vec![8001, 8003]));
        assert_eq!(toggle(&START, 80), None);
    }

    #[test]
    fn nothing_changes_nothing_moves() {
        let f = compare(&START, &[8003, 8002, 8001], &KEYS).unwrap();
        assert_eq!((f.moved_consistent, f.moved_hash), (0, 0));
        assert_eq!(f.before.points.len(), 480);
        assert!((f.before.share.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    /// Expected placements from an independent implementation of nginx 1.22's hash module (Python's zlib.crc32:
    /// the ketama ring of `ngx_http_upstream_init_chash`, then `(crc32(key) >> 16 & 0x7fff) % 3` for plain hash).
    const CONS_START: [u16; 20] = [
        8003, 8003, 8001, 8001, 8002, 8003, 8001, 8002, 8002, 8003, 8002, 8002, 8003, 8002, 8003, 8002, 8003, 8001,
        8002, 8002,
    ];
    const HASH_START: [u16; 20] = [
        8002, 8003, 8002, 8001, 8002, 8001, 8001, 8003, 8003, 8001, 8003, 8001, 8003, 8003, 8002, 8003, 8001, 8002,
        8002, 8003,
    ];

    fn column(f: &RingFigure, pick: impl Fn(&KeyRow) -> u16) -> Vec<u16> {
        f.keys.iter().map(pick).collect()
    }

    #[test]
    fn adding_8004_moves_4_keys_with_consistent_and_15_with_plain_hash() {
        let f = compare(&START, &[8001, 8002, 8003, 8004], &KEYS).unwrap();
        assert_eq!(column(&f, |r| r.consistent.0), CONS_START);
        assert_eq!(column(&f, |r| r.hash.0), HASH_START);
        assert_eq!(
            column(&f, |r| r.consistent.1),
            [
                8004, 8003, 8001, 8001, 8002, 8003, 8001, 8004, 8002, 8003, 8002, 8002, 8003, 8002, 8003, 8004, 8003,
                8004, 8002, 8002
            ]
        );
        assert_eq!(
            column(&f, |r| r.hash.1),
            [
                8001, 8002, 8003, 8003, 8002, 8001, 8004, 8001, 8004, 8002, 8003, 8004, 8001, 8001, 8004, 8003, 8002,
                8003, 8002, 8001
            ]
        );
        assert_eq!((f.moved_consistent, f.moved_hash), (4, 15));
        // Consistent hashing moves keys only to the new backend.
        assert!(f.keys.iter().filter(|r| r.moved_consistent()).all(|r| r.consistent.1 == 8004));
        assert_eq!(f.after.points.len(), 640);
        assert_eq!(f.before.points[..3], [(41_225_534, 8001), (55_791_024, 8002), (72_899_017, 8002)]);
    }

    #[test]
    fn removing_8002_moves_only_its_9_keys_with_consistent_and_16_with_plain_hash() {
        let f = compare(&START, &[8001, 8003], &KEYS).unwrap();
        assert_eq!((f.moved_consistent, f.moved_hash), (9, 16));
        assert!(f.keys.iter().all(|r| r.moved_consistent() == (r.consistent.0 == 8002)));
        assert_eq!(
            column(&f, |r| r.hash.1),
            [
                8001, 8003, 8001, 8001, 8003, 8001, 8003, 8001, 8003, 8003, 8001, 8003, 8001, 8001, 8003, 8001, 8003,
                8001, 8003, 8001
            ]
        );
    }
}
