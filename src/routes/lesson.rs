use crate::content::{self, LessonData, LoadError, LESSONS};
use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::prefs::use_progress;
use crate::routes::NotFound;
use crate::widgets;
use crate::widgets::predict;
use crate::widgets::quiz::Quiz;
use leptos::ev;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_use::use_event_listener;
use wasm_bindgen::JsCast;

/// `/:lang/:lesson`: a lesson in one language, or the 404 page when either part names nothing.
#[component]
pub fn LessonPage() -> impl IntoView {
    let params = use_params_map();
    let found = Memo::new(move |_| {
        params.with(|p| {
            let l = lang::parse(&p.get("lang")?)?;
            let (index, _) = content::find(&p.get("lesson")?)?;
            Some((l, index))
        })
    });
    let lang_in_path = move || params.with(|p| p.get("lang").and_then(|c| lang::parse(&c)));
    let glossary = move || params.with(|p| p.get("lesson").as_deref() == Some("glossary"));
    move || match (found.get(), lang_in_path(), glossary()) {
        (Some((l, index)), _, _) => view! { <Lesson lang=l index /> }.into_any(),
        (None, Some(l), true) => view! { <crate::routes::Glossary lang=l /> }.into_any(),
        (None, Some(l), _) if params.with(|p| p.get("lesson").as_deref() == Some("challenges")) => {
            view! { <crate::routes::ChallengesPage lang=l /> }.into_any()
        }
        (None, l, _) => view! { <NotFound lang=l /> }.into_any(),
    }
}

