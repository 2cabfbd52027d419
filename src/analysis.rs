//! Runs the stages in order: discover → split and parse → replay → classify →
//! reconcile → verdict. Reports read the [`Analysis`] this returns.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use thiserror::Error;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

mod read_ahead;
pub(crate) use read_ahead::each_parsed;
use read_ahead::each_read;

use crate::classify::{Change, FileJudge, Severity, judge_file, reconcile, replay_file};
use crate::discover::{
    self, DiscoverError, HistoryName, Layout, Migration, MigrationSet, Release, ReleaseFile, Skipped,
    discover_histories,
};
use crate::evidence::{self, CodeSource, CodeSummary, EvidenceError};
use crate::rules::{deleted_migration, edited_migration, out_of_order_migration, unread_migration};
use crate::schema::{Epoch, Schema, Snapshot};
use crate::sql::{Dialect, Op, Outcome, ParsedFile, Pieces, differs_only_in_formatting, parse_file};
use crate::verdict::{Loss, Verdict, WayBack, WayBackStep, decide};

/// A migration file that changes point into.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as reports show it: as the user would open it from the working
    /// directory (or as given), also for a file read at a revision.
    pub display: String,
    /// The git revision its text was read at; `None` when read from disk. Its
    /// lines are that text's.
    pub revision: Option<String>,
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
    /// The histories judged, when a folder holds one per database; empty when it
    /// holds one.
    pub histories: Vec<HistoryName>,
    /// Each history judged, in order: one, or one per folder and per database
    /// when several were (`dialect` and `layout` are the first one's).
    pub judged: Vec<Judged>,
    /// What was read of release A's code; `None` when none was.
    pub code: Option<CodeSummary>,
}

/// One history judged: its folder (as the user would open it) and the revision
/// it was read at, the database word of a folder's per-database history, and how
/// it was read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Judged {
    pub folder: String,
    /// `None` for a folder read from disk.
    pub revision: Option<String>,
    pub history: Option<String>,
    pub dialect: Dialect,
    pub layout: Layout,
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
            // The histories of one folder share its neutral files: what is said of them is said once.
            for note in next.notes {
                if !merged.notes.contains(&note) {
                    merged.notes.push(note);
                }
            }
            for skipped in next.skipped {
                if !merged.skipped.iter().any(|known| known.display == skipped.display) {
                    merged.skipped.push(skipped);
                }
            }
            merged.histories.extend(next.histories);
            merged.judged.extend(next.judged);
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
    #[error("no migrations folder or file to check")]
    #[diagnostic(code(rollsafe::no_path), help("pass folders or files, or `-` with --stdin-filename"))]
    NothingToCheck,
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
    let (older, newer) = rayon::join(|| Release::read_folder(from), || Release::read_folder(to));
    audit_releases(older?, newer?, options)
}

/// Compares release A (`older`, the one to roll back to) with release B (`newer`).
/// The window is what B added; what B edited or deleted of A's is history rewritten.
/// A folder holding one history per database is judged history by history.
pub fn audit_releases(
    older: Release,
    mut newer: Release,
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let label = newer.label();
    let empty = MigrationSet::empty(&newer.folder, newer.revision.as_deref());
    newer.share_unchanged(&older);
    // A release with no SQL file holds no history: a first release, rolled back to
    // before the database had any migration. Every migration of B is new in the
    // window, and that is said (a folder not there at all at A is said where it
    // was found missing).
    let first_release = (older.files.is_empty() && !older.absent).then(|| {
        format!(
            "`{}` holds no SQL migration: every migration of `{label}` is judged as new in the window",
            older.label()
        )
    });
    // Each side is discovered on its own; A's errors come first, as A is read first.
    let (older, newer) = rayon::join(
        || if older.files.is_empty() { Ok(Vec::new()) } else { discover_histories(older, &options.discover) },
        || discover_histories(newer, &options.discover),
    );
    let (older, newer) = (older?, newer?);
    let counterpart =
        |of: &MigrationSet| older.iter().find(|set| set.history == of.history).unwrap_or(&empty);
    // A history B no longer has: every migration of it deleted.
    let gone: Vec<(&MigrationSet, MigrationSet)> = older
        .iter()
        .filter(|old| !newer.iter().any(|new| new.history == old.history))
        .map(|old| (old, MigrationSet { history: old.history.clone(), ..empty.clone() }))
        .collect();
    let pairs =
        newer.iter().map(|new| (counterpart(new), new)).chain(gone.iter().map(|(old, new)| (*old, new)));
    let analyses = pairs.map(|(older, newer)| audit_sets(older, newer, options)).collect::<Result<_, _>>()?;
    let mut merged = merge_histories(analyses, &label, options.discover.dialect)?;
    merged.notes.extend(first_release);
    Ok(merged)
}

