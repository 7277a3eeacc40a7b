//! 资质 — the certificates some services need (a lawyer's licence for 法律咨询,
//! an electrician's certificate for 家电维修, a medical licence for 医疗健康).
//! Pure: the kinds a member can hold, the states of a recorded one, when it
//! counts (verified, and not past its expiry date in the community's local
//! date) and when its holder is reminded.
//!
//! ```text
//! pending ──verify (admin)──▶ verified ──reject (revoke)──▶ rejected
//!    └────reject (admin, with a reason)──────────────────────┘
//! any ──edit (the member)──▶ pending        (a change is checked again)
//! ```
//!
//! An expired qualification is not a state: it stops counting on the day
//! after its expiry date, judged against the one clock, with nobody acting.

use chrono::{Duration, NaiveDate};

code_enum! {
    /// The catalogue of qualification kinds (资质类别).
    pub enum QualificationKind {
        /// 律师执业证 — renewed by the yearly 年度考核.
        LawyerLicence,
        /// 电工证 (特种作业操作证·电工作业) — six years, reviewed every three.
        ElectricianCertificate,
        /// 医师执业证书 — no printed expiry.
        MedicalLicence,
        /// 护士执业证书 — five years.
        NurseLicence,
        /// 心理咨询师证书 — no printed expiry.
        CounselorCertificate,
    }
}

impl QualificationKind {
    /// Whether a certificate of this kind carries an expiry date, so that a
    /// member recording one must give it.
    pub fn expires(self) -> bool {
        match self {
            QualificationKind::LawyerLicence
            | QualificationKind::ElectricianCertificate
            | QualificationKind::NurseLicence => true,
            QualificationKind::MedicalLicence | QualificationKind::CounselorCertificate => false,
        }
    }
}

code_enum! {
    /// Where a recorded qualification is in its review.
    pub enum QualificationStatus {
        /// 待审核 — recorded or changed by the member, not yet checked.
        Pending,
        /// 已审核 — an admin of the member's community saw the certificate.
        Verified,
        /// 未通过 — refused (or revoked) with a reason.
        Rejected,
    }
}

/// What an admin does to a recorded qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Verify,
    Reject,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Verify => "verify",
            Decision::Reject => "reject",
        }
    }
}

/// The status after `decision`, or the status that forbids it: a pending
/// record is verified or rejected; a verified one can still be revoked.
pub fn decide(from: QualificationStatus, decision: Decision) -> Result<QualificationStatus, QualificationStatus> {
    use QualificationStatus::*;
    match (from, decision) {
        (Pending, Decision::Verify) => Ok(Verified),
        (Pending | Verified, Decision::Reject) => Ok(Rejected),
        (other, _) => Err(other),
    }
}

/// Days before the expiry date that the member and their admins are told.
pub const REMIND_DAYS: i64 = 30;

/// Has a certificate expiring on `expires_on` lapsed on local date `today`?
/// It is good through its expiry date.
pub fn expired(expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    expires_on.is_some_and(|d| today > d)
}

/// Does it count today: verified and not expired.
pub fn is_valid(status: QualificationStatus, expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == QualificationStatus::Verified && !expired(expires_on, today)
}

/// Days from `today` until the expiry date (0 on the day; negative once past).
pub fn days_left(expires_on: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    expires_on.map(|d| (d - today).num_days())
}

/// Is the expiry reminder due on `today`: from `REMIND_DAYS` before the
/// expiry date through the date itself (a sweeper that was down, or a
/// record verified late, still reminds), for qualifications that count.
pub fn reminder_due(status: QualificationStatus, expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match expires_on {
        Some(d) => is_valid(status, expires_on, today) && today >= d - Duration::days(REMIND_DAYS),
        None => false,
    }
}

/// The earliest expiry date a reminder can be due for on `today` … and the
/// latest: the window the sweeper reads.
pub fn reminder_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (today, today + Duration::days(REMIND_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn decisions_follow_the_review() {
        use QualificationStatus::*;
        assert_eq!(decide(Pending, Decision::Verify), Ok(Verified));
        assert_eq!(decide(Pending, Decision::Reject), Ok(Rejected));
        assert_eq!(decide(Verified, Decision::Reject), Ok(Rejected));
        assert_eq!(decide(Verified, Decision::Verify), Err(Verified));
        assert_eq!(decide(Rejected, Decision::Verify), Err(Rejected));
        assert_eq!(decide(Rejected, Decision::Reject), Err(Rejected));
    }

    #[test]
    fn it_counts_through_its_expiry_date_and_stops_after() {
        let v = QualificationStatus::Verified;
        let exp = Some(d("2026-12-31"));
        assert!(is_valid(v, exp, d("2026-12-31")));
        assert!(!is_valid(v, exp, d("2027-01-01")));
        assert!(is_valid(v, None, d("2099-01-01")), "no expiry");
        assert!(!is_valid(QualificationStatus::Pending, exp, d("2026-01-01")));
        assert!(!is_valid(QualificationStatus::Rejected, None, d("2026-01-01")));
        assert_eq!(days_left(exp, d("2026-12-01")), Some(30));
        assert_eq!(days_left(exp, d("2027-01-02")), Some(-2));
    }

    #[test]
    fn reminders_fall_in_the_last_thirty_days() {
        let v = QualificationStatus::Verified;
        let exp = Some(d("2026-12-31"));
        assert!(!reminder_due(v, exp, d("2026-11-30")));
        assert!(reminder_due(v, exp, d("2026-12-01")));
        assert!(reminder_due(v, exp, d("2026-12-31")));
        assert!(
            !reminder_due(v, exp, d("2027-01-01")),
            "expired: nothing to renew in time"
        );
        assert!(!reminder_due(v, None, d("2026-12-31")));
        assert!(!reminder_due(QualificationStatus::Pending, exp, d("2026-12-15")));
        let (from, to) = reminder_window(d("2026-12-01"));
        assert!(from <= d("2026-12-31") && d("2026-12-31") <= to);
    }

    #[test]
    fn kinds_have_stable_codes() {
        assert_eq!(QualificationKind::LawyerLicence.as_str(), "lawyer_licence");
        assert_eq!(
            "electrician_certificate".parse::<QualificationKind>(),
            Ok(QualificationKind::ElectricianCertificate)
        );
        assert!(QualificationKind::iter().any(|k| !k.expires()));
    }
}
