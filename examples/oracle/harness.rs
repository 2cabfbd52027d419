//! The engine-independent harness: replays a migrations folder one migration at a
//! time on a real engine, runs A's probes before and after each, and compares
//! what broke with what rollsafe claims about that migration.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use miette::Result;
use rollsafe::analysis::{Options, check};
use rollsafe::classify::{Class, Finding};
use rollsafe::discover::{Migration, discover};
use rollsafe::schema::Subject;
use rollsafe::sql::{Dialect, mask_placeholders};

use crate::catalog::{Catalog, Probe};

/// A throw-away database engine the harness drives.
pub trait Engine {
    /// The dialect rollsafe reads the engine's migrations in.
    fn dialect(&self) -> Dialect;
    /// Starts an empty database for the next folder.
    fn fresh_database(&mut self) -> Result<()>;
    /// The schema as the catalog has it now.
    fn catalog(&mut self) -> Result<Catalog>;
    /// Runs each probe in a transaction that is rolled back, with foreign-key
    /// checks off: `None` where it worked, else the engine's error.
    fn run_probes(&mut self, probes: &[Probe]) -> Result<Vec<Option<String>>>;
    /// Runs a migration's SQL. `Ok(Err(message))` when the engine refused it.
    fn apply(&mut self, sql: &str) -> Result<std::result::Result<(), String>>;
    /// What the harness created because the migrations assume it (roles,
    /// extensions, settings), said once each; drained by the caller.
    fn take_assumptions(&mut self) -> Vec<String>;
}

/// Rules whose findings the probes cannot confirm or refute, with why. A window
/// where rollsafe's only code-breaking findings come from these rules and no probe
/// broke is out of the oracle's reach; when a probe does break, it decides.
pub const OUT_OF_REACH: &[(&str, &str)] = &[
    // Value-dependent: whether A's writes are rejected depends on the values A
    // writes and the rows already there; one sample row cannot say.
    ("add-constraint", "a new CHECK/UNIQUE/FK rejects only some values (and FK checks are off)"),
    ("create-unique-index", "a unique index rejects only duplicates, one sample row has none"),
    ("incompatible-type-change", "whether A's values still fit the new type depends on the values"),
    // Behavioural: A's statements still run, they do something else; the probes
    // only see whether a statement runs.
    ("drop-default", "a nullable column loses its default: A's inserts still run, with NULL"),
    ("drop-trigger", "A's writes still run, without what the trigger did"),
    ("disable-trigger", "A's writes still run, without what the trigger did"),
    // Privileges: the probes run as the superuser, which bypasses them.
    ("revoke", "the probes run as the superuser, which keeps every privilege"),
    ("enable-row-level-security", "the superuser bypasses row-level security"),
];

fn out_of_reach(rule: &str) -> bool {
    OUT_OF_REACH.iter().any(|(id, _)| *id == rule)
}

/// How a window (one migration) came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// A probe broke and rollsafe says the migration breaks A's code.
    AgreeBreaks,
    /// Nothing broke and rollsafe says nothing does.
    AgreeFine,
    /// rollsafe says A's code breaks, yet every probe that worked still works.
    OnlyRollsafeBreaks,
    /// A probe broke and rollsafe says nothing breaks.
    OnlyProbeBreaks,
    /// The engine refused the migration.
    Refused,
    /// rollsafe says A's code breaks, nothing broke, and every table or view
    /// its claims are about is missing from the engine's database before the
    /// migration: an earlier migration the engine refused would have made it, or
    /// no migration makes it (rollsafe keeps a dropped table's finding: its rows
    /// may come from outside the migrations).
    NotOnEngine,
    /// rollsafe's only claims are ones the probes cannot decide.
    OutOfReach,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::AgreeBreaks => "agree: breaks",
            Outcome::AgreeFine => "agree: fine",
            Outcome::OnlyRollsafeBreaks => "rollsafe says breaks, nothing broke",
            Outcome::OnlyProbeBreaks => "rollsafe says fine, a probe broke",
            Outcome::Refused => "engine refused the migration",
            Outcome::NotOnEngine => "rollsafe's claim is about a table or view the engine does not have",
            Outcome::OutOfReach => "out of the oracle's reach",
        }
    }

    pub fn agrees(self) -> bool {
        matches!(self, Outcome::AgreeBreaks | Outcome::AgreeFine)
    }

    /// Whether the window counts towards the agreement rate.
    pub fn judged(self) -> bool {
        !matches!(self, Outcome::Refused | Outcome::OutOfReach | Outcome::NotOnEngine)
    }
}

