//! Stage 6: render an analysis. Each format is one file; a reporter sees changes
//! and the verdict and never decides a class.

mod gcc;
mod human;
mod json;

use crate::analysis::Analysis;
use crate::rules::Change;
use crate::sql::{LineIndex, Position};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with the exact name labelled, then the verdict.
    Human,
    /// The stable machine-readable contract (docs/output.md).
    Json,
    /// `path:line:col: severity[rule]: message`, for editors' quickfix lists.
    Gcc,
}

/// How a report is rendered.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping the human report.
    pub width: usize,
}

/// Renders `analysis` in `format`. `title` says what was analysed.
pub fn render(analysis: &Analysis, format: Format, title: &str, style: Style) -> String {
    match format {
        Format::Human => human::render(analysis, title, style),
        Format::Json => json::render(analysis),
        Format::Gcc => gcc::render(analysis),
    }
}

/// Where a finding points: the exact name when the parser placed it, else the
/// start of its statement.
fn finding_position(change: &Change, at: Option<Position>) -> Position {
    at.unwrap_or(change.start)
}

/// The byte range to label for a finding in a file's text.
fn label_range(
    text: &str,
    index: &LineIndex,
    change: &Change,
    at: Option<Position>,
    end: Option<Position>,
) -> (usize, usize) {
    match at {
        Some(start) => {
            let from = index.byte_of(text, start);
            let to = end.map_or(from, |end| index.byte_of(text, end)).max(from);
            (from, to - from)
        }
        None => {
            let from = change.range.start.min(text.len());
            let line_end = text[from..].find('\n').map_or(text.len(), |i| from + i);
            (from, line_end.min(change.range.end.max(from)) - from)
        }
    }
}
