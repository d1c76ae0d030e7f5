//! The course facts (`msa_content::course_facts`) that the browser suites check pages against: on a small course
//! whose every answer is known, and on the real `content/` folder against its parsed lessons.

use msa_content::{course_facts, load_site, Block, LANGS, WIDGETS};
use serde_json::json;
use std::path::{Path, PathBuf};

fn lesson(slug: &str, title: &str, body: &str) -> String {
    format!("---\nslug: {slug}\ntitle: {title}\nminutes: 7\nsummary: About {title}.\n---\n{body}")
}

/// A lesson body: two sections (and a line in a code block that only looks like a third), an aside, a link to the
/// glossary and two questions, the right option third of three, then first of two.
fn body(term: &str) -> String {
    format!(
        "Intro about [{term}](glossary:cache-aside).\n\n## First {{#first}}\n\n```nginx\n## looks like {{#not-a-section}}\n```\n\n\
         ```aside production\nSince 1.29.\n```\n\n### Deeper {{#deeper}}\n\nText.\n\n\
         ```quiz\nid: q-third\nquestion: Which?\n- a\n  why: no\n- b\n  why: no\n+ c\n  why: yes\n```\n\n\
         ```quiz\nid: q-first\nquestion: And?\n+ yes\n  why: right\n- no\n  why: wrong\n```\n"
    )
}

fn fixture() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("facts-tests");
    let _ = std::fs::remove_dir_all(&root);
    for lang in LANGS {
        std::fs::create_dir_all(root.join(lang)).unwrap();
    }
    std::fs::write(root.join("SUMMARY.md"), "# Course\n1. [One](one.md)\n2. [Two](two.md)\n").unwrap();
    std::fs::write(
        root.join("glossary.md"),
        "## cache-aside\nko: 캐시 어사이드\nen: cache-aside\nko-def: 정의.\nen-def: A definition.\n",
    )
    .unwrap();
    for (slug, ko, en) in [("one", "하나", "One"), ("two", "둘", "Two")] {
        std::fs::write(root.join("ko").join(format!("{slug}.md")), lesson(slug, ko, &body("캐시 어사이드"))).unwrap();
        std::fs::write(root.join("en").join(format!("{slug}.md")), lesson(slug, en, &body("cache-aside"))).unwrap();
    }
    root
}

#[test]
fn the_facts_of_a_known_course_are_exactly_its_sections_questions_asides_and_terms() {
    let site = load_site(&fixture(), WIDGETS).expect("valid course");
    let text = |title: &str| {
        json!({
            "title": title, "summary": format!("About {title}."), "minutes": 7,
            "ids": ["first", "deeper"],
            "quizzes": [{ "id": "q-third", "right": 2, "count": 3 }, { "id": "q-first", "right": 0, "count": 2 }],
            "asides": ["production"],
        })
    };
    assert_eq!(
        course_facts(&site),
        json!({
            "lessons": [
                { "slug": "one", "texts": { "ko": text("하나"), "en": text("One") } },
                { "slug": "two", "texts": { "ko": text("둘"), "en": text("Two") } },
            ],
            "glossary": [{ "id": "cache-aside", "ko": "캐시 어사이드", "en": "cache-aside" }],
        })
    );
}

#[test]
fn the_facts_of_the_real_course_are_its_parsed_lessons() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let site = load_site(&root, WIDGETS).expect("the course loads");
    let facts = course_facts(&site);
    let lessons = facts["lessons"].as_array().unwrap();
    assert_eq!(
        lessons.iter().map(|l| l["slug"].as_str().unwrap()).collect::<Vec<_>>(),
        site.lessons.iter().map(|s| s.slug.as_str()).collect::<Vec<_>>(),
        "summary order"
    );
    for (set, l) in site.lessons.iter().zip(lessons) {
        for lesson in &set.langs {
            let t = &l["texts"][&lesson.lang];
            let where_ = format!("{} {}", set.slug, lesson.lang);
            assert_eq!(t["title"], lesson.title.as_str(), "{where_}");
            assert_eq!(t["summary"], lesson.summary.as_str(), "{where_}");
            let ids: Vec<&str> = t["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(ids, lesson.toc.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), "{where_}");
            let quizzes: Vec<_> =
                lesson.blocks.iter().filter_map(|b| if let Block::Quiz(q) = b { Some(q) } else { None }).collect();
            let facts = t["quizzes"].as_array().unwrap();
            assert!((3..=6).contains(&facts.len()), "{where_}: {} questions", facts.len());
            assert_eq!(facts.len(), quizzes.len(), "{where_}");
            for (f, q) in facts.iter().zip(&quizzes) {
                assert_eq!(f["id"], q.id.as_str(), "{where_}");
                let (right, count) = (f["right"].as_u64().unwrap() as usize, f["count"].as_u64().unwrap() as usize);
                assert_eq!(count, q.options.len(), "{where_} {}", q.id);
                // `right` names the one `+` option: it is right, and every other option is not.
                for (i, o) in q.options.iter().enumerate() {
                    assert_eq!(o.correct, i == right, "{where_} {} option {i}", q.id);
                }
            }
            let kinds: Vec<&str> = t["asides"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            assert_eq!(kinds, lesson.asides.iter().map(|a| a.kind.as_str()).collect::<Vec<_>>(), "{where_}");
        }
        // The suites read one language's facts for the other's page: the sections and questions agree.
        assert_eq!(l["texts"]["ko"]["ids"], l["texts"]["en"]["ids"], "{}", set.slug);
        assert_eq!(l["texts"]["ko"]["quizzes"], l["texts"]["en"]["quizzes"], "{}", set.slug);
    }
    let terms = facts["glossary"].as_array().unwrap();
    assert_eq!(terms.len(), site.glossary.len());
    for (f, t) in terms.iter().zip(&site.glossary) {
        assert_eq!(f["id"], t.id.as_str());
        for (lang, name) in LANGS.iter().zip(&t.names) {
            assert_eq!(f[*lang], name.as_str(), "{}", t.id);
        }
    }
    assert!(terms.iter().all(|t| t.as_object().unwrap().len() == 1 + LANGS.len()), "{terms:?}");
}
