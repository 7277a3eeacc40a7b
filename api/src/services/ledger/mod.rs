//! Hours and points: crediting a verified request, admins' awards,
//! deductions, voids and corrections, and reading a member's statement.
//! Every write goes through `store::ledger::append_*` in the caller's
//! transaction (nothing is updated in place), and the honor boards move
//! after the commit.

mod adjust;
mod credit;
mod statement;

pub use adjust::{
    Amended, Amendment, AwardInput, AwardKind, amend_record, award, correct_record, list_awards, live_record,
    void_credit,
};
pub use credit::{ClosePlan, credit_close, plan_close};
pub use statement::{EntryView, PointsPage, RecordView, ServiceSummary, points, records, summary, summary_for};
pub(crate) use statement::{entry_views, record_views};

use crate::domain::board::Delta;
use crate::state::AppState;

/// After a ledger transaction commits: move the boards it touched. Never
/// fails the caller — a lost write marks the Redis boards for rebuild.
pub async fn boards_moved(app: &AppState, deltas: &[Delta]) {
    if let Some(b) = &app.redis_boards {
        b.record(deltas).await;
    }
}
