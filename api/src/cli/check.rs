//! `linli check`: prints what `services::check` found, one line per
//! problem in Chinese and English, or the report as JSON.

use crate::i18n::Lang;
use crate::services::check::{self, Report};

/// The report as people read it.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "linli check — 成员 members {} · 需求 requests {} · 光荣榜 boards {}\n",
        report.members,
        report.requests,
        serde_json::to_value(report.boards)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    );
    for p in &report.problems {
        let community = p.community_id.map(|c| format!(" [community {c}]")).unwrap_or_default();
        out.push_str(&format!("✗ {}{community}: {}\n", p.finding.code.as_str(), p.message));
        out.push_str(&format!("    {}\n", check::message(&p.finding).render(Lang::En)));
    }
    if report.problem_count > report.problems.len() {
        out.push_str(&format!(
            "… 另有 {} 处未列出 / {} more not listed\n",
            report.problem_count - report.problems.len(),
            report.problem_count - report.problems.len()
        ));
    }
    if report.ok {
        out.push_str("✓ 全部一致 / every invariant holds\n");
    } else {
        out.push_str(&format!(
            "共 {} 处问题 / {} problems\n",
            report.problem_count, report.problem_count
        ));
    }
    out
}
