//! The 督查 sweeper: reads every request with a running clock, works out
//! its standing (`domain::sla`) and, for each late stage, inserts a mark —
//! unique per (request, stage, level, stage start), so on several replicas
//! at once exactly one insert succeeds — and only that one notifies. An
//! escalated dispatch that nobody accepted goes back to the pool in the
//! same transaction: `repool` by the system (系统), through the state
//! machine, so it needs no admin and blames no person.

use crate::domain::notify;
use crate::domain::request::{Action, Status};
use crate::domain::sla::{Level, Stage};
use crate::error::ApiError;
use crate::services::notify as notices;
use crate::services::requests::{self, Acting, Env, Note};
use crate::services::supervision::standings;
use crate::state::AppState;
use crate::store;
use serde::Serialize;

/// What one sweep did.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct SweepReport {
    pub marked_overdue: usize,
    pub escalated: usize,
    pub repooled: usize,
    /// Residents reminded to rate on their last day.
    pub rate_reminders: usize,
    /// Reminders before the agreed time (`domain::reminder`), one per person.
    pub reminders: usize,
    /// Reminders that a qualification (资质) expires soon, one per person.
    pub qualification_reminders: usize,
    /// 周期服务 occurrences made (each once across replicas).
    pub series_occurrences: usize,
}

/// One pass over every watched request at the clock's `now`.
pub async fn sweep(app: &AppState) -> Result<SweepReport, ApiError> {
    let env = Env::of(app);
    let mut report = SweepReport::default();
    for (req, s) in standings(&app.db, &app.settings, None, env.now).await? {
        let Some(level) = s.level else {
            continue;
        };
        // Escalation implies the overdue mark too (each once). At risk is
        // marked only where it tells someone something: the resident's
        // last day to rate.
        let levels: &[Level] = match level {
            Level::Escalated => &[Level::Overdue, Level::Escalated],
            Level::Overdue => &[Level::Overdue],
            Level::AtRisk if s.stage == Stage::Review => &[Level::AtRisk],
            Level::AtRisk => continue,
        };
        for l in levels {
            let txn = store::begin_write(&app.writer).await?;
            if !store::supervision::insert_mark(&txn, req.id, s.stage, *l, s.since, env.now).await? {
                txn.rollback().await?;
                continue;
            }
            let mut live = notices::send(
                &txn,
                env,
                notices::Subject {
                    request: &req,
                    former_assignee_id: None,
                    was_open: false,
                },
                &notify::for_lateness(s.stage, *l),
                None,
                &format!(
                    "mark:{}:{}:{}:{}",
                    req.id,
                    s.stage.as_str(),
                    l.as_str(),
                    s.since.timestamp()
                ),
                &format!("late.{}", s.stage.as_str()),
            )
            .await?;
            let mut credit = None;
            let repool = *l == Level::Escalated && s.stage == Stage::Accept && req.status == Status::Dispatched;
            if repool {
                let note = Note::key("timeline.repooled");
                match requests::act_in(&txn, env, Acting::System, req.id, &Action::Repool, &note).await {
                    Ok(out) => {
                        live.extend(out.live);
                        credit = out.credit;
                        report.repooled += 1;
                    }
                    // Someone acted first (accepted it, or another replica repooled).
                    Err(ApiError::InvalidTransition(_) | ApiError::Conflict) => {}
                    Err(e) => return Err(e),
                }
            }
            txn.commit().await?;
            requests::after_commit(app, credit, live).await;
            match l {
                Level::Escalated => report.escalated += 1,
                Level::Overdue => report.marked_overdue += 1,
                Level::AtRisk => report.rate_reminders += 1,
            }
        }
    }
    report.reminders = super::reminders::remind(app).await?;
    report.qualification_reminders = super::qualifications::remind(app).await?;
    report.series_occurrences = crate::services::series::generate(app).await?;
    Ok(report)
}

/// The sweeper loop (every `sweep_every_secs`; 0 = off).
pub async fn run(app: actix_web::web::Data<AppState>) {
    let every = app.settings.sweep_every_secs;
    if every == 0 {
        return;
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
        match sweep(&app).await {
            Ok(r) if r != SweepReport::default() => tracing::info!(?r, "supervision sweep"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "supervision sweep"),
        }
    }
}
