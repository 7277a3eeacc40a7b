//! Honor-board load: a community-month with a million ledger rows, read
//! through the API from Redis and from the SQL fallback. Loopback only.
//!
//! 1. Writes `--members` synthetic members and `--rows` points entries
//!    (awards spread over the current month, one community) straight into
//!    the server's database (`--database-url`, SQLite or PostgreSQL), with
//!    their balances — skipped when that many rows are already there.
//! 2. `POST /honor-board/rebuild` so Redis holds the boards (the server
//!    must run with `REDIS_URL`; without it both figures are SQL).
//! 3. `GET /honor-board?period=month&metric=points&limit=50` `--calls`
//!    times from `--concurrency` workers (Redis), then `--sql-calls` times
//!    with `source=sql`: p50 and p99 of each.
//!
//! ```text
//! DATABASE_URL=postgres://postgres@127.0.0.1/linli_bench REDIS_URL=redis://127.0.0.1:6379 \
//!   cargo run --release -p linli -- serve --demo
//! cargo run --release -p linli-tests --example boardload -- \
//!   --database-url postgres://postgres@127.0.0.1/linli_bench
//! ```

mod support;

use chrono::Datelike;
use clap::Parser;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::Value;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// The database the server uses.
    #[arg(long)]
    database_url: String,
    #[arg(long, default_value_t = 1_000_000)]
    rows: i64,
    #[arg(long, default_value_t = 2_000)]
    members: i64,
    #[arg(long, default_value_t = 2_000)]
    calls: usize,
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    #[arg(long, default_value_t = 40)]
    sql_calls: usize,
}

/// Synthetic members' phones: 1770000xxxx.
const PHONE_PREFIX: &str = "1770000";

async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .expect("one row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

async fn seed(args: &Args, community: i64, admin: i64, month_start: chrono::NaiveDate) {
    let db = Database::connect(&args.database_url).await.expect("database");
    let pg = db.get_database_backend() == DbBackend::Postgres;
    let have = scalar(
        &db,
        &format!("SELECT COUNT(*) FROM points_entries WHERE community_id = {community} AND reason = 'boardload'"),
    )
    .await;
    if have >= args.rows {
        println!("{have} rows already there");
        return;
    }
    let t = Instant::now();
    let n = args.members;
    let series = |count: i64| {
        if pg {
            format!("SELECT g FROM generate_series(1, {count}) AS g")
        } else {
            format!("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {count}) SELECT g FROM s")
        }
    };
    let now = if pg {
        "now()"
    } else {
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
    };
    let pad = if pg {
        "lpad(g::text, 4, '0')"
    } else {
        "substr('0000' || g, -4, 4)"
    };
    db.execute_unprepared(&format!(
        "INSERT INTO users (phone, name, password_hash, role, community_id, lang, created_at, updated_at) \
         SELECT '{PHONE_PREFIX}' || {pad}, '志愿者' || g, 'x', 'member', {community}, 'zh', {now}, {now} \
         FROM ({}) AS t WHERE NOT EXISTS (SELECT 1 FROM users WHERE phone = '{PHONE_PREFIX}' || {pad})",
        series(n)
    ))
    .await
    .expect("members");
    let first = scalar(
        &db,
        &format!("SELECT MIN(id) FROM users WHERE phone LIKE '{PHONE_PREFIX}%'"),
    )
    .await;
    let day = if pg {
        format!("(DATE '{month_start}' + (g % 28))")
    } else {
        format!("date('{month_start}', '+' || (g % 28) || ' days')")
    };
    let todo = args.rows - have;
    // In chunks, so SQLite's transaction and PostgreSQL's WAL stay modest.
    let chunk = 200_000;
    let mut done = 0;
    while done < todo {
        let size = chunk.min(todo - done);
        db.execute_unprepared(&format!(
            "INSERT INTO points_entries (member_id, community_id, kind, points, earned, occurred_on, reason, \
             actor_id, created_at) \
             SELECT {first} + ((g * 7919) % {n}), {community}, 'award', 1 + ((g / 7) % 10), true, {day}, \
             'boardload', {admin}, {now} FROM ({}) AS t",
            series(size)
        ))
        .await
        .expect("entries");
        done += size;
        println!("  {} / {todo} rows", done);
    }
    // Balances follow the entries (the ledger must still reconcile).
    let upsert = "ON CONFLICT (member_id) DO UPDATE SET points = excluded.points";
    db.execute_unprepared(&format!(
        "INSERT INTO member_balances (member_id, points, minutes, updated_at) \
         SELECT member_id, SUM(points), 0, {now} FROM points_entries \
         WHERE member_id >= {first} AND member_id < {first} + {n} GROUP BY member_id {upsert}"
    ))
    .await
    .expect("balances");
    if pg {
        // VACUUM too: the covering index is only index-only once the visibility map is set.
        db.execute_unprepared("VACUUM ANALYZE points_entries")
            .await
            .expect("vacuum");
    } else {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    println!(
        "seeded {todo} rows for {n} members in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let api = support::loopback_api(&args.base);
    let client = reqwest::Client::new();
    let (admin, admin_id) = support::login(&client, &api, "13900000000").await;
    let (_, me) = support::timed(client.get(format!("{api}/me")).bearer_auth(&admin), "GET /me").await;
    let community = me["community"]["id"].as_i64().expect("the admin's community");
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let month_start = today.with_day(1).expect("first of month");
    seed(&args, community, admin_id, month_start).await;

    let t = Instant::now();
    let (_, r) = support::timed(
        client.post(format!("{api}/honor-board/rebuild")).bearer_auth(&admin),
        "rebuild",
    )
    .await;
    println!("rebuild: {r} in {:.1} s", t.elapsed().as_secs_f64());

    let url = format!("{api}/honor-board?period=month&metric=points&limit=50&date={today}");
    let (_, b): (_, Value) = support::timed(client.get(&url).bearer_auth(&admin), "board").await;
    println!(
        "board from {}: {} lines, top {} with {}",
        b["source"],
        b["entries"].as_array().map_or(0, Vec::len),
        b["entries"][0]["name"],
        b["entries"][0]["value"]
    );
    let sql_url = format!("{url}&source=sql");
    let (_, s): (_, Value) = support::timed(client.get(&sql_url).bearer_auth(&admin), "board").await;
    assert_eq!(b["entries"], s["entries"], "Redis and SQL agree");

    println!("| endpoint | n | p50 ms | p99 ms |\n|---|---|---|---|");
    let redis = support::hammer(&client, &url, &admin, args.calls, args.concurrency, "board").await;
    support::report(
        &format!(
            "GET /honor-board month top-50 ({})",
            b["source"].as_str().unwrap_or("?")
        ),
        redis,
    );
    let sql = support::hammer(&client, &sql_url, &admin, args.sql_calls, 1, "board sql").await;
    support::report("GET /honor-board month top-50 (source=sql)", sql);
}
