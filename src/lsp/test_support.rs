//! Judges a buffer the way the server does, for the module's unit tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::analysis::{Options, check_migration};
use crate::classify::{Change, Severity, replay_file};
use crate::discover::{Migration, ReleaseFile};
use crate::schema::Schema;
use crate::sql::{Dialect, parse_file};

/// The changes of the migration `sql`, judged after A's schema `given` with the
/// rule severities `severities`.
pub(crate) fn changes_in(
    dialect: Dialect,
    given: &str,
    sql: &str,
    severities: &BTreeMap<String, Severity>,
) -> Vec<Change> {
    let mut schema = Schema::default();
    schema.begin_migration(0);
    replay_file(&mut schema, &parse_file(given.as_bytes(), dialect));
    let file = ReleaseFile {
        relative: "2_window.sql".to_owned(),
        display: "2_window.sql".to_owned(),
        bytes: Arc::from(sql.as_bytes()),
    };
    let options = Options { severities: severities.clone(), ..Options::new(Some(dialect)) };
    check_migration(&Migration::lone(file), &schema, 1, dialect, &options)
}
