//! `linli serve` runs the service; `linli migrate` applies migrations;
//! `linli create-user` makes an account from the command line (e.g. a street admin);
//! `linli check` verifies the ledgers' invariants; `linli backup PATH` copies
//! the SQLite database while the server runs.

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
    /// Create an account, e.g. a street admin: `linli create-user --phone 13700000000 --name 王 --role street_admin --community 1`.
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
        /// Password; prompted for via $LINLI_NEW_PASSWORD if omitted.
        #[arg(long, env = "LINLI_NEW_PASSWORD")]
        password: String,
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
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    linli::telemetry::init();
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config).map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
    match cli.command.unwrap_or(Command::Serve {
        demo: false,
        port: None,
    }) {
        Command::Serve { demo, port } => {
            if let Some(p) = port {
                settings.port = p;
            }
            let app = Application::build(settings, StartOptions { demo }).await?;
            if let Some(b) = &app.bootstrap {
                println!(
                    "首位管理员已创建 / first admin created — 手机号 phone: {}  密码 password: {}",
                    b.phone, b.password
                );
                println!("（只显示这一次，请登录后修改密码 / shown once: log in and change it）");
            }
            if app.demo_seeded {
                println!(
                    "演示数据已创建 / demo data seeded — 阳光社区, password for every demo account: {}",
                    linli::cli::demo::DEMO_PASSWORD
                );
                println!("  admin 13900000000 · residents 13900000001-3 · members 13900000011-13");
            }
            println!("邻里 Linli 已启动 / listening on {}", app.url());
            println!("  邮件 / mail → {}", app.state().mailer.describe());
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
            let (state, _, _) = prepare(settings, StartOptions::default()).await?;
            let role: Role = role.parse().map_err(|_| anyhow::anyhow!("unknown role"))?;
            let acc = NewAccount {
                phone: Phone::parse(&phone).context("not a mainland mobile number")?,
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
        Command::Backup { path } => {
            let bytes = linli::cli::backup::backup(&settings, &path).await?;
            println!("已备份 / backed up to {} ({bytes} bytes)", path.display());
        }
    }
    Ok(())
}
