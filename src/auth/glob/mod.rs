//! The kubelet's URL globs: how a keyring key or a `matchImages` entry is matched against an image.
//!
//! This is `URLsMatchStr(glob, target)` of kubernetes `pkg/credentialprovider/keyring.go`:
//!
//! 1. both strings are parsed as `"https://" + s` with the rules of Go's `net/url` (a pattern
//!    that does not parse, such as `[`, never matches);
//! 2. the host is split into name and port as Go's `net.SplitHostPort` does (no port, or a host
//!    it cannot split, means port `""`); the ports must be equal (absent equals only absent);
//! 3. the names are split on `.`; the label counts must be equal;
//! 4. the pattern's path must be a plain string prefix of the target's path;
//! 5. each label is matched with Go's `filepath.Match` (`*`, `?`, `[a-z]`, `[^x]`, `\` escapes;
//!    case-sensitive; `*` never crosses a `.` because labels are matched one by one).
//!    Because the pattern is a URL first, `?` starts its query, `\` is an invalid host
//!    character and a leading `[` means an IPv6 literal: in practice only `*` and `[...]`
//!    classes after the first character work in hosts.
//!
//! It also holds the keyring-key normalization of `BasicDockerKeyring.Add` ([`normalize_key`])
//! and `isDefaultRegistryMatch` ([`is_default_registry_match`]).

use std::fmt;

/// The parts of a Go-parsed URL the kubelet uses: the (unescaped) host and the (unescaped) path.
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

/// Go's `url.Parse` on a URL that has a scheme, reduced to host and path.
pub fn parse_go_url(raw: &str) -> Result<UrlParts, UrlError> {
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
            path: unescape(rest, Mode::Path)?,
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
        path: unescape(path, Mode::Path)?,
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
    unescape(host, Mode::Host)
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

/// Go's `unescape` for the host and path modes: `%XX` decoding, host character checks.
fn unescape(s: &str, mode: Mode) -> Result<String, UrlError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex);
            let lo = bytes.get(i + 2).copied().and_then(hex);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                let end = (i + 3).min(bytes.len());
                let esc = String::from_utf8_lossy(&bytes[i..end]);
                return Err(UrlError(format!("invalid URL escape {esc:?}")));
            };
            let v = hi * 16 + lo;
            if mode == Mode::Host && v < 0x80 && v != b'%' {
                return Err(UrlError(format!(
                    "invalid URL escape {:?}",
                    String::from_utf8_lossy(&bytes[i..i + 3])
                )));
            }
            out.push(v);
            i += 3;
            continue;
        }
        if mode == Mode::Host && !host_byte_allowed(b) {
            return Err(UrlError(format!(
                "invalid character {:?} in host name",
                char::from(b)
            )));
        }
        out.push(b);
        i += 1;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `parseSchemelessURL`: `url.Parse("https://" + s)`.
pub fn parse_schemeless_url(s: &str) -> Result<UrlParts, UrlError> {
    parse_go_url(&format!("https://{s}"))
}

/// Go's `net.SplitHostPort`, falling back (as the kubelet's `splitURL` does) to the whole host
/// and an empty port when it fails. Returns `(name, port)`.
pub fn split_host_port(hostport: &str) -> (&str, &str) {
    split_host_port_strict(hostport).unwrap_or((hostport, ""))
}

