//! Real release windows (`../shared/releases`, git bundles of public projects at
//! release tags), each cloned into a temporary folder and audited between two
//! tags with A's code read from the older tag. Each verdict below was judged by
//! reading the window's SQL and the older release's code.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;

use repo::{clone_release as clone, git, rollsafe};
use serde_json::Value;

/// Every finding A's code was checked for: rule, the object's words in its
/// message up to the first colon, and where A's code uses it.
fn checked(report: &Value) -> Vec<(String, String, Vec<String>)> {
    report["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|change| change["findings"].as_array().into_iter().flatten())
        .filter(|f| !f["references_total"].is_null())
        .map(|f| {
            let message = f["message"].as_str().unwrap();
            let places = f["references"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| format!("{}:{}", r["file"].as_str().unwrap(), r["line"]))
                .collect();
            (f["rule"].as_str().unwrap().to_owned(), message.split(':').next().unwrap().to_owned(), places)
        })
        .collect()
}

/// umami v2.17.0 → v2.18.0 renames `session.subdivision1` and drops
/// `session.subdivision2` and `session.hostname`. v2.17.0's Prisma model maps all
/// three, and its `/api/send` route writes them when it creates a session: the
/// code rollback is blocked, and the report says where.
#[test]
fn umami_2_17_to_2_18_is_blocked_by_the_session_columns_its_model_maps() {
    let Some(dir) = clone("umami.bundle") else { return };
    let repo = dir.path().join("repo");
    let args =
        ["audit", "--from", "v2.17.0", "--to", "v2.18.0", "db/postgresql/migrations", "--format", "json"];
    let (status, report, stderr) = rollsafe(&repo, &args);
    assert_eq!(status, Some(1), "{stderr}");
    assert_eq!(report["verdict"]["code_rollback"], "blocked");
    assert_eq!(report["verdict"]["database_rollback"], "lossy");
    let checked = checked(&report);
    assert_eq!(checked.len(), 3, "{checked:?}");
    for (rule, what, places) in &checked {
        assert!(rule == "rename-column" || rule == "drop-column", "{rule}");
        assert!(places.iter().any(|p| p.starts_with("db/postgresql/schema.prisma:")), "{what}: {places:?}");
    }
    let hostname = &checked.iter().find(|(_, what, _)| what.contains("`hostname`")).unwrap().2;
    let subdivision2 = &checked.iter().find(|(_, what, _)| what.contains("`subdivision2`")).unwrap().2;
    for places in [hostname, subdivision2] {
        assert!(places.iter().any(|p| p.starts_with("src/app/api/send/route.ts:")), "{places:?}");
    }
    assert!(hostname.contains(&"db/postgresql/schema.prisma:34".to_owned()), "{hostname:?}");
    assert!(subdivision2.contains(&"db/postgresql/schema.prisma:42".to_owned()), "{subdivision2:?}");
    // The other dialects' migrations name the columns too; they are not code.
    assert!(report["code"]["skipped"]["migrations"].as_u64().unwrap() > 0);
}

/// atuin v18.11.0 → v18.12.0 drops the `user_verification_token` table and
/// `users.verified_at`; v18.11.0's server still selects both in sqlx queries.
#[test]
fn atuin_18_11_to_18_12_is_blocked_by_the_verification_queries() {
    let Some(dir) = clone("atuin.bundle") else { return };
    let repo = dir.path().join("repo");
    let folder = "crates/atuin-server-postgres/migrations";
    let args = ["audit", "--from", "v18.11.0", "--to", "v18.12.0", folder, "--format", "json"];
    let (status, report, stderr) = rollsafe(&repo, &args);
    assert_eq!(status, Some(1), "{stderr}");
    let checked = checked(&report);
    let places = |object: &str| &checked.iter().find(|(_, what, _)| what.contains(object)).unwrap().2;
    assert!(
        places("`user_verification_token`")
            .contains(&"crates/atuin-server-postgres/src/lib.rs:169".to_owned())
    );
    assert!(places("`verified_at`").contains(&"crates/atuin-server-postgres/src/lib.rs:125".to_owned()));
}

/// `rollsafe audit --from FROM --to TO MORE… --format json` in the clone `repo`,
/// which must run, and its verdicts: the code rollback and the database rollback.
fn audit(repo: &Path, from: &str, to: &str, more: &[&str]) -> (Value, String, String) {
    let mut args = vec!["audit", "--from", from, "--to", to, "--format", "json"];
    args.extend(more);
    let (status, report, stderr) = rollsafe(repo, &args);
    assert!(matches!(status, Some(0 | 1)), "{from} -> {to} {more:?}: {stderr}");
    let verdict = |which: &str| report["verdict"][which].as_str().unwrap().to_owned();
    let (code, database) = (verdict("code_rollback"), verdict("database_rollback"));
    (report, code, database)
}

/// Every finding of the report: (rule, class, message, file).
fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    let text = |value: &Value| value.as_str().unwrap().to_owned();
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|change| {
            change["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (text(&f["rule"]), text(&f["class"]), text(&f["message"]), text(&change["file"])))
        })
        .collect()
}

