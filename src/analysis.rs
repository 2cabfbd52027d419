//! Runs the stages in order: discover → split and parse → replay → classify →
//! reconcile → verdict. Reports read the [`Analysis`] this returns.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use std::collections::BTreeMap;

use crate::discover::{self, DiscoverError, Layout, Migration, MigrationSet, discover};
use crate::rules::{
    Change, Context, Severity, apply_suppressions, classify, deleted_migration, edited_migration, reconcile,
};
use crate::schema::{Epoch, Schema, Snapshot};
use crate::sql::{Dialect, Outcome, ParsedStatement, parse, split};
use crate::verdict::{Verdict, WayBack, decide};

/// A migration file that changes point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as reports show it.
    pub display: String,
    pub bytes: Vec<u8>,
}

/// What was analysed, what was found, and the verdict.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub dialect: Dialect,
    pub layout: Layout,
    pub files: Vec<SourceFile>,
    /// Every forward statement of the window, in run order, and every history problem.
    pub changes: Vec<Change>,
    pub verdict: Verdict,
    /// Things the user should know that are not changes (ignored files).
    pub notes: Vec<String>,
    /// The way back, in the order a database rollback would run it.
    pub way_back: Vec<String>,
    /// What the way back is missing and would lose, behind the verdict.
    pub way_back_summary: WayBack,
}

impl Analysis {
    /// One analysis of several migration folders.
    pub fn merge(analyses: Vec<Analysis>) -> Option<Analysis> {
        let mut analyses = analyses.into_iter();
        let mut merged = analyses.next()?;
        for next in analyses {
            let offset = merged.files.len();
            merged.files.extend(next.files);
            merged.changes.extend(next.changes.into_iter().map(|mut change| {
                change.file += offset;
                change
            }));
            merged.notes.extend(next.notes);
            merged.way_back.extend(next.way_back);
            let summary = &mut merged.way_back_summary;
            summary.layout_has_downs &= next.way_back_summary.layout_has_downs;
            summary.missing.extend(next.way_back_summary.missing);
            summary.losses.extend(next.way_back_summary.losses);
        }
        merged.verdict = decide(&merged.changes, &merged.way_back_summary);
        Some(merged)
    }
}

