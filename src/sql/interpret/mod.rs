//! Interpreters of code, as opposed to statements: the bodies of procedures
//! (`routine`), T-SQL's `IF` guards (`guard`) and SQL built as text and then run
//! (`built_text`). What they find inside is read like a migration's own
//! statements, recognisers and interpreters included; that reading sits above
//! them (it runs them), so it is handed down as a [`StatementReader`].

pub(super) mod block;
pub(super) mod built_text;
pub(super) mod guard;
pub(super) mod routine;

use sqlparser::tokenizer::TokenWithSpan;

use super::lower::Lowerer;
use super::op::{Name, Op};
use super::split::tokenize;
use built_text::BuiltText;

/// Reads one statement's tokens into its operations, with the text statements
/// before it built; `None` when nothing recognises the statement.
type ReadStatement = fn(&[TokenWithSpan], &StatementReader, &mut BuiltText) -> Option<Vec<Op>>;

/// How the interpreters read the statements they find inside others.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StatementReader {
    lowerer: Lowerer,
    read: ReadStatement,
}

impl StatementReader {
    pub(crate) fn new(lowerer: Lowerer, read: ReadStatement) -> Self {
        StatementReader { lowerer, read }
    }

    pub(crate) fn lowerer(&self) -> &Lowerer {
        &self.lowerer
    }

    /// The operations of a statement found inside another one.
    pub(crate) fn statement_ops(&self, tokens: &[TokenWithSpan], built: &mut BuiltText) -> Option<Vec<Op>> {
        (self.read)(tokens, self, built)
    }

    /// What `statement`, parsed as `ops`, does: `built` remembers text it builds,
    /// and when it runs known text, that text's operations stand instead.
    pub(crate) fn judge(&self, built: &mut BuiltText, statement: &[TokenWithSpan], ops: Vec<Op>) -> Vec<Op> {
        let dialect = self.lowerer.dialect();
        built.observe(statement, dialect);
        let run = built.text_run_by(statement, dialect).map(|text| self.ops_of_text(&text));
        run.filter(|ops| !ops.is_empty()).unwrap_or(ops)
    }

    /// The operations of SQL text, read like a migration's statement; positions are
    /// those of the text, not of the file, so names keep none.
    fn ops_of_text(&self, text: &str) -> Vec<Op> {
        let Ok(tokens) = tokenize(self.lowerer.dialect(), text) else {
            return Vec::new();
        };
        // Text built inside built text starts from nothing.
        let mut ops = self.statement_ops(&tokens, &mut BuiltText::default()).unwrap_or_default();
        forget_positions(&mut ops);
        // Shown as it reads, without the quotes that made it one name.
        for name in ops.iter_mut().flat_map(Op::names_mut).filter(|name| name.key == Name::RUN_TIME) {
            name.written = Name::RUN_TIME.to_owned();
        }
        ops
    }
}

/// Clears the positions of names read somewhere else than where they are reported
/// (built text, a procedure's definition), so reports point at the statement.
fn forget_positions(ops: &mut [Op]) {
    for op in ops {
        for name in op.names_mut() {
            name.at = None;
            name.end = None;
        }
    }
}
