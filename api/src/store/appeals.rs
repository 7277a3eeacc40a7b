//! 争议与申诉: one row per appeal, unique per (kind, subject). A ruling is
//! one conditional UPDATE (`… WHERE status = 'open'`), so two admins ruling
//! at once have one winner.

use crate::domain::appeal::{AppealKind, AppealStatus, Figures};
use crate::domain::{CommunityId, EntryId, RecordId, RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::appeal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

#[derive(Debug, Clone)]
pub struct Appeal {
    pub id: i64,
    pub community_id: CommunityId,
    pub kind: AppealKind,
    pub subject_id: i64,
    pub request_id: Option<RequestId>,
    pub entry_id: Option<EntryId>,
    pub record_id: Option<RecordId>,
    pub appellant_id: UserId,
    pub respondent_id: Option<UserId>,
    pub reason: String,
    pub status: AppealStatus,
    pub ruled: Figures,
    pub ruling: Option<String>,
    pub ruled_by: Option<UserId>,
    pub ruled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn parse<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("unknown appeal {what} {s:?}")))
}

fn appeal_of(m: appeal::Model) -> Result<Appeal, ApiError> {
    Ok(Appeal {
        id: m.id,
        community_id: CommunityId(m.community_id),
        kind: parse(&m.kind, "kind")?,
        subject_id: m.subject_id,
        request_id: m.request_id.map(RequestId),
        entry_id: m.entry_id.map(EntryId),
        record_id: m.record_id.map(RecordId),
        appellant_id: UserId(m.appellant_id),
        respondent_id: m.respondent_id.map(UserId),
        reason: m.reason,
        status: parse(&m.status, "status")?,
        ruled: Figures {
            minutes: m.ruled_minutes,
            stars: m.ruled_stars,
            points: m.ruled_points,
        },
        ruling: m.ruling,
        ruled_by: m.ruled_by.map(UserId),
        ruled_at: m.ruled_at,
        created_at: m.created_at,
    })
}

pub struct NewAppeal<'a> {
    pub community_id: CommunityId,
    pub kind: AppealKind,
    pub subject_id: i64,
    pub request_id: Option<RequestId>,
    pub entry_id: Option<EntryId>,
    pub record_id: Option<RecordId>,
    pub appellant_id: UserId,
    pub respondent_id: Option<UserId>,
    pub reason: &'a str,
}

/// Files an appeal; `AppealExists` if its subject was appealed already
/// (the unique key decides between two at once).
pub async fn insert(db: &impl ConnectionTrait, a: NewAppeal<'_>, now: DateTime<Utc>) -> Result<Appeal, ApiError> {
    let row = appeal::ActiveModel {
        community_id: Set(a.community_id.0),
        kind: Set(a.kind.as_str().to_owned()),
        subject_id: Set(a.subject_id),
        request_id: Set(a.request_id.map(|r| r.0)),
        entry_id: Set(a.entry_id.map(|e| e.0)),
        record_id: Set(a.record_id.map(|r| r.0)),
        appellant_id: Set(a.appellant_id.0),
        respondent_id: Set(a.respondent_id.map(|u| u.0)),
        reason: Set(a.reason.to_owned()),
        status: Set(AppealStatus::Open.as_str().to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match row {
        Ok(m) => appeal_of(m),
        Err(e) if super::is_unique_violation(&e) => Err(ApiError::AppealExists),
        Err(e) => Err(e.into()),
    }
}

/// The appeal of this kind about this subject, if any.
pub async fn of_subject(
    db: &impl ConnectionTrait,
    kind: AppealKind,
    subject_id: i64,
) -> Result<Option<Appeal>, ApiError> {
    appeal::Entity::find()
        .filter(appeal::Column::Kind.eq(kind.as_str()))
        .filter(appeal::Column::SubjectId.eq(subject_id))
        .one(db)
        .await?
        .map(appeal_of)
        .transpose()
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Appeal>, ApiError> {
    appeal::Entity::find_by_id(id).one(db).await?.map(appeal_of).transpose()
}

/// The ruling, if the appeal is still open: `None` when someone ruled first.
pub async fn rule(
    db: &impl ConnectionTrait,
    id: i64,
    status: AppealStatus,
    figures: Figures,
    ruling: &str,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<Option<Appeal>, ApiError> {
    use appeal::Column as C;
    let mut rows = appeal::Entity::update_many()
        .col_expr(C::Status, Expr::value(status.as_str()))
        .col_expr(C::RuledMinutes, Expr::value(figures.minutes))
        .col_expr(C::RuledStars, Expr::value(figures.stars))
        .col_expr(C::RuledPoints, Expr::value(figures.points))
        .col_expr(C::Ruling, Expr::value(ruling))
        .col_expr(C::RuledBy, Expr::value(by.0))
        .col_expr(C::RuledAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::Status.eq(AppealStatus::Open.as_str()))
        .exec_with_returning(db)
        .await?;
    rows.pop().map(appeal_of).transpose()
}

/// Who may see which appeals: those of some communities (admins), and
/// those a person filed or answers.
pub struct Filter {
    pub communities: Option<Vec<CommunityId>>,
    pub party: Option<UserId>,
    pub status: Option<Vec<AppealStatus>>,
    pub request_id: Option<RequestId>,
}

/// Appeals matching `f`, newest first, `limit + 1` rows (for [`super::page`]).
pub async fn list(
    db: &impl ConnectionTrait,
    f: &Filter,
    before: Option<i64>,
    limit: u64,
) -> Result<Vec<Appeal>, ApiError> {
    use appeal::Column as C;
    let mut q = appeal::Entity::find();
    if let Some(cs) = &f.communities {
        q = q.filter(C::CommunityId.is_in(cs.iter().map(|c| c.0)));
    }
    if let Some(p) = f.party {
        q = q.filter(
            Condition::any()
                .add(C::AppellantId.eq(p.0))
                .add(C::RespondentId.eq(p.0)),
        );
    }
    if let Some(ss) = &f.status {
        q = q.filter(C::Status.is_in(ss.iter().map(|s| s.as_str())));
    }
    if let Some(r) = f.request_id {
        q = q.filter(C::RequestId.eq(r.0));
    }
    if let Some(b) = before {
        q = q.filter(C::Id.lt(b));
    }
    q.order_by_desc(C::Id)
        .limit(limit + 1)
        .all(db)
        .await?
        .into_iter()
        .map(appeal_of)
        .collect()
}

/// The minutes a partial ruling allows for the completion reported in
/// event `complete_event_id`, if there is such a ruling.
pub async fn ruled_minutes(db: &impl ConnectionTrait, complete_event_id: i64) -> Result<Option<i32>, ApiError> {
    Ok(of_subject(db, AppealKind::Completion, complete_event_id)
        .await?
        .filter(|a| a.status == AppealStatus::Partial)
        .and_then(|a| a.ruled.minutes))
}
