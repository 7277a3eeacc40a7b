//! No input reaches a 500: random bodies built from every field name the API
//! knows and hostile values, thrown at every write endpoint and list query,
//! as an admin, a member and a resident. Deterministic (seeded), so a failure replays.

use crate::both_backends;
use crate::helpers::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

const FIELDS: [&str; 40] = [
    "phone",
    "password",
    "name",
    "community_id",
    "grid_id",
    "category",
    "title",
    "description",
    "address",
    "contact_phone",
    "preferred_time",
    "urgency",
    "resident_id",
    "assignee_id",
    "note",
    "hours",
    "summary",
    "stars",
    "comment",
    "role",
    "old_password",
    "new_password",
    "district",
    "grids",
    "limit",
    "status",
    "kind",
    "skill",
    "skills",
    "employer",
    "availability",
    "max_active",
    "lat",
    "lng",
    "member_id",
    "dry_run",
    "number",
    "issuer",
    "expires_on",
    "expiring_within_days",
];

fn values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(-1),
        json!(0),
        json!(1),
        json!(2),
        json!(9_007_199_254_740_993_i64),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(""),
        json!(" \t"),
        json!("13812345678"),
        json!("x".repeat(3000)),
        json!("😀🏠"),
        json!("2026-01-01T00:00:00Z"),
        json!("9999-12-31T23:59:59Z"),
        json!("0000-01-01T00:00:00Z"),
        json!([]),
        json!({}),
        json!(["a", 1]),
        json!("elderly_care"),
        json!("member"),
        json!("street_admin"),
        json!("open"),
        json!("'; DROP TABLE users; --"),
        json!("a\u{0}b"),
        json!("\u{202e}rtl"),
    ]
}

/// xorshift64*: enough randomness for picking, and reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A valid body with one or two fields replaced (or added) with hostile
/// values, so that bad values get past the other checks and reach the depths.
fn mutate(rng: &mut Rng, base: &Value, vals: &[Value]) -> Value {
    let mut m = base.as_object().cloned().unwrap_or_default();
    for _ in 0..rng.below(2) + 1 {
        let keys: Vec<String> = m.keys().cloned().collect();
        let key = if keys.is_empty() || rng.below(5) == 0 {
            FIELDS[rng.below(FIELDS.len())].to_owned()
        } else {
            keys[rng.below(keys.len())].clone()
        };
        m.insert(key, vals[rng.below(vals.len())].clone());
    }
    Value::Object(m)
}

/// A query-string value: strings as their own bytes, others as JSON text.
fn query_value(v: &Value) -> String {
    let raw = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    raw.bytes().map(|c| format!("%{c:02X}")).collect()
}

