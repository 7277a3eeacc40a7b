//! What callers see of qualifications: the catalogue with the menu
//! entries that need each kind, and a record with where it stands today.

use crate::domain::qualification::{self as rules, QualificationKind, QualificationStatus};
use crate::domain::{CommunityId, QualificationId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages;
use crate::services::requests::{CategoryRef, PersonRef};
use crate::store::{self, qualifications::Qualification};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use strum::IntoEnumIterator;

/// A qualification kind named in the reader's language.
#[derive(Debug, Clone, Serialize)]
pub struct QualificationRef {
    pub code: QualificationKind,
    pub name: String,
}

impl QualificationRef {
    pub fn of(kind: QualificationKind, lang: Lang) -> QualificationRef {
        QualificationRef {
            code: kind,
            name: messages::qualification_kind(kind).render(lang),
        }
    }
}

/// One kind of the catalogue, and the menu entries that need it.
#[derive(Debug, Serialize)]
pub struct KindView {
    pub code: QualificationKind,
    pub name: String,
    /// Certificates of this kind carry an expiry date (it must be given).
    pub expires: bool,
    pub categories: Vec<CategoryRef>,
}

/// `GET /qualification-kinds`: the catalogue.
pub async fn kinds(db: &impl ConnectionTrait, lang: Lang) -> Result<Vec<KindView>, ApiError> {
    let menu = store::directory::categories(db, true).await?;
    Ok(QualificationKind::iter()
        .map(|k| KindView {
            code: k,
            name: messages::qualification_kind(k).render(lang),
            expires: k.expires(),
            categories: menu
                .iter()
                .filter(|c| c.qualification == Some(k))
                .map(|c| CategoryRef {
                    code: c.code.clone(),
                    name: lang.pick(&c.name_zh, &c.name_en).to_owned(),
                    qualification: None,
                })
                .collect(),
        })
        .collect())
}

#[derive(Debug, Serialize)]
pub struct QualificationView {
    pub id: QualificationId,
    pub member: PersonRef,
    pub community_id: CommunityId,
    pub kind: QualificationKind,
    pub kind_name: String,
    pub number: String,
    pub issuer: String,
    /// Valid through this date (inclusive); null: no expiry.
    pub expires_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub status: QualificationStatus,
    pub status_label: String,
    pub reject_reason: Option<String>,
    pub reviewed_by: Option<PersonRef>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Counts today: verified and not expired.
    pub valid: bool,
    /// Past its expiry date (whatever its review).
    pub expired: bool,
    /// Days until the expiry date (0 on the day, negative once past).
    pub days_left: Option<i64>,
    /// Counts today, and expires within the reminder period (30 days).
    pub expiring_soon: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Views for many rows: one query for the names.
pub(super) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<Qualification>,
    today: NaiveDate,
) -> Result<Vec<QualificationView>, ApiError> {
    let ids = rows
        .iter()
        .flat_map(|q| [Some(q.member_id), q.reviewed_by])
        .flatten()
        .collect();
    let users = store::users::by_ids(db, ids).await?;
    let person = |id: UserId| PersonRef::named(&users, id);
    let lang = Lang::current();
    Ok(rows
        .into_iter()
        .map(|q| {
            let d = q.details;
            let valid = rules::is_valid(q.status, d.expires_on, today);
            let days_left = rules::days_left(d.expires_on, today);
            QualificationView {
                id: q.id,
                member: person(q.member_id),
                community_id: q.community_id,
                kind: d.kind,
                kind_name: messages::qualification_kind(d.kind).render(lang),
                number: d.number,
                issuer: d.issuer,
                expires_on: d.expires_on,
                note: d.note,
                status: q.status,
                status_label: messages::qualification_status(q.status).render(lang),
                reject_reason: q.reject_reason,
                reviewed_by: q.reviewed_by.map(person),
                reviewed_at: q.reviewed_at,
                valid,
                expired: rules::expired(d.expires_on, today),
                days_left,
                expiring_soon: valid && days_left.is_some_and(|n| n <= rules::REMIND_DAYS),
                version: q.version,
                created_at: q.created_at,
                updated_at: q.updated_at,
            }
        })
        .collect())
}

pub(super) async fn view(
    db: &impl ConnectionTrait,
    q: Qualification,
    today: NaiveDate,
) -> Result<QualificationView, ApiError> {
    views(db, vec![q], today)
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("qualification view lost")))
}
