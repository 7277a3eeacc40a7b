//! Admins' changes to the ledgers, each with a reason and an audit line:
//! 嘉许 (award) and 扣分 (deduction), voiding a service's points after an
//! upheld complaint, and correcting a service record's hours (a reversal
//! plus a new record — the old row stays as it was).

use super::{EntryView, RecordView, boards_moved, entry_views, record_views};
use crate::auth::CurrentUser;
use crate::domain::board::Delta;
use crate::domain::ledger::{EntryKind, RecordKind};
use crate::domain::{CommunityId, EntryId, RecordId, RequestId, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::{audit, directory, members, rules, scope};
use crate::state::AppState;
use crate::store::{self, ledger::Entry, ledger::NewEntry, ledger::NewRecord, ledger::Place, ledger::Record};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardKind {
    /// 嘉许
    Award,
    /// 扣分
    Deduction,
}

#[derive(Debug, Clone)]
pub struct AwardInput {
    pub member_id: UserId,
    pub kind: AwardKind,
    /// Positive; a deduction subtracts it.
    pub points: i64,
    pub reason: String,
}

fn one<T>(mut views: Vec<T>, what: &str) -> Result<T, ApiError> {
    views
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("{what} not readable")))
}

/// An award or deduction by an admin of the member's community (or street).
pub async fn award(app: &AppState, me: &CurrentUser, input: AwardInput) -> Result<EntryView, ApiError> {
    scope::require_admin(me)?;
    let db = &app.db;
    let profile = members::find(db, input.member_id).await?;
    scope::require_admin_of(db, me, profile.community_id).await?;
    let community = directory::community(db, profile.community_id).await?;
    let (kind, signed) = match input.kind {
        AwardKind::Award => (EntryKind::Award, input.points),
        AwardKind::Deduction => (EntryKind::Deduction, -input.points),
    };
    let now = app.clock.now();
    let place = Place {
        member_id: input.member_id,
        community_id: profile.community_id,
        street: &community.street,
    };
    let txn = store::begin_write(&app.writer).await?;
    let (entry, delta) = store::ledger::append_entry(
        &txn,
        NewEntry {
            reason: Some(input.reason.clone()),
            ..NewEntry::plain(place, kind, signed, app.clock.today(app.local_offset), me.id)
        },
        now,
    )
    .await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(profile.community_id),
        &format!("points.{}", kind.as_str()),
        ("member", Some(input.member_id.0)),
        serde_json::json!({ "points": signed, "reason": input.reason, "entry_id": entry.id }),
    )
    .await?;
    txn.commit().await?;
    boards_moved(app, &[delta]).await;
    one(entry_views(db, vec![entry]).await?, "award")
}

/// Awards and deductions in the caller's scope (a street admin sees the
/// whole street), newest first.
pub async fn list_awards(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    before: Option<EntryId>,
    limit: u64,
) -> Result<(Vec<EntryView>, Option<i64>), ApiError> {
    let ids = scope::communities_within(&app.db, me, community_id).await?;
    let (rows, next) =
        store::ledger::entries_in(&app.db, &ids, &[EntryKind::Award, EntryKind::Deduction], before, limit).await?;
    Ok((entry_views(&app.db, rows).await?, next))
}

/// Points a request still gives its member (service credits of every round,
/// corrections, voids), and the entries voids have reversed.
async fn request_points(db: &impl ConnectionTrait, request_id: RequestId) -> Result<(i64, Vec<EntryId>), ApiError> {
    let rows = store::ledger::entries_of_request(db, request_id).await?;
    let net = rows.iter().filter(|e| e.kind.of_service()).map(|e| e.points).sum();
    let voided = rows
        .iter()
        .filter(|e| e.kind == EntryKind::Void)
        .filter_map(|e| e.reverses_id)
        .collect();
    Ok((net, voided))
}

