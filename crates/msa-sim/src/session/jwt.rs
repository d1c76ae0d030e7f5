//! The JWT inspector's core (the sessions lesson): a token taken apart as a verifier does it, one step at a
//! time, each step's result kept so the widget can draw it and list it.
//!
//! The checks follow the lesson's "Verifying without a lookup": split on the dots, decode the header, accept
//! only the algorithm the verifier is configured for (HS256; `"alg": "none"` is refused, never trusted), decode
//! the payload, recompute HMAC-SHA256 over `header.payload` with the verifier's secret and compare it with the
//! third part in constant time (the `hmac` crate's `verify_slice`), then compare `exp` with a clock the caller
//! passes in. There is no wall clock here: the widget hands the learner's chosen "now" in, so every result is
//! reproducible. Malformed input of any kind comes back as a typed [`Malformed`], never a panic.

use super::json;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Mina's token, exactly as the lesson prints it (en and ko).
pub const LESSON_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\
.eyJzdWIiOiIxMDI0IiwibmFtZSI6Ik1pbmEiLCJyb2xlIjoiY3VzdG9tZXIiLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MTczNTY5MDUwMH0\
.AdIwUDG21BCDjcJYmDosoCVlR_UIxyumNLkEius-69Y";
/// The demo server's secret the lesson names.
pub const LESSON_SECRET: &str = "fooddash-demo-secret";
/// The lesson token's `iat`: 2025-01-01 00:00:00 UTC. The widget's clock runs from here.
pub const LESSON_IAT: i64 = 1_735_689_600;
/// The lesson token's `exp`: fifteen minutes after `iat`.
pub const LESSON_EXP: i64 = 1_735_690_500;
/// The forgery the lesson warns about: Mina's claims with `role` raised to `admin`, `"alg": "none"` and no
/// signature at all. A verifier that believed the header would accept it.
pub const NONE_TOKEN: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0\
.eyJzdWIiOiIxMDI0IiwibmFtZSI6Ik1pbmEiLCJyb2xlIjoiYWRtaW4iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MTczNTY5MDUwMH0.";
/// Longer tokens are refused before any decoding: a pasted page of text is not a token, and the inspector
/// keeps its work bounded. Real tokens are well under 8 KB (servers cap request headers near there).
pub const MAX_TOKEN_LEN: usize = 8192;
/// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output, 32 bytes.
pub const MIN_KEY_BYTES: usize = 32;

/// Which of the three dot-separated parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Header,
    Payload,
    Signature,
}

/// Why a text is not base64url as JWTs use it (RFC 7515 §2: the URL-safe alphabet, no `=` padding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base64Error {
    /// A character outside `A–Z a–z 0–9 - _`, at this character index of the part (`=`, `+`, `/` included).
    Char { at: usize, ch: char },
    /// A length no base64 text has: 4n + 1 characters.
    Length { len: usize },
    /// The last character carries bits past the last byte that are not zero: another encoder would never write
    /// it, and accepting it would let two different texts stand for the same bytes.
    Trailing,
}

/// Everything that makes a token unreadable or unacceptable before the signature is even compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Malformed {
    Empty,
    TooLong {
        len: usize,
        max: usize,
    },
    /// A JWS in compact form has exactly three parts, so exactly two dots.
    Segments {
        found: usize,
    },
    Base64 {
        part: Part,
        error: Base64Error,
    },
    NotUtf8 {
        part: Part,
    },
    /// Not JSON at all; where the parser gave up (1-based).
    Json {
        part: Part,
        line: usize,
        column: usize,
    },
    /// JSON, but not an object (`[…]`, `"…"`, a number).
    NotObject {
        part: Part,
    },
    /// An object whose known member has the wrong type (`"exp": "soon"`, `"alg": 256`) or appears twice.
    Member {
        part: Part,
        line: usize,
        column: usize,
    },
    /// The header names no `alg`.
    NoAlg,
    /// `"alg": "none"` (any case): an unsigned token. Refused, because a verifier that took the algorithm from
    /// the token would let anyone write any claims.
    AlgNone,
    /// Another algorithm (RS256, HS512…): this verifier is configured for HS256 only, and never switches
    /// because a token asks it to. At most 24 characters of it are kept.
    AlgUnsupported {
        alg: String,
    },
}

