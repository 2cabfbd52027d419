//! Release A's code as the editor reads it: the tree at HEAD of the repository
//! holding a migrations folder, the code before the work not committed yet,
//! which is what a rollback goes back to.
//!
//! Reading it (listing the tree, reading and scanning every file) takes about
//! half a second in a repository of 10,000 files: too slow for every keystroke.
//! What it says about a set of names is kept, keyed by HEAD's tree and the names
//! asked, so a re-check that asks about the same names while HEAD's tree is the
//! same reads nothing. A commit, a checkout or a pull gives HEAD another tree,
//! and the next check reads again; so does a question about other names.

use std::path::{Path, PathBuf};

use crate::classify::Change;
use crate::config::CodeSetting;
use crate::discover::Repository;
use crate::evidence::{self, Asked, CodeReading, CodeSource};

/// How many readings of one tree are kept: one per set of names asked, for the
/// open files of a folder that ask about different names.
const KEPT: usize = 8;

/// Release A's code of one migrations folder.
#[derive(Debug)]
pub enum Code {
    /// The tree at HEAD of the repository holding the folder.
    Head {
        /// The migrations folder.
        folder: PathBuf,
        /// The migrations folder, repository-relative: not A's code.
        migrations: String,
        readings: Readings,
    },
    /// `code = "off"` in rollsafe.toml.
    Off,
    /// The folder is in no git repository.
    Missing,
}

/// What one tree of A's code said, per set of names asked, the latest last.
#[derive(Debug, Default)]
pub struct Readings {
    tree: Option<String>,
    kept: Vec<CodeReading>,
}

impl Code {
    /// The code of the migrations folder `folder`, as `setting` asks.
    pub fn for_folder(folder: &Path, setting: Option<CodeSetting>) -> Code {
        if setting == Some(CodeSetting::Off) {
            return Code::Off;
        }
        let Ok(repo) = Repository::discover(folder) else {
            return Code::Missing;
        };
        // A bare repository has no working tree to open A's files in.
        if repo.workdir_path("").is_none() {
            return Code::Missing;
        }
        Code::Head {
            folder: folder.to_path_buf(),
            migrations: repo.repo_relative(folder),
            readings: Readings::default(),
        }
    }

    /// Checks the findings that break A's code against A's code, as `audit` does,
    /// saying in `notes` what was read; returns whether it was (the files it
    /// references are shown from the working directory). Only when a finding
    /// depends on A's code is the code read.
    pub fn weigh(&mut self, changes: &mut [Change], notes: &mut Vec<String>) -> bool {
        let depends_on_code =
            changes.iter().any(|change| change.findings().iter().any(|f| f.breaks_code && f.counts()));
        if !depends_on_code {
            return false;
        }
        match self {
            Code::Head { folder, migrations, readings } => {
                match readings.of(folder, migrations, Asked::of(changes)) {
                    Ok(reading) => {
                        reading.apply(changes);
                        notes.push(reading.summary.note());
                        true
                    }
                    Err(error) => {
                        notes.push(format!("A's code not read ({error}): the findings presume A's code uses every object of A's schema"));
                        false
                    }
                }
            }
            Code::Off => false,
            Code::Missing => {
                notes.push("no code of release A read: the folder is in no git repository, so the findings presume A's code uses every object of A's schema".to_owned());
                false
            }
        }
    }
}

