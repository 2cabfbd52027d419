//! What the editor offers on a flagged statement: accept the risk with a reason
//! (the `-- rollsafe: allow <rule> because <reason>` comment above the statement,
//! the cursor left on the reason), read the rule's documentation, and a hover
//! with what the rule found, why it matters for a rollback and what to do
//! instead, from the rule's own documentation as `rollsafe explain` prints it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use lsp_types::{
    CodeAction, CodeActionKind, Command, Hover, HoverContents, MarkupContent, MarkupKind, Position, Range,
    TextEdit, Uri, WorkspaceEdit,
};
use serde_json::json;

use crate::classify::{Rule, rules_allowed_by};

use super::diagnostics::Flagged;
use super::documents::uri_of;
use super::text::{line_start, lsp_position, utf16_len};

/// The command that shows a rule's documentation (argument: the rule id).
pub const SHOW_DOCUMENTATION: &str = "rollsafe.showDocumentation";
/// The command that selects the reason of a comment just inserted (arguments:
/// the document's URI and the range to select).
pub const SELECT_REASON: &str = "rollsafe.selectReason";

/// The kind of "Show documentation for `<rule>`": a sub-kind of `quickfix`.
/// Clients that ask for, or show, only some kinds (Neovim's `only`, lightbulb
/// menus) match kinds by prefix, and drop an action with no kind; linters that
/// offer a rule's documentation beside its fix (ESLint's, stylelint's servers)
/// give it `quickfix`, so it shows where the fix shows. The sub-kind keeps it
/// apart from the edits that do fix something, for a client that wants only them.
pub const DOCUMENTATION_KIND: &str = "quickfix.rollsafe.documentation";

/// Whether an action of `kind` is one of the kinds a client asked for (`only`):
/// kinds are dot-separated hierarchies, and asking for `quickfix` asks for
/// `quickfix.rollsafe.documentation` too.
pub fn is_of_kinds(kind: &CodeActionKind, only: &[CodeActionKind]) -> bool {
    only.iter().any(|wanted| {
        let (kind, wanted) = (kind.as_str(), wanted.as_str());
        kind.strip_prefix(wanted).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    })
}

/// Rules that report a suppression comment itself: a comment cannot allow them
/// (the fix is to give the comment a reason, or remove it).
const ABOUT_DIRECTIVES: [&str; 2] = ["invalid-suppression", "unused-suppression"];

/// The code actions for the findings of a document whose diagnostics overlap
/// `range`: one "allow" and one "documentation" action per rule.
/// `can_select` says whether the editor can be asked to put the cursor on the
/// reason (it supports `window/showDocument`).
pub fn code_actions(
    uri: &Uri,
    text: &str,
    flagged: &[Flagged],
    range: Range,
    can_select: bool,
) -> Vec<CodeAction> {
    let here = flagged.iter().filter(|f| overlaps(f.range, range) || overlaps(f.statement, range));
    let mut allowed = BTreeSet::new();
    let mut documented = BTreeSet::new();
    let mut allow = Vec::new();
    let mut documentation = Vec::new();
    for finding in here {
        let can_allow = !finding.accepted
            && !ABOUT_DIRECTIVES.contains(&finding.rule.id)
            && !awaits_reason(text, finding);
        if can_allow && allowed.insert((finding.rule.id, finding.statement_start)) {
            allow.push(allow_action(uri, text, finding, can_select));
        }
        if documented.insert(finding.rule.id) {
            let title = format!("Show documentation for `{}`", finding.rule.id);
            let command = Command {
                title: title.clone(),
                command: SHOW_DOCUMENTATION.to_owned(),
                arguments: Some(vec![json!(finding.rule.id)]),
            };
            documentation.push(CodeAction {
                title,
                kind: Some(CodeActionKind::from(DOCUMENTATION_KIND)),
                command: Some(command),
                ..CodeAction::default()
            });
        }
    }
    allow.extend(documentation);
    allow
}

