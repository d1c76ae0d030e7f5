//! `challenge-race`, `challenge-proxy`, `challenge-arch`, `challenge-ddd`: one challenge of `msa_sim::challenge`
//! (directive key `id`) around its own instance of the family's widget. The widget's instance key is the
//! challenge id, so its state is in the URL (`?race-lose-two-updates=…`) and that state is the solution: "Check my
//! solution" reads it from the URL and asks the core ([`msa_sim::challenge::check_family`]), which decides. One
//! directive a family because a widget's bundle is fixed per directive; this module is the same for all four.
//!
//! The widget is built when the learner starts the challenge (or when the URL already carries its state, as a
//! shared solution does): a lesson holds several challenges, and several playgrounds at once would be heavy.

use crate::i18n::*;
use crate::prefs::use_solved;
use crate::widgets::{fill, url_state, Params};
use leptos::prelude::*;
use msa_sim::challenge::{self, Challenge, ChallengeError, Fact, Family, SizeUnit, Verdict};

/// The component for a `challenge-*` directive.
pub fn mount(params: Params, lang: Locale) -> AnyView {
    match crate::widgets::param(params, "id").and_then(challenge::find) {
        Some(c) => view! { <ChallengeBox c lang /> }.into_any(),
        // The build checks every id against the core's list: unreachable, but never a panic.
        None => {
            view! { <p class="widget__error" role="alert">{td_string!(lang, challenge_ui.err_unknown)}</p> }.into_any()
        }
    }
}

use super::challenge_texts::{hint, texts};

/// "12 steps", "1 changed setting", in the learner's language (English has a singular; Korean none).
pub fn size_text(lang: Locale, unit: SizeUnit, n: u64) -> String {
    let t = match (unit, n == 1) {
        (SizeUnit::Steps, false) => td_string!(lang, challenge_ui.unit_steps),
        (SizeUnit::Steps, true) => td_string!(lang, challenge_ui.unit_one_steps),
        (SizeUnit::Commands, false) => td_string!(lang, challenge_ui.unit_commands),
        (SizeUnit::Commands, true) => td_string!(lang, challenge_ui.unit_one_commands),
        (SizeUnit::Actions, false) => td_string!(lang, challenge_ui.unit_actions),
        (SizeUnit::Actions, true) => td_string!(lang, challenge_ui.unit_one_actions),
        (SizeUnit::Settings, false) => td_string!(lang, challenge_ui.unit_settings),
        (SizeUnit::Settings, true) => td_string!(lang, challenge_ui.unit_one_settings),
        (SizeUnit::Backends, false) => td_string!(lang, challenge_ui.unit_backends),
        (SizeUnit::Backends, true) => td_string!(lang, challenge_ui.unit_one_backends),
        (SizeUnit::TotalWeight, false) => td_string!(lang, challenge_ui.unit_total_weight),
        (SizeUnit::TotalWeight, true) => td_string!(lang, challenge_ui.unit_one_total_weight),
        (SizeUnit::Milliseconds, false) => td_string!(lang, challenge_ui.unit_milliseconds),
        (SizeUnit::Milliseconds, true) => td_string!(lang, challenge_ui.unit_one_milliseconds),
        (SizeUnit::Seconds, false) => td_string!(lang, challenge_ui.unit_seconds),
        (SizeUnit::Seconds, true) => td_string!(lang, challenge_ui.unit_one_seconds),
        (SizeUnit::SpikeFactor, false) => td_string!(lang, challenge_ui.unit_spike_factor),
        (SizeUnit::SpikeFactor, true) => td_string!(lang, challenge_ui.unit_one_spike_factor),
        (SizeUnit::SessionCostUs, false) => td_string!(lang, challenge_ui.unit_session_cost_us),
        (SizeUnit::SessionCostUs, true) => td_string!(lang, challenge_ui.unit_one_session_cost_us),
        (SizeUnit::Features, false) => td_string!(lang, challenge_ui.unit_features),
        (SizeUnit::Features, true) => td_string!(lang, challenge_ui.unit_one_features),
    };
    fill(t, &[("n", &n)])
}

