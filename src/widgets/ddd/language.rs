//! `ddd-language`: match the domain experts' sentences to the model's names (the ubiquitous language).
//! Data and grading: `msa_sim::ddd::exercises::LANGUAGE`. The names are code, the same in both languages.

use super::exercises::{SortExercise, Texts};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::ddd::exercises::LANGUAGE;

fn item(lang: Locale, id: &str) -> (&'static str, &'static str) {
    match id {
        "agrees-to-cook" => (td_string!(lang, ddd.l_agrees_to_cook), td_string!(lang, ddd.l_agrees_to_cook_why)),
        "refuses" => (td_string!(lang, ddd.l_refuses), td_string!(lang, ddd.l_refuses_why)),
        "courier-assigned" => (td_string!(lang, ddd.l_courier_assigned), td_string!(lang, ddd.l_courier_assigned_why)),
        "most-company-pays" => {
            (td_string!(lang, ddd.l_most_company_pays), td_string!(lang, ddd.l_most_company_pays_why))
        }
        "one-item" => (td_string!(lang, ddd.l_one_item), td_string!(lang, ddd.l_one_item_why)),
        "customer-paid" => (td_string!(lang, ddd.l_customer_paid), td_string!(lang, ddd.l_customer_paid_why)),
        _ => ("", ""),
    }
}

fn choice(_lang: Locale, id: &str) -> &'static str {
    match id {
        "accept" => "order.accept()",
        "reject" => "order.reject(reason)",
        "assign" => "Dispatcher.assign(...)",
        "credit-limit" => "Order.creditLimit",
        "order-line" => "OrderLine",
        "mark-paid" => "order.markPaid(payment)",
        "confirm" => "order.confirm()",
        _ => "order.setStatus(3)",
    }
}

#[component]
pub fn DddLanguage(lang: Locale) -> impl IntoView {
    let texts = Texts {
        title: td_string!(lang, ddd.language_title),
        intro: td_string!(lang, ddd.language_intro),
        item,
        choice,
    };
    view! { <SortExercise ex=LANGUAGE texts lang /> }
}
