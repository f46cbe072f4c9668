//! Flow collections: `[...]` and `{...}`, JSON and more.

use super::*;

impl<'t> Parser<'t> {
    /// `[...]` or `{...}`.
    pub(super) fn flow_collection(&mut self) -> Res<Node> {
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
}

fn flow_expected(is_map: bool) -> &'static str {
    if is_map {
        "while parsing a flow mapping, did not find expected ',' or '}'"
    } else {
        "while parsing a flow sequence, expected ',' or ']'"
    }
}
