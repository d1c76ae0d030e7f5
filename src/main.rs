//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then start.
//! A lesson or a lab served from its static copy (src/bin/render.rs: the page's text in the HTML, readable before
//! the app loads) keeps it: its widgets, questions and switches come to life where they stand (`islands`), and the
//! page is never built a second time. A lesson's copy carries its body for that (its prose, and the rest in a
//! script block); a copy without it fetches it first. Any other page with a static copy (a home page, the glossary,
//! the challenges page) keeps the copy until what it needs is at hand, then drops it and mounts the whole app in
//! the same task: the live page appears with its text, never a "Loading" in between. The glossary's copy waits for
//! its terms.
//!
//! A widget family's bundle (`family_bundle`, see build.rs) is loaded only on a lesson's or a lab's static page
//! (public/boot.js), so it leaves the whole app out: no router, course map or glossary in its wasm.

use leptos::prelude::document;
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
    whole_app(Some(copy));
}

/// The whole app, in place of the static copy of the page if there is one.
#[cfg(not(family_bundle))]
fn whole_app(copy: Option<Element>) {
    let Some(copy) = copy else {
        msa_lab::started_on_shell();
        return leptos::mount::mount_to_body(msa_lab::App);
    };
    // The glossary's copy: the app shows the same terms from lessons/<lang>/glossary.txt (the copy preloads it).
    let glossary = copy
        .get_attribute("data-lang")
        .and_then(|code| lang::parse(&code))
        .filter(|_| copy.has_attribute("data-glossary"));
    // In a microtask of this same task when nothing is fetched: nothing is painted between the copy and the app.
    wasm_bindgen_futures::spawn_local(async move {
        // What is fetched is kept for the page (see `content`); a failure is the page's to show.
        if let Some(lang) = glossary {
            _ = content::load_glossary(lang).await;
        }
        copy.remove();
        leptos::mount::mount_to_body(msa_lab::App);
    });
}

/// A widget family's bundle has no whole app: the boot script loads it only on a lesson's or a lab's static page.
/// A page it cannot bring to life (its copy and its body disagree, a deployment's fault) keeps its text.
#[cfg(family_bundle)]
fn whole_app(_: Option<Element>) {
    leptos::logging::error!("this page is not one this bundle brings to life (a lesson's or a lab's static page)");
}
