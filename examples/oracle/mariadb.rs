//! MariaDB: a throw-away server (mariadb-install-db into a temporary folder,
//! listening on a Unix socket in that folder only, no network), driven through
//! the machine's own `mariadb` client, one database per migrations folder.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use miette::{IntoDiagnostic, Result, miette};
use regex::Regex;
use rollsafe::sql::{Dialect, SegmentKind, split};

use crate::catalog::{Catalog, Column, Probe, Quoting, Relation};
use crate::harness::Engine;
use crate::postgres::{command_as, is_root, sweep_leftovers, user_ids};

/// The system user the server runs as when the harness runs as root; Debian's
/// `mariadb-server` package creates it.
const SERVER_USER: &str = "mysql";
const DATABASE: &str = "oracle";
const TEMP_PREFIX: &str = "rollsafe-oracle-mariadb-";
/// Where Debian's `mariadb-server` package puts the server.
const MARIADBD: &str = "/usr/sbin/mariadbd";
/// The client's statement delimiter for migrations sent statement by statement.
const STATEMENT_END: &str = "$oracle_end$";

/// Runs one probe by number inside a transaction that is always rolled back, and
/// records its error (none when it worked) in `results`. Foreign-key checks are
/// off for the session that calls it. It and its tables live in a database of
/// their own, outside the one the catalog reads. Strict mode's rejected values are
/// warnings' class (`01000`, "Data truncated"): a probe that only warns counts as
/// failing too, which costs nothing when it warns before the migration as well.
const PROBE_PROCEDURE: &str = r"
CREATE DATABASE oracle_harness;
CREATE TABLE oracle_harness.probes (n INT PRIMARY KEY, probe LONGTEXT NOT NULL) ENGINE=InnoDB;
CREATE TABLE oracle_harness.results (n INT PRIMARY KEY, error LONGTEXT) ENGINE=InnoDB;
DELIMITER //
CREATE PROCEDURE oracle_harness.run_probe(IN number INT)
BEGIN
  DECLARE EXIT HANDLER FOR SQLEXCEPTION, SQLWARNING
  BEGIN
    GET DIAGNOSTICS CONDITION 1 @oracle_errno = MYSQL_ERRNO, @oracle_text = MESSAGE_TEXT;
    ROLLBACK;
    INSERT INTO oracle_harness.results VALUES (number, CONCAT(@oracle_errno, ': ', @oracle_text));
  END;
  SELECT probe INTO @oracle_probe FROM oracle_harness.probes WHERE n = number;
  START TRANSACTION;
  PREPARE oracle_statement FROM @oracle_probe;
  EXECUTE oracle_statement;
  DEALLOCATE PREPARE oracle_statement;
  ROLLBACK;
  INSERT INTO oracle_harness.results VALUES (number, NULL);
END//
DELIMITER ;
";

/// Every column of every table and view of the database, with what a sample
/// value needs. NULLs become empty cells: the client prints them as `NULL`.
const COLUMNS_QUERY: &str = r"
SELECT c.TABLE_NAME, t.TABLE_TYPE = 'VIEW', c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE,
       c.IS_NULLABLE = 'NO', c.COLUMN_DEFAULT IS NOT NULL OR c.EXTRA LIKE '%auto_increment%',
       c.IS_GENERATED = 'NEVER'
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = 'oracle' AND t.TABLE_TYPE IN ('BASE TABLE', 'VIEW')
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION;
";

pub struct Mariadb {
    server: Server,
    unknown_database: Regex,
    /// Created for the current folder.
    assumed: Vec<String>,
}

impl Mariadb {
    /// Starts a throw-away server, installing MariaDB first when the machine has
    /// none.
    pub fn start() -> Result<Mariadb> {
        Ok(Mariadb {
            server: Server::start()?,
            unknown_database: Regex::new(r"Unknown database '([^']+)'").into_diagnostic()?,
            assumed: Vec::new(),
        })
    }

    /// Creates a database a refusal says is missing (a migration that names its
    /// deployment's database): `false` when there is nothing to create, or it was
    /// created already.
    fn provide_assumed(&mut self, error: &str) -> Result<bool> {
        let Some(database) = self.unknown_database.captures(error).and_then(|c| c.get(1)) else {
            return Ok(false);
        };
        let what = format!("database `{}`", database.as_str());
        if self.assumed.contains(&what) {
            return Ok(false);
        }
        let sql = format!("CREATE DATABASE {};\n", Quoting::Backticks.quote(database.as_str()));
        self.server.client_ok(None, &sql)?;
        self.assumed.push(what);
        Ok(true)
    }
}

