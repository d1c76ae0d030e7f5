//! Interactive widgets, one folder each, mounted where a lesson's ```` ```widget name ```` directive stands.
//! Names and keys are declared (and checked at build time) in `msa_content::WIDGETS`.

pub mod quiz;

use crate::i18n::Locale;
use leptos::prelude::*;

/// The component for a widget directive. The build has already refused unknown names and bad keys, so an
/// unmatched name here means the registry and this function disagree: shown as nothing, logged for developers.
pub fn mount(name: &'static str, _params: &'static [(&'static str, &'static str)], _lang: Locale) -> AnyView {
    leptos::logging::error!("widget `{name}` is declared in msa_content::WIDGETS but has no component");
    ().into_any()
}
