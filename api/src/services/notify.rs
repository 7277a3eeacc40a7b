//! Telling people: a transition's (or the sweeper's) notices become inbox
//! rows and outbox mail in the caller's transaction, and live events to
//! publish once it commits. Also the inbox itself (`GET /notifications`).

use crate::auth::CurrentUser;
use crate::domain::delivery::Channel;
use crate::domain::notify::{Audience, Notice, Topic};
use crate::domain::sla::{Level, Stage};
use crate::domain::{RequestId, Role, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::infra::live::{LiveEvent, RequestBrief};
use crate::messages::{self, Msg};
use crate::msg;
use crate::services::requests::Env;
use crate::state::AppState;
use crate::store::{self, notices::NewNotification, outbox::NewMessage, requests::HelpRequest};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// The request as it is after the change, and who held it before.
pub struct Subject<'a> {
    pub request: &'a HelpRequest,
    pub former_assignee_id: Option<UserId>,
    /// The request was open (in the task hall) before this change.
    pub was_open: bool,
}

/// The agreed time in the community's local time, as notices print it.
fn local_time(req: &HelpRequest, offset: chrono::FixedOffset) -> String {
    req.preferred_time
        .map(|t| t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The notice's title (also the mail's subject).
fn title(topic: Topic, req: &HelpRequest, offset: chrono::FixedOffset) -> Msg {
    match topic {
        // 已确认: the resident learns when the member will come.
        Topic::Transition("accept" | "claim") if req.preferred_time.is_some() => {
            msg!(
                "notice.accept_at",
                when = local_time(req, offset),
                title = req.title.as_str()
            )
        }
        Topic::Transition(a) => Msg::new(format!("notice.{a}")).with("title", req.title.as_str()),
        Topic::Reminder(k) => Msg::new(format!("notice.remind.{}", k.as_str()))
            .with("title", req.title.as_str())
            .with("when", local_time(req, offset)),
        Topic::Late(Stage::Review, Level::AtRisk) => msg!("notice.rate_reminder", title = req.title.as_str()),
        Topic::Late(stage, level) => {
            let key = if level == Level::Escalated {
                "notice.late_escalated"
            } else {
                "notice.late"
            };
            Msg::new(key)
                .with("what", messages::stage(stage))
                .with("title", req.title.as_str())
        }
    }
}

/// The notice's text (also the mail's body).
pub(crate) fn body(title: &Msg, req: &HelpRequest, link: &str) -> Msg {
    msg!(
        "notice.body",
        title = title.clone(),
        id = req.id,
        address = req.address.as_str(),
        status = messages::status(req.status),
        link = link
    )
}

pub(crate) async fn people(
    db: &impl ConnectionTrait,
    audience: Audience,
    s: &Subject<'_>,
) -> Result<Vec<UserId>, ApiError> {
    let req = s.request;
    Ok(match audience {
        // Followers (关注, a merged duplicate's resident) hear what the resident hears.
        Audience::Resident => {
            let mut ids = store::followers::of(db, req.id).await?;
            ids.push(req.resident_id);
            ids
        }
        Audience::Holder => req.assignee_id.into_iter().collect(),
        Audience::FormerHolder => s.former_assignee_id.into_iter().collect(),
        Audience::Admins => store::users::ids_with_role(db, Role::Admin, &[req.community_id]).await?,
        Audience::StreetAdmins => {
            let street = store::directory::street_of(db, req.community_id)
                .await?
                .unwrap_or_default();
            let communities = store::directory::communities_of_street(db, &street).await?;
            store::users::ids_with_role(db, Role::StreetAdmin, &communities).await?
        }
    })
}

/// Writes the notices for one event (`event_key` names it, e.g.
/// `event:42`) inside the caller's transaction; returns the live events to
/// publish after commit (the request change itself included).
pub async fn send(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    subject: Subject<'_>,
    notices: &[Notice],
    actor: Option<UserId>,
    event_key: &str,
    action: &str,
) -> Result<Vec<LiveEvent>, ApiError> {
    let req = subject.request;
    let mut live = Vec::new();
    for notice in notices {
        let ids = people(db, notice.audience, &subject).await?;
        live.extend(deliver(db, env, req, ids, *notice, actor, event_key).await?);
    }
    live.push(request_event(action, &subject));
    Ok(live)
}

/// The live event of a change to `subject`'s request (who may hear it is
/// decided from it, see [`LiveEvent::visible_to`]).
pub fn request_event(action: &str, subject: &Subject<'_>) -> LiveEvent {
    let req = subject.request;
    LiveEvent::Request {
        action: action.to_owned(),
        request: RequestBrief {
            id: req.id,
            community_id: req.community_id,
            grid_id: req.grid_id,
            status: req.status,
            resident_id: req.resident_id,
            entered_by: req.entered_by,
            assignee_id: req.assignee_id,
            former_assignee_id: subject.former_assignee_id,
            was_open: subject.was_open,
        },
    }
}

/// A link into the web UI (`path` after the `#`, e.g. `/requests/42`).
pub fn link(env: Env<'_>, path: &str) -> String {
    format!(
        "{}/#{path}",
        env.settings.display_url(env.settings.port).trim_end_matches('/')
    )
}

/// Writes one notice to each of `ids` (but the actor): an inbox row in the
/// reader's language and, where asked and they have an address, a mail
/// through the outbox (keyed by `event_key`, so it is sent once). Returns
/// the live events to publish after commit.
pub async fn deliver(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    req: &HelpRequest,
    mut ids: Vec<UserId>,
    notice: Notice,
    actor: Option<UserId>,
    event_key: &str,
) -> Result<Vec<LiveEvent>, ApiError> {
    ids.retain(|id| Some(*id) != actor);
    let kind = notice.topic.kind();
    let title = title(notice.topic, req, env.offset);
    let body = body(&title, req, &link(env, &format!("/requests/{}", req.id)));
    let words = Words {
        kind: &kind,
        title: &title,
        body: &body,
        request_id: Some(req.id),
        mail: notice.mail,
    };
    write(db, env, ids, words, event_key).await
}

/// What one notice says, as catalogue messages, and whether it is also mailed.
pub struct Words<'a> {
    /// The stable `kind` of the notification (`dispatch`, `qualification.expiring`, …).
    pub kind: &'a str,
    pub title: &'a Msg,
    pub body: &'a Msg,
    /// The request it is about, if any.
    pub request_id: Option<RequestId>,
    pub mail: bool,
}

