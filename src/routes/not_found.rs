use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::prefs::use_lang_pref;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

/// The page for an address that matches nothing: in the page's language when the path names one, else in
/// the learner's remembered or browser language.
#[component]
pub fn NotFound(
    /// The language named by the path, if any.
    lang: Option<Locale>,
) -> impl IntoView {
    let pref = use_lang_pref();
    let lang = Signal::derive(move || {
        lang.or_else(|| lang::parse(&pref.code.get())).unwrap_or_else(crate::routes::home::browser_lang)
    });
    let title = move || format!("{} · {}", td_string!(lang.get(), not_found_title), td_string!(lang.get(), site_name));
    view! {
        <Title text=title />
        <Meta name="description" content=move || td_string!(lang.get(), not_found_body) />
        <Meta name="robots" content="noindex" />
        <Shell lang=lang switch_href=Signal::derive(move || format!("/{}", lang::code(lang::other(lang.get())))) >
            <section class="not-found">
                <h1>{move || td_string!(lang.get(), not_found_title)}</h1>
                <p>{move || td_string!(lang.get(), not_found_body)}</p>
                <p>
                    <A href=move || crate::href(&format!("/{}", lang::code(lang.get())))>
                        {move || td_string!(lang.get(), not_found_back)}
                    </A>
                </p>
            </section>
        </Shell>
    }
}
