//! Places in a text: byte offsets into line and character, the way editors count them.
//!
//! Parsers report byte offsets (`Range<usize>` into the UTF-8 text). Editors want a zero-based
//! line and a zero-based *character* counted in UTF-16 code units (the Language Server
//! Protocol's default and every browser editor's: a JS string index within the line). Compilers
//! and CI annotations want both 1-based. [`LineIndex`] answers either from one pass over the
//! text.
//!
//! Rules, as LSP states them: a line ends at `\n` (a `\r` before it belongs to the line break,
//! so a position never falls between them); a byte order mark at the start of the text is a
//! character like any other (it is in the string the caller passed); an offset inside a UTF-8
//! sequence counts as the start of that character; an offset past the end is the end.

use std::ops::Range;

/// A zero-based line and UTF-16 character (LSP's `Position`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Zero-based line.
    pub line: u32,
    /// Zero-based UTF-16 code unit within the line.
    pub character: u32,
}

/// A start and an end [`Position`] (LSP's `Range`; the end is exclusive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextRange {
    /// Where it starts.
    pub start: Position,
    /// Just past its end.
    pub end: Position,
}

/// The line starts of a text, to turn byte offsets into [`Position`]s.
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of each line's first byte; `starts[0] == 0`.
    starts: Vec<usize>,
    /// The whole text is ASCII: a character is a byte (the common case, and O(1)).
    ascii: bool,
}

impl<'t> LineIndex<'t> {
    /// Indexes `text` (one pass).
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// How many lines the text has (a text ending in `\n` has an empty last line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The position of byte `offset`.
    pub fn position(&self, offset: usize) -> Position {
        let b = self.text.as_bytes();
        let mut offset = offset.min(b.len());
        // Never between `\r` and `\n`, nor inside a UTF-8 sequence.
        if offset > 0 && b.get(offset) == Some(&b'\n') && b[offset - 1] == b'\r' {
            offset -= 1;
        }
        while offset > 0 && offset < b.len() && b[offset] & 0xc0 == 0x80 {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = if self.ascii {
            offset - start
        } else {
            utf16_len(&self.text[start..offset])
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The positions of a byte range.
    pub fn range(&self, bytes: Range<usize>) -> TextRange {
        TextRange {
            start: self.position(bytes.start),
            end: self.position(bytes.end.max(bytes.start)),
        }
    }

    /// The text of zero-based `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &'t str {
        let start = self.starts.get(line).copied().unwrap_or(self.text.len());
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let s = &self.text[start..end.max(start)];
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// Byte offset of the start of `line` (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }
}

/// UTF-16 code units of a string (a JS string's `length`).
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The candidate closest to `input` for a "did you mean": equal but for case, or within an
/// edit distance of a third of its length (at least 1, at most 3). `None` when nothing is close.
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let lower = input.to_lowercase();
    let limit = (input.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'c str)> = None;
    for c in candidates {
        let d = if c.to_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &c.to_lowercase())
        };
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_lines_and_characters() {
        let t = "ab\ncd\n\nx";
        let ix = LineIndex::new(t);
        assert_eq!(ix.lines(), 4);
        assert_eq!(ix.position(0), pos(0, 0));
        assert_eq!(ix.position(2), pos(0, 2));
        assert_eq!(ix.position(3), pos(1, 0));
        assert_eq!(ix.position(6), pos(2, 0));
        assert_eq!(ix.position(7), pos(3, 0));
        assert_eq!(ix.position(99), pos(3, 1));
        assert_eq!(ix.line_text(1), "cd");
        assert_eq!(ix.line_text(3), "x");
    }

    #[test]
    fn utf16_counts_surrogate_pairs_and_bom() {
        let t = "\u{feff}a: \u{e9}\u{1f600}x\n";
        let ix = LineIndex::new(t);
        let x = t.find('x').unwrap_or(0);
        // BOM 1 + "a: " 3 + é 1 + 😀 2 = 7
        assert_eq!(ix.position(x), pos(0, 7));
        assert_eq!(
            t[..x].encode_utf16().count(),
            ix.position(x).character as usize
        );
        // Inside the 4-byte sequence: the start of the character.
        let emoji = t.find('\u{1f600}').unwrap_or(0);
        assert_eq!(ix.position(emoji + 2), pos(0, 5));
    }

    #[test]
    fn did_you_mean() {
        let policies = ["Always", "IfNotPresent", "Never"];
        assert_eq!(closest("always", policies), Some("Always"));
        assert_eq!(closest("IfNotPresnt", policies), Some("IfNotPresent"));
        assert_eq!(closest("Sometimes", policies), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn crlf_is_one_line_break() {
        let t = "a: 1\r\nb: 2\r\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.position(4), pos(0, 4));
        assert_eq!(ix.position(5), pos(0, 4));
        assert_eq!(ix.position(6), pos(1, 0));
        assert_eq!(ix.line_text(0), "a: 1");
    }
}
