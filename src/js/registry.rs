//! The registry client for JS: conversions around [`crate::registry`].
//!
//! [`RegistryClient`] holds one core [`Client`] (configuration, credentials, what each
//! registry's challenge taught, cached tokens, the jitter source), shared by every operation it
//! starts. [`RegistryOp`] puts any operation behind one driver-facing interface; the driver
//! (`pkg/registry.js`) owns the transport (`fetch`), the clock and the sinks, and follows the
//! loop in the module doc of [`crate::registry`]. Nothing here decides anything about the
//! protocol: this file converts steps and results.
//!
//! Steps cross as plain objects:
//!
//! | core step | JS object |
//! | --- | --- |
//! | `Send(req)` | `{ type: "send", method, url, headers: [[name, value], ...], body: Uint8Array \| null, purpose }` |
//! | `ReadBody(plan)` | `{ type: "read", digest, start, total }` |
//! | `Wait` | `{ type: "wait", ms, reason }` |
//! | `Event(e)` | `{ type: "event", event: { type: "retry" \| "redirect" \| "rateLimit" \| "tagsPage" \| "progress", ... } }` |
//! | `Done(Ok(v))` | `{ type: "done", value }` |
//! | `Done(Err(e))` | thrown: a `PullspecError` with the core's code and fields |
//!
//! `readLimit(status)` is the last request's `Expect::read_limit` (-1: a stream, wait for the
//! `read` step). `onBodyChunk`/`onBodyBytes` answer the bytes held so far, or -1 when the
//! operation wants the body cancelled (`BodyFlow::Abort`).
//!
//! Secrets: credentials enter through [`RegistryClient::set_credentials`] and leave only in
//! what must carry them: the `Authorization` header of a `send` step and the OAuth2 token
//! POST's body. Errors and events never contain them (the core redacts).

use super::error::{simple, to_js_error};
use crate::auth::credential::Credential;
use crate::digest::Digest;
use crate::manifest::{Annotations, Descriptor};
use crate::platform::{self, Matcher, Mode, Platform};
use crate::reference::Reference;
use crate::registry::{
    self as core, identity_token_credential, BlobBytesOp, BlobHeadOp, BlobOp, BodyFlow, Client,
    Event, Expect, ManifestOp, Operation, PingOp, ResolveOp, Response, TagsOp, TransportError,
    TransportErrorKind,
};
use js_sys::{Array, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod options;
mod out;
use options::SessionIn;
use out::{
    blob_head_out, blob_out, done_out, manifest_out, ping_out, resolution_out, step_out, tags_out,
};

fn reference(image: &str) -> Result<Reference, JsValue> {
    Reference::parse_normalized(image).map_err(|e| to_js_error(&e, Some(image)))
}

fn digest(text: &str) -> Result<Digest, JsValue> {
    Digest::parse(text).map_err(|e| to_js_error(&e, Some(text)))
}

fn size(n: f64, what: &str) -> Result<u64, JsValue> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
        Ok(n as u64)
    } else {
        Err(simple(
            "INVALID_ARGUMENT",
            &format!(
                "{what} must be a non-negative integer, got {}",
                number_text(n)
            ),
        ))
    }
}

/// `n` as `f64`'s `Display` writes it, from JS's shortest round-trip digits (`f64`'s own
/// `Display` would add core's ~17 KB float printer to the module).
pub(super) fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let js: String = js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default();
    let neg = n.is_sign_negative();
    let text = js.trim_start_matches('-');
    let sign = if neg { "-" } else { "" };
    // JS writes exponents below 1e-6 and from 1e21; Display never does.
    let Some((mantissa, exp)) = text.split_once('e') else {
        return format!("{sign}{text}");
    };
    let exp = match exp.strip_prefix('-') {
        Some(e) => -(e.parse::<u64>().unwrap_or(0) as i64),
        None => exp.trim_start_matches('+').parse::<u64>().unwrap_or(0) as i64,
    };
    let int_len = mantissa.find('.').unwrap_or(mantissa.len()) as i64;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let point = int_len + exp;
    let mut out = String::from(sign);
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        let (a, b) = digits.split_at(point as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
    out
}

