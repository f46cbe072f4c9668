//! The WebAssembly bindings: the only `#[wasm_bindgen]` code of the crate.
//!
//! Each file converts JS values to core types, calls the core and converts back. Structured
//! results cross as JSON text, written by [`json::Out`] and parsed on the JS side of the boundary
//! (`JSON.parse` is faster than building objects property by property through the boundary; one
//! small writer is much smaller than serde per result type), errors cross as
//! instances of the JS `PullspecError` class that the package registers at start-up, and image
//! references take a fast path of byte ranges in linear memory (see [`reference`]).

#[cfg(feature = "full")]
pub mod auth;
pub mod error;
pub mod json;
pub mod k8s;
pub mod manifest;
pub mod platform;
pub mod policy;
pub mod reference;
#[cfg(feature = "full")]
pub mod registry;
pub mod yaml;

use wasm_bindgen::prelude::*;

/// Reads a JS value as JSON: a string is parsed as JSON text, anything else is stringified.
pub(crate) fn from_js(value: &JsValue, what: &str) -> Result<serde_json::Value, JsValue> {
    let text = match value.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                error::simple(
                    "INVALID_ARGUMENT",
                    &format!("{what} must be an object or JSON text"),
                )
            })?,
    };
    crate::manifest::parse_value(&text)
        .map_err(|e| error::simple("INVALID_JSON", &format!("{what} is not valid JSON: {e}")))
}
