//! `jwt`: the sessions lesson's token taken apart as a verifier does it (`msa_sim::session::jwt`). The learner
//! edits the payload (the header and signature stay: a forgery without the key), the secret, or the clock, or
//! pastes any token; the core inspects it on every change and this draws the coloured parts, the decoded
//! texts, the verdict and the list of checks (the text twin).

use crate::i18n::*;
use crate::widgets::{fill, param, Params};
use leptos::prelude::*;
use msa_sim::session::jwt::{
    self, Base64Error, Inspection, Malformed, Mark, Part, Step, Verdict, LESSON_IAT, LESSON_SECRET, LESSON_TOKEN,
    MAX_TOKEN_LEN, MIN_KEY_BYTES, NONE_TOKEN, STEPS,
};

/// The clock control's range, in minutes after the lesson token's `iat`.
const MAX_MINUTES: i64 = 30;
/// The longest secret the field takes.
const MAX_SECRET: usize = 256;

fn part_name(lang: Locale, p: Part) -> &'static str {
    match p {
        Part::Header => td_string!(lang, jwt.part_header),
        Part::Payload => td_string!(lang, jwt.part_payload),
        Part::Signature => td_string!(lang, jwt.part_signature),
    }
}

/// A character as the learner can see it: control characters as their code point. (Not `escape_debug`, which
/// brings Unicode's printable-character tables into the wasm.)
fn shown(ch: char) -> String {
    if ch.is_control() {
        format!("U+{:04X}", ch as u32)
    } else {
        ch.to_string()
    }
}

/// Why the token is malformed, in the learner's language.
fn malformed_text(lang: Locale, m: &Malformed) -> String {
    match m {
        Malformed::Empty => td_string!(lang, jwt.bad_empty).to_string(),
        Malformed::TooLong { len, max } => fill(td_string!(lang, jwt.bad_long), &[("len", len), ("max", max)]),
        Malformed::Segments { found } => fill(td_string!(lang, jwt.bad_segments), &[("n", found)]),
        Malformed::Base64 { part, error: Base64Error::Char { at, ch } } => fill(
            td_string!(lang, jwt.bad_char),
            &[("part", &part_name(lang, *part)), ("ch", &shown(*ch)), ("at", &(at + 1))],
        ),
        Malformed::Base64 { part, error: Base64Error::Length { len } } => {
            fill(td_string!(lang, jwt.bad_length), &[("part", &part_name(lang, *part)), ("len", len)])
        }
        Malformed::Base64 { part, error: Base64Error::Trailing } => {
            fill(td_string!(lang, jwt.bad_trailing), &[("part", &part_name(lang, *part))])
        }
        Malformed::NotUtf8 { part } => fill(td_string!(lang, jwt.bad_utf8), &[("part", &part_name(lang, *part))]),
        Malformed::Json { part, line, column } => fill(
            td_string!(lang, jwt.bad_json),
            &[("part", &part_name(lang, *part)), ("line", line), ("column", column)],
        ),
        Malformed::NotObject { part } => fill(td_string!(lang, jwt.bad_object), &[("part", &part_name(lang, *part))]),
        Malformed::Member { part, line, column } => fill(
            td_string!(lang, jwt.bad_member),
            &[("part", &part_name(lang, *part)), ("line", line), ("column", column)],
        ),
        Malformed::NoAlg => td_string!(lang, jwt.bad_no_alg).to_string(),
        Malformed::AlgNone => td_string!(lang, jwt.bad_alg_none).to_string(),
        Malformed::AlgUnsupported { alg } => fill(td_string!(lang, jwt.bad_alg_other), &[("alg", alg)]),
    }
}

fn verdict_text(lang: Locale, v: &Verdict) -> String {
    match v {
        Verdict::Valid { exp: Some(exp) } => fill(td_string!(lang, jwt.v_valid), &[("exp", &jwt::format_utc(*exp))]),
        Verdict::Valid { exp: None } => td_string!(lang, jwt.v_valid_forever).to_string(),
        Verdict::BadSignature => td_string!(lang, jwt.v_bad_signature).to_string(),
        Verdict::Expired { exp, now } => {
            fill(td_string!(lang, jwt.v_expired), &[("exp", &jwt::format_utc(*exp)), ("now", &jwt::format_utc(*now))])
        }
        Verdict::Malformed(m) => fill(td_string!(lang, jwt.v_malformed), &[("why", &malformed_text(lang, m))]),
    }
}

