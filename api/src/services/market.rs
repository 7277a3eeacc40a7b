//! 爱心超市 — each community's reward catalogue, priced in points.
//! Redeeming spends points (never hours) and takes one from stock in one
//! transaction: the stock is decremented by a conditional UPDATE first, so
//! two members after the last item have one winner, and the points move by
//! the ledger's append (which refuses a negative balance). A pending
//! redemption is fulfilled when handed over, or cancelled — which refunds
//! the points by a new ledger row and puts the item back
//! (`domain::redemption`).

use crate::auth::CurrentUser;
use crate::domain::ledger::EntryKind;
use crate::domain::member::MemberStatus;
use crate::domain::redemption::{self, Decision, Status};
use crate::domain::{CommunityId, RedemptionId, RewardId, UserId};
use crate::error::ApiError;
use crate::services::{audit, directory, members, rules, scope};
use crate::state::AppState;
use crate::store::{self, ledger::NewEntry, ledger::Place, market::Redemption, market::Reward, market::RewardFields};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct RewardInput {
    pub name: String,
    pub description: String,
    pub points_price: i64,
    pub stock: i32,
    pub active: bool,
}

impl RewardInput {
    fn fields(&self) -> RewardFields<'_> {
        RewardFields {
            name: self.name.trim(),
            description: self.description.trim(),
            points_price: self.points_price,
            stock: self.stock,
            active: self.active,
        }
    }
}

/// What the API shows of an item: the item as the store keeps it.
pub type RewardView = Reward;

#[derive(Debug, Serialize)]
pub struct RedemptionView {
    pub id: RedemptionId,
    pub reward_id: RewardId,
    pub reward_name: String,
    pub member_id: UserId,
    pub member_name: String,
    pub community_id: CommunityId,
    pub points: i64,
    pub status: Status,
    pub note: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

async fn redemption_views(db: &impl ConnectionTrait, rows: Vec<Redemption>) -> Result<Vec<RedemptionView>, ApiError> {
    let names = store::market::reward_names(db, rows.iter().map(|r| r.reward_id).collect()).await?;
    let people = store::users::by_ids(db, rows.iter().map(|r| r.member_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| RedemptionView {
            reward_name: names.get(&r.reward_id).cloned().unwrap_or_default(),
            member_name: people.get(&r.member_id).map(|u| u.name.clone()).unwrap_or_default(),
            id: r.id,
            reward_id: r.reward_id,
            member_id: r.member_id,
            community_id: r.community_id,
            points: r.points,
            status: r.status,
            note: r.note,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        })
        .collect())
}

async fn one_view(db: &impl ConnectionTrait, row: Redemption) -> Result<RedemptionView, ApiError> {
    redemption_views(db, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("redemption not readable")))
}

async fn load_reward(db: &impl ConnectionTrait, id: RewardId) -> Result<Reward, ApiError> {
    store::market::reward(db, id).await?.ok_or(ApiError::NotFound("reward"))
}

async fn load_redemption(db: &impl ConnectionTrait, id: RedemptionId) -> Result<Redemption, ApiError> {
    store::market::redemption(db, id)
        .await?
        .ok_or(ApiError::NotFound("redemption"))
}

/// The catalogue of a community: its people see what is on offer; its
/// admins also see withdrawn items.
pub async fn list_rewards(
    app: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
) -> Result<Vec<RewardView>, ApiError> {
    let community_id = community_id.unwrap_or(me.community_id);
    let admin = scope::administers(&app.db, me, community_id).await?;
    if community_id != me.community_id && !admin {
        return Err(ApiError::Forbidden);
    }
    store::market::rewards(&app.db, community_id, admin).await
}

