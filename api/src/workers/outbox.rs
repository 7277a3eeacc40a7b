//! The outbox worker: delivers mail written by transitions and the sweeper.
//!
//! A worker claims due rows by setting a lease (see `store::outbox::claim`).
//! A row is sent by whoever holds its lease, then marked `sent`; a failure
//! records the error and schedules the next attempt with exponential
//! backoff (`domain::delivery`), until `outbox_max_attempts` (then `dead`).
//! One row exists per event and recipient (unique `event_key`), so an
//! event is mailed once.

use crate::domain::delivery::{self, DeliveryStatus};
use crate::error::ApiError;
use crate::infra::mail::Mail;
use crate::state::AppState;
use crate::store;
use chrono::Duration;

/// How long a claim holds a row: longer than one SMTP exchange may take.
const LEASE_SECS: i64 = 60;
const BATCH: i64 = 20;

/// Delivers what is due now; returns how many rows it handled.
pub async fn deliver_due(app: &AppState) -> Result<usize, ApiError> {
    let now = app.clock.now();
    let rows = store::outbox::claim(&app.db, now, now + Duration::seconds(LEASE_SECS), BATCH).await?;
    for row in &rows {
        let message_id = format!("<outbox-{}-{}@linli>", row.id, row.created_at.timestamp());
        let mail = Mail {
            message_id: &message_id,
            to: &row.to_address,
            subject: &row.subject,
            body: &row.body,
        };
        let result = app.mailer.send(&mail).await;
        let done = app.clock.now();
        match result {
            Ok(()) => {
                store::outbox::mark_sent(&app.db, row.id, done).await?;
                tracing::info!(outbox = row.id, to = %row.to_address, "mail sent");
            }
            Err(e) => {
                let status = delivery::after_failure(row.attempts, app.settings.outbox_max_attempts);
                let next = done + delivery::backoff(app.settings.outbox_retry_base_ms, row.attempts);
                store::outbox::mark_failed(&app.db, row.id, status, next, &e.to_string()).await?;
                tracing::warn!(
                    outbox = row.id,
                    attempts = row.attempts,
                    dead = status == DeliveryStatus::Dead,
                    error = %e,
                    "mail not sent"
                );
            }
        }
    }
    Ok(rows.len())
}

/// The worker loop: deliver, and when nothing was due, wait a poll interval.
pub async fn run(app: actix_web::web::Data<AppState>) {
    let idle = std::time::Duration::from_millis(app.settings.outbox_poll_ms.max(10));
    loop {
        match deliver_due(&app).await {
            Ok(0) => tokio::time::sleep(idle).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "outbox worker");
                tokio::time::sleep(idle).await;
            }
        }
    }
}
