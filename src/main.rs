//! Entry point: the panic hook first (without it a wasm panic shows only "unreachable executed"), then mount.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(msa_lab::App);
}
