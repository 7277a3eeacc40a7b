//! Small helpers the migrations share.

use sea_orm_migration::prelude::*;

/// A foreign key `from.col → to.id`, named `fk_{from}_{col}`, that refuses to
/// delete a row still referred to.
pub fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{col}"))
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A plain index `name` on `table(cols…)`.
pub fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut idx = Index::create();
    idx.name(name).table(table).if_not_exists();
    for c in cols {
        idx.col(*c);
    }
    idx.to_owned()
}
