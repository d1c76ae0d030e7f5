//! `proxy-roles`: forward vs reverse proxy, as the three parties see one request (from `msa_sim::proxy::roles`).

use super::super::{param, Params};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::proxy::roles::{hop, Configured, Role};

const CLIENT_IP: &str = "203.0.113.7";
const HOST: &str = "api.fooddash.example";

#[component]
pub fn ProxyRoles(params: Params, lang: Locale) -> impl IntoView {
    let key = param(params, "id").unwrap_or("proxy-roles");
    let role = RwSignal::new(Role::Reverse);
    let h = Memo::new(move |_| match role.get() {
        Role::Forward => hop(Role::Forward, CLIENT_IP, HOST, "192.168.0.1:3128", "192.168.0.1"),
        Role::Reverse => hop(Role::Reverse, CLIENT_IP, HOST, "198.51.100.10:8004", "10.0.0.2"),
    });
    let heading = format!("{key}-title");
    let heading2 = heading.clone();
    let group = format!("{key}-role");
    let yes_no = move |b: bool| if b { td_string!(lang, proxy_roles.yes) } else { td_string!(lang, proxy_roles.no) };
    let radio = move |r: Role, label: &'static str| {
        let group = group.clone();
        view! {
            <label class="proxy__field proxy__field--check">
                <input type="radio" name=group prop:checked=move || role.get() == r on:change=move |_| role.set(r) />
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <section class="widget widget--proxy-roles roles" data-keys aria-labelledby=heading2>
            <h2 class="widget__title" id=heading>{td_string!(lang, proxy_roles.title)}</h2>
            <fieldset class="proxy__group roles__pick">
                <legend>{td_string!(lang, proxy_roles.pick)}</legend>
                {radio(Role::Forward, td_string!(lang, proxy_roles.forward))}
                {radio(Role::Reverse, td_string!(lang, proxy_roles.reverse))}
            </fieldset>
            <div class="roles__parties" aria-live="polite">
                <div class="roles__party">
                    <h3>{td_string!(lang, proxy_roles.client)}</h3>
                    <p class="roles__addr">{CLIENT_IP}</p>
                    <dl>
                        <dt>{td_string!(lang, proxy_roles.asks_for)}</dt><dd><code>{move || h.with(|h| format!("https://{}/", h.client_asks_for))}</code></dd>
                        <dt>{td_string!(lang, proxy_roles.connects_to)}</dt><dd><code>{move || h.with(|h| h.client_connects_to.clone())}</code></dd>
                        <dt>{td_string!(lang, proxy_roles.knows)}</dt><dd>{move || yes_no(h.with(|h| h.client_knows_proxy))}</dd>
                    </dl>
                </div>
                <div class="roles__party roles__party--proxy">
                    <h3>{move || if role.get() == Role::Forward { td_string!(lang, proxy_roles.forward) } else { td_string!(lang, proxy_roles.reverse) }}</h3>
                    <dl>
                        <dt>{td_string!(lang, proxy_roles.configured)}</dt>
                        <dd>{move || match h.with(|h| h.configured) {
                            Configured::Clients => td_string!(lang, proxy_roles.by_clients),
                            Configured::Operators => td_string!(lang, proxy_roles.by_operators),
                        }}</dd>
                        <dt>{td_string!(lang, proxy_roles.works_for)}</dt>
                        <dd>{move || if role.get() == Role::Forward { td_string!(lang, proxy_roles.for_clients) } else { td_string!(lang, proxy_roles.for_servers) }}</dd>
                    </dl>
                </div>
                <div class="roles__party">
                    <h3>{td_string!(lang, proxy_roles.server)}</h3>
                    <dl>
                        <dt>{td_string!(lang, proxy_roles.peer)}</dt><dd><code>{move || h.with(|h| h.server_sees_peer.clone())}</code></dd>
                        <dt>{td_string!(lang, proxy_roles.headers)}</dt>
                        <dd><pre class="roles__headers"><code>{move || h.with(|h| h.server_headers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n"))}</code></pre></dd>
                    </dl>
                </div>
            </div>
            <p class="roles__note">{move || if role.get() == Role::Forward { td_string!(lang, proxy_roles.note_forward) } else { td_string!(lang, proxy_roles.note_reverse) }}</p>
        </section>
    }
}
