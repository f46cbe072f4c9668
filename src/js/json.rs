//! JSON text for results crossing to JS.
//!
//! Structured results cross as JSON text that the JS side parses (see the module doc of
//! [`super`]). [`Out`] writes that text directly, with one small non-generic code path, instead
//! of a `serde_json::Value` tree or a serde instantiation per result type: the bindings are most
//! of the module's size otherwise. Commas are placed automatically: a value or key that follows
//! another one gets a `,` first.
//!
//! Objects are written key by key, so the order of keys is the order of the calls: results
//! that used to be `serde_json::Value` objects keep their (sorted) key order.

use serde_json::Value;
use wasm_bindgen::JsValue;

/// JSON text under construction.
#[derive(Default)]
pub(crate) struct Out(String);

impl Out {
    /// Empty text.
    pub fn new() -> Out {
        Out(String::with_capacity(256))
    }

    /// A `,` unless this is the first item of an object or array, or a key's value.
    fn sep(&mut self) {
        if !matches!(self.0.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
            self.0.push(',');
        }
    }

    fn quoted(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.0.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let short = match b {
                b'"' => '"',
                b'\\' => '\\',
                b'\n' => 'n',
                b'\r' => 'r',
                b'\t' => 't',
                0x08 => 'b',
                0x0c => 'f',
                0..=0x1f => 'u',
                _ => continue,
            };
            self.0.push_str(&s[start..i]);
            self.0.push('\\');
            self.0.push(short);
            if short == 'u' {
                self.0.push_str("00");
                self.0.push(HEX[usize::from(b >> 4)] as char);
                self.0.push(HEX[usize::from(b & 15)] as char);
            }
            start = i + 1;
        }
        self.0.push_str(&s[start..]);
        self.0.push('"');
    }

    /// Opens an object.
    pub fn obj(&mut self) -> &mut Out {
        self.sep();
        self.0.push('{');
        self
    }

    /// Closes an object.
    pub fn end(&mut self) -> &mut Out {
        self.0.push('}');
        self
    }

    /// Opens an array.
    pub fn arr(&mut self) -> &mut Out {
        self.sep();
        self.0.push('[');
        self
    }

    /// Closes an array.
    pub fn end_arr(&mut self) -> &mut Out {
        self.0.push(']');
        self
    }

    /// An object key; the value follows.
    pub fn key(&mut self, k: &str) -> &mut Out {
        self.sep();
        self.quoted(k);
        self.0.push(':');
        self
    }

    /// A string value.
    pub fn str(&mut self, v: &str) -> &mut Out {
        self.sep();
        self.quoted(v);
        self
    }

    /// A string or `null`.
    pub fn opt(&mut self, v: Option<&str>) -> &mut Out {
        match v {
            Some(v) => self.str(v),
            None => self.null(),
        }
    }

    /// A non-negative integer.
    pub fn num(&mut self, v: u64) -> &mut Out {
        self.sep();
        self.digits(v)
    }

    fn digits(&mut self, v: u64) -> &mut Out {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = v;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for d in &digits[i..] {
            self.0.push(char::from(*d));
        }
        self
    }

    /// An integer.
    pub fn int(&mut self, v: i64) -> &mut Out {
        self.sep();
        if v < 0 {
            self.0.push('-');
        }
        self.digits(v.unsigned_abs())
    }

    /// `true` or `false`.
    pub fn bool(&mut self, v: bool) -> &mut Out {
        self.sep();
        self.0.push_str(if v { "true" } else { "false" });
        self
    }

    /// `null`.
    pub fn null(&mut self) -> &mut Out {
        self.sep();
        self.0.push_str("null");
        self
    }

    /// A string member.
    pub fn s(&mut self, k: &str, v: &str) -> &mut Out {
        self.key(k).str(v)
    }

    /// A string-or-null member.
    pub fn o(&mut self, k: &str, v: Option<&str>) -> &mut Out {
        self.key(k).opt(v)
    }

    /// A number member.
    pub fn n(&mut self, k: &str, v: u64) -> &mut Out {
        self.key(k).num(v)
    }

    /// A boolean member.
    pub fn b(&mut self, k: &str, v: bool) -> &mut Out {
        self.key(k).bool(v)
    }

    /// An array of strings.
    pub fn strs(&mut self, items: &[String]) -> &mut Out {
        self.arr();
        for s in items {
            self.str(s);
        }
        self.end_arr()
    }

    /// An object of string members sorted by key, the last of a repeated key winning (what a
    /// sorted map gives).
    pub fn sorted_members<K: AsRef<str>, V: AsRef<str>>(&mut self, members: &[(K, V)]) -> &mut Out {
        let mut order: Vec<(&str, &str)> = members
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        crate::go::sort::sort_by(&mut order, |a, b| a.0 < b.0);
        self.obj();
        for (i, (k, v)) in order.iter().enumerate() {
            if order.get(i + 1).is_none_or(|next| next.0 != *k) {
                self.s(k, v);
            }
        }
        self.end()
    }

    /// A `serde_json::Value` (objects in their map's order). Values come from JSON or YAML
    /// parsed with a depth limit, so the recursion is bounded.
    pub fn value(&mut self, v: &Value) -> &mut Out {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.num(u)
                } else if let Some(i) = n.as_i64() {
                    self.int(i)
                } else {
                    // Shortest round-trip text, from JS (no float printing in the module).
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    let text = js_sys::JSON::stringify(&JsValue::from_f64(f))
                        .ok()
                        .and_then(|s| s.as_string())
                        .unwrap_or_default();
                    self.sep();
                    self.0.push_str(&text);
                    self
                }
            }
            Value::String(s) => self.str(s),
            Value::Array(items) => {
                self.arr();
                for item in items {
                    self.value(item);
                }
                self.end_arr()
            }
            Value::Object(map) => {
                self.obj();
                for (k, v) in map {
                    self.key(k).value(v);
                }
                self.end()
            }
        }
    }

    /// The text.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The text as a JS value (`JSON.parse`).
    pub fn to_js(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.0)
    }
}
