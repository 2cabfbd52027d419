//! PostgreSQL: a throw-away server (initdb into a temporary folder, listening on a
//! Unix socket in that folder only), driven through the machine's own `psql`
//! client, one database per migrations folder.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use miette::{IntoDiagnostic, Result, miette};
use regex::Regex;
use rollsafe::sql::Dialect;

use crate::catalog::{Catalog, Column, Probe, Relation, quote_identifier};
use crate::harness::Engine;

/// Where Debian's packages put the server binaries (`<version>/bin/initdb`).
const DEBIAN_SERVER_BINARIES: &str = "/usr/lib/postgresql";
/// The system user the server runs as when the harness runs as root (initdb and
/// postgres refuse root); Debian's package creates it.
const SERVER_USER: &str = "postgres";
const DATABASE: &str = "oracle";
/// The harness' superuser. Not `postgres`: migrations alter that role (supabase's
/// take its superuser away), and the harness must keep its own.
const HARNESS_USER: &str = "oracle_harness";
const TEMP_PREFIX: &str = "rollsafe-oracle-";

/// Runs one probe in a subtransaction that is always rolled back (the custom
/// SQLSTATE marks the rollback of a probe that worked): NULL when it worked,
/// else the error, on one line.
const PROBE_FUNCTION: &str = r"
CREATE FUNCTION pg_temp.oracle_probe(probe text) RETURNS text LANGUAGE plpgsql AS $oracle$
BEGIN
  BEGIN
    EXECUTE probe;
    RAISE EXCEPTION 'probe rolled back' USING ERRCODE = 'OR000';
  EXCEPTION
    WHEN SQLSTATE 'OR000' THEN RETURN NULL;
    WHEN OTHERS THEN RETURN SQLSTATE || ': ' || translate(SQLERRM, E'\n\t', '  ');
  END;
END
$oracle$;
";

/// Every column of every table and view outside the system schemas, with what
/// a sample value needs: the category and name of its (domain's base) type, and
/// an enum's first label; then the lookups: every function, every sequence no
/// column owns (those A's code names itself; resolved, never advanced) and
/// every enum label.
const COLUMNS_QUERY: &str = r"
SELECT 'column', format('%I.%I', n.nspname, c.relname), c.relkind IN ('v', 'm'), a.attname,
       base.typcategory, format_type(base.oid, NULL), a.attnotnull,
       a.atthasdef OR a.attidentity <> '', a.attidentity <> 'a' AND a.attgenerated = '',
       coalesce((SELECT quote_literal(e.enumlabel) FROM pg_enum e WHERE e.enumtypid = base.oid
                 ORDER BY e.enumsortorder LIMIT 1), '')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type base ON base.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
ORDER BY 2, a.attnum;
SELECT 'lookup', 'resolve function ' || p.oid::regprocedure::text, format('SELECT %L::regprocedure', p.oid::regprocedure::text)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
ORDER BY 2;
SELECT 'lookup', 'resolve sequence ' || c.oid::regclass::text, format('SELECT nextval(%L::regclass) WHERE false', c.oid::regclass::text)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i'))
ORDER BY 2;
SELECT 'lookup', format('resolve label %L of enum %s', e.enumlabel, format_type(t.oid, NULL)),
       format('SELECT %L::%s', e.enumlabel, format_type(t.oid, NULL))
FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY t.oid, e.enumsortorder;
";

pub struct Postgres {
    server: Server,
    missing: MissingPatterns,
    /// Created for the current folder.
    assumed: Vec<String>,
}

/// How PostgreSQL says an object is missing.
struct MissingPatterns {
    role: Regex,
    schema: Regex,
    function: Regex,
}

/// Functions migrations call assuming the deployment installed their extension.
const EXTENSION_FUNCTIONS: &[(&str, &str)] = &[
    ("uuid_generate_v4", "uuid-ossp"),
    ("uuid_generate_v1", "uuid-ossp"),
    ("gen_random_bytes", "pgcrypto"),
    ("crypt", "pgcrypto"),
    ("digest", "pgcrypto"),
];

