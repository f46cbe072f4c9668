//! Configuration of the checks, the way linters do it: a severity (or `off`) per rule, a
//! registry allowlist, and exemptions written in the text (`# pullspec-ignore CODE reason` on
//! the line or the line above) or on an object (the annotation `pullspec/ignore: CODE,CODE`).

use super::diagnostic::Severity;
use super::rules::{self, When};
use crate::error::Coded;
use crate::text::LineIndex;
use std::fmt;

/// The annotation that exempts an object from rules: `pullspec/ignore: CODE,CODE`.
pub const IGNORE_ANNOTATION: &str = "pullspec/ignore";
/// The comment that exempts its line (or the next line): `# pullspec-ignore CODE[,CODE] reason`.
pub const IGNORE_COMMENT: &str = "pullspec-ignore";

/// What the checks are told.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CheckOptions {
    /// Per-rule severity; `None` turns the rule off. Later entries win.
    pub rules: Vec<(&'static str, Option<Severity>)>,
    /// Registry patterns (kubelet credential-matching rules: `*.example.com`, `host:port`,
    /// path prefixes). When not empty, `REGISTRY_NOT_ALLOWED` runs.
    pub allow_registries: Vec<String>,
}

/// A configuration the checks refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionsError {
    /// No rule has this code (`RULE_UNKNOWN`); `suggestion` is the closest code.
    UnknownRule {
        /// As given.
        code: String,
        /// The closest known code, when one is close.
        suggestion: Option<&'static str>,
    },
    /// Not `off`, `hint`, `information`, `warning` or `error` (`SEVERITY_INVALID`).
    Severity {
        /// As given.
        value: String,
    },
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionsError::UnknownRule { code, suggestion } => {
                write!(f, "no rule is called {code:?}")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean {s}?"),
                    None => Ok(()),
                }
            }
            OptionsError::Severity { value } => write!(
                f,
                "{value:?} is not a severity: use off, hint, information, warning or error"
            ),
        }
    }
}

impl Coded for OptionsError {
    fn code(&self) -> &'static str {
        match self {
            OptionsError::UnknownRule { .. } => "RULE_UNKNOWN",
            OptionsError::Severity { .. } => "SEVERITY_INVALID",
        }
    }
}

impl CheckOptions {
    /// Sets a rule's level: `off`, `hint`, `information`, `warning` or `error`.
    pub fn set_rule(&mut self, code: &str, level: &str) -> Result<(), OptionsError> {
        let rule = rules::rule(code).ok_or_else(|| OptionsError::UnknownRule {
            code: code.to_string(),
            suggestion: crate::text::closest(code, rules::RULES.iter().map(|r| r.code)),
        })?;
        let severity = match level {
            "off" => None,
            other => Some(
                Severity::parse(other).ok_or_else(|| OptionsError::Severity {
                    value: other.to_string(),
                })?,
            ),
        };
        self.rules.push((rule.code, severity));
        Ok(())
    }

    /// The severity a rule runs with, `None` when it does not run.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        if let Some((_, s)) = self.rules.iter().rev().find(|(c, _)| *c == code) {
            return *s;
        }
        match rules::rule(code)?.default {
            When::On(s) => Some(s),
            When::Off(s) if code == "REGISTRY_NOT_ALLOWED" && !self.allow_registries.is_empty() => {
                Some(s)
            }
            When::Off(_) => None,
        }
    }
}

/// The `pullspec-ignore` comments of a text, found in one pass (a text without any costs one
/// substring search; the check per diagnostic is then a binary search, so a one-line minified
/// document with thousands of diagnostics stays linear).
#[derive(Debug, Default)]
pub struct Ignores {
    /// `(line, codes)` of a comment after content on that line (or alone on it), by line.
    same_line: Vec<(usize, Vec<String>)>,
    /// `(line, codes)` of a comment alone on its line (it exempts the next line), by line.
    whole_line: Vec<(usize, Vec<String>)>,
}

