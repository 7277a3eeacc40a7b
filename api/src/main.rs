//! `linli serve` runs the service; `linli migrate` applies migrations;
//! `linli create-user` makes an account from the command line (e.g. a street admin);
//! `linli check` verifies the ledgers' invariants; `linli backup PATH` copies
//! the SQLite database while the server runs; `linli doctor` checks the
//! set-up and says what to fix.

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli::config::Settings;
use linli::domain::{CommunityId, GridId, Phone, Role};
use linli::services::auth::NewAccount;
use linli::startup::{Application, StartOptions, prepare};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "邻里 Linli — community service requests: residents order, the community dispatches, members accept"
)]
struct Cli {
    /// TOML settings file (default: ./linli.toml if present, or $LINLI_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve {
        /// Also seed a demo community with residents, members and requests in every state.
        #[arg(long)]
        demo: bool,
        /// Override the port.
        #[arg(long)]
        port: Option<u16>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Create an account, e.g. a street admin:
    /// `linli create-user --phone 13700000000 --name 王芳 --role street_admin --community 1`
    /// asks for the password (hidden) on a terminal; a script sets
    /// $LINLI_NEW_PASSWORD or pipes it on standard input.
    CreateUser {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["resident", "member", "admin", "street_admin"])]
        role: String,
        #[arg(long)]
        community: i64,
        #[arg(long)]
        grid: Option<i64>,
        /// The password (visible to other users of this machine in the
        /// process list: prefer the prompt, $LINLI_NEW_PASSWORD or a pipe).
        #[arg(long)]
        password: Option<String>,
    },
    /// Verify every invariant (balance = Σ entries, hours = Σ records, one
    /// credit per request round, no negative balance, Redis boards = SQL);
    /// print what is wrong and exit 1 if anything is.
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy the SQLite database to PATH (a new file) while the server runs
    /// (`VACUUM INTO`); on PostgreSQL, says how to use pg_dump.
    Backup { path: PathBuf },
    /// Check the configuration, database and migrations, Redis, SMTP, the
    /// CJK font, the built web UI, the clock and the port; say what to fix
    /// and exit 1 if anything must be. Changes nothing.
    Doctor {
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    linli::telemetry::init();
    let cli = Cli::parse();
    let loaded = Settings::load(cli.config);
    if let Some(Command::Doctor { json }) = cli.command {
        let findings = linli::cli::doctor::run(loaded.map_err(|e| e.to_string())).await;
        if json {
            println!("{}", serde_json::to_string_pretty(&findings)?);
        } else {
            print!("{}", linli::cli::doctor::render(&findings));
        }
        std::process::exit(i32::from(linli::cli::doctor::has_problem(&findings)));
    }
    let mut settings = loaded.map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    match cli.command.unwrap_or(Command::Serve {
        demo: false,
        port: None,
    }) {
        Command::Serve { demo, port } => {
            if let Some(p) = port {
                settings.port = p;
            }
            // What it runs with, before any log line.
            print!("{}", linli::cli::banner::render(&settings, demo));
            let app = Application::build(settings, StartOptions { demo }).await?;
            if let Some(b) = &app.bootstrap {
                println!(
                    "首位管理员已创建 / first admin created — 手机号 phone: {}  密码 password: {}",
                    b.phone, b.password
                );
                println!("（只显示这一次，请登录后修改密码 / shown once: log in and change it）");
            }
            if app.demo_seeded {
                println!("演示数据已创建 / demo data seeded — 阳光社区");
            }
            println!("邻里 Linli 已启动 / listening on {}", app.url());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = linli::infra::db::connect(&settings).await?;
            linli::infra::db::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::CreateUser {
            phone,
            name,
            role,
            community,
            grid,
            password,
        } => {
            let role: Role = role.parse().map_err(|_| anyhow::anyhow!("unknown role"))?;
            let phone = Phone::parse(&phone).context("不是有效的大陆手机号 / not a mainland mobile number")?;
            let password = linli::cli::password::new_password(password)?;
            let (state, _, _) = prepare(settings, StartOptions::default()).await?;
            let acc = NewAccount {
                phone,
                name,
                password,
                role,
                community_id: CommunityId(community),
                grid_id: grid.map(GridId),
            };
            let u = linli::services::users::create_from_cli(&state, acc)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created user {} ({})", u.id, u.role.as_str());
        }
        Command::Check { json } => {
            let (state, _, _) = prepare(settings, StartOptions::default()).await?;
            let report = linli::services::check::run(&state, linli::i18n::Lang::Zh)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", linli::cli::check::render(&report));
            }
            if !report.ok {
                std::process::exit(1);
            }
        }
        // Answered above, before the settings had to be valid.
        Command::Doctor { .. } => {}
        Command::Backup { path } => {
            let bytes = linli::cli::backup::backup(&settings, &path).await?;
            println!("已备份 / backed up to {} ({bytes} bytes)", path.display());
        }
    }
    Ok(())
}
