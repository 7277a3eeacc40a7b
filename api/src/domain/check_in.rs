//! 签到 / 签退 — the proof that a member was there, and whether the hours
//! they report fit the time on site. Pure.

use super::matching::GeoPoint;

code_enum! {
    /// Check-in (at the start) or check-out (at completion).
    pub enum VisitKind {
        In,
        Out,
    }
}

code_enum! {
    /// How a visit was proved.
    pub enum Method {
        /// The resident's one-time code (shown in their app, or read out on the phone).
        Code,
        /// The member's position, near the request's.
        Position,
        /// An admin confirmed it.
        Admin,
        /// No proof (allowed unless the community's rule asks for one).
        None,
    }
}

/// How far a position is from the request's, in whole metres.
pub fn distance_m(at: GeoPoint, request: GeoPoint) -> i32 {
    (at.distance_km(request) * 1000.0).round() as i32
}

/// Is a position close enough?
pub fn near_enough(distance_m: i32, radius_m: u32) -> bool {
    i64::from(distance_m) <= i64::from(radius_m)
}

/// Reported more than the time on site plus the tolerance: the verifier
/// must look (never silently accepted).
pub fn hours_flagged(reported_minutes: i32, on_site_minutes: i32, tolerance_minutes: u32) -> bool {
    i64::from(reported_minutes) > i64::from(on_site_minutes.max(0)) + i64::from(tolerance_minutes)
}

/// A code typed by the member matches the resident's (digits only; spaces
/// and full-width digits forgiven).
pub fn code_matches(typed: &str, code: &str) -> bool {
    let digits: String = typed
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .collect();
    !digits.is_empty() && digits == code
}

/// A 4-digit code from random bits.
pub fn code_from(random: u32) -> String {
    format!("{:04}", random % 10_000)
}

/// Wrong tries before the code is replaced.
pub const MAX_ATTEMPTS: i32 = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_forgive_spaces_and_full_width_digits() {
        assert!(code_matches("4831", "4831"));
        assert!(code_matches(" 48 31 ", "4831"));
        assert!(code_matches("４８３１", "4831"));
        assert!(!code_matches("4832", "4831"));
        assert!(!code_matches("", "4831"));
        assert!(!code_matches("abcd", "4831"));
    }

    #[test]
    fn hours_beyond_the_time_on_site_are_flagged() {
        assert!(hours_flagged(180, 70, 30));
        assert!(!hours_flagged(90, 70, 30));
        assert!(!hours_flagged(100, 70, 30));
        assert!(hours_flagged(101, 70, 30));
    }

    #[test]
    fn distance_in_metres() {
        let a = GeoPoint::new(30.2741, 120.1551).expect("a");
        let b = GeoPoint::new(30.2750, 120.1551).expect("b");
        let d = distance_m(a, b);
        assert!((95..=105).contains(&d), "{d}");
        assert!(near_enough(d, 300));
        assert!(!near_enough(d, 50));
    }

    proptest! {
        #[test]
        fn codes_have_four_digits(r in any::<u32>()) {
            let c = code_from(r);
            prop_assert_eq!(c.len(), 4);
            prop_assert!(c.chars().all(|d| d.is_ascii_digit()));
        }
    }
}
