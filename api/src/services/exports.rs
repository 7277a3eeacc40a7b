//! Spreadsheets for admins: service records (志愿服务记录), and the quarterly
//! report per employer on in-service party members (在职党员) for their
//! employer's party organisation. Each export is audit-logged: it carries
//! personal data out of the system.

use crate::auth::CurrentUser;
use crate::documents::{Cell, Sheet, workbook};
use crate::domain::board::Period;
use crate::domain::member::MemberKind;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::{self, Msg};
use crate::msg;
use crate::services::{audit, bulkhead, scope};
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

/// Spreadsheets speak the exporting admin's language.
fn say(m: Msg) -> String {
    m.render(Lang::current())
}

fn headers(keys: &[&'static str]) -> Vec<String> {
    keys.iter().map(|k| say(Msg::new(*k))).collect()
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
    let _turn = bulkhead::heavy_turn(app).await?;
    let mut rows = store::exports::records_in(db, &ids, from, to, MAX_ROWS + 1).await?;
    let cut = rows.len() as u64 > MAX_ROWS;
    rows.truncate(MAX_ROWS as usize);
    let people = store::users::by_ids(db, rows.iter().map(|r| r.member_id).collect()).await?;
    let communities = community_names(app, &ids).await?;
    let headers = headers(&[
        "export.records.id",
        "export.records.name",
        "export.records.community",
        "export.records.activity",
        "export.records.date",
        "export.records.place",
        "export.records.content",
        "export.records.hours",
        "export.records.rating",
        "export.records.kind",
        "export.records.organiser",
        "export.records.person_in_charge",
        "export.records.request",
        "export.records.reason",
    ]);
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
                text(say(messages::record_kind(r.kind))),
                text(r.organiser.clone()),
                text(r.person_in_charge.clone()),
                r.request_id.map_or(Cell::Empty, |id| Cell::Int(id.0)),
                text(r.reason.clone().unwrap_or_default()),
            ]
        })
        .collect();
    if cut {
        out.push(vec![text(say(msg!("export.records.cut", max = MAX_ROWS)))]);
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
        name: say(Msg::new("export.records.sheet")),
        headers,
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
    let _turn = bulkhead::heavy_turn(app).await?;
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
            .unwrap_or_else(|| say(Msg::new("export.employer.no_employer")));
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
            text(say(Msg::new(if f.services > 0 {
                "export.employer.served"
            } else {
                "export.employer.not_served"
            }))),
        ]
    };
    let detail_headers = headers(&[
        "export.employer.name",
        "export.employer.branch",
        "export.employer.community",
        "export.employer.hours",
        "export.employer.services",
        "export.employer.points",
        "export.employer.rating",
        "export.employer.state",
    ]);
    let mut sheets = vec![Sheet {
        name: say(msg!("export.employers.sheet", quarter = span.key.as_str())),
        headers: headers(&[
            "export.employers.employer",
            "export.employers.members",
            "export.employers.served",
            "export.employers.hours",
            "export.employers.services",
            "export.employers.points",
        ]),
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

/// 街道总览 as a spreadsheet: every community in the caller's scope, this
/// month's figures and the 12345 orders against last month, with the
/// street's totals last — 办结率 and 环比 as percentages (96.6, −20.29).
pub async fn street_overview(app: &AppState, me: &CurrentUser) -> Result<Vec<u8>, ApiError> {
    let o = crate::services::stats::overview(app, me).await?;
    let pct = |x: Option<f64>| x.map_or(Cell::Empty, |x| Cell::Num((x * 1000.0).round() / 10.0));
    let change = |x: Option<f64>| x.map_or(Cell::Empty, |x| Cell::Num((x * 10_000.0).round() / 100.0));
    let int = |n: u64| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut rows: Vec<Vec<Cell>> = o
        .communities
        .iter()
        .map(|c| {
            vec![
                text(c.name.clone()),
                int(c.open),
                int(c.overdue),
                int(c.received_month),
                int(c.closed_month),
                pct((c.received_month > 0).then_some(c.completion_rate)),
                int(c.hotline.hotline_month),
                int(c.hotline.hotline_last_month),
                change(c.hotline.hotline_change),
            ]
        })
        .collect();
    let sum = |f: fn(&crate::services::stats::CommunityOverview) -> u64| o.communities.iter().map(f).sum::<u64>();
    let (received, closed) = (sum(|c| c.received_month), sum(|c| c.closed_month));
    rows.push(vec![
        text(say(Msg::new("export.street.total"))),
        int(sum(|c| c.open)),
        int(sum(|c| c.overdue)),
        int(received),
        int(closed),
        pct((received > 0).then(|| closed as f64 / received as f64)),
        int(o.hotline.hotline_month),
        int(o.hotline.hotline_last_month),
        change(o.hotline.hotline_change),
    ]);
    let sheet = Sheet {
        name: say(Msg::new("export.street.sheet")),
        headers: headers(&[
            "export.street.community",
            "export.street.open",
            "export.street.overdue",
            "export.street.received",
            "export.street.closed",
            "export.street.completion",
            "export.street.hotline",
            "export.street.hotline_last",
            "export.street.hotline_change",
        ]),
        rows,
    };
    workbook(&[sheet]).map_err(ApiError::Internal)
}
