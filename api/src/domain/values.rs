//! Small value types that can only hold valid values.

/// Service time as recorded: whole minutes, more than 0 and at most 24 h for
/// one activity. Travel is excluded by the member when they report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServiceMinutes(i32);

impl ServiceMinutes {
    pub const MAX: i32 = 24 * 60;
    pub const ONE: ServiceMinutes = ServiceMinutes(1);

    /// From decimal hours as a member types them (`1.5` → 90 minutes), rounded
    /// to the minute.
    pub fn from_hours(hours: f64) -> Option<Self> {
        if !hours.is_finite() {
            return None;
        }
        let minutes = (hours * 60.0).round();
        (1.0..=f64::from(Self::MAX))
            .contains(&minutes)
            .then_some(Self(minutes as i32))
    }

    pub fn from_minutes(m: i32) -> Option<Self> {
        (1..=Self::MAX).contains(&m).then_some(Self(m))
    }

    pub fn minutes(self) -> i32 {
        self.0
    }

    pub fn hours(self) -> f64 {
        f64::from(self.0) / 60.0
    }
}

/// A resident's rating: 1 to 5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stars(i16);

impl Stars {
    pub const FIVE: Stars = Stars(5);

    pub fn new(n: i64) -> Option<Self> {
        (1..=5).contains(&n).then_some(Self(n as i16))
    }
    pub fn get(self) -> i16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hours_to_minutes() {
        assert_eq!(ServiceMinutes::from_hours(1.5).map(ServiceMinutes::minutes), Some(90));
        assert_eq!(ServiceMinutes::from_hours(0.0), None);
        assert_eq!(ServiceMinutes::from_hours(-1.0), None);
        assert_eq!(ServiceMinutes::from_hours(24.01), None);
        assert_eq!(ServiceMinutes::from_hours(f64::NAN), None);
        assert_eq!(
            ServiceMinutes::from_hours(24.0).map(ServiceMinutes::minutes),
            Some(1440)
        );
    }

    #[test]
    fn stars_range() {
        assert!(Stars::new(0).is_none());
        assert!(Stars::new(6).is_none());
        assert_eq!(Stars::new(5).map(Stars::get), Some(5));
    }

    proptest! {
        #[test]
        fn minutes_always_in_range(h in -100.0f64..100.0) {
            if let Some(m) = ServiceMinutes::from_hours(h) {
                prop_assert!((1..=ServiceMinutes::MAX).contains(&m.minutes()));
            }
        }
    }
}
