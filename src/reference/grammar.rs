//! The productions of the reference grammar (see the module documentation of
//! [`crate::reference`]), one function each, over bytes.
//!
//! They are written as index loops over a byte-class table rather than iterator chains: the
//! release build optimizes for size (`opt-level = "z"`), which leaves closures un-inlined, and
//! reference parsing is the package's hot path.

use std::ops::Range;

/// Byte classes, as bit flags in [`CLASS`].
const LOWER_ALNUM: u8 = 1; // [a-z0-9]
const ALNUM: u8 = 2; // [A-Za-z0-9]
const WORD: u8 = 4; // [A-Za-z0-9_]
const HEX: u8 = 8; // [0-9A-Fa-f]
const ALPHA: u8 = 16; // [A-Za-z]
const TAG: u8 = 32; // [A-Za-z0-9_.-]
const LOWER_HEX: u8 = 64; // [0-9a-f]

const fn class_of(c: u8) -> u8 {
    let lower = c.is_ascii_lowercase();
    let upper = c.is_ascii_uppercase();
    let digit = c.is_ascii_digit();
    let mut k = 0;
    if lower || digit {
        k |= LOWER_ALNUM;
    }
    if lower || upper || digit {
        k |= ALNUM | WORD | TAG;
    }
    if c == b'_' {
        k |= WORD | TAG;
    }
    if c == b'.' || c == b'-' {
        k |= TAG;
    }
    if digit || matches!(c, b'a'..=b'f' | b'A'..=b'F') {
        k |= HEX;
    }
    if lower || upper {
        k |= ALPHA;
    }
    if digit || matches!(c, b'a'..=b'f') {
        k |= LOWER_HEX;
    }
    k
}

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class_of(i as u8);
        i += 1;
    }
    t
};

#[inline(always)]
fn is(b: u8, class: u8) -> bool {
    CLASS[b as usize] & class != 0
}

/// Counts the bytes of `b` from `i` that are in `class`.
#[inline(always)]
fn run(b: &[u8], mut i: usize, class: u8) -> usize {
    let start = i;
    while i < b.len() && is(b[i], class) {
        i += 1;
    }
    i - start
}

/// The first `x` in `b` at or after `start`.
#[inline(always)]
pub(super) fn find_byte(b: &[u8], mut start: usize, x: u8) -> Option<usize> {
    while start < b.len() {
        if b[start] == x {
            return Some(start);
        }
        start += 1;
    }
    None
}

/// A grammar failure before it is classified (uppercase or plain format error).
pub(super) enum Failure {
    Format {
        offset: usize,
        expected: &'static str,
    },
    /// Errors that are final as they are (too long, digest rules).
    Final(super::ReferenceError),
}

/// What [`grammar_remainder`] found after the domain.
pub(super) struct Remainder {
    pub path: Range<usize>,
    pub tag: Option<Range<usize>>,
    pub digest: Option<Range<usize>>,
    /// The digest is `sha256:`/`sha384:`/`sha512:` with lowercase hex of exactly its length:
    /// valid by go-digest's rules, so the caller need not check it again.
    pub digest_lowercase_sha: bool,
}

/// The grammar of `remote-name [":" tag] ["@" digest]` from byte `start`, nothing more.
pub(super) fn grammar_remainder(b: &[u8], start: usize) -> Result<Remainder, Failure> {
    let path_end = remote_name(b, start)?;
    let mut pos = path_end;
    let mut tag = None;
    let mut digest = None;
    let mut digest_lowercase_sha = false;
    if pos < b.len() && b[pos] == b':' {
        let mut end = pos + 1;
        while end < b.len() && b[end] != b'@' {
            end += 1;
        }
        tag_production(&b[pos + 1..end], pos + 1)?;
        tag = Some(pos + 1..end);
        pos = end;
    }
    if pos < b.len() && b[pos] == b'@' {
        digest_lowercase_sha = digest_production(&b[pos + 1..], pos + 1)?;
        digest = Some(pos + 1..b.len());
        pos = b.len();
    }
    if pos < b.len() {
        return Err(Failure::Format {
            offset: pos,
            expected: "':' before a tag, '@' before a digest, or the end",
        });
    }
    Ok(Remainder {
        path: start..path_end,
        tag,
        digest,
        digest_lowercase_sha,
    })
}

