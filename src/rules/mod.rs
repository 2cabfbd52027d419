//! Stage 4: classify every statement.
//!
//! One rule, one file: each file declares its rule (id, class, one-line summary, the
//! "do this instead" help, and its documentation in a doc comment with the sections
//! *What it does*, *Why it matters for rollback*, *Example* and *Do this instead*)
//! and a `check` function. A rule sees an operation and the schema before it; it
//! never reads files or prints. [`classify`] routes each operation to its rule.

mod add_column_with_default;
mod add_constraint;
mod add_enum_value;
mod add_not_null_column;
mod add_nullable_column;
mod comment;
mod compatible_type_change;
mod create_function;
mod create_index;
mod create_object;
mod create_table;
mod create_unique_index;
mod create_view;
mod delete;
mod deleted_migration;
mod disable_trigger;
mod drop_column;
mod drop_constraint;
mod drop_default;
mod drop_extension;
mod drop_function;
mod drop_index;
mod drop_not_null;
mod drop_schema;
mod drop_sequence;
mod drop_table;
mod drop_trigger;
mod drop_type;
mod drop_view;
mod dynamic_sql;
mod edited_migration;
mod enable_row_level_security;
mod grant;
mod housekeeping;
mod incompatible_type_change;
mod insert;
mod invalid_suppression;
mod out_of_order_migration;
mod parse_error;
mod read_only_query;
mod reconcile;
mod rename_column;
mod rename_enum_value;
mod rename_sequence;
mod rename_table;
mod rename_type;
mod rename_view;
mod revoke;
mod session_setting;
mod set_default;
mod set_not_null;
mod suppress;
mod transaction_control;
mod truncate;
mod unmodelled_object_change;
mod unmodelled_statement;
mod unreadable_text;
mod unused_suppression;
mod update;
mod view_drops_columns;

#[cfg(test)]
mod test_support;

use serde::Serialize;

pub use reconcile::reconcile;
pub use suppress::apply_suppressions;

use crate::schema::{Epoch, ObjectId, Schema, Subject, TypeChange, compare_types};
use crate::sql::{Argument, ColumnSpec, Name, Op, Outcome, ParsedStatement, Position};

/// The four classes of a change (see `rollback-model.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// A's code keeps working and no data is lost.
    Safe,
    /// The tool could not decide.
    Unknown,
    /// A's code would break against the new schema.
    Coupled,
    /// Applying it destroys data.
    Destructive,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Safe => "safe",
            Class::Unknown => "unknown",
            Class::Coupled => "coupled",
            Class::Destructive => "destructive",
        }
    }
}

/// How loudly a finding is reported. Defaults follow the class (`coupled` and
/// `destructive` are errors, `unknown` a warning, `safe` information);
/// `rollsafe.toml` can override it per rule, or turn a rule `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    /// Not reported, and left out of the verdict.
    Off,
}

impl Severity {
    pub fn default_for(class: Class) -> Severity {
        match class {
            Class::Coupled | Class::Destructive => Severity::Error,
            Class::Unknown => Severity::Warning,
            Class::Safe => Severity::Info,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Off => "off",
        }
    }
}

/// A rule: what it is called, what it finds, and its documentation.
#[derive(Debug)]
pub struct Rule {
    /// Kebab-case id, stable: users suppress and look rules up by it.
    pub id: &'static str,
    /// The class of what the rule finds when it touches an object A's code knows.
    /// Changes to objects created inside the window are always `safe`.
    pub class: Class,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// One line: what to do instead.
    pub help: &'static str,
    /// The rule's documentation, Markdown, from its doc comment.
    docs: &'static str,
}

impl Rule {
    /// The text of one section of the documentation (`What it does`, …), without
    /// its heading.
    pub fn section(&self, heading: &str) -> String {
        let docs = self.documentation();
        let marker = format!("## {heading}\n");
        let Some(start) = docs.find(&marker) else {
            return String::new();
        };
        let body = &docs[start + marker.len()..];
        body[..body.find("\n## ").unwrap_or(body.len())].trim().to_owned()
    }

