//! YAML text to [`serde_json::Value`], the way Kubernetes reads manifests.
//!
//! Secrets and credential-provider configs are often written as YAML. This module turns YAML
//! into the same `Value` a JSON document would give, so the rest of the crate only knows JSON.
//!
//! The parser is our own (a general YAML library is most of a wasm module's size), for the
//! YAML that Kubernetes objects, Secrets and CredentialProviderConfigs are written in:
//!
//! - block mappings and sequences (a sequence may sit at the indentation of its key; `- key: v`
//!   starts a mapping inside an entry), explicit `? key` / `: value` entries;
//! - flow sequences and mappings (`[a, b]`, `{a: 1}`, JSON; `[a: 1]` is a one-pair mapping);
//! - plain scalars (folded over lines), single-quoted (`''`) and double-quoted scalars (every
//!   YAML escape, `\` line continuations), literal `|` and folded `>` block scalars with
//!   chomping (`-`, `+`) and indentation indicators; comments;
//! - documents (`---`, `...`; `%` directives are skipped), anchors, aliases, merge keys; tags
//!   are read and ignored, except the ones below.
//!
//! The parser is recursive descent over the text; every level of recursion is a collection, so
//! the recursion is bounded by [`MAX_DEPTH`]. Values are built with these rules:
//!
//! - **Scalars** resolve as `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1) does: quoted and block
//!   scalars are strings; plain `~`, `null`, `Null`, `NULL` and the empty scalar are `null`;
//!   `true/false`, `yes/no`, `on/off`, `y/n` (in lower, Title and UPPER case) are booleans;
//!   integers may have a sign, `_` separators and `0x`, `0o`, `0b` or a leading-`0` (octal)
//!   prefix; floats follow `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`; everything
//!   else is a string. `.inf`/`.nan` have no JSON form and stay
//!   strings (a decimal beyond 64 bits becomes a float, as in Go). The tag `!!str` (and the non-specific `!`) forces a string, `!!null` a null.
//! - **Keys** must be scalars; a resolved non-string key is written as JSON text (`true`,
//!   `1`). A key given twice in one mapping is an error (kubectl rejects it too).
//! - **Merge keys** (`<<: *base` or `<<: [*a, *b]`) copy the keys the mapping does not set
//!   itself, earlier sources first.
//! - **Anchors and aliases** expand by copying, bounded: the aliases of one text may add at most
//!   [`alias_budget`] nodes in all, so a "billion laughs" document fails quickly instead of
//!   exhausting memory. Nesting deeper than [`MAX_DEPTH`] is an error too.
//! - **Documents**: [`parse_yaml`] wants at most one (an empty text is `null`; a second
//!   document is an error that says so); [`parse_yaml_documents`] returns them all, skipping
//!   empty ones (a trailing `---`).
//!
//! Every failure is a [`YamlError`] (`YAML_INVALID`) with the 1-based line and column and the
//! byte offset of the problem.

use crate::error::Coded;
use serde_json::{Map, Number, Value};
use std::fmt;

mod parser;
pub mod spans;

use parser::{load, load_documents};
use spans::Spans;
use std::ops::Range;

/// Deepest nesting of sequences and mappings accepted (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// How many nodes the aliases of a text may add in all: the text's length in bytes, at least
/// 10,000. Literal nodes are bounded by the text itself, so the whole value stays within a
/// small multiple of the input.
pub fn alias_budget(text: &str) -> usize {
    text.len().max(10_000)
}

/// A text that is not YAML this module accepts (`YAML_INVALID`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset into the text.
    pub offset: usize,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not valid YAML at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl Coded for YamlError {
    fn code(&self) -> &'static str {
        "YAML_INVALID"
    }
    fn offset(&self) -> Option<usize> {
        Some(self.offset)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("line", self.line.to_string()),
            ("column", self.column.to_string()),
        ]
    }
}

/// A failed parse with what was read of the failing document before the problem (open
/// sequences and mappings closed where they stood), so a caller can still name the object that
/// failed, e.g. by its `metadata.name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialParse {
    /// The error.
    pub error: YamlError,
    /// The failing document as far as it was read, when anything was.
    pub partial: Option<Value>,
}

