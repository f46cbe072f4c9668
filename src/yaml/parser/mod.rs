//! The recursive-descent parser: a cursor over the text, node properties, anchors and aliases.
//! The stream of documents ([`load`], [`load_documents`]), the node at a position, block
//! collections, flow collections and scalars are read by the submodules.

use super::spans::{Entry, Spans};
use super::{alias_budget, merged, resolve, Document, PartialParse, Style, YamlError, MAX_DEPTH};
use serde_json::{Map, Value};
use std::ops::Range;

mod block;
mod flow;
mod node;
mod scalar;
mod stream;

pub(super) use stream::{load, load_documents};

/// A node read, with what the alias budget and the depth limit need: how many nodes it holds
/// and how deep it nests (0 for a scalar); and where it stands in the text, when recorded.
struct Node {
    value: Value,
    nodes: usize,
    height: usize,
    spans: Spans,
}

impl Node {
    fn scalar(value: Value) -> Node {
        Node {
            value,
            nodes: 1,
            height: 0,
            spans: Spans::None,
        }
    }

    fn copy(&self) -> Node {
        Node {
            value: self.value.clone(),
            nodes: self.nodes,
            height: self.height,
            spans: self.spans.clone(),
        }
    }
}

/// A mapping being read: its entries, its merge sources (`<<`), their spans when recorded, and
/// what the limits need.
struct MapBuilder {
    map: Map<String, Value>,
    merges: Vec<Value>,
    entries: Vec<Entry>,
    merge_spans: Vec<Spans>,
    nodes: usize,
    height: usize,
}

impl MapBuilder {
    fn new() -> MapBuilder {
        MapBuilder {
            map: Map::new(),
            merges: Vec::new(),
            entries: Vec::new(),
            merge_spans: Vec::new(),
            nodes: 1,
            height: 1,
        }
    }

    /// The mapping's spans: its own entries, then those its merge sources bring in (the same
    /// keys, in the same order, that [`merged`] takes from them).
    fn spans(&mut self, record: bool, start: usize) -> Spans {
        if !record {
            return Spans::None;
        }
        let mut entries = std::mem::take(&mut self.entries);
        let end = entries
            .iter()
            .map(|e| {
                e.value
                    .range()
                    .map_or(e.key_range.end, |r| r.end.max(e.key_range.end))
            })
            .max()
            .unwrap_or(start);
        let sources = std::mem::take(&mut self.merge_spans)
            .into_iter()
            .flat_map(|m| match m {
                Spans::Seq(_, items) => items,
                other => vec![other],
            });
        for source in sources {
            if let Spans::Map(_, from) = source {
                for e in from {
                    if !entries.iter().any(|x| x.key == e.key) {
                        entries.push(e);
                    }
                }
            }
        }
        Spans::Map(start..end, entries)
    }

    /// The mapping's value (own entries, then merged ones).
    fn value(&mut self) -> Value {
        merged(
            std::mem::take(&mut self.map),
            std::mem::take(&mut self.merges),
        )
    }
}

/// A failure: the error, and what was read of the node that was being read (containers closed
/// where they stood).
struct Fail {
    error: YamlError,
    partial: Option<Value>,
}

type Res<T> = Result<T, Box<Fail>>;

/// The properties of a node: `&anchor` and `!tag`.
#[derive(Default, Clone, Copy)]
struct Props<'t> {
    anchor: Option<&'t str>,
    tag: Option<&'t str>,
}

impl Props<'_> {
    fn any(&self) -> bool {
        self.anchor.is_some() || self.tag.is_some()
    }
}

/// Where a block node is read.
#[derive(Clone, Copy)]
struct Ctx {
    /// Indentation of the enclosing block collection (-1 at the root).
    parent: isize,
    /// A block sequence starting a later line may sit at this column: the parent's own for the
    /// value of a mapping key, one more elsewhere.
    seq_at: isize,
    /// Block collections may start on the current line (after `- `, `? ` or at a line start).
    block_here: bool,
}

/// A mapping key: its text, or a merge key (`<<`).
enum Key {
    Text(String),
    Merge,
}

