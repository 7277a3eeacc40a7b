//! Honor boards straight from the ledgers: one aggregate query per board.
//! The fallback when there is no Redis, and the source Redis is rebuilt
//! from; also the names and consent shown beside a board.

use super::ledger::{rated_count, rating_sum, sum_i64};
use crate::domain::UserId;
use crate::domain::board::{Delta, Metric, Scope, Span, average};
use crate::error::ApiError;
use entity::{community, member_profile, points_entry, service_record, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
    TransactionTrait,
};
use std::collections::HashMap;

async fn community_ids(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<i64>, ApiError> {
    match scope {
        Scope::Community(id) => Ok(vec![*id]),
        Scope::Street(street) => Ok(super::directory::communities_of_street(db, street)
            .await?
            .into_iter()
            .map(|c| c.0)
            .collect()),
    }
}

/// Every member's value on one board, in the units Redis keeps (points,
/// minutes, services, average stars). Unranked.
pub async fn totals(
    db: &impl ConnectionTrait,
    scope: &Scope,
    span: &Span,
    metric: Metric,
) -> Result<Vec<(i64, f64)>, ApiError> {
    let ids = community_ids(db, scope).await?;
    if metric == Metric::Points {
        use points_entry::Column as P;
        let mut q = points_entry::Entity::find()
            .select_only()
            .column(P::MemberId)
            .column_as(sum_i64(P::Points), "v")
            .filter(P::CommunityId.is_in(ids))
            .filter(P::Earned.eq(true))
            .group_by(P::MemberId);
        if let Some((from, to)) = span.range {
            q = q.filter(P::OccurredOn.between(from, to));
        }
        let rows: Vec<(i64, i64)> = q.into_tuple().all(db).await?;
        return Ok(rows.into_iter().map(|(m, v)| (m, v as f64)).collect());
    }
    use service_record::Column as R;
    let mut q = service_record::Entity::find()
        .select_only()
        .column(R::MemberId)
        .filter(R::CommunityId.is_in(ids))
        .group_by(R::MemberId);
    if let Some((from, to)) = span.range {
        q = q.filter(R::ServiceDate.between(from, to));
    }
    Ok(match metric {
        Metric::Hours | Metric::Services => {
            let col = if metric == Metric::Hours { R::Minutes } else { R::Sign };
            let rows: Vec<(i64, i64)> = q.column_as(sum_i64(col), "v").into_tuple().all(db).await?;
            rows.into_iter().map(|(m, v)| (m, v as f64)).collect()
        }
        _ => {
            let rows: Vec<(i64, i64, i64)> = q
                .column_as(rating_sum(), "s")
                .column_as(rated_count(), "n")
                .into_tuple()
                .all(db)
                .await?;
            rows.into_iter()
                .filter(|(_, _, n)| *n > 0)
                .map(|(m, s, n)| (m, average(s as f64, n as f64)))
                .collect()
        }
    })
}

/// The whole ledger folded into one delta per member, community and day —
/// what a Redis rebuild replays. Read in one transaction, so the two
/// ledgers are seen at the same moment.
pub async fn all_deltas(db: &DatabaseConnection) -> Result<Vec<Delta>, ApiError> {
    let txn = db.begin().await?;
    let streets: HashMap<i64, String> = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .column(community::Column::Street)
        .into_tuple()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    use service_record::Column as R;
    let services: Vec<(i64, i64, chrono::NaiveDate, i64, i64, i64, i64)> = service_record::Entity::find()
        .select_only()
        .column(R::MemberId)
        .column(R::CommunityId)
        .column(R::ServiceDate)
        .column_as(sum_i64(R::Minutes), "minutes")
        .column_as(sum_i64(R::Sign), "services")
        .column_as(rating_sum(), "rsum")
        .column_as(rated_count(), "rcnt")
        .group_by(R::MemberId)
        .group_by(R::CommunityId)
        .group_by(R::ServiceDate)
        .into_tuple()
        .all(&txn)
        .await?;
    use points_entry::Column as P;
    let points: Vec<(i64, i64, chrono::NaiveDate, i64)> = points_entry::Entity::find()
        .select_only()
        .column(P::MemberId)
        .column(P::CommunityId)
        .column(P::OccurredOn)
        .column_as(sum_i64(P::Points), "points")
        .filter(P::Earned.eq(true))
        .group_by(P::MemberId)
        .group_by(P::CommunityId)
        .group_by(P::OccurredOn)
        .into_tuple()
        .all(&txn)
        .await?;
    txn.commit().await?;
    let street = |c: i64| streets.get(&c).cloned().unwrap_or_default();
    let mut out: HashMap<(i64, i64, chrono::NaiveDate), Delta> = HashMap::new();
    for (m, c, d, minutes, services, rsum, rcnt) in services {
        let e = out.entry((m, c, d)).or_insert_with(|| Delta::zero(m, c, street(c), d));
        e.minutes += minutes;
        e.services += services;
        e.rating_sum += rsum;
        e.rating_count += rcnt;
    }
    for (m, c, d, p) in points {
        let e = out.entry((m, c, d)).or_insert_with(|| Delta::zero(m, c, street(c), d));
        e.points += p;
    }
    Ok(out.into_values().collect())
}

/// Names and board consent of members, in one query.
pub async fn names_and_consent(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<UserId, (String, bool)>, ApiError> {
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .column(member_profile::Column::PublishConsent)
        .join(JoinType::LeftJoin, member_profile::Relation::User.def().rev())
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String, Option<bool>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, consent)| (UserId(id), (name, consent.unwrap_or(false))))
        .collect())
}
