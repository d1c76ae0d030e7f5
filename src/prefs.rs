//! What the site remembers on this device (localStorage through leptos-use): the language the learner chose
//! and how far they read each lesson. A corrupted entry decodes to the default rather than breaking the page.

use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;

/// The `id:n,id:n` map of reading progress and answers: parsed in the web-free `lesson-format` crate (fuzzed).
pub use lesson_format::progress::{Predictions, Progress, Solved, DONE_PERCENT};

/// Answers to the lessons' questions: question id to the chosen option's index.
pub type Answers = Progress;

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

/// The remembered predictions, shared by the predict blocks and the course map.
#[derive(Clone, Copy)]
pub struct PredictionStore {
    pub predictions: Signal<Predictions>,
    pub set_predictions: WriteSignal<Predictions>,
}

/// The solved challenges, shared by the challenges, the course map and the challenges page.
#[derive(Clone, Copy)]
pub struct SolvedStore {
    pub solved: Signal<Solved>,
    pub set_solved: WriteSignal<Solved>,
}

/// Where the language choice is stored.
pub const LANG_KEY: &str = "msa-lab:lang";

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
    let (predictions, set_predictions, _) = use_local_storage::<Predictions, FromToStringCodec>("msa-lab:predictions");
    provide_context(PredictionStore { predictions, set_predictions });
    let (solved, set_solved, _) = use_local_storage::<Solved, FromToStringCodec>("msa-lab:challenges");
    provide_context(SolvedStore { solved, set_solved });
    let (code, set_code, _) = use_local_storage::<String, FromToStringCodec>(LANG_KEY);
    provide_context(LangPref { code, set_code });
}

pub fn use_progress() -> ProgressStore {
    expect_context::<ProgressStore>()
}

pub fn use_answers() -> AnswerStore {
    expect_context::<AnswerStore>()
}

pub fn use_predictions() -> PredictionStore {
    expect_context::<PredictionStore>()
}

pub fn use_solved() -> SolvedStore {
    expect_context::<SolvedStore>()
}

pub fn use_lang_pref() -> LangPref {
    expect_context::<LangPref>()
}
