//! 争议与申诉 — a resident disputes a completion before it is verified; a
//! member appeals a rating or a deduction within the community's
//! `appeal_days`; an admin of the community rules (upheld / overturned /
//! partial) with a reason. What a ruling does is decided by
//! [`crate::domain::appeal::effect`] and written as new rows only, in the
//! ruling's transaction: a transition (`redo` / `settle`), an amended
//! service record (reversal + correction, with the points difference), or a
//! correction entry giving points back. Boards move after commit; the
//! audit log has the filing and the ruling; both parties are told.

mod view;

pub use view::AppealView;

use crate::auth::CurrentUser;
use crate::domain::appeal::{
    self as rules, AppealKind, AppealStatus, Effect, Figures, Outcome, RulingProblem, Subject,
};
use crate::domain::board::Delta;
use crate::domain::ledger::{EntryKind, RecordKind};
use crate::domain::request::{Action, Step};
use crate::domain::{CommunityId, EntryId, RequestId, Role};
use crate::error::ApiError;
use crate::infra::live::LiveEvent;
use crate::messages::Msg;
use crate::msg;
use crate::services::ledger::{Amendment, amend_record, boards_moved, live_record};
use crate::services::notify::{self, Words};
use crate::services::requests::{self, Acting, Env, Note};
use crate::services::{audit, directory, rules as rating_rules, scope};
use crate::state::AppState;
use crate::store::{
    self,
    appeals::{Appeal, Filter, NewAppeal},
    ledger::{NewEntry, Place},
};
use sea_orm::ConnectionTrait;

/// What someone files.
#[derive(Debug, Clone)]
pub struct FileInput {
    pub kind: AppealKind,
    pub request_id: Option<RequestId>,
    pub entry_id: Option<EntryId>,
    pub reason: String,
}

/// An admin's ruling.
#[derive(Debug, Clone)]
pub struct RulingInput {
    pub outcome: Outcome,
    pub reason: String,
    pub figures: Figures,
}

fn required(field: &str) -> ApiError {
    ApiError::field(field, "required", msg!("field.appeal.subject_required"))
}

/// Files a dispute or an appeal.
pub async fn file(app: &AppState, me: &CurrentUser, input: FileInput) -> Result<AppealView, ApiError> {
    let reason = input.reason.trim().to_owned();
    let appeal = match input.kind {
        AppealKind::Completion => {
            let id = input.request_id.ok_or_else(|| required("request_id"))?;
            dispute(app, me, id, &reason).await?
        }
        AppealKind::Rating => {
            let id = input.request_id.ok_or_else(|| required("request_id"))?;
            appeal_rating(app, me, id, &reason).await?
        }
        AppealKind::Deduction => {
            let id = input.entry_id.ok_or_else(|| required("entry_id"))?;
            appeal_deduction(app, me, id, &reason).await?
        }
    };
    view::one(&app.db, me, appeal).await
}

/// 有异议: the requester disputes the reported completion; the request
/// keeps its state, flagged, and `verify` waits for the ruling.
async fn dispute(app: &AppState, me: &CurrentUser, id: RequestId, reason: &str) -> Result<Appeal, ApiError> {
    let db = &app.db;
    let req = requests::load(db, id).await?;
    if req.disputed {
        return Err(ApiError::AppealExists);
    }
    let env = Env::of(app);
    let txn = store::begin_write(&app.writer).await?;
    let out = requests::act_in(
        &txn,
        env,
        Acting::Person(me),
        id,
        &Action::Dispute,
        &Note::text(Some(reason.to_owned())),
    )
    .await?;
    let (subject, _) = store::requests::last_step(&txn, id, Step::Complete)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("request {id} completed without a complete step")))?;
    let appeal = store::appeals::insert(
        &txn,
        NewAppeal {
            community_id: req.community_id,
            kind: AppealKind::Completion,
            subject_id: subject,
            request_id: Some(id),
            entry_id: None,
            record_id: None,
            appellant_id: me.id,
            respondent_id: req.assignee_id,
            reason,
        },
        env.now,
    )
    .await?;
    audit_filed(&txn, env, &appeal).await?;
    txn.commit().await?;
    requests::after_commit(app, out.credit, out.live).await;
    Ok(appeal)
}

/// The time to appeal in `community`, and whether `since` is still within it.
async fn check_window(
    db: &impl ConnectionTrait,
    community: CommunityId,
    since: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let days = rating_rules::in_force(db, community).await?.appeal_days;
    if rules::in_time(since, now, days) {
        Ok(())
    } else {
        Err(ApiError::AppealTooLate(days))
    }
}

