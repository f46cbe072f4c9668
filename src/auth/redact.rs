//! Secrets in free text: what a credential-provider plugin or a docker credential helper wrote
//! on stderr, or a transport's error message, before it goes into an error or an explanation.
//!
//! [`redact_secrets`] replaces with `<redacted>`, line by line:
//! 1. the value after a key that names a secret, written `KEY=VALUE` or `KEY: VALUE` (quotes and
//!    spaces around the separator allowed): a key whose letters and digits, lower-cased with `-`
//!    and `_` dropped, END with `password`, `passwd`, `pwd`, `pass`, `secret`, `token`, `auth`,
//!    `authorization`, `credential(s)`, `apikey`, `accesskey`, `secretkey`, `privatekey`,
//!    `cookie` or `signature` (`--password=x`, `AWS_SECRET_ACCESS_KEY=x`, `"token": "x"`,
//!    `Authorization: Basic x`). A quoted value is replaced up to its closing quote; after
//!    `authorization` or `cookie` the rest of the line; otherwise up to the next space, `&`,
//!    `,`, `;`, quote or closing bracket;
//! 2. the word after `Bearer` or `Basic` when it is 8 or more token characters and not all
//!    lower-case letters (`Bearer eyJ...`, `Basic dXNlcjpw...`, but not `Basic authentication`);
//! 3. a JWT: text starting `eyJ` with a `.`, 16 or more characters of base64url and dots;
//! 4. any run of 32 or more base64/base64url characters (`A-Z a-z 0-9 + / = _ -`, leading `/`
//!    ignored) that holds an upper-case letter, a lower-case letter and a digit, and any run of
//!    32 or more hex digits.
//!
//! It errs on the side of hiding: an ordinary word may be replaced (a hex digest is), a secret
//! written without any of these shapes (a short password on a line of its own) is not found.

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// Key endings (lower-case, `-`/`_` dropped) whose value is a secret.
const SECRET_KEYS: [&str; 15] = [
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "auth",
    "authorization",
    "credential",
    "credentials",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "cookie",
];

/// `text` with everything that looks like a secret replaced by `<redacted>` (rules in the
/// module doc). Idempotent.
pub fn redact_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        redact_line(line, &mut out);
    }
    out
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fn is_b64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

/// Byte ranges of `line` to replace, possibly overlapping, in no order.
fn secret_ranges(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_key_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
        let word = &line[start..i];
        if let Some(r) = key_value(line, word, i) {
            ranges.push(r);
        }
        if word.eq_ignore_ascii_case("bearer") || word.eq_ignore_ascii_case("basic") {
            if let Some(r) = scheme_credential(line, i) {
                ranges.push(r);
            }
        }
    }
    shaped_runs(line, &mut ranges);
    ranges
}

/// Rule 1: the value after `word` (which ends at `end`) when `word` names a secret.
fn key_value(line: &str, word: &str, end: usize) -> Option<(usize, usize)> {
    let key = SECRET_KEYS
        .iter()
        .find(|k| ends_with_folded(word.as_bytes(), k.as_bytes()))?;
    let b = line.as_bytes();
    let mut j = end;
    if j < b.len() && matches!(b[j], b'"' | b'\'') {
        j += 1;
    }
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    if j >= b.len() || !matches!(b[j], b'=' | b':') {
        return None;
    }
    j += 1;
    while j < b.len() && matches!(b[j], b' ' | b'\t') {
        j += 1;
    }
    let mut content_end = b.len();
    while content_end > 0 && matches!(b[content_end - 1], b'\r' | b'\n') {
        content_end -= 1;
    }
    if j >= content_end {
        return None;
    }
    if matches!(b[j], b'"' | b'\'') {
        let q = b[j];
        let from = j + 1;
        let to = b[from..content_end]
            .iter()
            .position(|&c| c == q)
            .map_or(content_end, |p| from + p);
        return (to > from).then_some((from, to));
    }
    let to = if matches!(*key, "authorization" | "cookie") {
        content_end
    } else {
        b[j..content_end]
            .iter()
            .position(|&c| {
                c.is_ascii_whitespace()
                    || matches!(c, b'&' | b',' | b';' | b'"' | b'\'' | b')' | b']' | b'}')
            })
            .map_or(content_end, |p| j + p)
    };
    (to > j).then_some((j, to))
}

/// Whether `word` without its `-` and `_`, lower-cased, ends with `key` (lower-case letters).
fn ends_with_folded(word: &[u8], key: &[u8]) -> bool {
    let mut letters = word.iter().rev().filter(|&&b| b != b'-' && b != b'_');
    key.iter()
        .rev()
        .all(|&k| letters.next().is_some_and(|b| b.to_ascii_lowercase() == k))
}

