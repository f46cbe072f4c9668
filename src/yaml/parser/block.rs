//! Block collections: mappings (simple and explicit `? key` entries) and sequences.

use super::*;

/// Where a key is written: its scalar's span when recorded, else from its start to `end`.
pub(super) fn key_range(cand: &Candidate, end: usize) -> Range<usize> {
    cand.node.spans.range().unwrap_or(cand.start..end)
}

impl<'t> Parser<'t> {
    /// A block mapping whose keys sit at column `m`; `first` is its first key when already read.
    pub(super) fn block_map(
        &mut self,
        m: usize,
        props: Props<'t>,
        first: Option<Candidate>,
    ) -> Res<Node> {
        let start = first.as_ref().map_or(self.pos, |c| c.start);
        self.enter(start)?;
        self.anchor_open(props.anchor);
        let mut b = MapBuilder::new();
        let r = self.block_map_entries(m, first, &mut b);
        self.depth -= 1;
        let spans = b.spans(self.record, start);
        let value = b.value();
        match r {
            Ok(()) => {
                let node = Node {
                    value,
                    nodes: b.nodes,
                    height: b.height,
                    spans,
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
        b: &mut MapBuilder,
    ) -> Res<()> {
        let mi = m as isize;
        loop {
            // The key: already read, explicit (`? key`), empty (`: value`) or one on this line.
            let key_start = first.as_ref().map_or(self.pos, |c| c.start);
            let (key, key_range) = if let Some(cand) = first.take() {
                (self.key_of(&cand)?, key_range(&cand, self.pos))
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
                let range = key_range(&cand, self.pos);
                self.skip_lines();
                if !(self.col(self.pos) == m && self.at_indicator(b':')) {
                    // No value: the key maps to null.
                    let empty = self.leaf(Value::Null, range.end..range.end);
                    self.insert(b, key, range, empty, key_start)?;
                    if self.block_map_next(m)? {
                        continue;
                    }
                    return Ok(());
                }
                (key, range)
            } else if self.at_indicator(b':') {
                (Key::Text("null".into()), self.pos..self.pos)
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
                (self.key_of(&cand)?, key_range(&cand, self.pos))
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
                        b.map.insert(k.clone(), p);
                    }
                    return Err(f);
                }
            };
            self.insert(b, key, key_range, value, key_start)?;
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
    pub(super) fn insert(
        &mut self,
        b: &mut MapBuilder,
        key: Key,
        key_range: Range<usize>,
        value: Node,
        key_start: usize,
    ) -> Res<()> {
        b.nodes = b.nodes.saturating_add(1).saturating_add(value.nodes);
        b.height = b.height.max(value.height + 1);
        match key {
            Key::Merge => {
                b.merges.push(value.value);
                if self.record {
                    b.merge_spans.push(value.spans);
                }
            }
            Key::Text(k) => {
                if b.map.contains_key(&k) {
                    return Err(self.fail(key_start, format!("duplicate mapping key {k:?}")));
                }
                if self.record {
                    b.entries.push(Entry {
                        key: k.clone(),
                        key_range,
                        value: value.spans,
                    });
                }
                b.map.insert(k, value.value);
            }
        }
        Ok(())
    }

    /// A block sequence whose `-` sit at column `s`.
    pub(super) fn block_seq(&mut self, s: usize, props: Props<'t>, parent: isize) -> Res<Node> {
        let start = self.pos;
        self.enter(start)?;
        self.anchor_open(props.anchor);
        let mut items = Vec::new();
        let mut item_spans = Vec::new();
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
                    if self.record {
                        item_spans.push(item.spans);
                    }
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
        let spans = if self.record {
            let end = item_spans
                .iter()
                .filter_map(Spans::range)
                .map(|r| r.end)
                .max()
                .unwrap_or(start + 1)
                .max(start + 1);
            Spans::Seq(start..end, item_spans)
        } else {
            Spans::None
        };
        match r {
            Ok(()) => {
                let node = Node {
                    value,
                    nodes,
                    height,
                    spans,
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
}
