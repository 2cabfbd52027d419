//! The rules, one file each, and their registry.
//!
//! Each file declares its rule with `declare_rule!`: id, class, one-line summary,
//! the "do this instead" help, its documentation in a doc comment with the
//! sections *What it does*, *Why it matters for rollback*, *Example* and *Do this
//! instead*, and the `check` that claims the operations it judges. A rule sees an
//! operation and the schema before it; it never reads files or prints. Adding a
//! rule is its file and one line in [`ALL_RULES`].

mod add_column_with_default;
mod add_constraint;
mod add_enum_value;
mod add_not_null_column;
mod add_nullable_column;
mod change_routine_parameters;
mod comment;
mod compatible_type_change;
mod create_function;
mod create_index;
mod create_object;
mod create_table;
mod create_unique_index;
mod create_view;
mod delete;
mod deleted_migration;
mod disable_trigger;
mod drop_column;
mod drop_constraint;
mod drop_default;
mod drop_extension;
mod drop_function;
mod drop_index;
mod drop_not_null;
mod drop_schema;
mod drop_sequence;
mod drop_table;
mod drop_trigger;
mod drop_type;
mod drop_view;
mod dynamic_sql;
mod edited_migration;
mod enable_row_level_security;
mod grant;
mod housekeeping;
mod incompatible_type_change;
mod insert;
mod invalid_suppression;
mod out_of_order_migration;
mod parse_error;
mod read_only_query;
mod rename_column;
mod rename_enum_value;
mod rename_sequence;
mod rename_table;
mod rename_type;
mod rename_view;
mod revoke;
mod session_setting;
mod set_default;
mod set_not_null;
mod transaction_control;
mod truncate;
mod unmodelled_object_change;
mod unmodelled_statement;
mod unread_migration;
mod unreadable_text;
mod unused_suppression;
mod update;
mod view_drops_columns;

use crate::classify::{Context, Finding, Rule};
use crate::sql::Op;

/// Every rule, in the order `rollsafe rules` lists them. At most one rule claims
/// an operation, so the order does not decide how it is judged (checked on every
/// operation in debug builds, so every test checks it).
pub static ALL_RULES: &[&Rule] = &[
    &create_table::RULE,
    &add_nullable_column::RULE,
    &add_column_with_default::RULE,
    &add_not_null_column::RULE,
    &compatible_type_change::RULE,
    &incompatible_type_change::RULE,
    &drop_not_null::RULE,
    &set_not_null::RULE,
    &set_default::RULE,
    &drop_default::RULE,
    &rename_column::RULE,
    &rename_table::RULE,
    &drop_column::RULE,
    &drop_table::RULE,
    &add_constraint::RULE,
    &drop_constraint::RULE,
    &create_index::RULE,
    &create_unique_index::RULE,
    &drop_index::RULE,
    &create_view::RULE,
    &view_drops_columns::RULE,
    &drop_view::RULE,
    &rename_view::RULE,
    &create_function::RULE,
    &change_routine_parameters::RULE,
    &drop_function::RULE,
    &add_enum_value::RULE,
    &rename_enum_value::RULE,
    &rename_type::RULE,
    &create_object::RULE,
    &drop_type::RULE,
    &drop_sequence::RULE,
    &rename_sequence::RULE,
    &drop_extension::RULE,
    &drop_trigger::RULE,
    &disable_trigger::RULE,
    &enable_row_level_security::RULE,
    &drop_schema::RULE,
    &truncate::RULE,
    &delete::RULE,
    &update::RULE,
    &insert::RULE,
    &grant::RULE,
    &revoke::RULE,
    &comment::RULE,
    &transaction_control::RULE,
    &session_setting::RULE,
    &read_only_query::RULE,
    &housekeeping::RULE,
    &unmodelled_object_change::RULE,
    &dynamic_sql::RULE,
    &unmodelled_statement::RULE,
    &parse_error::RULE,
    &unreadable_text::RULE,
    &edited_migration::RULE,
    &deleted_migration::RULE,
    &out_of_order_migration::RULE,
    &unread_migration::RULE,
    &invalid_suppression::RULE,
    &unused_suppression::RULE,
];

