//! 周期服务 / 结对帮扶 — a recurring need (a resident, a category, a
//! weekly / biweekly / monthly pattern in local time, two dates) and,
//! optionally, the member paired with the resident. The generator (run by
//! the sweeper, and once when a series is made) posts each occurrence's
//! request `series_lead_days` ahead and dispatches it to the pair as 系统;
//! `(series_id, occurrence_on)` is unique, so two replicas or a restart
//! never make one twice. Editing changes the occurrences not yet made;
//! pausing stops making them (resuming does not back-fill); ending cancels
//! those made for later that nobody has started.

use crate::auth::CurrentUser;
use crate::domain::matching::GeoPoint;
use crate::domain::request::{Action, Status, Step};
use crate::domain::series::{Pattern, Schedule, ScheduleProblem, SeriesStatus};
use crate::domain::{CommunityId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::Msg;
use crate::msg;
use crate::services::members::{self, Room};
use crate::services::requests::{self, Acting, Env, Note, PersonRef};
use crate::services::{audit, directory, scope};
use crate::state::AppState;
use crate::store::{
    self,
    requests::{HelpRequest, NewEvent, NewRequest},
    series::{Details, Series},
};
use chrono::{Duration, NaiveDate, TimeZone};
use serde::Serialize;

/// What an admin (or a resident, for themselves) gives.
#[derive(Debug, Clone)]
pub struct SeriesInput {
    /// For whom (admins); a resident's own series leave it empty.
    pub resident_id: Option<UserId>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub address: String,
    pub location: Option<GeoPoint>,
    pub pattern: Pattern,
    pub weekday: Option<u32>,
    pub day_of_month: Option<u32>,
    /// Local time of day, minutes after midnight.
    pub minute_of_day: i32,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The paired member (结对), admins only.
    pub member_id: Option<UserId>,
}

/// Pause, resume or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Pause,
    Resume,
    End,
}

#[derive(Debug, Serialize, Default, Clone, Copy)]
pub struct History {
    /// Occurrences served (completed, rated or closed).
    pub done: usize,
    /// Cancelled, or their day passed and nobody served them.
    pub missed: usize,
    /// Still to come (or being served).
    pub upcoming: usize,
}

#[derive(Debug, Serialize)]
pub struct OccurrenceView {
    pub request_id: crate::domain::RequestId,
    pub on: NaiveDate,
    pub status: Status,
    pub status_label: String,
    pub assignee: Option<PersonRef>,
}

#[derive(Debug, Serialize)]
pub struct SeriesView {
    pub id: i64,
    pub community_id: CommunityId,
    pub resident: PersonRef,
    /// The paired member (结对).
    pub member: Option<PersonRef>,
    pub category: requests::CategoryRef,
    pub title: String,
    pub description: String,
    pub address: String,
    pub pattern: Pattern,
    pub weekday: Option<u32>,
    pub day_of_month: Option<u32>,
    /// Local time, `HH:MM`.
    pub time: String,
    /// In words: 每周二 09:00.
    pub schedule_label: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: SeriesStatus,
    pub status_label: String,
    pub version: i32,
    /// The next day it falls due (from today), if any.
    pub next_on: Option<NaiveDate>,
    pub history: History,
    /// In the single view: each occurrence made so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrences: Option<Vec<OccurrenceView>>,
    /// The caller may edit, pause, resume or end it.
    pub can_manage: bool,
}

fn problem(p: ScheduleProblem) -> ApiError {
    ApiError::field(p.field(), "invalid", Msg::new(format!("field.series.{}", p.field())))
}

fn schedule_label(s: &Series, lang: Lang) -> String {
    let time = format!("{:02}:{:02}", s.minute_of_day / 60, s.minute_of_day % 60);
    let day = match s.schedule.pattern {
        Pattern::Monthly => msg!("series.monthly", day = s.schedule.day_of_month.unwrap_or(1)),
        p => Msg::new(format!("series.{}", p.as_str())).with(
            "weekday",
            Msg::new(format!("weekday.{}", s.schedule.weekday.unwrap_or(1))),
        ),
    };
    format!("{} {time}", day.render(lang))
}