/// The findings that are not `safe`, as `class rule: message`.
fn not_safe(report: &Value) -> Vec<String> {
    findings(report)
        .into_iter()
        .filter(|(_, class, _, _)| class != "safe")
        .map(|(rule, class, message, _)| format!("{class} {rule}: {message}"))
        .collect()
}

fn statements(report: &Value) -> u64 {
    report["summary"]["changes"].as_u64().unwrap()
}

/// pingvin-share v0.27.0 → v0.28.0 ships no migration: nothing for A's code to
/// meet, nothing to undo.
#[test]
fn pingvin_0_27_to_0_28_ships_no_migration() {
    let Some(dir) = clone("pingvin-share.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v0.27.0", "v0.28.0", &[]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (0, "independent", "no-down"));
}

/// pingvin-share v0.28.0 → v0.29.0 rebuilds `ReverseShare` twice the way Prisma
/// does on SQLite (create `new_ReverseShare`, copy every row, drop, rename), each
/// time keeping every column v0.28.0's model maps and adding one with a default
/// (`simplified`, `publicAccess`): A's inserts still work and no row is lost.
#[test]
fn pingvin_0_28_to_0_29_rebuilds_reverse_share_with_every_column_it_had() {
    let Some(dir) = clone("pingvin-share.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v0.28.0", "v0.29.0", &[]);
    assert_eq!((code.as_str(), database.as_str()), ("independent", "no-down"));
    assert_eq!(statements(&report), 17);
    assert!(not_safe(&report).is_empty(), "{:?}", not_safe(&report));
    let drops: Vec<_> = findings(&report).into_iter().filter(|(rule, ..)| rule == "drop-table").collect();
    assert_eq!(drops.len(), 2);
    assert!(drops.iter().all(|(_, _, message, _)| message.contains("table rebuild")), "{drops:?}");
}

/// pingvin-share v0.29.0 → v1.0.0 adds the nullable `User.ldapDN` and a unique
/// index on it: v0.29.0's code never writes the column, and NULLs never collide.
#[test]
fn pingvin_0_29_to_1_0_adds_a_unique_column_the_older_code_leaves_null() {
    let Some(dir) = clone("pingvin-share.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v0.29.0", "v1.0.0", &[]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (2, "independent", "no-down"));
    let index = findings(&report).into_iter().find(|(rule, ..)| rule == "create-unique-index").unwrap();
    assert_eq!(index.1, "safe", "{index:?}");
}

