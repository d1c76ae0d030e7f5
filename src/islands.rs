//! A static page comes from the server whole (src/bin/render.rs): a lesson's header, table of contents, prose and
//! pager, a lab's introduction, the course map, the glossary, the challenges page are the page the learner reads.
//! The app does not build that page a second time: it brings its interactive parts to life where they stand.
//!
//! - Each widget, prediction and question is mounted into its empty slot, in a task of its own after the text.
//! - The theme switch is mounted into the header; the stored preferences and the storage check are the app's own.
//! - The language switch follows the widgets' state (the query) and the section (the fragment).
//! - Reading progress, ←/→ page turns and a deep link's section behave as on any page of the app.
//! - The course map and the challenges page show what the learner has done (stored in the browser): their
//!   content is built again in place, in the same task, so nothing is painted in between.
//!
//! Links between pages stay plain links: the next page comes from the server (or the service worker) whole too.
//! A page whose slots do not match its body is left alone, and the caller decides what to do instead.

use crate::content::{self, Body, LESSONS};
use crate::i18n::*;
use crate::routes::LoadFailed;
use crate::widgets::LABS;
use crate::{lang, layout, prefs, routes, storage, widgets};
use leptos::ev;
use leptos::prelude::*;
use leptos_use::use_event_listener;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Brings the static page of lesson `index` (`copy`, the `#prerendered` element) to life with its body `blocks`.
/// False, with nothing changed, when the page has not one empty slot for each widget, prediction and question of
/// the body.
pub fn lesson(copy: &Element, lang: Locale, index: usize, blocks: Body) -> bool {
    let slug = LESSONS[index].slug;
    let Some(body) = copy.query_selector(".lesson__body").ok().flatten() else { return false };
    let slots = elements::<HtmlElement>(&body, ":scope > .widget-slot");
    let filled: Vec<_> = blocks.iter().filter(|b| !matches!(b, lesson_format::Block::Html(_))).collect();
    if slots.len() != filled.len() {
        leptos::logging::error!(
            "{slug}: the page has {} slots for {} widgets and questions",
            slots.len(),
            filled.len()
        );
        return false;
    }
    // Widgets this bundle does not carry: the page reloads into the bundle that does; if it already has (the
    // deployment's files disagree), the lesson's text stays, under a notice, with the widgets this bundle has.
    let missing = !filled.iter().all(|b| routes::in_bundle(b));
    if missing && widgets::reload_for_bundle() {
        return true;
    }

    let root = page_root(copy, lang);
    root.with(|| {
        if missing {
            mount_before(&body, body.first_child(), move || widgets::missing(lang));
        }
        header(copy, lang, slug.to_string());
        let mut question = 0;
        for (block, slot) in filled.into_iter().zip(slots) {
            question += usize::from(matches!(block, lesson_format::Block::Quiz(_)));
            if routes::in_bundle(block) {
                let number = question;
                fill(&root, slot, move || routes::slot(block, lang, number));
            } else {
                let _ = slot.remove_attribute("data-widget-pending");
            }
        }
        routes::track_reading(slug);
        routes::page_turns(lang, index, |path| _ = window().location().assign(&crate::href(&path)));
    });
    alive(copy, root);
    true
}

/// A lesson page that came without its body (a host serving an older build's page): the body is fetched first,
/// then the page comes to life as in [`lesson`]. Meanwhile the text is there and the body is marked busy; if the
/// body cannot load, the learner reads why above the text, in the page's language, and can try again.
/// `mismatch` runs when the body and the page's slots disagree (see [`lesson`]).
pub fn lesson_after_fetch(copy: Element, lang: Locale, index: usize, mismatch: fn(Element)) {
    let slug = LESSONS[index].slug;
    let Some(body) = copy.query_selector(".lesson__body").ok().flatten() else { return mismatch(copy) };
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let failed = owner.with(|| RwSignal::new(None::<content::LoadError>));
    let attempt = {
        let body = body.clone();
        move || {
            let (copy, body) = (copy.clone(), body.clone());
            let _ = body.set_attribute("aria-busy", "true");
            wasm_bindgen_futures::spawn_local(async move {
                let result = content::load_body(lang, slug).await;
                let _ = body.set_attribute("aria-busy", "false");
                match result {
                    Ok(blocks) => {
                        failed.set(None);
                        if !lesson(&copy, lang, index, blocks) {
                            mismatch(copy);
                        }
                    }
                    Err(error) => failed.set(Some(error)),
                }
            });
        }
    };
    let retry = attempt.clone();
    owner.with(|| {
        mount_before(&body, body.first_child(), move || {
            move || {
                let retry = retry.clone();
                failed.get().map(|error| {
                    view! { <LoadFailed lang message=td_string!(lang, load_failed) error retry /> }
                })
            }
        })
    });
    std::mem::forget(owner);
    attempt();
}