/// One analysis of the histories of one folder, with a note naming them and the
/// dialect each was read in: its own, or the one `named` by --dialect.
fn merge_histories(
    analyses: Vec<Analysis>,
    label: &str,
    named: Option<Dialect>,
) -> Result<Analysis, AnalysisError> {
    let names: Vec<HistoryName> = analyses.iter().flat_map(|analysis| analysis.histories.clone()).collect();
    let histories: Vec<String> = names
        .iter()
        .map(|name| match (name.dialect, named, names.len()) {
            (Some(dialect), None, 2..) => format!("`{}` ({dialect})", name.word),
            _ => format!("`{}`", name.word),
        })
        .collect();
    let Some(mut merged) = Analysis::merge(analyses) else {
        return Err(DiscoverError::NoMigrations { path: label.to_owned() }.into());
    };
    let note = match (histories.as_slice(), named) {
        ([], _) => None,
        ([one], None) => Some(format!(
            "dialect {}, from its history {one} ({OVERRIDDEN_ON_THE_COMMAND_LINE})",
            merged.dialect
        )),
        ([one], Some(dialect)) => Some(format!("judged the history {one}, in {dialect} as --dialect says")),
        (several, None) => Some(format!(
            "judged {} histories, one per database, each in its own dialect: {}",
            several.len(),
            several.join(", ")
        )),
        (several, Some(dialect)) => Some(format!(
            "judged {} histories in {dialect}, as --dialect says: {}",
            several.len(),
            several.join(", ")
        )),
    };
    if let Some(note) = note {
        merged.notes.insert(0, note);
    }
    Ok(merged)
}

/// Compares one history of release A with the same history of release B.
fn audit_sets(
    older: &MigrationSet,
    newer: &MigrationSet,
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let mut run = Run::new(options, newer);
    let dialect = run.dialect;

    let discover::History { rewrites, renamed, window, out_of_order } =
        discover::History::between(older, newer);

    // A's history is replayed only to know A's schema: nothing of it is judged.
    // What A's migrations after the oldest out-of-order one name is read as they
    // replay, not parsed again: `None` for one that cannot be judged, and for one
    // no out-of-order migration jumps (never asked for).
    let first_jumped = out_of_order.iter().map(|(migration, _)| &migration.version).min();
    let mut named_by_older: Vec<Option<HashSet<String>>> = vec![None; older.forward.len()];
    let mut schema = Schema::default();
    each_parsed(&older.forward, dialect, |epoch, migration, parsed| {
        schema.begin_migration(epoch);
        let jumped = first_jumped.is_some_and(|first| !migration.repeatable && migration.version > *first);
        let mut named = (jumped && migration.unread.is_none()).then(|| Some(HashSet::new()));
        parsed.each_piece(|piece| {
            replay_file(&mut schema, piece);
            if let Some(objects) = &mut named {
                add_objects_named(piece, objects);
            }
        });
        if let Some(slot) = usize::try_from(epoch).ok().and_then(|index| named_by_older.get_mut(index)) {
            *slot = named.flatten();
        }
    });
    let window_start = Epoch::try_from(older.forward.len()).unwrap_or(Epoch::MAX);

    for rewrite in rewrites {
        let (migration, finding) = match rewrite {
            discover::Rewrite::Edited { old, new } if only_reformatted(old, new, dialect) => {
                run.notes.push(format!(
                    "`{}` was reformatted (whitespace, comments or the case of keywords and names): the same statements run",
                    new.display
                ));
                continue;
            }
            discover::Rewrite::Edited { new, .. } => (new, edited_migration()),
            discover::Rewrite::Deleted(old) => (old, deleted_migration()),
        };
        // A deleted migration is A's file: its text (and lines) are A's.
        let file = match rewrite {
            discover::Rewrite::Deleted(_) => run.add_file_at(migration, older.revision.as_deref()),
            discover::Rewrite::Edited { .. } => run.add_file(migration),
        };
        run.changes.push(Change::for_file(file, finding));
    }
    for (old, new) in renamed {
        run.notes.push(format!("`{}` was renamed to `{}` with the same content", old.relative, new.relative));
    }
    for (migration, newest) in out_of_order {
        let file = run.add_file(migration);
        let mut finding = out_of_order_migration(&migration.version.to_string(), &newest.to_string());
        // Each was read during the replay: its version is past `first_jumped`.
        let jumped: Vec<Option<&HashSet<String>>> = older
            .forward
            .iter()
            .zip(&named_by_older)
            .filter(|(earlier, _)| !earlier.repeatable && earlier.version > migration.version)
            .map(|(_, named)| named.as_ref())
            .collect();
        if runs_apart_from(migration, &jumped, dialect) {
            finding.reconcile(&format!(
                "it names nothing the {} migration(s) it comes before name: whichever runs first, the result is the same",
                jumped.len()
            ));
        }
        run.changes.push(Change::for_file(file, finding));
    }
    run.judge_window(&window, &mut schema, window_start);
    run.skipped = newer.skipped.clone();
    run.finish(newer, &window, &schema)
}

