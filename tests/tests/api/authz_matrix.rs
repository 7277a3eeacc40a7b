//! The authorization matrix, generated from the route table
//! (`linli::routes::table()`): every route × {anonymous, resident, member,
//! admin, street admin} × {their own record, someone else's in their
//! community, someone's in the other community}, each answer checked
//! against the row's `Access` with `access::answer_fits`, and every JSON
//! answer scanned for personal data outside the rule (`leaks`). A route
//! registered without a row cannot exist (`routes::table::Routes`), and a
//! row the matrix cannot call fails here until `specs` is taught.
//!
//! Reads go first, on the world as it was made; then every other call, a
//! call that is allowed to change something on a record (and a caller)
//! made for it alone.

mod leaks;
mod records;
mod specs;
mod world;

use crate::both_backends;
use crate::helpers::{Backend, content_type, spawn_app_configured};
use futures::StreamExt;
use leaks::Reader;
use linli::domain::Role;
use linli::routes::access::{self, Method, Row};
use specs::{Body, Ctx, Fresh, Spec, Via};
use std::time::Instant;
use world::{Caller, Inst, Kind, Shape, World};

/// Calls in flight at once.
const AT_ONCE: usize = 12;

/// Whose records each caller is tried on: their own where they can have
/// one, someone else's in A, someone's in B. An admin's own account is
/// left out (`/users/{id}/…` on it would demote or lock out the matrix's
/// admin), as are communities (the caller's own is A).
fn shapes(kind: Kind, role: Option<Role>) -> Vec<Shape> {
    use Role::*;
    let mine = matches!(
        (kind, role),
        (Kind::Request | Kind::Appeal | Kind::User, Some(Resident | Member))
            | (Kind::Series, Some(Resident))
            | (
                Kind::Member | Kind::Qualification | Kind::Redemption | Kind::Record | Kind::Certificate,
                Some(Member)
            )
            | (Kind::Notification, Some(_))
    );
    let mut v = vec![Shape::Ours, Shape::Theirs];
    if mine {
        v.insert(0, Shape::Mine);
    }
    v
}

/// Can a record of this kind be made for one call (else the call runs on
/// the shared one — the caller's own account, notices, a community)?
fn can_be_fresh(kind: Kind, shape: Shape) -> bool {
    match kind {
        Kind::Community | Kind::Notification | Kind::Certificate => false,
        Kind::Member | Kind::User => shape != Shape::Mine,
        _ => true,
    }
}

/// The facts the row's rule reads, for this caller and record.
fn facts(c: &Caller, inst: Option<&Inst>) -> access::Caller {
    let mut f = access::Caller {
        role: c.role,
        ..access::Caller::default()
    };
    if let (Some(i), Some(me)) = (inst, c.id()) {
        f.owns = i.owner == Some(me);
        f.holds = i.holder == Some(me);
        f.in_community = i.community == c.community;
        f.administers = match c.role {
            Some(Role::Admin) => f.in_community,
            // One street: both communities are the street admin's.
            Some(Role::StreetAdmin) => true,
            _ => false,
        };
    }
    f
}

struct Probe<'r> {
    row: &'r Row,
    spec: &'r Spec,
    caller: &'r Caller,
    shape: Option<Shape>,
}

/// What one call showed: a misfit or a leak, and whether it was allowed.
struct Seen {
    allowed: bool,
    json: bool,
    problems: Vec<String>,
}

