//! The course, compiled in: `build.rs` turns `content/` into the static [`LESSONS`] below (parsed and checked
//! by the msa-content crate), so the browser never parses Markdown.

use crate::i18n::Locale;

/// One lesson in every language: what every page needs (titles, sections, question keys). The body is fetched
/// when the lesson opens ([`load_body`]).
pub struct LessonData {
    pub slug: &'static str,
    /// The lesson's questions: id and the right option's index (the same in both languages).
    pub quizzes: &'static [QuizKey],
    /// In `msa_content::LANGS` order: Korean, then English.
    pub texts: [LessonText; 2],
}

pub struct QuizKey {
    pub id: &'static str,
    pub right: usize,
}

pub struct LessonText {
    pub title: &'static str,
    pub minutes: u32,
    pub summary: &'static str,
    pub toc: &'static [TocItem],
}

pub struct TocItem {
    pub level: u8,
    pub id: &'static str,
    pub text: &'static str,
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

/// The lesson with this slug and its place in the course (0-based).
pub fn find(slug: &str) -> Option<(usize, &'static LessonData)> {
    LESSONS.iter().enumerate().find(|(_, l)| l.slug == slug)
}

/// A lesson body: the blocks of one lesson in one language, decoded from `lessons/<lang>/<slug>.txt`.
pub type Body = &'static [lesson_format::Block<'static>];

/// Why a lesson body could not be shown.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// No answer, or an error status (offline, the file missing on the host).
    Network(String),
    /// An answer that is not a lesson body (a host's fallback page, a file from another version of the site).
    Format(lesson_format::DecodeError),
}

thread_local! {
    static BODIES: std::cell::RefCell<std::collections::BTreeMap<(usize, &'static str), Body>> =
        Default::default();
}

/// Fetches and decodes a lesson's body, once per session: the text is kept for the page's lifetime (at most one
/// per lesson and language) so the blocks can borrow from it like the compiled-in data.
pub async fn load_body(lang: Locale, slug: &'static str) -> Result<Body, LoadError> {
    if let Some(b) = BODIES.with(|m| m.borrow().get(&(lang_index(lang), slug)).copied()) {
        return Ok(b);
    }
    let url = format!("{}/lessons/{}/{slug}.txt", crate::base(), crate::lang::code(lang));
    let response = gloo_net::http::Request::get(&url).send().await.map_err(|e| LoadError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(LoadError::Network(format!("HTTP {}", response.status())));
    }
    let text = response.text().await.map_err(|e| LoadError::Network(e.to_string()))?;
    let text: &'static str = Box::leak(text.into_boxed_str());
    let blocks: Body = Box::leak(lesson_format::decode(text).map_err(LoadError::Format)?.into_boxed_slice());
    BODIES.with(|m| m.borrow_mut().insert((lang_index(lang), slug), blocks));
    Ok(blocks)
}
