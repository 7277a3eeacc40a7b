//! Schema migrations. They run on `linli serve` start-up and via `linli migrate`.
//! Every migration opts in to a transaction (`use_transaction`), so a failure
//! leaves SQLite as untouched as PostgreSQL (SeaQL/sea-orm#1379), and foreign
//! keys are declared inside `CREATE TABLE` (SQLite allows no `ALTER … ADD
//! CONSTRAINT`, sea-orm#1809).

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_core;
mod m20261126_000002_members;
mod m20261126_000003_ledger;
mod m20261126_000004_supervision;
mod m20261203_000005_system_actor;
mod m20261203_000006_lifecycle;
mod m20261203_000007_qualifications;
mod m20261204_000010_appeals;
mod m20261204_000011_duplicates;
mod m20261204_000012_check_in;
mod m20261204_000013_series;
mod m20261204_000014_electrical;
mod m20261205_000015_ui;
mod m20261206_000016_hot_paths;
mod m20261207_000017_sources;
mod m20261208_000018_grid_workers;
mod m20261208_000019_family;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_core::Migration),
            Box::new(m20261126_000002_members::Migration),
            Box::new(m20261126_000003_ledger::Migration),
            Box::new(m20261126_000004_supervision::Migration),
            Box::new(m20261203_000005_system_actor::Migration),
            Box::new(m20261203_000006_lifecycle::Migration),
            Box::new(m20261203_000007_qualifications::Migration),
            Box::new(m20261204_000010_appeals::Migration),
            Box::new(m20261204_000011_duplicates::Migration),
            Box::new(m20261204_000012_check_in::Migration),
            Box::new(m20261204_000013_series::Migration),
            Box::new(m20261204_000014_electrical::Migration),
            Box::new(m20261205_000015_ui::Migration),
            Box::new(m20261206_000016_hot_paths::Migration),
            Box::new(m20261207_000017_sources::Migration),
            Box::new(m20261208_000018_grid_workers::Migration),
            Box::new(m20261208_000019_family::Migration),
        ]
    }
}
