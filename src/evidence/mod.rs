//! Stage 4b: evidence from release A's code. The schema says what A's code
//! *could* use; A's code says what it *does* use. Every finding that breaks A's
//! code only if A's code uses an object (a dropped or renamed table, column,
//! view, routine, type, sequence or enum value; a table whose writes a new rule
//! tightens) is checked against A's code: where A's code names the object (a
//! query, a call, a mention) or an ORM model maps it, the finding keeps its class
//! and carries those places; where nothing names it, it no longer breaks A's code
//! (its class then follows what it does to the data). See "Evidence from A's code"
//! in the rollback model.
//!
//! Jobs, one module each: [`source`] (where the code comes from), [`code`] (what
//! counts as code), [`names`] (how names are spelled and matched) and [`orm`] (what
//! models map). Every file is read once, in parallel, and scanned once for all
//! names at a time.

mod code;
mod names;
mod orm;
mod source;

use std::collections::{BTreeMap, HashMap, HashSet};

use miette::Diagnostic;
use serde::Serialize;
use thiserror::Error;

use crate::classify::{Change, Finding};
use crate::discover::GitError;
use crate::schema::Subject;

pub use code::SkipReason;
use names::{Lines, Matcher, spellings};
pub use source::CodeSource;
use source::{CodeFile, read_code};

/// At most this many references are listed for one finding; the total says how many there were.
pub const MAX_REFERENCES: usize = 10;

/// At most this many of the listed references come from one file, so the list shows where else.
const REFERENCES_PER_FILE: usize = 1;

/// Rules whose break is A's code writing the table, whatever columns it names:
/// a column it never names but must now fill, or a default it relied on.
const TIGHTENS_WRITES: [&str; 3] = ["add-not-null-column", "set-not-null", "drop-default"];

/// Trouble reading A's code that stops the run (exit status 2). A file that
/// cannot be read is skipped and counted, never fatal.
#[derive(Debug, Error, Diagnostic)]
pub enum EvidenceError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Git(#[from] GitError),
    #[error("the code folder `{path}` does not exist")]
    #[diagnostic(
        code(rollsafe::code_folder_missing),
        help(
            "pass the folder holding release A's code to --code, or --no-code to judge by the schema alone"
        )
    )]
    NoFolder { path: String },
    #[error("`{path}` is a file, not a folder: --code takes the folder holding release A's code")]
    #[diagnostic(
        code(rollsafe::code_folder_not_a_folder),
        help("pass the folder the file is in, or --no-code to judge by the schema alone")
    )]
    NotAFolder { path: String },
    #[error("cannot search A's code for {names} names: {message}")]
    #[diagnostic(code(rollsafe::code_search))]
    Search { names: usize, message: String },
}

/// How A's code uses an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    /// An ORM model maps it.
    Model,
    /// A SQL query names it (in a `.sql` file, beside SQL words, or qualified by its table).
    Query,
    /// A call of the routine.
    Call,
    /// A `SELECT *` of its table or an `INSERT` into it without a column list: a
    /// use of every column of the table, which breaks when any of them goes.
    #[serde(rename = "every-column")]
    EveryColumn,
    /// Its name, in any other code.
    Name,
}

/// Where A's code uses an object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub file: String,
    /// 1-based.
    pub line: u64,
    /// 1-based, in characters.
    pub column: u64,
    /// The line, trimmed (its first 160 characters).
    pub text: String,
    pub kind: ReferenceKind,
    /// The ORM whose model maps it, for `model` references.
    pub orm: Option<&'static str>,
    /// Where the name sits on its line as editors count (the Language Server
    /// Protocol): not in the report, whose columns count characters.
    #[serde(skip)]
    pub utf16: Utf16Span,
}

/// Part of one line, in UTF-16 code units: counting them needs the line's text,
/// which only the reading of the file has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Utf16Span {
    /// 0-based, from the line's start.
    pub column: u64,
    pub length: u64,
}

impl Utf16Span {
    /// The span of `part` after `before` on a line.
    pub fn of(before: &str, part: &str) -> Utf16Span {
        Utf16Span { column: utf16_len(before), length: utf16_len(part) }
    }
}

fn utf16_len(text: &str) -> u64 {
    text.chars().map(|c| c.len_utf16() as u64).sum()
}

/// What A's code said about a finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The strongest references, at most [`MAX_REFERENCES`]: models first, then queries and calls.
    pub references: Vec<Reference>,
    /// How many references there were; 0 when A's code never names the object.
    pub total: usize,
}

