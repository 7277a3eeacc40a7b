#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark may panic on set-up failure
//! Criterion benchmarks of the core loop below HTTP:
//! - `state_machine/full_loop`: the pure `apply` over the six steps;
//! - `service/full_loop_sqlite`: post a request and drive it to `closed`
//!   through the real services on a temp SQLite file (7 transactions);
//! - `service/list_50`: `GET /requests`'s service for an admin, 50 per page.
//!
//! Run: `cargo bench -p linli --bench request_loop`.

use criterion::{Criterion, criterion_group, criterion_main};
use linli::auth::CurrentUser;
use linli::config::Settings;
use linli::domain::request::{Action, Actor, Person, State, Urgency, apply};
use linli::domain::values::{ServiceMinutes, Stars};
use linli::domain::{CommunityId, Role, UserId};
use linli::services::auth::{NewAccount, acting_as};
use linli::services::requests::{self, NewRequest, RequestFilter};
use linli::services::users::create_from_cli;
use linli::startup::{StartOptions, prepare};
use std::hint::black_box;

const ADMIN: UserId = UserId(10);
const RESIDENT: UserId = UserId(1);

fn full_loop_actions(member: UserId) -> Vec<(Action, UserId)> {
    vec![
        (Action::Dispatch { assignee: member }, ADMIN),
        (Action::Accept, member),
        (Action::Start, member),
        (
            Action::Complete {
                minutes: ServiceMinutes::from_minutes(90).unwrap(),
                summary: "ok".into(),
            },
            member,
        ),
        (
            Action::Review {
                stars: Stars::new(5).unwrap(),
                comment: None,
            },
            RESIDENT,
        ),
        (Action::Verify, ADMIN),
    ]
}

fn state_machine(c: &mut Criterion) {
    let steps = full_loop_actions(UserId(20));
    c.bench_function("state_machine/full_loop", |b| {
        b.iter(|| {
            let mut s = State::new(RESIDENT, RESIDENT);
            for (a, who) in &steps {
                let actor = Actor::Person(Person {
                    id: *who,
                    admin_here: *who == ADMIN,
                    member_here: *who == UserId(20),
                });
                s = apply(&s, a, &actor).unwrap();
            }
            black_box(s)
        })
    });
}

struct World {
    state: actix_web::web::Data<linli::state::AppState>,
    admin: CurrentUser,
    resident: CurrentUser,
    member: CurrentUser,
}

async fn world(path: &std::path::Path) -> World {
    let settings = Settings {
        database_url: format!("sqlite://{}?mode=rwc", path.display()).into(),
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        admin_password: "bench-admin-1".into(),
        ..Settings::default()
    };
    let (state, _, _) = prepare(settings, StartOptions::default()).await.unwrap();
    let mk = |phone: &str, role| NewAccount {
        phone: linli::domain::Phone::parse(phone).unwrap(),
        name: "测试".into(),
        password: "password-123".into(),
        role,
        community_id: CommunityId(1),
        grid_id: None,
    };
    let r = create_from_cli(&state, mk("13100000001", Role::Resident))
        .await
        .unwrap();
    let m = create_from_cli(&state, mk("13100000002", Role::Member)).await.unwrap();
    let resident = acting_as(&state.db, r.id).await.unwrap();
    let member = acting_as(&state.db, m.id).await.unwrap();
    let admin = acting_as(&state.db, UserId(1)).await.unwrap();
    World {
        state,
        admin,
        resident,
        member,
    }
}

async fn one_loop(w: &World) {
    let new = NewRequest {
        category: "health".into(),
        title: "测血压".into(),
        description: String::new(),
        address: "1号楼".into(),
        contact_phone: None,
        location: None,
        preferred_time: None,
        urgency: Urgency::Normal,
        grid_id: None,
        resident_id: None,
        resident_phone: None,
        resident_name: None,
        source: None,
    };
    let id = requests::create(&w.state, &w.resident, new).await.unwrap().id;
    for (a, who) in full_loop_actions(w.member.id) {
        let actor = match who {
            ADMIN => &w.admin,
            RESIDENT => &w.resident,
            _ => &w.member,
        };
        requests::act(&w.state, actor, id, a, None).await.unwrap();
    }
}

fn services(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("linli-bench-{}.db", std::process::id()));
    let w = rt.block_on(world(&dir));
    c.bench_function("service/full_loop_sqlite", |b| b.to_async(&rt).iter(|| one_loop(&w)));
    c.bench_function("service/list_50", |b| {
        b.to_async(&rt).iter(|| async {
            let f = RequestFilter {
                limit: 50,
                ..RequestFilter::default()
            };
            black_box(requests::list(&w.state, &w.admin, f).await.unwrap())
        })
    });
    drop(w);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", dir.display()));
    }
}

criterion_group!(benches, state_machine, services);
criterion_main!(benches);
