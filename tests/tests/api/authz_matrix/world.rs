//! The matrix's world: two communities of one street, the callers (a
//! resident, a member, the admin of community A and the street admin, all
//! of A), other people in A and in B, and their records — made on demand,
//! once each (`shared`), or afresh for a call that is allowed to change
//! them (`fresh`).

use super::leaks::Registry;
use crate::helpers::{PASSWORD, TestApp, User};
use linli::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, OnceCell};

/// What a path's id (or a query's or body's) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Request,
    Member,
    User,
    Community,
    Appeal,
    Qualification,
    Reward,
    Redemption,
    Record,
    Series,
    Notification,
    Certificate,
}

/// Whose record, seen from the caller: their own, someone else's in their
/// community (A), or someone's in the other community (B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    Mine,
    Ours,
    Theirs,
}

/// How far a request has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Accepted,
    Completed,
    Closed,
}

/// One record: what goes into the path, and the facts the rule reads.
#[derive(Debug, Clone)]
pub struct Inst {
    pub id: String,
    pub photo: Option<i64>,
    pub community: i64,
    pub owner: Option<i64>,
    pub holder: Option<i64>,
}

/// Someone calling (`user: None`: no token).
#[derive(Debug, Clone)]
pub struct Caller {
    pub role: Option<Role>,
    pub user: Option<User>,
    pub community: i64,
}

impl Caller {
    pub fn id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    pub fn name(&self) -> &'static str {
        match self.role {
            None => "anonymous",
            Some(r) => r.as_str(),
        }
    }
}

type Key = (Kind, Shape, Stage, Option<i64>);

pub struct World<'a> {
    pub app: &'a TestApp,
    pub a: i64,
    pub b: i64,
    pub callers: Vec<Caller>,
    pub resident: User,
    pub member: User,
    pub admin: User,
    pub street: User,
    pub ra2: User,
    pub ma2: User,
    pub rb: User,
    pub mb: User,
    pub ab: User,
    /// A request of each community to merge into.
    pub main: HashMap<i64, i64>,
    pub rules: HashMap<i64, Value>,
    pub registry: std::sync::Mutex<Registry>,
    pub(super) shared: Mutex<HashMap<Key, Arc<OnceCell<Inst>>>>,
    n: AtomicU64,
}

pub const TITLE: &str = "帮老人买菜";

pub(super) fn ok(what: &str, (s, b): (StatusCode, Value)) -> Value {
    assert!(s.is_success(), "{what}: {s} {b}");
    b
}

impl<'a> World<'a> {
    /// A new phone number for an account a probe makes in `community`,
    /// known to the leak check from the start: the account may be made
    /// (and turned into a member by another probe) while other answers are
    /// read, and only that community's admins may see its number.
    pub fn made_phone(&self, community: i64) -> String {
        let phone = self.app.fresh_phone();
        // No caller is this account (ids start at 1).
        self.registry.lock().expect("registry").phone(&phone, 0, community);
        phone
    }

    pub async fn build(app: &'a TestApp) -> World<'a> {
        let a = 1;
        let street = app.street_admin().await;
        let c = ok(
            "community B",
            app.post(
                &street.token,
                "/communities",
                json!({"name": "明月社区", "grids": ["一网格"]}),
            )
            .await,
        );
        let b = c["community"]["id"].as_i64().expect("id");
        let admin = app.admin.clone();
        let ab = app.user_by(&street, "admin", b).await;
        let member = app.user_by(&admin, "member", a).await;
        let ma2 = app.user_by(&admin, "member", a).await;
        let mb = app.user_by(&ab, "member", b).await;
        let w = World {
            app,
            a,
            b,
            callers: Vec::new(),
            resident: app.resident_in(a).await,
            ra2: app.resident_in(a).await,
            rb: app.resident_in(b).await,
            member,
            ma2,
            mb,
            admin,
            ab,
            street,
            main: HashMap::new(),
            rules: HashMap::new(),
            registry: std::sync::Mutex::new(Registry::default()),
            shared: Mutex::new(HashMap::new()),
            n: AtomicU64::new(1),
        };
        w.finish().await
    }

    async fn finish(mut self) -> World<'a> {
        let (a, b) = (self.a, self.b);
        for (u, c) in [
            (&self.resident, a),
            (&self.member, a),
            (&self.admin, a),
            (&self.street, a),
            (&self.ra2, a),
            (&self.ma2, a),
            (&self.rb, b),
            (&self.mb, b),
            (&self.ab, b),
        ] {
            self.phone(u, c);
        }
        for (m, admin) in [
            (&self.member, &self.admin),
            (&self.ma2, &self.admin),
            (&self.mb, &self.ab),
        ] {
            let path = format!("/members/{}", m.id);
            ok(
                "places",
                self.app
                    .put(&admin.token, &path, json!({"kind": "volunteer", "max_active": 20}))
                    .await,
            );
            let award = json!({"member_id": m.id, "kind": "award", "points": 1000, "reason": "社区义诊"});
            ok("award", self.app.post(&admin.token, "/points/awards", award).await);
        }
        for c in [a, b] {
            let rule = ok(
                "rule",
                self.app
                    .get(&self.admin_of(c).token, &format!("/communities/{c}/rating-rule"))
                    .await,
            );
            self.rules.insert(c, rule["rule"].clone());
        }
        // Something to merge into, in each community; the street admin's
        // own request (and so a notice of theirs: the accept).
        let (street, ma2, rb) = (self.street.clone(), self.ma2.clone(), self.rb.clone());
        let (main_a, address) = self.post_request(&street).await;
        self.secret("address", &address, &[street.id, ma2.id], a);
        self.act(&self.admin, main_a, "dispatch", json!({"assignee_id": ma2.id}))
            .await;
        self.act(&ma2, main_a, "accept", json!({})).await;
        self.main.insert(a, main_a);
        let (main_b, address) = self.post_request(&rb).await;
        self.secret("address", &address, &[rb.id], b);
        self.main.insert(b, main_b);
        self.callers = vec![
            Caller {
                role: None,
                user: None,
                community: a,
            },
            self.caller(Role::Resident, self.resident.clone()),
            self.caller(Role::Member, self.member.clone()),
            self.caller(Role::Admin, self.admin.clone()),
            self.caller(Role::StreetAdmin, self.street.clone()),
        ];
        self
    }