/// What was read of A's code.
#[derive(Debug, Clone, Serialize)]
pub struct CodeSummary {
    pub source: String,
    pub files_read: usize,
    pub files_skipped: usize,
    pub skipped: BTreeMap<SkipReason, usize>,
}

impl CodeSummary {
    /// One sentence for the notes of a report.
    pub fn note(&self) -> String {
        let mut note = if self.files_read == 0 {
            format!(
                "A's code ({}) holds no code besides what is skipped: the verdict presumes A's code uses every object of A's schema",
                self.source
            )
        } else {
            format!("read A's code ({}): {} file(s)", self.source, self.files_read)
        };
        if self.files_skipped > 0 {
            let each: Vec<String> =
                self.skipped.iter().map(|(reason, n)| format!("{} {n}", reason.as_str())).collect();
            note += &format!("; not code: {} ({})", self.files_skipped, each.join(", "));
        }
        note
    }
}

/// What A's code must name for a finding to break it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    /// A table or view, by name or by the model that maps it.
    Relation(String),
    /// A table as A's code writes it: a change that tightens its writes (a new
    /// required column, a new constraint) breaks A only where A's model maps the
    /// table or A's code inserts into or updates it; a read is no reference.
    Writes(String),
    /// A column of a table, by name or by a model of its table that maps it.
    Column { table: String, column: String },
    /// A routine (`routine`), type, sequence or enum value, by name.
    Named { name: String, routine: bool },
}

impl Target {
    /// The target of a finding that breaks A's code only if A's code uses its object.
    fn of(finding: &Finding) -> Option<Target> {
        let bare = |key: &str| key.rsplit('.').next().unwrap_or(key).to_owned();
        Some(match finding.subject()? {
            Subject::Table(name) | Subject::View(name) => Target::Relation(bare(name)),
            Subject::WriteRules(name) => Target::Writes(bare(name)),
            Subject::Column { table, .. } if TIGHTENS_WRITES.contains(&finding.rule.id) => {
                Target::Writes(bare(table))
            }
            Subject::Column { table, column } => {
                Target::Column { table: bare(table), column: column.clone() }
            }
            Subject::Function(name) => Target::Named { name: bare(name), routine: true },
            Subject::Type(name) | Subject::Sequence(name) => {
                Target::Named { name: bare(name), routine: false }
            }
            Subject::EnumValue { value, .. } => Target::Named { name: value.clone(), routine: false },
            // A trigger runs without A's code naming it; a schema's tables are used unqualified.
            Subject::Trigger(_) | Subject::Schema(_) => return None,
        })
    }

    /// The table whose models may map it.
    fn table(&self) -> Option<&str> {
        match self {
            Target::Relation(table) | Target::Writes(table) | Target::Column { table, .. } => Some(table),
            Target::Named { .. } => None,
        }
    }
}

/// What a spelling stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The target's own name: a reference.
    Names,
    /// The table of a column target: only context, to rank the column's references.
    TableOf,
}

/// The search for every target at once.
struct Plan {
    targets: Vec<Target>,
    matcher: Matcher,
    /// For each pattern, the targets it spells and how.
    owners: Vec<Vec<(usize, Role)>>,
    /// Each target's table, as models compare it: lower case, no underscores, in every number.
    tables: Vec<HashSet<String>>,
    /// Each target's table spellings, lower case, to see a qualified name.
    table_spellings: Vec<HashSet<String>>,
}

impl Plan {
    fn new(targets: Vec<Target>) -> Result<Plan, EvidenceError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, Role)>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut add = |spelling: String, owner: (usize, Role)| {
            let at = *index.entry(spelling.clone()).or_insert_with(|| {
                patterns.push(spelling);
                owners.push(Vec::new());
                owners.len() - 1
            });
            owners[at].push(owner);
        };
        let mut tables = Vec::new();
        let mut table_spellings = Vec::new();
        for (number, target) in targets.iter().enumerate() {
            match target {
                Target::Relation(name) | Target::Writes(name) => {
                    spellings(name, true).into_iter().for_each(|s| add(s, (number, Role::Names)))
                }
                Target::Column { table, column } => {
                    spellings(column, false).into_iter().for_each(|s| add(s, (number, Role::Names)));
                    spellings(table, true).into_iter().for_each(|s| add(s, (number, Role::TableOf)));
                }
                Target::Named { name, .. } => {
                    spellings(name, false).into_iter().for_each(|s| add(s, (number, Role::Names)))
                }
            }
            let table = target.table().map(|table| spellings(table, true)).unwrap_or_default();
            tables.push(table.iter().map(|s| loose(s)).collect());
            table_spellings.push(table.into_iter().collect());
        }
        let matcher = Matcher::new(&patterns)
            .map_err(|error| EvidenceError::Search { names: patterns.len(), message: error.to_string() })?;
        Ok(Plan { targets, matcher, owners, tables, table_spellings })
    }

    /// Whether a model's table is the target's.
    fn maps_table(&self, target: usize, model_table: &str) -> bool {
        self.tables[target].contains(&loose(model_table))
    }
}

