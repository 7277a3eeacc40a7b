//! 签到 / 签退: visits (appended, never edited) and the resident's one-time codes.

use crate::domain::check_in::{Method, VisitKind};
use crate::domain::matching::GeoPoint;
use crate::domain::{RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{visit, visit_code};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

#[derive(Debug, Clone)]
pub struct Visit {
    pub id: i64,
    pub request_id: RequestId,
    pub kind: VisitKind,
    pub method: Method,
    pub location: Option<GeoPoint>,
    pub distance_m: Option<i32>,
    pub on_site_minutes: Option<i32>,
    pub reported_minutes: Option<i32>,
    pub hours_flagged: bool,
    pub actor_id: UserId,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn parse<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
    s.parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("unknown visit value {s:?}")))
}

fn visit_of(m: visit::Model) -> Result<Visit, ApiError> {
    Ok(Visit {
        id: m.id,
        request_id: RequestId(m.request_id),
        kind: parse(&m.kind)?,
        method: parse(&m.method)?,
        location: GeoPoint::from_parts(m.lat, m.lng),
        distance_m: m.distance_m,
        on_site_minutes: m.on_site_minutes,
        reported_minutes: m.reported_minutes,
        hours_flagged: m.hours_flagged,
        actor_id: UserId(m.actor_id),
        note: m.note,
        created_at: m.created_at,
    })
}

pub struct NewVisit<'a> {
    pub request_id: RequestId,
    pub kind: VisitKind,
    pub method: Method,
    pub location: Option<GeoPoint>,
    pub distance_m: Option<i32>,
    pub on_site_minutes: Option<i32>,
    pub reported_minutes: Option<i32>,
    pub hours_flagged: bool,
    pub actor_id: UserId,
    pub note: Option<&'a str>,
}

pub async fn insert(db: &impl ConnectionTrait, v: NewVisit<'_>, now: DateTime<Utc>) -> Result<Visit, ApiError> {
    visit_of(
        visit::ActiveModel {
            request_id: Set(v.request_id.0),
            kind: Set(v.kind.as_str().to_owned()),
            method: Set(v.method.as_str().to_owned()),
            lat: Set(v.location.map(GeoPoint::lat)),
            lng: Set(v.location.map(GeoPoint::lng)),
            distance_m: Set(v.distance_m),
            on_site_minutes: Set(v.on_site_minutes),
            reported_minutes: Set(v.reported_minutes),
            hours_flagged: Set(v.hours_flagged),
            actor_id: Set(v.actor_id.0),
            note: Set(v.note.map(str::to_owned)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    )
}

/// A request's visits, oldest first.
pub async fn of_request(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Vec<Visit>, ApiError> {
    visit::Entity::find()
        .filter(visit::Column::RequestId.eq(request_id.0))
        .order_by_asc(visit::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(visit_of)
        .collect()
}

/// The visits of several requests, oldest first per request (one read).
pub async fn of_requests(
    db: &impl ConnectionTrait,
    ids: Vec<RequestId>,
) -> Result<std::collections::HashMap<RequestId, Vec<Visit>>, ApiError> {
    let mut out: std::collections::HashMap<RequestId, Vec<Visit>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = visit::Entity::find()
        .filter(visit::Column::RequestId.is_in(ids.iter().map(|i| i.0)))
        .order_by_asc(visit::Column::Id)
        .all(db)
        .await?;
    for m in rows {
        let v = visit_of(m)?;
        out.entry(v.request_id).or_default().push(v);
    }
    Ok(out)
}

/// The resident's current code of `kind` (the newest), if any.
#[derive(Debug, Clone)]
pub struct Code {
    pub id: i64,
    pub code: String,
    pub attempts: i32,
    pub used: bool,
}

pub async fn new_code(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    kind: VisitKind,
    code: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    visit_code::ActiveModel {
        request_id: Set(request_id.0),
        kind: Set(kind.as_str().to_owned()),
        code: Set(code.to_owned()),
        attempts: Set(0),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn current_code(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    kind: VisitKind,
) -> Result<Option<Code>, ApiError> {
    Ok(visit_code::Entity::find()
        .filter(visit_code::Column::RequestId.eq(request_id.0))
        .filter(visit_code::Column::Kind.eq(kind.as_str()))
        .order_by_desc(visit_code::Column::Id)
        .one(db)
        .await?
        .map(|m| Code {
            id: m.id,
            code: m.code,
            attempts: m.attempts,
            used: m.used_at.is_some(),
        }))
}

/// Claims one try at the code before it is compared (so tries made at
/// the same moment are counted too): the tries made so far including this
/// one, or `None` when the code was used, replaced, or has no tries left.
pub async fn claim_try(db: &impl ConnectionTrait, id: i64, code: &str, max: i32) -> Result<Option<i32>, ApiError> {
    use visit_code::Column as C;
    let done = visit_code::Entity::update_many()
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .filter(C::Id.eq(id))
        .filter(C::Code.eq(code))
        .filter(C::UsedAt.is_null())
        .filter(C::Attempts.lt(max))
        .exec(db)
        .await?;
    if done.rows_affected != 1 {
        return Ok(None);
    }
    Ok(visit_code::Entity::find_by_id(id).one(db).await?.map(|m| m.attempts))
}

/// Replaces an unused code by `fresh` (its tries start again); nothing if
/// it was used or replaced meanwhile.
pub async fn replace(db: &impl ConnectionTrait, id: i64, old: &str, fresh: &str) -> Result<(), ApiError> {
    use visit_code::Column as C;
    visit_code::Entity::update_many()
        .col_expr(C::Code, Expr::value(fresh))
        .col_expr(C::Attempts, Expr::value(0))
        .filter(C::Id.eq(id))
        .filter(C::Code.eq(old))
        .filter(C::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Uses the code once: `false` if it was used (or replaced) meanwhile.
pub async fn consume(db: &impl ConnectionTrait, id: i64, code: &str, now: DateTime<Utc>) -> Result<bool, ApiError> {
    use visit_code::Column as C;
    let done = visit_code::Entity::update_many()
        .col_expr(C::UsedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::Code.eq(code))
        .filter(C::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Demo seed only (`linli serve --demo`): the seeded jobs are started and
/// completed in the same instant, so their latest check-in is moved back to
/// when the member would have arrived. Never used by a request's life.
pub async fn backdate_check_in(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let latest = visit::Entity::find()
        .filter(visit::Column::RequestId.eq(request_id.0))
        .filter(visit::Column::Kind.eq(VisitKind::In.as_str()))
        .order_by_desc(visit::Column::Id)
        .one(db)
        .await?;
    if let Some(v) = latest {
        visit::Entity::update_many()
            .col_expr(visit::Column::CreatedAt, Expr::value(at))
            .filter(visit::Column::Id.eq(v.id))
            .exec(db)
            .await?;
    }
    Ok(())
}
