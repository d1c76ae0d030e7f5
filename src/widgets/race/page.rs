//! The scheduler board as one HTML region (see [`super::board`] for why): settings, the transaction columns
//! with their move buttons, the database and the waits-for graph, the controls, the note and the outcome.

use super::board::{column_html, outcome_html, side_html, status_class, why_html, Log};
use super::text::{self, esc, fill};
use super::Ctx;
use crate::i18n::*;
use crate::widgets::region::{button, html_region};
use leptos::html::Div;
use leptos::prelude::*;
use msa_sim::race::model::Action;
use msa_sim::race::view::{run_view, RaceConfig};
use msa_sim::race::{replay, Schedule, Strategy, PRESETS};
use std::fmt::Write;
use wasm_bindgen::JsCast;

fn board_html(ctx: &Ctx, seed: &str) -> String {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    ctx.sim.with(|s| {
        let sc = &s.run.scenario;
        let st = s.run.state();
        let v = run_view(&s.run);
        let cfg = s.cfg;
        let mut h = String::new();

        // Settings.
        let _ = write!(h, "<fieldset class=\"race__settings\"><legend>{}</legend>", esc(td_string!(lang, race.settings)));
        let _ = write!(
            h,
            "<label class=\"race__field\"><span>{}</span><select id=\"{uid}-scenario\" data-field=\"scenario\" data-focus=\"scenario\">",
            esc(td_string!(lang, race.scenario))
        );
        for p in PRESETS.iter() {
            let sel = if p.name == cfg.preset.name { " selected" } else { "" };
            let _ = write!(h, "<option value=\"{}\"{sel}>{}</option>", p.name, esc(text::scenario(lang, p.name)));
        }
        let _ = write!(
            h,
            "</select></label><label class=\"race__field\"><span>{}</span><select id=\"{uid}-strategy\" data-field=\"strategy\" data-focus=\"strategy\">",
            esc(td_string!(lang, race.strategy))
        );
        for &x in cfg.preset.story.strategies() {
            let sel = if x == cfg.strategy { " selected" } else { "" };
            let _ = write!(h, "<option value=\"{}\"{sel}>{}</option>", x.name(), esc(text::strategy(lang, cfg.preset.story, x)));
        }
        let _ = write!(
            h,
            "</select></label><label class=\"race__field\"><span>{}</span><select id=\"{uid}-clients\" data-field=\"clients\" data-focus=\"clients\">",
            esc(td_string!(lang, race.clients))
        );
        for n in 1..=3usize {
            let sel = if n == cfg.clients { " selected" } else { "" };
            let _ = write!(h, "<option value=\"{n}\"{sel}>{n}</option>");
        }
        let _ = write!(
            h,
            "</select></label><label class=\"race__check\"><input type=\"checkbox\" id=\"{uid}-minor\" data-field=\"minor\" data-focus=\"minor\"{}><span>{}</span></label></fieldset>",
            if cfg.minor { " checked" } else { "" },
            esc(td_string!(lang, race.minor))
        );

        // Columns and the database.
        let _ = write!(
            h,
            "<div class=\"race__board\"><div class=\"race__txns\" role=\"group\" aria-label=\"{}\">",
            esc(td_string!(lang, race.txn_heading))
        );
        for t in &v.txns {
            let name = text::txn(t.id);
            let label = match sc.action_for(st, t.id) {
                Ok(Action::DeadlockCheck(_)) => fill(td_string!(lang, race.move_check), &[&name]),
                Ok(Action::Rollback(_)) => fill(td_string!(lang, race.move_rollback), &[&name]),
                _ => fill(td_string!(lang, race.move_next), &[&name]),
            };
            let _ = write!(h, "<div class=\"race__txn race__txn--{}\" data-txn=\"{}\">", status_class(&t.status), t.id + 1);
            h.push_str(&column_html(lang, t));
            let primary = if t.can_move { " button--primary" } else { "" };
            let _ = write!(
                h,
                "<button type=\"button\" class=\"button race__move{primary}\" data-act=\"move-{n}\" data-focus=\"move-{n}\" aria-keyshortcuts=\"{n}\"{}>{} <kbd>{n}</kbd></button>",
                if t.can_move { "" } else { " disabled" },
                esc(&label),
                n = t.id + 1
            );
            h.push_str(&why_html(lang, sc, st, t));
            h.push_str("</div>");
        }
        h.push_str("</div><div class=\"race__side\">");
        h.push_str(&side_html(lang, sc, &v, &uid));
        h.push_str("</div></div>");

        // Controls.
        let taken = s.run.taken.len();
        let _ = write!(h, "<div class=\"race__controls\" role=\"group\" aria-label=\"{}\">", esc(td_string!(lang, race.controls)));
        button(&mut h, "undo", &format!("{} <kbd>U</kbd>", esc(td_string!(lang, race.undo))), taken > 0, "", " aria-keyshortcuts=\"u\"");
        button(&mut h, "reset", &esc(td_string!(lang, race.reset)), taken > 0, "", "");
        let _ = write!(
            h,
            "<label class=\"race__seed\"><span>{}</span><input id=\"{uid}-seed\" type=\"number\" min=\"0\" max=\"999999\" step=\"1\" inputmode=\"numeric\" value=\"{}\" data-field=\"seed\" data-focus=\"seed\"></label>",
            esc(td_string!(lang, race.seed)),
            esc(seed)
        );
        button(&mut h, "auto", &esc(td_string!(lang, race.auto)), !s.run.is_over(), "", "");
        let showcase_fits = Schedule::decode(cfg.preset.showcase).ok().is_some_and(|x| replay(sc, &x).is_ok());
        button(&mut h, "showcase", &esc(td_string!(lang, race.showcase)), showcase_fits, " race__showcase", "");
        let _ = write!(h, "<p class=\"race__hint\">{}</p>", esc(td_string!(lang, race.key_hint)));
        let sched = s.run.schedule().encode();
        let sched_text = if sched.is_empty() {
            td_string!(lang, race.schedule_empty).to_string()
        } else {
            fill(td_string!(lang, race.schedule), &[&sched])
        };
        let _ = write!(h, "<p class=\"race__schedule\" data-schedule=\"{sched}\">{}</p>", esc(&sched_text));
        if let Some(r) = &s.replay {
            let _ = write!(
                h,
                "<div class=\"race__replay\"><p><strong>{}</strong></p>",
                esc(&fill(td_string!(lang, race.replay_heading), &[&r.encode()]))
            );
            match ctx.replay_next_in(s) {
                Some(t) => {
                    let label = format!("{} ({})", esc(td_string!(lang, race.replay_step)), text::txn(t));
                    button(&mut h, "replay-step", &label, true, " button--primary race__replay-step", "");
                    button(&mut h, "replay-all", &esc(td_string!(lang, race.replay_all)), true, "", "");
                }
                None => {
                    let _ = write!(h, "<p>{}</p>", esc(td_string!(lang, race.replay_done)));
                }
            }
            h.push_str("</div>");
        }
        h.push_str("</div>");
        h
    })
}

