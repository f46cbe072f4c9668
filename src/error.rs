//! The one shape every pullspec error has.
//!
//! Each module owns one error enum. Every variant has a stable, SCREAMING_SNAKE_CASE `code`
//! (part of the public contract: JS callers switch on it), a message a person understands
//! (`Display`), and, where it applies, the byte `offset` into the input or the JSON `path`
//! (`manifests[2].platform.architecture`) that the problem is about. The bindings turn any
//! [`Coded`] value into the JS `PullspecError` class with the same fields.

/// Implemented by every error enum of the crate.
pub trait Coded: std::fmt::Display {
    /// The stable machine-readable code, e.g. `INVALID_REFERENCE_FORMAT`.
    fn code(&self) -> &'static str;
    /// Byte offset into the parsed text where the problem was found, when there is one.
    fn offset(&self) -> Option<usize> {
        None
    }
    /// JSON path of the offending value (`manifests[2].digest`), when the input was a document.
    fn path(&self) -> Option<String> {
        None
    }
    /// Extra named string fields carried to JS (e.g. `expected`/`actual` of a digest mismatch).
    fn fields(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A string in double quotes with Rust's `{:?}` escapes (`\"`, `\\`, `\n`, `\t`, `\r`, `\0`,
/// `\u{..}` for other control and invisible characters), the way messages quote input (Go's
/// `%q`). Written out here because `str`'s `Debug` carries Unicode tables into the wasm.
pub struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"")?;
        let mut start = 0;
        for (i, c) in self.0.char_indices() {
            let short = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\0' => "\\0",
                _ if !invisible(c) => continue,
                _ => "",
            };
            f.write_str(&self.0[start..i])?;
            if short.is_empty() {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            } else {
                f.write_str(short)?;
            }
            start = i + c.len_utf8();
        }
        f.write_str(&self.0[start..])?;
        f.write_str("\"")
    }
}

/// A character in single quotes with Rust's `{:?}` escapes (`'\''`, `'\n'`, ...).
pub struct QuotedChar(pub char);

impl std::fmt::Display for QuotedChar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = self.0;
        match c {
            '\'' => f.write_str("'\\''"),
            '"' => f.write_str("'\"'"),
            _ => {
                let mut buf = [0u8; 4];
                let quoted = Quoted(c.encode_utf8(&mut buf)).to_string();
                write!(f, "'{}'", &quoted[1..quoted.len() - 1])
            }
        }
    }
}

/// Control, format and other invisible characters: what `{:?}` escapes in practice (it also
/// escapes unassigned code points, which this does not track).
fn invisible(c: char) -> bool {
    matches!(u32::from(c),
        0..=0x1f | 0x7f..=0xa0 | 0xad | 0x300..=0x36f | 0x61c | 0x115f..=0x1160
        | 0x180b..=0x180f | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f | 0x3000
        | 0xd800..=0xf8ff | 0xfe00..=0xfe0f | 0xfeff | 0xfff0..=0xfffb | 0xe0000..)
}

#[cfg(test)]
mod tests {
    use super::{Quoted, QuotedChar};

    #[test]
    fn quoted_matches_debug_for_what_messages_show() {
        for s in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "tab\tnew\nline\r",
            "nul\0",
            "bell\u{7}",
            "del\u{7f}",
            "é ü 日本 🙂",
            "zero\u{200b}width",
            "bom\u{feff}",
            "soft\u{ad}hyphen",
            "c1\u{85}",
            "combining e\u{301}",
        ] {
            assert_eq!(Quoted(s).to_string(), format!("{s:?}"), "{s}");
        }
        for c in [
            'a', '\'', '"', '\\', '\n', '\0', '\u{7f}', 'é', '\u{200b}', '🙂',
        ] {
            assert_eq!(QuotedChar(c).to_string(), format!("{c:?}"), "{c}");
        }
    }
}
