//! Kubernetes manifest checks for JS: `validateManifests`, `listImages`, `manifestRules`.

use super::error::{simple, to_js_error};
use super::from_js;
use super::json::Out;
use crate::k8s::rules::{When, RULES};
use crate::k8s::{list_images, validate, CheckOptions, Diagnostic};
use crate::text::{Position, TextRange};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Reads `{ rules?: { CODE: level }, allowRegistries?: string[] }`.
fn options_in(options: &JsValue) -> Result<CheckOptions, JsValue> {
    let mut out = CheckOptions::default();
    if options.is_undefined() || options.is_null() {
        return Ok(out);
    }
    let v = from_js(options, "options")?;
    let Value::Object(map) = v else {
        return Err(simple("INVALID_ARGUMENT", "options must be an object"));
    };
    for (k, v) in &map {
        match (k.as_str(), v) {
            ("rules", Value::Object(rules)) => {
                for (code, level) in rules {
                    let Some(level) = level.as_str() else {
                        return Err(simple(
                            "INVALID_ARGUMENT",
                            &format!("options.rules.{code} must be a string (off, hint, information, warning, error)"),
                        ));
                    };
                    out.set_rule(code, level)
                        .map_err(|e| to_js_error(&e, None))?;
                }
            }
            ("allowRegistries", Value::Array(items)) => {
                for item in items {
                    let Some(p) = item.as_str() else {
                        return Err(simple(
                            "INVALID_ARGUMENT",
                            "options.allowRegistries must be an array of strings",
                        ));
                    };
                    out.allow_registries.push(p.to_string());
                }
            }
            ("rules" | "allowRegistries", _) | (_, Value::Null) => {
                if !v.is_null() {
                    return Err(simple(
                        "INVALID_ARGUMENT",
                        &format!("options.{k} has the wrong type"),
                    ));
                }
            }
            (other, _) => {
                return Err(simple(
                    "INVALID_ARGUMENT",
                    &format!("unknown option {other:?} (rules, allowRegistries)"),
                ))
            }
        }
    }
    Ok(out)
}

fn position(out: &mut Out, k: &str, p: Position) {
    out.key(k)
        .obj()
        .n("line", p.line.into())
        .n("character", p.character.into())
        .end();
}

fn range(out: &mut Out, r: TextRange) {
    out.key("range").obj();
    position(out, "start", r.start);
    position(out, "end", r.end);
    out.end();
}

fn diagnostic(out: &mut Out, d: &Diagnostic) {
    out.obj()
        .s("severity", d.severity.as_str())
        .s("code", d.code)
        .s("message", &d.message);
    range(out, d.range);
    out.s("path", &d.path).n("document", d.document as u64);
    if !d.fixes.is_empty() {
        out.key("fixes").arr();
        for f in &d.fixes {
            out.obj().s("title", &f.title).key("edits").arr();
            for e in &f.edits {
                out.obj();
                range(out, e.range);
                out.s("newText", &e.new_text).end();
            }
            out.end_arr().end();
        }
        out.end_arr();
    }
    out.end();
}

/// `validateManifests(text, options?)`: the offline checks, as `Diagnostic[]`.
#[wasm_bindgen(js_name = validateManifests)]
pub fn validate_manifests_js(text: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_in(&options)?;
    let found = validate(text, &options);
    let mut out = Out::new();
    out.arr();
    for d in &found {
        diagnostic(&mut out, d);
    }
    out.end_arr().to_js()
}

/// `listImages(text)`: every container image with its place and pull policy.
#[wasm_bindgen(js_name = listImages)]
pub fn list_images_js(text: &str) -> Result<JsValue, JsValue> {
    let mut out = Out::new();
    out.arr();
    for u in list_images(text) {
        out.obj().n("document", u.document as u64);
        range(&mut out, u.range);
        out.s("image", &u.image)
            .o("normalized", u.normalized.as_deref())
            .o("pullPolicy", u.pull_policy.map(|p| p.as_str()))
            .s("pullPolicyReason", &u.pull_policy_reason)
            .s("kind", &u.kind)
            .s("name", &u.name)
            .o("container", u.container.as_deref())
            .s("field", &u.field)
            .key("architectures")
            .strs(&u.architectures)
            .key("operatingSystems")
            .strs(&u.operating_systems)
            .key("exempt")
            .strs(&u.exempt)
            .end();
    }
    out.end_arr().to_js()
}

/// `manifestRules()`: the rule table (code, default severity, whether on by default, texts).
#[wasm_bindgen(js_name = manifestRules)]
pub fn manifest_rules_js() -> Result<JsValue, JsValue> {
    let mut out = Out::new();
    out.arr();
    for r in RULES {
        let (on, severity) = match r.default {
            When::On(s) => (true, s),
            When::Off(s) => (false, s),
        };
        out.obj()
            .s("code", r.code)
            .s("defaultSeverity", severity.as_str())
            .b("enabledByDefault", on)
            .b("online", r.online)
            .s("summary", r.summary)
            .s("help", r.help)
            .end();
    }
    out.end_arr().to_js()
}
