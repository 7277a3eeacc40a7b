//! Bulk 报到 from a CSV roster (e.g. the list an employer's party branch
//! sends). All or nothing: every row is checked first, and one bad row
//! rejects the file with each problem's line number; only a clean file is
//! written, in one transaction.
//!
//! Columns (header row required, any order; `phone`, `name`, `kind` required):
//! `phone, name, kind, employer, party_branch, skills, grid, max_active,
//! availability, preferred_posts, lat, lng`. Lists are `;`-separated:
//! `skills` = service-menu codes, `availability` = `6 09:00-12:00;7 14:00-17:00`
//! (weekday 1 = Monday), `grid` = a grid's name. `kind` is `party_member` /
//! `volunteer` or 党员 / 志愿者.
//!
//! New phones get an account with a one-time initial password, returned in
//! the report for the admin to hand out; existing residents of the same
//! community are registered as they are. Imported members are approved.

use super::{Lookup, MemberInput, sync_role};
use crate::auth::CurrentUser;
use crate::domain::matching::{Availability, GeoPoint, Window};
use crate::domain::member::{MemberKind, MemberStatus};
use crate::domain::{CategoryId, CommunityId, Phone, Role, UserId};
use crate::error::{ApiError, FieldError};
use crate::messages::Msg;
use crate::msg;
use crate::services::{directory, scope};
use crate::state::AppState;
use crate::store::{self, users::NewUser};
use rand::Rng;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// Rows per file; bigger rosters go in several files.
pub const MAX_ROWS: usize = 5_000;
const COLUMNS: [&str; 12] = [
    "phone",
    "name",
    "kind",
    "employer",
    "party_branch",
    "skills",
    "grid",
    "max_active",
    "availability",
    "preferred_posts",
    "lat",
    "lng",
];
const REQUIRED: [&str; 3] = ["phone", "name", "kind"];

#[derive(Debug, Serialize)]
pub struct ImportedRow {
    pub line: u64,
    pub user_id: UserId,
    pub name: String,
    pub phone: String,
    pub new_account: bool,
    /// Only for new accounts: hand it to the member, who should change it.
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub community_id: CommunityId,
    pub imported: usize,
    pub new_accounts: usize,
    pub rows: Vec<ImportedRow>,
}

/// One checked row, ready to write.
struct Row {
    line: u64,
    phone: Phone,
    name: String,
    input: MemberInput,
    skills: Vec<CategoryId>,
}

fn err(line: u64, field: &str, code: &str, msg: Msg) -> FieldError {
    FieldError::new(field, code, msg).at_line(line)
}

