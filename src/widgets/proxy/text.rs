//! The playground's words: the core's typed errors and log entries told in the learner's language.

use crate::i18n::*;
use msa_sim::proxy::balancer::Algorithm;
use msa_sim::proxy::config::{ConfigError, Fault};
use msa_sim::proxy::engine::{BackendView, CommandError};
use msa_sim::proxy::log::{AttemptFailure, LogEntry, LogKind};
use msa_sim::proxy::playground::StateError;
use msa_sim::proxy::query::QueryError;
use msa_sim::proxy::scenarios::SetError;

/// [`crate::widgets::fill`] for arguments already formatted (one pass: a value holding `{x}` stays as it is).
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let args: Vec<(&str, &dyn std::fmt::Display)> =
        args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
    crate::widgets::fill(template, &args)
}

/// A number for people: at most three decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Microseconds as milliseconds (`12.3 ms`).
pub fn ms(us: u64) -> String {
    format!("{} ms", num(us as f64 / 1000.0))
}

/// Seconds of simulated time (`3.20 s`).
pub fn secs(us: u64) -> String {
    format!("{:.2} s", us as f64 / 1e6)
}

/// The name of a configuration field (its `--set` key) as a control's label says it.
pub fn field_label(lang: Locale, key: &str) -> String {
    let s = match key {
        "weight" => td_string!(lang, proxy.f_weight),
        "workers" => td_string!(lang, proxy.f_workers),
        "speed" => td_string!(lang, proxy.f_speed),
        "max_conns" => td_string!(lang, proxy.f_max_conns),
        "max_fails" => td_string!(lang, proxy.f_max_fails),
        "fail_timeout_s" => td_string!(lang, proxy.f_fail_timeout),
        "rate" => td_string!(lang, proxy.f_rate),
        "burst_size" => td_string!(lang, proxy.f_burst_size),
        "burst_every_ms" => td_string!(lang, proxy.f_burst_every),
        "mean_us" | "mean_ms" => td_string!(lang, proxy.f_mean),
        "cv" => td_string!(lang, proxy.f_cv),
        "check_interval_ms" => td_string!(lang, proxy.f_check_interval),
        "check_rise" => td_string!(lang, proxy.f_check_rise),
        "check_fall" => td_string!(lang, proxy.f_check_fall),
        "tries" => td_string!(lang, proxy.f_tries),
        "timeout_ms" => td_string!(lang, proxy.f_timeout),
        "net_latency_us" => td_string!(lang, proxy.f_net_latency),
        "duration_ms" | "duration_s" => td_string!(lang, proxy.f_duration),
        "seed" => td_string!(lang, proxy.f_seed),
        "servers" => td_string!(lang, proxy.f_servers),
        "slow" => td_string!(lang, proxy.f_slow),
        _ => return key.to_string(),
    };
    s.to_string()
}

fn server_label(lang: Locale, server: Option<usize>) -> String {
    match server {
        Some(i) => fill(td_string!(lang, proxy.server_n), &[("n", (i + 1).to_string())]),
        None => String::new(),
    }
}

pub fn config_error(lang: Locale, e: &ConfigError) -> String {
    match e {
        ConfigError::OutOfRange { field, min, max, got } => fill(
            td_string!(lang, proxy.err_range),
            &[
                ("field", format!("{}{}", server_label(lang, field.server), field_label(lang, field.key))),
                ("min", min.to_string()),
                ("max", max.to_string()),
                ("got", got.to_string()),
            ],
        ),
        ConfigError::FloatOutOfRange { field, min, max, got } => fill(
            td_string!(lang, proxy.err_range),
            &[
                ("field", format!("{}{}", server_label(lang, field.server), field_label(lang, field.key))),
                ("min", num(*min)),
                ("max", num(*max)),
                ("got", num(*got)),
            ],
        ),
        ConfigError::NoServers | ConfigError::NoPrimary => td_string!(lang, proxy.err_no_primary).to_string(),
        ConfigError::TooManyServers { max, .. } => fill(td_string!(lang, proxy.err_full), &[("max", max.to_string())]),
        ConfigError::BackupNotAllowed { .. } => td_string!(lang, proxy.err_backup).to_string(),
        ConfigError::WarmupNotBeforeEnd { .. } => td_string!(lang, proxy.err_warmup).to_string(),
        ConfigError::TooManyRequests { max, expected } => {
            fill(td_string!(lang, proxy.err_too_many), &[("max", max.to_string()), ("expected", expected.to_string())])
        }
        ConfigError::BadName { .. }
        | ConfigError::DuplicateName { .. }
        | ConfigError::BadAddress { .. }
        | ConfigError::UnknownFaultServer { .. }
        | ConfigError::TooManyFaults { .. } => fill(td_string!(lang, proxy.err_other), &[("detail", e.to_string())]),
    }
}

