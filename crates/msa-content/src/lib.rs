//! # msa-content: MSA Lab's lessons, checked at build time
//!
//! Lessons are Markdown files, one a lesson and language (`content/ko/<slug>.md`, `content/en/<slug>.md`),
//! ordered by `content/SUMMARY.md` (as mdBook orders its chapters). Each starts with front matter:
//!
//! ```text
//! ---
//! slug: load-balancing
//! title: Load balancing behind a reverse proxy
//! minutes: 25
//! summary: One sentence for the course map and the page description.
//! ---
//! ```
//!
//! Widgets are embedded with a fenced directive whose body is `key = value` lines:
//!
//! ````text
//! ```widget proxy
//! preset = notes-port-8004
//! id = notes-port
//! ```
//! ````
//!
//! The app's `build.rs` calls [`load_site`] and [`to_rust`]; anything wrong with the content (an unknown widget, a
//! bad key, a missing translation, a broken link, a section missing in one language) fails the build with the file
//! and line, so a learner never meets it at run time. Section headings (`##` and `###`) carry explicit ids
//! (`## Health checks {#health-checks}`) that are the same in both languages, so a language switch can keep the
//! learner's place and a link to a section works in both.

mod check;
mod codegen;
mod facts;
mod glossary;
mod lesson;
mod manifest;
mod predict;
mod quiz;
mod reading;
mod summary;

pub use check::load_site;
pub use codegen::{bodies, glossaries, to_rust};
pub use facts::course_facts;
pub use glossary::parse_glossary;
pub use lesson::parse_lesson;
pub use manifest::manifest;
pub use predict::parse_predict;
pub use quiz::parse_quiz;
pub use reading::{estimate, Estimate};
pub use summary::parse_summary;

use std::fmt;
use std::path::PathBuf;

/// The languages every lesson is written in, in the order the site offers them.
pub const LANGS: [&str; 2] = ["ko", "en"];

/// A parsed, checked lesson in one language.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub minutes: u32,
    pub summary: String,
    /// `##` and `###` headings in order, for the sidebar.
    pub toc: Vec<TocEntry>,
    pub blocks: Vec<Block>,
    /// Internal links found in the text, checked once every lesson is known.
    pub links: Vec<Link>,
    /// Glossary terms linked from the text (`[애그리거트](glossary:aggregate)`): id and line.
    pub terms: Vec<(String, usize)>,
    /// The asides in the text, in order (their HTML is in the prose blocks).
    pub asides: Vec<Aside>,
}

/// An aside: detail the main line can do without (versions, a commercial edition's features), in a box closed
/// by default, written as a fenced block whose body is Markdown:
///
/// ````text
/// ```aside production
/// Since nginx 1.29.7 (March 2026) ...
/// ```
/// ````
///
/// It renders at build time to `<details class="aside aside--production"><summary class="aside__summary">label
/// </summary><div class="aside__body">…</div></details>`, inside the prose around it, so the static copy of the
/// page and the app show it alike. Translations must have the same asides, of the same kinds, in the same sections.
#[derive(Clone, Debug, PartialEq)]
pub struct Aside {
    /// One of [`ASIDES`].
    pub kind: String,
    /// The id of the `##` or `###` section it is in (empty before the first heading).
    pub section: String,
    /// The opening fence's line.
    pub line: usize,
}

/// A kind of aside and its summary, in [`LANGS`] order.
#[derive(Clone, Copy, Debug)]
pub struct AsideSpec {
    pub kind: &'static str,
    pub labels: [&'static str; 2],
}

/// The kinds of aside lessons may use. `production`: versions, dates and what a commercial edition adds, for the
/// reader who runs the thing; the lesson reads whole without them.
pub const ASIDES: &[AsideSpec] =
    &[AsideSpec { kind: "production", labels: ["운영 환경에서 알아 둘 것", "Production detail"] }];

#[derive(Clone, Debug, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
    pub line: usize,
}

