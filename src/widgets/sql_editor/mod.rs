//! `sql`: the SQL editor. The learner types a setup and 1 to 3 sessions; each statement is one step, and the
//! learner schedules the steps (buttons, or keys 1/2/3, T for time, U to undo) on `msa_sim::sql`'s engine, which
//! answers as PostgreSQL 15 does. The board shows each statement's reply, the sessions that wait, every row
//! version with its lock holders and the waits-for edges (as tables: the text twin), and a step log; "Explore"
//! runs every interleaving and lets the learner open any one. The texts and the steps taken are the URL
//! (`msa_sim::sql::url`), so a link reproduces the board.
//!
//! Directive keys: `example` (a name of `msa_sim::sql::examples::EXAMPLES`), `id` (the URL key when several
//! instances share a page; `sql` by default). On the race lab page it sits under the race visualizer.

mod board;
mod explore;
pub mod text;

use crate::i18n::*;
use crate::widgets::{fill, param, url_state, Params};
use leptos::prelude::*;
use msa_sim::sql::examples::{example, Example, EXAMPLES};
use msa_sim::sql::url::{
    Board, EditorState, Part, ProgramError, Step, MAX_SESSIONS, MAX_SESSION_CHARS, MAX_SETUP_CHARS, MAX_STATEMENTS,
};
use std::time::Duration;
use wasm_bindgen::JsCast;

/// The editor's state: the texts and steps (what the URL holds), the board they give (or why they give none),
/// and a schedule being replayed (one the learner opened from the exploration).
#[derive(Clone)]
pub struct Ed {
    pub state: EditorState,
    pub built: Result<Board, ProgramError>,
    pub replay: Option<Vec<Step>>,
}

impl Ed {
    /// The board for `state`, its steps replayed as far as they go (the rest dropped): the new state and how many
    /// of the steps replayed, when not all did.
    fn build(mut state: EditorState) -> (Ed, Option<usize>) {
        let mut short = None;
        let built = state.program().and_then(|p| {
            let (b, stopped) = Board::replay(p, &state.steps)?;
            if let Some((i, _)) = stopped {
                short = Some(i);
                state.steps.truncate(i);
            }
            Ok(b)
        });
        (Ed { state, built, replay: None }, short)
    }

    /// The next step of the schedule being replayed, while the board still follows it.
    pub fn replay_next(&self) -> Option<Step> {
        let r = self.replay.as_ref()?;
        let n = self.state.steps.len();
        (n < r.len() && self.state.steps[..] == r[..n]).then(|| r[n])
    }
}

/// Shared handles the parts use.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: Locale,
    pub ed: RwSignal<Ed, LocalStorage>,
    /// A message about the last thing the learner did.
    pub note: RwSignal<Option<String>>,
    /// Bumped when the texts change from outside the text boxes (an example, a removed session): the boxes
    /// take their value from the state again. Typing does not bump it, so the caret stays where it is.
    pub texts: RwSignal<u32>,
    pub key: StoredValue<String>,
    pub uid: StoredValue<String>,
    /// Bumped on every edit: a pending write of the URL from an older edit is dropped.
    save_gen: StoredValue<u32>,
}

impl Ctx {
    /// Writes the shareable state now.
    pub fn save(&self) {
        self.save_gen.update_value(|g| *g = g.wrapping_add(1));
        let v = self.ed.with_untracked(|e| e.state.encode());
        url_state::write(&self.key.get_value(), Some(&v));
    }

    /// Writes the shareable state once the learner pauses typing (browsers limit how often a page may replace
    /// its URL).
    fn save_soon(&self) {
        let ctx = *self;
        let gen = self.save_gen.get_value().wrapping_add(1);
        self.save_gen.set_value(gen);
        set_timeout(
            move || {
                if ctx.save_gen.try_get_value() == Some(gen) {
                    ctx.save();
                }
            },
            Duration::from_millis(400),
        );
    }