pub fn set_error(lang: Locale, e: &SetError) -> String {
    match e {
        SetError::BadValue { key, value, .. } => {
            let field = key.rsplit('.').next().unwrap_or(key);
            fill(
                td_string!(lang, proxy.err_not_number),
                &[("field", field_label(lang, field)), ("value", value.clone())],
            )
        }
        SetError::ServerCount { max, got } => fill(
            td_string!(lang, proxy.err_range),
            &[
                ("field", field_label(lang, "servers")),
                ("min", "1".into()),
                ("max", max.to_string()),
                ("got", got.clone()),
            ],
        ),
        SetError::UnknownKey { key } => fill(td_string!(lang, proxy.err_unknown_key), &[("key", key.clone())]),
        SetError::UnknownServer { selector } => {
            fill(td_string!(lang, proxy.err_unknown_server), &[("server", selector.clone())])
        }
        SetError::Malformed { item } => fill(td_string!(lang, proxy.err_malformed), &[("item", item.clone())]),
    }
}

pub fn command_error(lang: Locale, e: &CommandError) -> String {
    match e {
        CommandError::LastPrimary { .. } => td_string!(lang, proxy.err_last_primary).to_string(),
        CommandError::Full { max } => fill(td_string!(lang, proxy.err_full), &[("max", max.to_string())]),
        CommandError::Removed { .. } | CommandError::UnknownServer { .. } => {
            td_string!(lang, proxy.err_removed).to_string()
        }
        CommandError::Config(c) => config_error(lang, c),
    }
}

pub fn state_error(lang: Locale, e: &StateError) -> String {
    let detail = match e {
        StateError::Config(QueryError::Invalid(c)) => config_error(lang, c),
        StateError::Config(QueryError::Set { error, .. }) => set_error(lang, error),
        StateError::BadTime => td_string!(lang, proxy.err_link_time).to_string(),
        StateError::BadAction { index } => {
            fill(td_string!(lang, proxy.err_link_action), &[("n", (index + 1).to_string())])
        }
        StateError::Config(
            QueryError::TooLong { .. }
            | QueryError::TooManyItems { .. }
            | QueryError::BadEncoding { .. }
            | QueryError::Malformed { .. },
        )
        | StateError::TooManyActions { .. } => td_string!(lang, proxy.err_link_garbled).to_string(),
    };
    fill(td_string!(lang, proxy.err_link), &[("detail", detail)])
}

/// An algorithm's name as nginx writes it (peak-EWMA is marked as not nginx).
pub fn algo_label(lang: Locale, a: Algorithm) -> String {
    match a {
        Algorithm::RoundRobin => td_string!(lang, proxy.algo_rr).to_string(),
        Algorithm::LeastConn => "least_conn".into(),
        Algorithm::IpHash => "ip_hash".into(),
        Algorithm::Hash => "hash".into(),
        Algorithm::HashConsistent => "hash … consistent".into(),
        Algorithm::Random => "random".into(),
        Algorithm::RandomTwo => "random two least_conn".into(),
        Algorithm::PeakEwma => td_string!(lang, proxy.algo_peak).to_string(),
    }
}

/// A backend's state in a word or two.
pub fn backend_state(lang: Locale, b: &BackendView) -> (&'static str, String) {
    let (class, s) = if b.removed {
        ("off", td_string!(lang, proxy.st_removed).to_string())
    } else if b.crashed {
        ("bad", td_string!(lang, proxy.st_crashed).to_string())
    } else if b.hung {
        ("bad", td_string!(lang, proxy.st_hung).to_string())
    } else if b.down {
        ("off", td_string!(lang, proxy.st_down).to_string())
    } else if b.check_down {
        ("warn", td_string!(lang, proxy.st_check_down).to_string())
    } else if b.failed_passive {
        ("warn", td_string!(lang, proxy.st_failed).to_string())
    } else if b.slow > 1.0 {
        ("warn", fill(td_string!(lang, proxy.st_slow), &[("x", num(b.slow))]))
    } else {
        ("ok", td_string!(lang, proxy.st_up).to_string())
    };
    let s = if b.error_permille > 0 && !b.removed && !b.crashed {
        format!("{s}, {}", fill(td_string!(lang, proxy.st_errors), &[("p", num(b.error_permille as f64 / 10.0))]))
    } else {
        s
    };
    (class, s)
}

