//! The whole course: every lesson of the summary in every language, checked against each other.

use crate::{
    parse_glossary, parse_lesson, parse_summary, Block, ContentError, Known, Lesson, LessonSet, Site, Term, WidgetSpec,
    LANGS,
};
use std::path::Path;

/// Reads `root/SUMMARY.md` and `root/<lang>/<slug>.md` for every lesson and language, and checks that:
/// every lesson exists in every language; the languages have the same sections (heading ids, in order) and
/// the same widget directives; every link to a lesson or section resolves; no lesson file is left out of the
/// summary. All problems are returned at once, sorted by file and line.
pub fn load_site(root: &Path, widgets: &[WidgetSpec]) -> Result<Site, Vec<ContentError>> {
    let summary_path = root.join("SUMMARY.md");
    let summary_src = std::fs::read_to_string(&summary_path)
        .map_err(|e| vec![ContentError::new(&summary_path, 1, format!("cannot read the summary: {e}"))])?;
    let slugs = parse_summary(&summary_path, &summary_src)?;
    let glossary_path = root.join("glossary.md");
    let glossary: Vec<Term> = match std::fs::read_to_string(&glossary_path) {
        Ok(src) => parse_glossary(&glossary_path, &src)?,
        Err(_) => Vec::new(),
    };
    let known = Known { widgets, glossary: &glossary };

    let mut errors = Vec::new();
    let mut lessons = Vec::new();
    for slug in &slugs {
        let mut langs = Vec::new();
        for lang in LANGS {
            let path = root.join(lang).join(format!("{slug}.md"));
            match std::fs::read_to_string(&path) {
                Ok(src) => match parse_lesson(&path, &src, lang, &known) {
                    Ok(lesson) => langs.push(lesson),
                    Err(e) => errors.extend(e),
                },
                Err(_) => errors.push(ContentError::new(
                    &summary_path,
                    line_of_slug(&summary_src, slug),
                    format!("lesson `{slug}` has no {lang} translation: {} is missing", path.display()),
                )),
            }
        }
        if langs.len() == LANGS.len() {
            errors.extend(compare_translations(root, &langs));
            if let Err(e) = crate::bundle_of(langs[0].widget_names(), widgets) {
                errors.push(ContentError::new(root.join(LANGS[0]).join(format!("{slug}.md")), 1, e));
            }
            lessons.push(LessonSet { slug: slug.clone(), langs });
        }
    }

    for lang in LANGS {
        let Ok(dir) = std::fs::read_dir(root.join(lang)) else { continue };
        let mut names: Vec<String> = dir.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        names.sort();
        for name in names {
            if let Some(stem) = name.strip_suffix(".md") {
                if !slugs.iter().any(|s| s == stem) {
                    errors.push(ContentError::new(
                        root.join(lang).join(&name),
                        1,
                        format!("lesson `{stem}` is not listed in SUMMARY.md"),
                    ));
                }
            }
        }
    }

    if errors.is_empty() {
        errors.extend(check_links(root, &lessons, widgets));
    }
    // Every term is linked from some lesson in every language: the glossary holds what the course teaches.
    for t in &glossary {
        for lang in LANGS {
            let used = lessons
                .iter()
                .flat_map(|s| &s.langs)
                .any(|l| l.lang == lang && l.terms.iter().any(|(id, _)| *id == t.id));
            if !used {
                errors.push(ContentError::new(
                    &glossary_path,
                    t.line,
                    format!("term `{}` is linked from no {lang} lesson", t.id),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(Site { lessons, glossary })
    } else {
        errors.sort();
        errors.dedup();
        Err(errors)
    }
}

fn line_of_slug(summary: &str, slug: &str) -> usize {
    let needle = format!("({slug}.md)");
    summary.lines().position(|l| l.contains(&needle)).map_or(1, |i| i + 1)
}

fn path_of(root: &Path, l: &Lesson) -> std::path::PathBuf {
    root.join(&l.lang).join(format!("{}.md", l.slug))
}

/// Translations must match in structure: the same section ids in the same order, and the same widgets with
/// the same settings (a widget shows the same simulation in both languages).
fn compare_translations(root: &Path, langs: &[Lesson]) -> Vec<ContentError> {
    let mut errors = Vec::new();
    let first = &langs[0];
    let ids = |l: &Lesson| l.toc.iter().map(|t| (t.level, t.id.clone())).collect::<Vec<_>>();
    // Widgets and quizzes in order: a widget by its settings, a quiz by its id and its right answer's place.
    let widgets = |l: &Lesson| {
        l.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Widget(w) => Some((w.name.clone(), w.params.clone(), w.line)),
                Block::Quiz(q) => Some((
                    "quiz".to_string(),
                    vec![
                        ("id".to_string(), q.id.clone()),
                        ("options".to_string(), q.options.len().to_string()),
                        ("right".to_string(), q.options.iter().position(|o| o.correct).unwrap_or(0).to_string()),
                    ],
                    q.line,
                )),
                // A prediction by its id, its reveal and its option keys (or unit bounds): the same question.
                Block::Predict(p) => Some((
                    "predict".to_string(),
                    vec![
                        ("id".to_string(), p.id.clone()),
                        ("reveal".to_string(), p.reveal.clone()),
                        (
                            "answer".to_string(),
                            match &p.answer {
                                crate::PredictAnswer::Choice(o) => {
                                    o.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(",")
                                }
                                crate::PredictAnswer::Number { min, max, .. } => format!("number {min}..{max}"),
                            },
                        ),
                    ],
                    p.line,
                )),
                Block::Html(_) => None,
            })
            .collect::<Vec<_>>()
    };
    for other in &langs[1..] {
        if ids(first) != ids(other) {
            let (a, b) = (ids(first), ids(other));
            let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            let line = other.toc.get(at).or(other.toc.last()).map_or(1, |t| t.line);
            errors.push(ContentError::new(
                path_of(root, other),
                line,
                format!(
                    "sections differ from the {} version at section {}: {} has {:?}, {} has {:?}",
                    first.lang,
                    at + 1,
                    first.lang,
                    a.get(at).map(|x| &x.1),
                    other.lang,
                    b.get(at).map(|x| &x.1)
                ),
            ));
        }
        // Asides: the same kinds in the same sections, in order (a reader switching language mid-lesson finds the
        // same box where they left it).
        let asides = |l: &Lesson| l.asides.iter().map(|a| (a.kind.clone(), a.section.clone())).collect::<Vec<_>>();
        let (aa, ab) = (asides(first), asides(other));
        if aa != ab {
            let at = aa.iter().zip(&ab).position(|(x, y)| x != y).unwrap_or(aa.len().min(ab.len()));
            let line = other.asides.get(at).or(other.asides.last()).map_or(1, |a| a.line);
            let show = |v: Option<&(String, String)>| v.map_or("none".to_string(), |(k, s)| format!("`{k}` in #{s}"));
            errors.push(ContentError::new(
                path_of(root, other),
                line,
                format!(
                    "aside {} differs from the {} version: {} has {}, {} has {}",
                    at + 1,
                    first.lang,
                    first.lang,
                    show(aa.get(at)),
                    other.lang,
                    show(ab.get(at))
                ),
            ));
        }
        let (wa, wb) = (widgets(first), widgets(other));
        let n = wa.len().max(wb.len());
        for i in 0..n {
            let same = match (wa.get(i), wb.get(i)) {
                (Some(x), Some(y)) => x.0 == y.0 && x.1 == y.1,
                _ => false,
            };
            if !same {
                let line = wb.get(i).map_or(1, |w| w.2);
                errors.push(ContentError::new(
                    path_of(root, other),
                    line,
                    format!(
                        "directive {} (widget or quiz) differs from the {} version: {:?} vs {:?}",
                        i + 1,
                        first.lang,
                        wa.get(i).map(|w| (&w.0, &w.1)),
                        wb.get(i).map(|w| (&w.0, &w.1))
                    ),
                ));
                break;
            }
        }
    }
    errors
}

fn check_links(root: &Path, lessons: &[LessonSet], widgets: &[WidgetSpec]) -> Vec<ContentError> {
    let mut errors = Vec::new();
    for set in lessons {
        for lesson in &set.langs {
            for link in &lesson.links {
                if let Some(name) = link.slug.strip_prefix("lab/") {
                    if !widgets.iter().any(|w| w.lab && w.name == name) {
                        let m = format!("link to `/{}/lab/{name}`: there is no such lab", link.lang);
                        errors.push(ContentError::new(path_of(root, lesson), link.line, m));
                    }
                    continue;
                }
                let target = lessons
                    .iter()
                    .find(|s| s.slug == link.slug)
                    .and_then(|s| s.langs.iter().find(|l| l.lang == link.lang));
                let msg = match (target, &link.anchor) {
                    (None, _) => Some(format!("link to `/{}/{}`: there is no such lesson", link.lang, link.slug)),
                    (Some(t), Some(a)) if !t.toc.iter().any(|e| &e.id == a) => {
                        Some(format!("link to `/{}/{}#{a}`: that lesson has no section `{a}`", link.lang, link.slug))
                    }
                    _ => None,
                };
                if let Some(m) = msg {
                    errors.push(ContentError::new(path_of(root, lesson), link.line, m));
                }
            }
        }
    }
    errors
}
