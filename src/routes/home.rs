use crate::content::LESSONS;
use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::prefs::{use_answers, use_lang_pref, use_progress};
use crate::routes::NotFound;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// The course map: every lesson with its length and how far the learner has read it. At `/` it speaks the
/// learner's remembered language (else the browser's); at `/ko` and `/en` the one in the path.
#[component]
pub fn Home() -> impl IntoView {
    let params = use_params_map();
    let pref = use_lang_pref();
    let lang_param = Memo::new(move |_| params.with(|p| p.get("lang")));
    move || match lang_param.get() {
        None => {
            let lang = Signal::derive(move || lang::parse(&pref.code.get()).unwrap_or_else(browser_lang));
            view! { <CourseMap lang /> }.into_any()
        }
        Some(code) => match lang::parse(&code) {
            Some(l) => view! { <CourseMap lang=Signal::stored(l) /> }.into_any(),
            None => view! { <NotFound lang=None /> }.into_any(),
        },
    }
}

/// The browser's preferred language among those we teach in.
pub fn browser_lang() -> Locale {
    let langs: Vec<String> = window().navigator().languages().iter().filter_map(|v| v.as_string()).collect();
    lang::from_browser(&langs)
}

#[component]
fn CourseMap(lang: Signal<Locale>) -> impl IntoView {
    // leptos_meta reads a static page's title after the page has rendered and its signals have gone: there it
    // takes the language as it is now.
    let now = lang.get_untracked();
    let title_lang = move || if crate::RENDERING { now } else { lang.get() };
    let title =
        move || format!("{} · {}", td_string!(title_lang(), site_name), td_string!(title_lang(), course_heading));
    view! {
        <Title text=title />
        <Meta name="description" content=move || td_string!(lang.get(), tagline) />
        <Shell lang switch_href=Signal::derive(move || format!("/{}", lang::code(lang::other(lang.get())))) >
            {course_sections(lang)}
        </Shell>
    }
}

