//! 重复反映 — "邻居已反映过类似问题": requests of the same community and
//! category posted lately that say the same about the same place
//! ([`crate::domain::similarity`]); following one instead of posting again
//! (关注); an admin merging a duplicate into the main request (合并), after
//! which its resident follows the main request's timeline and notices.

use super::transition::{self, Acting, Env, Note};
use super::view::{self, RequestView, status_label};
use crate::auth::CurrentUser;
use crate::domain::matching::GeoPoint;
use crate::domain::request::{Action, Status, Step};
use crate::domain::similarity::{self, Likeness, Prepared, Report};
use crate::domain::{CategoryId, CommunityId, RequestId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::msg;
use crate::services::notify::{self, Words};
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store::{self, requests::HelpRequest, requests::NewEvent};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// How many recent requests a new one is compared with, at most.
const CANDIDATES: u64 = 50;
/// How many similar ones are shown.
const SHOWN: usize = 5;

/// A similar request as a neighbour may see it: what and how far along,
/// never who or exactly where.
#[derive(Debug, Serialize)]
pub struct SimilarView {
    pub id: RequestId,
    pub title: String,
    pub status: Status,
    pub status_label: String,
    pub created_at: DateTime<Utc>,
    /// How alike the texts are, 0–1.
    pub likeness: f64,
}

/// What is being posted, as compared.
pub struct Draft<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub address: &'a str,
    pub grid_id: Option<crate::domain::GridId>,
    pub location: Option<GeoPoint>,
}

impl Draft<'_> {
    fn prepared(&self) -> Prepared {
        Prepared::of(&Report {
            title: self.title,
            description: self.description,
            address: self.address,
            grid: self.grid_id.map(|g| g.0),
            location: self.location,
        })
    }
}

/// A posted request, ready for comparing.
fn prepared(r: &HelpRequest) -> Prepared {
    Prepared::of(&Report {
        title: &r.title,
        description: &r.description,
        address: &r.address,
        grid: r.grid_id.map(|g| g.0),
        location: r.location,
    })
}

/// Requests of `community` and `category` posted within the window that
/// look like `draft`, most alike first.
pub async fn find_similar(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    community: CommunityId,
    category: CategoryId,
    draft: &Draft<'_>,
) -> Result<Vec<(HelpRequest, Likeness)>, ApiError> {
    let since = env.now - Duration::days(env.settings.duplicate_window_days.max(1));
    let rows = store::requests::recent_alike(db, community, category, since, CANDIDATES).await?;
    let new = draft.prepared();
    let mut found: Vec<(HelpRequest, Likeness)> = rows
        .into_iter()
        .filter(|r| r.merged_into.is_none())
        .filter_map(|r| {
            let l = similarity::compare(&new, &prepared(&r));
            l.is_similar().then_some((r, l))
        })
        .collect();
    found.sort_by(|a, b| b.1.text.total_cmp(&a.1.text));
    found.truncate(SHOWN);
    Ok(found)
}

pub fn views(found: &[(HelpRequest, Likeness)]) -> Vec<SimilarView> {
    let lang = Lang::current();
    found
        .iter()
        .map(|(r, l)| SimilarView {
            id: r.id,
            title: r.title.clone(),
            status: r.status,
            status_label: status_label(r.status, lang),
            created_at: r.created_at,
            likeness: (l.text * 100.0).round() / 100.0,
        })
        .collect()
}

/// `GET /requests/similar`: before posting, what neighbours reported
/// already (in the caller's community).
pub async fn similar(
    app: &AppState,
    me: &CurrentUser,
    category: &str,
    draft: Draft<'_>,
) -> Result<Vec<SimilarView>, ApiError> {
    let category = directory::category_by_code(app, category, "category").await?;
    let found = find_similar(&app.db, Env::of(app), me.community_id, category.id, &draft).await?;
    Ok(views(&found))
}

/// Tells the community's admins (inbox) that a new request looks like an
/// earlier one, in the posting's transaction.
pub async fn flag(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    new: &HelpRequest,
    like: RequestId,
) -> Result<Vec<crate::infra::live::LiveEvent>, ApiError> {
    let admins = store::users::ids_with_role(db, Role::Admin, &[new.community_id]).await?;
    let title = msg!("notice.similar", title = new.title.as_str(), id = like.0);
    let body = notify::body(&title, new, &notify::link(env, &format!("/requests/{}", new.id)));
    notify::write(
        db,
        env,
        admins,
        Words {
            kind: "similar",
            title: &title,
            body: &body,
            request_id: Some(new.id),
            mail: false,
        },
        &format!("similar:{}", new.id),
    )
    .await
}

