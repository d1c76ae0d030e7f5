//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then start.
//! A lesson served from its static copy (src/bin/render.rs: the lesson's text in the HTML, readable before the
//! app loads) keeps it: its widgets, questions and switches come to life where they stand (`islands`), and the
//! page is never built a second time. The copy carries the body for that (its prose, and the rest in a script
//! block). Any other page with a static copy (a home page, the glossary, the challenges page), or a lesson copy
//! without its body, keeps the copy until what it needs is at hand, then drops it and mounts the app in the same
//! task: the live page appears with its text, never a "Loading" in between. The glossary's copy waits for its terms.

use leptos::prelude::document;
use msa_lab::{content, lang};

fn main() {
    console_error_panic_hook::set_once();
    let Some(copy) = document().get_element_by_id("prerendered") else {
        leptos::mount::mount_to_body(msa_lab::App);
        return;
    };
    let page_lang = copy.get_attribute("data-lang").and_then(|code| lang::parse(&code));
    let lesson = page_lang.zip(copy.get_attribute("data-lesson").and_then(|slug| content::find(&slug)));
    let kept = lesson.is_some_and(|(lang, (_, lesson))| {
        content::body_in_copy(&copy).is_some_and(|text| content::keep_body(lang, lesson.slug, text).is_ok())
    });
    // A lesson whose copy carries its body: the page stays, and its widgets, questions and switches come to life
    // in it (`islands`). Any other page, or a copy that does not match its body, is replaced by the app.
    if let Some((lang, (index, lesson))) = lesson.filter(|_| kept) {
        let blocks = content::kept_body(lang, lesson.slug);
        if blocks.is_some_and(|blocks| msa_lab::islands::lesson(&copy, lang, index, blocks)) {
            return;
        }
    }
    // The glossary's copy: the app shows the same terms from lessons/<lang>/glossary.txt (the copy preloads it).
    let glossary = page_lang.filter(|_| copy.has_attribute("data-glossary"));
    // In a microtask of this same task when nothing is fetched: nothing is painted between the copy and the app.
    wasm_bindgen_futures::spawn_local(async move {
        // What is fetched is kept for the page (see `content`); a failure is the page's to show.
        match (lesson, glossary) {
            (Some((lang, (_, lesson))), _) if !kept => _ = content::load_body(lang, lesson.slug).await,
            (_, Some(lang)) => _ = content::load_glossary(lang).await,
            _ => {}
        }
        copy.remove();
        leptos::mount::mount_to_body(msa_lab::App);
    });
}
