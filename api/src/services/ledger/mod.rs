//! The two append-only ledgers — service records (hours) and points entries —
//! and each member's running balance beside them. Every write here appends
//! rows and moves the balance in the caller's transaction; nothing is ever
//! updated in place. Rows that change a board are returned as
//! [`crate::domain::board::Delta`]s for the caller to hand to the boards
//! once the transaction has committed.

mod adjust;
mod credit;
mod statement;

pub use adjust::{AwardInput, AwardKind, award, correct_record, entries_total, list_awards, void_credit};
pub use credit::{ClosePlan, credit_close, plan_close};
pub use statement::{EntryView, PointsPage, RecordView, ServiceSummary, points, records, summary, summary_for};
pub(crate) use statement::{rated_count, rating_sum, sum_i64};

use crate::clock;
use crate::error::ApiError;
use entity::member_balance;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Kinds of points entries (`points_entries.kind`).
pub mod kind {
    /// A verified service (one per request: `credit_of`).
    pub const SERVICE: &str = "service";
    /// 嘉许 — an admin's award.
    pub const AWARD: &str = "award";
    /// 扣分 — an admin's deduction.
    pub const DEDUCTION: &str = "deduction";
    /// An upheld complaint takes a service's points back.
    pub const VOID: &str = "void";
    /// Hours corrected: the points difference.
    pub const CORRECTION: &str = "correction";
    /// 爱心超市 — points spent.
    pub const REDEMPTION: &str = "redemption";
    /// A cancelled redemption's points given back.
    pub const REFUND: &str = "refund";

    /// Does this kind count on honor boards (earning, not spending)?
    pub fn earned(kind: &str) -> bool {
        !matches!(kind, REDEMPTION | REFUND)
    }
}

/// Moves a member's balance by `points` and `minutes` in the caller's
/// transaction. Refuses (and writes nothing) if points would go below zero.
/// The first statement is an INSERT, so on SQLite it takes the write lock.
pub(crate) async fn move_balance(
    db: &impl ConnectionTrait,
    member_id: i64,
    points: i64,
    minutes: i64,
) -> Result<(), ApiError> {
    use member_balance::Column as C;
    let now = clock::now();
    member_balance::Entity::insert(member_balance::ActiveModel {
        member_id: Set(member_id),
        points: Set(0),
        minutes: Set(0),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(C::MemberId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    let done = member_balance::Entity::update_many()
        .col_expr(C::Points, Expr::col(C::Points).add(points))
        .col_expr(C::Minutes, Expr::col(C::Minutes).add(minutes))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::MemberId.eq(member_id))
        .filter(Expr::col(C::Points).add(points).gte(0))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        let balance = balance_of(db, member_id).await?.0;
        return Err(ApiError::PointsInsufficient {
            balance,
            needed: -points,
        });
    }
    Ok(())
}

/// (points, minutes) held now; zeros for someone with no entries yet.
pub async fn balance_of(db: &impl ConnectionTrait, member_id: i64) -> Result<(i64, i64), ApiError> {
    Ok(member_balance::Entity::find_by_id(member_id)
        .one(db)
        .await?
        .map_or((0, 0), |b| (b.points, b.minutes)))
}
