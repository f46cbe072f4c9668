//! Manifests and digests for JS: `parseManifest`, `validateManifest`, `digest`, the incremental
//! hasher and `DigestVerifier` (the package glue wraps the last two in small JS classes).
//!
//! Documents cross as a JS string or a `Uint8Array` ([`Input`]). Positions are given in the
//! unit of what was passed: UTF-16 code units for a string (what JS and editors count), bytes
//! for bytes. Manifests cross as plain objects whose platforms use the JS names `osVersion` and
//! `osFeatures` ([`super::platform::platform`]).

use super::error::{simple, to_js_error};
use super::json::Out;
use super::platform::platform;
use crate::digest::{Algorithm, Digest, Hasher, Verifier};
use crate::error::Coded;
use crate::manifest::positions::{error_ranges, line_columns};
use crate::manifest::{self, Annotations, Descriptor, Manifest, ManifestError, MAX_MANIFEST_SIZE};
use js_sys::{Reflect, Uint8Array};
use std::ops::Range;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A document as passed from JS: text (positions in UTF-16 units) or bytes (positions in bytes).
pub(crate) enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

impl Input {
    /// Reads a JS string or `Uint8Array` (the glue turns other buffers into a `Uint8Array`).
    pub(crate) fn from_js(value: &JsValue, what: &str) -> Result<Input, JsValue> {
        if let Some(s) = value.as_string() {
            return Ok(Input::Text(s));
        }
        if let Some(a) = value.dyn_ref::<Uint8Array>() {
            return Ok(Input::Bytes(a.to_vec()));
        }
        Err(simple(
            "INVALID_ARGUMENT",
            &format!("{what} must be a string or a Uint8Array"),
        ))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Input::Text(s) => s.as_bytes(),
            Input::Bytes(b) => b,
        }
    }

    fn is_text(&self) -> bool {
        matches!(self, Input::Text(_))
    }
}

/// Start and end of a byte range as offset/line/column in the input's unit.
#[derive(Clone, Copy)]
struct Place {
    offset: usize,
    line: usize,
    column: usize,
    end_offset: usize,
    end_line: usize,
    end_column: usize,
}

fn places(input: &Input, ranges: &[Option<Range<usize>>]) -> Vec<Option<Place>> {
    places_in(input.bytes(), ranges, input.is_text())
}

/// [`places`] with columns in UTF-16 code units (or bytes when `!utf16`).
fn places_in(bytes: &[u8], ranges: &[Option<Range<usize>>], utf16: bool) -> Vec<Option<Place>> {
    let offsets: Vec<usize> = ranges
        .iter()
        .flat_map(|r| r.as_ref().map_or([0, 0], |r| [r.start, r.end]))
        .collect();
    let pos = line_columns(bytes, &offsets, utf16);
    ranges
        .iter()
        .zip(pos.chunks(2))
        .map(|(r, p)| match (r, p) {
            (Some(_), [a, b]) => Some(Place {
                offset: a.offset,
                line: a.line,
                column: a.column,
                end_offset: b.offset,
                end_line: b.line,
                end_column: b.column,
            }),
            _ => None,
        })
        .collect()
}

fn set_number(target: &JsValue, key: &str, v: usize) {
    let _ = Reflect::set(
        target,
        &JsValue::from_str(key),
        &JsValue::from_f64(v as f64),
    );
}

/// The `PullspecError` of a manifest problem, with `path` and, where the problem is in the
/// text, numeric `offset`/`line`/`column` (and `endOffset`/`endLine`/`endColumn`).
pub(crate) fn manifest_error(e: &ManifestError, input: &Input) -> JsValue {
    let err = to_js_error(e, None);
    let ranges = error_ranges(input.bytes(), std::slice::from_ref(e));
    if let Some(Some(p)) = places(input, &ranges).first() {
        set_number(&err, "offset", p.offset);
        set_number(&err, "line", p.line);
        set_number(&err, "column", p.column);
        set_number(&err, "endOffset", p.end_offset);
        set_number(&err, "endLine", p.end_line);
        set_number(&err, "endColumn", p.end_column);
    }
    err
}

/// A descriptor for JS: document field order, empty optional fields left out, platform with
/// the JS names.
pub(crate) fn descriptor(w: &mut Out, d: &Descriptor) {
    w.obj()
        .s("mediaType", &d.media_type)
        .s("digest", &d.digest.to_string())
        .n("size", d.size);
    if !d.urls.is_empty() {
        w.key("urls").strs(&d.urls);
    }
    annotations(w, &d.annotations);
    if let Some(p) = &d.platform {
        w.key("platform");
        platform(w, p);
    }
    if let Some(t) = &d.artifact_type {
        w.s("artifactType", t);
    }
    if let Some(t) = &d.data {
        w.s("data", t);
    }
    w.end();
}

