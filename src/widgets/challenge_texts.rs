//! The challenges' texts in the learner's language (`locales/*.json`, object `challenges`): shared by the
//! `challenge-*` widgets and the challenges page, so it carries no simulation code (the core bundle has it). The
//! hints are a function of their own: only the widgets show them, so the core bundle leaves them out, and a
//! family's bundle carries its own challenges' hints only (a bundle shows no other family's challenge widget).

use crate::i18n::*;

/// A challenge's title and goal. An id the core does not know gives empty texts (a test checks that every id of
/// `msa_sim::challenge::CHALLENGES` has its own).
pub fn texts(lang: Locale, id: &str) -> (&'static str, &'static str) {
    match id {
        "arch-contain-payment-hang" => (
            td_string!(lang, challenges.arch_contain_payment_hang_title),
            td_string!(lang, challenges.arch_contain_payment_hang_goal),
        ),
        "arch-spike-scale-out" => (
            td_string!(lang, challenges.arch_spike_scale_out_title),
            td_string!(lang, challenges.arch_spike_scale_out_goal),
        ),
        "arch-schema-one-feature" => (
            td_string!(lang, challenges.arch_schema_one_feature_title),
            td_string!(lang, challenges.arch_schema_one_feature_goal),
        ),
        "ddd-exact-limit" => {
            (td_string!(lang, challenges.ddd_exact_limit_title), td_string!(lang, challenges.ddd_exact_limit_goal))
        }
        "ddd-break-limit" => {
            (td_string!(lang, challenges.ddd_break_limit_title), td_string!(lang, challenges.ddd_break_limit_goal))
        }
        "ddd-change-after-payment" => (
            td_string!(lang, challenges.ddd_change_after_payment_title),
            td_string!(lang, challenges.ddd_change_after_payment_goal),
        ),
        "ddd-lunch-lost-line" => (
            td_string!(lang, challenges.ddd_lunch_lost_line_title),
            td_string!(lang, challenges.ddd_lunch_lost_line_goal),
        ),
        "lb-weights-5-of-7" => {
            (td_string!(lang, challenges.lb_weights_5_of_7_title), td_string!(lang, challenges.lb_weights_5_of_7_goal))
        }
        "lb-fail-timeout-probe" => (
            td_string!(lang, challenges.lb_fail_timeout_probe_title),
            td_string!(lang, challenges.lb_fail_timeout_probe_goal),
        ),
        "lb-backup-takes-over" => (
            td_string!(lang, challenges.lb_backup_takes_over_title),
            td_string!(lang, challenges.lb_backup_takes_over_goal),
        ),
        "lb-uneven-p99" => {
            (td_string!(lang, challenges.lb_uneven_p99_title), td_string!(lang, challenges.lb_uneven_p99_goal))
        }
        "sessions-keep-by-algorithm" => (
            td_string!(lang, challenges.sessions_keep_by_algorithm_title),
            td_string!(lang, challenges.sessions_keep_by_algorithm_goal),
        ),
        "sessions-ip-hash-loses-twice" => (
            td_string!(lang, challenges.sessions_ip_hash_loses_twice_title),
            td_string!(lang, challenges.sessions_ip_hash_loses_twice_goal),
        ),
        "sessions-survive-crash" => (
            td_string!(lang, challenges.sessions_survive_crash_title),
            td_string!(lang, challenges.sessions_survive_crash_goal),
        ),
        "traffic-p99-fewest-backends" => (
            td_string!(lang, challenges.traffic_p99_fewest_backends_title),
            td_string!(lang, challenges.traffic_p99_fewest_backends_goal),
        ),
        "traffic-saturation-fewest-servers" => (
            td_string!(lang, challenges.traffic_saturation_fewest_servers_title),
            td_string!(lang, challenges.traffic_saturation_fewest_servers_goal),
        ),
        "race-lose-two-updates" => (
            td_string!(lang, challenges.race_lose_two_updates_title),
            td_string!(lang, challenges.race_lose_two_updates_goal),
        ),
        "race-sell-last-bowl-twice" => (
            td_string!(lang, challenges.race_sell_last_bowl_twice_title),
            td_string!(lang, challenges.race_sell_last_bowl_twice_goal),
        ),
        "race-optimistic-retry" => (
            td_string!(lang, challenges.race_optimistic_retry_title),
            td_string!(lang, challenges.race_optimistic_retry_goal),
        ),
        "race-two-deadlock-victims" => (
            td_string!(lang, challenges.race_two_deadlock_victims_title),
            td_string!(lang, challenges.race_two_deadlock_victims_goal),
        ),
        "race-app-mutex-lost-update" => (
            td_string!(lang, challenges.race_app_mutex_lost_update_title),
            td_string!(lang, challenges.race_app_mutex_lost_update_goal),
        ),
        _ => ("", ""),
    }
}

