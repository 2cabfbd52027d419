//! The window judged by its net effect on what A's code knew, pattern by pattern
//! (the failing and the passing spelling, in every dialect that has it), through
//! `rollsafe audit --format json`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

mod common;

use common::{audit, audit_folders};
use serde_json::Value;

/// A's schema, in a spelling every dialect parses.
const GIVEN: &str = "
CREATE TABLE users (id int PRIMARY KEY, email varchar(100) NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, user_id int, total int);
";

/// A window, the rule whose finding it is about, and that finding's expected class.
struct Case {
    what: &'static str,
    rule: &'static str,
    class: &'static str,
    /// (dialect, the window's SQL)
    spellings: &'static [(&'static str, &'static str)],
}

/// A rebuild through a backup, as authelia's SQLite migrations spell it: copy
/// `orders` into a backup, drop it, create it again with `$total` as its third
/// column, copy the backup back (with `$copied` among the columns), drop the
/// backup; then `$next`, if any.
macro_rules! round_trip {
    ($total:literal, $copied:literal $(, $next:literal)?) => {
        concat!(
            "CREATE TABLE _bkp_orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);\n",
            "INSERT INTO _bkp_orders (id, user_id, total) SELECT id, user_id, total FROM orders ORDER BY id;\n",
            "DROP TABLE IF EXISTS orders;\n",
            "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, user_id INTEGER, ",
            $total,
            ");\n",
            "INSERT INTO orders (id, user_id",
            $copied,
            ") SELECT id, user_id",
            $copied,
            " FROM _bkp_orders ORDER BY id;\n",
            "DROP TABLE IF EXISTS _bkp_orders;"
            $(, "\n", $next)?
        )
    };
}

/// `orders` copied into `purchases`, a table of another name whose third column
/// is `$total` (with `$copied` among the columns copied), then dropped.
macro_rules! copied_elsewhere {
    ($total:literal, $copied:literal) => {
        concat!(
            "CREATE TABLE purchases (id int PRIMARY KEY, user_id int, ",
            $total,
            ", currency varchar(3));\n",
            "INSERT INTO purchases (id, user_id",
            $copied,
            ") SELECT id, user_id",
            $copied,
            " FROM orders;\n",
            "DROP TABLE orders;"
        )
    };
}