/// A probe that worked on A's schema and fails after the migration.
#[derive(Debug, Clone)]
pub struct Break {
    pub probe: Probe,
    pub error: String,
}

/// One migration, judged by the engine and by rollsafe.
#[derive(Debug, Clone)]
pub struct Window {
    pub folder: String,
    /// The migration's path as discovery shows it.
    pub file: String,
    pub outcome: Outcome,
    /// rollsafe's findings that break A's code, by rule id.
    pub breaking_rules: Vec<&'static str>,
    /// rollsafe's findings it could not decide, by rule id.
    pub unknown_rules: Vec<&'static str>,
    pub breaks: Vec<Break>,
    /// The engine's error, when it refused the migration.
    pub refusal: Option<String>,
}

/// What one folder gave.
#[derive(Debug, Clone, Default)]
pub struct FolderRun {
    pub windows: Vec<Window>,
    /// Probes that already failed on A's own schema (a sample value the engine
    /// rejects, a row that collides): they cannot observe a break.
    pub probes_failing_before: usize,
    pub probes_run: usize,
    /// What the harness created because the migrations assume it.
    pub assumed: Vec<String>,
}

/// Replays `folder` on `engine`, one migration at a time, in rollsafe's order.
pub fn judge_folder(engine: &mut dyn Engine, folder: &Path) -> Result<FolderRun> {
    let options = Options::new(Some(engine.dialect()));
    let set = discover(folder, &options.discover)?;
    let claims = rollsafe_claims(folder, &options)?;
    engine.fresh_database()?;
    let shown = folder.display().to_string();
    let mut run = FolderRun::default();
    for migrations in windows(&set.forward) {
        let file = migrations[0].display.clone();
        let catalog = engine.catalog()?;
        let probes = catalog.probes();
        let before = engine.run_probes(&probes)?;
        run.probes_run += probes.len();
        run.probes_failing_before += before.iter().filter(|error| error.is_some()).count();
        let claim = claims.get(&file).cloned().unwrap_or_default();
        let mut refusal = None;
        for migration in &migrations {
            // The engine gets Flyway and Liquibase `${placeholders}` as the names
            // rollsafe reads them as, and no text of a migration rollsafe cannot read.
            let text = String::from_utf8_lossy(migration.sql());
            if let Err(message) = engine.apply(&mask_placeholders(&text))? {
                refusal = Some(message);
                break;
            }
        }
        let breaks = match refusal {
            Some(_) => Vec::new(),
            None => {
                let after = engine.run_probes(&probes)?;
                broken(&probes, &before, after)
            }
        };
        let mut outcome = outcome(refusal.is_some(), &breaks, &claim);
        if outcome == Outcome::OnlyRollsafeBreaks && claim.about_relations_missing_from(&catalog) {
            outcome = Outcome::NotOnEngine;
        }
        if outcome == Outcome::OnlyProbeBreaks && breaks.iter().all(|b| rejects_the_sample_row(&b.error)) {
            outcome = Outcome::OutOfReach;
        }
        run.windows.push(Window {
            folder: shown.clone(),
            file,
            outcome,
            breaking_rules: claim.breaking,
            unknown_rules: claim.unknown,
            breaks,
            refusal,
        });
    }
    run.assumed = engine.take_assumptions();
    Ok(run)
}

/// Consecutive migrations from one file (Liquibase changesets) are one window:
/// rollsafe reports by file.
fn windows(forward: &[Migration]) -> Vec<Vec<&Migration>> {
    let mut windows: Vec<Vec<&Migration>> = Vec::new();
    for migration in forward {
        match windows.last_mut() {
            Some(last) if last[0].display == migration.display => last.push(migration),
            _ => windows.push(vec![migration]),
        }
    }
    windows
}

/// Whether an error rejects the probe's sample row for its values rather than
/// for its shape: a duplicate key (the migration inserted rows, or left a
/// sequence behind rows it inserted with explicit ids) or a data exception (an
/// expression index or a trigger that parses the sample `'x'`). Whether A's
/// real rows meet the same fate depends on their values.
fn rejects_the_sample_row(error: &str) -> bool {
    // PostgreSQL: SQLSTATE 23505 and class 22; MariaDB: 1062 (ER_DUP_ENTRY);
    // SQLite: its constraint message.
    error.starts_with("23505:")
        || error.starts_with("22")
        || error.starts_with("1062:")
        || error.starts_with("UNIQUE constraint failed")
}