/// Rule 2: the credential after `Bearer`/`Basic` (the scheme word ends at `end`).
fn scheme_credential(line: &str, end: usize) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut j = end;
    if j >= b.len() || b[j] != b' ' {
        return None;
    }
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    let from = j;
    while j < b.len() && is_token_byte(b[j]) {
        j += 1;
    }
    let cred = &b[from..j];
    let plain_word = cred.iter().all(u8::is_ascii_lowercase);
    (cred.len() >= 8 && !plain_word).then_some((from, j))
}

/// Rules 3 and 4: JWTs and long random-looking runs.
fn shaped_runs(line: &str, ranges: &mut Vec<(usize, usize)>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !(is_b64_byte(b[i]) || b[i] == b'.') {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (is_b64_byte(b[i]) || b[i] == b'.') {
            i += 1;
        }
        // A JWT: `eyJ` + base64url and dots.
        let run = &line[start..i];
        if let Some(at) = run.as_bytes().windows(3).position(|w| w == b"eyJ") {
            let jwt = &run.as_bytes()[at..];
            let len = jwt
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
                .unwrap_or(jwt.len());
            if len >= 16 && jwt[..len].contains(&b'.') {
                ranges.push((start + at, start + at + len));
            }
        }
        // Base64 runs (dots split them).
        let mut s = start;
        for piece in run.split('.') {
            let trimmed = piece.trim_start_matches('/');
            let from = s + (piece.len() - trimmed.len());
            if looks_random(trimmed) {
                ranges.push((from, from + trimmed.len()));
            }
            s += piece.len() + 1;
        }
    }
}

fn looks_random(run: &str) -> bool {
    if run.len() < 32 {
        return false;
    }
    let b = run.as_bytes();
    let hex = b.iter().all(u8::is_ascii_hexdigit);
    let mixed = b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit);
    hex || mixed
}

fn redact_line(line: &str, out: &mut String) {
    let mut ranges = secret_ranges(line);
    if ranges.is_empty() {
        out.push_str(line);
        return;
    }
    crate::go::sort::sort(&mut ranges);
    let mut at = 0;
    for (from, to) in ranges {
        if to <= at {
            continue;
        }
        let from = from.max(at);
        out.push_str(&line[at..from]);
        out.push_str(REDACTED);
        at = to;
    }
    out.push_str(&line[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_and_ordinary_text_kept() {
        let cases = [
            ("password=hunter2 user=bob", "password=<redacted> user=bob"),
            ("--password hunter2", "--password hunter2"),
            ("--password=hunter2", "--password=<redacted>"),
            (
                "AWS_SECRET_ACCESS_KEY=abc AWS_REGION=eu",
                "AWS_SECRET_ACCESS_KEY=<redacted> AWS_REGION=eu",
            ),
            (
                r#"{"username":"bob","password":"p w","auth":"x"}"#,
                r#"{"username":"bob","password":"<redacted>","auth":"<redacted>"}"#,
            ),
            (
                "Authorization: Basic dXNlcjpwYXNz\r\n",
                "Authorization: <redacted>\r\n",
            ),
            ("got Bearer abc.DEF-123 back", "got Bearer <redacted> back"),
            ("Basic authentication failed", "Basic authentication failed"),
            (
                "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
                "token: <redacted>",
            ),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln here",
                "jwt <redacted> here",
            ),
            (
                "key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end",
                "key <redacted> end",
            ),
            (
                "digest 0123456789abcdef0123456789abcdef",
                "digest <redacted>",
            ),
            (
                "ecr-credential-provider: failed to get token for 1234.dkr.ecr.eu-west-1.amazonaws.com",
                "ecr-credential-provider: failed to get token for 1234.dkr.ecr.eu-west-1.amazonaws.com",
            ),
            (
                "exec /var/lib/kubelet/plugins/ecr-credential-provider-v1: no such file",
                "exec /var/lib/kubelet/plugins/ecr-credential-provider-v1: no such file",
            ),
            ("boom: registry said no\n", "boom: registry said no\n"),
            ("https://auth.example.com:5000/token?service=x&token=abc&scope=y", "https://auth.example.com:5000/token?service=x&token=<redacted>&scope=y"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_secrets(input), want, "{input}");
            assert_eq!(redact_secrets(want), want, "idempotent: {want}");
        }
    }

    #[test]
    fn multibyte_text_is_kept_whole() {
        let t = "fehler: ungültig, token=geheim€ — ok\n";
        assert_eq!(
            redact_secrets(t),
            "fehler: ungültig, token=<redacted> — ok\n"
        );
    }
}
