//! The one error type of the HTTP API and its mapping to status codes.
//!
//! Every error leaves as `{"code": "...", "message": "..."}` (plus `fields` for
//! validation errors). `code` is a stable snake_case identifier clients can
//! switch on; `message` is for people — the catalogue's `error.<code>`
//! (`messages`), Chinese by default, English when the request asks for it
//! with `Accept-Language: en`. No text lives here.

use crate::domain::member::MemberStatus;
use crate::domain::password::Weakness;
use crate::domain::qualification::{QualificationKind, QualificationStatus};
use crate::domain::request::{Refusal, Status};
use crate::i18n::Lang;
use crate::messages::{self, Msg};
use crate::msg;
use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

/// One invalid field of a request body or query.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    /// What is wrong: `required`, `length`, `range`, `phone`, `invalid`, …
    pub code: String,
    /// For file imports: the 1-based line of the file the error is on.
    pub line: Option<u64>,
    /// What people read (from the catalogue).
    msg: Msg,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, msg: Msg) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            line: None,
            msg,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let text = self.msg.render(lang);
        match self.line {
            Some(line) => msg!("field.line", line = line, text = text).render(lang),
            None => text,
        }
    }

    /// The same error, placed on a line of an imported file.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
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
    /// The request's category needs a qualification (资质) the member does
    /// not hold validly today (missing, unverified or expired).
    #[error("member lacks a valid {0:?}")]
    QualificationRequired(QualificationKind),
    /// A verify / reject that does not apply to this qualification's status.
    #[error("qualification is {0:?}")]
    QualificationReview(QualificationStatus),
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
    /// A photo over the size limit (in MiB).
    #[error("photo too large")]
    PhotoTooLarge(u32),
    /// Not a JPEG, PNG or WebP image.
    #[error("photo type unsupported")]
    PhotoUnsupported,
    /// The request has as many photos as allowed.
    #[error("too many photos")]
    PhotoTooMany(u32),
    /// The requester disputes the completion: an admin rules first.
    #[error("disputed")]
    Disputed,
    /// This completion, rating or deduction was appealed already (one appeal each).
    #[error("already appealed")]
    AppealExists,
    /// The time to appeal (`appeal_days`, community rule) is over.
    #[error("appeal window of {0} days is over")]
    AppealTooLate(u32),
    /// The appeal was ruled on already.
    #[error("appeal already ruled")]
    AppealRuled,
    /// Someone changed the rule meanwhile.
    #[error("rule changed meanwhile")]
    RuleConflict,
    /// The password policy (`domain::password`) refused the password in
    /// the body's field `.0`; 422 `password.weak` with that field's reason.
    #[error("weak password ({0}): {1:?}")]
    WeakPassword(&'static str, Weakness),
    /// The request body stopped arriving for this many seconds (408; the
    /// connection is closed).
    #[error("request body timed out after {0} s")]
    BodyTimeout(u64),
    /// No CJK font for certificates; the text says where it looked.
    #[error("no CJK font: {0}")]
    FontMissing(String),
    /// 防刷: too many wrong passwords / sign-ups / lookups from this phone
    /// or address; try again after the seconds given (429 + `Retry-After`).
    #[error("too many attempts, retry after {0} s")]
    TooManyAttempts(u64),
    /// Too much of one kind of work at once (password hashing, exports):
    /// refused at once rather than queued without end (503 + `Retry-After`).
    #[error("busy, retry after {0} s")]
    Busy(u64),
    #[error("storage unavailable")]
    Unavailable(#[source] sea_orm::DbErr),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str, msg: Msg) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, msg)])
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
            ApiError::QualificationRequired(_) => "member.qualification_required".into(),
            ApiError::QualificationReview(_) => "qualification.invalid_transition".into(),
            ApiError::PointsInsufficient { .. } => "points.insufficient".into(),
            ApiError::BelowRedeemMinimum(_) => "points.below_minimum".into(),
            ApiError::OutOfStock => "reward.out_of_stock".into(),
            ApiError::RedemptionState(_) => "redemption.invalid_transition".into(),
            ApiError::AlreadyVoided => "points.already_voided".into(),
            ApiError::PhotoTooLarge(_) => "photo.too_large".into(),
            ApiError::PhotoUnsupported => "photo.unsupported".into(),
            ApiError::PhotoTooMany(_) => "photo.too_many".into(),
            ApiError::Disputed => "request.disputed".into(),
            ApiError::AppealExists => "appeal.exists".into(),
            ApiError::AppealTooLate(_) => "appeal.too_late".into(),
            ApiError::AppealRuled => "appeal.already_ruled".into(),
            ApiError::RuleConflict => "rule.conflict".into(),
            ApiError::WeakPassword(..) => "password.weak".into(),
            ApiError::BodyTimeout(_) => "request.body_timeout".into(),
            ApiError::FontMissing(_) => "certificate.font_missing".into(),
            ApiError::TooManyAttempts(_) => "auth.too_many_attempts".into(),
            ApiError::Busy(_) => "service.busy".into(),
            ApiError::Unavailable(_) => "service.unavailable".into(),
            ApiError::Internal(_) => "internal".into(),
        }
    }

    /// What people read: the catalogue's `error.<code>` with its arguments.
    pub fn msg(&self) -> Msg {
        match self {
            ApiError::NotFound(what) => msg!("error.not_found", what = messages::resource(what)),
            ApiError::MalformedBody(why) => msg!("error.request.malformed_body", why = why.as_str()),
            ApiError::InvalidTransition(s) => msg!("error.request.invalid_transition", status = messages::status(*s)),
            ApiError::MemberReview(s) => msg!("error.member.invalid_transition", status = messages::member_status(*s)),
            ApiError::PointsInsufficient { balance, needed } => {
                msg!("error.points.insufficient", balance = *balance, needed = *needed)
            }
            ApiError::BelowRedeemMinimum(min) => msg!("error.points.below_minimum", min = *min),
            ApiError::PhotoTooLarge(mib) => msg!("error.photo.too_large", mib = *mib),
            ApiError::PhotoTooMany(n) => msg!("error.photo.too_many", n = *n),
            ApiError::QualificationRequired(k) => {
                msg!(
                    "error.member.qualification_required",
                    kind = messages::qualification_kind(*k)
                )
            }
            ApiError::QualificationReview(s) => {
                msg!(
                    "error.qualification.invalid_transition",
                    status = messages::qualification_status(*s)
                )
            }
            ApiError::RedemptionState(s) => {
                msg!(
                    "error.redemption.invalid_transition",
                    status = messages::redemption_status(*s)
                )
            }
            ApiError::FontMissing(why) => msg!("error.certificate.font_missing", why = why.as_str()),
            ApiError::AppealTooLate(days) => msg!("error.appeal.too_late", days = *days),
            ApiError::TooManyAttempts(secs) => msg!("error.auth.too_many_attempts", wait = messages::wait(*secs)),
            ApiError::WeakPassword(_, w) => msg!("error.password.weak", why = messages::weakness(*w)),
            ApiError::BodyTimeout(secs) => msg!("error.request.body_timeout", secs = *secs),
            other => Msg::new(format!("error.{}", other.code())),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            ApiError::Validation(fields) => {
                let sep = Msg::new("field.separator").render(lang);
                let detail: Vec<String> = fields.iter().map(|f| f.message(lang)).collect();
                msg!("error.validation.failed", detail = detail.join(&sep)).render(lang)
            }
            other => other.msg().render(lang),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Forbidden => ApiError::Forbidden,
            Refusal::AlreadyTaken => ApiError::AlreadyTaken,
            Refusal::WrongState(s) => ApiError::InvalidTransition(s),
            Refusal::Disputed => ApiError::Disputed,
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        match e {
            sea_orm::DbErr::ConnectionAcquire(_) | sea_orm::DbErr::Conn(_) => ApiError::Unavailable(e),
            ref other if gave_up_waiting(other) => {
                tracing::warn!(error = %other, "database lock or statement timeout");
                ApiError::Busy(1)
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Did the database give up waiting — a lock held too long or a statement
/// over its time (PostgreSQL `lock_timeout` 55P03, `statement_timeout`
/// 57014), SQLite busy or locked past `busy_timeout`? Then the caller is told
/// to try again (503), not that something broke.
fn gave_up_waiting(e: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = e else {
        return false;
    };
    match &**e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => match d.code().as_deref() {
            Some("55P03" | "57014") => true,
            // SQLite's extended codes keep the primary code in the low byte.
            Some(code) => {
                code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
                    && d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
            }
            None => false,
        },
        _ => false,
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
    message: String,
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
            | ApiError::QualificationRequired(_)
            | ApiError::QualificationReview(_)
            | ApiError::PointsInsufficient { .. }
            | ApiError::BelowRedeemMinimum(_)
            | ApiError::OutOfStock
            | ApiError::RedemptionState(_)
            | ApiError::AlreadyVoided
            | ApiError::Disputed
            | ApiError::AppealExists
            | ApiError::AppealTooLate(_)
            | ApiError::AppealRuled
            | ApiError::PhotoTooMany(_)
            | ApiError::RuleConflict => StatusCode::CONFLICT,
            ApiError::Validation(_) | ApiError::WeakPassword(..) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            ApiError::BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::UnsupportedMediaType | ApiError::PhotoUnsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge | ApiError::PhotoTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::FontMissing(_) | ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
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
        let weak;
        let fields = match self {
            ApiError::Validation(f) => Some(f.as_slice()),
            ApiError::WeakPassword(field, w) => {
                weak = [FieldError::new(*field, w.as_str(), messages::weakness(*w))];
                Some(weak.as_slice())
            }
            _ => None,
        };
        let fields = fields.map(|f| {
            f.iter()
                .map(|f| FieldView {
                    field: &f.field,
                    code: &f.code,
                    line: f.line,
                    message: f.message(lang),
                })
                .collect()
        });
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyAttempts(secs) | ApiError::Busy(secs) => {
                response.insert_header((RETRY_AFTER, (*secs).max(1).to_string()));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(Body {
            code: self.code(),
            message: self.message(lang),
            fields,
        })
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error a caller can get has its words in the catalogue, in both languages.
    #[test]
    fn every_error_has_its_message() {
        use crate::domain::redemption;
        let all = [
            ApiError::Unauthenticated,
            ApiError::InvalidCredentials,
            ApiError::Forbidden,
            ApiError::NotFound("request"),
            ApiError::PhoneTaken,
            ApiError::Validation(vec![]),
            ApiError::MalformedBody("x".into()),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge,
            ApiError::InvalidTransition(Status::Closed),
            ApiError::AlreadyTaken,
            ApiError::Conflict,
            ApiError::MemberAlreadyRegistered,
            ApiError::MemberReview(MemberStatus::Active),
            ApiError::MemberFull,
            ApiError::QualificationRequired(QualificationKind::LawyerLicence),
            ApiError::QualificationReview(QualificationStatus::Rejected),
            ApiError::PointsInsufficient { balance: 1, needed: 2 },
            ApiError::BelowRedeemMinimum(10),
            ApiError::OutOfStock,
            ApiError::RedemptionState(redemption::Status::Fulfilled),
            ApiError::AlreadyVoided,
            ApiError::PhotoTooLarge(5),
            ApiError::PhotoUnsupported,
            ApiError::PhotoTooMany(6),
            ApiError::Disputed,
            ApiError::AppealExists,
            ApiError::AppealTooLate(7),
            ApiError::AppealRuled,
            ApiError::RuleConflict,
            ApiError::WeakPassword("password", Weakness::Common),
            ApiError::BodyTimeout(15),
            ApiError::FontMissing("x".into()),
            ApiError::TooManyAttempts(90),
            ApiError::Busy(1),
            ApiError::Unavailable(sea_orm::DbErr::Custom("x".into())),
            ApiError::Internal(anyhow::anyhow!("x")),
        ];
        for e in all {
            assert!(messages::has(e.msg().key()), "{}", e.code());
            let en = e.message(Lang::En);
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{en}");
            assert_ne!(e.message(Lang::Zh), en, "{}", e.code());
        }
    }

    #[test]
    fn validation_messages_name_the_field_in_words() {
        let e = ApiError::Validation(vec![FieldError::new(
            "password",
            "length",
            msg!(
                "field.length.between",
                label = messages::label("password"),
                min = 8,
                max = 128
            ),
        )]);
        assert_eq!(e.message(Lang::Zh), "提交的信息有误：密码须为 8 到 128 个字符");
        assert_eq!(
            e.message(Lang::En),
            "Please check your input: Password must be 8 to 128 characters long"
        );
    }
}
