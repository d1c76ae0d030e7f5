//! The interface strings (`locales/en.json`, `locales/ko.json`, read by leptos_i18n) say the same things in both
//! languages: the same keys, and in each string the same interpolations (`{{ n }}`, and the `{n}` some widgets fill
//! in themselves) and the same components
//! (`<b>...</b>`), so no variable or markup is lost in translation.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        // Plurals and other forms: compared as their JSON text's placeholders.
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../../locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeMap::new();
    flatten("", &json, &mut out);
    out
}

/// The `{{ name }}` interpolations and the `<name>` / `</name>` / `<name/>` components of a string.
fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i..].find("}}") else { break };
        out.insert(format!("{{{{{}}}}}", rest[i + 2..i + j].trim()));
        rest = &rest[i + j + 2..];
    }
    // Single-brace `{name}` arguments, which some widgets fill in themselves.
    let plain = s.replace("{{", "\u{1}").replace("}}", "\u{2}");
    let mut rest = plain.as_str();
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.insert(format!("{{{}}}", rest[i + 1..i + j].trim()));
        rest = &rest[i + j + 1..];
    }
    let b = s.as_bytes();
    for (i, _) in s.match_indices('<') {
        let name: String =
            s[i + 1..].trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let closing = b.get(i + 1) == Some(&b'/');
        if !name.is_empty() {
            out.insert(format!("<{}{name}>", if closing { "/" } else { "" }));
        }
    }
    out
}

#[test]
fn both_languages_have_the_same_keys_and_placeholders() {
    let (en, ko) = (load("en"), load("ko"));
    let only = |a: &BTreeMap<String, String>, b: &BTreeMap<String, String>| {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect::<Vec<_>>()
    };
    assert_eq!(only(&en, &ko), Vec::<String>::new(), "keys only in en.json");
    assert_eq!(only(&ko, &en), Vec::<String>::new(), "keys only in ko.json");
    let differ: Vec<String> = en
        .iter()
        .filter(|(k, v)| placeholders(v) != placeholders(&ko[*k]))
        .map(|(k, v)| format!("{k}: en {:?} ko {:?}", placeholders(v), placeholders(&ko[k])))
        .collect();
    assert!(differ.is_empty(), "placeholders differ:\n{}", differ.join("\n"));
    assert!(en.len() > 300, "{} strings", en.len());
}

#[test]
fn the_placeholder_reader_sees_what_it_must() {
    let p = placeholders("{{ n }} of {{total}} <b>bold</b> and <br/> but not 3 < 4, in {ms} ms");
    let want: BTreeSet<String> =
        ["{{n}}", "{{total}}", "<b>", "</b>", "<br>", "{ms}"].into_iter().map(String::from).collect();
    assert_eq!(p, want);
}
