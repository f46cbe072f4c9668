//! Go's `net/url`: `url.Parse` reduced to the host and path the kubelet reads, and
//! `url.PathUnescape` for containerd's platform options.
//!
//! The kubelet parses every credential key and glob with `url.Parse`, so what it refuses (a
//! control character, a bad `%` escape, a `\` in a host, a port that is not digits) and what it
//! decodes decide whether a credential applies. std has no URL parser, and a WHATWG one such as
//! the `url` crate would disagree: it lowercases hosts, maps them through IDNA and resolves dot
//! segments, none of which Go does.

use std::fmt;

/// The parts of a parsed URL the kubelet reads: the (unescaped) host and the (unescaped) path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlParts {
    /// `u.Host`: name plus optional `:port`, IPv6 literals keep their brackets.
    pub host: String,
    /// `u.Path`: percent-decoded, `""` when absent.
    pub path: String,
}

/// Why a string is not a URL Go's `url.Parse` accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError(pub String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Go's `url.Parse` on a URL that starts with `scheme://` (the only form the kubelet parses),
/// reduced to host and path, with Go's error messages.
///
/// Two inputs of other forms are not Go's: the fragment is cut off unchecked (Go also refuses
/// a bad `%` escape in it), and an opaque URL (`https:x`) yields path `x` where Go keeps `x`
/// as `Opaque` and an empty path.
pub fn parse(raw: &str) -> Result<UrlParts, UrlError> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(UrlError("invalid control character in URL".into()));
    }
    let without_fragment = raw.split('#').next().unwrap_or("");
    let rest = match without_fragment.find(':') {
        Some(i) if i > 0 => &without_fragment[i + 1..],
        _ => return Err(UrlError("missing protocol scheme".into())),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let Some(after) = rest.strip_prefix("//") else {
        // Opaque or rooted path without authority: no host.
        return Ok(UrlParts {
            host: String::new(),
            path: unescape_text(rest, Mode::Path)?,
        });
    };
    let (authority, path) = match after.find('/') {
        Some(i) => (&after[..i], &after[i..]),
        None => (after, ""),
    };
    let host_part = match authority.rfind('@') {
        Some(i) => {
            let userinfo = &authority[..i];
            if !userinfo.bytes().all(valid_userinfo_byte) {
                return Err(UrlError("net/url: invalid userinfo".into()));
            }
            &authority[i + 1..]
        }
        None => authority,
    };
    Ok(UrlParts {
        host: parse_host(host_part)?,
        path: unescape_text(path, Mode::Path)?,
    })
}

fn valid_userinfo_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(&b) || b >= 0x80
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
    }
}

fn parse_host(host: &str) -> Result<String, UrlError> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err(UrlError("missing ']' in host".into()));
        };
        let port = &host[i + 1..];
        if !valid_optional_port(port) {
            return Err(UrlError(format!("invalid port {port:?} after host")));
        }
    } else if let Some(i) = host.rfind(':') {
        let port = &host[i..];
        if !valid_optional_port(port) {
            return Err(UrlError(format!("invalid port {port:?} after host")));
        }
    }
    unescape_text(host, Mode::Host)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Host,
    Path,
}

fn host_byte_allowed(b: u8) -> bool {
    b >= 0x80 || b.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&b)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Where Go's `unescape` stops, as a byte offset into its input.
enum Invalid {
    /// A `%` not followed by two hex digits, or in a host an escape of ASCII other than `%25`.
    Escape(usize),
    /// A byte a host may not contain.
    HostByte(usize),
}

/// Go's `unescape` in the host and path modes: `%XX` decoded, host characters checked. The
/// bytes may not be UTF-8, as in Go.
fn unescape(s: &str, mode: Mode) -> Result<Vec<u8>, Invalid> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(Invalid::Escape(i));
            };
            let v = hi * 16 + lo;
            if mode == Mode::Host && v < 0x80 && v != b'%' {
                return Err(Invalid::Escape(i));
            }
            out.push(v);
            i += 3;
            continue;
        }
        if mode == Mode::Host && !host_byte_allowed(b) {
            return Err(Invalid::HostByte(i));
        }
        out.push(b);
        i += 1;
    }
    Ok(out)
}

/// [`unescape`] as `url.Parse` applies it: Go's messages, and invalid UTF-8 replaced (a Rust
/// `String` cannot hold it).
fn unescape_text(s: &str, mode: Mode) -> Result<String, UrlError> {
    let bytes = s.as_bytes();
    let out = unescape(s, mode).map_err(|invalid| {
        UrlError(match invalid {
            Invalid::Escape(i) => {
                let escape = bytes.get(i..bytes.len().min(i + 3)).unwrap_or_default();
                format!("invalid URL escape {:?}", String::from_utf8_lossy(escape))
            }
            Invalid::HostByte(i) => {
                let b = bytes.get(i).copied().unwrap_or_default();
                format!("invalid character {:?} in host name", char::from(b))
            }
        })
    })?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `url.PathUnescape`: `%XX` decoded; the error is the offset of a `%` not followed by two
/// hex digits. (Its mode, path segment, unescapes exactly as the path mode does.)
pub(crate) fn path_unescape(s: &str) -> Result<Vec<u8>, usize> {
    unescape(s, Mode::Path).map_err(|(Invalid::Escape(at) | Invalid::HostByte(at))| at)
}