async fn call(w: &World<'_>, p: Probe<'_>) -> Seen {
    let subject = p.spec.subject;
    let shape = p.shape.unwrap_or(Shape::Ours);
    let mut inst = match subject {
        Some((kind, _)) => Some(w.inst(kind, shape, p.spec.stage, false, p.caller).await),
        None => None,
    };
    let allowed = p.row.access.allows(&facts(p.caller, inst.as_ref()));
    if let Some((kind, _)) = subject
        && allowed
        && p.row.method != Method::Get
        && can_be_fresh(kind, shape)
    {
        inst = Some(w.inst(kind, shape, p.spec.stage, true, p.caller).await);
        let same = p.row.access.allows(&facts(p.caller, inst.as_ref()));
        assert!(
            same,
            "a fresh {kind:?} ({shape:?}) must relate to the caller as the shared one does"
        );
    }
    let caller = match (allowed && p.caller.role.is_some(), p.spec.caller) {
        (true, Fresh::Session) => w.fresh_session(p.caller).await,
        (true, Fresh::Account) => w.fresh_caller(p.caller.role.expect("signed in")).await,
        _ => p.caller.clone(),
    };
    let ctx = Ctx {
        w,
        inst: inst.as_ref(),
        n: w.next(),
    };
    let mut path = p.row.path.clone();
    if let (Some((_, Via::Path)), Some(i)) = (subject, &inst) {
        let open = path.find('{').expect("an id in the path");
        let close = open + path[open..].find('}').expect("closed");
        path.replace_range(open..=close, &i.id);
        if let Some(photo) = i.photo {
            path = path.replace("{photo_id}", &photo.to_string());
        }
    }
    let query = (p.spec.query)(&ctx);
    let method = reqwest::Method::from_bytes(p.row.method.as_str().as_bytes()).expect("method");
    let mut rb = w
        .app
        .client
        .request(method, format!("{}{path}", w.app.base))
        .query(&query);
    if let Some(u) = &caller.user {
        rb = rb.bearer_auth(&u.token);
    }
    let sent = match p.spec.body {
        Body::None => String::new(),
        Body::Json(f) => {
            let v = f(&ctx);
            rb = rb.json(&v);
            v.to_string()
        }
        Body::Csv(text) => {
            rb = rb.header("content-type", "text/csv").body(text);
            text.to_owned()
        }
        Body::Jpeg => {
            let jpeg = linli::domain::photo::sample_jpeg_with_exif();
            rb = rb.header("content-type", "image/jpeg").body(jpeg);
            String::new()
        }
    };
    let sent = format!("{sent} {query:?}");
    let resp = rb.send().await.expect("sent");
    let status = resp.status().as_u16();
    let ct = content_type(&resp);
    let who = format!(
        "{} {} as {}{}",
        p.row.method.as_str(),
        path,
        caller.name(),
        p.shape.map(|s| format!(" ({s:?} record)")).unwrap_or_default()
    );
    let mut problems = Vec::new();
    // The live stream never ends: its status is the answer.
    let body = if ct.starts_with("text/event-stream") {
        None
    } else {
        resp.bytes().await.ok()
    };
    let anonymous = caller.role.is_none();
    if !access::answer_fits(allowed, anonymous, status) {
        let text = body
            .as_ref()
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(300)]).into_owned())
            .unwrap_or_default();
        let expected = if allowed { "allowed" } else { "refused" };
        problems.push(format!(
            "{who}: {expected} by {:?}, answered {status} {text}",
            p.row.access
        ));
    }
    let json = ct.starts_with("application/json");
    if let (true, Some(b)) = (json, body)
        && let Ok(v) = serde_json::from_slice::<serde_json::Value>(&b)
    {
        let reader = Reader {
            user: caller.id(),
            administers: (caller.role == Some(Role::Admin)).then_some(caller.community),
            street: caller.role == Some(Role::StreetAdmin),
        };
        let leaks = w.registry.lock().expect("registry").leaks(&v, reader, &sent);
        for l in leaks {
            problems.push(format!("{who}: shows {l}"));
        }
    }
    Seen {
        allowed,
        json,
        problems,
    }
}

async fn authorization_matrix(b: Backend) {
    // Many heavy reads (exports, statistics) run at once here; the bulkhead
    // that turns a crowd of them away has its own test (`bulkhead`).
    let Some(app) = spawn_app_configured(b, None, |s| s.heavy_reads = 64).await else {
        return;
    };
    let started = Instant::now();
    let w = World::build(&app).await;
    let built = started.elapsed();
    let rows = linli::routes::table();
    let specs: Vec<Spec> = rows.iter().map(specs::spec).collect();
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    for (row, spec) in rows.iter().zip(&specs) {
        assert!(
            spec.subject.is_some() || !row.access.needs_record(),
            "{} {}: {:?} needs a record; say in authz_matrix/specs.rs which one",
            row.method.as_str(),
            row.path,
            row.access
        );
        for caller in &w.callers {
            let shapes = match spec.subject {
                Some((kind, _)) => shapes(kind, caller.role).into_iter().map(Some).collect(),
                None => vec![None],
            };
            for shape in shapes {
                let p = Probe {
                    row,
                    spec,
                    caller,
                    shape,
                };
                if row.method == Method::Get {
                    reads.push(p)
                } else {
                    writes.push(p)
                }
            }
        }
    }
    let probes = reads.len() + writes.len();
    let mut seen: Vec<Seen> = futures::stream::iter(reads)
        .map(|p| call(&w, p))
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let writes: Vec<Seen> = futures::stream::iter(writes)
        .map(|p| call(&w, p))
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    seen.extend(writes);
    let allowed = seen.iter().filter(|s| s.allowed).count();
    let scanned = seen.iter().filter(|s| s.json).count();
    let problems: Vec<&String> = seen.iter().flat_map(|s| &s.problems).collect();
    eprintln!(
        "authorization matrix ({b:?}): {} rows × {} callers = {probes} calls ({allowed} allowed, {} refused), \
         {scanned} JSON answers scanned; callers ready in {:.1} s, all done in {:.1} s",
        rows.len(),
        w.callers.len(),
        probes - allowed,
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.iter().map(|p| p.as_str()).collect::<Vec<_>>().join("\n")
    );
}
both_backends!(authorization_matrix);
