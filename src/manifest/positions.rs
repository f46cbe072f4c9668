//! From JSON paths back to places in the text: what an editor needs to underline a problem.
//!
//! Validation reports problems by JSON path (`manifests[2].platform.architecture`), computed on
//! the parsed tree, which keeps no positions. [`locate`] scans the raw text once, iteratively
//! (no recursion, so nesting depth costs no stack), and finds the span of each requested path,
//! or of its nearest existing ancestor when the path itself is absent (a missing field is
//! reported at the object that lacks it). Only the requested paths and their ancestors are
//! tracked; every other subtree is skipped without building a path, so the work is one pass and
//! the memory is proportional to the number of paths asked for.
//!
//! Paths use the same syntax as the rest of the crate ([`child_path`], [`index_path`]):
//! `key`, `parent.key`, `parent["not.an.identifier"]`, `parent[3]`; the empty path is the root.
//! When an object repeats a key, the last occurrence is the one located (it is also the one the
//! validator reads, and the duplicate an editor should point at).
//!
//! [`line_columns`] turns byte offsets into 1-based line and column numbers (and, on request,
//! offsets counted in UTF-16 code units, which is what JS strings and LSP editors count).

use super::json::{child_path, index_path, Json};
use super::ManifestError;
use crate::error::Coded;
use std::ops::Range;

/// Where a value is in the text: byte range, plus the start of its key when it is an object
/// member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the value's first byte.
    pub start: usize,
    /// Byte offset just past the value's last byte.
    pub end: usize,
    /// Byte offset of the opening quote of the member's key, for object members.
    pub key: Option<usize>,
}

/// The result of locating one path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    /// Span of the path's value, or of its nearest existing ancestor.
    pub span: Span,
    /// True when `span` is the path's own value (not an ancestor's).
    pub exact: bool,
}

/// The byte offsets at which each prefix of `path` ends, shortest first, the whole path last
/// (the root, `""`, is not included). `None` when the path does not follow the path syntax.
fn prefix_ends(path: &str) -> Option<Vec<usize>> {
    let b = path.as_bytes();
    let mut ends = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'[' if b.get(i + 1) == Some(&b'"') => {
                // ["json string"]
                let mut j = i + 2;
                loop {
                    match b.get(j)? {
                        b'\\' => j += 2,
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                if b.get(j + 1) != Some(&b']') {
                    return None;
                }
                i = j + 2;
            }
            b'[' => {
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 || b.get(i + 1 + digits) != Some(&b']') {
                    return None;
                }
                i += digits + 2;
            }
            c => {
                if c == b'.' {
                    if i == 0 {
                        return None;
                    }
                    i += 1;
                } else if i != 0 {
                    return None;
                }
                let len = b[i..]
                    .iter()
                    .take_while(|&&c| c != b'.' && c != b'[')
                    .count();
                if len == 0 {
                    return None;
                }
                i += len;
            }
        }
        ends.push(i);
    }
    Some(ends)
}

