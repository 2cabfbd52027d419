//! Real migrations from public projects (`../shared/corpus`, read in place, never
//! copied): every byte of every file lands in exactly one segment, and splitting,
//! parsing, replaying and classifying never panic. Prints per-dialect counts.
//! Skipped, with a note, where the corpus is not checked out beside the project;
//! in CI (`CI` set) a missing corpus fails instead, so the tests cannot pass by
//! reading nothing.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test helpers fail loudly

use std::collections::BTreeMap;
use std::path::Path;

use rollsafe::classify::{Class, judge_file};
use rollsafe::schema::{Schema, Snapshot};
use rollsafe::sql::{Dialect, SegmentKind, parse_split, split};

const CORPUS: &str = "../shared/corpus";

/// The corpus folder, or `None` (said on stderr) where it is not checked out.
/// Panics in CI, where a missing corpus would make every corpus test pass unread.
fn corpus() -> Option<&'static Path> {
    let corpus = Path::new(CORPUS);
    if corpus.is_dir() {
        return Some(corpus);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CORPUS} is missing, and CI is set: corpus tests must run in CI"
    );
    eprintln!("note: {CORPUS} is not checked out here; corpus test skipped");
    None
}

fn dialect(name: &str) -> Option<Dialect> {
    match name {
        "postgres" | "postgres+sqlite" => Some(Dialect::Postgres),
        "mysql" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        "tsql" => Some(Dialect::Mssql),
        _ => None,
    }
}

#[derive(Default, Debug)]
struct Counts {
    files: usize,
    statements: usize,
    unknown: usize,
    /// Why statements were unknown, by the start of the message.
    reasons: BTreeMap<String, usize>,
}

#[test]
fn corpus_is_split_without_loss_and_analysed_without_panics() {
    let Some(corpus) = corpus() else { return };
    let index = std::fs::read_to_string(corpus.join("FILES.tsv")).expect("the corpus index FILES.tsv");
    // One schema per project and dialect, replayed through its files in the index's
    // (name) order with the way-back files last, as a migration tool would run them:
    // a procedure defined by one migration is known when a later one calls it.
    let mut projects: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for line in index.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let (Some(folder), Some(path), Some(dialect_name)) = (fields.first(), fields.get(3), fields.get(4))
        {
            if path.ends_with(".sql") && *dialect_name != "dialect" {
                projects.entry((folder, dialect_name)).or_default().push(path);
            }
        }
    }
    let is_way_back =
        |path: &str| path.contains(".down.") || path.ends_with("/down.sql") || path.contains("/revert/");
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for ((folder, dialect_name), mut paths) in projects {
        // Out-of-scope dialects (ClickHouse, Oracle, H2, DB2), which the tool says it
        // does not read unless --dialect names one to read them in, are parsed here as
        // PostgreSQL: they must not crash, and their bytes are still covered; they are
        // counted apart, without a ceiling.
        let (dialect, label) = match dialect(dialect_name) {
            Some(dialect) => (dialect, dialect.to_string()),
            None => (Dialect::Postgres, "other".to_owned()),
        };
        paths.sort_by_key(|path| is_way_back(path));
        let mut schema = Schema::default();
        for path in paths {
            let file = corpus.join(folder).join(path);
            let bytes = std::fs::read(&file).expect("corpus file");
            let split = split(&bytes, dialect);
            let mut at = 0;
            for segment in &split.segments {
                assert_eq!(segment.range.start, at, "{}: gap or overlap at byte {at}", file.display());
                at = segment.range.end;
            }
            assert_eq!(at, bytes.len(), "{}: bytes after the last segment", file.display());
            let statement_segments =
                split.segments.iter().filter(|s| s.kind == SegmentKind::Statement).count();
            assert_eq!(statement_segments, split.statements.len(), "{}", file.display());

            let entry = counts.entry(label.clone()).or_default();
            entry.files += 1;
            // Judged the way the analysis judges a file; a suppression comment's
            // report is not a statement.
            let parsed = parse_split(split, dialect);
            let changes = judge_file(0, &bytes, &parsed, dialect, &mut schema, &mut Snapshot::default(), 0);
            let statements = changes.iter().filter(|change| {
                !matches!(change.primary().rule.id, "invalid-suppression" | "unused-suppression")
            });
            for change in statements {
                entry.statements += 1;
                if let Some(unknown) = change.findings().iter().find(|f| f.class == Class::Unknown) {
                    entry.unknown += 1;
                    let reason: String = unknown.message.chars().take(70).collect();
                    *entry.reasons.entry(reason).or_default() += 1;
                }
            }
        }
    }
    for (dialect, c) in &counts {
        eprintln!(
            "{dialect:>8}: {} files, {} statements, {} recognised, {} unknown ({:.2}%)",
            c.files,
            c.statements,
            c.statements - c.unknown,
            c.unknown,
            100.0 * c.unknown as f64 / c.statements.max(1) as f64
        );
        let mut reasons: Vec<(&String, &usize)> = c.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        for (reason, count) in reasons.iter().take(8) {
            eprintln!("          {count:>5}  {reason}");
        }
    }
    assert!(counts.len() >= 5, "expected four dialects and others in the corpus: {counts:?}");

    // Coverage only ratchets: each dialect's share of unknown statements may not
    // rise above the ceiling committed in tests/coverage-ceiling.txt.
    let ceilings = std::fs::read_to_string("tests/coverage-ceiling.txt").expect("ceilings");
    for line in ceilings.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (dialect, ceiling) = line.split_once(char::is_whitespace).expect("`dialect percent` lines");
        let ceiling: f64 = ceiling.trim().parse().expect("a percentage");
        let c = counts.get(dialect).unwrap_or_else(|| panic!("no {dialect} files in the corpus"));
        let share = 100.0 * c.unknown as f64 / c.statements.max(1) as f64;
        assert!(
            share <= ceiling,
            "{dialect}: {share:.2}% of statements are unknown, above the committed ceiling of {ceiling}%"
        );
    }
}

