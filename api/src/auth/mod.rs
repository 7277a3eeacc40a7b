//! Authentication: argon2id passwords, opaque bearer tokens, and the
//! [`CurrentUser`] extractor handlers take as an argument.

mod extractor;
pub mod password;
pub mod query_token;
pub mod token;

pub use extractor::CurrentUser;