/// Whether a line of code writes rows: an INSERT, UPDATE, upsert, MERGE or
/// REPLACE, in SQL or an ORM call's name.
fn writes_on(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["insert", "update", "upsert", "merge", "replace into", ".create(", ".save(", "createmany", ".add("]
        .iter()
        .any(|word| lower.contains(word))
}

/// A name as models compare it: lower case, without underscores.
fn loose(name: &str) -> String {
    name.chars().filter(|c| *c != '_').map(|c| c.to_ascii_lowercase()).collect()
}

/// A reference found in one file, with how strong it is (lower is stronger).
struct Found {
    target: usize,
    rank: u8,
    reference: Reference,
}

/// What one file says.
#[derive(Default)]
struct FileEvidence {
    found: Vec<Found>,
    /// Targets (columns) an ActiveRecord model of this file declares unused.
    ignored: Vec<usize>,
}

/// The names a set of changes asks A's code about: the object of every finding
/// that breaks A's code only if A's code uses it, each once, in the order the
/// findings come. Equal questions get equal answers from the same code, so a
/// reading can be kept for them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asked {
    targets: Vec<Target>,
}

impl Asked {
    /// What `changes` ask.
    pub fn of(changes: &[Change]) -> Asked {
        let mut targets = Vec::new();
        for finding in asking(changes) {
            if let Some(target) = Target::of(finding).filter(|target| !targets.contains(target)) {
                targets.push(target);
            }
        }
        Asked { targets }
    }
}

/// The findings of `changes` that A's code may clear: those that break A's code
/// and count.
fn asking(changes: &[Change]) -> impl Iterator<Item = &Finding> {
    changes.iter().flat_map(Change::findings).filter(|finding| finding.breaks_code && finding.counts())
}

/// What A's code says about the names asked: each name's references, and what
/// was read.
#[derive(Debug, Clone)]
pub struct CodeReading {
    asked: Asked,
    /// Per target of `asked`, in its order.
    evidence: Vec<Evidence>,
    pub summary: CodeSummary,
}

/// Reads what A's code, from `source`, says about the names `asked`.
pub fn read(asked: Asked, source: &CodeSource) -> Result<CodeReading, EvidenceError> {
    let plan = Plan::new(asked.targets.clone())?;
    let reading = read_code(source, |file| scan(&file, &plan))?;
    let summary = CodeSummary {
        source: source.label(),
        files_read: reading.files_read,
        files_skipped: reading.skipped.values().sum(),
        skipped: reading.skipped,
    };
    let evidence = gather(&plan, reading.results);
    Ok(CodeReading { asked, evidence, summary })
}

impl CodeReading {
    /// The names this reading answers for.
    pub fn asked(&self) -> &Asked {
        &self.asked
    }

    /// Applies the reading to the findings of `changes` that ask A's code: each
    /// carries what A's code says about its object, and one whose object A's code
    /// never names no longer breaks it. The reading must be of what `changes` ask
    /// ([`Asked::of`]); a finding whose object it was not asked about is left as it is.
    pub fn apply(&self, changes: &mut [Change]) {
        if self.summary.files_read == 0 {
            // A tree of migrations alone: A's code lives elsewhere, and says nothing here.
            return;
        }
        let files = if self.summary.files_read == 1 { "file" } else { "files" };
        let unused = format!("no reference in A's code ({} {files} read)", self.summary.files_read);
        for finding in changes.iter_mut().flat_map(Change::findings_mut) {
            if !finding.breaks_code || !finding.counts() {
                continue;
            }
            let Some(target) = Target::of(finding) else { continue };
            let Some(at) = self.asked.targets.iter().position(|asked| *asked == target) else { continue };
            let found = self.evidence[at].clone();
            if found.total == 0 {
                finding.clear_for_code(&unused);
            }
            finding.set_evidence(found);
        }
    }
}

