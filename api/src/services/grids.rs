//! 网格员 — the grid workers of a community: which grids each looks after
//! (set by the community's admins), and their 走访 log (a household
//! visited, what was said, the needs found, the request posted for one).

use crate::auth::CurrentUser;
use crate::domain::{CommunityId, GridId, Role, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::scope;
use crate::state::AppState;
use crate::store::{self, grids::NewVisit, users::User};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::collections::HashMap;

/// The grids are one or more of `community`'s, each named once.
pub async fn check_grids(
    db: &impl ConnectionTrait,
    community: CommunityId,
    grids: &[GridId],
) -> Result<Vec<GridId>, ApiError> {
    let theirs: Vec<GridId> = store::directory::grids(db, community)
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let mut out: Vec<GridId> = grids.to_vec();
    out.sort_by_key(|g| g.0);
    out.dedup();
    if out.is_empty() {
        return Err(ApiError::field("grid_ids", "required", msg!("field.grid_ids.required")));
    }
    if out.iter().any(|g| !theirs.contains(g)) {
        return Err(ApiError::field("grid_ids", "unknown", msg!("field.grid_id.unknown")));
    }
    Ok(out)
}

/// A grid worker and the grids they look after.
#[derive(Debug, Serialize)]
pub struct WorkerView {
    pub id: UserId,
    pub name: String,
    pub phone: String,
    pub community_id: CommunityId,
    pub grid_ids: Vec<GridId>,
}

/// An admin sets the grids a grid worker looks after.
pub async fn set_grids(
    app: &AppState,
    me: &CurrentUser,
    user_id: UserId,
    grids: &[GridId],
) -> Result<WorkerView, ApiError> {
    let u = store::users::find(&app.db, user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    scope::require_admin_of(&app.db, me, u.community_id).await?;
    if u.role != Role::GridWorker {
        return Err(ApiError::field(
            "role",
            "not_grid_worker",
            msg!("field.role.not_grid_worker"),
        ));
    }
    let grids = check_grids(&app.db, u.community_id, grids).await?;
    let txn = store::begin_write(&app.writer).await?;
    store::grids::set(&txn, u.id, &grids, app.clock.now()).await?;
    txn.commit().await?;
    // Their open live streams check again (and reopen with the new grids).
    crate::services::auth::sessions_changed(app, u.id, None).await;
    Ok(worker_view(&u, grids))
}

fn worker_view(u: &User, grid_ids: Vec<GridId>) -> WorkerView {
    WorkerView {
        id: u.id,
        name: u.name.clone(),
        phone: u.phone.clone(),
        community_id: u.community_id,
        grid_ids,
    }
}

/// The grid workers of the communities an admin looks after (or of one).
pub async fn workers(
    app: &AppState,
    me: &CurrentUser,
    community: Option<CommunityId>,
) -> Result<Vec<WorkerView>, ApiError> {
    let communities = scope::communities_within(&app.db, me, community).await?;
    let mut out = Vec::new();
    for c in communities {
        let grids: Vec<GridId> = store::directory::grids(&app.db, c)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        let mut by_worker: HashMap<UserId, Vec<GridId>> = HashMap::new();
        for (w, g) in store::grids::workers_of(&app.db, &grids).await? {
            by_worker.entry(w).or_default().push(g);
        }
        let people = store::users::ids_with_role(&app.db, Role::GridWorker, &[c]).await?;
        let users = store::users::by_ids(&app.db, people).await?;
        let mut these: Vec<&User> = users.values().collect();
        these.sort_by_key(|u| u.id.0);
        out.extend(
            these
                .into_iter()
                .map(|u| worker_view(u, by_worker.remove(&u.id).unwrap_or_default())),
        );
    }
    Ok(out)
}

/// What a grid worker writes down after a visit.
pub struct VisitInput {
    pub grid_id: Option<GridId>,
    pub resident_id: Option<UserId>,
    pub household: String,
    pub visited_on: Option<NaiveDate>,
    pub note: String,
    pub needs: String,
    pub request_id: Option<crate::domain::RequestId>,
}

#[derive(Debug, Serialize)]
pub struct VisitView {
    pub id: i64,
    pub grid_id: GridId,
    pub grid_name: String,
    pub worker: crate::services::requests::PersonRef,
    pub resident_id: Option<UserId>,
    pub household: String,
    pub visited_on: NaiveDate,
    pub note: String,
    pub needs: String,
    pub request_id: Option<crate::domain::RequestId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// 走访: a grid worker records a visit in one of their grids (the first
/// they look after unless named). A request named must lie in their grids.
pub async fn record_visit(app: &AppState, me: &CurrentUser, v: VisitInput) -> Result<VisitView, ApiError> {
    if me.role != Role::GridWorker {
        return Err(ApiError::Forbidden);
    }
    let mine = store::grids::of_worker(&app.db, me.id).await?;
    let grid = v.grid_id.or(mine.first().copied()).ok_or(ApiError::Forbidden)?;
    if !mine.contains(&grid) {
        return Err(ApiError::field("grid_id", "not_yours", msg!("field.grid_id.not_yours")));
    }
    if let Some(rid) = v.request_id {
        let r = store::requests::find(&app.db, rid).await?;
        if !r.is_some_and(|r| r.grid_id.is_some_and(|g| mine.contains(&g))) {
            return Err(ApiError::field(
                "request_id",
                "unknown",
                msg!("field.request_id.unknown"),
            ));
        }
    }
    if let Some(rid) = v.resident_id {
        let r = store::users::find(&app.db, rid).await?;
        if r.is_none_or(|r| r.community_id != me.community_id) {
            return Err(ApiError::field(
                "resident_id",
                "unknown",
                msg!("field.resident_id.unknown"),
            ));
        }
    }
    let now = app.clock.now();
    let today = now.with_timezone(&app.local_offset).date_naive();
    let visited_on = v.visited_on.unwrap_or(today);
    if visited_on > today {
        return Err(ApiError::field("visited_on", "future", msg!("field.visited_on.future")));
    }
    let txn = store::begin_write(&app.writer).await?;
    let row = store::grids::insert_visit(
        &txn,
        NewVisit {
            community_id: me.community_id,
            grid_id: grid,
            worker_id: me.id,
            resident_id: v.resident_id,
            household: v.household.trim(),
            visited_on,
            note: v.note.trim(),
            needs: v.needs.trim(),
            request_id: v.request_id,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(views(app, vec![row]).await?.remove(0))
}

/// Visits: a grid worker's own, or (admins) those of the grids of a
/// community in scope; newest first, with a cursor.
pub async fn visits(
    app: &AppState,
    me: &CurrentUser,
    community: Option<CommunityId>,
    grid: Option<GridId>,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<VisitView>, Option<i64>), ApiError> {
    let (mut grids, worker) = if me.role == Role::GridWorker {
        (store::grids::of_worker(&app.db, me.id).await?, Some(me.id))
    } else {
        let mut all = Vec::new();
        for c in scope::communities_within(&app.db, me, community).await? {
            all.extend(store::directory::grids(&app.db, c).await?.into_iter().map(|g| g.id));
        }
        (all, None)
    };
    if let Some(g) = grid {
        grids.retain(|x| *x == g);
    }
    let (rows, next) = store::grids::visits(&app.db, &grids, worker, before, limit).await?;
    Ok((views(app, rows).await?, next))
}

async fn views(app: &AppState, rows: Vec<store::grids::Visit>) -> Result<Vec<VisitView>, ApiError> {
    let users = store::users::by_ids(&app.db, rows.iter().map(|v| v.worker_id).collect()).await?;
    let mut names: HashMap<GridId, String> = HashMap::new();
    for v in &rows {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(v.grid_id) {
            let g = store::directory::grid(&app.db, v.grid_id).await?;
            e.insert(g.map(|g| g.name).unwrap_or_default());
        }
    }
    Ok(rows
        .into_iter()
        .map(|v| VisitView {
            id: v.id,
            grid_id: v.grid_id,
            grid_name: names.get(&v.grid_id).cloned().unwrap_or_default(),
            worker: crate::services::requests::PersonRef {
                id: v.worker_id,
                name: users.get(&v.worker_id).map(|u| u.name.clone()).unwrap_or_default(),
                phone: None,
            },
            resident_id: v.resident_id,
            household: v.household,
            visited_on: v.visited_on,
            note: v.note,
            needs: v.needs,
            request_id: v.request_id,
            created_at: v.created_at,
        })
        .collect())
}
