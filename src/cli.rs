//! The command line: parses arguments, runs an analysis, prints the report and
//! turns the verdict into the exit status (0 independent, 1 blocked or review,
//! 2 could not run).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use miette::Diagnostic;
use thiserror::Error;

use crate::analysis::{self, Analysis, AnalysisError};
use crate::classify::Severity;
use crate::config::{CodeSetting, Config, ConfigError, FailOn};
use crate::discover::{self, Layout};
use crate::evidence::CodeSource;
use crate::report::{self, Format, Style};
use crate::rules::{ALL_RULES, find_rule};
use crate::sql::Dialect;
use crate::verdict::{CodeRollback, DatabaseRollback};

/// Static analysis of SQL migrations: can this release be rolled back?
#[derive(Debug, Parser)]
#[command(name = "rollsafe", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Pre-rollback audit: can the code of release A (--from) run against the schema
    /// of release B (--to), and can B's migrations be undone without losing data?
    Audit {
        /// Release A, the one to roll back to: a git revision (tag, branch, commit,
        /// `HEAD~3`) or its migrations folder.
        #[arg(long, value_name = "REV|PATH")]
        from: String,
        /// Release B, the one running now: a git revision or its migrations folder
        /// [default: the working tree].
        #[arg(long, value_name = "REV|PATH")]
        to: Option<String>,
        /// With revisions: the migrations folder in the repository [default: the
        /// first common one found, e.g. `migrations/`, `db/migrations/`].
        #[arg(value_name = "FOLDER")]
        folder: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Pre-merge lint: judge each migration against the schema replayed from the
    /// migrations before it.
    Check {
        /// Migrations folders, or migration files in them (default: the
        /// `migrations` folders of rollsafe.toml, else those found in the
        /// repository, as `audit` finds them). Each file is judged against the
        /// migrations before it in its own folder; `-` reads one file's text from
        /// standard input (with --stdin-filename).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Pre-merge: judge only what this branch adds since its merge base with REV
        /// (e.g. `origin/main`), uncommitted changes included.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// With `-`: the path the text on standard input is judged as (its folder
        /// gives the migrations before it).
        #[arg(long, value_name = "PATH")]
        stdin_filename: Option<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List the migrations discovered in a folder, in the order their tool runs
    /// them, with version, direction and layout: check the order before trusting a
    /// verdict.
    List {
        /// Migrations folders (default: the `migrations` folders of
        /// rollsafe.toml, else those found in the repository).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Migration layout, instead of detecting it.
        #[arg(long, value_enum)]
        layout: Option<Layout>,
        /// SQL dialect: in a folder holding one history per database, picks that
        /// database's [default: rollsafe.toml's, else each history's own].
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List every rule with its class and default severity.
    Rules,
    /// Print a completion script for a shell, e.g.
    /// `rollsafe completions bash > ~/.local/share/bash-completion/completions/rollsafe`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff), e.g. `rollsafe man > ~/.local/share/man/man1/rollsafe.1`, or a
    /// subcommand's, e.g. `rollsafe man check > ~/.local/share/man/man1/rollsafe-check.1`.
    Man {
        /// The subcommand whose page to print (`audit`, `check`, `list`, …) [default: rollsafe's].
        subcommand: Option<String>,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule's id, as printed in reports (e.g. `rename-column`).
        rule: String,
    },
    /// Language server over standard input and output: findings in the editor
    /// while a migration is being written (see docs/editors.md).
    Lsp,
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// SQL dialect of the migrations [default: rollsafe.toml's, else postgres].
    #[arg(long, value_enum)]
    dialect: Option<Dialect>,
    /// Migration layout, instead of detecting it.
    #[arg(long, value_enum)]
    layout: Option<Layout>,
    /// When to exit with status 1: `coupled` when A's code breaks, `destructive` when
    /// data is lost applying the window or undoing it (database rollback `lossy`),
    /// `unknown` when the code rollback is not `independent` [default:
    /// rollsafe.toml's, else unknown].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The configuration file [default: the nearest rollsafe.toml upwards].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to color the human report (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Release A's code, as a folder: a change breaks A's code only where A's code
    /// uses what it breaks [default: the tree at --from, or the merge base of
    /// `check --base`].
    #[arg(long, value_name = "DIR", conflicts_with = "no_code")]
    code: Option<PathBuf>,
    /// Do not read A's code: presume it uses every object of A's schema.
    #[arg(long)]
    no_code: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Error, Diagnostic)]
enum CliError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Analysis(#[from] AnalysisError),
    #[error("there is no rule `{0}`")]
    #[diagnostic(code(rollsafe::unknown_rule), help("`rollsafe rules` lists every rule{1}"))]
    UnknownRule(String, String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<ConfigError>),
    #[error("there is no subcommand `{0}`")]
    #[diagnostic(code(rollsafe::unknown_subcommand), help("the subcommands are {1}"))]
    UnknownSubcommand(String, String),
    #[error("no migrations folder given")]
    #[diagnostic(
        code(rollsafe::no_path),
        help("pass a folder or file, or list folders under `migrations` in rollsafe.toml")
    )]
    NoPath,
    #[error("cannot write the report to standard output")]
    #[diagnostic(code(rollsafe::write_failed), help("check the disk or file standard output goes to"))]
    Write(#[source] std::io::Error),
    #[error("`-` (standard input) needs --stdin-filename")]
    #[diagnostic(
        code(rollsafe::stdin_filename),
        help(
            "name the file the text is judged as, e.g. `--stdin-filename db/migrations/0042_x.sql`: its folder gives the migrations before it"
        )
    )]
    StdinWithoutFilename,
    #[error("--stdin-filename is given, but no path is `-`")]
    #[diagnostic(code(rollsafe::stdin_filename), help("pass `-` among the paths to read standard input"))]
    StdinFilenameWithoutDash,
    #[error("--stdin-filename `{0}` is a folder")]
    #[diagnostic(
        code(rollsafe::stdin_filename),
        help("name the migration file the text is judged as, e.g. `--stdin-filename {0}/0042_x.sql`")
    )]
    StdinFilenameIsFolder(String),
    #[error("`-` (standard input) is given more than once")]
    #[diagnostic(code(rollsafe::stdin_twice), help("standard input holds one file's text"))]
    StdinTwice,
    #[error("`-` (standard input) cannot be combined with --base")]
    #[diagnostic(
        code(rollsafe::stdin_with_base),
        help(
            "--base reads the branch's files from the repository; without it, `check -` judges the text against the migrations before it"
        )
    )]
    StdinWithBase,
    #[error("cannot read standard input")]
    #[diagnostic(code(rollsafe::stdin_unreadable))]
    ReadStdin(#[source] std::io::Error),
    #[error("the language server lost its connection to the editor")]
    #[diagnostic(code(rollsafe::lsp_connection))]
    Lsp(#[source] std::io::Error),
    #[error("the analysis stopped unexpectedly")]
    #[diagnostic(code(rollsafe::internal), help("please report this with the migration that caused it"))]
    Internal,
}

/// Analyses deep in sqlparser's recursion (and the drop of deep syntax trees) get
/// a generous stack.
const ANALYSIS_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            let _printed = error.print();
            return ExitCode::from(2);
        }
        // `--help` and `--version` are reports too: a failure to write them is said.
        Err(shown) => {
            let text = shown.render();
            let text =
                if std::io::stdout().is_terminal() { text.ansi().to_string() } else { text.to_string() };
            return match emit(&text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("{:?}", miette::Report::new(error));
                    ExitCode::from(2)
                }
            };
        }
    };
    let outcome = std::thread::Builder::new()
        .stack_size(ANALYSIS_STACK_BYTES)
        .spawn(move || run(cli))
        .map_err(|_| CliError::Internal)
        .and_then(|handle| handle.join().unwrap_or(Err(CliError::Internal)));
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{:?}", miette::Report::new(error));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Audit { from, to, folder, output } => {
            let mut settings = Settings::from_output(&output)?;
            let dialect = settings.options.discover.dialect;
            let window = discover::audit_window(&from, to.as_deref(), folder.as_deref(), dialect)
                .map_err(AnalysisError::from)?;
            let title = format!("audit: {}", window.label());
            let at = match &window.repository {
                Some(repository) if !Path::new(&from).is_dir() => {
                    CodeAt::Revision { revision: &from, repository }
                }
                _ => CodeAt::Nowhere,
            };
            let migrations: Vec<PathBuf> = window.migrations.iter().map(|m| m.on_disk.clone()).collect();
            let no_code = settings.choose_code(&output, at, &migrations)?;
            // Between two commits their history says which is older.
            let to_is_older = match (&window.repository, to.as_deref()) {
                (Some(repository), Some(to)) if !Path::new(&from).is_dir() => {
                    discover::Repository::discover(repository)
                        .and_then(|repo| repo.is_ancestor(to, &from))
                        .ok()
                }
                _ => None,
            };
            let mut analysis = audit_window(window, &settings)?;
            analysis.notes.extend(no_code);
            hint_if_swapped(&mut analysis, to_is_older);
            print(&analysis, &output, &settings, &title)
        }
        Command::Check { paths, base: Some(base), stdin_filename: _, output } => {
            let mut settings = Settings::from_output(&output)?;
            if paths.iter().any(|path| path.as_os_str() == "-") {
                return Err(CliError::StdinWithBase);
            }
            let paths = if paths.is_empty() {
                settings.migrations.first().cloned().into_iter().collect()
            } else {
                paths
            };
            let dialect = settings.options.discover.dialect;
            let mut windows = Vec::new();
            for (folder, files) in branch_groups(&paths) {
                let window = discover::branch_window(&base, folder.as_deref(), dialect)
                    .map_err(AnalysisError::from)?;
                windows.push((window, files));
            }
            // A's code is the merge base's, in the repository of the first folder named.
            let migrations: Vec<PathBuf> = windows
                .iter()
                .flat_map(|(window, _)| &window.migrations)
                .map(|m| m.on_disk.clone())
                .collect();
            let repository = windows.first().and_then(|(window, _)| window.repository.clone());
            let at = match &repository {
                Some(repository) => CodeAt::MergeBase { base: &base, repository },
                None => CodeAt::Nowhere,
            };
            let no_code = settings.choose_code(&output, at, &migrations)?;
            let mut analyses = Vec::new();
            let mut judged = Vec::new();
            for (window, files) in windows {
                judged.push(match files.is_empty() {
                    true => window.newer_label(),
                    false => files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "),
                });
                let mut analysis = audit_window(window, &settings)?;
                if !files.is_empty() {
                    keep_only(&mut analysis, &files);
                }
                analyses.push(analysis);
            }
            let mut analysis = Analysis::merge(analyses).ok_or(CliError::NoPath)?;
            analysis.notes.extend(no_code);
            let title = format!("check: {} since `{base}`", judged.join(", "));
            print(&analysis, &output, &settings, &title)
        }
        Command::Check { paths, base: None, stdin_filename, output } => {
            let mut settings = Settings::from_output(&output)?;
            let overlay = read_stdin_overlay(&paths, stdin_filename)?;
            let paths: Vec<PathBuf> = paths
                .into_iter()
                .map(|path| match (&overlay, path.as_os_str() == "-") {
                    (Some(overlay), true) => overlay.path.clone(),
                    _ => path,
                })
                .collect();
            let (paths, found) = settings.folders(paths)?;
            let no_code = settings.choose_code(&output, CodeAt::Nowhere, &paths)?;
            let mut analysis = analysis::check_paths(&paths, overlay.as_ref(), &settings.options)?;
            analysis.notes.splice(0..0, found);
            analysis.notes.extend(no_code);
            if paths.iter().any(|path| path.is_dir()) {
                warn_unmatched_excludes(&mut analysis, &settings);
            }
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            print(&analysis, &output, &settings, &format!("check: {}", shown.join(", ")))
        }
        Command::List { paths, layout, dialect, json } => {
            let settings = Settings::resolve(None, dialect, layout, None)?;
            let (paths, found) = settings.folders(paths)?;
            for note in found {
                eprintln!("note: {note}");
            }
            let options = &settings.options.discover;
            let mut listings = Vec::new();
            for path in paths {
                let sets = discover::discover_folder(&path, options).map_err(AnalysisError::from)?;
                listings.extend(sets.iter().map(|set| listing(set, options.dialect, json)));
            }
            // JSON is one document: an object for one history, an array for several.
            match (json, listings.len()) {
                (true, 2..) => emit(&format!("[\n{}]\n", listings.join(",\n")))?,
                _ => emit(&listings.concat())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules => {
            let mut listing = format!("{:<26} {:<12} {:<9} summary\n", "rule", "class", "severity");
            for rule in ALL_RULES {
                let severity = Severity::default_for(rule.class).as_str();
                listing += &format!(
                    "{:<26} {:<12} {:<9} {}\n",
                    rule.id,
                    rule.class.as_str(),
                    severity,
                    rule.summary
                );
            }
            emit(&listing)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "rollsafe", &mut script);
            emit(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { subcommand } => {
            let mut command = Cli::command();
            command.build();
            let (page, title) = match subcommand {
                None => (command, "rollsafe".to_owned()),
                Some(name) => {
                    let names: Vec<String> =
                        command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
                    let found = command.find_subcommand(&name).cloned();
                    let sub =
                        found.ok_or_else(|| CliError::UnknownSubcommand(name.clone(), names.join(", ")))?;
                    // Titled `rollsafe-check`, as the file it goes in is named.
                    (sub.display_name(format!("rollsafe-{name}")), format!("rollsafe-{name}"))
                }
            };
            let mut roff = Vec::new();
            let source = format!("rollsafe {}", env!("CARGO_PKG_VERSION"));
            clap_mangen::Man::new(page)
                .title(title)
                .source(source)
                .render(&mut roff)
                .map_err(CliError::Write)?;
            emit(&String::from_utf8_lossy(&roff))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lsp => match crate::lsp::serve_stdio().map_err(CliError::Lsp)? {
            true => Ok(ExitCode::SUCCESS),
            // `exit` without `shutdown`, or the editor went away.
            false => Ok(ExitCode::from(1)),
        },
        Command::Explain { rule } => match find_rule(&rule) {
            Some(found) => {
                emit(&found.documentation())?;
                Ok(ExitCode::SUCCESS)
            }
            None => {
                let close: Vec<&str> = ALL_RULES
                    .iter()
                    .map(|r| r.id)
                    .filter(|id| id.contains(rule.as_str()) || rule.contains(id))
                    .collect();
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                };
                Err(CliError::UnknownRule(rule, hint))
            }
        },
    }
}

/// The discovered migrations of a history, in run order, with the dialect they
/// are read in (the one `named`, else the history's own).
fn listing(set: &discover::MigrationSet, named: Option<Dialect>, json: bool) -> String {
    let (dialect, source) = set.dialect(named);
    let dialect_from = match source {
        discover::DialectSource::Named => "named (--dialect or rollsafe.toml)".to_owned(),
        discover::DialectSource::Detected(why) => format!("from {why}"),
        discover::DialectSource::Default => "the default: nothing in the folder names one".to_owned(),
    };
    let history = set.history.as_ref().map(|name| name.word.as_str());
    let rows = set.forward.iter().chain(&set.back).map(|m| {
        let direction = match m.direction {
            discover::Direction::Forward if m.repeatable => "repeatable",
            discover::Direction::Forward => "forward",
            discover::Direction::Back => "back",
        };
        (
            m.version.to_string(),
            direction,
            m.display.as_str(),
            m.unread.as_ref().map(discover::Unread::reason),
        )
    });
    let skipped_as = |kind| -> Vec<&str> {
        set.skipped.iter().filter(|s| s.kind == kind).map(|s| s.relative.as_str()).collect()
    };
    if json {
        let migrations: Vec<serde_json::Value> = rows
            .map(|(version, direction, file, unread)| {
                let mut migration =
                    serde_json::json!({ "version": version, "direction": direction, "file": file });
                // Only on a migration rollsafe does not read: `check` makes it an `unread-migration`.
                if let (Some(reason), Some(fields)) = (unread, migration.as_object_mut()) {
                    fields.insert("not_read".to_owned(), reason.into());
                }
                migration
            })
            .collect();
        let value = serde_json::json!({
            "folder": set.folder,
            "history": history,
            "dialect": dialect.to_string(),
            "dialect_from": dialect_from,
            "layout": set.layout,
            "migrations": migrations,
            "ignored": skipped_as(discover::SkipKind::NoVersion),
            "excluded": skipped_as(discover::SkipKind::Excluded),
            "skipped": set.skipped,
        });
        return serde_json::to_string_pretty(&value).unwrap_or_default() + "\n";
    }
    let history = history.map_or_else(String::new, |word| format!(", the `{word}` history"));
    let mut out =
        format!("{} ({}{history}; dialect {dialect}, {dialect_from})\n", set.label(), set.layout.label());
    for (number, (version, direction, file, unread)) in rows.enumerate() {
        out += &format!("{:>5}  {version:<22} {direction:<10} {file}\n", number + 1);
        if let Some(reason) = unread {
            // Under its row, as files not read are said below the table.
            out += &format!("       not read: {reason}; `check` reports it as an unread-migration\n");
        }
    }
    for skipped in &set.skipped {
        out += &format!("       not read: {} ({})\n", skipped.relative, skipped.reason);
    }
    out
}

/// Analyses a window, with the notes on how its releases were found first.
fn audit_window(window: discover::Window, settings: &Settings) -> Result<Analysis, CliError> {
    let analyses = window
        .folders
        .into_iter()
        .map(|pair| analysis::audit_releases(pair.older, pair.newer, &settings.options))
        .collect::<Result<Vec<_>, _>>()?;
    let mut analysis = Analysis::merge(analyses).ok_or(CliError::NoPath)?;
    let mut notes = window.notes;
    notes.append(&mut analysis.notes);
    analysis.notes = notes;
    warn_unmatched_excludes(&mut analysis, settings);
    Ok(analysis)
}

/// Says which `exclude` patterns left nothing out: a pattern written relative to
/// the wrong folder silently reads what it was meant to skip.
fn warn_unmatched_excludes(analysis: &mut Analysis, settings: &Settings) {
    for pattern in settings.options.discover.exclude.unmatched(&analysis.skipped) {
        analysis.notes.push(format!(
            "warning: the exclude pattern `{pattern}` matches no file (patterns are relative to the folder of rollsafe.toml)"
        ));
    }
}

/// `check --base` paths grouped by the folder whose window they are judged in:
/// a folder alone (`None`: the one discovered in the repository) or the files
/// named in it.
fn branch_groups(paths: &[PathBuf]) -> Vec<(Option<PathBuf>, Vec<PathBuf>)> {
    let mut groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = Vec::new();
    if paths.is_empty() {
        groups.push((None, Vec::new()));
    }
    for path in paths {
        let (folder, file) = match path.is_file() {
            true => {
                let parent = path.parent().filter(|parent| !parent.as_os_str().is_empty());
                (parent.unwrap_or(Path::new(".")).to_path_buf(), Some(path.clone()))
            }
            false => (path.clone(), None),
        };
        match groups.iter_mut().find(|(known, _)| known.as_ref() == Some(&folder)) {
            Some((_, files)) => files.extend(file),
            None => groups.push((Some(folder), file.into_iter().collect())),
        }
    }
    groups
}

/// Narrows a window's analysis to the changes at `files`, the verdict with them.
fn keep_only(analysis: &mut Analysis, files: &[PathBuf]) {
    // `x.sql` and `./x.sql` are one file; a file read from a revision is none of the
    // working tree's, though shown at its place there. Each path is resolved once.
    let targets: Vec<Option<PathBuf>> = files.iter().map(|file| file.canonicalize().ok()).collect();
    let target_of_file: Vec<Option<usize>> = analysis
        .files
        .iter()
        .map(|source| {
            if source.revision.is_some() {
                return None;
            }
            let path = Path::new(&source.display).canonicalize().ok()?;
            targets.iter().position(|target| target.as_ref() == Some(&path))
        })
        .collect();
    let target_of = |change: &crate::classify::Change| target_of_file.get(change.file).copied().flatten();
    analysis.changes.retain(|change| target_of(change).is_some());
    for (index, file) in files.iter().enumerate() {
        if !analysis.changes.iter().any(|change| target_of(change) == Some(index)) {
            analysis
                .notes
                .push(format!("`{}` is not new in this branch: nothing of it to judge", file.display()));
        }
    }
    analysis.verdict = crate::verdict::decide(&analysis.changes, &analysis.way_back);
}

/// The text standard input holds, as the file `--stdin-filename` names, when a
/// path is `-`.
fn read_stdin_overlay(
    paths: &[PathBuf],
    stdin_filename: Option<PathBuf>,
) -> Result<Option<analysis::Overlay>, CliError> {
    let dashes = paths.iter().filter(|path| path.as_os_str() == "-").count();
    match (dashes, stdin_filename) {
        (0, None) => Ok(None),
        (0, Some(_)) => Err(CliError::StdinFilenameWithoutDash),
        (1, Some(path)) if path.is_dir() => Err(CliError::StdinFilenameIsFolder(path.display().to_string())),
        (1, Some(path)) => {
            use std::io::Read;
            let mut bytes = Vec::new();
            std::io::stdin().lock().read_to_end(&mut bytes).map_err(CliError::ReadStdin)?;
            Ok(Some(analysis::Overlay { path, bytes }))
        }
        (1, None) => Err(CliError::StdinWithoutFilename),
        _ => Err(CliError::StdinTwice),
    }
}

/// Every change a migration of --from missing from --to, and nothing new: the
/// releases were most likely given the wrong way round, unless their history
/// (`to_is_older`, when both are commits) says --to came after --from (a release
/// that only deletes a migration).
fn hint_if_swapped(analysis: &mut Analysis, to_is_older: Option<bool>) {
    let deleted = |change: &crate::classify::Change| change.primary().rule.id == "deleted-migration";
    if to_is_older != Some(false) && !analysis.changes.is_empty() && analysis.changes.iter().all(deleted) {
        analysis.notes.push(
            "hint: every migration of --to is in --from, which has more: were --from (the release to roll back to, the older one) and --to (the one running now) swapped?"
                .to_owned(),
        );
    }
}

/// Where release A's code is, unless `--code DIR` says.
enum CodeAt<'a> {
    /// The tree at `audit --from REV`, in the repository holding `repository`.
    Revision { revision: &'a str, repository: &'a Path },
    /// The tree of the merge base of `check --base REV` and HEAD, in the
    /// repository holding `repository`.
    MergeBase { base: &'a str, repository: &'a Path },
    /// Nowhere: folders only.
    Nowhere,
}

