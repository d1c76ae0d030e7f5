//! The site manifest (`msa_content::manifest`) of the real course: what the post-build step and the size budget
//! read instead of parsing content/ or the lesson bodies again.

use std::path::Path;

fn manifest() -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let site = msa_content::load_site(&root, msa_content::WIDGETS).expect("the course loads");
    msa_content::manifest(&site, msa_content::WIDGETS).expect("the manifest")
}

#[test]
fn pages_name_the_bundle_of_their_widgets_and_core_pages_are_left_out() {
    let m = manifest();
    let pages = m["pages"].as_object().expect("pages");
    assert_eq!(pages["race-conditions"], "race");
    assert_eq!(pages["load-balancing"], "proxy");
    assert_eq!(pages["lab/proxy"], "proxy");
    assert!(pages.values().all(|b| b != "core"), "{pages:?}");
    let bundles: Vec<&str> = m["bundles"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    assert_eq!(bundles[..2], ["app", "core"], "Trunk builds the first, the whole app; the core's pages are static");
    assert!(pages.values().all(|b| bundles.contains(&b.as_str().unwrap())));
    let labs: Vec<&str> = m["labs"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(labs, ["proxy", "race", "arch"]);
}

#[test]
fn every_lesson_has_its_texts_in_every_language_in_course_order() {
    let m = manifest();
    let lessons = m["lessons"].as_array().expect("lessons");
    assert!(lessons.len() >= 6);
    assert_eq!(lessons[0]["slug"], "monolith-vs-msa");
    for l in lessons {
        let slug = l["slug"].as_str().unwrap();
        assert_eq!(l["bundle"], m["pages"].get(slug).cloned().unwrap_or("core".into()), "{slug}");
        for lang in msa_content::LANGS {
            let t = &l["texts"][lang];
            assert!(!t["title"].as_str().unwrap().is_empty(), "{slug} {lang}");
            assert!(t["minutes"].as_u64().unwrap() > 0);
            assert!(t["sections"].as_array().unwrap().len() > 2, "{slug} {lang}");
        }
    }
}

#[test]
fn the_manifest_is_json_whatever_the_text_holds() {
    // A title with quotes, a backslash, a newline escape and non-ASCII text round-trips (`{:?}` would write
    // Rust escapes such as \u{1f}, which JSON does not read).
    let m = manifest();
    let text = serde_json::to_string(&m).unwrap();
    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
    assert!(m["lessons"].as_array().unwrap().iter().any(|l| !l["texts"]["ko"]["title"].as_str().unwrap().is_ascii()));
}