/// A piece of a lesson's body: prose rendered to HTML at build time, or a widget the app mounts.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Html(String),
    Widget(Widget),
    Quiz(Quiz),
    Predict(Predict),
}

/// A prediction asked before a reveal: the learner commits to an option or a number, then the simulation core
/// runs the scenario named by `reveal` and the page shows the prediction next to what happened. Unlike a quiz,
/// the content does not say which answer is right: the core computes it (so the text and the simulator cannot
/// disagree; a test checks that the core's answer is one of the options).
#[derive(Clone, Debug, PartialEq)]
pub struct Predict {
    /// Stable across languages: the prediction is stored under it.
    pub id: String,
    /// `<family>.<name>`: a reveal of `msa_sim::predict` (the family is a bundle of [`BUNDLES`]).
    pub reveal: String,
    /// Inline HTML.
    pub question: String,
    pub answer: PredictAnswer,
    /// Why it comes out as it does (inline HTML), shown with the result.
    pub why: String,
    pub line: usize,
}

/// What the learner commits to.
#[derive(Clone, Debug, PartialEq)]
pub enum PredictAnswer {
    /// One of these options: (key the core answers with, inline HTML).
    Choice(Vec<(String, String)>),
    /// A whole number in `unit` (plain text, e.g. `ms`), from `min` to `max`.
    Number { unit: String, min: i64, max: i64 },
}

impl Predict {
    /// The family of its reveal: the bundle that computes it.
    pub fn family(&self) -> &str {
        self.reveal.split_once('.').map_or("", |(f, _)| f)
    }

    /// The name of the pseudo-widget standing for this block in [`WIDGETS`] (`predict-<family>`), so a page's
    /// bundle counts its predictions as it counts its widgets.
    pub fn widget_name(&self) -> &'static str {
        match self.family() {
            "proxy" => "predict-proxy",
            "race" => "predict-race",
            "arch" => "predict-arch",
            _ => "predict-ddd",
        }
    }
}

/// A question checked in the page: exactly one option is right, and every option explains itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Quiz {
    /// Stable across languages: the learner's answer is stored under it.
    pub id: String,
    /// Inline HTML (rendered from Markdown at build time).
    pub question: String,
    pub options: Vec<QuizOption>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuizOption {
    pub text: String,
    pub correct: bool,
    /// Why this option is right or wrong (inline HTML).
    pub why: String,
}

/// A glossary entry: one concept, named and defined in every language of [`LANGS`].
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub id: String,
    /// In [`LANGS`] order.
    pub names: Vec<String>,
    /// In [`LANGS`] order (plain text: it is also the link's tooltip).
    pub definitions: Vec<String>,
    pub line: usize,
}

/// What lessons may refer to: the widgets the app has and the glossary's terms.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known<'a> {
    pub widgets: &'a [WidgetSpec],
    pub glossary: &'a [Term],
}

/// A widget directive: the component's name and its settings, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub struct Widget {
    pub name: String,
    pub params: Vec<(String, String)>,
    pub line: usize,
}

/// A link to a lesson of the site (`/en/sessions`, `/ko/ddd#aggregate`, or `#anchor` within the lesson).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub lang: String,
    /// The lesson's slug, or `lab/<widget>` for a lab page.
    pub slug: String,
    pub anchor: Option<String>,
    pub line: usize,
}

/// The whole course: lessons in summary order, each in every language of [`LANGS`].
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    pub lessons: Vec<LessonSet>,
    pub glossary: Vec<Term>,
}

/// One lesson in all its languages, in [`LANGS`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonSet {
    pub slug: String,
    pub langs: Vec<Lesson>,
}

/// What a widget directive may say: its name and the keys it takes.
#[derive(Clone, Copy, Debug)]
pub struct WidgetSpec {
    pub name: &'static str,
    pub keys: &'static [KeySpec],
    /// Whether the widget also has a page of its own, `/<lang>/lab/<name>`, that lessons may link to (with a
    /// query that sets its state: `/en/lab/race?race=…`).
    pub lab: bool,
    /// The app's wasm bundle that carries the widget, one of [`BUNDLES`] (see there).
    pub bundle: &'static str,
}

