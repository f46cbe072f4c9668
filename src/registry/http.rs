//! The values a driver moves: [`Request`] (what to send, and how to read the answer:
//! [`Expect`]), [`Response`], [`TransportError`], plus the header parsers the protocol needs
//! (`Link`, `RateLimit-*`, `Content-Range`).

use crate::digest::Digest;
use std::fmt;

/// Largest error body a driver reads for a streamed request that did not answer 2xx.
pub const ERROR_BODY_MAX: usize = 64 * 1024;

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST` (only the OAuth2 token request)
    Post,
}

impl Method {
    /// `GET`, `HEAD`, `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
        }
    }

    /// GET and HEAD: safe to retry.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Head)
    }
}

/// What a request is for (drivers may use it for logging, timeouts, or CORS hints).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `GET /v2/`
    Ping,
    /// A token request to the Bearer realm.
    Token,
    /// `GET /v2/<name>/manifests/<ref>`
    Manifest,
    /// `HEAD /v2/<name>/manifests/<ref>`
    ManifestHead,
    /// `GET /v2/<name>/blobs/<digest>`
    Blob,
    /// `GET /v2/<name>/tags/list`
    Tags,
}

impl Purpose {
    /// Lowercase name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Ping => "ping",
            Purpose::Token => "token",
            Purpose::Manifest => "manifest",
            Purpose::ManifestHead => "manifest HEAD",
            Purpose::Blob => "blob",
            Purpose::Tags => "tags",
        }
    }
}

/// How the driver reads the response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Read the whole body, at most `max_len` bytes. If there is more, stop reading, keep the
    /// prefix and set [`Response::body_overflow`]. Never trust `Content-Length` for this.
    Full {
        /// Byte limit.
        max_len: usize,
    },
    /// A blob: on a 2xx status hand over the headers only ([`Response::body`] empty) and wait
    /// for [`crate::registry::Step::ReadBody`]; on any other status read the body like
    /// `Full { max_len: ERROR_BODY_MAX }`.
    Stream {
        /// The digest the content must have.
        digest: Digest,
        /// Its size in bytes.
        size: u64,
        /// First byte asked for (`Range: bytes=<resume_from>-` was sent when non-zero).
        resume_from: u64,
    },
}

impl Expect {
    /// How many body bytes to read for a response with `status`: `Some(n)` = read fully up to
    /// `n` bytes, `None` = do not read now (a stream: wait for `Step::ReadBody`).
    pub fn read_limit(&self, status: u16) -> Option<usize> {
        match self {
            Expect::Full { max_len } => Some(*max_len),
            Expect::Stream { .. } if (200..300).contains(&status) => None,
            Expect::Stream { .. } => Some(ERROR_BODY_MAX),
        }
    }
}

/// One HTTP request for the driver to send. Never follow redirects for it (`redirect:
/// "manual"`): the core does, deciding where credentials may go.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers in order (names as written here, send them as is).
    pub headers: Vec<(String, String)>,
    /// Body (only the OAuth2 token POST has one: form-encoded).
    pub body: Option<Vec<u8>>,
    /// What it is for.
    pub purpose: Purpose,
    /// How to read the answer.
    pub expect: Expect,
}

impl Request {
    /// The first header with this name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// `Debug` redacts the `Authorization` value and any body (the token POST carries a secret).
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                if n.eq_ignore_ascii_case("authorization") {
                    let scheme = v.split(' ').next().unwrap_or("");
                    (n.clone(), format!("{scheme} <redacted>"))
                } else {
                    (n.clone(), v.clone())
                }
            })
            .collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field(
                "body",
                &self
                    .body
                    .as_ref()
                    .map(|b| format!("<{} bytes redacted>", b.len())),
            )
            .field("purpose", &self.purpose)
            .field("expect", &self.expect)
            .finish()
    }
}

