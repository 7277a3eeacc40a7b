//! The two append-only ledgers — service records (hours) and points
//! entries — and each member's running balance beside them. Rows are only
//! ever appended: [`append_entry`] and [`append_record`] are the one way in,
//! and each moves the balance in the same transaction, so balance = Σ
//! entries and minutes = Σ records hold by construction.

use crate::domain::board::Delta;
use crate::domain::ledger::{EntryKind, RecordKind};
use crate::domain::{CategoryId, CommunityId, EntryId, RecordId, RedemptionId, RequestId, UserId};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{enums as db, member_balance, points_entry, service_record};
use sea_orm::sea_query::{Expr, ExprTrait, Func, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

/// `SUM(col)` as a BIGINT on both backends (PostgreSQL sums BIGINTs into NUMERIC).
pub fn sum_i64(col: impl sea_orm::IntoSimpleExpr) -> Expr {
    Func::coalesce([col.into_simple_expr().sum(), Expr::val(0i64)]).cast_as("BIGINT")
}

/// `SUM(sign × rating)`: stars of rated services, net of reversals.
pub fn rating_sum() -> Expr {
    sum_i64(Expr::col(service_record::Column::Sign).mul(Expr::col(service_record::Column::Rating)))
}

/// `SUM(CASE WHEN rating IS NULL THEN 0 ELSE sign END)`: rated services, net.
pub fn rated_count() -> Expr {
    sum_i64(Into::<Expr>::into(
        Expr::case(Expr::col(service_record::Column::Rating).is_null(), 0i64)
            .finally(Expr::col(service_record::Column::Sign)),
    ))
}

/// One row of the points ledger.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: EntryId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub kind: EntryKind,
    /// Signed.
    pub points: i64,
    pub request_id: Option<RequestId>,
    /// The request (and its round) a `service` entry credits: unique.
    pub credit_of: Option<(RequestId, i32)>,
    pub record_id: Option<RecordId>,
    pub redemption_id: Option<RedemptionId>,
    /// The entry a `void` takes back.
    pub reverses_id: Option<EntryId>,
    pub occurred_on: NaiveDate,
    pub reason: Option<String>,
    pub actor_id: UserId,
    pub rule_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub(super) fn entry_of(e: points_entry::Model) -> Entry {
    Entry {
        id: EntryId(e.id),
        member_id: UserId(e.member_id),
        community_id: CommunityId(e.community_id),
        kind: e.kind.into(),
        points: e.points,
        request_id: e.request_id.map(RequestId),
        credit_of: e.credit_of.map(RequestId).zip(e.credit_round),
        record_id: e.record_id.map(RecordId),
        redemption_id: e.redemption_id.map(RedemptionId),
        reverses_id: e.reverses_id.map(EntryId),
        occurred_on: e.occurred_on,
        reason: e.reason,
        actor_id: UserId(e.actor_id),
        rule_id: e.rule_id,
        created_at: e.created_at,
    }
}

/// One row of the service-record ledger (志愿服务记录, the 2021 rule's fields).
#[derive(Debug, Clone)]
pub struct Record {
    pub id: RecordId,
    pub member_id: UserId,
    pub community_id: CommunityId,
    pub request_id: Option<RequestId>,
    pub credit_of: Option<(RequestId, i32)>,
    /// The record a `reversal` takes back.
    pub reverses_id: Option<RecordId>,
    pub kind: RecordKind,
    /// Signed: a reversal is negative.
    pub minutes: i32,
    pub reported_minutes: Option<i32>,
    pub rating: Option<i16>,
    pub category_id: Option<CategoryId>,
    pub activity: String,
    pub service_date: NaiveDate,
    pub place: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub rule_id: Option<i64>,
    pub reason: Option<String>,
    pub actor_id: UserId,
    pub created_at: DateTime<Utc>,
}

impl Record {
    pub fn sign(&self) -> i16 {
        self.kind.sign()
    }
}

pub(super) fn record_of(r: service_record::Model) -> Record {
    Record {
        id: RecordId(r.id),
        member_id: UserId(r.member_id),
        community_id: CommunityId(r.community_id),
        request_id: r.request_id.map(RequestId),
        credit_of: r.credit_of.map(RequestId).zip(r.credit_round),
        reverses_id: r.reverses_id.map(RecordId),
        kind: r.kind.into(),
        minutes: r.minutes,
        reported_minutes: r.reported_minutes,
        rating: r.rating,
        category_id: r.category_id.map(CategoryId),
        activity: r.activity,
        service_date: r.service_date,
        place: r.place,
        content: r.content,
        organiser: r.organiser,
        person_in_charge: r.person_in_charge,
        rule_id: r.rule_id,
        reason: r.reason,
        actor_id: UserId(r.actor_id),
        created_at: r.created_at,
    }
}

/// Where a ledger row lands on the honor boards.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub member_id: UserId,
    pub community_id: CommunityId,
    /// The community's street (street boards).
    pub street: &'a str,
}

