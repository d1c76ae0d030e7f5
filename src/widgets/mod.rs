//! Interactive widgets, one folder each, mounted where a lesson's ```` ```widget name ```` directive stands, or
//! on their own page at `/:lang/lab/:name` (see [`LABS`]). Names and directive keys are declared, and checked at
//! build time, in `msa_content::WIDGETS`.
//!
//! Conventions every widget follows:
//! - A view over `msa-sim`: the component holds the core's state in a signal and draws it; no simulation
//!   logic here.
//! - Its root is `<section class="widget widget--<name>" data-keys aria-labelledby=…>`; `data-keys` keeps the
//!   lesson's ←/→ page turns away from keys pressed inside it.
//! - Its state is shareable through [`url_state`] under the instance's key (the directive's `id`, else the
//!   widget's name).
//! - Strings come from `locales/{en,ko}.json` under one object named after the widget.

// A bundle built with only some widget families (see `available`) leaves helpers the others use idle.
#![cfg_attr(
    not(all(feature = "proxy", feature = "race", feature = "arch", feature = "ddd")),
    allow(dead_code, unused_variables)
)]

#[cfg(feature = "arch")]
pub mod arch;
#[cfg(any(feature = "proxy", feature = "race", feature = "arch", feature = "ddd"))]
pub mod challenge;
pub mod challenge_texts;
#[cfg(feature = "ddd")]
pub mod ddd;
#[cfg(feature = "proxy")]
pub mod hash_ring;
#[cfg(feature = "proxy")]
pub mod jwt;
pub mod predict;
#[cfg(feature = "proxy")]
pub mod proxy;
pub mod quiz;
#[cfg(feature = "race")]
pub mod race;
#[cfg(feature = "race")]
pub mod region;
#[cfg(feature = "proxy")]
pub mod rho_latency;
#[cfg(feature = "arch")]
pub mod saga;
#[cfg(feature = "race")]
pub mod sql_editor;
pub mod url_state;

use crate::i18n::*;
use leptos::prelude::*;

/// Directive parameters: `key = value` pairs as written in the lesson, checked at build time.
pub type Params = &'static [(&'static str, &'static str)];

