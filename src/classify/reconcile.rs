//! Statement findings, checked against the net difference of the whole window.
//!
//! Two statements can cancel out: a view dropped and re-created with the same
//! columns, a column renamed and renamed back, a SQLite table rebuild that copies
//! every row and column. The net difference between A's schema and the schema after
//! the window decides; a finding whose effect did not survive the window is safe.

use std::collections::HashSet;

use crate::schema::{Schema, Subject, breaking_differences};

use super::{Class, Finding};

/// Downgrades the findings of a window whose effect the rest of the window undid.
pub fn reconcile<'f>(findings: impl IntoIterator<Item = &'f mut Finding>, before: &Schema, after: &Schema) {
    let differences = breaking_differences(before, after);
    let broken: HashSet<&Subject> = differences.iter().map(|d| &d.subject).collect();
    let table_intact = |name: &str| {
        !broken.iter().any(|subject| match subject {
            Subject::Table(table) | Subject::WriteRules(table) | Subject::Column { table, .. } => {
                table == name
            }
            _ => false,
        })
    };
    for finding in findings {
        if finding.class == Class::Safe {
            continue;
        }
        let Some(subject) = finding.subject.clone() else {
            continue;
        };
        // The net difference only speaks for objects the replay of A knows.
        if !before.has(&subject) {
            continue;
        }
        if let (Some(id), Subject::Table(name)) = (finding.dropped_table, &subject) {
            let copied = after.table(name).is_some_and(|table| table.copied_from.contains(&id));
            if copied && table_intact(name) {
                finding.reconcile(
                    "table rebuild: its rows were copied into the table that now has its name, with every column A's code uses",
                );
            } else if table_intact(name) {
                // Dropped and re-created with every column: A's code works, the rows are gone.
                finding.breaks_code = false;
            }
            continue;
        }
        if broken.contains(&subject) {
            continue;
        }
        if finding.loses_data {
            finding.breaks_code = false;
        } else {
            finding.reconcile("net effect safe: by the end of the window it is back as A's code expects");
        }
    }
}