/// The request's instant for an occurrence day, in the community's offset.
fn due_at(env: Env<'_>, day: NaiveDate, minute_of_day: i32) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = day.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute_of_day));
    env.offset
        .from_local_datetime(&t)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

async fn check_details(app: &AppState, community: CommunityId, input: &SeriesInput) -> Result<Details, ApiError> {
    let category = directory::category_by_code(app, &input.category, "category").await?;
    let schedule = Schedule {
        pattern: input.pattern,
        weekday: input.weekday,
        day_of_month: input.day_of_month,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
    };
    schedule.check().map_err(problem)?;
    if !(0..24 * 60).contains(&input.minute_of_day) {
        return Err(ApiError::field("time", "invalid", msg!("field.series.time")));
    }
    if let Some(m) = input.member_id
        && matches!(members::room(&app.db, m, community, None).await?, Room::NotMember)
    {
        return Err(ApiError::field(
            "member_id",
            "not_member",
            msg!("field.assignee_id.not_member"),
        ));
    }
    Ok(Details {
        category_id: category.id,
        title: input.title.trim().to_owned(),
        description: input.description.trim().to_owned(),
        address: input.address.trim().to_owned(),
        location: input.location,
        schedule,
        minute_of_day: input.minute_of_day,
        member_id: input.member_id,
    })
}

/// A new series; its first occurrences are made at once.
pub async fn create(app: &AppState, me: &CurrentUser, input: SeriesInput) -> Result<SeriesView, ApiError> {
    let db = &app.db;
    let resident = match (me.role, input.resident_id) {
        (Role::Resident, None) => store::users::find(db, me.id).await?,
        (Role::Resident, Some(r)) if r == me.id => store::users::find(db, me.id).await?,
        (Role::Admin | Role::StreetAdmin, Some(r)) => store::users::find(db, r).await?,
        (Role::Admin | Role::StreetAdmin, None) => {
            return Err(ApiError::field(
                "resident_id",
                "required",
                msg!("field.series.resident"),
            ));
        }
        _ => return Err(ApiError::Forbidden),
    }
    .ok_or_else(|| ApiError::field("resident_id", "unknown", msg!("field.resident_id.unknown")))?;
    let admin = me.role != Role::Resident;
    if admin {
        scope::require_admin_of(db, me, resident.community_id).await?;
    } else if input.member_id.is_some() {
        return Err(ApiError::field(
            "member_id",
            "admin_only",
            msg!("field.series.pair_admin"),
        ));
    }
    let details = check_details(app, resident.community_id, &input).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let s = store::series::insert(
        &txn,
        resident.community_id,
        resident.grid_id,
        resident.id,
        me.id,
        &details,
        now,
    )
    .await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(s.community_id),
        "series.create",
        ("series", Some(s.id)),
        serde_json::json!({"resident": resident.id.0, "member": s.member_id.map(|m| m.0), "title": s.title}),
    )
    .await?;
    txn.commit().await?;
    generate_one(app, &s).await?;
    view_one(app, me, s, false).await
}

/// Makes the occurrences of every active series due within the lead time.
/// Safe with several replicas: each occurrence is inserted once.
pub async fn generate(app: &AppState) -> Result<usize, ApiError> {
    let mut made = 0;
    for s in store::series::active(&app.db).await? {
        made += generate_one(app, &s).await?;
    }
    Ok(made)
}

async fn generate_one(app: &AppState, s: &Series) -> Result<usize, ApiError> {
    if s.status != SeriesStatus::Active {
        return Ok(0);
    }
    let env = Env::of(app);
    let today = app.clock.today(app.local_offset);
    let horizon = today + Duration::days(app.settings.series_lead_days.max(0));
    let mut made = 0;
    for day in s.schedule.occurrences(today.max(s.schedule.starts_on), horizon) {
        let Some(when) = due_at(env, day, s.minute_of_day) else {
            continue;
        };
        if when <= env.now {
            continue; // today's time has passed: not made after the fact
        }
        let resident = store::users::find(&app.db, s.resident_id).await?;
        let phone = resident.map(|r| r.phone).unwrap_or_default();
        let category = store::directory::category(&app.db, s.category_id)
            .await?
            .ok_or(ApiError::NotFound("category"))?;
        let txn = store::begin_write(&app.writer).await?;
        let made_now = store::requests::insert_unless_taken(
            &txn,
            NewRequest {
                community_id: s.community_id,
                grid_id: s.grid_id,
                resident_id: s.resident_id,
                entered_by: s.created_by,
                category_id: s.category_id,
                title: &s.title,
                description: &s.description,
                address: &s.address,
                contact_phone: &phone,
                preferred_time: Some(when),
                urgency: crate::domain::request::Urgency::Normal,
                due_at: Some(env.now + Duration::hours(i64::from(category.sla_hours))),
                location: s.location,
                similar_to: None,
                occurrence: Some((s.id, day)),
                source: crate::domain::source::Source::Proxy,
                external_ref: None,
            },
            env.now,
        )
        .await?;
        let Some(req) = made_now else {
            txn.rollback().await?;
            continue;
        };
        store::requests::insert_event(
            &txn,
            NewEvent {
                request_id: req.id,
                actor_id: None,
                step: Step::Create,
                from_status: None,
                to_status: Status::Pending,
                note: None,
                note_key: Some("timeline.series_occurrence"),
            },
            env.now,
        )
        .await?;
        txn.commit().await?;
        made += 1;
        if let Some(member) = s.member_id {
            pair(app, &req, member).await;
        }
    }
    Ok(made)
}

