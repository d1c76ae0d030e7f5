//! The settings of the run (every field restarts it) and the nginx configuration they make.

use super::{text, UI_MAX_SERVERS};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::config::{limits, Arrival, Config, Dist, SessionMode};
use msa_sim::proxy::engine::Snapshot;
use msa_sim::proxy::playground::Playground;
use msa_sim::proxy::to_nginx;

/// One labelled number field; commits on change.
#[component]
fn Num(
    label: String,
    /// Unit and bounds, shown next to the field.
    hint: String,
    value: Signal<String>,
    min: String,
    max: String,
    #[prop(default = "any")] step: &'static str,
    on_commit: Callback<String>,
) -> impl IntoView {
    view! {
        <label class="proxy__field">
            <span>{label}</span>
            <input type="number" inputmode="decimal" min=min max=max step=step prop:value=move || value.get()
                on:change=move |ev| on_commit.run(event_target_value(&ev)) />
            <span class="proxy__hint">{hint}</span>
        </label>
    }
}

/// Every setting of the run. A change restarts the run from time 0 with the new settings.
#[component]
pub(super) fn Settings(
    lang: Locale,
    cfg: RwSignal<Config>,
    apply: impl Fn(String, String) + Copy + Send + Sync + 'static,
    open: bool,
) -> impl IntoView {
    let commit = move |key: &'static str| Callback::new(move |v: String| apply(key.to_string(), v));
    let val = move |f: fn(&Config) -> String| Signal::derive(move || cfg.with(f));
    let bounds = move |unit: &str, min: &str, max: &str| {
        text::fill(
            td_string!(lang, proxy.bounds),
            &[("unit", unit.to_string()), ("min", min.to_string()), ("max", max.to_string())],
        )
    };
    let nservers = Memo::new(move |_| cfg.with(|c| c.servers.len()));
    let uses_key = Memo::new(move |_| cfg.with(|c| c.algorithm.uses_key()));
    let checks_on = Memo::new(move |_| cfg.with(|c| c.health_check.is_some()));
    let bursts = Memo::new(move |_| cfg.with(|c| c.clients.arrival == Arrival::Bursts));
    let lognormal =
        Memo::new(move |_| cfg.with(|c| c.servers.first().is_some_and(|s| s.service.dist == Dist::LogNormal)));
    let select = move |label: &'static str,
                       key: &'static str,
                       options: Vec<(String, String)>,
                       current: fn(&Config) -> String| {
        view! {
            <label class="proxy__field">
                <span>{label}</span>
                <select on:change=move |ev| apply(key.to_string(), event_target_value(&ev))>
                    {options.into_iter().map(|(v, l)| {
                        let v2 = v.clone();
                        view! { <option value=v selected=move || cfg.with(current) == v2>{l}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    };
    let none = td_string!(lang, proxy.none_word);
    // A closed panel's controls are built when it first opens: until then they would be laid out for nothing, and
    // Chromium's autofill, which looks at every control of the page soon after it changes, lays out the whole page
    // once more for each group of controls a closed panel hides (about 100 ms at a phone's speed per lesson).
    let opened = RwSignal::new(open);
    // A closed panel's first toggle is its opening. Built once, the controls stay (a second build would lose
    // what has focus).
    let on_toggle = move |_| {
        if !opened.get_untracked() {
            opened.set(true);
        }
    };
    let body = move || {
        view! {
                <p class="proxy__hint">{td_string!(lang, proxy.settings_hint)}</p>
                <fieldset class="proxy__group">
                    <legend>{td_string!(lang, proxy.g_balancing)}</legend>
                    {select(td_string!(lang, proxy.f_algorithm), "algo",
                        Algorithm::ALL.iter().map(|a| (a.name().to_string(), text::algo_label(lang, *a))).collect(),
                        |c| c.algorithm.name().to_string())}
                    <Show when=move || uses_key.get()>
                        {select(td_string!(lang, proxy.f_hash_key), "hash_key",
                            vec![("uri".into(), "$request_uri".into()), ("remote-addr".into(), "$remote_addr".into()), ("session-cookie".into(), "$cookie_session".into())],
                            |c| c.hash_key.name().to_string())}
                    </Show>
                    <Num label=text::field_label(lang, "servers") hint=bounds("", "1", &UI_MAX_SERVERS.to_string())
                        value=val(|c| c.servers.len().to_string()) min="1".into() max=UI_MAX_SERVERS.to_string() step="1" on_commit=Callback::new(move |v: String| {
                            match v.trim().parse::<usize>() {
                                Ok(n) if (1..=UI_MAX_SERVERS).contains(&n) => apply("servers".into(), v),
                                _ => apply("servers".into(), "0".into()),
                            }
                        }) />
                    {select(td_string!(lang, proxy.f_session), "session",
                        SessionMode::ALL.iter().map(|m| (m.name().to_string(), session_label(lang, *m))).collect(),
                        |c| c.sessions.mode.name().to_string())}
                </fieldset>
                <fieldset class="proxy__group">
                    <legend>{td_string!(lang, proxy.g_servers)}</legend>
                    <div class="proxy__table-wrap">
                    <table class="proxy__table proxy__table--settings">
                        <thead><tr>
                            <th scope="col">{td_string!(lang, proxy.col_server)}</th>
                            <th scope="col">{text::field_label(lang, "weight")}<br/><small>{bounds("", "1", &limits::MAX_WEIGHT.to_string())}</small></th>
                            <th scope="col">{text::field_label(lang, "workers")}<br/><small>{bounds("", "1", &limits::MAX_WORKERS.to_string())}</small></th>
                            <th scope="col">{text::field_label(lang, "speed")}<br/><small>{bounds("×", &text::num(limits::MIN_SPEED), &text::num(limits::MAX_SPEED))}</small></th>
                            <th scope="col">{text::field_label(lang, "max_conns")}<br/><small>{bounds("", "0", &limits::MAX_CONNS.to_string())}{format!(", 0 = {none}")}</small></th>
                        </tr></thead>
                        <tbody>
                            <For each=move || 0..nservers.get() key=|i| *i let:i>
                                {
                                    let name = move || cfg.with(|c| c.servers.get(i).map(|s| s.name.clone()).unwrap_or_default());
                                    let cell = move |param: &'static str, get: fn(&msa_sim::proxy::ServerConfig) -> String, step: &'static str| {
                                        let aria = move || format!("{} {}", name(), text::field_label(lang, param));
                                        view! {
                                            <td><input type="number" step=step aria-label=aria
                                                prop:value=move || cfg.with(|c| c.servers.get(i).map(get).unwrap_or_default())
                                                on:change=move |ev| apply(format!("{i}.{param}"), event_target_value(&ev)) /></td>
                                        }
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{name}</th>
                                            {cell("weight", |s| s.weight.to_string(), "1")}
                                            {cell("workers", |s| s.workers.to_string(), "1")}
                                            {cell("speed", |s| text::num(s.speed), "any")}
                                            {cell("max_conns", |s| s.max_conns.to_string(), "1")}
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                    </div>
                    {select(td_string!(lang, proxy.f_dist), "*.service",
                        Dist::ALL.iter().map(|d| (d.name().to_string(), dist_label(lang, *d))).collect(),
                        |c| c.servers.first().map(|s| s.service.dist.name().to_string()).unwrap_or_default())}
                    <Num label=text::field_label(lang, "mean_ms") hint=bounds("ms", "0.001", "60000")
                        value=val(|c| c.servers.first().map(|s| text::num(s.service.mean_us as f64 / 1000.0)).unwrap_or_default())
                        min="0.001".into() max="60000".into() on_commit=commit("*.mean_ms") />
                    <Show when=move || lognormal.get()>
                        <Num label=text::field_label(lang, "cv") hint=bounds("", "0", "10")
                            value=val(|c| c.servers.first().map(|s| text::num(s.service.cv)).unwrap_or_default())
                            min="0".into() max="10".into() on_commit=commit("*.cv") />
                    </Show>
                </fieldset>
                <fieldset class="proxy__group">
                    <legend>{td_string!(lang, proxy.g_traffic)}</legend>
                    {select(td_string!(lang, proxy.f_arrival), "arrival",
                        Arrival::ALL.iter().map(|a| (a.name().to_string(), arrival_label(lang, *a))).collect(),
                        |c| c.clients.arrival.name().to_string())}
                    <Num label=text::field_label(lang, "rate") hint=bounds(td_string!(lang, proxy.per_second), "0.001", "1000000")
                        value=val(|c| text::num(c.clients.rate_per_s)) min="0.001".into() max="1000000".into() on_commit=commit("rate") />
                    <Show when=move || bursts.get()>
                        <Num label=text::field_label(lang, "burst_size") hint=bounds("", "1", &limits::MAX_BURST.to_string())
                            value=val(|c| c.clients.burst_size.to_string()) min="1".into() max=limits::MAX_BURST.to_string() step="1" on_commit=commit("burst_size") />
                        <Num label=text::field_label(lang, "burst_every_ms") hint=bounds("ms", "1", "86400000")
                            value=val(|c| c.clients.burst_every_ms.to_string()) min="1".into() max="86400000".into() step="1" on_commit=commit("burst_every_ms") />
                    </Show>
                    <Num label=text::field_label(lang, "duration_s") hint=bounds("s", "1", "86400")
                        value=val(|c| text::num(c.duration_ms as f64 / 1000.0)) min="1".into() max="86400".into() step="1" on_commit=commit("duration_s") />
                    <Num label=text::field_label(lang, "seed") hint=bounds("", "0", "18446744073709551615")
                        value=val(|c| c.seed.to_string()) min="0".into() max="18446744073709551615".into() step="1" on_commit=commit("seed") />
                </fieldset>
                <fieldset class="proxy__group">
                    <legend>{td_string!(lang, proxy.g_checks)}</legend>
                    <Num label=text::field_label(lang, "max_fails") hint=bounds("", "0", &limits::MAX_FAILS.to_string())
                        value=val(|c| c.servers.first().map(|s| s.max_fails.to_string()).unwrap_or_default()) min="0".into() max=limits::MAX_FAILS.to_string() step="1" on_commit=commit("*.max_fails") />
                    <Num label=text::field_label(lang, "fail_timeout_s") hint=bounds("s", "0", "86400")
                        value=val(|c| c.servers.first().map(|s| s.fail_timeout_s.to_string()).unwrap_or_default()) min="0".into() max="86400".into() step="1" on_commit=commit("*.fail_timeout_s") />
                    <label class="proxy__field proxy__field--check">
                        <input type="checkbox" prop:checked=move || checks_on.get()
                            on:change=move |ev| apply("check".into(), if event_target_checked(&ev) { "on".into() } else { "off".into() }) />
                        <span>{td_string!(lang, proxy.f_active)}</span>
                    </label>
                    <Show when=move || checks_on.get()>
                        <Num label=text::field_label(lang, "check_interval_ms") hint=bounds("ms", "10", "3600000")
                            value=val(|c| c.health_check.map(|h| h.interval_ms.to_string()).unwrap_or_default()) min="10".into() max="3600000".into() step="1" on_commit=commit("check_interval_ms") />
                        <Num label=text::field_label(lang, "check_rise") hint=bounds("", "1", "100")
                            value=val(|c| c.health_check.map(|h| h.rise.to_string()).unwrap_or_default()) min="1".into() max="100".into() step="1" on_commit=commit("check_rise") />
                        <Num label=text::field_label(lang, "check_fall") hint=bounds("", "1", "100")
                            value=val(|c| c.health_check.map(|h| h.fall.to_string()).unwrap_or_default()) min="1".into() max="100".into() step="1" on_commit=commit("check_fall") />
                    </Show>
                </fieldset>
                <fieldset class="proxy__group">
                    <legend>{td_string!(lang, proxy.g_retries)}</legend>
                    <label class="proxy__field proxy__field--check">
                        <input type="checkbox" prop:checked=move || cfg.with(|c| c.proxy.next_upstream.error)
                            on:change=move |ev| apply("next_upstream".into(), if event_target_checked(&ev) { "error,timeout".into() } else { "off".into() }) />
                        <span>{td_string!(lang, proxy.f_next_upstream)}</span>
                    </label>
                    <Num label=text::field_label(lang, "tries") hint=bounds(&format!("0 = {}", td_string!(lang, proxy.no_cap)), "0", &UI_MAX_SERVERS.to_string())
                        value=val(|c| c.proxy.tries.to_string()) min="0".into() max=UI_MAX_SERVERS.to_string() step="1" on_commit=commit("tries") />
                    <Num label=text::field_label(lang, "net_latency_us") hint=bounds("µs", "0", "10000000")
                        value=val(|c| c.proxy.net_latency_us.to_string()) min="0".into() max="10000000".into() step="1" on_commit=commit("net_latency_us") />
                    <Num label=text::field_label(lang, "timeout_ms") hint=bounds("ms", "1", "3600000")
                        value=val(|c| c.proxy.timeout_ms.to_string()) min="1".into() max="3600000".into() step="1" on_commit=commit("timeout_ms") />
                </fieldset>
        }
    };
    view! {
        <details class="proxy__settings" open=open on:toggle=on_toggle>
            <summary>{td_string!(lang, proxy.settings)}</summary>
            {move || opened.get().then(body)}
        </details>
    }
}

fn session_label(lang: Locale, m: SessionMode) -> String {
    match m {
        SessionMode::None => td_string!(lang, proxy.sess_none),
        SessionMode::Local => td_string!(lang, proxy.sess_local),
        SessionMode::Cookie => td_string!(lang, proxy.sess_cookie),
        SessionMode::Shared => td_string!(lang, proxy.sess_shared),
        SessionMode::Jwt => "JWT",
    }
    .to_string()
}

fn dist_label(lang: Locale, d: Dist) -> String {
    match d {
        Dist::Exponential => td_string!(lang, proxy.dist_exp),
        Dist::LogNormal => td_string!(lang, proxy.dist_lognormal),
        Dist::Constant => td_string!(lang, proxy.dist_const),
    }
    .to_string()
}

fn arrival_label(lang: Locale, a: Arrival) -> String {
    match a {
        Arrival::Poisson => td_string!(lang, proxy.arr_poisson),
        Arrival::Constant => td_string!(lang, proxy.arr_constant),
        Arrival::Bursts => td_string!(lang, proxy.arr_bursts),
    }
    .to_string()
}

/// The nginx configuration of the current setup, with a copy button.
#[component]
pub(super) fn Export(lang: Locale, pg: StoredValue<Playground>, snap: RwSignal<Snapshot>) -> impl IntoView {
    // Follows the run: servers added or removed while it runs are in the export too.
    let text = Memo::new(move |_| {
        snap.with(|s| s.backends.len());
        pg.with_value(|p| to_nginx(&p.current_config()))
    });
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let t = text.get_untracked();
        let _ = window().navigator().clipboard().write_text(&t);
        copied.set(true);
    };
    view! {
        <details class="proxy__export">
            <summary>{td_string!(lang, proxy.export)}</summary>
            <p class="proxy__hint">{td_string!(lang, proxy.export_hint)}</p>
            <button type="button" class="button proxy__copy" on:click=copy>{td_string!(lang, proxy.copy)}</button>
            <span class="proxy__copied" role="status">{move || if copied.get() { td_string!(lang, proxy.copied) } else { "" }}</span>
            <pre class="proxy__nginx" tabindex="0"><code>{move || text.get()}</code></pre>
        </details>
    }
}