/// Whether `migration` and each of `others` (the objects they name, see
/// [`add_objects_named`]; `None` for one that cannot be judged) name disjoint
/// objects (tables, views, types, functions, sequences), so their order cannot
/// matter. A statement that cannot be judged (rejected, dynamic, a call) makes the
/// answer no.
fn runs_apart_from(migration: &Migration, others: &[Option<&HashSet<String>>], dialect: Dialect) -> bool {
    if migration.unread.is_some() {
        return false;
    }
    let mut own = Some(HashSet::new());
    add_objects_named(&parse_file(migration.sql(), dialect), &mut own);
    let Some(own) = own else {
        return false;
    };
    others.iter().all(|theirs| theirs.is_some_and(|theirs| own.is_disjoint(theirs)))
}

/// Adds the objects the statements of `parsed` name to `objects`, or makes it
/// `None` when one of them cannot be judged.
fn add_objects_named(parsed: &ParsedFile, objects: &mut Option<HashSet<String>>) {
    for statement in &parsed.statements {
        let Some(named) = objects.as_mut() else {
            return;
        };
        let Outcome::Parsed(ops) = &statement.outcome else {
            *objects = None;
            return;
        };
        for op in ops {
            let objects_first = match op {
                Op::DynamicSql { .. }
                | Op::Unmodelled { .. }
                | Op::CallRoutine { .. }
                | Op::ChangeOther { .. } => {
                    *objects = None;
                    return;
                }
                // Renames name two objects; other operations name their object
                // first, then its columns, constraint or index.
                Op::RenameTable { .. }
                | Op::RenameView { .. }
                | Op::RenameType { .. }
                | Op::RenameSequence { .. } => 2,
                _ => 1,
            };
            let mut op = op.clone();
            named.extend(op.names_mut().into_iter().take(objects_first).map(|name| name.key.clone()));
        }
    }
}

/// Whether B's edit of A's migration changed only how it is written. A migration
/// rollsafe cannot read as SQL (another language, not UTF-8) is never called so.
fn only_reformatted(old: &Migration, new: &Migration, dialect: Dialect) -> bool {
    if old.unread.is_some() || new.unread.is_some() {
        return false;
    }
    match (std::str::from_utf8(old.sql()), std::str::from_utf8(new.sql())) {
        (Ok(old), Ok(new)) => differs_only_in_formatting(old, new, dialect),
        _ => false,
    }
}

/// Lints migrations: each file is judged against the schema replayed from the files
/// before it. `target` is a migrations folder or one file in it.
pub fn check(target: &Path, options: &Options) -> Result<Analysis, AnalysisError> {
    check_paths(&[target.to_path_buf()], None, options)
}

