//! What the `linli` command does besides serving: the demo community
//! (`linli serve --demo`), `linli check`, `linli backup`, `linli doctor`,
//! the start-up banner and `linli create-user`'s password.

pub mod backup;
pub mod banner;
pub mod check;
pub mod demo;
pub mod doctor;
pub mod password;
