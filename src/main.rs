//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then mount.
//! A page served from a static copy (scripts/prerender.mjs: the lesson's text in the HTML, readable before the
//! app loads) drops that copy first; the app renders the live page in the same task, so no frame shows neither.

fn main() {
    console_error_panic_hook::set_once();
    if let Some(copy) = leptos::prelude::document().get_element_by_id("prerendered") {
        copy.remove();
    }
    leptos::mount::mount_to_body(msa_lab::App);
}
