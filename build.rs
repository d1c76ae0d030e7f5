//! Turns `content/` into Rust data at build time (see crates/msa-content). Bad content fails the build here,
//! with the file and line, instead of failing in a learner's browser.

fn main() {
    // A debug build of the web app (`trunk serve`, scripts/serve.sh) is one wasm bundle with every widget family,
    // so that a rebuild compiles the app once; a release build is the core bundle plus one bundle a family (each a
    // cargo feature, see msa_content::BUNDLES), as `--no-default-features --features <family>` says.
    let wasm = std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32"));
    if wasm && std::env::var("PROFILE").as_deref() == Ok("debug") {
        for family in msa_content::BUNDLES {
            println!("cargo:rustc-cfg=feature=\"{family}\"");
        }
    }
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=locales");
    // MSA_CONTENT_DIR lets a test build the app from another course folder; normally it is content/.
    println!("cargo:rerun-if-env-changed=MSA_CONTENT_DIR");
    let dir = std::env::var("MSA_CONTENT_DIR").unwrap_or_else(|_| "content".to_string());
    let root = std::path::Path::new(&dir);
    match msa_content::load_site(root, msa_content::WIDGETS) {
        Ok(site) => {
            let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
            // With each widget's wasm bundle (msa_content::WIDGETS), for `widgets::available`.
            let bundles: String =
                msa_content::WIDGETS.iter().map(|w| format!("    ({:?}, {:?}),\n", w.name, w.bundle)).collect();
            let code = format!(
                "{}\n/// Each widget and the wasm bundle that carries it (msa_content::WIDGETS).\npub const WIDGET_BUNDLES: &[(&str, &str)] = &[\n{bundles}];\n",
                msa_content::to_rust(&site)
            );
            std::fs::write(out.join("lessons.rs"), code).expect("write lessons.rs");
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            eprintln!("error: {} problem(s) in content/; the site was not built", errors.len());
            std::process::exit(1);
        }
    }
}