/// The site's wasm comes in bundles, so that a page downloads only the widgets it shows: the `core` bundle (the
/// shell, home page, course map, glossary, quizzes) and one bundle a widget family, each the core plus that
/// family (a cargo feature of the app of the same name). A lesson's widgets must all be in one bundle (checked
/// by [`load_site`]); the boot script loads the bundle of the page it opens (the site manifest's `pages`, written
/// by the lesson-bodies tool), and the app reloads the page when the router moves to a page of another bundle.
pub const BUNDLES: &[&str] = &["proxy", "race", "arch", "ddd"];

impl Lesson {
    /// The names of the widgets the lesson embeds, in order.
    pub fn widget_names(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Widget(w) => Some(w.name.as_str()),
            Block::Predict(p) => Some(p.widget_name()),
            _ => None,
        })
    }
}

/// The bundle a page needs: the widgets' bundle, or `core` for a page without widgets.
pub fn bundle_of<'a>(
    widget_names: impl IntoIterator<Item = &'a str>,
    widgets: &[WidgetSpec],
) -> Result<&'static str, String> {
    let mut found: Option<&'static str> = None;
    for name in widget_names {
        let Some(spec) = widgets.iter().find(|w| w.name == name) else {
            return Err(format!("unknown widget `{name}`"));
        };
        match found {
            Some(b) if b != spec.bundle => {
                return Err(format!(
                    "widgets of two bundles on one page (`{b}` and `{}`): a page loads one bundle; move the widget or \
                     make the two one bundle (msa_content::BUNDLES)",
                    spec.bundle
                ))
            }
            _ => found = Some(spec.bundle),
        }
    }
    Ok(found.unwrap_or("core"))
}

#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: KeyKind,
}

/// The values a directive key accepts.
#[derive(Clone, Copy, Debug)]
pub enum KeyKind {
    Text,
    Int { min: i64, max: i64 },
    OneOf(&'static [&'static str]),
}