    /// Takes one step, or says why it cannot be taken.
    pub fn step(&self, s: Step) {
        let mut err = None;
        self.ed.update(|e| {
            if let Ok(b) = &mut e.built {
                match b.step(s) {
                    Ok(()) => e.state.steps = b.steps.clone(),
                    Err(x) => err = Some(text::step_error(self.lang, x)),
                }
            }
        });
        self.note.set(err);
        self.save();
    }

    /// The steps so far but the last, replayed from the setup.
    pub fn undo(&self) {
        self.ed.update(|e| {
            let mut st = e.state.clone();
            st.steps.pop();
            let replay = e.replay.take();
            *e = Ed::build(st).0;
            e.replay = replay;
        });
        self.note.set(None);
        self.save();
    }

    pub fn reset(&self) {
        self.ed.update(|e| {
            let mut st = e.state.clone();
            st.steps.clear();
            *e = Ed::build(st).0;
        });
        self.note.set(None);
        self.save();
    }

    /// New texts: parsed again, and the steps so far replayed on them as far as they go.
    fn edit(&self, change: impl FnOnce(&mut EditorState), soon: bool) {
        let lang = self.lang;
        let mut note = None;
        self.ed.update(|e| {
            let mut st = e.state.clone();
            change(&mut st);
            let total = st.steps.len();
            // While the texts do not parse, the steps are kept for when they do again.
            let (ed, short) = Ed::build(st.clone());
            *e = match (&ed.built, short) {
                (Err(_), _) => Ed { state: st, built: ed.built, replay: None },
                (Ok(_), Some(done)) => {
                    note = Some(fill(td_string!(lang, sql.edited), &[("done", &done), ("total", &total)]));
                    ed
                }
                (Ok(_), None) => ed,
            };
        });
        if note.is_some() {
            self.note.set(note);
        }
        if soon {
            self.save_soon();
        } else {
            self.save();
        }
    }

    pub fn load(&self, ex: &Example) {
        self.ed.set(Ed::build(ex.state()).0);
        self.texts.update(|n| *n += 1);
        self.note.set(None);
        self.save();
    }

    /// Starts over and replays `steps` one by one as the learner advances them.
    pub fn open(&self, steps: Vec<Step>) {
        self.ed.update(|e| {
            let mut st = e.state.clone();
            st.steps.clear();
            *e = Ed::build(st).0;
            e.replay = Some(steps);
        });
        self.note.set(None);
        self.save();
    }
}

pub fn mount(params: Params, lang: Locale) -> AnyView {
    view! { <SqlEditor params lang /> }.into_any()
}