/// The one writer of inbox rows and mail: `words` to each of `ids` (once
/// each), in the caller's transaction; mail keyed by `event_key`, kind and
/// person. Returns the live events to publish after commit.
pub async fn write(
    db: &impl ConnectionTrait,
    env: Env<'_>,
    mut ids: Vec<UserId>,
    words: Words<'_>,
    event_key: &str,
) -> Result<Vec<LiveEvent>, ApiError> {
    let mut live = Vec::new();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(live);
    }
    let kind = words.kind;
    for u in store::users::by_ids(db, ids).await?.into_values() {
        // Kept as text in the reader's language (for mail and for the
        // record) and as the message, so the inbox shows it in whatever
        // language its reader reads it.
        let title = words.title.render(u.lang);
        let text = words.body.render(u.lang);
        let id = store::notices::insert(
            db,
            NewNotification {
                user_id: u.id,
                kind,
                title: &title,
                body: &text,
                request_id: words.request_id,
                message: Some((words.title, words.body)),
            },
            env.now,
        )
        .await?;
        live.push(LiveEvent::Notification {
            user_id: u.id,
            id,
            kind: kind.to_owned(),
            title: title.clone(),
            request_id: words.request_id,
        });
        if let Some(to) = u.email.filter(|e| words.mail && e.contains('@')) {
            store::outbox::insert(
                db,
                NewMessage {
                    event_key: format!("{event_key}:{kind}:{}", u.id),
                    channel: Channel::Mail,
                    user_id: u.id,
                    to_address: &to,
                    subject: &title,
                    body: &text,
                },
                env.now,
            )
            .await?;
        }
    }
    Ok(live)
}

#[derive(Debug, Serialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The words title and body quote from what people wrote (a request's
    /// title, an address, a reason): screens set them apart, as they stay
    /// in the language they were written in.
    pub quoted: Vec<String>,
    pub request_id: Option<RequestId>,
    pub read: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The caller's inbox, newest first: `(items, next_cursor, unread count)`.
pub async fn inbox(
    app: &AppState,
    me: &CurrentUser,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<NotificationView>, Option<i64>, u64), ApiError> {
    let (rows, next) = store::notices::inbox(&app.db, me.id, unread_only, before, limit).await?;
    let unread = store::notices::unread_count(&app.db, me.id).await?;
    let lang = Lang::current();
    let items = rows
        .into_iter()
        .map(|n| {
            // In the language of this request; rows from before messages
            // were kept show the text they were written with.
            let (title, body, quoted) = match &n.message {
                Some((t, b)) => {
                    let mut quoted = t.quoted();
                    quoted.extend(
                        b.quoted()
                            .into_iter()
                            .filter(|q| !quoted.contains(q))
                            .collect::<Vec<_>>(),
                    );
                    (t.render(lang), b.render(lang), quoted)
                }
                None => (n.title, n.body, Vec::new()),
            };
            NotificationView {
                read: n.read_at.is_some(),
                id: n.id,
                kind: n.kind,
                title,
                body,
                quoted,
                request_id: n.request_id,
                created_at: n.created_at,
            }
        })
        .collect();
    Ok((items, next, unread))
}

/// Marks one (`Some(id)`) or all of the caller's notifications read; returns how many changed.
pub async fn mark_read(app: &AppState, me: &CurrentUser, id: Option<i64>) -> Result<u64, ApiError> {
    if let Some(id) = id
        && !store::notices::belongs_to(&app.db, id, me.id).await?
    {
        return Err(ApiError::NotFound("notification"));
    }
    store::notices::mark_read(&app.db, me.id, id, app.clock.now()).await
}
