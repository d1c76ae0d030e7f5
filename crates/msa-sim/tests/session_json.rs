//! The JWT inspector's JSON reader (msa_sim::session::json) against serde_json: the same texts are JSON, the
//! top-level members read the same, and common errors point where serde_json points.

use msa_sim::session::json::{parse, At, Member, Parsed, Value};

fn members(text: &str) -> Vec<(String, Value)> {
    match parse(text) {
        Ok(Parsed::Object(m)) => m.into_iter().map(|Member { name, value, .. }| (name, value)).collect(),
        other => panic!("{text:?}: {other:?}"),
    }
}

#[test]
fn reads_the_members_the_inspector_needs() {
    assert_eq!(
        members(r#"{"sub":"1024","name":"Mina","role":"customer","iat":1735689600,"exp":1735690500}"#),
        [
            ("sub".into(), Value::Str("1024".into())),
            ("name".into(), Value::Str("Mina".into())),
            ("role".into(), Value::Str("customer".into())),
            ("iat".into(), Value::Int(1_735_689_600)),
            ("exp".into(), Value::Int(1_735_690_500)),
        ]
    );
    assert_eq!(
        members("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"),
        [("typ".into(), Value::Str("JWT".into())), ("alg".into(), Value::Str("HS256".into()))]
    );
    // Escapes, including a surrogate pair; nested values are checked and summarised.
    assert_eq!(
        members(r#"{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","b":[1,{"c":null}],"c":-0,"d":1.5e3,"e":null,"f":true}"#),
        [
            ("a".into(), Value::Str("\"\\/\u{8}\u{c}\n\r\té😀".into())),
            ("b".into(), Value::Other),
            ("c".into(), Value::Other),
            ("d".into(), Value::Other),
            ("e".into(), Value::Null),
            ("f".into(), Value::Other),
        ]
    );
    // Beyond i64: a number, but not an integer the inspector can use.
    assert_eq!(members(r#"{"n":9223372036854775808}"#), [("n".into(), Value::Other)]);
    assert_eq!(members(r#"{"n":-9223372036854775808}"#), [("n".into(), Value::Int(i64::MIN))]);
    assert_eq!(parse("[1, 2]"), Ok(Parsed::NotObject));
    assert_eq!(parse(" 12 "), Ok(Parsed::NotObject));
}

#[test]
fn errors_point_where_serde_json_points() {
    for text in [
        "",
        "{",
        r#"{"alg":"HS256""#,
        r#"{"sub":"#,
        r#"{"a" 1}"#,
        "{\"a\":1,\n \"b\":tru}",
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":"\x"}"#,
        r#"{"a":"\ud800"}"#,
        r#"{"a":"\udc00"}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":1} x"#,
        r#"{"a":[1,]}"#,
        r#"{"a":1,}"#,
    ] {
        let ours = parse(text).expect_err(text);
        let theirs = serde_json::from_str::<serde_json::Value>(text).expect_err(text);
        assert_eq!(ours, At { line: theirs.line(), column: theirs.column() }, "{text:?}: serde_json says {theirs}");
    }
}

/// Columns count characters, not bytes (serde_json counts bytes): a learner counts what they see.
#[test]
fn columns_count_characters() {
    assert_eq!(parse("{\"한글\":x}"), Err(At { line: 1, column: 7 }));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse(&deep).is_err());
    let fine = format!("{{\"a\":{}{}}}", "[".repeat(60), "]".repeat(60));
    assert!(parse(&fine).is_ok());
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    fn same_verdict(text: &str) -> Result<(), TestCaseError> {
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        // serde_json refuses numbers too large for an f64 (1e400); this reader does not convert them.
        if let Err(e) = &theirs {
            if e.to_string().contains("out of range") {
                return Ok(());
            }
        }
        let ours = parse(text);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: ours {:?}, serde_json {:?}", text, ours, theirs);
        if let (Ok(Parsed::Object(m)), Ok(serde_json::Value::Object(o))) = (&ours, &theirs) {
            // serde_json keeps the last of duplicate names; compare that one.
            for (name, v) in o {
                let mine = &m.iter().rev().find(|x| &x.name == name).unwrap().value;
                match (mine, v) {
                    (Value::Str(a), serde_json::Value::String(b)) => prop_assert_eq!(a, b),
                    (Value::Int(a), serde_json::Value::Number(b)) => prop_assert_eq!(Some(*a), b.as_i64()),
                    (Value::Null, serde_json::Value::Null) => {}
                    (Value::Other, _) => {}
                    (a, b) => prop_assert!(false, "{:?}: {:?} vs {:?}", text, a, b),
                }
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_json_like_text(text in r#"[{}\[\]",:0-9a-z\\ .eE+\-\n]{0,24}"#) {
            same_verdict(&text)?;
        }

        #[test]
        fn agrees_with_serde_json_on_objects(
            body in r#"("[a-z]{1,3}" ?: ?(-?[0-9]{1,20}(\.[0-9])?|"[a-z\\u0-9]{0,6}"|null|true|\[[0-9,]{0,4}\]) ?,?){0,4}"#,
        ) {
            same_verdict(&format!("{{{body}}}"))?;
        }
    }
}
