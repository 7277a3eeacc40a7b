//! 资质 — members' recorded qualifications, their review, which ones count
//! on a given day, and the expiry reminders sent (one row per qualification,
//! person and expiry date: the unique index makes several sweepers send
//! each once).

use crate::domain::qualification::{QualificationKind, QualificationStatus};
use crate::domain::{CommunityId, QualificationId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{enums as db, member_qualification, qualification_reminder};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// One recorded qualification.
#[derive(Debug, Clone)]
pub struct Qualification {
    pub id: QualificationId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub details: Details,
    pub status: QualificationStatus,
    pub reject_reason: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the member says about the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub kind: QualificationKind,
    /// 证书编号
    pub number: String,
    /// 发证机关
    pub issuer: String,
    /// 有效期至 (inclusive).
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
}

fn qualification_of(q: member_qualification::Model) -> Qualification {
    Qualification {
        id: QualificationId(q.id),
        member_id: UserId(q.member_id),
        community_id: CommunityId(q.community_id),
        details: Details {
            kind: q.kind.into(),
            number: q.number,
            issuer: q.issuer,
            expires_on: q.expires_on,
            note: q.note,
        },
        status: q.status.into(),
        reject_reason: q.reject_reason,
        reviewed_by: q.reviewed_by.map(UserId),
        reviewed_at: q.reviewed_at,
        version: q.version,
        created_at: q.created_at,
        updated_at: q.updated_at,
    }
}

/// Records a new qualification, pending review.
pub async fn insert(
    db: &impl ConnectionTrait,
    member: UserId,
    community: CommunityId,
    d: &Details,
    now: DateTime<Utc>,
) -> Result<Qualification, ApiError> {
    let row = member_qualification::ActiveModel {
        member_id: Set(member.0),
        community_id: Set(community.0),
        kind: Set(d.kind.into()),
        number: Set(d.number.clone()),
        issuer: Set(d.issuer.clone()),
        expires_on: Set(d.expires_on),
        note: Set(d.note.clone()),
        status: Set(db::QualificationStatus::Pending),
        reject_reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(qualification_of(row))
}

pub async fn find(db: &impl ConnectionTrait, id: QualificationId) -> Result<Option<Qualification>, ApiError> {
    Ok(member_qualification::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .map(qualification_of))
}

/// Filters for a list; `communities` is the caller's scope.
pub struct QualificationQuery<'a> {
    pub communities: &'a [CommunityId],
    pub member: Option<UserId>,
    pub status: Option<QualificationStatus>,
    /// Counting today and expiring on or before this date.
    pub expiring_by: Option<NaiveDate>,
    /// Keyset: ids below this one (newest first).
    pub before: Option<QualificationId>,
    pub limit: u64,
}

/// Qualifications in scope, newest first, one page.
pub async fn list(
    db: &impl ConnectionTrait,
    q: QualificationQuery<'_>,
) -> Result<(Vec<Qualification>, Option<i64>), ApiError> {
    use member_qualification::Column as C;
    let mut s = member_qualification::Entity::find().filter(C::CommunityId.is_in(q.communities.iter().map(|c| c.0)));
    if let Some(m) = q.member {
        s = s.filter(C::MemberId.eq(m.0));
    }
    if let Some(st) = q.status {
        s = s.filter(C::Status.eq(db::QualificationStatus::from(st)));
    }
    if let Some(by) = q.expiring_by {
        s = s.filter(C::ExpiresOn.lte(by));
    }
    if let Some(b) = q.before {
        s = s.filter(C::Id.lt(b.0));
    }
    let rows = s.order_by_desc(C::Id).limit(q.limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, q.limit, |r| r.id);
    Ok((rows.into_iter().map(qualification_of).collect(), next))
}

/// Everything one member recorded, kind by kind, newest first.
pub async fn of_member(db: &impl ConnectionTrait, member: UserId) -> Result<Vec<Qualification>, ApiError> {
    use member_qualification::Column as C;
    Ok(member_qualification::Entity::find()
        .filter(C::MemberId.eq(member.0))
        .order_by_asc(C::Kind)
        .order_by_desc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(qualification_of)
        .collect())
}

/// The condition "counts on `today`": verified, and not past its expiry date.
fn valid_on(today: NaiveDate) -> Condition {
    use member_qualification::Column as C;
    Condition::all()
        .add(C::Status.eq(db::QualificationStatus::Verified))
        .add(
            Condition::any()
                .add(C::ExpiresOn.is_null())
                .add(C::ExpiresOn.gte(today)),
        )
}

/// Does `member` hold a `kind` that counts on `today`?
pub async fn holds_valid(
    db: &impl ConnectionTrait,
    member: UserId,
    kind: QualificationKind,
    today: NaiveDate,
) -> Result<bool, ApiError> {
    use member_qualification::Column as C;
    let found: Option<i64> = member_qualification::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::MemberId.eq(member.0))
        .filter(C::Kind.eq(db::QualificationKind::from(kind)))
        .filter(valid_on(today))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// The kinds each member of a community holds that count on `today` (one query).
pub async fn valid_in_community(
    db: &impl ConnectionTrait,
    community: CommunityId,
    today: NaiveDate,
) -> Result<HashMap<i64, Vec<QualificationKind>>, ApiError> {
    use member_qualification::Column as C;
    let pairs: Vec<(i64, db::QualificationKind)> = member_qualification::Entity::find()
        .select_only()
        .column(C::MemberId)
        .column(C::Kind)
        .filter(C::CommunityId.eq(community.0))
        .filter(valid_on(today))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<QualificationKind>> = HashMap::new();
    for (member, kind) in pairs {
        let kinds = out.entry(member).or_default();
        if !kinds.contains(&kind.into()) {
            kinds.push(kind.into());
        }
    }
    Ok(out)
}

/// The member changed the certificate's details: back to pending, the last
/// review cleared. Guarded by the version read, so a review in between is
/// not silently overwritten; `false` if it changed meanwhile.
pub async fn update_details(
    db: &impl ConnectionTrait,
    q: &Qualification,
    d: &Details,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use member_qualification::Column as C;
    let res = member_qualification::Entity::update_many()
        .col_expr(C::Kind, Expr::value(db::QualificationKind::from(d.kind)))
        .col_expr(C::Number, Expr::value(d.number.clone()))
        .col_expr(C::Issuer, Expr::value(d.issuer.clone()))
        .col_expr(C::ExpiresOn, Expr::value(d.expires_on))
        .col_expr(C::Note, Expr::value(d.note.clone()))
        .col_expr(C::Status, Expr::value(db::QualificationStatus::Pending))
        .col_expr(C::RejectReason, Expr::value(Option::<String>::None))
        .col_expr(C::ReviewedBy, Expr::value(Option::<i64>::None))
        .col_expr(C::ReviewedAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(q.id.0))
        .filter(C::Version.eq(q.version))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// An admin's decision: one conditional UPDATE on the status read, so two
/// admins at once have one winner. `false` if the status changed meanwhile.
pub async fn decide(
    db: &impl ConnectionTrait,
    id: QualificationId,
    from: QualificationStatus,
    to: QualificationStatus,
    reason: Option<&str>,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use member_qualification::Column as C;
    let res = member_qualification::Entity::update_many()
        .col_expr(C::Status, Expr::value(db::QualificationStatus::from(to)))
        .col_expr(C::RejectReason, Expr::value(reason.map(str::to_owned)))
        .col_expr(C::ReviewedBy, Expr::value(Some(by.0)))
        .col_expr(C::ReviewedAt, Expr::value(Some(now)))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id.0))
        .filter(C::Status.eq(db::QualificationStatus::from(from)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Removes a qualification and the reminders sent about it.
pub async fn delete(db: &impl ConnectionTrait, id: QualificationId) -> Result<bool, ApiError> {
    qualification_reminder::Entity::delete_many()
        .filter(qualification_reminder::Column::QualificationId.eq(id.0))
        .exec(db)
        .await?;
    let res = member_qualification::Entity::delete_by_id(id.0).exec(db).await?;
    Ok(res.rows_affected == 1)
}

/// Verified qualifications expiring between `from` and `to` (inclusive),
/// in every community: what the sweeper reminds of.
pub async fn expiring_between(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Qualification>, ApiError> {
    use member_qualification::Column as C;
    Ok(member_qualification::Entity::find()
        .filter(C::Status.eq(db::QualificationStatus::Verified))
        .filter(C::ExpiresOn.gte(from))
        .filter(C::ExpiresOn.lte(to))
        .order_by_asc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(qualification_of)
        .collect())
}

/// Records that `user` is reminded of `qualification` expiring on
/// `expires_on` unless someone did already; `true` if this call did.
pub async fn claim_reminder(
    db: &impl ConnectionTrait,
    qualification: QualificationId,
    user: UserId,
    expires_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use qualification_reminder::Column as C;
    let inserted = qualification_reminder::Entity::insert(qualification_reminder::ActiveModel {
        qualification_id: Set(qualification.0),
        user_id: Set(user.0),
        expires_on: Set(expires_on),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([C::QualificationId, C::UserId, C::ExpiresOn])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted > 0)
}