fn list(cell: &str) -> Vec<String> {
    cell.split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `6 09:00-12:00;7 14:00-17:00`
fn windows(cell: &str) -> Option<Availability> {
    list(cell)
        .iter()
        .map(|w| {
            let (day, range) = w.split_once(char::is_whitespace)?;
            let (start, end) = range.trim().split_once('-')?;
            Window::new(day.trim().parse().ok()?, start.trim(), end.trim())
        })
        .collect::<Option<Vec<_>>>()
        .map(Availability::new)
}

fn kind(cell: &str) -> Option<MemberKind> {
    match cell {
        "党员" | "在职党员" => Some(MemberKind::PartyMember),
        "志愿者" => Some(MemberKind::Volunteer),
        other => other.parse().ok(),
    }
}

/// Reads one record into a row, or every problem with it.
fn read_row(line: u64, get: impl Fn(&str) -> String, lookup: &Lookup) -> Result<Row, Vec<FieldError>> {
    let mut errors = Vec::new();
    let phone = Phone::parse(&get("phone"));
    if phone.is_none() {
        errors.push(err(line, "phone", "phone", msg!("field.import.phone")));
    }
    let name = get("name");
    if name.is_empty() || name.chars().count() > 50 {
        errors.push(err(line, "name", "length", msg!("field.import.name")));
    }
    let kind = kind(&get("kind"));
    if kind.is_none() {
        errors.push(err(line, "kind", "invalid", msg!("field.import.kind")));
    }
    let max_active = match get("max_active").as_str() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(err(line, "max_active", "invalid", msg!("field.import.max_active")));
                None
            }
        },
    };
    let availability = windows(&get("availability")).unwrap_or_else(|| {
        errors.push(err(line, "availability", "invalid", msg!("field.availability.invalid")));
        Availability::default()
    });
    let location = match (get("lat").as_str(), get("lng").as_str()) {
        ("", "") => None,
        (lat, lng) => {
            let p = lat
                .parse()
                .ok()
                .zip(lng.parse().ok())
                .and_then(|(a, b)| GeoPoint::new(a, b));
            if p.is_none() {
                errors.push(err(line, "lat", "invalid", msg!("field.lat.invalid")));
            }
            p
        }
    };
    let grid_id = match get("grid").as_str() {
        "" => None,
        g => match lookup.grid_by_name(g) {
            Some(id) => Some(id),
            None => {
                errors.push(err(line, "grid", "unknown", msg!("field.import.grid", grid = g)));
                None
            }
        },
    };
    let input = MemberInput {
        kind: kind.unwrap_or(MemberKind::Volunteer),
        employer: Some(get("employer")),
        party_branch: Some(get("party_branch")),
        skills: list(&get("skills")),
        preferred_posts: list(&get("preferred_posts")),
        availability,
        max_active,
        location,
        grid_id,
        publish_consent: None,
    };
    let skills = match lookup.check(&input) {
        Ok(s) => s,
        Err(more) => {
            // `check` knows the field but not the line.
            errors.extend(more.into_iter().map(|e| e.at_line(line)));
            Vec::new()
        }
    };
    match (phone, errors.is_empty() && kind.is_some()) {
        (Some(phone), true) => Ok(Row {
            line,
            phone,
            name,
            input,
            skills,
        }),
        _ => Err(errors),
    }
}