    /// The documentation as Markdown, headed by the rule's id.
    pub fn documentation(&self) -> String {
        let body: Vec<&str> = self.docs.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
        format!(
            "# {}\n\nClass: `{}`. {}\n\n{}\n",
            self.id,
            self.class.as_str(),
            self.summary,
            body.join("\n").trim()
        )
    }
}

/// Declares a rule whose documentation is its doc comment.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        static $name:ident = {
            id: $id:literal,
            class: $class:expr,
            summary: $summary:literal,
            help: $help:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub(crate) static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            class: $class,
            summary: $summary,
            help: $help,
            docs: concat!($($doc, "\n"),*),
        };
    };
}
pub(crate) use declare_rule;

/// Every rule, in the order `rollsafe rules` lists them.
pub static ALL_RULES: &[&Rule] = &[
    &create_table::RULE,
    &add_nullable_column::RULE,
    &add_column_with_default::RULE,
    &add_not_null_column::RULE,
    &compatible_type_change::RULE,
    &incompatible_type_change::RULE,
    &drop_not_null::RULE,
    &set_not_null::RULE,
    &set_default::RULE,
    &drop_default::RULE,
    &rename_column::RULE,
    &rename_table::RULE,
    &drop_column::RULE,
    &drop_table::RULE,
    &add_constraint::RULE,
    &drop_constraint::RULE,
    &create_index::RULE,
    &create_unique_index::RULE,
    &drop_index::RULE,
    &create_view::RULE,
    &view_drops_columns::RULE,
    &drop_view::RULE,
    &rename_view::RULE,
    &create_function::RULE,
    &drop_function::RULE,
    &add_enum_value::RULE,
    &rename_enum_value::RULE,
    &rename_type::RULE,
    &create_object::RULE,
    &drop_type::RULE,
    &drop_sequence::RULE,
    &rename_sequence::RULE,
    &drop_extension::RULE,
    &drop_trigger::RULE,
    &disable_trigger::RULE,
    &enable_row_level_security::RULE,
    &drop_schema::RULE,
    &truncate::RULE,
    &delete::RULE,
    &update::RULE,
    &insert::RULE,
    &grant::RULE,
    &revoke::RULE,
    &comment::RULE,
    &transaction_control::RULE,
    &session_setting::RULE,
    &read_only_query::RULE,
    &housekeeping::RULE,
    &unmodelled_object_change::RULE,
    &dynamic_sql::RULE,
    &unmodelled_statement::RULE,
    &parse_error::RULE,
    &unreadable_text::RULE,
    &edited_migration::RULE,
    &deleted_migration::RULE,
    &out_of_order_migration::RULE,
    &invalid_suppression::RULE,
    &unused_suppression::RULE,
];

/// The finding for a migration that shipped in A and was edited by B.
pub fn edited_migration() -> Finding {
    edited_migration::finding()
}

/// The finding for a migration that shipped in A and is gone in B.
pub fn deleted_migration() -> Finding {
    deleted_migration::finding()
}

fn invalid_suppression(problem: &str) -> Finding {
    invalid_suppression::check(problem)
}

fn unused_suppression(what: &str) -> Finding {
    unused_suppression::check(what)
}

/// The finding for a migration added after newer ones already shipped.
pub fn out_of_order_migration(version: &str, newest: &str) -> Finding {
    out_of_order_migration::finding(version, newest)
}

/// Looks a rule up by id.
pub fn find_rule(id: &str) -> Option<&'static Rule> {
    ALL_RULES.iter().copied().find(|rule| rule.id == id)
}

