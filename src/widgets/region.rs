//! What the race board and the SQL editor share: each draws its board and its explore panel as one HTML region
//! (one `innerHTML` write a change; see `race::board` for why), with one click handler for all its buttons and
//! one key handler for the shortcuts.

use leptos::html::Div;
use leptos::prelude::*;
use std::fmt::Write;
use wasm_bindgen::JsCast;

/// Sets `html()` as the element's content whenever it changes, then puts focus back on the control with the
/// `data-focus` key that had it (or, if that one is now disabled, on the first enabled control of the same
/// group: the part of the key before `-`), so a keyboard user stays where they were.
pub fn html_region(node: NodeRef<Div>, html: impl Fn() -> String + 'static) {
    Effect::new(move |_| {
        let h = html();
        let Some(el) = node.get() else { return };
        let key =
            document().active_element().filter(|a| el.contains(Some(a))).and_then(|a| a.get_attribute("data-focus"));
        el.set_inner_html(&h);
        if let Some(k) = key {
            let group = k.split('-').next().unwrap_or("").to_string();
            let found =
                el.query_selector(&format!("[data-focus=\"{k}\"]:not([disabled])")).ok().flatten().or_else(|| {
                    el.query_selector(&format!("[data-focus^=\"{group}\"]:not([disabled])")).ok().flatten()
                });
            crate::focus(found);
        }
    });
}

/// A button of a region: its action in `data-act`, its focus key the same (`label` is HTML, already escaped).
pub fn button(h: &mut String, act: &str, label: &str, enabled: bool, extra_class: &str, attrs: &str) {
    let _ = write!(
        h,
        "<button type=\"button\" class=\"button{extra_class}\" data-act=\"{act}\" data-focus=\"{act}\"{}{attrs}>{label}</button>",
        if enabled { "" } else { " disabled" }
    );
}

/// The button a click in a region landed in, if it landed in one.
pub fn clicked_button(ev: &leptos::ev::MouseEvent) -> Option<web_sys::Element> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    target.closest("button").ok().flatten()
}

/// Whether a key press belongs to something else than the widget's shortcuts: a modifier is held, or the
/// learner is typing in a field.
pub fn not_a_shortcut(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.ctrl_key()
        || ev.meta_key()
        || ev.alt_key()
        || ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}

/// After an explored schedule is opened: brings the element `scroll_to_id` into view and, on the next frame
/// (once the board shows the replay), puts focus on the first element matching `focus_selector`.
pub fn show_replay(scroll_to_id: &str, focus_selector: String) {
    if let Some(el) = document().get_element_by_id(scroll_to_id) {
        el.scroll_into_view();
    }
    request_animation_frame(move || crate::focus(document().query_selector(&focus_selector).ok().flatten()));
}
