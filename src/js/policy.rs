//! Pull policy for JS.

use super::error::{simple, to_js_error};
use super::from_js;
use super::json::Out;
use crate::policy::admission::{
    admit, apply_always_pull_images, validate, AdmissionRequest, Operation,
};
use crate::policy::kubelet::{parse_allowlist_pattern, VerificationPolicy};
use crate::policy::{default_pull_policy, pull_decision, ImagePresence, PullPolicy};
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// `defaultPullPolicy(image, policy?)`.
#[wasm_bindgen(js_name = defaultPullPolicy)]
pub fn default_pull_policy_js(image: &str, policy: Option<String>) -> Result<JsValue, JsValue> {
    let d = default_pull_policy(image, policy.as_deref()).map_err(|e| to_js_error(&e, None))?;
    Out::new()
        .obj()
        .b("defaulted", d.defaulted)
        .o("digest", d.digest.as_deref())
        .s("policy", d.policy.as_str())
        .s("reason", &d.reason)
        .o("tag", d.tag.as_deref())
        .end()
        .to_js()
}

/// `pullDecision(policy, imagePresent, { inspectError, mustAttemptImagePull })`.
#[wasm_bindgen(js_name = pullDecision)]
pub fn pull_decision_js(
    policy: &str,
    image_present: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let policy = PullPolicy::parse(policy).map_err(|e| to_js_error(&e, None))?;
    let options = if options.is_undefined() || options.is_null() {
        Value::Null
    } else {
        from_js(&options, "options")?
    };
    let presence = if options["inspectError"].as_bool() == Some(true) {
        ImagePresence::InspectError
    } else {
        match image_present.as_bool() {
            Some(true) => ImagePresence::Present,
            Some(false) => ImagePresence::Absent,
            None => {
                return Err(simple(
                    "INVALID_ARGUMENT",
                    "imagePresent must be true or false (pass { inspectError: true } when the runtime could not tell)",
                ))
            }
        }
    };
    let d = pull_decision(policy, presence, options["mustAttemptImagePull"].as_bool());
    Out::new()
        .obj()
        .o("error", d.error)
        .b("pull", d.pull)
        .s("reason", &d.reason)
        .end()
        .to_js()
}

/// `applyAlwaysPullImages(pod)`: a copy with every policy `Always`.
#[wasm_bindgen(js_name = applyAlwaysPullImages)]
pub fn apply_always_pull_images_js(pod: JsValue) -> Result<JsValue, JsValue> {
    let object = from_js(&pod, "pod")?;
    let out = apply_always_pull_images(&object).map_err(|e| to_js_error(&e, None))?;
    Out::new().value(&out.object).to_js()
}

/// `alwaysPullImagesAdmission({ operation, resource, subresource, object, oldObject })`:
/// the admission controller's mutating and validating halves on one request.
#[wasm_bindgen(js_name = alwaysPullImagesAdmission)]
pub fn always_pull_images_admission_js(request: JsValue) -> Result<JsValue, JsValue> {
    let req = from_js(&request, "request")?;
    let old = req.get("oldObject").filter(|v| !v.is_null());
    let r = AdmissionRequest {
        operation: Operation::parse(req["operation"].as_str().unwrap_or("CREATE")),
        resource: req["resource"].as_str().unwrap_or("pods"),
        subresource: req["subresource"].as_str().unwrap_or(""),
        object: &req["object"],
        old_object: old,
    };
    let out = admit(&r).map_err(|e| to_js_error(&e, None))?;
    let violations = validate(&AdmissionRequest {
        object: &req["object"],
        ..r
    })
    .map_err(|e| to_js_error(&e, None))?;
    let mut w = Out::new();
    w.obj().key("changed").strs(&out.changed);
    w.b("ignored", out.ignored).key("object").value(&out.object);
    w.s("reason", &out.reason).key("violations").arr();
    for v in &violations {
        w.obj().s("path", &v.path).s("value", &v.value).end();
    }
    w.end_arr().end().to_js()
}

/// `requiresCredentialVerification(policy, image, { allowlist, pulledByKubelet })` (KEP-2535).
#[wasm_bindgen(js_name = requiresCredentialVerification)]
pub fn requires_credential_verification_js(
    policy: &str,
    image: &str,
    options: JsValue,
) -> Result<bool, JsValue> {
    let options = if options.is_undefined() || options.is_null() {
        Value::Null
    } else {
        from_js(&options, "options")?
    };
    let list: Vec<&str> = options["allowlist"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let p = VerificationPolicy::parse(policy, &list).map_err(|e| to_js_error(&e, None))?;
    Ok(p.require_credential_verification(
        image,
        options["pulledByKubelet"].as_bool().unwrap_or(false),
    ))
}

/// `validateAllowlistPattern(pattern)`: `{ pattern, isWildcard }` or throws.
#[wasm_bindgen(js_name = validateAllowlistPattern)]
pub fn validate_allowlist_pattern_js(pattern: &str) -> Result<JsValue, JsValue> {
    let p = parse_allowlist_pattern(pattern).map_err(|e| to_js_error(&e, None))?;
    Out::new()
        .obj()
        .b("isWildcard", p.is_wildcard)
        .s("pattern", &p.pattern)
        .end()
        .to_js()
}
