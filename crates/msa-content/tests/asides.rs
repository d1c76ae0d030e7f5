//! Asides (```` ```aside production ````): Markdown rendered at build time into a `<details>` closed by default,
//! with the summary in the lesson's language, checked like the rest of the lesson and across translations.

use msa_content::{load_site, Block, KeyKind, KeySpec, WidgetSpec, ASIDES, LANGS};
use std::path::{Path, PathBuf};

const DEMO: WidgetSpec = WidgetSpec {
    name: "demo",
    keys: &[KeySpec { name: "preset", required: false, kind: KeyKind::Text }],
    lab: false,
    bundle: "proxy",
};

fn lesson(slug: &str, title: &str, body: &str) -> String {
    format!("---\nslug: {slug}\ntitle: {title}\nminutes: 10\nsummary: About {slug}.\n---\n{body}")
}

fn course(name: &str, ko: &str, en: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aside-tests").join(name);
    let _ = std::fs::remove_dir_all(&root);
    for lang in LANGS {
        std::fs::create_dir_all(root.join(lang)).unwrap();
    }
    std::fs::write(root.join("SUMMARY.md"), "# Course\n1. [One](one.md)\n").unwrap();
    std::fs::write(root.join("ko/one.md"), lesson("one", "하나", ko)).unwrap();
    std::fs::write(root.join("en/one.md"), lesson("one", "One", en)).unwrap();
    root
}

fn errors_of(root: &Path) -> Vec<String> {
    match load_site(root, &[DEMO]) {
        Ok(_) => vec![],
        Err(e) => e.iter().map(|e| e.to_string().replace(&root.display().to_string(), "")).collect(),
    }
}

const EN: &str = "## Retries {#retries}\n\nMain line.\n\n```aside production\nSince **1.29.7** the default is `1.1`; see [retries](#retries).\n```\n\nAfter.\n";
const KO: &str = "## 재시도 {#retries}\n\n본문.\n\n```aside production\n**1.29.7**부터 기본값은 `1.1`입니다. [재시도](#retries) 참고.\n```\n\n뒤.\n";

#[test]
fn an_aside_is_a_closed_details_box_in_the_prose_with_a_localized_summary() {
    let site = load_site(&course("good", KO, EN), &[DEMO]).expect("valid course");
    for (li, lesson) in site.lessons[0].langs.iter().enumerate() {
        // One prose block: the aside is part of the prose (the static copy and the app carry it alike).
        assert_eq!(lesson.blocks.len(), 1, "{:#?}", lesson.blocks);
        let Block::Html(h) = &lesson.blocks[0] else { panic!() };
        let label = ASIDES.iter().find(|a| a.kind == "production").unwrap().labels[li];
        let open =
            format!(r#"<details class="aside aside--production"><summary class="aside__summary">{label}</summary>"#);
        assert!(h.contains(&open), "{h}");
        assert!(!h.contains("<details open"), "closed by default: {h}");
        // The body is Markdown, and its links are rewritten as the lesson's are.
        assert!(h.contains("<strong>1.29.7</strong>") && h.contains("<code>1.1</code>"), "{h}");
        assert!(h.contains(&format!(r#"<a href="{}/one#retries">"#, lesson.lang)), "{h}");
        // Before and after it, the main line goes on in the same block.
        let (before, after) = h.split_once("<details").unwrap();
        assert!(before.contains("<h2 id=\"retries\">") && after.contains("</details>") && after.ends_with("</p>\n"));
        assert_eq!(lesson.asides.len(), 1);
        assert_eq!(
            (lesson.asides[0].kind.as_str(), lesson.asides[0].section.as_str(), lesson.asides[0].line),
            ("production", "retries", 11)
        );
    }
    // The two labels differ: the summary is in the page's language.
    assert_ne!(ASIDES[0].labels[0], ASIDES[0].labels[1]);
    // The wire format carries it as prose.
    let bodies = msa_content::bodies(&site).unwrap();
    let blocks = lesson_format::decode(&bodies[1].2).unwrap();
    assert!(matches!(blocks[0], lesson_format::Block::Html(h) if h.contains("<details class=\"aside")));
}

#[test]
fn translations_must_have_the_same_asides_in_the_same_sections() {
    // Missing in Korean.
    let ko = "## 재시도 {#retries}\n\n본문.\n\n뒤.\n";
    let errs = errors_of(&course("missing", ko, EN));
    assert!(
        errs.iter().any(|e| e.starts_with(
            "/en/one.md:11: aside 1 differs from the ko version: ko has none, en has `production` in #retries"
        )),
        "{errs:#?}"
    );
    // In another section.
    let ko = "## 재시도 {#retries}\n\n본문.\n\n## 다른 절 {#other}\n\n```aside production\n다른 곳.\n```\n";
    let en = "## Retries {#retries}\n\nMain.\n\n```aside production\nHere.\n```\n\n## Other {#other}\n\nText.\n";
    let errs = errors_of(&course("moved", ko, en));
    assert!(
        errs.iter().any(|e| e.contains(
            "aside 1 differs from the ko version: ko has `production` in #other, en has `production` in #retries"
        )),
        "{errs:#?}"
    );
}

#[test]
fn an_aside_holds_prose_only_and_is_checked_like_the_lesson() {
    let bad = "## A {#a}\n\n```aside production\n### Heading {#h}\n\nA [broken](/en/nowhere) link, a [ghost](glossary:ghost), <b>raw</b>.\n```\n\n````aside production\n```widget demo\n```\n````\n\n```aside gossip\nText.\n```\n\n```aside production\n```\n";
    let errs = errors_of(&course("bad", bad, bad));
    for want in [
        "/en/one.md:10: an aside holds no headings: put the section outside it",
        "/en/one.md:12: glossary link to `ghost`: content/glossary.md has no such term",
        "/en/one.md:12: raw HTML is not allowed in lessons: use Markdown or a widget",
        "/en/one.md:16: an aside holds prose only: no widget, question or aside inside it",
        "/en/one.md:20: unknown aside `gossip` (known: production)",
        "/en/one.md:24: aside `production` is empty",
    ] {
        assert!(errs.iter().any(|e| e == want), "missing {want:?} in {errs:#?}");
    }
    // A link inside an aside is checked once every lesson is known, as any other.
    let link = "```aside production\nSee [nowhere](/en/nowhere).\n```\n";
    let errs = errors_of(&course("link", link, link));
    assert!(errs.iter().any(|e| e == "/en/one.md:8: link to `/en/nowhere`: there is no such lesson"), "{errs:#?}");
    // An aside never closed names its line.
    let open = "Text.\n\n```aside production\nNo end.\n";
    let errs = errors_of(&course("open", open, open));
    assert!(errs.iter().any(|e| e == "/en/one.md:9: directive `aside production` is never closed"), "{errs:#?}");
}