/// A file's text that stands in for what is on disk: standard input, an editor's
/// unsaved buffer. The file itself need not exist; its folder must.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// Lints several folders and files at once (what pre-commit passes): each file is
/// judged against the migrations before it in its own folder, the files of one
/// folder in one pass, one verdict over all. `overlay` replaces one file's text.
pub fn check_paths(
    paths: &[PathBuf],
    overlay: Option<&Overlay>,
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let mut analyses = Vec::new();
    for group in group_by_folder(paths, overlay, options)? {
        let mut release = match group.release {
            Some(release) => release,
            None => Release::read_folder(&group.folder)?,
        };
        if let (Some(overlay), Some(name)) = (overlay, &group.overlay) {
            release.overlay(name, &overlay.path.display().to_string(), &overlay.bytes);
        }
        let only = (!group.whole).then_some(group.files.as_slice());
        analyses.push(check_release(release, only, options)?);
    }
    Analysis::merge(analyses).ok_or(AnalysisError::NothingToCheck)
}

/// The files a check judges in one folder: all of them, or those named.
struct FolderGroup {
    folder: PathBuf,
    /// The folder resolved, however it was spelled.
    key: PathBuf,
    whole: bool,
    /// Paths of the files given, in the folder.
    files: Vec<String>,
    /// The path in the folder of the file standard input stands in for, when it is there.
    overlay: Option<String>,
    /// The folder's files, when placing a file in it read them already.
    release: Option<Release>,
}

/// `paths` grouped by the folder each file is judged in, in the order given.
fn group_by_folder(
    paths: &[PathBuf],
    overlay: Option<&Overlay>,
    options: &Options,
) -> Result<Vec<FolderGroup>, AnalysisError> {
    let mut groups: Vec<FolderGroup> = Vec::new();
    // Folders above files' own, read once however many files are placed in them.
    let mut read: HashMap<PathBuf, Option<Release>> = HashMap::new();
    for path in paths {
        let is_overlay = overlay.is_some_and(|o| &o.path == path);
        if !is_overlay && !path.exists() {
            let shown = path.display().to_string();
            return Err(match discover::not_openable(path) {
                Some(why) => DiscoverError::NotAFile { path: shown, why },
                None => DiscoverError::NotFound { path: shown },
            }
            .into());
        }
        let (folder, file) = if !is_overlay && !path.is_file() {
            (path.clone(), None)
        } else {
            let (folder, name) = placing_folder(path, overlay.filter(|_| is_overlay), options, &mut read);
            (folder, Some(name))
        };
        // `users`, `./users/` and `db/../users` are one folder.
        let key = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        let index = match groups.iter().position(|g| g.key == key) {
            Some(index) => index,
            None => {
                groups.push(FolderGroup {
                    folder,
                    key,
                    whole: false,
                    files: Vec::new(),
                    overlay: None,
                    release: None,
                });
                groups.len() - 1
            }
        };
        let group = &mut groups[index];
        if is_overlay {
            group.overlay.clone_from(&file);
        }
        match file {
            Some(name) if !group.files.contains(&name) => group.files.push(name),
            Some(_) => {}
            None => group.whole = true,
        }
    }
    for group in &mut groups {
        group.release = read.remove(&group.folder).flatten();
    }
    Ok(groups)
}

/// The folder a file is judged in, and its path there: the folder above its own
/// when that one's layout places the file among its migrations (Prisma's and
/// Diesel's `<timestamp>_name/`, versioned `v1.2/`, sqitch's `deploy/`), else its
/// own. A file standing in for one not on disk yet (`overlay`, in a folder the
/// editor has not made yet) is looked for the same way. Folders read are kept in
/// `read` (`None`: unreadable).
fn placing_folder(
    file: &Path,
    overlay: Option<&Overlay>,
    options: &Options,
    read: &mut HashMap<PathBuf, Option<Release>>,
) -> (PathBuf, String) {
    let own = (folder_of(file), file_name(file));
    // `migration.sql` named from inside its own folder has a parent too.
    let Ok(absolute) = std::path::absolute(file) else {
        return own;
    };
    let Some(root) = discover::candidate_folders(&absolute).into_iter().nth(1) else {
        return own;
    };
    // The folder above, as the user would name it from here.
    let on_disk = match own.0.file_name() {
        Some(_) => Some(folder_of(&own.0)),
        None if own.0 == Path::new(".") => Some(PathBuf::from("..")),
        None => None,
    }
    .unwrap_or_else(|| root.clone());
    let above = read.entry(on_disk.clone()).or_insert_with(|| Release::read_folder(&on_disk).ok());
    let Some(mut release) = above.clone() else {
        return own;
    };
    let relative: Vec<String> = absolute
        .strip_prefix(&root)
        .unwrap_or(&absolute)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let relative = relative.join("/");
    if let Some(overlay) = overlay {
        release.overlay(&relative, &overlay.path.display().to_string(), &overlay.bytes);
    }
    let placed = discover_histories(release, &options.discover).is_ok_and(|sets| {
        sets.iter().any(|set| set.forward.iter().chain(&set.back).any(|m| m.relative == relative))
    });
    if placed { (on_disk, relative) } else { own }
}

