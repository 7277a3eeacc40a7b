//! Service requests (`help_requests`) and their timeline (`request_events`).
//!
//! A transition is one version-guarded UPDATE (`… WHERE id = ? AND version
//! = ?`) that returns the row it wrote: when two people act at once exactly
//! one UPDATE matches.

use crate::domain::matching::GeoPoint;
use crate::domain::request::{Lapsed, State, Status, Step, Urgency};
use crate::domain::scope::{Viewer, Visibility};
use crate::domain::source::Source;
use crate::domain::{CategoryId, CommunityId, GridId, RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{enums as db, help_request, request_event};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
pub struct HelpRequest {
    pub id: RequestId,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub resident_id: UserId,
    /// Who posted it: the resident, or someone for them (代下单).
    pub entered_by: UserId,
    pub category_id: CategoryId,
    pub title: String,
    pub description: String,
    pub address: String,
    pub contact_phone: String,
    pub preferred_time: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    pub status: Status,
    pub assignee_id: Option<UserId>,
    pub due_at: Option<DateTime<Utc>>,
    pub service_minutes: Option<i32>,
    pub summary: Option<String>,
    pub rating: Option<i16>,
    pub review_comment: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub location: Option<GeoPoint>,
    /// When the current holder got it (fairness counts recent ones).
    pub assigned_at: Option<DateTime<Utc>>,
    /// 1, then +1 each time a follow-up reopens it (a close credits once per round).
    pub round: i32,
    /// The requester disputes the reported completion (争议).
    pub disputed: bool,
    /// At posting: the earlier request that looked the same (疑似重复).
    pub similar_to: Option<RequestId>,
    /// A duplicate merged into this request.
    pub merged_into: Option<RequestId>,
    /// An occurrence of a recurring need (周期服务): the series and the day.
    pub occurrence: Option<(i64, chrono::NaiveDate)>,
    /// 来源: where it came in.
    pub source: Source,
    /// Its number where it came from (a 12345 work order's 工单编号).
    pub external_ref: Option<String>,
}

impl HelpRequest {
    /// The part the state machine reads and writes.
    pub fn state(&self) -> State {
        State {
            status: self.status,
            resident_id: self.resident_id,
            entered_by: self.entered_by,
            assignee_id: self.assignee_id,
            service_minutes: self.service_minutes,
            summary: self.summary.clone(),
            rating: self.rating,
            review_comment: self.review_comment.clone(),
            disputed: self.disputed,
            merged_into: self.merged_into,
            lapsed: Lapsed::default(),
        }
    }

    /// The part that decides who may see it.
    pub fn visibility(&self) -> Visibility {
        Visibility {
            id: self.id,
            community_id: self.community_id,
            grid_id: self.grid_id,
            status: self.status,
            resident_id: self.resident_id,
            entered_by: self.entered_by,
            assignee_id: self.assignee_id,
        }
    }
}

pub(super) fn request_of(r: help_request::Model) -> HelpRequest {
    HelpRequest {
        id: RequestId(r.id),
        community_id: CommunityId(r.community_id),
        grid_id: r.grid_id.map(GridId),
        resident_id: UserId(r.resident_id),
        entered_by: UserId(r.entered_by),
        category_id: CategoryId(r.category_id),
        title: r.title,
        description: r.description,
        address: r.address,
        contact_phone: r.contact_phone,
        preferred_time: r.preferred_time,
        urgency: r.urgency.into(),
        status: r.status.into(),
        assignee_id: r.assignee_id.map(UserId),
        due_at: r.due_at,
        service_minutes: r.service_minutes,
        summary: r.summary,
        rating: r.rating,
        review_comment: r.review_comment,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
        closed_at: r.closed_at,
        location: GeoPoint::from_parts(r.lat, r.lng),
        assigned_at: r.assigned_at,
        round: r.round,
        disputed: r.disputed,
        similar_to: r.similar_to.map(RequestId),
        merged_into: r.merged_into.map(RequestId),
        occurrence: r.series_id.zip(r.occurrence_on),
        source: r.source.parse().unwrap_or_default(),
        external_ref: r.external_ref,
    }
}

/// The occurrences of a series, by day.
pub async fn of_series(db: &impl ConnectionTrait, series_id: i64) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    Ok(help_request::Entity::find()
        .filter(C::SeriesId.eq(series_id))
        .order_by_asc(C::OccurrenceOn)
        .all(db)
        .await?
        .into_iter()
        .map(request_of)
        .collect())
}

