//! Reading error responses: the distribution JSON body (`{"errors":[{"code","message",
//! "detail"}]}`), also the OAuth2 `{"error","error_description"}` of token servers and Docker
//! Hub's `{"details"}`. A body that is empty or not JSON is tolerated and the status decides:
//!
//! | status | code |
//! | --- | --- |
//! | 401 | `UNAUTHORIZED` |
//! | 403 | `DENIED` |
//! | 404 | `MANIFEST_UNKNOWN` (manifests), `BLOB_UNKNOWN` (blobs), `NAME_UNKNOWN` (tags), else `NOT_FOUND` |
//! | 405 | `UNSUPPORTED` |
//! | 416 | `RANGE_INVALID` |
//! | 429 | `TOOMANYREQUESTS` (always, whatever the body says) |
//! | 5xx | `SERVER_ERROR` (always; the registry's own code goes to the `registryCode` field) |
//! | other | `UNEXPECTED_STATUS` |
//!
//! A JSON code from [`DISTRIBUTION_CODES`] wins over the status (for non-429, non-5xx).
//! Messages are cut at 300 bytes; URLs lose their query (signed URLs carry secrets there).

use super::error::{RegistryError, StatusError};
use super::http::{Purpose, Response};
use super::url::Url;

/// The error codes of the distribution spec (and Docker Hub) recognized in response bodies.
pub const DISTRIBUTION_CODES: &[&str] = &[
    "BLOB_UNKNOWN",
    "BLOB_UPLOAD_INVALID",
    "BLOB_UPLOAD_UNKNOWN",
    "DIGEST_INVALID",
    "MANIFEST_BLOB_UNKNOWN",
    "MANIFEST_INVALID",
    "MANIFEST_UNKNOWN",
    "MANIFEST_UNVERIFIED",
    "NAME_INVALID",
    "NAME_UNKNOWN",
    "SIZE_INVALID",
    "TAG_INVALID",
    "UNAUTHORIZED",
    "DENIED",
    "UNSUPPORTED",
    "TOOMANYREQUESTS",
    "PAGINATION_NUMBER_INVALID",
    "RANGE_INVALID",
    "UNAVAILABLE",
    "UNKNOWN",
];

/// One entry of a distribution error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistributionError {
    /// `code` as sent.
    pub code: String,
    /// `message` as sent.
    pub message: String,
    /// `detail`, compact JSON, when present.
    pub detail: Option<String>,
}

