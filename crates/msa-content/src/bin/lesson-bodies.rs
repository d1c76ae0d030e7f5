//! Writes every lesson's body to `<out>/<lang>/<slug>.txt` and each language's glossary to
//! `<out>/<lang>/glossary.txt` (see the lesson-format crate), after the same checks the app's build runs, and the
//! site manifest (`msa_content::manifest`: lessons, languages, labs, bundles and which page needs which) that the
//! post-build step reads. Trunk calls it after each build (Trunk.toml) with its staging folder:
//!
//! ```text
//! lesson-bodies <content dir> <out dir> <manifest file>
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out, manifest_file] = args.as_slice() else {
        eprintln!("usage: lesson-bodies <content dir> <out dir> <manifest file>");
        return ExitCode::from(2);
    };
    match run(Path::new(content), Path::new(out), Path::new(manifest_file)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(content: &Path, out: &Path, manifest_file: &Path) -> Result<(), Vec<String>> {
    let site = msa_content::load_site(content, msa_content::WIDGETS)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let one = |e: String| vec![e];
    let glossaries = msa_content::glossaries(&site).map_err(one)?;
    let bodies = msa_content::bodies(&site).map_err(one)?;
    let manifest = msa_content::manifest(&site, msa_content::WIDGETS).map_err(one)?;
    let files =
        bodies.into_iter().chain(glossaries.into_iter().map(|(lang, text)| (lang, "glossary".to_string(), text)));
    for (lang, slug, text) in files {
        let dir = PathBuf::from(out).join(&lang);
        std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join(format!("{slug}.txt")), text))
            .map_err(|e| vec![format!("cannot write {}/{slug}.txt: {e}", dir.display())])?;
    }
    let json = serde_json::to_string(&manifest).expect("a serde_json::Value always serialises");
    std::fs::write(manifest_file, json + "\n")
        .map_err(|e| vec![format!("cannot write {}: {e}", manifest_file.display())])
}