fn step_text(lang: Locale, s: Step, at: &Inspection, now: i64) -> String {
    match s {
        Step::Split => fill(td_string!(lang, jwt.step_split), &[("n", &at.parts.len())]),
        Step::Header => td_string!(lang, jwt.step_header).to_string(),
        Step::Alg => match &at.alg {
            Some(alg) => fill(td_string!(lang, jwt.step_alg), &[("alg", alg)]),
            None => td_string!(lang, jwt.step_alg_unknown).to_string(),
        },
        Step::Payload => td_string!(lang, jwt.step_payload).to_string(),
        Step::Signature => td_string!(lang, jwt.step_signature).to_string(),
        Step::Expiry => match at.claims.exp {
            Some(exp) => {
                fill(td_string!(lang, jwt.step_exp), &[("exp", &jwt::format_utc(exp)), ("now", &jwt::format_utc(now))])
            }
            None => td_string!(lang, jwt.step_exp_none).to_string(),
        },
    }
}

fn mark_text(lang: Locale, m: Mark) -> &'static str {
    match m {
        Mark::Pass => td_string!(lang, jwt.mark_pass),
        Mark::Fail => td_string!(lang, jwt.mark_fail),
        Mark::NotReached => td_string!(lang, jwt.mark_skipped),
    }
}

/// The payload's decoded text, for the payload editor, when the token has one.
fn payload_of(token: &str) -> String {
    jwt::inspect(token, b"", 0, 0).payload.unwrap_or_default()
}

