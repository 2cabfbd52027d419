//! The vocabulary of classification: the four classes, how loudly a finding is
//! reported, what a rule found about one operation, and the change it belongs to.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use super::Context;
use super::rule::Rule;
use crate::evidence::Evidence;
use crate::schema::{ObjectId, Subject};
use crate::sql::{ConstraintKind, Name, ParsedStatement, Position};

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

/// What a rule found about one operation of a statement.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub class: Class,
    pub message: Box<str>,
    /// The exact name the finding is about, when known.
    pub at: Option<Position>,
    pub end: Option<Position>,
    /// A's code would break against the schema this leaves.
    pub breaks_code: bool,
    /// Applying it destroys data.
    pub loses_data: bool,
    /// How loudly reports show it.
    pub severity: Severity,
    /// What most findings lack, or no longer need once judged (see
    /// `Finding::settle`), in one box: a big file holds one finding per
    /// statement until its report is written. `None` when all of it is empty.
    rare: Option<Box<Rare>>,
}

/// The parts of a [`Finding`] that few findings keep.
#[derive(Debug, Clone, Default)]
struct Rare {
    /// The object of A's schema it changes, to reconcile with the net difference.
    subject: Option<Subject>,
    /// For a dropped table: its identity, so a rebuild that copied it is recognised.
    dropped_table: Option<ObjectId>,
    /// The message as the rule judged the statement alone, when it was then
    /// judged safe because its object is new in the window: A's code does not
    /// use the object, but the state the whole window leaves it in may still
    /// break A's writes, which re-aims the finding.
    cleared_as_new: Option<Box<str>>,
    /// Why the team accepted this risk (`-- rollsafe: allow … because …`); the
    /// verdict leaves suppressed findings out.
    suppressed: Option<String>,
    /// What A's code said about the object the finding breaks, when A's code
    /// was read and the break depends on A's code using it.
    evidence: Option<Box<Evidence>>,
}

impl Rare {
    fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.dropped_table.is_none()
            && self.cleared_as_new.is_none()
            && self.suppressed.is_none()
            && self.evidence.is_none()
    }
}

