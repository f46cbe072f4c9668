//! YAML text to [`serde_json::Value`], the way Kubernetes reads manifests.
//!
//! Secrets and credential-provider configs are often written as YAML. This module turns YAML
//! into the same `Value` a JSON document would give, so the rest of the crate only knows JSON.
//!
//! The parser is our own (a general YAML library is most of a wasm module's size), for the
//! YAML that Kubernetes objects, Secrets and CredentialProviderConfigs are written in:
//!
//! - block mappings and sequences (a sequence may sit at the indentation of its key; `- key: v`
//!   starts a mapping inside an entry), explicit `? key` / `: value` entries;
//! - flow sequences and mappings (`[a, b]`, `{a: 1}`, JSON; `[a: 1]` is a one-pair mapping);
//! - plain scalars (folded over lines), single-quoted (`''`) and double-quoted scalars (every
//!   YAML escape, `\` line continuations), literal `|` and folded `>` block scalars with
//!   chomping (`-`, `+`) and indentation indicators; comments;
//! - documents (`---`, `...`; `%` directives are skipped), anchors, aliases, merge keys; tags
//!   are read and ignored, except the ones below.
//!
//! The parser is recursive descent over the text; every level of recursion is a collection, so
//! the recursion is bounded by [`MAX_DEPTH`]. Values are built with these rules:
//!
//! - **Scalars** resolve as `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1) does: quoted and block
//!   scalars are strings; plain `~`, `null`, `Null`, `NULL` and the empty scalar are `null`;
//!   `true/false`, `yes/no`, `on/off`, `y/n` (in lower, Title and UPPER case) are booleans;
//!   integers may have a sign, `_` separators and `0x`, `0o`, `0b` or a leading-`0` (octal)
//!   prefix; floats follow `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`; everything
//!   else is a string. `.inf`/`.nan` have no JSON form and stay
//!   strings (a decimal beyond 64 bits becomes a float, as in Go). The tag `!!str` (and the non-specific `!`) forces a string, `!!null` a null.
//! - **Keys** must be scalars; a resolved non-string key is written as JSON text (`true`,
//!   `1`). A key given twice in one mapping is an error (kubectl rejects it too).
//! - **Merge keys** (`<<: *base` or `<<: [*a, *b]`) copy the keys the mapping does not set
//!   itself, earlier sources first.
//! - **Anchors and aliases** expand by copying, bounded: the aliases of one text may add at most
//!   [`alias_budget`] nodes in all, so a "billion laughs" document fails quickly instead of
//!   exhausting memory. Nesting deeper than [`MAX_DEPTH`] is an error too.
//! - **Documents**: [`parse_yaml`] wants at most one (an empty text is `null`; a second
//!   document is an error that says so); [`parse_yaml_documents`] returns them all, skipping
//!   empty ones (a trailing `---`).
//!
//! Every failure is a [`YamlError`] (`YAML_INVALID`) with the 1-based line and column and the
//! byte offset of the problem.

use crate::error::Coded;
use serde_json::{Map, Number, Value};
use std::fmt;

/// Deepest nesting of sequences and mappings accepted (serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// How many nodes the aliases of a text may add in all: the text's length in bytes, at least
/// 10,000. Literal nodes are bounded by the text itself, so the whole value stays within a
/// small multiple of the input.
pub fn alias_budget(text: &str) -> usize {
    text.len().max(10_000)
}

/// A text that is not YAML this module accepts (`YAML_INVALID`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset into the text.
    pub offset: usize,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not valid YAML at line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl Coded for YamlError {
    fn code(&self) -> &'static str {
        "YAML_INVALID"
    }
    fn offset(&self) -> Option<usize> {
        Some(self.offset)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("line", self.line.to_string()),
            ("column", self.column.to_string()),
        ]
    }
}

/// A failed parse with what was read of the failing document before the problem (open
/// sequences and mappings closed where they stood), so a caller can still name the object that
/// failed, e.g. by its `metadata.name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialParse {
    /// The error.
    pub error: YamlError,
    /// The failing document as far as it was read, when anything was.
    pub partial: Option<Value>,
}

/// Parses a text holding at most one document; an empty text is `null`.
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    let docs = load(text, true).map_err(|p| p.error)?;
    Ok(docs.into_iter().flatten().next().unwrap_or(Value::Null))
}

/// Parses every document of a stream, skipping empty ones.
pub fn parse_yaml_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    parse_yaml_documents_partial(text).map_err(|p| p.error)
}

/// [`parse_yaml_documents`], keeping what was read of the failing document.
pub fn parse_yaml_documents_partial(text: &str) -> Result<Vec<Value>, PartialParse> {
    Ok(load(text, false)?.into_iter().flatten().collect())
}

/// JSON text when it parses as JSON, else one YAML document (YAML's errors are reported).
pub fn parse_json_or_yaml(text: &str) -> Result<Value, YamlError> {
    crate::manifest::parse_value(text).or_else(|_| parse_yaml(text))
}

/// A node read, with what the alias budget and the depth limit need: how many nodes it holds
/// and how deep it nests (0 for a scalar).
struct Node {
    value: Value,
    nodes: usize,
    height: usize,
}

impl Node {
    fn scalar(value: Value) -> Node {
        Node {
            value,
            nodes: 1,
            height: 0,
        }
    }

