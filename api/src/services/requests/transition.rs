//! Every state change of a request: decided by the pure state machine,
//! written by one conditional UPDATE (`… WHERE id = ? AND version = ?`) plus
//! its timeline event, in one transaction. When two people act at once, the
//! UPDATE of exactly one of them matches; the others re-read and are told why
//! they lost (e.g. `request.already_taken`).

use super::access::Access;
use super::view::{self, RequestView};
use crate::auth::CurrentUser;
use crate::clock;
use crate::domain::notify as notices;
use crate::domain::request::{self, Action, State, Status};
use crate::error::ApiError;
use crate::services::members::{self, Room};
use crate::services::{ledger, notify};
use crate::state::AppState;
use entity::{help_request, request_event};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionTrait};

/// How often a transition re-reads after losing a race to an unrelated change.
const ATTEMPTS: usize = 3;

fn state_of(r: &help_request::Model) -> Result<State, ApiError> {
    Ok(State {
        status: r
            .status
            .parse()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("request {} has unknown status {}", r.id, r.status)))?,
        resident_id: r.resident_id,
        entered_by: r.entered_by,
        assignee_id: r.assignee_id,
        service_minutes: r.service_minutes,
        summary: r.summary.clone(),
        rating: r.rating,
        review_comment: r.review_comment.clone(),
    })
}

/// A dispatch must name an active member of the request's own community
/// with a free place; a claim needs a free place too.
async fn check_room(
    db: &DatabaseConnection,
    req: &help_request::Model,
    action: &Action,
    me: i64,
) -> Result<(), ApiError> {
    let (who, dispatch) = match action {
        Action::Dispatch { assignee } => (*assignee, true),
        Action::Claim => (me, false),
        _ => return Ok(()),
    };
    match members::room(db, who, req.community_id).await? {
        Room::Yes => Ok(()),
        Room::Full => Err(ApiError::MemberFull),
        Room::NotMember if dispatch => Err(ApiError::field(
            "assignee_id",
            "not_member",
            "只能派给本社区已报到的党员或志愿者",
            "must be a member (party member or volunteer) of this community",
        )),
        // The state machine already let a member claim; a missing profile
        // means the role and registration disagree, so refuse plainly.
        Room::NotMember => Err(ApiError::Forbidden),
    }
}

/// Applies `action` to request `id` as `me`. Verifying (close) also credits
/// the member — service record, points, balance — in the same transaction,
/// and then moves the honor boards.
#[tracing::instrument(skip(state, me, action, note), fields(user = me.id, action = action.name()))]
pub async fn act(
    state: &AppState,
    me: &CurrentUser,
    id: i64,
    action: Action,
    note: Option<String>,
) -> Result<RequestView, ApiError> {
    let db = &state.db;
    for _ in 0..ATTEMPTS {
        let req = super::load(db, id).await?;
        let access = Access::of(db, me, &req).await?;
        let before = state_of(&req)?;
        let next = request::apply(&before, &action, &access.actor())?;
        check_room(db, &req, &action, me.id).await?;
        let credit = match next.status {
            Status::Closed => Some(ledger::plan_close(db, &req, me.id, state.local_offset).await?),
            _ => None,
        };
        let now = clock::now();
        use help_request::Column as C;
        // The UPDATE is the transaction's first statement: on SQLite it takes
        // the write lock straight away instead of upgrading a read lock.
        let txn = db.begin().await?;
        let mut update = help_request::Entity::update_many()
            .col_expr(C::Status, Expr::value(next.status.as_str()))
            .col_expr(C::AssigneeId, Expr::value(next.assignee_id))
            .col_expr(C::ServiceMinutes, Expr::value(next.service_minutes))
            .col_expr(C::Summary, Expr::value(next.summary.clone()))
            .col_expr(C::Rating, Expr::value(next.rating))
            .col_expr(C::ReviewComment, Expr::value(next.review_comment.clone()))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .col_expr(C::UpdatedAt, Expr::value(now));
        if next.assignee_id != before.assignee_id {
            // Fairness counts how many requests a member got lately.
            update = update.col_expr(C::AssignedAt, Expr::value(next.assignee_id.map(|_| now)));
        }
        if next.status == Status::Closed {
            update = update.col_expr(C::ClosedAt, Expr::value(Some(now)));
        }
        if matches!(action, Action::Reopen) {
            // Another round: the next close credits again (once per round).
            update = update
                .col_expr(C::Round, Expr::col(C::Round).add(1))
                .col_expr(C::ClosedAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None));
        }
        let done = update
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(req.version))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            txn.rollback().await?;
            continue;
        }
        let event = request_event::ActiveModel {
            request_id: Set(id),
            actor_id: Set(me.id),
            action: Set(action.name().to_owned()),
            from_status: Set(Some(before.status.as_str().to_owned())),
            to_status: Set(next.status.as_str().to_owned()),
            note: Set(note.clone().filter(|n| !n.trim().is_empty())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let live = notify::send(
            &txn,
            &state.settings,
            notify::Subject {
                request: &req,
                status: next.status,
                assignee_id: next.assignee_id,
                former_assignee_id: before.assignee_id.filter(|a| Some(*a) != next.assignee_id),
            },
            &notices::for_transition(&action, &before, &next),
            Some(me.id),
            &format!("event:{}", event.id),
            action.name(),
        )
        .await?;
        let delta = match &credit {
            Some(plan) => Some(ledger::credit_close(&txn, plan).await?),
            None => None,
        };
        txn.commit().await?;
        if let Some(d) = delta {
            state.boards.record(&[d]).await;
        }
        state.hub.publish(live).await;
        let fresh = super::load(db, id).await?;
        return view::one(db, me, &fresh, access.admin_here).await;
    }
    Err(ApiError::Conflict)
}
