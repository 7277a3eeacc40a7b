//! 家人代下单: consent codes and who may order for whom.

use crate::domain::UserId;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use entity::{consent_code, family_link};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// Wrong tries that void a code.
pub const MAX_ATTEMPTS: i16 = 5;

/// Gives `user` a new code (the old one, if any, stops working).
pub async fn set_code(
    db: &impl ConnectionTrait,
    user: UserId,
    code: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    use consent_code::Column as C;
    let row = consent_code::ActiveModel {
        user_id: Set(user.0),
        code: Set(code.to_owned()),
        attempts: Set(0),
        expires_at: Set(expires_at),
    };
    consent_code::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([C::Code, C::Attempts, C::ExpiresAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Uses `user`'s code if it is `code` and still good: true exactly once
/// however many try at the same moment. A wrong code counts a try, and the
/// fifth wrong one voids it.
pub async fn take_code(
    db: &impl ConnectionTrait,
    user: UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    use consent_code::Column as C;
    let taken = consent_code::Entity::delete_many()
        .filter(C::UserId.eq(user.0))
        .filter(C::Code.eq(code))
        .filter(C::ExpiresAt.gt(now))
        .filter(C::Attempts.lt(MAX_ATTEMPTS))
        .exec(db)
        .await?
        .rows_affected;
    if taken == 1 {
        return Ok(true);
    }
    consent_code::Entity::update_many()
        .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
        .filter(C::UserId.eq(user.0))
        .exec(db)
        .await?;
    consent_code::Entity::delete_many()
        .filter(C::UserId.eq(user.0))
        .filter(
            Condition::any()
                .add(C::Attempts.gte(MAX_ATTEMPTS))
                .add(C::ExpiresAt.lte(now)),
        )
        .exec(db)
        .await?;
    Ok(false)
}

/// `user` may order for `relative` from now on (already so: unchanged).
pub async fn link(
    db: &impl ConnectionTrait,
    user: UserId,
    relative: UserId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use family_link::Column as C;
    let row = family_link::ActiveModel {
        user_id: Set(user.0),
        relative_id: Set(relative.0),
        created_at: Set(now),
    };
    family_link::Entity::insert(row)
        .on_conflict(OnConflict::columns([C::UserId, C::RelativeId]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Ends the link between two people, whichever way it runs.
pub async fn unlink(db: &impl ConnectionTrait, a: UserId, b: UserId) -> Result<u64, ApiError> {
    use family_link::Column as C;
    let way = |x: UserId, y: UserId| Condition::all().add(C::UserId.eq(x.0)).add(C::RelativeId.eq(y.0));
    Ok(family_link::Entity::delete_many()
        .filter(Condition::any().add(way(a, b)).add(way(b, a)))
        .exec(db)
        .await?
        .rows_affected)
}

/// May `user` order for `relative`?
pub async fn linked(db: &impl ConnectionTrait, user: UserId, relative: UserId) -> Result<bool, ApiError> {
    use family_link::Column as C;
    Ok(family_link::Entity::find()
        .filter(C::UserId.eq(user.0))
        .filter(C::RelativeId.eq(relative.0))
        .one(db)
        .await?
        .is_some())
}

/// The people `user` may order for (`for_them`), or who may order for
/// `user` (not), with the day each link began, oldest first.
pub async fn links(
    db: &impl ConnectionTrait,
    user: UserId,
    for_them: bool,
) -> Result<Vec<(UserId, DateTime<Utc>)>, ApiError> {
    use family_link::Column as C;
    let (mine, other) = if for_them {
        (C::UserId, C::RelativeId)
    } else {
        (C::RelativeId, C::UserId)
    };
    let rows: Vec<(i64, DateTime<Utc>)> = family_link::Entity::find()
        .select_only()
        .column(other)
        .column(C::CreatedAt)
        .filter(mine.eq(user.0))
        .order_by_asc(C::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(u, at)| (UserId(u), at)).collect())
}
