//! 资质 — members record their licences and certificates, admins of their
//! community verify or reject them (audited, the member told), and a
//! request whose category needs one can only go to a member holding it
//! validly today ([`check`], used by dispatch and claim; matching excludes
//! the rest). Expiry is judged against the one clock in the community's
//! local date: nothing has to run for an expired qualification to stop
//! counting. Reminders before expiry are `workers::qualifications`.

use crate::auth::CurrentUser;
use crate::clock::local_date;
use crate::domain::qualification::{self as rules, Decision, QualificationKind, QualificationStatus};
use crate::domain::{CategoryId, CommunityId, QualificationId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::{self, Msg};
use crate::msg;
use crate::services::notify::{self, Words};
use crate::services::requests::{self, CategoryRef, Env, PersonRef};
use crate::services::{audit, scope};
use crate::state::AppState;
use crate::store::{
    self,
    qualifications::{Details, Qualification, QualificationQuery},
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use strum::IntoEnumIterator;

/// A qualification kind named in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct QualificationRef {
    pub code: QualificationKind,
    pub name: String,
}

impl QualificationRef {
    pub fn of(kind: QualificationKind, lang: Lang) -> QualificationRef {
        QualificationRef {
            code: kind,
            name: messages::qualification_kind(kind).render(lang),
        }
    }
}

/// One kind of the catalogue, and the menu entries that need it.
#[derive(Debug, Serialize)]
pub struct KindView {
    pub code: QualificationKind,
    pub name: String,
    /// Certificates of this kind carry an expiry date (it must be given).
    pub expires: bool,
    pub categories: Vec<CategoryRef>,
}

/// `GET /qualification-kinds`: the catalogue.
pub async fn kinds(db: &impl ConnectionTrait, lang: Lang) -> Result<Vec<KindView>, ApiError> {
    let menu = store::directory::categories(db, true).await?;
    Ok(QualificationKind::iter()
        .map(|k| KindView {
            code: k,
            name: messages::qualification_kind(k).render(lang),
            expires: k.expires(),
            categories: menu
                .iter()
                .filter(|c| c.qualification == Some(k))
                .map(|c| CategoryRef {
                    code: c.code.clone(),
                    name: lang.pick(&c.name_zh, &c.name_en).to_owned(),
                    qualification: None,
                })
                .collect(),
        })
        .collect())
}

/// What a member records (or changes) about a certificate.
#[derive(Debug, Clone)]
pub struct QualificationInput {
    pub kind: QualificationKind,
    pub number: String,
    pub issuer: String,
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct QualificationView {
    pub id: QualificationId,
    pub member: PersonRef,
    pub community_id: CommunityId,
    pub kind: QualificationKind,
    pub kind_name: String,
    pub number: String,
    pub issuer: String,
    /// Valid through this date (inclusive); null: no expiry.
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: QualificationStatus,
    pub status_label: String,
    pub reject_reason: Option<String>,
    pub reviewed_by: Option<PersonRef>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Counts today: verified and not expired.
    pub valid: bool,
    /// Past its expiry date (whatever its review).
    pub expired: bool,
    /// Days until the expiry date (0 on the day, negative once past).
    pub days_left: Option<i64>,
    /// Counts today, and expires within the reminder period (30 days).
    pub expiring_soon: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn today(app: &AppState) -> NaiveDate {
    app.clock.today(app.local_offset)
}

/// Views for many rows: one query for the names.
async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<Qualification>,
    today: NaiveDate,
) -> Result<Vec<QualificationView>, ApiError> {
    let ids = rows
        .iter()
        .flat_map(|q| [Some(q.member_id), q.reviewed_by])
        .flatten()
        .collect();
    let users = store::users::by_ids(db, ids).await?;
    let person = |id: UserId| PersonRef {
        id,
        name: users.get(&id).map(|u| u.name.clone()).unwrap_or_default(),
    };
    let lang = Lang::current();
    Ok(rows
        .into_iter()
        .map(|q| {
            let d = q.details;
            let valid = rules::is_valid(q.status, d.expires_on, today);
            let days_left = rules::days_left(d.expires_on, today);
            QualificationView {
                id: q.id,
                member: person(q.member_id),
                community_id: q.community_id,
                kind: d.kind,
                kind_name: messages::qualification_kind(d.kind).render(lang),
                number: d.number,
                issuer: d.issuer,
                expires_on: d.expires_on,
                note: d.note,
                status: q.status,
                status_label: messages::qualification_status(q.status).render(lang),
                reject_reason: q.reject_reason,
                reviewed_by: q.reviewed_by.map(person),
                reviewed_at: q.reviewed_at,
                valid,
                expired: rules::expired(d.expires_on, today),
                days_left,
                expiring_soon: valid && days_left.is_some_and(|n| n <= rules::REMIND_DAYS),
                version: q.version,
                created_at: q.created_at,
                updated_at: q.updated_at,
            }
        })
        .collect())
}

async fn view(db: &impl ConnectionTrait, q: Qualification, today: NaiveDate) -> Result<QualificationView, ApiError> {
    views(db, vec![q], today)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("qualification view lost")))
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
    let txn = store::begin_write(&app.db).await?;
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
    let txn = store::begin_write(&app.db).await?;
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
    let Some(kind) = store::directory::category(db, category)
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