    fn caller(&self, role: Role, user: User) -> Caller {
        Caller {
            role: Some(role),
            user: Some(user),
            community: self.a,
        }
    }

    pub fn next(&self) -> u64 {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    pub fn phone(&self, u: &User, community: i64) {
        self.registry.lock().expect("registry").phone(&u.phone, u.id, community);
    }

    pub fn admin_of(&self, community: i64) -> &User {
        if community == self.a { &self.admin } else { &self.ab }
    }

    /// Any member of `community` (a dispatch's assignee).
    pub fn member_of(&self, community: i64) -> &User {
        if community == self.a { &self.ma2 } else { &self.mb }
    }

    async fn act(&self, who: &User, id: i64, action: &str, body: Value) {
        self.app.ok(who, id, action, body).await;
    }

    /// A request of `resident`'s at an address of its own: (id, address).
    pub(super) async fn post_request(&self, resident: &User) -> (i64, String) {
        let address = format!("和平里{}号楼{}室", self.next(), self.next());
        let body = json!({"category": "elderly_care", "title": TITLE, "description": "腿脚不便", "address": address});
        let r = ok("post request", self.app.post(&resident.token, "/requests", body).await);
        (r["id"].as_i64().expect("id"), address)
    }

    pub(super) fn secret(&self, what: &'static str, text: &str, people: &[i64], community: i64) {
        self.registry
            .lock()
            .expect("registry")
            .secret(what, text, people, community);
    }

    /// A member made for one record, in `community`.
    pub(super) async fn new_member(&self, community: i64) -> User {
        let m = self.app.user_by(self.admin_of(community), "member", community).await;
        self.phone(&m, community);
        m
    }

    /// The people of each shape: (resident, member, community).
    pub(super) fn people(&self, shape: Shape) -> (&User, &User, i64) {
        match shape {
            Shape::Mine => (&self.resident, &self.member, self.a),
            Shape::Ours => (&self.ra2, &self.ma2, self.a),
            Shape::Theirs => (&self.rb, &self.mb, self.b),
        }
    }

    /// A request taken to `stage` by its people; a shared one of another
    /// resident's gets a fresh holder when it is made to be changed.
    pub async fn request(&self, shape: Shape, stage: Stage, fresh: bool) -> Inst {
        let (resident, member, community) = self.people(shape);
        let holder = if fresh && shape != Shape::Mine {
            self.new_member(community).await
        } else {
            member.clone()
        };
        let (id, address) = self.post_request(resident).await;
        let admin = self.admin_of(community);
        self.act(admin, id, "dispatch", json!({"assignee_id": holder.id})).await;
        self.act(&holder, id, "accept", json!({})).await;
        if stage >= Stage::Completed {
            self.act(&holder, id, "start", json!({})).await;
            let report = json!({"hours": 1.5, "summary": "陪同就医并代取药品"});
            self.act(&holder, id, "complete", report).await;
        }
        if stage >= Stage::Closed {
            self.act(resident, id, "review", json!({"stars": 5})).await;
            self.act(admin, id, "verify", json!({})).await;
        }
        self.secret("address", &address, &[resident.id, holder.id], community);
        let photo = if fresh || stage != Stage::Accepted {
            None
        } else {
            Some(self.photo(resident, id).await)
        };
        Inst {
            id: id.to_string(),
            photo,
            community,
            owner: Some(resident.id),
            holder: Some(holder.id),
        }
    }

    async fn photo(&self, resident: &User, id: i64) -> i64 {
        let resp = self
            .app
            .client
            .post(self.app.url(&format!("/requests/{id}/photos")))
            .bearer_auth(&resident.token)
            .header("content-type", "image/jpeg")
            .body(linli::domain::photo::sample_jpeg_with_exif())
            .send()
            .await
            .expect("sent");
        assert_eq!(resp.status(), StatusCode::CREATED);
        let b: Value = resp.json().await.expect("json");
        b["id"].as_i64().expect("photo id")
    }

    /// A fresh account of `role` in A, signed in (for calls that change
    /// the caller: a new password, 报到).
    pub async fn fresh_caller(&self, role: Role) -> Caller {
        let user = match role {
            Role::Resident => self.app.resident_in(self.a).await,
            Role::StreetAdmin => self.app.street_admin().await,
            _ => self.app.user_by(&self.admin, role.as_str(), self.a).await,
        };
        self.phone(&user, self.a);
        self.caller(role, user)
    }

    /// Another session of the same account (for a logout).
    pub async fn fresh_session(&self, c: &Caller) -> Caller {
        let u = c.user.as_ref().expect("signed in");
        let password = if u.id == self.admin.id {
            crate::helpers::ADMIN_PASSWORD
        } else {
            PASSWORD
        };
        Caller {
            user: Some(self.app.login(&u.phone, password).await),
            ..c.clone()
        }
    }
}