/// Whether a `rollsafe: allow` comment for the finding's rule is already in the
/// comments just above its statement, waiting for its reason: another would
/// stack a duplicate; the reason goes in the one there.
fn awaits_reason(text: &str, finding: &Flagged) -> bool {
    let statement_line = lsp_position(text, finding.statement_start).line;
    let above = line_start(text, statement_line).map_or(text, |start| &text[..start]);
    above
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with("--") || line.starts_with("/*"))
        .filter_map(rules_allowed_by)
        .any(|rules| rules.iter().any(|rule| rule == finding.rule.id))
}

/// "Allow `<rule>` here because …": the suppression comment on its own line just
/// above the statement, indented like the statement's line, its reason left empty
/// for the user to write (until then rollsafe reports the comment as having no
/// reason). A statement that shares its line with an earlier one is moved to a
/// line of its own below the comment, so the comment is just before it and
/// nothing else; the earlier statement keeps its line, less the blanks that
/// separated the two. Lines are ended as the statement's line is (`\r\n` or `\n`).
fn allow_action(uri: &Uri, text: &str, finding: &Flagged, can_select: bool) -> CodeAction {
    let start = lsp_position(text, finding.statement_start);
    let (line, line_break) = line_at(text, start.line);
    let before_statement: String =
        line.chars().take(finding.statement_start.column.saturating_sub(1) as usize).collect();
    let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
    let directive = format!("-- rollsafe: allow {} because ", finding.rule.id);
    let reason_at = Position::new(start.line + 1, utf16_len(&indent) + utf16_len(&directive));
    let edit = if before_statement.trim().is_empty() {
        // The statement starts its line: the comment goes on a line above.
        let at = Position::new(start.line, 0);
        let reason_at = Position::new(start.line, reason_at.character);
        (Range::new(at, at), format!("{indent}{directive}{line_break}"), reason_at)
    } else {
        // Another statement ends on the line: from the end of its text, a line
        // break, the comment, and the statement on the next line.
        let kept = Position::new(start.line, utf16_len(before_statement.trim_end()));
        (Range::new(kept, start), format!("{line_break}{indent}{directive}{line_break}{indent}"), reason_at)
    };
    let (range, new_text, reason_at) = edit;
    let edit = TextEdit { range, new_text };
    let title = format!("Allow `{}` here because …", finding.rule.id);
    let command = can_select.then(|| Command {
        title: title.clone(),
        command: SELECT_REASON.to_owned(),
        arguments: Some(vec![json!(uri.as_str()), json!(Range::new(reason_at, reason_at))]),
    });
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![finding.diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        command,
        ..CodeAction::default()
    }
}

/// The hover at `position`: every finding of the statement under it.
pub fn hover(flagged: &[Flagged], position: Position) -> Option<Hover> {
    let here: Vec<&Flagged> = flagged.iter().filter(|f| contains(f.statement, position)).collect();
    let first = here.first()?;
    let mut rules_shown = BTreeSet::new();
    let mut sections = Vec::new();
    for finding in &here {
        let mut section =
            format!("**rollsafe · `{}`** ({}): {}", finding.rule.id, finding.class.as_str(), finding.message);
        if finding.accepted {
            section.push_str(" — accepted with a reason");
        }
        if rules_shown.insert(finding.rule.id) {
            section.push_str(&explanation(finding.rule));
        }
        sections.push(section);
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: Some(first.statement),
    })
}

/// Why a rule's finding matters for a rollback and what to do instead, from its
/// documentation.
fn explanation(rule: &Rule) -> String {
    let mut text = String::new();
    for heading in ["Why it matters for rollback", "Do this instead"] {
        let body = rule.section(heading);
        if !body.is_empty() {
            text.push_str(&format!("\n\n**{heading}**\n\n{body}"));
        }
    }
    if text.is_empty() {
        text = format!("\n\n{}", rule.help);
    }
    text
}

/// Where each rule's documentation is linked from diagnostics: under the base URL
/// the editor's settings give (`docsUrl`: `<base><rule>.md`), else a Markdown file
/// of the documentation this binary carries, written once into the temporary
/// folder, so the link works offline and always matches the rules that ran.
#[derive(Debug, Default)]
pub struct RuleDocs {
    base_url: Option<String>,
    written: HashMap<&'static str, Option<Uri>>,
    folder: Option<PathBuf>,
}