/// pingvin-share v1.0.0 → v1.6.1 adds the nullable `RefreshToken.oauthIDToken`.
#[test]
fn pingvin_1_0_to_1_6_1_adds_a_nullable_column() {
    let Some(dir) = clone("pingvin-share.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v1.0.0", "v1.6.1", &[]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (1, "independent", "no-down"));
    assert_eq!(findings(&report)[0].0, "add-nullable-column");
}

/// pingvin-share v1.6.1 → v1.7.0 rebuilds `Share` with every column v1.6.1's
/// model maps and a new `storageProvider` defaulting to 'LOCAL': A's inserts
/// leave it out and get the default; every row is copied.
#[test]
fn pingvin_1_6_1_to_1_7_rebuilds_share_with_a_defaulted_column() {
    let Some(dir) = clone("pingvin-share.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v1.6.1", "v1.7.0", &[]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (8, "independent", "no-down"));
    assert!(not_safe(&report).is_empty(), "{:?}", not_safe(&report));
    let drop = findings(&report).into_iter().find(|(rule, ..)| rule == "drop-table").unwrap();
    assert!(drop.2.contains("table rebuild"), "{drop:?}");
}

/// umami v2.16.1 → v2.17.0 ships no migration in either dialect's history.
#[test]
fn umami_2_16_1_to_2_17_ships_no_migration() {
    let Some(dir) = clone("umami.bundle") else { return };
    let repo = dir.path().join("repo");
    for folder in ["db/postgresql/migrations", "db/mysql/migrations"] {
        let (report, code, database) = audit(&repo, "v2.16.1", "v2.17.0", &[folder]);
        assert_eq!((statements(&report), code.as_str(), database.as_str()), (0, "independent", "no-down"));
    }
}

/// umami v2.17.0 → v2.18.0 on MySQL is the PostgreSQL window in MySQL's spelling
/// (`UPDATE … JOIN … SET`): `session.subdivision1` renamed, `subdivision2` and
/// `hostname` dropped, all three mapped by v2.17.0's MySQL Prisma model. The
/// hostname copied into the new `website_event.hostname` overwrites nothing.
#[test]
fn umami_2_17_to_2_18_on_mysql_is_blocked_by_the_session_columns_its_model_maps() {
    let Some(dir) = clone("umami.bundle") else { return };
    let (report, code, database) =
        audit(&dir.path().join("repo"), "v2.17.0", "v2.18.0", &["db/mysql/migrations"]);
    assert_eq!((code.as_str(), database.as_str()), ("blocked", "lossy"));
    assert_eq!(statements(&report), 12);
    let checked = checked(&report);
    assert_eq!(checked.len(), 3, "{checked:?}");
    for (rule, what, places) in &checked {
        assert!(rule == "rename-column" || rule == "drop-column", "{rule}");
        assert!(places.iter().any(|p| p.starts_with("db/mysql/schema.prisma:")), "{what}: {places:?}");
    }
    let update = findings(&report).into_iter().find(|(rule, ..)| rule == "update").unwrap();
    assert_eq!(update.1, "safe", "{update:?}");
}

/// umami v2.18.0 → v2.20.2 retypes `report.parameters` from varchar(6000) to
/// jsonb (PostgreSQL) and json (MySQL): v2.18.0's model maps it as
/// `String @db.VarChar(6000)` and its routes write `JSON.stringify(…)` and
/// `JSON.parse` what they read, so the client A generated binds and reads text
/// where the column now holds JSON. The rest are new tables; no value is lost.
#[test]
fn umami_2_18_to_2_20_2_is_blocked_by_the_report_parameters_retyped_to_json() {
    let Some(dir) = clone("umami.bundle") else { return };
    let repo = dir.path().join("repo");
    for (folder, new_type, count) in
        [("db/postgresql/migrations", "jsonb", 10), ("db/mysql/migrations", "json", 3)]
    {
        let (report, code, database) = audit(&repo, "v2.18.0", "v2.20.2", &[folder]);
        assert_eq!((code.as_str(), database.as_str()), ("blocked", "no-down"), "{folder}");
        assert_eq!(statements(&report), count, "{folder}");
        let not_safe = not_safe(&report);
        assert_eq!(not_safe.len(), 1, "{folder}: {not_safe:?}");
        assert!(not_safe[0].starts_with("coupled incompatible-type-change"), "{not_safe:?}");
        assert!(not_safe[0].contains(&format!("from varchar(6000) to {new_type}")), "{not_safe:?}");
    }
}

