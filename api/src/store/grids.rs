//! 网格员 and 走访: which grids each grid worker looks after, and their
//! visit log.

use crate::domain::{CommunityId, GridId, RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{grid_visit, grid_worker};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// The grids a grid worker looks after, by id.
pub async fn of_worker(db: &impl ConnectionTrait, user: UserId) -> Result<Vec<GridId>, ApiError> {
    let ids: Vec<i64> = grid_worker::Entity::find()
        .select_only()
        .column(grid_worker::Column::GridId)
        .filter(grid_worker::Column::UserId.eq(user.0))
        .order_by_asc(grid_worker::Column::GridId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(GridId).collect())
}

/// Who looks after which of these grids: (worker, grid) pairs.
pub async fn workers_of(db: &impl ConnectionTrait, grids: &[GridId]) -> Result<Vec<(UserId, GridId)>, ApiError> {
    if grids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, i64)> = grid_worker::Entity::find()
        .select_only()
        .column(grid_worker::Column::UserId)
        .column(grid_worker::Column::GridId)
        .filter(grid_worker::Column::GridId.is_in(grids.iter().map(|g| g.0)))
        .order_by_asc(grid_worker::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(u, g)| (UserId(u), GridId(g))).collect())
}

/// Replaces a grid worker's grids (none: they look after nothing).
pub async fn set(
    db: &impl ConnectionTrait,
    user: UserId,
    grids: &[GridId],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    grid_worker::Entity::delete_many()
        .filter(grid_worker::Column::UserId.eq(user.0))
        .exec(db)
        .await?;
    if grids.is_empty() {
        return Ok(());
    }
    let rows = grids.iter().map(|g| grid_worker::ActiveModel {
        user_id: Set(user.0),
        grid_id: Set(g.0),
        created_at: Set(now),
    });
    grid_worker::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// One 走访.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: i64,
    pub community_id: CommunityId,
    pub grid_id: GridId,
    pub worker_id: UserId,
    pub resident_id: Option<UserId>,
    pub household: String,
    pub visited_on: NaiveDate,
    pub note: String,
    pub needs: String,
    pub request_id: Option<RequestId>,
    pub created_at: DateTime<Utc>,
}

fn visit_of(v: grid_visit::Model) -> Visit {
    Visit {
        id: v.id,
        community_id: CommunityId(v.community_id),
        grid_id: GridId(v.grid_id),
        worker_id: UserId(v.worker_id),
        resident_id: v.resident_id.map(UserId),
        household: v.household,
        visited_on: v.visited_on,
        note: v.note,
        needs: v.needs,
        request_id: v.request_id.map(RequestId),
        created_at: v.created_at,
    }
}

pub struct NewVisit<'a> {
    pub community_id: CommunityId,
    pub grid_id: GridId,
    pub worker_id: UserId,
    pub resident_id: Option<UserId>,
    pub household: &'a str,
    pub visited_on: NaiveDate,
    pub note: &'a str,
    pub needs: &'a str,
    pub request_id: Option<RequestId>,
}

pub async fn insert_visit(db: &impl ConnectionTrait, v: NewVisit<'_>, now: DateTime<Utc>) -> Result<Visit, ApiError> {
    let row = grid_visit::ActiveModel {
        community_id: Set(v.community_id.0),
        grid_id: Set(v.grid_id.0),
        worker_id: Set(v.worker_id.0),
        resident_id: Set(v.resident_id.map(|r| r.0)),
        household: Set(v.household.to_owned()),
        visited_on: Set(v.visited_on),
        note: Set(v.note.to_owned()),
        needs: Set(v.needs.to_owned()),
        request_id: Set(v.request_id.map(|r| r.0)),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(visit_of(grid_visit::Entity::insert(row).exec_with_returning(db).await?))
}

/// Visits in these grids (and by this worker, if named), newest first,
/// `limit` at a time below `before`.
pub async fn visits(
    db: &impl ConnectionTrait,
    grids: &[GridId],
    worker: Option<UserId>,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<Visit>, Option<i64>), ApiError> {
    use grid_visit::Column as C;
    if grids.is_empty() {
        return Ok((Vec::new(), None));
    }
    let mut q = grid_visit::Entity::find().filter(C::GridId.is_in(grids.iter().map(|g| g.0)));
    if let Some(w) = worker {
        q = q.filter(C::WorkerId.eq(w.0));
    }
    if let Some(b) = before {
        q = q.filter(C::Id.lt(b));
    }
    let rows = q.order_by_desc(C::Id).limit(limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, limit, |r| r.id);
    Ok((rows.into_iter().map(visit_of).collect(), next))
}
