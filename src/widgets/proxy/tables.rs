//! The run as tables: the whole-run figures with Little's law, and one row per backend with its actions.

use super::{text, UI_MAX_SERVERS};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::balancer::MAX_SERVERS;
use msa_sim::proxy::config::Fault;
use msa_sim::proxy::engine::Snapshot;
use msa_sim::proxy::playground::{Action, Little};

/// Whole-run figures and Little's law read off them.
#[component]
pub(super) fn Totals(lang: Locale, snap: RwSignal<Snapshot>, little: RwSignal<Little>) -> impl IntoView {
    let fig = move |label: &'static str, f: fn(&Snapshot) -> String| {
        view! { <div class="proxy__fig"><dt>{label}</dt><dd>{move || snap.with(f)}</dd></div> }
    };
    view! {
        <dl class="proxy__totals">
            {fig(td_string!(lang, proxy.t_sent), |s| s.totals.sent.to_string())}
            {fig(td_string!(lang, proxy.t_ok), |s| s.totals.ok.to_string())}
            {fig(td_string!(lang, proxy.t_failed), |s| s.totals.failed.to_string())}
            {fig(td_string!(lang, proxy.t_dropped), |s| s.totals.dropped.to_string())}
            {fig(td_string!(lang, proxy.t_in_flight), |s| s.totals.in_flight.to_string())}
            {fig(td_string!(lang, proxy.t_retries), |s| s.totals.retries.to_string())}
            {fig(td_string!(lang, proxy.t_lost), |s| s.totals.sessions_lost.to_string())}
            {fig("p50", |s| format!("{} ms", text::num(s.latency.p50_ms)))}
            {fig("p95", |s| format!("{} ms", text::num(s.latency.p95_ms)))}
            {fig("p99", |s| format!("{} ms", text::num(s.latency.p99_ms)))}
        </dl>
        <p class="proxy__little">
            {move || {
                let l = little.get();
                text::fill(td_string!(lang, proxy.little), &[
                    ("l", text::num(l.in_flight_avg)),
                    ("lambda", text::num(l.throughput_per_s)),
                    ("w", text::num(l.mean_latency_s * 1000.0)),
                    ("lw", text::num(l.product())),
                ])
            }}
        </p>
    }
}

/// One row per backend: its figures and its actions (real buttons: the keyboard path to every action).
#[component]
pub(super) fn BackendTable(
    lang: Locale,
    snap: RwSignal<Snapshot>,
    selected: RwSignal<usize>,
    act: impl Fn(Action) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let rows = Memo::new(move |_| snap.with(|s| s.backends.len()));
    let can_add = move || rows.get() < UI_MAX_SERVERS.min(MAX_SERVERS);
    view! {
        <div class="proxy__table-wrap">
            <table class="proxy__table">
                <caption>{td_string!(lang, proxy.table_caption)}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(lang, proxy.col_server)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_state)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_conns)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_busy)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_attempts)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_ok)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_failed)}</th>
                    <th scope="col">{td_string!(lang, proxy.col_actions)}</th>
                </tr></thead>
                <tbody>
                    <For each=move || 0..rows.get() key=|i| *i let:i>
                        <BackendRow lang snap i selected act />
                    </For>
                </tbody>
            </table>
            <button type="button" class="button proxy__add" disabled=move || !can_add() on:click=move |_| act(Action::Add)>
                {td_string!(lang, proxy.add_server)}
            </button>
        </div>
    }
}

#[component]
fn BackendRow(
    lang: Locale,
    snap: RwSignal<Snapshot>,
    i: usize,
    selected: RwSignal<usize>,
    act: impl Fn(Action) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let _ = selected;
    let b = Memo::new(move |_| snap.with(|s| s.backends.get(i).cloned()));
    let name = move || b.with(|b| b.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let removed = move || b.with(|b| b.as_ref().is_none_or(|b| b.removed));
    let btn = move |label: &'static str, class: &'static str, a: Action| {
        let aria = move || format!("{label} {}", name());
        view! {
            <button type="button" class=format!("button button--small proxy__act proxy__act--{class}") aria-label=aria
                disabled=removed on:click=move |_| act(a)>{label}</button>
        }
    };
    view! {
        <tr class:proxy__row--removed=removed data-row=i>
            <th scope="row">{name}</th>
            <td class=move || format!("proxy__state proxy__state--{}", b.with(|b| b.as_ref().map(|b| text::backend_state(lang, b).0).unwrap_or("off")))>
                {move || b.with(|b| b.as_ref().map(|b| text::backend_state(lang, b).1).unwrap_or_default())}
            </td>
            <td class="num" data-col="conns">{move || b.with(|b| b.as_ref().map(|b| b.conns).unwrap_or(0))}</td>
            <td class="num">{move || b.with(|b| b.as_ref().map(|b| format!("{}/{} ({})", b.busy, b.workers, text::fill(td_string!(lang, proxy.queue_short), &[("n", b.queue_len.to_string())]))).unwrap_or_default())}</td>
            <td class="num" data-col="attempts">{move || attempts(snap, i)}</td>
            <td class="num" data-col="ok">{move || served(snap, i)}</td>
            <td class="num" data-col="failed">{move || failed_at(snap, i)}</td>
            <td class="proxy__acts">
                {btn(td_string!(lang, proxy.crash), "crash", Action::Fault { server: i, fault: Fault::Crash })}
                {btn(td_string!(lang, proxy.hang), "hang", Action::Fault { server: i, fault: Fault::Hang })}
                {btn(td_string!(lang, proxy.slow), "slow", Action::Fault { server: i, fault: Fault::Slow(4.0) })}
                {btn(td_string!(lang, proxy.revive), "revive", Action::Fault { server: i, fault: Fault::Revive })}
                {btn(td_string!(lang, proxy.remove), "remove", Action::Remove { server: i })}
            </td>
        </tr>
    }
}

fn attempts(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| s.stats.get(i).map(|b| b.attempts.to_string()).unwrap_or_default())
}
fn served(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| s.stats.get(i).map(|b| b.ok.to_string()).unwrap_or_default())
}
fn failed_at(snap: RwSignal<Snapshot>, i: usize) -> String {
    snap.with(|s| {
        s.stats
            .get(i)
            .map(|b| (b.http_500 + b.http_503 + b.refused + b.reset + b.timeouts).to_string())
            .unwrap_or_default()
    })
}
