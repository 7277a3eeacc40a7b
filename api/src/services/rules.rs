//! Per-community rating rules, versioned: every change adds a row, credits
//! keep the id of the version they were made under, and a community that
//! never set one gets version 1 = the national default the first time one
//! is needed.

use crate::auth::CurrentUser;
use crate::domain::CommunityId;
use crate::domain::rating_rule::{RatingRule, RuleProblem};
use crate::error::{ApiError, FieldError};
use crate::messages::Msg;
use crate::msg;
use crate::services::{audit, directory, scope};
use crate::state::{AppState, Reference};
use crate::store;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use std::sync::Arc;

pub use crate::store::rules::RuleVersion as RuleView;

/// A rule's problem as people read it.
fn problem(p: &RuleProblem) -> FieldError {
    let m = match p {
        RuleProblem::ThresholdCount => msg!("rule.threshold_count", max = RatingRule::MAX_LEVELS),
        RuleProblem::ThresholdOrder => msg!("rule.threshold_order", max = RatingRule::MAX_THRESHOLD_HOURS),
        RuleProblem::Tenure => Msg::new("rule.tenure"),
        RuleProblem::PointsPerHour => Msg::new("rule.points_per_hour"),
        RuleProblem::ActivityCap => Msg::new("rule.activity_cap"),
        RuleProblem::Multiplier(_) => Msg::new("rule.multiplier"),
        RuleProblem::VoidStars => Msg::new("rule.void_stars"),
        RuleProblem::MinBalance => Msg::new("rule.min_balance"),
        RuleProblem::ReviewDays => Msg::new("rule.review_days"),
        RuleProblem::NoShow => Msg::new("rule.no_show"),
        RuleProblem::AppealDays => Msg::new("rule.appeal_days"),
        RuleProblem::CheckIn => Msg::new("rule.check_in"),
    };
    FieldError::new(p.field(), p.code(), m)
}

/// The rule in force for a community (creating version 1 if there is none).
pub async fn current(
    db: &impl ConnectionTrait,
    community_id: CommunityId,
    now: DateTime<Utc>,
) -> Result<RuleView, ApiError> {
    if let Some(r) = store::rules::latest(db, community_id).await? {
        return Ok(r);
    }
    directory::community(db, community_id).await?;
    store::rules::insert_first(db, community_id, &RatingRule::default(), now).await?;
    store::rules::latest(db, community_id)
        .await?
        .ok_or(ApiError::NotFound("rule"))
}

/// The rule in force without writing anything (the default when a
/// community never set one): for reads such as the sweeper's.
pub async fn in_force(db: &impl ConnectionTrait, community_id: CommunityId) -> Result<RatingRule, ApiError> {
    Ok(store::rules::latest(db, community_id)
        .await?
        .map(|r| r.rule)
        .unwrap_or_default())
}

/// [`in_force`] from this replica's kept copy (at most
/// [`crate::state::Reference::MAX_AGE`] old, dropped on every replica when
/// a rule changes): for the deadlines that views and transitions judge by.
pub async fn kept(
    reference: &Reference,
    db: &impl ConnectionTrait,
    community_id: CommunityId,
) -> Result<Arc<RatingRule>, ApiError> {
    if let Some(r) = reference.rules.get(&community_id) {
        return Ok(r);
    }
    let ticket = reference.rules.ticket();
    let rule = Arc::new(in_force(db, community_id).await?);
    reference.rules.put(ticket, community_id, rule.clone());
    Ok(rule)
}

/// Each community's time to rate (`review_days`), one read per community
/// (none for those in `reference`'s kept rules, when one is given).
pub async fn review_days(
    db: &impl ConnectionTrait,
    communities: Vec<CommunityId>,
    reference: Option<&Reference>,
) -> Result<std::collections::HashMap<CommunityId, i64>, ApiError> {
    let mut out = std::collections::HashMap::new();
    for c in communities {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(c) {
            let days = match reference {
                Some(kept_rules) => kept(kept_rules, db, c).await?.review_days,
                None => in_force(db, c).await?.review_days,
            };
            e.insert(i64::from(days));
        }
    }
    Ok(out)
}

/// Any one version (the one a credit was made under).
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<RuleView, ApiError> {
    store::rules::by_id(db, id).await?.ok_or(ApiError::NotFound("rule"))
}

/// The rule in force; anyone signed in may read it (it says how they earn).
pub async fn get(app: &AppState, community_id: CommunityId) -> Result<RuleView, ApiError> {
    current(&app.db, community_id, app.clock.now()).await
}

/// Every version, newest first (admins).
pub async fn history(app: &AppState, me: &CurrentUser, community_id: CommunityId) -> Result<Vec<RuleView>, ApiError> {
    scope::require_admin_of(&app.db, me, community_id).await?;
    current(&app.db, community_id, app.clock.now()).await?;
    store::rules::history(&app.db, community_id).await
}

/// A new version. `base_version` is the version the admin edited: if
/// someone saved another meanwhile, the unique (community, version) index
/// refuses this one and the admin is told to reload.
pub async fn update(
    app: &AppState,
    me: &CurrentUser,
    community_id: CommunityId,
    rule: RatingRule,
    base_version: Option<i32>,
) -> Result<RuleView, ApiError> {
    scope::require_admin_of(&app.db, me, community_id).await?;
    let menu = store::directory::categories(&app.db, false).await?;
    let mut problems: Vec<FieldError> = rule.problems().iter().map(problem).collect();
    // A multiplier for a category the menu does not have would never apply.
    for code in rule.category_multipliers_pct.keys() {
        if !menu.iter().any(|c| &c.code == code) {
            problems.push(FieldError::new(
                format!("category_multipliers_pct.{code}"),
                "unknown",
                msg!("rule.unknown_category", code = code.as_str()),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let now = app.clock.now();
    let now_in_force = current(&app.db, community_id, now).await?;
    let base = base_version.unwrap_or(now_in_force.version);
    if base != now_in_force.version {
        return Err(ApiError::RuleConflict);
    }
    let txn = store::begin_write(&app.writer).await?;
    let row = store::rules::insert_version(&txn, community_id, base + 1, &rule, me.id, now)
        .await?
        .ok_or(ApiError::RuleConflict)?;
    audit::log(
        &txn,
        now,
        me.id,
        Some(community_id),
        "rule.update",
        ("rating_rule", Some(row.id)),
        serde_json::json!({ "version": row.version, "rule": rule }),
    )
    .await?;
    txn.commit().await?;
    // Every replica's kept rules (deadlines) follow at once.
    directory::changed(app).await;
    Ok(row)
}
