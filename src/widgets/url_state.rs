//! Shareable widget state in the page's URL query: one key a widget instance (`?lb=alg%3Dleast_conn…`), so a
//! copied link reproduces what the learner sees, even with several widgets on one lesson page.
//!
//! Widgets read their key once when they mount ([`initial`]) and write it back when the learner changes
//! something or pauses ([`write`]), with `history.replaceState`: no navigation, no new history entry, no
//! scroll, the `#section` kept. Decoding the value is the core's job (its `from_query` functions never panic);
//! a value the core refuses is shown to the learner as a message in their language, and the widget starts
//! from its defaults.

use leptos::prelude::*;

/// Bumped on every [`write`], so views that build links from the current URL (the language switch) follow.
/// Reading it outside the app root's context gives a signal that never changes.
pub fn version() -> Signal<u32> {
    match use_context::<UrlVersion>() {
        Some(v) => v.0.into(),
        None => Signal::stored(0),
    }
}

#[derive(Clone, Copy)]
struct UrlVersion(RwSignal<u32>);

/// Makes the shared version signal; called once by the app root.
pub fn provide() {
    provide_context(UrlVersion(RwSignal::new(0)));
}

/// The current value of query key `key`, if any. Read it when the widget mounts.
pub fn initial(key: &str) -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(key)
}

/// The page's query string as it is now (`?a=1&b=2`, or empty): for links that keep the widgets' state.
pub fn current_search() -> String {
    if crate::RENDERING {
        return String::new();
    }
    window().location().search().unwrap_or_default()
}

/// Sets (`Some`) or removes (`None`) query key `key` in the address bar, keeping the path, the other keys and
/// the hash.
pub fn write(key: &str, value: Option<&str>) {
    let loc = window().location();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&loc.search().unwrap_or_default()) else { return };
    match value {
        Some(v) => params.set(key, v),
        None => params.delete(key),
    }
    let query: String = params.to_string().into();
    let url = format!(
        "{}{}{}{}",
        loc.pathname().unwrap_or_default(),
        if query.is_empty() { "" } else { "?" },
        query,
        loc.hash().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        // Keep the router's history state object so back/forward still work as the router expects.
        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&url));
    }
    if let Some(v) = use_context::<UrlVersion>() {
        v.0.update(|n| *n = n.wrapping_add(1));
    }
}