/// 申诉评价: the member credited for a closed request appeals its rating.
async fn appeal_rating(app: &AppState, me: &CurrentUser, id: RequestId, reason: &str) -> Result<Appeal, ApiError> {
    let db = &app.db;
    let req = requests::load(db, id).await?;
    let records = store::ledger::records_of_request(db, id).await?;
    // The latest round's credit is what is appealed (one appeal per credit).
    let credit = records
        .iter()
        .filter(|r| r.kind == RecordKind::Service)
        .max_by_key(|r| r.id)
        .cloned();
    let live = live_record(db, id).await?;
    let (Some(credit), Some(live)) = (credit, live) else {
        return Err(ApiError::field(
            "request_id",
            "not_credited",
            msg!("field.appeal.not_credited"),
        ));
    };
    if credit.member_id != me.id {
        return Err(ApiError::Forbidden);
    }
    if live.rating.is_none() {
        return Err(ApiError::field(
            "request_id",
            "no_rating",
            msg!("field.appeal.no_rating"),
        ));
    }
    let env = Env::of(app);
    check_window(db, req.community_id, credit.created_at, env.now).await?;
    let txn = store::begin_write(&app.writer).await?;
    let appeal = store::appeals::insert(
        &txn,
        NewAppeal {
            community_id: req.community_id,
            kind: AppealKind::Rating,
            subject_id: credit.id.0,
            request_id: Some(id),
            entry_id: None,
            record_id: Some(credit.id),
            appellant_id: me.id,
            respondent_id: Some(req.resident_id),
            reason,
        },
        env.now,
    )
    .await?;
    let live = tell_filed(&txn, env, &appeal, &req.title).await?;
    audit_filed(&txn, env, &appeal).await?;
    txn.commit().await?;
    requests::announce(app, live).await;
    Ok(appeal)
}

/// 申诉扣分: a member appeals a deduction of their points.
async fn appeal_deduction(app: &AppState, me: &CurrentUser, id: EntryId, reason: &str) -> Result<Appeal, ApiError> {
    let db = &app.db;
    let entry = store::ledger::entry(db, id)
        .await?
        .filter(|e| e.member_id == me.id)
        .ok_or(ApiError::NotFound("entry"))?;
    if entry.kind != EntryKind::Deduction {
        return Err(ApiError::field(
            "entry_id",
            "not_deduction",
            msg!("field.appeal.not_deduction"),
        ));
    }
    let env = Env::of(app);
    check_window(db, entry.community_id, entry.created_at, env.now).await?;
    let txn = store::begin_write(&app.writer).await?;
    let appeal = store::appeals::insert(
        &txn,
        NewAppeal {
            community_id: entry.community_id,
            kind: AppealKind::Deduction,
            subject_id: entry.id.0,
            request_id: None,
            entry_id: Some(entry.id),
            record_id: None,
            appellant_id: me.id,
            respondent_id: Some(entry.actor_id),
            reason,
        },
        env.now,
    )
    .await?;
    let what = entry.reason.clone().unwrap_or_default();
    let live = tell_filed(&txn, env, &appeal, &what).await?;
    audit_filed(&txn, env, &appeal).await?;
    txn.commit().await?;
    requests::announce(app, live).await;
    Ok(appeal)
}

async fn audit_filed(db: &impl ConnectionTrait, env: Env<'_>, a: &Appeal) -> Result<(), ApiError> {
    audit::log(
        db,
        env.now,
        a.appellant_id,
        Some(a.community_id),
        &format!("appeal.{}", a.kind.as_str()),
        ("appeal", Some(a.id)),
        serde_json::json!({
            "request_id": a.request_id.map(|r| r.0),
            "entry_id": a.entry_id.map(|e| e.0),
            "reason": a.reason,
        }),
    )
    .await
}

/// The community's admins (by mail too) and the other party hear of an appeal.
async fn tell_filed(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    a: &Appeal,
    about: &str,
) -> Result<Vec<LiveEvent>, ApiError> {
    let admins = store::users::ids_with_role(db, Role::Admin, &[a.community_id]).await?;
    let title = msg!("notice.appeal_filed", kind = kind_word(a.kind), about = about);
    let body = msg!(
        "notice.appeal_body",
        title = title.clone(),
        reason = a.reason.as_str(),
        link = notify::link(env, "/appeals")
    );
    let mut live = notify::write(
        db,
        env,
        admins,
        Words {
            kind: "appeal.filed",
            title: &title,
            body: &body,
            request_id: a.request_id,
            mail: true,
        },
        &format!("appeal:{}:filed", a.id),
    )
    .await?;
    if let Some(other) = a.respondent_id {
        live.extend(
            notify::write(
                db,
                env,
                vec![other],
                Words {
                    kind: "appeal.filed",
                    title: &title,
                    body: &body,
                    request_id: a.request_id,
                    mail: false,
                },
                &format!("appeal:{}:filed:respondent", a.id),
            )
            .await?,
        );
    }
    Ok(live)
}