/// umami v3.0.0 moved the PostgreSQL history from `db/postgresql/migrations` to
/// `prisma/migrations` (the same files) and dropped MySQL. Named as it is at each
/// release, the window is `14_add_link_and_pixel`: it narrows `report.type`,
/// `segment.type` (varchar(200) to 50) and `revenue.currency` (100 to 10), all
/// mapped by v2.20.2's model with their old sizes, and rewrites the stored reports
/// v2.20.2 reads (goals split into `goal` rows, funnel steps renamed) after
/// deleting some: blocked, and lossy.
#[test]
fn umami_2_20_2_to_3_0_on_postgres_narrows_columns_and_deletes_reports() {
    let Some(dir) = clone("umami.bundle") else { return };
    let repo = dir.path().join("repo");
    // Named at both releases, the folder is missing at one of them: said, not guessed.
    for folder in ["db/postgresql/migrations", "prisma/migrations"] {
        let (status, _, stderr) = rollsafe(&repo, &["audit", "--from", "v2.20.2", "--to", "v3.0.0", folder]);
        assert_eq!(status, Some(2), "{stderr}");
        assert!(stderr.contains("does not exist"), "{stderr}");
    }
    for (tree, tag) in [("a", "v2.20.2"), ("b", "v3.0.0")] {
        git(&repo, &["worktree", "add", "-q", "--detach", tree, tag]);
    }
    let args = ["--code", "a"];
    let (report, code, database) = audit(&repo, "a/db/postgresql/migrations", "b/prisma/migrations", &args);
    assert_eq!((code.as_str(), database.as_str()), ("blocked", "lossy"));
    assert_eq!(statements(&report), 23);
    let mut not_safe = not_safe(&report);
    not_safe.sort();
    let rules: Vec<&str> = not_safe.iter().map(|f| f.split(':').next().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "coupled incompatible-type-change",
            "coupled incompatible-type-change",
            "coupled incompatible-type-change",
            "destructive delete",
            "destructive delete",
            "destructive update",
            "destructive update",
            "destructive update",
        ]
    );
    assert!(not_safe.iter().any(|f| f.contains("`currency` of `revenue` from varchar(100) to varchar(10)")));
}

/// umami v3.0.0 has no MySQL history at all (MySQL support was dropped), so
/// there is no MySQL window to judge: rollsafe says the folder is missing at
/// v3.0.0 rather than judging every migration deleted.
#[test]
fn umami_2_20_2_to_3_0_has_no_mysql_history_to_roll_back() {
    let Some(dir) = clone("umami.bundle") else { return };
    let args = ["audit", "--from", "v2.20.2", "--to", "v3.0.0", "db/mysql/migrations"];
    let (status, _, stderr) = rollsafe(&dir.path().join("repo"), &args);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(stderr.contains("`db/mysql/migrations` does not exist"), "{stderr}");
}

/// atuin v18.10.0 → v18.11.0 ships no migration in any of its folders.
#[test]
fn atuin_18_10_to_18_11_ships_no_migration() {
    let Some(dir) = clone("atuin.bundle") else { return };
    let (report, code, database) = audit(&dir.path().join("repo"), "v18.10.0", "v18.11.0", &[]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (0, "independent", "no-down"));
}

