//! The node at a position: a block node on this line or the next ones, a node on one line
//! (a scalar, an alias or a flow collection) that may turn out to be a mapping key, and the key it makes.

use super::*;

impl<'t> Parser<'t> {
    /// A block node: on this line (after `key:` when `!ctx.block_here`), or on the next lines.
    pub(super) fn node(&mut self, ctx: Ctx) -> Res<Node> {
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
            let from = self.pos;
            let text = self.block_scalar(parent)?;
            let node = self.leaf(resolve(text, Style::Quoted, props.tag), from..self.pos);
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
    pub(super) fn candidate(
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
                    self.leaf(resolve(text, Style::Quoted, props.tag), from..self.pos),
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
                    self.leaf(resolve(String::new(), Style::Plain, props.tag), from..from),
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
                    self.leaf(resolve(text, Style::Plain, props.tag), from..self.pos),
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
    pub(super) fn key_of(&self, cand: &Candidate) -> Res<Key> {
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
}
