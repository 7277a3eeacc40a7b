//! 资质 — members record their licences and certificates, admins of their
//! community verify or reject them (audited, the member told), and a
//! request whose category needs one can only go to a member holding it
//! validly today ([`check`], used by dispatch and claim; matching excludes
//! the rest). Expiry is judged against the one clock in the community's
//! local date: nothing has to run for an expired qualification to stop
//! counting. Reminders before expiry are `workers::qualifications`.

mod view;

pub use view::{KindView, QualificationRef, QualificationView, kinds};

use crate::auth::CurrentUser;
use crate::clock::local_date;
use crate::domain::qualification::{self as rules, Decision, QualificationKind, QualificationStatus};
use crate::domain::{CategoryId, CommunityId, QualificationId, Role, UserId};
use crate::error::ApiError;
use crate::messages::{self, Msg};
use crate::msg;
use crate::services::notify::{self, Words};
use crate::services::requests::{self, Env};
use crate::services::{audit, scope};
use crate::state::AppState;
use crate::store::{
    self,
    qualifications::{Details, Qualification, QualificationQuery},
};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use view::{view, views};

/// What a member records (or changes) about a certificate.
#[derive(Debug, Clone)]
pub struct QualificationInput {
    pub kind: QualificationKind,
    pub number: String,
    pub issuer: String,
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
}

