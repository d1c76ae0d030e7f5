//! The JWT inspector's core against published vectors (RFC 4648, RFC 4231, RFC 7515/7519, jwt.io's example), the
//! lesson's own token, and every malformed shape the widget may be handed.

use msa_sim::session::jwt::{
    self, b64url_decode, b64url_encode, hs256, inspect, Base64Error, Malformed, Mark, Part, Step, Verdict, LESSON_EXP,
    LESSON_IAT, LESSON_SECRET, LESSON_TOKEN, NONE_TOKEN,
};

/// RFC 7515 Appendix A.1 (also RFC 7519 §3.1): an HS256 JWS whose header and payload hold CRLFs.
const RFC_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/// Its symmetric key, the JWK's `k` member.
const RFC_KEY_B64: &str = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
/// RFC 7515 Appendix A.5: the unsecured JWS (`"alg":"none"`, empty signature).
const RFC_NONE: &str = "eyJhbGciOiJub25lIn0\
.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
/// jwt.io's example, signed with `your-256-bit-secret`; it has no `exp`.
const JWT_IO: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\
.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ\
.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

const FIVE_MIN: i64 = LESSON_IAT + 300;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn malformed(token: &str) -> Malformed {
    match inspect(token, LESSON_SECRET.as_bytes(), FIVE_MIN, 0).verdict {
        Verdict::Malformed(m) => m,
        v => panic!("{token:?}: expected a malformed verdict, got {v:?}"),
    }
}

#[test]
fn rfc4648_base64url_vectors() {
    for (plain, coded) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(b64url_encode(plain.as_bytes()), coded);
        assert_eq!(b64url_decode(coded).unwrap(), plain.as_bytes());
    }
    // The URL-safe alphabet: 0xfb 0xff is "+/8" in standard base64.
    assert_eq!(b64url_encode(&[0xfb, 0xff]), "-_8");
    assert_eq!(b64url_decode("-_8").unwrap(), [0xfb, 0xff]);
}

#[test]
fn base64url_is_strict() {
    assert_eq!(b64url_decode("Zg=="), Err(Base64Error::Char { at: 2, ch: '=' }));
    assert_eq!(b64url_decode("+/8"), Err(Base64Error::Char { at: 0, ch: '+' }));
    assert_eq!(b64url_decode("Zm9vé"), Err(Base64Error::Char { at: 4, ch: 'é' }));
    assert_eq!(b64url_decode("Zm9vY"), Err(Base64Error::Length { len: 5 }));
    // "Zh" would decode to "f" as "Zg" does, with a stray low bit set.
    assert_eq!(b64url_decode("Zh"), Err(Base64Error::Trailing));
    assert_eq!(b64url_decode("Zm9"), Err(Base64Error::Trailing));
}