#[component]
pub fn Jwt(params: Params, lang: Locale) -> impl IntoView {
    let key: &'static str = param(params, "id").unwrap_or("jwt");
    let token = RwSignal::new(LESSON_TOKEN.to_string());
    let payload = RwSignal::new(payload_of(LESSON_TOKEN));
    let secret = RwSignal::new(LESSON_SECRET.to_string());
    let minutes = RwSignal::new(5i64);
    let now = move || LESSON_IAT + minutes.get() * 60;
    let at = Memo::new(move |_| token.with(|t| secret.with(|s| jwt::inspect(t, s.as_bytes(), now(), 0))));

    let load = move |t: &str| {
        token.set(t.to_string());
        payload.set(payload_of(t));
    };
    let edit_payload = move |text: String| {
        if let Ok(t) = token.with_untracked(|tok| jwt::with_payload(tok, &text)) {
            token.set(t);
        }
        payload.set(text);
    };
    let resign = move || {
        if let Ok(t) = token.with_untracked(|tok| secret.with_untracked(|s| jwt::resign(tok, s.as_bytes()))) {
            token.set(t);
        }
    };
    let ok = move || at.with(|a| matches!(a.verdict, Verdict::Valid { .. }));
    let given = move || at.with(|a| a.parts.get(2).cloned().filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into()));
    let now_text =
        move || fill(td_string!(lang, jwt.now_value), &[("time", &jwt::format_utc(now())), ("min", &minutes.get())]);
    let id = move |s: &str| format!("{key}-{s}");
    let title_id = id("title");
    let labelled_by = title_id.clone();

    view! {
        <section class="widget widget--jwt" data-keys aria-labelledby=labelled_by>
            <h3 class="widget__title" id=title_id>{td_string!(lang, jwt.title)}</h3>
            <p class="jwt__intro">{td_string!(lang, jwt.intro)}</p>
            <div class="jwt__buttons">
                <button type="button" class="button" on:click=move |_| load(LESSON_TOKEN)>{td_string!(lang, jwt.load_lesson)}</button>
                <button type="button" class="button" on:click=move |_| load(NONE_TOKEN)>{td_string!(lang, jwt.load_none)}</button>
                <button
                    type="button"
                    class="button"
                    aria-describedby=id("resign-hint")
                    disabled=move || at.with(|a| a.parts.len() != 3)
                    on:click=move |_| resign()
                >
                    {td_string!(lang, jwt.resign)}
                </button>
            </div>
            <p class="jwt__hint" id=id("resign-hint")>{td_string!(lang, jwt.resign_hint)}</p>
            <label class="jwt__field" for=id("token")>
                <span>{td_string!(lang, jwt.token_label)}</span>
                <textarea
                    id=id("token")
                    class="jwt__input jwt__input--token"
                    rows="4"
                    spellcheck="false"
                    autocomplete="off"
                    maxlength=MAX_TOKEN_LEN + 64
                    prop:value=move || token.get()
                    on:input=move |ev| load(&event_target_value(&ev))
                ></textarea>
            </label>
            // The same text as the field above, coloured by part; the decoded parts below are its text.
            <p class="jwt__token" aria-hidden="true">
                {move || {
                    at.with(|a| {
                        a.parts
                            .iter()
                            .enumerate()
                            .map(|(i, p)| {
                                let class = match i {
                                    0 => "jwt__seg jwt__seg--header",
                                    1 => "jwt__seg jwt__seg--payload",
                                    2 => "jwt__seg jwt__seg--signature",
                                    _ => "jwt__seg jwt__seg--extra",
                                };
                                view! {
                                    {(i > 0).then_some(".")}
                                    <span class=class>{p.clone()}</span>
                                }
                            })
                            .collect_view()
                    })
                }}
            </p>
            <div class="jwt__parts">
                <div class="jwt__part jwt__part--header">
                    <h4 class="jwt__part-title">{td_string!(lang, jwt.part_header_title)}</h4>
                    <pre class="jwt__json">{move || at.with(|a| a.header.clone().unwrap_or_else(|| "—".into()))}</pre>
                </div>
                <div class="jwt__part jwt__part--payload">
                    <label class="jwt__part-title" for=id("payload")>{td_string!(lang, jwt.part_payload_title)}</label>
                    <textarea
                        id=id("payload")
                        class="jwt__input jwt__json"
                        rows="4"
                        spellcheck="false"
                        autocomplete="off"
                        maxlength="2048"
                        aria-describedby=id("payload-hint")
                        disabled=move || at.with(|a| a.parts.len() != 3)
                        prop:value=move || payload.get()
                        on:input=move |ev| edit_payload(event_target_value(&ev))
                    ></textarea>
                    <p class="jwt__hint" id=id("payload-hint")>{td_string!(lang, jwt.payload_hint)}</p>
                </div>
                <div class="jwt__part jwt__part--signature">
                    <h4 class="jwt__part-title">{td_string!(lang, jwt.part_signature_title)}</h4>
                    <dl class="jwt__sig">
                        <dt>{td_string!(lang, jwt.sig_given)}</dt>
                        <dd><code>{given}</code></dd>
                        <dt>{td_string!(lang, jwt.sig_expected)}</dt>
                        <dd><code>{move || at.with(|a| a.expected.clone().unwrap_or_else(|| "—".into()))}</code></dd>
                    </dl>
                </div>
            </div>
            <div class="jwt__controls">
                <label class="jwt__field" for=id("secret")>
                    <span>{td_string!(lang, jwt.secret_label)}</span>
                    <input
                        id=id("secret")
                        class="jwt__input"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        maxlength=MAX_SECRET
                        prop:value=move || secret.get()
                        on:input=move |ev| secret.set(event_target_value(&ev).chars().take(MAX_SECRET).collect())
                    />
                </label>
                <p class="jwt__hint" aria-live="polite">
                    {move || {
                        let n = at.with(|a| a.key_bytes);
                        (n < MIN_KEY_BYTES).then(|| fill(td_string!(lang, jwt.weak_key), &[("n", &n), ("min", &MIN_KEY_BYTES)]))
                    }}
                </p>
                <div class="jwt__field">
                    <label for=id("now")>{td_string!(lang, jwt.now_label)}</label>
                    <input
                        id=id("now")
                        type="range"
                        min="0"
                        max=MAX_MINUTES
                        step="1"
                        aria-valuetext=now_text
                        prop:value=move || minutes.get().to_string()
                        on:input=move |ev| {
                            if let Ok(m) = event_target_value(&ev).parse::<i64>() {
                                minutes.set(m.clamp(0, MAX_MINUTES));
                            }
                        }
                    />
                    <output class="jwt__now" for=id("now")>{now_text}</output>
                </div>
            </div>
            <p class="jwt__verdict" class:jwt__verdict--ok=ok class:jwt__verdict--bad=move || !ok() role="status">
                {move || at.with(|a| verdict_text(lang, &a.verdict))}
            </p>
            <h4 class="jwt__steps-title">{td_string!(lang, jwt.steps_title)}</h4>
            <ol class="jwt__steps">
                {move || {
                    at.with(|a| {
                        STEPS
                            .iter()
                            .map(|s| {
                                let m = a.mark(*s);
                                let class = match m {
                                    Mark::Pass => "jwt__step jwt__step--pass",
                                    Mark::Fail => "jwt__step jwt__step--fail",
                                    Mark::NotReached => "jwt__step jwt__step--skipped",
                                };
                                view! {
                                    <li class=class data-step=s.name()>
                                        <span class="jwt__mark">{mark_text(lang, m)}</span>
                                        " "
                                        {step_text(lang, *s, a, LESSON_IAT + minutes.get_untracked() * 60)}
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ol>
        </section>
    }
}
