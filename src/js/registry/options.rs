//! The options of `new RegistryClient(options)`, read from JSON by hand.
//!
//! This replaces `#[derive(Deserialize)]` + `serde_json::from_value` (with `default` and
//! `deny_unknown_fields`): the derive and serde's error machinery (which prints floats with
//! core's float formatter) were a large part of the registry bindings. The accepted input and
//! the error texts are serde's: `unknown field ..., expected one of ...`, `invalid type: ...,
//! expected ...`, `invalid value: integer ..., expected u32`, members read in key order.

use crate::error::Quoted;
use crate::registry::{Config, Jitter, RetryPolicy};
use serde_json::Value;

/// `retry` of the client options (the core's [`RetryPolicy`] knobs).
#[derive(Default)]
struct RetryIn {
    attempts: Option<u32>,
    base_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
    retry_after_cap_ms: Option<u64>,
}

/// The options of `new RegistryClient(options)`.
#[derive(Default)]
pub(super) struct SessionIn {
    user_agent: Option<String>,
    insecure: Vec<String>,
    endpoints: Vec<(String, String)>,
    retry: RetryIn,
    seed: Option<u64>,
    max_redirects: Option<usize>,
}

/// serde's description of an unexpected value (`serde::de::Unexpected`'s `Display`).
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => format!("integer `{u}`"),
            (None, Some(i)) => format!("integer `{i}`"),
            // serde_json's float text (what its errors print).
            _ => format!(
                "floating point `{}`",
                serde_json::to_string(n).unwrap_or_default()
            ),
        },
        Value::String(s) => format!("string {}", Quoted(s)),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    }
}

fn invalid_type(v: &Value, expected: &str) -> String {
    format!("invalid type: {}, expected {expected}", unexpected(v))
}

/// `(field index, value)` pairs and the error to raise after them.
type Members<'a> = (Vec<(usize, &'a Value)>, Option<String>);

/// The members of a struct: `(field index, value)` in the order serde visits them, and the
/// error to raise after them (an unknown field, or too many elements). An object is read by
/// key; an array by position, as serde's derive does.
fn members<'a>(v: &'a Value, name: &str, fields: &[&str]) -> Result<Members<'a>, String> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match fields.iter().position(|f| f == k) {
                    Some(i) => out.push((i, v)),
                    None => return Ok((out, Some(unknown(k, fields)))),
                }
            }
            Ok((out, None))
        }
        Value::Array(items) => {
            out.extend(items.iter().enumerate().take(fields.len()));
            let extra = (items.len() > fields.len()).then(|| {
                format!(
                    "invalid length {}, expected fewer elements in array",
                    items.len()
                )
            });
            Ok((out, extra))
        }
        _ => Err(invalid_type(v, &format!("struct {name}"))),
    }
}

fn finish<T>(value: T, trailing: Option<String>) -> Result<T, String> {
    match trailing {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

fn unknown(key: &str, fields: &[&str]) -> String {
    let list: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    format!("unknown field `{key}`, expected one of {}", list.join(", "))
}

fn string(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid_type(v, "a string"))
}

fn opt_string(v: &Value) -> Result<Option<String>, String> {
    if v.is_null() {
        return Ok(None);
    }
    string(v).map(Some)
}

/// An unsigned integer of at most `max`, `name` being serde's name of the type.
fn opt_uint(v: &Value, max: u64, name: &str) -> Result<Option<u64>, String> {
    let Value::Number(n) = v else {
        return if v.is_null() {
            Ok(None)
        } else {
            Err(invalid_type(v, name))
        };
    };
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) if u <= max => Ok(Some(u)),
        (Some(_), _) | (None, Some(_)) => {
            Err(format!("invalid value: {}, expected {name}", unexpected(v)))
        }
        _ => Err(invalid_type(v, name)),
    }
}

fn seq(v: &Value) -> Result<&[Value], String> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| invalid_type(v, "a sequence"))
}

fn pair(v: &Value) -> Result<(String, String), String> {
    const WHAT: &str = "a tuple of size 2";
    let items = v.as_array().ok_or_else(|| invalid_type(v, WHAT))?;
    match items.as_slice() {
        [a, b] => Ok((string(a)?, string(b)?)),
        [a, _, ..] => {
            string(a)?;
            string(&items[1])?;
            Err(format!(
                "invalid length {}, expected fewer elements in array",
                items.len()
            ))
        }
        [a] => {
            string(a)?;
            Err(format!("invalid length 1, expected {WHAT}"))
        }
        [] => Err(format!("invalid length 0, expected {WHAT}")),
    }
}

fn retry_in(v: &Value) -> Result<RetryIn, String> {
    const FIELDS: &[&str] = &["attempts", "baseDelayMs", "maxDelayMs", "retryAfterCapMs"];
    let mut r = RetryIn::default();
    let (list, trailing) = members(v, "RetryIn", FIELDS)?;
    for (i, v) in list {
        match i {
            0 => r.attempts = opt_uint(v, u64::from(u32::MAX), "u32")?.map(|n| n as u32),
            1 => r.base_delay_ms = opt_uint(v, u64::MAX, "u64")?,
            2 => r.max_delay_ms = opt_uint(v, u64::MAX, "u64")?,
            _ => r.retry_after_cap_ms = opt_uint(v, u64::MAX, "u64")?,
        }
    }
    finish(r, trailing)
}

impl SessionIn {
    /// Reads the options object (what `serde_json::from_value` did with the derive).
    pub(super) fn from_value(v: &Value) -> Result<SessionIn, String> {
        const FIELDS: &[&str] = &[
            "userAgent",
            "insecure",
            "endpoints",
            "retry",
            "seed",
            "maxRedirects",
        ];
        let mut s = SessionIn::default();
        let (list, trailing) = members(v, "SessionIn", FIELDS)?;
        for (i, v) in list {
            match i {
                0 => s.user_agent = opt_string(v)?,
                1 => {
                    s.insecure = seq(v)?.iter().map(string).collect::<Result<_, _>>()?;
                }
                2 => {
                    s.endpoints = seq(v)?.iter().map(pair).collect::<Result<_, _>>()?;
                }
                3 => s.retry = retry_in(v)?,
                4 => s.seed = opt_uint(v, u64::MAX, "u64")?,
                _ => {
                    s.max_redirects = opt_uint(v, usize::MAX as u64, "usize")?.map(|n| n as usize);
                }
            }
        }
        finish(s, trailing)
    }

    pub(super) fn config(self) -> Config {
        let d = Config::default();
        let r = RetryPolicy::default();
        Config {
            user_agent: self.user_agent.unwrap_or(d.user_agent),
            retry: RetryPolicy {
                attempts: self.retry.attempts.unwrap_or(r.attempts).max(1),
                base_delay_ms: self.retry.base_delay_ms.unwrap_or(r.base_delay_ms),
                max_delay_ms: self.retry.max_delay_ms.unwrap_or(r.max_delay_ms),
                retry_after_cap_ms: self
                    .retry
                    .retry_after_cap_ms
                    .unwrap_or(r.retry_after_cap_ms),
            },
            jitter: self.seed.map_or(d.jitter, Jitter::Seeded),
            insecure: self.insecure,
            endpoints: self.endpoints,
            max_redirects: self.max_redirects.unwrap_or(d.max_redirects),
        }
    }
}
