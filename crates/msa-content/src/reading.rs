//! How long a lesson takes: an estimate from its text, its code and its exercises, so that the `minutes:` of the
//! front matter (shown on the course map and the lesson's header) says what a reader will spend.
//!
//! The rates are averages for attentive reading of technical prose, not skimming:
//!
//! - English prose: 230 words a minute (Brysbaert's 2019 meta-analysis puts silent reading of non-fiction at about
//!   238; technical text is a little slower).
//! - Korean prose: 500 syllables (Hangul characters) a minute, the rate usually given for adult silent reading of
//!   Korean; Latin-script words inside Korean text (`proxy_next_upstream`, nginx, FoodDash) count as English words.
//! - Code (configuration, SQL, Java, logs): 100 words a minute, whitespace-separated tokens, in both languages: a
//!   reader follows code line by line, at about half their prose rate.
//! - A widget: 1.5 minutes. Every widget of the course asks for one short task (a prediction and a run, three to
//!   six graded picks, a crash clicked and watched), each about three to five steps of 20 to 30 seconds; its labels
//!   and its result table are read as part of the task, so they are not counted again.
//! - A question: its text, its options and the right option's explanation are read as prose, plus 20 seconds to
//!   think before answering. A prediction (```` ```predict ````) counts the same: its question, options and
//!   explanation as prose, 20 seconds to commit to an answer (its result table is read with the explanation).
//!
//! The boxes closed by default (asides, see [`crate::Aside`]) are left out of the estimate: the lesson's main line
//! reads without them, and they are counted apart ([`Estimate::aside_minutes`]).

use crate::{Block, Lesson, PredictAnswer};

pub const ENGLISH_WORDS_PER_MIN: f64 = 230.0;
pub const HANGUL_SYLLABLES_PER_MIN: f64 = 500.0;
pub const CODE_WORDS_PER_MIN: f64 = 100.0;
pub const WIDGET_MIN: f64 = 1.5;
pub const QUESTION_THINK_MIN: f64 = 20.0 / 60.0;

/// What the estimate counted in one lesson, and the minutes it gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estimate {
    /// Latin-script words of prose (and of the questions), outside asides.
    pub words: usize,
    /// Hangul syllables of prose (and of the questions), outside asides.
    pub hangul: usize,
    /// Whitespace-separated tokens of code blocks, outside asides.
    pub code_words: usize,
    pub widgets: usize,
    pub questions: usize,
    /// Predictions (```` ```predict ```` blocks).
    pub predictions: usize,
    /// The whole estimate, main line only.
    pub minutes: f64,
    /// What the asides add for a reader who opens them all.
    pub aside_minutes: f64,
}

#[derive(Default)]
struct Counts {
    words: usize,
    hangul: usize,
    code_words: usize,
}

impl Counts {
    fn minutes(&self) -> f64 {
        self.words as f64 / ENGLISH_WORDS_PER_MIN
            + self.hangul as f64 / HANGUL_SYLLABLES_PER_MIN
            + self.code_words as f64 / CODE_WORDS_PER_MIN
    }
}

/// Estimates how long `lesson` takes to read and do, from its parsed blocks.
pub fn estimate(lesson: &Lesson) -> Estimate {
    let mut main = Counts::default();
    let mut asides = Counts::default();
    let (mut widgets, mut questions, mut predictions) = (0, 0, 0);
    for block in &lesson.blocks {
        match block {
            Block::Html(html) => {
                let (outside, inside) = split_asides(html);
                count_html(&outside, &mut main);
                for a in inside {
                    count_html(&a, &mut asides);
                }
            }
            Block::Widget(_) => widgets += 1,
            Block::Predict(p) => {
                predictions += 1;
                count_text(&strip_tags(&p.question), &mut main);
                if let PredictAnswer::Choice(options) = &p.answer {
                    for (_, text) in options {
                        count_text(&strip_tags(text), &mut main);
                    }
                }
                count_text(&strip_tags(&p.why), &mut main);
            }
            Block::Quiz(q) => {
                questions += 1;
                count_text(&strip_tags(&q.question), &mut main);
                for o in &q.options {
                    count_text(&strip_tags(&o.text), &mut main);
                    if o.correct {
                        count_text(&strip_tags(&o.why), &mut main);
                    }
                }
            }
        }
    }
    let minutes = main.minutes() + widgets as f64 * WIDGET_MIN + (questions + predictions) as f64 * QUESTION_THINK_MIN;
    Estimate {
        words: main.words,
        hangul: main.hangul,
        code_words: main.code_words,
        widgets,
        questions,
        predictions,
        minutes,
        aside_minutes: asides.minutes(),
    }
}

/// The HTML outside the asides, and each aside's HTML.
fn split_asides(html: &str) -> (String, Vec<String>) {
    const OPEN: &str = "<details class=\"aside";
    const CLOSE: &str = "</details>";
    let (mut outside, mut inside) = (String::new(), Vec::new());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        outside.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find(CLOSE).map_or(after.len(), |e| e + CLOSE.len());
        inside.push(after[..end].to_string());
        rest = &after[end..];
    }
    outside.push_str(rest);
    (outside, inside)
}

/// Counts the prose and the code blocks (`<pre>…</pre>`) of rendered HTML.
fn count_html(html: &str, counts: &mut Counts) {
    let mut rest = html;
    while let Some(start) = rest.find("<pre") {
        count_text(&strip_tags(&rest[..start]), counts);
        let after = &rest[start..];
        let end = after.find("</pre>").map_or(after.len(), |e| e + "</pre>".len());
        counts.code_words += strip_tags(&after[..end]).split_whitespace().count();
        rest = &after[end..];
    }
    count_text(&strip_tags(rest), counts);
}

/// The text of HTML: tags become spaces, entities one character.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            '&' if !in_tag => {
                // `&amp;`, `&lt;`, `&#39;`…: one character, which is no letter.
                while let Some(&n) = chars.peek() {
                    chars.next();
                    if n == ';' || n.is_whitespace() {
                        break;
                    }
                }
                out.push('&');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// Hangul syllables one by one; every other run of letters or digits between spaces and Hangul is one word.
fn count_text(text: &str, counts: &mut Counts) {
    for token in text.split_whitespace() {
        let mut in_word = false;
        for c in token.chars() {
            if is_hangul(c) {
                counts.hangul += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                if !in_word {
                    counts.words += 1;
                }
                in_word = true;
            }
            // Punctuation inside a token (`max_fails=3`, `8001-8003`) keeps it one word.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words_syllables_and_code_apart() {
        let mut c = Counts::default();
        count_html(
            "<p>Two words, <code>max_fails=3</code>.</p><pre><code>a b\nc</code></pre><p>서버 &amp; nginx가</p>",
            &mut c,
        );
        // Two, words, max_fails=3 | 서버 (2) nginx (1) 가 (1)
        assert_eq!((c.words, c.hangul, c.code_words), (4, 3, 3));
    }

    #[test]
    fn asides_are_counted_apart() {
        let (out, inside) = split_asides(
            "<p>a</p><details class=\"aside aside--production\"><summary>S</summary><p>b c</p></details><p>d</p>",
        );
        assert_eq!(out, "<p>a</p><p>d</p>");
        assert_eq!(inside.len(), 1);
        assert!(inside[0].contains("b c"));
    }
}
