//! `rollsafe.toml`: found by walking up from the working directory (or named with
//! `--config`). Command-line flags win over it. An unknown key or a wrong value is
//! an error that points at the exact spot in the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use crate::classify::Severity;
use crate::discover::{Exclude, Layout};
use crate::rules::find_rule;
use crate::sql::Dialect;

pub const FILE_NAME: &str = "rollsafe.toml";

/// When the exit status is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// A change breaks the older release's code (code rollback `blocked`).
    Coupled,
    /// Data is lost: a change destroys it, or the way back does (database
    /// rollback `lossy`).
    Destructive,
    /// Anything that is not `independent`: `blocked` or `review` (the default).
    Unknown,
    /// Never: report only.
    Never,
}

/// The settings of a `rollsafe.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub dialect: Option<Dialect>,
    pub layout: Option<Layout>,
    /// Migration folders, relative to the file; what `check` reads when given no path.
    #[serde(default)]
    pub migrations: Vec<PathBuf>,
    /// Glob patterns of migration files to leave out, as written: relative to the
    /// folder of the file.
    #[serde(default, rename = "exclude")]
    exclude_patterns: Vec<Spanned<String>>,
    /// The patterns compiled, once the file is checked.
    #[serde(skip)]
    pub exclude: Exclude,
    /// Severity per rule id: `error`, `warning`, `info` or `off`.
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Severity>,
    pub fail_on: Option<FailOn>,
    /// Whether to read release A's code for evidence: `auto` (the default) or `off`.
    pub code: Option<CodeSetting>,
}

/// Whether release A's code is read to check what breaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeSetting {
    /// Read it wherever it is at hand: the tree at `--from`, the merge base of
    /// `check --base`, or `--code DIR`.
    Auto,
    /// Never: judge by the schema alone, presuming A's code uses all of A's schema.
    Off,
}

/// Trouble with the configuration file (exit status 2).
#[derive(Debug, Error, Diagnostic)]
pub enum ConfigError {
    #[error("cannot read `{path}`")]
    #[diagnostic(code(rollsafe::config_unreadable))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{message}")]
    #[diagnostic(code(rollsafe::config_invalid))]
    Invalid {
        message: String,
        #[source_code]
        source_code: NamedSource<String>,
        #[label("here")]
        at: Option<SourceSpan>,
        #[help]
        help: Option<String>,
    },
}

impl Config {
    /// The configuration named by `explicit`, else the nearest `rollsafe.toml` in
    /// `start` or a folder above it; with the folder it was found in.
    pub fn load(
        explicit: Option<&Path>,
        start: &Path,
    ) -> Result<Option<(Config, PathBuf)>, Box<ConfigError>> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match start.ancestors().map(|dir| dir.join(FILE_NAME)).find(|p| p.is_file()) {
                Some(path) => path,
                None => return Ok(None),
            },
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|source| Box::new(ConfigError::Read { path: path.display().to_string(), source }))?;
        let mut config = Config::parse(&text, &path.display().to_string())?;
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let written_in = if folder.as_os_str().is_empty() { Path::new(".") } else { folder.as_path() };
        config.exclude = std::mem::take(&mut config.exclude).relative_to(written_in);
        Ok(Some((config, folder)))
    }

    /// Parses and checks the text of a configuration file named `name`.
    pub fn parse(text: &str, name: &str) -> Result<Config, Box<ConfigError>> {
        let invalid = |message: String, span: Option<std::ops::Range<usize>>, help: Option<String>| {
            Box::new(ConfigError::Invalid {
                message,
                source_code: NamedSource::new(name, text.to_owned()),
                at: span.map(|s| SourceSpan::from(s.start..s.end)),
                help,
            })
        };
        let mut config: Config = toml::from_str(text).map_err(|error| {
            invalid(
                format!("invalid {FILE_NAME}: {}", error.message()),
                error.span(),
                Some("keys: dialect, layout, migrations, exclude, fail-on, code, [rules]".to_owned()),
            )
        })?;
        for rule in config.rules.keys() {
            if find_rule(rule.get_ref()).is_none() {
                return Err(invalid(
                    format!("there is no rule `{}`", rule.get_ref()),
                    Some(rule.span()),
                    Some("`rollsafe rules` lists every rule".to_owned()),
                ));
            }
        }
        fn written(pattern: &Spanned<String>) -> &str {
            pattern.get_ref()
        }
        config.exclude = Exclude::new(config.exclude_patterns.iter().map(written)).map_err(|error| {
            // A pattern that does not parse is shown at its spot; a set too large to
            // compile is about no pattern in particular.
            let culprit = config.exclude_patterns.iter().find(|p| Some(written(p)) == error.glob());
            let message = match culprit {
                Some(pattern) => format!("invalid exclude pattern `{}`: {}", written(pattern), error.kind()),
                None => format!("invalid exclude patterns: {error}"),
            };
            let help = "`*` and `?` match within a folder, `**` across folders, `[ab]` and `{a,b}` one of";
            invalid(message, culprit.map(Spanned::span), Some(help.to_owned()))
        })?;
        Ok(config)
    }

    /// How to analyse by this file, under the flags given (`dialect`, `layout`).
    pub fn analysis_options(
        &self,
        dialect: Option<Dialect>,
        layout: Option<Layout>,
    ) -> crate::analysis::Options {
        let mut options = crate::analysis::Options::new(dialect.or(self.dialect));
        options.discover.layout = layout.or(self.layout);
        options.discover.exclude = self.exclude.clone();
        options.severities = self.severities();
        options
    }

    /// Severity overrides by rule id.
    pub fn severities(&self) -> BTreeMap<String, Severity> {
        self.rules.iter().map(|(rule, severity)| (rule.get_ref().clone(), *severity)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_setting() {
        let text = "dialect = \"mysql\"\nlayout = \"flyway\"\nmigrations = [\"db\"]\nexclude = [\"old/**\"]\nfail-on = \"coupled\"\ncode = \"off\"\n[rules]\ndrop-index = \"off\"\n";
        let config = Config::parse(text, FILE_NAME).expect("valid");
        assert_eq!(config.dialect, Some(Dialect::Mysql));
        assert_eq!(config.layout, Some(Layout::Flyway));
        assert_eq!(config.fail_on, Some(FailOn::Coupled));
        assert_eq!(config.code, Some(CodeSetting::Off));
        assert_eq!(config.severities().get("drop-index"), Some(&Severity::Off));
        assert!(config.exclude.excludes("old/1_a.sql", "db/old/1_a.sql"));
        assert!(!config.exclude.excludes("1_a.sql", "db/1_a.sql"));
    }

    #[test]
    fn unknown_keys_values_and_rules_point_at_their_spot() {
        fn span(text: &str) -> &str {
            let error = Config::parse(text, FILE_NAME).expect_err("invalid");
            match *error {
                ConfigError::Invalid { at: Some(at), .. } => &text[at.offset()..at.offset() + at.len()],
                other => panic!("{other:?}"),
            }
        }
        assert!(span("dialect = \"postgres\"\ncolour = true\n").contains("colour"));
        assert!(span("dialect = \"oracle\"\n").contains("oracle"));
        assert_eq!(span("[rules]\ndrop-colum = \"off\"\n"), "drop-colum");
        assert!(span("[rules]\ndrop-column = \"loud\"\n").contains("loud"));
        assert_eq!(span("exclude = [\"old/**\", \"{a,b\"]\n"), "\"{a,b\"");
    }
}
