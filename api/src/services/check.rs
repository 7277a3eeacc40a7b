//! `linli check` and `GET /admin/check`: reads the ledgers, the balances,
//! the requests' rounds and (with Redis) every honor board, and reports each
//! broken invariant ([`crate::domain::check`]) with what was expected and
//! what was found. Read-only; safe while the service runs.

use crate::auth::CurrentUser;
use crate::domain::check::{self, Code, Finding, Subject};
use crate::domain::scope::Authority;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::infra::boards::RedisBoards;
use crate::messages::Msg;
use crate::state::AppState;
use crate::store;
use serde::Serialize;
use std::collections::HashSet;

/// At most this many problems are listed (the count is always exact).
pub const MAX_LISTED: usize = 500;

/// How the Redis boards were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boards {
    /// Every board of the ready generation compared with the ledgers.
    Checked,
    /// No Redis configured: boards are SQL, nothing to compare.
    NotConfigured,
    /// Redis has no ready generation: the next board read builds one.
    NotBuilt,
    /// Redis did not answer (also listed as a problem).
    Unavailable,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(flatten)]
    pub finding: Finding,
    /// The member's or request's community (for a community board, its
    /// community); `None` for street boards and Redis itself.
    pub community_id: Option<i64>,
    /// What is wrong, in words (Chinese, or English when asked).
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ok: bool,
    /// Members with a balance or ledger rows, and requests closed or credited.
    pub members: usize,
    pub requests: usize,
    pub boards: Boards,
    /// How many problems in all (`problems` lists at most [`MAX_LISTED`]).
    pub problem_count: usize,
    pub problems: Vec<Problem>,
}

/// Every invariant over the whole database (and Redis).
pub async fn run(app: &AppState, lang: Lang) -> Result<Report, ApiError> {
    let (members, requests, boards, problems) = everything(app, lang).await?;
    Ok(report(members, requests, boards, problems))
}

/// What `run` reports, before the list is cut to [`MAX_LISTED`].
async fn everything(app: &AppState, lang: Lang) -> Result<(usize, usize, Boards, Vec<Problem>), ApiError> {
    let db = &app.db;
    // Balances and sums at one moment, so writes going on do not show.
    let txn = store::check::begin_snapshot(db).await?;
    let sums = store::check::ledger_sums(&txn).await?;
    let held = store::check::balances(&txn).await?;
    let credits = store::check::credits(&txn).await?;
    let requests = store::check::requests(&txn, credits.keys().copied()).await?;
    txn.commit().await?;
    let mut findings = check::balances(&sums, &held);
    findings.extend(check::credits(&requests, &credits));
    let boards = match &app.redis_boards {
        None => Boards::NotConfigured,
        Some(r) => match compare_boards(app, r).await? {
            Ok(Some(mismatches)) => {
                findings.extend(mismatches);
                Boards::Checked
            }
            Ok(None) => Boards::NotBuilt,
            Err(why) => {
                findings.push(Finding {
                    code: Code::RedisUnavailable,
                    subject: Subject::Redis,
                    expected: "an answer".into(),
                    found: why,
                });
                Boards::Unavailable
            }
        },
    };
    let members: HashSet<i64> = sums.keys().chain(held.keys()).copied().collect();
    let member_ids: Vec<i64> = findings
        .iter()
        .filter_map(|f| match f.subject {
            Subject::Member { member_id } => Some(member_id),
            _ => None,
        })
        .collect();
    let communities = store::check::communities_of(db, member_ids).await?;
    let community_of = |subject: &Subject| match subject {
        Subject::Member { member_id } => communities.get(member_id).copied(),
        Subject::Request { request_id } => requests.get(request_id).map(|r| r.community_id),
        Subject::Board { board, .. } => board.strip_prefix('c')?.split(':').next()?.parse().ok(),
        Subject::Redis => None,
    };
    let problems = findings
        .into_iter()
        .map(|finding| Problem {
            message: message(&finding).render(lang),
            community_id: community_of(&finding.subject),
            finding,
        })
        .collect();
    Ok((members.len(), requests.len(), boards, problems))
}

fn report(members: usize, requests: usize, boards: Boards, mut problems: Vec<Problem>) -> Report {
    let problem_count = problems.len();
    problems.truncate(MAX_LISTED);
    Report {
        ok: problem_count == 0,
        members,
        requests,
        boards,
        problem_count,
        problems,
    }
}

/// `check.<code>` with the subject, what was expected and what was found.
pub fn message(f: &Finding) -> Msg {
    let subject = match &f.subject {
        Subject::Member { member_id } => format!("#{member_id}"),
        Subject::Request { request_id } => format!("#{request_id}"),
        Subject::Board { board, member_id } => format!("{board} #{member_id}"),
        Subject::Redis => "Redis".into(),
    };
    Msg::new(format!("check.{}", f.code.as_str()))
        .with("subject", subject)
        .with("expected", f.expected.clone())
        .with("found", f.found.clone())
}

/// Redis boards against the ledgers: `Ok(None)` when none is built,
/// `Err(why)` when Redis did not answer. Writes landing between the two
/// reads could differ for a moment, so a difference is read again (up to
/// three times, 200 ms apart) before it is reported.
async fn compare_boards(app: &AppState, r: &RedisBoards) -> Result<Result<Option<Vec<Finding>>, String>, ApiError> {
    let mut last = Vec::new();
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let found = match r.snapshot().await {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(Ok(None)),
            Err(e) => return Ok(Err(e.to_string())),
        };
        let (_, deltas) = store::boards::snapshot(&app.db).await?;
        last = check::boards(&RedisBoards::expected(&deltas), &found);
        if last.is_empty() {
            break;
        }
    }
    Ok(Ok(Some(last)))
}

/// The check for a street admin, limited to what concerns their street:
/// its communities' members, requests and boards, its street boards, and
/// Redis itself. Others: 403.
pub async fn for_admin(app: &AppState, me: &CurrentUser) -> Result<Report, ApiError> {
    let Authority::Street(street) = me.authority() else {
        return Err(ApiError::Forbidden);
    };
    let mine: HashSet<i64> = store::directory::communities_of_street(&app.db, &street)
        .await?
        .into_iter()
        .map(|c| c.0)
        .collect();
    // A whole-database read: one of the heavy reads' turns (分流).
    let _turn = crate::services::bulkhead::heavy_turn(app).await?;
    let (members, requests, boards, problems) = everything(app, Lang::current()).await?;
    let street_board = format!("s{street}:");
    let concerns_street = |p: &Problem| match (&p.finding.subject, p.community_id) {
        (_, Some(c)) => mine.contains(&c),
        (Subject::Board { board, .. }, None) => board.starts_with(&street_board),
        (Subject::Redis, None) => true,
        _ => false,
    };
    let problems = problems.into_iter().filter(concerns_street).collect();
    Ok(report(members, requests, boards, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_check_code_has_its_words_in_both_languages() {
        for code in Code::iter() {
            let key = format!("check.{}", code.as_str());
            for lang in [Lang::Zh, Lang::En] {
                assert!(crate::messages::text(&key, lang).is_some(), "{key} ({})", lang.code());
            }
        }
    }

    #[test]
    fn a_message_names_the_subject_and_both_values() {
        let f = Finding {
            code: Code::PointsBalance,
            subject: Subject::Member { member_id: 12 },
            expected: "35".into(),
            found: "36".into(),
        };
        let zh = message(&f).render(Lang::Zh);
        assert!(zh.contains("#12") && zh.contains("35") && zh.contains("36"), "{zh}");
    }
}