/// 9_990 basis points -> "99.90".
fn percent_bp(bp: u64) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// Microseconds as milliseconds with one decimal, by integer arithmetic.
fn ms(us: u64) -> String {
    format!("{}.{}", us / 1000, (us % 1000) / 100)
}

/// One measured fact in the learner's language. Names the core gives (an algorithm, a session mode, a feature)
/// are the widget's own setting values, shown as they appear in its controls and links.
fn fact_text(lang: Locale, f: &Fact) -> String {
    macro_rules! f {
        ($key:ident $(, $n:literal => $v:expr)*) => {
            fill(td_string!(lang, challenge_ui.$key), &[$(($n, &$v as &dyn std::fmt::Display)),*])
        };
    }
    let yes_no = |b: bool| if b { td_string!(lang, challenge_ui.yes) } else { td_string!(lang, challenge_ui.no) };
    match f {
        Fact::Schedule { steps, finished: true } => f!(fact_schedule_done, "steps" => steps),
        Fact::Schedule { steps, finished: false } => f!(fact_schedule_open, "steps" => steps),
        Fact::Outcome { outcome } => f!(fact_outcome, "outcome" => outcome),
        Fact::RowValue { table, value, expected } => {
            f!(fact_row_value, "table" => table, "value" => value, "expected" => expected)
        }
        Fact::Sold { orders, stock } => f!(fact_sold, "orders" => orders, "stock" => stock),
        Fact::Committed { count, of } => f!(fact_committed, "count" => count, "of" => of),
        Fact::DeadlockVictims { count } => f!(fact_deadlock_victims, "count" => count),
        Fact::Attempts { max } => f!(fact_attempts, "max" => max),
        Fact::WindowShare { server, window, requests, min, max } => f!(fact_window_share,
            "server" => server, "window" => window, "requests" => requests, "min" => min, "max" => max),
        Fact::TotalWeight { weight } => f!(fact_total_weight, "weight" => weight),
        Fact::Errors { failed, dropped } => f!(fact_errors, "failed" => failed, "dropped" => dropped),
        Fact::P99 { us, limit_us } => f!(fact_p99, "p99" => ms(*us), "limit" => ms(*limit_us)),
        Fact::Backends { count } => f!(fact_backends, "count" => count),
        Fact::Algorithm { name } => f!(fact_algorithm, "name" => name),
        Fact::FewerMeets { backends, algorithms, meets } => {
            f!(fact_fewer_meets, "backends" => backends, "algorithms" => algorithms, "meets" => yes_no(*meets))
        }
        Fact::FailTimeout { server, seconds } => f!(fact_fail_timeout, "server" => server, "seconds" => seconds),
        Fact::DeadServerAttempts { server, attempts } => {
            f!(fact_dead_server_attempts, "server" => server, "attempts" => attempts)
        }
        Fact::LongerMeets { seconds, meets } => f!(fact_longer_meets, "seconds" => seconds, "meets" => yes_no(*meets)),
        Fact::Served { server, ok } => f!(fact_served, "server" => server, "ok" => ok),
        Fact::Actions { count } => f!(fact_actions, "count" => count),
        Fact::SessionsLost { count } => f!(fact_sessions_lost, "count" => count),
        Fact::ClientsLostTwice { count } => f!(fact_clients_lost_twice, "count" => count),
        Fact::Sessions { mode, cost_us } => f!(fact_sessions, "mode" => mode, "cost" => cost_us),
        Fact::SettingsChanged { count } => f!(fact_settings_changed, "count" => count),
        Fact::Availability { arch, feature, bp } => {
            f!(fact_availability, "arch" => arch, "feature" => feature, "percent" => percent_bp(*bp))
        }
        Fact::FailWait { us } => f!(fact_fail_wait, "wait" => ms(*us)),
        Fact::Instances { arch, spike, instances } => {
            f!(fact_instances, "arch" => arch, "spike" => spike, "instances" => instances)
        }
        Fact::Blast { arch, features } => f!(fact_blast, "arch" => arch, "count" => features.len(),
            "features" => if features.is_empty() { "-".to_string() } else { features.join(", ") }),
        Fact::Total { won, limit } => f!(fact_total, "total" => won, "limit" => limit),
        Fact::Order { paid, version } => f!(fact_order, "paid" => yes_no(*paid), "version" => version),
        Fact::Commands { count, refused } => f!(fact_commands, "count" => count, "refused" => refused),
        Fact::BackDoor { count } => f!(fact_back_door, "count" => count),
        Fact::Broken { invariants } => f!(fact_broken,
            "invariants" => if invariants.is_empty() { "-".to_string() } else { invariants.join(", ") }),
        Fact::Lunch { checked, total, lines, saved } => f!(fact_lunch,
            "checked" => yes_no(*checked), "total" => total, "lines" => lines, "saved" => saved),
    }
}