/// The value of directive key `key`, if the lesson gave one.
pub fn param(params: Params, key: &str) -> Option<&'static str> {
    params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Fills `{name}` placeholders in a localized template (`td_string!(lang, ddd.score)` = "{right} of {total}
/// right."): a plain string, far lighter in the wasm than `td!`'s typed interpolation views. Unknown
/// placeholders stay as written.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if args.iter().any(|(n, _)| *n == name) => {
                if let Some((_, v)) = args.iter().find(|(n, _)| *n == name) {
                    let _ = write!(out, "{v}");
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A widget that also has a page of its own, to play freely (`/:lang/lab/:name`), listed on the course map.
pub struct Lab {
    pub name: &'static str,
    pub title: fn(Locale) -> &'static str,
    pub summary: fn(Locale) -> &'static str,
}

/// The labs, in the order the course map lists them.
pub const LABS: &[Lab] = &[
    Lab { name: "proxy", title: |l| td_string!(l, proxy.lab_title), summary: |l| td_string!(l, proxy.lab_summary) },
    Lab { name: "race", title: |l| td_string!(l, race.title), summary: |l| td_string!(l, race.lab_summary) },
    Lab { name: "arch", title: |l| td_string!(l, arch.lab_title), summary: |l| td_string!(l, arch.lab_summary) },
];

/// A view built in a task of its own, after the one that builds its surroundings: a widget's slot in a lesson, or
/// the lower panels of a big widget (settings, charts), so that no one task keeps the page from answering input
/// for long. Each `set_timeout(0)` callback is a separate task, and the browser can paint and handle input between
/// them. `data-widget-pending` marks the place until the view is there; the wrapper takes no part in the layout.
pub fn later<V: IntoView + 'static>(build: impl Fn() -> V + Send + Sync + 'static) -> AnyView {
    let shown = RwSignal::new(false);
    // A static page leaves the slot empty: the app fills it.
    if !crate::RENDERING {
        set_timeout(move || _ = shown.try_set(true), std::time::Duration::ZERO);
    }
    view! {
        <div class="widget-slot" data-widget-pending=move || (!shown.get()).then_some("")>
            {move || shown.get().then(&build)}
        </div>
    }
    .into_any()
}

/// Whether this build of the app carries the widget. The site's wasm comes in bundles (`msa_content::BUNDLES`):
/// `core` carries no widget, and each other bundle, built with the cargo feature of its name, carries the widgets
/// that name it (`msa_content::WIDGETS`).
pub fn available(name: &str) -> bool {
    #[allow(clippy::match_like_matches_macro)] // one arm a bundle reads better than one `matches!` with guards
    match crate::content::WIDGET_BUNDLES.iter().find(|(w, _)| *w == name).map(|(_, b)| *b) {
        Some("proxy") => cfg!(feature = "proxy"),
        Some("race") => cfg!(feature = "race"),
        Some("arch") => cfg!(feature = "arch"),
        Some("ddd") => cfg!(feature = "ddd"),
        _ => false,
    }
}

thread_local! {
    static SHELL_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records that this document is the app's shell (index.html), not a page's static copy: the host answered the
/// address it opened at with the shell (src/main.rs).
pub fn started_on_shell() {
    let path = window().location().pathname().unwrap_or_default();
    SHELL_AT.with(|s| *s.borrow_mut() = Some(path));
}

/// The router has moved to a page whose widgets another bundle carries: load the page afresh from the server (or
/// the service worker), and the boot script starts that page's bundle on its static copy. False when this address
/// was just reloaded for the same reason (the bundles and the page disagree, a build fault): the caller shows a
/// message, no loop.
///
/// When the host has answered this very address with the app's shell, the page's file is asked for by its name
/// instead (`/en/sessions.html`): the host is one that answers every unknown path with index.html (a bucket), so
/// the same address would bring the shell again. (A shell that the router left for this address, the site's root
/// say, has not asked the host for it yet: it reloads as any page does.)
pub fn reload_for_bundle() -> bool {
    const KEY: &str = "msa-lab-bundle-reload";
    let location = window().location();
    let path = location.pathname().unwrap_or_default();
    if SHELL_AT.with(|s| s.borrow().as_deref() == Some(path.as_str())) && !path.ends_with(".html") {
        let search = location.search().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        return location.replace(&format!("{}.html{search}{hash}", path.trim_end_matches('/'))).is_ok();
    }
    let here = location.href().unwrap_or_default();
    // Whole milliseconds: integers keep float parsing and printing out of the core bundle.
    let now = js_sys::Date::now() as u64;
    let storage = window().session_storage().ok().flatten();
    let last = storage.as_ref().and_then(|s| s.get_item(KEY).ok().flatten());
    let recent = last
        .as_deref()
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(t, at)| at == here && t.parse::<u64>().is_ok_and(|t| now.saturating_sub(t) < 30_000));
    if recent {
        leptos::logging::error!("{here}: this page's widgets are in no bundle the boot script loads");
        return false;
    }
    if let Some(s) = storage {
        let _ = s.set_item(KEY, &format!("{now} {here}"));
    }
    location.reload().is_ok()
}

/// What a page shows in place of widgets this bundle does not carry: "Loading…" (busy, until the page has
/// reloaded into the right bundle), or why it cannot ([`missing`]).
pub fn elsewhere(lang: Locale) -> AnyView {
    if reload_for_bundle() {
        reloading(lang)
    } else {
        missing(lang)
    }
}

/// "Loading this page's interactive parts…", while the page reloads into the bundle that has them.
pub fn reloading(lang: Locale) -> AnyView {
    view! { <p class="lesson__loading" role="status" aria-busy="true">{td_string!(lang, loading_widgets)}</p> }
        .into_any()
}

/// Why a page's widgets are not there, once reloading has not brought them (see [`reload_for_bundle`]).
pub fn missing(lang: Locale) -> AnyView {
    view! { <p class="lesson__error" role="alert">{td_string!(lang, bundle_missing)}</p> }.into_any()
}

/// The component for a widget directive (`params` from the lesson), or for a lab page (`params` empty). The
/// build has already refused unknown names and bad keys, so an unmatched name here means the registry and this
/// function disagree: shown as nothing, logged for developers.
pub fn mount(name: &'static str, params: Params, lang: Locale) -> AnyView {
    match name {
        #[cfg(feature = "proxy")]
        "proxy" => return view! { <proxy::Proxy params lang /> }.into_any(),
        #[cfg(feature = "proxy")]
        "proxy-roles" => return view! { <proxy::roles::ProxyRoles params lang /> }.into_any(),
        #[cfg(feature = "proxy")]
        "jwt" => return view! { <jwt::Jwt params lang /> }.into_any(),
        #[cfg(feature = "proxy")]
        "rho-latency" => return view! { <rho_latency::RhoLatency params lang /> }.into_any(),
        #[cfg(feature = "proxy")]
        "hash-ring" => return view! { <hash_ring::HashRing params lang /> }.into_any(),
        #[cfg(feature = "race")]
        "race" => return race::mount(params, lang),
        #[cfg(feature = "race")]
        "sql" => return sql_editor::mount(params, lang),
        #[cfg(feature = "arch")]
        "arch" => return view! { <arch::ArchWidget params lang /> }.into_any(),
        #[cfg(feature = "arch")]
        "saga" => return view! { <saga::Saga params lang /> }.into_any(),
        #[cfg(feature = "ddd")]
        "ddd-kinds" => return view! { <ddd::kinds::DddKinds lang /> }.into_any(),
        #[cfg(feature = "ddd")]
        "ddd-contexts" => return view! { <ddd::contexts::DddContexts lang /> }.into_any(),
        #[cfg(feature = "ddd")]
        "ddd-aggregate" => return view! { <ddd::order::DddAggregate lang /> }.into_any(),
        #[cfg(feature = "ddd")]
        "ddd-language" => return view! { <ddd::language::DddLanguage lang /> }.into_any(),
        #[cfg(any(feature = "proxy", feature = "race", feature = "arch", feature = "ddd"))]
        "challenge-race" | "challenge-proxy" | "challenge-arch" | "challenge-ddd" => {
            return challenge::mount(params, lang)
        }
        _ => {}
    }
    leptos::logging::error!("widget `{name}` is declared in msa_content::WIDGETS but has no component");
    ().into_any()
}

#[cfg(test)]
mod tests {
    use super::fill;

    /// Native builds have every feature: each widget's bundle is one `available` knows, so every widget is there.
    #[test]
    fn every_widget_is_available_with_every_bundle_feature() {
        for (widget, bundle) in crate::content::WIDGET_BUNDLES {
            assert!(super::available(widget), "widget `{widget}` of bundle `{bundle}`: no arm in widgets::available");
        }
        assert!(!super::available("no-such-widget"));
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(fill("{right} of {total} right.", &[("right", &3), ("total", &9)]), "3 of 9 right.");
        assert_eq!(fill("{total}개 중 {right}개", &[("right", &3), ("total", &9)]), "9개 중 3개");
        assert_eq!(fill("{x} and {unknown} and {", &[("x", &"a")]), "a and {unknown} and {");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
    }
}