/// A response as the driver received it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Headers (any case; lookups ignore case; repeated headers may be separate entries).
    pub headers: Vec<(String, String)>,
    /// Body bytes read (empty for HEAD and for 2xx streams).
    pub body: Vec<u8>,
    /// True when the body was longer than the `max_len` allowed (body holds a prefix).
    pub body_overflow: bool,
}

impl Response {
    /// A response with a status, headers and body.
    pub fn new(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
            body_overflow: false,
        }
    }

    /// The first header with this name (ASCII case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Every value of a header (repeated headers, in order).
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// `Content-Length` as a number.
    pub fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.parse().ok()
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

/// Why no response arrived, as the driver classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// DNS, connection refused/reset, TLS, a broken body: retried for GET/HEAD.
    Network,
    /// A timeout the driver enforced: retried like `Network`.
    Timeout,
    /// The caller aborted (AbortSignal): never retried, ends the operation with `ABORTED`.
    Aborted,
    /// `fetch` threw a `TypeError` in a browser talking cross-origin: almost always CORS.
    /// Not retried; ends the operation with `CORS_LIKELY`.
    CorsLikely,
}

/// A failure below HTTP (no status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    /// The driver's description, as [`safe_transport_message`] leaves it.
    pub message: String,
}

impl TransportError {
    /// Builds one; the message goes through [`safe_transport_message`].
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
        TransportError {
            kind,
            message: safe_transport_message(&message.into()),
        }
    }

    /// The message fit for an error or an event (see [`safe_transport_message`]).
    pub fn safe_message(&self) -> String {
        safe_transport_message(&self.message)
    }
}

/// What of a transport's error message may go into an error: a transport may quote the request
/// (undici's `Headers.append: "Bearer ..." is an invalid header value.` quotes the whole
/// `Authorization` value), so the text is cut at its first quote, bracket or control character
/// (`fetch failed (ECONNREFUSED)` and `no data for 30000 ms` are kept whole), what is left goes
/// through [`crate::auth::redact::redact_secrets`], and at most 200 bytes remain.
pub fn safe_transport_message(message: &str) -> String {
    const WITHHELD: &str = " (the rest is withheld: it may quote a header)";
    let cut = message.find(|c: char| c.is_control() || matches!(c, '"' | '\'' | '`' | '[' | '{'));
    let kept = match cut {
        Some(at) => message[..at].trim_end_matches([' ', ':', '=']),
        None => message.trim(),
    };
    let mut out = crate::auth::redact::redact_secrets(kept);
    if out.len() > 200 {
        let mut end = 200;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    if out.is_empty() {
        out.push_str("transport error");
    }
    if cut.is_some() && !message.ends_with(WITHHELD) {
        out.push_str(WITHHELD);
    }
    out
}

/// Docker Hub's rate limit headers (`RateLimit-Limit: 100;w=21600`, `RateLimit-Remaining: 76;w=21600`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// Window length in seconds (`w=`).
    pub window_seconds: Option<u64>,
}

/// Parses `RateLimit-Limit` / `RateLimit-Remaining`; `None` when neither is usable.
pub fn parse_rate_limit(response: &Response) -> Option<RateLimit> {
    fn field(v: Option<&str>) -> (Option<u64>, Option<u64>) {
        let Some(v) = v else { return (None, None) };
        let mut parts = v.split(';');
        let n = parts.next().and_then(|n| n.trim().parse().ok());
        let w = parts
            .filter_map(|p| p.trim().strip_prefix("w="))
            .find_map(|w| w.trim().parse().ok());
        (n, w)
    }
    let (limit, w1) = field(response.header("ratelimit-limit"));
    let (remaining, w2) = field(response.header("ratelimit-remaining"));
    if limit.is_none() && remaining.is_none() {
        return None;
    }
    Some(RateLimit {
        limit,
        remaining,
        window_seconds: w1.or(w2),
    })
}

