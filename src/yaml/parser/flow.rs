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
        let mut b = MapBuilder::new();
        let r = self.flow_entries(is_map, &mut items, &mut b);
        self.depth -= 1;
        let (value, spans) = if is_map {
            let spans = b.spans(self.record, start);
            (b.value(), spans)
        } else {
            let (values, spans): (Vec<Value>, Vec<Spans>) = items.into_iter().unzip();
            let spans = if self.record {
                Spans::Seq(start..start, spans)
            } else {
                Spans::None
            };
            (Value::Array(values), spans)
        };
        // The collection's text runs to its closing bracket.
        let spans = match spans {
            Spans::Map(_, e) => Spans::Map(start..self.pos, e),
            Spans::Seq(_, i) => Spans::Seq(start..self.pos, i),
            other => other,
        };
        match r {
            Ok(()) => Ok(Node {
                value,
                nodes: b.nodes,
                height: b.height,
                spans,
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
        items: &mut Vec<(Value, Spans)>,
        b: &mut MapBuilder,
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
                    node: self.leaf(Value::Null, self.pos..self.pos),
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
                        items.push((p, Spans::None));
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
                b.nodes = b.nodes.saturating_add(key.node.nodes);
                b.height = b.height.max(key.node.height + 1);
                items.push((key.node.value, key.node.spans));
                self.flow_separator(close, is_map)?;
                continue;
            }
            let k = self.key_of(&key)?;
            let k_range = super::block::key_range(&key, self.pos);
            let value = if !pair {
                self.leaf(Value::Null, k_range.end..k_range.end)
            } else {
                self.pos += 1;
                self.skip_lines();
                if matches!(self.peek(), b',' | b']' | b'}') {
                    self.leaf(Value::Null, self.pos..self.pos)
                } else {
                    match self.flow_node() {
                        Ok(v) => v.node,
                        Err(mut f) => {
                            if let (true, Some(p), Key::Text(k)) = (is_map, f.partial.take(), &k) {
                                b.map.insert(k.clone(), p);
                            }
                            return Err(f);
                        }
                    }
                }
            };
            if is_map {
                self.insert(b, k, k_range, value, entry_start)?;
            } else {
                // `[k: v]`: a one-pair mapping.
                let mut pair = MapBuilder::new();
                self.insert(&mut pair, k, k_range, value, entry_start)?;
                b.nodes = b.nodes.saturating_add(pair.nodes);
                b.height = b.height.max(pair.height + 1);
                let spans = pair.spans(self.record, entry_start);
                items.push((pair.value(), spans));
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
