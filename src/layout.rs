//! The frame every page shares: skip link, header (home, language switch, theme toggle), main, footer.

use crate::i18n::*;
use crate::lang;
use crate::prefs::use_lang_pref;
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use leptos_use::storage::use_local_storage;
use leptos_use::use_preferred_dark;

/// The colour theme: follows the system's `prefers-color-scheme` until the learner picks one, then remembers
/// it. The choice is `<html data-theme="light|dark">`; with no choice the stylesheet follows the system.
#[derive(Clone, Copy)]
pub struct Theme {
    choice: Signal<String>,
    set_choice: WriteSignal<String>,
    system_dark: Signal<bool>,
}

impl Theme {
    pub fn is_dark(self) -> bool {
        match self.choice.get().as_str() {
            "dark" => true,
            "light" => false,
            _ => self.system_dark.get(),
        }
    }

    pub fn toggle(self) {
        self.set_choice.set(if self.is_dark() { "light" } else { "dark" }.to_string());
    }
}

pub fn provide_theme() {
    let (choice, set_choice, _) = use_local_storage::<String, FromToStringCodec>("msa-lab:theme");
    // A static page is rendered as a first-time reader with no stored choice sees it: the stylesheet follows the
    // system, and the app takes over the button.
    let system_dark = if crate::RENDERING { Signal::stored(false) } else { use_preferred_dark() };
    // Sync the stored choice to <html> (the outside world); anything but light/dark means "follow the system".
    Effect::new(move |_| {
        let Some(html) = document().document_element() else { return };
        let _ = match choice.get().as_str() {
            c @ ("light" | "dark") => html.set_attribute("data-theme", c),
            _ => html.remove_attribute("data-theme"),
        };
    });
    provide_context(Theme { choice, set_choice, system_dark });
}

/// One page of the site in `lang`. `switch_href` is where the language switch leads (the same page in the
/// other language).
#[component]
pub fn Shell(
    /// The page's language.
    #[prop(into)]
    lang: Signal<Locale>,
    /// The same page in the other language.
    #[prop(into)]
    switch_href: Signal<String>,
    children: Children,
) -> impl IntoView {
    let home_href = move || crate::href(&format!("/{}", lang::code(lang.get())));
    let location = use_location();
    // The router's path, not the window's: while the router moves to a new page, the window's address is still
    // the old one (the link then pointed at the page just left). Whether the router's path includes the public
    // URL's base or not, the link gets it once.
    let skip_href = move || {
        let path = location.pathname.get();
        if path.starts_with(crate::base()) {
            format!("{path}#main")
        } else {
            format!("{}#main", crate::href(&path))
        }
    };
    // Remember the language the learner reads in: a deep link or a switch both count as a choice.
    Effect::new(move |_| remember_lang(lang.get()));

    view! {
        <Html attr:lang=move || lang::code(lang.get()) />
        // rel=external: the browser, not the router, follows this same-page link, so focus moves to <main>.
        <a class="skip-link" href=skip_href rel="external">{move || td_string!(lang.get(), skip_to_content)}</a>
        <header class="site-header">
            <A href=home_href attr:class="site-header__home" attr:aria-label=move || td_string!(lang.get(), home_link)>
                <span class="site-header__logo" aria-hidden="true">"◆"</span>
                {move || td_string!(lang.get(), site_name)}
            </A>
            <nav class="site-header__tools">
                <A
                    href=move || crate::href(&switch_href.get())
                    attr:class="site-header__lang"
                    attr:hreflang=move || lang::code(lang::other(lang.get()))
                    attr:lang=move || lang::code(lang::other(lang.get()))
                >
                    {move || td_string!(lang.get(), switch_language)}
                </A>
                <ThemeButton lang />
            </nav>
        </header>
        <main id="main" tabindex="-1">
            <crate::storage::ResetNotice lang=lang />
            {children()}
        </main>
        <footer class="site-footer">
            <p>{move || td_string!(lang.get(), footer)}</p>
        </footer>
    }
}

/// The header's light/dark switch. A static page's button is disabled: it waits for the app, which can switch
/// the theme.
#[component]
pub fn ThemeButton(#[prop(into)] lang: Signal<Locale>) -> impl IntoView {
    let theme = expect_context::<Theme>();
    view! {
        <button
            type="button"
            class="site-header__theme"
            aria-pressed=move || theme.is_dark().to_string()
            disabled=crate::RENDERING
            on:click=move |_| theme.toggle()
        >
            <span class="site-header__icon" aria-hidden="true">"◐"</span>
            {move || td_string!(lang.get(), theme_to_dark)}
        </button>
    }
}

/// Remembers `lang` as the language the learner reads in (a deep link or a switch both count as a choice).
pub fn remember_lang(lang: Locale) {
    let pref = use_lang_pref();
    let code = lang::code(lang);
    if pref.code.get_untracked() != code {
        // Straight into storage too: the store's own write skips a change made while it is still taking in its first
        // read (leptos-use counts it as another tab's), and that is when a page opened at its address makes it.
        if let Some(store) = window().local_storage().ok().flatten() {
            let _ = store.set_item(crate::prefs::LANG_KEY, code);
        }
        pref.set_code.set(code.to_string());
    }
}
