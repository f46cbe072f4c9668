//! `WWW-Authenticate` header values (RFC 9110 §11.6.1) as registries send them.
//!
//! ```text
//! header    = challenge *( OWS "," OWS challenge )       ; empty list elements are skipped
//! challenge = auth-scheme [ 1*SP ( token68 / auth-param *( OWS "," OWS auth-param ) ) ]
//! auth-param = token BWS "=" BWS ( token / quoted-string )
//! ```
//!
//! The scheme is matched case-insensitively ([`Challenge::is`]), as are parameter names
//! ([`Challenge::param`]). Quoted strings may contain commas and `\`-escapes. A list element
//! that is `token BWS "="` continues the current challenge's parameters; any other token starts
//! a new challenge. Right after the scheme, text of token68 shape (`abc==`) followed by `,` or
//! the end is the token68 (so `Bearer realm=` is a token68, not an empty parameter). Leniency: an unquoted value may contain any visible character except `,`
//! and `"` (some servers send `realm=https://host/token` unquoted). Malformed input is a
//! [`ChallengeError`] (`CHALLENGE_INVALID`) with the byte offset; never a panic.

use crate::error::Coded;
use std::fmt;

/// One challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme as written (`Bearer`, `basic`, ...).
    pub scheme: String,
    /// Parameters in order, names as written, values unquoted.
    pub params: Vec<(String, String)>,
    /// The token68 form (`Negotiate abc==`), when used instead of parameters.
    pub token68: Option<String>,
}

impl Challenge {
    /// True when the scheme equals `scheme` ignoring ASCII case.
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The first parameter with this name (ASCII case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `realm`.
    pub fn realm(&self) -> Option<&str> {
        self.param("realm")
    }

    /// `service` (Bearer).
    pub fn service(&self) -> Option<&str> {
        self.param("service")
    }

    /// Every space-separated scope of every `scope` parameter (Bearer).
    pub fn scopes(&self) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("scope"))
            .flat_map(|(_, v)| v.split(' ').filter(|s| !s.is_empty()))
            .collect()
    }
}

/// A malformed header value (`CHALLENGE_INVALID`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected there.
    pub message: &'static str,
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed WWW-Authenticate header at byte {}: {}",
            self.offset, self.message
        )
    }
}

impl Coded for ChallengeError {
    fn code(&self) -> &'static str {
        "CHALLENGE_INVALID"
    }
    fn offset(&self) -> Option<usize> {
        Some(self.offset)
    }
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn err(&self, message: &'static str) -> ChallengeError {
        ChallengeError {
            offset: self.i,
            message,
        }
    }
    fn token(&mut self) -> &'a str {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        self.s.get(start..self.i).unwrap_or("")
    }
    /// At `i`, does a token68 run end at OWS then `,` or the end?
    fn token68_len(&self) -> Option<usize> {
        let mut j = self.i;
        while self.b.get(j).copied().is_some_and(is_token68_char) {
            j += 1;
        }
        if j == self.i {
            return None;
        }
        while self.b.get(j) == Some(&b'=') {
            j += 1;
        }
        let end = j;
        while matches!(self.b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        matches!(self.b.get(j), None | Some(b',')).then_some(end - self.i)
    }
    /// After a `,`: is the next element `token BWS =` (a parameter)?
    fn param_follows(&self) -> bool {
        let mut j = self.i;
        while matches!(self.b.get(j), Some(b' ' | b'\t' | b',')) {
            j += 1;
        }
        let start = j;
        while self.b.get(j).copied().is_some_and(is_tchar) {
            j += 1;
        }
        if j == start {
            return false;
        }
        while matches!(self.b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        self.b.get(j) == Some(&b'=')
    }
    fn quoted(&mut self) -> Result<String, ChallengeError> {
        let open = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.s.get(self.i..).and_then(|r| r.chars().next()) else {
                return Err(ChallengeError {
                    offset: open,
                    message: "unterminated quoted string",
                });
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.i += 1;
                    let Some(e) = self.s.get(self.i..).and_then(|r| r.chars().next()) else {
                        return Err(ChallengeError {
                            offset: open,
                            message: "unterminated quoted string",
                        });
                    };
                    out.push(e);
                    self.i += e.len_utf8();
                }
                c if ((c as u32) < 0x20 && c != '\t') || c == '\u{7f}' => {
                    return Err(self.err("control character in quoted string"))
                }
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }
    fn value(&mut self) -> Result<String, ChallengeError> {
        if self.peek() == Some(b'"') {
            return self.quoted();
        }
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b > b' ' && b != b',' && b != b'"' && b != 0x7f)
        {
            self.i += 1;
        }
        if self.i == start {
            return Err(self.err("expected a parameter value"));
        }
        Ok(self.s.get(start..self.i).unwrap_or("").to_string())
    }
}