/// Dispatches an occurrence to the pair as 系统; if they cannot take it
/// (full, suspended, no longer qualified) it waits for the admins.
async fn pair(app: &AppState, req: &HelpRequest, member: UserId) {
    let done = requests::act_as(
        app,
        Acting::System,
        req.id,
        Action::Dispatch { assignee: member },
        Note::key("timeline.series_pair"),
    )
    .await;
    if let Err(e) = done {
        tracing::info!(request = %req.id, error = %e, "series occurrence left for the admins to dispatch");
    }
}

fn history(rows: &[HelpRequest], today: NaiveDate) -> History {
    let mut h = History::default();
    for r in rows {
        let day = r.occurrence.map(|o| o.1).unwrap_or(today);
        match r.status {
            Status::Completed | Status::Reviewed | Status::Closed => h.done += 1,
            Status::Cancelled => h.missed += 1,
            Status::Pending | Status::Dispatched | Status::Open | Status::Accepted if day < today => h.missed += 1,
            _ => h.upcoming += 1,
        }
    }
    h
}

async fn may_manage(app: &AppState, me: &CurrentUser, s: &Series) -> Result<bool, ApiError> {
    Ok(scope::administers(&app.db, me, s.community_id).await? || (me.id == s.created_by && me.id == s.resident_id))
}

async fn view_one(app: &AppState, me: &CurrentUser, s: Series, with_occurrences: bool) -> Result<SeriesView, ApiError> {
    let db = &app.db;
    let lang = Lang::current();
    let today = app.clock.today(app.local_offset);
    let rows = store::requests::of_series(db, s.id).await?;
    let users = store::users::by_ids(
        db,
        [Some(s.resident_id), s.member_id]
            .into_iter()
            .flatten()
            .chain(rows.iter().filter_map(|r| r.assignee_id))
            .collect(),
    )
    .await?;
    let person = |id: UserId| PersonRef::named(&users, id);
    let category = store::directory::category(db, s.category_id).await?;
    let next_on = if s.status == SeriesStatus::Active {
        s.schedule
            .occurrences(today.max(s.schedule.starts_on), today + Duration::days(62))
            .into_iter()
            .next()
    } else {
        None
    };
    let occurrences = with_occurrences.then(|| {
        rows.iter()
            .map(|r| OccurrenceView {
                request_id: r.id,
                on: r.occurrence.map_or(today, |o| o.1),
                status: r.status,
                status_label: crate::messages::status(r.status).render(lang),
                assignee: r.assignee_id.map(person),
            })
            .collect()
    });
    Ok(SeriesView {
        id: s.id,
        community_id: s.community_id,
        resident: person(s.resident_id),
        member: s.member_id.map(person),
        category: requests::CategoryRef {
            code: category.as_ref().map(|c| c.code.clone()).unwrap_or_default(),
            name: category
                .as_ref()
                .map(|c| lang.pick(&c.name_zh, &c.name_en).to_owned())
                .unwrap_or_default(),
            qualification: None,
        },
        schedule_label: schedule_label(&s, lang),
        time: format!("{:02}:{:02}", s.minute_of_day / 60, s.minute_of_day % 60),
        title: s.title.clone(),
        description: s.description.clone(),
        address: s.address.clone(),
        pattern: s.schedule.pattern,
        weekday: s.schedule.weekday,
        day_of_month: s.schedule.day_of_month,
        starts_on: s.schedule.starts_on,
        ends_on: s.schedule.ends_on,
        status: s.status,
        status_label: Msg::new(format!("series.status.{}", s.status.as_str())).render(lang),
        version: s.version,
        next_on,
        history: history(&rows, today),
        occurrences,
        can_manage: may_manage(app, me, &s).await?,
    })
}