/// The folder a file is read in: its parent, `.` for a bare name.
fn folder_of(file: &Path) -> PathBuf {
    file.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A file's name: its path in the folder it is read in.
fn file_name(file: &Path) -> String {
    file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Lints the migrations of a release, or only `only`, paths of some of its files.
pub fn check_release(
    release: Release,
    only: Option<&[String]>,
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let label = release.label();
    let (folder, revision) = (release.folder.clone(), release.revision.clone());
    let named: Vec<ReleaseFile> = match only {
        Some(names) => release.files.iter().filter(|f| names.contains(&f.relative)).cloned().collect(),
        None => Vec::new(),
    };
    let not_sql: Vec<String> = only
        .unwrap_or_default()
        .iter()
        .filter(|name| !named.iter().any(|f| &f.relative == *name))
        .cloned()
        .collect();
    let sets = match discover_histories(release, &options.discover) {
        Ok(sets) => sets,
        Err(DiscoverError::NoMigrations { .. }) if only.is_some() => {
            vec![MigrationSet::empty(&folder, revision.as_deref())]
        }
        Err(error) => return Err(error.into()),
    };
    // A down file named alone is judged as the way back of its forward migration:
    // that pair is what a rollback of it runs.
    let mut undone = Vec::new();
    let targets: Option<Vec<String>> = only.map(|names| {
        names
            .iter()
            .map(|name| match forward_undone_by(&sets, name) {
                Some(forward) => {
                    undone.push(format!(
                        "`{folder}/{name}` is the way back of `{folder}/{forward}`: judged with it"
                    ));
                    forward.to_owned()
                }
                None => name.clone(),
            })
            .collect()
    });
    let only = targets.as_deref();
    let placed =
        |set: &MigrationSet, file: &str| set.forward.iter().chain(&set.back).any(|m| m.relative == file);
    // Named files are judged in the histories that hold them; those no history
    // places (no version, a way-back file), after everything in the first judged.
    let holding: Vec<&MigrationSet> = sets
        .iter()
        .filter(|set| only.is_none_or(|names| names.iter().any(|name| placed(set, name))))
        .collect();
    // A way back with no forward migration undoes nothing the history knows:
    // its statements are judged like a file no layout places.
    let orphan_back = |file: &str| {
        sets.iter().any(|set| set.back.iter().any(|m| m.relative == file))
            && forward_undone_by(&sets, file).is_none()
    };
    let lone: Vec<Migration> = named
        .into_iter()
        .filter(|file| !sets.iter().any(|set| placed(set, &file.relative)) || orphan_back(&file.relative))
        .map(Migration::lone)
        .collect();
    let judged: Vec<&MigrationSet> = if holding.is_empty() { sets.iter().take(1).collect() } else { holding };
    let analyses = judged
        .into_iter()
        .enumerate()
        .map(|(index, set)| check_set(set, only, if index == 0 { &lone } else { &[] }, options))
        .collect::<Result<_, _>>()?;
    let mut merged = merge_histories(analyses, &label, options.discover.dialect)?;
    merged.notes.extend(undone);
    // A migration in another language is judged (unread-migration): only other files are said.
    let not_placed = |name: &&String| !sets.iter().any(|set| placed(set, name));
    for name in not_sql.iter().filter(not_placed) {
        merged.notes.push(format!("`{folder}/{name}` is not a SQL file: not read"));
    }
    Ok(merged)
}

/// The forward migration whose way back is the file `name`, in any of `sets`.
fn forward_undone_by<'a>(sets: &'a [MigrationSet], name: &str) -> Option<&'a str> {
    sets.iter().find_map(|set| {
        set.forward
            .iter()
            .find(|forward| set.way_back_for(forward).is_some_and(|back| back.relative == name))
            .map(|forward| forward.relative.as_str())
    })
}

