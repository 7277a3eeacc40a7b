//! 爱心超市 — a redemption's states. Pure: the service writes the result
//! with one conditional UPDATE (`… WHERE status = 'pending'`), so two
//! decisions at once have one winner.
//!
//! ```text
//! pending ──fulfil (admin hands it over)──▶ fulfilled
//!    └──────cancel (member or admin: points refunded, item restocked)──▶ cancelled
//! ```

code_enum! {
    pub enum Status {
        /// 待领取 — points spent, item not yet handed over.
        Pending,
        /// 已领取
        Fulfilled,
        /// 已取消 — points refunded.
        Cancelled,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Fulfil,
    Cancel,
}

/// The state after `decision`, or the state that forbids it.
pub fn decide(from: Status, decision: Decision) -> Result<Status, Status> {
    match (from, decision) {
        (Status::Pending, Decision::Fulfil) => Ok(Status::Fulfilled),
        (Status::Pending, Decision::Cancel) => Ok(Status::Cancelled),
        (other, _) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn only_pending_can_be_decided() {
        assert_eq!(decide(Status::Pending, Decision::Fulfil), Ok(Status::Fulfilled));
        assert_eq!(decide(Status::Pending, Decision::Cancel), Ok(Status::Cancelled));
        for s in Status::iter().filter(|s| *s != Status::Pending) {
            assert_eq!(decide(s, Decision::Fulfil), Err(s));
            assert_eq!(decide(s, Decision::Cancel), Err(s));
        }
    }

    #[test]
    fn round_trips_through_str() {
        for s in Status::iter() {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
    }
}
