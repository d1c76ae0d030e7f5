//! What the DDD sorting and matching exercises (`ddd-kinds`, `ddd-contexts`, `ddd-language`) share: a list
//! of items, a choice for each (a `<select>`, so the keyboard does everything), a check that grades them with
//! `msa_sim::ddd::exercises` and explains every item, and the answers kept on this device.

use crate::i18n::*;
use crate::widgets::fill;
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;
use msa_sim::ddd::exercises::{Answers, Exercise, Mark};

/// The words of one exercise in the page's language.
#[derive(Clone, Copy)]
pub struct Texts {
    pub title: &'static str,
    pub intro: &'static str,
    /// An item's text and the explanation of its answer.
    pub item: fn(Locale, &str) -> (&'static str, &'static str),
    pub choice: fn(Locale, &str) -> &'static str,
}

/// The stored answers of `ex`: a corrupted or outdated entry gives an empty sheet.
fn load(ex: &Exercise, raw: &str) -> (Answers, bool) {
    ex.decode(raw).unwrap_or_else(|| (ex.empty(), false))
}

#[component]
pub fn SortExercise(
    ex: Exercise,
    texts: Texts,
    lang: Locale,
    #[prop(optional)] extra: Option<ViewFn>,
) -> impl IntoView {
    let (stored, set_stored, _) = use_local_storage::<String, FromToStringCodec>(format!("msa-lab:{}", ex.id));
    let state = Memo::new(move |_| stored.with(|s| load(&ex, s)));
    let answers = move || state.get().0;
    let checked = move || state.get().1;
    let save = move |a: &Answers, c: bool| set_stored.set(ex.encode(a, c));
    let grade = move || ex.grade(&answers());
    let title_id = format!("{}-title", ex.id);
    let labelled = title_id.clone();

    let items = ex
        .items
        .iter()
        .enumerate()
        .map(|(i, (id, _))| {
            let (text, why) = (texts.item)(lang, id);
            let select_id = format!("{}-{}", ex.id, id);
            let why_id = format!("{select_id}-why");
            let mark = move || if checked() { grade().marks[i] } else { Mark::Unanswered };
            let right_choice = ex.items[i].1 as usize;
            view! {
                <li
                    class="ddd__item"
                    class:ddd__item--right=move || mark() == Mark::Right
                    class:ddd__item--wrong=move || mark() == Mark::Wrong
                    data-item=*id
                >
                    <label class="ddd__item-text" for=select_id.clone()>{text}</label>
                    <select
                        id=select_id
                        class="ddd__select"
                        disabled=checked
                        aria-describedby=move || checked().then(|| why_id.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            let mut a = answers();
                            let choice = v.parse::<u8>().ok();
                            ex.choose(&mut a, i, choice);
                            save(&a, false);
                        }
                    >
                        <option value="" selected=move || answers().0.get(i).copied().flatten().is_none()>
                            {td_string!(lang, ddd.choose)}
                        </option>
                        {ex.choices
                            .iter()
                            .enumerate()
                            .map(|(c, cid)| {
                                view! {
                                    <option value=c.to_string() selected=move || answers().0.get(i).copied().flatten() == Some(c as u8)>
                                        {(texts.choice)(lang, cid)}
                                    </option>
                                }
                                .into_any()
                            })
                            .collect_view()}
                    </select>
                    <Show when=checked>
                        <p class="ddd__why" id=format!("{}-{}-why", ex.id, id)>
                            <strong>
                                {move || if mark() == Mark::Right { td_string!(lang, ddd.mark_right) } else { td_string!(lang, ddd.mark_wrong) }}
                            </strong>
                            " "
                            {move || (mark() != Mark::Right).then(|| view! { {fill(td_string!(lang, ddd.answer_is), &[("answer", &(texts.choice)(lang, ex.choices[right_choice]))])} })}
                            " "
                            {why}
                        </p>
                    </Show>
                </li>
            }
            .into_any()
        })
        .collect_view();

    let answered = move || answers().0.iter().filter(|c| c.is_some()).count();
    // The button pressed disappears when the sheet is checked or reopened: focus goes where the learner reads
    // next (the score, or the first answer), not to the top of the page.
    let score_ref = NodeRef::<leptos::html::P>::new();
    let first_id = format!("{}-{}", ex.id, ex.items.first().map(|i| i.0).unwrap_or_default());
    let first_id = StoredValue::new(first_id);
    let focus_first = move || {
        // After the next frame: the selects are enabled by then.
        let id = first_id.get_value();
        request_animation_frame(move || crate::focus(document().get_element_by_id(&id)));
    };
    view! {
        <section class="widget widget--ddd" data-keys aria-labelledby=labelled data-exercise=ex.id>
            <h3 class="widget__title" id=title_id>{texts.title}</h3>
            <p class="ddd__intro">{texts.intro}</p>
            <ol class="ddd__items">{items}</ol>
            <div class="ddd__actions">
                <Show
                    when=checked
                    fallback=move || view! {
                        <button
                            type="button"
                            class="button button--primary"
                            disabled=move || answered() < ex.items.len()
                            on:click=move |_| {
                                save(&answers(), true);
                                if let Some(p) = score_ref.get_untracked() {
                                    let _ = p.focus();
                                }
                            }
                        >
                            {td_string!(lang, ddd.check)}
                        </button>
                        <span class="ddd__count">{move || fill(td_string!(lang, ddd.answered), &[("n", &answered()), ("total", &ex.items.len())])}</span>
                    }
                >
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            save(&answers(), false);
                            focus_first();
                        }
                    >
                        {td_string!(lang, ddd.change)}
                    </button>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| {
                            save(&ex.empty(), false);
                            focus_first();
                        }
                    >
                        {td_string!(lang, ddd.reset)}
                    </button>
                </Show>
            </div>
            <p class="ddd__score" role="status" aria-live="polite" tabindex="-1" node_ref=score_ref>
                {move || checked().then(|| {
                    let g = grade();
                    if g.perfect() {
                        fill(td_string!(lang, ddd.score_perfect), &[("total", &g.total)]).into_any()
                    } else {
                        fill(td_string!(lang, ddd.score), &[("right", &g.right), ("total", &g.total)]).into_any()
                    }
                })}
            </p>
            {move || checked().then(|| extra.as_ref().map(|f| f.run()))}
        </section>
    }
}
