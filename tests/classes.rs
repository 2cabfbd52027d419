//! The acceptance table: every example of the classes table in rollback-model.md,
//! in the PostgreSQL, MySQL, SQLite and SQL Server spellings where the dialect has
//! one, through `rollsafe audit --format json` on a pair of release folders.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

mod common;

use common::audit;
use serde_json::Value;

/// A's schema, in a spelling every dialect parses.
const GIVEN: &str = "
CREATE TABLE users (id int PRIMARY KEY, name varchar(100), email varchar(100) NOT NULL, status varchar(20) NOT NULL DEFAULT 'active');
CREATE TABLE orders (id int PRIMARY KEY, user_id int, total int);
CREATE VIEW user_names AS SELECT id, name FROM users;
";

/// What PostgreSQL's A also has.
const GIVEN_POSTGRES: &str = "
CREATE SEQUENCE invoice_seq;
CREATE SCHEMA reporting;
CREATE FUNCTION user_count() RETURNS bigint AS $$ SELECT count(*) FROM users $$ LANGUAGE sql;
";

struct Case {
    what: &'static str,
    class: &'static str,
    code_rollback: &'static str,
    /// (dialect, the window's SQL)
    spellings: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        what: "new table",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "CREATE TABLE coupons (id int PRIMARY KEY, code varchar(20));"),
            (
                "mysql",
                "CREATE TABLE coupons (id int PRIMARY KEY AUTO_INCREMENT, code varchar(20)) ENGINE=InnoDB;",
            ),
            ("sqlite", "CREATE TABLE coupons (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT);"),
            ("mssql", "CREATE TABLE coupons (id int IDENTITY(1,1) PRIMARY KEY, code nvarchar(20));"),
        ],
    },
    Case {
        what: "new nullable column",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "ALTER TABLE users ADD COLUMN nickname varchar(50);"),
            ("mysql", "ALTER TABLE users ADD COLUMN nickname varchar(50) NULL;"),
            ("sqlite", "ALTER TABLE users ADD COLUMN nickname TEXT;"),
            ("mssql", "ALTER TABLE users ADD nickname nvarchar(50) NULL;"),
        ],
    },
    Case {
        what: "column with a default",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;"),
            ("mysql", "ALTER TABLE users ADD COLUMN active tinyint(1) NOT NULL DEFAULT 1;"),
            ("sqlite", "ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"),
            ("mssql", "ALTER TABLE users ADD active bit NOT NULL DEFAULT 1;"),
        ],
    },
    Case {
        what: "new index",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "CREATE INDEX CONCURRENTLY orders_user_idx ON orders (user_id);"),
            ("mysql", "CREATE INDEX orders_user_idx ON orders (user_id);"),
            ("sqlite", "CREATE INDEX IF NOT EXISTS orders_user_idx ON orders (user_id);"),
            ("mssql", "CREATE NONCLUSTERED INDEX orders_user_idx ON orders (user_id);"),
        ],
    },
    Case {
        what: "tweaked view",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "CREATE OR REPLACE VIEW user_names AS SELECT id, name, email FROM users;"),
            ("mysql", "CREATE OR REPLACE VIEW user_names AS SELECT id, name, email FROM users;"),
            ("sqlite", "DROP VIEW user_names;\nCREATE VIEW user_names AS SELECT id, name, email FROM users;"),
            ("mssql", "ALTER VIEW user_names AS SELECT id, name, email FROM users;"),
        ],
    },
    Case {
        what: "function body change with the same signature",
        class: "safe",
        code_rollback: "independent",
        spellings: &[(
            "postgres",
            "CREATE OR REPLACE FUNCTION user_count() RETURNS bigint AS $$ SELECT count(*) FROM users WHERE status = 'active' $$ LANGUAGE sql;",
        )],
    },
    Case {
        what: "widened varchar",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "ALTER TABLE users ALTER COLUMN name TYPE varchar(200);"),
            ("mysql", "ALTER TABLE users MODIFY name varchar(200);"),
            ("mssql", "ALTER TABLE users ALTER COLUMN name varchar(200) NULL;"),
        ],
    },
    Case {
        what: "dropped NOT NULL",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
            ("mysql", "ALTER TABLE users MODIFY email varchar(100) NULL;"),
            ("mssql", "ALTER TABLE users ALTER COLUMN email varchar(100) NULL;"),
        ],
    },
    Case {
        what: "comment",
        class: "safe",
        code_rollback: "independent",
        spellings: &[("postgres", "COMMENT ON COLUMN users.email IS 'login address';")],
    },
    Case {
        what: "grant",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "GRANT SELECT ON users TO reporting;"),
            ("mysql", "GRANT SELECT ON users TO reporting;"),
            ("mssql", "GRANT SELECT ON users TO reporting;"),
        ],
    },
    Case {
        what: "seed INSERT",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "INSERT INTO users (id, name, email) VALUES (1, 'admin', 'admin@example.com');"),
            ("mysql", "INSERT INTO users (id, name, email) VALUES (1, 'admin', 'admin@example.com');"),
            (
                "sqlite",
                "INSERT OR IGNORE INTO users (id, name, email) VALUES (1, 'admin', 'admin@example.com');",
            ),
            ("mssql", "INSERT INTO users (id, name, email) VALUES (1, N'admin', N'admin@example.com');"),
        ],
    },
    Case {
        what: "SET, BEGIN, COMMIT",
        class: "safe",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "BEGIN;\nSET lock_timeout = '5s';\nCOMMIT;"),
            ("mysql", "SET foreign_key_checks = 0;\nSTART TRANSACTION;\nCOMMIT;"),
            ("sqlite", "PRAGMA foreign_keys = ON;\nBEGIN;\nCOMMIT;"),
            ("mssql", "SET XACT_ABORT ON;\nBEGIN TRANSACTION;\nCOMMIT;"),
        ],
    },
    Case {
        what: "renamed column",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users RENAME COLUMN name TO full_name;"),
            ("mysql", "ALTER TABLE users CHANGE name full_name varchar(100);"),
            ("sqlite", "ALTER TABLE users RENAME COLUMN name TO full_name;"),
            ("mssql", "EXEC sp_rename 'users.name', 'full_name', 'COLUMN';"),
        ],
    },
    Case {
        what: "renamed table",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE orders RENAME TO purchases;"),
            ("mysql", "RENAME TABLE orders TO purchases;"),
            ("sqlite", "ALTER TABLE orders RENAME TO purchases;"),
            ("mssql", "EXEC sp_rename 'orders', 'purchases';"),
        ],
    },
    Case {
        what: "renamed view",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER VIEW user_names RENAME TO people;"),
            ("mysql", "RENAME TABLE user_names TO people;"),
            ("mssql", "EXEC sp_rename 'user_names', 'people';"),
        ],
    },
    Case {
        what: "NOT NULL column added without default",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users ADD COLUMN tenant_id int NOT NULL;"),
            ("mysql", "ALTER TABLE users ADD COLUMN tenant_id int NOT NULL;"),
            ("sqlite", "ALTER TABLE users ADD COLUMN tenant_id INTEGER NOT NULL;"),
            ("mssql", "ALTER TABLE users ADD tenant_id int NOT NULL;"),
        ],
    },
    Case {
        what: "SET NOT NULL",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;"),
            ("mysql", "ALTER TABLE users MODIFY name varchar(100) NOT NULL;"),
            ("mssql", "ALTER TABLE users ALTER COLUMN name varchar(100) NOT NULL;"),
        ],
    },
    Case {
        what: "narrowed type",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users ALTER COLUMN name TYPE varchar(10);"),
            ("mysql", "ALTER TABLE users MODIFY name varchar(10);"),
            ("mssql", "ALTER TABLE users ALTER COLUMN name varchar(10) NULL;"),
        ],
    },
    Case {
        what: "incompatible type",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users ALTER COLUMN name TYPE integer USING length(name);"),
            ("mysql", "ALTER TABLE users MODIFY name int;"),
            ("mssql", "ALTER TABLE users ALTER COLUMN name int NULL;"),
        ],
    },
    Case {
        what: "new unique constraint on an existing table",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
            ("mysql", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
            ("sqlite", "CREATE UNIQUE INDEX users_email_key ON users (email);"),
            ("mssql", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
        ],
    },
    Case {
        what: "new check constraint on an existing table",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total > 0) NOT VALID;"),
            ("mysql", "ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total > 0);"),
            ("mssql", "ALTER TABLE orders ADD CONSTRAINT positive_total CHECK (total > 0);"),
        ],
    },
    Case {
        what: "new foreign key on an existing table",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            (
                "postgres",
                "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
            ),
            (
                "mysql",
                "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
            ),
            (
                "mssql",
                "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);",
            ),
        ],
    },
    Case {
        what: "dropped view",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "DROP VIEW user_names;"),
            ("mysql", "DROP VIEW IF EXISTS user_names;"),
            ("sqlite", "DROP VIEW user_names;"),
            ("mssql", "DROP VIEW user_names;"),
        ],
    },
    Case {
        what: "dropped function",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[("postgres", "DROP FUNCTION user_count();")],
    },
    Case {
        what: "dropped sequence",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[("postgres", "DROP SEQUENCE invoice_seq;")],
    },
    Case {
        what: "revoked grant",
        class: "coupled",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "REVOKE SELECT ON users FROM reporting;"),
            ("mysql", "REVOKE SELECT ON users FROM reporting;"),
            ("mssql", "REVOKE SELECT ON users FROM reporting;"),
        ],
    },
    Case {
        what: "DROP TABLE",
        class: "destructive",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "DROP TABLE orders;"),
            ("mysql", "DROP TABLE IF EXISTS orders;"),
            ("sqlite", "DROP TABLE orders;"),
            ("mssql", "DROP TABLE orders;"),
        ],
    },
    Case {
        what: "DROP COLUMN",
        class: "destructive",
        code_rollback: "blocked",
        spellings: &[
            ("postgres", "ALTER TABLE users DROP COLUMN name;"),
            ("mysql", "ALTER TABLE users DROP COLUMN name;"),
            ("sqlite", "ALTER TABLE users DROP COLUMN name;"),
            ("mssql", "ALTER TABLE users DROP COLUMN name;"),
        ],
    },
    Case {
        what: "TRUNCATE",
        class: "destructive",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "TRUNCATE orders;"),
            ("mysql", "TRUNCATE TABLE orders;"),
            ("mssql", "TRUNCATE TABLE orders;"),
        ],
    },
    Case {
        what: "DELETE",
        class: "destructive",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "DELETE FROM orders WHERE total = 0;"),
            ("mysql", "DELETE FROM orders WHERE total = 0;"),
            ("sqlite", "DELETE FROM orders;"),
            ("mssql", "DELETE FROM orders WHERE total = 0;"),
        ],
    },
    Case {
        what: "UPDATE that overwrites values",
        class: "destructive",
        code_rollback: "independent",
        spellings: &[
            ("postgres", "UPDATE users SET name = upper(name);"),
            ("mysql", "UPDATE users SET name = UPPER(name) WHERE id > 0;"),
            ("sqlite", "UPDATE users SET name = upper(name);"),
            ("mssql", "UPDATE users SET name = UPPER(name);"),
        ],
    },
    Case {
        what: "DROP SCHEMA",
        class: "destructive",
        code_rollback: "blocked",
        spellings: &[("postgres", "DROP SCHEMA reporting CASCADE;")],
    },
    Case {
        what: "statement the parser rejects",
        class: "unknown",
        code_rollback: "review",
        spellings: &[
            ("postgres", "ALTER TABLE users FROBNICATE name;"),
            ("mysql", "ALTER TABLE users FROBNICATE name;"),
            ("sqlite", "ALTER TABLE users FROBNICATE name;"),
            ("mssql", "ALTER TABLE users FROBNICATE name;"),
        ],
    },
    Case {
        what: "DO block and dynamic SQL",
        class: "unknown",
        code_rollback: "review",
        spellings: &[
            ("postgres", "DO $$ BEGIN EXECUTE 'DROP TABLE orders'; END $$;"),
            ("mysql", "PREPARE stmt FROM @ddl;\nEXECUTE stmt;"),
        ],
    },
    Case {
        what: "unrecognised EXEC",
        class: "unknown",
        code_rollback: "review",
        spellings: &[("mssql", "EXEC dbo.cleanup_orders;")],
    },
];