fn target_el(ev: &web_sys::Event) -> Option<web_sys::Element> {
    ev.target()?.dyn_into::<web_sys::Element>().ok()
}

#[component]
pub fn Board(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let node = NodeRef::<Div>::new();
    // The seed field's text: read when the board renders, never a reason to re-render (typing keeps the caret).
    let seed = StoredValue::new("1".to_string());
    html_region(node, move || board_html(&ctx, &seed.get_value()));
    let outcome = move || ctx.sim.with(|s| outcome_html(lang, &s.run.scenario, s.run.state(), &run_view(&s.run)));

    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(el) = target_el(&ev).and_then(|t| t.closest("[data-act]").ok().flatten()) else { return };
        let act = el.get_attribute("data-act").unwrap_or_default();
        match act.as_str() {
            "undo" => ctx.undo(),
            "reset" => ctx.reset(),
            "auto" => match seed.get_value().trim().parse::<u64>().ok().filter(|n| *n <= 999_999) {
                Some(s) => ctx.auto(s),
                None => ctx.note.set(Some(td_string!(lang, race.seed_bad).to_string())),
            },
            "showcase" => {
                let sc = ctx.sim.with_untracked(|s| s.cfg.preset.showcase);
                if let Ok(x) = Schedule::decode(sc) {
                    ctx.open(x);
                }
            }
            "replay-step" => {
                if let Some(t) = ctx.replay_next() {
                    ctx.step(t);
                }
            }
            "replay-all" => {
                while let Some(t) = ctx.replay_next() {
                    ctx.step(t);
                }
            }
            a => {
                if let Some(n) = a.strip_prefix("move-").and_then(|n| n.parse::<u8>().ok()) {
                    ctx.step(n.saturating_sub(1));
                }
            }
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(el) = target_el(&ev) else { return };
        let field = el.get_attribute("data-field").unwrap_or_default();
        let value = el.clone().dyn_into::<web_sys::HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
        let cfg = ctx.sim.with_untracked(|s| s.cfg);
        match field.as_str() {
            "scenario" => {
                if let Some(c) = RaceConfig::named(&value) {
                    ctx.reconfigure(RaceConfig { minor: cfg.minor, ..c });
                }
            }
            "strategy" => {
                if let Some(x) = Strategy::from_name(&value) {
                    ctx.reconfigure(RaceConfig { strategy: x, ..cfg });
                }
            }
            "clients" => {
                if let Some(n) = value.parse::<usize>().ok().filter(|n| (1..=3).contains(n)) {
                    ctx.reconfigure(RaceConfig { clients: n, ..cfg });
                }
            }
            "minor" => {
                let on = el.dyn_into::<web_sys::HtmlInputElement>().map(|i| i.checked()).unwrap_or(false);
                ctx.reconfigure(RaceConfig { minor: on, ..cfg });
            }
            _ => {}
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(el) = target_el(&ev) else { return };
        if el.get_attribute("data-field").as_deref() == Some("seed") {
            if let Ok(i) = el.dyn_into::<web_sys::HtmlInputElement>() {
                seed.set_value(i.value());
            }
        }
    };
    view! {
        <div class="race__main" node_ref=node on:click=on_click on:change=on_change on:input=on_input></div>
        <p class="race__note" role="status">{move || ctx.note.get()}</p>
        <div class="race__outcome-wrap" aria-live="polite" inner_html=outcome></div>
        <Log ctx />
    }
}
