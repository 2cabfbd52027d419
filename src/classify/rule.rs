//! What a rule is: its id, class, documentation and the check that claims
//! operations; `declare_rule!` builds one from a doc comment.

use super::{Class, Context, Finding};
use crate::sql::Op;

/// A rule's judgement of one operation against the schema before it: `None` when
/// the operation is not the rule's to judge.
pub type Check = fn(&Op, &Context<'_>) -> Option<Finding>;

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
    pub(crate) docs: &'static str,
    /// How the rule claims operations; `None` for rules the engine raises itself
    /// (parse errors, history problems, suppressions).
    pub(crate) check: Option<Check>,
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

/// Declares a rule whose documentation is its doc comment. `check` names the
/// function that claims operations (see [`Check`]); without it, the engine raises
/// the rule's findings itself.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        static $name:ident = {
            id: $id:literal,
            class: $class:expr,
            summary: $summary:literal,
            help: $help:literal
            $(, check: $check:path)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub(crate) static $name: $crate::classify::Rule = $crate::classify::Rule {
            id: $id,
            class: $class,
            summary: $summary,
            help: $help,
            docs: concat!($($doc, "\n"),*),
            check: $crate::classify::declare_rule!(@check $($check)?),
        };
    };
    (@check $check:path) => { Some($check) };
    (@check) => { None };
}
pub(crate) use declare_rule;
