//! 报到 — party members and volunteers register at their residential
//! community; admins approve, suspend and reinstate them, list them, and
//! import rosters in bulk.
//!
//! One invariant is kept here and nowhere else: a resident or member account
//! has `role = member` exactly when its profile is `active`. Approving or
//! reinstating grants the role, suspending withdraws it, in the same
//! transaction as the status change; everything that asks "may this person
//! take requests?" can keep asking the role.

pub mod import;
mod view;

pub use import::{ImportReport, import_csv};
pub use view::{Location, MemberView};

use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::Role;
use crate::domain::matching::{Availability, GeoPoint};
use crate::domain::member::{DEFAULT_MAX_ACTIVE, MAX_ACTIVE_RANGE, MemberKind, MemberStatus, Review};
use crate::error::{ApiError, FieldError};
use crate::services::{directory, users};
use entity::{grid, member_profile, member_skill, service_category, user};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// What a member tells about themselves when they register (or update).
#[derive(Debug, Clone)]
pub struct MemberInput {
    pub kind: MemberKind,
    /// 工作单位 — required for party members.
    pub employer: Option<String>,
    pub party_branch: Option<String>,
    /// Service-menu codes (`GET /categories`).
    pub skills: Vec<String>,
    /// 认领岗位, free text tags.
    pub preferred_posts: Vec<String>,
    pub availability: Availability,
    pub max_active: Option<i32>,
    pub location: Option<GeoPoint>,
    pub grid_id: Option<i64>,
    /// Consent to appear by name on honor boards; `None` keeps what it was
    /// (not given on registration = masked). Only the member may change it.
    pub publish_consent: Option<bool>,
}

/// The service menu and a community's grids, loaded once so that checking
/// any number of inputs (a whole CSV file) costs two queries.
pub(crate) struct Lookup {
    categories: HashMap<String, i64>,
    grids: HashMap<i64, String>,
}

impl Lookup {
    pub async fn load(db: &impl ConnectionTrait, community_id: i64) -> Result<Self, ApiError> {
        let categories = service_category::Entity::find()
            .filter(service_category::Column::Active.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.code, c.id))
            .collect();
        let grids = grid::Entity::find()
            .filter(grid::Column::CommunityId.eq(community_id))
            .all(db)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        Ok(Self { categories, grids })
    }

    pub fn grid_by_name(&self, name: &str) -> Option<i64> {
        self.grids.iter().find(|(_, n)| n.as_str() == name).map(|(id, _)| *id)
    }

    /// The input's skill ids, or every problem with it.
    pub fn check(&self, input: &MemberInput) -> Result<Vec<i64>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if input.kind == MemberKind::PartyMember && blank(&input.employer) {
            errors.push(FieldError::new(
                "employer",
                "required",
                "在职党员请填写工作单位",
                "party members give their employer",
            ));
        }
        let mut skills = Vec::new();
        for code in &input.skills {
            match self.categories.get(code.trim()) {
                Some(id) => skills.push(*id),
                None => errors.push(FieldError::new(
                    "skills",
                    "unknown",
                    format!("没有这个服务类别：{code}"),
                    format!("no such service category: {code}"),
                )),
            }
        }
        skills.sort_unstable();
        skills.dedup();
        if let Some(max) = input.max_active
            && !MAX_ACTIVE_RANGE.contains(&max)
        {
            errors.push(FieldError::new(
                "max_active",
                "range",
                format!(
                    "同时服务数须在 {} 到 {} 之间",
                    MAX_ACTIVE_RANGE.start(),
                    MAX_ACTIVE_RANGE.end()
                ),
                format!(
                    "must be between {} and {}",
                    MAX_ACTIVE_RANGE.start(),
                    MAX_ACTIVE_RANGE.end()
                ),
            ));
        }
        if let Some(g) = input.grid_id
            && !self.grids.contains_key(&g)
        {
            errors.push(FieldError::new(
                "grid_id",
                "unknown",
                "该网格不属于本社区",
                "no such grid in this community",
            ));
        }
        if errors.is_empty() { Ok(skills) } else { Err(errors) }
    }
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn posts_json(posts: &[String]) -> String {
    let clean: Vec<&str> = posts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    serde_json::to_string(&clean).unwrap_or_else(|_| "[]".into())
}

fn availability_json(a: &Availability) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| "[]".into())
}

