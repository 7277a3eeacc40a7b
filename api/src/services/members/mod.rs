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
pub(crate) use import::initial_password;
mod view;

pub use import::{ImportReport, import_csv};
pub use view::{Location, MemberView};

use crate::auth::CurrentUser;
use crate::domain::matching::{Availability, GeoPoint};
use crate::domain::member::{DEFAULT_MAX_ACTIVE, MAX_ACTIVE_RANGE, MemberKind, MemberStatus, Review};
use crate::domain::request::{Action, Status};
use crate::domain::{CategoryId, CommunityId, GridId, Role, UserId};
use crate::error::{ApiError, FieldError};
use crate::msg;
use crate::services::requests::{self, Acting, Env, Note};
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store::{self, members::Details, members::Profile, users::User};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
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
    pub grid_id: Option<GridId>,
    /// Consent to appear by name on honor boards; `None` keeps what it was
    /// (not given on registration = masked). Only the member may change it.
    pub publish_consent: Option<bool>,
}

impl MemberInput {
    /// The details to store; `consent` is what stands when the input says nothing.
    fn details(self, consent: bool) -> Details {
        Details {
            kind: self.kind,
            employer: trimmed(self.employer),
            party_branch: trimmed(self.party_branch),
            preferred_posts: self
                .preferred_posts
                .iter()
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            availability: self.availability,
            max_active: self.max_active.unwrap_or(DEFAULT_MAX_ACTIVE),
            location: self.location,
            grid_id: self.grid_id,
            publish_consent: self.publish_consent.unwrap_or(consent),
        }
    }

    /// What an admin-made member starts with.
    fn defaults(grid_id: Option<GridId>) -> MemberInput {
        MemberInput {
            kind: MemberKind::Volunteer,
            employer: None,
            party_branch: None,
            skills: Vec::new(),
            preferred_posts: Vec::new(),
            availability: Availability::default(),
            max_active: None,
            location: None,
            grid_id,
            publish_consent: None,
        }
    }
}

/// The service menu and a community's grids, loaded once so that checking
/// any number of inputs (a whole CSV file) costs two queries.
pub(crate) struct Lookup {
    categories: HashMap<String, CategoryId>,
    grids: HashMap<GridId, String>,
}