#[test]
fn rfc4231_hmac_sha256_case_2() {
    assert_eq!(
        hex(&hs256("what do ya want for nothing?", b"Jefe")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn rfc7515_example_verifies_until_its_exp() {
    let key = b64url_decode(RFC_KEY_B64).unwrap();
    let at = inspect(RFC_TOKEN, &key, 1_300_819_379, 0);
    assert_eq!(at.verdict, Verdict::Valid { exp: Some(1_300_819_380) });
    assert_eq!(at.header.as_deref(), Some("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"));
    assert_eq!(at.expected.as_deref(), Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    assert!(at.steps.iter().all(|(_, m)| *m == Mark::Pass));
    // RFC 7519 §4.1.4: the current time must be before exp; at exp it has expired.
    let later = inspect(RFC_TOKEN, &key, 1_300_819_380, 0);
    assert_eq!(later.verdict, Verdict::Expired { exp: 1_300_819_380, now: 1_300_819_380 });
    assert_eq!(later.mark(Step::Signature), Mark::Pass);
    assert_eq!(later.mark(Step::Expiry), Mark::Fail);
    // A leeway of a few seconds moves the edge.
    assert_eq!(inspect(RFC_TOKEN, &key, 1_300_819_380, 5).verdict, Verdict::Valid { exp: Some(1_300_819_380) });
    assert!(matches!(inspect(RFC_TOKEN, &key, 1_300_819_385, 5).verdict, Verdict::Expired { .. }));
}

#[test]
fn rfc7515_unsecured_example_is_refused() {
    let at = inspect(RFC_NONE, b"", 0, 0);
    assert_eq!(at.verdict, Verdict::Malformed(Malformed::AlgNone));
    assert_eq!(at.mark(Step::Header), Mark::Pass);
    assert_eq!(at.mark(Step::Alg), Mark::Fail);
    assert_eq!(at.mark(Step::Signature), Mark::NotReached);
}

#[test]
fn jwt_io_example_with_its_secret() {
    let at = inspect(JWT_IO, b"your-256-bit-secret", 0, 0);
    assert_eq!(at.verdict, Verdict::Valid { exp: None });
    assert_eq!(at.claims.sub.as_deref(), Some("1234567890"));
    assert_eq!(at.claims.iat, Some(1_516_239_022));
    assert_eq!(inspect(JWT_IO, b"your-256-bit-secreT", 0, 0).verdict, Verdict::BadSignature);
}

/// The lesson prints this token and this secret: they must agree.
#[test]
fn the_lessons_token_verifies_with_the_lessons_secret() {
    let at = inspect(LESSON_TOKEN, LESSON_SECRET.as_bytes(), FIVE_MIN, 0);
    assert_eq!(at.verdict, Verdict::Valid { exp: Some(LESSON_EXP) });
    assert_eq!(LESSON_TOKEN.len(), 188, "the lesson says 188 characters");
    assert_eq!(at.header.as_deref(), Some(r#"{"alg":"HS256","typ":"JWT"}"#));
    assert_eq!(
        at.payload.as_deref(),
        Some(r#"{"sub":"1024","name":"Mina","role":"customer","iat":1735689600,"exp":1735690500}"#)
    );
    assert_eq!(at.claims.role.as_deref(), Some("customer"));
    assert_eq!(at.claims.iat, Some(LESSON_IAT));
    assert_eq!(LESSON_EXP - LESSON_IAT, 15 * 60, "valid for 15 minutes");
    assert_eq!(at.expected.as_deref(), LESSON_TOKEN.rsplit('.').next());
    assert_eq!(jwt::format_utc(LESSON_IAT), "2025-01-01 00:00:00 UTC");
    assert_eq!(jwt::format_utc(LESSON_EXP), "2025-01-01 00:15:00 UTC");
    assert_eq!(at.key_bytes, 20);
    // Re-signing with the lesson's secret gives the same token back; signing the decoded texts does too.
    assert_eq!(jwt::resign(LESSON_TOKEN, LESSON_SECRET.as_bytes()).unwrap(), LESSON_TOKEN);
    let (h, p) = (at.header.unwrap(), at.payload.unwrap());
    assert_eq!(jwt::sign(&h, &p, LESSON_SECRET.as_bytes()), LESSON_TOKEN);
}

#[test]
fn the_lessons_token_expires_fifteen_minutes_after_issue() {
    let s = LESSON_SECRET.as_bytes();
    assert_eq!(inspect(LESSON_TOKEN, s, LESSON_EXP - 1, 0).verdict, Verdict::Valid { exp: Some(LESSON_EXP) });
    assert_eq!(inspect(LESSON_TOKEN, s, LESSON_EXP, 0).verdict, Verdict::Expired { exp: LESSON_EXP, now: LESSON_EXP });
}

#[test]
fn editing_the_payload_breaks_the_signature_until_resigned() {
    let s = LESSON_SECRET.as_bytes();
    let admin = r#"{"sub":"1024","name":"Mina","role":"admin","iat":1735689600,"exp":1735690500}"#;
    let forged = jwt::with_payload(LESSON_TOKEN, admin).unwrap();
    assert_eq!(forged.split('.').next(), LESSON_TOKEN.split('.').next());
    assert_eq!(forged.rsplit('.').next(), LESSON_TOKEN.rsplit('.').next());
    let at = inspect(&forged, s, FIVE_MIN, 0);
    assert_eq!(at.verdict, Verdict::BadSignature);
    assert_eq!(at.claims.role.as_deref(), Some("admin"));
    assert_eq!(at.mark(Step::Payload), Mark::Pass);
    assert_eq!(at.mark(Step::Signature), Mark::Fail);
    assert_eq!(at.mark(Step::Expiry), Mark::NotReached);
    // Whoever holds the key can mint it, though.
    let minted = jwt::resign(&forged, s).unwrap();
    assert_eq!(inspect(&minted, s, FIVE_MIN, 0).verdict, Verdict::Valid { exp: Some(LESSON_EXP) });
    // The same token under a different secret does not verify.
    assert_eq!(inspect(LESSON_TOKEN, b"fooddash-demo-secreT", FIVE_MIN, 0).verdict, Verdict::BadSignature);
    assert_eq!(inspect(LESSON_TOKEN, b"", FIVE_MIN, 0).verdict, Verdict::BadSignature);
}

#[test]
fn the_none_forgery_is_refused_but_shown() {
    let at = inspect(NONE_TOKEN, LESSON_SECRET.as_bytes(), FIVE_MIN, 0);
    assert_eq!(at.verdict, Verdict::Malformed(Malformed::AlgNone));
    assert_eq!(at.alg.as_deref(), Some("none"));
    assert_eq!(at.claims.role.as_deref(), Some("admin"), "the forged claims are decoded for display");
    assert_eq!(at.expected, None);
    for alg in ["None", "NONE", "nOnE"] {
        let t = jwt::sign(&format!(r#"{{"alg":"{alg}"}}"#), "{}", b"k");
        assert_eq!(malformed(&t), Malformed::AlgNone);
    }
}

#[test]
fn every_malformed_shape_has_its_error() {
    let [h, p, s]: [&str; 3] = LESSON_TOKEN.split('.').collect::<Vec<_>>().try_into().unwrap();
    assert_eq!(malformed(""), Malformed::Empty);
    assert_eq!(malformed("  \n "), Malformed::Empty);
    assert_eq!(malformed(&"a".repeat(jwt::MAX_TOKEN_LEN + 1)), Malformed::TooLong { len: 8193, max: 8192 });
    assert_eq!(malformed("abc"), Malformed::Segments { found: 1 });
    assert_eq!(malformed(&format!("{h}.{p}")), Malformed::Segments { found: 2 });
    assert_eq!(malformed(&format!("{h}.{p}.{s}.x")), Malformed::Segments { found: 4 });
    // Surrounding whitespace (a pasted line) is forgiven; inner whitespace is not base64url.
    assert!(matches!(
        inspect(&format!("  {LESSON_TOKEN}\n"), LESSON_SECRET.as_bytes(), FIVE_MIN, 0).verdict,
        Verdict::Valid { .. }
    ));
    assert_eq!(
        malformed(&format!("{h}.{p}=.{s}")),
        Malformed::Base64 { part: Part::Payload, error: Base64Error::Char { at: p.len(), ch: '=' } }
    );
    assert_eq!(
        malformed(&format!("eyJ hbGc.{p}.{s}")),
        Malformed::Base64 { part: Part::Header, error: Base64Error::Char { at: 3, ch: ' ' } }
    );
    assert_eq!(
        malformed(&format!("{h}.{p}.{s}AA")),
        Malformed::Base64 { part: Part::Signature, error: Base64Error::Length { len: 45 } }
    );
    let b = b64url_encode;
    assert_eq!(malformed(&format!("{}.{p}.{s}", b(&[0xff, 0xfe]))), Malformed::NotUtf8 { part: Part::Header });
    assert_eq!(
        malformed(&format!("{}.{p}.{s}", b(br#"{"alg":"HS256""#))),
        Malformed::Json { part: Part::Header, line: 1, column: 14 }
    );
    assert_eq!(malformed(&format!("{}.{p}.{s}", b(br#"["HS256"]"#))), Malformed::NotObject { part: Part::Header });
    assert_eq!(malformed(&format!("{}.{p}.{s}", b(br#""HS256""#))), Malformed::NotObject { part: Part::Header });
    assert_eq!(malformed(&format!("{}.{p}.{s}", b(br#"{"typ":"JWT"}"#))), Malformed::NoAlg);
    assert!(matches!(
        malformed(&format!("{}.{p}.{s}", b(br#"{"alg":256}"#))),
        Malformed::Member { part: Part::Header, .. }
    ));
    assert!(matches!(
        malformed(&format!("{}.{p}.{s}", b(br#"{"alg":"HS256","alg":"none"}"#))),
        Malformed::Member { part: Part::Header, .. }
    ));
    assert_eq!(
        malformed(&format!("{}.{p}.{s}", b(br#"{"alg":"RS256"}"#))),
        Malformed::AlgUnsupported { alg: "RS256".into() }
    );
    assert_eq!(
        malformed(&format!("{}.{p}.{s}", b(format!(r#"{{"alg":"{}"}}"#, "X".repeat(100)).as_bytes()))),
        Malformed::AlgUnsupported { alg: "X".repeat(24) }
    );
    // Payload errors come after the algorithm check, as a verifier runs them.
    assert_eq!(
        malformed(&format!("{h}.{}.{s}", b(b"{\"sub\":"))),
        Malformed::Json { part: Part::Payload, line: 1, column: 7 }
    );
    assert!(matches!(
        malformed(&format!("{h}.{}.{s}", b(br#"{"exp":"tomorrow"}"#))),
        Malformed::Member { part: Part::Payload, line: 1, column: 17 }
    ));
    assert!(matches!(malformed(&format!("{h}.{}.{s}", b(br#"{"exp":1.5}"#))), Malformed::Member { .. }));
    assert_eq!(malformed(&format!("{h}.{}.{s}", b(b"[1024]"))), Malformed::NotObject { part: Part::Payload });
    // The decoded text is kept even when it is not JSON, so the learner sees what is wrong with it.
    let at = inspect(&format!("{h}.{}.{s}", b(b"{\"sub\":")), LESSON_SECRET.as_bytes(), FIVE_MIN, 0);
    assert_eq!(at.payload.as_deref(), Some("{\"sub\":"));
    assert_eq!(at.mark(Step::Payload), Mark::Fail);
    // A payload that is fine but a signature that is not base64url at all.
    assert_eq!(
        malformed(&format!("{h}.{p}.not/base64")),
        Malformed::Base64 { part: Part::Signature, error: Base64Error::Char { at: 3, ch: '/' } }
    );
}

#[test]
fn marks_stop_at_the_first_failure() {
    let at = inspect("a.b", b"k", 0, 0);
    assert_eq!(at.parts, ["a", "b"]);
    assert_eq!(at.mark(Step::Split), Mark::Fail);
    assert!(jwt::STEPS[1..].iter().all(|s| at.mark(*s) == Mark::NotReached));
    // An empty signature is well-formed base64url (no bytes) and simply does not match.
    let (h, p) = LESSON_TOKEN.rsplit_once('.').unwrap().0.split_once('.').unwrap();
    let at = inspect(&format!("{h}.{p}."), LESSON_SECRET.as_bytes(), FIVE_MIN, 0);
    assert_eq!(at.verdict, Verdict::BadSignature);
    // Unknown members are ignored for the checks but stay in the decoded text.
    let t = jwt::sign(r#"{"alg":"HS256","kid":"2025-01"}"#, r#"{"aud":["order","payment"],"exp":10}"#, b"k");
    let at = inspect(&t, b"k", 9, 0);
    assert_eq!(at.verdict, Verdict::Valid { exp: Some(10) });
    assert!(at.payload.unwrap().contains("payment"));
}

#[test]
fn format_utc_handles_any_second() {
    assert_eq!(jwt::format_utc(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(jwt::format_utc(-1), "1969-12-31 23:59:59 UTC");
    assert_eq!(jwt::format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(jwt::format_utc(1_300_819_380), "2011-03-22 18:43:00 UTC");
    // Extremes do not overflow or panic.
    let _ = jwt::format_utc(i64::MAX);
    let _ = jwt::format_utc(i64::MIN);
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use base64::Engine;
    use proptest::prelude::*;

    proptest! {
        /// The hand-written codec agrees with the `base64` crate's URL-safe, unpadded engine both ways.
        #[test]
        fn codec_matches_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let ours = b64url_encode(&bytes);
            prop_assert_eq!(&ours, &base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(b64url_decode(&ours).unwrap(), bytes);
        }

        #[test]
        fn decode_accepts_exactly_what_the_crate_accepts(text in "[A-Za-z0-9_=+/ -]{0,12}") {
            let theirs = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&text).ok();
            prop_assert_eq!(b64url_decode(&text).ok(), theirs);
        }

        /// Any text at all is inspected without a panic.
        #[test]
        fn inspect_never_panics(token in ".{0,200}", now in any::<i64>(), leeway in any::<i64>()) {
            let _ = inspect(&token, b"k", now, leeway);
        }

        #[test]
        fn inspect_never_panics_on_near_tokens(
            h in "[A-Za-z0-9_-]{0,40}",
            p in "[A-Za-z0-9_-]{0,60}",
            s in "[A-Za-z0-9_-]{0,50}",
        ) {
            let _ = inspect(&format!("{h}.{p}.{s}"), b"k", 0, 0);
        }
    }
}