/// Looks a rule up by id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|rule| rule.id == id)
}

/// The finding of the rule whose check claims `op`.
pub fn judge(op: &Op, ctx: &Context<'_>) -> Finding {
    let mut claims = ALL_RULES.iter().filter_map(|rule| rule.check.and_then(|check| check(op, ctx)));
    let finding =
        claims.next().unwrap_or_else(|| unmodelled_statement::finding("an operation no rule judges"));
    debug_assert!(claims.next().is_none(), "two rules claim {op:?}");
    finding
}

// The findings the engine raises itself: history problems, statements it cannot
// read, suppression comments, and what it cannot see of a procedure call.
pub(crate) use deleted_migration::finding as deleted_migration;
pub(crate) use dynamic_sql::finding as dynamic_sql;
pub(crate) use edited_migration::finding as edited_migration;
pub(crate) use invalid_suppression::finding as invalid_suppression;
pub(crate) use out_of_order_migration::finding as out_of_order_migration;
pub(crate) use parse_error::finding as parse_error;
pub(crate) use read_only_query::finding as read_only_query;
pub(crate) use unmodelled_statement::finding as unmodelled_statement;
pub(crate) use unread_migration::finding as unread_migration;
pub(crate) use unreadable_text::finding as unreadable_text;
pub(crate) use unused_suppression::finding as unused_suppression;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Class;
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    /// The ```sql blocks of a section of a rule's documentation: (A's schema, window).
    /// A line `-- Dialect: mssql` reads the block in that dialect (else PostgreSQL).
    fn examples(docs: &str, section: &str) -> Vec<(Dialect, String, String)> {
        let Some(start) = docs.find(&format!("## {section}")) else {
            return Vec::new();
        };
        let rest = &docs[start + 3..];
        let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        body.split("```sql\n")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .map(|block| {
                let (mut dialect, mut given, mut sql) = (Dialect::Postgres, String::new(), String::new());
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("-- Dialect: ") {
                        dialect = clap::ValueEnum::from_str(name, true).expect("a dialect rollsafe knows");
                    } else if let Some(setup) = line.strip_prefix("-- A's schema: ") {
                        given.push_str(setup);
                    } else {
                        sql.push_str(line);
                        sql.push('\n');
                    }
                }
                (dialect, given, sql)
            })
            .collect()
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in ALL_RULES {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", rule.id);
        }
    }

    #[test]
    fn every_rule_documents_the_four_sections() {
        for rule in ALL_RULES {
            let docs = rule.documentation();
            for section in ["What it does", "Why it matters for rollback", "Example", "Do this instead"] {
                assert!(docs.contains(&format!("## {section}")), "{} lacks {section}", rule.id);
            }
        }
    }

    /// The example fires the rule with its class; the "do this instead" SQL does not.
    #[test]
    fn documented_examples_fire_and_alternatives_pass() {
        for rule in ALL_RULES.iter().filter(|r| {
            !["edited-migration", "deleted-migration", "out-of-order-migration", "unread-migration"]
                .contains(&r.id)
        }) {
            let docs = rule.documentation();
            let failing = examples(&docs, "Example");
            assert!(!failing.is_empty(), "{} has no sql example", rule.id);
            for (dialect, given, sql) in failing {
                let found = findings_in(dialect, &given, &sql);
                assert!(
                    found.iter().any(|f| f.rule.id == rule.id && f.class == rule.class),
                    "{}: example does not fire as {:?}: {found:?}",
                    rule.id,
                    rule.class
                );
            }
            let passing = examples(&docs, "Do this instead");
            assert!(rule.class == Class::Safe || !passing.is_empty(), "{} has no passing example", rule.id);
            for (dialect, given, sql) in passing {
                let found = findings_in(dialect, &given, &sql);
                assert!(
                    found.iter().all(|f| f.class == Class::Safe || !f.counts()),
                    "{}: the alternative is not safe: {found:?}",
                    rule.id
                );
            }
        }
    }
}