/// Recent requests of one community and category that a new one may
/// repeat: posted since `since` and still open (not closed, cancelled or
/// merged — a problem that was fixed and came back is a new report),
/// newest first, at most `limit`.
pub async fn recent_alike(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    category_id: CategoryId,
    since: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    Ok(help_request::Entity::find()
        .filter(C::CommunityId.eq(community_id.0))
        .filter(C::CategoryId.eq(category_id.0))
        .filter(C::CreatedAt.gte(since))
        .filter(C::Status.is_not_in([db::RequestStatus::Cancelled, db::RequestStatus::Closed]))
        .order_by_desc(C::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(request_of)
        .collect())
}

/// Bumps a request's version if it is still at `version` and not merged:
/// a merge into it takes it as a lock, so two requests cannot be merged
/// into each other at once. `false`: it changed meanwhile.
pub async fn touch(db: &impl ConnectionTrait, r: &HelpRequest, now: DateTime<Utc>) -> Result<bool, ApiError> {
    use help_request::Column as C;
    let done = help_request::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(r.id.0))
        .filter(C::Version.eq(r.version))
        .filter(C::MergedInto.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

pub async fn find(db: &impl ConnectionTrait, id: RequestId) -> Result<Option<HelpRequest>, ApiError> {
    Ok(help_request::Entity::find_by_id(id.0).one(db).await?.map(request_of))
}

/// A new request, `pending`.
pub struct NewRequest<'a> {
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
    pub resident_id: UserId,
    pub entered_by: UserId,
    pub category_id: CategoryId,
    pub title: &'a str,
    pub description: &'a str,
    pub address: &'a str,
    pub contact_phone: &'a str,
    pub preferred_time: Option<DateTime<Utc>>,
    pub urgency: Urgency,
    pub due_at: Option<DateTime<Utc>>,
    pub location: Option<GeoPoint>,
    /// The earlier request that looked the same (疑似重复), if any.
    pub similar_to: Option<RequestId>,
    /// An occurrence of a series: unique per (series, day).
    pub occurrence: Option<(i64, chrono::NaiveDate)>,
    pub source: Source,
    /// Unique per community and source (a 12345 order number).
    pub external_ref: Option<&'a str>,
}

fn new_row(n: NewRequest<'_>, now: DateTime<Utc>) -> help_request::ActiveModel {
    help_request::ActiveModel {
        community_id: Set(n.community_id.0),
        grid_id: Set(n.grid_id.map(|g| g.0)),
        resident_id: Set(n.resident_id.0),
        entered_by: Set(n.entered_by.0),
        category_id: Set(n.category_id.0),
        title: Set(n.title.to_owned()),
        description: Set(n.description.to_owned()),
        address: Set(n.address.to_owned()),
        contact_phone: Set(n.contact_phone.to_owned()),
        preferred_time: Set(n.preferred_time),
        urgency: Set(n.urgency.into()),
        status: Set(db::RequestStatus::Pending),
        assignee_id: Set(None),
        due_at: Set(n.due_at),
        service_minutes: Set(None),
        summary: Set(None),
        rating: Set(None),
        review_comment: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        lat: Set(n.location.map(GeoPoint::lat)),
        lng: Set(n.location.map(GeoPoint::lng)),
        assigned_at: Set(None),
        round: Set(1),
        similar_to: Set(n.similar_to.map(|r| r.0)),
        series_id: Set(n.occurrence.map(|o| o.0)),
        occurrence_on: Set(n.occurrence.map(|o| o.1)),
        source: Set(n.source.as_str().to_owned()),
        external_ref: Set(n.external_ref.map(str::to_owned)),
        ..Default::default()
    }
}

pub async fn insert(db: &impl ConnectionTrait, n: NewRequest<'_>, now: DateTime<Utc>) -> Result<HelpRequest, ApiError> {
    Ok(request_of(new_row(n, now).insert(db).await?))
}

/// The request made from `reference` (an order number) of `source` in a community.
pub async fn by_external_ref(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    source: Source,
    reference: &str,
) -> Result<Option<HelpRequest>, ApiError> {
    use help_request::Column as C;
    Ok(help_request::Entity::find()
        .filter(C::CommunityId.eq(community_id.0))
        .filter(C::Source.eq(source.as_str()))
        .filter(C::ExternalRef.eq(reference))
        .all(db)
        .await?
        .into_iter()
        .next()
        .map(request_of))
}

/// A community's requests that came in from `source`, oldest first.
pub async fn of_source(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    source: Source,
) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    Ok(help_request::Entity::find()
        .filter(C::CommunityId.eq(community_id.0))
        .filter(C::Source.eq(source.as_str()))
        .order_by_asc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(request_of)
        .collect())
}