/// What a rule found about one operation of a statement.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub class: Class,
    pub message: String,
    /// The exact name the finding is about, when known.
    pub at: Option<Position>,
    pub end: Option<Position>,
    /// The object of A's schema it changes, to reconcile with the net difference.
    pub subject: Option<Subject>,
    /// A's code would break against the schema this leaves.
    pub breaks_code: bool,
    /// Applying it destroys data.
    pub loses_data: bool,
    /// For a dropped table: its identity, so a rebuild that copied it is recognised.
    pub dropped_table: Option<ObjectId>,
    /// Why the team accepted this risk (`-- rollsafe: allow … because …`); the
    /// verdict leaves suppressed findings out.
    pub suppressed: Option<String>,
    /// How loudly reports show it.
    pub severity: Severity,
}

impl Finding {
    pub(crate) fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            class: rule.class,
            message: message.into(),
            at: None,
            end: None,
            subject: None,
            breaks_code: matches!(rule.class, Class::Coupled | Class::Destructive),
            loses_data: rule.class == Class::Destructive,
            dropped_table: None,
            suppressed: None,
            severity: Severity::default_for(rule.class),
        }
    }

    /// Applies a configured severity; `off` suppresses the finding.
    pub fn set_severity(&mut self, severity: Severity) {
        self.severity = severity;
        if severity == Severity::Off && self.suppressed.is_none() {
            self.suppressed = Some("the rule is turned off in rollsafe.toml".to_owned());
        }
    }

    /// Whether the verdict counts this finding.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none()
    }

    /// Points the finding at a name.
    pub(crate) fn at(mut self, name: &Name) -> Self {
        self.at = name.at;
        self.end = name.end;
        self
    }

    /// Records which object of A's schema the finding changes.
    pub(crate) fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// A data change that leaves A's code working (DELETE, TRUNCATE, UPDATE).
    pub(crate) fn keeps_code_working(mut self) -> Self {
        self.breaks_code = false;
        self
    }

    /// Points the finding at a column of A's table: safe when the column (or its
    /// table) was created inside the window.
    pub(crate) fn on_column(self, ctx: &Context<'_>, table: &Name, column: &Name) -> Self {
        self.at(column)
            .about(column_subject(table, column))
            .unless_new(ctx.is_new_column(table, column), &format!("column `{}`", column.written))
    }

    /// Points the finding at an object of A's schema (`kind` names it in messages):
    /// safe when `is_new`.
    pub(crate) fn on_object(self, name: &Name, subject: Subject, is_new: bool, kind: &str) -> Self {
        self.at(name).about(subject).unless_new(is_new, &format!("{kind} `{}`", name.written))
    }

    /// When `is_new`, the object was created inside the window: A's code cannot use
    /// it, so changing it is safe.
    pub(crate) fn unless_new(self, is_new: bool, what: &str) -> Self {
        if !is_new {
            return self;
        }
        self.safe_because(&format!("{what} is new in this window: A's code does not use it"))
    }

    /// `on_object` for a dropped code object (view, function, trigger): with
    /// `IF EXISTS`, dropping one no migration before it created finds nothing, and
    /// A's code cannot rely on what A's migrations never made. (Tables keep their
    /// finding: their rows may come from outside the migrations.)
    pub(crate) fn on_dropped_object(
        self,
        ctx: &Context<'_>,
        name: &Name,
        subject: Subject,
        is_new: bool,
        kind: &str,
        if_exists: bool,
    ) -> Self {
        let absent = if_exists && !ctx.schema.has(&subject);
        let finding = self.on_object(name, subject, is_new, kind);
        if !absent {
            return finding;
        }
        let what = format!("{kind} `{}`", name.written);
        finding
            .safe_because(&format!("no migration before it creates {what}, and IF EXISTS drops nothing then"))
    }

    /// The same finding judged safe, saying why.
    fn safe_because(mut self, why: &str) -> Self {
        self.reconcile(why);
        self
    }

    /// The same finding judged safe: the harmless direction of a rule's change, or
    /// one whose object A's code does not use.
    pub(crate) fn into_safe(mut self) -> Self {
        self.mark_safe();
        self
    }

    fn mark_safe(&mut self) {
        self.class = Class::Safe;
        self.severity = Severity::Info;
        self.breaks_code = false;
        self.loses_data = false;
    }

    /// Marks the finding safe after the net difference showed its effect undone.
    pub fn reconcile(&mut self, why: &str) {
        self.mark_safe();
        self.message = format!("{} ({why})", self.message);
    }
}