/// Trouble that stops an analysis.
#[derive(Debug, Error, Diagnostic)]
pub enum AnalysisError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Discover(#[from] DiscoverError),
    #[error("cannot read `{path}`")]
    #[diagnostic(code(rollsafe::unreadable_file))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// How to analyse: the dialect, what discovery may read, and rule severities.
#[derive(Debug, Clone)]
pub struct Options {
    pub dialect: Dialect,
    pub discover: discover::Options,
    /// Per-rule severity overrides, by rule id.
    pub severities: BTreeMap<String, Severity>,
}

impl Options {
    pub fn new(dialect: Dialect) -> Self {
        Options { dialect, discover: discover::Options::default(), severities: BTreeMap::new() }
    }
}

/// Compares two snapshots of a migration folder: `from` is release A (the one to
/// roll back to), `to` is release B.
pub fn audit(from: &Path, to: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    let dialect = options.dialect;
    let older = discover(from, &options.discover)?;
    let newer = discover(to, &options.discover)?;
    let mut run = Run::new(options, newer.layout);

    let mut schema = Schema::default();
    for (epoch, migration) in (0..).zip(&older.forward) {
        let bytes = read(&migration.path)?;
        schema.begin_migration(epoch);
        replay(&mut schema, &bytes, dialect);
    }
    let window_start = Epoch::try_from(older.forward.len()).unwrap_or(Epoch::MAX);

    let older_files: Vec<&Migration> = older.forward.iter().chain(&older.back).collect();
    let newer_files: Vec<&Migration> = newer.forward.iter().chain(&newer.back).collect();
    for old in &older_files {
        match newer_files.iter().find(|new| new.relative == old.relative) {
            Some(new) => {
                let (old_bytes, new_bytes) = (read(&old.path)?, read(&new.path)?);
                if old_bytes != new_bytes {
                    let file = run.add_file(&new.path, new_bytes);
                    run.changes.push(Change::for_file(file, edited_migration()));
                }
            }
            None => {
                let file = run.add_file(&old.path, read(&old.path)?);
                run.changes.push(Change::for_file(file, deleted_migration()));
            }
        }
    }

    let window: Vec<&Migration> = newer
        .forward
        .iter()
        .filter(|m| !older.forward.iter().any(|old| old.relative == m.relative))
        .collect();
    run.judge_window(&window, &mut schema, window_start)?;
    run.notes_ignored(&newer);
    run.finish(&newer, &window, &schema)
}

/// Lints migrations: each file is judged against the schema replayed from the files
/// before it. `target` is a migrations folder or one file in it.
pub fn check(target: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    let dialect = options.dialect;
    if !target.exists() {
        return Err(DiscoverError::NotFound { path: target.display().to_string() }.into());
    }
    let (set, only) = if target.is_file() {
        let folder = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let folder = if folder.as_os_str().is_empty() { PathBuf::from(".") } else { folder };
        let set = match discover(&folder, &options.discover) {
            Ok(set) => set,
            Err(DiscoverError::NoMigrations { .. }) => MigrationSet::empty(&folder),
            Err(error) => return Err(error.into()),
        };
        (set, Some(target))
    } else {
        (discover(target, &options.discover)?, None)
    };
    let mut run = Run::new(options, set.layout);
    let mut schema = Schema::default();
    let is_target = |m: &Migration| only.is_none_or(|file| same_file(&m.path, file));
    let mut judged = Vec::new();
    for (epoch, migration) in (0..).zip(&set.forward) {
        schema.begin_migration(epoch);
        if is_target(migration) {
            run.judge_window(&[migration], &mut schema, epoch)?;
            judged.push(migration);
        } else {
            replay(&mut schema, &read(&migration.path)?, dialect);
        }
    }
    if let (Some(file), true) = (only, judged.is_empty()) {
        // A file the layout cannot place (or a way-back file): judge it after everything else.
        let lone = Migration {
            path: file.to_path_buf(),
            relative: file.display().to_string(),
            version: crate::discover::Version::parse(""),
            name: String::new(),
            direction: crate::discover::Direction::Forward,
            repeatable: false,
        };
        let epoch = Epoch::try_from(set.forward.len()).unwrap_or(Epoch::MAX);
        run.judge_window(&[&lone], &mut schema, epoch)?;
        run.notes.push(format!(
            "`{}` is not a migration of its folder's layout; judged after all of them",
            file.display()
        ));
        return run.finish(&set, &[], &schema);
    }
    if only.is_none() {
        run.notes_ignored(&set);
    }
    run.finish(&set, &judged, &schema)
}

/// Accumulates files and changes while the stages run.
struct Run<'o> {
    options: &'o Options,
    dialect: Dialect,
    layout: Layout,
    files: Vec<SourceFile>,
    changes: Vec<Change>,
    notes: Vec<String>,
}

