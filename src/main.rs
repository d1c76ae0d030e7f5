//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then mount.
//! A page served from a static copy (scripts/prerender.mjs: the lesson's text in the HTML, readable before the
//! app loads) keeps it until the lesson's body has arrived (the copy's <head> preloads it), then drops it and
//! mounts the app in the same task: the live page appears with its text, never a "Loading" in between.

use leptos::prelude::document;
use msa_lab::{content, lang};

fn main() {
    console_error_panic_hook::set_once();
    let Some(copy) = document().get_element_by_id("prerendered") else {
        leptos::mount::mount_to_body(msa_lab::App);
        return;
    };
    let lesson = copy
        .get_attribute("data-lang")
        .and_then(|code| lang::parse(&code))
        .zip(copy.get_attribute("data-lesson").and_then(|slug| content::find(&slug)));
    wasm_bindgen_futures::spawn_local(async move {
        if let Some((lang, (_, lesson))) = lesson {
            // Kept for the page (content::load_body caches it); a failure is the lesson page's to show.
            let _ = content::load_body(lang, lesson.slug).await;
        }
        copy.remove();
        leptos::mount::mount_to_body(msa_lab::App);
    });
}
