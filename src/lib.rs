//! MSA Lab, the web app: a thin view layer. Lessons come compiled in from `content/` ([`content`]); the
//! simulations live in the `msa-sim` crate; this crate routes, lays out and draws.

// The static pages' renderer (the `ssr` feature) renders the typed views natively, without the wasm build's
// `erase_components`: their types nest deeper than rustc's default limit.
#![cfg_attr(feature = "ssr", recursion_limit = "256")]

// UI strings from locales/{en,ko}.json with compile-checked keys. The build.rs code generator that replaces
// this macro pulls the ICU data exporters into every cold build; the macro does the same job for our two
// plain-string locales.
#[allow(deprecated)]
mod locales {
    leptos_i18n::load_locales!();
}
pub use locales::i18n;
pub use widgets::{started_on_shell, LABS};

mod anchor;
pub mod content;
pub mod islands;
pub mod lang;
mod layout;
pub mod prefs;
mod routes;
#[cfg(any(feature = "proxy", feature = "race", feature = "arch"))]
mod sliced;
mod storage;
mod widgets;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The whole site: meta tags, stored preferences, and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    storage::check_and_provide();
    prefs::provide_prefs();
    layout::provide_theme();
    widgets::url_state::provide();

    view! {
        <Html attr:dir="ltr" />
        <Router base=base()>
            <Routes fallback=|| view! { <routes::NotFound lang=None /> }>
                <Route path=path!("/") view=routes::Home />
                <Route path=path!("/:lang") view=routes::Home />
                <Route path=path!("/:lang/:lesson") view=routes::LessonPage />
                <Route path=path!("/:lang/lab/:name") view=routes::LabPage />
            </Routes>
        </Router>
    }
}

/// True in the native build that writes the static pages from these components (`--features ssr`,
/// src/bin/render.rs): there is no browser there, so what needs one (the window, storage, timers, listeners)
/// waits for the app in the browser, and a page renders as a first-time reader sees it.
pub const RENDERING: bool = cfg!(feature = "ssr");

static BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The path the site is served under, read once from `<base href>` (trunk writes it from `--public-url`),
/// without its trailing slash: "" at a domain's root, "/course" under a sub-path. The same build works at either.
/// The static pages' renderer sets it ([`render_under`]).
pub fn base() -> &'static str {
    BASE.get_or_init(|| {
        if RENDERING {
            return String::new();
        }
        let uri = document().base_uri().ok().flatten().unwrap_or_default();
        let path = uri
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
            .unwrap_or_default();
        path.trim_end_matches('/').to_string()
    })
}

/// Renders the static pages for a site served under `base` (`/`, `/msa-lab/`): call before any page renders.
#[cfg(feature = "ssr")]
pub fn render_under(base: &str) {
    let _ = BASE.set(base.trim_end_matches('/').to_string());
}

/// Moves keyboard focus to `el` when it is there and can take it (an element that went with a re-render is
/// simply skipped).
pub fn focus(el: Option<web_sys::Element>) {
    use wasm_bindgen::JsCast;
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// The href of a site path (`/en/ddd`) for `<A>`, which leaves absolute paths as they are: with the base in
/// front. (`use_navigate` adds the base itself, so it takes the bare site path.)
pub fn href(path: &str) -> String {
    format!("{}{}", base(), path)
}