/// What a work order says of its request, written over an earlier import.
pub struct Amended<'a> {
    pub category_id: CategoryId,
    pub title: &'a str,
    pub description: &'a str,
    pub address: &'a str,
    pub contact_phone: &'a str,
    pub due_at: DateTime<Utc>,
}

/// Writes a changed work order over its request if nobody changed the
/// request since `before` was read (`None` otherwise).
pub async fn amend(
    db: &impl ConnectionTrait,
    before: &HelpRequest,
    a: Amended<'_>,
    now: DateTime<Utc>,
) -> Result<Option<HelpRequest>, ApiError> {
    use help_request::Column as C;
    let rows = help_request::Entity::update_many()
        .col_expr(C::CategoryId, Expr::value(a.category_id.0))
        .col_expr(C::Title, Expr::value(a.title))
        .col_expr(C::Description, Expr::value(a.description))
        .col_expr(C::Address, Expr::value(a.address))
        .col_expr(C::ContactPhone, Expr::value(a.contact_phone))
        .col_expr(C::DueAt, Expr::value(a.due_at))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(before.id.0))
        .filter(C::Version.eq(before.version))
        .exec_with_returning(db)
        .await?;
    Ok(rows.into_iter().next().map(request_of))
}

/// Inserts a request unless a unique index says it exists: `None` when
/// another replica (or an earlier run) made it first — a series occurrence
/// (unique per series and day) or an imported work order (unique per
/// community, source and order number).
pub async fn insert_unless_taken(
    db: &impl ConnectionTrait,
    n: NewRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Option<HelpRequest>, ApiError> {
    match new_row(n, now).insert(db).await {
        Ok(m) => Ok(Some(request_of(m))),
        Err(e) if super::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes `next` over `before` if nobody changed the request since it was
/// read (`version`), and returns the row as written; `None` when someone
/// did. `reopen` starts another round.
pub async fn transition(
    db: &impl ConnectionTrait,
    before: &HelpRequest,
    next: &State,
    reopen: bool,
    now: DateTime<Utc>,
) -> Result<Option<HelpRequest>, ApiError> {
    use help_request::Column as C;
    let mut update = help_request::Entity::update_many()
        .col_expr(C::Status, Expr::value(db::RequestStatus::from(next.status)))
        .col_expr(C::AssigneeId, Expr::value(next.assignee_id.map(|a| a.0)))
        .col_expr(C::ServiceMinutes, Expr::value(next.service_minutes))
        .col_expr(C::Summary, Expr::value(next.summary.clone()))
        .col_expr(C::Rating, Expr::value(next.rating))
        .col_expr(C::ReviewComment, Expr::value(next.review_comment.clone()))
        .col_expr(C::Disputed, Expr::value(next.disputed))
        .col_expr(C::MergedInto, Expr::value(next.merged_into.map(|r| r.0)))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if next.assignee_id != before.assignee_id {
        // Fairness counts how many requests a member got lately.
        update = update.col_expr(C::AssignedAt, Expr::value(next.assignee_id.map(|_| now)));
    }
    if next.status == Status::Closed {
        update = update.col_expr(C::ClosedAt, Expr::value(Some(now)));
    }
    if reopen {
        // Another round: the next close credits again (once per round).
        update = update
            .col_expr(C::Round, Expr::col(C::Round).add(1))
            .col_expr(C::ClosedAt, Expr::value(Option::<DateTime<Utc>>::None));
    }
    let mut rows = update
        .filter(C::Id.eq(before.id.0))
        .filter(C::Version.eq(before.version))
        .exec_with_returning(db)
        .await?;
    Ok(rows.pop().map(request_of))
}

/// Who wrote a timeline row: a person, or the system (系统).
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub request_id: RequestId,
    /// `None`: the system acted.
    pub actor_id: Option<UserId>,
    pub step: Step,
    pub from_status: Option<Status>,
    pub to_status: Status,
    /// What a person wrote.
    pub note: Option<String>,
    /// A catalogue key for what the system noted (代下单, 自动派单, …).
    pub note_key: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn event_of(e: request_event::Model) -> Event {
    Event {
        id: e.id,
        request_id: RequestId(e.request_id),
        actor_id: e.actor_id.map(UserId),
        step: e.action.into(),
        from_status: e.from_status.map(Into::into),
        to_status: e.to_status.into(),
        note: e.note,
        note_key: e.note_key,
        created_at: e.created_at,
    }
}

pub struct NewEvent<'a> {
    pub request_id: RequestId,
    pub actor_id: Option<UserId>,
    pub step: Step,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub note: Option<&'a str>,
    pub note_key: Option<&'a str>,
}

pub async fn insert_event(db: &impl ConnectionTrait, e: NewEvent<'_>, now: DateTime<Utc>) -> Result<Event, ApiError> {
    Ok(event_of(
        request_event::ActiveModel {
            request_id: Set(e.request_id.0),
            actor_id: Set(e.actor_id.map(|a| a.0)),
            action: Set(e.step.into()),
            from_status: Set(e.from_status.map(Into::into)),
            to_status: Set(e.to_status.into()),
            note: Set(e.note.map(str::to_owned)),
            note_key: Set(e.note_key.map(str::to_owned)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?,
    ))
}

/// The timeline, oldest first.
pub async fn events(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Vec<Event>, ApiError> {
    Ok(request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(request_id.0))
        .order_by_asc(request_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(event_of)
        .collect())
}

/// When `step` last happened to a request.
pub async fn last_step_at(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    step: Step,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    Ok(last_step(db, request_id, step).await?.map(|(_, at)| at))
}

/// The id and time of the latest `step` on a request's timeline.
pub async fn last_step(
    db: &impl ConnectionTrait,
    request_id: RequestId,
    step: Step,
) -> Result<Option<(i64, DateTime<Utc>)>, ApiError> {
    Ok(request_event::Entity::find()
        .select_only()
        .column(request_event::Column::Id)
        .column(request_event::Column::CreatedAt)
        .filter(request_event::Column::RequestId.eq(request_id.0))
        .filter(request_event::Column::Action.eq(db::EventStep::from(step)))
        .order_by_desc(request_event::Column::Id)
        .into_tuple()
        .one(db)
        .await?)
}

/// The requests a viewer may see, as one SQL condition — the same rule as
/// [`Viewer::can_view`]: party to it, administering its community, looking
/// after its grid, or a member of its community while it is in the task
/// hall.
fn visible_to(v: &Viewer) -> Condition {
    use help_request::Column as C;
    let mut c = Condition::any()
        .add(C::ResidentId.eq(v.id.0))
        .add(C::EnteredBy.eq(v.id.0))
        .add(C::AssigneeId.eq(v.id.0));
    if !v.follows.is_empty() {
        c = c.add(C::Id.is_in(v.follows.iter().map(|r| r.0)));
    }
    if !v.administers.is_empty() {
        c = c.add(C::CommunityId.is_in(v.administers.iter().map(|x| x.0)));
    }
    if !v.grids.is_empty() {
        c = c.add(C::GridId.is_in(v.grids.iter().map(|g| g.0)));
    }
    if let Some(hall) = v.sees_hall_of() {
        c = c.add(
            Condition::all()
                .add(C::CommunityId.eq(hall.0))
                .add(C::Status.eq(db::RequestStatus::Open)),
        );
    }
    c
}

/// The viewer's own: posted by them, for them, held by them, or followed.
fn own(v: &Viewer) -> Condition {
    use help_request::Column as C;
    let c = Condition::any()
        .add(C::ResidentId.eq(v.id.0))
        .add(C::EnteredBy.eq(v.id.0))
        .add(C::AssigneeId.eq(v.id.0));
    if v.follows.is_empty() {
        c
    } else {
        c.add(C::Id.is_in(v.follows.iter().map(|r| r.0)))
    }
}

#[derive(Debug, Default)]
pub struct RequestQuery {
    pub status: Option<Status>,
    pub category_id: Option<CategoryId>,
    pub grid_id: Option<GridId>,
    pub community_id: Option<CommunityId>,
    pub assignee_id: Option<UserId>,
    /// Only requests the viewer posted, had posted for them, or holds.
    pub mine: bool,
    /// Requests with an id below this (the previous page's `next_cursor`).
    pub before: Option<RequestId>,
    pub limit: u64,
    /// Words in the title, description or address, or the request's number.
    pub text: Option<String>,
    /// Posted at or after / before these instants.
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// Still open and past its current deadline at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    pub urgent_only: bool,
}

/// What `viewer` may see, filtered, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    f: &RequestQuery,
) -> Result<(Vec<HelpRequest>, Option<i64>), ApiError> {
    use help_request::Column as C;
    let mut q = help_request::Entity::find().filter(visible_to(viewer));
    if f.mine {
        q = q.filter(own(viewer));
    }
    if let Some(s) = f.status {
        q = q.filter(C::Status.eq(db::RequestStatus::from(s)));
    }
    if let Some(c) = f.category_id {
        q = q.filter(C::CategoryId.eq(c.0));
    }
    if let Some(g) = f.grid_id {
        q = q.filter(C::GridId.eq(g.0));
    }
    if let Some(c) = f.community_id {
        q = q.filter(C::CommunityId.eq(c.0));
    }
    if let Some(a) = f.assignee_id {
        q = q.filter(C::AssigneeId.eq(a.0));
    }
    if let Some(b) = f.before {
        q = q.filter(C::Id.lt(b.0));
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let like = |c: C| Expr::col(c).like(super::like_contains(text));
        let mut any = Condition::any()
            .add(like(C::Title))
            .add(like(C::Description))
            .add(like(C::Address));
        if let Ok(id) = text.trim_start_matches('#').parse::<i64>() {
            any = any.add(C::Id.eq(id));
        }
        q = q.filter(any);
    }
    if let Some(from) = f.created_from {
        q = q.filter(C::CreatedAt.gte(from));
    }
    if let Some(before) = f.created_before {
        q = q.filter(C::CreatedAt.lt(before));
    }
    if let Some(now) = f.overdue_at {
        q = q
            .filter(C::DueAt.lt(now))
            .filter(C::Status.is_not_in([db::RequestStatus::Closed, db::RequestStatus::Cancelled]));
    }
    if f.urgent_only {
        q = q.filter(C::Urgency.eq(db::Urgency::Urgent));
    }
    let rows = q.order_by_desc(C::Id).limit(f.limit + 1).all(db).await?;
    let (rows, next) = super::page(rows, f.limit, |r| r.id);
    Ok((rows.into_iter().map(request_of).collect(), next))
}

/// 任务大厅: the first page of a community's open requests, newest first,
/// with the people they name (their residents), as kept per replica.
pub struct HallPage {
    pub rows: Vec<HelpRequest>,
    pub users: std::collections::HashMap<UserId, super::users::User>,
    pub next: Option<i64>,
}

/// Reads a community's first `limit` open requests and their residents:
/// one query for the page, one for the names.
pub async fn hall_page(db: &impl ConnectionTrait, community: CommunityId, limit: u64) -> Result<HallPage, ApiError> {
    use help_request::Column as C;
    let rows = help_request::Entity::find()
        .filter(C::CommunityId.eq(community.0))
        .filter(C::Status.eq(db::RequestStatus::Open))
        .order_by_desc(C::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let (rows, next) = super::page(rows, limit, |r| r.id);
    let rows: Vec<HelpRequest> = rows.into_iter().map(request_of).collect();
    let users = super::users::by_ids(db, rows.iter().map(|r| r.resident_id).collect()).await?;
    Ok(HallPage { rows, users, next })
}

/// How many requests each of `users` holds in one of `statuses`.
pub async fn holding_counts(
    db: &impl ConnectionTrait,
    users: &[UserId],
    statuses: &[Status],
) -> Result<HashMap<UserId, i64>, ApiError> {
    use help_request::Column as C;
    let rows: Vec<(i64, i64)> = help_request::Entity::find()
        .select_only()
        .column(C::AssigneeId)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(C::AssigneeId.is_in(users.iter().map(|u| u.0)))
        .filter(C::Status.is_in(super::enums::db_all::<Status, db::RequestStatus>(statuses)))
        .group_by(C::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(u, n)| (UserId(u), n)).collect())
}

/// The requests `member` holds in one of `statuses`, oldest first.
pub async fn held_by(
    db: &impl ConnectionTrait,
    member: UserId,
    statuses: &[Status],
) -> Result<Vec<RequestId>, ApiError> {
    use help_request::Column as C;
    let ids: Vec<i64> = help_request::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::AssigneeId.eq(member.0))
        .filter(C::Status.is_in(super::enums::db_all::<Status, db::RequestStatus>(statuses)))
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().map(RequestId).collect())
}

/// Marks a request urgent (急) inside a transition's transaction, after its
/// version-guarded UPDATE (so no second version bump).
pub async fn mark_urgent(db: &impl ConnectionTrait, id: RequestId) -> Result<(), ApiError> {
    use help_request::Column as C;
    help_request::Entity::update_many()
        .col_expr(C::Urgency, Expr::value(db::Urgency::Urgent))
        .filter(C::Id.eq(id.0))
        .exec(db)
        .await?;
    Ok(())
}

/// Requests in `statuses` (in `communities`, or all), oldest first, leaving
/// out closed ones that closed before `closed_since`.
pub async fn in_statuses(
    db: &impl ConnectionTrait,
    statuses: &[Status],
    communities: Option<&[CommunityId]>,
    closed_since: DateTime<Utc>,
) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    let mut q = help_request::Entity::find()
        .filter(C::Status.is_in(super::enums::db_all::<Status, db::RequestStatus>(statuses)))
        .filter(
            Condition::any()
                .add(C::Status.ne(db::RequestStatus::Closed))
                .add(C::ClosedAt.gt(closed_since)),
        );
    if let Some(ids) = communities {
        q = q.filter(C::CommunityId.is_in(ids.iter().map(|c| c.0)));
    }
    Ok(q.order_by_asc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(request_of)
        .collect())
}

/// Requests in `statuses` whose agreed time lies in `(from, to]`.
pub async fn agreed_between(
    db: &impl ConnectionTrait,
    statuses: &[Status],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<HelpRequest>, ApiError> {
    use help_request::Column as C;
    Ok(help_request::Entity::find()
        .filter(C::Status.is_in(super::enums::db_all::<Status, db::RequestStatus>(statuses)))
        .filter(C::PreferredTime.gt(from))
        .filter(C::PreferredTime.lte(to))
        .order_by_asc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(request_of)
        .collect())
}

/// How many requests of a community are pending.
pub async fn count_pending(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<u64, ApiError> {
    use help_request::Column as C;
    use sea_orm::PaginatorTrait;
    Ok(help_request::Entity::find()
        .filter(C::CommunityId.eq(community_id.0))
        .filter(C::Status.eq(db::RequestStatus::Pending))
        .count(db)
        .await?)
}