impl Lookup {
    pub async fn load(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<Self, ApiError> {
        let categories = store::directory::categories(db, true)
            .await?
            .into_iter()
            .map(|c| (c.code, c.id))
            .collect();
        let grids = store::directory::grids(db, community_id)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        Ok(Self { categories, grids })
    }

    pub fn grid_by_name(&self, name: &str) -> Option<GridId> {
        self.grids.iter().find(|(_, n)| n.as_str() == name).map(|(id, _)| *id)
    }

    /// The input's skill ids, or every problem with it.
    pub fn check(&self, input: &MemberInput) -> Result<Vec<CategoryId>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if input.kind == MemberKind::PartyMember && blank(&input.employer) {
            errors.push(FieldError::new("employer", "required", msg!("field.employer.required")));
        }
        let mut skills = Vec::new();
        for code in &input.skills {
            match self.categories.get(code.trim()) {
                Some(id) => skills.push(*id),
                None => errors.push(FieldError::new(
                    "skills",
                    "unknown",
                    msg!("field.skills.unknown", code = code.as_str()),
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
                msg!(
                    "field.max_active.range",
                    min = *MAX_ACTIVE_RANGE.start(),
                    max = *MAX_ACTIVE_RANGE.end()
                ),
            ));
        }
        if let Some(g) = input.grid_id
            && !self.grids.contains_key(&g)
        {
            errors.push(FieldError::new("grid_id", "unknown", msg!("field.grid_id.unknown")));
        }
        if errors.is_empty() { Ok(skills) } else { Err(errors) }
    }
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Grant or withdraw `member` to match the profile status (see module docs).
/// Admin accounts keep their role either way.
pub(crate) async fn sync_role(
    db: &impl ConnectionTrait,
    user_id: UserId,
    status: MemberStatus,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (from, to) = match status {
        MemberStatus::Active => (Role::Resident, Role::Member),
        MemberStatus::Pending | MemberStatus::Suspended => (Role::Member, Role::Resident),
    };
    store::users::swap_role(db, user_id, from, to, now).await
}

pub(crate) async fn find(db: &impl ConnectionTrait, user_id: UserId) -> Result<Profile, ApiError> {
    store::members::find(db, user_id)
        .await?
        .ok_or(ApiError::NotFound("member"))
}

/// The caller's own registration, or 403 for someone who never reported in.
pub(crate) async fn find_own(db: &impl ConnectionTrait, me: &CurrentUser) -> Result<Profile, ApiError> {
    store::members::find(db, me.id).await?.ok_or(ApiError::Forbidden)
}

/// A registration its owner or an admin in scope may read and edit (403 for others).
async fn find_for(db: &impl ConnectionTrait, me: &CurrentUser, user_id: UserId) -> Result<Profile, ApiError> {
    let p = find(db, user_id).await?;
    if p.user_id != me.id {
        scope::require_admin_of(db, me, p.community_id).await?;
    }
    Ok(p)
}

/// 报到: a resident registers as party member or volunteer at their own
/// community. The registration waits for an admin (`pending`).
pub async fn register(app: &AppState, me: &CurrentUser, input: MemberInput) -> Result<MemberView, ApiError> {
    // Staff (admins, grid workers) are not members.
    if !me.role.is_neighbour() {
        return Err(ApiError::Forbidden);
    }
    if store::members::find(&app.db, me.id).await?.is_some() {
        return Err(ApiError::MemberAlreadyRegistered);
    }
    let input = MemberInput {
        grid_id: input.grid_id.or(me.grid_id),
        ..input
    };
    let skills = Lookup::load(&app.db, me.community_id)
        .await?
        .check(&input)
        .map_err(ApiError::Validation)?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    store::members::insert(
        &txn,
        me.id,
        me.community_id,
        MemberStatus::Pending,
        &input.details(false),
        None,
        now,
    )
    .await?;
    store::members::replace_skills(&txn, me.id, &skills).await?;
    txn.commit().await?;
    view::one(&app.db, me.id).await
}

/// An admin-made member (`POST /users`, `PUT /users/{id}/role` with
/// `member`, or `linli create-user --role member`): approved on the spot
/// with default details, or an existing registration activated. Part of the
/// caller's transaction. `reviewer` is the admin, if one acted.
pub async fn activate_for_role(
    db: &impl ConnectionTrait,
    reviewer: Option<UserId>,
    u: &User,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    match store::members::find(db, u.id).await? {
        Some(p) if p.status == MemberStatus::Active => Ok(()),
        Some(_) => store::members::activate(db, u.id, reviewer, now).await,
        None => {
            let details = MemberInput::defaults(u.grid_id).details(false);
            store::members::insert(db, u.id, u.community_id, MemberStatus::Active, &details, reviewer, now).await
        }
    }
}

/// The role moved away from `member` by hand: the profile stops being active.
pub(crate) async fn deactivate_for_role(
    db: &impl ConnectionTrait,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    store::members::deactivate(db, user_id, "role changed", now).await
}

/// Change one's own details (or, for an admin in scope, someone's). The
/// status stays; skills are replaced as a whole.
pub async fn update(
    app: &AppState,
    me: &CurrentUser,
    user_id: UserId,
    input: MemberInput,
) -> Result<MemberView, ApiError> {
    let p = find_for(&app.db, me, user_id).await?;
    let consent = p.details.publish_consent;
    if p.user_id != me.id && input.publish_consent.is_some_and(|c| c != consent) {
        return Err(ApiError::field(
            "publish_consent",
            "owner_only",
            msg!("field.publish_consent.owner_only"),
        ));
    }
    let skills = Lookup::load(&app.db, p.community_id)
        .await?
        .check(&input)
        .map_err(ApiError::Validation)?;
    let txn = store::begin_write(&app.writer).await?;
    store::members::update_details(&txn, p.user_id, &input.details(consent), app.clock.now()).await?;
    store::members::replace_skills(&txn, p.user_id, &skills).await?;
    txn.commit().await?;
    view::one(&app.db, user_id).await
}

/// Approve, suspend or reinstate a registration. One conditional UPDATE on
/// the status, so two admins acting at once have one winner; the role
/// follows in the same transaction.
pub async fn review(
    app: &AppState,
    me: &CurrentUser,
    user_id: UserId,
    action: Review,
    note: Option<String>,
) -> Result<MemberView, ApiError> {
    scope::require_admin(me)?;
    let p = find(&app.db, user_id).await?;
    scope::require_admin_of(&app.db, me, p.community_id).await?;
    let from = p.status;
    let to = action.apply(from).ok_or(ApiError::MemberReview(from))?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    if !store::members::review(&txn, user_id, from, to, trimmed(note), me.id, now).await? {
        txn.rollback().await?;
        let now_status = find(&app.db, user_id).await?.status;
        return Err(ApiError::MemberReview(now_status));
    }
    sync_role(&txn, user_id, to, now).await?;
    // Their open tasks come back to the community in the same commit: a
    // suspended member keeps nothing they could still act on.
    let mut after = Vec::new();
    if to == MemberStatus::Suspended {
        let env = Env { now, ..Env::of(app) };
        let note = Note::key("timeline.member_suspended");
        for id in store::requests::held_by(&txn, user_id, &Status::HOLDING).await? {
            match requests::act_in(&txn, env, Acting::Person(me), id, &Action::Reclaim, &note).await {
                Ok(out) => after.push(out),
                Err(e) => {
                    txn.rollback().await?;
                    return Err(e);
                }
            }
        }
    }
    txn.commit().await?;
    // The role followed the status: their open streams look again.
    crate::services::auth::sessions_changed(app, user_id, None).await;
    for out in after {
        requests::after_commit(app, out.credit, out.live).await;
    }
    tracing::info!(
        member = %user_id,
        admin = %me.id,
        action = action.name(),
        "member reviewed"
    );
    view::one(&app.db, user_id).await
}

/// Clears the review flag repeated no-shows raised (the admin talked to
/// them); the no-shows themselves stay on record.
pub async fn clear_flag(app: &AppState, me: &CurrentUser, user_id: UserId) -> Result<MemberView, ApiError> {
    scope::require_admin(me)?;
    let p = find(&app.db, user_id).await?;
    scope::require_admin_of(&app.db, me, p.community_id).await?;
    store::no_shows::clear_flag(&app.db, user_id).await?;
    tracing::info!(member = %user_id, admin = %me.id, "no-show flag cleared");
    view::one(&app.db, user_id).await
}

/// One registration, to its owner or an admin in scope.
pub async fn get(app: &AppState, me: &CurrentUser, user_id: UserId) -> Result<MemberView, ApiError> {
    view::of(&app.db, find_for(&app.db, me, user_id).await?).await
}

#[derive(Debug, Default)]
pub struct MemberFilter {
    pub community_id: Option<CommunityId>,
    pub status: Option<MemberStatus>,
    pub kind: Option<MemberKind>,
    /// A service-menu code.
    pub skill: Option<String>,
    pub grid_id: Option<GridId>,
    /// Part of the employer's name.
    pub employer: Option<String>,
    pub cursor: Option<UserId>,
    pub limit: u64,
}

/// Members in the admin's scope, oldest account first, keyset-paginated.
pub async fn list(
    app: &AppState,
    me: &CurrentUser,
    f: MemberFilter,
) -> Result<(Vec<MemberView>, Option<i64>), ApiError> {
    let db = &app.db;
    let communities = scope::communities_within(db, me, f.community_id).await?;
    let skill = match f.skill.as_deref() {
        Some(code) => Some(directory::category_by_code(app, code, "skill").await?.id),
        None => None,
    };
    let (rows, next) = store::members::list(
        db,
        store::members::MemberQuery {
            communities: &communities,
            status: f.status,
            kind: f.kind,
            skill,
            grid_id: f.grid_id,
            employer: f.employer.as_deref().map(str::trim).filter(|e| !e.is_empty()),
            after: f.cursor,
            limit: f.limit,
        },
    )
    .await?;
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

/// Room for one more request here: `role` is the person's role when the
/// caller knows it (a claimer is the caller), else it is read.
pub(crate) async fn room(
    db: &impl ConnectionTrait,
    user_id: UserId,
    community_id: CommunityId,
    role: Option<Role>,
) -> Result<Room, ApiError> {
    let Some(p) = store::members::find(db, user_id).await? else {
        return Ok(Room::NotMember);
    };
    let role = match role {
        Some(r) => Some(r),
        None => store::users::find(db, user_id).await?.map(|u| u.role),
    };
    if role != Some(Role::Member) {
        return Ok(Room::NotMember);
    }
    places(db, &p, community_id).await
}

/// The room left by a registration read (under the member's row lock, in a
/// write): its status and community, then the requests held against
/// `max_active`.
pub(crate) async fn places(
    db: &impl ConnectionTrait,
    p: &store::members::Profile,
    community_id: CommunityId,
) -> Result<Room, ApiError> {
    if p.status != MemberStatus::Active || p.community_id != community_id {
        return Ok(Room::NotMember);
    }
    let holding = store::requests::holding_counts(db, &[p.user_id], &Status::HOLDING)
        .await?
        .get(&p.user_id)
        .copied()
        .unwrap_or(0);
    Ok(if holding >= i64::from(Ord::max(p.details.max_active, 1)) {
        Room::Full
    } else {
        Room::Yes
    })
}
