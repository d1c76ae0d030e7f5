//! Writes the static pages of a build (the home pages, the glossary, the challenges page, every lesson and lab) from the
//! app's own components, rendered natively (the `ssr` feature): the page a first-time reader sees, readable before
//! the app has loaded and without JavaScript. The app brings a lesson's or a lab's widgets to life in it, and replaces the other
//! pages when it starts (src/main.rs). Run by
//! scripts/post-build.mjs in the staging folder, after index.html has its boot script and stylesheet:
//!
//! ```text
//! cargo run --features ssr --bin render -- <staging dir>
//! ```
//!
//! It reads the page shell (index.html), the site manifest (each page's bundle and each bundle's stylesheet link,
//! as the post-build step wrote them) and the lesson bodies and glossaries (lessons/<lang>/*.txt), and writes
//! `<lang>.html` (and `<lang>/index.html`), `<lang>/glossary.html`, `<lang>/challenges.html` and
//! `<lang>/<slug>.html` and `<lang>/lab/<name>.html`. Hosts serve /en/sessions from en/sessions.html (nginx: try_files $uri $uri.html ...).

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use futures::StreamExt;
use leptos::prelude::*;
use leptos_meta::ServerMetaContext;
use leptos_router::location::RequestUrl;
use msa_lab::i18n::Locale;
use msa_lab::{content, lang};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Nothing runs after a page has rendered: effects, timers and fetches are the app's, in the browser.
struct RenderOnly;

