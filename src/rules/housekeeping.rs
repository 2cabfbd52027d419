use crate::classify::{Context, Finding, declare_rule};
use crate::sql::Op;

declare_rule! {
    /// ## What it does
    /// Finds changes A's code cannot see: renamed indexes and constraints,
    /// validating a constraint added earlier, when a constraint is checked
    /// (`DEFERRABLE`), owners, storage settings, statistics, and SQL Server's
    /// system procedures that keep its own records (`sp_refreshview`,
    /// `sp_refreshsqlmodule`, `sp_recompile`, `sp_updatestats`, and
    /// `sp_addextendedproperty` with its update and drop), and its pauses
    /// (`WAITFOR DELAY`, `WAITFOR TIME`).
    ///
    /// ## Why it matters for rollback
    /// None of them changes a name, type or rule A's code relies on.
    ///
    /// ## Example
    /// ```sql
    /// -- A's schema: CREATE TABLE orders (id bigint); CREATE INDEX orders_idx ON orders (id);
    /// ALTER INDEX orders_idx RENAME TO orders_id_idx;
    /// ```
    /// ```sql
    /// -- A's schema: CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (user_id bigint, CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id));
    /// ALTER TABLE orders ALTER CONSTRAINT orders_user_fk DEFERRABLE INITIALLY DEFERRED;
    /// ```
    /// ```sql
    /// -- Dialect: mssql
    /// -- A's schema: CREATE TABLE dbo.orders (id int, status varchar(20)); CREATE VIEW dbo.open_orders AS SELECT id FROM dbo.orders WHERE status = 'open';
    /// EXEC sp_refreshview N'dbo.open_orders';
    /// EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = N'Orders', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'TABLE', @level1name = N'orders';
    /// ```
    ///
    /// ## Do this instead
    /// Nothing.
    static RULE = {
        id: "housekeeping",
        class: crate::classify::Class::Safe,
        summary: "Housekeeping A's code does not see (index names, owners, storage).",
        help: "Nothing to do.",
        check: check,
    }
}

fn check(op: &Op, _ctx: &Context<'_>) -> Option<Finding> {
    let Op::Housekeeping { what } = op else {
        return None;
    };
    Some(Finding::new(&RULE, format!("{what}: A's code does not see it")))
}