fn kind_word(k: AppealKind) -> Msg {
    Msg::new(format!("appeal.kind.{}", k.as_str()))
}

/// An appeal, or 404.
async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Appeal, ApiError> {
    store::appeals::find(db, id).await?.ok_or(ApiError::NotFound("appeal"))
}

/// What the appeal is about, read now.
async fn subject(db: &impl ConnectionTrait, a: &Appeal) -> Result<Subject, ApiError> {
    Ok(match a.kind {
        AppealKind::Completion => {
            let id = a.request_id.ok_or(ApiError::NotFound("request"))?;
            let req = requests::load(db, id).await?;
            Subject::Completion {
                reported_minutes: req.service_minutes.unwrap_or(0),
            }
        }
        AppealKind::Rating => {
            let id = a.request_id.ok_or(ApiError::NotFound("request"))?;
            Subject::Rating {
                stars: live_record(db, id).await?.and_then(|r| r.rating),
            }
        }
        AppealKind::Deduction => {
            let id = a.entry_id.ok_or(ApiError::NotFound("entry"))?;
            let e = store::ledger::entry(db, id).await?.ok_or(ApiError::NotFound("entry"))?;
            Subject::Deduction { points: e.points.abs() }
        }
    })
}

fn problem(p: RulingProblem) -> ApiError {
    match p {
        RulingProblem::Minutes { max } => {
            let reported = format!("{:.2}", f64::from(max + 1) / 60.0);
            let reported = reported.trim_end_matches('0').trim_end_matches('.').to_owned();
            ApiError::field("hours", "range", msg!("field.appeal.hours", reported = reported))
        }
        RulingProblem::Stars => ApiError::field("stars", "range", msg!("field.appeal.stars")),
        RulingProblem::Points { max } => ApiError::field("points", "range", msg!("field.appeal.points", max = max)),
        RulingProblem::Nothing => ApiError::field("outcome", "invalid", msg!("field.appeal.no_rating")),
    }
}

/// An admin of the appeal's community rules on it, once (a second ruling,
/// or two at once: `appeal.already_ruled`).
pub async fn rule(app: &AppState, me: &CurrentUser, id: i64, input: RulingInput) -> Result<AppealView, ApiError> {
    scope::require_admin(me)?;
    let db = &app.db;
    let appeal = find(db, id).await?;
    scope::require_admin_of(db, me, appeal.community_id).await?;
    if appeal.status != AppealStatus::Open {
        return Err(ApiError::AppealRuled);
    }
    let subject = subject(db, &appeal).await?;
    let effect = rules::effect(subject, input.outcome, input.figures).map_err(problem)?;
    let figures = match effect {
        Effect::Settle { minutes } => Figures {
            minutes,
            ..Figures::default()
        },
        Effect::Rerate { stars } if input.outcome == Outcome::Partial => Figures {
            stars,
            ..Figures::default()
        },
        Effect::Refund { points } if input.outcome == Outcome::Partial => Figures {
            points: Some(points),
            ..Figures::default()
        },
        _ => Figures::default(),
    };
    let reason = input.reason.trim().to_owned();
    let env = Env::of(app);
    let txn = store::begin_write(&app.writer).await?;
    let ruled = store::appeals::rule(&txn, id, input.outcome.status(), figures, &reason, me.id, env.now)
        .await?
        .ok_or(ApiError::AppealRuled)?;
    let note = Note::text(Some(reason.clone()));
    let mut deltas: Vec<Delta> = Vec::new();
    let mut live = Vec::new();
    let mut credit = None;
    let mut points = 0;
    match effect {
        Effect::Redo | Effect::Settle { .. } => {
            let action = if effect == Effect::Redo {
                Action::Redo
            } else {
                Action::Settle
            };
            let rid = appeal.request_id.ok_or(ApiError::NotFound("request"))?;
            let out = requests::act_in(&txn, env, Acting::Person(me), rid, &action, &note).await?;
            live = out.live;
            credit = out.credit;
        }
        Effect::Rerate { stars } => {
            let rid = appeal.request_id.ok_or(ApiError::NotFound("request"))?;
            let old = live_record(&txn, rid).await?.ok_or(ApiError::NotFound("record"))?;
            let amended = amend_record(
                &txn,
                env.now,
                &old,
                Amendment {
                    minutes: old.minutes,
                    reported_minutes: old.reported_minutes,
                    rating: stars,
                    reason: &reason,
                    actor: me.id,
                },
            )
            .await?;
            points = amended.points;
            deltas = amended.deltas;
        }
        Effect::Refund { points: back } => {
            let eid = appeal.entry_id.ok_or(ApiError::NotFound("entry"))?;
            let entry = store::ledger::entry(&txn, eid)
                .await?
                .ok_or(ApiError::NotFound("entry"))?;
            let community = directory::community(&txn, entry.community_id).await?;
            let place = Place {
                member_id: entry.member_id,
                community_id: entry.community_id,
                street: &community.street,
            };
            let (_, d) = store::ledger::append_entry(
                &txn,
                NewEntry {
                    reason: Some(reason.clone()),
                    reverses_id: Some(entry.id),
                    ..NewEntry::plain(
                        place,
                        EntryKind::Correction,
                        back,
                        app.clock.today(app.local_offset),
                        me.id,
                    )
                },
                env.now,
            )
            .await?;
            points = back;
            deltas.push(d);
        }
        Effect::Nothing => {}
    }
    audit::log(
        &txn,
        env.now,
        me.id,
        Some(appeal.community_id),
        "appeal.rule",
        ("appeal", Some(appeal.id)),
        serde_json::json!({
            "kind": appeal.kind.as_str(),
            "outcome": input.outcome.as_str(),
            "reason": reason,
            "minutes": figures.minutes,
            "stars": figures.stars,
            "points": points,
            "request_id": appeal.request_id.map(|r| r.0),
            "entry_id": appeal.entry_id.map(|e| e.0),
        }),
    )
    .await?;
    // A dispute's parties hear of the ruling through its transition; an
    // appeal's through a notice of its own.
    if appeal.kind != AppealKind::Completion {
        live.extend(tell_ruled(&txn, env, &ruled).await?);
    }
    txn.commit().await?;
    boards_moved(app, &deltas).await;
    requests::after_commit(app, credit, live).await;
    view::one(db, me, ruled).await
}

