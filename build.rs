//! Turns `content/` into Rust data at build time (see crates/msa-content). Bad content fails the build here,
//! with the file and line, instead of failing in a learner's browser.

fn main() {
    // A debug build of the web app (`trunk serve`, scripts/serve.sh) is one wasm bundle with every widget family,
    // so that a rebuild compiles the app once; a release build is the `app` bundle (the whole app, for the shell),
    // the `core` bundle (the static core pages) and one bundle a family (each a cargo feature, see
    // msa_content::BUNDLES), as `--no-default-features [--features <app or family>]` says.
    let wasm = std::env::var("TARGET").is_ok_and(|t| t.starts_with("wasm32"));
    let debug = wasm && std::env::var("PROFILE").as_deref() == Ok("debug");
    if debug {
        for family in msa_content::BUNDLES {
            println!("cargo:rustc-cfg=feature=\"{family}\"");
        }
    }
    // `islands_only`: a release bundle without the `app` feature (the core, or a widget family). Every page it is
    // loaded for has a static copy that it brings to life (src/islands.rs), so it leaves the whole app (the router
    // and every page's view) out of its wasm; the app bundle, a debug build and the native builds keep it.
    println!("cargo:rustc-check-cfg=cfg(islands_only)");
    println!("cargo:rustc-check-cfg=cfg(family_bundle)");
    if wasm && !debug && std::env::var_os("CARGO_FEATURE_APP").is_none() {
        println!("cargo:rustc-cfg=islands_only");
        // `family_bundle`: a widget family's, loaded only on a lesson's or a lab's static page, so without the core
        // pages' islands (the course map, the challenges page).
        let families = msa_content::BUNDLES
            .iter()
            .filter(|b| std::env::var_os(format!("CARGO_FEATURE_{}", b.to_uppercase())).is_some())
            .count();
        if families > 0 {
            println!("cargo:rustc-cfg=family_bundle");
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
