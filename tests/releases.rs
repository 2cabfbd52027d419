//! Real release windows (`../shared/releases`, git bundles of public projects at
//! release tags), each cloned into a temporary folder and audited between two
//! tags with A's code read from the older tag. Each verdict below was judged by
//! reading the window's SQL and the older release's code.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

#[path = "support/repo.rs"]
mod repo;

use repo::{clone_release as clone, rollsafe};
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
