//! The scheduler board: settings, one column per transaction, the database, the waits-for graph, the
//! controls, the outcome and the step log (the text twin).

use super::text::{self, fill};
use super::Ctx;
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::txn::model::Action;
use msa_sim::txn::view::{client_error, run_view, RaceConfig, RunView, StepMark, TxnStatus, WaitEdge};
use msa_sim::txn::{replay, Ending, Schedule, PRESETS};

#[component]
pub fn Board(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let view_m = Memo::new(move |_| ctx.sim.with(|s| run_view(&s.run)));
    view! {
        <Settings ctx />
        <div class="race__board">
            <div class="race__txns" role="group" aria-label=td_string!(lang, race.txn_heading)>
                {move || {
                    let v = view_m.get();
                    v.txns.iter().map(|t| view! { <TxnColumn ctx t=t.clone() /> }).collect_view()
                }}
            </div>
            <div class="race__side">
                <Database ctx view_m />
                <WaitGraph ctx view_m />
            </div>
        </div>
        <Controls ctx />
        <p class="race__note" role="status">{move || ctx.note.get()}</p>
        <Outcome ctx view_m />
        <Log ctx />
    }
}

#[component]
fn Settings(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let cfg = move || ctx.sim.with(|s| s.cfg);
    let on_scenario = move |ev| {
        let v = event_target_value(&ev);
        if let Some(c) = RaceConfig::named(&v) {
            ctx.reconfigure(RaceConfig { minor: cfg().minor, ..c });
        }
    };
    let on_strategy = move |ev| {
        let v = event_target_value(&ev);
        if let Some(s) = msa_sim::txn::Strategy::from_name(&v) {
            ctx.reconfigure(RaceConfig { strategy: s, ..cfg() });
        }
    };
    let on_clients = move |ev| {
        if let Ok(n) = event_target_value(&ev).parse::<usize>() {
            if (1..=3).contains(&n) {
                ctx.reconfigure(RaceConfig { clients: n, ..cfg() });
            }
        }
    };
    let on_minor = move |ev| {
        let on = event_target_checked(&ev);
        ctx.reconfigure(RaceConfig { minor: on, ..cfg() });
    };
    view! {
        <fieldset class="race__settings">
            <legend>{td_string!(lang, race.settings)}</legend>
            <label class="race__field">
                <span>{td_string!(lang, race.scenario)}</span>
                <select id=format!("{uid}-scenario") on:change=on_scenario prop:value=move || cfg().preset.name>
                    {PRESETS.iter().map(|p| view! {
                        <option value=p.name selected=move || cfg().preset.name == p.name>{text::scenario(lang, p.name)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="race__field">
                <span>{td_string!(lang, race.strategy)}</span>
                <select id=format!("{uid}-strategy") on:change=on_strategy prop:value=move || cfg().strategy.name()>
                    {move || {
                        let c = cfg();
                        c.preset.story.strategies().iter().map(|&s| view! {
                            <option value=s.name() selected=c.strategy == s>{text::strategy(lang, s)}</option>
                        }).collect_view()
                    }}
                </select>
            </label>
            <label class="race__field">
                <span>{td_string!(lang, race.clients)}</span>
                <select id=format!("{uid}-clients") on:change=on_clients prop:value=move || cfg().clients.to_string()>
                    {[1usize, 2, 3].into_iter().map(|n| view! {
                        <option value=n.to_string() selected=move || cfg().clients == n>{n}</option>
                    }).collect_view()}
                </select>
            </label>
            <label class="race__check">
                <input type="checkbox" id=format!("{uid}-minor") prop:checked=move || cfg().minor on:change=on_minor />
                <span>{td_string!(lang, race.minor)}</span>
            </label>
        </fieldset>
    }
}

#[component]
fn TxnColumn(ctx: Ctx, t: msa_sim::txn::view::TxnView) -> impl IntoView {
    let lang = ctx.lang;
    let id = t.id;
    let name = text::txn(id);
    let (action, sc) = ctx.sim.with_untracked(|s| (s.run.scenario.action_for(s.run.state(), id), s.run.scenario.clone()));
    let button_label = match action {
        Ok(Action::DeadlockCheck(_)) => fill(td_string!(lang, race.move_check), &[&name]),
        Ok(Action::Rollback(_)) => fill(td_string!(lang, race.move_rollback), &[&name]),
        _ => fill(td_string!(lang, race.move_next), &[&name]),
    };
    let (status_class, status_text) = match t.status {
        TxnStatus::Ready => ("ready", td_string!(lang, race.status_ready)),
        TxnStatus::Waiting { .. } => ("waiting", td_string!(lang, race.status_waiting)),
        TxnStatus::DeadlockCheck { .. } => ("deadlock", td_string!(lang, race.status_deadlock)),
        TxnStatus::Aborted { .. } => ("aborted", td_string!(lang, race.status_aborted)),
        TxnStatus::Done { .. } => ("done", td_string!(lang, race.status_done)),
    };
    let why = match t.status {
        TxnStatus::Waiting { .. } => action.err().map(|b| text::blocked(lang, &sc, b)),
        TxnStatus::DeadlockCheck { on, holder } => Some(fill(
            td_string!(lang, race.why_deadlock),
            &[&text::on(lang, &sc, on), &text::holder(lang, holder)],
        )),
        TxnStatus::Aborted { .. } => Some(td_string!(lang, race.why_aborted).to_string()),
        TxnStatus::Done { ending } => Some(text::ending(lang, ending)),
        TxnStatus::Ready => None,
    };
    let error = match t.status {
        TxnStatus::Aborted { error } => Some(ctx.sim.with_untracked(|s| client_error(&s.run.scenario, s.run.state(), id, error))),
        _ => None,
    };
    let vars: Vec<String> = [
        t.x.map(|v| format!("x = {v}")),
        t.seen.map(|v| format!("seen = {v}")),
        t.new.map(|v| format!("new = {v}")),
        t.rows.map(|v| format!("rows = {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let can = t.can_move;
    view! {
        <div class=format!("race__txn race__txn--{status_class}") data-txn=id + 1>
            <div class="race__txn-head">
                <strong class="race__txn-name">{name.clone()}</strong>
                {t.server.map(|s| view! { <span class="race__server">{fill(td_string!(lang, race.on_server), &[&(s + 1).to_string()])}</span> })}
                <span class=format!("race__badge race__badge--{status_class}")>{status_text}</span>
                {(t.max_attempts > 1).then(|| view! {
                    <span class="race__attempt">{fill(td_string!(lang, race.attempt), &[&t.attempt.to_string(), &t.max_attempts.to_string()])}</span>
                })}
            </div>
            <ol class="race__steps">
                {t.steps.iter().map(|s| {
                    let mark = match s.mark { StepMark::Done => "done", StepMark::Next => "next", StepMark::Later => "later" };
                    view! {
                        <li class=format!("race__step race__step--{mark}") class:race__step--app=s.app_local aria-current=(s.mark == StepMark::Next).then_some("step")>
                            <span class=format!("race__kind race__kind--{}", kind_slug(s.kind))>{text::minor(lang, s.kind)}</span>
                            <code>{s.sql.clone()}</code>
                            {(s.mark == StepMark::Next).then(|| view! { <span class="race__next">{td_string!(lang, race.next_marker)}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {(!vars.is_empty()).then(|| view! {
                <p class="race__vars"><span class="race__vars-label">{td_string!(lang, race.vars)}</span>" "<code>{vars.join(", ")}</code></p>
            })}
            <button type="button" class="button race__move" class:button--primary=can disabled=!can
                aria-keyshortcuts=(id + 1).to_string() on:click=move |_| ctx.step(id)>
                {button_label}" "<kbd>{id + 1}</kbd>
            </button>
            {why.map(|w| view! { <p class="race__why">{w}</p> })}
            {error.map(|e| view! { <pre class="race__error">{e}</pre> })}
        </div>
    }
}

#[component]
fn Database(ctx: Ctx, view_m: Memo<RunView>) -> impl IntoView {
    let lang = ctx.lang;
    let holder = move |h| text::holder(lang, h);
    view! {
        <div class="race__db">
            <h4>{td_string!(lang, race.db_heading)}</h4>
            {move || {
                let v = view_m.get();
                let versioned = v.rows.first().is_some_and(|r| r.versioned);
                view! {
                    <div class="race__table-wrap">
                    <table class="race__table">
                        <thead><tr>
                            <th scope="col">{td_string!(lang, race.col_row)}</th>
                            <th scope="col">{td_string!(lang, race.col_value)}</th>
                            {versioned.then(|| view! { <th scope="col">{td_string!(lang, race.col_version)}</th> })}
                            <th scope="col">{td_string!(lang, race.col_pending)}</th>
                            <th scope="col">{td_string!(lang, race.col_holder)}</th>
                            <th scope="col">{td_string!(lang, race.col_waiters)}</th>
                        </tr></thead>
                        <tbody>
                            {v.rows.iter().map(|r| {
                                let waiters: Vec<String> = r.waiters.iter().map(|&w| text::txn(w)).collect();
                                let pending = r.pending.map(|p| if versioned { format!("{} (v{})", p.value, p.version) } else { p.value.to_string() });
                                view! {
                                    <tr>
                                        <th scope="row"><code>{format!("{}.{} id={}", r.table, r.column, r.id)}</code></th>
                                        <td class="race__value">{r.value}</td>
                                        {versioned.then(|| view! { <td>{r.version}</td> })}
                                        <td>{pending.unwrap_or_else(|| "–".into())}</td>
                                        <td>{holder(r.holder)}</td>
                                        <td>{if waiters.is_empty() { "–".to_string() } else { waiters.join(", ") }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    {(!v.mutexes.is_empty()).then(|| view! {
                        <p class="race__mutex-head">{td_string!(lang, race.mutexes)}</p>
                        <ul class="race__mutexes">
                            {v.mutexes.iter().map(|m| {
                                let waiters: Vec<String> = m.waiters.iter().map(|&w| text::txn(w)).collect();
                                view! {
                                    <li>
                                        <strong>{text::mutex(lang, m.server)}</strong>": "
                                        {td_string!(lang, race.col_holder)}" "{holder(m.holder)}
                                        {(!waiters.is_empty()).then(|| format!(" · {} {}", td_string!(lang, race.col_waiters), waiters.join(", ")))}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                    {ctx.sim.with(|s| s.run.scenario.txns.iter().any(|t| t.orders > 0)).then(|| view! {
                        <p class="race__orders">{fill(td_string!(lang, race.orders), &[&v.orders.to_string()])}</p>
                    })}
                }
            }}
        </div>
    }
}

/// The waits-for graph: transactions as nodes on a line, an arrow from each waiter to the holder it waits for.
#[component]
fn WaitGraph(ctx: Ctx, view_m: Memo<RunView>) -> impl IntoView {
    let lang = ctx.lang;
    let marker = format!("{}-arrow", ctx.uid.get_value());
    let marker_url = format!("url(#{marker})");
    view! {
        <div class="race__graph">
            <h4>{td_string!(lang, race.graph_heading)}</h4>
            {move || {
                let v = view_m.get();
                let n = v.txns.len();
                // Integer coordinates: SVG needs no fractions here, and integers keep float formatting out of the wasm.
                let x = |t: u8| 40 + 100 * t as i32;
                let sc = ctx.sim.with_untracked(|s| s.run.scenario.clone());
                let width = 80 + 100 * (n.max(1) as i32 - 1);
                let edge_path = |e: &WaitEdge| {
                    let (x1, x2) = (x(e.from), x(e.to));
                    let bend = if e.from < e.to { -34 } else { 34 };
                    // Start and end on the circles' rims.
                    let dir = if x2 > x1 { 1 } else { -1 };
                    format!("M {} 50 Q {} {} {} 50", x1 + 14 * dir, (x1 + x2) / 2, 50 + bend, x2 - 16 * dir)
                };
                view! {
                    <svg class="race__graph-svg" viewBox=format!("0 0 {width} 100") role="img" aria-hidden="true" focusable="false">
                        <defs>
                            <marker id=marker.clone() viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                                <path d="M 0 0 L 10 5 L 0 10 z" class="race__arrow-head" />
                            </marker>
                        </defs>
                        {v.edges.iter().map(|e| view! {
                            <path d=edge_path(e) class="race__edge" class:race__edge--cycle=e.in_cycle marker-end=marker_url.clone() />
                        }).collect_view()}
                        {v.txns.iter().map(|t| {
                            let cls = match t.status {
                                TxnStatus::Ready => "ready",
                                TxnStatus::Waiting { .. } | TxnStatus::DeadlockCheck { .. } => "waiting",
                                TxnStatus::Aborted { .. } => "aborted",
                                TxnStatus::Done { .. } => "done",
                            };
                            view! {
                                <g class=format!("race__node race__node--{cls}")>
                                    <circle cx=x(t.id) cy="50" r="14" />
                                    <text x=x(t.id) y="55" text-anchor="middle">{text::txn(t.id)}</text>
                                </g>
                            }
                        }).collect_view()}
                    </svg>
                    {if v.edges.is_empty() {
                        view! { <p class="race__edges">{td_string!(lang, race.graph_none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="race__edges">
                                {v.edges.iter().map(|e| {
                                    let mut s = fill(td_string!(lang, race.edge), &[&text::txn(e.from), &text::txn(e.to), &text::on(lang, &sc, e.on)]);
                                    if e.in_cycle {
                                        s.push_str(&format!(" · {}", td_string!(lang, race.edge_cycle)));
                                    }
                                    view! { <li class:race__edge-text--cycle=e.in_cycle>{s}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                }
            }}
        </div>
    }
}

#[component]
fn Controls(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let uid = ctx.uid.get_value();
    let seed = RwSignal::new("1".to_string());
    let seed_ok = move || seed.with(|s| s.trim().parse::<u64>().ok().filter(|n| *n <= 999_999));
    let taken = move || ctx.sim.with(|s| s.run.taken.len());
    let over = move || ctx.sim.with(|s| s.run.is_over());
    let sched = move || ctx.sim.with(|s| s.run.schedule().encode());
    let showcase = move || ctx.sim.with(|s| {
        let sc = &s.run.scenario;
        // The lesson's schedule, when it fits the scenario as configured.
        let sched = Schedule::decode(s.cfg.preset.showcase).ok()?;
        replay(sc, &sched).ok().map(|_| sched)
    });
    let replay_next = move || ctx.replay_next();
    view! {
        <div class="race__controls" role="group" aria-label=td_string!(lang, race.controls)>
            <button type="button" class="button" on:click=move |_| ctx.undo() disabled=move || taken() == 0 aria-keyshortcuts="u">
                {td_string!(lang, race.undo)}" "<kbd>"U"</kbd>
            </button>
            <button type="button" class="button" on:click=move |_| ctx.reset() disabled=move || taken() == 0>{td_string!(lang, race.reset)}</button>
            <label class="race__seed">
                <span>{td_string!(lang, race.seed)}</span>
                <input id=format!("{uid}-seed") type="number" min="0" max="999999" step="1" inputmode="numeric"
                    prop:value=move || seed.get() on:input=move |ev| seed.set(event_target_value(&ev))
                    aria-invalid=move || seed_ok().is_none().then_some("true") />
            </label>
            <button type="button" class="button" disabled=move || over() || seed_ok().is_none()
                on:click=move |_| { if let Some(s) = seed_ok() { ctx.auto(s) } }>{td_string!(lang, race.auto)}</button>
            {move || showcase().map(|s| view! {
                <button type="button" class="button" on:click=move |_| ctx.open(s.clone())>{td_string!(lang, race.showcase)}</button>
            })}
            {move || seed_ok().is_none().then(|| view! { <p class="race__bad">{td_string!(lang, race.seed_bad)}</p> })}
            <p class="race__hint">{td_string!(lang, race.key_hint)}</p>
            <p class="race__schedule">
                {move || {
                    let s = sched();
                    if s.is_empty() { td_string!(lang, race.schedule_empty).to_string() } else { fill(td_string!(lang, race.schedule), &[&s]) }
                }}
            </p>
            {move || ctx.sim.with(|s| s.replay.clone()).map(|r| {
                let enc = r.encode();
                view! {
                    <div class="race__replay">
                        <p><strong>{fill(td_string!(lang, race.replay_heading), &[&enc])}</strong></p>
                        {move || match replay_next() {
                            Some(t) => view! {
                                <button type="button" class="button button--primary race__replay-step" on:click=move |_| ctx.step(t)>
                                    {td_string!(lang, race.replay_step)}" ("{text::txn(t)}")"
                                </button>
                                <button type="button" class="button" on:click=move |_| {
                                    while let Some(t) = ctx.replay_next() { ctx.step(t); }
                                }>{td_string!(lang, race.replay_all)}</button>
                            }.into_any(),
                            None => view! { <p>{td_string!(lang, race.replay_done)}</p> }.into_any(),
                        }}
                    </div>
                }
            })}
        </div>
    }
}

#[component]
fn Outcome(ctx: Ctx, view_m: Memo<RunView>) -> impl IntoView {
    let lang = ctx.lang;
    view! {
        <div class="race__outcome-wrap" aria-live="polite">
            {move || view_m.get().outcome.map(|o| {
                let (sc, st) = ctx.sim.with_untracked(|s| (s.run.scenario.clone(), *s.run.state()));
                let who = text::outcome_error(o.kind)
                    .and_then(|e| o.txns.iter().position(|t| t.ending == Some(Ending::Failed(e)) || t.errors.contains(&e)))
                    .map(|i| text::txn(i as u8))
                    .unwrap_or_default();
                let errors: Vec<String> = o.txns.iter().enumerate().flat_map(|(i, t)| {
                    let sc = &sc;
                    t.errors.iter().map(move |e| format!("{}: {}", text::txn(i as u8), client_error(sc, &st, i as u8, *e)))
                }).collect();
                let bad = o.kind.is_bad();
                let values: Vec<String> = sc.rows.iter().enumerate().map(|(i, r)| fill(
                    td_string!(lang, race.final_values),
                    &[&format!("{}.{} id={}", r.table, r.column, r.id), &o.final_values.get(i).copied().unwrap_or(0).to_string(), &o.expected_values.get(i).copied().unwrap_or(0).to_string()],
                )).collect();
                view! {
                    <div class="race__outcome" class:race__outcome--bad=bad data-outcome=o.kind.name()>
                        <h4>{td_string!(lang, race.outcome_heading)}": "{text::outcome_name(lang, o.kind)}</h4>
                        <p>{text::outcome_text(lang, o.kind, &who)}</p>
                        <ul>
                            {values.into_iter().map(|v| view! { <li class="race__final">{v}</li> }).collect_view()}
                            {o.txns.iter().enumerate().map(|(i, t)| view! {
                                <li>{text::txn(i as u8)}": "{t.ending.map(|e| text::ending(lang, e)).unwrap_or_else(|| td_string!(lang, race.o_stuck).to_string())}</li>
                            }).collect_view()}
                        </ul>
                        {(!errors.is_empty()).then(|| view! {
                            <p>{td_string!(lang, race.client_sees)}</p>
                            <pre class="race__error">{errors.join("\n")}</pre>
                        })}
                    </div>
                }
            })}
        </div>
    }
}

#[component]
fn Log(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let entries = move || {
        ctx.sim.with(|s| {
            let sc = &s.run.scenario;
            s.run
                .taken
                .iter()
                .enumerate()
                .map(|(i, tk)| {
                    let t = tk.action.txn();
                    let what = match (tk.action, tk.step) {
                        (Action::Step(_), Some(step)) => sc.step_sql(step),
                        (Action::DeadlockCheck(_), _) => td_string!(lang, race.log_check).to_string(),
                        _ => td_string!(lang, race.log_rollback).to_string(),
                    };
                    let events: Vec<String> = tk.events.iter().map(|e| text::event(lang, sc, e)).collect();
                    (i, format!("{}: {what}", text::txn(t)), events.join(" "))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="race__log">
            <h4>{td_string!(lang, race.log_heading)}</h4>
            {move || ctx.sim.with(|s| s.run.taken.is_empty()).then(|| view! { <p>{td_string!(lang, race.log_empty)}</p> })}
            <ol class="race__log-list" aria-live="polite" aria-relevant="additions">
                <For each=entries key=|e| e.clone() let:e>
                    <li><code>{e.1}</code>" "<span>{e.2}</span></li>
                </For>
            </ol>
        </div>
    }
}

fn kind_slug(k: msa_sim::txn::model::MinorKind) -> &'static str {
    use msa_sim::txn::model::MinorKind::*;
    match k {
        Read => "read",
        Compute => "compute",
        Write => "write",
        Control => "control",
    }
}
