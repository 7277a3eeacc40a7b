//! 提醒 — reminders before the agreed time, run with each sweep: for every
//! request agreed within the next day, the reminders due now
//! (`domain::reminder::due`), each person's quiet hours respected, and each
//! sent once per person (`store::reminders::claim`) however many sweepers
//! run.

use crate::domain::notify::{Notice, Topic};
use crate::domain::reminder;
use crate::domain::request::Status;
use crate::error::ApiError;
use crate::services::notify as notices;
use crate::services::requests::{self, Env};
use crate::state::AppState;
use crate::store;
use chrono::Duration;

/// Statuses that wait for an agreed time.
const WAITING: [Status; 3] = [Status::Dispatched, Status::Accepted, Status::Open];

/// Sends the reminders due at the clock's `now`; returns how many people were reminded.
pub async fn remind(app: &AppState) -> Result<usize, ApiError> {
    let env = Env::of(app);
    let unclaimed = app.settings.unclaimed_alert_hours;
    let horizon = env.now + Duration::hours(unclaimed.max(24) + 1);
    let mut sent = 0;
    for req in store::requests::agreed_between(&app.db, &WAITING, env.now, horizon).await? {
        let Some(when) = req.preferred_time else { continue };
        for due in reminder::due(req.status, when, env.now, env.offset, unclaimed) {
            let subject = notices::Subject {
                request: &req,
                former_assignee_id: None,
                was_open: false,
            };
            let ids = notices::people(&app.db, due.audience, &subject).await?;
            for user in store::users::by_ids(&app.db, ids).await?.into_values() {
                if user.quiet.holds(env.now, env.offset) {
                    continue; // waits for the morning, while its window lasts
                }
                let txn = store::begin_write(&app.writer).await?;
                if !store::reminders::claim(&txn, req.id, due.kind, user.id, due.at, env.now).await? {
                    txn.rollback().await?;
                    continue;
                }
                let notice = Notice {
                    audience: due.audience,
                    topic: Topic::Reminder(due.kind),
                    mail: true,
                };
                let key = format!("remind:{}:{}:{}", req.id, due.kind.as_str(), due.at.timestamp());
                let live = notices::deliver(&txn, env, &req, vec![user.id], notice, None, &key).await?;
                txn.commit().await?;
                requests::after_commit(app, None, live).await;
                sent += 1;
            }
        }
    }
    Ok(sent)
}