/// A node read on one line that may turn out to be a mapping key (`node:`).
struct Candidate {
    node: Node,
    /// A plain scalar (the only kind `<<` is a merge key in).
    style: Option<Style>,
    /// Start of the node (or of its properties).
    start: usize,
    /// It spans lines (a key may not).
    multiline: bool,
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

/// A blank, a line break or the end (a NUL ends the text, as in libyaml and yaml-rust2).
fn blank_or_end(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Line and column (1-based, the column in characters) of byte `pos`; the end of a text that
/// does not end with a line break counts as the start of one more line (as libyaml-style
/// parsers have it).
fn position(b: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(b.len());
    let before = &b[..pos];
    let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
    let start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let column = 1 + b[start..pos].iter().filter(|&&c| c & 0xc0 != 0x80).count();
    if pos == b.len() && column > 1 {
        (line + 1, 1)
    } else {
        (line, column)
    }
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// The document's anchors, latest definition last; `None` while its node is being read.
    anchors: Vec<(&'t str, Option<Node>)>,
    expanded: usize,
    budget: usize,
    /// Collections open around the current position.
    depth: usize,
    /// Length of the byte order mark the text starts with (not a column).
    bom: usize,
    /// Record where every node stands ([`Spans`]).
    record: bool,
}

impl<'t> Parser<'t> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(self.pos)
    }

    fn fail(&self, pos: usize, message: impl Into<String>) -> Box<Fail> {
        let (line, column) = position(self.b, pos);
        Box::new(Fail {
            error: YamlError {
                message: message.into(),
                line,
                column,
                offset: pos.min(self.b.len()),
            },
            partial: None,
        })
    }

    fn col(&self, pos: usize) -> usize {
        let start = self.b[..pos]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(self.bom, |i| i + 1);
        self.b[start..pos]
            .iter()
            .filter(|&&c| c & 0xc0 != 0x80)
            .count()
    }

    /// At the start of a line (the first line starts after a byte order mark).
    fn line_start(&self, pos: usize) -> bool {
        pos == 0 || pos == self.bom || self.b[pos - 1] == b'\n'
    }

    /// `---` or `...` at the start of a line, followed by a blank or the end.
    fn at_marker(&self, marker: &[u8]) -> bool {
        self.line_start(self.pos)
            && self.b[self.pos..].starts_with(marker)
            && blank_or_end(self.at(self.pos + 3))
    }

    fn at_doc_marker(&self) -> bool {
        self.at_marker(b"---") || self.at_marker(b"...")
    }

    /// `c` followed by a blank or the end (`- `, `? `, `: `).
    fn at_indicator(&self, c: u8) -> bool {
        self.peek() == c && blank_or_end(self.at(self.pos + 1))
    }

    fn at_eol(&self) -> bool {
        matches!(self.peek(), b'\n' | 0)
    }

    /// The line's indentation holds a tab (which YAML does not allow in block context).
    fn tab_indented(&self) -> Res<()> {
        let indent = self.b[..self.pos].iter().rev().take_while(|&&c| c != b'\n');
        if indent.clone().any(|&c| c == b'\t') && indent.clone().all(|&c| is_blank(c)) {
            return Err(self.fail(
                self.pos,
                "tabs disallowed within this context (block indentation)",
            ));
        }
        Ok(())
    }

    /// At the end of a line, or at the first content of one (where a nested block left off).
    fn at_line_end_or_start(&self) -> bool {
        self.at_eol()
            || self.b[..self.pos]
                .iter()
                .rev()
                .take_while(|&&c| c != b'\n')
                .all(|&c| is_blank(c))
    }

    /// Skips blanks and a comment, up to the line break.
    fn skip_inline(&mut self) {
        while is_blank(self.peek()) {
            self.pos += 1;
        }
        if self.peek() == b'#' && (self.line_start(self.pos) || is_blank(self.at(self.pos - 1))) {
            while !self.at_eol() {
                self.pos += 1;
            }
        }
    }

    /// Skips blanks, comments and line breaks, to the next content (or the end).
    fn skip_lines(&mut self) {
        loop {
            self.skip_inline();
            if self.peek() != b'\n' {
                return;
            }
            self.pos += 1;
        }
    }

    /// Properties (`&anchor`, `!tag`) and the blanks after them.
    fn props(&mut self) -> Res<Props<'t>> {
        let mut props = Props::default();
        loop {
            let c = self.peek();
            if c != b'&' && c != b'!' {
                return Ok(props);
            }
            let start = self.pos;
            let mut end = start + 1;
            if c == b'!' && self.at(end) == b'<' {
                while !matches!(self.at(end), b'>' | b'\n' | 0) {
                    end += 1;
                }
                end += usize::from(self.at(end) == b'>');
            }
            while !blank_or_end(self.at(end)) && !is_flow(self.at(end)) {
                end += 1;
            }
            let token = &self.text[start + 1..end];
            let slot = if c == b'&' {
                &mut props.anchor
            } else {
                &mut props.tag
            };
            if slot.is_some() || (c == b'&' && token.is_empty()) {
                return Err(self.fail(start, "did not find expected node content"));
            }
            *slot = Some(if c == b'&' {
                token
            } else {
                &self.text[start..end]
            });
            self.pos = end;
            self.skip_inline();
        }
    }

