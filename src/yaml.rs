//! YAML text to [`serde_json::Value`], the way Kubernetes reads manifests.
//!
//! Secrets and credential-provider configs are often written as YAML. This module turns YAML
//! into the same `Value` a JSON document would give, so the rest of the crate only knows JSON.
//! The event parser is the pure-Rust `yaml-rust2`; building the value is done here, with these
//! rules:
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

use crate::error::{Coded, Quoted};
use serde_json::{Map, Number, Value};
use std::fmt;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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

/// JSON text when it parses as JSON, else one YAML document (YAML's errors are reported).
pub fn parse_json_or_yaml(text: &str) -> Result<Value, YamlError> {
    serde_json::from_str(text).or_else(|_| parse_yaml(text))
}

enum Frame {
    Seq {
        items: Vec<Value>,
    },
    Map {
        map: Map<String, Value>,
        /// The key read and where, waiting for its value; `None` for a merge key (`<<`).
        key: Option<(Option<String>, Marker)>,
        merges: Vec<Value>,
    },
}

struct Open {
    frame: Frame,
    start: Marker,
    anchor: usize,
    nodes: usize,
    height: usize,
}

struct Stored {
    value: Value,
    nodes: usize,
    height: usize,
}

struct Builder<'t> {
    text: &'t str,
    stack: Vec<Open>,
    /// Anchored values by anchor id (the parser numbers anchors from 1).
    anchors: Vec<Option<Stored>>,
    root: Option<Value>,
    expanded: usize,
    budget: usize,
}

/// Loads the stream. `one`: stop with an error at a second document; the result then holds
/// the documents as `Option` (an empty document is `None`).
fn load(text: &str, one: bool) -> Result<Vec<Option<Value>>, PartialParse> {
    let mut b = Builder {
        text,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        expanded: 0,
        budget: alias_budget(text),
    };
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut seen_docs = 0usize;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            Err(e) => return Err(b.fail(b.error_at(*e.marker(), e.info().to_string()))),
        };
        let step = match event {
            Event::StreamEnd => return Ok(docs),
            Event::DocumentStart => {
                seen_docs += 1;
                if one && seen_docs > 1 {
                    return Err(PartialParse {
                        error: b.error_at(
                            mark,
                            "the text holds more than one document; give exactly one".into(),
                        ),
                        partial: None,
                    });
                }
                b.anchors.clear();
                b.root = None;
                Ok(())
            }
            Event::DocumentEnd => {
                docs.push(b.root.take().filter(|v| !v.is_null()));
                Ok(())
            }
            Event::Alias(id) => b.alias(id, mark),
            Event::Scalar(value, style, anchor, tag) => {
                let v = resolve_scalar(value, style, tag.as_ref());
                b.complete(v, anchor, 1, 0, mark)
            }
            Event::SequenceStart(anchor, _) => {
                b.open(Frame::Seq { items: Vec::new() }, anchor, mark)
            }
            Event::MappingStart(anchor, _) => b.open(
                Frame::Map {
                    map: Map::new(),
                    key: None,
                    merges: Vec::new(),
                },
                anchor,
                mark,
            ),
            Event::SequenceEnd | Event::MappingEnd => b.close(mark),
            Event::Nothing | Event::StreamStart => Ok(()),
        };
        if let Err(e) = step {
            return Err(b.fail(e));
        }
    }
}