/// The latest round's credit of a request (a reopened request credits once per round).
async fn latest_credit(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Entry, ApiError> {
    store::ledger::entries_of_request(db, request_id)
        .await?
        .into_iter()
        .filter(|e| e.credit_of.is_some_and(|(r, _)| r == request_id))
        .max_by_key(|e| e.id)
        .ok_or(ApiError::NotFound("credit"))
}

/// An upheld complaint: the request's points go back (hours stay — they
/// were served). Once per request, enforced by a unique index on
/// (reverses_id, kind).
pub async fn void_credit(
    app: &AppState,
    me: &CurrentUser,
    request_id: RequestId,
    reason: String,
) -> Result<EntryView, ApiError> {
    scope::require_admin(me)?;
    let db = &app.db;
    let credit = latest_credit(db, request_id).await?;
    scope::require_admin_of(db, me, credit.community_id).await?;
    let community = directory::community(db, credit.community_id).await?;
    let (net, voided) = request_points(db, request_id).await?;
    if voided.contains(&credit.id) {
        return Err(ApiError::AlreadyVoided);
    }
    let net = net.max(0);
    let now = app.clock.now();
    let place = Place {
        member_id: credit.member_id,
        community_id: credit.community_id,
        street: &community.street,
    };
    let txn = store::begin_write(&app.writer).await?;
    let appended = store::ledger::append_entry(
        &txn,
        NewEntry {
            reason: Some(reason.clone()),
            request_id: Some(request_id),
            record_id: credit.record_id,
            reverses_id: Some(credit.id),
            rule_id: credit.rule_id,
            ..NewEntry::plain(place, EntryKind::Void, -net, credit.occurred_on, me.id)
        },
        now,
    )
    .await;
    let (entry, delta) = match appended {
        Err(ApiError::Conflict) => return Err(ApiError::AlreadyVoided),
        other => other?,
    };
    audit::log(
        &txn,
        now,
        me.id,
        Some(credit.community_id),
        "points.void",
        ("request", Some(request_id.0)),
        serde_json::json!({ "points": -net, "reason": reason, "entry_id": entry.id }),
    )
    .await?;
    txn.commit().await?;
    boards_moved(app, &[delta]).await;
    one(entry_views(db, vec![entry]).await?, "void")
}

/// Corrects a record's hours: a reversal of it and a new record with the
/// corrected minutes (under the rule the credit was made with), plus the
/// points difference. A record is reversed once (unique index), so two
/// admins correcting at once have one winner; the other is told to reload.
pub async fn correct_record(
    app: &AppState,
    me: &CurrentUser,
    record_id: RecordId,
    reported_minutes: i32,
    reason: String,
) -> Result<RecordView, ApiError> {
    scope::require_admin(me)?;
    let db = &app.db;
    let old = store::ledger::record(db, record_id)
        .await?
        .ok_or(ApiError::NotFound("record"))?;
    scope::require_admin_of(db, me, old.community_id).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let amended = amend_record(
        &txn,
        now,
        &old,
        Amendment {
            minutes: reported_minutes,
            reported_minutes: Some(reported_minutes),
            rating: old.rating,
            reason: &reason,
            actor: me.id,
        },
    )
    .await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(old.community_id),
        "record.correct",
        ("service_record", Some(old.id.0)),
        serde_json::json!({
            "from_minutes": old.minutes,
            "to_minutes": amended.record.minutes,
            "points": amended.points,
            "reason": reason,
            "new_record_id": amended.record.id,
        }),
    )
    .await?;
    txn.commit().await?;
    boards_moved(app, &amended.deltas).await;
    one(record_views(vec![amended.record]), "correction")
}

/// What an amended service record says instead.
pub struct Amendment<'a> {
    /// The minutes to credit (capped by the rule as at the first credit).
    pub minutes: i32,
    /// What the member reported, kept on the record.
    pub reported_minutes: Option<i32>,
    /// The rating that counts (`None`: none).
    pub rating: Option<i16>,
    pub reason: &'a str,
    pub actor: UserId,
}

/// An amended record: the new row, the board movements, the points difference.
pub struct Amended {
    pub record: Record,
    pub deltas: Vec<Delta>,
    pub points: i64,
}

