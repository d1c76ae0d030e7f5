//! Prints the course facts (`msa_content::course_facts`: each lesson's titles, section ids, quizzes and asides,
//! and the glossary's terms) as JSON, after the same checks the app's build runs. The browser suites run it
//! (tests/e2e/lib.mjs) with the content folder the build read, instead of parsing the Markdown themselves:
//!
//! ```text
//! course-facts <content dir>
//! ```

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content] = args.as_slice() else {
        eprintln!("usage: course-facts <content dir>");
        return ExitCode::from(2);
    };
    match msa_content::load_site(Path::new(content), msa_content::WIDGETS) {
        Ok(site) => {
            let facts = msa_content::course_facts(&site);
            println!("{}", serde_json::to_string(&facts).expect("a serde_json::Value always serialises"));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
