//! The course, compiled in: `build.rs` turns `content/` into the static [`LESSONS`] below (parsed and checked
//! by the msa-content crate), so the browser never parses Markdown.

use crate::i18n::Locale;

/// One lesson in every language.
pub struct LessonData {
    pub slug: &'static str,
    /// In `msa_content::LANGS` order: Korean, then English.
    pub texts: [LessonText; 2],
}

pub struct LessonText {
    pub title: &'static str,
    pub minutes: u32,
    pub summary: &'static str,
    pub toc: &'static [TocItem],
    pub blocks: &'static [BlockData],
}

pub struct TocItem {
    pub level: u8,
    pub id: &'static str,
    pub text: &'static str,
}

pub enum BlockData {
    /// Prose, rendered from Markdown at build time (no raw HTML is allowed in the sources).
    Html(&'static str),
    /// A widget directive: the component's name and its settings.
    Widget { name: &'static str, params: &'static [(&'static str, &'static str)] },
    /// A question checked in the page.
    Quiz(QuizData),
}

pub struct QuizData {
    /// The same in both languages: answers are stored under it.
    pub id: &'static str,
    /// Inline HTML.
    pub question: &'static str,
    pub options: &'static [QuizOptionData],
}

pub struct QuizOptionData {
    pub text: &'static str,
    pub correct: bool,
    pub why: &'static str,
}

/// A glossary entry, named and defined in both languages (Korean, then English).
pub struct TermData {
    pub id: &'static str,
    pub names: [&'static str; 2],
    pub definitions: [&'static str; 2],
    /// Slugs of the lessons that link the term, in course order.
    pub used_in: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

impl LessonData {
    pub fn text(&self, lang: Locale) -> &LessonText {
        &self.texts[lang_index(lang)]
    }
}

pub fn lang_index(lang: Locale) -> usize {
    match lang {
        Locale::ko => 0,
        Locale::en => 1,
    }
}

impl LessonData {
    /// The lesson's questions (the same ids in both languages).
    pub fn quizzes(&self) -> impl Iterator<Item = &'static QuizData> {
        self.texts[0].blocks.iter().filter_map(|b| match b {
            BlockData::Quiz(q) => Some(q),
            _ => None,
        })
    }
}

/// The lesson with this slug and its place in the course (0-based).
pub fn find(slug: &str) -> Option<(usize, &'static LessonData)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.slug == slug)
}