pub(crate) fn initial_password() -> String {
    // No 0/O, 1/l/I: it will be read aloud or copied by hand.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..10)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// At most this many problems are reported for one file.
const MAX_ERRORS: usize = 200;

pub async fn import_csv(
    state: &AppState,
    me: &CurrentUser,
    community_id: Option<CommunityId>,
    text: &str,
) -> Result<ImportReport, ApiError> {
    scope::require_admin(me)?;
    let community_id = community_id.unwrap_or(me.community_id);
    directory::community(&state.db, community_id).await?;
    scope::require_admin_of(&state.db, me, community_id).await?;
    let lookup = Lookup::load(&state.db, community_id).await?;

    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::Validation(vec![csv_error(1, &e)]))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let mut errors = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            errors.push(err(
                1,
                h,
                "unknown_column",
                msg!("field.import.unknown_column", column = h.as_str()),
            ));
        }
    }
    for r in REQUIRED {
        if !headers.iter().any(|h| h == r) {
            errors.push(err(
                1,
                r,
                "required",
                msg!("field.import.missing_column", column = r.to_string()),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let column: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();

    let mut rows = Vec::new();
    for record in reader.records() {
        if errors.len() >= MAX_ERRORS {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(csv_error(line, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() + errors.len() >= MAX_ROWS {
            errors.push(err(
                line,
                "file",
                "too_many_rows",
                msg!("field.import.too_many_rows", max = MAX_ROWS),
            ));
            break;
        }
        let get = |name: &str| {
            column
                .get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
                .to_owned()
        };
        match read_row(line, get, &lookup) {
            Ok(row) => rows.push(row),
            Err(e) => errors.extend(e),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(err(2, "file", "empty", msg!("field.import.empty")));
    }

    // Duplicates within the file, and what the database already knows.
    let mut seen = HashSet::new();
    for r in &rows {
        if !seen.insert(r.phone.as_str().to_owned()) {
            errors.push(err(r.line, "phone", "duplicate", msg!("field.import.duplicate")));
        }
    }
    let phones: Vec<&str> = rows.iter().map(|r| r.phone.as_str()).collect();
    let existing: HashMap<String, store::users::User> = store::users::by_phones(&state.db, &phones)
        .await?
        .into_iter()
        .map(|u| (u.phone.clone(), u))
        .collect();
    let known: Vec<UserId> = existing.values().map(|u| u.id).collect();
    let registered: HashSet<UserId> = store::members::registered_among(&state.db, &known).await?;
    for r in &rows {
        let Some(u) = existing.get(r.phone.as_str()) else {
            continue;
        };
        if u.community_id != community_id {
            errors.push(err(
                r.line,
                "phone",
                "other_community",
                msg!("field.import.other_community"),
            ));
        } else if registered.contains(&u.id) {
            errors.push(err(
                r.line,
                "phone",
                "already_registered",
                msg!("field.import.already_registered"),
            ));
        } else if u.role.is_admin() {
            errors.push(err(r.line, "phone", "admin", msg!("field.import.admin")));
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_ERRORS);
        return Err(ApiError::Validation(errors));
    }

    // Hash the new accounts' one-time passwords, each waiting its turn on
    // the hashing threads (light hashes, remade at full cost on first login).
    let fresh: Vec<(usize, String)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !existing.contains_key(r.phone.as_str()))
        .map(|(i, _)| (i, initial_password()))
        .collect();
    let mut hashes = Vec::with_capacity(fresh.len());
    for (_, pw) in &fresh {
        hashes.push(state.hasher.hash_initial(pw.clone()).await?);
    }
    let mut passwords: HashMap<usize, (String, String)> = fresh
        .into_iter()
        .zip(hashes)
        .map(|((i, pw), hash)| (i, (pw, hash)))
        .collect();

    let now = state.clock.now();
    let txn = store::begin_write(&state.writer).await?;
    let mut report = Vec::with_capacity(rows.len());
    for (i, r) in rows.into_iter().enumerate() {
        let (user_id, initial_password) = match existing.get(r.phone.as_str()) {
            Some(u) => (u.id, None),
            None => {
                let (pw, hash) = passwords.remove(&i).unwrap_or_default();
                let new = NewUser {
                    phone: r.phone.as_str(),
                    name: &r.name,
                    password_hash: hash,
                    role: Role::Resident,
                    community_id,
                    grid_id: r.input.grid_id,
                };
                let u = store::users::insert(&txn, new, now).await.map_err(|e| match e {
                    // Registered between the check and now.
                    ApiError::PhoneTaken => {
                        ApiError::Validation(vec![err(r.line, "phone", "taken", msg!("field.import.taken"))])
                    }
                    other => other,
                })?;
                (u.id, Some(pw))
            }
        };
        let details = r.input.details(false);
        store::members::insert(
            &txn,
            user_id,
            community_id,
            MemberStatus::Active,
            &details,
            Some(me.id),
            now,
        )
        .await?;
        store::members::replace_skills(&txn, user_id, &r.skills).await?;
        sync_role(&txn, user_id, MemberStatus::Active, now).await?;
        report.push(ImportedRow {
            line: r.line,
            user_id,
            name: r.name,
            phone: r.phone.as_str().to_owned(),
            new_account: initial_password.is_some(),
            initial_password,
        });
    }
    txn.commit().await?;
    // Residents who became members: their open streams look again.
    for u in existing.values() {
        crate::services::auth::sessions_changed(state, u.id, None).await;
    }
    tracing::info!(
        admin = %me.id,
        community = %community_id,
        rows = report.len(),
        "members imported"
    );
    Ok(ImportReport {
        community_id,
        imported: report.len(),
        new_accounts: report.iter().filter(|r| r.new_account).count(),
        rows: report,
    })
}

fn csv_error(line: u64, e: &csv::Error) -> FieldError {
    err(line, "file", "csv", msg!("field.import.csv", detail = e.to_string()))
}