/// Checks every finding of `changes` that breaks A's code against the code of
/// `source`, and says what was read.
pub fn weigh(changes: &mut [Change], source: &CodeSource) -> Result<CodeSummary, EvidenceError> {
    let reading = read(Asked::of(changes), source)?;
    reading.apply(changes);
    Ok(reading.summary)
}

/// Every file's references, per target: the strongest first, a few per file.
fn gather(plan: &Plan, files: Vec<FileEvidence>) -> Vec<Evidence> {
    let ignored: HashSet<usize> = files.iter().flat_map(|file| file.ignored.iter().copied()).collect();
    let mut per_target: Vec<Vec<Found>> = plan.targets.iter().map(|_| Vec::new()).collect();
    for found in files.into_iter().flat_map(|file| file.found) {
        let writes_only = matches!(plan.targets[found.target], Target::Writes(_));
        if writes_only && found.reference.kind != ReferenceKind::Model && !writes_on(&found.reference.text) {
            continue;
        }
        // A column ActiveRecord ignores is not read through the models, nor through the schema dump.
        let through_activerecord = found.reference.orm.is_some_and(|orm| orm.starts_with("ActiveRecord"))
            || found.reference.file.ends_with("schema.rb");
        if !(ignored.contains(&found.target) && through_activerecord) {
            per_target[found.target].push(found);
        }
    }
    per_target
        .into_iter()
        .map(|mut found| {
            found.sort_by(|a, b| {
                (a.rank, &a.reference.file, a.reference.line).cmp(&(
                    b.rank,
                    &b.reference.file,
                    b.reference.line,
                ))
            });
            let total = found.len();
            let mut shown: Vec<Reference> = Vec::new();
            let mut held_back: Vec<Reference> = Vec::new();
            let mut per_file: HashMap<&str, usize> = HashMap::new();
            for found in &found {
                let count = per_file.entry(found.reference.file.as_str()).or_default();
                *count += 1;
                if *count <= REFERENCES_PER_FILE { &mut shown } else { &mut held_back }
                    .push(found.reference.clone());
            }
            shown.truncate(MAX_REFERENCES);
            let room = MAX_REFERENCES - shown.len();
            shown.extend(held_back.into_iter().take(room));
            Evidence { references: shown, total }
        })
        .collect()
}

/// Words that mark a line as SQL.
const SQL_WORDS: [&str; 11] = [
    "select",
    "insert",
    "update",
    "delete",
    "join",
    "where",
    "exec",
    "execute",
    "call",
    "returning",
    "values",
];