impl Place<'_> {
    fn delta(&self, day: NaiveDate) -> Delta {
        Delta::zero(self.member_id.0, self.community_id.0, self.street.to_owned(), day)
    }
}

/// A points entry to append.
pub struct NewEntry<'a> {
    pub place: Place<'a>,
    pub kind: EntryKind,
    /// Signed; the balance may not go below zero.
    pub points: i64,
    pub occurred_on: NaiveDate,
    pub reason: Option<String>,
    pub actor_id: UserId,
    pub request_id: Option<RequestId>,
    pub credit_of: Option<(RequestId, i32)>,
    pub record_id: Option<RecordId>,
    pub redemption_id: Option<RedemptionId>,
    pub reverses_id: Option<EntryId>,
    pub rule_id: Option<i64>,
}

impl<'a> NewEntry<'a> {
    /// An entry with nothing linked.
    pub fn plain(place: Place<'a>, kind: EntryKind, points: i64, occurred_on: NaiveDate, actor_id: UserId) -> Self {
        NewEntry {
            place,
            kind,
            points,
            occurred_on,
            reason: None,
            actor_id,
            request_id: None,
            credit_of: None,
            record_id: None,
            redemption_id: None,
            reverses_id: None,
            rule_id: None,
        }
    }
}

/// Moves a member's balance by `points` and `minutes`. Refuses (and writes
/// nothing) if points would go below zero.
async fn move_balance(
    db: &impl ConnectionTrait,
    member_id: UserId,
    points: i64,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    use member_balance::Column as C;
    // Earning cannot make a balance negative: one upsert adds it.
    if points >= 0 && minutes >= 0 {
        let table = member_balance::Entity;
        member_balance::Entity::insert(member_balance::ActiveModel {
            member_id: Set(member_id.0),
            points: Set(points),
            minutes: Set(minutes),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(C::MemberId)
                .value(C::Points, Expr::col((table, C::Points)).add(points))
                .value(C::Minutes, Expr::col((table, C::Minutes)).add(minutes))
                .value(C::UpdatedAt, Expr::value(now))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        return Ok(());
    }
    member_balance::Entity::insert(member_balance::ActiveModel {
        member_id: Set(member_id.0),
        points: Set(0),
        minutes: Set(0),
        updated_at: Set(now),
    })
    .on_conflict(OnConflict::column(C::MemberId).do_nothing().to_owned())
    .exec_without_returning(db)
    .await?;
    let done = member_balance::Entity::update_many()
        .col_expr(C::Points, Expr::col(C::Points).add(points))
        .col_expr(C::Minutes, Expr::col(C::Minutes).add(minutes))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::MemberId.eq(member_id.0))
        .filter(Expr::col(C::Points).add(points).gte(0))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        let balance = balance(db, member_id).await?.0;
        return Err(ApiError::PointsInsufficient {
            balance,
            needed: -points,
        });
    }
    Ok(())
}

