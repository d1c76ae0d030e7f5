//! The DDD family's widgets: thin views over `msa_sim::ddd`, one submodule for each part of the core they draw.
//!
//! - [`order`]: `ddd-aggregate`, FoodDash's Order aggregate (`msa_sim::ddd::order`, and `msa_sim::ddd::script` for a
//!   challenge's shareable record);
//! - [`exercises`]: what the sorting and matching exercises share (`msa_sim::ddd::exercises`), used by
//!   [`kinds`] (`ddd-kinds`, `exercises::KINDS`), [`contexts`] (`ddd-contexts`, `exercises::CONTEXTS`) and
//!   [`language`] (`ddd-language`, `exercises::LANGUAGE`).
//!
//! One vocabulary, the core's: a module here is named after the module or constant of `msa_sim::ddd` it
//! draws, so the view of `msa_sim::ddd::order` is `widgets::ddd::order` and the view of `exercises::KINDS` is
//! `widgets::ddd::kinds`.
//! The core is where the rules and their tests live, so its names are the ones to search for. `ddd` itself is
//! the family's name everywhere the site is assembled (the Cargo feature, the bundle, the `ddd-*` directive
//! names lessons use, the `ddd.*` locale keys); those are what learners' pages and links refer to and stay.
//! The components keep their directive's name (`ddd-aggregate` is `DddAggregate`).

pub mod contexts;
pub mod exercises;
pub mod kinds;
pub mod language;
pub mod order;
