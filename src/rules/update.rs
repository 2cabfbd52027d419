use crate::classify::{Context, Finding, declare_rule};
use crate::sql::{Name, Op};

declare_rule! {
    /// ## What it does
    /// Finds `UPDATE` statements that overwrite values A's code wrote. Backfilling
    /// a column added in the same window is safe.
    ///
    /// ## Why it matters for rollback
    /// The old values are overwritten: undoing the migration cannot restore them,
    /// only a backup can. A's code keeps working.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// UPDATE users SET email = lower(email);
    /// ```
    ///
    /// ## Do this instead
    /// Write the new values to a new column (expand), or keep the old values in a
    /// copy so the way back can restore them.
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint, email text);
    /// ALTER TABLE users ADD COLUMN email_normalized text;
    /// UPDATE users SET email_normalized = lower(email);
    /// ```
    static RULE = {
        id: "update",
        class: crate::classify::Class::Destructive,
        summary: "UPDATE of existing values: the old values are lost to a database rollback.",
        help: "Write new values to a new column, or keep a copy of the old ones.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::Update { table, columns, copies, filtered } = op else {
        return None;
    };
    let filtered = *filtered;
    let which = if filtered { "some rows" } else { "every row" };
    // `SET c = c` writes every value back as it was: only the triggers notice.
    let set_to_itself =
        |column: &&Name| copies.iter().any(|copy| copy.to == column.key && copy.from == column.key);
    let (unchanged, columns): (Vec<&Name>, Vec<&Name>) = columns.iter().partition(set_to_itself);
    if columns.is_empty() && !unchanged.is_empty() {
        let names: Vec<&str> = unchanged.iter().map(|c| c.written.as_str()).collect();
        let message = format!(
            "sets {} in {which} of `{}` to the value it has: no value changes (triggers still fire)",
            names.join(", "),
            table.written
        );
        return Some(Finding::new(&RULE, message).at(table).into_safe());
    }
    let names: Vec<&str> = columns.iter().map(|c| c.written.as_str()).collect();
    let mut finding = Finding::new(
        &RULE,
        format!("overwrites {} in {which} of `{}`: old values are lost", names.join(", "), table.written),
    )
    .at(table)
    .keeps_code_working();
    let all_new = !columns.is_empty() && columns.iter().all(|c| ctx.is_new_column(table, c));
    finding = finding.unless_new(all_new, "every column it sets");
    Some(finding)
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of;

    #[test]
    fn backfilling_a_new_column_is_safe() {
        let given = "CREATE TABLE t (id int, a int);";
        let sql = "ALTER TABLE t ADD COLUMN b int;\nUPDATE t SET b = a;";
        assert_eq!(class_of(given, sql, "update"), Class::Safe);
        assert_eq!(class_of(given, "UPDATE t SET a = 0;", "update"), Class::Destructive);
    }
}