pub async fn create_reward(
    app: &AppState,
    me: &CurrentUser,
    community_id: CommunityId,
    input: RewardInput,
) -> Result<RewardView, ApiError> {
    scope::require_admin_of(&app.db, me, community_id).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let row = store::market::insert_reward(&txn, community_id, input.fields(), me.id, now).await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(community_id),
        "reward.create",
        ("reward", Some(row.id.0)),
        serde_json::json!({ "name": row.name, "points_price": row.points_price, "stock": row.stock }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Edits an item: name, price, stock on hand, on offer or withdrawn.
pub async fn update_reward(
    app: &AppState,
    me: &CurrentUser,
    id: RewardId,
    input: RewardInput,
) -> Result<RewardView, ApiError> {
    let old = load_reward(&app.db, id).await?;
    scope::require_admin_of(&app.db, me, old.community_id).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let row = store::market::update_reward(&txn, id, input.fields(), now).await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(old.community_id),
        "reward.update",
        ("reward", Some(id.0)),
        serde_json::json!({
            "from": { "points_price": old.points_price, "stock": old.stock, "active": old.active },
            "to": { "points_price": row.points_price, "stock": row.stock, "active": row.active },
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// A member redeems one item of their own community.
pub async fn redeem(app: &AppState, me: &CurrentUser, reward_id: RewardId) -> Result<RedemptionView, ApiError> {
    let db = &app.db;
    let item = load_reward(db, reward_id).await?;
    let profile = members::find_own(db, me).await?;
    if profile.status != MemberStatus::Active || profile.community_id != item.community_id {
        return Err(ApiError::Forbidden);
    }
    if !item.active {
        return Err(ApiError::OutOfStock);
    }
    let now = app.clock.now();
    let min = rules::current(db, item.community_id, now)
        .await?
        .rule
        .min_balance_to_redeem;
    let community = directory::community(db, item.community_id).await?;
    let txn = store::begin_write(&app.writer).await?;
    if !store::market::take_one(&txn, reward_id, now).await? {
        txn.rollback().await?;
        return Err(ApiError::OutOfStock);
    }
    let (balance, _) = store::ledger::balance(&txn, me.id).await?;
    if balance < min {
        txn.rollback().await?;
        return Err(ApiError::BelowRedeemMinimum(min));
    }
    let row = store::market::insert_redemption(&txn, &item, me.id, now).await?;
    let place = Place {
        member_id: me.id,
        community_id: item.community_id,
        street: &community.street,
    };
    let spent = store::ledger::append_entry(
        &txn,
        NewEntry {
            reason: Some(item.name.clone()),
            redemption_id: Some(row.id),
            ..NewEntry::plain(
                place,
                EntryKind::Redemption,
                -item.points_price,
                app.clock.today(app.local_offset),
                me.id,
            )
        },
        now,
    )
    .await;
    if let Err(e) = spent {
        txn.rollback().await?;
        return Err(e);
    }
    txn.commit().await?;
    one_view(db, row).await
}

/// Moves a pending redemption by `decision`; the loser of two concurrent
/// decisions is told the status it found.
async fn decide(
    db: &impl ConnectionTrait,
    r: &Redemption,
    decision: Decision,
    me: &CurrentUser,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<Redemption, ApiError> {
    let to = redemption::decide(r.status, decision).map_err(ApiError::RedemptionState)?;
    match store::market::decide(db, r.id, r.status, to, me.id, note, now).await? {
        Some(done) => Ok(done),
        None => Err(ApiError::RedemptionState(load_redemption(db, r.id).await?.status)),
    }
}

/// The community hands the item over.
pub async fn fulfil(app: &AppState, me: &CurrentUser, id: RedemptionId) -> Result<RedemptionView, ApiError> {
    let r = load_redemption(&app.db, id).await?;
    scope::require_admin_of(&app.db, me, r.community_id).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let done = decide(&txn, &r, Decision::Fulfil, me, None, now).await?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(r.community_id),
        "redemption.fulfil",
        ("redemption", Some(id.0)),
        serde_json::json!({ "member_id": r.member_id, "points": r.points }),
    )
    .await?;
    txn.commit().await?;
    one_view(&app.db, done).await
}

/// The member (or an admin) calls it off: the points come back as a
/// `refund` entry and the item goes back into stock.
pub async fn cancel(
    app: &AppState,
    me: &CurrentUser,
    id: RedemptionId,
    note: Option<String>,
) -> Result<RedemptionView, ApiError> {
    let db = &app.db;
    let r = load_redemption(db, id).await?;
    let admin = scope::administers(db, me, r.community_id).await?;
    if r.member_id != me.id && !admin {
        return Err(ApiError::Forbidden);
    }
    let community = directory::community(db, r.community_id).await?;
    let now = app.clock.now();
    let txn = store::begin_write(&app.writer).await?;
    let done = decide(&txn, &r, Decision::Cancel, me, note.clone(), now).await?;
    // The item before the balance, in the order `redeem` takes them: the
    // other way round, a redemption and a cancellation of the same item by
    // the same member deadlocked on PostgreSQL (one answered 500).
    store::market::put_back(&txn, r.reward_id, now).await?;
    let place = Place {
        member_id: r.member_id,
        community_id: r.community_id,
        street: &community.street,
    };
    store::ledger::append_entry(
        &txn,
        NewEntry {
            reason: note.clone(),
            redemption_id: Some(r.id),
            ..NewEntry::plain(
                place,
                EntryKind::Refund,
                r.points,
                app.clock.today(app.local_offset),
                me.id,
            )
        },
        now,
    )
    .await?;
    if admin && r.member_id != me.id {
        audit::log(
            &txn,
            now,
            me.id,
            Some(r.community_id),
            "redemption.cancel",
            ("redemption", Some(id.0)),
            serde_json::json!({ "member_id": r.member_id, "points": r.points, "note": note }),
        )
        .await?;
    }
    txn.commit().await?;
    one_view(db, done).await
}

/// Redemptions: a member's own (`mine`), or an admin's communities'.
pub async fn list_redemptions(
    app: &AppState,
    me: &CurrentUser,
    mine: bool,
    community_id: Option<CommunityId>,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<RedemptionView>, ApiError> {
    let db = &app.db;
    let rows = if mine || !me.role.is_admin() {
        store::market::redemptions(db, store::market::Whose::Member(me.id), status, limit).await?
    } else {
        let ids = scope::communities_within(db, me, community_id).await?;
        store::market::redemptions(db, store::market::Whose::Communities(&ids), status, limit).await?
    };
    redemption_views(db, rows).await
}
