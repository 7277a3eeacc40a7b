//! Building and running the server. Production and tests go through the same
//! `Application::build`, which binds the listener first (port 0 picks a free
//! port) so the real port can be read back.

use crate::auth::password::Hasher;
use crate::config::Settings;
use crate::extract::path_error;
use crate::i18n::Lang;
use crate::infra::boards::RedisBoards;
use crate::infra::db;
use crate::infra::live::Hub;
use crate::infra::mail::Mailer;
use crate::infra::throttle::Throttle;
use crate::middleware;
use crate::routes;
use crate::services::setup;
use crate::state::AppState;
use actix_web::dev::{Server, Service};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

#[derive(Debug, Clone, Copy, Default)]
pub struct StartOptions {
    /// Also seed the demo community (`linli serve --demo`).
    pub demo: bool,
}

pub struct Application {
    port: u16,
    url: String,
    server: Server,
    /// First-start admin credentials, to be shown once.
    pub bootstrap: Option<setup::Bootstrap>,
    pub demo_seeded: bool,
    state: web::Data<AppState>,
}

/// Connects, migrates and seeds; the state every worker shares.
pub async fn prepare(
    settings: Settings,
    opts: StartOptions,
) -> anyhow::Result<(web::Data<AppState>, Option<setup::Bootstrap>, bool)> {
    let local_offset = settings.local_offset()?;
    let conn = db::connect(&settings).await?;
    db::migrate(&conn).await?;
    let writer = db::connect_writer(&settings, &conn).await?;
    let hasher = Hasher::new(
        settings.argon2_memory_kib,
        settings.argon2_iterations,
        settings.hash_queue,
    )?;
    let (redis_boards, hub, throttle) = if settings.redis_url.is_empty() {
        (None, Hub::local(), Throttle::local(settings.register_per_hour))
    } else {
        let url = settings.redis_url.expose().trim();
        let ms = std::time::Duration::from_millis;
        let conn = crate::infra::redis::connect(
            url,
            ms(settings.redis_timeout_ms.max(1)),
            ms(settings.redis_breaker_open_ms),
        )
        .await?;
        (
            Some(RedisBoards::new(conn.clone(), &settings.redis_prefix)),
            Hub::with_redis(conn.clone(), url, &settings.redis_prefix)?,
            Throttle::with_redis(conn, &settings.redis_prefix, settings.register_per_hour),
        )
    };
    let mailer = Mailer::from_settings(&settings)?;
    let heavy = Arc::new(crate::services::bulkhead::heavy_turns(
        settings.heavy_reads,
        settings.db_max_connections,
    ));
    let state = AppState {
        db: conn,
        writer,
        settings: Arc::new(settings),
        hasher,
        local_offset,
        rosters: Default::default(),
        pools: Default::default(),
        redis_boards,
        font: Default::default(),
        hub,
        heavy,
        sessions: Default::default(),
        accounts: crate::infra::snapshot::KeptMap::new(crate::infra::sessions::TTL, crate::infra::sessions::CAP),
        reference: Default::default(),
        hall: crate::infra::snapshot::KeptMap::new(
            crate::services::requests::HALL_MAX_AGE,
            crate::services::requests::HALL_CAP,
        ),
        throttle,
        mailer,
        clock: Default::default(),
    };
    let state = web::Data::new(state);
    tokio::spawn(crate::services::auth::forget_revoked(state.clone()));
    setup::categories(&state).await?;
    let boot = setup::bootstrap(&state).await?;
    let demo = if opts.demo {
        crate::cli::demo::demo(&state).await?
    } else {
        false
    };
    Ok((state, boot, demo))
}

impl Application {
    pub async fn build(settings: Settings, opts: StartOptions) -> anyhow::Result<Application> {
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .with_context(|| format!("binding {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let url = settings.display_url(port);
        let workers = settings.workers;
        let (state, bootstrap, demo_seeded) = prepare(settings, opts).await?;
        if state.settings.background_jobs {
            tokio::spawn(crate::workers::outbox::run(state.clone()));
            tokio::spawn(crate::workers::sweeper::run(state.clone()));
        }
        let server = run(listener, state.clone(), workers)?;
        Ok(Application {
            port,
            url,
            server,
            bootstrap,
            demo_seeded,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use it to drive the sweeper's clock).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn run(listener: TcpListener, state: web::Data<AppState>, workers: usize) -> anyhow::Result<Server> {
    let frontend = state.settings.frontend_dir.clone();
    let body_idle = std::time::Duration::from_secs(state.settings.body_read_timeout_secs);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap_fn(middleware::refuse_nul_in_path)
            .wrap_fn(move |req, srv| middleware::body_timeout(req, srv, body_idle))
            .wrap_fn(|req, srv| {
                let lang = Lang::from_headers(req.headers());
                let fut = srv.call(req);
                lang.scope(fut)
            })
            .wrap(TracingLogger::default())
            .wrap(middleware::security_headers())
            // Outermost: a token in the URL becomes a header before anything logs it.
            .wrap_fn(|mut req, srv| {
                crate::auth::query_token::lift(&mut req);
                srv.call(req)
            })
            .configure(routes::configure)
            // Last: the web UI takes every other path (SPA fallback).
            .configure(|cfg| routes::home::configure(cfg, &frontend))
            .default_service(web::to(routes::not_found))
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}
