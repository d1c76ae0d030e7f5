//! The content pipeline on small courses written for each case, and on the real `content/` folder.

use msa_content::{
    bundle_of, load_site, parse_glossary, parse_lesson, parse_quiz, parse_summary, Block, KeyKind, KeySpec, Known,
    WidgetSpec, BUNDLES, LANGS, WIDGETS,
};
use std::path::{Path, PathBuf};

const DEMO: WidgetSpec = WidgetSpec {
    name: "demo",
    keys: &[
        KeySpec { name: "preset", required: true, kind: KeyKind::OneOf(&["a", "b"]) },
        KeySpec { name: "servers", required: false, kind: KeyKind::Int { min: 1, max: 16 } },
        KeySpec { name: "note", required: false, kind: KeyKind::Text },
    ],
    lab: true,
    bundle: "proxy",
};

fn lesson(slug: &str, title: &str, body: &str) -> String {
    format!("---\nslug: {slug}\ntitle: {title}\nminutes: 10\nsummary: About {slug}.\n---\n{body}")
}

/// A course in a fresh folder under cargo's per-test temp dir: SUMMARY.md plus `(path, text)` files.
fn course(name: &str, summary: &str, files: &[(&str, String)]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("content-tests").join(name);
    let _ = std::fs::remove_dir_all(&root);
    for lang in LANGS {
        std::fs::create_dir_all(root.join(lang)).unwrap();
    }
    std::fs::write(root.join("SUMMARY.md"), summary).unwrap();
    for (path, text) in files {
        std::fs::write(root.join(path), text).unwrap();
    }
    root
}

fn errors_of(root: &Path) -> Vec<String> {
    match load_site(root, &[DEMO]) {
        Ok(_) => vec![],
        Err(e) => e.iter().map(|e| e.to_string().replace(&root.display().to_string(), "")).collect(),
    }
}

const ONE: &str = "# Course\n1. [One](one.md)\n";

