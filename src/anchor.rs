//! A deep link (`/en/sessions#recap`) lands on its section and stays there while the page above it is still being
//! built. A lesson's widgets and their lower panels are built in tasks of their own after the text
//! (`widgets::later`), and those off the screen keep a guessed height until they come near it
//! (`content-visibility: auto`): the section moves down, or up, as each one takes its real size. Chromium's scroll
//! anchoring hides this on a fast machine; Safari has none, and a slow phone builds for seconds. So the page does
//! not guess when the building ends: it puts the section back in place whenever the page's height changes (a
//! ResizeObserver reports it after layout and before paint, so nothing is seen moving), and stops for good as soon
//! as the reader acts (wheel, touch, key, pointer), or the page shows another section or another page.

use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, ResizeObserver, ScrollBehavior, ScrollIntoViewOptions};

/// What the reader does that ends the keeping: their own scrolling, reading by keyboard, a tap or a click
/// (a scrollbar, a link), or a move to another place in the history.
const READER_ACTS: [&str; 6] = ["wheel", "touchstart", "keydown", "pointerdown", "hashchange", "popstate"];

/// The keeping under way: the observer and the listeners to remove when it ends.
struct Keeper {
    observer: ResizeObserver,
    _on_resize: Closure<dyn FnMut()>,
    on_act: Closure<dyn FnMut()>,
}

thread_local! {
    static KEEPER: RefCell<Option<Keeper>> = const { RefCell::new(None) };
}

/// Scrolls to the element the URL's `#fragment` names, if it exists, and keeps it in place until the reader acts.
pub fn land_on_hash() {
    stop();
    let Some(window) = web_sys::window() else { return };
    let hash = window.location().hash().unwrap_or_default();
    let Some(target) = hash
        .strip_prefix('#')
        .filter(|id| !id.is_empty())
        .and_then(|id| window.document().and_then(|d| d.get_element_by_id(id)))
    else {
        return;
    };
    put_in_view(&target);

    // The page's height is what moves the section: any part above it that changes size changes the body's.
    let Some(body) = window.document().and_then(|d| d.body()) else { return };
    let height = Cell::new(body.get_bounding_client_rect().height());
    let on_resize = {
        let body = body.clone();
        Closure::<dyn FnMut()>::new(move || {
            let here = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            // The lesson was left (the element is gone) or the address names another place: not ours to move.
            if !target.is_connected() || here != hash {
                return stop();
            }
            let now = body.get_bounding_client_rect().height();
            // The first report of an observation, with nothing changed since: nothing to do.
            if now == height.replace(now) {
                return;
            }
            put_in_view(&target);
            // Moving the page can bring a widget near the screen, which then takes its real size in this same frame
            // (WebKit lays it out at once): a second report of the body within one frame is a "ResizeObserver loop"
            // error. So the body is watched again from the next frame on; what changed meanwhile is in that first
            // report, as the height differs from the one kept.
            let Some(observer) = KEEPER.with(|k| k.borrow().as_ref().map(|k| k.observer.clone())) else { return };
            observer.unobserve(&body);
            let body = body.clone();
            leptos::prelude::request_animation_frame(move || {
                if KEEPER.with(|k| k.borrow().as_ref().is_some_and(|k| k.observer == observer)) {
                    observer.observe(&body);
                }
            });
        })
    };
    let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else { return };
    observer.observe(&body);
    let on_act = Closure::<dyn FnMut()>::new(stop);
    let options = AddEventListenerOptions::new();
    options.set_capture(true);
    options.set_passive(true);
    for name in READER_ACTS {
        let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
            name,
            on_act.as_ref().unchecked_ref(),
            &options,
        );
    }
    KEEPER.with(|k| *k.borrow_mut() = Some(Keeper { observer, _on_resize: on_resize, on_act }));
}

/// The section's top at its place (its `scroll-margin-top` below the top of the screen), or as near as the page's
/// length allows; at once, whatever `scroll-behavior` the page sets: a deep link is a place, not a journey.
fn put_in_view(target: &Element) {
    let options = ScrollIntoViewOptions::new();
    options.set_behavior(ScrollBehavior::Instant);
    target.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Ends the keeping, if any. The closures may be the ones running now: they are dropped in a later task.
fn stop() {
    let Some(keeper) = KEEPER.with(|k| k.borrow_mut().take()) else { return };
    keeper.observer.disconnect();
    if let Some(window) = web_sys::window() {
        for name in READER_ACTS {
            let _ =
                window.remove_event_listener_with_callback_and_bool(name, keeper.on_act.as_ref().unchecked_ref(), true);
        }
    }
    leptos::prelude::set_timeout(move || drop(keeper), std::time::Duration::ZERO);
}