impl Postgres {
    /// Starts a throw-away server, installing PostgreSQL first when the machine has
    /// no server binaries.
    pub fn start() -> Result<Postgres> {
        Ok(Postgres {
            server: Server::start()?,
            missing: MissingPatterns {
                role: Regex::new(r#"role "([^"]+)" does not exist"#).into_diagnostic()?,
                schema: Regex::new(r#"schema "([^"]+)" does not exist"#).into_diagnostic()?,
                function: Regex::new(r"function ([\w.]+)\(.*\) does not exist").into_diagnostic()?,
            },
            assumed: Vec::new(),
        })
    }

    /// Creates what a refusal says is missing when it is something the project's
    /// deployment provides rather than its migrations: a role, a schema the
    /// platform or a placeholder names, an extension whose function is called.
    /// `false` when there is nothing to create, or it was created already.
    fn provide_assumed(&mut self, error: &str) -> Result<bool> {
        let capture =
            |regex: &Regex| regex.captures(error).and_then(|c| c.get(1)).map(|m| m.as_str().to_owned());
        let (what, sql) = if let Some(role) = capture(&self.missing.role) {
            (format!("role `{role}`"), format!("CREATE ROLE {}", quote_identifier(&role)))
        } else if let Some(schema) = capture(&self.missing.schema) {
            (format!("schema `{schema}`"), format!("CREATE SCHEMA {}", quote_identifier(&schema)))
        } else if let Some((function, extension)) = capture(&self.missing.function).and_then(|f| {
            let name = f.rsplit('.').next().unwrap_or(&f);
            EXTENSION_FUNCTIONS.iter().find(|(known, _)| *known == name).map(|(_, e)| (f.clone(), *e))
        }) {
            // In the schema the call names, else the first one of the search path.
            let schema =
                function.rsplit_once('.').map(|(schema, _)| format!(" SCHEMA {}", quote_identifier(schema)));
            let sql = format!(
                "CREATE EXTENSION IF NOT EXISTS {}{}",
                quote_identifier(extension),
                schema.unwrap_or_default()
            );
            (format!("extension `{extension}` (for `{function}()`)"), sql)
        } else {
            return Ok(false);
        };
        if self.assumed.contains(&what) {
            return Ok(false);
        }
        self.server.psql_ok(DATABASE, &format!("{sql};\n"))?;
        self.assumed.push(what);
        Ok(true)
    }

    /// Runs a migration once: `Some(error)` when psql stopped on an error.
    fn run_migration(&self, sql: &str, single_transaction: bool) -> Result<Option<String>> {
        let flags: &[&str] = if single_transaction { &["--single-transaction"] } else { &[] };
        let output = self.server.psql(DATABASE, flags, sql)?;
        Ok((!output.status.success()).then(|| first_error(&output)))
    }
}

impl Engine for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn fresh_database(&mut self) -> Result<()> {
        let sql = format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE);\nCREATE DATABASE {DATABASE};\n");
        self.server.psql_ok("template1", &sql)?;
        Ok(())
    }

    fn catalog(&mut self) -> Result<Catalog> {
        let mut catalog = Catalog::default();
        for row in self.server.psql_ok(DATABASE, COLUMNS_QUERY)?.lines() {
            let cells: Vec<&str> = row.split('\t').collect();
            match cells.as_slice() {
                [
                    "column",
                    relation,
                    is_view,
                    name,
                    category,
                    type_name,
                    not_null,
                    has_default,
                    writable,
                    enum_label,
                ] => {
                    let column = Column {
                        name: (*name).to_owned(),
                        sample: sample_value(category, type_name, enum_label),
                        not_null: *not_null == "t",
                        has_default: *has_default == "t",
                        writable: *writable == "t",
                    };
                    let relations = if *is_view == "t" { &mut catalog.views } else { &mut catalog.tables };
                    match relations.last_mut() {
                        Some(last) if last.name == *relation => last.columns.push(column),
                        _ => relations.push(Relation { name: (*relation).to_owned(), columns: vec![column] }),
                    }
                }
                ["lookup", what, sql] => {
                    catalog.lookups.push(Probe { what: (*what).to_owned(), sql: (*sql).to_owned() })
                }
                _ => return Err(miette!("unexpected catalog row from psql: {row}")),
            }
        }
        Ok(catalog)
    }