impl Ignores {
    /// Finds every directive of `text`.
    pub fn scan(text: &str, index: &LineIndex<'_>) -> Ignores {
        let mut out = Ignores::default();
        let mut last = None;
        for (at, _) in text.match_indices(IGNORE_COMMENT) {
            let line = index.position(at).line as usize;
            if last == Some(line) {
                continue;
            }
            last = Some(line);
            let text = index.line_text(line);
            let same = directive(text, false);
            if !same.is_empty() {
                out.same_line.push((line, same));
            }
            let whole = directive(text, true);
            if !whole.is_empty() {
                out.whole_line.push((line, whole));
            }
        }
        out
    }

    /// Whether a diagnostic `code` starting on `line` is exempted by a comment on that line or on
    /// a comment line just above it.
    pub fn covers(&self, line: usize, code: &str) -> bool {
        let has = |list: &[(usize, Vec<String>)], l: usize| {
            list.binary_search_by_key(&l, |(n, _)| *n)
                .is_ok_and(|i| list[i].1.iter().any(|c| c == code))
        };
        has(&self.same_line, line) || (line > 0 && has(&self.whole_line, line - 1))
    }
}

/// The codes of a `# pullspec-ignore CODE[,CODE] reason` comment in a line. `whole`: the line
/// must be only the comment.
fn directive(line: &str, whole: bool) -> Vec<String> {
    let Some(at) = line.find(IGNORE_COMMENT) else {
        return Vec::new();
    };
    let before = line[..at].trim_end();
    let Some(lead) = before.strip_suffix('#') else {
        return Vec::new();
    };
    let is_comment = if whole {
        lead.trim().is_empty()
    } else {
        lead.is_empty() || lead.ends_with([' ', '\t'])
    };
    if !is_comment {
        return Vec::new();
    }
    codes(
        line[at + IGNORE_COMMENT.len()..]
            .split_whitespace()
            .next()
            .unwrap_or(""),
    )
}

/// `CODE,CODE` as a list.
pub fn codes(list: &str) -> Vec<String> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_levels() {
        let mut o = CheckOptions::default();
        assert_eq!(o.severity("IMAGE_LATEST_TAG"), Some(Severity::Warning));
        assert_eq!(o.severity("IMAGE_NOT_PINNED"), None);
        o.set_rule("IMAGE_NOT_PINNED", "error").unwrap();
        o.set_rule("IMAGE_LATEST_TAG", "off").unwrap();
        assert_eq!(o.severity("IMAGE_NOT_PINNED"), Some(Severity::Error));
        assert_eq!(o.severity("IMAGE_LATEST_TAG"), None);
        let e = o.set_rule("IMAGE_LATEST_TAGS", "off").unwrap_err();
        assert_eq!(e.code(), "RULE_UNKNOWN");
        assert!(e.to_string().contains("did you mean IMAGE_LATEST_TAG"));
        assert_eq!(
            o.set_rule("IMAGE_NO_TAG", "fatal").unwrap_err().code(),
            "SEVERITY_INVALID"
        );
        assert_eq!(o.severity("REGISTRY_NOT_ALLOWED"), None);
        o.allow_registries.push("registry.example.com".into());
        assert_eq!(o.severity("REGISTRY_NOT_ALLOWED"), Some(Severity::Warning));
    }

    #[test]
    fn ignore_comments_on_the_line_or_above() {
        let t = "a: 1\n# pullspec-ignore IMAGE_NO_TAG,IMAGE_LATEST_TAG because\nimage: x  # pullspec-ignore IMAGE_INVALID\nimage: y#pullspec-ignore IMAGE_INVALID\n";
        let ix = LineIndex::new(t);
        let ig = Ignores::scan(t, &ix);
        for code in ["IMAGE_INVALID", "IMAGE_NO_TAG", "IMAGE_LATEST_TAG"] {
            assert!(ig.covers(2, code), "{code}");
        }
        assert!(!ig.covers(2, "IMAGE_MISSING"));
        // `y#pullspec-ignore` is not a comment (no blank before `#`).
        assert!(!ig.covers(3, "IMAGE_INVALID"));
        assert!(!ig.covers(0, "IMAGE_NO_TAG"));
    }
}