fn given(dialect: &str) -> String {
    if dialect == "postgres" { format!("{GIVEN}{GIVEN_POSTGRES}") } else { GIVEN.to_owned() }
}

const SEVERITY: [&str; 4] = ["safe", "unknown", "coupled", "destructive"];

#[test]
fn every_example_of_the_classes_table_in_every_dialect() {
    let mut failures = Vec::new();
    for case in CASES {
        for (dialect, sql) in case.spellings {
            let report = audit(dialect, &given(dialect), sql);
            let changes = report["changes"].as_array().cloned().unwrap_or_default();
            let worst = changes
                .iter()
                .filter_map(|c| c["class"].as_str())
                .max_by_key(|class| SEVERITY.iter().position(|s| s == class))
                .unwrap_or("none");
            let verdict = report["verdict"]["code_rollback"].as_str().unwrap_or("none");
            if worst != case.class || verdict != case.code_rollback {
                let found: Vec<String> = changes
                    .iter()
                    .map(|c| format!("{} {}: {}", c["class"], c["rule"], c["message"]))
                    .collect();
                failures.push(format!(
                    "{} ({dialect}): expected {} / {}, got {worst} / {verdict}\n    {}",
                    case.what,
                    case.class,
                    case.code_rollback,
                    found.join("\n    ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn sqlite_table_rebuild_keeping_every_column_is_independent() {
    let rebuild = "
PRAGMA foreign_keys = OFF;
CREATE TABLE orders_new (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER NOT NULL DEFAULT 0);
INSERT INTO orders_new (id, user_id, total) SELECT id, user_id, total FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
PRAGMA foreign_keys = ON;";
    let report = audit("sqlite", GIVEN, rebuild);
    assert_eq!(report["verdict"]["code_rollback"], "independent", "{report:#}");
    assert!(
        report["changes"].as_array().is_some_and(|c| c.iter().all(|c| c["class"] == "safe")),
        "{report:#}"
    );
}

#[test]
fn sqlite_table_rebuild_losing_a_column_is_blocked() {
    let rebuild = "
CREATE TABLE orders_new (id INTEGER PRIMARY KEY, total INTEGER);
INSERT INTO orders_new (id, total) SELECT id, total FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;";
    let report = audit("sqlite", GIVEN, rebuild);
    assert_eq!(report["verdict"]["code_rollback"], "blocked", "{report:#}");
    let drop =
        report["changes"].as_array().and_then(|c| c.iter().find(|c| c["rule"] == "drop-table").cloned());
    assert_eq!(drop.map(|d| d["class"].clone()), Some(Value::from("destructive")));
}
