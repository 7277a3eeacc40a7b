//! The one error type of the HTTP API and its mapping to status codes.
//!
//! Every error leaves as `{"code": "...", "message": "..."}` (plus `fields` for
//! validation errors). `code` is a stable snake_case identifier clients can
//! switch on; `message` is for people, Chinese by default, English when the
//! request asks for it with `Accept-Language: en`.

use crate::domain::member::MemberStatus;
use crate::domain::request::{Refusal, Status};
use crate::i18n::Lang;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

/// One invalid field of a request body or query.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    pub field: String,
    /// What is wrong: `required`, `length`, `range`, `phone`, `invalid`, …
    pub code: String,
    /// For file imports: the 1-based line of the file the error is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip)]
    zh: String,
    #[serde(skip)]
    en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            line: None,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// The same error, placed on a line of an imported file.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self.zh = format!("第 {line} 行：{}", self.zh);
        self.en = format!("line {line}: {}", self.en);
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    /// `what` names the resource: `request`, `user`, `community`, `grid`, `category`, `route`.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("phone already registered")]
    PhoneTaken,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("malformed body: {0}")]
    MalformedBody(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("body too large")]
    PayloadTooLarge,
    #[error("transition not allowed from {0:?}")]
    InvalidTransition(Status),
    #[error("already taken")]
    AlreadyTaken,
    #[error("concurrent change")]
    Conflict,
    /// 报到 twice.
    #[error("already registered as a member")]
    MemberAlreadyRegistered,
    /// An approve / suspend / reinstate that does not apply in this status.
    #[error("member review not allowed from {0:?}")]
    MemberReview(MemberStatus),
    /// The member already holds as many requests as they said they can.
    #[error("member at capacity")]
    MemberFull,
    /// The entry would take a member's points below zero.
    #[error("insufficient points")]
    PointsInsufficient { balance: i64, needed: i64 },
    /// The rule asks for a minimum balance before redeeming.
    #[error("below the minimum balance to redeem")]
    BelowRedeemMinimum(i64),
    #[error("out of stock")]
    OutOfStock,
    /// A fulfil / cancel that does not apply to this redemption's status.
    #[error("redemption is {0:?}")]
    RedemptionState(crate::domain::redemption::Status),
    /// The credit's points were voided already.
    #[error("already voided")]
    AlreadyVoided,
    /// Someone changed the rule meanwhile.
    #[error("rule changed meanwhile")]
    RuleConflict,
    /// No CJK font for certificates; the text says where it looked.
    #[error("no CJK font: {0}")]
    FontMissing(String),
    #[error("storage unavailable")]
    Unavailable(#[source] sea_orm::DbErr),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str, zh: &str, en: &str) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, zh, en)])
    }

    pub fn code(&self) -> String {
        match self {
            ApiError::Unauthenticated => "auth.unauthenticated".into(),
            ApiError::InvalidCredentials => "auth.invalid_credentials".into(),
            ApiError::Forbidden => "auth.forbidden".into(),
            ApiError::NotFound(what) => format!("{what}.not_found"),
            ApiError::PhoneTaken => "auth.phone_taken".into(),
            ApiError::Validation(_) => "validation.failed".into(),
            ApiError::MalformedBody(_) => "request.malformed_body".into(),
            ApiError::UnsupportedMediaType => "request.unsupported_media_type".into(),
            ApiError::PayloadTooLarge => "request.payload_too_large".into(),
            ApiError::InvalidTransition(_) => "request.invalid_transition".into(),
            ApiError::AlreadyTaken => "request.already_taken".into(),
            ApiError::Conflict => "request.conflict".into(),
            ApiError::MemberAlreadyRegistered => "member.already_registered".into(),
            ApiError::MemberReview(_) => "member.invalid_transition".into(),
            ApiError::MemberFull => "member.full".into(),
            ApiError::PointsInsufficient { .. } => "points.insufficient".into(),
            ApiError::BelowRedeemMinimum(_) => "points.below_minimum".into(),
            ApiError::OutOfStock => "reward.out_of_stock".into(),
            ApiError::RedemptionState(_) => "redemption.invalid_transition".into(),
            ApiError::AlreadyVoided => "points.already_voided".into(),
            ApiError::RuleConflict => "rule.conflict".into(),
            ApiError::FontMissing(_) => "certificate.font_missing".into(),
            ApiError::Unavailable(_) => "service.unavailable".into(),
            ApiError::Internal(_) => "internal".into(),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let (zh, en): (String, String) = match self {
            ApiError::Unauthenticated => ("请先登录".into(), "Please log in first".into()),
            ApiError::InvalidCredentials => ("手机号或密码错误".into(), "Wrong phone number or password".into()),
            ApiError::Forbidden => ("您无权执行此操作".into(), "You are not allowed to do this".into()),
            ApiError::NotFound(what) => {
                let (zh, en) = resource_name(what);
                (format!("{zh}不存在"), format!("{en} not found"))
            }
            ApiError::PhoneTaken => (
                "该手机号已注册".into(),
                "This phone number is already registered".into(),
            ),
            ApiError::Validation(fields) => {
                let detail: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message(lang)))
                    .collect();
                (
                    format!("提交的信息有误（{}）", detail.join("；")),
                    format!("Invalid input ({})", detail.join("; ")),
                )
            }
            ApiError::MalformedBody(why) => (
                format!("请求内容不是有效的 JSON：{why}"),
                format!("The request body is not valid JSON: {why}"),
            ),
            ApiError::UnsupportedMediaType => (
                "请求内容须为 JSON（Content-Type: application/json）".into(),
                "The body must be JSON (Content-Type: application/json)".into(),
            ),
            ApiError::PayloadTooLarge => ("请求内容过大".into(), "The request body is too large".into()),
            ApiError::InvalidTransition(s) => (
                format!("需求当前状态为「{}」，不能执行此操作", status_zh(*s)),
                format!("Not allowed while the request is {}", s.as_str()),
            ),
            ApiError::AlreadyTaken => (
                "该需求已被他人接单".into(),
                "Someone else has already taken this request".into(),
            ),
            ApiError::Conflict => (
                "需求状态已变化，请刷新后重试".into(),
                "The request changed meanwhile; reload and try again".into(),
            ),
            ApiError::MemberAlreadyRegistered => (
                "您已报到，无需重复提交".into(),
                "You have already registered as a member".into(),
            ),
            ApiError::MemberReview(s) => (
                format!("该报到当前为“{}”，不能执行此操作", member_status_zh(*s)),
                format!("Not possible while the registration is {}", s.as_str()),
            ),
            ApiError::MemberFull => (
                "已达到同时服务的需求上限，请先完成手头的服务".into(),
                "Already holding as many requests as allowed; finish one first".into(),
            ),
            ApiError::PointsInsufficient { balance, needed } => (
                format!("积分不足：当前 {balance} 分，需要 {needed} 分"),
                format!("Not enough points: {balance} held, {needed} needed"),
            ),
            ApiError::BelowRedeemMinimum(min) => (
                format!("积分达到 {min} 分后才能兑换"),
                format!("Redeeming needs a balance of at least {min} points"),
            ),
            ApiError::OutOfStock => ("该物品已兑完".into(), "This reward is out of stock".into()),
            ApiError::RedemptionState(s) => (
                format!("该兑换当前为“{}”，不能执行此操作", redemption_status_zh(*s)),
                format!("Not possible while the redemption is {}", s.as_str()),
            ),
            ApiError::AlreadyVoided => (
                "该服务的积分已作废".into(),
                "This service's points were voided already".into(),
            ),
            ApiError::RuleConflict => (
                "规则已被他人修改，请刷新后重试".into(),
                "The rule changed meanwhile; reload and try again".into(),
            ),
            ApiError::FontMissing(why) => (
                format!("服务器缺少中文字体，暂时无法生成证明（{why}）"),
                format!("No CJK font on the server, so certificates cannot be made ({why})"),
            ),
            ApiError::Unavailable(_) => (
                "服务繁忙，请稍后再试".into(),
                "Service busy, please try again later".into(),
            ),
            ApiError::Internal(_) => ("服务器内部错误".into(), "Internal server error".into()),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

fn resource_name(what: &str) -> (&'static str, &'static str) {
    match what {
        "request" => ("需求", "Request"),
        "user" => ("用户", "User"),
        "community" => ("社区", "Community"),
        "grid" => ("网格", "Grid"),
        "category" => ("服务类别", "Category"),
        "member" => ("党员/志愿者", "Member"),
        "rule" => ("积分规则", "Rating rule"),
        "reward" => ("兑换物品", "Reward"),
        "redemption" => ("兑换记录", "Redemption"),
        "record" => ("服务记录", "Service record"),
        "credit" => ("该需求的积分记录", "Credit for this request"),
        "certificate" => ("志愿服务证明", "Certificate"),
        "notification" => ("通知", "Notification"),
        _ => ("资源", "Resource"),
    }
}

/// 待派单, 已派单… — the status names residents and admins read.
pub fn member_status_zh(s: MemberStatus) -> &'static str {
    match s {
        MemberStatus::Pending => "待审核",
        MemberStatus::Active => "已报到",
        MemberStatus::Suspended => "已暂停",
    }
}