/// The profile row for `input`, without status fields.
fn profile_row(
    user_id: i64,
    community_id: i64,
    status: MemberStatus,
    input: MemberInput,
    now: chrono::DateTime<chrono::Utc>,
) -> member_profile::ActiveModel {
    member_profile::ActiveModel {
        user_id: Set(user_id),
        community_id: Set(community_id),
        grid_id: Set(input.grid_id),
        kind: Set(input.kind.as_str().to_owned()),
        status: Set(status.as_str().to_owned()),
        employer: Set(trimmed(input.employer)),
        party_branch: Set(trimmed(input.party_branch)),
        preferred_posts: Set(posts_json(&input.preferred_posts)),
        availability: Set(availability_json(&input.availability)),
        max_active: Set(input.max_active.unwrap_or(DEFAULT_MAX_ACTIVE)),
        lat: Set(input.location.map(GeoPoint::lat)),
        lng: Set(input.location.map(GeoPoint::lng)),
        status_note: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        publish_consent: Set(input.publish_consent.unwrap_or(false)),
    }
}

async fn replace_skills(db: &impl ConnectionTrait, user_id: i64, skills: &[i64]) -> Result<(), ApiError> {
    member_skill::Entity::delete_many()
        .filter(member_skill::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if !skills.is_empty() {
        member_skill::Entity::insert_many(skills.iter().map(|c| member_skill::ActiveModel {
            user_id: Set(user_id),
            category_id: Set(*c),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Grant or withdraw `member` to match the profile status (see module docs).
/// Admin accounts keep their role either way.
async fn sync_role(db: &impl ConnectionTrait, user_id: i64, status: MemberStatus) -> Result<(), ApiError> {
    let (from, to) = match status {
        MemberStatus::Active => (Role::Resident, Role::Member),
        MemberStatus::Pending | MemberStatus::Suspended => (Role::Member, Role::Resident),
    };
    user::Entity::update_many()
        .col_expr(user::Column::Role, Expr::value(to.as_str()))
        .col_expr(user::Column::UpdatedAt, Expr::value(clock::now()))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::Role.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

pub(crate) async fn find(db: &impl ConnectionTrait, user_id: i64) -> Result<member_profile::Model, ApiError> {
    member_profile::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound("member"))
}

/// The caller's own registration, or 403 for someone who never reported in.
pub(crate) async fn find_own(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<member_profile::Model, ApiError> {
    match find(db, me.id).await {
        Err(ApiError::NotFound(_)) => Err(ApiError::Forbidden),
        other => other,
    }
}

/// A registration its owner or an admin in scope may read and edit (403 for others).
async fn find_for(
    db: &impl ConnectionTrait,
    me: &CurrentUser,
    user_id: i64,
) -> Result<member_profile::Model, ApiError> {
    let p = find(db, user_id).await?;
    if p.user_id != me.id {
        directory::require_admin_of(db, me, p.community_id).await?;
    }
    Ok(p)
}

/// 报到: a resident registers as party member or volunteer at their own
/// community. The registration waits for an admin (`pending`).
pub async fn register(db: &DatabaseConnection, me: &CurrentUser, input: MemberInput) -> Result<MemberView, ApiError> {
    if me.role.is_admin() {
        return Err(ApiError::Forbidden);
    }
    if member_profile::Entity::find_by_id(me.id).one(db).await?.is_some() {
        return Err(ApiError::MemberAlreadyRegistered);
    }
    let input = MemberInput {
        grid_id: input.grid_id.or(me.grid_id),
        ..input
    };
    let skills = Lookup::load(db, me.community_id)
        .await?
        .check(&input)
        .map_err(ApiError::Validation)?;
    let txn = db.begin().await?;
    let inserted = profile_row(me.id, me.community_id, MemberStatus::Pending, input, clock::now())
        .insert(&txn)
        .await;
    match inserted {
        Err(e) if crate::services::is_unique_violation(&e) => return Err(ApiError::MemberAlreadyRegistered),
        other => other?,
    };
    replace_skills(&txn, me.id, &skills).await?;
    txn.commit().await?;
    view::one(db, me.id).await
}

/// An admin-made member (`POST /users`, `PUT /users/{id}/role` with
/// `member`, or `linli create-user --role member`): approved on the spot
/// with default details, or an existing registration activated. Part of the
/// caller's transaction. `reviewer` is the admin, if one acted.
pub async fn activate_for_role(
    db: &impl ConnectionTrait,
    reviewer: Option<i64>,
    u: &user::Model,
) -> Result<(), ApiError> {
    let now = clock::now();
    match member_profile::Entity::find_by_id(u.id).one(db).await? {
        Some(p) if p.status == MemberStatus::Active.as_str() => Ok(()),
        Some(_) => {
            member_profile::Entity::update_many()
                .col_expr(
                    member_profile::Column::Status,
                    Expr::value(MemberStatus::Active.as_str()),
                )
                .col_expr(member_profile::Column::ReviewedBy, Expr::value(reviewer))
                .col_expr(member_profile::Column::ReviewedAt, Expr::value(Some(now)))
                .col_expr(member_profile::Column::UpdatedAt, Expr::value(now))
                .col_expr(
                    member_profile::Column::Version,
                    Expr::col(member_profile::Column::Version).add(1),
                )
                .filter(member_profile::Column::UserId.eq(u.id))
                .exec(db)
                .await?;
            Ok(())
        }
        None => {
            let input = MemberInput {
                kind: MemberKind::Volunteer,
                employer: None,
                party_branch: None,
                skills: Vec::new(),
                preferred_posts: Vec::new(),
                availability: Availability::default(),
                max_active: None,
                location: None,
                grid_id: u.grid_id,
                publish_consent: None,
            };
            let mut row = profile_row(u.id, u.community_id, MemberStatus::Active, input, now);
            row.reviewed_by = Set(reviewer);
            row.reviewed_at = Set(Some(now));
            row.insert(db).await?;
            Ok(())
        }
    }
}

/// The role moved away from `member` by hand: the profile stops being active.
pub(crate) async fn deactivate_for_role(db: &impl ConnectionTrait, user_id: i64) -> Result<(), ApiError> {
    member_profile::Entity::update_many()
        .col_expr(
            member_profile::Column::Status,
            Expr::value(MemberStatus::Suspended.as_str()),
        )
        .col_expr(member_profile::Column::StatusNote, Expr::value(Some("role changed")))
        .col_expr(member_profile::Column::UpdatedAt, Expr::value(clock::now()))
        .col_expr(
            member_profile::Column::Version,
            Expr::col(member_profile::Column::Version).add(1),
        )
        .filter(member_profile::Column::UserId.eq(user_id))
        .filter(member_profile::Column::Status.eq(MemberStatus::Active.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Change one's own details (or, for an admin in scope, someone's). The
/// status stays; skills are replaced as a whole.
pub async fn update(
    db: &DatabaseConnection,
    me: &CurrentUser,
    user_id: i64,
    input: MemberInput,
) -> Result<MemberView, ApiError> {
    let p = find_for(db, me, user_id).await?;
    if p.user_id != me.id && input.publish_consent.is_some_and(|c| c != p.publish_consent) {
        return Err(ApiError::field(
            "publish_consent",
            "owner_only",
            "是否在光荣榜上公开姓名只能由本人决定",
            "only the member can consent to being named on honor boards",
        ));
    }
    let consent = input.publish_consent.unwrap_or(p.publish_consent);
    let skills = Lookup::load(db, p.community_id)
        .await?
        .check(&input)
        .map_err(ApiError::Validation)?;
    let status: MemberStatus = p.status.parse().unwrap_or(MemberStatus::Pending);
    let mut row: member_profile::ActiveModel = profile_row(p.user_id, p.community_id, status, input, clock::now());
    row.created_at = Set(p.created_at);
    row.status_note = Set(p.status_note);
    row.reviewed_by = Set(p.reviewed_by);
    row.reviewed_at = Set(p.reviewed_at);
    row.version = Set(p.version + 1);
    row.publish_consent = Set(consent);
    let txn = db.begin().await?;
    row.update(&txn).await?;
    replace_skills(&txn, p.user_id, &skills).await?;
    txn.commit().await?;
    view::one(db, user_id).await
}

/// Approve, suspend or reinstate a registration. One conditional UPDATE on
/// the status, so two admins acting at once have one winner; the role
/// follows in the same transaction.
pub async fn review(
    db: &DatabaseConnection,
    me: &CurrentUser,
    user_id: i64,
    action: Review,
    note: Option<String>,
) -> Result<MemberView, ApiError> {
    me.require_admin()?;
    let p = find(db, user_id).await?;
    directory::require_admin_of(db, me, p.community_id).await?;
    let from: MemberStatus = p
        .status
        .parse()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("member {} has unknown status {}", p.user_id, p.status)))?;
    let to = action.apply(from).ok_or(ApiError::MemberReview(from))?;
    let now = clock::now();
    use member_profile::Column as C;
    let txn = db.begin().await?;
    let done = member_profile::Entity::update_many()
        .col_expr(C::Status, Expr::value(to.as_str()))
        .col_expr(C::StatusNote, Expr::value(trimmed(note)))
        .col_expr(C::ReviewedBy, Expr::value(Some(me.id)))
        .col_expr(C::ReviewedAt, Expr::value(Some(now)))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .filter(C::UserId.eq(user_id))
        .filter(C::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        txn.rollback().await?;
        let now_status = find(db, user_id).await?.status.parse().unwrap_or(from);
        return Err(ApiError::MemberReview(now_status));
    }
    sync_role(&txn, user_id, to).await?;
    txn.commit().await?;
    tracing::info!(
        member = user_id,
        admin = me.id,
        action = action.name(),
        "member reviewed"
    );
    view::one(db, user_id).await
}

/// One registration, to its owner or an admin in scope.
pub async fn get(db: &DatabaseConnection, me: &CurrentUser, user_id: i64) -> Result<MemberView, ApiError> {
    view::of(db, find_for(db, me, user_id).await?).await
}

#[derive(Debug, Default)]
pub struct MemberFilter {
    pub community_id: Option<i64>,
    pub status: Option<MemberStatus>,
    pub kind: Option<MemberKind>,
    /// A service-menu code.
    pub skill: Option<String>,
    pub grid_id: Option<i64>,
    /// Part of the employer's name.
    pub employer: Option<String>,
    pub cursor: Option<i64>,
    pub limit: u64,
}

/// Members in the admin's scope, oldest account first, keyset-paginated.
pub async fn list(
    db: &DatabaseConnection,
    me: &CurrentUser,
    f: MemberFilter,
) -> Result<(Vec<MemberView>, Option<i64>), ApiError> {
    let scope = users::admin_scope(db, me).await?;
    let mut q = member_profile::Entity::find();
    match f.community_id {
        Some(c) if scope.contains(&c) => q = q.filter(member_profile::Column::CommunityId.eq(c)),
        Some(_) => return Err(ApiError::Forbidden),
        None => q = q.filter(member_profile::Column::CommunityId.is_in(scope)),
    }
    if let Some(s) = f.status {
        q = q.filter(member_profile::Column::Status.eq(s.as_str()));
    }
    if let Some(k) = f.kind {
        q = q.filter(member_profile::Column::Kind.eq(k.as_str()));
    }
    if let Some(g) = f.grid_id {
        q = q.filter(member_profile::Column::GridId.eq(g));
    }
    if let Some(e) = f.employer.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        q = q.filter(member_profile::Column::Employer.contains(e));
    }
    if let Some(code) = f.skill.as_deref() {
        let Some(cat) = service_category::Entity::find()
            .filter(service_category::Column::Code.eq(code.trim()))
            .one(db)
            .await?
        else {
            return Err(ApiError::field(
                "skill",
                "unknown",
                "没有这个服务类别",
                "no such service category",
            ));
        };
        q = q.filter(
            member_profile::Column::UserId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(member_skill::Column::UserId)
                    .from(member_skill::Entity)
                    .and_where(member_skill::Column::CategoryId.eq(cat.id))
                    .to_owned(),
            ),
        );
    }
    if let Some(c) = f.cursor {
        q = q.filter(member_profile::Column::UserId.gt(c));
    }
    let rows = q
        .order_by_asc(member_profile::Column::UserId)
        .limit(f.limit + 1)
        .all(db)
        .await?;
    let (rows, next) = crate::services::page(rows, f.limit, |r| r.user_id);
    Ok((view::many(db, rows).await?, next))
}

/// Can this person be given one more request in this community?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Room {
    Yes,
    /// No active registration here.
    NotMember,
    /// Holds `max_active` requests already.
    Full,
}

pub(crate) async fn room(db: &impl ConnectionTrait, user_id: i64, community_id: i64) -> Result<Room, ApiError> {
    use entity::help_request;
    use sea_orm::PaginatorTrait;
    let Some(p) = member_profile::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(Room::NotMember);
    };
    let role_ok = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.role == Role::Member.as_str());
    if p.status != MemberStatus::Active.as_str() || p.community_id != community_id || !role_ok {
        return Ok(Room::NotMember);
    }
    let holding = help_request::Entity::find()
        .filter(help_request::Column::AssigneeId.eq(user_id))
        .filter(help_request::Column::Status.is_in(crate::domain::request::Status::HOLDING.map(|s| s.as_str())))
        .count(db)
        .await?;
    Ok(if holding >= Ord::max(p.max_active, 1) as u64 {
        Room::Full
    } else {
        Room::Yes
    })
}