/// What one file of A's code says about every target.
fn scan(file: &CodeFile<'_>, plan: &Plan) -> FileEvidence {
    let bytes = file.text.as_bytes();
    let hits = plan.matcher.hits(bytes);
    let models = orm::models(file.relative, file.text);
    let mut evidence = FileEvidence::default();
    if hits.is_empty() && models.is_empty() {
        return evidence;
    }
    // A model's line, trimmed, the column its text starts at and the span of that text.
    let model_line = |number: u64| -> (String, u64, Utf16Span) {
        let line = file.text.lines().nth(usize::try_from(number.saturating_sub(1)).unwrap_or(usize::MAX));
        let line = line.unwrap_or("");
        let trimmed = line.trim();
        let indent = &line[..line.len() - line.trim_start().len()];
        let column = indent.chars().count() as u64 + 1;
        (trimmed.chars().take(160).collect(), column, Utf16Span::of(indent, trimmed))
    };
    let mut ignored_lines: HashSet<u64> = HashSet::new();
    for model in &models {
        for (target, what) in plan.targets.iter().enumerate() {
            if !plan.maps_table(target, &model.table) {
                continue;
            }
            let line = match what {
                Target::Relation(_) | Target::Writes(_) => Some(model.line),
                Target::Column { column, .. } => {
                    let column = loose(column);
                    let ignored = model.ignored.iter().any(|(name, _)| loose(name) == column);
                    if ignored {
                        evidence.ignored.push(target);
                    }
                    let mapped =
                        model.columns.iter().find(|(name, _)| loose(name) == column).map(|(_, line)| *line);
                    mapped.or((model.maps_every_column && !ignored).then_some(model.line))
                }
                Target::Named { .. } => None,
            };
            if let Some(line) = line {
                let (text, column, utf16) = model_line(line);
                let reference = Reference {
                    file: file.display.to_owned(),
                    line,
                    column,
                    text,
                    kind: ReferenceKind::Model,
                    orm: Some(model.orm),
                    utf16,
                };
                evidence.found.push(Found { target, rank: 0, reference });
            }
        }
        ignored_lines.extend(model.ignored.iter().map(|(_, line)| *line));
    }
    let mentions_table: HashSet<usize> = hits
        .iter()
        .flat_map(|hit| plan.owners[hit.pattern].iter())
        .filter(|(_, role)| *role == Role::TableOf)
        .map(|(target, _)| *target)
        .collect();
    let is_sql_file = file.relative.to_ascii_lowercase().ends_with(".sql");
    let in_block_comment = if hits.is_empty() { HashSet::new() } else { block_comment_lines(file.text) };
    let mut lines = Lines::new(bytes);
    let mut seen: HashSet<(usize, u64)> =
        evidence.found.iter().map(|f| (f.target, f.reference.line)).collect();
    for hit in &hits {
        let owners = &plan.owners[hit.pattern];
        // A table named only as context for its columns needs no place of its own,
        // unless the query reads or writes every column of it.
        let every_column = owners.iter().any(|(_, role)| *role == Role::TableOf)
            && uses_every_column(bytes, hit.start, hit.end);
        if !every_column && !owners.iter().any(|(_, role)| *role == Role::Names) {
            continue;
        }
        let (line, column) = lines.position(hit.start);
        if ignored_lines.contains(&line) {
            continue;
        }
        let text = lines.line_text(hit.start);
        if is_comment(&text) || in_block_comment.contains(&line) {
            continue;
        }
        let utf16 = lines.utf16_span(hit.start, hit.end);
        for &(target, role) in owners {
            // SQL names a table as it is: `sessions` is not table `session` (umami's CTE).
            let exact_table = || {
                plan.targets[target]
                    .table()
                    .is_some_and(|table| table.as_bytes().eq_ignore_ascii_case(&bytes[hit.start..hit.end]))
            };
            if role == Role::TableOf && every_column && exact_table() && seen.insert((target, line)) {
                let reference = Reference {
                    file: file.display.to_owned(),
                    line,
                    column,
                    text: text.clone(),
                    kind: ReferenceKind::EveryColumn,
                    orm: None,
                    utf16,
                };
                evidence.found.push(Found { target, rank: 1, reference });
            }
            // `console.log(` is no use of table `logs`: a table's other spelling
            // called as a method names a method.
            let relation = matches!(plan.targets[target], Target::Relation(_) | Target::Writes(_));
            if role == Role::Names && relation && !exact_table() && is_method_call(bytes, hit.start, hit.end)
            {
                continue;
            }
            if role != Role::Names || !seen.insert((target, line)) {
                continue;
            }
            let routine = matches!(plan.targets[target], Target::Named { routine: true, .. });
            let kind = if routine && is_call(bytes, hit.end, &text) {
                ReferenceKind::Call
            } else if is_sql_file
                || qualified(bytes, hit.start, &plan.table_spellings[target])
                || is_sql_line(&text)
            {
                ReferenceKind::Query
            } else {
                ReferenceKind::Name
            };
            let column_far_from_table =
                matches!(plan.targets[target], Target::Column { .. }) && !mentions_table.contains(&target);
            // A column's name in a file that never names its table may well be another table's.
            let rank = match kind {
                ReferenceKind::Model => 0,
                ReferenceKind::Query | ReferenceKind::Call | ReferenceKind::EveryColumn => 1,
                ReferenceKind::Name => 2,
            } + if column_far_from_table { 2 } else { 0 };
            let reference = Reference {
                file: file.display.to_owned(),
                line,
                column,
                text: text.clone(),
                kind,
                orm: None,
                utf16,
            };
            evidence.found.push(Found { target, rank, reference });
        }
    }
    evidence
}

/// Whether the word at `start..end` is called as a method: `.word(`.
fn is_method_call(bytes: &[u8], start: usize, end: usize) -> bool {
    let after_dot = start > 0 && bytes[start - 1] == b'.';
    after_dot && bytes.get(end) == Some(&b'(')
}

/// How far before a table's name a `SELECT *` is looked for, so that one written
/// over several lines (`SELECT *\n  FROM users`) is seen.
const STAR_SELECT_REACH: usize = 200;