impl Engine for Mariadb {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn fresh_database(&mut self) -> Result<()> {
        // Databases an earlier folder's migrations created go too.
        let listed = self.server.client_ok(None, "SHOW DATABASES;\n")?;
        let mut sql = String::new();
        for database in listed.lines() {
            if !matches!(database, "information_schema" | "mysql" | "performance_schema" | "sys") {
                sql.push_str(&format!("DROP DATABASE {};\n", Quoting::Backticks.quote(database)));
            }
        }
        sql.push_str(&format!("CREATE DATABASE {DATABASE};\n"));
        sql.push_str(PROBE_PROCEDURE);
        self.server.client_ok(None, &sql)?;
        Ok(())
    }

    fn catalog(&mut self) -> Result<Catalog> {
        let mut catalog = Catalog { quoting: Quoting::Backticks, ..Catalog::default() };
        for row in self.server.client_ok(None, COLUMNS_QUERY)?.lines() {
            let cells: Vec<&str> = row.split('\t').collect();
            let [relation, is_view, name, data_type, column_type, not_null, has_default, writable] =
                cells.as_slice()
            else {
                return Err(miette!("unexpected catalog row from mariadb: {row}"));
            };
            let column = Column {
                name: unescape(name),
                sample: sample_value(data_type, &unescape(column_type)),
                not_null: *not_null == "1",
                has_default: *has_default == "1",
                writable: *writable == "1",
            };
            // Qualified: the probes run from the harness' procedure, whose own
            // database is the default one of the statements it prepares.
            let relation = format!("`{DATABASE}`.{}", Quoting::Backticks.quote(&unescape(relation)));
            let relations = if *is_view == "1" { &mut catalog.views } else { &mut catalog.tables };
            match relations.last_mut() {
                Some(last) if last.name == relation => last.columns.push(column),
                _ => relations.push(Relation { name: relation, columns: vec![column] }),
            }
        }
        Ok(catalog)
    }

    fn run_probes(&mut self, probes: &[Probe]) -> Result<Vec<Option<String>>> {
        if probes.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "DELETE FROM oracle_harness.probes;\nDELETE FROM oracle_harness.results;\n\
             SET SESSION foreign_key_checks = 0;\nSET SESSION max_statement_time = 10;\n",
        );
        for (n, probe) in probes.iter().enumerate() {
            sql.push_str(&format!(
                "INSERT INTO oracle_harness.probes VALUES ({n}, {});\nCALL oracle_harness.run_probe({n});\n",
                quote_literal(&probe.sql)
            ));
        }
        // The probes' own result sets go to standard output too: the results are
        // read apart.
        self.server.client_ok(Some(DATABASE), &sql)?;
        let output = self
            .server
            .client_ok(None, "SELECT n, IFNULL(error, '') FROM oracle_harness.results ORDER BY n;\n")?;
        let results: Vec<Option<String>> = output
            .lines()
            .map(|line| line.split_once('\t').map(|(_, error)| unescape(error)).filter(|e| !e.is_empty()))
            .collect();
        if results.len() != probes.len() {
            return Err(miette!("mariadb answered {} of {} probes", results.len(), probes.len()));
        }
        Ok(results)
    }

    fn apply(&mut self, sql: &str) -> Result<std::result::Result<(), String>> {
        let script = client_script(sql);
        loop {
            let output = self.server.client(Some(DATABASE), &script)?;
            if output.status.success() {
                return Ok(Ok(()));
            }
            let error = first_error(&output);
            if !self.provide_assumed(&error)? {
                return Ok(Err(error));
            }
        }
    }

    fn take_assumptions(&mut self) -> Vec<String> {
        std::mem::take(&mut self.assumed)
    }
}