/// Parses a text holding at most one document; an empty text is `null`.
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    let docs = load(text, true).map_err(|p| p.error)?;
    Ok(docs.into_iter().flatten().next().unwrap_or(Value::Null))
}

/// Parses every document of a stream, skipping empty ones.
pub fn parse_yaml_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    parse_yaml_documents_partial(text).map_err(|p| p.error)
}

/// [`parse_yaml_documents`], keeping what was read of the failing document.
pub fn parse_yaml_documents_partial(text: &str) -> Result<Vec<Value>, PartialParse> {
    Ok(load(text, false)?.into_iter().flatten().collect())
}

/// One document of a stream, read with [`parse_documents_with_spans`].
#[derive(Clone, Debug)]
pub struct Document {
    /// Its value (`null` for an empty document; for a failed one, what was read before the
    /// problem, or `null`).
    pub value: Value,
    /// Where each of its nodes stands in the text ([`Spans::None`] for a failed document).
    pub spans: Spans,
    /// Byte range of the document in the text, from its `---` or first content.
    pub range: Range<usize>,
    /// Why it is not YAML, when it is not.
    pub error: Option<YamlError>,
}

/// Every document of a stream (empty ones included, so that indexes match the stream), each
/// with the spans of its nodes. A document that is not YAML carries its error and reading goes
/// on at the next `---` line: a syntax error hides nothing after it. JSON is read too (as
/// YAML's flow style; a JSON text is one document).
pub fn parse_documents_with_spans(text: &str) -> Vec<Document> {
    load_documents(text)
}

/// JSON text when it parses as JSON, else one YAML document (YAML's errors are reported).
pub fn parse_json_or_yaml(text: &str) -> Result<Value, YamlError> {
    crate::manifest::parse_value(text).or_else(|_| parse_yaml(text))
}

/// How a scalar was written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Quoted,
}

/// A mapping's value: its own entries, then the keys of its merge sources (`<<`) it does not
/// set itself, earlier sources first.
fn merged(mut map: Map<String, Value>, merges: Vec<Value>) -> Value {
    let sources = merges.into_iter().flat_map(|m| match m {
        Value::Array(items) => items,
        other => vec![other],
    });
    for source in sources {
        if let Value::Object(entries) = source {
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
        }
    }
    Value::Object(map)
}

/// A scalar's value: `!!null` is null; `!!str`, `!!binary`, `!!timestamp` and the non-specific
/// `!` make a string, as does any quoted or block style; a plain scalar resolves as in go-yaml.
fn resolve(text: String, style: Style, tag: Option<&str>) -> Value {
    match tag {
        Some("!!null") => return Value::Null,
        Some("!!str" | "!!binary" | "!!timestamp" | "!") => return Value::String(text),
        _ => {}
    }
    if style != Style::Plain {
        return Value::String(text);
    }
    resolve_plain(text)
}

/// go-yaml v2's `resolve` for a plain scalar.
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text);
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(n) = parse_int(&plain) {
        return Value::Number(n);
    }
    if is_yaml_float(&plain) {
        if let Some(n) = json_float(&plain) {
            return Value::Number(n);
        }
    }
    Value::String(text)
}

/// Go's `strconv.ParseInt(s, 0, 64)` (then `ParseUint` for large positives).
fn parse_int(s: &str) -> Option<Number> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(Number::from((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else {
        Some(Number::from(magnitude))
    }
}

/// A YAML float as a JSON number, through serde_json's float parser (the one the crate already
/// carries): `+` and leading zeros dropped, `.5` -> `0.5`, `1.` -> `1.0`, `1.e3` -> `1.0e3`.
fn json_float(plain: &str) -> Option<Number> {
    let unsigned = plain.strip_prefix('+').unwrap_or(plain);
    let (sign, body) = match unsigned.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", unsigned),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => body.split_at(i),
        None => (body, ""),
    };
    let mantissa = mantissa.trim_start_matches('0');
    let lead = if mantissa.is_empty() || mantissa.starts_with('.') {
        "0"
    } else {
        ""
    };
    let trail = if mantissa.ends_with('.') { "0" } else { "" };
    let text = format!("{sign}{lead}{mantissa}{trail}{exponent}");
    match crate::manifest::parse_value(&text).ok()? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests;