async fn find_visible(app: &AppState, me: &CurrentUser, id: i64) -> Result<Series, ApiError> {
    let s = store::series::find(&app.db, id)
        .await?
        .ok_or(ApiError::NotFound("series"))?;
    let party = s.resident_id == me.id || s.member_id == Some(me.id) || s.created_by == me.id;
    if !party && !scope::administers(&app.db, me, s.community_id).await? {
        return Err(ApiError::Forbidden);
    }
    Ok(s)
}

/// Admins: their communities' series; others: theirs (as resident or pair).
pub async fn list(app: &AppState, me: &CurrentUser) -> Result<Vec<SeriesView>, ApiError> {
    let rows = if me.authority().is_admin() {
        let cs = scope::communities(&app.db, me).await?;
        store::series::list(&app.db, Some(&cs), None).await?
    } else {
        store::series::list(&app.db, None, Some(me.id)).await?
    };
    let mut out = Vec::with_capacity(rows.len());
    for s in rows {
        out.push(view_one(app, me, s, false).await?);
    }
    Ok(out)
}

pub async fn get(app: &AppState, me: &CurrentUser, id: i64) -> Result<SeriesView, ApiError> {
    let s = find_visible(app, me, id).await?;
    view_one(app, me, s, true).await
}

/// Edits what occurrences not yet made will say (those made keep theirs).
pub async fn edit(
    app: &AppState,
    me: &CurrentUser,
    id: i64,
    input: SeriesInput,
    base_version: Option<i32>,
) -> Result<SeriesView, ApiError> {
    let s = find_visible(app, me, id).await?;
    if !may_manage(app, me, &s).await? {
        return Err(ApiError::Forbidden);
    }
    if input.member_id.is_some() && !scope::administers(&app.db, me, s.community_id).await? {
        return Err(ApiError::field(
            "member_id",
            "admin_only",
            msg!("field.series.pair_admin"),
        ));
    }
    if base_version.is_some_and(|v| v != s.version) {
        return Err(ApiError::Conflict);
    }
    let details = check_details(app, s.community_id, &input).await?;
    let now = app.clock.now();
    let saved = store::series::update(&app.db, &s, Some(&details), s.status, details.schedule.ends_on, now)
        .await?
        .ok_or(ApiError::Conflict)?;
    generate_one(app, &saved).await?;
    view_one(app, me, saved, true).await
}

/// Pause, resume or end a series. Ending cancels the occurrences made for
/// later that nobody has started.
pub async fn change(app: &AppState, me: &CurrentUser, id: i64, change: Change) -> Result<SeriesView, ApiError> {
    let s = find_visible(app, me, id).await?;
    if !may_manage(app, me, &s).await? {
        return Err(ApiError::Forbidden);
    }
    let today = app.clock.today(app.local_offset);
    let (status, ends_on) = match (change, s.status) {
        (_, SeriesStatus::Ended) => return Err(ApiError::field("status", "ended", msg!("field.series.ended"))),
        (Change::Pause, _) => (SeriesStatus::Paused, s.schedule.ends_on),
        (Change::Resume, _) => (SeriesStatus::Active, s.schedule.ends_on),
        (Change::End, _) => (SeriesStatus::Ended, Some(today.max(s.schedule.starts_on))),
    };
    let now = app.clock.now();
    let saved = store::series::update(&app.db, &s, None, status, ends_on, now)
        .await?
        .ok_or(ApiError::Conflict)?;
    if change == Change::End {
        for r in store::requests::of_series(&app.db, s.id).await? {
            let later = r.occurrence.is_some_and(|o| o.1 > today);
            if later && matches!(r.status, Status::Pending | Status::Dispatched | Status::Open) {
                let note = Note::key("timeline.series_ended");
                match requests::act_as(app, Acting::Person(me), r.id, Action::Cancel, note).await {
                    Ok(_) | Err(ApiError::InvalidTransition(_) | ApiError::Forbidden) => {}
                    Err(e) => return Err(e),
                }
            }
        }
    } else if change == Change::Resume {
        generate_one(app, &saved).await?;
    }
    view_one(app, me, saved, true).await
}