/// Why a state could not be judged, in the learner's language.
fn error_text(lang: Locale, e: &ChallengeError) -> String {
    match e {
        ChallengeError::UnknownId => td_string!(lang, challenge_ui.err_unknown).to_string(),
        #[cfg(feature = "race")]
        ChallengeError::Race { error } => crate::widgets::race::text::url_error(lang, error),
        #[cfg(feature = "proxy")]
        ChallengeError::Proxy { error } => crate::widgets::proxy::text::state_error(lang, error),
        ChallengeError::Ddd { error } => {
            let index = match error {
                msa_sim::ddd::script::ScriptError::BadStep { index }
                | msa_sim::ddd::script::ScriptError::NoSuchItem { index }
                | msa_sim::ddd::script::ScriptError::BadQuantity { index } => index + 1,
                _ => 0,
            };
            fill(td_string!(lang, challenge_ui.err_script), &[("n", &index)])
        }
        ChallengeError::Fixed { setting } => {
            fill(td_string!(lang, challenge_ui.err_fixed), &[("setting", setting as &dyn std::fmt::Display)])
        }
        ChallengeError::ActionNotAllowed { index } => {
            fill(td_string!(lang, challenge_ui.err_action), &[("n", &(index + 1))])
        }
        ChallengeError::TooManyActions { max } => {
            fill(td_string!(lang, challenge_ui.err_too_many), &[("max", max as &dyn std::fmt::Display)])
        }
        ChallengeError::Limit { setting, max } => {
            let setting = setting as &dyn std::fmt::Display;
            fill(td_string!(lang, challenge_ui.err_limit), &[("setting", setting), ("max", max)])
        }
        ChallengeError::TooMuchWork => td_string!(lang, challenge_ui.err_work).to_string(),
        // Arch links, and a family this bundle does not carry (never: the directive's bundle is its family's).
        _ => td_string!(lang, challenge_ui.err_state).to_string(),
    }
}

/// The link that opens this page with `state` as the challenge's widget state, and nothing else in the query.
fn link_with(id: &str, state: &str) -> String {
    let path = window().location().pathname().unwrap_or_default();
    let q = web_sys::UrlSearchParams::new().map(|p| {
        p.set(id, state);
        String::from(p.to_string())
    });
    format!("{path}?{}#challenge-{id}", q.unwrap_or_default())
}

