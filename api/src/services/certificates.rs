//! 志愿服务证明 — a member asks for a certificate of their verified service;
//! it is numbered and frozen at issue (hours, services, what they were), can
//! be downloaded as a PDF by its owner, and anyone can check a number at
//! `GET /certificates/{number}`, which shows only a masked name, the hours
//! and the date (2021 records rule: certificates are verifiable in the
//! system; no disclosure beyond that).

use crate::auth::CurrentUser;
use crate::clock::local_date;
use crate::documents::{self, CertificateDoc, CjkFont, ServiceLine};
use crate::domain::mask::mask_name;
use crate::domain::throttle::Limit;
use crate::domain::{CommunityId, UserId};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::messages::Msg;
use crate::msg;
use crate::services::{bulkhead, directory, limits, members, scope};
use crate::state::AppState;
use crate::store::{self, certificates::Certificate, certificates::Line, certificates::NewCertificate};
use chrono::Datelike;
use rand::Rng;
use serde::Serialize;

const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn new_number(year: i32) -> String {
    let mut rng = rand::rng();
    let tail: String = (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("LL{year}-{tail}")
}

#[derive(Debug, Serialize)]
pub struct CertificateView {
    pub number: String,
    pub member_id: UserId,
    pub member_name: String,
    pub community_id: CommunityId,
    pub minutes: i64,
    pub hours: f64,
    pub services: i64,
    pub first_service: Option<chrono::NaiveDate>,
    pub last_service: Option<chrono::NaiveDate>,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    /// Where the owner downloads the PDF.
    pub pdf_url: String,
    /// Where anyone can check the number.
    pub verify_url: String,
}

/// What a stranger holding the number may learn.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub number: String,
    pub valid: bool,
    /// Masked: 张*.
    pub name: String,
    pub hours: f64,
    pub issued_on: chrono::NaiveDate,
}

/// The public verification page (no sign-in): what the PDF's QR code opens.
fn verify_url(state: &AppState, number: &str) -> String {
    format!(
        "{}/#/verify/{number}",
        state.settings.display_url(state.settings.port).trim_end_matches('/')
    )
}

fn view(state: &AppState, c: Certificate) -> CertificateView {
    CertificateView {
        pdf_url: format!("/api/v1/certificates/{}/pdf", c.number),
        verify_url: verify_url(state, &c.number),
        hours: c.minutes as f64 / 60.0,
        number: c.number,
        member_id: c.member_id,
        member_name: c.member_name,
        community_id: c.community_id,
        minutes: c.minutes,
        services: c.services,
        first_service: c.first_service,
        last_service: c.last_service,
        issued_at: c.issued_at,
    }
}

/// Issues a certificate of everything verified so far.
pub async fn issue(state: &AppState, me: &CurrentUser) -> Result<CertificateView, ApiError> {
    let db = &state.db;
    let profile = members::find_own(db, me).await?;
    let by_category = store::certificates::service_by_category(db, me.id).await?;
    let lines_with_time: Vec<_> = by_category.iter().filter(|(_, m, s, _, _)| *m > 0 || *s > 0).collect();
    if lines_with_time.is_empty() {
        return Err(ApiError::field("member", "no_service", msg!("field.member.no_service")));
    }
    let names: std::collections::HashMap<_, String> = store::directory::categories(db, false)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name_zh))
        .collect();
    let lines: Vec<Line> = lines_with_time
        .iter()
        .map(|(c, m, s, _, _)| Line {
            content: c
                .and_then(|c| names.get(&c).cloned())
                .unwrap_or_else(|| Msg::new("certificate.other_service").render(Lang::Zh)),
            minutes: *m,
            services: *s,
        })
        .collect();
    let now = state.clock.now();
    let year = local_date(now, state.local_offset).year();
    let mut tries = 0;
    let row = loop {
        let attempt = store::certificates::insert(
            db,
            NewCertificate {
                number: new_number(year),
                member_id: me.id,
                community_id: profile.community_id,
                member_name: &me.name,
                first_service: by_category.iter().filter_map(|r| r.3).min(),
                last_service: by_category.iter().filter_map(|r| r.4).max(),
                lines: &lines,
            },
            now,
        )
        .await?;
        match attempt {
            Some(c) => break c,
            // 32^10 numbers: a clash is all but impossible, but cheap to retry.
            None if tries < 3 => tries += 1,
            None => return Err(ApiError::Conflict),
        }
    };
    Ok(view(state, row))
}

/// The caller's certificates, newest first.
pub async fn mine(state: &AppState, me: &CurrentUser) -> Result<Vec<CertificateView>, ApiError> {
    Ok(store::certificates::of_member(&state.db, me.id)
        .await?
        .into_iter()
        .map(|c| view(state, c))
        .collect())
}

async fn by_number(state: &AppState, number: &str) -> Result<Certificate, ApiError> {
    let number = number.trim().to_ascii_uppercase();
    // Numbers are `LL2026-XXXXXXXXXX`; anything else (a NUL byte, which
    // PostgreSQL refuses outright) cannot be one.
    if number.is_empty() || number.len() > 40 || !number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(ApiError::NotFound("certificate"));
    }
    store::certificates::by_number(&state.db, &number)
        .await?
        .ok_or(ApiError::NotFound("certificate"))
}

/// 防刷: an address that looks up 30 numbers that do not exist is locked
/// (guessing numbers would list people's names and hours).
pub async fn verify(state: &AppState, number: &str, addr: &str) -> Result<Verification, ApiError> {
    let keys = [(Limit::CertificateIp, addr)];
    limits::refuse_if_locked(state, &keys).await?;
    let c = match by_number(state, number).await {
        Err(ApiError::NotFound(what)) => {
            limits::strike(state, &keys).await?;
            return Err(ApiError::NotFound(what));
        }
        other => other?,
    };
    Ok(Verification {
        valid: true,
        name: mask_name(&c.member_name),
        hours: c.minutes as f64 / 60.0,
        issued_on: local_date(c.issued_at, state.local_offset),
        number: c.number,
    })
}

async fn font(state: &AppState) -> Result<&CjkFont, ApiError> {
    state
        .font
        .get_or_try_init(|| async {
            let configured = state.settings.cjk_font.clone();
            tokio::task::spawn_blocking(move || documents::find_cjk_font(configured.as_deref()))
                .await
                .map_err(|e| ApiError::Internal(e.into()))?
                .map_err(|e| ApiError::FontMissing(e.to_string()))
        })
        .await
}

/// The PDF, for its owner or an admin of the recording community.
pub async fn pdf(state: &AppState, me: &CurrentUser, number: &str) -> Result<(String, Vec<u8>), ApiError> {
    let c = by_number(state, number).await?;
    if c.member_id != me.id {
        scope::require_admin_of(&state.db, me, c.community_id).await?;
    }
    let _turn = bulkhead::heavy_turn(state).await?;
    let community = directory::community(&state.db, c.community_id).await?;
    let doc = CertificateDoc {
        verify_url: verify_url(state, &c.number),
        number: c.number.clone(),
        member_name: c.member_name,
        community: community.name,
        street: community.street,
        minutes: c.minutes,
        services: c.services,
        first_service: c.first_service,
        last_service: c.last_service,
        lines: c
            .lines
            .into_iter()
            .map(|l| ServiceLine {
                content: l.content,
                minutes: l.minutes,
                services: l.services,
            })
            .collect(),
        issued_on: local_date(c.issued_at, state.local_offset),
    };
    let font = font(state).await?.clone();
    let bytes = tokio::task::spawn_blocking(move || documents::render_pdf(&doc, &font))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    Ok((c.number, bytes))
}
