//! Telling people: a transition's (or the sweeper's) notices become inbox
//! rows and outbox mail in the caller's transaction, and live events to
//! publish once it commits. Also the inbox itself (`GET /notifications`).

use crate::auth::CurrentUser;
use crate::domain::delivery::Channel;
use crate::domain::notify::{Audience, Notice, Topic};
use crate::domain::request::Status;
use crate::domain::sla::{Level, Stage};
use crate::domain::{RequestId, Role, UserId};
use crate::error::{ApiError, status_zh};
use crate::i18n::Lang;
use crate::infra::live::{LiveEvent, RequestBrief};
use crate::services::requests::Env;
use crate::state::AppState;
use crate::store::{self, notices::NewNotification, outbox::NewMessage, requests::HelpRequest};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// The request as it is after the change, and who held it before.
pub struct Subject<'a> {
    pub request: &'a HelpRequest,
    pub former_assignee_id: Option<UserId>,
}

fn words(topic: Topic, lang: Lang, title: &str) -> String {
    let zh = match topic {
        Topic::Transition(a) => match a {
            "dispatch" => format!("新派单：{title}"),
            "accept" | "claim" => format!("已有党员/志愿者接单：{title}"),
            "start" => format!("服务已开始：{title}"),
            "decline" => format!("派单被退回，请重新安排：{title}"),
            "complete" => format!("服务已完成，请评价：{title}"),
            "review" => format!("居民已评价，待审核：{title}"),
            "verify" => format!("已办结，服务时长和积分已记入：{title}"),
            "cancel" => format!("需求已取消：{title}"),
            "reopen" => format!("回访不满意，需求已重新打开：{title}"),
            "repool" => format!("超时未接单，已退回待派：{title}"),
            other => format!("{other}：{title}"),
        },
        Topic::Late(stage, level) => {
            let what = match stage {
                Stage::Dispatch => "派单超时",
                Stage::Accept => "接单超时",
                Stage::Complete => "办理超时",
                Stage::FollowUp => "办结后未回访",
            };
            let more = if level == Level::Escalated {
                "（已升级督办）"
            } else {
                ""
            };
            format!("督查提醒：{what}{more}：{title}")
        }
    };
    let en = match topic {
        Topic::Transition(a) => format!("Request {a}: {title}"),
        Topic::Late(stage, level) => format!("Supervision: {} {} — {title}", stage.as_str(), level.as_str()),
    };
    lang.pick(&zh, &en).to_owned()
}

fn body(topic: Topic, lang: Lang, req: &HelpRequest, status: Status, link: &str) -> String {
    let title = words(topic, lang, &req.title);
    match lang {
        Lang::Zh => format!(
            "{title}\n\n需求编号：#{}\n服务地址：{}\n当前状态：{}\n查看详情：{link}\n\n—— 邻里 · 群众点单、组织派单、党员接单",
            req.id,
            req.address,
            status_zh(status)
        ),
        Lang::En => format!(
            "{title}\n\nRequest #{}\nAddress: {}\nStatus: {}\nDetails: {link}\n\n— Linli",
            req.id,
            req.address,
            status.as_str()
        ),
    }
}

async fn people(db: &impl ConnectionTrait, audience: Audience, s: &Subject<'_>) -> Result<Vec<UserId>, ApiError> {
    let req = s.request;
    Ok(match audience {
        Audience::Resident => vec![req.resident_id],
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
    let link = format!(
        "{}/#/requests/{}",
        env.settings.display_url(env.settings.port).trim_end_matches('/'),
        req.id
    );
    let mut live = Vec::new();
    for notice in notices {
        let mut ids = people(db, notice.audience, &subject).await?;
        ids.retain(|id| Some(*id) != actor);
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        let kind = notice.topic.kind();
        for u in store::users::by_ids(db, ids).await?.into_values() {
            let title = words(notice.topic, u.lang, &req.title);
            let text = body(notice.topic, u.lang, req, req.status, &link);
            let id = store::notices::insert(
                db,
                NewNotification {
                    user_id: u.id,
                    kind: &kind,
                    title: &title,
                    body: &text,
                    request_id: Some(req.id),
                },
                env.now,
            )
            .await?;
            live.push(LiveEvent::Notification {
                user_id: u.id,
                id,
                kind: kind.clone(),
                title: title.clone(),
                request_id: Some(req.id),
            });
            if let Some(to) = u.email.filter(|e| notice.mail && e.contains('@')) {
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
    }
    live.push(LiveEvent::Request {
        action: action.to_owned(),
        request: RequestBrief {
            id: req.id,
            community_id: req.community_id,
            status: req.status,
            resident_id: req.resident_id,
            entered_by: req.entered_by,
            assignee_id: req.assignee_id,
            former_assignee_id: subject.former_assignee_id,
        },
    });
    Ok(live)
}

#[derive(Debug, Serialize)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
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
    let items = rows
        .into_iter()
        .map(|n| NotificationView {
            read: n.read_at.is_some(),
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            request_id: n.request_id,
            created_at: n.created_at,
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
