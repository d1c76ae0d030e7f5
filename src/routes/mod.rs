//! One module per route: the course map, a lesson, a lab, and the page for addresses that lead nowhere.

mod challenges;
mod glossary;
mod home;
mod lab;
mod lesson;
mod not_found;

pub use challenges::{count_text, state_text, ChallengesPage};
pub use glossary::Glossary;
pub use home::{course_sections, Home};
pub use lab::LabPage;
pub use lesson::{in_bundle, page_turns, scroll_to_hash, slot, track_reading, LessonPage, LoadFailed};
pub use not_found::NotFound;