impl Readings {
    /// What HEAD's tree says about `asked`: kept from an earlier check of the same
    /// tree and names, else read now (and kept).
    fn of(&mut self, folder: &Path, migrations: &str, asked: Asked) -> Result<&CodeReading, String> {
        let repo = Repository::discover(folder).map_err(|error| error.to_string())?;
        let tree = repo.tree_id("HEAD").map_err(|error| error.to_string())?;
        if self.tree.as_ref() != Some(&tree) {
            self.kept.clear();
            self.tree = Some(tree.clone());
        }
        let at = match self.kept.iter().position(|kept| *kept.asked() == asked) {
            Some(at) => at,
            None => {
                // The tree by its id, not HEAD again: the reading is of the tree it is kept for.
                let source = CodeSource::Git {
                    repository: folder.to_path_buf(),
                    revision: tree,
                    label: "HEAD, the last commit".to_owned(),
                    migrations: vec![migrations.to_owned()],
                };
                let reading = evidence::read(asked, &source).map_err(|error| error.to_string())?;
                if self.kept.len() == KEPT {
                    self.kept.remove(0);
                }
                self.kept.push(reading);
                self.kept.len() - 1
            }
        };
        // The latest asked goes last, the oldest first, to go first.
        self.kept[at..].rotate_left(1);
        Ok(&self.kept[self.kept.len() - 1])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::lsp::test_support::changes_in;
    use crate::sql::Dialect;

    fn git(dir: &Path, args: &[&str]) -> String {
        let output = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=rollsafe", "-c", "user.email=rollsafe@example.com"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned()
    }

    fn write(dir: &Path, file: &str, text: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    const SCHEMA: &str = "CREATE TABLE users (id int, legacy text, retired text);";

    /// The findings of `sql` weighed against the code of `code`: each rule, how
    /// many references A's code has to it, and the note said.
    fn weighed(code: &mut Code, sql: &str) -> (Vec<(&'static str, Option<usize>)>, Vec<String>) {
        let mut changes = changes_in(Dialect::Postgres, SCHEMA, sql, &BTreeMap::new());
        let mut notes = Vec::new();
        code.weigh(&mut changes, &mut notes);
        let findings = changes
            .iter()
            .flat_map(|change| change.findings())
            .map(|finding| (finding.rule.id, finding.evidence().map(|evidence| evidence.total)))
            .collect();
        (findings, notes)
    }

    #[test]
    fn a_reading_is_kept_for_the_same_tree_and_names_and_read_again_when_either_changes() {
        let repo = tempfile::tempdir().expect("tempdir");
        let dir = repo.path();
        write(dir, "db/1_users.sql", SCHEMA);
        write(dir, "src/users.ts", "db.query('SELECT id, legacy FROM users');\n");
        write(dir, "src/report.ts", "db.query('SELECT legacy FROM users WHERE id = 1');\n");
        git(dir, &["init", "-q"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "A"]);
        let mut code = Code::for_folder(&dir.join("db"), None);
        let drop = "ALTER TABLE users DROP COLUMN legacy;";
        let first = weighed(&mut code, drop);
        assert_eq!(first.0, [("drop-column", Some(2))]);
        assert_eq!(
            first.1,
            ["read A's code (git HEAD, the last commit): 2 file(s); not code: 1 (migrations 1)"]
        );

        // A blob of HEAD's tree gone: reading the tree again would find it
        // unreadable. The same names asked of the same tree read nothing, and get
        // the same answer; an edit that asks about other names reads again.
        let blob = git(dir, &["rev-parse", "HEAD:src/report.ts"]);
        std::fs::remove_file(dir.join(".git/objects").join(&blob[..2]).join(&blob[2..]))
            .expect("a loose object");
        assert_eq!(weighed(&mut code, &format!("-- edited\n{drop}")), first);
        let other = weighed(&mut code, "ALTER TABLE users DROP COLUMN retired;");
        assert_eq!(other.0, [("drop-column", Some(0))]);
        assert_eq!(
            other.1,
            [
                "read A's code (git HEAD, the last commit): 1 file(s); not code: 2 (migrations 1, unreadable 1)"
            ]
        );

        // A new commit: HEAD's tree changes, and the first question is read again.
        write(dir, "src/report.ts", "db.query('SELECT id FROM users');\n");
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "A, again"]);
        let after_commit = weighed(&mut code, drop);
        assert_eq!(after_commit, (vec![("drop-column", Some(1))], first.1));
    }
}
