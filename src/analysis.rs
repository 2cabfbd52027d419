//! Runs the stages in order: discover → split and parse → replay → classify →
//! reconcile → verdict. Reports read the [`Analysis`] this returns.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use crate::classify::{Change, Severity, judge_file, reconcile, replay_file};
use crate::discover::{
    self, DiscoverError, Layout, Migration, MigrationSet, Release, Skipped, discover_release,
};
use crate::evidence::{self, CodeSource, CodeSummary, EvidenceError};
use crate::rules::{deleted_migration, edited_migration, out_of_order_migration, unread_migration};
use crate::schema::{Epoch, Schema, Snapshot};
use crate::sql::{Dialect, ParsedFile, parse_file};
use crate::verdict::{Loss, Verdict, WayBack, WayBackStep, decide};

/// A migration file that changes point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as reports show it.
    pub display: String,
    pub bytes: Arc<[u8]>,
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
    /// Things the user should know that are not changes.
    pub notes: Vec<String>,
    /// Files under the migrations folder that were not read, with why.
    pub skipped: Vec<Skipped>,
    /// The way back: the steps a database rollback runs, what they lose, what is missing.
    pub way_back: WayBack,
    /// What was read of release A's code; `None` when none was.
    pub code: Option<CodeSummary>,
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
            merged.skipped.extend(next.skipped);
            let way_back = &mut merged.way_back;
            way_back.layout_has_downs &= next.way_back.layout_has_downs;
            way_back.missing.extend(next.way_back.missing);
            way_back.steps.extend(next.way_back.steps);
        }
        merged.verdict = decide(&merged.changes, &merged.way_back);
        Some(merged)
    }
}

/// Trouble that stops an analysis.
#[derive(Debug, Error, Diagnostic)]
pub enum AnalysisError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Evidence(#[from] EvidenceError),
}

/// How to analyse: what discovery may read (the dialect among it: `None` detects
/// it from the migrations, else PostgreSQL), and rule severities.
#[derive(Debug, Clone)]
pub struct Options {
    pub discover: discover::Options,
    /// Per-rule severity overrides, by rule id.
    pub severities: BTreeMap<String, Severity>,
    /// Release A's code, to check the findings that would break it against; `None`
    /// judges by the schema alone.
    pub code: Option<CodeSource>,
}

impl Options {
    pub fn new(dialect: Option<Dialect>) -> Self {
        Options {
            discover: discover::Options { dialect, ..Default::default() },
            severities: BTreeMap::new(),
            code: None,
        }
    }
}

/// Compares two snapshots of a migration folder: `from` is release A (the one to
/// roll back to), `to` is release B.
pub fn audit(from: &Path, to: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    audit_releases(Release::read_folder(from)?, Release::read_folder(to)?, options)
}

/// Compares release A (`older`, the one to roll back to) with release B (`newer`).
/// The window is what B added; what B edited or deleted of A's is history rewritten.
pub fn audit_releases(older: Release, newer: Release, options: &Options) -> Result<Analysis, AnalysisError> {
    let older = discover_release(older, &options.discover)?;
    let newer = discover_release(newer, &options.discover)?;
    let mut run = Run::new(options, &newer);
    let dialect = run.dialect;

    let mut schema = Schema::default();
    each_parsed(&older.forward, dialect, |epoch, _, parsed| {
        schema.begin_migration(epoch);
        replay_file(&mut schema, &parsed);
    });
    let window_start = Epoch::try_from(older.forward.len()).unwrap_or(Epoch::MAX);

    let discover::History { rewrites, renamed, window, out_of_order } =
        discover::History::between(&older, &newer);
    for rewrite in rewrites {
        let (migration, finding) = match rewrite {
            discover::Rewrite::Edited(new) => (new, edited_migration()),
            discover::Rewrite::Deleted(old) => (old, deleted_migration()),
        };
        let file = run.add_file(migration);
        run.changes.push(Change::for_file(file, finding));
    }
    for (old, new) in renamed {
        run.notes.push(format!("`{}` was renamed to `{}` with the same content", old.relative, new.relative));
    }
    for (migration, newest) in out_of_order {
        let file = run.add_file(migration);
        run.changes.push(Change::for_file(
            file,
            out_of_order_migration(&migration.version.to_string(), &newest.to_string()),
        ));
    }
    run.judge_window(&window, &mut schema, window_start);
    run.skipped = newer.skipped.clone();
    run.finish(&newer, &window, &schema)
}