fn split_host_port_strict(hp: &str) -> Option<(&str, &str)> {
    let i = hp.rfind(':')?;
    let (host, j, k) = if hp.starts_with('[') {
        let end = hp.find(']')?;
        if end + 1 != i {
            return None;
        }
        (&hp[1..end], 1, end + 1)
    } else {
        let host = &hp[..i];
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hp[j..].contains('[') || hp[k..].contains(']') {
        return None;
    }
    Some((host, &hp[i + 1..]))
}

/// The pattern was malformed for Go's `filepath.Match` (`ErrBadPattern`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `filepath.Match` on Unix: `*` (any run without `/`), `?`, `[...]` classes with ranges and
/// `^` negation, `\` escapes. A malformed pattern is an error even when the name would not match.
pub fn filepath_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let mut pattern: Vec<char> = pattern.chars().collect();
    let mut name: Vec<char> = name.chars().collect();
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(&pattern);
        let (chunk, rest) = (chunk.to_vec(), rest.to_vec());
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&'/'));
        }
        let (t, ok) = match_chunk(&chunk, &name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != '/' {
                let (t, ok) = match_chunk(&chunk, &name[i + 1..])?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(&pattern);
            match_chunk(chunk, &[])?;
            pattern = rest.to_vec();
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(pattern: &[char]) -> (bool, &[char], &[char]) {
    let mut p = pattern;
    let mut star = false;
    while let Some('*') = p.first() {
        p = &p[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

fn get_esc(chunk: &[char]) -> Result<(char, &[char]), BadPattern> {
    let mut c = chunk;
    match c.first() {
        None | Some('-') | Some(']') => return Err(BadPattern),
        Some('\\') => {
            c = &c[1..];
            if c.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let r = c[0];
    let rest = &c[1..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

fn match_chunk(chunk: &[char], s: &[char]) -> Result<(Vec<char>, bool), BadPattern> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let mut r = '\0';
                if !failed {
                    r = s[0];
                    s = &s[1..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if let Some('^') = chunk.first() {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                let mut lit = c;
                if c == '\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        None => return Err(BadPattern),
                        Some(&e) => lit = e,
                    }
                }
                if !failed {
                    if lit != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((Vec::new(), false));
    }
    Ok((s.to_vec(), true))
}

/// Why a pattern does not match a target, in the order the kubelet checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The pattern does not parse as a URL: the kubelet treats that as no match.
    PatternInvalid(String),
    /// The target does not parse as a URL.
    TargetInvalid(String),
    /// Ports differ (`""` means no port).
    PortDiffers {
        /// Port of the pattern.
        pattern: String,
        /// Port of the target.
        target: String,
    },
    /// The host names have a different number of `.`-separated labels.
    LabelCountDiffers {
        /// Host name of the pattern.
        pattern: String,
        /// Host name of the target.
        target: String,
    },
    /// The pattern's path is not a string prefix of the target's path.
    PathPrefixDiffers {
        /// Path of the pattern.
        pattern: String,
        /// Path of the target.
        target: String,
    },
    /// A label glob is malformed (`filepath.ErrBadPattern`).
    BadGlob(String),
    /// A label glob does not match the target's label.
    LabelDiffers {
        /// Host name of the pattern.
        pattern_host: String,
        /// Host name of the target.
        target_host: String,
        /// The pattern label that failed.
        pattern_label: String,
        /// The target label it was compared with.
        target_label: String,
    },
}

fn show_port(p: &str) -> String {
    if p.is_empty() {
        "none".into()
    } else {
        format!(":{p}")
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::PatternInvalid(e) => write!(f, "pattern is not a valid URL ({e})"),
            Mismatch::TargetInvalid(e) => write!(f, "target is not a valid URL ({e})"),
            Mismatch::PortDiffers { pattern, target } => write!(
                f,
                "port differs (pattern {}, target {})",
                show_port(pattern),
                show_port(target)
            ),
            Mismatch::LabelCountDiffers { pattern, target } => write!(
                f,
                "host label count differs (glob {pattern} does not match {target}: {} vs {} labels)",
                pattern.split('.').count(),
                target.split('.').count()
            ),
            Mismatch::PathPrefixDiffers { pattern, target } => write!(
                f,
                "path prefix differs (target path {target:?} does not start with {pattern:?})"
            ),
            Mismatch::BadGlob(label) => write!(f, "malformed glob label {label:?}"),
            Mismatch::LabelDiffers {
                pattern_host,
                target_host,
                pattern_label,
                target_label,
            } => write!(
                f,
                "glob {pattern_host} does not match {target_host} (label {pattern_label:?} vs {target_label:?})"
            ),
        }
    }
}

/// `URLsMatchStr` with the reason when it does not match.
pub fn explain_match(pattern: &str, target: &str) -> Result<(), Mismatch> {
    let p = parse_schemeless_url(pattern).map_err(|e| Mismatch::PatternInvalid(e.0))?;
    let t = parse_schemeless_url(target).map_err(|e| Mismatch::TargetInvalid(e.0))?;
    let (p_name, p_port) = split_host_port(&p.host);
    let (t_name, t_port) = split_host_port(&t.host);
    if p_port != t_port {
        return Err(Mismatch::PortDiffers {
            pattern: p_port.into(),
            target: t_port.into(),
        });
    }
    let p_labels: Vec<&str> = p_name.split('.').collect();
    let t_labels: Vec<&str> = t_name.split('.').collect();
    if p_labels.len() != t_labels.len() {
        return Err(Mismatch::LabelCountDiffers {
            pattern: p_name.into(),
            target: t_name.into(),
        });
    }
    if !t.path.starts_with(&p.path) {
        return Err(Mismatch::PathPrefixDiffers {
            pattern: p.path,
            target: t.path,
        });
    }
    for (pl, tl) in p_labels.iter().zip(&t_labels) {
        match filepath_match(pl, tl) {
            Err(BadPattern) => return Err(Mismatch::BadGlob((*pl).into())),
            Ok(false) => {
                return Err(Mismatch::LabelDiffers {
                    pattern_host: p_name.into(),
                    target_host: t_name.into(),
                    pattern_label: (*pl).into(),
                    target_label: (*tl).into(),
                })
            }
            Ok(true) => {}
        }
    }
    Ok(())
}

/// The kubelet's `URLsMatchStr(pattern, target)` (errors count as no match).
pub fn urls_match(pattern: &str, target: &str) -> bool {
    explain_match(pattern, target).is_ok()
}

/// `BasicDockerKeyring.Add`'s key normalization: `https://` is prepended unless the key starts
/// with `https://` or `http://`, the URL is parsed, a leading `/v1/` or `/v2/` path keeps only
/// its rest (`/v2/foo` -> `/foo`), and the key is `host + path` (just `host` when the path is
/// empty or `/`). An unparseable key is ignored by the kubelet; here it is an error.
pub fn normalize_key(raw: &str) -> Result<String, UrlError> {
    let parsed = if raw.starts_with("https://") || raw.starts_with("http://") {
        parse_go_url(raw)?
    } else {
        parse_go_url(&format!("https://{raw}"))?
    };
    let mut path = parsed.path.as_str();
    if path.starts_with("/v2/") || path.starts_with("/v1/") {
        path = &path[3..];
    }
    if path.is_empty() || path == "/" {
        Ok(parsed.host)
    } else {
        Ok(format!("{}{}", parsed.host, path))
    }
}

/// `isDefaultRegistryMatch(image)`: does this lookup key pull from Docker Hub? An empty first
/// `/`-component is not; no `/` is; `docker.io` and `index.docker.io` are; otherwise it is
/// when the first component has neither `.` nor `:`.
pub fn is_default_registry_match(image: &str) -> bool {
    let (first, rest) = match image.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (image, None),
    };
    if first.is_empty() {
        return false;
    }
    if rest.is_none() {
        return true;
    }
    if first == "docker.io" || first == "index.docker.io" {
        return true;
    }
    !first.contains(['.', ':'])
}

#[cfg(test)]
mod tests;
