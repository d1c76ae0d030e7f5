//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then mount.
//! A page served from a static copy (src/bin/render.rs: the lesson's text in the HTML, readable before the
//! app loads) keeps it until the lesson's body is at hand, then drops it and mounts the app in the same task: the
//! live page appears with its text, never a "Loading" in between. The copy itself carries the body (its prose, and
//! the rest in a script block): fetching it again is the fallback. The glossary's copy waits for its terms.

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