/// Brings the static page of lab `index` (`copy`) to life: its widget in its slot, and the header's switches.
/// False, with nothing changed, when the page has no slot for the widget.
pub fn lab(copy: &Element, lang: Locale, index: usize) -> bool {
    let lab = &LABS[index];
    let Some(slot) = copy.query_selector(".lab > .widget-slot").ok().flatten() else { return false };
    let Ok(slot) = slot.dyn_into::<HtmlElement>() else { return false };
    let available = widgets::available(lab.name);
    // As a lesson's: a bundle without the widget reloads into the one with it, once.
    if !available && widgets::reload_for_bundle() {
        return true;
    }
    let root = page_root(copy, lang);
    root.with(|| {
        header(copy, lang, format!("lab/{}", lab.name));
        if available {
            fill(&root, slot, move || widgets::mount(lab.name, &[], lang));
        } else {
            let _ = slot.remove_attribute("data-widget-pending");
            mount_before(&slot, None, move || widgets::missing(lang));
        }
    });
    alive(copy, root);
    true
}

/// Brings a home page's static copy to life: the course map and the button to start or go on show what the
/// learner has done. Its content is built again in place of the copy's (every child of `<main>` but the notices
/// the app puts there), in this same task, so nothing is painted in between. False, with nothing changed, when the
/// page has no course map.
pub fn home(copy: &Element, lang: Locale) -> bool {
    let Some(main) = copy.query_selector("main > section.course").ok().flatten().and_then(|c| c.parent_element())
    else {
        return false;
    };
    let root = page_root(copy, lang);
    root.with(|| {
        header(copy, lang, String::new());
        for old in elements::<Element>(&main, ":scope > :not(.island)") {
            old.remove();
        }
        mount_before(&main, None, move || routes::course_sections(Signal::stored(lang)));
    });
    alive(copy, root);
    true
}

/// Brings the challenges page's static copy to life: how many challenges, and which, the learner has solved. Only
/// the count and each state change (the titles and goals stay as the page has them). False, with nothing changed,
/// when the page has no count.
pub fn challenges(copy: &Element, lang: Locale) -> bool {
    let Some(count) = copy.query_selector(".challenges-page__count").ok().flatten() else { return false };
    let cells = elements::<HtmlElement>(copy, "tr[data-challenge] > .challenges-page__state");
    let root = page_root(copy, lang);
    root.with(|| {
        header(copy, lang, "challenges".to_string());
        let solved = prefs::use_solved().solved;
        replace_children(&count, move || move || solved.with(|s| routes::count_text(lang, s)));
        for cell in cells {
            let id = cell.parent_element().and_then(|row| row.get_attribute("data-challenge")).unwrap_or_default();
            let Some(challenge) = msa_sim::challenge::CHALLENGES.iter().find(|c| c.id == id) else { continue };
            let done = Memo::new(move |_| solved.with(|s| s.is_solved(challenge.id)));
            let classes = cell.class_list();
            Effect::new(move |_| _ = classes.toggle_with_force("challenges-page__state--solved", done.get()));
            replace_children(&cell, move || move || routes::state_text(lang, done.get()));
        }
    });
    alive(copy, root);
    true
}

/// Brings the glossary's static copy, which is the glossary whole, to life: its header's switches.
pub fn glossary(copy: &Element, lang: Locale) -> bool {
    let root = page_root(copy, lang);
    root.with(|| header(copy, lang, "glossary".to_string()));
    alive(copy, root);
    true
}