/// Lints one history, or only `only` in it, then the `lone` files its layout
/// cannot place, after everything else.
fn check_set(
    set: &MigrationSet,
    only: Option<&[String]>,
    lone: &[Migration],
    options: &Options,
) -> Result<Analysis, AnalysisError> {
    let mut run = Run::new(options, set);
    let mut schema = Schema::default();
    let is_target = |m: &Migration| only.is_none_or(|names| names.contains(&m.relative));
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
    let epoch = Epoch::try_from(set.forward.len()).unwrap_or(Epoch::MAX);
    for migration in lone {
        run.judge_window(&[migration], &mut schema, epoch);
        run.notes.push(format!(
            "`{}` is not a migration of its folder's layout; judged after all of them",
            migration.display
        ));
    }
    if only.is_none() {
        run.skipped = set.skipped.clone();
    }
    run.finish(set, &judged, &schema)
}

/// How a user names the dialect instead of the detected one: on the command
/// line, `--dialect`; in the editor, rollsafe.toml.
const OVERRIDDEN_ON_THE_COMMAND_LINE: &str = "--dialect overrides";

/// The dialect to read `set` in: the one the options name, else the one its hints
/// point at (with a note that says so and how `overridden` it is), else PostgreSQL.
pub fn dialect_of(options: &Options, set: &MigrationSet, overridden: &str) -> (Dialect, Option<String>) {
    let (dialect, source) = set.dialect(options.discover.dialect);
    // A history's dialect is said once for all of them (see merge_histories).
    let note = match (source, &set.history) {
        (discover::DialectSource::Detected(why), None) => {
            Some(format!("dialect {dialect}, from {why} ({overridden})"))
        }
        _ => None,
    };
    (dialect, note)
}

/// Judges one migration (its text may be an editor's unsaved buffer) as `check`
/// judges each file: a window of its own, numbered `epoch`, against `before`, the
/// schema the migrations before it leave; reconciled with the net difference it
/// leaves, configured severities applied. Its changes point at file 0.
pub fn check_migration(
    migration: &Migration,
    before: &Schema,
    epoch: Epoch,
    dialect: Dialect,
    options: &Options,
) -> Vec<Change> {
    let mut run = Run::in_dialect(options, dialect, Vec::new());
    let mut schema = before.clone();
    schema.begin_migration(epoch);
    let parsed = parse_file(migration.sql(), dialect);
    let mut snapshot = Snapshot::default();
    run.judge(migration, &parsed, &mut schema, &mut snapshot, epoch);
    run.reconcile_since(0, &snapshot, &schema);
    run.apply_severities();
    run.changes
}

/// Accumulates files and changes while the stages run.
struct Run<'o> {
    options: &'o Options,
    dialect: Dialect,
    files: Vec<SourceFile>,
    /// The revision the history judged was read at; `None` on disk.
    revision: Option<String>,
    /// Where each file (its display path and revision) sits in `files`.
    file_index: HashMap<(String, Option<String>), usize>,
    changes: Vec<Change>,
    notes: Vec<String>,
    skipped: Vec<Skipped>,
}

impl<'o> Run<'o> {
    /// A run over `set`, in the dialect the options name, else the one its hints
    /// point at (said in a note), else PostgreSQL.
    fn new(options: &'o Options, set: &MigrationSet) -> Self {
        let (dialect, note) = dialect_of(options, set, OVERRIDDEN_ON_THE_COMMAND_LINE);
        // Versions read in a way the user may not expect (a date that is none).
        let remarks =
            set.forward.iter().filter_map(|m| Some(format!("`{}`: {}", m.display, m.version.remark()?)));
        let notes = note.into_iter().chain(remarks).collect();
        Run { revision: set.revision.clone(), ..Run::in_dialect(options, dialect, notes) }
    }

    fn in_dialect(options: &'o Options, dialect: Dialect, notes: Vec<String>) -> Self {
        Run {
            options,
            dialect,
            files: Vec::new(),
            revision: None,
            file_index: HashMap::new(),
            changes: Vec::new(),
            notes,
            skipped: Vec::new(),
        }
    }

    /// Adds a migration of the history judged to the files changes point into (once).
    fn add_file(&mut self, migration: &Migration) -> usize {
        let revision = self.revision.clone();
        self.add_file_at(migration, revision.as_deref())
    }

