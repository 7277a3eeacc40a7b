//! What the `linli` command does besides serving: the demo community
//! (`linli serve --demo`), `linli check` and `linli backup`.

pub mod backup;
pub mod check;
pub mod demo;
