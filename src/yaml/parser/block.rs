//! Block collections: mappings (simple and explicit `? key` entries) and sequences.

use super::*;

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
    pub(super) fn insert(
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
    pub(super) fn block_seq(&mut self, s: usize, props: Props<'t>, parent: isize) -> Res<Node> {
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
}