impl Builder<'_> {
    fn error_at(&self, mark: Marker, message: String) -> YamlError {
        let offset = self
            .text
            .char_indices()
            .nth(mark.index())
            .map_or(self.text.len(), |(i, _)| i);
        YamlError {
            message,
            line: mark.line().max(1),
            column: mark.col() + 1,
            offset,
        }
    }

    /// Closes every open container where it stands, for [`PartialParse::partial`].
    fn fail(&mut self, error: YamlError) -> PartialParse {
        while let Some(open) = self.stack.pop() {
            let value = finish(open.frame);
            self.attach_partial(value);
        }
        PartialParse {
            error,
            partial: self.root.take(),
        }
    }

    fn attach_partial(&mut self, value: Value) {
        match self.stack.last_mut().map(|o| &mut o.frame) {
            None => self.root = Some(value),
            Some(Frame::Seq { items }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => {
                if let Some((Some(k), _)) = key.take() {
                    map.insert(k, value);
                }
            }
        }
    }

    fn open(&mut self, frame: Frame, anchor: usize, mark: Marker) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error_at(mark, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.stack.push(Open {
            frame,
            start: mark,
            anchor,
            nodes: 1,
            height: 1,
        });
        Ok(())
    }

    fn close(&mut self, mark: Marker) -> Result<(), YamlError> {
        let Some(open) = self.stack.pop() else {
            return Err(self.error_at(mark, "unbalanced end of a collection".into()));
        };
        let value = finish(open.frame);
        self.complete(value, open.anchor, open.nodes, open.height, open.start)
    }

    fn alias(&mut self, id: usize, mark: Marker) -> Result<(), YamlError> {
        let Some(Some(stored)) = self.anchors.get(id) else {
            return Err(self.error_at(
                mark,
                "alias to an anchor that is not complete yet (a recursive alias)".into(),
            ));
        };
        let (nodes, height) = (stored.nodes, stored.height);
        self.expanded = self.expanded.saturating_add(nodes);
        if self.expanded > self.budget {
            return Err(self.error_at(
                mark,
                format!(
                    "aliases expand to more than {} nodes (excessive aliasing, as in a \"billion laughs\" document)",
                    self.budget
                ),
            ));
        }
        if self.stack.len() + height > MAX_DEPTH {
            return Err(self.error_at(mark, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        let value = stored.value.clone();
        self.complete(value, 0, nodes, height, mark)
    }

    /// A node is complete (`mark` is where it starts): remember its anchor and attach it to its
    /// parent.
    fn complete(
        &mut self,
        value: Value,
        anchor: usize,
        nodes: usize,
        height: usize,
        mark: Marker,
    ) -> Result<(), YamlError> {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(Stored {
                value: value.clone(),
                nodes,
                height,
            });
        }
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        parent.nodes = parent.nodes.saturating_add(nodes);
        parent.height = parent.height.max(height + 1);
        match &mut parent.frame {
            Frame::Seq { items } => items.push(value),
            Frame::Map { map, key, merges } => match key.take() {
                None => {
                    let k = match value {
                        Value::String(s) if s == MERGE_KEY_MARK => None,
                        Value::String(s) => Some(s),
                        Value::Array(_) | Value::Object(_) => {
                            return Err(self.error_at(mark, "mapping keys must be scalars".into()))
                        }
                        other => Some(other.to_string()),
                    };
                    *key = Some((k, mark));
                }
                Some((None, _)) => merges.push(value),
                Some((Some(k), key_mark)) => {
                    if map.contains_key(&k) {
                        return Err(self
                            .error_at(key_mark, format!("duplicate mapping key {}", Quoted(&k))));
                    }
                    map.insert(k, value);
                }
            },
        }
        Ok(())
    }
}

/// A plain `<<` resolves to this marker so the builder can tell the merge key from a quoted
/// `"<<"` (which resolves to the string `<<`).
const MERGE_KEY_MARK: &str = "\u{0}<<merge>>\u{0}";

fn finish(frame: Frame) -> Value {
    match frame {
        Frame::Seq { items } => Value::Array(items),
        Frame::Map {
            mut map, merges, ..
        } => {
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
    }
}

fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        let core = tag.handle == "tag:yaml.org,2002:";
        match (core, tag.suffix.as_str()) {
            (true, "null") => return Value::Null,
            (true, "str" | "binary" | "timestamp") | (false, "!") => return Value::String(text),
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
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
        "<<" => return Value::String(MERGE_KEY_MARK.into()),
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
    match serde_json::from_str::<Value>(&text).ok()? {
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
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_resolve_like_go_yaml_v2() {
        let cases = [
            ("a: ~", json!({"a": null})),
            ("a:", json!({"a": null})),
            ("a: Null", json!({"a": null})),
            ("a: yes", json!({"a": true})),
            ("a: Off", json!({"a": false})),
            ("a: 'yes'", json!({"a": "yes"})),
            ("a: 12", json!({"a": 12})),
            ("a: -12", json!({"a": -12})),
            ("a: 1_000", json!({"a": 1000})),
            ("a: 0x1F", json!({"a": 31})),
            ("a: 0777", json!({"a": 511})),
            ("a: 0o17", json!({"a": 15})),
            ("a: 0b101", json!({"a": 5})),
            ("a: 08", json!({"a": 8})),
            ("a: 1.5", json!({"a": 1.5})),
            ("a: .5e1", json!({"a": 5.0})),
            ("a: 1e3", json!({"a": 1000.0})),
            ("a: +1.", json!({"a": 1.0})),
            ("a: -.5", json!({"a": -0.5})),
            ("a: 1.e2", json!({"a": 100.0})),
            ("a: 1e999", json!({"a": "1e999"})),
            ("a: 0.0", json!({"a": 0.0})),
            ("a: 007.5", json!({"a": 7.5})),
            ("a: .inf", json!({"a": ".inf"})),
            ("a: 99999999999999999999", json!({"a": 1e20})),
            ("a: -9223372036854775808", json!({"a": i64::MIN})),
            ("a: 18446744073709551615", json!({"a": u64::MAX})),
            ("a: 1.2.3", json!({"a": "1.2.3"})),
            ("a: -x", json!({"a": "-x"})),
            ("a: !!str 12", json!({"a": "12"})),
            ("a: ! 12", json!({"a": "12"})),
            ("a: \"12\"", json!({"a": "12"})),
            ("a: |\n  x\n  y\n", json!({"a": "x\ny\n"})),
            (
                "a: kubernetes.io/dockercfg",
                json!({"a": "kubernetes.io/dockercfg"}),
            ),
            ("a: 2001-12-14", json!({"a": "2001-12-14"})),
            ("y: n", json!({"true": false})),
            (
                "1: x\ntrue: v\n~: z",
                json!({"1": "x", "true": "v", "null": "z"}),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_yaml(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn a_kubernetes_secret_reads_like_its_json() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  labels: {app: web}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319\nlist:\n  - 1\n  - [a, 'b']\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred", "labels": {"app": "web"}},
                   "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "eyJhdXRocyI6e319"},
                   "list": [1, ["a", "b"]]})
        );
        let json_text = r#"{"a": [1, "x", null, true], "b": {"c": "\u00e9"}}"#;
        assert_eq!(
            parse_yaml(json_text).unwrap(),
            serde_json::from_str::<Value>(json_text).unwrap()
        );
    }

    #[test]
    fn documents_one_or_many() {
        assert_eq!(parse_yaml("").unwrap(), Value::Null);
        assert_eq!(parse_yaml("# only a comment\n").unwrap(), Value::Null);
        assert_eq!(parse_yaml("---\na: 1\n...\n").unwrap(), json!({"a": 1}));
        let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("more than one document"), "{err}");
        assert_eq!((err.line, err.column, err.offset), (2, 1, 5));
        assert_eq!(
            parse_yaml_documents("a: 1\n---\nb: 2\n---\n").unwrap(),
            [json!({"a": 1}), json!({"b": 2})]
        );
        assert_eq!(parse_yaml_documents("").unwrap(), Vec::<Value>::new());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &b {user: u, pass: p}\ncopy: *b\nmerged:\n  <<: *b\n  pass: q\nlist: &l [1, 2]\nagain: *l\nquoted:\n  \"<<\": x\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"base": {"user": "u", "pass": "p"}, "copy": {"user": "u", "pass": "p"},
                   "merged": {"user": "u", "pass": "q"}, "list": [1, 2], "again": [1, 2],
                   "quoted": {"<<": "x"}})
        );
        let multi = "a: &a {x: 1, w: 1}\nb: &b {w: 2, z: 2}\nc:\n  <<: [*a, *b]\n";
        assert_eq!(
            parse_yaml(multi).unwrap()["c"],
            json!({"x": 1, "w": 1, "z": 2})
        );
    }

    #[test]
    fn billion_laughs_is_cut_short() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let err = parse_yaml(&text).unwrap_err();
        assert!(err.message.contains("excessive aliasing"), "{err}");
        // Modest reuse is fine.
        let ok = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";
        assert_eq!(parse_yaml(ok).unwrap()["b"][2], json!([1, 2, 3]));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = parse_yaml(&deep).unwrap_err();
        assert!(err.message.contains("deeper than"), "{err}");
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse_yaml(&fine).is_ok());
        let alias = format!(
            "a: &a {}1{}\nb: [*a]\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_yaml(&alias)
            .unwrap_err()
            .message
            .contains("deeper than"));
    }

    #[test]
    fn errors_carry_line_column_and_byte_offset() {
        let cases = [
            ("a: 1\nb: [1, 2\n", 3, 1, 14, "expected ',' or ']'"),
            ("a: 1\n  b: 2\n", 2, 4, 8, "mapping values are not allowed"),
            ("é: 1\né: 2\n", 2, 1, 6, "duplicate mapping key \"é\""),
            ("? [a]\n: 1\n", 1, 3, 2, "mapping keys must be scalars"),
            ("a: *nope\n", 1, 4, 3, "unknown anchor"),
            ("a: \"unterminated\n", 1, 4, 3, "unexpected end of stream"),
        ];
        for (text, line, column, offset, message) in cases {
            let err = parse_yaml(text).unwrap_err();
            assert!(err.message.contains(message), "{text:?}: {err}");
            assert_eq!(
                (err.line, err.column, err.offset),
                (line, column, offset),
                "{text:?}: {err}"
            );
            assert_eq!(err.code(), "YAML_INVALID");
            assert!(err
                .to_string()
                .starts_with(&format!("not valid YAML at line {line}, column {column}: ")));
        }
    }

    #[test]
    fn partial_parse_keeps_what_was_read() {
        let text = "kind: Secret\nmetadata:\n  name: regcred\ndata:\n  x: [1\n";
        let p = parse_yaml_documents_partial(text).unwrap_err();
        assert_eq!(p.partial.unwrap()["metadata"]["name"], json!("regcred"));
    }

    #[test]
    fn json_first_then_yaml() {
        assert_eq!(parse_json_or_yaml(r#"{"a": 1}"#).unwrap(), json!({"a": 1}));
        assert_eq!(parse_json_or_yaml("a: 1").unwrap(), json!({"a": 1}));
        assert_eq!(
            parse_json_or_yaml("{\"a\": [}").unwrap_err().code(),
            "YAML_INVALID"
        );
    }
}