impl Finding {
    pub(crate) fn new(rule: &'static Rule, message: impl Into<Box<str>>) -> Self {
        Finding {
            rule,
            class: rule.class,
            message: message.into(),
            at: None,
            end: None,
            breaks_code: matches!(rule.class, Class::Coupled | Class::Destructive),
            loses_data: rule.class == Class::Destructive,
            severity: Severity::default_for(rule.class),
            rare: None,
        }
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The object of A's schema it changes, to reconcile with the net difference.
    pub fn subject(&self) -> Option<&Subject> {
        self.rare.as_ref()?.subject.as_ref()
    }

    /// For a dropped table: its identity, so a rebuild that copied it is recognised.
    pub fn dropped_table(&self) -> Option<ObjectId> {
        self.rare.as_ref()?.dropped_table
    }

    pub(crate) fn set_dropped_table(&mut self, id: Option<ObjectId>) {
        if id.is_some() || self.rare.is_some() {
            self.rare_mut().dropped_table = id;
        }
    }

    /// Whether the finding was judged safe because its object is new in the
    /// window, and may still be re-aimed (see [`Finding::reaim`]).
    pub fn cleared_as_new(&self) -> bool {
        self.rare.as_ref().is_some_and(|rare| rare.cleared_as_new.is_some())
    }

    /// Why the team accepted this risk (`-- rollsafe: allow … because …`); the
    /// verdict leaves suppressed findings out.
    pub fn suppressed(&self) -> Option<&str> {
        self.rare.as_ref()?.suppressed.as_deref()
    }

    pub(crate) fn suppress(&mut self, reason: String) {
        self.rare_mut().suppressed = Some(reason);
    }

    /// What A's code said about the object the finding breaks, when A's code
    /// was read and the break depends on A's code using it.
    pub fn evidence(&self) -> Option<&Evidence> {
        self.rare.as_ref()?.evidence.as_deref()
    }

    pub(crate) fn set_evidence(&mut self, evidence: Evidence) {
        self.rare_mut().evidence = Some(Box::new(evidence));
    }

    /// Applies a configured severity; `off` suppresses the finding.
    pub fn set_severity(&mut self, severity: Severity) {
        self.severity = severity;
        if severity == Severity::Off && self.suppressed().is_none() {
            self.suppress("the rule is turned off in rollsafe.toml".to_owned());
        }
    }

    /// Whether the verdict counts this finding.
    pub fn counts(&self) -> bool {
        self.suppressed().is_none()
    }

    /// Points the finding at a name.
    pub(crate) fn at(mut self, name: &Name) -> Self {
        self.at = name.at;
        self.end = name.end;
        self
    }

    /// Records which object of A's schema the finding changes.
    pub(crate) fn about(mut self, subject: Subject) -> Self {
        self.rare_mut().subject = Some(subject);
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
        let judged_alone = self.message.clone();
        let mut finding =
            self.safe_because(&format!("{what} is new in this window: A's code does not use it"));
        finding.rare_mut().cleared_as_new = Some(judged_alone);
        finding
    }

    /// A unique or foreign key constraint on columns A's code leaves NULL, or a
    /// uniqueness the table's keys already enforce, rejects no write of A's code.
    pub(crate) fn unless_writes_pass(
        self,
        ctx: &Context<'_>,
        table: &Name,
        kind: ConstraintKind,
        columns: &[String],
    ) -> Self {
        if self.class == Class::Safe {
            return self;
        }
        if ctx.a_writes_only_null_into(table, kind, columns) {
            let (noun, verb) = if columns.len() == 1 { ("column", "is") } else { ("columns", "are") };
            return self.safe_because(&format!(
                "{noun} {} {verb} new in this window: A's code leaves NULL there, which it lets through",
                columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        if kind != ConstraintKind::Unique {
            return self;
        }
        match ctx.unique_already_on(table, columns) {
            Some(key) => self.safe_because(&format!("the {key} already keeps those rows unique")),
            None => self,
        }
    }

    /// `on_object` for a dropped code object (view, function, trigger, type): with
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
        self.message = format!("{} ({why})", act_of(&self.message)).into();
    }

    /// A's code never names what the finding breaks: it no longer breaks A's
    /// code, and its class follows what it does to the data (a dropped column
    /// stays destructive, a rename becomes safe).
    pub fn clear_for_code(&mut self, why: &str) {
        self.breaks_code = false;
        if self.loses_data {
            self.message = format!("{}; {why}", self.message).into();
        } else {
            self.mark_safe();
            self.message = format!("{}: {why}", act_of(&self.message)).into();
        }
    }

    /// A destructive change whose data survives elsewhere (copied before the
    /// drop): it loses nothing, though A's code may still break.
    pub(crate) fn keeps_data(&mut self, why: &str) {
        self.loses_data = false;
        if self.class == Class::Destructive {
            self.class = Class::Coupled;
        }
        self.message = format!("{} ({why})", act_of(&self.message)).into();
    }

    /// The finding keeps its class; its message says `what` instead of the
    /// danger its rule named (what it loses, what the window left broken).
    pub(crate) fn because(&mut self, what: &str) {
        self.message = format!("{}: {what}", act_of(&self.message)).into();
    }

    /// Whether reconciling a window may re-aim this finding at a break only the
    /// whole window makes ([`super::reconcile`]): a coupled or destructive rule's
    /// finding about a column. [`Self::settle`] keeps what re-aiming needs for these.
    pub(super) fn reaimable(&self) -> bool {
        matches!(self.rule.class, Class::Coupled | Class::Destructive)
            && matches!(self.subject(), Some(Subject::Column { .. }))
    }

    /// Lets go of what nothing reads once the statement is judged (one finding
    /// per statement of a big file lives until the report is written): the
    /// message it had before it was cleared as new unless reconciling may re-aim
    /// it ([`super::reconcile`] re-aims only a coupled or destructive rule's
    /// finding about a column), and the object it is about and the table it
    /// dropped when it is safe and not re-aimable
    /// (reconciling and A's code look only at findings that break or lose
    /// something).
    fn settle(&mut self) {
        let reaimable = self.reaimable();
        let settled = self.class == Class::Safe && !self.breaks_code && !self.loses_data;
        if let Some(rare) = &mut self.rare {
            if !reaimable {
                rare.cleared_as_new = None;
            }
            if settled && rare.cleared_as_new.is_none() {
                rare.subject = None;
                rare.dropped_table = None;
            }
            if rare.is_empty() {
                self.rare = None;
            }
        }
    }

    /// Gives a cleared finding its rule's class back: the window as a whole
    /// breaks what the statement alone did not, for the reason `why`.
    pub(crate) fn reaim(&mut self, why: &str) {
        if let Some(judged_alone) = self.rare.as_mut().and_then(|rare| rare.cleared_as_new.take()) {
            self.message = format!("{judged_alone}: {why}").into();
        }
        self.class = self.rule.class;
        self.severity = Severity::default_for(self.rule.class);
        self.breaks_code = true;
    }
}

/// What a rule's message says the statement does, without what that risks: the
/// text before its first `: ` outside a quoted name. A finding judged safe says
/// why instead of the danger it does not run.
fn act_of(message: &str) -> &str {
    let mut quoted = false;
    for (index, character) in message.char_indices() {
        match character {
            '`' => quoted = !quoted,
            ':' if !quoted && message[index..].starts_with(": ") => return &message[..index],
            _ => {}
        }
    }
    message
}

/// One forward statement of the window (or one file's history problem) and what
/// the rules found about it. A big file holds one per statement until its report
/// is written, so it keeps no more than the report and the window's reconciling
/// need (see `Finding::settle`).
#[derive(Debug, Clone)]
pub struct Change {
    /// Index of the file among the analysis' files.
    pub file: usize,
    pub range: std::ops::Range<usize>,
    pub start: Position,
    pub end: Position,
    /// The statement's first words, shared by the statements of its file that
    /// start alike.
    pub head: Arc<str>,
    findings: Findings,
}

/// A change's findings, never none: most statements have one, kept in the
/// change itself rather than in a list of its own (a big file holds one change
/// per statement until its report is written: the 20 MB schema-change benchmark
/// file's 187,000 findings took 17.5 MB of lists of one).
#[derive(Clone)]
enum Findings {
    One(Finding),
    Several(Box<[Finding]>),
}

impl Findings {
    fn as_slice(&self) -> &[Finding] {
        match self {
            Findings::One(finding) => std::slice::from_ref(finding),
            Findings::Several(findings) => findings,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [Finding] {
        match self {
            Findings::One(finding) => std::slice::from_mut(finding),
            Findings::Several(findings) => findings,
        }
    }
}

impl From<Vec<Finding>> for Findings {
    fn from(mut findings: Vec<Finding>) -> Self {
        match (findings.pop(), findings.is_empty()) {
            (Some(one), true) => Findings::One(one),
            (last, _) => {
                findings.extend(last);
                Findings::Several(findings.into_boxed_slice())
            }
        }
    }
}

/// Shown as the list it stands for.
impl std::fmt::Debug for Findings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Change {
    /// A statement's change, its first words as `heads` keeps them; `findings`
    /// come from [`super::classify`], which always gives at least one.
    pub(crate) fn new(
        file: usize,
        statement: &ParsedStatement,
        heads: &mut Heads,
        findings: Vec<Finding>,
    ) -> Change {
        let mut findings = Findings::from(findings);
        findings.as_mut_slice().iter_mut().for_each(Finding::settle);
        Change {
            file,
            range: statement.range.clone(),
            start: statement.start,
            end: statement.end,
            head: heads.of(&statement.head),
            findings,
        }
    }

    /// A change about a whole file (edited or deleted history), placed at its start.
    pub fn for_file(file: usize, finding: Finding) -> Change {
        Change::located(file, 0..0, Position::START, finding)
    }

    /// A change that is not a statement (a history problem, a suppression comment).
    pub fn located(file: usize, range: std::ops::Range<usize>, start: Position, finding: Finding) -> Change {
        Change { file, range, start, end: start, head: Arc::from(""), findings: Findings::One(finding) }
    }

    /// Never empty.
    pub fn findings(&self) -> &[Finding] {
        self.findings.as_slice()
    }

    pub fn findings_mut(&mut self) -> &mut [Finding] {
        self.findings.as_mut_slice()
    }

    /// The finding that decides the change's class: the most severe one.
    pub fn primary(&self) -> &Finding {
        let findings = self.findings();
        let mut primary = &findings[0];
        for finding in &findings[1..] {
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

/// The first words of a file's statements, each kept once: a big file's
/// statements start with a handful of different ones.
#[derive(Default)]
pub(crate) struct Heads(HashSet<Arc<str>>);

impl Heads {
    fn of(&mut self, head: &str) -> Arc<str> {
        if let Some(known) = self.0.get(head) {
            return known.clone();
        }
        let head: Arc<str> = Arc::from(head);
        self.0.insert(head.clone());
        head
    }
}

pub(crate) fn column_subject(table: &Name, column: &Name) -> Subject {
    Subject::Column { table: table.key.clone(), column: column.key.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::test_support::findings_in;
    use crate::sql::Dialect;

    #[test]
    fn a_change_keeps_its_findings_in_order_a_lone_one_inline() {
        let made = |what: &[&str]| -> Vec<Finding> {
            what.iter().map(|what| crate::rules::unmodelled_statement(what)).collect()
        };
        let messages = |findings: &[Finding]| -> Vec<String> {
            findings.iter().map(|finding| finding.message.to_string()).collect()
        };
        let one = Findings::from(made(&["a"]));
        assert!(matches!(one, Findings::One(_)), "{one:?}");
        assert_eq!(messages(one.as_slice()), messages(&made(&["a"])));
        let several = Findings::from(made(&["a", "b", "c"]));
        assert!(matches!(several, Findings::Several(_)), "{several:?}");
        assert_eq!(messages(several.as_slice()), messages(&made(&["a", "b", "c"])));
    }

    #[test]
    fn a_judged_finding_keeps_what_reconciling_can_still_need_and_no_more() {
        let given = "CREATE TABLE users (id int);";
        // Added nullable, then NOT NULL: each step safe on a new column, the two a
        // break for A's inserts, which re-aims the last step's finding.
        let window = "ALTER TABLE users ADD COLUMN email text;\n\
            ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\
            CREATE TABLE audit (id int);\nALTER TABLE audit ADD CONSTRAINT one UNIQUE (id);";
        let found = findings_in(Dialect::Postgres, given, window);
        let reaimed = found.iter().find(|f| f.rule.id == "set-not-null").expect("set-not-null fired");
        assert_eq!(reaimed.class, Class::Coupled, "{found:?}");
        assert!(reaimed.message.contains("by the end of the window"), "{}", reaimed.message);
        // Safe for good: nothing kept for reconciling.
        for settled in found.iter().filter(|f| f.rule.id != "set-not-null") {
            assert_eq!(settled.class, Class::Safe, "{settled:?}");
            assert!(settled.rare.is_none(), "{settled:?}");
        }
    }
}