/// The home page's content: where to start or go on, the course map with what the learner has done, the labs.
/// Its links are plain links, which the router follows in the app (and the browser on the static page, brought
/// to life by `islands::home`).
pub fn course_sections(lang: Signal<Locale>) -> impl IntoView {
    let progress = use_progress().progress;
    let answers = use_answers().answers;
    let predictions = crate::prefs::use_predictions().predictions;
    let solved = crate::prefs::use_solved().solved;
    let next_lesson = move || {
        let p = progress.get();
        let started = LESSONS.iter().any(|l| p.percent(l.slug) > 0);
        let next = LESSONS.iter().find(|l| !p.is_done(l.slug)).unwrap_or(&LESSONS[0]);
        (started, format!("/{}/{}", lang::code(lang.get()), next.slug))
    };
    view! {
        <section class="hero">
            <h1>{move || td_string!(lang.get(), site_name)}</h1>
            <p class="hero__tagline">{move || td_string!(lang.get(), tagline)}</p>
            <p>
                <a href=move || crate::href(&next_lesson().1) class="button button--primary">
                    {move || if next_lesson().0 {
                        td_string!(lang.get(), continue_reading).to_string()
                    } else {
                        td_string!(lang.get(), start_course).to_string()
                    }}
                </a>
            </p>
        </section>
        <section class="course" aria-labelledby="course-heading">
            <h2 id="course-heading">{move || td_string!(lang.get(), course_heading)}</h2>
            <p>{move || td_string!(lang.get(), course_intro)}</p>
            <ol class="course__list">
                {LESSONS
                    .iter()
                    .enumerate()
                    .map(|(i, lesson)| {
                        let text = move || lesson.text(lang.get());
                        let pct = move || progress.with(|p| p.percent(lesson.slug));
                        let status = move || {
                            let p = pct();
                            let l = lang.get();
                            if progress.with(|pr| pr.is_done(lesson.slug)) {
                                td!(l, progress_done).into_any()
                            } else if p == 0 {
                                td!(l, progress_new).into_any()
                            } else {
                                td!(l, progress_read, pct = p).into_any()
                            }
                        };
                        let total = lesson.quizzes.len();
                            let right = move || answers.with(|a| {
                                lesson.quizzes.iter().filter(|q| a.0.get(q.id).is_some_and(|&i| usize::from(i) == q.right)).count()
                            });
                        view! {
                            <li class="course__item" class:course__item--done=move || progress.with(|p| p.is_done(lesson.slug))>
                                <span class="course__number">{move || td!(lang.get(), lesson_number, n = i + 1)}</span>
                                <h3 class="course__title">
                                    <a href=move || crate::href(&format!("/{}/{}", lang::code(lang.get()), lesson.slug))>
                                        {move || text().title}
                                    </a>
                                </h3>
                                <p class="course__summary">{move || text().summary}</p>
                                <p class="course__meta">
                                    <span>{move || td!(lang.get(), minutes, n = text().minutes)}</span>
                                    <span class="course__status">{status}</span>
                                </p>
                                {(total > 0).then(|| view! {
                                    <p class="course__quiz">{move || td!(lang.get(), quiz_score, right = right(), total = total)}</p>
                                })}
                                {(!lesson.predictions.is_empty()).then(|| {
                                    let made = move || predictions.with(|p| lesson.predictions.iter().filter(|id| p.0.contains_key(**id)).count());
                                    let total = lesson.predictions.len();
                                    view! {
                                        <p class="course__predictions">
                                            {move || crate::widgets::fill(td_string!(lang.get(), predict.made), &[("1", &made()), ("2", &total)])}
                                        </p>
                                    }
                                })}
                                {msa_sim::challenge::of_lesson(lesson.slug).next().is_some().then(|| {
                                    let done = move || solved.with(|s| msa_sim::challenge::of_lesson(lesson.slug).filter(|c| s.is_solved(c.id)).count());
                                    let total = msa_sim::challenge::of_lesson(lesson.slug).count();
                                    view! {
                                        <p class="course__challenges">
                                            {move || crate::widgets::fill(td_string!(lang.get(), challenge_ui.course_count), &[("solved", &done()), ("total", &total)])}
                                        </p>
                                    }
                                })}
                                <div
                                    class="meter"
                                    role="progressbar"
                                    aria-label=move || format!("{}: {}", td_string!(lang.get(), progress_label), text().title)
                                    aria-valuemin="0"
                                    aria-valuemax="100"
                                    aria-valuenow=move || pct().to_string()
                                >
                                    // The bar's width is set through the CSSOM, which the Content-Security-Policy
                                    // allows; a static page would need a style attribute, which it refuses.
                                    {(!crate::RENDERING).then(|| view! {
                                        <span class="meter__bar" style:width=move || format!("{}%", pct())></span>
                                    })}
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <p class="course__glossary">
                <a href=move || crate::href(&format!("/{}/glossary", lang::code(lang.get())))>
                    {move || td_string!(lang.get(), glossary)}
                </a>
            </p>
            <p class="course__glossary course__challenges-link">
                <a href=move || crate::href(&format!("/{}/challenges", lang::code(lang.get())))>
                    {move || td_string!(lang.get(), challenge_ui.nav)}
                </a>
            </p>
        </section>
        {(!crate::widgets::LABS.is_empty()).then(|| view! {
            <section class="labs" aria-labelledby="labs-heading">
                <h2 id="labs-heading">{move || td_string!(lang.get(), labs_heading)}</h2>
                <p>{move || td_string!(lang.get(), labs_intro)}</p>
                <ul class="labs__list">
                    {crate::widgets::LABS.iter().map(|lab| view! {
                        <li class="labs__item">
                            <a href=move || crate::href(&format!("/{}/lab/{}", lang::code(lang.get()), lab.name))>
                                {move || (lab.title)(lang.get())}
                            </a>
                            <p>{move || (lab.summary)(lang.get())}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
