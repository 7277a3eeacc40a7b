//! 12345 工单 — the city hotline's work orders, imported into the same loop
//! (吹哨报到's intake side). A file exported from the hotline's platform
//! (CSV, Chinese or English headings) is checked whole first: one bad row
//! rejects the file with each problem's line number. Then each order
//! becomes a request of source `hotline` with the order's own deadline, and
//! its number as `external_ref`, unique per community: importing the same
//! file again changes nothing, and a changed row updates its request while
//! nobody has taken it yet (a request already dispatched keeps what it was
//! given, and the report says so). The contact is the resident: found by
//! phone in the community, or given an account with a one-time password
//! (in the report, for the community to pass on when it calls back).

use super::Env;
use crate::auth::CurrentUser;
use crate::domain::request::{Status, Step, Urgency};
use crate::domain::source::{self, Source, WorkOrder};
use crate::domain::{CommunityId, RequestId, Role, UserId};
use crate::error::{ApiError, FieldError};
use crate::infra::live::LiveEvent;
use crate::messages::Msg;
use crate::msg;
use crate::services::{directory, members, notify, scope};
use crate::state::AppState;
use crate::store::directory::Category;
use crate::store::{self, requests::Amended, requests::HelpRequest, requests::NewEvent, users::NewUser};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Orders per file.
pub const MAX_ROWS: usize = 2_000;
const MAX_ERRORS: usize = 200;

/// What became of one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A new request.
    Created,
    /// Its request was changed to what the file says now.
    Updated,
    /// The file says what was imported before.
    Unchanged,
    /// Changed in the file, but its request is already taken: left as it is.
    Kept,
}

#[derive(Debug, Serialize)]
pub struct OrderRow {
    pub line: u64,
    pub order_no: String,
    pub request_id: RequestId,
    pub outcome: Outcome,
    /// A contact new to Linli: their one-time password, to pass on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub community_id: CommunityId,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub kept: usize,
    pub new_accounts: usize,
    pub rows: Vec<OrderRow>,
}

fn problem(line: u64, p: &source::Problem) -> FieldError {
    // A time and a phone are each wrong in their own way.
    let key = match (p.field, p.code) {
        ("contact_phone", "invalid") => "field.work_order.invalid_phone".to_owned(),
        (_, code) => format!("field.work_order.{code}"),
    };
    let text = Msg::new(key).with("column", Msg::new(format!("work_order.column.{}", p.field)));
    FieldError::new(p.field, p.code, text).at_line(line)
}

/// A category by its code or its Chinese or English name (the hotline's
/// own words for the common ones are in the menu's names).
fn category<'a>(menu: &'a [Category], cell: &str) -> Option<&'a Category> {
    menu.iter()
        .filter(|c| c.active)
        .find(|c| c.code == cell || c.name_zh == cell || c.name_en.eq_ignore_ascii_case(cell))
}

