//! A question at the end of a lesson: pick an option (radio buttons, so arrows and space work), check it, and
//! read why every option is right or wrong. The choice is remembered on this device under the question's id,
//! which is the same in both languages.

use crate::i18n::*;
use crate::prefs::use_answers;
use leptos::prelude::*;
use lesson_format::Quiz as QuizData;

/// One question with its options and, once checked, the explanation of each option.
#[component]
pub fn Quiz(
    /// The question, from the lesson.
    quiz: &'static QuizData<'static>,
    /// Its number among the lesson's questions (1-based).
    number: usize,
    lang: Locale,
) -> impl IntoView {
    let store = use_answers();
    let saved =
        move || store.answers.with(|a| a.0.get(quiz.id).copied().map(usize::from)).filter(|i| *i < quiz.options.len());
    // The option the learner has selected but not yet checked; a saved answer shows as checked.
    let selected = RwSignal::new(None::<usize>);
    let checked = move || saved().is_some();
    let check = move |_| {
        if let Some(i) = selected.get() {
            store.set_answers.update(|a| {
                a.0.insert(quiz.id.to_string(), i as u8);
            });
        }
    };
    let retry = move |_| {
        selected.set(None);
        store.set_answers.update(|a| {
            a.0.remove(quiz.id);
        });
    };
    let right = quiz.options.iter().position(|o| o.correct).unwrap_or(0);
    let legend_id = format!("quiz-{}", quiz.id);
    let labelled_by = legend_id.clone();

    view! {
        <section class="quiz" aria-labelledby=labelled_by data-quiz=quiz.id>
            <fieldset class="quiz__fieldset" disabled=checked>
                <legend id=legend_id class="quiz__legend">
                    <span class="quiz__number">{td!(lang, question_number, n = number)}</span>
                    <span class="quiz__question" inner_html=quiz.question></span>
                </legend>
                {quiz
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let is_on = move || saved().or(selected.get()) == Some(i);
                        view! {
                            <label
                                class="quiz__option"
                                class:quiz__option--right=move || checked() && i == right
                                class:quiz__option--wrong=move || checked() && is_on() && i != right
                            >
                                <input
                                    type="radio"
                                    name=format!("quiz-{}", quiz.id)
                                    prop:checked=is_on
                                    on:change=move |_| selected.set(Some(i))
                                />
                                <span inner_html=o.text></span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="quiz__actions">
                <Show
                    when=checked
                    fallback=move || view! {
                        <button type="button" class="button button--primary" on:click=check disabled=move || selected.get().is_none()>
                            {td!(lang, quiz_check)}
                        </button>
                    }
                >
                    <button type="button" class="button" on:click=retry>{td!(lang, quiz_retry)}</button>
                </Show>
            </div>
            <div class="quiz__feedback" aria-live="polite">
                {move || saved().map(|chosen| {
                    let verdict = if chosen == right { td_string!(lang, quiz_right) } else { td_string!(lang, quiz_wrong) };
                    view! {
                        <p class="quiz__verdict" class:quiz__verdict--right=chosen == right>{verdict}</p>
                        <ul class="quiz__whys">
                            {quiz.options.iter().enumerate().map(|(i, o)| {
                                let tag = if i == right {
                                    td_string!(lang, quiz_tag_right)
                                } else if i == chosen {
                                    td_string!(lang, quiz_tag_yours)
                                } else {
                                    ""
                                };
                                view! {
                                    <li class="quiz__why" class:quiz__why--right=i == right>
                                        <span class="quiz__why-option" inner_html=o.text></span>
                                        {(!tag.is_empty()).then(|| view! { <span class="quiz__tag">{tag}</span> })}
                                        <span class="quiz__why-text" inner_html=o.why></span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </div>
        </section>
    }
}