/// The checks in the order a verifier runs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Split,
    Header,
    Alg,
    Payload,
    Signature,
    Expiry,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Split => "split",
            Step::Header => "header",
            Step::Alg => "alg",
            Step::Payload => "payload",
            Step::Signature => "signature",
            Step::Expiry => "expiry",
        }
    }
}

pub const STEPS: [Step; 6] = [Step::Split, Step::Header, Step::Alg, Step::Payload, Step::Signature, Step::Expiry];

/// A step's result: a verifier stops at the first failure, so the steps after it are not reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Pass,
    Fail,
    NotReached,
}

/// What the verifier decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed; `exp` is `None` when the token has none (it never expires: legal, but risky).
    Valid {
        exp: Option<i64>,
    },
    /// Well-formed, but the HMAC recomputed with the verifier's secret differs from the third part: the header
    /// or payload was changed, or it was signed with another key.
    BadSignature,
    /// Genuine, but `now` is at or past `exp` (+ leeway).
    Expired {
        exp: i64,
        now: i64,
    },
    Malformed(Malformed),
}

/// The claims the lesson talks about; any other member is left in the decoded text only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims {
    pub sub: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub iat: Option<i64>,
    pub exp: Option<i64>,
}

struct Header {
    alg: Option<String>,
}

/// A token taken apart: the raw parts (for colouring), the decoded texts, the recomputed signature, each
/// step's mark and the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The token split on its dots (whatever their number), as typed.
    pub parts: Vec<String>,
    /// The header and payload as decoded text (the JSON as the token carries it), whenever the base64url and
    /// UTF-8 decode, valid JSON or not.
    pub header: Option<String>,
    pub payload: Option<String>,
    pub alg: Option<String>,
    pub claims: Claims,
    /// HMAC-SHA256 of `header.payload` under the verifier's secret, in base64url: what the third part would
    /// have to be. Present once the signing input has been reached.
    pub expected: Option<String>,
    pub steps: [(Step, Mark); 6],
    pub verdict: Verdict,
    /// The secret's length in bytes, for the "shorter than 32 bytes" warning.
    pub key_bytes: usize,
}

impl Inspection {
    pub fn mark(&self, step: Step) -> Mark {
        self.steps.iter().find(|(s, _)| *s == step).map_or(Mark::NotReached, |(_, m)| *m)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it).
pub fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    } as u32)
}

/// Strict base64url decoding: the URL-safe alphabet only, no padding, no stray bits.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    if let Some((at, ch)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii() || sextet(*c as u8).is_none()) {
        return Err(Base64Error::Char { at, ch });
    }
    let s = text.as_bytes();
    if s.len() % 4 == 1 {
        return Err(Base64Error::Length { len: s.len() });
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &c)| n | sextet(c).unwrap_or(0) << (18 - 6 * i));
        let bytes = chunk.len() - 1;
        for i in 0..bytes {
            out.push((n >> (16 - 8 * i)) as u8);
        }
        if n & ((1u32 << (24 - 8 * bytes)) - 1) != 0 {
            return Err(Base64Error::Trailing);
        }
    }
    Ok(out)
}

/// HMAC-SHA256 of `signing_input` under `secret` (any length: HMAC hashes longer keys and pads shorter ones).
pub fn hs256(signing_input: &str, secret: &[u8]) -> [u8; 32] {
    mac(signing_input, secret).finalize().into_bytes().into()
}

fn mac(signing_input: &str, secret: &[u8]) -> Hmac<Sha256> {
    // new_from_slice accepts keys of every length for HMAC; the error arm exists for fixed-size MACs only.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    m.update(signing_input.as_bytes());
    m
}

