//! `ddd-kinds`: sort FoodDash's terms into entity, value object or aggregate root (graded, explained, kept on
//! this device). Data and grading: `msa_sim::ddd::exercises::KINDS`.

use super::exercises::{SortExercise, Texts};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::ddd::exercises::KINDS;

fn item(lang: Locale, id: &str) -> (&'static str, &'static str) {
    match id {
        "order" => (td_string!(lang, ddd.k_order), td_string!(lang, ddd.k_order_why)),
        "order-line" => (td_string!(lang, ddd.k_order_line), td_string!(lang, ddd.k_order_line_why)),
        "money" => (td_string!(lang, ddd.k_money), td_string!(lang, ddd.k_money_why)),
        "member" => (td_string!(lang, ddd.k_member), td_string!(lang, ddd.k_member_why)),
        "address" => (td_string!(lang, ddd.k_address), td_string!(lang, ddd.k_address_why)),
        "restaurant" => (td_string!(lang, ddd.k_restaurant), td_string!(lang, ddd.k_restaurant_why)),
        "payment-attempt" => (td_string!(lang, ddd.k_payment_attempt), td_string!(lang, ddd.k_payment_attempt_why)),
        "time-window" => (td_string!(lang, ddd.k_time_window), td_string!(lang, ddd.k_time_window_why)),
        "courier" => (td_string!(lang, ddd.k_courier), td_string!(lang, ddd.k_courier_why)),
        _ => ("", ""),
    }
}

fn choice(lang: Locale, id: &str) -> &'static str {
    match id {
        "entity" => td_string!(lang, ddd.kind_entity),
        "value" => td_string!(lang, ddd.kind_value),
        _ => td_string!(lang, ddd.kind_root),
    }
}

#[component]
pub fn DddKinds(lang: Locale) -> impl IntoView {
    let texts =
        Texts { title: td_string!(lang, ddd.kinds_title), intro: td_string!(lang, ddd.kinds_intro), item, choice };
    view! { <SortExercise ex=KINDS texts lang /> }
}
