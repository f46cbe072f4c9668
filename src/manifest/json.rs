//! A JSON tree that keeps what `serde_json::Value` throws away: the order of object members and
//! repeated keys. Manifest validation walks this tree, so duplicate keys can be reported and
//! annotations keep their order.
//!
//! Nesting depth is bounded by serde_json's recursion limit (128), which errors instead of
//! overflowing the stack; everything in this crate that walks the tree uses an explicit stack
//! or fixed-depth code.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JSON number as serde_json reports it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer that fits `u64`.
    U(u64),
    /// A negative integer that fits `i64`.
    I(i64),
    /// Anything else: a fraction, an exponent, or an integer out of 64-bit range.
    F(f64),
}

/// A parsed JSON value with members in document order, duplicates kept.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(Number),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object: members in order, repeated keys kept.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The JSON type name, for messages (`object`, `array`, `string`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Num(_) => "number",
            Json::Str(_) => "string",
            Json::Arr(_) => "array",
            Json::Obj(_) => "object",
        }
    }

    /// The value of member `key` of an object (the last one if repeated, as Go's
    /// encoding/json and serde_json do); `None` for a non-object or a missing key.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Num(if v < 0 {
            Number::I(v)
        } else {
            Number::U(v.unsigned_abs())
        }))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Num(Number::U(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Num(Number::F(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Json>()? {
            items.push(item);
        }
        Ok(Json::Arr(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<Json>()?;
            members.push((key, value));
        }
        Ok(Json::Obj(members))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// A JSON syntax error with its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// serde_json's message.
    pub message: String,
    /// Byte offset (derived from line and column).
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (bytes).
    pub column: usize,
}

/// Byte offset of 1-based `line`/`column` in `text`, clamped to its length.
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, b) in text.iter().enumerate() {
            if *b == b'\n' {
                seen += 1;
                if seen == line {
                    start = i + 1;
                    break;
                }
            }
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

impl From<Json> for serde_json::Value {
    /// The `Value` serde_json would have parsed: the last of a repeated key wins.
    fn from(j: Json) -> serde_json::Value {
        use serde_json::Value;
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Num(Number::U(u)) => Value::from(u),
            Json::Num(Number::I(i)) => Value::from(i),
            Json::Num(Number::F(f)) => Value::from(f),
            Json::Str(s) => Value::String(s),
            Json::Arr(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            Json::Obj(members) => {
                // Inserted one by one (`collect` would sort): the last of a repeated key wins.
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k, Value::from(v));
                }
                Value::Object(map)
            }
        }
    }
}

/// `serde_json::from_str::<Value>`, errors included, through the one JSON parser of the crate
/// (the [`Json`] tree): every other instantiation of serde_json's parser costs wasm size.
pub fn parse_value(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    parse_value_bytes(text.as_bytes())
}

/// [`parse_value`] of bytes (`serde_json::from_slice::<Value>`: strings must be UTF-8).
pub fn parse_value_bytes(text: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_slice::<Json>(text).map(serde_json::Value::from)
}

/// Parses `text` into a [`Json`] tree (serde_json grammar, recursion limit 128).
pub fn parse(text: &[u8]) -> Result<Json, SyntaxError> {
    serde_json::from_slice::<Json>(text).map_err(|e| {
        let message = e.to_string();
        // serde_json appends " at line L column C"; keep only the description.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        SyntaxError {
            message,
            offset: offset_of(text, e.line(), e.column()),
            line: e.line(),
            column: e.column(),
        }
    })
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// `parent.key`, or `parent["key"]` when the key is not identifier-like; `key` at the root.
pub fn child_path(parent: &str, key: &str) -> String {
    if is_identifier(key) {
        if parent.is_empty() {
            key.to_string()
        } else {
            format!("{parent}.{key}")
        }
    } else {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
        format!("{parent}[{quoted}]")
    }
}

/// `parent[i]`.
pub fn index_path(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// One step of a path, kept symbolic so that paths are built only when reported.
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// The path of arena node `at` (each node is `(parent, step)`).
fn path_of(arena: &[(usize, Step<'_>)], mut at: usize) -> String {
    let mut steps = Vec::new();
    while let Some((parent, step)) = arena.get(at) {
        if matches!(step, Step::Root) {
            break;
        }
        steps.push(step);
        at = *parent;
    }
    let mut path = String::new();
    for step in steps.into_iter().rev() {
        path = match step {
            Step::Key(k) => child_path(&path, k),
            Step::Index(i) => index_path(&path, *i),
            Step::Root => path,
        };
    }
    path
}

/// For each member, whether it repeats an earlier key: a linear scan for small objects, a
/// stable sort of the member indexes by key for large ones (O(n log n)).
fn repeated(members: &[(String, Json)]) -> Vec<bool> {
    if members.len() <= 16 {
        return (0..members.len())
            .map(|i| members[..i].iter().any(|(k, _)| *k == members[i].0))
            .collect();
    }
    let order =
        crate::go::sort::sorted_permutation(members.len(), |a, b| members[a].0 < members[b].0);
    let mut out = vec![false; members.len()];
    for pair in order.windows(2) {
        if members[pair[0]].0 == members[pair[1]].0 {
            out[pair[1]] = true;
        }
    }
    out
}

/// Every repeated member key in the tree, as `(path of the object, key)`, in document order.
/// Walks with an explicit stack (no recursion) and builds no path unless it reports one.
pub fn duplicate_keys(root: &Json) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut arena: Vec<(usize, Step<'_>)> = vec![(0, Step::Root)];
    let mut stack: Vec<(usize, &Json)> = vec![(0, root)];
    while let Some((node, value)) = stack.pop() {
        match value {
            Json::Obj(members) => {
                for (i, repeat) in repeated(members).into_iter().enumerate() {
                    if repeat {
                        found.push((path_of(&arena, node), members[i].0.clone()));
                    }
                }
                for (k, v) in members.iter().rev() {
                    if matches!(v, Json::Obj(_) | Json::Arr(_)) {
                        arena.push((node, Step::Key(k)));
                        stack.push((arena.len() - 1, v));
                    }
                }
            }
            Json::Arr(items) => {
                for (i, v) in items.iter().enumerate().rev() {
                    if matches!(v, Json::Obj(_) | Json::Arr(_)) {
                        arena.push((node, Step::Index(i)));
                        stack.push((arena.len() - 1, v));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// A JSON number as text, through serde_json's float formatter (already in the module) rather
/// than `f64`'s `Display`, which would add core's 14 KB float-printing machinery to the wasm.
pub(super) fn float_text(f: f64) -> String {
    serde_json::to_string(&f).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_member_order_and_duplicates() {
        let j = parse(br#"{"b":1,"a":2,"b":3}"#).unwrap_or(Json::Null);
        let Json::Obj(m) = &j else {
            panic!("not an object")
        };
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(j.get("b"), Some(&Json::Num(Number::U(3))));
        assert_eq!(duplicate_keys(&j), vec![(String::new(), "b".to_string())]);
    }

    #[test]
    fn finds_duplicates_at_depth_with_paths() {
        let j = parse(br#"{"x":[{"a.b":{"k":1,"k":2}}]}"#).unwrap_or(Json::Null);
        assert_eq!(
            duplicate_keys(&j),
            vec![("x[0][\"a.b\"]".to_string(), "k".to_string())]
        );
    }

    #[test]
    fn duplicates_in_large_objects_and_repeated_thrice() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k7\":1,\"k7\":2,\"z\":{\"a\":1,\"a\":2,\"a\":3}}");
        let j = parse(text.as_bytes()).unwrap_or(Json::Null);
        assert_eq!(
            duplicate_keys(&j),
            vec![
                (String::new(), "k7".to_string()),
                (String::new(), "k7".to_string()),
                ("z".to_string(), "a".to_string()),
                ("z".to_string(), "a".to_string()),
            ]
        );
    }

    #[test]
    fn numbers_are_classified() {
        let j = parse(b"[1,-1,1.5,1e3,18446744073709551616]").unwrap_or(Json::Null);
        let want = Json::Arr(vec![
            Json::Num(Number::U(1)),
            Json::Num(Number::I(-1)),
            Json::Num(Number::F(1.5)),
            Json::Num(Number::F(1000.0)),
            Json::Num(Number::F(18446744073709551616.0)),
        ]);
        assert_eq!(j, want);
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let text = b"{\"a\":1,\n\"b\":2 x}";
        let e = parse(text).err().unwrap_or_else(|| panic!("should fail"));
        assert_eq!((e.line, e.column), (2, 7), "{e:?}");
        assert_eq!(text.get(e.offset), Some(&b'x'), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = vec![b'['; 100_000];
        let e = parse(&deep).err().map(|e| e.message);
        assert!(e.is_some_and(|m| m.contains("recursion limit")));
    }
}