/// Parses a `WWW-Authenticate` header value into its challenges.
pub fn parse_www_authenticate(header: &str) -> Result<Vec<Challenge>, ChallengeError> {
    let mut c = Cursor {
        s: header,
        b: header.as_bytes(),
        i: 0,
    };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
            c.i += 1;
        }
        if c.peek().is_none() {
            break;
        }
        let scheme = c.token();
        if scheme.is_empty() {
            return Err(c.err("expected an authentication scheme"));
        }
        let mut ch = Challenge {
            scheme: scheme.to_string(),
            params: Vec::new(),
            token68: None,
        };
        match c.peek() {
            None | Some(b',') => {
                out.push(ch);
                continue;
            }
            Some(b' ' | b'\t') => c.skip_ws(),
            Some(_) => return Err(c.err("expected a space after the scheme")),
        }
        if matches!(c.peek(), None | Some(b',')) {
            out.push(ch);
            continue;
        }
        if let Some(n) = c.token68_len() {
            ch.token68 = Some(c.s.get(c.i..c.i + n).unwrap_or("").to_string());
            c.i += n;
            c.skip_ws();
            out.push(ch);
            continue;
        }
        // auth-params
        loop {
            let name = c.token();
            if name.is_empty() {
                return Err(c.err("expected a parameter name"));
            }
            c.skip_ws();
            if c.peek() != Some(b'=') {
                return Err(c.err("expected '=' after the parameter name"));
            }
            c.i += 1;
            c.skip_ws();
            let value = c.value()?;
            ch.params.push((name.to_string(), value));
            c.skip_ws();
            match c.peek() {
                None => break,
                Some(b',') => {
                    if c.param_follows() {
                        while matches!(c.peek(), Some(b' ' | b'\t' | b',')) {
                            c.i += 1;
                        }
                        continue;
                    }
                    break;
                }
                Some(_) => return Err(c.err("expected ',' or the end after a parameter")),
            }
        }
        out.push(ch);
    }
    if out.is_empty() {
        return Err(ChallengeError {
            offset: 0,
            message: "no challenge in the header",
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(cs: &[Challenge]) -> Vec<String> {
        cs.iter()
            .map(|c| {
                let mut s = c.scheme.clone();
                if let Some(t) = &c.token68 {
                    s.push_str(&format!(" t68={t}"));
                }
                for (n, v) in &c.params {
                    s.push_str(&format!(" {n}=[{v}]"));
                }
                s
            })
            .collect()
    }

    #[test]
    fn headers_parse_into_challenges() {
        let cases: [(&str, &[&str]); 12] = [
            ("Bearer realm=", &["Bearer t68=realm="]),
            (
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
                &["Bearer realm=[https://auth.docker.io/token] service=[registry.docker.io] scope=[repository:library/nginx:pull]"],
            ),
            (r#"Basic realm="Registry Realm""#, &["Basic realm=[Registry Realm]"]),
            (r#"basic realm="a, b", Bearer realm="x""#, &["basic realm=[a, b]", "Bearer realm=[x]"]),
            (r#"Bearer realm="a\"b\\c""#, &[r#"Bearer realm=[a"b\c]"#]),
            ("Negotiate abc123==", &["Negotiate t68=abc123=="]),
            ("Negotiate abc=, Basic realm=x", &["Negotiate t68=abc=", "Basic realm=[x]"]),
            ("Bearer realm=https://h/token , service=reg", &["Bearer realm=[https://h/token] service=[reg]"]),
            ("Bearer   realm = \"x\" ,, scope=\"a b\"", &["Bearer realm=[x] scope=[a b]"]),
            ("Basic, Bearer", &["Basic", "Bearer"]),
            (" , Basic", &["Basic"]),
            ("Bearer realm=\"é\"", &["Bearer realm=[é]"]),
        ];
        for (header, want) in cases {
            assert_eq!(
                show(&parse_www_authenticate(header).unwrap()),
                want,
                "{header}"
            );
        }
    }

    #[test]
    fn helpers_are_case_insensitive() {
        let c = &parse_www_authenticate(
            r#"BEARER Realm="r",SERVICE="s",scope="a:b:pull c:d:push",scope="e""#,
        )
        .unwrap()[0];
        assert!(c.is("bearer"));
        assert_eq!((c.realm(), c.service()), (Some("r"), Some("s")));
        assert_eq!(c.scopes(), ["a:b:pull", "c:d:push", "e"]);
    }

    #[test]
    fn malformed_headers_are_errors_with_offsets() {
        let cases = [
            ("", 0),
            ("   ", 0),
            ("=x", 0),
            ("Bearer realm=\"x", 13),
            ("Bearer realm=\"x\"y", 16),
            ("Bearer realm=\"x\", =y", 18),
            ("Bearer\"x\"", 6),
            ("Bearer realm=\"a\\", 13),
            ("Bearer realm=\"a\u{1}\"", 15),
            ("Bearer a b", 9),
        ];
        for (header, offset) in cases {
            let err = parse_www_authenticate(header).unwrap_err();
            assert_eq!(err.offset, offset, "{header}: {err}");
            assert_eq!(err.code(), "CHALLENGE_INVALID");
        }
    }
}