/// Something wrong with the content, with the file and line to fix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl ContentError {
    pub fn new(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        ContentError { file: file.into(), line, message: message.into() }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

impl std::error::Error for ContentError {}

/// The widgets lessons may embed, with the keys each directive takes. The app mounts a component for each
/// name here; a directive naming anything else fails the build. Widgets are added here as they are built.
pub const WIDGETS: &[WidgetSpec] = &[
    WidgetSpec {
        name: "proxy",
        lab: true,
        bundle: "proxy",
        keys: &[
            KeySpec { name: "preset", required: false, kind: KeyKind::OneOf(PROXY_PRESETS) },
            KeySpec { name: "id", required: false, kind: KeyKind::Text },
            KeySpec { name: "view", required: false, kind: KeyKind::OneOf(PROXY_VIEWS) },
            KeySpec { name: "request", required: false, kind: KeyKind::Int { min: 1, max: 1000 } },
        ],
    },
    WidgetSpec {
        name: "proxy-roles",
        lab: false,
        keys: &[KeySpec { name: "id", required: false, kind: KeyKind::Text }],
        bundle: "proxy",
    },
    // Issue 18's single-idea figures on the proxy core: response time against utilisation (M/M/1, M/M/c and
    // the simulator's points) and the consistent-hash ring against plain hash.
    WidgetSpec {
        name: "rho-latency",
        lab: false,
        keys: &[KeySpec { name: "id", required: false, kind: KeyKind::Text }],
        bundle: "proxy",
    },
    WidgetSpec {
        name: "hash-ring",
        lab: false,
        keys: &[KeySpec { name: "id", required: false, kind: KeyKind::Text }],
        bundle: "proxy",
    },
    WidgetSpec {
        // The race-condition visualizer. `scenario` names msa_sim::race::PRESETS, `strategy` a
        // msa_sim::race::Strategy (the widget ignores one the scenario's story does not offer); both lists are
        // checked against the core by tests/race_names.rs.
        name: "race",
        keys: &[
            KeySpec { name: "scenario", required: false, kind: KeyKind::OneOf(RACE_SCENARIOS) },
            KeySpec { name: "strategy", required: false, kind: KeyKind::OneOf(RACE_STRATEGIES) },
            KeySpec {
                name: "panels",
                required: false,
                kind: KeyKind::OneOf(&["play", "explore", "predict", "contention", "all"]),
            },
            KeySpec { name: "id", required: false, kind: KeyKind::Text },
        ],
        lab: true,
        bundle: "race",
    },
    WidgetSpec {
        name: "arch",
        keys: &[
            KeySpec { name: "id", required: false, kind: KeyKind::Text },
            KeySpec {
                name: "action",
                required: false,
                kind: KeyKind::OneOf(&["spike", "deploy", "crash", "leak", "hop", "two-change", "schema"]),
            },
            KeySpec {
                name: "module",
                required: false,
                kind: KeyKind::OneOf(&["catalog", "order", "payment", "member"]),
            },
            KeySpec { name: "guard", required: false, kind: KeyKind::OneOf(&["none", "timeout", "breaker"]) },
        ],
        lab: true,
        bundle: "arch",
    },
    WidgetSpec { name: "ddd-kinds", keys: &[], lab: false, bundle: "ddd" },
    WidgetSpec { name: "ddd-contexts", keys: &[], lab: false, bundle: "ddd" },
    WidgetSpec { name: "ddd-aggregate", keys: &[], lab: false, bundle: "ddd" },
    WidgetSpec { name: "ddd-language", keys: &[], lab: false, bundle: "ddd" },
    // Challenges, one directive a family (a directive's bundle is fixed); `id` names one of the core's
    // msa_sim::challenge::CHALLENGES of that family, checked by tests/challenge_names.rs.
    WidgetSpec {
        name: "challenge-race",
        keys: &[KeySpec { name: "id", required: true, kind: KeyKind::OneOf(CHALLENGES_RACE) }],
        lab: false,
        bundle: "race",
    },
    WidgetSpec {
        name: "challenge-proxy",
        keys: &[KeySpec { name: "id", required: true, kind: KeyKind::OneOf(CHALLENGES_PROXY) }],
        lab: false,
        bundle: "proxy",
    },
    WidgetSpec {
        name: "challenge-arch",
        keys: &[KeySpec { name: "id", required: true, kind: KeyKind::OneOf(CHALLENGES_ARCH) }],
        lab: false,
        bundle: "arch",
    },
    WidgetSpec {
        name: "challenge-ddd",
        keys: &[KeySpec { name: "id", required: true, kind: KeyKind::OneOf(CHALLENGES_DDD) }],
        lab: false,
        bundle: "ddd",
    },
    // ```predict blocks, by the family of their reveal (see `Predict::widget_name`): not written as directives.
    WidgetSpec { name: "predict-proxy", keys: &[], lab: false, bundle: "proxy" },
    WidgetSpec { name: "predict-race", keys: &[], lab: false, bundle: "race" },
    WidgetSpec { name: "predict-arch", keys: &[], lab: false, bundle: "arch" },
    WidgetSpec { name: "predict-ddd", keys: &[], lab: false, bundle: "ddd" },
    // The SQL editor (issue 19): a setup and 1 to 3 sessions run on msa_sim::sql's engine. `example` names one of
    // msa_sim::sql::examples::EXAMPLES (checked by tests/race_names.rs); it is in the race bundle, beside the race
    // visualizer, and on the race lab page.
    WidgetSpec {
        name: "sql",
        keys: &[
            KeySpec { name: "example", required: false, kind: KeyKind::OneOf(SQL_EXAMPLES) },
            KeySpec { name: "id", required: false, kind: KeyKind::Text },
        ],
        lab: false,
        bundle: "race",
    },
    // The sessions lesson's JWT inspector (msa_sim::session::jwt); the lesson is in the proxy bundle.
    WidgetSpec {
        name: "jwt",
        keys: &[KeySpec { name: "id", required: false, kind: KeyKind::Text }],
        lab: false,
        bundle: "proxy",
    },
    // The monolith lesson's saga and outbox timeline (msa_sim::arch::saga).
    WidgetSpec {
        name: "saga",
        keys: &[KeySpec { name: "id", required: false, kind: KeyKind::Text }],
        lab: false,
        bundle: "arch",
    },
];

/// The reverse-proxy playground's presets: the names of `msa_sim::proxy::PRESETS` (a test checks they agree).
pub const PROXY_PRESETS: &[&str] = &[
    "uneven-round-robin",
    "uneven-least-conn",
    "uneven-peak-ewma",
    "passive-checks-death",
    "active-checks-death",
    "hang-timeout",
    "post-retry",
    "backup-server",
    "local-sessions-round-robin",
    "sticky-ip-hash-death",
    "sticky-cookie-death",
    "shared-sessions-death",
    "jwt-sessions-death",
    "hash-consistent-death",
    "saturation",
    "saturation-proxy-queue",
    "notes-port-8004",
    "mmc",
    "random-mm1",
    "random-two-supermarket",
    "weighted-round-robin",
];

/// What a `proxy` directive shows: `all` (every panel, the lab page), `sim` (the picture, time, backend actions,
/// log and table), `sim-charts` (and the live charts), `compare` (algorithms side by side), `ask-server` ("which
/// server gets request N?", with `request = N`), `ask-detection` ("how many attempts fail before the dead
/// server is taken out?").
pub const PROXY_VIEWS: &[&str] = &["all", "sim", "sim-charts", "compare", "ask-server", "ask-detection"];

/// The race widget's scenarios: msa_sim::race::PRESETS by name.
/// The ids of msa_sim::challenge::CHALLENGES of family `race`, in registry order.
pub const CHALLENGES_RACE: &[&str] = &[
    "race-lose-two-updates",
    "race-sell-last-bowl-twice",
    "race-optimistic-retry",
    "race-two-deadlock-victims",
    "race-app-mutex-lost-update",
];
/// The ids of msa_sim::challenge::CHALLENGES of family `proxy`, in registry order.
pub const CHALLENGES_PROXY: &[&str] = &[
    "lb-weights-5-of-7",
    "lb-fail-timeout-probe",
    "lb-backup-takes-over",
    "lb-uneven-p99",
    "sessions-keep-by-algorithm",
    "sessions-ip-hash-loses-twice",
    "sessions-survive-crash",
    "traffic-p99-fewest-backends",
    "traffic-saturation-fewest-servers",
];
/// The ids of msa_sim::challenge::CHALLENGES of family `arch`, in registry order.
pub const CHALLENGES_ARCH: &[&str] = &["arch-contain-payment-hang", "arch-spike-scale-out", "arch-schema-one-feature"];
/// The ids of msa_sim::challenge::CHALLENGES of family `ddd`, in registry order.
pub const CHALLENGES_DDD: &[&str] =
    &["ddd-exact-limit", "ddd-break-limit", "ddd-change-after-payment", "ddd-lunch-lost-line"];

/// The SQL editor's examples: the names of `msa_sim::sql::examples::EXAMPLES` (a test checks they agree).
pub const SQL_EXAMPLES: &[&str] = &["lost-update", "job-queue", "write-skew"];

pub const RACE_SCENARIOS: &[&str] = &[
    "lost-update",
    "oversell",
    "atomic",
    "for-update",
    "optimistic",
    "deadlock",
    "repeatable-read",
    "app-mutex",
    "db-lock",
];
/// The race widget's strategies: msa_sim::race::Strategy::ALL by name.
pub const RACE_STRATEGIES: &[&str] =
    &["no-lock", "atomic", "for-update", "for-update-nowait", "optimistic", "repeatable-read", "app-mutex", "db-lock"];
