//! What callers see of an appeal: who, about what, why, and the ruling.

use crate::auth::CurrentUser;
use crate::domain::appeal::{AppealKind, AppealStatus};
use crate::domain::{CommunityId, EntryId, RequestId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::Msg;
use crate::services::requests::PersonRef;
use crate::services::scope;
use crate::store::{self, appeals::Appeal};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct RequestRef {
    pub id: RequestId,
    pub title: String,
    /// The hours the member reported (a dispute is about them).
    pub reported_hours: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct EntryRef {
    pub id: EntryId,
    /// Signed, as on the ledger (a deduction is negative).
    pub points: i64,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct RulingView {
    /// Hours a partly upheld dispute allows.
    pub hours: Option<f64>,
    /// Stars a partly upheld rating appeal gives.
    pub stars: Option<i16>,
    /// Points a partly upheld deduction appeal gives back.
    pub points: Option<i64>,
    pub reason: Option<String>,
    pub by: Option<PersonRef>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct AppealView {
    pub id: i64,
    pub community_id: CommunityId,
    pub kind: AppealKind,
    pub kind_label: String,
    pub status: AppealStatus,
    pub status_label: String,
    pub request: Option<RequestRef>,
    pub entry: Option<EntryRef>,
    /// The rating appealed (as the resident gave it).
    pub stars: Option<i16>,
    pub appellant: PersonRef,
    pub respondent: Option<PersonRef>,
    pub reason: String,
    pub ruling: RulingView,
    pub created_at: DateTime<Utc>,
    /// The caller may rule on it now.
    pub can_rule: bool,
}

fn hours(m: Option<i32>) -> Option<f64> {
    m.map(|m| f64::from(m) / 60.0)
}

pub(super) async fn one(db: &impl ConnectionTrait, me: &CurrentUser, a: Appeal) -> Result<AppealView, ApiError> {
    many(db, me, vec![a])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("empty appeal view")))
}

pub(super) async fn many(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    rows: Vec<Appeal>,
) -> Result<Vec<AppealView>, ApiError> {
    let lang = Lang::current();
    let ids: Vec<UserId> = rows
        .iter()
        .flat_map(|a| [Some(a.appellant_id), a.respondent_id, a.ruled_by])
        .flatten()
        .collect();
    let users = store::users::by_ids(db, ids).await?;
    let person = |id: UserId| PersonRef::named(&users, id);
    let mut out = Vec::with_capacity(rows.len());
    for a in rows {
        let request = match a.request_id {
            Some(id) => store::requests::find(db, id).await?.map(|r| RequestRef {
                id,
                title: r.title,
                reported_hours: hours(r.service_minutes),
            }),
            None => None,
        };
        let entry = match a.entry_id {
            Some(id) => store::ledger::entry(db, id).await?.map(|e| EntryRef {
                id,
                points: e.points,
                reason: e.reason,
                created_at: e.created_at,
            }),
            None => None,
        };
        let stars = match (a.kind, a.record_id) {
            (AppealKind::Rating, Some(id)) => store::ledger::record(db, id).await?.and_then(|r| r.rating),
            _ => None,
        };
        let can_rule = a.status == AppealStatus::Open && scope::administers(db, me, a.community_id).await?;
        out.push(AppealView {
            id: a.id,
            community_id: a.community_id,
            kind: a.kind,
            kind_label: Msg::new(format!("appeal.kind.{}", a.kind.as_str())).render(lang),
            status: a.status,
            status_label: Msg::new(format!("appeal.status.{}", a.status.as_str())).render(lang),
            request,
            entry,
            stars,
            appellant: person(a.appellant_id),
            respondent: a.respondent_id.map(person),
            reason: a.reason,
            ruling: RulingView {
                hours: hours(a.ruled.minutes),
                stars: a.ruled.stars,
                points: a.ruled.points,
                reason: a.ruling,
                by: a.ruled_by.map(person),
                at: a.ruled_at,
            },
            created_at: a.created_at,
            can_rule,
        });
    }
    Ok(out)
}