/// The appellant (by mail too) and the other party hear of a ruling.
async fn tell_ruled(db: &impl ConnectionTrait, env: Env<'_>, a: &Appeal) -> Result<Vec<LiveEvent>, ApiError> {
    let title = msg!(
        "notice.appeal_ruled",
        kind = kind_word(a.kind),
        outcome = Msg::new(format!("appeal.status.{}", a.status.as_str()))
    );
    let body = msg!(
        "notice.appeal_body",
        title = title.clone(),
        reason = a.ruling.clone().unwrap_or_default(),
        link = notify::link(env, "/appeals")
    );
    let mut live = Vec::new();
    for (who, mail, tag) in [
        (Some(a.appellant_id), true, "appellant"),
        (a.respondent_id, false, "respondent"),
    ] {
        let Some(who) = who else { continue };
        live.extend(
            notify::write(
                db,
                env,
                vec![who],
                Words {
                    kind: "appeal.ruled",
                    title: &title,
                    body: &body,
                    request_id: a.request_id,
                    mail,
                },
                &format!("appeal:{}:ruled:{tag}", a.id),
            )
            .await?,
        );
    }
    Ok(live)
}

/// Which appeals to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `open`, `ruled` or everything.
    pub open: Option<bool>,
    pub community_id: Option<CommunityId>,
    pub request_id: Option<RequestId>,
    pub before: Option<i64>,
    pub limit: u64,
}

/// Admins see their communities' appeals; others those they filed or answer.
pub async fn list(app: &AppState, me: &CurrentUser, q: ListQuery) -> Result<(Vec<AppealView>, Option<i64>), ApiError> {
    let db = &app.db;
    let (communities, party) = if me.authority().is_admin() {
        (Some(scope::communities_within(db, me, q.community_id).await?), None)
    } else {
        (None, Some(me.id))
    };
    let status = q.open.map(|open| {
        if open {
            vec![AppealStatus::Open]
        } else {
            vec![AppealStatus::Upheld, AppealStatus::Overturned, AppealStatus::Partial]
        }
    });
    let rows = store::appeals::list(
        db,
        &Filter {
            communities,
            party,
            status,
            request_id: q.request_id,
        },
        q.before,
        q.limit,
    )
    .await?;
    let (rows, next) = store::page(rows, q.limit, |a| a.id);
    Ok((view::many(db, me, rows).await?, next))
}

/// One appeal, to its parties and the admins of its community.
pub async fn get(app: &AppState, me: &CurrentUser, id: i64) -> Result<AppealView, ApiError> {
    let a = find(&app.db, id).await?;
    let party = a.appellant_id == me.id || a.respondent_id == Some(me.id);
    if !party && !scope::administers(&app.db, me, a.community_id).await? {
        return Err(ApiError::Forbidden);
    }
    view::one(&app.db, me, a).await
}