/// Lints migrations: each file is judged against the schema replayed from the files
/// before it. `target` is a migrations folder or one file in it.
pub fn check(target: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    if !target.exists() {
        return Err(DiscoverError::NotFound { path: target.display().to_string() }.into());
    }
    if !target.is_file() {
        return check_release(Release::read_folder(target)?, None, options);
    }
    let folder = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let folder = if folder.as_os_str().is_empty() { PathBuf::from(".") } else { folder };
    // The folder is read from the file's parent, so the file's path in it is its name.
    let name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    check_release(Release::read_folder(&folder)?, Some(&name), options)
}

/// Lints the migrations of a release, or only `only`, the path of one of its files.
pub fn check_release(
    release: Release,
    only: Option<&str>,
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let label = release.label.clone();
    let lone_file = only.and_then(|target| release.files.iter().find(|f| f.relative == target).cloned());
    let set = match discover_release(release, &options.discover) {
        Ok(set) => set,
        Err(DiscoverError::NoMigrations { .. }) if only.is_some() => MigrationSet::empty(&label),
        Err(error) => return Err(error.into()),
    };
    let mut run = Run::new(options, &set);
    let mut schema = Schema::default();
    let is_target = |m: &Migration| only.is_none_or(|file| m.relative == file);
    let mut judged = Vec::new();
    each_parsed(&set.forward, run.dialect, |epoch, migration, parsed| {
        schema.begin_migration(epoch);
        if is_target(migration) {
            // Each file is a window of its own, judged against the files before it.
            let mut snapshot = Snapshot::default();
            let first_change = run.changes.len();
            run.judge(migration, &parsed, &mut schema, &mut snapshot, epoch);
            run.reconcile_since(first_change, &snapshot, &schema);
            judged.push(migration);
        } else {
            replay_file(&mut schema, &parsed);
        }
    });
    if let (Some(file), true) = (lone_file, judged.is_empty()) {
        // A file the layout cannot place (or a way-back file): judge it after everything else.
        let lone = Migration::lone(file);
        let epoch = Epoch::try_from(set.forward.len()).unwrap_or(Epoch::MAX);
        run.judge_window(&[&lone], &mut schema, epoch);
        run.notes.push(format!(
            "`{}` is not a migration of its folder's layout; judged after all of them",
            lone.display
        ));
        return run.finish(&set, &[], &schema);
    }
    if only.is_none() {
        run.skipped = set.skipped.clone();
    }
    run.finish(&set, &judged, &schema)
}

/// Accumulates files and changes while the stages run.
struct Run<'o> {
    options: &'o Options,
    dialect: Dialect,
    files: Vec<SourceFile>,
    /// Where each file's display path sits in `files`.
    file_index: HashMap<String, usize>,
    changes: Vec<Change>,
    notes: Vec<String>,
    skipped: Vec<Skipped>,
}

impl<'o> Run<'o> {
    /// A run over `set`, in the dialect the options name, else the one its hints
    /// point at (said in a note), else PostgreSQL.
    fn new(options: &'o Options, set: &MigrationSet) -> Self {
        let mut notes = Vec::new();
        let dialect = match (options.discover.dialect, &set.detected_dialect) {
            (Some(dialect), _) => dialect,
            (None, Some((dialect, why))) => {
                notes.push(format!("dialect {dialect}, from {why} (--dialect overrides)"));
                *dialect
            }
            (None, None) => Dialect::Postgres,
        };
        Run {
            options,
            dialect,
            files: Vec::new(),
            file_index: HashMap::new(),
            changes: Vec::new(),
            notes,
            skipped: Vec::new(),
        }
    }

    /// Adds a migration's file to those changes point into (once).
    fn add_file(&mut self, migration: &Migration) -> usize {
        if let Some(&index) = self.file_index.get(&migration.display) {
            return index;
        }
        self.files.push(SourceFile { display: migration.display.clone(), bytes: migration.bytes.clone() });
        self.file_index.insert(migration.display.clone(), self.files.len() - 1);
        self.files.len() - 1
    }

    /// Judges a window of migrations, numbered from `window_start`, and reconciles
    /// its findings with the net difference it leaves.
    fn judge_window(&mut self, window: &[&Migration], schema: &mut Schema, window_start: Epoch) {
        let mut snapshot = Snapshot::default();
        let first_change = self.changes.len();
        each_parsed(window, self.dialect, |index, migration, parsed| {
            schema.begin_migration(window_start.saturating_add(index));
            self.judge(migration, &parsed, schema, &mut snapshot, window_start);
        });
        self.reconcile_since(first_change, &snapshot, schema);
    }

