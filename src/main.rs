//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then start.
//! A page served from its static copy (src/bin/render.rs: the page's text in the HTML, readable before the app
//! loads) keeps it: its interactive parts come to life where they stand (`islands`), and the page is never built
//! a second time. A lesson's copy carries its body for that (its prose, and the rest in a script block); a copy
//! without it fetches it first. The home pages, the glossary and the challenges page come to life the same way.
//!
//! Only the app's shell (`index.html`: the site's root, and any address without a static page) mounts the whole
//! app with its router. That is the `app` bundle; every other release bundle (`islands_only`, see build.rs) is
//! loaded only on a static page (public/boot.js), so it leaves the whole app out: no router in its wasm.

use leptos::prelude::document;
use msa_lab::i18n::Locale;
use msa_lab::{content, islands, lang};
use web_sys::Element;

fn main() {
    console_error_panic_hook::set_once();
    let Some(copy) = document().get_element_by_id("prerendered") else { return whole_app(None) };
    let Some(lang) = copy.get_attribute("data-lang").and_then(|code| lang::parse(&code)) else {
        return whole_app(Some(copy));
    };
    if let Some((index, lesson)) = copy.get_attribute("data-lesson").and_then(|slug| content::find(&slug)) {
        match content::body_in_copy(&copy).map(|text| content::keep_body(lang, lesson.slug, text)) {
            Some(Ok(blocks)) => {
                if !islands::lesson(&copy, lang, index, blocks) {
                    whole_app(Some(copy));
                }
            }
            // No body in the copy, or one that does not decode: the lesson's file has it.
            _ => islands::lesson_after_fetch(copy, lang, index, |copy| whole_app(Some(copy))),
        }
        return;
    }
    let lab = copy.get_attribute("data-lab").and_then(|name| msa_lab::LABS.iter().position(|l| l.name == name));
    if let Some(index) = lab {
        if !islands::lab(&copy, lang, index) {
            whole_app(Some(copy));
        }
        return;
    }
    if !core_page(&copy, lang) {
        whole_app(Some(copy));
    }
}

/// A home page, the glossary or the challenges page, brought to life; false if `copy` is none of them. A widget
/// family's bundle is loaded only on lessons and labs (public/boot.js): it leaves these out.
#[cfg(not(family_bundle))]
fn core_page(copy: &Element, lang: Locale) -> bool {
    match copy.get_attribute("data-page").as_deref() {
        Some("home") => islands::home(copy, lang),
        Some("glossary") => islands::glossary(copy, lang),
        Some("challenges") => islands::challenges(copy, lang),
        _ => false,
    }
}

#[cfg(family_bundle)]
fn core_page(_: &Element, _: Locale) -> bool {
    false
}

/// The whole app, in place of the static copy of the page if there is one (a copy that the islands could not
/// bring to life: the deployment's files disagree).
#[cfg(not(islands_only))]
fn whole_app(copy: Option<Element>) {
    match copy {
        Some(copy) => copy.remove(),
        None => msa_lab::started_on_shell(),
    }
    leptos::mount::mount_to_body(msa_lab::App);
}

/// A bundle of the static pages has no whole app: the boot script loads it only on a static page. A page it
/// cannot bring to life (its copy and its body disagree, a deployment's fault) keeps its text.
#[cfg(islands_only)]
fn whole_app(_: Option<Element>) {
    leptos::logging::error!("this page is not one this bundle brings to life (a static page of this build)");
}
