//! Photos of a request: the requester (or an admin entering it for them)
//! adds them; those who may see the resident's contact details (admins, the
//! requester, the holder while serving) see them. EXIF and other metadata
//! are taken out before a photo is stored.

use super::load;
use crate::auth::CurrentUser;
use crate::domain::RequestId;
use crate::domain::photo::{self, Format};
use crate::error::ApiError;
use crate::services::scope;
use crate::state::AppState;
use crate::store;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PhotoRef {
    pub id: i64,
    /// Served to signed-in people who may see it (Authorization header).
    pub url: String,
}

pub fn photo_ref(request: RequestId, id: i64) -> PhotoRef {
    PhotoRef {
        id,
        url: format!("/api/v1/requests/{}/photos/{id}", request.0),
    }
}

pub async fn add(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<PhotoRef, ApiError> {
    let req = load(&app.db, id).await?;
    let viewer = scope::viewer(&app.db, me).await?;
    let requester = req.resident_id == me.id || req.entered_by == me.id;
    if !(requester || viewer.administers(req.community_id)) {
        return Err(ApiError::Forbidden);
    }
    let format = Format::from_content_type(content_type).ok_or(ApiError::PhotoUnsupported)?;
    if bytes.len() > photo::MAX_BYTES {
        return Err(ApiError::PhotoTooLarge(
            u32::try_from(photo::MAX_BYTES >> 20).unwrap_or(5),
        ));
    }
    // Decoding and re-assembling a few MB is CPU work: off the async threads.
    let clean = tokio::task::spawn_blocking(move || photo::strip(format, bytes))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .ok_or(ApiError::PhotoUnsupported)?;
    let txn = store::begin_write(&app.writer).await?;
    let stored = store::photos::insert_if_room(
        &txn,
        id,
        me.id,
        format.content_type(),
        clean,
        u64::from(photo::MAX_PER_REQUEST),
        app.clock.now(),
    )
    .await?;
    txn.commit().await?;
    let photo_id = stored.ok_or(ApiError::PhotoTooMany(photo::MAX_PER_REQUEST))?;
    Ok(photo_ref(id, photo_id))
}

/// `(content type, bytes)` of one photo, to those who may see it.
pub async fn get(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    photo_id: i64,
) -> Result<(String, Vec<u8>), ApiError> {
    let req = load(&app.db, id).await?;
    let viewer = scope::viewer(&app.db, me).await?;
    if !viewer.sees_contact(&req.visibility()) {
        return Err(ApiError::Forbidden);
    }
    let p = store::photos::find(&app.db, photo_id)
        .await?
        .filter(|p| p.request_id == id)
        .ok_or(ApiError::NotFound("photo"))?;
    Ok((p.content_type, p.bytes))
}