    /// Reconciles the findings of the changes from `first_change` on, a window's,
    /// with the net difference the window leaves.
    fn reconcile_since(&mut self, first_change: usize, snapshot: &Snapshot, after: &Schema) {
        let findings = self.changes[first_change..].iter_mut().flat_map(Change::findings_mut);
        reconcile(findings, snapshot.before(), after);
    }

    /// Judges every statement of `migration` (read into `parsed`) against the
    /// schema before it, and replays it.
    fn judge(
        &mut self,
        migration: &Migration,
        parsed: &ParsedFile,
        schema: &mut Schema,
        snapshot: &mut Snapshot,
        window_start: Epoch,
    ) {
        let file = self.add_file(migration);
        if let Some(extension) = &migration.foreign {
            self.changes.push(Change::for_file(file, unread_migration(extension)));
            return;
        }
        let changes =
            judge_file(file, &migration.bytes, parsed, self.dialect, schema, snapshot, window_start);
        self.changes.extend(changes);
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
        let code = match &self.options.code {
            Some(source) => Some(evidence::weigh(&mut self.changes, source)?),
            None => None,
        };
        self.notes.extend(code.as_ref().map(CodeSummary::note));
        let way_back = way_back(set, window, after, self.dialect);
        let verdict = decide(&self.changes, &way_back);
        Ok(Analysis {
            way_back,
            dialect: self.dialect,
            layout: set.layout,
            files: self.files,
            changes: self.changes,
            verdict,
            notes: self.notes,
            skipped: self.skipped,
            code,
        })
    }
}

/// The window's way back: which migrations undo it, in the order a database
/// rollback runs them, and what they would destroy.
fn way_back(set: &MigrationSet, window: &[&Migration], after: &Schema, dialect: Dialect) -> WayBack {
    let mut result = WayBack { layout_has_downs: set.layout.has_way_back(), ..WayBack::default() };
    if !result.layout_has_downs {
        return result;
    }
    let mut schema = after.clone();
    for migration in window.iter().rev() {
        let Some(back) = set.way_back_for(migration) else {
            if !migration.repeatable {
                result.missing.push(migration.relative.clone());
            }
            continue;
        };
        let mut step = WayBackStep { file: back.display.clone(), loses: Vec::new() };
        // Everything the way back touches holds data written since B was deployed.
        let parsed = parse_file(&back.bytes, dialect);
        let changes =
            judge_file(0, &back.bytes, &parsed, dialect, &mut schema, &mut Snapshot::default(), Epoch::MAX);
        for change in &changes {
            for finding in change.findings().iter().filter(|f| f.loses_data) {
                step.loses.push(Loss { line: change.start.line, what: finding.message.clone() });
            }
        }
        result.steps.push(step);
    }
    result
}

/// How many files are split and parsed together, on every core, ahead of the
/// judge; the same number more wait for it, parsed. Enough to keep both cores busy
/// while the judge replays, few enough that a long history is never held parsed
/// all at once.
const READ_AHEAD: usize = 32;

/// Calls `each` with every migration of `migrations`, its position as an epoch
/// and the file it parses to, in order, on this thread: judging and replaying are
/// sequential, each file against the schema the files before it leave. Reading a
/// file needs no schema, so a thread reads files on every core ahead of `each`,
/// at most `2 * READ_AHEAD` of them.
fn each_parsed<'m, M>(
    migrations: &'m [M],
    dialect: Dialect,
    mut each: impl FnMut(Epoch, &'m Migration, ParsedFile),
) where
    M: Borrow<Migration> + Sync,
{
    std::thread::scope(|scope| {
        let (sender, parsed) = sync_channel(READ_AHEAD);
        scope.spawn(move || {
            for chunk in migrations.chunks(READ_AHEAD) {
                let files: Vec<ParsedFile> =
                    chunk.par_iter().map(|m| parse_file(m.borrow().sql(), dialect)).collect();
                for file in files {
                    if sender.send(file).is_err() {
                        return;
                    }
                }
            }
        });
        for ((epoch, migration), file) in (0..).zip(migrations).zip(parsed) {
            each(epoch, migration.borrow(), file);
        }
    });
}