/// Each corpus project's migration folder is discovered as its tool's layout, in
/// its dialect.
#[test]
fn corpus_folders_are_discovered_as_their_layout_and_dialect() {
    use rollsafe::discover::{Layout, Options, discover};
    let Some(corpus) = corpus() else { return };
    let expected = [
        ("rust-lang__crates.io/migrations", Layout::Diesel, Dialect::Postgres),
        ("goharbor__harbor/make/migrations/postgresql", Layout::UpDown, Dialect::Postgres),
        ("langfuse__langfuse/packages/shared/prisma/migrations", Layout::Prisma, Dialect::Postgres),
        ("authelia__authelia/internal/storage/migrations/mysql", Layout::UpDown, Dialect::Mysql),
        ("authelia__authelia/internal/storage/migrations/sqlite", Layout::UpDown, Dialect::Sqlite),
        ("atuinsh__atuin/crates/atuin-server-postgres/migrations", Layout::Plain, Dialect::Postgres),
        ("umami-software__umami/db/mysql/migrations", Layout::Prisma, Dialect::Mysql),
        ("stonith404__pingvin-share/backend/prisma/migrations", Layout::Prisma, Dialect::Sqlite),
        ("mckaywrigley__chatbot-ui/supabase/migrations", Layout::Plain, Dialect::Postgres),
        ("supabase__postgres/migrations/db/migrations", Layout::Dbmate, Dialect::Postgres),
        ("chef__chef-server/src/oc_erchef/schema", Layout::Sqitch, Dialect::Postgres),
        ("matrix-org__synapse/synapse/storage/schema/main", Layout::VersionedFolders, Dialect::Postgres),
        ("temporalio__temporal/schema/mysql/v8/temporal", Layout::VersionedFolders, Dialect::Mysql),
        ("lutece-platform__lutece-core/src/sql/upgrade", Layout::Liquibase, Dialect::Mysql),
        (
            "MarquezProject__marquez/api/src/main/resources/marquez/db/migration",
            Layout::Flyway,
            Dialect::Postgres,
        ),
        ("OHDSI__WebAPI/src/main/resources/db/migration/sqlserver", Layout::Flyway, Dialect::Mssql),
        ("OHDSI__WebAPI/src/main/resources/db/migration/postgresql", Layout::Flyway, Dialect::Postgres),
        (
            "DSpace__DSpace/dspace-api/src/main/resources/org/dspace/storage/rdbms/sqlmigration/postgres",
            Layout::Flyway,
            Dialect::Postgres,
        ),
        ("umami-software__umami/prisma/migrations", Layout::Prisma, Dialect::Postgres),
        ("chef__chef-server/src/oc_bifrost/schema", Layout::Sqitch, Dialect::Postgres),
        ("epam__edp-ddm-citus/platform-db/changesets/registry", Layout::Liquibase, Dialect::Postgres),
        ("temporalio__temporal/schema/postgresql/v12/temporal", Layout::VersionedFolders, Dialect::Postgres),
        ("temporalio__temporal/schema/sqlite/v3/temporal", Layout::VersionedFolders, Dialect::Sqlite),
        (
            "eclipse-hawkbit__hawkbit-head/hawkbit-repository/hawkbit-repository-jpa-flyway/src/main/resources/db/migration/POSTGRESQL",
            Layout::Flyway,
            Dialect::Postgres,
        ),
        (
            "eclipse-hawkbit__hawkbit/hawkbit-repository/hawkbit-repository-jpa-flyway/src/main/resources/db/migration/MYSQL",
            Layout::Flyway,
            Dialect::Mysql,
        ),
    ];
    let mut wrong = Vec::new();
    for (folder, layout, dialect) in expected {
        match discover(&corpus.join(folder), &Options::default()) {
            Ok(set) => {
                let detected = set.detected_dialect.as_ref().map(|(d, _)| *d);
                if set.layout != layout || detected != Some(dialect) || set.forward.is_empty() {
                    wrong.push(format!(
                        "{folder}: {:?} {detected:?}, {} forward",
                        set.layout,
                        set.forward.len()
                    ));
                }
            }
            Err(error) => wrong.push(format!("{folder}: {error}")),
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The tokenizer's PostgreSQL fast path gives exactly sqlparser's tokens and
/// spans on every PostgreSQL file of the corpus it reads, and reads nearly all of
/// them (those it leaves hold custom operators, escape strings, exponents).
#[test]
fn the_tokenizer_fast_path_reads_postgres_files_as_sqlparser_does() {
    let Some(corpus) = corpus() else { return };
    let index = std::fs::read_to_string(corpus.join("FILES.tsv")).expect("the corpus index FILES.tsv");
    let (mut read, mut left) = (0, 0);
    for line in index.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (Some(folder), Some(path), Some(&"postgres")) = (fields.first(), fields.get(3), fields.get(4))
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(corpus.join(folder).join(path)) else { continue };
        match rollsafe::sql::compare_fast_path(&text) {
            Ok(true) => read += 1,
            Ok(false) => left += 1,
            Err(difference) => panic!("{folder}/{path}: {difference}"),
        }
    }
    eprintln!("tokenizer fast path: {read} PostgreSQL files read, {left} left to sqlparser");
    assert!(read > 1_000 && left * 50 < read, "fast path read {read} files, left {left}");
}