impl RuleDocs {
    pub fn new(base_url: Option<String>, folder: PathBuf) -> RuleDocs {
        RuleDocs { base_url, written: HashMap::new(), folder: Some(folder) }
    }

    /// Links rule pages under `base_url` instead (`None`: the written pages).
    pub fn set_base_url(&mut self, base_url: Option<String>) {
        self.base_url = base_url;
    }

    /// The link to `rule`'s documentation; `None` when it cannot be written.
    pub fn link(&mut self, rule: &'static Rule) -> Option<Uri> {
        if let Some(base) = &self.base_url {
            return format!("{base}{}.md", rule.id).parse().ok();
        }
        let folder = self.folder.as_ref()?;
        self.written
            .entry(rule.id)
            .or_insert_with(|| {
                let path = folder.join(format!("{}.md", rule.id));
                let documentation = rule.documentation();
                let current = std::fs::read_to_string(&path).is_ok_and(|written| written == documentation);
                let ready = current
                    || std::fs::create_dir_all(folder)
                        .and_then(|()| std::fs::write(&path, documentation))
                        .is_ok();
                ready.then(|| uri_of(&path)).flatten()
            })
            .clone()
    }
}

/// Line `number` (0-based) of `text` without its line break, and the break that
/// ends it (`\n` for the last line, which has none).
fn line_at(text: &str, number: u32) -> (&str, &'static str) {
    let line = text.split_inclusive('\n').nth(number as usize).unwrap_or("");
    match line.strip_suffix("\r\n") {
        Some(line) => (line, "\r\n"),
        None => (line.strip_suffix('\n').unwrap_or(line), "\n"),
    }
}

