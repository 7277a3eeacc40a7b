//! How the matrix calls each route: what its ids (or its query's or body's
//! `community_id`, `member_id`, `request_id`, `resident_id`) name, a body
//! that passes validation (so that a refusal comes from the rule, not from
//! the body), and the callers a call would change (they get an account or a
//! session of their own). A route the matrix does not know gets an empty
//! body and the record its path names; if that cannot answer as its
//! `Access` says, the matrix fails until it is taught here.

use super::world::{Inst, Kind, Stage, TITLE, World};
use crate::helpers::PASSWORD;
use linli::routes::access::{Method, Row};
use serde_json::{Value, json};

/// Where the record goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The path's first id.
    Path,
    /// `?community_id=`.
    Query,
    /// The body names it.
    Body,
}

/// What the call sends.
#[derive(Clone, Copy)]
pub enum Body {
    None,
    Json(fn(&Ctx) -> Value),
    Csv(&'static str),
    Jpeg,
}

/// Calls that change the caller get a caller of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fresh {
    No,
    /// Another session of the same account (a logout ends it).
    Session,
    /// A new account of the same role (a new password signs every session
    /// out; 报到 makes a resident a candidate member).
    Account,
}

pub struct Spec {
    pub subject: Option<(Kind, Via)>,
    /// How far a request behind the record has come.
    pub stage: Stage,
    pub body: Body,
    pub query: fn(&Ctx) -> Vec<(&'static str, String)>,
    pub caller: Fresh,
}

/// What a body or query is made from.
pub struct Ctx<'w, 'a> {
    pub w: &'w World<'a>,
    pub inst: Option<&'w Inst>,
    /// A number no other call uses.
    pub n: u64,
}

impl Ctx<'_, '_> {
    fn id(&self) -> i64 {
        self.inst.and_then(|i| i.id.parse().ok()).unwrap_or(0)
    }