/// Where the raw grammar puts the domain: the first component, when it matches `domain`.
pub(super) fn raw_domain_end(b: &[u8]) -> Option<usize> {
    find_byte(b, 0, b'/').filter(|&p| domain(&b[..p]))
}

/// Does `s` match the `domain` production (host with optional port) as a whole?
pub fn is_domain(s: &str) -> bool {
    domain(s.as_bytes())
}

/// `domain := host [':' port-number]`, anchored on the whole slice.
fn domain(b: &[u8]) -> bool {
    let host_end = match b.first() {
        Some(b'[') => match ipv6_host(b) {
            Some(end) => end,
            None => return false,
        },
        _ => domain_name(b),
    };
    if host_end == 0 {
        return false;
    }
    match &b[host_end..] {
        [] => true,
        [b':', port @ ..] => port_number(port),
        _ => false,
    }
}

/// `"[" IPv6address "]"`: returns the end of the bracketed host.
fn ipv6_host(b: &[u8]) -> Option<usize> {
    let mut i = 1;
    while i < b.len() && (is(b[i], HEX) || b[i] == b':') {
        i += 1;
    }
    (i > 1 && b.get(i) == Some(&b']')).then_some(i + 1)
}

/// `domain-name := domain-component ['.' domain-component]*`: how many bytes match (0 when
/// none), stopping at the first byte that cannot continue it.
fn domain_name(b: &[u8]) -> usize {
    let mut pos = 0;
    loop {
        let n = domain_component(b, pos);
        if n == 0 {
            // A trailing '.' is not part of the name.
            return pos.saturating_sub(1);
        }
        pos += n;
        if pos < b.len() && b[pos] == b'.' {
            pos += 1;
        } else {
            return pos;
        }
    }
}

/// `domain-component`: letters and digits, hyphens only inside.
fn domain_component(b: &[u8], start: usize) -> usize {
    if start >= b.len() || !is(b[start], ALNUM) {
        return 0;
    }
    let mut end = start;
    let mut last_alnum = start;
    while end < b.len() && (is(b[end], ALNUM) || b[end] == b'-') {
        if b[end] != b'-' {
            last_alnum = end;
        }
        end += 1;
    }
    // The grammar backtracks off trailing hyphens.
    last_alnum + 1 - start
}

/// `port-number := [0-9]+`
fn port_number(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_digit)
}

/// `remote-name := path-component ['/' path-component]*` from `start`; returns where it ends.
fn remote_name(b: &[u8], start: usize) -> Result<usize, Failure> {
    let mut pos = start;
    loop {
        pos = path_component(b, pos)?;
        if pos < b.len() && b[pos] == b'/' {
            pos += 1;
        } else {
            return Ok(pos);
        }
    }
}

/// `path-component := alpha-numeric [separator alpha-numeric]*`
fn path_component(b: &[u8], start: usize) -> Result<usize, Failure> {
    let mut pos = alpha_numeric(b, start)?;
    while let Some(after) = separator(b, pos) {
        pos = alpha_numeric(b, after)?;
    }
    Ok(pos)
}

/// `alpha-numeric := [a-z0-9]+`
fn alpha_numeric(b: &[u8], start: usize) -> Result<usize, Failure> {
    match run(b, start, LOWER_ALNUM) {
        0 => Err(Failure::Format {
            offset: start,
            expected: "a lowercase letter or digit",
        }),
        n => Ok(start + n),
    }
}