/// A signed token: the two texts encoded as they are, then signed with `secret`.
pub fn sign(header_json: &str, payload_json: &str, secret: &[u8]) -> String {
    let input = format!("{}.{}", b64url_encode(header_json.as_bytes()), b64url_encode(payload_json.as_bytes()));
    let sig = b64url_encode(&hs256(&input, secret));
    format!("{input}.{sig}")
}

/// The token with its payload replaced by `payload_json` (encoded as typed) and the header and signature kept:
/// what an attacker who edits a token without the key produces. The token must have three parts.
pub fn with_payload(token: &str, payload_json: &str) -> Result<String, Malformed> {
    let parts = three_parts(token)?;
    Ok(format!("{}.{}.{}", parts[0], b64url_encode(payload_json.as_bytes()), parts[2]))
}

/// The token's header and payload kept, signed afresh with `secret`: what the holder of the key can always do.
pub fn resign(token: &str, secret: &[u8]) -> Result<String, Malformed> {
    let parts = three_parts(token)?;
    let input = format!("{}.{}", parts[0], parts[1]);
    let sig = b64url_encode(&hs256(&input, secret));
    Ok(format!("{input}.{sig}"))
}

fn bounded(token: &str) -> Result<&str, Malformed> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Malformed::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(Malformed::TooLong { len: token.len(), max: MAX_TOKEN_LEN });
    }
    Ok(token)
}

fn three_parts(token: &str) -> Result<Vec<&str>, Malformed> {
    let parts: Vec<&str> = bounded(token)?.split('.').collect();
    if parts.len() != 3 {
        return Err(Malformed::Segments { found: parts.len() });
    }
    Ok(parts)
}

/// One part's base64url decoded as UTF-8 text.
fn decode_text(part: Part, text: &str) -> Result<String, Malformed> {
    let bytes = b64url_decode(text).map_err(|error| Malformed::Base64 { part, error })?;
    String::from_utf8(bytes).map_err(|_| Malformed::NotUtf8 { part })
}

/// A decoded part's top-level members; anything but a JSON object is refused.
fn members(part: Part, text: &str) -> Result<Vec<json::Member>, Malformed> {
    match json::parse(text) {
        Ok(json::Parsed::Object(m)) => Ok(m),
        Ok(json::Parsed::NotObject) => Err(Malformed::NotObject { part }),
        Err(at) => Err(Malformed::Json { part, line: at.line, column: at.column }),
    }
}

/// Walks the members the inspector reads, in the order the text has them: each may appear once, and `null` counts
/// as absent; `take` stores a value of the right kind and says false for one of the wrong kind.
fn read(
    part: Part,
    members: &[json::Member],
    names: &[&str],
    mut take: impl FnMut(&str, &json::Value) -> bool,
) -> Result<(), Malformed> {
    let mut seen: Vec<&str> = Vec::new();
    for m in members {
        let Some(&name) = names.iter().find(|n| **n == m.name) else { continue };
        let bad = Malformed::Member { part, line: m.end.line, column: m.end.column };
        if seen.contains(&name) {
            return Err(bad);
        }
        seen.push(name);
        if m.value != json::Value::Null && !take(name, &m.value) {
            return Err(bad);
        }
    }
    Ok(())
}

fn header(text: &str) -> Result<Header, Malformed> {
    let mut h = Header { alg: None };
    read(Part::Header, &members(Part::Header, text)?, &["alg"], |_, v| match v {
        json::Value::Str(s) => {
            h.alg = Some(s.clone());
            true
        }
        _ => false,
    })?;
    Ok(h)
}

fn claims(text: &str) -> Result<Claims, Malformed> {
    let mut c = Claims::default();
    let names = ["sub", "name", "role", "iat", "exp"];
    read(Part::Payload, &members(Part::Payload, text)?, &names, |name, v| {
        match (name, v) {
            ("sub", json::Value::Str(s)) => c.sub = Some(s.clone()),
            ("name", json::Value::Str(s)) => c.name = Some(s.clone()),
            ("role", json::Value::Str(s)) => c.role = Some(s.clone()),
            ("iat", json::Value::Int(n)) => c.iat = Some(*n),
            ("exp", json::Value::Int(n)) => c.exp = Some(*n),
            _ => return false,
        }
        true
    })?;
    Ok(c)
}