/// Whether the table named at `start..end` is read or written whole: `SELECT * FROM
/// users`, `SELECT u.* FROM users u`, `INSERT INTO users VALUES (…)` or `INSERT
/// INTO users SELECT …`. Such a query uses every column of the table: positional
/// reads and writes break when any column goes.
fn uses_every_column(bytes: &[u8], start: usize, end: usize) -> bool {
    let is_word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let skippable = |b: &u8| matches!(b, b'"' | b'`' | b'[' | b']' | b' ' | b'\t' | b'\r' | b'\n');
    // The word before the table's name, past quotes and a schema (`"public"."users"`).
    let mut at = start;
    while at > 0 && skippable(&bytes[at - 1]) {
        at -= 1;
    }
    if at > 0 && bytes[at - 1] == b'.' {
        at -= 1;
        while at > 0 && (skippable(&bytes[at - 1]) || is_word(&bytes[at - 1])) && bytes[at - 1] != b' ' {
            at -= 1;
        }
        while at > 0 && skippable(&bytes[at - 1]) {
            at -= 1;
        }
    }
    let word_start = bytes[..at].iter().rposition(|b| !is_word(b)).map_or(0, |i| i + 1);
    let before = bytes[word_start..at].to_ascii_lowercase();
    let next_word = || {
        let from = bytes[end..].iter().position(|b| !skippable(b)).map_or(bytes.len(), |i| end + i);
        let to = bytes[from..].iter().position(|b| !is_word(b)).map_or(bytes.len(), |i| from + i);
        bytes[from..to].to_ascii_lowercase()
    };
    match before.as_slice() {
        b"into" => matches!(next_word().as_slice(), b"values" | b"select"),
        b"from" | b"join" => {
            let window = &bytes[word_start.saturating_sub(STAR_SELECT_REACH)..word_start];
            let lower = String::from_utf8_lossy(window).to_ascii_lowercase();
            let collapsed = lower.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
            let Some(select) = collapsed.rfind("select ") else { return false };
            let list = &collapsed[select + "select ".len()..];
            list.starts_with('*') || list.starts_with("distinct *") || list.contains(".*")
        }
        _ => false,
    }
}

/// Whether a routine's name at `end` is called: `name(`, `"name" (`, `[name](`, or
/// on a line that executes it.
fn is_call(bytes: &[u8], end: usize, line: &str) -> bool {
    let after = bytes[end..].iter().find(|b| !matches!(b, b'"' | b'`' | b']' | b'\'' | b' ' | b'\t'));
    after == Some(&b'(') || {
        let lower = line.to_ascii_lowercase();
        // T-SQL and PostgreSQL, ADO.NET, Python DB-API, JDBC.
        ["exec", "execute", "call", "storedprocedure", "sqlcommand", "callproc", "preparecall"]
            .iter()
            .any(|word| lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| w == *word))
    }
}

/// Whether the name at `start` is qualified by one of `tables`: `session.hostname`,
/// `"session"."hostname"`, `[session].[hostname]`.
fn qualified(bytes: &[u8], start: usize, tables: &HashSet<String>) -> bool {
    let mut at = start;
    let quote = |b: u8| matches!(b, b'"' | b'`' | b'[' | b']');
    if at > 0 && quote(bytes[at - 1]) {
        at -= 1;
    }
    if at == 0 || bytes[at - 1] != b'.' {
        return false;
    }
    at -= 1;
    if at > 0 && quote(bytes[at - 1]) {
        at -= 1;
    }
    let word_start =
        bytes[..at].iter().rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).map_or(0, |i| i + 1);
    let word = String::from_utf8_lossy(&bytes[word_start..at]).to_ascii_lowercase();
    tables.contains(&word)
}

/// Whether a line (trimmed) is a comment and nothing else: `// …`, `-- …`, `# …`,
/// `/* …`, ` * …` (Rust's `#[attribute]` is not). A comment is no use of what it
/// names: "stopped reading legacy_sku" is what a well-staged release leaves behind.
fn is_comment(line: &str) -> bool {
    ["//", "--", "/*", "*", "<!--"].iter().any(|marker| line.starts_with(marker))
        || line == "#"
        || line.starts_with("# ")
}

/// The lines (1-based) inside a comment that spans lines: from a line that
/// opens `/*` or `<!--` at its start to the line that closes it, and a Python
/// docstring (a line opening `"""` or `'''` right after a line ending in `:`, or
/// first in the file) to its closing quotes. Only comments that open a line
/// count: a `/*` inside a string (`"src/**/*.ts"`) must not hide the code after it.
fn block_comment_lines(text: &str) -> HashSet<u64> {
    let mut inside = HashSet::new();
    let mut closer: Option<&str> = None;
    let mut after_colon = true;
    for (number, line) in (1u64..).zip(text.lines()) {
        let trimmed = line.trim();
        if let Some(end) = closer {
            inside.insert(number);
            if trimmed.contains(end) {
                closer = None;
            }
            continue;
        }
        let opens = [("/*", "*/"), ("<!--", "-->")]
            .into_iter()
            .chain(after_colon.then_some([("\"\"\"", "\"\"\""), ("'''", "'''")]).into_iter().flatten())
            .find(|(open, _)| trimmed.starts_with(open));
        if let Some((open, close)) = opens {
            inside.insert(number);
            if !trimmed[open.len()..].contains(close) {
                closer = Some(close);
            }
        }
        if !trimmed.is_empty() {
            after_colon = trimmed.ends_with(':');
        }
    }
    inside
}