/// Command-line flags over rollsafe.toml over defaults.
struct Settings {
    options: analysis::Options,
    fail_on: FailOn,
    migrations: Vec<PathBuf>,
    code: CodeSetting,
}

impl Settings {
    fn from_output(output: &OutputArgs) -> Result<Settings, CliError> {
        Settings::resolve(output.config.as_deref(), output.dialect, output.layout, output.fail_on)
    }

    /// The flags given, over the configuration file (`config`, else the nearest
    /// rollsafe.toml), over the defaults.
    fn resolve(
        config: Option<&Path>,
        dialect: Option<Dialect>,
        layout: Option<Layout>,
        fail_on: Option<FailOn>,
    ) -> Result<Settings, CliError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let (config, folder) = Config::load(config, &cwd)?.unwrap_or_default();
        // Shown in every report: as the user would open them from here, not absolute.
        let migrations =
            config.migrations.iter().map(|m| discover::as_seen_from(&folder.join(m), &cwd)).collect();
        let options = config.analysis_options(dialect, layout);
        let code = config.code.unwrap_or(CodeSetting::Auto);
        Ok(Settings {
            options,
            fail_on: fail_on.or(config.fail_on).unwrap_or(FailOn::Unknown),
            migrations,
            code,
        })
    }

    /// Where release A's code is: `--code DIR`, else where `at` says, unless
    /// `--no-code` or `code = "off"` say not to read it. `migrations` are the
    /// window's migrations folders, never read as code. Returns the note that says,
    /// once, why no code was read.
    fn choose_code(
        &mut self,
        output: &OutputArgs,
        at: CodeAt<'_>,
        migrations: &[PathBuf],
    ) -> Result<Option<String>, CliError> {
        const PRESUMED: &str = "the verdict presumes A's code uses every object of A's schema";
        if output.no_code {
            return Ok(Some(format!("A's code not read (--no-code): {PRESUMED}")));
        }
        // A flag wins over the file: --code DIR reads that folder even where rollsafe.toml says off.
        if self.code == CodeSetting::Off && output.code.is_none() {
            return Ok(Some(format!("A's code not read (code = \"off\" in rollsafe.toml): {PRESUMED}")));
        }
        let source = match (&output.code, at) {
            (Some(root), _) => CodeSource::folder(root, migrations),
            (None, CodeAt::Revision { revision, repository }) => {
                CodeSource::revision(revision, repository, migrations).map_err(AnalysisError::from)?
            }
            (None, CodeAt::MergeBase { base, repository }) => {
                CodeSource::merge_base(base, repository, migrations).map_err(AnalysisError::from)?
            }
            (None, CodeAt::Nowhere) => {
                return Ok(Some(format!(
                    "no code of release A read: {PRESUMED} (pass --code DIR, or name releases by git revision)"
                )));
            }
        };
        self.options.code = Some(source);
        Ok(None)
    }

    /// The paths to read: those given (a folder that is no migrations folder but
    /// holds some, such as the project's root, standing for those; see
    /// [`discover::named_paths`]), else
    /// rollsafe.toml's `migrations`, else the migrations folders found in the
    /// working tree, with notes saying which.
    fn folders(&self, given: Vec<PathBuf>) -> Result<(Vec<PathBuf>, Vec<String>), CliError> {
        match given.is_empty() {
            false => {
                Ok(discover::named_paths(given, self.options.discover.dialect)
                    .map_err(AnalysisError::from)?)
            }
            true if !self.migrations.is_empty() => Ok((self.migrations.clone(), Vec::new())),
            true => {
                Ok(discover::working_tree_folders(self.options.discover.dialect)
                    .map_err(AnalysisError::from)?)
            }
        }
    }
}

