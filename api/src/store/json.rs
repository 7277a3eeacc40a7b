//! JSON columns (availability windows, matching weights, rating rules,
//! audit details) are TEXT on both backends; this is their one codec. A
//! value that does not decode is a logged internal error, never a silent
//! default.

use crate::error::ApiError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The JSON text of a column, typed.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> Json<T> {
    /// Decodes `text` from `table`.`column` of row `id`.
    pub fn decode(text: &str, table: &str, column: &str, id: impl std::fmt::Display) -> Result<T, ApiError> {
        serde_json::from_str(text)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("{table}.{column} of row {id} is not valid: {e}")))
    }
}

impl<T: Serialize> Json<T> {
    pub fn encode(value: &T) -> Result<String, ApiError> {
        serde_json::to_string(value).map_err(|e| ApiError::Internal(e.into()))
    }
}
