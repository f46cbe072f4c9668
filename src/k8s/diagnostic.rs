//! `Diagnostic`: the one shape of every problem pullspec reports in a text (design: "Diagnostics
//! are one shape"). Ranges are zero-based lines and UTF-16 characters, as LSP and browser
//! editors count; the CLI prints them 1-based.

use crate::text::TextRange;
use std::fmt;

/// How much a diagnostic matters. The order is LSP's, most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// What the API server or the kubelet would reject.
    Error,
    /// Works, but likely not as meant.
    Warning,
    /// Worth knowing.
    Information,
    /// A quiet note (editors show it faintly, the CLI only on request).
    Hint,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Information,
        Severity::Hint,
    ];

    /// `error`, `warning`, `information`, `hint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    /// From its name (as [`Severity::as_str`] writes it).
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One replacement of a range of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// What to replace.
    pub range: TextRange,
    /// What to put there.
    pub new_text: String,
}

/// A fix that is certain: applying its edits makes the problem go away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for a code action's title.
    pub title: String,
    /// The edits, in text order, never overlapping.
    pub edits: Vec<Edit>,
}

/// A problem (or a note) at a place in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `IMAGE_INVALID` (see [`super::rules::RULES`]).
    pub code: &'static str,
    /// Its severity after configuration.
    pub severity: Severity,
    /// One or two sentences for a person.
    pub message: String,
    /// Where: the offending value.
    pub range: TextRange,
    /// JSON path of the value inside its document, e.g. `spec.template.spec.containers[0].image`
    /// (empty for the whole document).
    pub path: String,
    /// Zero-based index of the document in the stream (empty documents count).
    pub document: usize,
    /// Certain fixes.
    pub fixes: Vec<Fix>,
}
