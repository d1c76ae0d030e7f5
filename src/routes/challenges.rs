use crate::content;
use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::prefs::use_solved;
use crate::widgets::challenge_texts::texts;
use crate::widgets::fill;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use lesson_format::progress::Solved;

/// `/:lang/challenges`: every challenge of the course by lesson, with whether the learner has solved it, its goal
/// and a link to where it lives (its lesson's Challenges section). The core bundle carries this page: it reads
/// only the challenges' metadata (`msa_sim::challenge::CHALLENGES`, plain constants), never their checks.
#[component]
pub fn ChallengesPage(lang: Locale) -> impl IntoView {
    let switch_href = Signal::stored(format!("/{}/challenges", lang::code(lang::other(lang))));
    view! {
        <Title text=format!("{} · {}", td_string!(lang, challenge_ui.page_title), td_string!(lang, site_name)) />
        <Meta name="description" content=td_string!(lang, challenge_ui.page_intro) />
        <Shell lang=Signal::stored(lang) switch_href>
            <section class="challenges-page">{challenge_list(lang)}</section>
        </Shell>
    }
}

/// The challenges page's content: how many the learner has solved, and each lesson's challenges with their state.
/// Its links are plain links, which the router follows (the static page's stay as they are: `islands::challenges`
/// brings only the count and the states to life, so the core bundle carries none of the challenges' texts).
fn challenge_list(lang: Locale) -> impl IntoView {
    let code = lang::code(lang);
    let solved = use_solved().solved;
    view! {
        <h1>{td_string!(lang, challenge_ui.page_title)}</h1>
        <p class="challenges-page__intro">{td_string!(lang, challenge_ui.page_intro)}</p>
        <p class="challenges-page__count">
            {move || solved.with(|s| count_text(lang, s))}
        </p>
        {content::LESSONS
            .iter()
            .filter(|l| msa_sim::challenge::of_lesson(l.slug).next().is_some())
            .map(|l| {
                let rows = msa_sim::challenge::of_lesson(l.slug)
                    .map(|c| {
                        let (title, goal) = texts(lang, c.id);
                        let done = move || solved.with(|s| s.is_solved(c.id));
                        view! {
                            <tr data-challenge=c.id>
                                <th scope="row">
                                    <a href=crate::href(&format!("/{code}/{}#challenge-{}", l.slug, c.id))>{title}</a>
                                </th>
                                <td>{goal}</td>
                                <td class="challenges-page__state" class:challenges-page__state--solved=done>
                                    {move || state_text(lang, done())}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <h2>
                        <a href=crate::href(&format!("/{code}/{}#challenges", l.slug))>{l.text(lang).title}</a>
                    </h2>
                    <div class="table-wrap">
                        <table class="challenges-page__table">
                            <thead>
                                <tr>
                                    <th scope="col">{td_string!(lang, challenge_ui.kicker)}</th>
                                    <th scope="col">{td_string!(lang, challenge_ui.page_goal)}</th>
                                    <th scope="col">{td_string!(lang, challenge_ui.page_state)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
            })
            .collect_view()}
    }
}

/// "{solved} of {total} challenges solved", of every challenge of the course.
pub fn count_text(lang: Locale, solved: &Solved) -> String {
    let all = msa_sim::challenge::CHALLENGES;
    let count = all.iter().filter(|c| solved.is_solved(c.id)).count();
    fill(td_string!(lang, challenge_ui.page_count), &[("solved", &count), ("total", &all.len())])
}

/// A challenge's state in the table.
pub fn state_text(lang: Locale, solved: bool) -> &'static str {
    if solved {
        td_string!(lang, challenge_ui.page_solved)
    } else {
        td_string!(lang, challenge_ui.page_not_yet)
    }
}
