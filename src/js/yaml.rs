//! YAML for JS: `parseYaml`, the parser Kubernetes manifests are read with (go-yaml v2 scalars).

use super::error::to_js_error;
use super::json::Out;
use wasm_bindgen::prelude::*;

/// `parseYaml(text)`: one document as a JS value (`null` for an empty text); throws
/// PullspecError `YAML_INVALID` with `line`, `column` and `offset`.
#[wasm_bindgen(js_name = parseYaml)]
pub fn parse_yaml_js(text: &str) -> Result<JsValue, JsValue> {
    let v = crate::yaml::parse_yaml(text).map_err(|e| to_js_error(&e, Some(text)))?;
    let mut out = Out::new();
    out.value(&v);
    out.to_js()
}
