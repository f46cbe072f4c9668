//! The one shape every pullspec error has.
//!
//! Each module owns one error enum. Every variant has a stable, SCREAMING_SNAKE_CASE `code`
//! (part of the public contract: JS callers switch on it), a message a person understands
//! (`Display`), and, where it applies, the byte `offset` into the input or the JSON `path`
//! (`manifests[2].platform.architecture`) that the problem is about. The bindings turn any
//! [`Coded`] value into the JS `PullspecError` class with the same fields.

/// Implemented by every error enum of the crate.
pub trait Coded: std::fmt::Display {
    /// The stable machine-readable code, e.g. `INVALID_REFERENCE_FORMAT`.
    fn code(&self) -> &'static str;
    /// Byte offset into the parsed text where the problem was found, when there is one.
    fn offset(&self) -> Option<usize> {
        None
    }
    /// JSON path of the offending value (`manifests[2].digest`), when the input was a document.
    fn path(&self) -> Option<String> {
        None
    }
    /// Extra named string fields carried to JS (e.g. `expected`/`actual` of a digest mismatch).
    fn fields(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A string in double quotes with Rust's `{:?}` escapes, the way messages quote input (Go's
/// `%q`): for messages built from parts (`format!("string {}", Quoted(s))`).
pub struct Quoted<'a>(pub &'a str);

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}
