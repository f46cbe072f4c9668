//! Shared helpers of the integration tests.

use serde_json::Value;
use std::path::PathBuf;

/// Loads `<name>` from the conformance vectors: `$PULLSPEC_VECTORS`, else `tests/vectors/` in
/// this repository (see its README). Missing vectors fail the test loudly.
pub fn load_vectors(name: &str) -> Value {
    let dir = std::env::var_os("PULLSPEC_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors"));
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read conformance vectors {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The string at `key`, or `None` for null/missing.
#[allow(dead_code)]
pub fn opt_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}
