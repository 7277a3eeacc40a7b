//! What the admin spreadsheets read: service records of some communities,
//! and the in-service party members' figures for a quarter.

use super::ledger::{Record, rated_count, rating_sum, record_of, sum_i64};
use super::members::{Profile, profile_of};
use crate::domain::member::MemberKind;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use chrono::NaiveDate;
use entity::{enums as db, member_profile, points_entry, service_record};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Records of `communities` by service date, at most `limit`.
pub async fn records_in(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: u64,
) -> Result<Vec<Record>, ApiError> {
    use service_record::Column as R;
    let mut q = service_record::Entity::find()
        .filter(R::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .order_by_asc(R::ServiceDate)
        .order_by_asc(R::Id)
        .limit(limit);
    if let Some(f) = from {
        q = q.filter(R::ServiceDate.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(R::ServiceDate.lte(t));
    }
    Ok(q.all(db).await?.into_iter().map(record_of).collect())
}

/// Registrations of one kind in `communities`.
pub async fn members_of_kind(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    kind: MemberKind,
) -> Result<Vec<Profile>, ApiError> {
    member_profile::Entity::find()
        .filter(member_profile::Column::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .filter(member_profile::Column::Kind.eq(db::MemberKind::from(kind)))
        .all(db)
        .await?
        .into_iter()
        .map(profile_of)
        .collect()
}

/// Per member between two dates: (member, minutes, services, Σ stars, rated services).
pub async fn service_figures(
    db: &impl ConnectionTrait,
    members: &[UserId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(UserId, i64, i64, i64, i64)>, ApiError> {
    use service_record::Column as R;
    let rows: Vec<(i64, i64, i64, i64, i64)> = service_record::Entity::find()
        .select_only()
        .column(R::MemberId)
        .column_as(sum_i64(R::Minutes), "minutes")
        .column_as(sum_i64(R::Sign), "services")
        .column_as(rating_sum(), "rsum")
        .column_as(rated_count(), "rated")
        .filter(R::MemberId.is_in(members.iter().map(|m| m.0)))
        .filter(R::ServiceDate.between(from, to))
        .group_by(R::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(m, a, b, c, d)| (UserId(m), a, b, c, d))
        .collect())
}

/// Points earned per member between two dates.
pub async fn earned_points(
    db: &impl ConnectionTrait,
    members: &[UserId],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(UserId, i64)>, ApiError> {
    use points_entry::Column as P;
    let rows: Vec<(i64, i64)> = points_entry::Entity::find()
        .select_only()
        .column(P::MemberId)
        .column_as(sum_i64(P::Points), "points")
        .filter(P::MemberId.is_in(members.iter().map(|m| m.0)))
        .filter(P::Earned.eq(true))
        .filter(P::OccurredOn.between(from, to))
        .group_by(P::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(m, p)| (UserId(m), p)).collect())
}