async fn no_input_reaches_a_500(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    let resident = app.resident().await;
    let mut member = app.member_with_places(20).await;
    // Password changes revoke tokens: give that endpoint an account of its own.
    let changer = app.resident().await;
    let applicant = app.resident().await;
    let reviewed = app.registered_member(json!({"kind": "volunteer"})).await;
    let vals = values();
    // LINLI_FUZZ_SEED / LINLI_FUZZ_ROUNDS widen the search; CI uses the defaults.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let mut rng = Rng(env("LINLI_FUZZ_SEED").unwrap_or(0x5EED_1234_ABCD_0001) | 1);
    let rounds = env("LINLI_FUZZ_ROUNDS").unwrap_or(16);
    let note = json!({"note": "好"});
    let mut targets: Vec<(String, Value)> = vec![
        (
            "/auth/register".into(),
            json!({"phone": "13712340000", "password": "quiet-garden-42", "name": "李", "community_id": 1}),
        ),
        (
            "/auth/login".into(),
            json!({"phone": resident.phone, "password": "quiet-garden-42"}),
        ),
        (
            "/users".into(),
            json!({"phone": "13712340001", "password": "quiet-garden-42", "name": "李", "role": "member", "community_id": 1}),
        ),
        (
            "/communities".into(),
            json!({"name": "新社区", "district": "区", "grids": ["一"]}),
        ),
        (
            "/requests".into(),
            json!({"category": "health", "title": "测血压", "description": "每周", "address": "1号楼"}),
        ),
    ];
    for round in 0..rounds {
        if round > 0 && round % 16 == 0 {
            // Each odd round leaves the member holding a request: a new one
            // before their 20 places run out.
            member = app.member_with_places(20).await;
        }
        // A fresh request for the action endpoints, at a state where each can pass.
        let id = app.post_request(&resident).await["id"].as_i64().expect("id");
        if round % 2 == 1 {
            app.ok(&app.admin, id, "dispatch", json!({"assignee_id": member.id}))
                .await;
            app.ok(&member, id, "accept", json!({})).await;
            app.ok(&member, id, "start", json!({})).await;
        }
        targets.truncate(5);
        for (action, base) in [
            ("dispatch", json!({"assignee_id": member.id, "note": "就近"})),
            ("complete", json!({"hours": 1.5, "summary": "完成"})),
            ("review", json!({"stars": 5, "comment": "好"})),
            ("publish", note.clone()),
            ("claim", note.clone()),
            ("decline", note.clone()),
            ("cancel", note.clone()),
            ("verify", note.clone()),
        ] {
            targets.push((format!("/requests/{id}/{action}"), base));
        }
        for (path, base) in &targets {
            let who = match rng.below(3) {
                0 => &app.admin,
                1 => &member,
                _ => &resident,
            };
            let b = mutate(&mut rng, base, &vals);
            let (s, e) = app.post(&who.token, path, b.clone()).await;
            assert!(s.as_u16() < 500, "POST {path} {b} → {s} {e}");
            assert!(e["code"].is_string() || s.is_success(), "POST {path} {b} → {s} {e}");
        }
        let b = mutate(&mut rng, &json!({"role": "member"}), &vals);
        let (s, e) = app
            .put(&app.admin.token, &format!("/users/{}/role", resident.id), b.clone())
            .await;
        assert!(s.as_u16() < 500, "PUT role {b} → {s} {e}");
        let b = mutate(
            &mut rng,
            &json!({"old_password": "quiet-garden-42", "new_password": "quiet-garden-42"}),
            &vals,
        );
        let (s, e) = app.post(&changer.token, "/auth/password", b.clone()).await;
        assert!(s.as_u16() < 500, "POST password {b} → {s} {e}");
        // 报到 and matching: register, edit, review someone who is not
        // `member` (whose places the loop above needs), weights, auto-dispatch.
        let profile = json!({"kind": "party_member", "employer": "单位", "skills": ["health"],
            "availability": [{"weekday": 6, "start": "09:00", "end": "12:00"}], "max_active": 2,
            "lat": 30.1, "lng": 120.1, "preferred_posts": ["楼栋长"]});
        let b = mutate(&mut rng, &profile, &vals);
        let (s, e) = app.post(&applicant.token, "/members", b.clone()).await;
        assert!(s.as_u16() < 500, "POST /members {b} → {s} {e}");
        let b = mutate(&mut rng, &profile, &vals);
        let (s, e) = app
            .put(&app.admin.token, &format!("/members/{}", reviewed.id), b.clone())
            .await;
        assert!(s.as_u16() < 500, "PUT /members {b} → {s} {e}");
        for review in ["approve", "suspend", "reinstate"] {
            let b = mutate(&mut rng, &note, &vals);
            let (s, e) = app
                .post(
                    &app.admin.token,
                    &format!("/members/{}/{review}", reviewed.id),
                    b.clone(),
                )
                .await;
            assert!(s.as_u16() < 500, "POST {review} {b} → {s} {e}");
        }
        let weights =
            json!({"skill": 35, "distance": 20, "availability": 15, "load": 10, "rating": 10, "fairness": 10});
        let b = mutate(&mut rng, &weights, &vals);
        let (s, e) = app
            .put(&app.admin.token, "/communities/1/matching-weights", b.clone())
            .await;
        assert!(s.as_u16() < 500, "PUT weights {b} → {s} {e}");
        let mut b = mutate(&mut rng, &json!({"community_id": 1, "dry_run": true}), &vals);
        if let Some(o) = b.as_object_mut() {
            // Applying would hand `member` every pending request; dry runs only.
            o.insert("dry_run".into(), json!(true));
        }
        let (s, e) = app.post(&app.admin.token, "/dispatch/auto", b.clone()).await;
        assert!(s.as_u16() < 500, "POST /dispatch/auto {b} → {s} {e}");
        // 资质: record, change, review.
        let licence = json!({"kind": "lawyer_licence", "number": "A1", "issuer": "司法局", "expires_on": "2099-12-31"});
        let b = mutate(&mut rng, &licence, &vals);
        let (s, e) = app.post(&reviewed.token, "/qualifications", b.clone()).await;
        assert!(s.as_u16() < 500, "POST /qualifications {b} → {s} {e}");
        let (s, q) = app.post(&reviewed.token, "/qualifications", licence.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{q}");
        let qid = q["id"].as_i64().expect("id");
        let b = mutate(&mut rng, &licence, &vals);
        let (s, e) = app
            .put(&reviewed.token, &format!("/qualifications/{qid}"), b.clone())
            .await;
        assert!(s.as_u16() < 500, "PUT /qualifications {b} → {s} {e}");
        let b = mutate(&mut rng, &json!({"reason": "证件模糊"}), &vals);
        let (s, e) = app
            .post(&app.admin.token, &format!("/qualifications/{qid}/reject"), b.clone())
            .await;
        assert!(s.as_u16() < 500, "POST reject {b} → {s} {e}");
        let csv: String = (0..rng.below(4) + 1)
            .map(|_| {
                let cells: Vec<String> = (0..rng.below(12) + 1)
                    .map(|_| match &vals[rng.below(vals.len())] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                cells.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n");
        for text in [format!("phone,name,kind\n{csv}"), csv] {
            let (s, e) = app.post_csv(&app.admin.token, "/members/import", &text).await;
            assert!(s.as_u16() < 500, "POST import {text:?} → {s} {e}");
        }
        let id = app.post_request(&resident).await["id"].as_i64().expect("id");
        let candidates = format!("/requests/{id}/candidates");
        for list in [
            "/requests",
            "/users",
            "/members",
            "/qualifications",
            candidates.as_str(),
        ] {
            let q: Vec<String> = (0..rng.below(3) + 1)
                .map(|_| {
                    format!(
                        "{}={}",
                        FIELDS[rng.below(FIELDS.len())],
                        query_value(&vals[rng.below(vals.len())])
                    )
                })
                .collect();
            let path = format!("{list}?{}", q.join("&"));
            let (s, e) = app.get(&app.admin.token, &path).await;
            assert!(s.as_u16() < 500, "GET {path} → {s} {e}");
        }
    }
}
both_backends!(no_input_reaches_a_500);
