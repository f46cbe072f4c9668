//! What crosses back to JS from a [`super::RegistryOp`]: step objects, errors as
//! `PullspecError`s, and the results of each operation in the package's shapes (the JS
//! `Manifest`, `Descriptor` and `Platform` of the rest of the API).

use crate::digest::Digest;
use crate::error::Coded;
use crate::js::error::to_js_error;
use crate::js::manifest::{parse_manifest, DescriptorOut};
use crate::js::platform::PlatformOut;
use crate::js::reference::parse_reference;
use crate::js::to_js;
use crate::registry::{
    self as core, Expect, FetchedManifest, PingResult, RateLimit, Resolution, Step,
};
use js_sys::{Array, Reflect, Uint8Array};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct SendOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    method: &'static str,
    url: &'a str,
    headers: &'a [(String, String)],
    purpose: core::Purpose,
}

#[derive(Serialize)]
struct WaitOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    ms: u64,
    reason: &'a str,
}

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn tagged(kind: &str, key: &str, value: &JsValue) -> JsValue {
    let o: JsValue = js_sys::Object::new().into();
    set(&o, "type", &JsValue::from_str(kind));
    set(&o, key, value);
    o
}

/// The step with its `Done(Ok)` value converted (the one generic part, kept small).
pub(super) fn done_out<T>(
    step: Step<T>,
    done: impl FnOnce(T) -> Result<JsValue, JsValue>,
) -> Result<Step<JsValue>, JsValue> {
    Ok(match step.pending::<JsValue>() {
        Ok(pending) => pending,
        Err(Ok(v)) => Step::Done(Ok(done(v)?)),
        Err(Err(e)) => Step::Done(Err(e)),
    })
}

pub(super) fn step_out(
    step: Step<JsValue>,
    expect: &mut Option<Expect>,
) -> Result<JsValue, JsValue> {
    match step {
        Step::Send(req) => {
            let out = to_js(&SendOut {
                kind: "send",
                method: req.method.as_str(),
                url: &req.url,
                headers: &req.headers,
                purpose: req.purpose,
            })?;
            let body = match &req.body {
                Some(b) => Uint8Array::from(b.as_slice()).into(),
                None => JsValue::NULL,
            };
            set(&out, "body", &body);
            *expect = Some(req.expect);
            Ok(out)
        }
        Step::ReadBody(plan) => {
            let out = to_js(&plan)?;
            set(&out, "type", &JsValue::from_str("read"));
            Ok(out)
        }
        Step::Wait { ms, reason } => to_js(&WaitOut {
            kind: "wait",
            ms,
            reason: &reason,
        }),
        Step::Event(e) => Ok(tagged("event", "event", &to_js(&e)?)),
        Step::Done(Ok(v)) => Ok(tagged("done", "value", &v)),
        Step::Done(Err(e)) => Err(registry_error(&e)),
    }
}

/// A `PullspecError` for a registry error: numeric fields as numbers, `available` platforms as
/// an array.
fn registry_error(e: &core::RegistryError) -> JsValue {
    let err = to_js_error(e, None);
    for k in ["status", "attempts", "limit", "size"] {
        let key = JsValue::from_str(k);
        if let Some(n) = Reflect::get(&err, &key)
            .ok()
            .and_then(|v| v.as_string())
            .and_then(|s| s.parse::<f64>().ok())
        {
            set(&err, k, &JsValue::from_f64(n));
        }
    }
    if e.code() == "NO_MATCHING_PLATFORM" {
        if let Some(list) = Reflect::get(&err, &"available".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            let arr: Array = list
                .split(", ")
                .filter(|s| !s.is_empty())
                .map(JsValue::from_str)
                .collect();
            set(&err, "available", &arr);
        }
    }
    err
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthOut<'a> {
    scheme: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    realm: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PingOut<'a> {
    status: u16,
    api_version: Option<&'a str>,
    auth: Option<AuthOut<'a>>,
    rate_limit: Option<RateLimit>,
}

pub(super) fn ping_out(p: PingResult) -> Result<JsValue, JsValue> {
    to_js(&PingOut {
        status: p.status,
        api_version: p.api_version.as_deref(),
        auth: p.auth_scheme.as_deref().map(|scheme| AuthOut {
            scheme,
            realm: p.realm.as_deref(),
            service: p.service.as_deref(),
        }),
        rate_limit: p.rate_limit,
    })
}

/// The JS `Manifest` of verified bytes (the same shape `parseManifest` gives).
fn parsed(bytes: &Uint8Array, media_type: &str) -> Result<JsValue, JsValue> {
    parse_manifest(bytes.clone().into(), Some(media_type.to_string()))
}

pub(super) fn manifest_out(m: FetchedManifest) -> Result<JsValue, JsValue> {
    let out = to_js(&m)?;
    let bytes = Uint8Array::from(m.bytes.as_slice());
    let manifest = parsed(&bytes, &m.media_type)?;
    set(&out, "bytes", &bytes);
    set(&out, "manifest", &manifest);
    Ok(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IndexOut<'a> {
    digest: &'a Digest,
    media_type: &'a str,
    manifests: Vec<DescriptorOut<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResolutionOut<'a> {
    digest: &'a Digest,
    media_type: &'a str,
    size: u64,
    index: Option<IndexOut<'a>>,
    manifest_digest: &'a Digest,
    manifest_media_type: &'a str,
    platform: Option<PlatformOut<'a>>,
    config: &'a Value,
    config_digest: &'a Digest,
    layers: Vec<DescriptorOut<'a>>,
    explanation: &'a [String],
    rate_limit: Option<RateLimit>,
}

pub(super) fn resolution_out(r: &Resolution) -> Result<JsValue, JsValue> {
    let out = to_js(&ResolutionOut {
        digest: &r.digest,
        media_type: &r.media_type,
        size: r.size,
        index: r.index.as_ref().map(|i| IndexOut {
            digest: &i.digest,
            media_type: &i.media_type,
            manifests: i.manifests.iter().map(DescriptorOut::from).collect(),
        }),
        manifest_digest: &r.manifest_digest,
        manifest_media_type: &r.manifest_media_type,
        platform: r.platform.as_ref().map(PlatformOut::from),
        config: &r.config,
        config_digest: &r.config_digest,
        layers: r.layers.iter().map(DescriptorOut::from).collect(),
        explanation: &r.explanation,
        rate_limit: r.rate_limit,
    })?;
    let manifest_bytes = Uint8Array::from(r.manifest_bytes.as_slice());
    set(
        &out,
        "reference",
        &parse_reference(&r.reference, "normalized")?,
    );
    set(
        &out,
        "manifest",
        &parsed(&manifest_bytes, &r.manifest_media_type)?,
    );
    set(&out, "manifestBytes", &manifest_bytes);
    set(
        &out,
        "configBytes",
        &Uint8Array::from(r.config_bytes.as_slice()),
    );
    Ok(out)
}