/// The target of the `rel="next"` link in `Link` headers (`<url>; rel="next"`), as written.
pub fn next_link(response: &Response) -> Option<String> {
    for value in response.header_all("link") {
        let mut rest = value;
        while let Some(open) = rest.find('<') {
            let after = rest.get(open + 1..)?;
            let close = after.find('>')?;
            let target = after.get(..close)?;
            let params_all = after.get(close + 1..).unwrap_or("");
            let params = &params_all[..params_all.find('<').unwrap_or(params_all.len())];
            let is_next = params.split(';').any(|p| {
                p.trim().split_once('=').is_some_and(|(k, v)| {
                    k.trim().eq_ignore_ascii_case("rel")
                        && v.trim()
                            .trim_matches('"')
                            .split(' ')
                            .any(|r| r.eq_ignore_ascii_case("next"))
                })
            });
            if is_next {
                return Some(target.trim().to_string());
            }
            rest = params_all.get(params.len()..).unwrap_or("");
        }
    }
    None
}

/// `Content-Range: bytes <first>-<last>/<total|*>` as `(first, last, total)`.
pub fn parse_content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let first = first.trim().parse().ok()?;
    let last = last.trim().parse().ok()?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    (first <= last).then_some((first, last, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_headers() {
        type Case<'a> = (&'a [(&'a str, &'a str)], Option<RateLimit>);
        let cases: &[Case] = &[
            (
                &[
                    ("RateLimit-Limit", "100;w=21600"),
                    ("ratelimit-remaining", "76;w=21600"),
                ],
                Some(RateLimit {
                    limit: Some(100),
                    remaining: Some(76),
                    window_seconds: Some(21600),
                }),
            ),
            (
                &[("RateLimit-Remaining", "5")],
                Some(RateLimit {
                    limit: None,
                    remaining: Some(5),
                    window_seconds: None,
                }),
            ),
            (&[("RateLimit-Limit", "lots")], None),
            (&[], None),
        ];
        for (headers, want) in cases {
            let r = Response::new(200, headers, "");
            assert_eq!(parse_rate_limit(&r), *want, "{headers:?}");
        }
    }

    #[test]
    fn next_links() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &[r#"</v2/r/tags/list?n=2&last=b>; rel="next""#],
                Some("/v2/r/tags/list?n=2&last=b"),
            ),
            (
                &[r#"<https://a/p>; rel="prev", <https://a/n>; rel=next"#],
                Some("https://a/n"),
            ),
            (
                &[
                    r#"<https://a/p>; rel="prev""#,
                    r#"<https://a/q>; rel="next""#,
                ],
                Some("https://a/q"),
            ),
            (&[r#"<https://a/p>; rel="prev""#], None),
            (&["garbage"], None),
        ];
        for (values, want) in cases {
            let headers: Vec<(&str, &str)> = values.iter().map(|v| ("Link", *v)).collect();
            let r = Response::new(200, &headers, "");
            assert_eq!(next_link(&r).as_deref(), *want, "{values:?}");
        }
    }

    #[test]
    fn content_ranges() {
        assert_eq!(
            parse_content_range("bytes 10-99/100"),
            Some((10, 99, Some(100)))
        );
        assert_eq!(parse_content_range("bytes 0-0/*"), Some((0, 0, None)));
        assert_eq!(parse_content_range("bytes 9-1/100"), None);
        assert_eq!(parse_content_range("items 1-2/3"), None);
    }

    #[test]
    fn request_debug_redacts_authorization_and_body() {
        let r = Request {
            method: Method::Post,
            url: "https://auth/token".into(),
            headers: vec![("Authorization".into(), "Bearer s3cr3t".into())],
            body: Some(b"refresh_token=s3cr3t".to_vec()),
            purpose: Purpose::Token,
            expect: Expect::Full { max_len: 10 },
        };
        let d = format!("{r:?}");
        assert!(!d.contains("s3cr3t"), "{d}");
        assert!(d.contains("Bearer <redacted>"), "{d}");
    }
}