/// Checks the whole file: each order with its line and category, or every problem.
fn read(text: &str, menu: &[Category], env: Env<'_>) -> Result<Vec<(u64, WorkOrder, Category)>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headings: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::field("file", "invalid", msg!("field.work_order.csv", detail = e.to_string())))?
        .iter()
        .map(str::to_owned)
        .collect();
    let named = source::columns(&headings.iter().map(String::as_str).collect::<Vec<_>>());
    let missing: Vec<FieldError> = source::COLUMNS
        .iter()
        .filter(|(en, _)| !named.contains(&Some(*en)))
        .map(|(en, zh)| {
            FieldError::new(
                *en,
                "required",
                msg!("field.work_order.missing_column", column = zh[0].to_string()),
            )
            .at_line(1)
        })
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    let mut errors = Vec::new();
    let mut orders = Vec::new();
    let mut numbers = HashSet::new();
    for record in reader.records() {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let record = record
            .map_err(|e| ApiError::field("file", "invalid", msg!("field.work_order.csv", detail = e.to_string())))?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if orders.len() >= MAX_ROWS {
            errors.push(
                FieldError::new(
                    "file",
                    "too_many_rows",
                    msg!("field.import.too_many_rows", max = MAX_ROWS),
                )
                .at_line(line),
            );
            break;
        }
        let get = |name: &str| named.iter().position(|c| *c == Some(name)).and_then(|i| record.get(i));
        match source::work_order(get, env.offset) {
            Ok(o) => {
                if !numbers.insert(o.number.clone()) {
                    errors.push(problem(
                        line,
                        &source::Problem {
                            field: "order_no",
                            code: "duplicate",
                        },
                    ));
                }
                match category(menu, &o.category) {
                    Some(c) => orders.push((line, o, c.clone())),
                    None => errors.push(problem(
                        line,
                        &source::Problem {
                            field: "category",
                            code: "unknown",
                        },
                    )),
                }
            }
            Err(ps) => errors.extend(ps.iter().map(|p| problem(line, p))),
        }
    }
    if orders.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("file", "empty", msg!("field.import.empty")).at_line(2));
    }
    if errors.is_empty() {
        Ok(orders)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The title a request gets from an order: the start of its content.
fn title_of(o: &WorkOrder) -> String {
    let t: String = o.content.chars().take(30).collect();
    format!("12345：{t}")
}

/// Imports a work-order file into `asked` (or the admin's own community).
pub async fn import_csv(
    app: &AppState,
    me: &CurrentUser,
    asked: Option<CommunityId>,
    text: &str,
) -> Result<ImportReport, ApiError> {
    scope::require_admin(me)?;
    let community_id = asked.unwrap_or(me.community_id);
    directory::community_kept(app, community_id).await?;
    scope::require_admin_of(&app.db, me, community_id).await?;
    let env = Env::of(app);
    let menu = directory::menu(app).await?;
    let orders = read(text, &menu, env)?;

    // Another import of the same orders (or a registration of a contact's
    // phone) committing first makes the write fail on a unique index: read
    // again and write again, which then finds what the other one made.
    let mut passwords = HashMap::new();
    let mut attempt = 0;
    let (rows, live) = loop {
        attempt += 1;
        match write(app, me, community_id, &orders, &mut passwords, env).await {
            Err(ApiError::Conflict | ApiError::PhoneTaken) if attempt < 3 => continue,
            done => break done?,
        }
    };
    super::announce(app, live).await;
    let count = |k: Outcome| rows.iter().filter(|r| r.outcome == k).count();
    let report = ImportReport {
        community_id,
        created: count(Outcome::Created),
        updated: count(Outcome::Updated),
        unchanged: count(Outcome::Unchanged),
        kept: count(Outcome::Kept),
        new_accounts: rows.iter().filter(|r| r.initial_password.is_some()).count(),
        rows,
    };
    tracing::info!(admin = %me.id, community = %community_id, created = report.created, updated = report.updated, "12345 orders imported");
    Ok(report)
}

/// The request already says what the order says.
fn same(r: &HelpRequest, o: &WorkOrder, cat: &Category, title: &str) -> bool {
    r.category_id == cat.id
        && r.title == title
        && r.description == o.content
        && r.address == o.address
        && r.contact_phone == o.contact_phone.as_str()
        && r.due_at == Some(o.deadline)
}

fn brief(r: &HelpRequest, outcome: Outcome) -> LiveEvent {
    let action = match outcome {
        Outcome::Created => "create",
        _ => "update",
    };
    notify::request_event(
        action,
        &notify::Subject {
            request: r,
            former_assignee_id: None,
            was_open: r.status == Status::Open,
        },
    )
}

/// One line per order of `community`, for back-reporting to the hotline
/// (办理结果反馈): order number, request, status, when it was closed,
/// the summary of what was done, the resident's rating.
pub async fn results_csv(app: &AppState, me: &CurrentUser, community_id: CommunityId) -> Result<String, ApiError> {
    scope::require_admin_of(&app.db, me, community_id).await?;
    let rows = store::requests::of_source(&app.db, community_id, Source::Hotline).await?;
    let lang = crate::i18n::Lang::current();
    let mut w = csv::Writer::from_writer(Vec::new());
    let heading = |k: &str| Msg::new(format!("work_order.column.{k}")).render(lang);
    let columns = [
        "order_no",
        "request_id",
        "status",
        "due_at",
        "closed_at",
        "on_time",
        "result",
        "rating",
    ];
    w.write_record(columns.iter().map(|c| heading(c)))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let local =
        |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&app.local_offset).format("%Y-%m-%d %H:%M").to_string();
    for r in rows {
        let on_time = match (r.closed_at, r.due_at) {
            (Some(c), Some(d)) => Msg::new(if c <= d {
                "work_order.on_time.yes"
            } else {
                "work_order.on_time.no"
            })
            .render(lang),
            _ => String::new(),
        };
        w.write_record([
            r.external_ref.clone().unwrap_or_default(),
            r.id.to_string(),
            super::view::status_label(r.status, lang),
            r.due_at.map(local).unwrap_or_default(),
            r.closed_at.map(local).unwrap_or_default(),
            on_time,
            r.summary.clone().unwrap_or_default(),
            r.rating.map(|s| s.to_string()).unwrap_or_default(),
        ])
        .map_err(|e| ApiError::Internal(e.into()))?;
    }
    let bytes = w.into_inner().map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.into()))
}