#[component]
fn Lesson(lang: Locale, index: usize) -> impl IntoView {
    let lesson: &'static LessonData = &LESSONS[index];
    let text = lesson.text(lang);
    let code = lang::code(lang);
    let href = move |l: &LessonData| format!("/{code}/{}", l.slug);
    let prev = index.checked_sub(1).map(|i| &LESSONS[i]);
    let next = LESSONS.get(index + 1);
    let location = use_location();
    // The switch keeps the lesson, the widgets' state (the query) and the section: ids are the same in both
    // languages.
    let url_version = crate::widgets::url_state::version();
    let switch_href = Signal::derive(move || {
        url_version.track();
        let search = crate::widgets::url_state::current_search();
        // A static page has no fragment: the server never sees it.
        let hash = if crate::RENDERING { String::new() } else { location.hash.get() };
        format!("/{}/{}{}{}", lang::code(lang::other(lang)), lesson.slug, search, hash)
    });

    // Reading progress and ←/→ page turns belong to the browser: a static page has neither.
    if !crate::RENDERING {
        track_reading(lesson.slug);
        let navigate = use_navigate();
        page_turns(lang, index, move |path| navigate(&path, Default::default()));
    }

    let open_groups =
        !crate::RENDERING && window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w >= 900.0);
    let lesson_n = index + 1;
    // Search engines want the other language's page as an absolute URL (a static page does not know its origin).
    let alternate = (!crate::RENDERING).then(|| {
        let href = format!(
            "{}{}/{}/{}",
            window().location().origin().unwrap_or_default(),
            crate::base(),
            lang::code(lang::other(lang)),
            lesson.slug,
        );
        view! { <Link rel="alternate" hreflang=lang::code(lang::other(lang)) href /> }
    });
    view! {
        <Title text=format!("{} · {}", text.title, td_string!(lang, site_name)) />
        <Meta name="description" content=text.summary />
        {alternate}
        <Shell lang=Signal::stored(lang) switch_href>
            <div class="lesson-layout">
                <aside class="sidebar">
                    <details class="sidebar__group" open=open_groups>
                        <summary>{td_string!(lang, contents)}</summary>
                        <nav aria-label=td_string!(lang, contents)>
                            <ul class="toc">
                                {crate::content::toc(index, lang)
                                    .iter()
                                    .map(|t| {
                                        view! {
                                            <li class=format!("toc__item toc__item--h{}", t.level)>
                                                <a href=format!("{code}/{}#{}", lesson.slug, t.id)>{t.text}</a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </nav>
                    </details>
                    <details class="sidebar__group" open=open_groups>
                        <summary>{td_string!(lang, lessons)}</summary>
                        <nav aria-label=td_string!(lang, lessons)>
                            <ol class="sidebar__lessons">
                                {LESSONS
                                    .iter()
                                    .map(|l| {
                                        let current = l.slug == lesson.slug;
                                        view! {
                                            <li class:sidebar__lesson--current=current>
                                                <A href=crate::href(&href(l)) attr:aria-current=current.then_some("page")>
                                                    {l.text(lang).title}
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                            <p class="sidebar__extra">
                                <A href=crate::href(&format!("/{code}/glossary"))>{td_string!(lang, glossary)}</A>
                            </p>
                        </nav>
                    </details>
                </aside>
                <article class="lesson" lang=code>
                    <header class="lesson__header">
                        <p class="lesson__eyebrow">
                            {td!(lang, lesson_number, n = lesson_n)}
                            " · "
                            {td!(lang, minutes, n = text.minutes)}
                        </p>
                        <h1>{text.title}</h1>
                        <p class="lesson__summary">{text.summary}</p>
                    </header>
                    <LessonBody lang slug=lesson.slug />
                    <nav class="pager" aria-label=td_string!(lang, pager_label)>
                        {prev.map(|p| view! {
                            <A href=crate::href(&href(p)) attr:class="pager__link pager__link--prev" attr:rel="prev">
                                <span class="pager__dir">"← " {td_string!(lang, previous)}</span>
                                <span class="pager__title">{p.text(lang).title}</span>
                            </A>
                        })}
                        {next.map(|n| view! {
                            <A href=crate::href(&href(n)) attr:class="pager__link pager__link--next" attr:rel="next">
                                <span class="pager__dir">{td_string!(lang, next)} " →"</span>
                                <span class="pager__title">{n.text(lang).title}</span>
                            </A>
                        })}
                    </nav>
                    <p class="lesson__hint">{td_string!(lang, keys_hint)}</p>
                </article>
            </div>
        </Shell>
    }
}

/// The lesson's body, fetched on first view (see `content::load_body`): while it loads the region is marked busy;
/// if it cannot load, the learner reads why and can try again. A static page renders the body it was given
/// (`content::keep_body`), and carries the rest of it for the app (`content::body_in_copy`).
#[component]
fn LessonBody(lang: Locale, slug: &'static str) -> impl IntoView {
    if crate::RENDERING {
        let blocks = content::kept_body(lang, slug).expect("the renderer keeps each lesson's body before rendering it");
        // The body without its prose, for the app, in a block the browser neither runs nor shows.
        let skeleton = lesson_format::encode(blocks).ok().and_then(|text| lesson_format::without_prose(&text));
        return view! {
            <div class="lesson__body" aria-busy="false" aria-live="polite">
                {blocks_view(lang, blocks)}
                <script type="text/plain" id="lesson-wire" inner_html=skeleton></script>
            </div>
        }
        .into_any();
    }
    let body = LocalResource::new(move || content::load_body(lang, slug));
    view! {
        <div class="lesson__body" aria-busy=move || body.get().is_none().to_string() aria-live="polite">
            {move || match body.get() {
                None => view! { <p class="lesson__loading">{td_string!(lang, loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed lang message=td_string!(lang, load_failed) error=e retry=move || body.refetch() /> }.into_any(),
                Some(Ok(blocks)) => blocks_view(lang, blocks),
            }}
        </div>
    }
    .into_any()
}

/// A lesson's blocks: its prose, and a slot for each widget, prediction and question, each built in a task of its
/// own after the text (a static page leaves the slots empty).
fn blocks_view(lang: Locale, blocks: content::Body) -> AnyView {
    // Widgets this bundle does not carry: the page reloads into the bundle that does. If it already has (the
    // deployment's files disagree), the lesson's text shows all the same, under a notice.
    let missing = !blocks.iter().all(in_bundle);
    if missing && widgets::reload_for_bundle() {
        return widgets::reloading(lang);
    }
    let mut question = 0;
    let view = blocks
        .iter()
        .map(|b| match b {
            lesson_format::Block::Html(html) => view! { <div class="prose" inner_html=*html></div> }.into_any(),
            b if !in_bundle(b) => ().into_any(),
            b => {
                question += usize::from(matches!(b, lesson_format::Block::Quiz(_)));
                let number = question;
                // After the text, in a task of its own: widgets are slow to build on a phone, and the questions
                // end the lesson, far below the first screen.
                widgets::later(move || slot(b, lang, number))
            }
        })
        .collect_view();
    // A deep link to a section (`/en/sessions#jwt`): on it before the first paint of the body, and kept there
    // while the widgets above it build and take their size (`crate::anchor`).
    if !crate::RENDERING {
        request_animation_frame(scroll_to_hash);
    }
    view! { {missing.then(|| widgets::missing(lang))} {view} }.into_any()
}

/// Whether this bundle carries what a block needs: prose and questions always, a widget or a prediction's
/// reveal when its family is in the bundle.
pub fn in_bundle(block: &lesson_format::Block) -> bool {
    match block {
        lesson_format::Block::Widget { name, .. } => widgets::available(name),
        lesson_format::Block::Predict(p) => widgets::available(predict::widget_name(p.reveal)),
        _ => true,
    }
}

/// What a block's slot shows: its widget, its prediction (where the lesson asks it, before the text that explains
/// the answer), or its question, the lesson's `number`th. Prose has no slot.
pub fn slot(block: &'static lesson_format::Block<'static>, lang: Locale, number: usize) -> AnyView {
    match block {
        lesson_format::Block::Widget { name, params } => widgets::mount(name, params, lang),
        lesson_format::Block::Predict(data) => predict::mount(data, lang),
        lesson_format::Block::Quiz(quiz) => view! { <Quiz quiz number lang /> }.into_any(),
        lesson_format::Block::Html(_) => ().into_any(),
    }
}

/// What a page says when a file it needs (a lesson's body, the glossary) cannot load: why, in the learner's language,
/// the technical detail, and a button that tries again.
#[component]
pub fn LoadFailed(lang: Locale, message: &'static str, error: LoadError, retry: impl Fn() + 'static) -> impl IntoView {
    let detail = match error {
        LoadError::Network(m) => m,
        LoadError::Format(f) => f.to_string(),
    };
    view! {
        <div class="lesson__error" role="alert">
            <p>{message}</p>
            <p class="lesson__error-detail">{detail}</p>
            <button type="button" class="button" on:click=move |_| retry()>{td_string!(lang, load_retry)}</button>
        </div>
    }
}

/// Scrolls to the element the URL's `#fragment` names, if it exists, and keeps it there until the reader acts.
pub fn scroll_to_hash() {
    crate::anchor::land_on_hash();
}

/// ← and → turn to the previous and next lesson: `go` gets the site path (`/en/sessions`) to go to. Keys pressed
/// in a form control or a widget stay there.
pub fn page_turns(lang: Locale, index: usize, go: impl Fn(String) + 'static) {
    let code = lang::code(lang);
    let _ = use_event_listener(window(), ev::keydown, move |e: ev::KeyboardEvent| {
        if e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() || e.default_prevented() || typing_in(&e) {
            return;
        }
        let target = match e.key().as_str() {
            "ArrowLeft" => index.checked_sub(1),
            "ArrowRight" => Some(index + 1).filter(|i| *i < LESSONS.len()),
            _ => None,
        };
        if let Some(t) = target {
            e.prevent_default();
            go(format!("/{code}/{}", LESSONS[t].slug));
        }
    });
}

/// True when a key press belongs to a form control (a slider's arrows, a text field), not to the page.
fn typing_in(e: &ev::KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el
            .closest("[contenteditable], [role=slider], [role=radiogroup], [role=tablist], [role=grid], [data-keys]")
            .ok()
            .flatten()
            .is_some()
}

/// Keeps the furthest point read in this lesson, in steps of 5%, in the learner's stored progress.
pub fn track_reading(slug: &'static str) {
    let store = use_progress();
    let record = move || {
        let Some(doc) = document().document_element() else { return };
        let height = f64::from(doc.scroll_height());
        let seen =
            window().scroll_y().unwrap_or(0.0) + window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0);
        if height <= 0.0 {
            return;
        }
        let pct = ((seen / height * 100.0).clamp(0.0, 100.0) as u8) / 5 * 5;
        if pct > store.progress.with_untracked(|p| p.percent(slug)) {
            store.set_progress.update(|p| {
                p.0.insert(slug.to_string(), pct);
            });
        }
    };
    let _ = use_event_listener(window(), ev::scroll, move |_| record());
    // A lesson shorter than the screen is read as soon as it is shown.
    request_animation_frame(record);
}