/// Appends a points entry and moves the balance with it. Refused with
/// `PointsInsufficient` when the balance would go negative; a unique index
/// refusing the row (a second credit, void or correction of one thing) is
/// `Conflict`. The returned delta moves the boards (spending moves none).
pub async fn append_entry(
    db: &impl ConnectionTrait,
    e: NewEntry<'_>,
    now: DateTime<Utc>,
) -> Result<(Entry, Delta), ApiError> {
    move_balance(db, e.place.member_id, e.points, 0, now).await?;
    let inserted = points_entry::ActiveModel {
        member_id: Set(e.place.member_id.0),
        community_id: Set(e.place.community_id.0),
        kind: Set(e.kind.into()),
        points: Set(e.points),
        earned: Set(e.kind.earned()),
        request_id: Set(e.request_id.map(|r| r.0)),
        credit_of: Set(e.credit_of.map(|(r, _)| r.0)),
        credit_round: Set(e.credit_of.map(|(_, n)| n)),
        record_id: Set(e.record_id.map(|r| r.0)),
        redemption_id: Set(e.redemption_id.map(|r| r.0)),
        reverses_id: Set(e.reverses_id.map(|r| r.0)),
        occurred_on: Set(e.occurred_on),
        reason: Set(e.reason),
        actor_id: Set(e.actor_id.0),
        rule_id: Set(e.rule_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(unique_is_conflict)?;
    let delta = Delta {
        points: if e.kind.earned() { e.points } else { 0 },
        entry_id: Some(inserted.id),
        ..e.place.delta(e.occurred_on)
    };
    Ok((entry_of(inserted), delta))
}

/// A service record to append.
pub struct NewRecord<'a> {
    pub place: Place<'a>,
    pub kind: RecordKind,
    /// Signed like the kind (a reversal negative).
    pub minutes: i32,
    pub reported_minutes: Option<i32>,
    pub rating: Option<i16>,
    pub request_id: Option<RequestId>,
    pub credit_of: Option<(RequestId, i32)>,
    pub reverses_id: Option<RecordId>,
    pub category_id: Option<CategoryId>,
    pub activity: String,
    pub service_date: NaiveDate,
    pub place_text: String,
    pub content: String,
    pub organiser: String,
    pub person_in_charge: String,
    pub rule_id: Option<i64>,
    pub reason: Option<String>,
    pub actor_id: UserId,
}

/// Appends a service record and moves the balance's minutes with it. A
/// unique index refusing the row (a second credit of one request round, a
/// second reversal of one record) is `Conflict`.
pub async fn append_record(
    db: &impl ConnectionTrait,
    r: NewRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(Record, Delta), ApiError> {
    let sign = r.kind.sign();
    // The balance first, as in `append_entry`: the transaction has written
    // (and, on PostgreSQL, holds a transaction id) before the row takes its
    // id, which a board rebuild's watermark relies on (store::boards).
    move_balance(db, r.place.member_id, 0, i64::from(r.minutes), now).await?;
    let inserted = service_record::ActiveModel {
        member_id: Set(r.place.member_id.0),
        community_id: Set(r.place.community_id.0),
        request_id: Set(r.request_id.map(|x| x.0)),
        credit_of: Set(r.credit_of.map(|(x, _)| x.0)),
        credit_round: Set(r.credit_of.map(|(_, n)| n)),
        reverses_id: Set(r.reverses_id.map(|x| x.0)),
        kind: Set(r.kind.into()),
        sign: Set(sign),
        minutes: Set(r.minutes),
        reported_minutes: Set(r.reported_minutes),
        rating: Set(r.rating),
        category_id: Set(r.category_id.map(|c| c.0)),
        activity: Set(r.activity),
        service_date: Set(r.service_date),
        place: Set(r.place_text),
        content: Set(r.content),
        organiser: Set(r.organiser),
        person_in_charge: Set(r.person_in_charge),
        rule_id: Set(r.rule_id),
        reason: Set(r.reason),
        actor_id: Set(r.actor_id.0),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(unique_is_conflict)?;
    let rated = inserted.rating.is_some();
    let delta = Delta {
        minutes: i64::from(r.minutes),
        services: i64::from(sign),
        rating_sum: inserted.rating.map_or(0, |s| i64::from(s) * i64::from(sign)),
        rating_count: if rated { i64::from(sign) } else { 0 },
        record_id: Some(inserted.id),
        ..r.place.delta(r.service_date)
    };
    Ok((record_of(inserted), delta))
}

fn unique_is_conflict(e: sea_orm::DbErr) -> ApiError {
    if super::is_unique_violation(&e) {
        ApiError::Conflict
    } else {
        e.into()
    }
}

/// (points, minutes) held now; zeros for someone with no entries yet.
pub async fn balance(db: &impl ConnectionTrait, member_id: UserId) -> Result<(i64, i64), ApiError> {
    Ok(member_balance::Entity::find_by_id(member_id.0)
        .one(db)
        .await?
        .map_or((0, 0), |b| (b.points, b.minutes)))
}

/// Σ points over a member's entries (the balance must always equal it).
pub async fn entries_total(db: &impl ConnectionTrait, member_id: UserId) -> Result<i64, ApiError> {
    let total: Option<i64> = points_entry::Entity::find()
        .select_only()
        .column_as(sum_i64(points_entry::Column::Points), "total")
        .filter(points_entry::Column::MemberId.eq(member_id.0))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.unwrap_or(0))
}

/// A member's entries, newest first, `limit` before `before`.
pub async fn entries_of(
    db: &impl ConnectionTrait,
    member_id: UserId,
    before: Option<EntryId>,
    limit: u64,
) -> Result<(Vec<Entry>, Option<i64>), ApiError> {
    let mut q = points_entry::Entity::find()
        .filter(points_entry::Column::MemberId.eq(member_id.0))
        .order_by_desc(points_entry::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(points_entry::Column::Id.lt(b.0));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |r| r.id);
    Ok((rows.into_iter().map(entry_of).collect(), next))
}

/// Entries of some kinds in `communities`, newest first.
pub async fn entries_in(
    db: &impl ConnectionTrait,
    communities: &[CommunityId],
    kinds: &[EntryKind],
    before: Option<EntryId>,
    limit: u64,
) -> Result<(Vec<Entry>, Option<i64>), ApiError> {
    let mut q = points_entry::Entity::find()
        .filter(points_entry::Column::CommunityId.is_in(communities.iter().map(|c| c.0)))
        .filter(points_entry::Column::Kind.is_in(super::enums::db_all::<EntryKind, db::EntryKind>(kinds)))
        .order_by_desc(points_entry::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(points_entry::Column::Id.lt(b.0));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |r| r.id);
    Ok((rows.into_iter().map(entry_of).collect(), next))
}

/// Every entry about one request (credits of every round, corrections, voids).
pub async fn entries_of_request(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Vec<Entry>, ApiError> {
    Ok(points_entry::Entity::find()
        .filter(points_entry::Column::RequestId.eq(request_id.0))
        .order_by_asc(points_entry::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(entry_of)
        .collect())
}

pub async fn entry(db: &impl ConnectionTrait, id: EntryId) -> Result<Option<Entry>, ApiError> {
    Ok(points_entry::Entity::find_by_id(id.0).one(db).await?.map(entry_of))
}

/// Every service record of a request (all rounds, reversals and corrections), oldest first.
pub async fn records_of_request(db: &impl ConnectionTrait, request_id: RequestId) -> Result<Vec<Record>, ApiError> {
    Ok(service_record::Entity::find()
        .filter(service_record::Column::RequestId.eq(request_id.0))
        .order_by_asc(service_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(record_of)
        .collect())
}

pub async fn record(db: &impl ConnectionTrait, id: RecordId) -> Result<Option<Record>, ApiError> {
    Ok(service_record::Entity::find_by_id(id.0).one(db).await?.map(record_of))
}

/// A member's records, newest first, `limit` before `before`.
pub async fn records_of(
    db: &impl ConnectionTrait,
    member_id: UserId,
    before: Option<RecordId>,
    limit: u64,
) -> Result<(Vec<Record>, Option<i64>), ApiError> {
    let mut q = service_record::Entity::find()
        .filter(service_record::Column::MemberId.eq(member_id.0))
        .order_by_desc(service_record::Column::Id)
        .limit(limit + 1);
    if let Some(b) = before {
        q = q.filter(service_record::Column::Id.lt(b.0));
    }
    let (rows, next) = super::page(q.all(db).await?, limit, |r| r.id);
    Ok((rows.into_iter().map(record_of).collect(), next))
}

/// A member's service per day: (date, minutes, services), net of reversals.
pub async fn service_days(
    db: &impl ConnectionTrait,
    member_id: UserId,
) -> Result<Vec<(NaiveDate, i64, i64)>, ApiError> {
    use service_record::Column as C;
    Ok(service_record::Entity::find()
        .select_only()
        .column(C::ServiceDate)
        .column_as(sum_i64(C::Minutes), "minutes")
        .column_as(sum_i64(C::Sign), "services")
        .filter(C::MemberId.eq(member_id.0))
        .group_by(C::ServiceDate)
        .into_tuple()
        .all(db)
        .await?)
}

/// A member's records in date order (certificates), `service` kinds net of reversals.
pub async fn all_records_of(db: &impl ConnectionTrait, member_id: UserId) -> Result<Vec<Record>, ApiError> {
    Ok(service_record::Entity::find()
        .filter(service_record::Column::MemberId.eq(member_id.0))
        .order_by_asc(service_record::Column::ServiceDate)
        .order_by_asc(service_record::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(record_of)
        .collect())
}