#[component]
pub fn SqlEditor(params: Params, lang: Locale) -> impl IntoView {
    let key = param(params, "id").unwrap_or("sql").to_string();
    let start: &'static Example = param(params, "example").and_then(example).unwrap_or(&EXAMPLES[0]);
    let mut note = None;
    let state = match url_state::initial(&key) {
        Some(v) => match EditorState::decode(&v) {
            Ok(s) => s,
            Err(e) => {
                note = Some(text::url_error(lang, &e));
                start.state()
            }
        },
        None => start.state(),
    };
    let (ed, short) = Ed::build(state);
    if let Some(i) = short {
        note = Some(fill(
            td_string!(lang, sql.url_bad),
            &[("why", &fill(td_string!(lang, sql.url_replay), &[("n", &(i + 1))]))],
        ));
    }
    let uid = format!("sqled-{key}");
    let ctx = Ctx {
        lang,
        ed: RwSignal::new_local(ed),
        note: RwSignal::new(note),
        texts: RwSignal::new(0),
        key: StoredValue::new(key),
        uid: StoredValue::new(uid.clone()),
        save_gen: StoredValue::new(0),
    };
    let title_id = format!("{uid}-title");
    // Distinct names for the page's landmarks: a lesson's instance names its example.
    let title = match param(params, "example").and_then(example) {
        Some(x) => format!("{}: {}", td_string!(lang, sql.title_short), name(lang, x.name)),
        None => td_string!(lang, sql.title).to_string(),
    };
    let labelled_by = title_id.clone();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if crate::widgets::region::not_a_shortcut(&ev) {
            return;
        }
        let s = match ev.key().as_str() {
            k @ ("1" | "2" | "3") => Step::Session { index: k.as_bytes()[0] - b'1' },
            "t" | "T" => Step::Time,
            "u" | "U" => {
                ev.prevent_default();
                ctx.undo();
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        ctx.step(s);
    };
    let limits = fill(
        td_string!(lang, sql.limits),
        &[
            ("sessions", &MAX_SESSIONS),
            ("statements", &MAX_STATEMENTS),
            ("total", &msa_sim::sql::url::MAX_TOTAL_STATEMENTS),
            ("chars", &MAX_SESSION_CHARS),
            ("setup", &MAX_SETUP_CHARS),
            ("rows", &msa_sim::sql::MAX_ROW_VERSIONS),
        ],
    );
    view! {
        <section id=uid.clone() class="widget widget--sql race sqled" data-keys aria-labelledby=labelled_by on:keydown=on_key>
            <h2 id=title_id class="race__title">{title}</h2>
            <p class="race__intro">{td_string!(lang, sql.intro)}</p>
            <p class="sqled__limits">{limits}</p>
            <Examples ctx />
            <Texts ctx />
            <board::Board ctx />
            <explore::Explore ctx />
        </section>
    }
}

/// The example picker and what the current example is about.
#[component]
fn Examples(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let select_id = format!("{uid}-example");
    let chosen = StoredValue::new(EXAMPLES[0].name.to_string());
    // The example whose texts are on the board now, if any: its explanation is shown.
    let current = move || {
        ctx.ed
            .with(|e| EXAMPLES.iter().find(|x| x.sessions.len() == e.state.sessions.len() && x.setup == e.state.setup))
    };
    let about = move || current().map(|x| about(lang, x.name));
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(s) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
            chosen.set_value(s.value());
        }
    };
    let on_load = move |_| {
        if let Some(x) = example(&chosen.get_value()) {
            ctx.load(x);
        }
    };
    view! {
        <div class="sqled__examples">
            <label class="race__field" for=select_id.clone()>
                <span>{td_string!(lang, sql.example)}</span>
            </label>
            <div class="sqled__example-row">
                <select id=select_id on:change=on_change>
                    {EXAMPLES
                        .iter()
                        .map(|x| view! { <option value=x.name>{name(lang, x.name)}</option> })
                        .collect_view()}
                </select>
                <button type="button" class="button" on:click=on_load>{td_string!(lang, sql.load)}</button>
            </div>
            <p class="sqled__about">{about}</p>
        </div>
    }
}

/// An example's title in the learner's language.
pub fn name(lang: Locale, n: &str) -> &'static str {
    match n {
        "job-queue" => td_string!(lang, sql.ex_job_queue),
        "write-skew" => td_string!(lang, sql.ex_write_skew),
        _ => td_string!(lang, sql.ex_lost_update),
    }
}

fn about(lang: Locale, n: &str) -> &'static str {
    match n {
        "job-queue" => td_string!(lang, sql.about_job_queue),
        "write-skew" => td_string!(lang, sql.about_write_skew),
        _ => td_string!(lang, sql.about_lost_update),
    }
}

/// The setup and one text box per session, each with its count, its limit and its error.
#[component]
fn Texts(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let n_sessions = move || {
        ctx.texts.track();
        ctx.ed.with_untracked(|e| e.state.sessions.len())
    };
    let boxes = move || {
        let n = n_sessions();
        let mut v = vec![text_box(ctx, Part::Setup, &uid, n)];
        for i in 0..n {
            v.push(text_box(ctx, Part::Session { index: i as u8 }, &uid, n));
        }
        v.collect_view()
    };
    let add = move |_| {
        ctx.edit(
            |st| {
                if st.sessions.len() < MAX_SESSIONS {
                    let copy = st.sessions.last().cloned().unwrap_or_default();
                    st.sessions.push(copy);
                }
            },
            false,
        );
        ctx.texts.update(|n| *n += 1);
    };
    let can_add = move || ctx.ed.with(|e| e.state.sessions.len() < MAX_SESSIONS);
    view! {
        <fieldset class="sqled__texts">
            <legend>{td_string!(lang, sql.programs)}</legend>
            <div class="sqled__boxes">{boxes}</div>
            <button type="button" class="button sqled__add" on:click=add disabled=move || !can_add()>
                {td_string!(lang, sql.add_session)}
            </button>
        </fieldset>
    }
}

