//! `GET /stats`: the figures of `domain::stats` for the requests an admin
//! oversees, posted between two local dates — overall, by category, by
//! grid and by month.

use crate::auth::CurrentUser;
use crate::clock::local_date;
use crate::domain::CommunityId;
use crate::domain::request::Status;
use crate::domain::sla::Level;
use crate::domain::source::Source;
use crate::domain::stats::{Figures, Row, figures, grouped};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::Msg;
use crate::services::{bulkhead, scope};
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

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
    /// 网格员: what each grid worker of these communities entered for
    /// residents (代下单), keyed by their id.
    pub by_grid_worker: Vec<Group>,
    /// 来源: the resident's app, 代下单, phone, walk-in, 12345…
    pub by_source: Vec<Group>,
    pub by_month: Vec<Group>,
}

pub async fn stats(
    state: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Stats, ApiError> {
    let db = &state.db;
    let ids = scope::communities_within(db, me, community_id).await?;
    let _turn = bulkhead::heavy_turn(state).await?;
    let offset = state.local_offset;
    let start = |d: NaiveDate| crate::clock::local_midnight(d, offset);
    let requests =
        store::stats::posted_between(db, &ids, from.map(start), to.and_then(|d| d.succ_opt()).map(start)).await?;
    let req_ids: Vec<_> = requests.iter().map(|r| r.id).collect();
    let accepted = store::stats::first_taken(db, &req_ids).await?;
    let overdue = store::stats::marked(db, &req_ids, Level::Overdue).await?;
    let categories: HashMap<_, (String, String)> = store::directory::categories(db, false)
        .await?
        .into_iter()
        .map(|c| {
            let name = Lang::current().pick(&c.name_zh, &c.name_en).to_owned();
            (c.id, (c.code, name))
        })
        .collect();
    let grids = store::stats::grid_names(db).await?;
    let workers = store::users::by_ids(
        db,
        store::users::ids_with_role(db, crate::domain::Role::GridWorker, &ids).await?,
    )
    .await?;
    let row = |r: &HelpRequest| Row {
        created_at: r.created_at,
        accepted_at: accepted.get(&r.id).copied(),
        closed_at: r.closed_at.filter(|_| r.status == Status::Closed),
        overdue: overdue.contains(&r.id),
        rating: r.rating,
    };
    let rows: Vec<Row> = requests.iter().map(row).collect();
    let by = |key: &dyn Fn(&HelpRequest) -> String| -> Vec<(String, Row)> {
        requests.iter().map(|r| (key(r), row(r))).collect()
    };
    let category_rows = by(&|r| categories.get(&r.category_id).map(|c| c.0.clone()).unwrap_or_default());
    let grid_rows = by(&|r| r.grid_id.map(|g| g.to_string()).unwrap_or_default());
    let month_rows = by(&|r| local_date(r.created_at, offset).format("%Y-%m").to_string());
    let source_rows = by(&|r| r.source.as_str().to_owned());
    let worker_rows: Vec<(i64, Row)> = requests
        .iter()
        .filter(|r| workers.contains_key(&r.entered_by))
        .map(|r| (r.entered_by.0, row(r)))
        .collect();
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
                    .and_then(|g| grids.get(&crate::domain::GridId(g)).cloned())
                    .unwrap_or_else(|| Msg::new("stats.no_grid").render(Lang::current())),
                key,
                figures,
            })
            .collect(),
        by_grid_worker: grouped(&worker_rows)
            .into_iter()
            .map(|(key, figures)| Group {
                name: workers
                    .get(&crate::domain::UserId(key))
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                key: key.to_string(),
                figures,
            })
            .collect(),
        by_source: grouped(&source_rows)
            .into_iter()
            .map(|(key, figures)| Group {
                name: Msg::new(format!("source.{key}")).render(Lang::current()),
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

/// One community on the street overview (街道总览).
#[derive(Debug, Serialize)]
pub struct CommunityOverview {
    pub id: CommunityId,
    pub name: String,
    /// Neither closed nor cancelled.
    pub open: u64,
    /// Open requests overdue (or escalated) / at risk now, per 督查.
    pub overdue: u64,
    pub at_risk: u64,
    /// Posted / closed among those posted this local month.
    pub received_month: u64,
    pub closed_month: u64,
    /// 办结率 this month: closed ÷ received.
    pub completion_rate: f64,
    pub members_active: u64,
    pub avg_rating: Option<f64>,
    /// 12345 work orders received this local month and last.
    #[serde(flatten)]
    pub hotline: Hotline,
}

/// 12345 work orders this month and last, and the change (环比: the
/// seed report's −20.29 % is this figure).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Hotline {
    pub hotline_month: u64,
    pub hotline_last_month: u64,
    /// (this − last) ÷ last, to four places; none when last month had none.
    pub hotline_change: Option<f64>,
}

impl Hotline {
    fn of(month: u64, last: u64) -> Hotline {
        Hotline {
            hotline_month: month,
            hotline_last_month: last,
            hotline_change: crate::domain::stats::change(month, last),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub communities: Vec<CommunityOverview>,
    /// The whole street's 12345 orders.
    pub hotline: Hotline,
}

/// 街道总览: every community the caller administers (a street admin's whole
/// street, an admin's own community), side by side.
pub async fn overview(state: &AppState, me: &CurrentUser) -> Result<Overview, ApiError> {
    let db = &state.db;
    scope::require_admin(me)?;
    let ids = scope::communities_within(db, me, None).await?;
    let _turn = bulkhead::heavy_turn(state).await?;
    let today = state.clock.today(state.local_offset);
    let month_start = today.with_day(1).unwrap_or(today);
    let (open, members) = store::stats::open_and_members(db, &ids).await?;
    let names: HashMap<CommunityId, String> = store::directory::communities(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let watch = crate::services::supervision::list(state, me, None).await?;
    let last_start = (month_start - chrono::Months::new(1)).max(NaiveDate::MIN);
    let instant = |d: NaiveDate| crate::clock::local_midnight(d, state.local_offset);
    let hotline = |from: NaiveDate, to: NaiveDate| {
        store::stats::count_by_source(db, &ids, Source::Hotline, instant(from), instant(to))
    };
    let (this_month, last_month) = (
        hotline(month_start, month_start + chrono::Months::new(1)).await?,
        hotline(last_start, month_start).await?,
    );
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let month = stats(state, me, Some(id), Some(month_start), None).await?.total;
        let late = |pick: fn(Level) -> bool| {
            let mut seen: Vec<_> = watch
                .iter()
                .filter(|w| w.community_id == id && pick(w.level))
                .map(|w| w.request_id)
                .collect();
            seen.sort_unstable_by_key(|r| r.0);
            seen.dedup();
            u64::try_from(seen.len()).unwrap_or(0)
        };
        out.push(CommunityOverview {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
            open: open.get(&id).copied().unwrap_or(0),
            overdue: late(|l| l != Level::AtRisk),
            at_risk: late(|l| l == Level::AtRisk),
            received_month: month.received,
            closed_month: month.closed,
            completion_rate: month.completion_rate,
            members_active: members.get(&id).copied().unwrap_or(0),
            avg_rating: month.avg_rating,
            hotline: Hotline::of(
                this_month.get(&id).copied().unwrap_or(0),
                last_month.get(&id).copied().unwrap_or(0),
            ),
        });
    }
    let street = Hotline::of(this_month.values().sum(), last_month.values().sum());
    Ok(Overview {
        communities: out,
        hotline: street,
    })
}
