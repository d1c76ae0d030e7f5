//! Domain-driven design, as code the lessons can run: FoodDash's `Order` aggregate with its
//! invariants, and the graded exercises of the DDD lesson.
//!
//! - [`order`]: the aggregate root takes commands, refuses those that would break an invariant with a typed
//!   [`order::Refusal`], and bumps its version on every change; a [`order::Repo`] saves with an optimistic
//!   version check. A back door ([`order::Order::bypass_add_line`]) shows what code that skips the root does.
//! - [`exercises`]: item ids, choices and answers of the sorting and matching exercises, their grading, and
//!   the compact answer string a page stores (decoding never panics; anything malformed is refused).
//! - [`script`]: the aggregate widget's state as a shareable script of the learner's commands (for links and
//!   the challenges).

pub mod exercises;
pub mod order;
pub mod script;