pub fn status_zh(s: Status) -> &'static str {
    match s {
        Status::Pending => "待派单",
        Status::Dispatched => "已派单",
        Status::Open => "待认领",
        Status::Accepted => "已接单",
        Status::InProgress => "服务中",
        Status::Completed => "待评价",
        Status::Reviewed => "待审核",
        Status::Closed => "已办结",
        Status::Cancelled => "已取消",
    }
}

fn redemption_status_zh(s: crate::domain::redemption::Status) -> &'static str {
    use crate::domain::redemption::Status;
    match s {
        Status::Pending => "待领取",
        Status::Fulfilled => "已领取",
        Status::Cancelled => "已取消",
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Forbidden => ApiError::Forbidden,
            Refusal::AlreadyTaken => ApiError::AlreadyTaken,
            Refusal::WrongState(s) => ApiError::InvalidTransition(s),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        match e {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => ApiError::Unavailable(e),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: String,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<Vec<FieldView<'a>>>,
}

#[derive(Serialize)]
struct FieldView<'a> {
    field: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    message: &'a str,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::PhoneTaken
            | ApiError::InvalidTransition(_)
            | ApiError::AlreadyTaken
            | ApiError::Conflict
            | ApiError::MemberAlreadyRegistered
            | ApiError::MemberReview(_)
            | ApiError::MemberFull
            | ApiError::PointsInsufficient { .. }
            | ApiError::BelowRedeemMinimum(_)
            | ApiError::OutOfStock
            | ApiError::RedemptionState(_)
            | ApiError::AlreadyVoided
            | ApiError::RuleConflict => StatusCode::CONFLICT,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) | ApiError::FontMissing(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "storage unavailable"),
            _ => {}
        }
        let lang = Lang::current();
        let fields = match self {
            ApiError::Validation(f) => Some(
                f.iter()
                    .map(|f| FieldView {
                        field: &f.field,
                        code: &f.code,
                        line: f.line,
                        message: f.message(lang),
                    })
                    .collect(),
            ),
            _ => None,
        };
        HttpResponse::build(self.status_code()).json(Body {
            code: self.code(),
            message: self.message(lang),
            fields,
        })
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.en)
    }
}