/// A challenge's hint; in a family's bundle, that family's challenges only (others give an empty text).
pub fn hint(lang: Locale, id: &str) -> &'static str {
    match id {
        #[cfg(feature = "arch")]
        "arch-contain-payment-hang" => td_string!(lang, challenges.arch_contain_payment_hang_hint),
        #[cfg(feature = "arch")]
        "arch-spike-scale-out" => td_string!(lang, challenges.arch_spike_scale_out_hint),
        #[cfg(feature = "arch")]
        "arch-schema-one-feature" => td_string!(lang, challenges.arch_schema_one_feature_hint),
        #[cfg(feature = "ddd")]
        "ddd-exact-limit" => td_string!(lang, challenges.ddd_exact_limit_hint),
        #[cfg(feature = "ddd")]
        "ddd-break-limit" => td_string!(lang, challenges.ddd_break_limit_hint),
        #[cfg(feature = "ddd")]
        "ddd-change-after-payment" => td_string!(lang, challenges.ddd_change_after_payment_hint),
        #[cfg(feature = "ddd")]
        "ddd-lunch-lost-line" => td_string!(lang, challenges.ddd_lunch_lost_line_hint),
        #[cfg(feature = "proxy")]
        "lb-weights-5-of-7" => td_string!(lang, challenges.lb_weights_5_of_7_hint),
        #[cfg(feature = "proxy")]
        "lb-fail-timeout-probe" => td_string!(lang, challenges.lb_fail_timeout_probe_hint),
        #[cfg(feature = "proxy")]
        "lb-backup-takes-over" => td_string!(lang, challenges.lb_backup_takes_over_hint),
        #[cfg(feature = "proxy")]
        "lb-uneven-p99" => td_string!(lang, challenges.lb_uneven_p99_hint),
        #[cfg(feature = "proxy")]
        "sessions-keep-by-algorithm" => td_string!(lang, challenges.sessions_keep_by_algorithm_hint),
        #[cfg(feature = "proxy")]
        "sessions-ip-hash-loses-twice" => td_string!(lang, challenges.sessions_ip_hash_loses_twice_hint),
        #[cfg(feature = "proxy")]
        "sessions-survive-crash" => td_string!(lang, challenges.sessions_survive_crash_hint),
        #[cfg(feature = "proxy")]
        "traffic-p99-fewest-backends" => td_string!(lang, challenges.traffic_p99_fewest_backends_hint),
        #[cfg(feature = "proxy")]
        "traffic-saturation-fewest-servers" => td_string!(lang, challenges.traffic_saturation_fewest_servers_hint),
        #[cfg(feature = "race")]
        "race-lose-two-updates" => td_string!(lang, challenges.race_lose_two_updates_hint),
        #[cfg(feature = "race")]
        "race-sell-last-bowl-twice" => td_string!(lang, challenges.race_sell_last_bowl_twice_hint),
        #[cfg(feature = "race")]
        "race-optimistic-retry" => td_string!(lang, challenges.race_optimistic_retry_hint),
        #[cfg(feature = "race")]
        "race-two-deadlock-victims" => td_string!(lang, challenges.race_two_deadlock_victims_hint),
        #[cfg(feature = "race")]
        "race-app-mutex-lost-update" => td_string!(lang, challenges.race_app_mutex_lost_update_hint),
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_challenge_has_its_texts_in_both_languages() {
        for lang in [super::Locale::en, super::Locale::ko] {
            for c in msa_sim::challenge::CHALLENGES {
                let (t, g) = super::texts(lang, c.id);
                assert!(!t.is_empty() && !g.is_empty() && !super::hint(lang, c.id).is_empty(), "{}", c.id);
            }
        }
    }
}