/// atuin v18.11.0 → v18.12.0 on the SQLite server drops `user_verification_token`
/// and `users.verified_at` as on PostgreSQL; v18.11.0's SQLite server selects both.
#[test]
fn atuin_18_11_to_18_12_on_sqlite_is_blocked_by_the_verification_queries() {
    let Some(dir) = clone("atuin.bundle") else { return };
    let folder = "crates/atuin-server-sqlite/migrations";
    let (report, code, database) = audit(&dir.path().join("repo"), "v18.11.0", "v18.12.0", &[folder]);
    assert_eq!((statements(&report), code.as_str(), database.as_str()), (2, "blocked", "lossy"));
    let checked = checked(&report);
    let places = |object: &str| &checked.iter().find(|(_, what, _)| what.contains(object)).unwrap().2;
    assert!(places("`verified_at`").contains(&"crates/atuin-server-sqlite/src/lib.rs:103".to_owned()));
    assert!(
        places("`user_verification_token`").contains(&"crates/atuin-server-sqlite/src/lib.rs:175".to_owned())
    );
}

/// atuin v18.12.0 adds a client history in `crates/atuin-client/meta-migrations`
/// (`create table if not exists meta`): a new table, safe. The search for the
/// repository's migrations folders finds it (a name ending in `-migrations`)
/// and judges it with the others.
#[test]
fn atuin_18_11_to_18_12_says_what_it_does_with_the_new_meta_migrations_folder() {
    let Some(dir) = clone("atuin.bundle") else { return };
    let (report, ..) = audit(&dir.path().join("repo"), "v18.11.0", "v18.12.0", &[]);
    let said = report.to_string();
    assert!(said.contains("crates/atuin-client/meta-migrations"), "{}", report["notes"]);
}

/// authelia keeps one history per database in `internal/storage/migrations`;
/// `--dialect` picks one. Audits the window in each, in the clone `repo`.
fn authelia(repo: &Path, from: &str, to: &str, dialect: &str) -> (Value, String, String) {
    audit(repo, from, to, &["internal/storage/migrations", "--dialect", dialect])
}

/// authelia v4.37.5 → v4.38.0 (file names with the database, then a folder per
/// database: same content, renames noted). Each history edits migrations v4.37.5
/// shipped (`webauthn_devices.transport` widened in V0002/V0003 for fresh
/// installs; PostgreSQL's V0007 no longer rebuilds two tables): `unknown`. V0012
/// copies every row and column of `webauthn_devices` into the new
/// `webauthn_credentials` and drops it, while v4.37.5's storage provider queries
/// `webauthn_devices`: blocked, though no row is lost there. The downs drop the
/// window's tables and columns with what B wrote in them, and V0012's copies back
/// only the legacy credentials: lossy. SQLite's V0010 and V0011 rebuild
/// `oauth2_access_token_session` through a backup table, keeping every column
/// (loosened and widened): safe.
#[test]
fn authelia_4_37_5_to_4_38_is_blocked_by_webauthn_devices_moved_to_a_new_table() {
    let Some(dir) = clone("authelia.bundle") else { return };
    let repo = dir.path().join("repo");
    for (dialect, count, edited) in [("sqlite", 47, 4), ("mysql", 18, 2), ("postgres", 21, 3)] {
        let (report, code, database) = authelia(&repo, "v4.37.5", "v4.38.0", dialect);
        assert_eq!((code.as_str(), database.as_str()), ("blocked", "lossy"), "{dialect}");
        assert_eq!(statements(&report), count, "{dialect}");
        let all = findings(&report);
        let edits = all.iter().filter(|(rule, class, ..)| rule == "edited-migration" && class == "unknown");
        assert_eq!(edits.count(), edited, "{dialect}");
        let devices: Vec<_> = all
            .iter()
            .filter(|(rule, _, message, _)| rule == "drop-table" && message.contains("`webauthn_devices`"))
            .collect();
        assert_eq!(devices.len(), 1, "{dialect}: {devices:?}");
        assert_eq!(devices[0].1, "coupled", "{dialect}: {devices:?}");
        assert!(devices[0].2.contains("copied first into table `webauthn_credentials`"), "{devices:?}");
        let checked = checked(&report);
        assert!(
            checked.iter().any(|(_, what, places)| what.contains("`webauthn_devices`")
                && places.iter().any(|p| p.starts_with("internal/storage/"))),
            "{dialect}: {checked:?}"
        );
        let access_tokens = all.iter().filter(|(rule, _, message, _)| {
            rule == "drop-table" && message.contains("`oauth2_access_token_session`")
        });
        for (_, class, message, _) in access_tokens {
            assert_eq!(class, "safe", "{dialect}: {message}");
            assert!(message.contains("table rebuild"), "{dialect}: {message}");
        }
    }
}