/// 关注: a resident of the community follows a request instead of posting
/// the same again; they see its timeline and hear what its resident hears.
/// They must be reporting the same thing (`draft`, as typed): a request is
/// never opened to a neighbour who merely knows its number.
pub async fn follow(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    draft: Draft<'_>,
) -> Result<RequestView, ApiError> {
    let db = &app.db;
    let req = super::load(db, id).await?;
    if me.role != Role::Resident || me.community_id != req.community_id {
        return Err(ApiError::Forbidden);
    }
    if req.status == Status::Cancelled {
        return Err(ApiError::InvalidTransition(req.status));
    }
    let same = similarity::compare(&draft.prepared(), &prepared(&req));
    if !req.state().is_requester(me.id) && !same.is_similar() {
        return Err(ApiError::field(
            "title",
            "not_similar",
            msg!("field.follow.not_similar"),
        ));
    }
    let now = app.clock.now();
    if !req.state().is_requester(me.id) {
        store::followers::add(db, id, &[me.id], None, now).await?;
    }
    let viewer = scope::viewer(db, me).await?;
    view::one(app, &viewer, &req, now).await
}

/// Why a merge cannot be made.
fn refuse(code: &str, key: &'static str) -> ApiError {
    ApiError::field("into", code, crate::messages::Msg::new(key))
}

/// 合并: an admin closes `id` (not yet served) as merged into `into`; its
/// resident, whoever entered it and its followers follow `into` from now
/// on, and both timelines say so. Two merges at once, or two requests
/// merged into each other at once: one wins.
pub async fn merge(
    app: &AppState,
    me: &CurrentUser,
    id: RequestId,
    into: RequestId,
    note: Option<String>,
) -> Result<RequestView, ApiError> {
    let db = &app.db;
    if id == into {
        return Err(refuse("self", "field.into.self"));
    }
    let mut last = ApiError::Conflict;
    for _ in 0..3 {
        let dup = super::load(db, id).await?;
        let main = super::load(db, into).await?;
        if main.community_id != dup.community_id {
            return Err(refuse("other_community", "field.into.other_community"));
        }
        if main.merged_into.is_some() || main.status == Status::Cancelled {
            return Err(refuse("closed", "field.into.closed"));
        }
        let env = Env::of(app);
        let txn = store::begin_write(&app.writer).await?;
        match merge_in(&txn, env, me, &dup, &main, note.clone()).await {
            Ok(out) => {
                txn.commit().await?;
                transition::after_commit(app, out.credit, out.live).await;
                let viewer = scope::viewer(db, me).await?;
                return view::one(app, &viewer, &out.request, env.now).await;
            }
            Err(ApiError::Conflict) => {
                txn.rollback().await?;
                last = ApiError::Conflict;
            }
            Err(e) => {
                txn.rollback().await?;
                return Err(e);
            }
        }
    }
    Err(last)
}

async fn merge_in(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    me: &CurrentUser,
    dup: &HelpRequest,
    main: &HelpRequest,
    note: Option<String>,
) -> Result<transition::Outcome, ApiError> {
    // The main request is taken as a lock (it must not have been merged or
    // changed since it was read), the two rows in id order so that two
    // requests merged into each other at once cannot deadlock.
    let lock_main = async {
        if store::requests::touch(db, main, env.now).await? {
            Ok(())
        } else {
            Err(ApiError::Conflict)
        }
    };
    let merged = Note {
        text: Some(match note.filter(|n| !n.trim().is_empty()) {
            Some(n) => format!("#{} {}（{}）", main.id, main.title, n.trim()),
            None => format!("#{} {}", main.id, main.title),
        }),
        key: Some("timeline.merged_into"),
    };
    let action = Action::Merge { into: main.id };
    let mut out = if main.id.0 < dup.id.0 {
        lock_main.await?;
        transition::act_in(db, env, Acting::Person(me), dup.id, &action, &merged).await?
    } else {
        let out = transition::act_in(db, env, Acting::Person(me), dup.id, &action, &merged).await?;
        lock_main.await?;
        out
    };
    let mut people: Vec<UserId> = store::followers::of(db, dup.id).await?;
    people.extend([dup.resident_id, dup.entered_by]);
    people.retain(|p| *p != main.resident_id && *p != main.entered_by && *p != me.id);
    people.sort_unstable();
    people.dedup();
    store::followers::add(db, main.id, &people, Some(dup.id), env.now).await?;
    let event = store::requests::insert_event(
        db,
        NewEvent {
            request_id: main.id,
            actor_id: Some(me.id),
            step: Step::Merge,
            from_status: Some(main.status),
            to_status: main.status,
            note: Some(&format!("#{} {}", dup.id, dup.title)),
            note_key: Some("timeline.merged_in"),
        },
        env.now,
    )
    .await?;
    let title = msg!("notice.merged", title = main.title.as_str(), id = main.id.0);
    let body = notify::body(&title, main, &notify::link(env, &format!("/requests/{}", main.id)));
    out.live.extend(
        notify::write(
            db,
            env,
            people,
            Words {
                kind: "merged",
                title: &title,
                body: &body,
                request_id: Some(main.id),
                mail: true,
            },
            &format!("event:{}", event.id),
        )
        .await?,
    );
    Ok(out)
}