/// `annotations` in document order (repeated keys too: `JSON.parse` keeps the last), unless
/// there are none.
fn annotations(w: &mut Out, a: &Annotations) {
    if !a.is_empty() {
        w.key("annotations").obj();
        for (k, v) in a.iter() {
            w.s(k, v);
        }
        w.end();
    }
}

fn descriptors(w: &mut Out, key: &str, list: &[Descriptor]) {
    w.key(key).arr();
    for d in list {
        descriptor(w, d);
    }
    w.end_arr();
}

/// The JS `Manifest`: `kind`, the effective `mediaType`, descriptors in the JS shape.
fn manifest_out(m: &Manifest) -> Result<JsValue, JsValue> {
    let (kind, schema_version, artifact_type, subject, annotations_) = match m {
        Manifest::Index(i) => (
            "index",
            i.schema_version,
            &i.artifact_type,
            &i.subject,
            &i.annotations,
        ),
        Manifest::Image(i) => (
            "image",
            i.schema_version,
            &i.artifact_type,
            &i.subject,
            &i.annotations,
        ),
    };
    let mut w = Out::new();
    w.obj()
        .s("kind", kind)
        .n("schemaVersion", u64::from(schema_version))
        .s("mediaType", m.media_type());
    if let Some(t) = artifact_type {
        w.s("artifactType", t);
    }
    match m {
        Manifest::Index(i) => descriptors(&mut w, "manifests", &i.manifests),
        Manifest::Image(i) => {
            w.key("config");
            descriptor(&mut w, &i.config);
            descriptors(&mut w, "layers", &i.layers);
        }
    }
    if let Some(d) = subject {
        w.key("subject");
        descriptor(&mut w, d);
    }
    annotations(&mut w, annotations_);
    w.end().to_js()
}

/// The core's `MANIFEST_TOO_LARGE` for bytes over the limit, found before copying them into
/// wasm memory (which never shrinks).
fn oversized(value: &JsValue) -> Option<ManifestError> {
    let size = value.dyn_ref::<Uint8Array>()?.length() as usize;
    (size > MAX_MANIFEST_SIZE).then_some(ManifestError::TooLarge { size })
}

/// Reads a manifest argument and parses it (throws the first problem, positioned); used by
/// selection as well.
pub(crate) fn parse_arg(
    value: &JsValue,
    what: &str,
    content_type: Option<&str>,
) -> Result<Manifest, JsValue> {
    if let Some(e) = oversized(value) {
        return Err(to_js_error(&e, None));
    }
    let input = Input::from_js(value, what)?;
    manifest::parse(input.bytes(), content_type).map_err(|e| manifest_error(&e, &input))
}

/// `parseManifest(bytes, contentType?)`: the typed manifest, or throws with code, path and
/// position.
#[wasm_bindgen(js_name = parseManifest)]
pub fn parse_manifest(input: JsValue, content_type: Option<String>) -> Result<JsValue, JsValue> {
    let m = parse_arg(&input, "manifest", content_type.as_deref())?;
    manifest_out(&m)
}

/// `validateManifest(bytes, contentType?)`: every problem, each with code, message, path and,
/// where it is in the text, its position.
#[wasm_bindgen(js_name = validateManifest)]
pub fn validate_manifest(input: JsValue, content_type: Option<String>) -> Result<JsValue, JsValue> {
    let (input, errors) = match oversized(&input) {
        Some(e) => (Input::Bytes(Vec::new()), vec![e]),
        None => {
            let input = Input::from_js(&input, "manifest")?;
            let errors = manifest::validate(input.bytes(), content_type.as_deref());
            (input, errors)
        }
    };
    // One JS `OciManifestDiagnostic` per problem: offset/line/column in the unit of the input,
    // and the editors' `range` (zero-based, UTF-16: the Kubernetes checks' shape) when the text
    // is UTF-8.
    let ranges = error_ranges(input.bytes(), &errors);
    let here = places(&input, &ranges);
    let utf16 = match &input {
        Input::Text(_) => Some(here.clone()),
        Input::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .map(|_| places_in(b, &ranges, true)),
    };
    let mut w = Out::new();
    w.arr();
    for (i, (e, place)) in errors.iter().zip(&here).enumerate() {
        w.obj().s("code", e.code()).s("message", &e.to_string());
        w.o("path", e.path().as_deref()).s("severity", "error");
        if let Some(p) = place {
            w.n("offset", p.offset as u64)
                .n("line", p.line as u64)
                .n("column", p.column as u64)
                .n("endOffset", p.end_offset as u64)
                .n("endLine", p.end_line as u64)
                .n("endColumn", p.end_column as u64);
        }
        if let Some(p) = utf16.as_ref().and_then(|u| u.get(i).copied().flatten()) {
            w.key("range").obj().key("start");
            position(&mut w, p.line, p.column);
            w.key("end");
            position(&mut w, p.end_line, p.end_column);
            w.end();
        }
        let mut details = e.fields();
        details.retain(|(k, _)| !matches!(*k, "line" | "column"));
        if !details.is_empty() {
            w.key("details");
            w.sorted_members(&details);
        }
        w.end();
    }
    w.end_arr().to_js()
}