    /// The empty node (an absent value), with its properties.
    fn empty(&mut self, props: Props<'t>) -> Node {
        let node = self.leaf(
            resolve(String::new(), Style::Plain, props.tag),
            self.pos..self.pos,
        );
        self.anchor_done(props.anchor, &node);
        node
    }

    fn anchor_open(&mut self, anchor: Option<&'t str>) {
        if let Some(name) = anchor {
            self.anchors.push((name, None));
        }
    }

    /// Records `node` for `anchor` (the latest open definition of that name).
    fn anchor_done(&mut self, anchor: Option<&'t str>, node: &Node) {
        let Some(name) = anchor else { return };
        match self
            .anchors
            .iter_mut()
            .rev()
            .find(|(n, v)| *n == name && v.is_none())
        {
            Some(slot) => slot.1 = Some(node.copy()),
            None => self.anchors.push((name, Some(node.copy()))),
        }
    }

    /// `*name`: a copy of the anchored node, within the alias budget and the depth limit.
    fn alias(&mut self) -> Res<Node> {
        let start = self.pos;
        let mut end = start + 1;
        while !blank_or_end(self.at(end)) && !is_flow(self.at(end)) {
            end += 1;
        }
        let name = &self.text[start + 1..end];
        self.pos = end;
        let stored = match self.anchors.iter().rev().find(|(n, _)| *n == name) {
            None => {
                return Err(self.fail(start, "while parsing node, found unknown anchor"));
            }
            Some((_, None)) => {
                return Err(self.fail(
                    start,
                    "alias to an anchor that is not complete yet (a recursive alias)",
                ));
            }
            Some((_, Some(node))) => (node.nodes, node.height),
        };
        self.expanded = self.expanded.saturating_add(stored.0);
        if self.expanded > self.budget {
            return Err(self.fail(
                start,
                format!(
                    "aliases expand to more than {} nodes (excessive aliasing, as in a \"billion laughs\" document)",
                    self.budget
                ),
            ));
        }
        if self.depth + stored.1 > MAX_DEPTH {
            return Err(self.fail(start, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        let node = self.anchors.iter().rev().find(|(n, _)| *n == name);
        Ok(node
            .and_then(|(_, n)| n.as_ref())
            .map_or_else(|| Node::scalar(Value::Null), Node::copy))
    }

    /// A scalar node written at `range` (trailing blanks and line breaks trimmed).
    fn leaf(&self, value: Value, range: Range<usize>) -> Node {
        let mut node = Node::scalar(value);
        if self.record {
            let mut end = range.end.min(self.b.len());
            while end > range.start && matches!(self.b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
                end -= 1;
            }
            node.spans = Spans::Scalar(range.start..end);
        }
        node
    }

    /// Enters a collection starting at `start`.
    fn enter(&mut self, start: usize) -> Res<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(start, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        Ok(())
    }
}
