//! Spreadsheets for admins: service records (志愿服务记录), and the quarterly
//! report per employer on in-service party members (在职党员) for their
//! employer's party organisation. Each export is audit-logged: it carries
//! personal data out of the system.

use crate::auth::CurrentUser;
use crate::documents::{Cell, Sheet, workbook};
use crate::domain::board::Period;
use crate::domain::ledger::RecordKind;
use crate::domain::member::MemberKind;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use crate::services::{audit, scope};
use crate::state::AppState;
use crate::store::{self, members::Profile};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

pub const MAX_ROWS: u64 = 200_000;

async fn community_names(app: &AppState, ids: &[CommunityId]) -> Result<HashMap<CommunityId, String>, ApiError> {
    Ok(store::directory::communities(&app.db)
        .await?
        .into_iter()
        .filter(|c| ids.contains(&c.id))
        .map(|c| (c.id, c.name))
        .collect())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn kind_zh(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Service => "服务",
        RecordKind::Reversal => "冲正",
        RecordKind::Correction => "更正",
    }
}

/// Service records of the caller's communities between two dates (inclusive).
pub async fn service_records(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<u8>, ApiError> {
    let db = &app.db;
    let ids = scope::communities_within(db, me, community_id).await?;
    let mut rows = store::exports::records_in(db, &ids, from, to, MAX_ROWS + 1).await?;
    let cut = rows.len() as u64 > MAX_ROWS;
    rows.truncate(MAX_ROWS as usize);
    let people = store::users::by_ids(db, rows.iter().map(|r| r.member_id).collect()).await?;
    let communities = community_names(app, &ids).await?;
    let headers = [
        "记录编号",
        "姓名",
        "社区",
        "活动名称",
        "服务日期",
        "服务地点",
        "服务内容",
        "时长（小时）",
        "评价（星）",
        "类型",
        "组织单位",
        "负责人",
        "需求编号",
        "备注",
    ];
    let mut out: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Int(r.id.0),
                text(people.get(&r.member_id).map(|u| u.name.clone()).unwrap_or_default()),
                text(communities.get(&r.community_id).cloned().unwrap_or_default()),
                text(r.activity.clone()),
                Cell::Date(r.service_date),
                text(r.place.clone()),
                text(r.content.clone()),
                Cell::Num(f64::from(r.minutes) / 60.0),
                r.rating.map_or(Cell::Empty, |s| Cell::Int(i64::from(s))),
                text(kind_zh(r.kind)),
                text(r.organiser.clone()),
                text(r.person_in_charge.clone()),
                r.request_id.map_or(Cell::Empty, |id| Cell::Int(id.0)),
                text(r.reason.clone().unwrap_or_default()),
            ]
        })
        .collect();
    if cut {
        out.push(vec![text(format!("仅导出前 {MAX_ROWS} 条，请缩小日期范围"))]);
    }
    audit::log(
        db,
        app.clock.now(),
        me.id,
        Some(community_id.unwrap_or(me.community_id)),
        "export.service_records",
        ("community", community_id.map(|c| c.0)),
        serde_json::json!({ "from": from, "to": to, "rows": rows.len() }),
    )
    .await?;
    Ok(workbook(&[Sheet {
        name: "志愿服务记录".into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: out,
    }])?)
}

#[derive(Default)]
struct Figures {
    minutes: i64,
    services: i64,
    rating_sum: i64,
    rated: i64,
    points: i64,
}

/// 在职党员季度报告: a summary sheet by employer and one sheet per employer
/// listing its party members' service in the quarter containing `day`.
pub async fn employer_report(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    day: NaiveDate,
) -> Result<Vec<u8>, ApiError> {
    let db = &app.db;
    let ids = scope::communities_within(db, me, community_id).await?;
    let span = Period::Quarter.span(day);
    let (from, to) = span
        .range
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a quarter has a range")))?;
    let profiles = store::exports::members_of_kind(db, &ids, MemberKind::PartyMember).await?;
    let member_ids: Vec<UserId> = profiles.iter().map(|p| p.user_id).collect();
    let mut figures: HashMap<UserId, Figures> = HashMap::new();
    for (m, minutes, services, rating_sum, rated) in store::exports::service_figures(db, &member_ids, from, to).await? {
        let f = figures.entry(m).or_default();
        f.minutes = minutes;
        f.services = services;
        f.rating_sum = rating_sum;
        f.rated = rated;
    }
    for (m, points) in store::exports::earned_points(db, &member_ids, from, to).await? {
        figures.entry(m).or_default().points = points;
    }
    let people = store::users::by_ids(db, member_ids).await?;
    let communities = community_names(app, &ids).await?;
    let mut by_employer: BTreeMap<String, Vec<&Profile>> = BTreeMap::new();
    for p in &profiles {
        let employer = p
            .details
            .employer
            .clone()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or_else(|| "（未填写单位）".into());
        by_employer.entry(employer).or_default().push(p);
    }
    let none = Figures::default();
    let member_row = |p: &Profile| -> Vec<Cell> {
        let f = figures.get(&p.user_id).unwrap_or(&none);
        vec![
            text(people.get(&p.user_id).map(|u| u.name.clone()).unwrap_or_default()),
            text(p.details.party_branch.clone().unwrap_or_default()),
            text(communities.get(&p.community_id).cloned().unwrap_or_default()),
            Cell::Num(f.minutes as f64 / 60.0),
            Cell::Int(f.services),
            Cell::Int(f.points),
            if f.rated > 0 {
                Cell::Num(f.rating_sum as f64 / f.rated as f64)
            } else {
                Cell::Empty
            },
            text(if f.services > 0 { "已参加" } else { "未参加服务" }),
        ]
    };
    let detail_headers: Vec<String> = [
        "姓名",
        "党支部",
        "报到社区",
        "本季度服务时长（小时）",
        "服务次数",
        "获得积分",
        "平均评价",
        "情况",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect();
    let mut sheets = vec![Sheet {
        name: format!("{} 汇总", span.key),
        headers: [
            "工作单位",
            "报到党员人数",
            "参加服务人数",
            "服务时长（小时）",
            "服务次数",
            "获得积分",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect(),
        rows: by_employer
            .iter()
            .map(|(employer, ps)| {
                let fs: Vec<&Figures> = ps.iter().map(|p| figures.get(&p.user_id).unwrap_or(&none)).collect();
                vec![
                    text(employer.clone()),
                    Cell::Int(ps.len() as i64),
                    Cell::Int(fs.iter().filter(|f| f.services > 0).count() as i64),
                    Cell::Num(fs.iter().map(|f| f.minutes).sum::<i64>() as f64 / 60.0),
                    Cell::Int(fs.iter().map(|f| f.services).sum()),
                    Cell::Int(fs.iter().map(|f| f.points).sum()),
                ]
            })
            .collect(),
    }];
    for (employer, ps) in &by_employer {
        sheets.push(Sheet {
            name: employer.clone(),
            headers: detail_headers.clone(),
            rows: ps.iter().map(|p| member_row(p)).collect(),
        });
    }
    audit::log(
        db,
        app.clock.now(),
        me.id,
        Some(community_id.unwrap_or(me.community_id)),
        "export.employer_report",
        ("community", community_id.map(|c| c.0)),
        serde_json::json!({ "quarter": span.key, "members": profiles.len() }),
    )
    .await?;
    Ok(workbook(&sheets)?)
}
