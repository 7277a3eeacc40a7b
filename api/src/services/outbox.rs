//! The outbox worker: delivers mail written by transitions and the sweeper.
//!
//! A worker claims due rows by setting a lease (`locked_until`) in one
//! statement — on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so several
//! replicas' workers take disjoint rows; on SQLite the single writer lock
//! does the same. A row is sent by whoever holds its lease, then marked
//! `sent`; a failure records the error and schedules the next attempt with
//! exponential backoff, until `outbox_max_attempts` (then `dead`). One row
//! exists per event and recipient (unique `event_key`), so an event is
//! mailed once.

use crate::config::Settings;
use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};
use entity::outbox;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, Statement};
use std::path::PathBuf;

/// How long a claim holds a row: longer than one SMTP exchange may take.
const LEASE_SECS: i64 = 60;
const BATCH: i64 = 20;

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// SMTP from `smtp_url`, else `.eml` files under `data_dir/mail/`.
    pub fn from_settings(s: &Settings) -> anyhow::Result<Mailer> {
        let from: Mailbox = s
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail_from {:?}: {e}", s.mail_from))?;
        let transport = if s.smtp_url.trim().is_empty() {
            // Created on the first mail, not at start-up.
            let dir = s.data_dir.join("mail");
            Transport::File(AsyncFileTransport::new(&dir), dir)
        } else {
            let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(s.smtp_url.trim())
                .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build();
            Transport::Smtp(t)
        };
        Ok(Mailer { transport, from })
    }

    /// Where mail goes, for the start-up banner.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::File(_, dir) => format!("files in {}", dir.display()),
        }
    }

    async fn send(&self, row: &outbox::Model) -> anyhow::Result<()> {
        let to: Mailbox = row.to_address.parse()?;
        // One Message-ID per outbox row: a receiver can drop a repeat.
        let msg = Message::builder()
            .message_id(Some(format!(
                "<outbox-{}-{}@linli>",
                row.id,
                row.created_at.timestamp()
            )))
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(msg).await?;
            }
            Transport::File(t, dir) => {
                tokio::fs::create_dir_all(dir).await?;
                t.send(msg).await?;
            }
        }
        Ok(())
    }
}

/// Claims up to a batch of due rows for this worker (a lease until `now + LEASE`).
async fn claim(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<outbox::Model>, ApiError> {
    let backend = db.get_database_backend();
    let until = now + Duration::seconds(LEASE_SECS);
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
               AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING *"
        }
        _ => {
            "UPDATE outbox SET locked_until = ?, attempts = attempts + 1 WHERE id IN ( \
               SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? \
               AND (locked_until IS NULL OR locked_until < ?) ORDER BY id LIMIT ?) \
             RETURNING *"
        }
    };
    let values: Vec<sea_orm::Value> = match backend {
        DbBackend::Postgres => vec![until.into(), now.into(), BATCH.into()],
        _ => vec![until.into(), now.into(), now.into(), BATCH.into()],
    };
    Ok(outbox::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(backend, sql, values))
        .all(db)
        .await?)
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts − 1), at most an hour.
pub fn backoff(base_ms: u64, attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    let ms = base_ms.saturating_mul(1u64 << exp).min(3_600_000);
    Duration::milliseconds(i64::try_from(ms).unwrap_or(3_600_000))
}

/// Delivers what is due now; returns how many rows it handled.
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let rows = claim(db, now).await?;
    for row in &rows {
        let result = mailer.send(row).await;
        let done = crate::clock::now();
        let update = outbox::Entity::update_many().filter(outbox::Column::Id.eq(row.id));
        match result {
            Ok(()) => {
                update
                    .col_expr(outbox::Column::Status, Expr::value("sent"))
                    .col_expr(outbox::Column::SentAt, Expr::value(Some(done)))
                    .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .col_expr(outbox::Column::LastError, Expr::value(Option::<String>::None))
                    .exec(db)
                    .await?;
                tracing::info!(outbox = row.id, to = %row.to_address, "mail sent");
            }
            Err(e) => {
                let dead = row.attempts >= settings.outbox_max_attempts;
                let next = done + backoff(settings.outbox_retry_base_ms, row.attempts);
                update
                    .col_expr(
                        outbox::Column::Status,
                        Expr::value(if dead { "dead" } else { "pending" }),
                    )
                    .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
                    .col_expr(outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
                    .col_expr(outbox::Column::LastError, Expr::value(Some(e.to_string())))
                    .exec(db)
                    .await?;
                tracing::warn!(outbox = row.id, attempts = row.attempts, dead, error = %e, "mail not sent");
            }
        }
    }
    Ok(rows.len())
}

/// The worker loop: deliver, and when nothing was due, wait a poll interval.
pub async fn run(state: actix_web::web::Data<crate::state::AppState>) {
    let idle = std::time::Duration::from_millis(state.settings.outbox_poll_ms.max(10));
    loop {
        match deliver_due(&state.db, &state.mailer, &state.settings, crate::clock::now()).await {
            Ok(0) => tokio::time::sleep(idle).await,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "outbox worker");
                tokio::time::sleep(idle).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1000, 1).num_milliseconds(), 1000);
        assert_eq!(backoff(1000, 2).num_milliseconds(), 2000);
        assert_eq!(backoff(1000, 4).num_milliseconds(), 8000);
        assert_eq!(backoff(1000, 40).num_milliseconds(), 3_600_000);
    }
}