fn text_box(ctx: Ctx, part: Part, uid: &str, sessions: usize) -> impl IntoView {
    let lang = ctx.lang;
    let (id, label, max, rows) = match part {
        Part::Setup => (format!("{uid}-setup"), td_string!(lang, sql.setup).to_string(), MAX_SETUP_CHARS, 4),
        Part::Session { index } => (
            format!("{uid}-s{}", index + 1),
            fill(td_string!(lang, sql.session_label), &[("name", &text::session(index.into()))]),
            MAX_SESSION_CHARS,
            6,
        ),
    };
    let get = move |e: &Ed| match part {
        Part::Setup => e.state.setup.clone(),
        Part::Session { index } => e.state.sessions.get(usize::from(index)).cloned().unwrap_or_default(),
    };
    let value = move || {
        ctx.texts.track();
        ctx.ed.with_untracked(get)
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) else { return };
        let v = t.value();
        ctx.edit(
            move |st| match part {
                Part::Setup => st.setup = v,
                Part::Session { index } => {
                    if let Some(s) = st.sessions.get_mut(usize::from(index)) {
                        *s = v;
                    }
                }
            },
            true,
        );
    };
    let error = move || {
        ctx.ed.with(|e| match &e.built {
            Err(err) if text::error_part(err) == Some(part) => Some(text::program_error(lang, err)),
            _ => None,
        })
    };
    let count = move || {
        ctx.ed.with(|e| {
            let chars = get(e).chars().count();
            let stmts = match (&e.built, part) {
                (Ok(b), Part::Session { index }) => b.program.sessions.get(usize::from(index)).map(|s| s.len()),
                _ => None,
            };
            let mut s = format!("{chars} / {max}");
            if let Some(n) = stmts {
                s.push_str(" · ");
                s.push_str(&fill(td_string!(lang, sql.steps_count), &[("n", &n)]));
            }
            s
        })
    };
    let err_id = format!("{id}-error");
    let count_id = format!("{id}-count");
    let described = format!("{count_id} {err_id}");
    let remove = match part {
        Part::Session { index } if sessions > 1 => {
            let label = fill(td_string!(lang, sql.remove_session), &[("name", &text::session(index.into()))]);
            let on = move |_| {
                let i = usize::from(index);
                ctx.edit(
                    move |st| {
                        if st.sessions.len() > 1 && i < st.sessions.len() {
                            st.sessions.remove(i);
                            // The removed session's steps go; the later sessions move up one.
                            st.steps = st
                                .steps
                                .iter()
                                .filter_map(|s| match *s {
                                    Step::Session { index: j } if usize::from(j) == i => None,
                                    Step::Session { index: j } if usize::from(j) > i => {
                                        Some(Step::Session { index: j - 1 })
                                    }
                                    other => Some(other),
                                })
                                .collect();
                        }
                    },
                    false,
                );
                ctx.texts.update(|n| *n += 1);
            };
            Some(
                view! { <button type="button" class="button button--small sqled__remove" on:click=on>{label}</button> },
            )
        }
        _ => None,
    };
    let cls = match part {
        Part::Setup => "sqled__box sqled__box--setup",
        Part::Session { .. } => "sqled__box",
    };
    view! {
        <div class=cls>
            <div class="sqled__box-head">
                <label for=id.clone()>{label}</label>
                {remove}
            </div>
            <textarea
                id=id
                class="sqled__text"
                rows=rows
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                aria-describedby=described
                aria-invalid=move || error().is_some().then_some("true")
                prop:value=value
                on:input=on_input
            ></textarea>
            <p class="sqled__count" id=count_id>{count}</p>
            <p class="sqled__parse-error" id=err_id>{error}</p>
        </div>
    }
}
