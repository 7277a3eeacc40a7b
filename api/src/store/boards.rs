//! Honor boards straight from the ledgers: one aggregate query per board.
//! The fallback when there is no Redis, and the source Redis is rebuilt
//! from; also the names and consent shown beside a board.

use super::ledger::{rated_count, rating_sum, sum_i64};
use crate::domain::UserId;
use crate::domain::board::{Delta, Metric, Scope, Span, Watermark, average};
use crate::error::ApiError;
use entity::{community, member_profile, points_entry, service_record, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationTrait, Statement, TransactionTrait,
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

/// The ledgers' highest row ids, once no transaction that may still commit
/// a row at or below them is running: every row up to the watermark is
/// committed and visible from then on, and every later row is above it.
///
/// SQLite has one writer, which numbers its rows above every committed one.
/// PostgreSQL numbers rows from sequences at insert time and commits in any
/// order, so the writers that were running when the ids were read (those
/// of this database holding a transaction id) are waited for, up to 10 s.
/// A writer always moves the balance before it inserts a ledger row
/// (`store::ledger`), so it holds its transaction id before its row's id.
pub async fn watermark(db: &DatabaseConnection) -> Result<Watermark, ApiError> {
    let entry = max_id::<points_entry::Entity>(db, points_entry::Column::Id).await?;
    let record = max_id::<service_record::Entity>(db, service_record::Column::Id).await?;
    if super::is_postgres(db) {
        wait_for_writers(db).await?;
    }
    Ok(Watermark { entry, record })
}

/// The highest id in a table (0 when empty).
async fn max_id<E: EntityTrait>(db: &impl ConnectionTrait, id: E::Column) -> Result<i64, ApiError> {
    let max: Option<Option<i64>> = E::find()
        .select_only()
        .column_as(id.max(), "m")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// Waits until every transaction of this database that holds a transaction
/// id now has ended.
async fn wait_for_writers(db: &DatabaseConnection) -> Result<(), ApiError> {
    let sql = |s: String| Statement::from_string(DbBackend::Postgres, s);
    let rows = db
        .query_all_raw(sql(
            "SELECT pid::bigint AS pid, backend_xid::text AS xid FROM pg_stat_activity \
             WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
                .to_owned(),
        ))
        .await?;
    let running: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            let pid = r.try_get::<i64>("", "pid").ok()?;
            let xid: u64 = r.try_get::<String>("", "xid").ok()?.parse().ok()?;
            Some(format!("({pid}, '{xid}')"))
        })
        .collect();
    if running.is_empty() {
        return Ok(());
    }
    let still = format!(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
         AND (pid::bigint, backend_xid::text) IN ({})",
        running.join(", ")
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let n = match db.query_one_raw(sql(still.clone())).await? {
            Some(r) => r.try_get::<i64>("", "n")?,
            None => 0,
        };
        if n == 0 {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "{n} writer transactions still open after 10 s; board rebuild put off"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// The ledgers up to their [`watermark`], folded into one delta per
/// member, community and day — what a Redis rebuild writes (and `linli
/// check` compares Redis with). Rows above the watermark reach Redis by
/// their own updates.
pub async fn snapshot(db: &DatabaseConnection) -> Result<(Watermark, Vec<Delta>), ApiError> {
    let mark = watermark(db).await?;
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
        .filter(R::Id.lte(mark.record))
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
        .filter(P::Id.lte(mark.entry))
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
    Ok((mark, out.into_values().collect()))
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
