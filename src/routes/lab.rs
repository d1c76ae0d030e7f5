use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::routes::NotFound;
use crate::widgets::{self, url_state, LABS};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// A widget on a page of its own (`/:lang/lab/:name`): free play with every control, its state in the URL.
#[component]
pub fn LabPage() -> impl IntoView {
    let params = use_params_map();
    let found = move || {
        let p = params.get();
        let lang = p.get("lang").as_deref().and_then(lang::parse);
        let lab = p.get("name").and_then(|n| LABS.iter().position(|l| l.name == n));
        (lang, lab)
    };
    move || match found() {
        (Some(l), Some(i)) => view! { <Lab lang=l index=i /> }.into_any(),
        (l, _) => view! { <NotFound lang=l /> }.into_any(),
    }
}

#[component]
fn Lab(lang: Locale, index: usize) -> impl IntoView {
    let lab = &LABS[index];
    let title = (lab.title)(lang);
    let summary = (lab.summary)(lang);
    let version = url_state::version();
    let switch_href = Signal::derive(move || {
        version.track();
        format!("/{}/lab/{}{}", lang::code(lang::other(lang)), lab.name, url_state::current_search())
    });
    view! {
        <Title text=format!("{title} · {}", td_string!(lang, site_name)) />
        <Meta name="description" content=summary />
        <Shell lang=Signal::stored(lang) switch_href>
            // The lesson page's frame and header, without its sidebar: a lab needs the width for its widget.
            <article class="lab">
                <header class="lesson__header">
                    <h1>{title}</h1>
                    <p class="lesson__summary lab__summary">{summary}</p>
                </header>
                // In a task of its own after the header, as in a lesson; a static page leaves the slot empty for
                // the widget's bundle to fill (src/islands.rs).
                {if widgets::available(lab.name) {
                    widgets::later(move || widgets::mount(lab.name, &[], lang))
                } else {
                    widgets::elsewhere(lang)
                }}
            </article>
        </Shell>
    }
}