    fn copy(&self) -> Node {
        Node {
            value: self.value.clone(),
            nodes: self.nodes,
            height: self.height,
        }
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

/// How a scalar was written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Quoted,
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

    fn line_start(&self, pos: usize) -> bool {
        pos == 0 || self.b[pos - 1] == b'\n'
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
        let node = Node::scalar(resolve(String::new(), Style::Plain, props.tag));
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

    /// Enters a collection starting at `start`.
    fn enter(&mut self, start: usize) -> Res<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.fail(start, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        Ok(())
    }

    /// A block node: on this line (after `key:` when `!ctx.block_here`), or on the next lines.
    fn node(&mut self, ctx: Ctx) -> Res<Node> {
        self.skip_inline();
        let start = self.pos;
        let props = self.props()?;
        if !self.at_eol() {
            return self.node_here(props, start, false, ctx.parent, ctx.block_here);
        }
        // The node starts on a later line (or is empty).
        self.skip_lines();
        let c = self.col(self.pos) as isize;
        let seq_here = self.at_indicator(b'-') && c >= ctx.seq_at;
        if self.peek() == 0 || self.at_doc_marker() || !(c > ctx.parent || seq_here) {
            return Ok(self.empty(props));
        }
        self.tab_indented()?;
        if !props.any() {
            // The node (and its properties, if any) start this line.
            return self.node(Ctx {
                block_here: true,
                ..ctx
            });
        }
        self.node_here(props, self.pos, true, ctx.parent, true)
    }

    /// A node at the current position. `own_line`: the properties stood on a line of their own
    /// (they then belong to a collection starting here rather than to its first key).
    fn node_here(
        &mut self,
        props: Props<'t>,
        start: usize,
        own_line: bool,
        parent: isize,
        block_here: bool,
    ) -> Res<Node> {
        let col = self.col(self.pos);
        if block_here {
            // Properties before a `- `/`? ` on the same line would belong to a key: not here.
            let props_fit = own_line || !props.any();
            if props_fit && self.at_indicator(b'-') {
                return self.block_seq(col, props, parent);
            }
            if props_fit && (self.at_indicator(b'?') || self.at_indicator(b':')) {
                return self.block_map(col, props, None);
            }
        } else if self.at_indicator(b'-') {
            return Err(self.fail(
                self.pos,
                "block sequence entries are not allowed in this context",
            ));
        }
        let c = self.peek();
        if c == b'|' || c == b'>' {
            let text = self.block_scalar(parent)?;
            let node = Node::scalar(resolve(text, Style::Quoted, props.tag));
            self.anchor_done(props.anchor, &node);
            return Ok(node);
        }
        let (key_props, own) = if own_line {
            (Props::default(), props)
        } else {
            (props, Props::default())
        };
        let cand = self.candidate(key_props, start, parent, false)?;
        self.skip_inline();
        if self.at_indicator(b':') {
            if !block_here || cand.multiline {
                let mut f = self.fail(self.pos, "mapping values are not allowed in this context");
                f.partial = Some(cand.node.value);
                return Err(f);
            }
            return self.block_map(self.col(cand.start), own, Some(cand));
        }
        if own.any() {
            // `&a` on its own line, then a scalar or flow node: the properties are its own.
            let node = cand.node;
            self.anchor_done(own.anchor, &node);
            return Ok(node);
        }
        Ok(cand.node)
    }

    /// A node that fits on a line (a key, or a value after `key:`): a scalar, an alias or a flow
    /// collection, with `props`. In block context a plain scalar may go on over the lines more
    /// indented than `parent`.
    fn candidate(
        &mut self,
        props: Props<'t>,
        start: usize,
        parent: isize,
        flow: bool,
    ) -> Res<Candidate> {
        let from = self.pos;
        let c = self.peek();
        let (node, style) = match c {
            b'*' => {
                if props.any() {
                    return Err(self.fail(self.pos, "an alias cannot have properties"));
                }
                (self.alias()?, None)
            }
            b'[' | b'{' => {
                self.anchor_open(props.anchor);
                let node = self.flow_collection()?;
                self.anchor_done(props.anchor, &node);
                (node, None)
            }
            b'"' | b'\'' => {
                let text = self.quoted(parent)?;
                (
                    Node::scalar(resolve(text, Style::Quoted, props.tag)),
                    Some(Style::Quoted),
                )
            }
            b',' | b']' | b'}' if flow && !props.any() => {
                return Err(self.fail(self.pos, "did not find expected node content"));
            }
            _ if self.at_eol()
                || (flow && is_flow(c))
                || (flow
                    && c == b':'
                    && (blank_or_end(self.at(self.pos + 1)) || is_flow(self.at(self.pos + 1)))) =>
            {
                (
                    Node::scalar(resolve(String::new(), Style::Plain, props.tag)),
                    Some(Style::Plain),
                )
            }
            b'#' | b'@' | b'`' | b'%' | b',' | b']' | b'}' | b'&' | b'!' => {
                return Err(self.fail(self.pos, "found character that cannot start any token"));
            }
            // `|` and `>` start block scalars in block context; in flow context, plain ones.
            b'|' | b'>' if !flow => {
                return Err(self.fail(self.pos, "found character that cannot start any token"));
            }
            b'-' | b'?' | b':'
                if blank_or_end(self.at(self.pos + 1))
                    || (flow && is_flow(self.at(self.pos + 1))) =>
            {
                return Err(self.fail(self.pos, "found character that cannot start any token"));
            }
            _ => {
                let text = self.plain(parent, flow)?;
                (
                    Node::scalar(resolve(text, Style::Plain, props.tag)),
                    Some(Style::Plain),
                )
            }
        };
        if style.is_some() {
            self.anchor_done(props.anchor, &node);
        }
        Ok(Candidate {
            node,
            style,
            start,
            multiline: self.b[from..self.pos].contains(&b'\n'),
        })
    }

    /// The key a node makes: its scalar text (`<<` plain: a merge key).
    fn key_of(&self, cand: &Candidate) -> Res<Key> {
        match &cand.node.value {
            Value::String(s) if s == "<<" && cand.style == Some(Style::Plain) => Ok(Key::Merge),
            Value::String(s) => Ok(Key::Text(s.clone())),
            Value::Array(_) | Value::Object(_) => {
                Err(self.fail(cand.start, "mapping keys must be scalars"))
            }
            Value::Null => Ok(Key::Text("null".into())),
            Value::Bool(b) => Ok(Key::Text(if *b { "true" } else { "false" }.into())),
            Value::Number(n) => Ok(Key::Text(n.to_string())),
        }
    }

    /// A block mapping whose keys sit at column `m`; `first` is its first key when already read.
    fn block_map(&mut self, m: usize, props: Props<'t>, first: Option<Candidate>) -> Res<Node> {
        let start = first.as_ref().map_or(self.pos, |c| c.start);
        self.enter(start)?;
        self.anchor_open(props.anchor);
        let mut map = Map::new();
        let mut merges = Vec::new();
        let (mut nodes, mut height) = (1usize, 1usize);
        let r = self.block_map_entries(m, first, &mut map, &mut merges, &mut nodes, &mut height);
        self.depth -= 1;
        let value = merged(map, merges);
        match r {
            Ok(()) => {
                let node = Node {
                    value,
                    nodes,
                    height,
                };
                self.anchor_done(props.anchor, &node);
                Ok(node)
            }
            Err(mut f) => {
                f.partial = Some(value);
                Err(f)
            }
        }
    }

    fn block_map_entries(
        &mut self,
        m: usize,
        mut first: Option<Candidate>,
        map: &mut Map<String, Value>,
        merges: &mut Vec<Value>,
        nodes: &mut usize,
        height: &mut usize,
    ) -> Res<()> {
        let mi = m as isize;
        loop {
            // The key: already read, explicit (`? key`), empty (`: value`) or one on this line.
            let key_start = first.as_ref().map_or(self.pos, |c| c.start);
            let key = if let Some(cand) = first.take() {
                self.key_of(&cand)?
            } else if self.at_indicator(b'?') {
                self.pos += 1;
                let ctx = Ctx {
                    parent: mi,
                    seq_at: mi + 1,
                    block_here: true,
                };
                let at = self.pos;
                self.skip_inline();
                let key_at = if self.at_eol() { at } else { self.pos };
                let node = self.node(ctx)?;
                let cand = Candidate {
                    node,
                    style: Some(Style::Quoted),
                    start: key_at,
                    multiline: false,
                };
                let key = self.key_of(&cand)?;
                self.skip_lines();
                if !(self.col(self.pos) == m && self.at_indicator(b':')) {
                    // No value: the key maps to null.
                    self.insert(
                        map,
                        merges,
                        key,
                        Node::scalar(Value::Null),
                        key_start,
                        nodes,
                        height,
                    )?;
                    if self.block_map_next(m)? {
                        continue;
                    }
                    return Ok(());
                }
                key
            } else if self.at_indicator(b':') {
                Key::Text("null".into())
            } else {
                let props = self.props()?;
                let cand = self.candidate(props, key_start, mi, false)?;
                self.skip_inline();
                if !self.at_indicator(b':') {
                    return Err(self.fail(self.pos, "could not find expected ':'"));
                }
                if cand.multiline {
                    return Err(
                        self.fail(self.pos, "mapping values are not allowed in this context")
                    );
                }
                self.key_of(&cand)?
            };
            // At `:`; the value follows. After a `:` that starts its line (an explicit value), a
            // block collection may start on the same line.
            let explicit_value = self.at_line_end_or_start();
            self.pos += 1;
            let ctx = Ctx {
                parent: mi,
                seq_at: mi,
                block_here: explicit_value,
            };
            let value = match self.node(ctx) {
                Ok(v) => v,
                Err(mut f) => {
                    if let (Some(p), Key::Text(k)) = (f.partial.take(), &key) {
                        map.insert(k.clone(), p);
                    }
                    return Err(f);
                }
            };
            self.insert(map, merges, key, value, key_start, nodes, height)?;
            if !self.block_map_next(m)? {
                return Ok(());
            }
        }
    }

    /// After an entry: true when another key of the mapping at column `m` follows.
    fn block_map_next(&mut self, m: usize) -> Res<bool> {
        self.skip_inline();
        if !self.at_line_end_or_start() {
            return Err(self.fail(self.pos, "did not find expected key"));
        }
        self.skip_lines();
        if self.peek() == 0 || self.at_doc_marker() {
            return Ok(false);
        }
        let c = self.col(self.pos);
        if c < m {
            return Ok(false);
        }
        self.tab_indented()?;
        if c > m || self.at_indicator(b'-') {
            return Err(self.fail(self.pos, "did not find expected key"));
        }
        Ok(true)
    }

    /// Adds an entry (or a merge source) to a mapping.
    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        map: &mut Map<String, Value>,
        merges: &mut Vec<Value>,
        key: Key,
        value: Node,
        key_start: usize,
        nodes: &mut usize,
        height: &mut usize,
    ) -> Res<()> {
        *nodes = nodes.saturating_add(1).saturating_add(value.nodes);
        *height = (*height).max(value.height + 1);
        match key {
            Key::Merge => merges.push(value.value),
            Key::Text(k) => {
                if map.contains_key(&k) {
                    return Err(self.fail(key_start, format!("duplicate mapping key {k:?}")));
                }
                map.insert(k, value.value);
            }
        }
        Ok(())
    }

    /// A block sequence whose `-` sit at column `s`.
    fn block_seq(&mut self, s: usize, props: Props<'t>, parent: isize) -> Res<Node> {
        let start = self.pos;
        self.enter(start)?;
        self.anchor_open(props.anchor);
        let mut items = Vec::new();
        let (mut nodes, mut height) = (1usize, 1usize);
        // At the key's own column (`key:\n- a`), the mapping goes on after the sequence.
        let in_map_value = s as isize <= parent;
        let si = s as isize;
        let r = loop {
            self.pos += 1; // `-`
            let ctx = Ctx {
                parent: si,
                seq_at: si + 1,
                block_here: true,
            };
            match self.node(ctx) {
                Ok(item) => {
                    nodes = nodes.saturating_add(item.nodes);
                    height = height.max(item.height + 1);
                    items.push(item.value);
                }
                Err(mut f) => {
                    if let Some(p) = f.partial.take() {
                        items.push(p);
                    }
                    break Err(f);
                }
            }
            self.skip_inline();
            if !self.at_line_end_or_start() {
                break Err(self.fail(self.pos, "did not find expected '-' indicator"));
            }
            self.skip_lines();
            if self.peek() == 0 || self.at_doc_marker() {
                break Ok(());
            }
            let c = self.col(self.pos);
            if c < s || (c == s && !self.at_indicator(b'-') && in_map_value) {
                break Ok(());
            }
            if c != s || !self.at_indicator(b'-') {
                break Err(self.fail(self.pos, "did not find expected '-' indicator"));
            }
            if let Err(f) = self.tab_indented() {
                break Err(f);
            }
        };
        self.depth -= 1;
        let value = Value::Array(items);
        match r {
            Ok(()) => {
                let node = Node {
                    value,
                    nodes,
                    height,
                };
                self.anchor_done(props.anchor, &node);
                Ok(node)
            }
            Err(mut f) => {
                f.partial = Some(value);
                Err(f)
            }
        }
    }

    /// `[...]` or `{...}`.
    fn flow_collection(&mut self) -> Res<Node> {
        let start = self.pos;
        let is_map = self.peek() == b'{';
        self.enter(start)?;
        self.pos += 1;
        let mut items = Vec::new();
        let mut map = Map::new();
        let mut merges = Vec::new();
        let (mut nodes, mut height) = (1usize, 1usize);
        let r = self.flow_entries(
            is_map,
            &mut items,
            &mut map,
            &mut merges,
            &mut nodes,
            &mut height,
        );
        self.depth -= 1;
        let value = if is_map {
            merged(map, merges)
        } else {
            Value::Array(items)
        };
        match r {
            Ok(()) => Ok(Node {
                value,
                nodes,
                height,
            }),
            Err(mut f) => {
                f.partial = Some(value);
                Err(f)
            }
        }
    }

    fn flow_entries(
        &mut self,
        is_map: bool,
        items: &mut Vec<Value>,
        map: &mut Map<String, Value>,
        merges: &mut Vec<Value>,
        nodes: &mut usize,
        height: &mut usize,
    ) -> Res<()> {
        let close = if is_map { b'}' } else { b']' };
        loop {
            self.skip_lines();
            if self.peek() == close {
                self.pos += 1;
                return Ok(());
            }
            if self.peek() == 0 {
                return Err(self.fail(
                    self.pos,
                    "while parsing a node, did not find expected node content",
                ));
            }
            // One entry: `node`, `key: value` or `? key: value`.
            let entry_start = self.pos;
            let explicit = self.at_indicator(b'?');
            if explicit {
                self.pos += 1;
                self.skip_lines();
            }
            let key = if explicit && matches!(self.peek(), b',' | b']' | b'}' | b':') {
                Ok(Candidate {
                    node: Node::scalar(Value::Null),
                    style: Some(Style::Plain),
                    start: self.pos,
                    multiline: false,
                })
            } else {
                self.flow_node()
            };
            let key = match key {
                Ok(k) => k,
                Err(mut f) => {
                    if let (false, Some(p)) = (is_map, f.partial.take()) {
                        items.push(p);
                    }
                    return Err(f);
                }
            };
            self.skip_lines();
            let json_like = key.style != Some(Style::Plain);
            let pair = self.peek() == b':'
                && (blank_or_end(self.at(self.pos + 1))
                    || is_flow(self.at(self.pos + 1))
                    || json_like);
            if !pair && !is_map && !explicit {
                *nodes = nodes.saturating_add(key.node.nodes);
                *height = (*height).max(key.node.height + 1);
                items.push(key.node.value);
                self.flow_separator(close, is_map)?;
                continue;
            }
            let k = self.key_of(&key)?;
            let value = if !pair {
                Node::scalar(Value::Null)
            } else {
                self.pos += 1;
                self.skip_lines();
                if matches!(self.peek(), b',' | b']' | b'}') {
                    Node::scalar(Value::Null)
                } else {
                    match self.flow_node() {
                        Ok(v) => v.node,
                        Err(mut f) => {
                            if let (true, Some(p), Key::Text(k)) = (is_map, f.partial.take(), &k) {
                                map.insert(k.clone(), p);
                            }
                            return Err(f);
                        }
                    }
                }
            };
            if is_map {
                self.insert(map, merges, k, value, entry_start, nodes, height)?;
            } else {
                // `[k: v]`: a one-pair mapping.
                let mut pair_map = Map::new();
                let mut pair_merges = Vec::new();
                let (mut n, mut h) = (1usize, 1usize);
                self.insert(
                    &mut pair_map,
                    &mut pair_merges,
                    k,
                    value,
                    entry_start,
                    &mut n,
                    &mut h,
                )?;
                *nodes = nodes.saturating_add(n);
                *height = (*height).max(h + 1);
                items.push(merged(pair_map, pair_merges));
            }
            self.flow_separator(close, is_map)?;
        }
    }

    /// After a flow entry: `,` (consumed) or the closing bracket (left for the loop).
    fn flow_separator(&mut self, close: u8, is_map: bool) -> Res<()> {
        self.skip_lines();
        match self.peek() {
            b',' => {
                self.pos += 1;
                Ok(())
            }
            c if c == close => Ok(()),
            _ => Err(self.fail(self.pos, flow_expected(is_map))),
        }
    }

    /// A node inside a flow collection.
    fn flow_node(&mut self) -> Res<Candidate> {
        let start = self.pos;
        let props = self.props()?;
        self.skip_lines();
        self.candidate(props, start, -1, true)
    }

    /// A plain scalar, folded over lines (in block context, the lines more indented than
    /// `parent`).
    fn plain(&mut self, parent: isize, flow: bool) -> Res<String> {
        let mut out = String::new();
        let mut breaks = 0usize;
        let mut first = true;
        loop {
            // One line's text.
            let seg = self.pos;
            let mut end = seg;
            loop {
                let c = self.peek();
                if c == b'\n' || c == 0 {
                    break;
                }
                if c == b':'
                    && (blank_or_end(self.at(self.pos + 1))
                        || (flow && is_flow(self.at(self.pos + 1))))
                {
                    break;
                }
                if flow && is_flow(c) {
                    break;
                }
                if is_blank(c) {
                    if self.at(self.pos + 1) == b'#' {
                        break;
                    }
                    self.pos += 1;
                    continue;
                }
                self.pos += 1;
                end = self.pos;
            }
            if !first {
                if breaks == 1 {
                    out.push(' ');
                } else {
                    for _ in 1..breaks {
                        out.push('\n');
                    }
                }
            }
            out.push_str(&self.text[seg..end]);
            first = false;
            self.pos = end;
            // Go on to the next line?
            let mut p = end;
            while is_blank(self.at(p)) {
                p += 1;
            }
            if self.at(p) != b'\n' {
                return Ok(out);
            }
            breaks = 0;
            loop {
                if self.at(p) != b'\n' {
                    break;
                }
                p += 1;
                breaks += 1;
                while is_blank(self.at(p)) {
                    p += 1;
                }
            }
            let next = self.at(p);
            let saved = self.pos;
            self.pos = p;
            let more = next != 0
                && next != b'#'
                && !self.at_doc_marker()
                && (flow || self.col(p) as isize > parent)
                && !(flow && is_flow(next));
            if !more {
                self.pos = saved;
                return Ok(out);
            }
            // A continuation line may not start with `: ` either (it ends the scalar there).
            if next == b':' && (blank_or_end(self.at(p + 1)) || (flow && is_flow(self.at(p + 1)))) {
                self.pos = saved;
                return Ok(out);
            }
        }
    }

    /// A single- or double-quoted scalar.
    fn quoted(&mut self, parent: isize) -> Res<String> {
        let start = self.pos;
        let double = self.peek() == b'"';
        let quote = self.peek();
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self.peek();
            if c == 0 {
                return Err(self.fail(
                    start,
                    "while scanning a quoted scalar, found unexpected end of stream",
                ));
            }
            if c == quote {
                if !double && self.at(self.pos + 1) == b'\'' {
                    out.push('\'');
                    self.pos += 2;
                    continue;
                }
                self.pos += 1;
                return Ok(out);
            }
            if double && c == b'\\' {
                let esc = self.at(self.pos + 1);
                if esc == b'\n' || (esc == b'\r' && self.at(self.pos + 2) == b'\n') {
                    // An escaped line break: joined without a space.
                    self.pos += if esc == b'\r' { 3 } else { 2 };
                    self.fold(start, parent, &mut out, false)?;
                    continue;
                }
                out.push(self.escape(start)?);
                continue;
            }
            if is_blank(c) || c == b'\n' {
                let ws = self.pos;
                while is_blank(self.peek()) {
                    self.pos += 1;
                }
                if self.peek() == b'\n' {
                    self.fold(start, parent, &mut out, true)?;
                } else {
                    out.push_str(&self.text[ws..self.pos]);
                }
                continue;
            }
            let len = utf8_len(c);
            out.push_str(&self.text[self.pos..self.pos + len]);
            self.pos += len;
        }
    }

