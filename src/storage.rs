//! Every entry the site keeps in localStorage, checked once when the app starts, before anything reads it: an
//! entry that does not decode (hand-edited, written by another version, cut short) is removed, so the page starts
//! from the default, and the learner is told what was reset. The decoders are the same non-panicking functions
//! the rest of the app uses (`Progress`'s `FromStr`, `Exercise::decode`), fuzzed and property-tested natively.

use crate::i18n::*;
use crate::prefs::Progress;
use crate::widgets::fill;
use leptos::prelude::*;
use msa_sim::ddd::exercises::{self, Exercise};

/// One kind of stored entry.
#[derive(Clone, Copy)]
pub enum Entry {
    Progress,
    Answers,
    Predictions,
    Challenges,
    Language,
    Theme,
    Exercise(Exercise),
}

impl Entry {
    fn all() -> impl Iterator<Item = Entry> {
        [Entry::Progress, Entry::Answers, Entry::Predictions, Entry::Challenges, Entry::Language, Entry::Theme]
            .into_iter()
            .chain(exercises::ALL.into_iter().map(Entry::Exercise))
    }

    pub fn key(self) -> String {
        match self {
            Entry::Progress => "msa-lab:progress".into(),
            Entry::Answers => "msa-lab:answers".into(),
            Entry::Predictions => "msa-lab:predictions".into(),
            Entry::Challenges => "msa-lab:challenges".into(),
            Entry::Language => crate::prefs::LANG_KEY.into(),
            Entry::Theme => "msa-lab:theme".into(),
            Entry::Exercise(ex) => format!("msa-lab:{}", ex.id),
        }
    }

    /// Whether a stored value is one the app can read.
    pub fn valid(self, raw: &str) -> bool {
        match self {
            Entry::Progress | Entry::Answers => raw.parse::<Progress>().is_ok(),
            Entry::Predictions => raw.parse::<crate::prefs::Predictions>().is_ok(),
            Entry::Challenges => raw.parse::<crate::prefs::Solved>().is_ok(),
            Entry::Language => matches!(raw, "" | "ko" | "en"),
            Entry::Theme => matches!(raw, "" | "light" | "dark"),
            Entry::Exercise(ex) => raw.is_empty() || ex.decode(raw).is_some(),
        }
    }

    fn describe(self, lang: Locale) -> String {
        match self {
            Entry::Progress => td_string!(lang, storage_progress).to_string(),
            Entry::Answers => td_string!(lang, storage_answers).to_string(),
            Entry::Predictions => td_string!(lang, storage_predictions).to_string(),
            Entry::Challenges => td_string!(lang, challenge_ui.storage).to_string(),
            Entry::Language => td_string!(lang, storage_language).to_string(),
            Entry::Theme => td_string!(lang, storage_theme).to_string(),
            Entry::Exercise(ex) => {
                let title = match ex.id {
                    "ddd-kinds" => td_string!(lang, ddd.kinds_title),
                    "ddd-contexts" => td_string!(lang, ddd.contexts_title),
                    _ => td_string!(lang, ddd.language_title),
                };
                fill(td_string!(lang, storage_exercise), &[("1", &title)])
            }
        }
    }
}

/// The entries that were reset when the app started (context).
#[derive(Clone, Copy)]
pub struct Resets(pub RwSignal<Vec<Entry>>);

/// Checks every entry, removes those that do not decode, and provides what was reset. Call before anything reads
/// localStorage. Without localStorage (blocked by the browser) there is nothing to check.
pub fn check_and_provide() {
    let mut reset = Vec::new();
    let store = if crate::RENDERING { None } else { window().local_storage().ok().flatten() };
    if let Some(store) = store {
        for entry in Entry::all() {
            let key = entry.key();
            if let Ok(Some(raw)) = store.get_item(&key) {
                if !entry.valid(&raw) && store.remove_item(&key).is_ok() {
                    reset.push(entry);
                }
            }
        }
    }
    provide_context(Resets(RwSignal::new(reset)));
}

/// The notice of what was reset, until the learner dismisses it.
#[component]
pub fn ResetNotice(#[prop(into)] lang: Signal<Locale>) -> impl IntoView {
    let Resets(reset) = expect_context::<Resets>();
    move || {
        let entries = reset.get();
        (!entries.is_empty()).then(|| {
            let lang = lang.get();
            view! {
                // An alert: a live region added together with its text is not reliably announced as a status.
                <div class="notice" role="alert">
                    <p>{td_string!(lang, storage_reset)}</p>
                    <ul>{entries.into_iter().map(|e| view! { <li>{e.describe(lang)}</li> }).collect_view()}</ul>
                    <button
                        type="button"
                        class="button button--small"
                        on:click=move |_| {
                            reset.set(Vec::new());
                            // The button goes with the notice: focus moves to the page's content, not to <body>.
                            crate::focus(document().get_element_by_id("main"));
                        }
                    >
                        {td_string!(lang, storage_reset_ok)}
                    </button>
                </div>
            }
        })
    }
}
