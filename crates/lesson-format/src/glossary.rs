//! The glossary on the wire: one file a language (`lessons/<lang>/glossary.txt`), fetched when the glossary page
//! opens, so its terms and definitions (about 10 KB gzip in both languages) are not in every page's wasm.
//!
//! Layout: the line [`MAGIC`], then terms separated by RS (U+001E), each term's five fields separated by US
//! (U+001F): `id␟name␟name in the other language␟definition␟slugs of the lessons that use it, space-separated`.
//! Terms come in the order the page lists them. [`decode`] borrows from its input and never panics.
//!
//! ```
//! use lesson_format::glossary::{decode, encode, Term};
//! let terms = vec![Term { id: "lock", name: "lock", other_name: "락", definition: "A lock.", used_in: vec!["race-conditions"] }];
//! assert_eq!(decode(&encode(&terms).unwrap()).unwrap(), terms);
//! ```

use crate::{DecodeError, EncodeError};

/// The first line of every glossary file; a new layout gets a new number.
pub const MAGIC: &str = "MSA-LAB GLOSSARY 1\n";

/// One term in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term<'a> {
    /// The anchor lessons link to (`en/glossary#aggregate`), the same in every language.
    pub id: &'a str,
    pub name: &'a str,
    /// The term in the course's other language.
    pub other_name: &'a str,
    /// Plain text.
    pub definition: &'a str,
    /// Slugs of the lessons that link the term, in course order.
    pub used_in: Vec<&'a str>,
}

/// Writes terms in the wire format. Ids and slugs may not be empty or hold spaces; no field may hold a separator.
pub fn encode(terms: &[Term]) -> Result<String, EncodeError> {
    let mut out = String::from(MAGIC);
    for (i, t) in terms.iter().enumerate() {
        let bad_word = |w: &str| w.is_empty() || w.contains(char::is_whitespace);
        if bad_word(t.id) || t.used_in.iter().any(|s| bad_word(s)) {
            return Err(EncodeError::BadKey { block: i });
        }
        let used = t.used_in.join(" ");
        crate::push_record(&mut out, i, &[t.id, t.name, t.other_name, t.definition, &used])?;
    }
    Ok(out)
}

/// Reads a glossary file. Any input gives terms or an error (a host's HTML fallback page is
/// [`DecodeError::NotAGlossary`]), never a panic.
pub fn decode(text: &str) -> Result<Vec<Term<'_>>, DecodeError> {
    crate::records(text, MAGIC, DecodeError::NotAGlossary)?
        .map(|(i, mut f)| match (f.next(), f.next(), f.next(), f.next(), f.next(), f.next()) {
            (Some(id), Some(name), Some(other_name), Some(definition), Some(used), None) if !id.is_empty() => {
                Ok(Term { id, name, other_name, definition, used_in: used.split_whitespace().collect() })
            }
            _ => Err(DecodeError::BadBlock { block: i }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_what_is_not_a_glossary() {
        assert_eq!(decode("<!doctype html>"), Err(DecodeError::NotAGlossary));
        assert_eq!(decode(crate::MAGIC), Err(DecodeError::NotAGlossary), "a lesson body is not a glossary");
        assert_eq!(decode(MAGIC), Ok(vec![]));
        assert_eq!(
            decode(&format!("{MAGIC}lock\u{1f}lock\u{1f}락\u{1f}A lock.")),
            Err(DecodeError::BadBlock { block: 0 })
        );
        let term = Term { id: "a b", name: "", other_name: "", definition: "", used_in: vec![] };
        assert_eq!(encode(&[term]), Err(EncodeError::BadKey { block: 0 }));
        let term = Term { id: "a", name: "x\u{1e}", other_name: "", definition: "", used_in: vec![] };
        assert_eq!(encode(&[term]), Err(EncodeError::Separator { block: 0 }));
    }

    proptest! {
        #[test]
        fn decoding_any_text_never_panics(s in ".*", prefix in any::<bool>()) {
            let text = if prefix { format!("{MAGIC}{s}") } else { s };
            let _ = decode(&text);
        }

        #[test]
        fn encode_then_decode_is_identity(
            terms in proptest::collection::vec(
                ("[a-z-]{1,12}", "[^\u{1e}\u{1f}]*", "[^\u{1e}\u{1f}]*", "[^\u{1e}\u{1f}]*",
                 proptest::collection::vec("[a-z-]{1,12}", 0..4)),
                0..5,
            ),
        ) {
            let terms: Vec<Term> = terms
                .iter()
                .map(|(id, name, other, def, used)| Term {
                    id, name, other_name: other, definition: def, used_in: used.iter().map(String::as_str).collect(),
                })
                .collect();
            let wire = encode(&terms).unwrap();
            prop_assert_eq!(decode(&wire).unwrap(), terms);
        }
    }
}
