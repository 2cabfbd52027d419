//! Statement findings, checked against the net difference of the whole window.
//!
//! Two statements can cancel out: a view dropped and re-created with the same
//! columns, a column renamed and renamed back, a SQLite table rebuild that copies
//! every row and column. The net difference between A's schema and the schema after
//! the window decides; a finding whose effect did not survive the window is safe.
//!
//! The other way round, steps that are each safe can add up to a break: a column
//! added with a default that a later statement drops, or added nullable, filled
//! and then made NOT NULL, leaves A's inserts (which leave it out) failing. A
//! difference no counting finding covers re-aims the finding of the last statement
//! that judged itself safe because the object was new in the window.

use std::collections::HashSet;

use crate::schema::{ObjectId, Schema, Subject, breaking_differences};
use crate::sql::Dialect;

use super::{Class, Finding};

/// Downgrades the findings of a window whose effect the rest of the window undid,
/// and re-aims a cleared finding at a break that only the whole window makes.
pub fn reconcile<'f>(
    findings: impl IntoIterator<Item = &'f mut Finding>,
    before: &Schema,
    after: &Schema,
    dialect: Dialect,
) {
    let mut findings: Vec<&mut Finding> = findings.into_iter().collect();
    let differences = breaking_differences(before, after, dialect);
    let broken: HashSet<&Subject> = differences.iter().map(|d| &d.subject).collect();
    let table_intact = |name: &str| {
        !broken.iter().any(|subject| match subject {
            Subject::Table(table) | Subject::WriteRules(table) | Subject::Column { table, .. } => {
                table == name
            }
            _ => false,
        })
    };
    // Columns whose values a finding of the window destroys where it drops them.
    let lost_at_their_own_drop: HashSet<Subject> = findings
        .iter()
        .filter(|f| f.loses_data && matches!(f.subject(), Some(Subject::Column { .. })))
        .filter_map(|f| f.subject().cloned())
        .collect();
    for finding in findings.iter_mut() {
        if finding.class == Class::Safe {
            continue;
        }
        let Some(subject) = finding.subject().cloned() else {
            continue;
        };
        if let (Some(id), Subject::Table(dropped)) = (finding.dropped_table(), &subject) {
            // A rebuild: the table that carries the dropped one's rows under one of
            // its names (see the replay) keeps its identity, under that name.
            // Only a copy takes over a dropped table's identity (see the replay).
            let Some(name) = after.copy_holders().find(|(_, t)| t.id == id).map(|(name, _)| name) else {
                // Dropped and re-created with every column: A's code works.
                let recreated = before.has(&subject) && table_intact(dropped);
                match table_holding_rows_of(before, after, dropped, id) {
                    Some(keeper) => {
                        let why = format!(
                            "its rows were copied first into table `{keeper}`, which the window keeps"
                        );
                        if recreated { finding.reconcile(&why) } else { finding.keeps_data(&why) }
                    }
                    // The rows are gone.
                    None if recreated => finding.breaks_code = false,
                    None => {}
                }
                continue;
            };
            let left_out = columns_left_out(before, after, name, &lost_at_their_own_drop);
            if table_intact(name) {
                finding.reconcile(
                    "table rebuild: its rows were copied into the table that now has its name, with every column A's code uses",
                );
            } else if left_out.is_empty() {
                finding.keeps_data(
                    "table rebuild: its rows were copied into the table that now has its name, which changes what A's code uses",
                );
            } else {
                finding.because(&format!(
                    "table rebuild: its rows were copied into the table that now has its name, without {}, whose values are lost",
                    left_out.join(", ")
                ));
            }
            continue;
        }
        // The net difference only speaks for objects the replay of A knows.
        if !before.has(&subject) {
            continue;
        }
        if let Some(keeper) = finding.loses_data.then(|| column_holding_values_of(after, &subject)).flatten()
        {
            let why = format!("its values were copied first into column `{keeper}`, which the window keeps");
            if broken.contains(&subject) {
                finding.keeps_data(&why);
            } else {
                finding.reconcile(&why);
            }
            continue;
        }
        if broken.contains(&subject) {
            // A table type back under its name, in a shape A's rows no longer fit.
            let reshaped = differences.iter().find(|d| d.subject == subject && d.what != "no longer exists");
            if let (Subject::Type(type_name), Some(difference)) = (&subject, reshaped) {
                finding.because(&format!(
                    "by the end of the window type `{type_name}` {}: the rows A's code passes no longer fit",
                    difference.what
                ));
            }
            continue;
        }
        if let Subject::Type(type_name) = &subject {
            // An enum swap: the type A knew is back under its name, but without
            // some of its values.
            let lost: Vec<&str> = differences
                .iter()
                .filter_map(|d| match &d.subject {
                    Subject::EnumValue { type_name: of, value } if of == type_name => Some(value.as_str()),
                    _ => None,
                })
                .collect();
            if !lost.is_empty() {
                finding.because(&format!(
                    "by the end of the window type `{type_name}` no longer has {}: A's code that writes them fails",
                    lost.join(", ")
                ));
                continue;
            }
        }
        if finding.loses_data {
            finding.breaks_code = false;
        } else {
            finding.reconcile("net effect safe: by the end of the window it is back as A's code expects");
        }
    }
    // Only columns new to a table A knows: A's inserts leave them out, so their
    // state at the end of the window decides, whatever each step said. (A
    // column A knows has findings of its own; the net difference of a table's
    // write rules compares indexes by name, too coarsely to override a rule.)
    let new_column_differences = differences.iter().filter(|d| match &d.subject {
        Subject::Column { table, column } => before.column(table, column).is_none(),
        _ => false,
    });
    for difference in new_column_differences {
        let covered =
            findings.iter().any(|f| f.counts() && f.breaks_code && f.subject() == Some(&difference.subject));
        if covered {
            continue;
        }
        let responsible = findings
            .iter_mut()
            .rev()
            .find(|f| f.cleared_as_new() && f.reaimable() && f.subject() == Some(&difference.subject));
        if let Some(finding) = responsible {
            finding.reaim(&format!("by the end of the window {} {}", difference.subject, difference.what));
        }
    }
}