/// `separator := [_.] | __ | [-]+`: the position after it, or `None` if there is none.
fn separator(b: &[u8], pos: usize) -> Option<usize> {
    match *b.get(pos)? {
        b'.' => Some(pos + 1),
        b'_' if b.get(pos + 1) == Some(&b'_') => Some(pos + 2),
        b'_' => Some(pos + 1),
        b'-' => {
            let mut i = pos;
            while i < b.len() && b[i] == b'-' {
                i += 1;
            }
            Some(i)
        }
        _ => None,
    }
}

/// `tag := [\w][\w.-]{0,127}`
pub(super) fn tag_production(b: &[u8], offset: usize) -> Result<(), Failure> {
    let fail = |i: usize, expected| Failure::Format {
        offset: offset + i,
        expected,
    };
    if b.is_empty() || !is(b[0], WORD) {
        return Err(fail(0, "a tag starting with a letter, digit or '_'"));
    }
    let n = run(b, 0, TAG);
    if n < b.len() {
        return Err(fail(n, "a tag character (letter, digit, '_', '.', '-')"));
    }
    if b.len() > super::TAG_LENGTH_MAX {
        return Err(fail(
            super::TAG_LENGTH_MAX,
            "a tag of at most 128 characters",
        ));
    }
    Ok(())
}

/// `digest := digest-algorithm ":" digest-hex` (hex at least 32 characters). Returns whether
/// it is also a well-formed sha256/sha384/sha512 digest (lowercase hex of the exact length).
fn digest_production(b: &[u8], offset: usize) -> Result<bool, Failure> {
    let fail = |i: usize, expected| Failure::Format {
        offset: offset + i,
        expected,
    };
    let mut i = 0;
    loop {
        // digest-algorithm-component := [A-Za-z][A-Za-z0-9]*
        if i >= b.len() || !is(b[i], ALPHA) {
            return Err(fail(i, "a digest algorithm (e.g. sha256)"));
        }
        i += 1 + run(b, i + 1, ALNUM);
        match b.get(i) {
            Some(b'+' | b'.' | b'-' | b'_') => i += 1,
            Some(b':') => break,
            _ => return Err(fail(i, "':' between the digest algorithm and its hex")),
        }
    }
    let hex = i + 1;
    let mut n = 0;
    let mut lower = true;
    while hex + n < b.len() && is(b[hex + n], HEX) {
        lower &= is(b[hex + n], LOWER_HEX);
        n += 1;
    }
    if hex + n < b.len() {
        return Err(fail(hex + n, "a hex digit"));
    }
    if n < 32 {
        return Err(fail(b.len(), "at least 32 hex digits"));
    }
    let want = match &b[..i] {
        b"sha256" => 64,
        b"sha384" => 96,
        b"sha512" => 128,
        _ => return Ok(false),
    };
    Ok(n == want && lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_classes_match_the_grammar() {
        for c in 0..=255u8 {
            assert_eq!(
                is(c, LOWER_ALNUM),
                c.is_ascii_lowercase() || c.is_ascii_digit()
            );
            assert_eq!(is(c, ALNUM), c.is_ascii_alphanumeric());
            assert_eq!(is(c, WORD), c.is_ascii_alphanumeric() || c == b'_');
            assert_eq!(is(c, HEX), c.is_ascii_hexdigit());
            assert_eq!(is(c, ALPHA), c.is_ascii_alphabetic());
            assert_eq!(is(c, TAG), c.is_ascii_alphanumeric() || b"_.-".contains(&c));
            assert_eq!(
                is(c, LOWER_HEX),
                c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
            );
        }
    }

    #[test]
    fn domains() {
        let cases = [
            ("a", true),
            ("a-b.c", true),
            ("-a", false),
            ("a-", false),
            ("a.", false),
            ("a..b", false),
            ("a:1", true),
            ("a:", false),
            ("[::1]", true),
            ("[::1]:5", true),
            ("[]", false),
            ("[::1", false),
            ("[g]", false),
            ("A.B", true),
            ("a_b", false),
        ];
        for (d, ok) in cases {
            assert_eq!(is_domain(d), ok, "{d}");
        }
    }
}