/// Whether a line reads as SQL.
fn is_sql_line(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|word| SQL_WORDS.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `files` (path, text) say about `targets`: each target's references as `file:line kind`.
    fn evidence(targets: Vec<Target>, files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let plan = Plan::new(targets).expect("plan");
        let found = files
            .iter()
            .map(|(path, text)| scan(&CodeFile { display: path, relative: path, text }, &plan))
            .collect();
        gather(&plan, found)
            .into_iter()
            .map(|evidence| {
                assert_eq!(evidence.total, evidence.references.len(), "fewer than ten, all listed");
                let kind = |r: &Reference| format!("{:?}", r.kind).to_lowercase();
                evidence.references.iter().map(|r| format!("{}:{} {}", r.file, r.line, kind(r))).collect()
            })
            .collect()
    }

    fn column(table: &str, column: &str) -> Target {
        Target::Column { table: table.to_owned(), column: column.to_owned() }
    }

    #[test]
    fn procedures_are_found_bracketed_qualified_and_called() {
        let code = "var cmd = new SqlCommand(\"[dbo].[User_ReadById]\", conn);\ncmd.CommandType = CommandType.StoredProcedure;\n";
        let sql = "EXEC dbo.user_readbyid @Id = 1;\n";
        let found = evidence(
            vec![Target::Named { name: "user_readbyid".into(), routine: true }],
            &[("Data/Users.cs", code), ("queries/users.sql", sql)],
        );
        assert_eq!(found, [["Data/Users.cs:1 call", "queries/users.sql:1 call"]]);
    }

    #[test]
    fn a_column_is_a_query_when_qualified_by_its_table_and_ranked_by_its_table() {
        let files = [
            ("src/a.ts", "const label = row.email;\n"),
            ("src/b.ts", "// users\nconst x = { email };\n"),
            ("src/c.ts", "sql`select \"users\".\"email\" from users`;\n"),
        ];
        let found = evidence(vec![column("users", "email")], &files);
        assert_eq!(found, [["src/c.ts:1 query", "src/b.ts:2 name", "src/a.ts:1 name"]]);
    }

    #[test]
    fn activerecord_models_use_every_column_but_the_ignored_ones() {
        let model = "class User < ApplicationRecord\n  self.ignored_columns += %w[legacy_code]\nend\n";
        let dump =
            "  create_table \"users\" do |t|\n    t.string \"legacy_code\"\n    t.string \"email\"\n  end\n";
        let files = [("app/models/user.rb", model), ("db/schema.rb", dump)];
        let found = evidence(vec![column("users", "legacy_code"), column("users", "email")], &files);
        assert!(found[0].is_empty(), "ignored: {:?}", found[0]);
        assert_eq!(found[1], ["app/models/user.rb:1 model", "db/schema.rb:3 model"]);
    }

    #[test]
    fn django_models_name_tables_their_code_never_spells() {
        let model = "class Order(models.Model):\n    note = models.TextField()\n";
        let found = evidence(vec![Target::Relation("shop_order".into())], &[("shop/models.py", model)]);
        assert_eq!(found, [["shop/models.py:1 model"]]);
    }

    #[test]
    fn star_selects_and_inserts_without_columns_use_every_column() {
        let go = "rows, err := db.Query(\"SELECT * FROM users WHERE id = $1\", id)\nrows.Scan(&id, &email, &code)\n";
        let insert = "db.Exec(`INSERT INTO \"public\".\"users\" VALUES ($1, $2, $3)`)\n";
        let spread = "const q = `SELECT u.*\n  FROM users u`;\n";
        let others = "db.Query(\"SELECT id FROM users\")\ndb.Exec(\"INSERT INTO users (id) VALUES (1)\")\nconst users = [];\ndb.Query(\"SELECT * FROM orders\")\ndb.Query(\"WITH user AS (SELECT 1) SELECT * FROM user\")\n";
        let files = [("a.go", go), ("b.go", insert), ("c.ts", spread), ("d.ts", others)];
        let found = evidence(vec![column("users", "legacy_code")], &files);
        assert_eq!(found, [["a.go:1 everycolumn", "b.go:1 everycolumn", "c.ts:2 everycolumn"]]);
    }

    #[test]
    fn a_change_that_tightens_writes_is_used_only_by_writes_and_models() {
        let reads = "db.Query(\"SELECT id, email FROM users WHERE id = $1\")\n";
        let writes = "db.Exec(\"INSERT INTO users (id, email) VALUES ($1, $2)\")\n";
        let model = "model User {\n  id Int @id\n  @@map(\"users\")\n}\n";
        let found = evidence(vec![Target::Writes("users".into())], &[("read.go", reads)]);
        assert_eq!(found, [Vec::<String>::new()], "a read is no reference");
        let found = evidence(
            vec![Target::Writes("users".into())],
            &[("read.go", reads), ("write.go", writes), ("schema.prisma", model)],
        );
        assert_eq!(found[0].len(), 2, "{found:?}");
        assert!(found[0].iter().any(|r| r.starts_with("write.go:1")), "{found:?}");
        assert!(found[0].iter().any(|r| r.starts_with("schema.prisma:1 model")), "{found:?}");
    }

    #[test]
    fn irregular_plurals_match_their_models() {
        let model = "class Person < ApplicationRecord\nend\n";
        let found = evidence(vec![Target::Relation("people".into())], &[("app/models/person.rb", model)]);
        assert_eq!(found, [["app/models/person.rb:1 model"]]);
    }

    #[test]
    fn comments_are_no_use() {
        let code = "// stopped reading legacy_sku\n# legacy_sku is gone\n/* legacy_sku */\n#[sql_name = \"legacy_sku\"]\nx.legacy_sku // trailing\n";
        let found = evidence(vec![column("products", "legacy_sku")], &[("src/a.rs", code)]);
        assert_eq!(found, [["src/a.rs:4 name", "src/a.rs:5 name"]]);
    }

    #[test]
    fn comments_spanning_lines_are_no_use() {
        let ts = "/* legacySku removed\n   legacy_sku was the old SKU */\nconst files = \"src/**/*.ts\";\nx.legacy_sku;\n";
        let py = "class Order(models.Model):\n    \"\"\"Order.\n    legacy_sku was removed in 1.1.\"\"\"\n    q = \"\"\"\n    SELECT legacy_sku FROM products\"\"\"\n";
        let html = "<!-- legacy_sku\n legacy_sku -->\n<td>{{ legacy_sku }}</td>\n";
        let found = evidence(
            vec![column("products", "legacy_sku")],
            &[("a.ts", ts), ("models.py", py), ("t.html", html)],
        );
        // The code after a `/*` inside a string still counts, and so does SQL in a
        // triple-quoted string that is no docstring.
        assert_eq!(found[0].len(), 3, "{found:?}");
        assert!(found[0].iter().any(|r| r.starts_with("a.ts:4")), "{found:?}");
        assert!(found[0].iter().any(|r| r.starts_with("models.py:5")), "{found:?}");
        assert!(found[0].iter().any(|r| r.starts_with("t.html:3")), "{found:?}");
    }

    #[test]
    fn a_tables_other_spelling_called_as_a_method_is_no_use() {
        let code =
            "console.log(\"hi\");\nlogger.info(\"x\");\nconst q = \"SELECT * FROM logs\";\nLog.create({});\n";
        let found = evidence(vec![Target::Relation("logs".into())], &[("a.ts", code)]);
        assert_eq!(found[0].len(), 2, "{found:?}");
        assert!(found[0].iter().all(|r| !r.starts_with("a.ts:1")), "{found:?}");
    }

    #[test]
    fn references_are_capped_one_a_file_first() {
        let busy = "hostname\n".repeat(12);
        let files = [("a.ts", busy.as_str()), ("b.ts", "hostname\n")];
        let plan = Plan::new(vec![column("session", "hostname")]).expect("plan");
        let found = files
            .iter()
            .map(|(path, text)| scan(&CodeFile { display: path, relative: path, text }, &plan))
            .collect();
        let evidence = gather(&plan, found);
        assert_eq!(evidence[0].total, 13);
        assert_eq!(evidence[0].references.len(), MAX_REFERENCES);
        assert_eq!(evidence[0].references[1].file, "b.ts", "b.ts's only use comes before a.ts's second");
    }
}
