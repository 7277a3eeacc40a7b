//! The two append-only ledgers: what kinds of rows they hold and what each
//! kind means for a member's balance and the honor boards. Pure.

code_enum! {
    /// Kinds of points entries.
    pub enum EntryKind {
        /// A verified service (one per request and round: `credit_of`).
        Service,
        /// 嘉许 — an admin's award.
        Award,
        /// 扣分 — an admin's deduction.
        Deduction,
        /// An upheld complaint takes a service's points back.
        Void,
        /// Hours corrected: the points difference.
        Correction,
        /// 爱心超市 — points spent.
        Redemption,
        /// A cancelled redemption's points given back.
        Refund,
    }
}

impl EntryKind {
    /// Does this kind count on honor boards (earning, not spending)?
    pub fn earned(self) -> bool {
        !matches!(self, EntryKind::Redemption | EntryKind::Refund)
    }

    /// Kinds that move what a request's service is worth (credit, then its
    /// corrections and void).
    pub fn of_service(self) -> bool {
        matches!(self, EntryKind::Service | EntryKind::Correction | EntryKind::Void)
    }
}

code_enum! {
    /// Kinds of service records (hours).
    pub enum RecordKind {
        /// A verified service.
        Service,
        /// Takes a record back (sign −1): the first half of a correction.
        Reversal,
        /// The corrected record that replaces a reversed one.
        Correction,
    }
}

impl RecordKind {
    /// +1, or −1 for a reversal.
    pub fn sign(self) -> i16 {
        match self {
            RecordKind::Reversal => -1,
            RecordKind::Service | RecordKind::Correction => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn spending_does_not_count_as_earning() {
        let earned: Vec<EntryKind> = EntryKind::iter().filter(|k| k.earned()).collect();
        assert!(!earned.contains(&EntryKind::Redemption) && !earned.contains(&EntryKind::Refund));
        assert!(earned.contains(&EntryKind::Deduction));
    }

    #[test]
    fn kinds_round_trip_through_str() {
        for k in EntryKind::iter() {
            assert_eq!(k.as_str().parse::<EntryKind>(), Ok(k));
        }
        for k in RecordKind::iter() {
            assert_eq!(k.as_str().parse::<RecordKind>(), Ok(k));
        }
    }
}