/// The failing spelling of a case lives in `tests/classes.rs` where the classes
/// table already has it (a foreign key on a column A writes).
const CASES: &[Case] = &[
    Case {
        what: "NOT NULL in two steps: a new column's default dropped",
        rule: "drop-default",
        class: "coupled",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'EUR';\n\
                 ALTER TABLE orders ALTER COLUMN currency DROP DEFAULT;",
            ),
            (
                "mysql",
                "ALTER TABLE orders ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'EUR';\n\
                 ALTER TABLE orders MODIFY currency varchar(3) NOT NULL;",
            ),
        ],
    },
    Case {
        what: "NOT NULL in two steps: a new column filled, then made NOT NULL",
        rule: "set-not-null",
        class: "coupled",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders ADD COLUMN currency varchar(3);\nUPDATE orders SET currency = 'EUR';\n\
                 ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;",
            ),
            (
                "mssql",
                "ALTER TABLE orders ADD currency varchar(3) NULL;\nGO\nUPDATE orders SET currency = 'EUR';\n\
                 ALTER TABLE orders ALTER COLUMN currency varchar(3) NOT NULL;",
            ),
        ],
    },
    Case {
        what: "a new column made NOT NULL that keeps a default",
        rule: "set-not-null",
        class: "safe",
        spellings: &[(
            "postgres",
            "ALTER TABLE orders ADD COLUMN currency varchar(3);\n\
             ALTER TABLE orders ALTER COLUMN currency SET DEFAULT 'EUR';\nUPDATE orders SET currency = 'EUR';\n\
             ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;",
        )],
    },
    Case {
        what: "foreign key on a column new in the window: A leaves it NULL",
        rule: "add-constraint",
        class: "safe",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders ADD COLUMN buyer_id int;\n\
                 ALTER TABLE orders ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (buyer_id) REFERENCES users (id);",
            ),
            (
                "mysql",
                "ALTER TABLE orders ADD COLUMN buyer_id int NULL;\n\
                 ALTER TABLE orders ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (buyer_id) REFERENCES users (id);",
            ),
            (
                "mssql",
                "ALTER TABLE orders ADD buyer_id int NULL;\n\
                 ALTER TABLE orders ADD CONSTRAINT orders_buyer_fk FOREIGN KEY (buyer_id) REFERENCES users (id);",
            ),
        ],
    },
    Case {
        what: "unique index on a column new in the window: NULLs never collide",
        rule: "create-unique-index",
        class: "safe",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE users ADD COLUMN handle varchar(50);\nCREATE UNIQUE INDEX users_handle ON users (handle);",
            ),
            (
                "mysql",
                "ALTER TABLE users ADD COLUMN handle varchar(50) NULL;\nCREATE UNIQUE INDEX users_handle ON users (handle);",
            ),
            (
                "sqlite",
                "ALTER TABLE users ADD COLUMN handle TEXT;\nCREATE UNIQUE INDEX users_handle ON users (handle);",
            ),
        ],
    },
    Case {
        what: "unique index on a new column in SQL Server, which lets one NULL in",
        rule: "create-unique-index",
        class: "coupled",
        spellings: &[(
            "mssql",
            "ALTER TABLE users ADD handle nvarchar(50) NULL;\nCREATE UNIQUE INDEX users_handle ON users (handle);",
        )],
    },
    Case {
        what: "unique constraint on a new column with a default: A's rows all get it",
        rule: "add-constraint",
        class: "coupled",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE users ADD COLUMN handle varchar(50) NOT NULL DEFAULT 'x';\n\
                 ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);",
            ),
            (
                "mysql",
                "ALTER TABLE users ADD COLUMN handle varchar(50) NOT NULL DEFAULT 'x';\n\
                 ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle);",
            ),
        ],
    },
    Case {
        what: "unique index on columns that hold the primary key",
        rule: "create-unique-index",
        class: "safe",
        spellings: &[
            ("postgres", "CREATE UNIQUE INDEX users_id_email ON users (id, email);"),
            ("mysql", "CREATE UNIQUE INDEX users_id_email ON users (id, email);"),
            ("sqlite", "CREATE UNIQUE INDEX users_id_email ON users (id, email);"),
            ("mssql", "CREATE UNIQUE INDEX users_id_email ON users (id, email);"),
        ],
    },
    Case {
        what: "unique index on a column A writes",
        rule: "create-unique-index",
        class: "coupled",
        spellings: &[
            ("postgres", "CREATE UNIQUE INDEX users_email ON users (email);"),
            ("mysql", "CREATE UNIQUE INDEX users_email ON users (email);"),
            ("sqlite", "CREATE UNIQUE INDEX users_email ON users (email);"),
            ("mssql", "CREATE UNIQUE INDEX users_email ON users (email);"),
        ],
    },
    Case {
        what: "a serial column's own sequence dropped in the window that made the table",
        rule: "drop-sequence",
        class: "safe",
        spellings: &[(
            "postgres",
            "CREATE TABLE coupons (id serial PRIMARY KEY);\nDROP SEQUENCE coupons_id_seq CASCADE;",
        )],
    },
    Case {
        what: "copy and swap: the values are copied into the column that takes the name",
        rule: "drop-column",
        class: "safe",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE users ADD COLUMN email_tmp text;\nUPDATE users SET email_tmp = email::text;\n\
                 ALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN email_tmp TO email;",
            ),
            (
                "mysql",
                "ALTER TABLE users ADD COLUMN email_tmp text;\nUPDATE users SET email_tmp = email;\n\
                 ALTER TABLE users DROP COLUMN email;\nALTER TABLE users CHANGE email_tmp email text;",
            ),
            (
                "sqlite",
                "ALTER TABLE users ADD COLUMN email_tmp TEXT;\nUPDATE users SET email_tmp = email;\n\
                 ALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN email_tmp TO email;",
            ),
            (
                "mssql",
                "ALTER TABLE users ADD email_tmp nvarchar(max) NULL;\nGO\nUPDATE users SET email_tmp = email;\n\
                 ALTER TABLE users DROP COLUMN email;\nEXEC sp_rename 'users.email_tmp', 'email', 'COLUMN';",
            ),
        ],
    },
    Case {
        what: "copy of some rows only: the others' values are lost",
        rule: "drop-column",
        class: "destructive",
        spellings: &[(
            "postgres",
            "ALTER TABLE users ADD COLUMN email_tmp text;\nUPDATE users SET email_tmp = email WHERE id > 10;\n\
             ALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN email_tmp TO email;",
        )],
    },
    Case {
        what: "values copied into a column of another name: no loss, but A's code reads the old name",
        rule: "drop-column",
        class: "coupled",
        spellings: &[(
            "postgres",
            "ALTER TABLE users ADD COLUMN contact text;\nUPDATE users SET contact = email;\nALTER TABLE users DROP COLUMN email;",
        )],
    },
    Case {
        what: "a column set to itself (only fires triggers)",
        rule: "update",
        class: "safe",
        spellings: &[
            ("postgres", "UPDATE users SET email = email;"),
            ("mysql", "UPDATE users SET email = email;"),
            ("sqlite", "UPDATE users SET email = email;"),
            ("mssql", "UPDATE users SET email = email;"),
        ],
    },
    Case {
        what: "a column set from the same column of another row (FROM)",
        rule: "update",
        class: "destructive",
        spellings: &[(
            "postgres",
            "UPDATE orders SET total = next.total FROM orders next WHERE next.id = orders.id + 1;",
        )],
    },
    Case {
        what: "a data-modifying WITH deletes rows (not a read-only query)",
        rule: "delete",
        class: "destructive",
        spellings: &[
            (
                "postgres",
                "WITH old AS (SELECT id FROM orders WHERE total < 0) DELETE FROM orders USING old WHERE orders.id = old.id;",
            ),
            (
                "mysql",
                "WITH old AS (SELECT id FROM orders WHERE total < 0) DELETE FROM orders WHERE id IN (SELECT id FROM old);",
            ),
            (
                "sqlite",
                "WITH old AS (SELECT id FROM orders WHERE total < 0) DELETE FROM orders WHERE id IN (SELECT id FROM old);",
            ),
            (
                "mssql",
                "WITH old AS (SELECT id FROM orders WHERE total < 0) DELETE FROM orders WHERE id IN (SELECT id FROM old);",
            ),
        ],
    },
    Case {
        what: "a DELETE inside a WITH whose body inserts what it returns",
        rule: "delete",
        class: "destructive",
        spellings: &[(
            "postgres",
            "CREATE TABLE orders_archive (id int, user_id int, total int);\n\
             WITH gone AS (DELETE FROM orders WHERE total = 0 RETURNING *) INSERT INTO orders_archive SELECT * FROM gone;",
        )],
    },
    Case {
        what: "a guarded drop of a view no migration made, before its creation",
        rule: "drop-view",
        class: "safe",
        spellings: &[
            (
                "mssql",
                "IF OBJECT_ID('dbo.user_emails', 'V') IS NOT NULL\n    DROP VIEW dbo.user_emails;\nGO\n\
                 CREATE VIEW dbo.user_emails AS SELECT id, email FROM users;",
            ),
            (
                "mssql",
                "IF EXISTS (SELECT * FROM sys.views WHERE name = 'user_emails')\nBEGIN\n    DROP VIEW dbo.user_emails\nEND\nGO\n\
                 CREATE VIEW dbo.user_emails AS SELECT id, email FROM users;",
            ),
        ],
    },
    Case {
        // The oracle on chef-server's cbv_type and Marquez' V48: PostgreSQL has no
        // CREATE TYPE IF NOT EXISTS.
        what: "a guarded drop of a type no migration made, before its creation",
        rule: "drop-type",
        class: "safe",
        spellings: &[("postgres", "DROP TYPE IF EXISTS cbv;\nCREATE TYPE cbv AS (name text, major bigint);")],
    },
    Case {
        what: "a column added to a table no migration made, then filled",
        rule: "update",
        class: "safe",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE legacy_audit ADD COLUMN note text;\nUPDATE legacy_audit SET note = 'x';",
            ),
            (
                "mysql",
                "ALTER TABLE legacy_audit ADD COLUMN note text NULL;\nUPDATE legacy_audit SET note = 'x';",
            ),
            ("sqlite", "ALTER TABLE legacy_audit ADD COLUMN note TEXT;\nUPDATE legacy_audit SET note = 'x';"),
            (
                "mssql",
                "ALTER TABLE legacy_audit ADD note nvarchar(max) NULL;\nGO\nUPDATE legacy_audit SET note = 'x';",
            ),
        ],
    },
    Case {
        what: "a table renamed, with a plain view of its old name that A reads and writes through",
        rule: "rename-table",
        class: "safe",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;",
            ),
            ("mysql", "RENAME TABLE orders TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;"),
            (
                "mssql",
                "EXEC sp_rename 'orders', 'purchases';\nGO\nCREATE VIEW orders AS SELECT id, user_id, total FROM purchases;",
            ),
        ],
    },
    Case {
        what: "a table renamed behind a view that filters, or in SQLite, whose views are read-only",
        rule: "rename-table",
        class: "coupled",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases WHERE total > 0;",
            ),
            (
                "sqlite",
                "ALTER TABLE orders RENAME TO purchases;\nCREATE VIEW orders AS SELECT * FROM purchases;",
            ),
        ],
    },
    Case {
        what: "a rebuilt table is still A's table: the column it then drops is A's",
        rule: "drop-column",
        class: "destructive",
        spellings: &[
            (
                "postgres",
                "CREATE TABLE new_orders (id int PRIMARY KEY, user_id int, total int);\n\
                 INSERT INTO new_orders (id, user_id, total) SELECT id, user_id, total FROM orders;\n\
                 DROP TABLE orders;\nALTER TABLE new_orders RENAME TO orders;\nALTER TABLE orders DROP COLUMN total;",
            ),
            (
                "sqlite",
                "CREATE TABLE \"new_orders\" (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);\n\
                 INSERT INTO \"new_orders\" (id, user_id, total) SELECT id, user_id, total FROM \"orders\";\n\
                 DROP TABLE \"orders\";\nALTER TABLE \"new_orders\" RENAME TO \"orders\";\n\
                 ALTER TABLE \"orders\" DROP COLUMN total;",
            ),
            ("sqlite", round_trip!("total INTEGER", ", total", "ALTER TABLE orders DROP COLUMN total;")),
        ],
    },
    Case {
        what: "a table dropped after its rows were copied into a table of another name with every column",
        rule: "drop-table",
        class: "coupled",
        spellings: &[
            ("sqlite", copied_elsewhere!("total INTEGER", ", total")),
            ("postgres", copied_elsewhere!("total int", ", total")),
            ("mysql", copied_elsewhere!("total int", ", total")),
        ],
    },
    Case {
        what: "a table dropped after its rows were copied into a table of another name without a column",
        rule: "drop-table",
        class: "destructive",
        spellings: &[("sqlite", copied_elsewhere!("note TEXT", ""))],
    },
    Case {
        what: "a rebuild renaming the old table away copies every row and column",
        rule: "drop-table",
        class: "safe",
        spellings: &[
            (
                "sqlite",
                "ALTER TABLE orders RENAME TO _orders_old;\n\
                 CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER);\n\
                 INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _orders_old;\n\
                 DROP TABLE _orders_old;",
            ),
            (
                "mysql",
                "RENAME TABLE orders TO _orders_old;\n\
                 CREATE TABLE orders (id int PRIMARY KEY, user_id int, total int);\n\
                 INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _orders_old;\n\
                 DROP TABLE _orders_old;",
            ),
        ],
    },
    Case {
        what: "a rebuild that leaves a column out loses that column's values",
        rule: "drop-table",
        class: "destructive",
        spellings: &[(
            "sqlite",
            "CREATE TABLE new_orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n\
             INSERT INTO new_orders (id, user_id) SELECT id, user_id FROM orders;\n\
             DROP TABLE orders;\nALTER TABLE new_orders RENAME TO orders;",
        )],
    },
    Case {
        what: "a column of a table no migration made, which A may use",
        rule: "update",
        class: "destructive",
        spellings: &[("postgres", "UPDATE legacy_audit SET note = 'x';")],
    },
];

