//! Writes every lesson's body to `<out>/<lang>/<slug>.txt` and each language's glossary to
//! `<out>/<lang>/glossary.txt` (see the lesson-format crate), after the same checks the app's build runs. Trunk
//! calls it after each build (Trunk.toml) with its staging folder:
//!
//! ```text
//! lesson-bodies <content dir> <out dir>
//! ```
//!
//! It also writes `<out dir>/bundles.json`, the wasm bundle of every page that needs one besides `core`
//! (see `msa_content::BUNDLES`): `{"bundles": [...], "pages": {"<slug>": "<bundle>", "lab/<name>": "<bundle>"}}`.
//! scripts/post-build.mjs builds those bundles, gives the boot script the map, and removes the file.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: lesson-bodies <content dir> <out dir>");
        return ExitCode::from(2);
    };
    let site = match msa_content::load_site(&PathBuf::from(content), msa_content::WIDGETS) {
        Ok(site) => site,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return ExitCode::FAILURE;
        }
    };
    let glossaries = match msa_content::glossaries(&site) {
        Ok(g) => g.into_iter().map(|(lang, text)| (lang, "glossary".to_string(), text)),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bodies = match msa_content::bodies(&site) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut pages = Vec::new();
    for set in &site.lessons {
        match msa_content::bundle_of(set.langs[0].widget_names(), msa_content::WIDGETS) {
            Ok("core") => {}
            Ok(bundle) => pages.push(format!("{:?}: {bundle:?}", set.slug)),
            Err(e) => {
                eprintln!("error: lesson `{}`: {e}", set.slug);
                return ExitCode::FAILURE;
            }
        }
    }
    for w in msa_content::WIDGETS.iter().filter(|w| w.lab) {
        pages.push(format!("{:?}: {:?}", format!("lab/{}", w.name), w.bundle));
    }
    let manifest = format!(
        "{{\"bundles\": [{}], \"pages\": {{{}}}}}\n",
        msa_content::BUNDLES.iter().map(|b| format!("{b:?}")).collect::<Vec<_>>().join(", "),
        pages.join(", ")
    );
    if let Err(e) = std::fs::create_dir_all(out).and_then(|_| std::fs::write(PathBuf::from(out).join("bundles.json"), manifest)) {
        eprintln!("error: cannot write {out}/bundles.json: {e}");
        return ExitCode::FAILURE;
    }
    for (lang, slug, text) in bodies.into_iter().chain(glossaries) {
        let dir = PathBuf::from(out).join(&lang);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join(format!("{slug}.txt")), text)) {
            eprintln!("error: cannot write {}/{slug}.txt: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
