//! Where each node of a YAML document stands in the text: a tree shaped like the document's
//! value, recorded by the parser when asked ([`super::parse_documents_with_spans`]).
//!
//! Ranges are byte offsets into the text ([`crate::text::LineIndex`] turns them into lines and
//! characters). A scalar's range is its text as written: quotes included, a block scalar from
//! its `|`/`>` indicator to its last content character, a plain scalar without trailing blanks
//! or comment. A collection's range runs from its first to its last character. An absent value
//! (`key:` with nothing after it) has an empty range where the value would start.
//!
//! Aliases and merge keys have no text of their own: an alias (`*name`) carries the spans of the
//! node its anchor marks, and a key a merge (`<<: *base`) brings in carries the spans it has in
//! its source. A diagnostic about such a value points at the text that wrote it, which is also
//! where an edit to it belongs.

use std::ops::Range;

/// The spans of a node and of everything inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Spans {
    /// Not recorded (the parser was not asked for spans).
    #[default]
    None,
    /// A scalar (or an absent value).
    Scalar(Range<usize>),
    /// A sequence and its items, in order.
    Seq(Range<usize>, Vec<Spans>),
    /// A mapping and its entries: its own in the order written, then merged ones.
    Map(Range<usize>, Vec<Entry>),
}

/// One entry of a mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key's text (what the value's object has as its key).
    pub key: String,
    /// Where the key is written.
    pub key_range: Range<usize>,
    /// The value's spans.
    pub value: Spans,
}

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A sequence index.
    Index(usize),
}

impl Spans {
    /// The node's own range (`None` when not recorded).
    pub fn range(&self) -> Option<Range<usize>> {
        match self {
            Spans::None => None,
            Spans::Scalar(r) | Spans::Seq(r, _) | Spans::Map(r, _) => Some(r.clone()),
        }
    }