    /// Folds the line breaks at the position (and the blanks around them) of a quoted scalar:
    /// one break is a space (`space`; nothing after an escaped break), more are `\n` each but
    /// the first.
    fn fold(&mut self, start: usize, parent: isize, out: &mut String, space: bool) -> Res<()> {
        let mut breaks = 0usize;
        loop {
            while is_blank(self.peek()) {
                self.pos += 1;
            }
            if self.peek() != b'\n' {
                break;
            }
            self.pos += 1;
            breaks += 1;
            if self.at_doc_marker() {
                return Err(self.fail(
                    start,
                    "while scanning a quoted scalar, found unexpected document indicator",
                ));
            }
        }
        if self.peek() != 0 && (self.col(self.pos) as isize) < parent {
            return Err(self.fail(start, "invalid indentation in quoted scalar"));
        }
        if !space {
            // After an escaped line break, every further break is kept.
            for _ in 0..breaks {
                out.push('\n');
            }
        } else if breaks == 1 {
            out.push(' ');
        } else {
            for _ in 1..breaks {
                out.push('\n');
            }
        }
        Ok(())
    }

    /// One escape sequence of a double-quoted scalar (at the `\`).
    fn escape(&mut self, start: usize) -> Res<char> {
        let c = self.at(self.pos + 1);
        let simple = match c {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        self.pos += 2;
        if let Some(ch) = simple {
            return Ok(ch);
        }
        let len = match c {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                return Err(self.fail(
                    start,
                    "while parsing a quoted scalar, found unknown escape character",
                ))
            }
        };
        let mut v = 0u32;
        for _ in 0..len {
            let Some(d) = char::from(self.peek()).to_digit(16) else {
                return Err(self.fail(
                    start,
                    "while parsing a quoted scalar, did not find expected hexadecimal number",
                ));
            };
            v = (v << 4) | d;
            self.pos += 1;
        }
        char::from_u32(v).ok_or_else(|| {
            self.fail(
                start,
                "while parsing a quoted scalar, found invalid Unicode character escape code",
            )
        })
    }

