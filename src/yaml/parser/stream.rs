//! The stream of documents: directives and markers, one document after another, and recovery
//! after a document that is not YAML (on at the next `---` line).

use super::*;

impl<'t> Parser<'t> {
    fn new(text: &'t str, record: bool) -> Parser<'t> {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Parser {
            text,
            b: text.as_bytes(),
            pos: bom,
            anchors: Vec::new(),
            expanded: 0,
            budget: alias_budget(text),
            depth: 0,
            bom,
            record,
        }
    }

    /// Moves to the start of the next document: `Some(explicit)` (it starts with `---`), or
    /// `None` at the end of the stream. Directives (`%YAML`, `%TAG`) are skipped; a document
    /// start must follow them.
    fn doc_start(&mut self) -> Res<Option<bool>> {
        loop {
            self.skip_lines();
            let mut directives = false;
            while self.peek() == b'%' && self.line_start(self.pos) {
                directives = true;
                while !self.at_eol() {
                    self.pos += 1;
                }
                self.skip_lines();
            }
            if self.at_marker(b"...") {
                self.pos += 3;
                continue;
            }
            if self.peek() == 0 && !directives {
                return Ok(None);
            }
            let explicit = self.at_marker(b"---");
            if directives && !explicit {
                return Err(self.fail(self.pos, "did not find expected <document start>"));
            }
            return Ok(Some(explicit));
        }
    }

    /// Reads one document's node and what may follow it (`...`, then the next `---` or the end).
    fn doc_body(&mut self, explicit: bool) -> Res<Node> {
        let root = Ctx {
            parent: -1,
            seq_at: 0,
            block_here: true,
        };
        self.anchors.clear();
        let node = if explicit {
            // Content may follow `---` on its line, but not a block collection.
            self.pos += 3;
            self.node(Ctx {
                block_here: false,
                ..root
            })?
        } else {
            self.node(root)?
        };
        self.skip_lines();
        let ended = self.at_marker(b"...");
        if ended {
            self.pos += 3;
            self.skip_inline();
        }
        if !(self.peek() == 0 || (ended && self.at_eol()) || (!ended && self.at_marker(b"---"))) {
            let mut f = self.fail(self.pos, "did not find expected <document start>");
            f.partial = Some(node.value);
            return Err(f);
        }
        Ok(node)
    }

    /// After a failed document: on to the first `---` line after the line of byte `from`, with
    /// the state of a new document. False when no document follows.
    fn recover(&mut self, from: usize) -> bool {
        let mut at = from.min(self.b.len());
        loop {
            match self.b[at..].iter().position(|&c| c == b'\n') {
                None => return false,
                Some(i) => at += i + 1,
            }
            self.pos = at;
            if self.at_marker(b"---") {
                self.depth = 0;
                return true;
            }
        }
    }
}

/// Loads the stream. `one`: stop with an error at a second document; the result then holds
/// the documents as `Option` (an empty document is `None`).
pub(in crate::yaml) fn load(text: &str, one: bool) -> Result<Vec<Option<Value>>, PartialParse> {
    let mut p = Parser::new(text, false);
    let mut docs = Vec::new();
    let failed = |f: Box<Fail>| PartialParse {
        error: f.error,
        partial: f.partial,
    };
    loop {
        let explicit = match p.doc_start() {
            Ok(None) => return Ok(docs),
            Ok(Some(explicit)) => explicit,
            Err(f) => return Err(failed(f)),
        };
        if one && !docs.is_empty() {
            return Err(failed(p.fail(
                p.pos,
                "the text holds more than one document; give exactly one",
            )));
        }
        let node = p.doc_body(explicit).map_err(failed)?;
        docs.push(Some(node.value).filter(|v| !v.is_null()));
    }
}

/// Loads every document of the stream with its spans. A document that fails is returned with
/// its error, and reading goes on at the next `---` line, so one bad document does not hide
/// the others.
pub(in crate::yaml) fn load_documents(text: &str) -> Vec<Document> {
    let mut p = Parser::new(text, true);
    let mut docs = Vec::new();
    loop {
        let explicit = match p.doc_start() {
            Ok(None) => return docs,
            Ok(Some(explicit)) => Ok(explicit),
            Err(f) => Err(f),
        };
        let start = p.pos;
        match explicit.and_then(|explicit| p.doc_body(explicit)) {
            Ok(node) => docs.push(Document {
                value: node.value,
                spans: node.spans,
                range: start..p.pos,
                error: None,
            }),
            Err(f) => {
                // Every `---` line is a document boundary, wherever the parse stopped (an
                // unclosed `[` reads on past it): go on at the first one after this start.
                let more = p.recover(start);
                let end = if more { p.pos } else { p.b.len() };
                docs.push(Document {
                    value: f.partial.unwrap_or(Value::Null),
                    spans: Spans::None,
                    range: start..end,
                    error: Some(f.error),
                });
                if !more {
                    return docs;
                }
            }
        }
    }
}