/// `{ line, character }`, zero-based, of a 1-based line and column.
fn position(w: &mut Out, line: usize, column: usize) {
    w.obj()
        .n("line", line.saturating_sub(1) as u64)
        .n("character", column.saturating_sub(1) as u64)
        .end();
}

fn algorithm(name: Option<&str>) -> Result<Algorithm, JsValue> {
    let name = name.unwrap_or("sha256");
    Algorithm::from_name(name).ok_or_else(|| {
        let e = simple(
            "DIGEST_UNSUPPORTED",
            &format!("unsupported digest algorithm {name:?}; supported: sha256, sha384, sha512"),
        );
        let _ = Reflect::set(&e, &"algorithm".into(), &JsValue::from_str(name));
        e
    })
}

/// `digest(bytes, algorithm?)`: `algorithm:hex` of the raw bytes (a string's UTF-8 bytes).
#[wasm_bindgen]
pub fn digest(input: JsValue, algorithm_name: Option<String>) -> Result<String, JsValue> {
    let alg = algorithm(algorithm_name.as_deref())?;
    let input = Input::from_js(&input, "content")?;
    Ok(Digest::from_bytes(alg, input.bytes()).to_string())
}

/// An incremental hash (the glue's `digest()` feeds large buffers through it in slices, so
/// the module's memory does not grow to the size of the content).
#[wasm_bindgen]
pub struct WasmHasher {
    inner: Option<Hasher>,
}

fn finished() -> JsValue {
    simple("INVALID_STATE", "finish() was already called")
}

#[wasm_bindgen]
impl WasmHasher {
    /// A hasher for `algorithm` (default `sha256`).
    #[wasm_bindgen(constructor)]
    pub fn new(algorithm_name: Option<String>) -> Result<WasmHasher, JsValue> {
        Ok(WasmHasher {
            inner: Some(Hasher::new(algorithm(algorithm_name.as_deref())?)),
        })
    }

    /// Feeds bytes.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.as_mut().ok_or_else(finished)?.update(chunk);
        Ok(())
    }

    /// Feeds a string's UTF-8 bytes.
    #[wasm_bindgen(js_name = updateText)]
    pub fn update_text(&mut self, chunk: &str) -> Result<(), JsValue> {
        self.update(chunk.as_bytes())
    }

    /// The digest of everything fed.
    pub fn finish(&mut self) -> Result<String, JsValue> {
        Ok(self.inner.take().ok_or_else(finished)?.finish().to_string())
    }
}

/// Incremental verification against an expected digest (the JS `DigestVerifier`).
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: Option<Verifier>,
    expected: String,
}

#[wasm_bindgen]
impl WasmVerifier {
    /// Throws a `DIGEST_*` error when `expected` is not a valid supported digest.
    #[wasm_bindgen(constructor)]
    pub fn new(expected: &str) -> Result<WasmVerifier, JsValue> {
        let d = Digest::parse(expected).map_err(|e| to_js_error(&e, Some(expected)))?;
        Ok(WasmVerifier {
            expected: d.to_string(),
            inner: Some(Verifier::new(d)),
        })
    }

    /// The expected digest.
    #[wasm_bindgen(getter)]
    pub fn expected(&self) -> String {
        self.expected.clone()
    }

    /// Feeds bytes.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.inner.as_mut().ok_or_else(finished)?.update(chunk);
        Ok(())
    }

    /// Feeds a string's UTF-8 bytes.
    #[wasm_bindgen(js_name = updateText)]
    pub fn update_text(&mut self, chunk: &str) -> Result<(), JsValue> {
        self.update(chunk.as_bytes())
    }

    /// Throws `DIGEST_MISMATCH` (with `expected` and `actual`) unless everything fed hashes to
    /// the expected digest.
    pub fn finish(&mut self) -> Result<(), JsValue> {
        let v = self.inner.take().ok_or_else(finished)?;
        v.finish().map_err(|e| to_js_error(&e, None))
    }
}