/// What the client runs for a migration. A file that sets its own `DELIMITER`
/// was written for the client and goes as it is. Others are sent by their tools
/// one statement at a time (golang-migrate, Flyway), so a routine's body needs no
/// `DELIMITER`: the client gets rollsafe's statements, each ended by a delimiter
/// no statement holds.
fn client_script(sql: &str) -> String {
    let split = split(sql.as_bytes(), Dialect::Mysql);
    if split.segments.iter().any(|segment| segment.kind == SegmentKind::ClientCommand) {
        return sql.to_owned();
    }
    let mut script = format!("DELIMITER {STATEMENT_END}\n");
    for statement in &split.statements {
        // Statements start and end on characters; were one not to, the file
        // goes as it is rather than in part.
        let Some(text) = sql.get(statement.range.clone()) else { return sql.to_owned() };
        let text = text.trim_end();
        script.push_str(text.strip_suffix(';').unwrap_or(text));
        script.push_str(&format!("\n{STATEMENT_END}\n"));
    }
    script
}

/// A literal of the column's type (`DATA_TYPE`, and `COLUMN_TYPE` for an enum's or
/// a set's first label) that strict mode accepts.
fn sample_value(data_type: &str, column_type: &str) -> String {
    let sample = match data_type {
        "enum" | "set" => return first_label(column_type).unwrap_or_else(|| "''".to_owned()),
        // Within a signed TINYINT, out of the way of seed rows' small ids.
        "tinyint" => "42",
        "smallint" | "mediumint" | "int" | "bigint" => "4242",
        "decimal" | "float" | "double" => "1",
        "bit" => "b'1'",
        "year" => "2000",
        "date" => "'2000-01-01'",
        "datetime" | "timestamp" => "'2000-01-01 00:00:00'",
        "time" => "'12:00:00'",
        // MariaDB's JSON is LONGTEXT checked by JSON_VALID: a JSON object is text too.
        "tinytext" | "text" | "mediumtext" | "longtext" => "'{}'",
        "uuid" => "'00000000-0000-4000-8000-000000000001'",
        "inet4" => "'127.0.0.1'",
        "inet6" => "'::1'",
        "geometry" | "point" => "ST_GeomFromText('POINT(0 0)')",
        _ => "'x'",
    };
    sample.to_owned()
}

/// The first quoted label of `enum('a','b')` or `set(…)`, quotes included.
fn first_label(column_type: &str) -> Option<String> {
    let start = column_type.find('\'')?;
    let rest = &column_type[start + 1..];
    let mut end = 0;
    let bytes = rest.as_bytes();
    while end < bytes.len() {
        if bytes[end] == b'\'' {
            if bytes.get(end + 1) == Some(&b'\'') {
                end += 2;
                continue;
            }
            return Some(format!("'{}'", &rest[..end]));
        }
        end += 1;
    }
    None
}

/// A string literal: quotes doubled and backslashes escaped (MySQL reads
/// backslash escapes in strings by default).
fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// A cell of the client's batch output, whose `\t`, `\n` and `\\` are escaped.
fn unescape(cell: &str) -> String {
    let mut text = String::with_capacity(cell.len());
    let mut chars = cell.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            text.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => text.push('\t'),
            Some('n') => text.push('\n'),
            Some('0') => text.push('\0'),
            Some(other) => text.push(other),
            None => text.push('\\'),
        }
    }
    text
}

/// The first error the client printed, without its `at line N` position.
fn first_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|line| line.starts_with("ERROR")).or_else(|| stderr.lines().next());
    line.unwrap_or("").to_owned()
}

/// A running throw-away server and the temporary folder that holds it.
struct Server {
    root: PathBuf,
    socket: PathBuf,
    process: Child,
}

