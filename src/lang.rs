//! Which language a page is in. Lesson pages carry it in their path (`/ko/...`, `/en/...`); the course map at
//! `/` uses the learner's remembered choice, else the browser's preferred languages.

use crate::i18n::Locale;

pub fn code(lang: Locale) -> &'static str {
    match lang {
        Locale::ko => "ko",
        Locale::en => "en",
    }
}

pub fn parse(code: &str) -> Option<Locale> {
    match code {
        "ko" => Some(Locale::ko),
        "en" => Some(Locale::en),
        _ => None,
    }
}

pub fn other(lang: Locale) -> Locale {
    match lang {
        Locale::ko => Locale::en,
        Locale::en => Locale::ko,
    }
}

/// The first of the browser's languages that we teach in; English when none is.
pub fn from_browser(preferred: &[String]) -> Locale {
    preferred.iter().find_map(|l| parse(&l.get(..2).unwrap_or_default().to_ascii_lowercase())).unwrap_or(Locale::en)
}