/// The columns (as `` `name` ``) the table `name` had before the window and lacks
/// after it, but those whose values another finding already counts as lost where
/// it drops them.
fn columns_left_out(
    before: &Schema,
    after: &Schema,
    name: &str,
    lost_elsewhere: &HashSet<Subject>,
) -> Vec<String> {
    let (Some(old), Some(new)) = (before.table(name), after.table(name)) else {
        return Vec::new();
    };
    old.columns
        .iter()
        .filter(|column| new.column(&column.name).is_none())
        .filter(|column| {
            !lost_elsewhere.contains(&Subject::Column { table: name.to_owned(), column: column.name.clone() })
        })
        .map(|column| format!("`{}`", column.name))
        .collect()
}

/// The table of `after` that rows of the dropped table `dropped` (whose id was
/// `id`) were copied into, and that has every column `dropped` had for A's code:
/// the rows and their values survive there, under another name.
fn table_holding_rows_of<'a>(
    before: &Schema,
    after: &'a Schema,
    dropped: &str,
    id: ObjectId,
) -> Option<&'a str> {
    let columns = &before.table(dropped)?.columns;
    after
        .copy_holders()
        .find(|(_, table)| {
            table.copied_from.contains(&id)
                && columns.iter().all(|column| table.column(&column.name).is_some())
        })
        .map(|(name, _)| name)
}

/// The column of `after` that an `UPDATE` of every row filled with the values of
/// the column `subject` names, before that column was dropped.
fn column_holding_values_of<'a>(after: &'a Schema, subject: &Subject) -> Option<&'a str> {
    let Subject::Column { table, column } = subject else {
        return None;
    };
    let columns = &after.table(table)?.columns;
    columns.iter().find(|c| c.copied_from.as_deref() == Some(column.as_str())).map(|c| c.name.as_str())
}