    /// The length of the line break at `p` (`\n` or `\r\n`), 0 for none.
    fn break_at(&self, p: usize) -> usize {
        match (self.at(p), self.at(p + 1)) {
            (b'\n', _) => 1,
            (b'\r', b'\n') => 2,
            _ => 0,
        }
    }

    /// Skips up to `indent` spaces of each line, and the lines that are empty within them
    /// (counted in `breaks`); stops at a line with content.
    fn skip_indent(&mut self, indent: usize, breaks: &mut usize) {
        loop {
            let mut col = self.col(self.pos);
            while col < indent && self.peek() == b' ' {
                self.pos += 1;
                col += 1;
            }
            let n = self.break_at(self.pos);
            if n == 0 {
                return;
            }
            self.pos += n;
            *breaks += 1;
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar; `parent` is the enclosing block's
    /// indentation. Indentation, folding and chomping work as in libyaml (and yaml-rust2, the
    /// parser this module replaced).
    fn block_scalar(&mut self, parent: isize) -> Res<String> {
        let start = self.pos;
        let literal = self.peek() == b'|';
        self.pos += 1;
        let mut chomp = b' ';
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.peek() {
                b'+' | b'-' if chomp == b' ' => chomp = self.peek(),
                b'0' if increment == 0 => {
                    return Err(self.fail(
                        start,
                        "while scanning a block scalar, found an indentation indicator equal to 0",
                    ))
                }
                d @ b'1'..=b'9' if increment == 0 => increment = usize::from(d - b'0'),
                _ => break,
            }
            self.pos += 1;
        }
        self.skip_inline();
        if !self.at_eol() {
            return Err(self.fail(
                start,
                "while scanning a block scalar, did not find expected comment or line break",
            ));
        }
        let header_break = self.break_at(self.pos);
        self.pos += header_break;
        if self.peek() == b'\t' {
            return Err(self.fail(start, "a block scalar content cannot start with a tab"));
        }
        let mut trailing = 0usize;
        let indent = if increment > 0 {
            let indent = if parent >= 0 {
                parent as usize + increment
            } else {
                increment
            };
            self.skip_indent(indent, &mut trailing);
            indent
        } else {
            // The indentation of the first line with content (or of the longest empty one).
            let mut max = 0;
            loop {
                while self.peek() == b' ' {
                    self.pos += 1;
                }
                max = max.max(self.col(self.pos));
                let n = self.break_at(self.pos);
                if n == 0 {
                    break;
                }
                self.pos += n;
                trailing += 1;
            }
            let mut indent = max.max((parent + 1).max(0) as usize);
            if parent > 0 {
                indent = indent.max(1);
            }
            indent
        };
        if self.peek() == 0 {
            return Ok(match chomp {
                b'-' => String::new(),
                _ if header_break == 0 => String::new(),
                b'+' if trailing > 0 => "\n".repeat(trailing),
                _ => "\n".into(),
            });
        }
        let col = self.col(self.pos);
        if col < indent && col as isize > parent {
            return Err(self.fail(self.pos, "wrongly indented line in block scalar"));
        }
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.peek() != 0 && self.col(self.pos) == indent {
            if indent == 0 && self.at_doc_marker() {
                break;
            }
            let trailing_blank = matches!(self.peek(), b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            for _ in 0..trailing {
                out.push('\n');
            }
            leading_break = false;
            trailing = 0;
            leading_blank = trailing_blank;
            let from = self.pos;
            while !matches!(self.peek(), b'\n' | 0) && self.break_at(self.pos) == 0 {
                self.pos += 1;
            }
            out.push_str(&self.text[from..self.pos]);
            let n = self.break_at(self.pos);
            if n == 0 {
                break;
            }
            self.pos += n;
            leading_break = true;
            self.skip_indent(indent, &mut trailing);
        }
        if chomp != b'-' {
            if leading_break {
                out.push('\n');
            }
            if self.peek() == 0 && self.col(self.pos) >= indent.max(1) {
                out.push('\n');
            }
        }
        if chomp == b'+' {
            for _ in 0..trailing {
                out.push('\n');
            }
        }
        Ok(out)
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

fn flow_expected(is_map: bool) -> &'static str {
    if is_map {
        "while parsing a flow mapping, did not find expected ',' or '}'"
    } else {
        "while parsing a flow sequence, expected ',' or ']'"
    }
}

/// A mapping's value: its own entries, then the keys of its merge sources (`<<`) it does not
/// set itself, earlier sources first.
fn merged(mut map: Map<String, Value>, merges: Vec<Value>) -> Value {
    let sources = merges.into_iter().flat_map(|m| match m {
        Value::Array(items) => items,
        other => vec![other],
    });
    for source in sources {
        if let Value::Object(entries) = source {
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
        }
    }
    Value::Object(map)
}

/// Loads the stream. `one`: stop with an error at a second document; the result then holds
/// the documents as `Option` (an empty document is `None`).
fn load(text: &str, one: bool) -> Result<Vec<Option<Value>>, PartialParse> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: 0,
        anchors: Vec::new(),
        expanded: 0,
        budget: alias_budget(text),
        depth: 0,
        bom: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
        p.bom = 3;
    }
    let mut docs = Vec::new();
    let mut seen = 0usize;
    let root = Ctx {
        parent: -1,
        seq_at: 0,
        block_here: true,
    };
    loop {
        p.skip_lines();
        // Directives (`%YAML`, `%TAG`) are skipped; a document start must follow them.
        let mut directives = false;
        while p.peek() == b'%' && p.line_start(p.pos) {
            directives = true;
            while !p.at_eol() {
                p.pos += 1;
            }
            p.skip_lines();
        }
        if p.at_marker(b"...") {
            p.pos += 3;
            continue;
        }
        if p.peek() == 0 && !directives {
            return Ok(docs);
        }
        let explicit = p.at_marker(b"---");
        if directives && !explicit {
            return Err(PartialParse {
                error: p
                    .fail(p.pos, "did not find expected <document start>")
                    .error,
                partial: None,
            });
        }
        seen += 1;
        if one && seen > 1 {
            return Err(PartialParse {
                error: p
                    .fail(
                        p.pos,
                        "the text holds more than one document; give exactly one",
                    )
                    .error,
                partial: None,
            });
        }
        p.anchors.clear();
        let node = if explicit {
            // Content may follow `---` on its line, but not a block collection.
            p.pos += 3;
            p.node(Ctx {
                block_here: false,
                ..root
            })
        } else {
            p.node(root)
        };
        let value = match node {
            Ok(n) => n.value,
            Err(f) => {
                return Err(PartialParse {
                    error: f.error,
                    partial: f.partial,
                })
            }
        };
        p.skip_lines();
        let ended = p.at_marker(b"...");
        if ended {
            p.pos += 3;
            p.skip_inline();
        }
        if !(p.peek() == 0 || (ended && p.at_eol()) || (!ended && p.at_marker(b"---"))) {
            return Err(PartialParse {
                error: p
                    .fail(p.pos, "did not find expected <document start>")
                    .error,
                partial: Some(value),
            });
        }
        docs.push(Some(value).filter(|v| !v.is_null()));
    }
}

/// A scalar's value: `!!null` is null; `!!str`, `!!binary`, `!!timestamp` and the non-specific
/// `!` make a string, as does any quoted or block style; a plain scalar resolves as in go-yaml.
fn resolve(text: String, style: Style, tag: Option<&str>) -> Value {
    match tag {
        Some("!!null") => return Value::Null,
        Some("!!str" | "!!binary" | "!!timestamp" | "!") => return Value::String(text),
        _ => {}
    }
    if style != Style::Plain {
        return Value::String(text);
    }
    resolve_plain(text)
}

/// go-yaml v2's `resolve` for a plain scalar.
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text);
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(n) = parse_int(&plain) {
        return Value::Number(n);
    }
    if is_yaml_float(&plain) {
        if let Some(n) = json_float(&plain) {
            return Value::Number(n);
        }
    }
    Value::String(text)
}