/// authelia v4.38.0 → v4.38.19 changes no SQLite or PostgreSQL migration; on
/// MySQL it edits V0012, which v4.38.0 shipped: its INSERT copied `id` into
/// `created_at` and every column after it one place off. Databases that ran the
/// old text failed or hold shifted credentials, fresh ones do not: the code
/// rollback needs a review. Nothing is undone on any of them.
#[test]
fn authelia_4_38_to_4_38_19_needs_review_on_mysql_for_an_edited_migration() {
    let Some(dir) = clone("authelia.bundle") else { return };
    let repo = dir.path().join("repo");
    for (dialect, count, expected) in
        [("sqlite", 0, "independent"), ("mysql", 1, "review"), ("postgres", 0, "independent")]
    {
        let (report, code, database) = authelia(&repo, "v4.38.0", "v4.38.19", dialect);
        assert_eq!((code.as_str(), database.as_str()), (expected, "reversible"), "{dialect}");
        assert_eq!(statements(&report), count, "{dialect}");
    }
    let (report, ..) = authelia(&repo, "v4.38.0", "v4.38.19", "mysql");
    let edit = &findings(&report)[0];
    assert_eq!((edit.0.as_str(), edit.1.as_str()), ("edited-migration", "unknown"));
    assert!(edit.3.ends_with("mysql/V0012.WebAuthnMultiCookieDomain.up.sql"), "{edit:?}");
}

/// authelia v4.38.19 → v4.39.0 lets `oauth2_consent_session.subject` be NULL
/// (v4.38.19 reads it into a `uuid.NullUUID`), adds nullable or defaulted claim
/// columns and new tables: A's code runs. SQLite spells the NOT NULL change as a
/// rebuild of six tables through backup tables that copy every column back:
/// nothing is lost going forward. Going back, V0016's down deletes the consent
/// sessions B made without a subject, and V0017's drops B's claim columns: lossy.
#[test]
fn authelia_4_38_19_to_4_39_is_independent_and_its_way_back_loses_what_b_wrote() {
    let Some(dir) = clone("authelia.bundle") else { return };
    let repo = dir.path().join("repo");
    for (dialect, count) in [("sqlite", 89), ("mysql", 19), ("postgres", 19)] {
        let (report, code, database) = authelia(&repo, "v4.38.19", "v4.39.0", dialect);
        assert_eq!((code.as_str(), database.as_str()), ("independent", "lossy"), "{dialect}");
        assert_eq!(statements(&report), count, "{dialect}");
        assert!(not_safe(&report).is_empty(), "{dialect}: {:?}", not_safe(&report));
        let loses = |down: &str| {
            let mut steps = report["way_back"].as_array().unwrap().iter();
            let step = steps.find(|s| s["file"].as_str().unwrap().ends_with(down)).unwrap();
            step["loses"].to_string()
        };
        let consent = loses("V0016.OAuth2ConsentSubjectNULL.down.sql");
        assert!(consent.contains("`oauth2_consent_session`"), "{dialect}: {consent}");
        let claims = loses("V0017.OAuth2Claims.down.sql");
        assert!(claims.contains("`granted_claims`"), "{dialect}: {claims}");
    }
}