fn broken(probes: &[Probe], before: &[Option<String>], after: Vec<Option<String>>) -> Vec<Break> {
    probes
        .iter()
        .zip(before)
        .zip(after)
        .filter_map(|((probe, before), after)| match (before, after) {
            (None, Some(error)) => Some(Break { probe: probe.clone(), error }),
            _ => None,
        })
        .collect()
}

/// What rollsafe says about one migration file.
#[derive(Debug, Clone, Default)]
struct Claim {
    breaking: Vec<&'static str>,
    unknown: Vec<&'static str>,
    /// One entry per code-breaking finding the probes can decide: the table or
    /// view it is about, bare and lower-case (`None`: about something else).
    relations: Vec<Option<String>>,
}

impl Claim {
    /// Whether every decidable code-breaking finding is about a table or view
    /// the engine's catalog does not have.
    fn about_relations_missing_from(&self, catalog: &Catalog) -> bool {
        let known: HashSet<String> =
            catalog.tables.iter().chain(&catalog.views).map(|relation| bare_name(&relation.name)).collect();
        !self.relations.is_empty()
            && self.relations.iter().all(|relation| relation.as_ref().is_some_and(|r| !known.contains(r)))
    }
}

/// A relation's name without its schema, quotes and case: `"public"."Users"`,
/// `` `oracle`.`users` `` and `public.users` are all `users`.
fn bare_name(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(|c| c == '"' || c == '`').to_lowercase()
}

/// rollsafe's judgement of every file, each against the history before it
/// (`rollsafe check FOLDER`), keyed by the file's display path.
fn rollsafe_claims(folder: &Path, options: &Options) -> Result<HashMap<String, Claim>> {
    let analysis = check(folder, options)?;
    let mut claims: HashMap<String, Claim> = HashMap::new();
    for change in &analysis.changes {
        let Some(file) = analysis.files.get(change.file) else { continue };
        let claim = claims.entry(file.display.clone()).or_default();
        for finding in change.findings().iter().filter(|f| f.counts()) {
            if finding.breaks_code {
                push_rule(&mut claim.breaking, finding);
                if decidable(finding) {
                    claim.relations.push(relation_of(finding));
                }
            } else if finding.class == Class::Unknown {
                push_rule(&mut claim.unknown, finding);
            }
        }
    }
    Ok(claims)
}

/// Whether the probes can confirm or refute a code-breaking finding: not one of
/// the `OUT_OF_REACH` rules', and not a table rebuild that keeps every row and
/// every column A's code uses yet "changes what A's code uses". What such a
/// rebuild changes is then the table's constraints or a column's type (a lost
/// or new required column would break a probe): value-dependent, like
/// `add-constraint` and `incompatible-type-change`.
fn decidable(finding: &Finding) -> bool {
    let kept_rebuild = finding.dropped_table().is_some() && !finding.loses_data;
    !out_of_reach(finding.rule.id) && !kept_rebuild
}

/// The table or view a finding is about, by its bare name.
fn relation_of(finding: &Finding) -> Option<String> {
    match finding.subject()? {
        Subject::Table(name) | Subject::WriteRules(name) | Subject::View(name) => Some(bare_name(name)),
        Subject::Column { table, .. } => Some(bare_name(table)),
        _ => None,
    }
}

fn push_rule(rules: &mut Vec<&'static str>, finding: &Finding) {
    if !rules.contains(&finding.rule.id) {
        rules.push(finding.rule.id);
    }
}

fn outcome(refused: bool, breaks: &[Break], claim: &Claim) -> Outcome {
    let says_breaks = !claim.breaking.is_empty();
    let decidable = !claim.relations.is_empty();
    match (refused, breaks.is_empty()) {
        (true, _) => Outcome::Refused,
        (false, false) if says_breaks => Outcome::AgreeBreaks,
        (false, false) => Outcome::OnlyProbeBreaks,
        (false, true) if decidable => Outcome::OnlyRollsafeBreaks,
        (false, true) if says_breaks => Outcome::OutOfReach,
        (false, true) => Outcome::AgreeFine,
    }
}
