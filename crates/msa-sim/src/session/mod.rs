//! Sessions when scaling out, as code the lesson can run.
//!
//! - [`jwt`]: a JSON Web Token taken apart and verified step by step (HS256 with the `hmac` and `sha2` crates),
//!   with typed errors for every malformed token and a caller-supplied clock for `exp`.
//! - [`json`]: the strict JSON reader it reads a token's header and payload with.

pub mod json;
pub mod jwt;
