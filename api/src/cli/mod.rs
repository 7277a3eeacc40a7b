//! What the `linli` command does besides serving: the demo community
//! (`linli serve --demo`).

pub mod demo;