/// Runs every check on `token` as a verifier configured for HS256 with `secret` would, at Unix time `now`,
/// tolerating `leeway` seconds of clock difference on `exp`.
pub fn inspect(token: &str, secret: &[u8], now: i64, leeway: i64) -> Inspection {
    let mut out = Inspection {
        parts: token.trim().split('.').map(str::to_owned).collect(),
        header: None,
        payload: None,
        alg: None,
        claims: Claims::default(),
        expected: None,
        steps: STEPS.map(|s| (s, Mark::NotReached)),
        verdict: Verdict::Valid { exp: None },
        key_bytes: secret.len(),
    };
    out.verdict = match run(&mut out, token, secret, now, leeway) {
        Ok(v) => v,
        Err(m) => Verdict::Malformed(m),
    };
    out
}

fn set(out: &mut Inspection, step: Step, ok: bool) {
    if let Some(slot) = out.steps.iter_mut().find(|(s, _)| *s == step) {
        slot.1 = if ok { Mark::Pass } else { Mark::Fail };
    }
}

/// Marks `step` passed or failed from `r` and passes `r` on.
fn check<T>(out: &mut Inspection, step: Step, r: Result<T, Malformed>) -> Result<T, Malformed> {
    set(out, step, r.is_ok());
    r
}

fn run(out: &mut Inspection, token: &str, secret: &[u8], now: i64, leeway: i64) -> Result<Verdict, Malformed> {
    let parts = check(out, Step::Split, three_parts(token))?;
    let header_text = decode_text(Part::Header, parts[0]);
    out.header = header_text.as_ref().ok().cloned();
    let header = check(out, Step::Header, header_text.and_then(|t| header(&t)))?;
    out.alg = header.alg.clone();
    let alg = match header.alg.as_deref() {
        None => Err(Malformed::NoAlg),
        Some("HS256") => Ok(()),
        Some(a) if a.eq_ignore_ascii_case("none") => Err(Malformed::AlgNone),
        Some(a) => Err(Malformed::AlgUnsupported { alg: a.chars().take(24).collect() }),
    };
    // The payload is still decoded for display after a refused algorithm: the learner sees what a forged token
    // claims, and that the verifier refused it all the same.
    let payload_text = decode_text(Part::Payload, parts[1]);
    out.payload = payload_text.as_ref().ok().cloned();
    let payload = payload_text.and_then(|t| claims(&t));
    if let Ok(claims) = &payload {
        out.claims = claims.clone();
    }
    check(out, Step::Alg, alg)?;
    check(out, Step::Payload, payload)?;
    let input = format!("{}.{}", parts[0], parts[1]);
    let m = mac(&input, secret);
    out.expected = Some(b64url_encode(&m.clone().finalize().into_bytes()));
    let given = check(
        out,
        Step::Signature,
        b64url_decode(parts[2]).map_err(|error| Malformed::Base64 { part: Part::Signature, error }),
    )?;
    // Constant time: the comparison takes as long whichever byte differs, so timing reveals nothing.
    if m.verify_slice(&given).is_err() {
        set(out, Step::Signature, false);
        return Ok(Verdict::BadSignature);
    }
    match out.claims.exp {
        Some(exp) if now >= exp.saturating_add(leeway) => {
            set(out, Step::Expiry, false);
            Ok(Verdict::Expired { exp, now })
        }
        exp => {
            set(out, Step::Expiry, true);
            Ok(Verdict::Valid { exp })
        }
    }
}

/// Unix seconds as `2025-01-01 00:15:00 UTC` (proleptic Gregorian; negative times too).
pub fn format_utc(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
}