/// One forward statement of the window (or one file's history problem) and what
/// the rules found about it.
#[derive(Debug, Clone)]
pub struct Change {
    /// Index of the file among the analysis' files.
    pub file: usize,
    pub range: std::ops::Range<usize>,
    pub start: Position,
    pub end: Position,
    /// The statement's first words.
    pub head: String,
    /// Never empty.
    findings: Vec<Finding>,
}

impl Change {
    pub fn new(file: usize, statement: &ParsedStatement, mut findings: Vec<Finding>) -> Change {
        if findings.is_empty() {
            findings.push(unmodelled_statement::check(&statement.head));
        }
        Change {
            file,
            range: statement.range.clone(),
            start: statement.start,
            end: statement.end,
            head: statement.head.clone(),
            findings,
        }
    }

    /// A change about a whole file (edited or deleted history), placed at its start.
    pub fn for_file(file: usize, finding: Finding) -> Change {
        Change::located(file, 0..0, Position::START, finding)
    }

    /// A change that is not a statement (a history problem, a suppression comment).
    pub fn located(file: usize, range: std::ops::Range<usize>, start: Position, finding: Finding) -> Change {
        Change { file, range, start, end: start, head: String::new(), findings: vec![finding] }
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn findings_mut(&mut self) -> &mut [Finding] {
        &mut self.findings
    }

    /// The finding that decides the change's class: the most severe one.
    pub fn primary(&self) -> &Finding {
        let mut primary = &self.findings[0];
        for finding in &self.findings[1..] {
            if finding.class > primary.class {
                primary = finding;
            }
        }
        primary
    }

    pub fn class(&self) -> Class {
        self.primary().class
    }
}

/// The schema a statement is judged against.
pub struct Context<'a> {
    /// The schema just before the statement.
    pub schema: &'a Schema,
    /// Objects created at or after this epoch are new to the window.
    pub window_start: Epoch,
}

impl Context<'_> {
    /// Whether an object created at `created` (if it exists) is new to the window.
    fn in_window(&self, created: Option<Epoch>) -> bool {
        created.is_some_and(|created| created >= self.window_start)
    }

    pub(crate) fn is_new_table(&self, table: &Name) -> bool {
        self.in_window(self.schema.table(&table.key).map(|t| t.created))
    }

    pub(crate) fn is_new_column(&self, table: &Name, column: &Name) -> bool {
        self.is_new_table(table)
            || self.in_window(self.schema.column(&table.key, &column.key).map(|c| c.created))
    }

    pub(crate) fn is_new_view(&self, view: &Name) -> bool {
        self.in_window(self.schema.views.get(&view.key).map(|v| v.created))
    }

    pub(crate) fn is_new_type(&self, name: &Name) -> bool {
        self.in_window(self.schema.types.get(&name.key).map(|t| t.created))
    }

    /// Every signature of the function was created inside the window.
    pub(crate) fn is_new_function(&self, name: &Name) -> bool {
        self.schema.functions.get(&name.key).is_some_and(|f| {
            !f.signatures.is_empty() && f.signatures.values().all(|created| self.in_window(Some(*created)))
        })
    }

    pub(crate) fn is_new_sequence(&self, name: &Name) -> bool {
        self.in_window(self.schema.sequences.get(&name.key).copied())
    }

    pub(crate) fn is_new_extension(&self, name: &Name) -> bool {
        self.in_window(self.schema.extensions.get(&name.key).copied())
    }

    pub(crate) fn is_new_trigger(&self, name: &Name) -> bool {
        self.in_window(self.schema.triggers.get(&name.key).copied())
    }

    pub(crate) fn is_new_schema(&self, name: &Name) -> bool {
        self.in_window(self.schema.schemas.get(&name.key).copied())
    }
}

