//! The site manifest, `site-manifest.json`: what the build's later steps need to know about the course, written
//! once, here, from the checked content (serde_json, so every string is escaped as JSON wants). The post-build step
//! reads it to build the wasm bundles and fill in the boot script, and adds the files it wrote (`output`); the
//! static pages' renderer and the size budget read that. No script parses Markdown, SUMMARY.md, front matter, the
//! lesson wire format or generated code.
//!
//! ```text
//! { "langs": ["ko", "en"],
//!   "bundles": ["app", "core", "proxy", ...],   app first (the whole app, for the shell): Trunk builds it, the
//!                                               post-build step the others (the core's static pages, the families)
//!   "pages": { "<slug>": "<bundle>", "lab/<name>": "<bundle>" },   pages whose bundle is not core
//!   "labs": [ { "name": "proxy", "bundle": "proxy" } ],
//!   "lessons": [ { "slug", "bundle",
//!                  "texts": { "<lang>": { "title", "summary", "minutes", "sections": [{"level", "id", "text"}] } } } ],
//!   "files": { "bodies": "lessons/{lang}/{slug}.txt", "glossary": "lessons/{lang}/glossary.txt" } }
//! ```

use crate::{Site, WidgetSpec, BUNDLES, LANGS};
use serde_json::{json, Map, Value};

/// The manifest of `site` whose widgets are `widgets`, or the first lesson whose widgets come from two bundles.
pub fn manifest(site: &Site, widgets: &[WidgetSpec]) -> Result<Value, String> {
    let mut pages = Map::new();
    let mut lessons = Vec::new();
    for set in &site.lessons {
        let bundle = crate::bundle_of(set.langs[0].widget_names(), widgets)
            .map_err(|e| format!("lesson `{}`: {e}", set.slug))?;
        if bundle != "core" {
            pages.insert(set.slug.clone(), bundle.into());
        }
        let mut texts = Map::new();
        for l in &set.langs {
            let sections: Vec<Value> =
                l.toc.iter().map(|t| json!({ "level": t.level, "id": t.id, "text": t.text })).collect();
            texts.insert(
                l.lang.clone(),
                json!({ "title": l.title, "summary": l.summary, "minutes": l.minutes, "sections": sections }),
            );
        }
        lessons.push(json!({ "slug": set.slug, "bundle": bundle, "texts": texts }));
    }
    let labs: Vec<Value> =
        widgets.iter().filter(|w| w.lab).map(|w| json!({ "name": w.name, "bundle": w.bundle })).collect();
    for w in widgets.iter().filter(|w| w.lab) {
        pages.insert(format!("lab/{}", w.name), w.bundle.into());
    }
    let bundles: Vec<&str> = ["app", "core"].into_iter().chain(BUNDLES.iter().copied()).collect();
    Ok(json!({
        "langs": LANGS,
        "bundles": bundles,
        "pages": pages,
        "labs": labs,
        "lessons": lessons,
        "files": { "bodies": "lessons/{lang}/{slug}.txt", "glossary": "lessons/{lang}/glossary.txt" },
    }))
}
