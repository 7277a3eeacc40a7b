//! What `linli check` reads: each ledger added up per member and per
//! request, the running balances, and the requests' rounds — one grouped
//! query each, compared in `services::check`.

use super::ledger::sum_i64;
use crate::domain::check::{Credits, RequestRound};
use crate::error::ApiError;
use entity::{enums as db, help_request, member_balance, points_entry, service_record, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    AccessMode, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IsolationLevel,
    QueryFilter, QuerySelect, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;

/// A read-only transaction that sees one moment throughout (PostgreSQL's
/// REPEATABLE READ; a SQLite read transaction does so by itself), so sums
/// and balances read in it agree while writes go on.
pub async fn begin_snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, ApiError> {
    let pg = super::is_postgres(db);
    Ok(db
        .begin_with_options(TransactionOptions {
            isolation_level: pg.then_some(IsolationLevel::RepeatableRead),
            access_mode: pg.then_some(AccessMode::ReadOnly),
            ..Default::default()
        })
        .await?)
}

/// Per member: Σ points entries and Σ service-record minutes (members with
/// rows in either ledger).
pub async fn ledger_sums(db: &impl ConnectionTrait) -> Result<HashMap<i64, (i64, i64)>, ApiError> {
    let points: Vec<(i64, i64)> = points_entry::Entity::find()
        .select_only()
        .column(points_entry::Column::MemberId)
        .column_as(sum_i64(points_entry::Column::Points), "v")
        .group_by(points_entry::Column::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    let minutes: Vec<(i64, i64)> = service_record::Entity::find()
        .select_only()
        .column(service_record::Column::MemberId)
        .column_as(sum_i64(service_record::Column::Minutes), "v")
        .group_by(service_record::Column::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, (i64, i64)> = HashMap::new();
    for (m, p) in points {
        out.entry(m).or_default().0 = p;
    }
    for (m, v) in minutes {
        out.entry(m).or_default().1 = v;
    }
    Ok(out)
}

/// Every running balance: member → (points, minutes).
pub async fn balances(db: &impl ConnectionTrait) -> Result<HashMap<i64, (i64, i64)>, ApiError> {
    let rows: Vec<(i64, i64, i64)> = member_balance::Entity::find()
        .select_only()
        .column(member_balance::Column::MemberId)
        .column(member_balance::Column::Points)
        .column(member_balance::Column::Minutes)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(m, p, v)| (m, (p, v))).collect())
}

/// `COUNT(DISTINCT col)` as a BIGINT on both backends.
fn count_distinct(col: impl sea_orm::IntoSimpleExpr) -> Expr {
    Expr::cust_with_exprs("COUNT(DISTINCT $1)", [col.into_simple_expr()]).cast_as("BIGINT")
}

/// Per request, its `service` rows in one ledger: (request, rows, distinct rounds).
async fn service_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    [request, id, round, kind]: [E::Column; 4],
    service: sea_orm::Value,
) -> Result<Vec<(i64, i64, i64)>, ApiError> {
    Ok(E::find()
        .select_only()
        .column(request)
        .column_as(Expr::col(id).count().cast_as("BIGINT"), "n")
        .column_as(count_distinct(round), "rounds")
        .filter(Expr::col(kind).eq(service))
        .filter(request.is_not_null())
        .group_by(request)
        .into_tuple()
        .all(db)
        .await?)
}

/// Per request with any credit: how many and in how many rounds.
pub async fn credits(db: &impl ConnectionTrait) -> Result<HashMap<i64, Credits>, ApiError> {
    use points_entry::Column as P;
    use service_record::Column as R;
    let records = service_rows::<service_record::Entity>(
        db,
        [R::RequestId, R::Id, R::CreditRound, R::Kind],
        db::RecordKind::Service.into(),
    )
    .await?;
    let entries = service_rows::<points_entry::Entity>(
        db,
        [P::RequestId, P::Id, P::CreditRound, P::Kind],
        db::EntryKind::Service.into(),
    )
    .await?;
    let mut out: HashMap<i64, Credits> = HashMap::new();
    for (r, n, rounds) in records {
        let c = out.entry(r).or_default();
        (c.records, c.record_rounds) = (n, rounds);
    }
    for (r, n, rounds) in entries {
        let c = out.entry(r).or_default();
        (c.entries, c.entry_rounds) = (n, rounds);
    }
    Ok(out)
}

/// The requests that are closed or were ever credited (`credited`).
pub async fn requests(
    db: &impl ConnectionTrait,
    credited: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, RequestRound>, ApiError> {
    use help_request::Column as C;
    let credited: Vec<i64> = credited.into_iter().collect();
    let mut out = HashMap::new();
    // Chunks keep the `IN` list short on large ledgers.
    let mut chunks: Vec<Option<&[i64]>> = credited.chunks(5_000).map(Some).collect();
    chunks.push(None);
    for chunk in chunks {
        let q = help_request::Entity::find()
            .select_only()
            .column(C::Id)
            .column(C::CommunityId)
            .column(C::Round)
            .column(C::Status);
        let q = match chunk {
            Some(ids) => q.filter(C::Id.is_in(ids.iter().copied())),
            None => q.filter(C::Status.eq(db::RequestStatus::Closed)),
        };
        let rows: Vec<(i64, i64, i32, db::RequestStatus)> = q.into_tuple().all(db).await?;
        for (id, community_id, round, status) in rows {
            out.insert(
                id,
                RequestRound {
                    community_id,
                    round,
                    closed: status == db::RequestStatus::Closed,
                },
            );
        }
    }
    Ok(out)
}

/// The community of each of `members`.
pub async fn communities_of(
    db: &impl ConnectionTrait,
    members: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, i64>, ApiError> {
    let ids: Vec<i64> = members.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(5_000) {
        let rows: Vec<(i64, i64)> = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .column(user::Column::CommunityId)
            .filter(user::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
