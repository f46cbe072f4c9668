//! What crosses back to JS from a [`super::RegistryOp`]: step objects, errors as
//! `PullspecError`s, and the results of each operation in the package's shapes (the JS
//! `Manifest`, `Descriptor` and `Platform` of the rest of the API).
//!
//! Everything is written as JSON text with [`Out`] (one small non-generic writer) in the key
//! order the earlier serde derives gave; byte arrays and parsed manifests are set on the
//! parsed object afterwards.

use crate::error::Coded;
use crate::js::error::to_js_error;
use crate::js::json::Out;
use crate::js::manifest::{descriptor, parse_manifest};
use crate::js::platform::platform;
use crate::js::reference::parse_reference;
use crate::manifest::Descriptor;
use crate::registry::{
    self as core, BlobHead, BlobResult, Event, Expect, FetchedManifest, LearnedAuth, PingResult,
    Purpose, RateLimit, Resolution, Step, TagList,
};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
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

/// The JS name of a purpose (what serde's `camelCase` gave).
fn purpose_name(p: Purpose) -> &'static str {
    match p {
        Purpose::Ping => "ping",
        Purpose::Token => "token",
        Purpose::Manifest => "manifest",
        Purpose::ManifestHead => "manifestHead",
        Purpose::Blob => "blob",
        Purpose::Tags => "tags",
    }
}

/// `limit`, `remaining`, `windowSeconds`, each a number or null.
fn rate_limit_members(w: &mut Out, rl: &RateLimit) {
    for (k, v) in [
        ("limit", rl.limit),
        ("remaining", rl.remaining),
        ("windowSeconds", rl.window_seconds),
    ] {
        w.key(k);
        match v {
            Some(n) => w.num(n),
            None => w.null(),
        };
    }
}

/// `"rateLimit": {...} | null`.
fn rate_limit(w: &mut Out, rl: Option<&RateLimit>) {
    w.key("rateLimit");
    match rl {
        Some(rl) => {
            w.obj();
            rate_limit_members(w, rl);
            w.end();
        }
        None => {
            w.null();
        }
    }
}

fn event(w: &mut Out, e: &Event) {
    w.obj();
    match e {
        Event::Progress {
            digest,
            bytes,
            total,
        } => {
            w.s("type", "progress")
                .s("digest", &digest.to_string())
                .n("bytes", *bytes)
                .n("total", *total);
        }
        Event::RateLimit(rl) => {
            w.s("type", "rateLimit");
            rate_limit_members(w, rl);
        }
        Event::Retry {
            attempt,
            wait_ms,
            reason,
        } => {
            w.s("type", "retry")
                .n("attempt", u64::from(*attempt))
                .n("waitMs", *wait_ms)
                .s("reason", reason);
        }
        Event::Redirect {
            from_host,
            to_host,
            authorization_dropped,
        } => {
            w.s("type", "redirect")
                .s("fromHost", from_host)
                .s("toHost", to_host)
                .b("authorizationDropped", *authorization_dropped);
        }
        Event::TagsPage { page, tags } => {
            w.s("type", "tagsPage")
                .n("page", u64::from(*page))
                .key("tags")
                .strs(tags);
        }
    }
    w.end();
}

