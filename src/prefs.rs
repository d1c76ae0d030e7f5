//! What the site remembers on this device (localStorage through leptos-use): the language the learner chose
//! and how far they read each lesson. A corrupted entry decodes to the default rather than breaking the page.

use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A small map from ids (lesson slugs, question ids) to a number, stored as `id:n,id:n`: how far each lesson
/// was read (percent), or which option the learner chose for each question.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress(pub BTreeMap<String, u8>);

/// Answers to the lessons' questions: question id to the chosen option's index.
pub type Answers = Progress;

impl Progress {
    pub fn percent(&self, slug: &str) -> u8 {
        self.0.get(slug).copied().unwrap_or(0)
    }

    /// A lesson counts as read once its end has been on screen.
    pub fn is_done(&self, slug: &str) -> bool {
        self.percent(slug) >= DONE_PERCENT
    }
}

pub const DONE_PERCENT: u8 = 95;

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for Progress {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let mut map = BTreeMap::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let (slug, pct) = part.split_once(':').ok_or(())?;
            let pct: u8 = pct.parse().map_err(|_| ())?;
            if pct > 100 || slug.is_empty() || slug.len() > 64 || !slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(());
            }
            map.insert(slug.to_string(), pct);
        }
        Ok(Progress(map))
    }
}

/// The remembered reading progress, shared by every page (context newtype).
#[derive(Clone, Copy)]
pub struct ProgressStore {
    pub progress: Signal<Progress>,
    pub set_progress: WriteSignal<Progress>,
}

/// The remembered answers to every question, shared by the quizzes and the course map.
#[derive(Clone, Copy)]
pub struct AnswerStore {
    pub answers: Signal<Answers>,
    pub set_answers: WriteSignal<Answers>,
}

/// The remembered language choice: `ko`, `en`, or empty when the learner never chose.
#[derive(Clone, Copy)]
pub struct LangPref {
    pub code: Signal<String>,
    pub set_code: WriteSignal<String>,
}

pub fn provide_prefs() {
    let (progress, set_progress, _) = use_local_storage::<Progress, FromToStringCodec>("msa-lab:progress");
    provide_context(ProgressStore { progress, set_progress });
    let (answers, set_answers, _) = use_local_storage::<Answers, FromToStringCodec>("msa-lab:answers");
    provide_context(AnswerStore { answers, set_answers });
    let (code, set_code, _) = use_local_storage::<String, FromToStringCodec>("msa-lab:lang");
    provide_context(LangPref { code, set_code });
}

pub fn use_progress() -> ProgressStore {
    expect_context::<ProgressStore>()
}

pub fn use_answers() -> AnswerStore {
    expect_context::<AnswerStore>()
}

pub fn use_lang_pref() -> LangPref {
    expect_context::<LangPref>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_round_trips_and_rejects_garbage() {
        let p: Progress = "ddd:40,sessions:100".parse().unwrap();
        assert_eq!(p.percent("ddd"), 40);
        assert!(p.is_done("sessions"));
        assert_eq!(p.to_string(), "ddd:40,sessions:100");
        assert_eq!("".parse::<Progress>(), Ok(Progress::default()));
        for bad in ["ddd", "ddd:x", "ddd:101", ":5", "{\"json\":1}", "a b:1"] {
            assert!(bad.parse::<Progress>().is_err(), "{bad}");
        }
    }
}
