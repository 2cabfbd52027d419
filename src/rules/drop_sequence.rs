use crate::classify::{Context, Finding, declare_rule};
use crate::schema::Subject;
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds dropped sequences.
    ///
    /// ## Why it matters for rollback
    /// A's code (or a column default A's inserts rely on) draws numbers from the
    /// sequence; those inserts fail once it is gone, and its current value is lost.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE SEQUENCE invoice_numbers;
    /// DROP SEQUENCE invoice_numbers;
    /// ```
    ///
    /// ## Do this instead
    /// Keep the sequence until no code that uses it can be rolled back to.
    /// ```sql
    /// -- A's schema: CREATE SEQUENCE invoice_numbers;
    /// CREATE SEQUENCE invoice_numbers_v2;
    /// ```
    static RULE = {
        id: "drop-sequence",
        class: crate::classify::Class::Coupled,
        summary: "A dropped sequence: A's inserts that draw from it fail.",
        help: "Keep the sequence until no code that uses it can be rolled back to.",
        check: check,
    }
}

fn check(op: &Op, ctx: &Context<'_>) -> Option<Finding> {
    let Op::DropSequence { name } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("drops sequence `{}`", name.written)).on_object(
        name,
        Subject::Sequence(name.key.clone()),
        ctx.is_new_sequence(name),
        "sequence",
    ))
}

#[cfg(test)]
mod tests {
    use crate::classify::Class;
    use crate::classify::test_support::class_of;

    #[test]
    fn a_serial_column_owns_the_sequence_its_table_is_created_with() {
        let drop = "DROP SEQUENCE coupons_id_seq CASCADE;";
        let made_in_window = format!("CREATE TABLE coupons (id serial PRIMARY KEY);\n{drop}");
        assert_eq!(class_of("", &made_in_window, "drop-sequence"), Class::Safe);
        let a_inserts = "CREATE TABLE coupons (id int);\nALTER TABLE coupons ADD COLUMN n bigserial;";
        assert_eq!(class_of(a_inserts, "DROP SEQUENCE coupons_n_seq;", "drop-sequence"), Class::Coupled);
        let qualified = "CREATE TABLE shop.coupons (id smallserial);";
        assert_eq!(
            class_of(qualified, "DROP SEQUENCE shop.coupons_id_seq;", "drop-sequence"),
            Class::Coupled
        );
    }
}
