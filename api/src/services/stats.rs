//! `GET /stats`: the figures of `domain::stats` for the requests an admin
//! oversees, posted between two local dates — overall, by category, by
//! grid and by month.

use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::stats::{Figures, Row, figures, grouped};
use crate::error::ApiError;
use crate::services::users::admin_scope_within;
use crate::state::AppState;
use chrono::NaiveDate;
use entity::{grid, help_request, request_event, service_category, supervision_mark};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Serialize)]
pub struct Group {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Serialize)]
pub struct Stats {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub total: Figures,
    pub by_category: Vec<Group>,
    pub by_grid: Vec<Group>,
    pub by_month: Vec<Group>,
}

pub async fn stats(
    state: &AppState,
    me: &CurrentUser,
    community_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Stats, ApiError> {
    let db = &state.db;
    let ids = admin_scope_within(db, me, community_id).await?;
    let offset = state.local_offset;
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(offset).single())
    };
    let mut q = help_request::Entity::find().filter(help_request::Column::CommunityId.is_in(ids));
    if let Some(f) = from.and_then(start) {
        q = q.filter(help_request::Column::CreatedAt.gte(f.with_timezone(&chrono::Utc)));
    }
    if let Some(t) = to.and_then(|d| d.succ_opt()).and_then(start) {
        q = q.filter(help_request::Column::CreatedAt.lt(t.with_timezone(&chrono::Utc)));
    }
    let requests = q.all(db).await?;
    let req_ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
    let accepted: HashMap<i64, chrono::DateTime<chrono::Utc>> = request_event::Entity::find()
        .select_only()
        .column(request_event::Column::RequestId)
        .column_as(Expr::col(request_event::Column::CreatedAt).min(), "at")
        .filter(request_event::Column::RequestId.is_in(req_ids.clone()))
        .filter(request_event::Column::Action.is_in(["accept", "claim"]))
        .group_by(request_event::Column::RequestId)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let overdue: HashSet<i64> = supervision_mark::Entity::find()
        .select_only()
        .column(supervision_mark::Column::RequestId)
        .filter(supervision_mark::Column::RequestId.is_in(req_ids))
        .filter(supervision_mark::Column::Level.eq("overdue"))
        .distinct()
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let categories: HashMap<i64, (String, String)> = service_category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.code, c.name_zh)))
        .collect();
    let grids: HashMap<i64, String> = grid::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let row = |r: &help_request::Model| Row {
        created_at: r.created_at,
        accepted_at: accepted.get(&r.id).copied(),
        closed_at: r.closed_at.filter(|_| r.status == "closed"),
        overdue: overdue.contains(&r.id),
        rating: r.rating,
    };
    let rows: Vec<Row> = requests.iter().map(row).collect();
    let by = |key: &dyn Fn(&help_request::Model) -> String| -> Vec<(String, Row)> {
        requests.iter().map(|r| (key(r), row(r))).collect()
    };
    let category_rows = by(&|r| categories.get(&r.category_id).map(|c| c.0.clone()).unwrap_or_default());
    let grid_rows = by(&|r| r.grid_id.map(|g| g.to_string()).unwrap_or_default());
    let month_rows = by(&|r| clock::local_date(r.created_at, offset).format("%Y-%m").to_string());
    let name_of_code = |code: &str| {
        categories
            .values()
            .find(|c| c.0 == code)
            .map(|c| c.1.clone())
            .unwrap_or_default()
    };
    Ok(Stats {
        from,
        to,
        total: figures(&rows),
        by_category: grouped(&category_rows)
            .into_iter()
            .map(|(key, figures)| Group {
                name: name_of_code(&key),
                key,
                figures,
            })
            .collect(),
        by_grid: grouped(&grid_rows)
            .into_iter()
            .map(|(key, figures)| Group {
                name: key
                    .parse::<i64>()
                    .ok()
                    .and_then(|g| grids.get(&g).cloned())
                    .unwrap_or_else(|| "未分网格".into()),
                key,
                figures,
            })
            .collect(),
        by_month: grouped(&month_rows)
            .into_iter()
            .map(|(key, figures)| Group {
                name: key.clone(),
                key,
                figures,
            })
            .collect(),
    })
}
