//! Spreadsheets for admins: service records (志愿服务记录), and the quarterly
//! report per employer on in-service party members (在职党员) for their
//! employer's party organisation. Each export is audit-logged: it carries
//! personal data out of the system.

use crate::auth::CurrentUser;
use crate::documents::{Cell, Sheet, workbook};
use crate::domain::board::Period;
use crate::domain::member::MemberKind;
use crate::error::ApiError;
use crate::services::audit;
use crate::services::ledger::{rated_count, rating_sum, sum_i64};
use crate::services::users::{admin_scope_within, users_by_id};
use chrono::NaiveDate;
use entity::{community, member_profile, points_entry, service_record};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{BTreeMap, HashMap};

/// More rows than any community produces in years; a street-wide export of
/// all time is cut here (the sheet says so).
pub const MAX_ROWS: u64 = 200_000;

async fn community_names(db: &DatabaseConnection, ids: &[i64]) -> Result<HashMap<i64, String>, ApiError> {
    Ok(community::Entity::find()
        .filter(community::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "service" => "服务",
        "reversal" => "冲正",
        "correction" => "更正",
        _ => "其他",
    }
}

/// Service records of the caller's communities between two dates (inclusive).
pub async fn service_records(
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: Option<i64>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<u8>, ApiError> {
    let ids = admin_scope_within(db, me, community_id).await?;
    let mut q = service_record::Entity::find()
        .filter(service_record::Column::CommunityId.is_in(ids.clone()))
        .order_by_asc(service_record::Column::ServiceDate)
        .order_by_asc(service_record::Column::Id)
        .limit(MAX_ROWS + 1);
    if let Some(f) = from {
        q = q.filter(service_record::Column::ServiceDate.gte(f));
    }
    if let Some(t) = to {
        q = q.filter(service_record::Column::ServiceDate.lte(t));
    }
    let mut rows = q.all(db).await?;
    let cut = rows.len() as u64 > MAX_ROWS;
    rows.truncate(MAX_ROWS as usize);
    let people = users_by_id(db, rows.iter().map(|r| r.member_id).collect()).await?;
    let communities = community_names(db, &ids).await?;
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
                Cell::Int(r.id),
                text(people.get(&r.member_id).map(|u| u.name.clone()).unwrap_or_default()),
                text(communities.get(&r.community_id).cloned().unwrap_or_default()),
                text(r.activity.clone()),
                Cell::Date(r.service_date),
                text(r.place.clone()),
                text(r.content.clone()),
                Cell::Num(f64::from(r.minutes) / 60.0),
                r.rating.map_or(Cell::Empty, |s| Cell::Int(i64::from(s))),
                text(kind_zh(&r.kind)),
                text(r.organiser.clone()),
                text(r.person_in_charge.clone()),
                r.request_id.map_or(Cell::Empty, Cell::Int),
                text(r.reason.clone().unwrap_or_default()),
            ]
        })
        .collect();
    if cut {
        out.push(vec![text(format!("仅导出前 {MAX_ROWS} 条，请缩小日期范围"))]);
    }
    audit::log(
        db,
        me.id,
        Some(community_id.unwrap_or(me.community_id)),
        "export.service_records",
        ("community", community_id),
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
    db: &DatabaseConnection,
    me: &CurrentUser,
    community_id: Option<i64>,
    day: NaiveDate,
) -> Result<Vec<u8>, ApiError> {
    let ids = admin_scope_within(db, me, community_id).await?;
    let span = Period::Quarter.span(day);
    let (from, to) = span
        .range
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a quarter has a range")))?;
    let profiles = member_profile::Entity::find()
        .filter(member_profile::Column::CommunityId.is_in(ids.clone()))
        .filter(member_profile::Column::Kind.eq(MemberKind::PartyMember.as_str()))
        .all(db)
        .await?;
    let member_ids: Vec<i64> = profiles.iter().map(|p| p.user_id).collect();
    let mut figures: HashMap<i64, Figures> = HashMap::new();
    use service_record::Column as R;
    let served: Vec<(i64, i64, i64, i64, i64)> = service_record::Entity::find()
        .select_only()
        .column(R::MemberId)
        .column_as(sum_i64(R::Minutes), "minutes")
        .column_as(sum_i64(R::Sign), "services")
        .column_as(rating_sum(), "rsum")
        .column_as(rated_count(), "rated")
        .filter(R::MemberId.is_in(member_ids.clone()))
        .filter(R::ServiceDate.between(from, to))
        .group_by(R::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    for (m, minutes, services, rating_sum, rated) in served {
        let f = figures.entry(m).or_default();
        f.minutes = minutes;
        f.services = services;
        f.rating_sum = rating_sum;
        f.rated = rated;
    }
    use points_entry::Column as P;
    let earned: Vec<(i64, i64)> = points_entry::Entity::find()
        .select_only()
        .column(P::MemberId)
        .column_as(sum_i64(P::Points), "points")
        .filter(P::MemberId.is_in(member_ids.clone()))
        .filter(P::Earned.eq(true))
        .filter(P::OccurredOn.between(from, to))
        .group_by(P::MemberId)
        .into_tuple()
        .all(db)
        .await?;
    for (m, points) in earned {
        figures.entry(m).or_default().points = points;
    }
    let people = users_by_id(db, member_ids).await?;
    let communities = community_names(db, &ids).await?;
    let mut by_employer: BTreeMap<String, Vec<&member_profile::Model>> = BTreeMap::new();
    for p in &profiles {
        let employer = p
            .employer
            .clone()
            .filter(|e| !e.trim().is_empty())
            .unwrap_or_else(|| "（未填写单位）".into());
        by_employer.entry(employer).or_default().push(p);
    }
    let none = Figures::default();
    let member_row = |p: &member_profile::Model| -> Vec<Cell> {
        let f = figures.get(&p.user_id).unwrap_or(&none);
        vec![
            text(people.get(&p.user_id).map(|u| u.name.clone()).unwrap_or_default()),
            text(p.party_branch.clone().unwrap_or_default()),
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
        me.id,
        Some(community_id.unwrap_or(me.community_id)),
        "export.employer_report",
        ("community", community_id),
        serde_json::json!({ "quarter": span.key, "members": profiles.len() }),
    )
    .await?;
    Ok(workbook(&sheets)?)
}