pub(super) fn step_out(
    step: Step<JsValue>,
    expect: &mut Option<Expect>,
) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj();
    match step {
        Step::Send(req) => {
            w.s("type", "send")
                .s("method", req.method.as_str())
                .s("url", &req.url)
                .key("headers")
                .arr();
            for (n, v) in &req.headers {
                w.arr().str(n).str(v).end_arr();
            }
            w.end_arr().s("purpose", purpose_name(req.purpose)).end();
            let out = w.to_js()?;
            let body = match &req.body {
                Some(b) => Uint8Array::from(b.as_slice()).into(),
                None => JsValue::NULL,
            };
            set(&out, "body", &body);
            *expect = Some(req.expect);
            Ok(out)
        }
        Step::ReadBody(plan) => {
            w.s("digest", &plan.digest.to_string())
                .n("start", plan.start)
                .n("total", plan.total)
                .s("type", "read")
                .end();
            w.to_js()
        }
        Step::Wait { ms, reason } => {
            w.s("type", "wait").n("ms", ms).s("reason", &reason).end();
            w.to_js()
        }
        Step::Event(e) => {
            w.s("type", "event").key("event");
            event(&mut w, &e);
            w.end();
            w.to_js()
        }
        Step::Done(Ok(v)) => {
            w.s("type", "done").key("value").null().end();
            let out = w.to_js()?;
            set(&out, "value", &v);
            Ok(out)
        }
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
            // Every such field is an unsigned integer's text (`u64`, not `f64`, parsing: core's
            // float parser is ~6 KB of the module otherwise).
            .and_then(|s| s.parse::<u64>().ok())
        {
            set(&err, k, &JsValue::from_f64(n as f64));
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

pub(super) fn ping_out(p: PingResult) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj()
        .n("status", u64::from(p.status))
        .o("apiVersion", p.api_version.as_deref())
        .key("auth");
    match &p.auth {
        Some(LearnedAuth::Bearer { realm, service }) => {
            w.obj().s("scheme", "bearer").s("realm", &realm.to_string());
            if let Some(s) = service {
                w.s("service", s);
            }
            w.end();
        }
        Some(LearnedAuth::Basic) => {
            w.obj().s("scheme", "basic").end();
        }
        None => {
            w.null();
        }
    }
    rate_limit(&mut w, p.rate_limit.as_ref());
    w.end().to_js()
}

/// The JS `Manifest` of verified bytes (the same shape `parseManifest` gives).
fn parsed(bytes: &Uint8Array, media_type: &str) -> Result<JsValue, JsValue> {
    parse_manifest(bytes.clone().into(), Some(media_type.to_string()))
}

pub(super) fn manifest_out(m: FetchedManifest) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj()
        .s("digest", &m.digest.to_string())
        .s("mediaType", &m.media_type)
        .n("size", m.size)
        .key("manifest")
        .null();
    rate_limit(&mut w, m.rate_limit.as_ref());
    let out = w.end().to_js()?;
    let bytes = Uint8Array::from(m.bytes.as_slice());
    let manifest = parsed(&bytes, &m.media_type)?;
    set(&out, "bytes", &bytes);
    set(&out, "manifest", &manifest);
    Ok(out)
}

fn descriptor_list(w: &mut Out, key: &str, list: &[Descriptor]) {
    w.key(key).arr();
    for d in list {
        descriptor(w, d);
    }
    w.end_arr();
}

pub(super) fn resolution_out(r: &Resolution) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj()
        .s("digest", &r.digest.to_string())
        .s("mediaType", &r.media_type)
        .n("size", r.size)
        .key("index");
    match &r.index {
        Some(i) => {
            w.obj()
                .s("digest", &i.digest.to_string())
                .s("mediaType", &i.media_type);
            descriptor_list(&mut w, "manifests", &i.manifests);
            w.end();
        }
        None => {
            w.null();
        }
    }
    w.s("manifestDigest", &r.manifest_digest.to_string())
        .s("manifestMediaType", &r.manifest_media_type)
        .key("platform");
    match &r.platform {
        Some(p) => platform(&mut w, p),
        None => {
            w.null();
        }
    }
    w.key("config")
        .value(&r.config)
        .s("configDigest", &r.config_digest.to_string());
    descriptor_list(&mut w, "layers", &r.layers);
    w.key("explanation").strs(&r.explanation);
    rate_limit(&mut w, r.rate_limit.as_ref());
    let out = w.end().to_js()?;
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

pub(super) fn blob_head_out(h: BlobHead) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj()
        .s("digest", &h.digest.to_string())
        .n("size", h.size)
        .o("mediaType", h.media_type.as_deref());
    rate_limit(&mut w, h.rate_limit.as_ref());
    w.end().to_js()
}

pub(super) fn blob_out(b: BlobResult) -> Result<JsValue, JsValue> {
    Out::new()
        .obj()
        .s("digest", &b.digest.to_string())
        .n("size", b.size)
        .n("resumes", u64::from(b.resumes))
        .n("restarts", u64::from(b.restarts))
        .end()
        .to_js()
}

pub(super) fn tags_out(t: TagList) -> Result<JsValue, JsValue> {
    Out::new()
        .obj()
        .s("name", &t.name)
        .key("tags")
        .strs(&t.tags)
        .n("pages", u64::from(t.pages))
        .end()
        .to_js()
}
