//! Scalars: plain (folded over lines), single- and double-quoted (escapes, folding), and
//! literal `|` and folded `>` block scalars.

use super::*;

impl<'t> Parser<'t> {
    /// A plain scalar, folded over lines (in block context, the lines more indented than
    /// `parent`).
    pub(super) fn plain(&mut self, parent: isize, flow: bool) -> Res<String> {
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
    pub(super) fn quoted(&mut self, parent: isize) -> Res<String> {
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
    pub(super) fn block_scalar(&mut self, parent: isize) -> Res<String> {
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