    fn run_probes(&mut self, probes: &[Probe]) -> Result<Vec<Option<String>>> {
        if probes.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<String> = probes
            .iter()
            .enumerate()
            .map(|(n, probe)| format!("({n}, {})", quote_literal(&probe.sql)))
            .collect();
        let sql = format!(
            "SET session_replication_role = replica;\nSET statement_timeout = '10s';\n{PROBE_FUNCTION}\
             SELECT n, pg_temp.oracle_probe(sql) FROM (VALUES {}) AS probes(n, sql) ORDER BY n;\n",
            rows.join(",\n")
        );
        let output = self.server.psql_ok(DATABASE, &sql)?;
        let results: Vec<Option<String>> = output
            .lines()
            .map(|line| {
                line.split_once('\t').map(|(_, error)| error).filter(|e| !e.is_empty()).map(str::to_owned)
            })
            .collect();
        if results.len() != probes.len() {
            return Err(miette!("psql answered {} of {} probes", results.len(), probes.len()));
        }
        Ok(results)
    }

    fn apply(&mut self, sql: &str) -> Result<std::result::Result<(), String>> {
        loop {
            let Some(mut error) = self.run_migration(sql, true)? else { return Ok(Ok(())) };
            if error.contains("cannot run inside a transaction block") {
                // CREATE INDEX CONCURRENTLY and friends: as their tools run them.
                match self.run_migration(sql, false)? {
                    None => return Ok(Ok(())),
                    Some(again) => error = again,
                }
            }
            if !self.provide_assumed(&error)? {
                return Ok(Err(error));
            }
        }
    }

    fn take_assumptions(&mut self) -> Vec<String> {
        std::mem::take(&mut self.assumed)
    }
}

/// A literal of the type: by its category (`pg_type.typcategory`), then by name.
fn sample_value(category: &str, type_name: &str, enum_label: &str) -> String {
    let sample = match category {
        "E" => return enum_label.to_owned(),
        "A" => "'{}'",
        "B" => "true",
        "D" if type_name.starts_with("time") && !type_name.starts_with("timestamp") => "'12:00'",
        "D" => "'2000-01-01'",
        "I" => "'127.0.0.1'",
        "N" if type_name.starts_with("numeric") || type_name == "money" => "1",
        // Out of the way of seed rows' small ids, and within smallint.
        "N" => "4242",
        "T" => "'1 day'",
        "G" => "'(0,0)'",
        "V" => "'1'",
        "R" => "'empty'",
        _ => match type_name {
            "uuid" => "'00000000-0000-4000-8000-000000000001'",
            "json" | "jsonb" => "'{}'",
            "bytea" => "'\\x00'",
            "xml" => "'<x/>'",
            "tsvector" | "tsquery" => "'x'",
            "macaddr" | "macaddr8" => "'08:00:2b:01:02:03'",
            _ => "'x'",
        },
    };
    sample.to_owned()
}

/// Quotes a string literal (standard SQL: quotes doubled, backslashes literal).
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The first error psql printed, without its `psql:<stdin>:N:` prefix.
fn first_error(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line =
        stderr.lines().find(|line| line.contains("ERROR:")).or_else(|| stderr.lines().next()).unwrap_or("");
    line.find("ERROR:").map_or(line, |at| &line[at..]).to_owned()
}

/// A running throw-away server and the temporary folder that holds it.
struct Server {
    root: PathBuf,
    socket: PathBuf,
    binaries: PathBuf,
    process: Child,
    /// Whether the server runs as `SERVER_USER` (the harness runs as root).
    switch_user: bool,
}