/// Go's `strconv.ParseInt(s, 0, 64)` (then `ParseUint` for large positives).
fn parse_int(s: &str) -> Option<Number> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, body) = match digits.get(..2) {
        Some("0x" | "0X") => (16, &digits[2..]),
        Some("0o" | "0O") => (8, &digits[2..]),
        Some("0b" | "0B") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(Number::from((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else {
        Some(Number::from(magnitude))
    }
}

/// A YAML float as a JSON number, through serde_json's float parser (the one the crate already
/// carries): `+` and leading zeros dropped, `.5` -> `0.5`, `1.` -> `1.0`, `1.e3` -> `1.0e3`.
fn json_float(plain: &str) -> Option<Number> {
    let unsigned = plain.strip_prefix('+').unwrap_or(plain);
    let (sign, body) = match unsigned.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", unsigned),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => body.split_at(i),
        None => (body, ""),
    };
    let mantissa = mantissa.trim_start_matches('0');
    let lead = if mantissa.is_empty() || mantissa.starts_with('.') {
        "0"
    } else {
        ""
    };
    let trail = if mantissa.ends_with('.') { "0" } else { "" };
    let text = format!("{sign}{lead}{mantissa}{trail}{exponent}");
    match crate::manifest::parse_value(&text).ok()? {
        Value::Number(n) => Some(n),
        _ => None,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_resolve_like_go_yaml_v2() {
        let cases = [
            ("a: ~", json!({"a": null})),
            ("a:", json!({"a": null})),
            ("a: Null", json!({"a": null})),
            ("a: yes", json!({"a": true})),
            ("a: Off", json!({"a": false})),
            ("a: 'yes'", json!({"a": "yes"})),
            ("a: 12", json!({"a": 12})),
            ("a: -12", json!({"a": -12})),
            ("a: 1_000", json!({"a": 1000})),
            ("a: 0x1F", json!({"a": 31})),
            ("a: 0777", json!({"a": 511})),
            ("a: 0o17", json!({"a": 15})),
            ("a: 0b101", json!({"a": 5})),
            ("a: 08", json!({"a": 8})),
            ("a: 1.5", json!({"a": 1.5})),
            ("a: .5e1", json!({"a": 5.0})),
            ("a: 1e3", json!({"a": 1000.0})),
            ("a: +1.", json!({"a": 1.0})),
            ("a: -.5", json!({"a": -0.5})),
            ("a: 1.e2", json!({"a": 100.0})),
            ("a: 1e999", json!({"a": "1e999"})),
            ("a: 0.0", json!({"a": 0.0})),
            ("a: 007.5", json!({"a": 7.5})),
            ("a: .inf", json!({"a": ".inf"})),
            ("a: 99999999999999999999", json!({"a": 1e20})),
            ("a: -9223372036854775808", json!({"a": i64::MIN})),
            ("a: 18446744073709551615", json!({"a": u64::MAX})),
            ("a: 1.2.3", json!({"a": "1.2.3"})),
            ("a: -x", json!({"a": "-x"})),
            ("a: !!str 12", json!({"a": "12"})),
            ("a: ! 12", json!({"a": "12"})),
            ("a: \"12\"", json!({"a": "12"})),
            ("a: |\n  x\n  y\n", json!({"a": "x\ny\n"})),
            (
                "a: kubernetes.io/dockercfg",
                json!({"a": "kubernetes.io/dockercfg"}),
            ),
            ("a: 2001-12-14", json!({"a": "2001-12-14"})),
            ("y: n", json!({"true": false})),
            (
                "1: x\ntrue: v\n~: z",
                json!({"1": "x", "true": "v", "null": "z"}),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(parse_yaml(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn a_kubernetes_secret_reads_like_its_json() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  labels: {app: web}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319\nlist:\n  - 1\n  - [a, 'b']\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred", "labels": {"app": "web"}},
                   "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "eyJhdXRocyI6e319"},
                   "list": [1, ["a", "b"]]})
        );
        let json_text = r#"{"a": [1, "x", null, true], "b": {"c": "\u00e9"}}"#;
        assert_eq!(
            parse_yaml(json_text).unwrap(),
            serde_json::from_str::<Value>(json_text).unwrap()
        );
    }

    #[test]
    fn documents_one_or_many() {
        assert_eq!(parse_yaml("").unwrap(), Value::Null);
        assert_eq!(parse_yaml("# only a comment\n").unwrap(), Value::Null);
        assert_eq!(parse_yaml("---\na: 1\n...\n").unwrap(), json!({"a": 1}));
        let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("more than one document"), "{err}");
        assert_eq!((err.line, err.column, err.offset), (2, 1, 5));
        assert_eq!(
            parse_yaml_documents("a: 1\n---\nb: 2\n---\n").unwrap(),
            [json!({"a": 1}), json!({"b": 2})]
        );
        assert_eq!(parse_yaml_documents("").unwrap(), Vec::<Value>::new());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &b {user: u, pass: p}\ncopy: *b\nmerged:\n  <<: *b\n  pass: q\nlist: &l [1, 2]\nagain: *l\nquoted:\n  \"<<\": x\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"base": {"user": "u", "pass": "p"}, "copy": {"user": "u", "pass": "p"},
                   "merged": {"user": "u", "pass": "q"}, "list": [1, 2], "again": [1, 2],
                   "quoted": {"<<": "x"}})
        );
        let multi = "a: &a {x: 1, w: 1}\nb: &b {w: 2, z: 2}\nc:\n  <<: [*a, *b]\n";
        assert_eq!(
            parse_yaml(multi).unwrap()["c"],
            json!({"x": 1, "w": 1, "z": 2})
        );
    }

    #[test]
    fn billion_laughs_is_cut_short() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 9].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let err = parse_yaml(&text).unwrap_err();
        assert!(err.message.contains("excessive aliasing"), "{err}");
        // Modest reuse is fine.
        let ok = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";
        assert_eq!(parse_yaml(ok).unwrap()["b"][2], json!([1, 2, 3]));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = parse_yaml(&deep).unwrap_err();
        assert!(err.message.contains("deeper than"), "{err}");
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse_yaml(&fine).is_ok());
        let alias = format!(
            "a: &a {}1{}\nb: [*a]\n",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert!(parse_yaml(&alias)
            .unwrap_err()
            .message
            .contains("deeper than"));
    }

    #[test]
    fn errors_carry_line_column_and_byte_offset() {
        let cases = [
            ("a: 1\nb: [1, 2\n", 3, 1, 14, "expected ',' or ']'"),
            ("a: 1\n  b: 2\n", 2, 4, 8, "mapping values are not allowed"),
            ("é: 1\né: 2\n", 2, 1, 6, "duplicate mapping key \"é\""),
            ("? [a]\n: 1\n", 1, 3, 2, "mapping keys must be scalars"),
            ("a: *nope\n", 1, 4, 3, "unknown anchor"),
            ("a: \"unterminated\n", 1, 4, 3, "unexpected end of stream"),
        ];
        for (text, line, column, offset, message) in cases {
            let err = parse_yaml(text).unwrap_err();
            assert!(err.message.contains(message), "{text:?}: {err}");
            assert_eq!(
                (err.line, err.column, err.offset),
                (line, column, offset),
                "{text:?}: {err}"
            );
            assert_eq!(err.code(), "YAML_INVALID");
            assert!(err
                .to_string()
                .starts_with(&format!("not valid YAML at line {line}, column {column}: ")));
        }
    }

    #[test]
    fn partial_parse_keeps_what_was_read() {
        let text = "kind: Secret\nmetadata:\n  name: regcred\ndata:\n  x: [1\n";
        let p = parse_yaml_documents_partial(text).unwrap_err();
        assert_eq!(p.partial.unwrap()["metadata"]["name"], json!("regcred"));
    }

    #[test]
    fn json_first_then_yaml() {
        assert_eq!(parse_json_or_yaml(r#"{"a": 1}"#).unwrap(), json!({"a": 1}));
        assert_eq!(parse_json_or_yaml("a: 1").unwrap(), json!({"a": 1}));
        assert_eq!(
            parse_json_or_yaml("{\"a\": [}").unwrap_err().code(),
            "YAML_INVALID"
        );
    }
    #[test]
    fn block_scalars_fold_and_chomp() {
        let text = "lit: |\n  one\n   two\n\n  three\nfold: >\n  one\n  two\n\n  three\n    more\n  four\nstrip: |-\n  x\n\nkeep: |+\n  x\n\nclip: >\n  x\n\n\nexplicit: |2\n    four\n  two\nlast: |\n  end";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"lit": "one\n two\n\nthree\n", "fold": "one two\nthree\n  more\nfour\n",
                   "strip": "x", "keep": "x\n\n", "clip": "x\n", "explicit": "  four\ntwo\n",
                   "last": "end\n"})
        );
        // In a sequence entry, with a comment after the header; an indicator of 0 is refused.
        assert_eq!(
            parse_yaml("- |  # note\n  a\n- >-\n  b\n  c\n").unwrap(),
            json!(["a\n", "b c"])
        );
        assert!(parse_yaml("a: |0\n  x\n").is_err());
    }

    #[test]
    fn quoted_scalars_escape_and_fold() {
        let text = "s: 'it''s'\nd: \"t\\tn\\n\\u00e9\\x41\\U0001F600 \\\"q\\\" \\\\ \\/\"\nm: \"one\n  two\n\n  three\"\nc: \"a\\\n    b\"\nq: 'x\n\n  y'\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"s": "it's", "d": "t\tn\néA😀 \"q\" \\ /",
                   "m": "one two\nthree", "c": "ab", "q": "x\ny"})
        );
        let e = parse_yaml("a: \"\\q\"\n").unwrap_err();
        assert!(e.message.contains("unknown escape"), "{e}");
    }

    #[test]
    fn flow_collections_like_json_and_more() {
        let text = "a: [1, 'two', \"three\", [x, z], {k: v}, ]\nb: {\"j\":1, plain: text, bare, url: http://x/y}\nc: [\n  multi,\n  line\n]\nd: [k: v, w]\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"a": [1, "two", "three", ["x", "z"], {"k": "v"}],
                   "b": {"j": 1, "plain": "text", "bare": null, "url": "http://x/y"},
                   "c": ["multi", "line"], "d": [{"k": "v"}, "w"]})
        );
        assert!(parse_yaml("a: [1, , 2]").is_err());
        assert!(parse_yaml("a: {b: 1")
            .unwrap_err()
            .message
            .contains("expected ',' or '}'"));
    }

    #[test]
    fn block_structure_compact_and_explicit() {
        let text = "items:\n- name: a\n  value: 1\n- - x\n  - y\n-\n  k: v\nnext:\n  nested:\n    - 1\n? explicit\n: value\n? [flow]\n";
        let err = parse_yaml(text).unwrap_err();
        assert!(
            err.message.contains("mapping keys must be scalars"),
            "{err}"
        );
        let text = "items:\n- name: a\n  value: 1\n- - x\n  - z\n-\n  k: v\nnext:\n  nested:\n    - 1\n? explicit\n: - value\nplain: folded\n  over lines\n# comment\nempty:\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"items": [{"name": "a", "value": 1}, ["x", "z"], {"k": "v"}],
                   "next": {"nested": [1]}, "explicit": ["value"], "plain": "folded over lines",
                   "empty": null})
        );
    }

    #[test]
    fn documents_markers_directives_bom_and_crlf() {
        assert_eq!(
            parse_yaml_documents("%YAML 1.2\n---\na: 1\n...\n---\n- 2\n...\nb: 3\n").unwrap(),
            [json!({"a": 1}), json!([2]), json!({"b": 3})]
        );
        assert_eq!(parse_yaml("--- |\n  text\n").unwrap(), json!("text\n"));
        assert_eq!(parse_yaml("--- !!str\nx\n").unwrap(), json!("x"));
        assert_eq!(parse_yaml("\u{feff}a: 1\n").unwrap(), json!({"a": 1}));
        assert_eq!(
            parse_yaml("a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 'p\r\n  q'\r\n").unwrap(),
            json!({"a": 1, "b": "x\ny\n", "c": "p q"})
        );
        let err = parse_yaml("[a]\nb\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
    }

    #[test]
    fn tags_anchors_and_plain_merge_text() {
        let text =
            "a: !!binary aGk=\nb: !custom 12\nc: &k key\nd: *k\ne: <<\nf: !!null x\n&g g: 1\n";
        assert_eq!(
            parse_yaml(text).unwrap(),
            json!({"a": "aGk=", "b": 12, "c": "key", "d": "key", "e": "<<", "f": null, "g": 1})
        );
        let e = parse_yaml("a: &x [1, *x]\n").unwrap_err();
        assert!(e.message.contains("recursive alias"), "{e}");
        let e = parse_yaml("a: *x [1]\n").unwrap_err();
        assert!(e.message.contains("unknown anchor"), "{e}");
    }

    #[test]
    fn tabs_may_not_indent_blocks() {
        let e = parse_yaml("a:\n\tb: 1\n").unwrap_err();
        assert!(e.message.contains("tabs"), "{e}");
        assert_eq!(
            parse_yaml("a:\tb\nc: [1,\t2]\n").unwrap(),
            json!({"a": "b", "c": [1, 2]})
        );
    }

    #[test]
    fn a_value_followed_by_a_colon_is_an_error_that_keeps_the_value() {
        let p = parse_yaml_documents_partial("a: b: c\n").unwrap_err();
        assert!(p.error.message.contains("mapping values are not allowed"));
        assert_eq!(p.partial, Some(json!({"a": "b"})));
    }
}
