//! Background work every replica may run beside the HTTP server: the
//! outbox sender, the 督查 sweeper and the reminders it sends (before the
//! agreed time, and before a qualification expires). Each claims
//! its work in the database, so replicas never do the same thing twice.

pub mod outbox;
pub mod qualifications;
pub mod reminders;
pub mod sweeper;
