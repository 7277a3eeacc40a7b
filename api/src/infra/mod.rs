//! Connections to the outside world (database; later cache, mail, events).

pub mod db;
