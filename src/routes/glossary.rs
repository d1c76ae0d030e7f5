use crate::content::{self, lang_index, GLOSSARY};
use crate::i18n::*;
use crate::lang;
use crate::layout::Shell;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// `/:lang/glossary`: every term of the course, named in both languages, defined, and linked to the lessons
/// that teach it. Lessons link here (`ko/glossary#aggregate`) where a term first appears.
#[component]
pub fn Glossary(lang: Locale) -> impl IntoView {
    let li = lang_index(lang);
    let other = lang::other(lang);
    let code = lang::code(lang);
    let mut terms: Vec<_> = GLOSSARY.iter().collect();
    terms.sort_by_key(|t| t.names[li].to_lowercase());
    let location = use_location();
    let switch_href = Signal::derive(move || format!("/{}/glossary{}", lang::code(other), location.hash.get()));
    request_animation_frame(crate::routes::scroll_to_hash);
    view! {
        <Title text=format!("{} · {}", td_string!(lang, glossary), td_string!(lang, site_name)) />
        <Meta name="description" content=td_string!(lang, glossary_intro) />
        <Shell lang=Signal::stored(lang) switch_href>
            <section class="glossary">
                <h1>{td_string!(lang, glossary)}</h1>
                <p class="glossary__intro">{td_string!(lang, glossary_intro)}</p>
                <dl class="glossary__list">
                    {terms
                        .into_iter()
                        .map(|t| {
                            view! {
                                <div class="glossary__entry" id=t.id>
                                    <dt class="glossary__term">
                                        {t.names[li]}
                                        <span class="glossary__other">
                                            {td_string!(lang, glossary_other_name)} " "
                                            <span lang=lang::code(other)>{t.names[lang_index(other)]}</span>
                                        </span>
                                    </dt>
                                    <dd class="glossary__definition">
                                        <p>{t.definitions[li]}</p>
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
            </section>
        </Shell>
    }
}