fn today(app: &AppState) -> NaiveDate {
    app.clock.today(app.local_offset)
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The input as stored: text trimmed, an empty note none.
fn normalized(input: QualificationInput) -> Details {
    Details {
        kind: input.kind,
        number: input.number.trim().to_owned(),
        issuer: input.issuer.trim().to_owned(),
        expires_on: input.expires_on,
        note: trimmed(input.note),
    }
}

/// A kind that expires needs its date, and the date must not have passed.
fn check_expiry(d: &Details, today: NaiveDate) -> Result<(), ApiError> {
    match d.expires_on {
        None if d.kind.expires() => Err(ApiError::field(
            "expires_on",
            "required",
            msg!("field.expires_on.required"),
        )),
        Some(e) if e < today => Err(ApiError::field("expires_on", "past", msg!("field.expires_on.past"))),
        _ => Ok(()),
    }
}

/// A qualification, or 404.
async fn find(db: &impl ConnectionTrait, id: QualificationId) -> Result<Qualification, ApiError> {
    store::qualifications::find(db, id)
        .await?
        .ok_or(ApiError::NotFound("qualification"))
}

/// A qualification its owner may change (403 for anyone else).
async fn find_own(db: &impl ConnectionTrait, me: &CurrentUser, id: QualificationId) -> Result<Qualification, ApiError> {
    let q = find(db, id).await?;
    if q.member_id == me.id {
        Ok(q)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// A member records a qualification; it waits for their community's review.
pub async fn record(
    app: &AppState,
    me: &CurrentUser,
    input: QualificationInput,
) -> Result<QualificationView, ApiError> {
    let profile = crate::services::members::find_own(&app.db, me).await?;
    let today = today(app);
    let d = normalized(input);
    check_expiry(&d, today)?;
    let q = store::qualifications::insert(&app.db, me.id, profile.community_id, &d, app.clock.now()).await?;
    tracing::info!(member = %me.id, qualification = %q.id, kind = d.kind.as_str(), "qualification recorded");
    view(&app.db, q, today).await
}

/// The member changes a record: unchanged details change nothing; anything
/// else goes back to pending (a verified certificate with a new number or
/// date is checked again).
pub async fn edit(
    app: &AppState,
    me: &CurrentUser,
    id: QualificationId,
    input: QualificationInput,
) -> Result<QualificationView, ApiError> {
    let q = find_own(&app.db, me, id).await?;
    let today = today(app);
    let d = normalized(input);
    if d == q.details {
        return view(&app.db, q, today).await;
    }
    check_expiry(&d, today)?;
    if !store::qualifications::update_details(&app.db, &q, &d, app.clock.now()).await? {
        return Err(ApiError::Conflict);
    }
    tracing::info!(member = %me.id, qualification = %id, "qualification changed, back to pending");
    view(&app.db, find(&app.db, id).await?, today).await
}

/// The member withdraws a record.
pub async fn remove(app: &AppState, me: &CurrentUser, id: QualificationId) -> Result<(), ApiError> {
    find_own(&app.db, me, id).await?;
    let txn = store::begin_write(&app.writer).await?;
    store::qualifications::delete(&txn, id).await?;
    txn.commit().await?;
    Ok(())
}

/// One record, to its owner or an admin of its community.
pub async fn get(app: &AppState, me: &CurrentUser, id: QualificationId) -> Result<QualificationView, ApiError> {
    let q = find(&app.db, id).await?;
    if q.member_id != me.id {
        scope::require_admin_of(&app.db, me, q.community_id).await?;
    }
    view(&app.db, q, today(app)).await
}

#[derive(Debug, Default)]
pub struct QualificationFilter {
    pub community_id: Option<CommunityId>,
    pub member_id: Option<UserId>,
    pub status: Option<QualificationStatus>,
    /// Only those that count and expire within this many days.
    pub expiring_within_days: Option<i64>,
    pub cursor: Option<QualificationId>,
    pub limit: u64,
}

/// Admins: the records of their scope, newest first, one page. Anyone
/// else: their own records (all of them, no paging).
pub async fn list(
    app: &AppState,
    me: &CurrentUser,
    f: QualificationFilter,
) -> Result<(Vec<QualificationView>, Option<i64>), ApiError> {
    let db = &app.db;
    let today = today(app);
    if !me.authority().is_admin() {
        let mut rows = store::qualifications::of_member(db, me.id).await?;
        rows.retain(|q| f.status.is_none_or(|s| q.status == s));
        return Ok((views(db, rows, today).await?, None));
    }
    let communities = scope::communities_within(db, me, f.community_id).await?;
    let expiring_by = f.expiring_within_days.map(|n| today + chrono::Duration::days(n));
    let (rows, next) = store::qualifications::list(
        db,
        QualificationQuery {
            communities: &communities,
            member: f.member_id,
            // Expiring soon means it counts now: verified (and the date
            // filter keeps the expired out below).
            status: f.status.or(expiring_by.map(|_| QualificationStatus::Verified)),
            expiring_by,
            before: f.cursor,
            limit: f.limit,
        },
    )
    .await?;
    let mut items = views(db, rows, today).await?;
    if expiring_by.is_some() {
        items.retain(|q| q.valid);
    }
    Ok((items, next))
}

/// An admin of the member's community verifies or rejects (a verified one
/// can be revoked, with a reason). One conditional UPDATE, so two admins at
/// once have one winner; audited and told to the member in the same commit.
pub async fn decide(
    app: &AppState,
    me: &CurrentUser,
    id: QualificationId,
    decision: Decision,
    reason: Option<String>,
) -> Result<QualificationView, ApiError> {
    scope::require_admin(me)?;
    let q = find(&app.db, id).await?;
    scope::require_admin_of(&app.db, me, q.community_id).await?;
    let reason = trimmed(reason);
    if decision == Decision::Reject && reason.is_none() {
        return Err(ApiError::field(
            "reason",
            "required",
            msg!("field.note.reason_required"),
        ));
    }
    let to = rules::decide(q.status, decision).map_err(ApiError::QualificationReview)?;
    let env = Env::of(app);
    let txn = store::begin_write(&app.writer).await?;
    if !store::qualifications::decide(&txn, id, q.status, to, reason.as_deref(), me.id, env.now).await? {
        txn.rollback().await?;
        return Err(ApiError::QualificationReview(find(&app.db, id).await?.status));
    }
    audit::log(
        &txn,
        env.now,
        me.id,
        Some(q.community_id),
        &format!("qualification.{}", decision.name()),
        ("qualification", Some(id.0)),
        serde_json::json!({
            "member_id": q.member_id,
            "kind": q.details.kind,
            "number": q.details.number,
            "reason": reason,
        }),
    )
    .await?;
    let kind = messages::qualification_kind(q.details.kind);
    let title = match decision {
        Decision::Verify => msg!("notice.qualification_verified", kind = kind),
        Decision::Reject => msg!(
            "notice.qualification_rejected",
            kind = kind,
            reason = reason.clone().unwrap_or_default()
        ),
    };
    let live = tell(
        &txn,
        env,
        &q,
        vec![q.member_id],
        &title,
        "/qualifications",
        decision.name(),
    )
    .await?;
    txn.commit().await?;
    requests::after_commit(app, None, live).await;
    tracing::info!(admin = %me.id, qualification = %id, decision = decision.name(), "qualification reviewed");
    view(&app.db, find(&app.db, id).await?, today(app)).await
}

/// Tells `ids` about `q` (inbox, and mail to those with an address) with
/// `title` over the common body; `what` names the occasion in the notice's
/// kind (`qualification.verify`, `qualification.expiring`, …).
pub(crate) async fn tell(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    q: &Qualification,
    ids: Vec<UserId>,
    title: &Msg,
    path: &str,
    what: &str,
) -> Result<Vec<crate::infra::live::LiveEvent>, ApiError> {
    let body = msg!(
        "notice.qualification_body",
        title = title.clone(),
        kind = messages::qualification_kind(q.details.kind),
        number = q.details.number.as_str(),
        issuer = q.details.issuer.as_str(),
        link = notify::link(env, path)
    );
    let body = match q.details.expires_on {
        Some(d) => body.with("date", d.to_string()),
        None => body.with("date", msg!("qualification.no_expiry")),
    };
    let kind = format!("qualification.{what}");
    let words = Words {
        kind: &kind,
        title,
        body: &body,
        request_id: None,
        mail: true,
    };
    let key = format!("qualification:{}:{}:{}", q.id, what, q.version);
    notify::write(db, env, ids, words, &key).await
}

/// Dispatch and claim: a member needs a valid qualification of the kind the
/// request's category asks for (`member.qualification_required` otherwise).
pub(crate) async fn check(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    member: UserId,
    category: CategoryId,
) -> Result<(), ApiError> {
    let Some(kind) = crate::services::directory::kept_category(env.reference, db, category)
        .await?
        .and_then(|c| c.qualification)
    else {
        return Ok(());
    };
    if store::qualifications::holds_valid(db, member, kind, local_date(env.now, env.offset)).await? {
        Ok(())
    } else {
        Err(ApiError::QualificationRequired(kind))
    }
}

/// The admins of a community (who hear of their members' expiring qualifications).
pub(crate) async fn admins_of(db: &impl ConnectionTrait, community: CommunityId) -> Result<Vec<UserId>, ApiError> {
    store::users::ids_with_role(db, Role::Admin, &[community]).await
}