/// `v` as compact JSON, exactly as `serde_json`'s `Display` writes it (without instantiating
/// its serializer for `Value`: floats go through the `f64` serializer already in the module).
fn compact(v: &serde_json::Value) -> String {
    fn write(v: &serde_json::Value, out: &mut String) {
        use serde_json::Value;
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => out.push_str(&u.to_string()),
                (None, Some(i)) => out.push_str(&i.to_string()),
                _ => out.push_str(
                    &serde_json::to_string(&n.as_f64().unwrap_or(0.0)).unwrap_or_default(),
                ),
            },
            Value::String(s) => quote(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, item)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quote(k, out);
                    out.push(':');
                    write(item, out);
                }
                out.push('}');
            }
        }
    }
    fn quote(s: &str, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if u32::from(c) < 0x20 => {
                    let b = u32::from(c) as usize;
                    out.push_str("\\u00");
                    out.push(char::from(HEX[b >> 4]));
                    out.push(char::from(HEX[b & 15]));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// Reads the entries of an error body; empty when it is not one.
pub fn parse_distribution_errors(body: &[u8]) -> Vec<DistributionError> {
    let Ok(v) = crate::manifest::parse_value_bytes(body) else {
        return Vec::new();
    };
    let text = |v: Option<&serde_json::Value>| v.and_then(|s| s.as_str()).unwrap_or("").to_string();
    if let Some(list) = v.get("errors").and_then(|e| e.as_array()) {
        return list
            .iter()
            .map(|e| DistributionError {
                code: text(e.get("code")),
                message: text(e.get("message")),
                detail: e
                    .get("detail")
                    .filter(|d| !d.is_null())
                    .map(|d| match d.as_str() {
                        Some(s) => s.to_string(),
                        None => compact(d),
                    }),
            })
            .collect();
    }
    // OAuth2 token endpoint errors (RFC 6749 §5.2) and Docker Hub's `{"details": "..."}`.
    let code = text(v.get("error"));
    let message = text(v.get("error_description").or(v.get("details")));
    if code.is_empty() && message.is_empty() {
        return Vec::new();
    }
    vec![DistributionError {
        code: code.to_ascii_uppercase(),
        message,
        detail: None,
    }]
}

/// The error a final non-2xx response means (see the module doc).
pub fn status_error(resp: &Response, purpose: Purpose, url: &Url) -> RegistryError {
    let errors = parse_distribution_errors(&resp.body);
    let first = errors.first();
    let known = first.and_then(|e| DISTRIBUTION_CODES.iter().copied().find(|c| *c == e.code));
    let code = match resp.status {
        429 => "TOOMANYREQUESTS",
        500..=599 => "SERVER_ERROR",
        _ if known.is_some() => known.unwrap_or("UNKNOWN"),
        401 => "UNAUTHORIZED",
        403 => "DENIED",
        404 => match purpose {
            Purpose::Manifest | Purpose::ManifestHead => "MANIFEST_UNKNOWN",
            Purpose::Blob => "BLOB_UNKNOWN",
            Purpose::Tags => "NAME_UNKNOWN",
            _ => "NOT_FOUND",
        },
        405 => "UNSUPPORTED",
        416 => "RANGE_INVALID",
        _ => "UNEXPECTED_STATUS",
    };
    let mut message = first
        .map(|e| e.message.trim().to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| status_text(resp.status).to_string());
    if errors.len() > 1 {
        message.push_str(&format!(" (and {} more)", errors.len() - 1));
    }
    RegistryError::Status(Box::new(StatusError {
        code,
        status: resp.status,
        message: truncate(&message, 300),
        registry_code: first.map(|e| e.code.clone()).filter(|c| !c.is_empty()),
        detail: first
            .and_then(|e| e.detail.as_deref())
            .map(|d| truncate(d, 300)),
        purpose,
        url: url.redacted(),
        context: None,
    }))
}

/// `s` cut to at most `max` bytes (at a char boundary), with `...` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

fn status_text(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "authentication required",
        403 => "access denied",
        404 => "not found",
        405 => "method not allowed",
        416 => "range not satisfiable",
        429 => "too many requests",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        504 => "gateway timeout",
        _ => "unexpected status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_matches_serde_json_display() {
        let texts = [
            r#"{"b":[1,-2,3.5,1e300,0.1,null,true,false],"a":{"x":"q\"\\\n\r\t\b\f\u0001\u001f\u007f é"}}"#,
            r#"[]"#,
            r#"{}"#,
            r#"-0.0"#,
            r#"18446744073709551615"#,
            r#"-9223372036854775808"#,
            r#"1.5e-7"#,
        ];
        for t in texts {
            let v: serde_json::Value = serde_json::from_str(t).unwrap();
            assert_eq!(compact(&v), v.to_string(), "{t}");
        }
    }
    use crate::error::Coded;

    fn url() -> Url {
        Url::parse("https://r.io/v2/x/manifests/latest?sig=SECRET").unwrap()
    }

    #[test]
    fn codes_from_bodies_and_statuses() {
        let json = |code: &str| {
            format!(r#"{{"errors":[{{"code":"{code}","message":"m","detail":{{"k":1}}}}]}}"#)
        };
        let cases: Vec<(u16, String, Purpose, &str)> = vec![
            (
                404,
                json("MANIFEST_UNKNOWN"),
                Purpose::Manifest,
                "MANIFEST_UNKNOWN",
            ),
            (404, json("NAME_UNKNOWN"), Purpose::Manifest, "NAME_UNKNOWN"),
            (401, json("UNAUTHORIZED"), Purpose::Manifest, "UNAUTHORIZED"),
            (403, json("DENIED"), Purpose::Blob, "DENIED"),
            (400, json("TAG_INVALID"), Purpose::Manifest, "TAG_INVALID"),
            (400, json("NAME_INVALID"), Purpose::Tags, "NAME_INVALID"),
            (
                400,
                json("MANIFEST_INVALID"),
                Purpose::Manifest,
                "MANIFEST_INVALID",
            ),
            (405, json("UNSUPPORTED"), Purpose::Manifest, "UNSUPPORTED"),
            (429, json("DENIED"), Purpose::Manifest, "TOOMANYREQUESTS"),
            (503, json("UNAVAILABLE"), Purpose::Blob, "SERVER_ERROR"),
            (404, json("WHATEVER"), Purpose::Blob, "BLOB_UNKNOWN"),
            (404, String::new(), Purpose::Manifest, "MANIFEST_UNKNOWN"),
            (
                404,
                "<html>nope</html>".into(),
                Purpose::ManifestHead,
                "MANIFEST_UNKNOWN",
            ),
            (404, String::new(), Purpose::Tags, "NAME_UNKNOWN"),
            (404, String::new(), Purpose::Ping, "NOT_FOUND"),
            (401, "not json".into(), Purpose::Token, "UNAUTHORIZED"),
            (403, String::new(), Purpose::Manifest, "DENIED"),
            (416, String::new(), Purpose::Blob, "RANGE_INVALID"),
            (502, String::new(), Purpose::Blob, "SERVER_ERROR"),
            (418, String::new(), Purpose::Blob, "UNEXPECTED_STATUS"),
        ];
        for (status, body, purpose, want) in cases {
            let e = RegistryError::from_response(
                &Response::new(status, &[], body.clone()),
                purpose,
                &url(),
            );
            assert_eq!(e.code(), want, "{status} {body}");
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
    }

    #[test]
    fn messages_and_fields_come_from_the_body() {
        let body = r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}},{"code":"X","message":"y"}]}"#;
        let e =
            RegistryError::from_response(&Response::new(404, &[], body), Purpose::Manifest, &url());
        assert_eq!(
            e.to_string(),
            "manifest request to https://r.io/v2/x/manifests/latest failed with HTTP 404: manifest unknown (and 1 more) [MANIFEST_UNKNOWN]"
        );
        let fields = e.fields();
        assert!(
            fields.contains(&("detail", r#"{"Tag":"nope"}"#.to_string())),
            "{fields:?}"
        );
        assert!(fields.contains(&("registryCode", "MANIFEST_UNKNOWN".to_string())));
        let oauth = r#"{"error":"invalid_grant","error_description":"bad refresh token"}"#;
        let e =
            RegistryError::from_response(&Response::new(400, &[], oauth), Purpose::Token, &url());
        assert_eq!(e.code(), "UNEXPECTED_STATUS");
        assert!(e.to_string().contains("bad refresh token"), "{e}");
    }
}