fn column_subject(table: &Name, column: &Name) -> Subject {
    Subject::Column { table: table.key.clone(), column: column.key.clone() }
}

/// Classifies one statement against the schema before it: one finding per
/// operation (a MySQL `CHANGE` can give several).
pub fn classify(statement: &ParsedStatement, context: &Context<'_>) -> Vec<Finding> {
    match &statement.outcome {
        Outcome::Parsed(ops) => ops.iter().flat_map(|op| classify_op(op, context)).collect(),
        Outcome::Rejected(message) => vec![parse_error::check(message)],
        Outcome::Unreadable(message) => vec![unreadable_text::check(message)],
    }
}

fn classify_op(op: &Op, ctx: &Context<'_>) -> Vec<Finding> {
    let finding = match op {
        Op::CallRoutine { name, arguments } => return routine_call(ctx, name, arguments),
        Op::CreateTable { table, .. } => create_table::check(ctx, table),
        Op::DropTable { table } => drop_table::check(ctx, table),
        Op::RenameTable { from, to } if ctx.schema.views.contains_key(&from.key) => {
            rename_view::check(ctx, from, to)
        }
        Op::RenameTable { from, to } if ctx.schema.sequences.contains_key(&from.key) => {
            rename_sequence::check(ctx, from, to)
        }
        Op::RenameTable { from, to } => rename_table::check(ctx, from, to),
        Op::AddColumn { table, column } => add_not_null_column::check(ctx, table, column)
            .or_else(|| add_column_with_default::check(ctx, table, column))
            .unwrap_or_else(|| add_nullable_column::check(ctx, table, column)),
        Op::DropColumn { table, column } => drop_column::check(ctx, table, column),
        Op::RenameColumn { table, from, to } => rename_column::check(ctx, table, from, to),
        Op::AlterColumnType { table, column, data_type } => type_change(ctx, table, column, data_type),
        Op::SetNotNull { table, column } => set_not_null::check(ctx, table, column),
        Op::DropNotNull { table, column } => drop_not_null::check(ctx, table, column),
        Op::SetDefault { table, column } => set_default::check(ctx, table, column),
        Op::DropDefault { table, column } => drop_default::check(ctx, table, column),
        Op::RedefineColumn { table, column, new } => return redefine_column(ctx, table, column, new),
        Op::AddConstraint { table, constraint } => add_constraint::check(ctx, table, constraint),
        Op::DropConstraint { table, name } => drop_constraint::check(table, name),
        Op::CreateIndex { name, table, unique, .. } => {
            create_unique_index::check(ctx, name.as_ref(), table, *unique)
                .unwrap_or_else(|| create_index::check(name.as_ref(), table))
        }
        Op::DropIndex { name } => drop_index::check(name),
        Op::CreateView { name, columns, .. } => view_drops_columns::check(ctx, name, columns.as_deref())
            .unwrap_or_else(|| create_view::check(ctx, name)),
        Op::DropView { name, if_exists } => drop_view::check(ctx, name, *if_exists),
        Op::RenameView { from, to } => rename_view::check(ctx, from, to),
        Op::CreateFunction { name, signature, .. } => create_function::check(ctx, name, signature),
        Op::DropFunction { name, if_exists, .. } => drop_function::check(ctx, name, *if_exists),
        Op::CreateType { name, .. } => create_object::check("type", name),
        Op::CreateSequence { name } => create_object::check("sequence", name),
        Op::CreateExtension { name } => create_object::check("extension", name),
        Op::DropExtension { name } => drop_extension::check(ctx, name),
        Op::CreateSchema { name } => create_object::check("schema", name),
        Op::CreateOther { kind } => create_object::check_unnamed(kind),
        Op::CreateTrigger { name, .. } => create_object::check("trigger", name),
        Op::DropTrigger { name, if_exists } => drop_trigger::check(ctx, name, *if_exists),
        Op::SwitchTrigger { table, trigger, on } => disable_trigger::check(ctx, table, trigger.as_ref(), *on),
        Op::SwitchRowLevelSecurity { table, on } => enable_row_level_security::check(ctx, table, *on),
        Op::RenameType { from, to } => rename_type::check(ctx, from, to),
        Op::AddEnumValue { type_name, value } => add_enum_value::check(type_name, value),
        Op::RenameEnumValue { type_name, from, to } => rename_enum_value::check(ctx, type_name, from, to),
        Op::DropType { name } => drop_type::check(ctx, name),
        Op::DropSequence { name } => drop_sequence::check(ctx, name),
        Op::RenameSequence { from, to } => rename_sequence::check(ctx, from, to),
        Op::DropSchema { name } => drop_schema::check(ctx, name),
        Op::Truncate { table } => truncate::check(ctx, table),
        Op::Delete { table, filtered } => delete::check(ctx, table, *filtered),
        Op::Update { table, columns, filtered } => update::check(ctx, table, columns, *filtered),
        Op::Insert { table, .. } => insert::check(table),
        Op::Grant => grant::check(),
        Op::Revoke { what } => revoke::check(what),
        Op::Comment => comment::check(),
        Op::TransactionControl => transaction_control::check(),
        Op::SessionSetting => session_setting::check(),
        Op::Query => read_only_query::check(),
        Op::Housekeeping { what } => housekeeping::check(what),
        Op::ChangeOther { kind } => unmodelled_object_change::check(kind),
        Op::DynamicSql { what } => dynamic_sql::check(what),
        Op::Unmodelled { what } => unmodelled_statement::check(what),
    };
    vec![finding]
}