#[test]
fn a_good_course_parses_into_html_and_widgets_with_toc() {
    let body = "Intro with a [link](/en/one#b).\n\n## First {#a}\n\nText **bold**.\n\n```widget demo\npreset = a\nservers = 3\n```\n\n### Deeper `code` {#b}\n\n| x | y |\n|---|---|\n| 1 | 2 |\n";
    let root =
        course("good", ONE, &[("ko/one.md", lesson("one", "하나", body)), ("en/one.md", lesson("one", "One", body))]);
    let site = load_site(&root, &[DEMO]).expect("valid course");
    assert_eq!(site.lessons.len(), 1);
    let en = &site.lessons[0].langs[1];
    assert_eq!((en.lang.as_str(), en.title.as_str(), en.minutes), ("en", "One", 10));
    assert_eq!(
        en.toc.iter().map(|t| (t.level, t.id.as_str(), t.text.as_str())).collect::<Vec<_>>(),
        [(2, "a", "First"), (3, "b", "Deeper code")]
    );
    assert_eq!(en.blocks.len(), 3, "{:#?}", en.blocks);
    let Block::Html(first) = &en.blocks[0] else { panic!() };
    assert!(first.contains(r#"<a href="en/one#b">link</a>"#), "{first}");
    assert!(first.contains(r#"<h2 id="a">First</h2>"#), "{first}");
    let Block::Widget(w) = &en.blocks[1] else { panic!() };
    assert_eq!(w.name, "demo");
    assert_eq!(w.params, [("preset".to_string(), "a".to_string()), ("servers".to_string(), "3".to_string())]);
    assert_eq!(w.line, 13, "the directive's line in the file (front matter is 6 lines)");
    let Block::Html(last) = &en.blocks[2] else { panic!() };
    assert!(last.contains("<table>") && last.contains(r#"<h3 id="b">"#), "{last}");

    let code = msa_content::to_rust(&site);
    assert!(code.contains("pub static LESSONS: &[LessonData]"));
    assert!(code.contains(r#"TocItem { level: 2, id: "a", text: "First" }"#), "{code}");
    assert!(code.contains("pub static TOCS: &[&[&[TocItem]]]"), "the sections apart from LESSONS: {code}");
    // The body travels as its own file, and reads back as the same blocks.
    let bodies = msa_content::bodies(&site).unwrap();
    assert_eq!(bodies.iter().map(|(l, s, _)| format!("{l}/{s}")).collect::<Vec<_>>(), ["ko/one", "en/one"]);
    let blocks = lesson_format::decode(&bodies[1].2).unwrap();
    assert_eq!(
        blocks[1],
        lesson_format::Block::Widget { name: "demo", params: vec![("preset", "a"), ("servers", "3")] }
    );
    assert!(matches!(blocks[2], lesson_format::Block::Html(h) if h.contains("<table>")));
}

#[test]
fn directive_errors_name_the_file_and_line() {
    let bad = "Text.\n\n```widget demo\nservers = 99\ncolour = red\nnot a pair\n```\n\n```widget nope\n```\n";
    let root = course(
        "directives",
        ONE,
        &[("ko/one.md", lesson("one", "하나", bad)), ("en/one.md", lesson("one", "One", bad))],
    );
    let errs = errors_of(&root);
    for expected in [
        "/en/one.md:10: widget `demo`: `servers` must be a whole number from 1 to 16, not `99`",
        "/en/one.md:11: widget `demo` has no key `colour` (keys: preset, servers, note)",
        "/en/one.md:12: widget `demo`: `not a pair` is not `key = value`",
        "/en/one.md:9: widget `demo` needs `preset = ...`",
        "/en/one.md:15: unknown widget `nope` (known: demo)",
    ] {
        assert!(errs.iter().any(|e| e == expected), "missing {expected:?} in {errs:#?}");
    }
}

#[test]
fn a_missing_translation_fails_the_build() {
    let root = course("missing", ONE, &[("ko/one.md", lesson("one", "하나", "Hi.\n"))]);
    let errs = errors_of(&root);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("/SUMMARY.md:2: lesson `one` has no en translation"), "{errs:?}");
}

#[test]
fn translations_must_have_the_same_sections_and_widgets() {
    let ko = "## 가 {#a}\n\n```widget demo\npreset = a\n```\n\n## 나 {#b}\n";
    let en = "## A {#a}\n\n```widget demo\npreset = b\n```\n\n## C {#c}\n";
    let root =
        course("structure", ONE, &[("ko/one.md", lesson("one", "하나", ko)), ("en/one.md", lesson("one", "One", en))]);
    let errs = errors_of(&root);
    assert!(
        errs.iter().any(|e| e.starts_with("/en/one.md:13: sections differ from the ko version at section 2")),
        "{errs:#?}"
    );
    assert!(
        errs.iter().any(|e| e.starts_with("/en/one.md:9: directive 1 (widget or quiz) differs from the ko version")),
        "{errs:#?}"
    );
}

#[test]
fn broken_links_fail_with_their_line() {
    let body =
        "See [two](/en/two).\n\nAnd [a section](/ko/one#nowhere).\n\nAnd [bad](other.html).\n\n## Here {#here}\n";
    let root =
        course("links", ONE, &[("ko/one.md", lesson("one", "하나", body)), ("en/one.md", lesson("one", "One", body))]);
    let errs = errors_of(&root);
    assert!(errs.contains(&"/en/one.md:11: link `other.html` is not a lesson: write `/ko/<slug>`, `/en/<slug>#section`, `#section` or `/en/lab/<widget>`".to_string()), "{errs:#?}");
    // Links are checked once every lesson parsed; fix the bad one to see them.
    let body = body.replace("[bad](other.html)", "[ok](#here)");
    let root = course(
        "links2",
        ONE,
        &[("ko/one.md", lesson("one", "하나", &body)), ("en/one.md", lesson("one", "One", &body))],
    );
    let errs = errors_of(&root);
    assert!(errs.contains(&"/en/one.md:7: link to `/en/two`: there is no such lesson".to_string()), "{errs:#?}");
    assert!(
        errs.contains(&"/ko/one.md:9: link to `/ko/one#nowhere`: that lesson has no section `nowhere`".to_string()),
        "{errs:#?}"
    );
}

#[test]
fn lab_links_name_a_widget_with_a_lab_page() {
    let body = "Play in [the lab](/en/lab/demo?demo=a), not [nowhere](/ko/lab/nope).\n";
    let root = course(
        "lab-links",
        ONE,
        &[("ko/one.md", lesson("one", "하나", body)), ("en/one.md", lesson("one", "One", body))],
    );
    let errs = errors_of(&root);
    assert_eq!(
        errs,
        vec![
            "/en/one.md:7: link to `/ko/lab/nope`: there is no such lab".to_string(),
            "/ko/one.md:7: link to `/ko/lab/nope`: there is no such lab".to_string(),
        ]
    );
    let site = load_site(&root.clone(), &[DEMO]);
    assert!(site.is_err());
    let fixed = body.replace(", not [nowhere](/ko/lab/nope)", "");
    let root = course(
        "lab-links2",
        ONE,
        &[("ko/one.md", lesson("one", "하나", &fixed)), ("en/one.md", lesson("one", "One", &fixed))],
    );
    let site = load_site(&root, &[DEMO]).expect("a lab link with a query is fine");
    let html = site.lessons[0].langs[1].blocks.iter().map(|b| format!("{b:?}")).collect::<String>();
    assert!(html.contains("href=\\\"en/lab/demo?demo=a\\\""), "{html}");
}

#[test]
fn front_matter_and_heading_rules() {
    let errs = parse_lesson(
        Path::new("en/x.md"),
        "---\nslug: y\ntitle: T\nminutes: 0\ncolour: red\n---\n# H1\n\n## No id\n\n<b>raw</b>\n",
        "en",
        &Known::default(),
    )
    .unwrap_err()
    .iter()
    .map(|e| e.to_string())
    .collect::<Vec<_>>();
    for expected in [
        "en/x.md:1: slug `y` does not match the file name `x.md`",
        "en/x.md:4: minutes must be a whole number from 1 to 240, not `0`",
        "en/x.md:5: unknown front matter key `colour` (expected slug, title, minutes, summary)",
        "en/x.md:1: front matter is missing `summary`",
        "en/x.md:7: a lesson has no `#` heading: its title comes from the front matter",
        "en/x.md:11: raw HTML is not allowed in lessons: use Markdown or a widget",
    ] {
        assert!(errs.iter().any(|e| e == expected), "missing {expected:?} in {errs:#?}");
    }
    assert!(errs.iter().any(|e| e.starts_with("en/x.md:9: a `##` or `###` heading needs an id")), "{errs:#?}");
    let table = parse_lesson(
        Path::new("en/t.md"),
        "---\nslug: t\ntitle: T\nminutes: 1\nsummary: S.\n---\n\n| | A |\n|---|---|\n| x | y |\n",
        "en",
        &Known::default(),
    )
    .unwrap_err();
    assert_eq!(table[0].to_string(), "en/t.md:8: a table's header cell is empty: name the column");
    let no_front = parse_lesson(Path::new("en/x.md"), "# Hi\n", "en", &Known::default()).unwrap_err();
    assert_eq!(no_front[0].line, 1);
}

#[test]
fn summary_rules() {
    let ok = parse_summary(Path::new("S.md"), "# Course\n1. [A](a.md)\n- [B](b-c.md)\n").unwrap();
    assert_eq!(ok, ["a", "b-c"]);
    let errs = parse_summary(Path::new("S.md"), "1. [A](a.md)\n2. [A again](a.md)\nstray text\n3. [Bad](Bad.md)\n")
        .unwrap_err();
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4], "{errs:?}");
}

#[test]
fn an_unlisted_lesson_file_fails() {
    let root = course(
        "unlisted",
        ONE,
        &[
            ("ko/one.md", lesson("one", "하나", "x\n")),
            ("en/one.md", lesson("one", "One", "x\n")),
            ("en/stray.md", lesson("stray", "Stray", "x\n")),
        ],
    );
    assert_eq!(errors_of(&root), ["/en/stray.md:1: lesson `stray` is not listed in SUMMARY.md"]);
}

const QUIZ: &str =
    "```quiz\nid: q1\nquestion: Which is **right**?\n- `wrong`\n  why: Because.\n+ right\n  why: Indeed.\n```\n";

#[test]
fn quizzes_parse_and_must_match_across_languages() {
    let root =
        course("quiz", ONE, &[("ko/one.md", lesson("one", "하나", QUIZ)), ("en/one.md", lesson("one", "One", QUIZ))]);
    let site = load_site(&root, &[DEMO]).expect("valid");
    let Block::Quiz(q) = &site.lessons[0].langs[1].blocks[0] else { panic!("{:?}", site.lessons[0].langs[1].blocks) };
    assert_eq!(q.id, "q1");
    assert_eq!(q.question, "Which is <strong>right</strong>?");
    assert_eq!(
        q.options.iter().map(|o| (o.text.as_str(), o.correct, o.why.as_str())).collect::<Vec<_>>(),
        [("<code>wrong</code>", false, "Because."), ("right", true, "Indeed.")]
    );
    let code = msa_content::to_rust(&site);
    assert!(code.contains(r#"quizzes: &[QuizKey { id: "q1", right: 1 }, ]"#), "{code}");
    let bodies = msa_content::bodies(&site).unwrap();
    let blocks = lesson_format::decode(&bodies[1].2).unwrap();
    let lesson_format::Block::Quiz(wire) = &blocks[0] else { panic!("{blocks:?}") };
    assert_eq!((wire.id, wire.options.len(), wire.options[1].correct), ("q1", 2, true));
    // The right answer moved in one language: a different question.
    let swapped = QUIZ.replace("- `wrong`", "+ `wrong`").replace("+ right", "- right");
    let root = course(
        "quiz2",
        ONE,
        &[("ko/one.md", lesson("one", "하나", QUIZ)), ("en/one.md", lesson("one", "One", &swapped))],
    );
    let errs = errors_of(&root);
    assert!(
        errs.iter().any(|e| e.starts_with("/en/one.md:7: directive 1 (widget or quiz) differs from the ko version")),
        "{errs:#?}"
    );
}

#[test]
fn quiz_errors_name_their_lines() {
    let errs =
        parse_quiz("question: Q?\n+ a\n  why: yes\n+ b\n- c\n  why: no\n  why: twice\nnonsense\n", 10).unwrap_err();
    let got: Vec<String> = errs.iter().map(|(l, m)| format!("{l}: {m}")).collect();
    for expected in [
        "16: one `why:` per option",
        "17: `nonsense` is not `id:`, `question:`, `+ right option`, `- wrong option` or `why:`",
        "9: the quiz needs `id: ...`",
        "9: exactly one option is right (`+`), not 2",
        "13: every option needs a `why:` line explaining it",
    ] {
        assert!(got.iter().any(|g| g == expected), "missing {expected:?} in {got:#?}");
    }
    assert!(parse_quiz("id: x\nquestion: [a link](/en/one)\n+ a\n  why: b\n- c\n  why: d\n", 1).is_err());
    assert!(parse_quiz("id: x\nquestion: Q\n+ only one\n  why: b\n", 1).is_err(), "a quiz has at least two options");
}

#[test]
fn glossary_links_resolve_and_every_term_is_used() {
    let glossary = "# Glossary\n\n## lock\nko: 락\nen: lock\nko-def: 잠금.\nen-def: A lock.\n\n## unused\nko: 미사용\nen: unused\nko-def: 안 씀.\nen-def: Not used.\n";
    let body = "A [lock](glossary:lock) and a [ghost](glossary:ghost).\n";
    let root = course(
        "glossary",
        ONE,
        &[
            ("ko/one.md", lesson("one", "하나", "[락](glossary:lock)\n")),
            ("en/one.md", lesson("one", "One", body)),
            ("glossary.md", glossary.to_string()),
        ],
    );
    let errs = errors_of(&root);
    assert!(
        errs.contains(&"/en/one.md:7: glossary link to `ghost`: content/glossary.md has no such term".to_string()),
        "{errs:#?}"
    );
    let root = course(
        "glossary2",
        ONE,
        &[
            ("ko/one.md", lesson("one", "하나", "[락](glossary:lock)\n")),
            ("en/one.md", lesson("one", "One", "A [lock](glossary:lock).\n")),
            ("glossary.md", glossary.to_string()),
        ],
    );
    let errs = errors_of(&root);
    assert_eq!(
        errs,
        [
            "/glossary.md:9: term `unused` is linked from no en lesson",
            "/glossary.md:9: term `unused` is linked from no ko lesson"
        ]
    );
    let root = course(
        "glossary3",
        ONE,
        &[
            ("ko/one.md", lesson("one", "하나", "[락](glossary:lock)\n")),
            ("en/one.md", lesson("one", "One", "A [lock](glossary:lock).\n")),
            ("glossary.md", glossary.split("## unused").next().unwrap().to_string()),
        ],
    );
    let site = load_site(&root, &[DEMO]).expect("valid");
    let Block::Html(h) = &site.lessons[0].langs[1].blocks[0] else { panic!() };
    assert!(h.contains(r#"<a href="en/glossary#lock" title="A lock.">lock</a>"#), "{h}");
    // The glossary is a file a language (not compiled in): the term in that language first, then the other name.
    assert!(!msa_content::to_rust(&site).contains("잠금."));
    let files = msa_content::glossaries(&site).expect("encodes");
    assert_eq!(files.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["ko", "en"]);
    let en = lesson_format::glossary::decode(&files[1].1).expect("decodes");
    let want = lesson_format::glossary::Term {
        id: "lock",
        name: "lock",
        other_name: "락",
        definition: "A lock.",
        used_in: vec!["one"],
    };
    assert_eq!(en, [want]);
    assert_eq!(lesson_format::glossary::decode(&files[0].1).expect("decodes")[0].definition, "잠금.");
    let bad = parse_glossary(Path::new("g.md"), "## x\nko: 엑스\nfr: x\n").unwrap_err();
    let lines: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    assert!(lines.contains(&"g.md:3: unknown key `fr`".to_string()), "{lines:?}");
    assert!(lines.contains(&"g.md:1: term `x` has no `en:` name".to_string()), "{lines:?}");
}

/// A page loads one wasm bundle: a lesson with widgets of two bundles fails the build, with the fix named.
#[test]
fn a_lesson_takes_its_widgets_from_one_bundle() {
    const OTHER: WidgetSpec = WidgetSpec { name: "other", keys: &[], lab: false, bundle: "race" };
    let body = "```widget demo\npreset = a\n```\n\n```widget other\n```\n";
    let root = course(
        "bundles",
        ONE,
        &[("ko/one.md", lesson("one", "하나", body)), ("en/one.md", lesson("one", "One", body))],
    );
    let errs = load_site(&root, &[DEMO, OTHER]).unwrap_err().iter().map(|e| e.to_string()).collect::<Vec<_>>();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(errs[0].ends_with("/ko/one.md:1: widgets of two bundles on one page (`proxy` and `race`): a page loads one bundle; move the widget or make the two one bundle (msa_content::BUNDLES)"), "{errs:#?}");
    assert_eq!(bundle_of(["demo", "demo"], &[DEMO, OTHER]), Ok("proxy"));
    assert_eq!(bundle_of([], &[DEMO]), Ok("core"));
    assert_eq!(bundle_of(["nope"], &[DEMO]), Err("unknown widget `nope`".to_string()));
}

/// Every widget names a bundle of [`BUNDLES`], and each bundle is a cargo feature of the app (and in its
/// default features, so native builds and tests see every widget).
#[test]
fn every_bundle_is_a_feature_of_the_app() {
    for w in WIDGETS {
        assert!(BUNDLES.contains(&w.bundle), "widget `{}` names bundle `{}`, not in BUNDLES", w.name, w.bundle);
    }
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml")).unwrap();
    let features = manifest.split("[features]").nth(1).expect("the app's Cargo.toml has [features]");
    let features = &features[..features.find("\n[").unwrap_or(features.len())];
    let default = features.lines().find(|l| l.starts_with("default")).expect("a default feature list");
    for b in BUNDLES {
        assert!(features.lines().any(|l| l.starts_with(&format!("{b} = "))), "bundle `{b}` is no feature of the app");
        assert!(default.contains(&format!("\"{b}\"")), "bundle `{b}` is not in the app's default features");
        assert!(WIDGETS.iter().any(|w| w.bundle == *b), "bundle `{b}` carries no widget");
    }
}

/// The real course: every lesson of the summary exists in both languages and passes every check with the
/// widgets the app really has.
#[test]
fn the_real_course_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let site = load_site(&root, WIDGETS)
        .unwrap_or_else(|errs| panic!("{}", errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")));
    assert_eq!(site.lessons.len(), 6, "the six lessons of the syllabus");
    assert!(site.glossary.len() >= 20, "the glossary has {} terms", site.glossary.len());
    let mut ids: Vec<&str> = site
        .lessons
        .iter()
        .flat_map(|s| &s.langs[0].blocks)
        .filter_map(|b| match b {
            Block::Quiz(q) => Some(q.id.as_str()),
            _ => None,
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "question ids are unique across the course (answers are stored under them)");
    for set in &site.lessons {
        assert_eq!(set.langs.iter().map(|l| l.lang.as_str()).collect::<Vec<_>>(), LANGS);
        for l in &set.langs {
            assert!(l.toc.len() >= 3, "{} ({}) has only {} sections", l.slug, l.lang, l.toc.len());
            let questions = l.blocks.iter().filter(|b| matches!(b, Block::Quiz(_))).count();
            assert!((3..=6).contains(&questions), "{} ({}) has {questions} questions, not 3 to 6", l.slug, l.lang);
            assert!(!l.terms.is_empty(), "{} ({}) links no glossary term", l.slug, l.lang);
        }
    }
}
