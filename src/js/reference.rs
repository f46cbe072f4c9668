//! Image references for JS.
//!
//! The hot path (`parseReference`, `parseReferences`) avoids per-field crossings: the package
//! glue writes the ASCII input into a buffer in linear memory, [`ref_parse`] writes the
//! [`Parts`](crate::reference::Parts) as byte ranges into another, and the glue slices the JS
//! string it already has. Any input that fails (or is not ASCII) is parsed again by
//! [`parse_reference`], which throws the full `PullspecError`. The glue's test suite checks that
//! both paths agree on every conformance vector.

use super::error::{simple, to_js_error};
use super::json::Out;
use crate::error::Coded;
use crate::reference::{
    kubelet_image_with_default_tag, parse_normalized_parts, split_arch_suffix, with_arch_suffix,
    DigestAlgorithms, DomainPart, Parts, Reference,
};
use std::cell::RefCell;
use std::ops::Range;
use wasm_bindgen::prelude::*;

/// How many `u32` one parsed reference takes in the output buffer.
pub const SLOTS: usize = 16;

/// Where each value of a result sits among its [`SLOTS`]. A range is two slots, start then end
/// (byte offsets into the input, which is ASCII: string indexes too); a text of a failure is two
/// slots, start and length in the text buffer. `pkg/references.js` has the same table (`SLOT`),
/// and a Node test checks the two agree.
pub mod slot {
    /// 0 valid, 1 invalid, 2 not UTF-8 (the caller takes the slow path).
    pub const STATUS: usize = 0;
    /// Valid: 0 the domain is in the input (at [`DOMAIN`]), 1 Docker Hub, 2 none.
    pub const DOMAIN_KIND: usize = 1;
    /// Valid: the domain's range.
    pub const DOMAIN: usize = 2;
    /// Valid: 1 when `library/` goes before the path (Docker Hub official images).
    pub const LIBRARY: usize = 4;
    /// Valid: the path's range.
    pub const PATH: usize = 5;
    /// Valid: 1 when there is a tag, at [`TAG`].
    pub const HAS_TAG: usize = 7;
    pub const TAG: usize = 8;
    /// Valid: 1 when there is a digest, at [`DIGEST`].
    pub const HAS_DIGEST: usize = 10;
    pub const DIGEST: usize = 11;
    /// Valid: the range of the familiar name (without tag and digest).
    pub const FAMILIAR: usize = 13;
    /// Invalid: the error's offset, `u32::MAX` for none.
    pub const OFFSET: usize = 1;
    /// Invalid: the stable code's text.
    pub const CODE: usize = 2;
    /// Invalid: the message's text.
    pub const MESSAGE: usize = 4;
}

#[derive(Default)]
struct Io {
    input: Vec<u8>,
    lengths: Vec<u32>,
    out: Vec<u32>,
    /// Codes and messages of the failures of the last call, UTF-8, end to end.
    text: Vec<u8>,
}

thread_local! {
    static IO: RefCell<Io> = RefCell::new(Io::default());
}

/// Makes room for `bytes` of input and `count` references; pointers may move afterwards.
#[wasm_bindgen]
pub fn ref_reserve(bytes: usize, count: usize) {
    IO.with(|io| {
        let mut io = io.borrow_mut();
        if io.input.len() < bytes {
            io.input.resize(bytes, 0);
        }
        if io.lengths.len() < count {
            io.lengths.resize(count, 0);
        }
        if io.out.len() < count * SLOTS {
            io.out.resize(count * SLOTS, 0);
        }
    })
}

/// Address of the input buffer.
#[wasm_bindgen]
pub fn ref_input_ptr() -> *const u8 {
    IO.with(|io| io.borrow().input.as_ptr())
}

/// Address of the lengths buffer (one `u32` per input of a batch).
#[wasm_bindgen]
pub fn ref_lengths_ptr() -> *const u32 {
    IO.with(|io| io.borrow().lengths.as_ptr())
}

/// Address of the output buffer ([`SLOTS`] `u32` per reference).
#[wasm_bindgen]
pub fn ref_out_ptr() -> *const u32 {
    IO.with(|io| io.borrow().out.as_ptr())
}

/// Address of the text buffer (codes and messages of failures, see [`write_parts`]).
#[wasm_bindgen]
pub fn ref_text_ptr() -> *const u8 {
    IO.with(|io| io.borrow().text.as_ptr())
}

/// Parses the first `len` bytes of the input buffer into the first result; returns 0 when valid.
#[wasm_bindgen]
pub fn ref_parse(len: usize) -> u32 {
    IO.with(|io| {
        let io = &mut *io.borrow_mut();
        io.text.clear();
        match (io.input.get(..len), io.out.get_mut(..SLOTS)) {
            (Some(input), Some(out)) => write_parts(input, out, &mut io.text),
            _ => 1,
        }
    })
}

/// Parses `count` inputs laid end to end (lengths in the lengths buffer) into consecutive
/// results; returns how many are invalid.
#[wasm_bindgen]
pub fn ref_parse_batch(count: usize) -> u32 {
    IO.with(|io| {
        let io = &mut *io.borrow_mut();
        io.text.clear();
        let mut start = 0usize;
        let mut invalid = 0;
        for i in 0..count.min(io.lengths.len()) {
            let len = io.lengths[i] as usize;
            let end = start.saturating_add(len);
            let out = io.out.get_mut(i * SLOTS..(i + 1) * SLOTS);
            invalid += match (io.input.get(start..end), out) {
                (Some(input), Some(out)) => write_parts(input, out, &mut io.text),
                (_, Some(out)) => {
                    out[slot::STATUS] = 1;
                    1
                }
                _ => 1,
            };
            start = end;
        }
        invalid
    })
}