/// A clock reading from JS (milliseconds since the epoch).
fn ms(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

fn string_field(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// A credential object from JS (`{ username, password, identityToken? }`, e.g. what
/// `Keyring.lookup` returns), read field by field (never through JSON text: the keyring's
/// credentials redact themselves in `JSON.stringify`).
fn credential_in(obj: &JsValue) -> Result<Credential, JsValue> {
    if !obj.is_object() {
        return Err(simple(
            "INVALID_ARGUMENT",
            "a credential must be an object { username, password, identityToken? }",
        ));
    }
    if let Some(token) = string_field(obj, "identityToken").filter(|t| !t.is_empty()) {
        return Ok(identity_token_credential(token));
    }
    Ok(Credential::new(
        string_field(obj, "username").unwrap_or_default(),
        string_field(obj, "password").unwrap_or_default(),
        string_field(obj, "email").unwrap_or_default(),
    ))
}

/// The core of the JS `RegistryClient`: a [`Client`] shared (`Rc`) with the operations it
/// starts (JS is single threaded; every call borrows it only for its own duration).
#[wasm_bindgen]
pub struct RegistryClient {
    inner: Rc<RefCell<Client>>,
}

#[wasm_bindgen]
impl RegistryClient {
    /// `options`: `{ userAgent?, insecure?: string[], endpoints?: [registry, baseUrl][],
    /// retry?: { attempts?, baseDelayMs?, maxDelayMs?, retryAfterCapMs? }, seed?, maxRedirects? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<RegistryClient, JsValue> {
        let opts = if options.is_undefined() || options.is_null() {
            SessionIn::default()
        } else {
            let v = super::from_js(&options, "registry client options")?;
            SessionIn::from_value(&v).map_err(|e| {
                simple(
                    "INVALID_ARGUMENT",
                    &format!("invalid registry client options: {e}"),
                )
            })?
        };
        Ok(RegistryClient {
            inner: Rc::new(RefCell::new(Client::new(opts.config()))),
        })
    }

    /// The credentials to try, in order, for `key` (`registry` or `registry/repository`):
    /// an array of `{ username, password, identityToken? }`. Replaces earlier ones.
    #[wasm_bindgen(js_name = setCredentials)]
    pub fn set_credentials(&self, key: &str, credentials: JsValue) -> Result<(), JsValue> {
        if !Array::is_array(&credentials) {
            return Err(simple("INVALID_ARGUMENT", "credentials must be an array"));
        }
        let list = Array::from(&credentials)
            .iter()
            .map(|c| credential_in(&c))
            .collect::<Result<Vec<_>, _>>()?;
        self.inner.borrow_mut().set_credentials(key, list);
        Ok(())
    }

    /// `GET /v2/` of a registry domain.
    pub fn ping(&self, registry: &str) -> RegistryOp {
        self.op(AnyOp::Ping(core::ping(registry)))
    }

    /// The manifest (or index) an image reference names, verified.
    pub fn manifest(&self, image: &str) -> Result<RegistryOp, JsValue> {
        Ok(self.op(AnyOp::Manifest(core::manifest(&reference(image)?))))
    }

    /// Resolves an image for a platform specifier (parsed against `linux/amd64`); `mode` is a
    /// matcher mode name (absent: containerd's default for that platform, `only`).
    pub fn resolve(
        &self,
        image: &str,
        platform_spec: &str,
        mode: Option<String>,
    ) -> Result<RegistryOp, JsValue> {
        let host = Platform::default_host();
        let p = platform::parse(platform_spec, &host)
            .map_err(|e| to_js_error(&e, Some(platform_spec)))?;
        let mode = match mode.as_deref() {
            Some(name) => Mode::from_name(name).map_err(|e| to_js_error(&e, None))?,
            None => Mode::default_for(&p, &host.os),
        };
        let matcher = Matcher::new(mode, vec![p], &host).map_err(|e| to_js_error(&e, None))?;
        Ok(self.op(AnyOp::Resolve(Box::new(core::resolve(
            &reference(image)?,
            matcher,
        )))))
    }

    /// `HEAD` of a blob: its size.
    #[wasm_bindgen(js_name = blobHead)]
    pub fn blob_head(&self, image: &str, blob_digest: &str) -> Result<RegistryOp, JsValue> {
        let op = core::head_blob(&reference(image)?, &digest(blob_digest)?);
        Ok(self.op(AnyOp::BlobHead(op)))
    }

    /// A streamed, verified, resumable blob download of `size` bytes.
    pub fn blob(
        &self,
        image: &str,
        blob_digest: &str,
        blob_size: f64,
    ) -> Result<RegistryOp, JsValue> {
        let d = descriptor(blob_digest, blob_size)?;
        Ok(self.op(AnyOp::Blob(core::blob(&reference(image)?, &d))))
    }

    /// A small blob read whole (at most `limit` bytes), verified.
    #[wasm_bindgen(js_name = blobBytes)]
    pub fn blob_bytes(
        &self,
        image: &str,
        blob_digest: &str,
        blob_size: f64,
        limit: f64,
    ) -> Result<RegistryOp, JsValue> {
        let d = descriptor(blob_digest, blob_size)?;
        let op = core::blob_bytes(&reference(image)?, &d, size(limit, "limit")?);
        Ok(self.op(AnyOp::BlobBytes(op)))
    }

    /// The tags of a repository (`registry/name`; a tag or digest is ignored), `pageSize` per
    /// page; `maxPages` bounds the pages, `allowForeignOrigin` follows links to other origins.
    pub fn tags(
        &self,
        repository: &str,
        page_size: Option<u32>,
        max_pages: Option<u32>,
        allow_foreign_origin: bool,
    ) -> Result<RegistryOp, JsValue> {
        let mut op = core::tags(&reference(repository)?, page_size);
        if let Some(n) = max_pages {
            op = op.max_pages(n);
        }
        if allow_foreign_origin {
            op = op.allow_foreign_origin();
        }
        Ok(self.op(AnyOp::Tags(op)))
    }

    fn op(&self, op: AnyOp) -> RegistryOp {
        RegistryOp {
            client: Rc::clone(&self.inner),
            op,
            expect: None,
        }
    }
}

fn descriptor(blob_digest: &str, blob_size: f64) -> Result<Descriptor, JsValue> {
    Ok(Descriptor {
        media_type: "application/octet-stream".to_string(),
        digest: digest(blob_digest)?,
        size: size(blob_size, "size")?,
        urls: Vec::new(),
        annotations: Annotations::default(),
        platform: None,
        artifact_type: None,
        data: None,
    })
}

enum AnyOp {
    Ping(PingOp),
    Manifest(ManifestOp),
    Resolve(Box<ResolveOp>),
    BlobHead(BlobHeadOp),
    Blob(BlobOp),
    BlobBytes(BlobBytesOp),
    Tags(TagsOp),
}

/// Runs `$body` with `$op` bound to the operation, whatever its type.
macro_rules! each_op {
    ($any:expr, $op:ident => $body:expr) => {
        match $any {
            AnyOp::Ping($op) => $body,
            AnyOp::Manifest($op) => $body,
            AnyOp::Resolve($op) => $body,
            AnyOp::BlobHead($op) => $body,
            AnyOp::Blob($op) => $body,
            AnyOp::BlobBytes($op) => $body,
            AnyOp::Tags($op) => $body,
        }
    };
}

/// One operation in flight, driven from JS. See the module doc for the step objects.
#[wasm_bindgen]
pub struct RegistryOp {
    client: Rc<RefCell<Client>>,
    op: AnyOp,
    expect: Option<Expect>,
}

fn kind(name: &str) -> TransportErrorKind {
    match name {
        "aborted" => TransportErrorKind::Aborted,
        "corsLikely" => TransportErrorKind::CorsLikely,
        "timeout" => TransportErrorKind::Timeout,
        _ => TransportErrorKind::Network,
    }
}

fn flow_out(flow: BodyFlow) -> f64 {
    match flow {
        BodyFlow::Continue(Event::Progress { bytes, .. }) => bytes as f64,
        BodyFlow::Continue(_) => 0.0,
        BodyFlow::Abort => -1.0,
    }
}

#[wasm_bindgen]
impl RegistryOp {
    /// The next step (see the module doc); throws the operation's error at the end.
    pub fn next(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        let now = ms(now_ms);
        let mut client = self.client.borrow_mut();
        let s = &mut *client;
        let step = match &mut self.op {
            AnyOp::Ping(op) => done_out(op.next(s, now), ping_out),
            AnyOp::Manifest(op) => done_out(op.next(s, now), manifest_out),
            AnyOp::Resolve(op) => done_out(op.next(s, now), |r| resolution_out(&r)),
            AnyOp::BlobHead(op) => done_out(op.next(s, now), blob_head_out),
            AnyOp::Blob(op) => done_out(op.next(s, now), blob_out),
            AnyOp::BlobBytes(op) => done_out(op.next(s, now), |b| {
                Ok(Uint8Array::from(b.as_slice()).into())
            }),
            AnyOp::Tags(op) => done_out(op.next(s, now), tags_out),
        };
        step_out(step?, &mut self.expect)
    }

    /// How many body bytes to read for a response with `status` to the last `send`: a limit,
    /// or -1 for a stream (hand the headers over, wait for the `read` step).
    #[wasm_bindgen(js_name = readLimit)]
    pub fn read_limit(&self, status: u16) -> f64 {
        match self.expect.as_ref().map(|e| e.read_limit(status)) {
            Some(Some(n)) => n as f64,
            Some(None) => -1.0,
            None => 0.0,
        }
    }

    /// The response to the last `send`: status, headers as a flat `[name, value, ...]` array,
    /// the body read within `readLimit` (empty for a stream) and whether there was more.
    #[wasm_bindgen(js_name = onResponse)]
    pub fn on_response(
        &mut self,
        status: u16,
        headers: Vec<String>,
        body: Vec<u8>,
        overflow: bool,
        now_ms: f64,
    ) {
        let mut it = headers.into_iter();
        let mut pairs = Vec::new();
        while let (Some(n), Some(v)) = (it.next(), it.next()) {
            pairs.push((n, v));
        }
        let response = Response {
            status,
            headers: pairs,
            body,
            body_overflow: overflow,
        };
        let mut s = self.client.borrow_mut();
        each_op!(&mut self.op, op => op.on_response(&mut s, response, ms(now_ms)))
    }

    /// The last `send` got no response: `kind` is `network`, `timeout`, `aborted` or
    /// `corsLikely`; `message` must not contain secrets.
    #[wasm_bindgen(js_name = onTransportError)]
    pub fn on_transport_error(&mut self, kind_name: &str, message: &str, now_ms: f64) {
        let e = TransportError::new(kind(kind_name), message);
        let mut s = self.client.borrow_mut();
        each_op!(&mut self.op, op => op.on_transport_error(&mut s, e, ms(now_ms)))
    }

    /// A chunk of the pending body, hashed by the core. Bytes held so far, or -1: cancel.
    #[wasm_bindgen(js_name = onBodyChunk)]
    pub fn on_body_chunk(&mut self, chunk: &[u8]) -> f64 {
        flow_out(each_op!(&mut self.op, op => op.on_body_chunk(chunk)))
    }

    /// `n` more bytes of the pending body, hashed by the driver. Bytes held so far, or -1.
    #[wasm_bindgen(js_name = onBodyBytes)]
    pub fn on_body_bytes(&mut self, n: f64) -> f64 {
        let n = if n.is_finite() && n > 0.0 {
            n as u64
        } else {
            0
        };
        flow_out(each_op!(&mut self.op, op => op.on_body_bytes(n)))
    }

    /// The pending body ended; `digest` is the driver's hash of the whole blob when it hashed
    /// (`onBodyBytes`), else null.
    #[wasm_bindgen(js_name = onBodyDone)]
    pub fn on_body_done(
        &mut self,
        blob_digest: Option<String>,
        now_ms: f64,
    ) -> Result<(), JsValue> {
        let d = blob_digest.as_deref().map(digest).transpose()?;
        let mut s = self.client.borrow_mut();
        each_op!(&mut self.op, op => op.on_body_done(&mut s, d, ms(now_ms)));
        Ok(())
    }

    /// The pending body broke off (kinds as for `onTransportError`).
    #[wasm_bindgen(js_name = onBodyError)]
    pub fn on_body_error(&mut self, kind_name: &str, message: &str, now_ms: f64) {
        let e = TransportError::new(kind(kind_name), message);
        let mut s = self.client.borrow_mut();
        each_op!(&mut self.op, op => op.on_body_error(&mut s, e, ms(now_ms)))
    }
}
