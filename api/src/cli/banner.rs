//! The block `linli serve` prints before its log lines: where it listens and
//! which database, Redis, mail transport and web UI it uses, with the demo
//! accounts when `--demo` is on. Passwords in URLs are hidden.

use crate::config::Settings;
use crate::infra::db::redact;

/// The demo accounts `--demo` makes (and keeps across restarts).
pub const DEMO_ACCOUNTS: &str = "管理员 admin 13900000000 · 居民 residents 13900000001-3 · 党员 members 13900000011-13 · 网格员 grid worker 13900000031";

/// What `linli serve` is about to run with, in Chinese and English.
pub fn render(settings: &Settings, demo: bool) -> String {
    let database = match settings.sqlite_path() {
        Some(path) => format!("SQLite {path}"),
        None => format!("PostgreSQL {}", redact(&settings.effective_database_url())),
    };
    let redis = if settings.redis_url.is_empty() {
        "未使用（单机，进程内）/ none (one replica, in-process)".to_owned()
    } else {
        redact(settings.redis_url.expose().trim())
    };
    let mail = if settings.smtp_url.is_empty() {
        format!("写入文件 / files in {}", settings.data_dir.join("mail").display())
    } else {
        format!("SMTP {}", redact(settings.smtp_url.expose().trim()))
    };
    let ui = if settings.frontend_dir.join("index.html").is_file() {
        settings.frontend_dir.display().to_string()
    } else {
        format!(
            "未构建 / not built ({}): ./scripts/build-ui.sh",
            settings.frontend_dir.display()
        )
    };
    let mut out = String::new();
    let rule = "─".repeat(60);
    out.push_str(&format!("{rule}\n邻里 Linli {}\n", env!("CARGO_PKG_VERSION")));
    let rows = [
        ("地址    address ", settings.display_url(settings.port)),
        ("数据库  database", database),
        ("缓存    Redis   ", redis),
        ("邮件    mail    ", mail),
        ("界面    web UI  ", ui),
    ];
    for (label, value) in rows {
        out.push_str(&format!("  {label}  {value}\n"));
    }
    if demo {
        out.push_str(&format!(
            "  演示    demo      {DEMO_ACCOUNTS}\n                    密码 password: {}\n",
            crate::cli::demo::DEMO_PASSWORD
        ));
    }
    out.push_str(&rule);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_component_and_hides_passwords() {
        let s = Settings {
            database_url: "postgres://linli:secret@db:5432/linli".into(),
            redis_url: "redis://:hush@cache:6379".into(),
            smtp_url: "smtp://mailer:pw@mail:25".into(),
            frontend_dir: "/nonexistent".into(),
            ..Settings::default()
        };
        let text = render(&s, true);
        for part in [
            "http://127.0.0.1:8080",
            "PostgreSQL postgres://linli:***@db:5432/linli",
            "redis://:***@cache:6379",
            "SMTP smtp://mailer:***@mail:25",
            "未构建 / not built",
            "13900000000",
            crate::cli::demo::DEMO_PASSWORD,
        ] {
            assert!(text.contains(part), "{part} missing from\n{text}");
        }
        for secret in ["secret", "hush", ":pw@"] {
            assert!(!text.contains(secret), "{secret} shown in\n{text}");
        }
        let plain = render(&Settings::default(), false);
        assert!(plain.contains("SQLite ./data/linli.db"), "{plain}");
        assert!(plain.contains("none (one replica, in-process)"), "{plain}");
        assert!(plain.contains("files in ./data/mail"), "{plain}");
        assert!(!plain.contains("13900000000"), "no demo accounts without --demo");
    }
}
