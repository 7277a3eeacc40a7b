//! Reading the ledgers: a member's balance, hours and star level, their
//! points entries and their service records.

use crate::auth::CurrentUser;
use crate::clock::local_date;
use crate::domain::ledger::{EntryKind, RecordKind};
use crate::domain::stars::{StarStatus, star_status};
use crate::domain::{CommunityId, EntryId, RecordId, RedemptionId, RequestId, UserId};
use crate::error::ApiError;
use crate::services::{members, rules, scope};
use crate::state::AppState;
use crate::store::{self, ledger::Entry, ledger::Record};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: EntryId,
    pub member_id: UserId,
    pub member_name: String,
    pub community_id: CommunityId,
    pub kind: EntryKind,
    pub points: i64,
    pub request_id: Option<RequestId>,
    pub redemption_id: Option<RedemptionId>,
    pub occurred_on: NaiveDate,
    pub reason: Option<String>,
    pub actor_id: UserId,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
}

pub(crate) async fn entry_views(db: &impl ConnectionTrait, rows: Vec<Entry>) -> Result<Vec<EntryView>, ApiError> {
    let people = store::users::by_ids(db, rows.iter().flat_map(|r| [r.member_id, r.actor_id]).collect()).await?;
    let name = |id: UserId| people.get(&id).map(|u| u.name.clone()).unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| EntryView {
            member_name: name(r.member_id),
            actor_name: name(r.actor_id),
            id: r.id,
            member_id: r.member_id,
            community_id: r.community_id,
            kind: r.kind,
            points: r.points,
            request_id: r.request_id,
            redemption_id: r.redemption_id,
            occurred_on: r.occurred_on,
            reason: r.reason,
            actor_id: r.actor_id,
            created_at: r.created_at,
        })
        .collect())
}

/// 志愿服务记录, as the 2021 rule lists its fields.
#[derive(Debug, Serialize)]
pub struct RecordView {
    pub id: RecordId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub request_id: Option<RequestId>,
    pub kind: RecordKind,
    pub reverses_id: Option<RecordId>,
    /// Signed: a reversal is negative.
    pub minutes: i32,
    pub hours: f64,
    pub reported_minutes: Option<i32>,
    pub rating: Option<i16>,
    pub activity: String,
    pub service_date: NaiveDate,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub rule_id: Option<i64>,
    pub reason: Option<String>,
    pub actor_id: UserId,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn record_views(rows: Vec<Record>) -> Vec<RecordView> {
    rows.into_iter()
        .map(|r| RecordView {
            id: r.id,
            member_id: r.member_id,
            community_id: r.community_id,
            request_id: r.request_id,
            kind: r.kind,
            reverses_id: r.reverses_id,
            minutes: r.minutes,
            hours: f64::from(r.minutes) / 60.0,
            reported_minutes: r.reported_minutes,
            rating: r.rating,
            activity: r.activity,
            service_date: r.service_date,
            place: r.place,
            content: r.content,
            organiser: r.organiser,
            person_in_charge: r.person_in_charge,
            rule_id: r.rule_id,
            reason: r.reason,
            actor_id: r.actor_id,
            created_at: r.created_at,
        })
        .collect()
}

/// A member's standing: balance, hours, services and star level.
#[derive(Debug, Serialize)]
pub struct ServiceSummary {
    pub points: i64,
    /// Σ of the points entries — always equal to `points`.
    pub entries_total: i64,
    pub minutes: i64,
    pub hours: f64,
    /// Verified services, net of corrections.
    pub services: i64,
    pub stars: StarStatus,
    /// The community's rule version the stars were computed under.
    pub rule_version: i32,
}

/// The member's own statement, or an admin's view of someone in scope.
async fn require_reader(db: &impl ConnectionTrait, me: &CurrentUser, member_id: UserId) -> Result<(), ApiError> {
    if me.id != member_id {
        let p = members::find(db, member_id).await?;
        scope::require_admin_of(db, me, p.community_id).await?;
    }
    Ok(())
}

/// Computes a member's standing (no access check: callers do it).
pub async fn summary(app: &AppState, member_id: UserId) -> Result<ServiceSummary, ApiError> {
    let db = &app.db;
    let now = app.clock.now();
    let profile = members::find(db, member_id).await?;
    let rule = rules::current(db, profile.community_id, now).await?;
    let days = store::ledger::service_days(db, member_id).await?;
    let registered = local_date(profile.reviewed_at.unwrap_or(profile.created_at), app.local_offset);
    let service: Vec<(NaiveDate, i64)> = days.iter().map(|(d, m, _)| (*d, *m)).collect();
    let stars = star_status(&rule.rule, registered, local_date(now, app.local_offset), &service);
    let (points, minutes) = store::ledger::balance(db, member_id).await?;
    Ok(ServiceSummary {
        points,
        entries_total: store::ledger::entries_total(db, member_id).await?,
        minutes,
        hours: minutes as f64 / 60.0,
        services: days.iter().map(|(_, _, s)| s).sum(),
        stars,
        rule_version: rule.version,
    })
}

/// `summary` for the member or an admin in scope.
pub async fn summary_for(app: &AppState, me: &CurrentUser, member_id: UserId) -> Result<ServiceSummary, ApiError> {
    require_reader(&app.db, me, member_id).await?;
    summary(app, member_id).await
}

#[derive(Debug, Serialize)]
pub struct PointsPage {
    pub balance: i64,
    pub items: Vec<EntryView>,
    pub next_cursor: Option<i64>,
}

/// A member's points entries, newest first.
pub async fn points(
    app: &AppState,
    me: &CurrentUser,
    member_id: UserId,
    before: Option<EntryId>,
    limit: u64,
) -> Result<PointsPage, ApiError> {
    let db = &app.db;
    require_reader(db, me, member_id).await?;
    let (rows, next_cursor) = store::ledger::entries_of(db, member_id, before, limit).await?;
    Ok(PointsPage {
        balance: store::ledger::balance(db, member_id).await?.0,
        items: entry_views(db, rows).await?,
        next_cursor,
    })
}

/// A member's service records (reversals and corrections included), newest first.
pub async fn records(
    app: &AppState,
    me: &CurrentUser,
    member_id: UserId,
    before: Option<RecordId>,
    limit: u64,
) -> Result<(Vec<RecordView>, Option<i64>), ApiError> {
    require_reader(&app.db, me, member_id).await?;
    let (rows, next_cursor) = store::ledger::records_of(&app.db, member_id, before, limit).await?;
    Ok((record_views(rows), next_cursor))
}