/// What an open container on the scan stack is.
struct Frame {
    path: String,
    start: usize,
    key: Option<usize>,
    is_object: bool,
    /// Next element index (arrays).
    next: usize,
    /// The key of the member whose value comes next, and where it starts (objects).
    member: Option<(String, usize)>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Offset just past the string starting at `i` (which is a `"`).
fn string_end(text: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while j < text.len() {
        match text[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    text.len()
}

/// Offset just past the scalar (number, `true`, `false`, `null`) starting at `i`.
fn scalar_end(text: &[u8], i: usize) -> usize {
    i + text[i..]
        .iter()
        .take_while(|&&c| !is_ws(c) && !matches!(c, b',' | b'}' | b']' | b':'))
        .count()
        .max(1)
}

/// Offset just past the container starting at `i` (`{` or `[`), without tracking paths.
fn container_end(text: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < text.len() {
        match text[j] {
            b'"' => {
                j = string_end(text, j);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    text.len()
}

/// Locates each of `paths` in `text` (JSON; see the module doc). A path that is absent yields
/// its nearest existing ancestor (`exact: false`); `None` only when not even the root is a
/// value (text that is not JSON). Never panics, whatever the text.
pub fn locate(text: &[u8], paths: &[&str]) -> Vec<Option<Located>> {
    let mut wanted: Vec<&str> = vec![""];
    let mut prefixes: Vec<Vec<&str>> = Vec::with_capacity(paths.len());
    for p in paths {
        let list: Vec<&str> = match prefix_ends(p) {
            Some(ends) => ends.into_iter().filter_map(|e| p.get(..e)).collect(),
            None => Vec::new(),
        };
        wanted.extend(list.iter().copied());
        prefixes.push(list);
    }
    crate::go::sort::sort(&mut wanted);
    wanted.dedup();
    let spans = Spans(scan(text, &wanted));
    paths
        .iter()
        .zip(prefixes)
        .map(|(p, list)| {
            if let Some(span) = spans.get(p) {
                return Some(Located {
                    span: *span,
                    exact: true,
                });
            }
            list.iter()
                .rev()
                .chain(std::iter::once(&""))
                .find_map(|a| spans.get(a))
                .map(|span| Located {
                    span: *span,
                    exact: false,
                })
        })
        .collect()
}

/// The spans found, sorted by path, one per path (sorted `Vec`s rather than hash tables: each
/// map type is kilobytes of wasm).
struct Spans(Vec<(String, Span)>);

impl Spans {
    fn get(&self, path: &str) -> Option<&Span> {
        let at = self.0.partition_point(|(p, _)| p.as_str() < path);
        self.0.get(at).filter(|(p, _)| p == path).map(|(_, s)| s)
    }
}

/// One pass over the text recording the spans of the `wanted` paths (sorted): sorted by path,
/// the last one recorded for a path kept.
fn scan(text: &[u8], wanted: &[&str]) -> Vec<(String, Span)> {
    let mut spans = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut done = false;
    while i < text.len() && !done {
        let c = text[i];
        if is_ws(c) || c == b':' {
            i += 1;
            continue;
        }
        if c == b',' {
            if let Some(top) = stack.last_mut() {
                top.member = None;
            }
            i += 1;
            continue;
        }
        if c == b'}' || c == b']' {
            if let Some(f) = stack.pop() {
                spans.push((
                    f.path,
                    Span {
                        start: f.start,
                        end: i + 1,
                        key: f.key,
                    },
                ));
            }
            done = stack.is_empty();
            i += 1;
            continue;
        }
        // A key?
        if c == b'"' {
            if let Some(top) = stack.last_mut() {
                if top.is_object && top.member.is_none() {
                    let end = string_end(text, i);
                    let key = text
                        .get(i..end)
                        .and_then(|raw| match super::json::parse(raw) {
                            Ok(Json::Str(s)) => Some(s),
                            _ => None,
                        })
                        .unwrap_or_default();
                    top.member = Some((key, i));
                    i = end;
                    continue;
                }
            }
        }
        // A value: its path and key position.
        let (path, key) = match stack.last_mut() {
            None => (String::new(), None),
            Some(top) if top.is_object => match &top.member {
                Some((k, at)) => (child_path(&top.path, k), Some(*at)),
                None => (child_path(&top.path, ""), None),
            },
            Some(top) => {
                top.next += 1;
                (index_path(&top.path, top.next - 1), None)
            }
        };
        let interesting = wanted.binary_search(&path.as_str()).is_ok();
        match c {
            b'{' | b'[' if interesting => {
                stack.push(Frame {
                    path,
                    start: i,
                    key,
                    is_object: c == b'{',
                    next: 0,
                    member: None,
                });
                i += 1;
                continue;
            }
            _ => {}
        }
        let end = match c {
            b'{' | b'[' => container_end(text, i),
            b'"' => string_end(text, i),
            _ => scalar_end(text, i),
        };
        if interesting {
            spans.push((path, Span { start: i, end, key }));
        }
        done = stack.is_empty();
        i = end;
    }
    // Text that ends inside containers (not JSON): they extend to the end.
    for f in stack {
        spans.push((
            f.path,
            Span {
                start: f.start,
                end: text.len(),
                key: f.key,
            },
        ));
    }
    // Sorted by path (stably: a later span of the same path replaces an earlier one).
    crate::go::sort::sort_by(&mut spans, |a, b| a.0 < b.0);
    let mut out: Vec<(String, Span)> = Vec::with_capacity(spans.len());
    for (path, span) in spans {
        match out.last_mut() {
            Some(last) if last.0 == path => last.1 = span,
            _ => out.push((path, span)),
        }
    }
    out
}

/// The byte range each error is about, for underlining: a syntax or encoding error's offset
/// (one byte wide); a value's span (a duplicate key's span starts at the repeated key); for a
/// missing value, the key of the nearest enclosing member, or the opening bracket of the nearest
/// enclosing value. `None` for errors that are not about the text (size limit, Content-Type).
pub fn error_ranges(text: &[u8], errors: &[ManifestError]) -> Vec<Option<Range<usize>>> {
    let paths: Vec<Option<String>> = errors
        .iter()
        .map(|e| match e {
            ManifestError::DuplicateKey { path, key } => Some(child_path(path, key)),
            ManifestError::KindUnknown { .. } => Some(String::new()),
            ManifestError::FieldType { path, .. } if path.is_empty() => Some(String::new()),
            e if e.offset().is_some() => None,
            e => e.path(),
        })
        .collect();
    let wanted: Vec<&str> = paths.iter().filter_map(|p| p.as_deref()).collect();
    let mut located = if wanted.is_empty() {
        Vec::new()
    } else {
        locate(text, &wanted)
    }
    .into_iter();
    errors
        .iter()
        .zip(&paths)
        .map(|(e, path)| {
            if let Some(at) = e.offset() {
                let at = at.min(text.len());
                return Some(at..(at + 1).min(text.len()).max(at));
            }
            path.as_ref()?;
            let l = located.next().flatten()?;
            let duplicate = matches!(e, ManifestError::DuplicateKey { .. });
            Some(match (l.exact, l.span.key) {
                (true, Some(key)) if duplicate => key..l.span.end,
                (true, _) => l.span.start..l.span.end,
                (false, Some(key)) => key..string_end(text, key),
                (false, None) => l.span.start..(l.span.start + 1).min(l.span.end),
            })
        })
        .collect()
}

/// A position in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// The offset in the unit asked for (bytes, or UTF-16 code units).
    pub offset: usize,
    /// 1-based line (lines end at `\n`).
    pub line: usize,
    /// 1-based column, in the same unit as `offset`.
    pub column: usize,
}

/// Line and column of each byte offset in `text` (offsets past the end are clamped), counted
/// in bytes, or in UTF-16 code units when `utf16` (for text that is UTF-8). One pass over the
/// text whatever the number of offsets.
pub fn line_columns(text: &[u8], offsets: &[usize], utf16: bool) -> Vec<Position> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    let key = |k: &usize| offsets.get(*k).copied().unwrap_or(0);
    crate::go::sort::sort_by(&mut order, |a, b| key(a) < key(b));
    let mut out = vec![
        Position {
            offset: 0,
            line: 1,
            column: 1
        };
        offsets.len()
    ];
    let (mut at, mut units, mut line, mut line_start_units) = (0usize, 0usize, 1usize, 0usize);
    for k in order {
        let target = offsets.get(k).copied().unwrap_or(0).min(text.len());
        while at < target {
            let b = text[at];
            if b == b'\n' {
                line += 1;
                line_start_units = units + 1;
            }
            units += match (utf16, b) {
                (false, _) => 1,
                (true, 0x00..=0x7f) => 1,
                (true, 0x80..=0xbf) => 0, // continuation byte: counted with its lead
                (true, 0xf0..=0xff) => 2, // 4-byte sequence: a surrogate pair
                (true, _) => 1,
            };
            at += 1;
        }
        if let Some(slot) = out.get_mut(k) {
            *slot = Position {
                offset: units,
                line,
                column: units - line_start_units + 1,
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "schemaVersion": 2,
  "manifests": [
    { "digest": "sha256:x", "platform": { "os": "linux" } },
    { "a.b": [1, {"k": true}], "size": -1 }
  ],
  "dup": 1, "dup": "second"
}"#;

    fn text_at(p: &str) -> Option<(&'static str, bool)> {
        locate(DOC.as_bytes(), &[p])[0].map(|l| (&DOC[l.span.start..l.span.end], l.exact))
    }

    #[test]
    fn locates_values_by_path() {
        let cases: &[(&str, &str, bool)] = &[
            ("schemaVersion", "2", true),
            ("manifests[0].digest", "\"sha256:x\"", true),
            ("manifests[0].platform.os", "\"linux\"", true),
            ("manifests[1][\"a.b\"][1].k", "true", true),
            ("manifests[1].size", "-1", true),
            ("dup", "\"second\"", true),
            // absent: the nearest ancestor
            ("manifests[0].size", "{ \"digest\": \"sha256:x\", \"platform\": { \"os\": \"linux\" } }", false),
            ("manifests[0].platform.architecture", "{ \"os\": \"linux\" }", false),
            ("manifests[7]", "[\n    { \"digest\": \"sha256:x\", \"platform\": { \"os\": \"linux\" } },\n    { \"a.b\": [1, {\"k\": true}], \"size\": -1 }\n  ]", false),
            ("config", DOC, false),
            ("", DOC, true),
        ];
        for (path, want, exact) in cases {
            assert_eq!(text_at(path), Some((*want, *exact)), "{path}");
        }
    }

    #[test]
    fn member_spans_carry_the_key_position() {
        let l = locate(DOC.as_bytes(), &["manifests[0].digest", "manifests[0]"]);
        let key = l[0].and_then(|l| l.span.key).unwrap_or(0);
        assert_eq!(&DOC[key..key + 8], "\"digest\"");
        assert_eq!(l[1].and_then(|l| l.span.key), None);
    }

    #[test]
    fn malformed_paths_and_texts_do_not_panic() {
        for p in ["a..b", "[", "a[x]", "[\"unterminated", ".a", "a[\"k\"x"] {
            let _ = locate(DOC.as_bytes(), &[p]);
        }
        for t in ["", "{", "[[[[", "{\"a\":", "\"abc", "}}}", "{\"a\" 1 2 ]"] {
            let _ = locate(t.as_bytes(), &["a", "a[0]", ""]);
        }
        assert_eq!(locate(b"", &["a"]), vec![None]);
        let deep = "[".repeat(100_000);
        assert!(locate(deep.as_bytes(), &["[0][0][0]"])[0].is_some());
    }

    #[test]
    fn error_ranges_point_at_the_problem() {
        let doc = concat!(
            r#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","#,
            r#""digest":"sha256:abc","size":-1,"platform":{"os":"linux"}}],"x":1,"x":2}"#
        );
        let errors = super::super::validate(doc.as_bytes(), None);
        let got: Vec<(&str, &str)> = errors
            .iter()
            .zip(error_ranges(doc.as_bytes(), &errors))
            .map(|(e, r)| (e.code(), r.and_then(|r| doc.get(r)).unwrap_or("-")))
            .collect();
        assert_eq!(
            got,
            [
                ("DUPLICATE_KEY", r#""x":2"#),
                ("DESCRIPTOR_DIGEST_INVALID", r#""sha256:abc""#),
                ("DESCRIPTOR_SIZE_INVALID", "-1"),
                ("PLATFORM_INVALID", r#""platform""#),
            ]
        );
        let bad = b"{\"a\": tru}";
        let errors = super::super::validate(bad, None);
        let r = error_ranges(bad, &errors);
        assert_eq!(errors[0].code(), "MANIFEST_INVALID_JSON");
        assert!(r[0].as_ref().is_some_and(|r| r.len() == 1), "{r:?}");
        let big = vec![b' '; super::super::MAX_MANIFEST_SIZE + 1];
        let errors = super::super::validate(&big, None);
        assert_eq!(error_ranges(&big, &errors), vec![None]);
    }

    #[test]
    fn line_columns_count_bytes_or_utf16_units() {
        let text = "ab\n\u{e9}x\n\u{1f600}y";
        let bytes = text.as_bytes();
        let y = text.find('y').unwrap_or(0);
        let x = text.find('x').unwrap_or(0);
        let got = line_columns(bytes, &[y, 0, x, 999], false);
        let lc: Vec<(usize, usize, usize)> =
            got.iter().map(|p| (p.offset, p.line, p.column)).collect();
        assert_eq!(lc, [(y, 3, 5), (0, 1, 1), (x, 2, 3), (bytes.len(), 3, 6)]);
        let got = line_columns(bytes, &[y, x], true);
        let lc: Vec<(usize, usize, usize)> =
            got.iter().map(|p| (p.offset, p.line, p.column)).collect();
        // UTF-16: "ab\n" = 3, "éx\n" = 3, "😀" = 2 units
        assert_eq!(lc, [(8, 3, 3), (4, 2, 2)]);
        assert_eq!(
            text.encode_utf16()
                .take_while(|&u| u != u16::from(b'y'))
                .count(),
            8
        );
    }
}