fn why(lang: Locale, w: AttemptFailure) -> &'static str {
    match w {
        AttemptFailure::Refused => td_string!(lang, proxy.why_refused),
        AttemptFailure::Reset => td_string!(lang, proxy.why_reset),
        AttemptFailure::Timeout => td_string!(lang, proxy.why_timeout),
        AttemptFailure::Http500 => "HTTP 500",
        AttemptFailure::Http503 => "HTTP 503",
    }
}

/// Whether a log entry is worth announcing to a screen reader (a change of state, not routine traffic).
pub fn notable(e: &LogEntry) -> bool {
    matches!(
        e.kind,
        LogKind::Disabled { .. }
            | LogKind::CheckDown { .. }
            | LogKind::CheckUp { .. }
            | LogKind::Fault { .. }
            | LogKind::MarkedDown { .. }
            | LogKind::Added { .. }
            | LogKind::Removed { .. }
    )
}

/// One log line in the learner's language.
pub fn log_line(lang: Locale, e: &LogEntry, names: &[String]) -> String {
    let n = |i: usize| names.get(i).cloned().unwrap_or_else(|| "?".into());
    let t = |tpl: &str, args: &[(&str, String)]| fill(tpl, args);
    let what = match &e.kind {
        LogKind::Arrived { req, client, post } => t(
            td_string!(lang, proxy.log_arrived),
            &[
                ("req", req.to_string()),
                ("client", client.to_string()),
                ("method", if *post { "POST" } else { "GET" }.into()),
            ],
        ),
        LogKind::Sent { req, server, attempt } => t(
            td_string!(lang, proxy.log_sent),
            &[("req", req.to_string()), ("server", n(*server)), ("try", attempt.to_string())],
        ),
        LogKind::Queued { req } => t(td_string!(lang, proxy.log_queued), &[("req", req.to_string())]),
        LogKind::AttemptFailed { req, server, why: w, retry } => {
            let base = t(
                td_string!(lang, proxy.log_failed),
                &[("req", req.to_string()), ("server", n(*server)), ("why", why(lang, *w).into())],
            );
            if *retry {
                format!("{base}{}", td_string!(lang, proxy.log_retry))
            } else {
                base
            }
        }
        LogKind::Answered { req, status, latency_us } => t(
            td_string!(lang, proxy.log_answered),
            &[("req", req.to_string()), ("status", status.to_string()), ("ms", ms(*latency_us))],
        ),
        LogKind::NoLive { req } => t(td_string!(lang, proxy.log_nolive), &[("req", req.to_string())]),
        LogKind::Dropped { req, full } => t(
            if *full { td_string!(lang, proxy.log_dropped_full) } else { td_string!(lang, proxy.log_dropped_wait) },
            &[("req", req.to_string())],
        ),
        LogKind::SessionLost { req, client, server } => t(
            td_string!(lang, proxy.log_session_lost),
            &[("req", req.to_string()), ("client", client.to_string()), ("server", n(*server))],
        ),
        LogKind::Disabled { server } => t(td_string!(lang, proxy.log_disabled), &[("server", n(*server))]),
        LogKind::CheckDown { server } => t(td_string!(lang, proxy.log_check_down), &[("server", n(*server))]),
        LogKind::CheckUp { server } => t(td_string!(lang, proxy.log_check_up), &[("server", n(*server))]),
        LogKind::Fault { server, fault } => {
            let tpl = match fault {
                Fault::Crash => td_string!(lang, proxy.log_crash),
                Fault::Hang => td_string!(lang, proxy.log_hang),
                Fault::Slow(_) => td_string!(lang, proxy.log_slow),
                Fault::ErrorRate(_) => td_string!(lang, proxy.log_errrate),
                Fault::Revive => td_string!(lang, proxy.log_revive),
            };
            let x = match fault {
                Fault::Slow(x) => num(*x),
                Fault::ErrorRate(p) => num(*p as f64 / 10.0),
                _ => String::new(),
            };
            t(tpl, &[("server", n(*server)), ("x", x)])
        }
        LogKind::MarkedDown { server, down } => t(
            if *down { td_string!(lang, proxy.log_marked_down) } else { td_string!(lang, proxy.log_marked_up) },
            &[("server", n(*server))],
        ),
        LogKind::Added { server } => t(td_string!(lang, proxy.log_added), &[("server", n(*server))]),
        LogKind::Removed { server } => t(td_string!(lang, proxy.log_removed), &[("server", n(*server))]),
    };
    format!("{} {what}", secs(e.at.as_us()))
}
