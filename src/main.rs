//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then mount.
//! A page served from a static copy (scripts/prerender.mjs: the lesson's text in the HTML, readable before the
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
    match (lesson, glossary) {
        (Some((lang, (_, lesson))), _) if !kept => wasm_bindgen_futures::spawn_local(async move {
            // Kept for the page (content::load_body caches it); a failure is the lesson page's to show.
            let _ = content::load_body(lang, lesson.slug).await;
            copy.remove();
            leptos::mount::mount_to_body(msa_lab::App);
        }),
        (_, Some(lang)) => wasm_bindgen_futures::spawn_local(async move {
            // Kept for the page, like a lesson's body; a failure is the glossary page's to show.
            let _ = content::load_glossary(lang).await;
            copy.remove();
            leptos::mount::mount_to_body(msa_lab::App);
        }),
        _ => {
            copy.remove();
            leptos::mount::mount_to_body(msa_lab::App);
        }
    }
}
