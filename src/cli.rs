//! The command line: parses arguments, runs an analysis, prints the report and
//! turns the verdict into the exit status (0 independent, 1 blocked or review,
//! 2 could not run).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use miette::Diagnostic;
use thiserror::Error;

use crate::analysis::{self, Analysis, AnalysisError};
use crate::report::{self, Format, Style};
use crate::rules::{ALL_RULES, find_rule};
use crate::sql::Dialect;
use crate::verdict::CodeRollback;

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
        /// Release A, the one to roll back to: its migrations folder.
        #[arg(long, value_name = "PATH")]
        from: PathBuf,
        /// Release B, the one running now: its migrations folder.
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Pre-merge lint: judge each migration against the schema replayed from the
    /// migrations before it.
    Check {
        /// A migrations folder, or one migration file in it.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List every rule with its class.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// The rule's id, as printed in reports (e.g. `rename-column`).
        rule: String,
    },
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// SQL dialect of the migrations.
    #[arg(long, value_enum, default_value_t = Dialect::Postgres)]
    dialect: Dialect,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// When to color the human report (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
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
        Err(error) => {
            let _printed = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
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
        Command::Audit { from, to, output } => {
            let analysis = analysis::audit(&from, &to, output.dialect)?;
            let title = format!("audit: {} -> {}", from.display(), to.display());
            Ok(print(&analysis, &output, &title))
        }
        Command::Check { path, output } => {
            let analysis = analysis::check(&path, output.dialect)?;
            let title = format!("check: {}", path.display());
            Ok(print(&analysis, &output, &title))
        }
        Command::Rules => {
            for rule in ALL_RULES {
                println!("{:<26} {:<12} {}", rule.id, rule.class.as_str(), rule.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => match find_rule(&rule) {
            Some(found) => {
                print!("{}", found.documentation());
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

fn print(analysis: &Analysis, output: &OutputArgs, title: &str) -> ExitCode {
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let title = format!("{title} ({}, {})", analysis.dialect, analysis.layout.label());
    let style = Style { color, width: 100 };
    print!("{}", report::render(analysis, output.format, &title, style));
    exit_code(analysis)
}

fn exit_code(analysis: &Analysis) -> ExitCode {
    match analysis.verdict.code_rollback {
        CodeRollback::Independent => ExitCode::SUCCESS,
        CodeRollback::Blocked | CodeRollback::Review => ExitCode::from(1),
    }
}