/// The widget of the challenge's family, keyed by the challenge id, started from the URL (the caller has written
/// the challenge's start there if it held nothing).
fn family_widget(c: &'static Challenge, lang: Locale) -> AnyView {
    match c.family {
        #[cfg(feature = "race")]
        Family::Race => {
            let scenario = c.start.split('_').next().unwrap_or_default();
            let params: Params = Box::leak(Box::new([("id", c.id), ("panels", "play"), ("scenario", scenario)]));
            crate::widgets::race::mount(params, lang)
        }
        #[cfg(feature = "proxy")]
        Family::Proxy => {
            let params: Params = Box::leak(Box::new([("id", c.id), ("view", "all")]));
            view! { <crate::widgets::proxy::Proxy params lang /> }.into_any()
        }
        #[cfg(feature = "arch")]
        Family::Arch => {
            let params: Params = Box::leak(Box::new([("id", c.id)]));
            view! { <crate::widgets::arch::ArchWidget params lang /> }.into_any()
        }
        #[cfg(feature = "ddd")]
        Family::Ddd => view! { <crate::widgets::ddd::order::DddAggregate lang key=c.id /> }.into_any(),
        #[allow(unreachable_patterns)]
        _ => crate::widgets::missing(lang),
    }
}

/// The core's check for the challenge's family, through the family's own entry point: a bundle links only the
/// judge of its family.
fn check_here(c: &'static Challenge, state: &str) -> Result<Verdict, ChallengeError> {
    match c.family {
        #[cfg(feature = "race")]
        Family::Race => challenge::check_race(c.id, state),
        #[cfg(feature = "proxy")]
        Family::Proxy => challenge::check_proxy(c.id, state),
        #[cfg(feature = "arch")]
        Family::Arch => challenge::check_arch(c.id, state),
        #[cfg(feature = "ddd")]
        Family::Ddd => challenge::check_ddd(c.id, state),
        #[allow(unreachable_patterns)]
        _ => Err(ChallengeError::UnknownId),
    }
}