/// The app's root for a static page: what every widget reads from its context (the stored preferences, the theme,
/// the URL's state), the storage check's notice, and the page's language remembered. It lives as long as the page.
fn page_root(copy: &Element, lang: Locale) -> Owner {
    // Effects and tasks run on the browser's event loop (`mount_to_body` sets this up for the whole app).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let root = Owner::new();
    root.with(|| {
        storage::check_and_provide();
        prefs::provide_prefs();
        layout::provide_theme();
        widgets::url_state::provide();
        // A deep link counts as a choice of language, as on every page of the app.
        Effect::new(move |_| layout::remember_lang(lang));
        if let Some(main) = copy.query_selector("main").ok().flatten() {
            mount_before(&main, main.first_child(), move || view! { <storage::ResetNotice lang /> });
        }
        // Back or forward to an entry of the app's history that a page before this one made (the app moved to
        // this page, then reloaded into its bundle): the browser changes the address only. Load that page.
        let here = window().location().pathname().unwrap_or_default();
        let _ = use_event_listener(window(), ev::popstate, move |_| {
            let location = window().location();
            if location.pathname().is_ok_and(|path| path != here) {
                let _ = location.reload();
            }
        });
    });
    root
}

/// Fills `slot` with `view` in a task of its own, under `root` (as `widgets::later` builds a slot in the app), and
/// clears its pending mark.
fn fill<V: IntoView + 'static>(root: &Owner, slot: HtmlElement, view: impl FnOnce() -> V + 'static) {
    let root = root.clone();
    set_timeout(
        move || {
            root.with(|| {
                slot.set_inner_html("");
                leptos::mount::mount_to(slot.clone(), view).forget();
                let _ = slot.remove_attribute("data-widget-pending");
            })
        },
        std::time::Duration::ZERO,
    );
}

/// The page is the app's from now on: no longer a copy awaiting it, its root kept for the page's life, and a deep
/// link's section kept in view while the widgets above it build and take their size.
fn alive(copy: &Element, root: Owner) {
    let _ = copy.remove_attribute("id");
    std::mem::forget(root);
    request_animation_frame(routes::scroll_to_hash);
}

/// The header's switches: the theme's, which the static page shows disabled, is replaced by the app's; the
/// language switch's address (the same `page`, `sessions` or `lab/proxy`, or empty for the home page, in the other
/// language) follows the query and the fragment, so the other language opens at the same state and section.
fn header(copy: &Element, lang: Locale, page: String) {
    if let Some(button) = copy.query_selector(".site-header__theme").ok().flatten() {
        if let Some(tools) = button.parent_element() {
            button.remove();
            mount_before(&tools, None, move || view! { <layout::ThemeButton lang /> });
        }
    }
    let Some(switch) = copy.query_selector(".site-header__lang").ok().flatten() else { return };
    let clicked = switch.clone();
    let other = lang::code(lang::other(lang));
    let point = move || {
        let location = window().location();
        let search = location.search().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        let path = if page.is_empty() { format!("/{other}") } else { format!("/{other}/{page}") };
        let _ = switch.set_attribute("href", &crate::href(&format!("{path}{search}{hash}")));
    };
    let version = widgets::url_state::version();
    let on_write = point.clone();
    Effect::new(move |_| {
        version.track();
        on_write();
    });
    let on_hash = point.clone();
    let _ = use_event_listener(window(), ev::hashchange, move |_| on_hash());
    // A fragment set without a `hashchange` (the anchor keeper's `replaceState`) is caught as the switch is used.
    let _ = use_event_listener(clicked, ev::click, move |_| point());
}

/// Replaces what `element` holds with `view`, for the page's life.
fn replace_children<V: IntoView + 'static>(element: &Element, view: impl FnOnce() -> V + 'static) {
    element.set_inner_html("");
    if let Ok(element) = element.clone().dyn_into::<HtmlElement>() {
        leptos::mount::mount_to(element, view).forget();
    }
}

/// Mounts `view` into a new wrapper (`.island`, which takes no part in the layout) inserted into `parent` before `next` (at the end when
/// None), for the page's life.
fn mount_before<V: IntoView + 'static>(
    parent: &Element,
    next: Option<web_sys::Node>,
    view: impl FnOnce() -> V + 'static,
) {
    let Ok(wrapper) = document().create_element("div") else { return };
    wrapper.set_class_name("island");
    if parent.insert_before(&wrapper, next.as_ref()).is_ok() {
        leptos::mount::mount_to(wrapper.unchecked_into::<HtmlElement>(), view).forget();
    }
}

/// The elements under `root` that `selector` matches, in document order.
fn elements<T: JsCast>(root: &Element, selector: &str) -> Vec<T> {
    let Ok(list) = root.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<T>().ok()).collect()
}