    /// Adds a migration read at `revision` to the files changes point into (once):
    /// the same path at two revisions is two texts.
    fn add_file_at(&mut self, migration: &Migration, revision: Option<&str>) -> usize {
        let key = (migration.display.clone(), revision.map(str::to_owned));
        if let Some(&index) = self.file_index.get(&key) {
            return index;
        }
        self.files.push(SourceFile {
            display: migration.display.clone(),
            revision: key.1.clone(),
            bytes: migration.bytes.clone(),
        });
        self.file_index.insert(key, self.files.len() - 1);
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
        reconcile(findings, snapshot.before(), after, self.dialect);
    }

    /// Judges every statement of `migration` (read into `parsed`) against the
    /// schema before it, and replays it, a piece at a time when it was left to be
    /// read so: its changes go straight to the run's.
    fn judge(
        &mut self,
        migration: &Migration,
        parsed: &impl Pieces,
        schema: &mut Schema,
        snapshot: &mut Snapshot,
        window_start: Epoch,
    ) {
        let file = self.add_file(migration);
        if let Some(unread) = &migration.unread {
            self.changes.push(Change::for_file(file, unread_migration(unread)));
            return;
        }
        let mut judge = FileJudge::new(file, &self.changes);
        parsed.each_piece(|piece| {
            judge.judge(piece, self.dialect, schema, snapshot, window_start, &mut self.changes);
        });
        judge.finish(&migration.bytes, &mut self.changes);
    }

    /// Applies the configured severities to every finding.
    fn apply_severities(&mut self) {
        for finding in self.changes.iter_mut().flat_map(Change::findings_mut) {
            if let Some(severity) = self.options.severities.get(finding.rule.id) {
                finding.set_severity(*severity);
            }
        }
    }

    fn finish(
        mut self,
        set: &MigrationSet,
        window: &[&Migration],
        after: &Schema,
    ) -> Result<Analysis, AnalysisError> {
        self.apply_severities();
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
            histories: set.history.iter().cloned().collect(),
            judged: vec![Judged {
                folder: set.folder.clone(),
                revision: set.revision.clone(),
                history: set.history.as_ref().map(|name| name.word.clone()),
                dialect: self.dialect,
                layout: set.layout,
            }],
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
    let mut backs = Vec::new();
    for migration in window.iter().rev() {
        match set.way_back_for(migration) {
            Some(back) => backs.push(back),
            None if !migration.repeatable => result.missing.push(migration.relative.clone()),
            None => {}
        }
    }
    let mut schema = after.clone();
    // Read on every core ahead of the judge, like the window itself; a way back
    // is read as it is, whatever its extension.
    let bytes: fn(&Migration) -> &[u8] = |migration| &migration.bytes;
    each_read(&backs, dialect, bytes, |_, back, parsed| {
        let mut step = WayBackStep { file: back.display.clone(), loses: Vec::new() };
        // Everything the way back touches holds data written since B was deployed.
        let changes =
            judge_file(0, &back.bytes, &parsed, dialect, &mut schema, &mut Snapshot::default(), Epoch::MAX);
        for change in &changes {
            for finding in change.findings().iter().filter(|f| f.loses_data) {
                step.loses.push(Loss { line: change.start.line, what: finding.message.to_string() });
            }
        }
        result.steps.push(step);
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_release_with_no_sql_migration_is_a_first_release_and_said() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (from, to) = (dir.path().join("a"), dir.path().join("b"));
        for folder in [&from, &to] {
            std::fs::create_dir(folder).expect("mkdir");
        }
        std::fs::write(from.join("README.md"), "migrations to come").expect("write");
        std::fs::write(to.join("1_users.sql"), "CREATE TABLE users (id int);").expect("write");
        let analysis = audit(&from, &to, &Options::new(Some(Dialect::Postgres))).expect("audit");
        assert_eq!(analysis.changes.len(), 1, "{:?}", analysis.changes);
        let said = format!("`{}` holds no SQL migration", from.display());
        assert!(analysis.notes.iter().any(|note| note.starts_with(&said)), "{:?}", analysis.notes);

        // A folder not there at all at A is said where it was found missing, once.
        let absent = Release { absent: true, ..Release::at_revision("db".to_owned(), "v1") };
        let newer = Release::read_folder(&to).expect("read");
        let analysis = audit_releases(absent, newer, &Options::new(Some(Dialect::Postgres))).expect("audit");
        assert!(
            !analysis.notes.iter().any(|note| note.contains("holds no SQL migration")),
            "{:?}",
            analysis.notes
        );
    }
}
