//! Background work every replica may run beside the HTTP server: the
//! outbox sender and the 督查 sweeper. Both claim their work in the
//! database, so replicas never do the same thing twice.

pub mod outbox;
pub mod sweeper;
