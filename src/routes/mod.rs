//! One module per route: the course map, a lesson, a lab, and the page for addresses that lead nowhere.

mod challenges;
mod glossary;
mod home;
mod lab;
mod lesson;
mod not_found;

pub use challenges::ChallengesPage;
pub use glossary::Glossary;
pub use home::Home;
pub use lab::LabPage;
pub use lesson::{scroll_to_hash, LessonPage, LoadFailed};
pub use not_found::NotFound;
