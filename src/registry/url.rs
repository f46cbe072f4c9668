//! The little URL handling the registry protocol needs: absolute `http`/`https` URLs, origins,
//! resolving a `Location` or `Link` target against the URL it came from, query encoding, and
//! the loopback rule.
//!
//! Deliberately small: no userinfo (a URL carrying `user@` is refused, credentials never
//! travel in URLs), no dot-segment normalization, default ports dropped (`https://h:443` is
//! `https://h`) so origins compare equal.

use std::fmt;

/// An absolute `http` or `https` URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Url {
    scheme: String,
    host: String,
    path: String,
}

impl Url {
    /// Parses an absolute `http://` or `https://` URL; `None` for anything else (other
    /// schemes, userinfo, an empty host, spaces or control characters).
    pub fn parse(input: &str) -> Option<Url> {
        let input = input.trim();
        if input.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return None;
        }
        let (scheme, rest) = input.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let host = normalize_host(&scheme, authority)?;
        let path = if path.starts_with('?') {
            format!("/{path}")
        } else if path.is_empty() {
            "/".to_string()
        } else {
            path.to_string()
        };
        Some(Url { scheme, host, path })
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Host with port when it is not the scheme's default (`127.0.0.1:5000`, `[::1]:5000`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Host without the port (`127.0.0.1`, `[::1]`).
    pub fn hostname(&self) -> &str {
        split_port(&self.host).0
    }

    /// Path and query, starting with `/`.
    pub fn path_and_query(&self) -> &str {
        &self.path
    }

    /// `scheme://host[:port]`: what credentials and redirects are judged by.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }

    /// The URL without its query: safe for messages (signed URLs carry secrets in queries).
    pub fn redacted(&self) -> String {
        let path = self.path.split('?').next().unwrap_or("/");
        format!("{}://{}{}", self.scheme, self.host, path)
    }

    /// Whether the host is loopback: `localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(self.hostname())
    }

    /// Resolves `reference` (a `Location` or `Link` target) against this URL: absolute
    /// `http(s)://`, scheme-relative `//host/p`, absolute-path `/p`, query-only `?q`, or a
    /// relative path (resolved against the directory of this URL's path).
    pub fn join(&self, reference: &str) -> Option<Url> {
        let r = reference.trim();
        if r.is_empty() {
            return None;
        }
        if r.contains("://") {
            return Url::parse(r);
        }
        if let Some(rest) = r.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", self.scheme));
        }
        let base = self.path.split('?').next().unwrap_or("/");
        let path = if r.starts_with('/') {
            r.to_string()
        } else if r.starts_with('?') {
            format!("{base}{r}")
        } else {
            let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{r}")
        };
        Url::parse(&format!("{}://{}{path}", self.scheme, self.host))
    }

    /// Whether the query has a parameter named `name` (as written, before any `=`).
    pub fn has_query_param(&self, name: &str) -> bool {
        self.path.split_once('?').is_some_and(|(_, q)| {
            q.split('&')
                .any(|pair| pair.split('=').next() == Some(name))
        })
    }

    /// This URL with `key=value` pairs appended to its query (values percent-encoded).
    pub fn with_query(&self, pairs: &[(&str, &str)]) -> Url {
        let mut path = self.path.clone();
        for (k, v) in pairs {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&percent_encode(k));
            path.push('=');
            path.push_str(&percent_encode(v));
        }
        Url {
            path,
            ..self.clone()
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.host, self.path)
    }
}

fn split_port(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(i) => {
                let (h, rest) = host.split_at(i + 1);
                (h, rest.strip_prefix(':'))
            }
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host, None),
    }
}

fn normalize_host(scheme: &str, authority: &str) -> Option<String> {
    let lower = authority.to_ascii_lowercase();
    let (name, port) = split_port(&lower);
    if name.is_empty() || (name.starts_with('[') && !name.ends_with(']')) {
        return None;
    }
    match port {
        None => Some(name.to_string()),
        Some(p) if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) => None,
        Some(p) => {
            let default = if scheme == "https" { "443" } else { "80" };
            Some(if p == default {
                name.to_string()
            } else {
                format!("{name}:{p}")
            })
        }
    }
}

/// Whether a host name (without port) is loopback: `localhost`, an IPv4 address in
/// `127.0.0.0/8`, or `[::1]`/`::1` (containerd's `docker.IsLocalhost`).
pub fn is_loopback_host(hostname: &str) -> bool {
    let h = hostname.to_ascii_lowercase();
    if h == "localhost" || h == "[::1]" || h == "::1" {
        return true;
    }
    let octets: Vec<&str> = h.split('.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u64>().is_ok_and(|n| n <= 255))
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for query values and
/// `application/x-www-form-urlencoded` bodies).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_normalize() {
        let cases = [
            (
                "https://Registry-1.Docker.io/v2/",
                Some("https://registry-1.docker.io/v2/"),
            ),
            ("https://h:443/x", Some("https://h/x")),
            ("http://h:80", Some("http://h/")),
            (
                "http://127.0.0.1:5000?a=b",
                Some("http://127.0.0.1:5000/?a=b"),
            ),
            ("http://[::1]:5000/v2/#frag", Some("http://[::1]:5000/v2/")),
            ("HTTPS://h/p?q=1", Some("https://h/p?q=1")),
            ("ftp://h/", None),
            ("https://user:pw@h/", None),
            ("https:///p", None),
            ("https://h:x/", None),
            ("https://h/a b", None),
            ("/relative", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                Url::parse(input).map(|u| u.to_string()).as_deref(),
                want,
                "{input}"
            );
        }
    }

    #[test]
    fn references_resolve_against_the_base() {
        let base = Url::parse("https://r.io/v2/repo/blobs/sha256:abc?x=1").unwrap();
        let cases = [
            ("https://cdn.io/b?sig=1", "https://cdn.io/b?sig=1"),
            ("//cdn.io/b", "https://cdn.io/b"),
            ("/v2/other", "https://r.io/v2/other"),
            ("?n=2", "https://r.io/v2/repo/blobs/sha256:abc?n=2"),
            ("list?last=b", "https://r.io/v2/repo/blobs/list?last=b"),
        ];
        for (r, want) in cases {
            assert_eq!(base.join(r).unwrap().to_string(), want, "{r}");
        }
        assert!(base.join("").is_none());
        assert!(base.join("ftp://x/").is_none());
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.255.0.9",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "128.0.0.1",
            "127.0.0",
            "127.0.0.256",
            "localhost.evil.com",
            "10.0.0.1",
            "[::2]",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(Url::parse("http://127.0.0.1:5000/").unwrap().is_loopback());
    }

    #[test]
    fn origins_and_redaction() {
        let u = Url::parse("https://cdn.io:8443/p/q?sig=secret").unwrap();
        assert_eq!(u.origin(), "https://cdn.io:8443");
        assert_eq!(u.hostname(), "cdn.io");
        assert_eq!(u.redacted(), "https://cdn.io:8443/p/q");
        let q = Url::parse("https://a/t")
            .unwrap()
            .with_query(&[("scope", "repository:x/y:pull"), ("s", "a b")]);
        assert_eq!(
            q.to_string(),
            "https://a/t?scope=repository%3Ax%2Fy%3Apull&s=a%20b"
        );
    }
}