impl<'o> Run<'o> {
    fn new(options: &'o Options, layout: Layout) -> Self {
        Run {
            options,
            dialect: options.dialect,
            layout,
            files: Vec::new(),
            changes: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn add_file(&mut self, path: &Path, bytes: Vec<u8>) -> usize {
        self.files.push(SourceFile { display: path.display().to_string(), bytes });
        self.files.len() - 1
    }

    /// Judges a window of migrations, numbered from `window_start`, and reconciles
    /// its findings with the net difference it leaves.
    fn judge_window(
        &mut self,
        window: &[&Migration],
        schema: &mut Schema,
        window_start: Epoch,
    ) -> Result<(), AnalysisError> {
        let mut snapshot = Snapshot::default();
        let first_change = self.changes.len();
        for (epoch, migration) in (window_start..).zip(window) {
            schema.begin_migration(epoch);
            self.judge(migration, schema, &mut snapshot, window_start)?;
        }
        let findings = self.changes[first_change..].iter_mut().flat_map(Change::findings_mut);
        reconcile(findings, snapshot.before(), schema);
        Ok(())
    }

    /// Classifies every statement of `migration` against the schema before it, and
    /// replays it.
    fn judge(
        &mut self,
        migration: &Migration,
        schema: &mut Schema,
        snapshot: &mut Snapshot,
        window_start: Epoch,
    ) -> Result<(), AnalysisError> {
        let bytes = read(&migration.path)?;
        let segments = split(&bytes, self.dialect);
        let statements = parse(&bytes, &segments, self.dialect);
        let file = self.files.len();
        let first_change = self.changes.len();
        for statement in &statements {
            let findings = classify(statement, &Context { schema, window_start });
            self.changes.push(Change::new(file, statement, findings));
            if let Outcome::Parsed(ops) = &statement.outcome {
                for op in ops {
                    snapshot.record(schema, op);
                    schema.apply(op);
                }
            }
        }
        let reports = apply_suppressions(
            file,
            &bytes,
            &segments.segments,
            &statements,
            &mut self.changes[first_change..],
        );
        self.changes.extend(reports);
        self.add_file(&migration.path, bytes);
        Ok(())
    }

    fn notes_ignored(&mut self, set: &MigrationSet) {
        for ignored in &set.ignored {
            self.notes.push(format!(
                "ignored `{ignored}`: its name has no version {} can order",
                set.layout.label()
            ));
        }
    }

    fn finish(
        mut self,
        set: &MigrationSet,
        window: &[&Migration],
        after: &Schema,
    ) -> Result<Analysis, AnalysisError> {
        for finding in self.changes.iter_mut().flat_map(Change::findings_mut) {
            if let Some(severity) = self.options.severities.get(finding.rule.id) {
                finding.set_severity(*severity);
            }
        }
        for excluded in &set.excluded {
            self.notes.push(format!("excluded `{excluded}` (rollsafe.toml)"));
        }
        let (way_back, steps) = way_back(set, window, after, self.dialect)?;
        let verdict = decide(&self.changes, &way_back);
        Ok(Analysis {
            way_back_summary: way_back,
            dialect: self.dialect,
            layout: self.layout,
            files: self.files,
            changes: self.changes,
            verdict,
            notes: self.notes,
            way_back: steps,
        })
    }
}

/// The window's way back: which migrations undo it, in the order a database
/// rollback runs them, and what they would destroy.
fn way_back(
    set: &MigrationSet,
    window: &[&Migration],
    after: &Schema,
    dialect: Dialect,
) -> Result<(WayBack, Vec<String>), AnalysisError> {
    let mut result = WayBack { layout_has_downs: set.layout.has_way_back(), ..WayBack::default() };
    let mut steps = Vec::new();
    if !result.layout_has_downs {
        return Ok((result, steps));
    }
    let mut schema = after.clone();
    for migration in window.iter().rev() {
        let Some(back) = set.way_back_for(migration) else {
            if !migration.repeatable {
                result.missing.push(migration.relative.clone());
            }
            continue;
        };
        steps.push(back.path.display().to_string());
        let bytes = read(&back.path)?;
        for statement in parse(&bytes, &split(&bytes, dialect), dialect) {
            // Everything the way back touches holds data written since B was deployed.
            let findings = classify(&statement, &Context { schema: &schema, window_start: Epoch::MAX });
            for finding in findings.iter().filter(|f| f.loses_data) {
                result.losses.push(format!(
                    "the way back ({}:{}) {}, including what was written since the newer release was deployed",
                    back.path.display(),
                    statement.start.line,
                    finding.message,
                ));
            }
            apply(&mut schema, &statement);
        }
    }
    Ok((result, steps))
}

fn replay(schema: &mut Schema, bytes: &[u8], dialect: Dialect) {
    for statement in parse(bytes, &split(bytes, dialect), dialect) {
        apply(schema, &statement);
    }
}

fn apply(schema: &mut Schema, statement: &ParsedStatement) {
    if let Outcome::Parsed(ops) = &statement.outcome {
        ops.iter().for_each(|op| schema.apply(op));
    }
}

fn read(path: &Path) -> Result<Vec<u8>, AnalysisError> {
    std::fs::read(path).map_err(|source| AnalysisError::Read { path: path.display().to_string(), source })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