/// Amends a service record in the caller's transaction, the one way hours
/// or a rating change after a credit: a reversal of `old`, a corrected copy
/// and, under the rule the credit was made with, a correction entry for
/// the points difference (none once the request's points were voided).
/// `old` is reversed at most once (unique index): a second amendment of
/// the same row is a conflict.
pub async fn amend_record(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    old: &Record,
    a: Amendment<'_>,
) -> Result<Amended, ApiError> {
    if old.kind == RecordKind::Reversal {
        return Err(ApiError::field(
            "record_id",
            "reversal",
            msg!("field.record_id.reversal"),
        ));
    }
    let community = directory::community(db, old.community_id).await?;
    let rule = match old.rule_id {
        Some(id) => rules::by_id(db, id).await?,
        None => rules::current(db, old.community_id, now).await?,
    };
    let category = match old.category_id {
        Some(c) => store::directory::category(db, c).await?,
        None => None,
    };
    let multiplier = category
        .as_ref()
        .map_or(100, |c| rule.rule.multiplier_pct(&c.code, c.points_multiplier_pct));
    let credit = rule.rule.credit(a.minutes, multiplier, a.rating);
    // What the old record earned, by the same rule: its minutes are the
    // credited ones (after the cap or a ruling), which give its points.
    let before = rule.rule.credit(old.minutes, multiplier, old.rating);
    let voided = match old.request_id {
        Some(r) => !request_points(db, r).await?.1.is_empty(),
        None => false,
    };
    let points_delta = if voided { 0 } else { credit.points - before.points };
    let place = Place {
        member_id: old.member_id,
        community_id: old.community_id,
        street: &community.street,
    };
    let copy =
        |kind: RecordKind, minutes: i32, reported: Option<i32>, rating: Option<i16>, reverses: Option<RecordId>| {
            NewRecord {
                place,
                kind,
                minutes,
                reported_minutes: reported,
                rating,
                request_id: old.request_id,
                credit_of: None,
                reverses_id: reverses,
                category_id: old.category_id,
                activity: old.activity.clone(),
                service_date: old.service_date,
                place_text: old.place.clone(),
                content: old.content.clone(),
                organiser: old.organiser.clone(),
                person_in_charge: old.person_in_charge.clone(),
                rule_id: old.rule_id,
                reason: Some(a.reason.to_owned()),
                actor_id: a.actor,
            }
        };
    let (_, undone) = store::ledger::append_record(
        db,
        copy(
            RecordKind::Reversal,
            -old.minutes,
            old.reported_minutes.map(|m| -m),
            old.rating,
            Some(old.id),
        ),
        now,
    )
    .await?;
    let (fresh, redone) = store::ledger::append_record(
        db,
        copy(
            RecordKind::Correction,
            credit.minutes,
            a.reported_minutes,
            a.rating,
            None,
        ),
        now,
    )
    .await?;
    let mut deltas = vec![undone, redone];
    if points_delta != 0 {
        let (_, d) = store::ledger::append_entry(
            db,
            NewEntry {
                reason: Some(a.reason.to_owned()),
                request_id: old.request_id,
                record_id: Some(fresh.id),
                rule_id: old.rule_id,
                ..NewEntry::plain(place, EntryKind::Correction, points_delta, old.service_date, a.actor)
            },
            now,
        )
        .await?;
        deltas.push(d);
    }
    Ok(Amended {
        record: fresh,
        deltas,
        points: points_delta,
    })
}

/// The record that counts now for a request's latest credit: its service
/// record, or the last correction of it (never a reversed one).
pub async fn live_record(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Option<Record>, ApiError> {
    let rows = store::ledger::records_of_request(db, request_id).await?;
    let reversed: Vec<RecordId> = rows.iter().filter_map(|r| r.reverses_id).collect();
    Ok(rows
        .into_iter()
        .filter(|r| r.kind != RecordKind::Reversal && !reversed.contains(&r.id))
        .max_by_key(|r| r.id))
}