fn print(
    analysis: &Analysis,
    output: &OutputArgs,
    settings: &Settings,
    title: &str,
) -> Result<ExitCode, CliError> {
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let title = format!("{title} ({})", read_as(&analysis.judged));
    let style = Style { color, width: 100 };
    write_out(|out| report::write(analysis, output.format, &title, style, out))?;
    Ok(exit_code(analysis, settings.fail_on))
}

/// How the histories judged were read, for the report's header: `postgres,
/// Prisma` for one; for several, how many, and how many in each dialect and
/// layout (`7 histories: 6 sqlite, 1 postgres; 5 plain numbered files, 2 up/down
/// files`), most first.
fn read_as(judged: &[analysis::Judged]) -> String {
    fn counted(names: impl Iterator<Item = String>) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for name in names {
            match counts.iter_mut().find(|(known, _)| *known == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        // Stable: equal counts keep the order judged.
        counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        counts.iter().map(|(name, count)| format!("{count} {name}")).collect::<Vec<_>>().join(", ")
    }
    match judged {
        [] => String::new(),
        [one] => format!("{}, {}", one.dialect, one.layout.label()),
        several => format!(
            "{} histories: {}; {}",
            several.len(),
            counted(several.iter().map(|one| one.dialect.to_string())),
            counted(several.iter().map(|one| one.layout.label().to_owned()))
        ),
    }
}

fn exit_code(analysis: &Analysis, fail_on: FailOn) -> ExitCode {
    let fails = match fail_on {
        FailOn::Unknown => analysis.verdict.code_rollback != CodeRollback::Independent,
        FailOn::Coupled => analysis.verdict.code_rollback == CodeRollback::Blocked,
        // Data is lost applying the window or undoing it (the way back drops what it added).
        FailOn::Destructive => analysis.verdict.database_rollback == DatabaseRollback::Lossy,
        FailOn::Never => false,
    };
    if fails { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Writes `text` to standard output (see [`write_out`]).
fn emit(text: &str) -> Result<(), CliError> {
    write_out(|out| out.write_all(text.as_bytes()))
}

/// Writes to standard output with `write`, buffered. A report that could not be
/// written (a full disk, a closed file) must not pass for one that was: it is an
/// error (status 2). Only a reader that went away on purpose (`| head`) is not: it
/// has read what it wanted.
fn write_out(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), CliError> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Write(error)),
        _ => Ok(()),
    }
}
