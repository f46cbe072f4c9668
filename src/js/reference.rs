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

/// Parses the first `len` bytes of the input buffer into output slot 0; returns 0 when valid.
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
/// output slots; returns how many are invalid.
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
                    out[0] = 1;
                    1
                }
                _ => 1,
            };
            start = end;
        }
        invalid
    })
}

/// Writes one result. Valid: slot 0 is 0 and the ranges follow ([`encode`]). Invalid: slot 0 is
/// 1 (2 when the input was not UTF-8: the caller takes the slow path), slot 1 the offset
/// (`u32::MAX` for none), slots 2-3 the code and 4-5 the message as (start, length) in `text`.
fn write_parts(input: &[u8], out: &mut [u32], text: &mut Vec<u8>) -> u32 {
    let Ok(s) = std::str::from_utf8(input) else {
        out[0] = 2;
        return 1;
    };
    match parse_normalized_parts(s, DigestAlgorithms::Kubernetes) {
        Ok(p) => {
            encode(&p, out);
            0
        }
        Err(e) => {
            out[0] = 1;
            out[1] = e.offset().map_or(u32::MAX, |o| o as u32);
            let mut put = |at: usize, bytes: &[u8]| {
                out[at] = text.len() as u32;
                out[at + 1] = bytes.len() as u32;
                text.extend_from_slice(bytes);
            };
            put(2, e.code().as_bytes());
            put(4, e.to_string().as_bytes());
            1
        }
    }
}

fn encode(p: &Parts, out: &mut [u32]) {
    let put = |out: &mut [u32], at: usize, r: &Range<usize>| {
        out[at] = r.start as u32;
        out[at + 1] = r.end as u32;
    };
    out[0] = 0;
    match &p.domain {
        DomainPart::Input(r) => {
            out[1] = 0;
            put(out, 2, r);
        }
        DomainPart::DockerHub => out[1] = 1,
        DomainPart::None => out[1] = 2,
    }
    out[4] = p.library as u32;
    put(out, 5, &p.path);
    out[7] = p.tag.is_some() as u32;
    if let Some(t) = &p.tag {
        put(out, 8, t);
    }
    out[10] = p.digest.is_some() as u32;
    if let Some(d) = &p.digest {
        put(out, 11, d);
    }
    put(out, 13, &p.familiar_name);
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
