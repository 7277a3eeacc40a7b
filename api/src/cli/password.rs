//! Where `linli create-user` takes the new account's password from.

use std::io::{BufRead, IsTerminal};

/// The environment variable a script can set instead of typing.
pub const ENV_VAR: &str = "LINLI_NEW_PASSWORD";

/// `--password` if given, else `$LINLI_NEW_PASSWORD`, else a hidden prompt
/// asked twice on a terminal, else the first line of standard input
/// (`printf '%s\n' "$PW" | linli create-user …`).
pub fn new_password(flag: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = flag.filter(|p| !p.is_empty()) {
        return Ok(p);
    }
    if let Some(p) = std::env::var(ENV_VAR).ok().filter(|p| !p.is_empty()) {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("新密码 / new password: ")?;
        let again = rpassword::prompt_password("再输入一次 / again: ")?;
        anyhow::ensure!(first == again, "两次输入的密码不一致 / the two passwords differ");
        anyhow::ensure!(!first.is_empty(), "未输入密码 / no password given");
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(
        !line.is_empty(),
        "未提供密码：在终端运行时会提示输入，或设置 {ENV_VAR}，或从标准输入传入 / no password: run it on a terminal to be asked, set {ENV_VAR}, or pipe it on standard input"
    );
    Ok(line)
}
