//! Reading the ledgers: a member's balance, hours and star level, their
//! points entries and their service records.

use super::balance_of;
use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::stars::{StarStatus, star_status};
use crate::error::ApiError;
use crate::services::{directory, members, rules, users};
use entity::{points_entry, service_record};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

/// `SUM(col)` as a BIGINT on both backends (PostgreSQL sums BIGINTs into NUMERIC).
pub(crate) fn sum_i64(col: impl sea_orm::IntoSimpleExpr) -> Expr {
    Func::coalesce([col.into_simple_expr().sum(), Expr::val(0i64)]).cast_as("BIGINT")
}

/// `SUM(sign × rating)`: stars of rated services, net of reversals.
pub(crate) fn rating_sum() -> Expr {
    sum_i64(Expr::col(service_record::Column::Sign).mul(Expr::col(service_record::Column::Rating)))
}

/// `SUM(CASE WHEN rating IS NULL THEN 0 ELSE sign END)`: rated services, net.
pub(crate) fn rated_count() -> Expr {
    sum_i64(Into::<Expr>::into(
        Expr::case(Expr::col(service_record::Column::Rating).is_null(), 0i64)
            .finally(Expr::col(service_record::Column::Sign)),
    ))
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub community_id: i64,
    pub kind: String,
    pub points: i64,
    pub request_id: Option<i64>,
    pub redemption_id: Option<i64>,
    pub occurred_on: chrono::NaiveDate,
    pub reason: Option<String>,
    pub actor_id: i64,
    pub actor_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) async fn entry_views(
    db: &impl ConnectionTrait,
    rows: Vec<points_entry::Model>,
) -> Result<Vec<EntryView>, ApiError> {
    let people = users::users_by_id(db, rows.iter().flat_map(|r| [r.member_id, r.actor_id]).collect()).await?;
    let name = |id: i64| people.get(&id).map(|u| u.name.clone()).unwrap_or_default();
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
    pub id: i64,
    pub member_id: i64,
    pub community_id: i64,
    pub request_id: Option<i64>,
    pub kind: String,
    pub reverses_id: Option<i64>,
    /// Signed: a reversal is negative.
    pub minutes: i32,
    pub hours: f64,
    pub reported_minutes: Option<i32>,
    pub rating: Option<i16>,
    pub activity: String,
    pub service_date: chrono::NaiveDate,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub rule_id: Option<i64>,
    pub reason: Option<String>,
    pub actor_id: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub(crate) async fn record_views(
    _db: &impl ConnectionTrait,
    rows: Vec<service_record::Model>,
) -> Result<Vec<RecordView>, ApiError> {
    Ok(rows
        .into_iter()
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
        .collect())
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
async fn require_reader(db: &impl ConnectionTrait, me: &CurrentUser, member_id: i64) -> Result<(), ApiError> {
    if me.id != member_id {
        let p = members::find(db, member_id).await?;
        directory::require_admin_of(db, me, p.community_id).await?;
    }
    Ok(())
}

/// Computes a member's standing (no access check: callers do it).
pub async fn summary(
    db: &impl ConnectionTrait,
    member_id: i64,
    offset: chrono::FixedOffset,
) -> Result<ServiceSummary, ApiError> {
    let profile = members::find(db, member_id).await?;
    let rule = rules::current(db, profile.community_id).await?;
    use service_record::Column as C;
    let days: Vec<(chrono::NaiveDate, i64, i64)> = service_record::Entity::find()
        .select_only()
        .column(C::ServiceDate)
        .column_as(sum_i64(C::Minutes), "minutes")
        .column_as(sum_i64(C::Sign), "services")
        .filter(C::MemberId.eq(member_id))
        .group_by(C::ServiceDate)
        .into_tuple()
        .all(db)
        .await?;
    let registered = clock::local_date(profile.reviewed_at.unwrap_or(profile.created_at), offset);
    let service: Vec<(chrono::NaiveDate, i64)> = days.iter().map(|(d, m, _)| (*d, *m)).collect();
    let stars = star_status(&rule.rule, registered, clock::today(offset), &service);
    let (points, minutes) = balance_of(db, member_id).await?;
    Ok(ServiceSummary {
        points,
        entries_total: super::adjust::entries_total(db, member_id).await?,
        minutes,
        hours: minutes as f64 / 60.0,
        services: days.iter().map(|(_, _, s)| s).sum(),
        stars,
        rule_version: rule.version,
    })
}

/// `summary` for the member or an admin in scope.
pub async fn summary_for(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    member_id: i64,
    offset: chrono::FixedOffset,
) -> Result<ServiceSummary, ApiError> {
    require_reader(db, me, member_id).await?;
    summary(db, member_id, offset).await
}

#[derive(Debug, Serialize)]
pub struct PointsPage {
    pub balance: i64,
    pub items: Vec<EntryView>,
    pub next_cursor: Option<i64>,
}

/// A member's points entries, newest first.
pub async fn points(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    member_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<PointsPage, ApiError> {
    require_reader(db, me, member_id).await?;
    let mut q = points_entry::Entity::find()
        .filter(points_entry::Column::MemberId.eq(member_id))
        .order_by_desc(points_entry::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(points_entry::Column::Id.lt(b));
    }
    let (rows, next_cursor) = crate::services::page(q.all(db).await?, limit, |r| r.id);
    Ok(PointsPage {
        balance: balance_of(db, member_id).await?.0,
        items: entry_views(db, rows).await?,
        next_cursor,
    })
}

/// A member's service records (reversals and corrections included), newest first.
pub async fn records(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    member_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<RecordView>, Option<i64>), ApiError> {
    require_reader(db, me, member_id).await?;
    let mut q = service_record::Entity::find()
        .filter(service_record::Column::MemberId.eq(member_id))
        .order_by_desc(service_record::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(service_record::Column::Id.lt(b));
    }
    let (rows, next_cursor) = crate::services::page(q.all(db).await?, limit, |r| r.id);
    Ok((record_views(db, rows).await?, next_cursor))
}
