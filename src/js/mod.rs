//! The WebAssembly bindings: the only `#[wasm_bindgen]` code of the crate.
//!
//! Each file converts JS values to core types, calls the core and converts back. Structured
//! results cross as JSON text that is parsed on the JS side of the boundary (`JSON.parse` is
//! faster than building objects property by property through the boundary), errors cross as
//! instances of the JS `PullspecError` class that the package registers at start-up, and image
//! references take a fast path of byte ranges in linear memory (see [`reference`]).

pub mod auth;
pub mod error;
pub mod json;
pub mod manifest;
pub mod platform;
pub mod policy;
pub mod reference;
pub mod registry;

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Serializes a core value into a plain JS value (through JSON text).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

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
    serde_json::from_str(&text)
        .map_err(|e| error::simple("INVALID_JSON", &format!("{what} is not valid JSON: {e}")))
}
