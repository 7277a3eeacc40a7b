//! Telling people: a transition's (or the sweeper's) notices become inbox
//! rows and outbox mail in the caller's transaction, and live events to
//! publish once it commits. Also the inbox itself (`GET /notifications`).

use super::live::{LiveEvent, RequestBrief};
use crate::auth::CurrentUser;
use crate::clock;
use crate::config::Settings;
use crate::domain::notify::{Audience, Notice, Topic};
use crate::domain::sla::{Level, Stage};
use crate::error::{ApiError, status_zh};
use crate::i18n::Lang;
use entity::{community, help_request, notification, outbox, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

/// The request as it is after the change, and who held it before.
pub struct Subject<'a> {
    pub request: &'a help_request::Model,
    pub status: crate::domain::request::Status,
    pub assignee_id: Option<i64>,
    pub former_assignee_id: Option<i64>,
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

fn body(
    topic: Topic,
    lang: Lang,
    req: &help_request::Model,
    status: crate::domain::request::Status,
    link: &str,
) -> String {
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

async fn people(
    db: &impl ConnectionTrait,
    audience: Audience,
    s: &Subject<'_>,
    street: &str,
) -> Result<Vec<i64>, ApiError> {
    Ok(match audience {
        Audience::Resident => vec![s.request.resident_id],
        Audience::Holder => s.assignee_id.into_iter().collect(),
        Audience::FormerHolder => s.former_assignee_id.into_iter().collect(),
        Audience::Admins => {
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::Role.eq("admin"))
                .filter(user::Column::CommunityId.eq(s.request.community_id))
                .into_tuple()
                .all(db)
                .await?
        }
        Audience::StreetAdmins => {
            let communities: Vec<i64> = community::Entity::find()
                .select_only()
                .column(community::Column::Id)
                .filter(community::Column::Street.eq(street))
                .into_tuple()
                .all(db)
                .await?;
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::Role.eq("street_admin"))
                .filter(user::Column::CommunityId.is_in(communities))
                .into_tuple()
                .all(db)
                .await?
        }
    })
}

/// Writes the notices for one event (`event_key` names it, e.g.
/// `event:42`) inside the caller's transaction; returns the live events to
/// publish after commit (the request change itself included).
pub async fn send(
    db: &impl ConnectionTrait,
    settings: &Settings,
    subject: Subject<'_>,
    notices: &[Notice],
    actor: Option<i64>,
    event_key: &str,
    action: &str,
) -> Result<Vec<LiveEvent>, ApiError> {
    let req = subject.request;
    let street = community::Entity::find_by_id(req.community_id)
        .one(db)
        .await?
        .map(|c| c.street)
        .unwrap_or_default();
    let link = format!(
        "{}/#/requests/{}",
        settings.display_url(settings.port).trim_end_matches('/'),
        req.id
    );
    let now = clock::now();
    let mut live = Vec::new();
    for notice in notices {
        let mut ids = people(db, notice.audience, &subject, &street).await?;
        ids.retain(|id| Some(*id) != actor);
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        for u in user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await? {
            let lang = if u.lang == "en" { Lang::En } else { Lang::Zh };
            let title = words(notice.topic, lang, &req.title);
            let text = body(notice.topic, lang, req, subject.status, &link);
            let row = notification::ActiveModel {
                user_id: Set(u.id),
                kind: Set(notice.topic.kind()),
                title: Set(title.clone()),
                body: Set(text.clone()),
                request_id: Set(Some(req.id)),
                read_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            live.push(LiveEvent::Notification {
                user_id: u.id,
                id: row.id,
                kind: row.kind,
                title: title.clone(),
                request_id: Some(req.id),
            });
            if let Some(to) = u.email.filter(|e| notice.mail && e.contains('@')) {
                outbox::ActiveModel {
                    event_key: Set(format!("{event_key}:{}:{}", notice.topic.kind(), u.id)),
                    channel: Set("mail".into()),
                    user_id: Set(Some(u.id)),
                    to_address: Set(to),
                    subject: Set(title),
                    body: Set(text),
                    status: Set("pending".into()),
                    attempts: Set(0),
                    last_error: Set(None),
                    next_attempt_at: Set(now),
                    locked_until: Set(None),
                    sent_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    }
    live.push(LiveEvent::Request {
        action: action.to_owned(),
        request: RequestBrief {
            id: req.id,
            community_id: req.community_id,
            street,
            status: subject.status.as_str().to_owned(),
            resident_id: req.resident_id,
            entered_by: req.entered_by,
            assignee_id: subject.assignee_id,
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
    pub request_id: Option<i64>,
    pub read: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The caller's inbox, newest first: `(items, next_cursor, unread count)`.
pub async fn inbox(
    db: &DatabaseConnection,
    me: &CurrentUser,
    unread_only: bool,
    before: Option<i64>,
    limit: u64,
) -> Result<(Vec<NotificationView>, Option<i64>, u64), ApiError> {
    use sea_orm::PaginatorTrait;
    let mine = || notification::Entity::find().filter(notification::Column::UserId.eq(me.id));
    let mut q = mine().order_by_desc(notification::Column::Id).limit(limit + 1);
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    if let Some(b) = before {
        q = q.filter(notification::Column::Id.lt(b));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |n| n.id);
    let unread = mine().filter(notification::Column::ReadAt.is_null()).count(db).await?;
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
pub async fn mark_read(db: &DatabaseConnection, me: &CurrentUser, id: Option<i64>) -> Result<u64, ApiError> {
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(clock::now())))
        .filter(notification::Column::UserId.eq(me.id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        if notification::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_none_or(|n| n.user_id != me.id)
        {
            return Err(ApiError::NotFound("notification"));
        }
        q = q.filter(notification::Column::Id.eq(id));
    }
    Ok(q.exec(db).await?.rows_affected)
}
