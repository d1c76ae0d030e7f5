//! Writes every lesson's body to `<out>/<lang>/<slug>.txt` (see the lesson-format crate), after the same checks
//! the app's build runs. Trunk calls it after each build (Trunk.toml) with its staging folder:
//!
//! ```text
//! lesson-bodies <content dir> <out dir>
//! ```

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
    let bodies = match msa_content::bodies(&site) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (lang, slug, text) in bodies {
        let dir = PathBuf::from(out).join(&lang);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join(format!("{slug}.txt")), text)) {
            eprintln!("error: cannot write {}/{slug}.txt: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