/// A column type change: compatible (same or wider) or not.
/// A call is judged by what the procedure's body does with its arguments.
fn routine_call(ctx: &Context<'_>, name: &Name, arguments: &[Argument]) -> Vec<Finding> {
    let Some(ops) = ctx.schema.routine_call(name, arguments) else {
        let what = format!("calls procedure `{}`, whose body no migration before it shows", name.written);
        return vec![dynamic_sql::check(&what).at(name)];
    };
    let mut findings: Vec<Finding> = ops.iter().flat_map(|op| classify_op(op, ctx)).collect();
    for finding in &mut findings {
        finding.message = format!("{} (in procedure `{}`)", finding.message, name.written);
        // The body's names carry no position: point at the procedure's name in the call.
        if finding.at.is_none() {
            finding.at = name.at;
            finding.end = name.end;
        }
    }
    if findings.is_empty() {
        findings.push(read_only_query::check());
    }
    findings
}

fn type_change(ctx: &Context<'_>, table: &Name, column: &Name, new_type: &str) -> Finding {
    let old_type = ctx.schema.column(&table.key, &column.key).map(|c| c.data_type.as_str());
    match old_type.map(|old| (old, compare_types(old, new_type))) {
        Some((old, TypeChange::Same | TypeChange::Widened)) => {
            compatible_type_change::check(table, column, old, new_type)
        }
        Some((old, TypeChange::NarrowedOrIncompatible)) => {
            incompatible_type_change::check(ctx, table, column, Some(old), new_type)
        }
        None => incompatible_type_change::check(ctx, table, column, None, new_type),
    }
}