impl Server {
    fn start() -> Result<Server> {
        sweep_leftovers(TEMP_PREFIX);
        install_when_missing()?;
        let switch_user = is_root()?;
        let root = std::env::temp_dir().join(format!("{TEMP_PREFIX}{}", std::process::id()));
        let data = root.join("data");
        std::fs::create_dir_all(&root).into_diagnostic()?;
        if switch_user {
            let (uid, gid) = user_ids(SERVER_USER)?;
            std::os::unix::fs::chown(&root, Some(uid), Some(gid)).into_diagnostic()?;
        }
        let user = switch_user.then_some(SERVER_USER);
        let install = command_as(user, Path::new("/usr/bin/mariadb-install-db"))
            .args(["--no-defaults", "--skip-test-db", "--auth-root-authentication-method=normal"])
            .arg(format!("--datadir={}", data.display()))
            .output()
            .into_diagnostic()?;
        if !install.status.success() {
            return Err(miette!(
                "mariadb-install-db failed: {}{}",
                String::from_utf8_lossy(&install.stdout),
                String::from_utf8_lossy(&install.stderr)
            ));
        }
        let socket = root.join("mariadb.sock");
        // In the harness' process group: Ctrl-C reaches the server too; the
        // folder left behind is swept by the next run.
        let process = command_as(user, Path::new(MARIADBD))
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", socket.display()))
            .arg(format!("--pid-file={}", root.join("mariadb.pid").display()))
            .arg(format!("--log-error={}", root.join("server.log").display()))
            .args(["--skip-networking", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"])
            // MyISAM tables cannot roll a probe's insert back: every table is
            // InnoDB (said once in the README; the default sql_mode without
            // NO_ENGINE_SUBSTITUTION, so that ENGINE=MyISAM still runs).
            .args(["--enforce-storage-engine=InnoDB"])
            .arg("--sql-mode=STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER")
            // Debian's packaged defaults (50-server.cnf), not the compiled-in latin1.
            .args(["--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .into_diagnostic()?;
        let server = Server { root, socket, process };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&self) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if self.client(None, "SELECT 1;\n").is_ok_and(|output| output.status.success()) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let log = std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default();
        Err(miette!("the MariaDB server did not start within a minute:\n{log}"))
    }

    /// Runs `sql` through the client, on `database` when one is named.
    fn client(&self, database: Option<&str>, sql: &str) -> Result<Output> {
        let mut command = Command::new("mariadb");
        command
            .args(["--no-defaults", "--batch", "--skip-column-names", "--user=root"])
            .arg(format!("--socket={}", self.socket.display()));
        if let Some(database) = database {
            command.arg(format!("--database={database}"));
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .into_diagnostic()?;
        let mut stdin = child.stdin.take().ok_or_else(|| miette!("mariadb has no standard input"))?;
        let input = sql.to_owned();
        // Written from a thread: the client's output could fill its pipe while it reads.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().into_diagnostic()?;
        // A client that stopped on an error stops reading too: a broken pipe then
        // is no trouble of the harness'.
        let _ = writer.join().map_err(|_| miette!("writing to mariadb failed"))?;
        Ok(output)
    }

    /// Runs harness SQL that must work; its standard output.
    fn client_ok(&self, database: Option<&str>, sql: &str) -> Result<String> {
        let output = self.client(database, sql)?;
        if !output.status.success() {
            return Err(miette!("mariadb failed on the harness' own SQL: {}", first_error(&output)));
        }
        String::from_utf8(output.stdout).into_diagnostic()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM is MariaDB's orderly shutdown.
        let stopped = Command::new("kill").arg(self.process.id().to_string()).status();
        if !stopped.is_ok_and(|status| status.success()) {
            let _ = self.process.kill();
        }
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Installs Debian's `mariadb-server` package when `mariadbd` is missing.
fn install_when_missing() -> Result<()> {
    if Path::new(MARIADBD).is_file() {
        return Ok(());
    }
    println!("no MariaDB server on this machine: apt-get install -y mariadb-server");
    let installed = Command::new("apt-get")
        .args(["install", "-y", "mariadb-server"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .into_diagnostic()?;
    if !installed.success() {
        return Err(miette!("apt-get install -y mariadb-server failed"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routine_without_delimiter_goes_as_one_statement() {
        let sql = "DROP PROCEDURE IF EXISTS p;\nCREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\nCALL p();\n";
        let script = client_script(sql);
        let statements: Vec<&str> = script
            .split(STATEMENT_END)
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "DELIMITER")
            .collect();
        assert_eq!(
            statements,
            [
                "DROP PROCEDURE IF EXISTS p",
                "CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND",
                "CALL p()"
            ]
        );
    }

    #[test]
    fn a_file_that_sets_its_own_delimiter_goes_as_it_is() {
        let sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\n";
        assert_eq!(client_script(sql), sql);
    }

    #[test]
    fn an_enum_sample_is_its_first_label() {
        assert_eq!(sample_value("enum", "enum('it''s','b')"), "'it''s'");
        assert_eq!(sample_value("set", "set('x','y')"), "'x'");
        assert_eq!(sample_value("tinyint", "tinyint(1)"), "42");
        assert_eq!(sample_value("varchar", "varchar(10)"), "'x'");
    }

    #[test]
    fn batch_cells_and_literals_round_trip() {
        assert_eq!(unescape("a\\tb\\nc\\\\d\\\\t"), "a\tb\nc\\d\\t");
        assert_eq!(quote_literal("it's a \\ path"), "'it''s a \\\\ path'");
    }
}