fn overlaps(a: Range, b: Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn contains(range: Range, position: Position) -> bool {
    range.start <= position && position <= range.end
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::lsp::diagnostics::flag;
    use crate::lsp::test_support::changes_in;
    use crate::sql::Dialect;

    const GIVEN: &str = "CREATE TABLE users (id int, legacy text, email text);";

    fn flagged(sql: &str) -> Vec<Flagged> {
        flag(sql, &changes_in(Dialect::Postgres, GIVEN, sql, &BTreeMap::new()), false, &mut |_| None)
    }

    #[test]
    fn a_kind_asked_for_covers_its_sub_kinds_only() {
        let kinds =
            |names: &[&str]| names.iter().map(|&n| CodeActionKind::from(n.to_owned())).collect::<Vec<_>>();
        let documentation = CodeActionKind::from(DOCUMENTATION_KIND);
        assert!(is_of_kinds(&documentation, &kinds(&["quickfix"])));
        assert!(is_of_kinds(&documentation, &kinds(&["source", DOCUMENTATION_KIND])));
        assert!(is_of_kinds(&CodeActionKind::QUICKFIX, &kinds(&["quickfix"])));
        assert!(!is_of_kinds(&CodeActionKind::QUICKFIX, &kinds(&[DOCUMENTATION_KIND])));
        assert!(!is_of_kinds(&documentation, &kinds(&["source", "refactor"])));
        assert!(!is_of_kinds(&CodeActionKind::from("quickfixes"), &kinds(&["quickfix"])));
    }

    fn apply(text: &str, action: &CodeAction) -> String {
        let edit = action
            .edit
            .as_ref()
            .and_then(|edit| edit.changes.as_ref()?.values().next()?.first())
            .expect("an edit of one file");
        let offset = |at| crate::lsp::text::byte_offset(text, at).expect("in the text");
        let (start, end) = (offset(edit.range.start), offset(edit.range.end));
        format!("{}{}{}", &text[..start], edit.new_text, &text[end..])
    }

    #[test]
    fn allow_inserts_the_directive_above_the_statement_with_the_cursor_on_the_reason() {
        let uri: Uri = "file:///db/2_drop.sql".parse().expect("uri");
        let sql = "BEGIN;\n  ALTER TABLE users DROP COLUMN legacy;\nCOMMIT;\n";
        let found = flagged(sql);
        let at_name = found[0].range;
        let actions = code_actions(&uri, sql, &found, at_name, true);
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["Allow `drop-column` here because …", "Show documentation for `drop-column`"]);
        let kinds: Vec<&str> = actions.iter().filter_map(|a| Some(a.kind.as_ref()?.as_str())).collect();
        assert_eq!(kinds, ["quickfix", "quickfix.rollsafe.documentation"]);
        let edited = apply(sql, &actions[0]);
        assert_eq!(
            edited,
            "BEGIN;\n  -- rollsafe: allow drop-column because \n  ALTER TABLE users DROP COLUMN legacy;\nCOMMIT;\n"
        );
        let reason_at = reason_at(&actions[0]);
        assert_eq!(reason_at.start, Position::new(1, 41));
        assert_eq!(
            crate::lsp::text::byte_offset(&edited, reason_at.start),
            Some(edited.find("because ").expect("there") + 8)
        );
        // Applied once, the comment waits for its reason: allowing again would stack
        // a second comment, so only the documentation is offered; a comment for
        // another rule, or a blank line between, leaves it offered or not as before.
        let waiting = flagged(&edited);
        let drop = waiting.iter().find(|f| f.rule.id == "drop-column").expect("still flagged");
        let titles = |text: &str, found: &[Flagged], range| {
            code_actions(&uri, text, found, range, true).into_iter().map(|a| a.title).collect::<Vec<_>>()
        };
        assert_eq!(titles(&edited, &waiting, drop.range), ["Show documentation for `drop-column`"]);
        let spaced = edited.replace("because \n", "because \n\n");
        let found = flagged(&spaced);
        let drop = found.iter().find(|f| f.rule.id == "drop-column").expect("still flagged");
        assert_eq!(titles(&spaced, &found, drop.range), ["Show documentation for `drop-column`"]);
        let other = edited.replace("allow drop-column", "allow rename-column");
        let found = flagged(&other);
        let drop = found.iter().find(|f| f.rule.id == "drop-column").expect("still flagged");
        assert_eq!(titles(&other, &found, drop.range)[0], "Allow `drop-column` here because …");

        // With a reason written, the finding is accepted and only the documentation is offered.
        let reasoned = edited.replace("because \n", "because archived in 1.2\n");
        let accepted = flagged(&reasoned);
        assert!(accepted.iter().all(|f| f.accepted), "{accepted:?}");
        let actions = code_actions(&uri, &reasoned, &accepted, accepted[0].range, false);
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].command.as_ref().map(|c| c.command.as_str()), Some(SHOW_DOCUMENTATION));
    }

    /// The range the "allow" action asks the editor to select: where the reason goes.
    fn reason_at(action: &CodeAction) -> Range {
        let select = action.command.as_ref().expect("selects the reason");
        serde_json::from_value(select.arguments.as_ref().expect("arguments")[1].clone()).expect("a range")
    }

    #[test]
    fn a_statement_sharing_its_line_is_moved_below_the_comment() {
        let uri: Uri = "file:///db/2_drop.sql".parse().expect("uri");
        for (sql, expected) in [
            (
                "SELECT 1; ALTER TABLE users DROP COLUMN legacy;\n",
                "SELECT 1;\n-- rollsafe: allow drop-column because \nALTER TABLE users DROP COLUMN legacy;\n",
            ),
            // Indented, blanks between, a statement after it, CRLF line ends, no final line break.
            (
                "BEGIN;\r\n\t SELECT 1;   ALTER TABLE users DROP COLUMN legacy; SELECT 2;\r\nCOMMIT;",
                "BEGIN;\r\n\t SELECT 1;\r\n\t -- rollsafe: allow drop-column because \r\n\t ALTER TABLE users DROP COLUMN legacy; SELECT 2;\r\nCOMMIT;",
            ),
            (
                "SELECT 'é𝔘'; ALTER TABLE users DROP COLUMN legacy;",
                "SELECT 'é𝔘';\n-- rollsafe: allow drop-column because \nALTER TABLE users DROP COLUMN legacy;",
            ),
        ] {
            let found = flagged(sql);
            let actions = code_actions(&uri, sql, &found, found[0].range, true);
            let edited = apply(sql, &actions[0]);
            assert_eq!(edited, expected);
            // The cursor is after `because `, on the comment's line.
            let reason = reason_at(&actions[0]);
            let at = crate::lsp::text::byte_offset(&edited, reason.start).expect("in the text");
            assert!(
                edited[..at].ends_with("-- rollsafe: allow drop-column because "),
                "{reason:?} in {edited:?}"
            );
            assert!(edited[at..].starts_with(['\r', '\n']), "{reason:?} in {edited:?}");
            // With a reason written, the finding is accepted and nothing else is reported.
            let reasoned = format!("{}archived in 1.2{}", &edited[..at], &edited[at..]);
            let judged: Vec<(&str, bool)> =
                flagged(&reasoned).iter().map(|f| (f.rule.id, f.accepted)).collect();
            assert_eq!(judged, [("drop-column", true)], "{reasoned:?}");
        }
        let found = flagged("SELECT 1; ALTER TABLE users DROP COLUMN legacy;");
        let actions = code_actions(
            &uri,
            "SELECT 1; ALTER TABLE users DROP COLUMN legacy;",
            &found,
            found[0].range,
            false,
        );
        assert!(actions[0].command.is_none(), "no cursor placement without showDocument");
    }

    #[test]
    fn a_comment_without_a_reason_is_offered_no_allow_of_its_own_nor_a_second_one() {
        let uri: Uri = "file:///db/2_drop.sql".parse().expect("uri");
        let sql = "-- rollsafe: allow drop-column because \nALTER TABLE users DROP COLUMN legacy;\n";
        let found = flagged(sql);
        let rules: Vec<&str> = found.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["drop-column", "invalid-suppression"]);
        let everywhere = Range::new(Position::new(0, 0), Position::new(2, 0));
        let titles: Vec<String> =
            code_actions(&uri, sql, &found, everywhere, false).into_iter().map(|a| a.title).collect();
        // Nor a second comment for the rule it names: its reason goes in this one.
        assert_eq!(
            titles,
            ["Show documentation for `drop-column`", "Show documentation for `invalid-suppression`"]
        );
    }

    #[test]
    fn hover_explains_the_rule_and_what_to_do_instead() {
        let sql = "ALTER TABLE users DROP COLUMN legacy;\nCREATE TABLE t (id int);\n";
        let found = flagged(sql);
        let hover = hover(&found, Position::new(0, 3)).expect("a hover on the flagged statement");
        let HoverContents::Markup(markup) = hover.contents else { panic!("markdown") };
        assert!(
            markup.value.starts_with("**rollsafe · `drop-column`** (destructive): drops column `legacy`"),
            "{}",
            markup.value
        );
        assert!(
            markup.value.contains("**Why it matters for rollback**")
                && markup.value.contains("**Do this instead**")
        );
        assert!(markup.value.contains("Stop using the column first"));
        assert!(super::hover(&found, Position::new(1, 3)).is_none(), "a safe statement has no hover");
    }

    #[test]
    fn documentation_links_point_at_the_configured_site_or_a_written_page() {
        let rule = crate::rules::find_rule("drop-column").expect("a rule");
        let mut configured = RuleDocs::new(Some("https://docs.example/rules/".into()), PathBuf::new());
        assert_eq!(
            configured.link(rule).map(|u| u.as_str().to_owned()).as_deref(),
            Some("https://docs.example/rules/drop-column.md")
        );
        let folder = tempfile::tempdir().expect("tempdir");
        let mut local = RuleDocs::new(None, folder.path().join("rules"));
        let link = local.link(rule).expect("written");
        let page = std::fs::read_to_string(folder.path().join("rules/drop-column.md")).expect("the page");
        assert_eq!(page, rule.documentation());
        assert!(link.as_str().starts_with("file:///") && link.as_str().ends_with("/rules/drop-column.md"));
    }
}
