//! The course, compiled in: `build.rs` turns `content/` into the static [`LESSONS`] below (parsed and checked
//! by the msa-content crate), so the browser never parses Markdown.

use crate::i18n::Locale;

/// One lesson in every language: what every page needs (titles, sections, question keys). The body is fetched
/// when the lesson opens ([`load_body`]).
pub struct LessonData {
    pub slug: &'static str,
    /// The lesson's questions: id and the right option's index (the same in both languages).
    pub quizzes: &'static [QuizKey],
    /// The ids of the lesson's predictions (the same in both languages).
    pub predictions: &'static [&'static str],
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
}

pub struct TocItem {
    pub level: u8,
    pub id: &'static str,
    pub text: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

impl LessonData {
    pub fn text(&self, lang: Locale) -> &LessonText {
        &self.texts[lang_index(lang)]
    }
}

/// The sections of lesson `index` (of [`LESSONS`]) in `lang`, for its table of contents.
pub fn toc(index: usize, lang: Locale) -> &'static [TocItem] {
    TOCS[index][lang_index(lang)]
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
    static GLOSSARIES: std::cell::RefCell<[Option<GlossaryTerms>; 2]> = Default::default();
}

/// Fetches one of the course's text files (`lessons/<path>`) and keeps it for the page's lifetime, so what is
/// decoded from it can borrow from it like the compiled-in data.
async fn fetch_text(path: &str) -> Result<&'static str, LoadError> {
    let url = format!("{}/lessons/{path}", crate::base());
    let response = gloo_net::http::Request::get(&url).send().await.map_err(|e| LoadError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(LoadError::Network(format!("HTTP {}", response.status())));
    }
    let text = response.text().await.map_err(|e| LoadError::Network(e.to_string()))?;
    Ok(Box::leak(text.into_boxed_str()))
}

/// A lesson's body, once per session: kept for the page's lifetime (at most one per lesson and language).
/// Fetched, unless [`keep_body`] already has it from the page's static copy.
pub async fn load_body(lang: Locale, slug: &'static str) -> Result<Body, LoadError> {
    if let Some(b) = BODIES.with(|m| m.borrow().get(&(lang_index(lang), slug)).copied()) {
        return Ok(b);
    }
    let text = fetch_text(&format!("{}/{slug}.txt", crate::lang::code(lang))).await?;
    keep_body(lang, slug, text)
}

/// Decodes a lesson's body (fetched, or put together from the static copy) and keeps it for [`load_body`].
pub fn keep_body(lang: Locale, slug: &'static str, text: &'static str) -> Result<Body, LoadError> {
    let blocks: Body = Box::leak(lesson_format::decode(text).map_err(LoadError::Format)?.into_boxed_slice());
    BODIES.with(|m| m.borrow_mut().insert((lang_index(lang), slug), blocks));
    Ok(blocks)
}

/// The body [`keep_body`] kept for this lesson and language, if any.
pub fn kept_body(lang: Locale, slug: &'static str) -> Option<Body> {
    BODIES.with(|m| m.borrow().get(&(lang_index(lang), slug)).copied())
}

/// The body of the lesson a static copy shows (src/bin/render.rs), without fetching it again: the copy holds
/// the prose as HTML, and the rest of the body (widgets, questions) in `<script type="text/plain"
/// id="lesson-wire">`, the body with its prose left out ([`lesson_format::with_prose`]). None when the copy has
/// no such script or does not match it (the page then fetches the body).
pub fn body_in_copy(copy: &web_sys::Element) -> Option<&'static str> {
    use wasm_bindgen::JsCast;
    let skeleton = copy.query_selector("#lesson-wire").ok()??.text_content()?;
    let prose = copy.query_selector_all(".lesson__body > .prose").ok()?;
    let html = (0..prose.length())
        .map(|i| prose.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()).map(|e| e.inner_html()));
    let text = lesson_format::with_prose(&skeleton, html.collect::<Option<Vec<_>>>()?)?;
    Some(Box::leak(text.into_boxed_str()))
}

/// The glossary in one language: its terms in the order the page lists them.
pub type GlossaryTerms = &'static [lesson_format::glossary::Term<'static>];

/// Fetches and decodes the glossary (`lessons/<lang>/glossary.txt`), once per session and language.
pub async fn load_glossary(lang: Locale) -> Result<GlossaryTerms, LoadError> {
    if let Some(g) = GLOSSARIES.with(|g| g.borrow()[lang_index(lang)]) {
        return Ok(g);
    }
    let text = fetch_text(&format!("{}/glossary.txt", crate::lang::code(lang))).await?;
    keep_glossary(lang, text)
}

/// Decodes the glossary (fetched, or read by the static pages' renderer) and keeps it for [`load_glossary`].
pub fn keep_glossary(lang: Locale, text: &'static str) -> Result<GlossaryTerms, LoadError> {
    let terms: GlossaryTerms =
        Box::leak(lesson_format::glossary::decode(text).map_err(LoadError::Format)?.into_boxed_slice());
    GLOSSARIES.with(|g| g.borrow_mut()[lang_index(lang)] = Some(terms));
    Ok(terms)
}

/// The glossary [`keep_glossary`] kept in this language, if any.
pub fn kept_glossary(lang: Locale) -> Option<GlossaryTerms> {
    GLOSSARIES.with(|g| g.borrow()[lang_index(lang)])
}