impl CustomExecutor for RenderOnly {
    fn spawn(&self, _: PinnedFuture<()>) {}
    fn spawn_local(&self, _: PinnedLocalFuture<()>) {}
    fn poll_local(&self) {}
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [staging] = args.as_slice() else {
        eprintln!("usage: render <staging dir>");
        return ExitCode::from(2);
    };
    match run(Path::new(staging)) {
        Ok(n) => {
            println!("render: {n} static pages");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("render: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What a page is, for the app that starts on it (src/main.rs reads these attributes of `#prerendered`).
enum Kind {
    Home,
    Glossary,
    Challenges,
    Lesson(&'static str),
    Lab(&'static str),
}

fn run(staging: &Path) -> Result<usize, String> {
    let read = |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let manifest: serde_json::Value = serde_json::from_str(&read(staging.join("site-manifest.json"))?)
        .map_err(|e| format!("site-manifest.json: {e}"))?;
    let output = &manifest["output"];
    let base = output["base"].as_str().ok_or("site-manifest.json has no output.base")?;
    let sheets = &output["stylesheets"];
    let all_sheets = sheets["all"].as_str().ok_or("site-manifest.json has no output.stylesheets.all")?;
    let shell = read(staging.join("index.html"))?;
    // The shell's own title and language give way to the page's (leptos_meta writes them).
    let shell = shell.replacen("<title>MSA Lab</title>", "", 1).replacen("<html lang=\"en\">", "<html>", 1);
    if !shell.contains(all_sheets) || !shell.contains("<body>") || shell.contains("<title>") {
        return Err("index.html is not the shell this renderer expects (stylesheet link, <body>, one <title>)".into());
    }
    Executor::init_custom_executor(RenderOnly).map_err(|e| format!("cannot set the executor: {e:?}"))?;
    msa_lab::render_under(base);

    // The bodies and glossaries, kept as the app keeps what it fetched, so the pages render them.
    for locale in [Locale::en, Locale::ko] {
        let code = lang::code(locale);
        for lesson in content::LESSONS {
            let text = leak(read(staging.join(format!("lessons/{code}/{}.txt", lesson.slug)))?);
            // The page carries the body without its prose in a script block: nothing in it may end the block.
            let skeleton = lesson_format::without_prose(text).unwrap_or_default().to_ascii_lowercase();
            if skeleton.contains("<script") || skeleton.contains("</script") || skeleton.contains("<!--") {
                return Err(format!("{code}/{}: a widget or question holds \"<script\" or \"<!--\"", lesson.slug));
            }
            content::keep_body(locale, lesson.slug, text).map_err(|e| format!("{code}/{}: {e:?}", lesson.slug))?;
        }
        let glossary = leak(read(staging.join(format!("lessons/{code}/glossary.txt")))?);
        content::keep_glossary(locale, glossary).map_err(|e| format!("{code}/glossary: {e:?}"))?;
    }

    let mut written = 0;
    for locale in [Locale::en, Locale::ko] {
        let code = lang::code(locale);
        let mut pages = vec![
            (format!("/{code}"), Kind::Home, vec![format!("{code}.html"), format!("{code}/index.html")]),
            (format!("/{code}/glossary"), Kind::Glossary, vec![format!("{code}/glossary.html")]),
            (format!("/{code}/challenges"), Kind::Challenges, vec![format!("{code}/challenges.html")]),
        ];
        for lesson in content::LESSONS {
            pages.push((
                format!("/{code}/{}", lesson.slug),
                Kind::Lesson(lesson.slug),
                vec![format!("{code}/{}.html", lesson.slug)],
            ));
        }
        for lab in msa_lab::LABS {
            pages.push((
                format!("/{code}/lab/{}", lab.name),
                Kind::Lab(lab.name),
                vec![format!("{code}/lab/{}.html", lab.name)],
            ));
        }
        for (path, kind, files) in pages {
            let bundle = match kind {
                Kind::Lesson(slug) => output["pages"][slug].as_str().unwrap_or("core"),
                Kind::Lab(name) => output["pages"][format!("lab/{name}")].as_str().unwrap_or("core"),
                _ => "core",
            };
            let sheet = sheets[bundle].as_str().ok_or_else(|| format!("no stylesheet for bundle {bundle}"))?;
            let html = page(&shell.replacen(all_sheets, sheet, 1), base, &path, code, &kind);
            if html.contains("lesson__loading") || !html.contains("<title>") {
                return Err(format!("{path}: rendered without its text or its title"));
            }
            for file in files {
                let out = staging.join(&file);
                std::fs::create_dir_all(out.parent().expect("a page's folder"))
                    .and_then(|_| std::fs::write(&out, &html))
                    .map_err(|e| format!("cannot write {file}: {e}"))?;
                written += 1;
            }
        }
    }
    Ok(written)
}

/// The page at site path `path` (`/en/sessions`): the app's view of it inside `#prerendered`, and its title,
/// description and language in the shell's `<head>` and `<html>`.
fn page(shell: &str, base: &str, path: &str, code: &str, kind: &Kind) -> String {
    let owner = Owner::new();
    owner.with(|| {
        let (meta, head) = ServerMetaContext::new();
        provide_context(meta);
        provide_context(RequestUrl::new(&format!("{}{path}", base.trim_end_matches('/'))));
        // Rendered once: a signal read outside a reactive context is what a static page is, not a mistake.
        let app = {
            let _once = reactive_graph::diagnostics::SpecialNonReactiveZone::enter();
            view! { <msa_lab::App /> }.to_html()
        };
        let what = match kind {
            Kind::Home => " data-page=\"home\"".to_string(),
            Kind::Glossary => " data-page=\"glossary\"".to_string(),
            Kind::Challenges => " data-page=\"challenges\"".to_string(),
            Kind::Lesson(slug) => format!(" data-lesson=\"{slug}\""),
            Kind::Lab(name) => format!(" data-lab=\"{name}\""),
        };
        let body =
            format!("<body>\n<div id=\"prerendered\" class=\"prerendered\" data-lang=\"{code}\"{what}>{app}</div>");
        let html = shell.replacen("<body>", &body, 1);
        futures::executor::block_on(async move {
            head.inject_meta_context(futures::stream::once(futures::future::ready(html)))
                .await
                .collect::<String>()
                .await
        })
    })
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}
