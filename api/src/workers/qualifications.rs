//! 资质到期提醒 — run with each sweep: every verified qualification that
//! expires within `REMIND_DAYS` (in the community's local date) is told to
//! its member (link: 我的资质) and to their community's admins (link: the
//! review screen), each person's quiet hours respected, each once per
//! qualification and expiry date (`store::qualifications::claim_reminder`)
//! however many sweepers run. A renewed date is a new reminder.

use crate::clock::local_date;
use crate::domain::qualification::{self as rules};
use crate::error::ApiError;
use crate::messages;
use crate::msg;
use crate::services::qualifications::{admins_of, tell};
use crate::services::requests::{self, Env};
use crate::state::AppState;
use crate::store;

/// Sends the expiry reminders due at the clock's `now`; returns how many people were reminded.
pub async fn remind(app: &AppState) -> Result<usize, ApiError> {
    let env = Env::of(app);
    let today = local_date(env.now, env.offset);
    let (from, to) = rules::reminder_window(today);
    let mut sent = 0;
    for q in store::qualifications::expiring_between(&app.db, from, to).await? {
        let Some(expires_on) = q
            .details
            .expires_on
            .filter(|_| rules::reminder_due(q.status, q.details.expires_on, today))
        else {
            continue;
        };
        let Some(member) = store::users::find(&app.db, q.member_id).await? else {
            continue;
        };
        let title = msg!(
            "notice.qualification_expiring",
            member = member.name.as_str(),
            kind = messages::qualification_kind(q.details.kind),
            date = expires_on.to_string()
        );
        let mut people = vec![(q.member_id, "/qualifications")];
        for admin in admins_of(&app.db, q.community_id).await? {
            people.push((admin, "/admin/qualifications"));
        }
        let users = store::users::by_ids(&app.db, people.iter().map(|(id, _)| *id).collect()).await?;
        for (id, path) in people {
            let Some(user) = users.get(&id) else { continue };
            if user.quiet.holds(env.now, env.offset) {
                continue; // waits for the morning, while the window lasts
            }
            let txn = store::begin_write(&app.writer).await?;
            if !store::qualifications::claim_reminder(&txn, q.id, id, expires_on, env.now).await? {
                txn.rollback().await?;
                continue;
            }
            let live = tell(&txn, env, &q, vec![id], &title, path, "expiring").await?;
            txn.commit().await?;
            requests::after_commit(app, None, live).await;
            sent += 1;
        }
    }
    Ok(sent)
}
