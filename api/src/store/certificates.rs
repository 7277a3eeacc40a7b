//! 志愿服务证明: certificates, frozen at issue.

use super::json::Json;
use super::ledger::sum_i64;
use crate::domain::{CategoryId, CommunityId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{certificate, service_record};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};

/// One line of a certificate: what kind of service, how long, how often.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    pub content: String,
    pub minutes: i64,
    pub services: i64,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: i64,
    pub number: String,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub member_name: String,
    pub minutes: i64,
    pub services: i64,
    pub first_service: Option<NaiveDate>,
    pub last_service: Option<NaiveDate>,
    pub lines: Vec<Line>,
    pub issued_at: DateTime<Utc>,
}

fn certificate_of(c: certificate::Model) -> Result<Certificate, ApiError> {
    Ok(Certificate {
        lines: Json::<Vec<Line>>::decode(&c.content, "certificates", "content", c.id)?,
        id: c.id,
        number: c.number,
        member_id: UserId(c.member_id),
        community_id: CommunityId(c.community_id),
        member_name: c.member_name,
        minutes: c.minutes,
        services: c.services,
        first_service: c.first_service,
        last_service: c.last_service,
        issued_at: c.issued_at,
    })
}

/// A member's service by category, net of corrections:
/// (category, minutes, services, first day, last day).
pub type CategoryService = (Option<CategoryId>, i64, i64, Option<NaiveDate>, Option<NaiveDate>);

pub async fn service_by_category(db: &impl ConnectionTrait, member: UserId) -> Result<Vec<CategoryService>, ApiError> {
    use service_record::Column as R;
    type Row = (Option<i64>, i64, i64, Option<NaiveDate>, Option<NaiveDate>);
    let rows: Vec<Row> = service_record::Entity::find()
        .select_only()
        .column(R::CategoryId)
        .column_as(sum_i64(R::Minutes), "minutes")
        .column_as(sum_i64(R::Sign), "services")
        .column_as(Expr::col(R::ServiceDate).min(), "first")
        .column_as(Expr::col(R::ServiceDate).max(), "last")
        .filter(R::MemberId.eq(member.0))
        .group_by(R::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, m, s, f, l)| (c.map(CategoryId), m, s, f, l))
        .collect())
}

pub struct NewCertificate<'a> {
    pub number: String,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub member_name: &'a str,
    pub first_service: Option<NaiveDate>,
    pub last_service: Option<NaiveDate>,
    pub lines: &'a [Line],
}

/// Writes a certificate; `None` if its number is taken (the caller draws another).
pub async fn insert(
    db: &impl ConnectionTrait,
    c: NewCertificate<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Certificate>, ApiError> {
    let inserted = certificate::ActiveModel {
        number: Set(c.number),
        member_id: Set(c.member_id.0),
        community_id: Set(c.community_id.0),
        member_name: Set(c.member_name.to_owned()),
        minutes: Set(c.lines.iter().map(|l| l.minutes).sum()),
        services: Set(c.lines.iter().map(|l| l.services).sum()),
        first_service: Set(c.first_service),
        last_service: Set(c.last_service),
        content: Set(Json::encode(&c.lines)?),
        issued_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        other => Ok(Some(certificate_of(other?)?)),
    }
}

/// A member's certificates, newest first.
pub async fn of_member(db: &impl ConnectionTrait, member: UserId) -> Result<Vec<Certificate>, ApiError> {
    certificate::Entity::find()
        .filter(certificate::Column::MemberId.eq(member.0))
        .order_by_desc(certificate::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(certificate_of)
        .collect()
}

pub async fn by_number(db: &impl ConnectionTrait, number: &str) -> Result<Option<Certificate>, ApiError> {
    certificate::Entity::find()
        .filter(certificate::Column::Number.eq(number))
        .one(db)
        .await?
        .map(certificate_of)
        .transpose()
}
