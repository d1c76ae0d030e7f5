use crate::content;
use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use crate::routes::LoadFailed;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// `/:lang/glossary`: every term of the course, named in both languages, defined, and linked to the lessons
/// that teach it. Lessons link here (`ko/glossary#aggregate`) where a term first appears. The terms are a file
/// of their own (`lessons/<lang>/glossary.txt`, see `content::load_glossary`), not in every page's wasm.
#[component]
pub fn Glossary(lang: Locale) -> impl IntoView {
    let other = lang::other(lang);
    let location = use_location();
    // A static page has no fragment: the server never sees it.
    let hash = move || if crate::RENDERING { String::new() } else { location.hash.get() };
    let switch_href = Signal::derive(move || format!("/{}/glossary{}", lang::code(other), hash()));
    // A static page renders the terms it was given (`content::keep_glossary`): it is the glossary whole, and its
    // app only brings the header to life (islands::glossary). The app's glossary (at the shell) reads the file.
    let list = if crate::RENDERING {
        let terms = content::kept_glossary(lang).expect("the renderer keeps the glossary before rendering it");
        view! { <section class="glossary" aria-busy="false">{heading(lang)}{terms_view(lang, terms)}</section> }
            .into_any()
    } else {
        let terms = LocalResource::new(move || content::load_glossary(lang));
        view! {
            <section class="glossary" aria-busy=move || terms.get().is_none().to_string()>
                {heading(lang)}
                {move || match terms.get() {
                    None => view! { <p class="lesson__loading">{td_string!(lang, glossary_loading)}</p> }.into_any(),
                    Some(Err(error)) => view! {
                        <LoadFailed lang message=td_string!(lang, glossary_load_failed) error retry=move || terms.refetch() />
                    }.into_any(),
                    Some(Ok(terms)) => {
                        // A link to one term (`ko/glossary#aggregate`): scroll to it once it is on the page.
                        request_animation_frame(crate::routes::scroll_to_hash);
                        terms_view(lang, terms)
                    }
                }}
            </section>
        }
        .into_any()
    };
    view! {
        <Title text=format!("{} · {}", td_string!(lang, glossary), td_string!(lang, site_name)) />
        <Meta name="description" content=td_string!(lang, glossary_intro) />
        <Shell lang=Signal::stored(lang) switch_href>{list}</Shell>
    }
}

fn heading(lang: Locale) -> impl IntoView {
    view! {
        <h1>{td_string!(lang, glossary)}</h1>
        <p class="glossary__intro">{td_string!(lang, glossary_intro)}</p>
    }
}

/// The terms, each named in both languages, defined, and linked to the lessons that teach it.
fn terms_view(lang: Locale, terms: content::GlossaryTerms) -> AnyView {
    let other = lang::other(lang);
    let code = lang::code(lang);
    view! {
        <dl class="glossary__list">
            {terms
                .iter()
                .map(|t| {
                    view! {
                        <div class="glossary__entry" id=t.id>
                            <dt class="glossary__term">
                                {t.name}
                                <span class="glossary__other">
                                    {td_string!(lang, glossary_other_name)} " "
                                    <span lang=lang::code(other)>{t.other_name}</span>
                                </span>
                            </dt>
                            <dd class="glossary__definition">
                                <p>{t.definition}</p>
                                <p class="glossary__used">
                                    {td_string!(lang, glossary_used_in)} " "
                                    {t.used_in
                                        .iter()
                                        .filter_map(|slug| content::find(slug))
                                        .map(|(_, l)| view! {
                                            <A href=crate::href(&format!("/{code}/{}", l.slug)) attr:class="glossary__lesson">
                                                {l.text(lang).title}
                                            </A>
                                        })
                                        .collect_view()}
                                </p>
                            </dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
    .into_any()
}