/// MySQL `CHANGE`/`MODIFY` and T-SQL `ALTER COLUMN` replace a column's whole
/// definition: judge each part that changed against the old definition.
fn redefine_column(ctx: &Context<'_>, table: &Name, column: &Name, new: &ColumnSpec) -> Vec<Finding> {
    let mut findings = Vec::new();
    if new.name.key != column.key {
        findings.push(rename_column::check(ctx, table, column, &new.name));
    }
    let old = ctx.schema.column(&table.key, &column.key);
    match old {
        Some(old) => {
            if compare_types(&old.data_type, &new.data_type) != TypeChange::Same || findings.is_empty() {
                findings.push(type_change(ctx, table, column, &new.data_type));
            }
            if old.nullable && !new.nullable {
                findings.push(set_not_null::check(ctx, table, column));
            }
            if old.has_default && !new.has_default {
                findings.push(drop_default::check(ctx, table, column));
            }
        }
        None => findings.push(type_change(ctx, table, column, &new.data_type)),
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::test_support::findings_in;
    use super::*;
    use crate::sql::Dialect;

    #[test]
    fn dropping_code_objects_if_they_exist_is_safe_when_no_migration_made_them() {
        let window = "DROP FUNCTION IF EXISTS f;\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n\
            DROP VIEW IF EXISTS v;\nDROP TRIGGER IF EXISTS t ON orders;\nDROP TABLE IF EXISTS old_stuff;";
        let found = findings_in(Dialect::Postgres, "CREATE TABLE orders (id int);", window);
        let classes: Vec<(&str, Class)> = found.iter().map(|f| (f.rule.id, f.class)).collect();
        assert_eq!(
            classes,
            [
                ("drop-function", Class::Safe),
                ("create-function", Class::Safe),
                ("drop-view", Class::Safe),
                ("drop-trigger", Class::Safe),
                // Rows may live in a table the migrations never made: still destructive.
                ("drop-table", Class::Destructive),
            ]
        );
        // Without IF EXISTS, or when A's migrations made it, the drop counts.
        let made =
            findings_in(Dialect::Postgres, "CREATE VIEW v AS SELECT 1 AS a;", "DROP VIEW IF EXISTS v;");
        assert_eq!(made[0].class, Class::Coupled, "{made:?}");
        let expected = findings_in(Dialect::Postgres, "", "DROP VIEW v;");
        assert_eq!(expected[0].class, Class::Coupled, "{expected:?}");
    }

    #[test]
    fn procedure_calls_are_judged_by_the_body_with_their_arguments() {
        let given = "CREATE TABLE devices (id int, username varchar(64), CONSTRAINT devices_user_fk FOREIGN KEY (username) REFERENCES users (name));\n\
            CREATE PROCEDURE PROC_DROP_FOREIGN_KEY(IN tableName VARCHAR(64), IN constraintName VARCHAR(64))\n\
            BEGIN\n  IF EXISTS(SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_NAME = tableName) THEN\n\
                SET @query = CONCAT('ALTER TABLE ', tableName, ' DROP FOREIGN KEY ', constraintName, ';');\n\
                PREPARE stmt FROM @query;\n    EXECUTE stmt;\n    DEALLOCATE PREPARE stmt;\n  END IF;\nEND;";
        let found =
            findings_in(Dialect::Mysql, given, "CALL PROC_DROP_FOREIGN_KEY('devices', 'devices_user_fk');");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule.id, "drop-constraint", "{found:?}");
        assert!(
            found[0].message.contains("devices_user_fk")
                && found[0].message.contains("PROC_DROP_FOREIGN_KEY")
        );

        let at_run_time = findings_in(
            Dialect::Mysql,
            given,
            "SET @t = 'devices';\nCALL PROC_DROP_FOREIGN_KEY(@t, 'devices_user_fk');",
        );
        assert!(at_run_time.iter().any(|f| f.message.contains("run-time value")), "{at_run_time:?}");

        let unknown = findings_in(Dialect::Mysql, "", "CALL elsewhere('devices');");
        assert_eq!((unknown[0].rule.id, unknown[0].class), ("dynamic-sql", Class::Unknown), "{unknown:?}");
    }

    #[test]
    fn tsql_procedure_bodies_count_what_their_loops_and_guards_run() {
        let given = "CREATE TABLE dbo.concept_set (id int, name varchar(255))";
        let window = "CREATE PROCEDURE dbo.rename_names AS\nBEGIN\n  DECLARE @dups TABLE (id int);\n  DECLARE @k int;\n\
            WHILE @k > 0\n  BEGIN\n    INSERT INTO @dups SELECT id FROM dbo.concept_set;\n\
            UPDATE dbo.concept_set SET name = name + ' (1)' WHERE id = 1;\n    SET @k = @k - 1;\n  END;\n\
            DELETE FROM @dups WHERE id = id;\n  ALTER TABLE dbo.concept_set ADD CONSTRAINT uq_name UNIQUE (name);\nEND;\nGO\n\
            EXEC dbo.rename_names;";
        let found = findings_in(Dialect::Mssql, given, window);
        let rules: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["create-function", "update", "add-constraint"], "{found:?}");

        let dynamic = "CREATE PROCEDURE dbo.drop_col @table sysname, @column sysname AS\nBEGIN\n\
            DECLARE @sql nvarchar(max) = N'ALTER TABLE ' + @table + N' DROP COLUMN ' + @column;\n\
            EXEC sp_executesql @sql;\nEND;\nGO\nEXEC dbo.drop_col 'dbo.concept_set', 'name';";
        let found = findings_in(Dialect::Mssql, given, dynamic);
        let dropped = found.iter().find(|f| f.rule.id == "drop-column").expect("the call drops the column");
        assert_eq!(dropped.class, Class::Destructive, "{found:?}");
        assert!(dropped.message.contains("`name`"), "{}", dropped.message);

        // Arguments may name their parameters, in any order.
        let named =
            dynamic.replace("'dbo.concept_set', 'name'", "@column = 'name', @table = 'dbo.concept_set'");
        let found = findings_in(Dialect::Mssql, given, &named);
        let dropped = found.iter().find(|f| f.rule.id == "drop-column").expect("the call drops the column");
        assert!(dropped.message.contains("`name` of `dbo.concept_set`"), "{}", dropped.message);
    }

    /// The ```sql blocks of a section of a rule's documentation: (A's schema, window).
    fn examples(docs: &str, section: &str) -> Vec<(String, String)> {
        let Some(start) = docs.find(&format!("## {section}")) else {
            return Vec::new();
        };
        let rest = &docs[start + 3..];
        let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        body.split("```sql\n")
            .skip(1)
            .filter_map(|block| block.split("```").next())
            .map(|block| {
                let (mut given, mut sql) = (String::new(), String::new());
                for line in block.lines() {
                    match line.strip_prefix("-- A's schema: ") {
                        Some(setup) => given.push_str(setup),
                        None => {
                            sql.push_str(line);
                            sql.push('\n');
                        }
                    }
                }
                (given, sql)
            })
            .collect()
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in ALL_RULES {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", rule.id);
        }
    }

    #[test]
    fn every_rule_documents_the_four_sections() {
        for rule in ALL_RULES {
            let docs = rule.documentation();
            for section in ["What it does", "Why it matters for rollback", "Example", "Do this instead"] {
                assert!(docs.contains(&format!("## {section}")), "{} lacks {section}", rule.id);
            }
        }
    }

    /// The example fires the rule with its class; the "do this instead" SQL does not.
    #[test]
    fn documented_examples_fire_and_alternatives_pass() {
        for rule in ALL_RULES
            .iter()
            .filter(|r| !["edited-migration", "deleted-migration", "out-of-order-migration"].contains(&r.id))
        {
            let docs = rule.documentation();
            let failing = examples(&docs, "Example");
            assert!(!failing.is_empty(), "{} has no sql example", rule.id);
            for (given, sql) in failing {
                let found = findings_in(Dialect::Postgres, &given, &sql);
                assert!(
                    found.iter().any(|f| f.rule.id == rule.id && f.class == rule.class),
                    "{}: example does not fire as {:?}: {found:?}",
                    rule.id,
                    rule.class
                );
            }
            let passing = examples(&docs, "Do this instead");
            assert!(rule.class == Class::Safe || !passing.is_empty(), "{} has no passing example", rule.id);
            for (given, sql) in passing {
                let found = findings_in(Dialect::Postgres, &given, &sql);
                assert!(
                    found.iter().all(|f| f.class == Class::Safe || !f.counts()),
                    "{}: the alternative is not safe: {found:?}",
                    rule.id
                );
            }
        }
    }
}