#[component]
fn ChallengeBox(c: &'static Challenge, lang: Locale) -> impl IntoView {
    let (title, goal) = texts(lang, c.id);
    let hint = hint(lang, c.id);
    let store = use_solved();
    let opened = RwSignal::new(url_state::initial(c.id).is_some());
    let hint_open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<Verdict, ChallengeError>>);
    let solution = RwSignal::new(String::new());
    let uid = format!("challenge-{}", c.id);
    let title_id = format!("{uid}-title");
    let labelled_by = title_id.clone();
    let hint_for = format!("{uid}-hint");
    let hint_id = format!("{uid}-hint");
    let before = move || store.solved.with(|s| s.0.get(c.id).copied());

    let start = move |_| {
        if url_state::initial(c.id).is_none() {
            url_state::write(c.id, Some(c.start));
        }
        opened.set(true);
        // The start button goes with the click: focus moves into the widget (its first control), where a keyboard
        // learner goes on (the race visualizer takes its keys 1, 2, 3 there).
        set_timeout(
            move || {
                // A control with a key shortcut first (the race's "move T1 [1]"), else the first control.
                let find = |sel: &str| {
                    document().query_selector(&format!("#challenge-{} .challenge__widget {sel}", c.id)).ok().flatten()
                };
                let first = find("[aria-keyshortcuts]").or_else(|| find(":is(button, select, input)"));
                crate::focus(first);
            },
            std::time::Duration::from_millis(50),
        );
    };
    // The widget inside is a landmark named by its own title, the same as the lesson's own instance of that widget:
    // its name also takes the challenge's title, so every landmark on the page has a name of its own.
    Effect::new(move |_| {
        if opened.get() {
            set_timeout(
                move || {
                    let sel = format!("#challenge-{} .challenge__widget section[aria-labelledby]", c.id);
                    if let Ok(Some(el)) = document().query_selector(&sel) {
                        let own = el.get_attribute("aria-labelledby").unwrap_or_default();
                        let extra = format!("challenge-{}-title", c.id);
                        if !own.split(' ').any(|x| x == extra) {
                            let _ = el.set_attribute("aria-labelledby", &format!("{own} {extra}"));
                        }
                    }
                },
                std::time::Duration::from_millis(20),
            );
        }
    });
    let check = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        // Render the busy state first: a check runs the simulator in one go (up to a few hundred ms).
        set_timeout(
            move || {
                let state = url_state::initial(c.id).unwrap_or_else(|| c.start.to_string());
                let r = check_here(c, &state);
                if let Ok(v) = &r {
                    if v.solved {
                        store.set_solved.update(|s| s.record(c.id, v.size));
                    }
                }
                _ = solution.try_set(state);
                _ = result.try_set(Some(r));
                _ = busy.try_set(false);
            },
            std::time::Duration::from_millis(30),
        );
    };

    let verdict = move || {
        let r = result.get()?;
        Some(match r {
            Err(e) => view! { <p class="challenge__error">{error_text(lang, &e)}</p> }.into_any(),
            Ok(v) => {
                let facts = v.facts.iter().map(|f| view! { <li>{fact_text(lang, f)}</li> }).collect_view();
                let headline = if v.solved {
                    fill(
                        td_string!(lang, challenge_ui.solved),
                        &[("title", &title), ("size", &size_text(lang, v.size_unit, v.size))],
                    )
                } else {
                    td_string!(lang, challenge_ui.not_solved).to_string()
                };
                let links = v.solved.then(|| {
                    let mine = link_with(c.id, &solution.get_untracked());
                    let best = link_with(c.id, c.solution);
                    view! {
                        <p class="challenge__links">
                            <a href=mine rel="external" class="challenge__mine">{td_string!(lang, challenge_ui.your_solution)}</a>
                            " · "
                            {fill(td_string!(lang, challenge_ui.shortest), &[("size", &size_text(lang, v.size_unit, v.best_size))])}
                            " "
                            <a href=best rel="external" class="challenge__best">{td_string!(lang, challenge_ui.shortest_load)}</a>
                        </p>
                    }
                });
                view! {
                    <p class="challenge__headline" class:challenge__headline--solved=v.solved><strong>{headline}</strong></p>
                    <h4 class="challenge__facts-title">{td_string!(lang, challenge_ui.facts)}</h4>
                    <ul class="challenge__facts">{facts}</ul>
                    {links}
                }
                .into_any()
            }
        })
    };

    view! {
        <section class="widget widget--challenge challenge" data-keys id=uid.clone() aria-labelledby=labelled_by data-challenge=c.id>
            <p class="challenge__kicker">{td_string!(lang, challenge_ui.kicker)}</p>
            <h3 class="challenge__title" id=title_id>{title}</h3>
            <p class="challenge__goal">{goal}</p>
            <p class="challenge__before">
                {move || before().map(|n| fill(td_string!(lang, challenge_ui.solved_before), &[("size", &size_text(lang, c.size_unit, n))]))}
            </p>
            <button type="button" class="button button--small challenge__hint-toggle" aria-expanded=move || hint_open.get().to_string()
                aria-controls=hint_for on:click=move |_| hint_open.update(|o| *o = !*o)>
                {td_string!(lang, challenge_ui.hint_show)}
            </button>
            <p class="challenge__hint" id=hint_id hidden=move || !hint_open.get()>{hint}</p>
            {move || (!opened.get()).then(|| view! {
                <p><button type="button" class="button button--primary challenge__start" on:click=start>
                    {td_string!(lang, challenge_ui.start)}
                </button></p>
            })}
            {move || opened.get().then(|| view! {
                <div class="challenge__widget">{family_widget(c, lang)}</div>
                <p>
                    <button type="button" class="button button--primary challenge__check" on:click=check aria-disabled=move || busy.get().to_string()>
                        {td_string!(lang, challenge_ui.check)}
                    </button>
                </p>
            })}
            <div class="challenge__verdict" role="status" aria-live="polite" aria-busy=move || busy.get().to_string()>
                {move || busy.get().then(|| view! { <p>{td_string!(lang, challenge_ui.checking)}</p> })}
                {verdict}
            </div>
        </section>
    }
}
