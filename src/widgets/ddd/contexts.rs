//! `ddd-contexts`: place each meaning of "product" and "order" in its bounded context, then see the context
//! map. Data and grading: `msa_sim::ddd::exercises::CONTEXTS`.

use super::exercises::{SortExercise, Texts};
use crate::i18n::*;
use leptos::prelude::*;
use msa_sim::ddd::exercises::CONTEXTS;

fn item(lang: Locale, id: &str) -> (&'static str, &'static str) {
    match id {
        "product-menu-item" => {
            (td_string!(lang, ddd.c_product_menu_item), td_string!(lang, ddd.c_product_menu_item_why))
        }
        "product-line" => (td_string!(lang, ddd.c_product_line), td_string!(lang, ddd.c_product_line_why)),
        "product-parcel" => (td_string!(lang, ddd.c_product_parcel), td_string!(lang, ddd.c_product_parcel_why)),
        "order-purchase" => (td_string!(lang, ddd.c_order_purchase), td_string!(lang, ddd.c_order_purchase_why)),
        "order-job" => (td_string!(lang, ddd.c_order_job), td_string!(lang, ddd.c_order_job_why)),
        "order-statement-row" => {
            (td_string!(lang, ddd.c_order_statement_row), td_string!(lang, ddd.c_order_statement_row_why))
        }
        "product-sold-out" => (td_string!(lang, ddd.c_product_sold_out), td_string!(lang, ddd.c_product_sold_out_why)),
        _ => ("", ""),
    }
}

fn choice(lang: Locale, id: &str) -> &'static str {
    match id {
        "catalog" => td_string!(lang, ddd.ctx_catalog),
        "ordering" => td_string!(lang, ddd.ctx_ordering),
        "delivery" => td_string!(lang, ddd.ctx_delivery),
        _ => td_string!(lang, ddd.ctx_settlement),
    }
}

/// The context map, shown once the answers are checked: upstream, downstream, relationship, what crosses.
fn context_map(lang: Locale) -> impl IntoView {
    let rows = [
        (
            td_string!(lang, ddd.ctx_catalog),
            td_string!(lang, ddd.ctx_ordering),
            td_string!(lang, ddd.rel_cs),
            td_string!(lang, ddd.cross_menu),
        ),
        (
            td_string!(lang, ddd.ctx_member),
            td_string!(lang, ddd.ctx_ordering),
            td_string!(lang, ddd.rel_cs),
            td_string!(lang, ddd.cross_credit),
        ),
        (
            td_string!(lang, ddd.ctx_ordering),
            td_string!(lang, ddd.ctx_delivery),
            td_string!(lang, ddd.rel_events),
            td_string!(lang, ddd.cross_accepted),
        ),
        (
            td_string!(lang, ddd.ctx_ordering),
            td_string!(lang, ddd.ctx_settlement),
            td_string!(lang, ddd.rel_events),
            td_string!(lang, ddd.cross_completed),
        ),
        (
            td_string!(lang, ddd.ctx_gateway),
            td_string!(lang, ddd.ctx_payment),
            td_string!(lang, ddd.rel_acl),
            td_string!(lang, ddd.cross_gateway),
        ),
    ];
    view! {
        <div class="ddd__map">
            <h4 class="ddd__map-title">{td_string!(lang, ddd.map_title)}</h4>
            <p>{td_string!(lang, ddd.map_intro)}</p>
            <ul class="ddd__map-list">
                {rows
                    .into_iter()
                    .map(|(up, down, rel, what)| {
                        view! {
                            <li class="ddd__map-edge">
                                <span class="ddd__ctx">{up}</span>
                                <span class="ddd__arrow">
                                    <span class="ddd__rel">{rel}</span>
                                    <span aria-hidden="true">" → "</span>
                                </span>
                                <span class="ddd__ctx">{down}</span>
                                <span class="ddd__crosses">{what}</span>
                            </li>
                        }
                        .into_any()
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[component]
pub fn DddContexts(lang: Locale) -> impl IntoView {
    let texts = Texts {
        title: td_string!(lang, ddd.contexts_title),
        intro: td_string!(lang, ddd.contexts_intro),
        item,
        choice,
    };
    let extra = ViewFn::from(move || context_map(lang));
    view! { <SortExercise ex=CONTEXTS texts lang extra /> }
}