    /// The entry of a mapping for `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match self {
            Spans::Map(_, entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// One step down: a mapping's value for a key, a sequence's item.
    pub fn child(&self, step: Step<'_>) -> Option<&Spans> {
        match (self, step) {
            (Spans::Map(..), Step::Key(k)) => self.entry(k).map(|e| &e.value),
            (Spans::Seq(_, items), Step::Index(i)) => items.get(i),
            _ => None,
        }
    }

    /// The node at `path` below this one.
    pub fn at(&self, path: &[Step<'_>]) -> Option<&Spans> {
        path.iter().try_fold(self, |node, &step| node.child(step))
    }

    /// The range of the key that leads to `path` (its last step must be a key).
    pub fn key_range(&self, path: &[Step<'_>]) -> Option<Range<usize>> {
        let (last, parent) = path.split_last()?;
        let Step::Key(k) = *last else { return None };
        self.at(parent)?.entry(k).map(|e| e.key_range.clone())
    }

    /// The range of the node at `path`, or of its nearest recorded ancestor (a missing field is
    /// reported at the object that lacks it). `exact` tells which.
    pub fn locate(&self, path: &[Step<'_>]) -> Option<(Range<usize>, bool)> {
        let mut node = self;
        for &step in path {
            match node.child(step) {
                Some(next) if next.range().is_some() => node = next,
                _ => return node.range().map(|r| (r, false)),
            }
        }
        node.range().map(|r| (r, true))
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_documents_with_spans;
    use super::*;

    /// The text at `path` of document `doc`.
    fn text_at<'t>(text: &'t str, doc: usize, path: &[Step<'_>]) -> &'t str {
        let docs = parse_documents_with_spans(text);
        let r = docs[doc].spans.at(path).and_then(Spans::range);
        r.map_or("<none>", |r| &text[r])
    }

    use Step::{Index as I, Key as K};

    #[test]
    fn scalars_of_every_style_span_their_written_text() {
        let t = "a: plain value  # comment\nb: \"dq \\\"x\\\"\"\nc: 'sq ''x'''\nd: |\n  line1\n  line2\n\ne: >-\n  folded\n  text\nf:\ng: multi\n  line plain\n";
        assert_eq!(text_at(t, 0, &[K("a")]), "plain value");
        assert_eq!(text_at(t, 0, &[K("b")]), "\"dq \\\"x\\\"\"");
        assert_eq!(text_at(t, 0, &[K("c")]), "'sq ''x'''");
        assert_eq!(text_at(t, 0, &[K("d")]), "|\n  line1\n  line2");
        assert_eq!(text_at(t, 0, &[K("e")]), ">-\n  folded\n  text");
        assert_eq!(text_at(t, 0, &[K("f")]), "");
        assert_eq!(text_at(t, 0, &[K("g")]), "multi\n  line plain");
        let docs = parse_documents_with_spans(t);
        let key = docs[0].spans.key_range(&[K("c")]).map(|r| &t[r]);
        assert_eq!(key, Some("c"));
    }

    #[test]
    fn nested_block_and_flow_collections() {
        let t = "spec:\n  containers:\n  - name: app\n    image: nginx:1.25\n  - {name: side, image: \"busybox\"}\n  args: [a, 'b', {c: d}]\n";
        assert_eq!(
            text_at(t, 0, &[K("spec"), K("containers"), I(0), K("image")]),
            "nginx:1.25"
        );
        assert_eq!(
            text_at(t, 0, &[K("spec"), K("containers"), I(1), K("image")]),
            "\"busybox\""
        );
        assert_eq!(
            text_at(t, 0, &[K("spec"), K("containers"), I(1)]),
            "{name: side, image: \"busybox\"}"
        );
        assert_eq!(text_at(t, 0, &[K("spec"), K("args"), I(1)]), "'b'");
        assert_eq!(text_at(t, 0, &[K("spec"), K("args"), I(2), K("c")]), "d");
        assert_eq!(
            text_at(t, 0, &[K("spec"), K("containers"), I(0)]),
            "name: app\n    image: nginx:1.25"
        );
    }

    #[test]
    fn documents_are_separate_and_errors_do_not_hide_the_rest() {
        let t = "a: 1\n---\nb: [unclosed\n---\n\n---\nc: 3\n";
        let docs = parse_documents_with_spans(t);
        assert_eq!(docs.len(), 4);
        assert!(docs[0].error.is_none());
        assert!(docs[1].error.is_some());
        assert!(docs[2].value.is_null() && docs[2].error.is_none());
        assert_eq!(text_at(t, 3, &[K("c")]), "3");
        assert_eq!(docs[3].value["c"], 3);
    }

    #[test]
    fn aliases_and_merges_point_at_the_text_that_wrote_them() {
        let t = "base: &b\n  image: &img nginx:1\n  pull: Always\nx:\n  <<: *b\n  pull: Never\nz: *img\n";
        assert_eq!(text_at(t, 0, &[K("x"), K("image")]), "nginx:1");
        assert_eq!(text_at(t, 0, &[K("x"), K("pull")]), "Never");
        assert_eq!(text_at(t, 0, &[K("z")]), "nginx:1");
    }

    #[test]
    fn crlf_bom_and_tabs_in_values() {
        let t = "\u{feff}a: x\r\nb: \"tab\there\"\r\n";
        assert_eq!(text_at(t, 0, &[K("a")]), "x");
        assert_eq!(text_at(t, 0, &[K("b")]), "\"tab\there\"");
    }

    #[test]
    fn json_documents() {
        let t =
            "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"containers\": [{\"image\": \"nginx\"}]}\n}\n";
        assert_eq!(
            text_at(t, 0, &[K("spec"), K("containers"), I(0), K("image")]),
            "\"nginx\""
        );
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let t = "spec:\n  containers:\n  - name: a\n";
        let docs = parse_documents_with_spans(t);
        let path = [K("spec"), K("containers"), I(0), K("image")];
        let (r, exact) = docs[0].spans.locate(&path).unwrap_or((0..0, true));
        assert!(!exact);
        assert_eq!(&t[r], "name: a");
    }
}
