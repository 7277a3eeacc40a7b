//! 周期服务: recurring needs. Edits are version-guarded.

use crate::domain::matching::GeoPoint;
use crate::domain::series::{Pattern, Schedule, SeriesStatus};
use crate::domain::{CategoryId, CommunityId, GridId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use entity::service_series;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

#[derive(Debug, Clone)]
pub struct Series {
    pub id: i64,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub resident_id: UserId,
    pub created_by: UserId,
    pub category_id: CategoryId,
    pub title: String,
    pub description: String,
    pub address: String,
    pub location: Option<GeoPoint>,
    pub schedule: Schedule,
    pub minute_of_day: i32,
    pub member_id: Option<UserId>,
    pub status: SeriesStatus,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

fn parse<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("unknown series value {s:?}")))
}

fn series_of(m: service_series::Model) -> Result<Series, ApiError> {
    Ok(Series {
        id: m.id,
        community_id: CommunityId(m.community_id),
        grid_id: m.grid_id.map(GridId),
        resident_id: UserId(m.resident_id),
        created_by: UserId(m.created_by),
        category_id: CategoryId(m.category_id),
        title: m.title,
        description: m.description,
        address: m.address,
        location: GeoPoint::from_parts(m.lat, m.lng),
        schedule: Schedule {
            pattern: parse::<Pattern>(&m.pattern)?,
            weekday: m.weekday.and_then(|w| u32::try_from(w).ok()),
            day_of_month: m.day_of_month.and_then(|d| u32::try_from(d).ok()),
            starts_on: m.starts_on,
            ends_on: m.ends_on,
        },
        minute_of_day: m.minute_of_day,
        member_id: m.member_id.map(UserId),
        status: parse(&m.status)?,
        version: m.version,
        created_at: m.created_at,
    })
}

/// What a series says (new, or edited).
#[derive(Debug, Clone)]
pub struct Details {
    pub category_id: CategoryId,
    pub title: String,
    pub description: String,
    pub address: String,
    pub location: Option<GeoPoint>,
    pub schedule: Schedule,
    pub minute_of_day: i32,
    pub member_id: Option<UserId>,
}

fn small(v: Option<u32>) -> Option<i16> {
    v.and_then(|x| i16::try_from(x).ok())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    grid_id: Option<GridId>,
    resident_id: UserId,
    created_by: UserId,
    d: &Details,
    now: DateTime<Utc>,
) -> Result<Series, ApiError> {
    series_of(
        service_series::ActiveModel {
            community_id: Set(community_id.0),
            grid_id: Set(grid_id.map(|g| g.0)),
            resident_id: Set(resident_id.0),
            created_by: Set(created_by.0),
            category_id: Set(d.category_id.0),
            title: Set(d.title.clone()),
            description: Set(d.description.clone()),
            address: Set(d.address.clone()),
            lat: Set(d.location.map(GeoPoint::lat)),
            lng: Set(d.location.map(GeoPoint::lng)),
            pattern: Set(d.schedule.pattern.as_str().to_owned()),
            weekday: Set(small(d.schedule.weekday)),
            day_of_month: Set(small(d.schedule.day_of_month)),
            minute_of_day: Set(d.minute_of_day),
            starts_on: Set(d.schedule.starts_on),
            ends_on: Set(d.schedule.ends_on),
            member_id: Set(d.member_id.map(|m| m.0)),
            status: Set(SeriesStatus::Active.as_str().to_owned()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    )
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Series>, ApiError> {
    service_series::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(series_of)
        .transpose()
}

/// Series of some communities, or of one resident, or paired with one member.
pub async fn list(
    db: &impl ConnectionTrait,
    communities: Option<&[CommunityId]>,
    person: Option<UserId>,
) -> Result<Vec<Series>, ApiError> {
    use service_series::Column as C;
    let mut q = service_series::Entity::find();
    if let Some(cs) = communities {
        q = q.filter(C::CommunityId.is_in(cs.iter().map(|c| c.0)));
    }
    if let Some(p) = person {
        q = q.filter(
            sea_orm::Condition::any()
                .add(C::ResidentId.eq(p.0))
                .add(C::MemberId.eq(p.0)),
        );
    }
    q.order_by_desc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(series_of)
        .collect()
}

/// Every active series (the generator's work list).
pub async fn active(db: &impl ConnectionTrait) -> Result<Vec<Series>, ApiError> {
    service_series::Entity::find()
        .filter(service_series::Column::Status.eq(SeriesStatus::Active.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(series_of)
        .collect()
}

/// Writes new details and/or status if the series is still at `version`;
/// `None` when someone changed it meanwhile.
pub async fn update(
    db: &impl ConnectionTrait,
    s: &Series,
    d: Option<&Details>,
    status: SeriesStatus,
    ends_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Option<Series>, ApiError> {
    use service_series::Column as C;
    let mut q = service_series::Entity::update_many()
        .col_expr(C::Status, Expr::value(status.as_str()))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::EndsOn, Expr::value(ends_on));
    if let Some(d) = d {
        q = q
            .col_expr(C::CategoryId, Expr::value(d.category_id.0))
            .col_expr(C::Title, Expr::value(d.title.clone()))
            .col_expr(C::Description, Expr::value(d.description.clone()))
            .col_expr(C::Address, Expr::value(d.address.clone()))
            .col_expr(C::Lat, Expr::value(d.location.map(GeoPoint::lat)))
            .col_expr(C::Lng, Expr::value(d.location.map(GeoPoint::lng)))
            .col_expr(C::Pattern, Expr::value(d.schedule.pattern.as_str()))
            .col_expr(C::Weekday, Expr::value(small(d.schedule.weekday)))
            .col_expr(C::DayOfMonth, Expr::value(small(d.schedule.day_of_month)))
            .col_expr(C::MinuteOfDay, Expr::value(d.minute_of_day))
            .col_expr(C::StartsOn, Expr::value(d.schedule.starts_on))
            .col_expr(C::MemberId, Expr::value(d.member_id.map(|m| m.0)));
    }
    let mut rows = q
        .filter(C::Id.eq(s.id))
        .filter(C::Version.eq(s.version))
        .exec_with_returning(db)
        .await?;
    rows.pop().map(series_of).transpose()
}