    fn community(&self) -> i64 {
        self.inst.map_or(self.w.a, |i| i.community)
    }
}

fn no_query(_: &Ctx) -> Vec<(&'static str, String)> {
    Vec::new()
}

fn community_query(c: &Ctx) -> Vec<(&'static str, String)> {
    vec![("community_id", c.id().to_string())]
}

fn empty(_: &Ctx) -> Value {
    json!({})
}

fn note(_: &Ctx) -> Value {
    json!({"note": "矩阵探测"})
}

fn reason(_: &Ctx) -> Value {
    json!({"reason": "矩阵探测"})
}

fn qualification(c: &Ctx) -> Value {
    json!({"kind": "lawyer_licence", "number": format!("M{:015}", c.n), "issuer": "市司法局", "expires_on": "2031-12-31"})
}

fn series(c: &Ctx) -> Value {
    let app = c.w.app;
    json!({"category": "elderly_care", "title": "每周陪聊", "address": format!("明月里{}号", c.n),
        "pattern": "weekly", "weekday": 2, "time": "10:00",
        "starts_on": app.state.clock.today(app.state.local_offset)})
}

/// The record a path's first id names, by the segment before it.
fn kind_of(path: &str) -> Option<Kind> {
    let segments: Vec<&str> = path.trim_start_matches("/api/v1").split('/').collect();
    let at = segments.iter().position(|s| s.starts_with('{'))?;
    Some(match segments[at - 1] {
        "requests" => Kind::Request,
        "members" => Kind::Member,
        "users" => Kind::User,
        "communities" => Kind::Community,
        "appeals" => Kind::Appeal,
        "qualifications" => Kind::Qualification,
        "rewards" => Kind::Reward,
        "redemptions" => Kind::Redemption,
        "records" => Kind::Record,
        "series" => Kind::Series,
        "notifications" => Kind::Notification,
        "certificates" => Kind::Certificate,
        other => panic!("teach the matrix what /{other}/{{…}} names (authz_matrix/specs.rs): {path}"),
    })
}

pub fn spec(row: &Row) -> Spec {
    let path = row.path.trim_start_matches("/api/v1");
    let mut s = Spec {
        subject: kind_of(&row.path).map(|k| (k, Via::Path)),
        stage: Stage::Accepted,
        body: match row.method {
            Method::Get | Method::Delete => Body::None,
            Method::Post | Method::Put => Body::Json(empty),
        },
        query: no_query,
        caller: Fresh::No,
    };
    let by_query = [
        "/supervision",
        "/stats",
        "/members",
        "/points/awards",
        "/audit-log",
        "/honor-board",
        "/rewards",
        "/exports/service-records.xlsx",
        "/exports/employer-report.xlsx",
        "/members/import",
        "/work-orders/import",
        "/work-orders/results.csv",
    ];
    let uploads = ["/members/import", "/work-orders/import"];
    if by_query.contains(&path) && (row.method == Method::Get || uploads.contains(&path)) {
        s.subject = Some((Kind::Community, Via::Query));
        s.query = community_query;
    }
    let body = |f: fn(&Ctx) -> Value| Body::Json(f);
    match (row.method, path) {
        (Method::Post, "/auth/register") => {
            s.body = body(
                |c| json!({"phone": c.w.made_phone(c.w.a), "password": PASSWORD, "name": "赵敏", "community_id": c.w.a}),
            )
        }
        (Method::Post, "/auth/login") => s.body = body(|c| json!({"phone": c.w.ra2.phone, "password": PASSWORD})),
        (Method::Post, "/auth/logout") => (s.body, s.caller) = (Body::None, Fresh::Session),
        (Method::Post, "/auth/password") => {
            s.body = body(|_| json!({"old_password": PASSWORD, "new_password": "another-pass-456"}));
            s.caller = Fresh::Account;
        }
        (Method::Post, "/auth/password/forgot") => s.body = body(|c| json!({"phone": c.w.ra2.phone})),
        (Method::Post, "/auth/password/reset") => {
            s.body = body(|_| json!({"token": "not-a-reset-token", "password": "password-456"}))
        }
        (Method::Post, "/communities") => s.body = body(|c| json!({"name": format!("第{}社区", c.n), "grids": []})),
        (Method::Post, "/users") => {
            s.subject = Some((Kind::Community, Via::Body));
            s.body = body(
                |c| json!({"phone": c.w.made_phone(c.id()), "name": "孙立", "password": PASSWORD, "role": "resident", "community_id": c.id()}),
            );
        }
        (Method::Put, "/users/{id}/role") => s.body = body(|_| json!({"role": "member"})),
        (Method::Put, "/users/{id}/grids") => s.body = body(|_| json!({"grid_ids": []})),
        (Method::Post, "/grid-visits") => s.body = body(|_| json!({"household": "幸福里3号"})),
        (Method::Post, "/me/relatives") => s.body = body(|c| json!({"phone": c.w.ra2.phone, "code": "000000"})),
        (Method::Post, "/me/relatives/unlink") => s.body = body(|c| json!({"user_id": c.w.ra2.id})),
        (Method::Post, "/requests") => {
            s.body =
                body(|c| json!({"category": "elderly_care", "title": TITLE, "address": format!("幸福里{}号", c.n)}))
        }
        (Method::Get, "/requests/similar") => {
            s.query = |_| vec![("category", "elderly_care".into()), ("title", TITLE.into())]
        }
        (Method::Post, "/requests/{id}/follow") => s.body = body(|_| json!({"title": TITLE})),
        (Method::Post, "/requests/{id}/merge") => s.body = body(|c| json!({"into": c.w.main[&c.community()]})),
        (Method::Post, "/requests/{id}/check-in/confirm") => s.body = body(|_| json!({"kind": "in"})),
        (Method::Post, "/requests/{id}/photos") => s.body = Body::Jpeg,
        (Method::Post, "/requests/{id}/dispatch") => {
            s.body = body(|c| json!({"assignee_id": c.w.member_of(c.community()).id}))
        }
        (Method::Post, "/requests/{id}/complete") => s.body = body(|_| json!({"hours": 1, "summary": "已完成"})),
        (Method::Post, "/requests/{id}/review") => s.body = body(|_| json!({"stars": 5})),
        (Method::Post, "/requests/{id}/follow-ups") => {
            s.stage = Stage::Closed;
            s.body = body(|_| json!({"method": "call", "satisfied": true}));
        }
        (Method::Post, "/requests/{id}/credit/void") => (s.stage, s.body) = (Stage::Closed, body(reason)),
        // The other steps: a note is all they take (some need it: a reason).
        (Method::Post, p) if p.starts_with("/requests/{id}/") => s.body = body(note),
        (Method::Post, "/members") => (s.body, s.caller) = (body(|_| json!({"kind": "volunteer"})), Fresh::Account),
        (Method::Post, "/members/import") => s.body = Body::Csv("phone,name,kind\n"),
        (Method::Post, "/work-orders/import") => {
            s.body = Body::Csv("工单编号,受理时间,诉求类别,地址,诉求内容,联系人,联系电话,办理时限\n")
        }
        (Method::Put, "/members/{id}") => s.body = body(|_| json!({"kind": "volunteer", "max_active": 20})),
        (Method::Post, "/dispatch/auto") => {
            s.subject = Some((Kind::Community, Via::Body));
            s.body = body(|c| json!({"community_id": c.id(), "dry_run": true}));
        }
        (Method::Put, "/communities/{id}/matching-weights") => {
            s.body = body(
                |_| json!({"skill": 35, "distance": 20, "availability": 15, "load": 10, "rating": 10, "fairness": 10}),
            )
        }
        (Method::Post, "/points/awards") => {
            s.subject = Some((Kind::Member, Via::Body));
            s.body = body(|c| json!({"member_id": c.id(), "kind": "award", "points": 1, "reason": "矩阵探测"}));
        }
        (Method::Post, "/records/{id}/correct") => s.body = body(|_| json!({"hours": 1, "reason": "矩阵探测"})),
        (Method::Put, "/communities/{id}/rating-rule") => s.body = body(|c| json!({"rule": c.w.rules[&c.community()]})),
        (Method::Post, "/rewards") => {
            s.subject = Some((Kind::Community, Via::Body));
            s.body = body(|c| json!({"community_id": c.id(), "name": "香皂", "points_price": 1, "stock": 10}));
        }
        (Method::Put, "/rewards/{id}") => {
            s.body = body(|_| json!({"name": "大米 5kg", "points_price": 1, "stock": 1000}))
        }
        (Method::Post, "/qualifications") | (Method::Put, "/qualifications/{id}") => s.body = body(qualification),
        (Method::Post, "/qualifications/{id}/reject") => s.body = body(reason),
        (Method::Post, "/appeals") => {
            s.subject = Some((Kind::Request, Via::Body));
            s.stage = Stage::Completed;
            s.body = body(|c| json!({"kind": "completion", "request_id": c.id(), "reason": "没有上门"}));
        }
        (Method::Post, "/appeals/{id}/rule") => s.body = body(|_| json!({"outcome": "overturned", "reason": "已核实"})),
        (Method::Post, "/series") => {
            s.subject = Some((Kind::User, Via::Body));
            s.body = body(|c| {
                let mut b = series(c);
                b["resident_id"] = json!(c.id());
                b
            });
        }
        (Method::Put, "/series/{id}") => s.body = body(series),
        _ => {}
    }
    s
}