/// Writes one result (the layout is [`slot`]); returns 1 when the input is invalid.
fn write_parts(input: &[u8], out: &mut [u32], text: &mut Vec<u8>) -> u32 {
    let Ok(s) = std::str::from_utf8(input) else {
        out[slot::STATUS] = 2;
        return 1;
    };
    match parse_normalized_parts(s, DigestAlgorithms::Kubernetes) {
        Ok(p) => {
            encode(&p, out);
            0
        }
        Err(e) => {
            out[slot::STATUS] = 1;
            out[slot::OFFSET] = e.offset().map_or(u32::MAX, |o| o as u32);
            let mut put = |at: usize, bytes: &[u8]| {
                out[at] = text.len() as u32;
                out[at + 1] = bytes.len() as u32;
                text.extend_from_slice(bytes);
            };
            put(slot::CODE, e.code().as_bytes());
            put(slot::MESSAGE, e.to_string().as_bytes());
            1
        }
    }
}

fn encode(p: &Parts, out: &mut [u32]) {
    let put = |out: &mut [u32], at: usize, r: &Range<usize>| {
        out[at] = r.start as u32;
        out[at + 1] = r.end as u32;
    };
    out[slot::STATUS] = 0;
    match &p.domain {
        DomainPart::Input(r) => {
            out[slot::DOMAIN_KIND] = 0;
            put(out, slot::DOMAIN, r);
        }
        DomainPart::DockerHub => out[slot::DOMAIN_KIND] = 1,
        DomainPart::None => out[slot::DOMAIN_KIND] = 2,
    }
    out[slot::LIBRARY] = p.library as u32;
    put(out, slot::PATH, &p.path);
    out[slot::HAS_TAG] = p.tag.is_some() as u32;
    if let Some(t) = &p.tag {
        put(out, slot::TAG, t);
    }
    out[slot::HAS_DIGEST] = p.digest.is_some() as u32;
    if let Some(d) = &p.digest {
        put(out, slot::DIGEST, d);
    }
    put(out, slot::FAMILIAR, &p.familiar_name);
}

/// The JS `ImageReference`.
fn reference_out(r: &Reference) -> Result<JsValue, JsValue> {
    let digest = r.digest().map(|d| d.to_string());
    Out::new()
        .obj()
        .s("registry", r.domain())
        .s("repository", r.path())
        .o("tag", r.tag())
        .o("digest", digest.as_deref())
        .s("name", &r.name())
        .s("normalized", &r.to_string())
        .s("familiar", &r.familiar())
        .s("withDefaultTag", &r.with_default_tag())
        .end()
        .to_js()
}

/// Parses one reference through Rust strings; throws `PullspecError`. `mode`: `"normalized"`
/// (Kubernetes), `"canonical"` (must already be fully qualified) or `"raw"` (no normalization).
#[wasm_bindgen]
pub fn parse_reference(input: &str, mode: &str) -> Result<JsValue, JsValue> {
    let err = |e: crate::reference::ReferenceError| to_js_error(&e, Some(input));
    match mode {
        "normalized" => reference_out(&Reference::parse_normalized(input).map_err(err)?),
        "canonical" => reference_out(&Reference::parse_canonical(input).map_err(err)?),
        "raw" => {
            // The JS `RawReference` (no normalization).
            let r = Reference::parse(input).map_err(err)?;
            let digest = r.digest().map(|d| d.to_string());
            Out::new()
                .obj()
                .o("domain", Some(r.domain()).filter(|d| !d.is_empty()))
                .s("path", r.path())
                .o("tag", r.tag())
                .o("digest", digest.as_deref())
                .s("name", &r.name())
                .s("string", &r.to_string())
                .end()
                .to_js()
        }
        other => Err(simple(
            "INVALID_ARGUMENT",
            &format!("unknown parse mode {other:?} (normalized, canonical, raw)"),
        )),
    }
}

/// `registry.k8s.io/pause` + `amd64` -> `registry.k8s.io/pause-amd64`.
#[wasm_bindgen(js_name = withArchSuffix)]
pub fn with_arch_suffix_js(image: &str, arch: &str) -> Result<String, JsValue> {
    with_arch_suffix(image, arch).map_err(|e| to_js_error(&e, Some(image)))
}

/// `pause-amd64` -> `{ image: "pause", arch: "amd64" }`, or `null` without a known suffix.
#[wasm_bindgen(js_name = splitArchSuffix)]
pub fn split_arch_suffix_js(image: &str) -> Result<JsValue, JsValue> {
    let split = split_arch_suffix(image).map_err(|e| to_js_error(&e, Some(image)))?;
    let mut w = Out::new();
    match split {
        Some((image, arch)) => w.obj().s("image", &image).s("arch", arch).end(),
        None => w.null(),
    };
    w.to_js()
}

/// The kubelet's `applyDefaultImageTag`: the image as written plus `:latest` when needed.
#[wasm_bindgen(js_name = kubeletImageWithDefaultTag)]
pub fn kubelet_image_with_default_tag_js(image: &str) -> Result<String, JsValue> {
    kubelet_image_with_default_tag(image).map_err(|e| to_js_error(&e, Some(image)))
}