impl Server {
    fn start() -> Result<Server> {
        sweep_leftovers(TEMP_PREFIX);
        let binaries = server_binaries()?;
        let switch_user = is_root()?;
        let root = std::env::temp_dir().join(format!("{TEMP_PREFIX}{}", std::process::id()));
        let (data, socket) = (root.join("data"), root.join("socket"));
        std::fs::create_dir_all(&socket).into_diagnostic()?;
        if switch_user {
            let (uid, gid) = user_ids(SERVER_USER)?;
            for folder in [&root, &socket] {
                std::os::unix::fs::chown(folder, Some(uid), Some(gid)).into_diagnostic()?;
            }
        }
        let initdb = command(switch_user, &binaries.join("initdb"))
            .args([
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--username",
                HARNESS_USER,
                "-D",
            ])
            .arg(&data)
            .output()
            .into_diagnostic()?;
        if !initdb.status.success() {
            return Err(miette!("initdb failed: {}", String::from_utf8_lossy(&initdb.stderr)));
        }
        let log = std::fs::File::create(root.join("server.log")).into_diagnostic()?;
        // In the harness' process group: Ctrl-C reaches the server too, which
        // shuts down fast; the folder left behind is swept by the next run.
        let process = command(switch_user, &binaries.join("postgres"))
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&socket)
            .args(["-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off"])
            .args(["-c", "synchronous_commit=off"])
            .stdout(log.try_clone().into_diagnostic()?)
            .stderr(log)
            .spawn()
            .into_diagnostic()?;
        let server = Server { root, socket, binaries, process, switch_user };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&self) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let ready = Command::new(self.binaries.join("pg_isready"))
                .arg("-h")
                .arg(&self.socket)
                .args(["-U", HARNESS_USER, "-q"])
                .status()
                .into_diagnostic()?;
            if ready.success() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default();
        Err(miette!("the PostgreSQL server did not start within a minute:\n{log}"))
    }

    /// Runs `sql` through psql on `database`; its stdout, stderr and status.
    fn psql(&self, database: &str, flags: &[&str], sql: &str) -> Result<Output> {
        let mut child = Command::new("psql")
            .args(["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-U", HARNESS_USER, "-h"])
            .arg(&self.socket)
            .args(["-d", database])
            .args(flags)
            .env("PGOPTIONS", "-c client_min_messages=warning")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .into_diagnostic()?;
        let mut stdin = child.stdin.take().ok_or_else(|| miette!("psql has no standard input"))?;
        let input = sql.to_owned();
        // Written from a thread: psql's output could fill its pipe while it reads.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().into_diagnostic()?;
        writer.join().map_err(|_| miette!("writing to psql failed"))?.into_diagnostic()?;
        Ok(output)
    }

    /// Runs harness SQL that must work; its standard output.
    fn psql_ok(&self, database: &str, sql: &str) -> Result<String> {
        let output = self.psql(database, &[], sql)?;
        if !output.status.success() {
            return Err(miette!("psql failed on the harness' own SQL: {}", first_error(&output)));
        }
        String::from_utf8(output.stdout).into_diagnostic()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let stopped = command(self.switch_user, &self.binaries.join("pg_ctl"))
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.root.join("data"))
            .output();
        if !stopped.is_ok_and(|output| output.status.success()) {
            let _ = self.process.kill();
        }
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A command for the server's binaries: as `SERVER_USER` when running as root.
fn command(switch_user: bool, program: &Path) -> Command {
    command_as(switch_user.then_some(SERVER_USER), program)
}

/// A command run as `user` (through `setpriv`, from the root folder) when one is
/// named: database servers refuse to run as root.
pub fn command_as(user: Option<&str>, program: &Path) -> Command {
    let Some(user) = user else { return Command::new(program) };
    let mut command = Command::new("setpriv");
    command.args(["--reuid", user, "--regid", user, "--init-groups", "--"]).arg(program).current_dir("/");
    command
}

/// The newest `bin/` folder of Debian's PostgreSQL server packages, installing
/// the `postgresql` package when there is none.
fn server_binaries() -> Result<PathBuf> {
    if let Some(found) = newest_server_binaries() {
        return Ok(found);
    }
    println!("no PostgreSQL server binaries in {DEBIAN_SERVER_BINARIES}: apt-get install -y postgresql");
    let installed =
        Command::new("apt-get").args(["install", "-y", "postgresql"]).status().into_diagnostic()?;
    if !installed.success() {
        return Err(miette!("apt-get install -y postgresql failed"));
    }
    newest_server_binaries()
        .ok_or_else(|| miette!("no initdb under {DEBIAN_SERVER_BINARIES} after installing"))
}

fn newest_server_binaries() -> Option<PathBuf> {
    let versions = std::fs::read_dir(DEBIAN_SERVER_BINARIES).ok()?;
    versions
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            Some((entry.file_name().to_str()?.parse::<u32>().ok()?, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

pub fn is_root() -> Result<bool> {
    let output = Command::new("id").arg("-u").output().into_diagnostic()?;
    Ok(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// The user and group ids of the system user `user`.
pub fn user_ids(user: &str) -> Result<(u32, u32)> {
    let id_of = |flag: &str| -> Result<u32> {
        let output = Command::new("id").args([flag, user]).output().into_diagnostic()?;
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|_| miette!("no system user `{user}` to run the server as"))
    };
    Ok((id_of("-u")?, id_of("-g")?))
}

/// Removes the folders `<prefix><pid>` of earlier runs that ended without
/// cleaning up (Ctrl-C): those whose process is gone.
pub fn sweep_leftovers(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix) else { continue };
        // Another engine's folders share the prefix and go on with their name.
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
