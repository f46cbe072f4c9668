//! From a place in a scalar's value back to the place in its source text: an error at byte 5 of
//! the image `"Nginx:1.0"` is at byte 6 of the text `"\"Nginx:1.0\""`, and escapes (`\u0041`,
//! `''`) make the two differ by more than the quote.

/// The byte offset into `raw` (a scalar as written: plain, `'single'` or `"double"` quoted)
/// where byte `at` of its decoded value comes from. `None` where the mapping is not certain
/// (a scalar folded over several lines, a block scalar, an escape that does not decode): the
/// caller then uses the whole scalar.
pub fn source_offset(raw: &str, value: &str, at: usize) -> Option<usize> {
    if raw.contains('\n') {
        return None;
    }
    match raw.as_bytes().first() {
        Some(b'\'') => single(raw, at),
        Some(b'"') => double(raw, at),
        Some(b'|' | b'>') => None,
        _ => (raw == value && at <= raw.len()).then_some(at),
    }
}

fn single(raw: &str, at: usize) -> Option<usize> {
    let b = raw.as_bytes();
    let (mut i, mut d) = (1, 0);
    while i < b.len() {
        if d >= at {
            return Some(i);
        }
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                d += 1;
                continue;
            }
            return (d == at).then_some(i);
        }
        i += 1;
        d += 1;
    }
    None
}

fn double(raw: &str, at: usize) -> Option<usize> {
    let b = raw.as_bytes();
    let (mut i, mut d) = (1, 0);
    while i < b.len() {
        if d >= at {
            return Some(i);
        }
        match b[i] {
            b'"' => return (d == at).then_some(i),
            b'\\' => {
                let (raw_len, decoded) = match *b.get(i + 1)? {
                    b'x' => (4, hex_char(raw.get(i + 2..i + 4)?)?),
                    b'u' => (6, hex_char(raw.get(i + 2..i + 6)?)?),
                    b'U' => (10, hex_char(raw.get(i + 2..i + 10)?)?),
                    b'N' => (2, 2),        // U+0085
                    b'_' => (2, 2),        // U+00A0
                    b'L' | b'P' => (2, 3), // U+2028, U+2029
                    _ => (2, 1),
                };
                i += raw_len;
                d += decoded;
            }
            _ => {
                i += 1;
                d += 1;
            }
        }
    }
    None
}

/// The UTF-8 length of the character a hex escape names.
fn hex_char(hex: &str) -> Option<usize> {
    let n = u32::from_str_radix(hex, 16).ok()?;
    char::from_u32(n).map(char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::source_offset;

    #[test]
    fn plain_single_and_double_quoted() {
        assert_eq!(source_offset("Nginx:1", "Nginx:1", 0), Some(0));
        assert_eq!(source_offset("\"Nginx:1\"", "Nginx:1", 5), Some(6));
        assert_eq!(source_offset("'it''s:x'", "it's:x", 4), Some(6));
        // "\u0041b:c" decodes to "Ab:c": byte 2 (':') comes from raw byte 8.
        assert_eq!(source_offset("\"\\u0041b:c\"", "Ab:c", 2), Some(8));
        assert_eq!(source_offset("\"\\tx\"", "\tx", 1), Some(3));
        assert_eq!(source_offset("|\n  x", "x", 0), None);
        assert_eq!(source_offset("a\n  b", "a b", 2), None);
    }
}
