//! 来源 — where a request came in, and the 12345 hotline's work orders
//! (工单) as a file gives them, checked before anything is written.

use crate::domain::Phone;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

code_enum! {
    /// Where a request came in.
    #[derive(Default)]
    pub enum Source {
        /// 居民自行提交 — the resident, on the app or the web.
        #[default]
        App,
        /// 代下单 — an admin (or grid worker) entered it for the resident.
        Proxy,
        /// 电话 — the community took a phone call.
        Phone,
        /// 上门 — the resident came to the community office.
        WalkIn,
        /// 12345 — a work order of the city's hotline (its number in `external_ref`).
        Hotline,
        /// Open311 — a GeoReport v2 client.
        Open311,
    }
}

impl Source {
    /// The catalogue key of its label (`source.hotline` → 12345热线).
    pub fn label_key(self) -> String {
        format!("source.{}", self.as_str())
    }
}

/// One work order of a 12345 export, as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrder {
    /// 工单编号: the order's number at the hotline; one request per number.
    pub number: String,
    /// 受理时间: when the hotline took it.
    pub received_at: DateTime<Utc>,
    /// 诉求类别: a service-menu code or a category's Chinese name.
    pub category: String,
    pub address: String,
    /// 诉求内容.
    pub content: String,
    pub contact_name: String,
    pub contact_phone: Phone,
    /// 办理时限: the order's own deadline.
    pub deadline: DateTime<Utc>,
}

/// The columns of a work-order file, by their English name, with the
/// Chinese headings the hotline's exports use.
pub const COLUMNS: [(&str, &[&str]); 8] = [
    ("order_no", &["工单编号", "工单号"]),
    ("received_at", &["受理时间", "来电时间"]),
    ("category", &["诉求类别", "类别"]),
    ("address", &["地址", "事发地址"]),
    ("content", &["诉求内容", "内容"]),
    ("contact_name", &["联系人", "来电人"]),
    ("contact_phone", &["联系电话", "来电号码"]),
    ("deadline", &["办理时限", "办结时限"]),
];

/// Which column each heading names (English or Chinese, any order); the
/// column's English name for each heading position (`None`: not ours).
pub fn columns(headings: &[&str]) -> Vec<Option<&'static str>> {
    headings
        .iter()
        .map(|h| {
            let h = h.trim().trim_start_matches('\u{feff}');
            COLUMNS
                .iter()
                .find(|(en, zh)| en.eq_ignore_ascii_case(h) || zh.contains(&h))
                .map(|(en, _)| *en)
        })
        .collect()
}

/// What is wrong with one cell of a work order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub code: &'static str,
}

impl Problem {
    fn new(field: &'static str, code: &'static str) -> Problem {
        Problem { field, code }
    }
}

/// Longest order number kept (the column is 64 wide).
pub const MAX_NUMBER: usize = 64;

/// A local date-time as exports write it (`2026-12-01 09:30`, with seconds,
/// `/` for `-`, or a bare date = the end of that day for a deadline and its
/// start otherwise), or RFC 3339.
pub fn parse_time(s: &str, offset: FixedOffset, end_of_day: bool) -> Option<DateTime<Utc>> {
    let s = s.trim().replace('/', "-");
    if let Ok(t) = DateTime::parse_from_rfc3339(&s) {
        return Some(t.with_timezone(&Utc));
    }
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .or_else(|| {
            let d = NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?;
            if end_of_day {
                d.and_hms_opt(23, 59, 59)
            } else {
                d.and_hms_opt(0, 0, 0)
            }
        })?;
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Checks one row (`get` gives a column's cell by its English name).
pub fn work_order<'a>(get: impl Fn(&str) -> Option<&'a str>, offset: FixedOffset) -> Result<WorkOrder, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut text = |field: &'static str| -> String {
        let v = get(field).map(str::trim).unwrap_or("");
        if v.is_empty() {
            problems.push(Problem::new(field, "required"));
        }
        v.to_owned()
    };
    let number = text("order_no");
    let received = text("received_at");
    let category = text("category");
    let address = text("address");
    let content = text("content");
    let contact_name = text("contact_name");
    let phone = text("contact_phone");
    let deadline = text("deadline");
    if number.chars().count() > MAX_NUMBER {
        problems.push(Problem::new("order_no", "too_long"));
    }
    let received_at = parse_time(&received, offset, false);
    if received_at.is_none() && !received.is_empty() {
        problems.push(Problem::new("received_at", "invalid"));
    }
    let deadline_at = parse_time(&deadline, offset, true);
    if deadline_at.is_none() && !deadline.is_empty() {
        problems.push(Problem::new("deadline", "invalid"));
    }
    if let (Some(r), Some(d)) = (received_at, deadline_at)
        && d <= r
    {
        problems.push(Problem::new("deadline", "before_received"));
    }
    let contact_phone = Phone::parse(&phone);
    if contact_phone.is_none() && !phone.is_empty() {
        problems.push(Problem::new("contact_phone", "invalid"));
    }
    match (received_at, deadline_at, contact_phone) {
        (Some(received_at), Some(deadline), Some(contact_phone)) if problems.is_empty() => Ok(WorkOrder {
            number,
            received_at,
            category,
            address,
            content,
            contact_name,
            contact_phone,
            deadline,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn shanghai() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).expect("offset")
    }

    fn row(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn good() -> HashMap<String, String> {
        row(&[
            ("order_no", "GD20261201001"),
            ("received_at", "2026-12-01 09:30"),
            ("category", "elderly_care"),
            ("address", "阳光小区3号楼2单元501"),
            ("content", "独居老人需要每周代买菜"),
            ("contact_name", "王阿姨"),
            ("contact_phone", "13800001111"),
            ("deadline", "2026/12/04"),
        ])
    }

    fn check(r: &HashMap<String, String>) -> Result<WorkOrder, Vec<Problem>> {
        work_order(|k| r.get(k).map(String::as_str), shanghai())
    }

    #[test]
    fn headings_in_either_language_any_order() {
        assert_eq!(
            columns(&["\u{feff}工单编号", "联系电话", "remark", "Deadline"]),
            vec![Some("order_no"), Some("contact_phone"), None, Some("deadline")]
        );
    }

    #[test]
    fn a_good_row_in_local_time() {
        let o = check(&good()).expect("valid");
        assert_eq!(o.number, "GD20261201001");
        assert_eq!(o.received_at.to_rfc3339(), "2026-12-01T01:30:00+00:00");
        // A bare date is the end of that day, local time.
        assert_eq!(o.deadline.to_rfc3339(), "2026-12-04T15:59:59+00:00");
    }

    #[test]
    fn every_problem_is_named() {
        let mut r = good();
        r.insert("contact_phone".into(), "12345".into());
        r.insert("deadline".into(), "2026-11-30".into());
        r.remove("content");
        let p = check(&r).expect_err("invalid");
        assert_eq!(
            p,
            vec![
                Problem::new("content", "required"),
                Problem::new("deadline", "before_received"),
                Problem::new("contact_phone", "invalid"),
            ]
        );
        r = good();
        r.insert("received_at".into(), "昨天".into());
        assert_eq!(
            check(&r).expect_err("bad time"),
            vec![Problem::new("received_at", "invalid")]
        );
    }

    #[test]
    fn sources_have_stable_names() {
        assert_eq!(Source::Hotline.as_str(), "hotline");
        assert_eq!("walk_in".parse::<Source>().ok(), Some(Source::WalkIn));
        assert_eq!(Source::default(), Source::App);
        assert_eq!(Source::Proxy.label_key(), "source.proxy");
    }
}