/// Finds or makes each order's contact and writes every order, in one
/// transaction; `Conflict` or `PhoneTaken` when another writer took an
/// order number or a phone first (then try again).
async fn write(
    app: &AppState,
    me: &CurrentUser,
    community_id: CommunityId,
    orders: &[(u64, WorkOrder, Category)],
    passwords: &mut HashMap<String, (String, String)>,
    env: Env<'_>,
) -> Result<(Vec<OrderRow>, Vec<LiveEvent>), ApiError> {
    // The contacts: residents of this community already, or new accounts.
    let phones: Vec<&str> = orders.iter().map(|(_, o, _)| o.contact_phone.as_str()).collect();
    let known: HashMap<String, store::users::User> = store::users::by_phones(&app.db, &phones)
        .await?
        .into_iter()
        .map(|u| (u.phone.clone(), u))
        .collect();
    let mut errors = Vec::new();
    for (line, o, _) in orders {
        if known
            .get(o.contact_phone.as_str())
            .is_some_and(|u| u.community_id != community_id)
        {
            errors.push(problem(
                *line,
                &source::Problem {
                    field: "contact_phone",
                    code: "elsewhere",
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    for (_, o, _) in orders {
        let phone = o.contact_phone.as_str();
        if !known.contains_key(phone) && !passwords.contains_key(phone) {
            let pw = members::initial_password();
            let hash = app.hasher.hash_initial(pw.clone()).await?;
            passwords.insert(phone.to_owned(), (pw, hash));
        }
    }

    let now = env.now;
    let txn = store::begin_write(&app.writer).await?;
    let mut made: HashMap<String, UserId> = known.iter().map(|(p, u)| (p.clone(), u.id)).collect();
    let mut rows = Vec::with_capacity(orders.len());
    let mut live = Vec::new();
    for (line, o, cat) in orders {
        let phone = o.contact_phone.as_str();
        let mut initial_password = None;
        let resident_id = match made.get(phone) {
            Some(id) => *id,
            None => {
                let (pw, hash) = passwords.remove(phone).unwrap_or_default();
                let u = store::users::insert(
                    &txn,
                    NewUser {
                        phone,
                        name: &o.contact_name,
                        password_hash: hash,
                        role: Role::Resident,
                        community_id,
                        grid_id: None,
                    },
                    now,
                )
                .await?;
                made.insert(phone.to_owned(), u.id);
                initial_password = Some(pw);
                u.id
            }
        };
        let title = title_of(o);
        let (request, outcome) =
            match store::requests::by_external_ref(&txn, community_id, Source::Hotline, &o.number).await? {
                None => {
                    let r = store::requests::insert_unless_taken(
                        &txn,
                        store::requests::NewRequest {
                            community_id,
                            grid_id: None,
                            resident_id,
                            entered_by: me.id,
                            category_id: cat.id,
                            title: &title,
                            description: &o.content,
                            address: &o.address,
                            contact_phone: phone,
                            preferred_time: None,
                            urgency: Urgency::Normal,
                            due_at: Some(o.deadline),
                            location: None,
                            similar_to: None,
                            occurrence: None,
                            source: Source::Hotline,
                            external_ref: Some(&o.number),
                        },
                        now,
                    )
                    .await?
                    .ok_or(ApiError::Conflict)?;
                    store::requests::insert_event(
                        &txn,
                        NewEvent {
                            request_id: r.id,
                            actor_id: Some(me.id),
                            step: Step::Create,
                            from_status: None,
                            to_status: Status::Pending,
                            note: Some(&format!("12345 {}", o.number)),
                            note_key: Some("timeline.hotline"),
                        },
                        now,
                    )
                    .await?;
                    (r, Outcome::Created)
                }
                Some(r) if same(&r, o, cat, &title) => (r, Outcome::Unchanged),
                Some(r) if !matches!(r.status, Status::Pending | Status::Open) => (r, Outcome::Kept),
                Some(r) => {
                    let amended = Amended {
                        category_id: cat.id,
                        title: &title,
                        description: &o.content,
                        address: &o.address,
                        contact_phone: phone,
                        due_at: o.deadline,
                    };
                    let r = store::requests::amend(&txn, &r, amended, now)
                        .await?
                        .ok_or(ApiError::Conflict)?;
                    (r, Outcome::Updated)
                }
            };
        if matches!(outcome, Outcome::Created | Outcome::Updated) {
            live.push(brief(&request, outcome));
        }
        rows.push(OrderRow {
            line: *line,
            order_no: o.number.clone(),
            request_id: request.id,
            outcome,
            initial_password,
        });
    }
    txn.commit().await?;
    Ok((rows, live))
}