#[test]
fn every_pattern_in_every_dialect() {
    let mut failures = Vec::new();
    for case in CASES {
        for (dialect, sql) in case.spellings {
            let report = audit(dialect, GIVEN, sql);
            let changes = report["changes"].as_array().cloned().unwrap_or_default();
            let classes: Vec<&str> = changes
                .iter()
                .filter(|c| c["rule"] == case.rule)
                .filter_map(|c| c["class"].as_str())
                .collect();
            if classes != [case.class] {
                let found: Vec<String> = changes.iter().map(describe).collect();
                failures.push(format!(
                    "{} ({dialect}): expected one {} finding {}, got {classes:?}\n    {}",
                    case.what,
                    case.rule,
                    case.class,
                    found.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// A round trip through a backup table (authelia's SQLite spelling of a rebuild)
/// is a rebuild: with every column both drops are safe, the second because the
/// backup is new; without a column, the drop of A's table loses its values.
#[test]
fn a_rebuild_through_a_backup_table_keeps_the_rows_it_copies_back() {
    for dialect in ["sqlite", "postgres", "mysql"] {
        let report = audit(dialect, GIVEN, round_trip!("total INTEGER", ", total"));
        let drops: Vec<&Value> =
            report["changes"].as_array().unwrap().iter().filter(|c| c["rule"] == "drop-table").collect();
        assert_eq!(drops.len(), 2, "{dialect}: {drops:?}");
        for drop in &drops {
            assert_eq!(drop["class"], "safe", "{dialect}: {}", describe(drop));
        }
        assert!(drops[0]["message"].as_str().unwrap().contains("table rebuild"), "{}", describe(drops[0]));
        assert_eq!(report["verdict"]["code_rollback"], "independent", "{dialect}");
    }
    let report = audit("sqlite", GIVEN, round_trip!("note TEXT", ""));
    let dropped = report["changes"].as_array().unwrap().iter().find(|c| c["rule"] == "drop-table").unwrap();
    assert_eq!(dropped["class"], "destructive", "{}", describe(dropped));
    assert!(dropped["message"].as_str().unwrap().contains("without `total`"), "{}", describe(dropped));
}

/// A rebuild whose copy leaves rows behind (a filter, grouping, `DISTINCT`, a
/// limit: synapse's de-duplicating `user_threepids` rebuild) loses the rows left
/// out when it drops A's table; the same rebuild copying every row loses none.
#[test]
fn a_rebuild_that_copies_only_some_rows_loses_the_others() {
    let rebuild = |copy: &str| {
        format!(
            "CREATE TABLE orders2 (id int PRIMARY KEY, user_id int, total int);\n\
             INSERT INTO orders2 {copy};\n\
             DROP TABLE orders;\n\
             ALTER TABLE orders2 RENAME TO orders;"
        )
    };
    let drop_of = |dialect: &str, copy: &str| {
        let report = audit(dialect, GIVEN, &rebuild(copy));
        report["changes"].as_array().unwrap().iter().find(|c| c["rule"] == "drop-table").cloned().unwrap()
    };
    for dialect in ["sqlite", "postgres", "mysql"] {
        let every_row = drop_of(dialect, "SELECT id, user_id, total FROM orders");
        assert_ne!(every_row["class"], "destructive", "{dialect}: {}", describe(&every_row));
        for partial in [
            "SELECT id, user_id, total FROM orders WHERE total > 0",
            "SELECT DISTINCT id, user_id, total FROM orders",
            "SELECT max(id), user_id, max(total) FROM orders GROUP BY user_id",
            "SELECT id, user_id, total FROM orders LIMIT 10",
        ] {
            let dropped = drop_of(dialect, partial);
            assert_eq!(dropped["class"], "destructive", "{dialect}, {partial}: {}", describe(&dropped));
        }
    }
}

fn describe(change: &Value) -> String {
    format!("{} {}: {}", change["class"], change["rule"], change["message"])
}

/// `rollsafe audit --format json` of release A holding `old` as its only
/// migration and release B holding `new` at the same path.
fn audit_edit(dialect: &str, old: &str, new: &str) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let (from, to) = (dir.path().join("a"), dir.path().join("b"));
    for (folder, text) in [(&from, old), (&to, new)] {
        std::fs::create_dir_all(folder).expect("mkdir");
        std::fs::write(folder.join("1_create.sql"), text).expect("write");
    }
    audit_folders(dialect, &from, &to)
}

#[test]
fn a_reformatted_migration_is_a_note_and_a_real_edit_stays_an_edit() {
    let old = "create table users (id int primary key, -- the key\n  name varchar(20));\n";
    let reformatted = [
        ("postgres", "CREATE TABLE users (\n    id   INT PRIMARY KEY,\n    name VARCHAR(20)\n);\n"),
        ("mysql", "CREATE TABLE users (id INT PRIMARY KEY,\n  /* display name */ name VARCHAR(20));"),
        ("sqlite", "CREATE TABLE Users (ID int PRIMARY KEY, Name varchar(20));"),
        ("mssql", "CREATE TABLE users\n(\n\tid INT PRIMARY KEY,\n\tname VARCHAR(20)\n);"),
    ];
    for (dialect, new) in reformatted {
        let report = audit_edit(dialect, old, new);
        assert_eq!(report["changes"], serde_json::json!([]), "{dialect}: {report}");
        let notes = report["notes"].to_string();
        assert!(notes.contains("was reformatted"), "{dialect}: {notes}");
        assert_eq!(report["verdict"]["code_rollback"], "independent", "{dialect}");
    }
    let edited = "CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40));";
    let report = audit_edit("postgres", old, edited);
    let rules: Vec<&str> =
        report["changes"].as_array().expect("changes").iter().filter_map(|c| c["rule"].as_str()).collect();
    assert_eq!(rules, ["edited-migration"], "a wider column is an edit: {report}");
}

#[test]
fn type_conversions_are_judged_by_each_dialects_table_with_the_reason() {
    // (dialect, A's table, the change, rule, class, words the message must hold)
    let cases = [
        (
            "postgres",
            "CREATE TABLE e (at timestamp);",
            "ALTER TABLE e ALTER COLUMN at TYPE timestamptz;",
            "compatible-type-change",
            "safe",
            "keeps its instant",
        ),
        (
            "postgres",
            "CREATE TABLE e (at timestamptz);",
            "ALTER TABLE e ALTER COLUMN at TYPE timestamp;",
            "incompatible-type-change",
            "coupled",
            "time zone is dropped",
        ),
        (
            "postgres",
            "CREATE TABLE e (n integer);",
            "ALTER TABLE e ALTER COLUMN n TYPE double precision;",
            "incompatible-type-change",
            "coupled",
            "floating-point",
        ),
        (
            "postgres",
            "CREATE TABLE e (doc json);",
            "ALTER TABLE e ALTER COLUMN doc TYPE jsonb USING doc::jsonb;",
            "compatible-type-change",
            "safe",
            "normalised",
        ),
        (
            "mysql",
            "CREATE TABLE e (at datetime);",
            "ALTER TABLE e MODIFY at timestamp;",
            "incompatible-type-change",
            "coupled",
            "2038",
        ),
        (
            "mysql",
            "CREATE TABLE e (at timestamp);",
            "ALTER TABLE e MODIFY at datetime;",
            "compatible-type-change",
            "safe",
            "fits in DATETIME",
        ),
        (
            "mssql",
            "CREATE TABLE e (at datetime);",
            "ALTER TABLE e ALTER COLUMN at datetime2(7);",
            "compatible-type-change",
            "safe",
            "DATETIME2 holds",
        ),
        (
            "mssql",
            "CREATE TABLE e (name nvarchar(50));",
            "ALTER TABLE e ALTER COLUMN name varchar(100);",
            "incompatible-type-change",
            "coupled",
            "code page",
        ),
    ];
    let mut failures = Vec::new();
    for (dialect, given, change, rule, class, words) in cases {
        let report = audit(dialect, given, change);
        let found = report["changes"].as_array().cloned().unwrap_or_default();
        let hit = found.iter().find(|c| c["rule"] == rule && c["class"] == class);
        match hit.and_then(|c| c["message"].as_str()) {
            Some(message) if message.contains(words) => {}
            _ => failures.push(format!(
                "{dialect} {change}: expected {rule} {class} saying {words:?}, got {:?}",
                found.iter().map(describe).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_enum_swap_that_only_adds_values_breaks_nothing_and_one_that_removes_a_value_does() {
    // The swap Prisma generates to change an enum's values in PostgreSQL.
    let given = "CREATE TYPE \"Status\" AS ENUM ('A', 'B');\n\
                 CREATE TABLE jobs (id int PRIMARY KEY, status \"Status\" NOT NULL DEFAULT 'A');";
    let swap = |values: &str| {
        format!(
            "CREATE TYPE \"Status_new\" AS ENUM ({values});\n\
             ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT;\n\
             ALTER TABLE jobs ALTER COLUMN status TYPE \"Status_new\" USING (status::text::\"Status_new\");\n\
             ALTER TYPE \"Status\" RENAME TO \"Status_old\";\n\
             ALTER TYPE \"Status_new\" RENAME TO \"Status\";\n\
             DROP TYPE \"Status_old\";\n\
             ALTER TABLE jobs ALTER COLUMN status SET DEFAULT 'A';"
        )
    };
    let report = audit("postgres", given, &swap("'A', 'B', 'C'"));
    let changes = report["changes"].as_array().cloned().unwrap_or_default();
    let unsafe_changes: Vec<String> = changes.iter().filter(|c| c["class"] != "safe").map(describe).collect();
    assert!(unsafe_changes.is_empty(), "{unsafe_changes:?}");
    assert_eq!(report["verdict"]["code_rollback"], "independent");

    let report = audit("postgres", given, &swap("'A'"));
    let drop_type = report["changes"]
        .as_array()
        .and_then(|changes| changes.iter().find(|c| c["rule"] == "drop-type").cloned())
        .expect("drop-type");
    assert_eq!(drop_type["class"], "coupled", "{}", describe(&drop_type));
    assert!(
        drop_type["message"].as_str().unwrap_or("").contains("no longer has B"),
        "{}",
        describe(&drop_type)
    );
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
}

/// `rollsafe audit --format json` of A holding `shipped` and B holding `shipped`
/// plus `late`, a migration whose version sorts before A's newest.
fn audit_out_of_order(shipped: &[(&str, &str)], late: (&str, &str)) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let (from, to) = (dir.path().join("a"), dir.path().join("b"));
    for folder in [&from, &to] {
        std::fs::create_dir_all(folder).expect("mkdir");
        for (name, sql) in shipped {
            std::fs::write(folder.join(name), sql).expect("write");
        }
    }
    std::fs::write(to.join(late.0), late.1).expect("write");
    audit_folders("postgres", &from, &to)
}

#[test]
fn an_out_of_order_migration_that_names_nothing_the_later_ones_name_is_safe() {
    let shipped = [
        ("1_users.sql", "CREATE TABLE users (id int PRIMARY KEY);"),
        ("3_orders.sql", "CREATE TABLE orders (id int PRIMARY KEY, user_id int);"),
    ];
    let class_of_late = |sql: &str| {
        let report = audit_out_of_order(&shipped, ("2_late.sql", sql));
        let late = report["changes"]
            .as_array()
            .and_then(|changes| changes.iter().find(|c| c["rule"] == "out-of-order-migration").cloned())
            .expect("out-of-order finding");
        (late["class"].as_str().unwrap_or_default().to_owned(), report["verdict"]["code_rollback"].clone())
    };
    let (class, verdict) = class_of_late("CREATE TABLE audit_log (id int, at timestamp);");
    assert_eq!((class.as_str(), verdict.as_str()), ("safe", Some("independent")));
    let (class, _) = class_of_late("ALTER TABLE users ADD COLUMN email text;");
    assert_eq!(class, "safe", "users is named by 1, which runs before it either way");
    let (class, verdict) = class_of_late("ALTER TABLE orders ADD COLUMN note text;");
    assert_eq!(
        (class.as_str(), verdict.as_str()),
        ("unknown", Some("review")),
        "3 made orders: order matters"
    );
    let (class, _) = class_of_late("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$;");
    assert_eq!(class, "unknown", "what it names cannot be known");
}
