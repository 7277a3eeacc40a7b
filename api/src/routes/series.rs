//! `/series` (周期服务 / 结对帮扶): recurring needs; each occurrence becomes a
//! request a few days ahead, dispatched to the paired member if there is one.

use super::access::Access::{OwnerOrAdminOf, PartyOrAdminOf, ResidentOrAdminOf, SignedIn};
use super::table::Routes;
use crate::auth::CurrentUser;
use crate::domain::UserId;
use crate::domain::series::Pattern;
use crate::error::ApiError;
use crate::extract::{ValidJson, location_fields, validate_not_blank};
use crate::msg;
use crate::services::series::{self, Change, SeriesInput};
use crate::state::AppState;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

pub fn routes(r: &mut Routes) {
    r.get("/series", SignedIn, list)
        .post("/series", ResidentOrAdminOf, create)
        .get("/series/{id}", PartyOrAdminOf, get)
        .put("/series/{id}", OwnerOrAdminOf, edit)
        .post("/series/{id}/pause", OwnerOrAdminOf, pause)
        .post("/series/{id}/resume", OwnerOrAdminOf, resume)
        .post("/series/{id}/end", OwnerOrAdminOf, end);
}

#[derive(Deserialize, Validate)]
#[serde(deny_unknown_fields)]
struct SeriesBody {
    /// For whom (admins); residents leave it out.
    resident_id: Option<UserId>,
    #[validate(length(min = 1, max = 40))]
    category: String,
    #[validate(length(min = 1, max = 100), custom(function = "validate_not_blank"))]
    title: String,
    #[validate(length(max = 2000))]
    #[serde(default)]
    description: String,
    #[validate(length(min = 1, max = 200), custom(function = "validate_not_blank"))]
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
    pattern: Pattern,
    /// 1 (Monday) – 7, weekly and biweekly.
    weekday: Option<u32>,
    /// 1 – 31, monthly.
    day_of_month: Option<u32>,
    /// Local `HH:MM`.
    #[validate(length(min = 4, max = 5))]
    time: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    /// The paired member (结对), admins only.
    member_id: Option<UserId>,
    /// For edits: the version read (someone else saved meanwhile → `request.conflict`).
    base_version: Option<i32>,
}

fn minutes(time: &str) -> Result<i32, ApiError> {
    let bad = || ApiError::field("time", "invalid", msg!("field.series.time"));
    let (h, m) = time.split_once(':').ok_or_else(bad)?;
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if (0..24).contains(&h) && (0..60).contains(&m) {
        Ok(h * 60 + m)
    } else {
        Err(bad())
    }
}

fn input(b: SeriesBody) -> Result<(SeriesInput, Option<i32>), ApiError> {
    Ok((
        SeriesInput {
            resident_id: b.resident_id,
            category: b.category,
            title: b.title,
            description: b.description,
            address: b.address,
            location: location_fields(b.lat, b.lng)?,
            pattern: b.pattern,
            weekday: b.weekday,
            day_of_month: b.day_of_month,
            minute_of_day: minutes(&b.time)?,
            starts_on: b.starts_on,
            ends_on: b.ends_on,
            member_id: b.member_id,
        },
        b.base_version,
    ))
}

async fn create(
    state: web::Data<AppState>,
    me: CurrentUser,
    body: ValidJson<SeriesBody>,
) -> Result<HttpResponse, ApiError> {
    let (input, _) = input(body.0)?;
    Ok(HttpResponse::Created().json(series::create(&state, &me, input).await?))
}

async fn list(state: web::Data<AppState>, me: CurrentUser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(series::list(&state, &me).await?))
}

async fn get(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(series::get(&state, &me, id.into_inner()).await?))
}

async fn edit(
    state: web::Data<AppState>,
    me: CurrentUser,
    id: web::Path<i64>,
    body: ValidJson<SeriesBody>,
) -> Result<HttpResponse, ApiError> {
    let (input, base) = input(body.0)?;
    Ok(HttpResponse::Ok().json(series::edit(&state, &me, id.into_inner(), input, base).await?))
}

async fn pause(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(series::change(&state, &me, id.into_inner(), Change::Pause).await?))
}

async fn resume(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(series::change(&state, &me, id.into_inner(), Change::Resume).await?))
}

async fn end(state: web::Data<AppState>, me: CurrentUser, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(series::change(&state, &me, id.into_inner(), Change::End).await?))
}
