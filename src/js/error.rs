//! Core errors as instances of the package's JS `PullspecError` class.

use crate::error::Coded;
use js_sys::{Array, Function, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the package's entry module with its `PullspecError` class, so that errors
/// thrown from wasm are `instanceof PullspecError`.
#[wasm_bindgen(js_name = registerErrorClass)]
pub fn register_error_class(class: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

/// Converts a byte offset into `input` to a UTF-16 index (what JS strings and editors count).
pub fn utf16_offset(input: &str, byte_offset: usize) -> usize {
    let end = byte_offset.min(input.len());
    let mut i = end;
    while !input.is_char_boundary(i) {
        i -= 1;
    }
    input[..i].encode_utf16().count()
}

/// A `PullspecError` for a core error; `input` (when given) turns byte offsets into UTF-16
/// indexes of the string the caller passed.
pub fn to_js_error(e: &dyn Coded, input: Option<&str>) -> JsValue {
    let fields = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&fields, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(e.code()));
    if let Some(offset) = e.offset() {
        let offset = input.map_or(offset, |s| utf16_offset(s, offset));
        set("offset", JsValue::from_f64(offset as f64));
    }
    if let Some(path) = e.path() {
        set("path", JsValue::from_str(&path));
    }
    for (k, v) in e.fields() {
        set(k, JsValue::from_str(&v));
    }
    make(&e.to_string(), fields)
}

/// A `PullspecError` with just a code and a message.
pub fn simple(code: &str, message: &str) -> JsValue {
    let fields = Object::new();
    let _ = Reflect::set(&fields, &"code".into(), &JsValue::from_str(code));
    make(message, fields)
}

fn make(message: &str, fields: Object) -> JsValue {
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = class {
        let args = Array::of2(&JsValue::from_str(message), &fields);
        if let Ok(err) = Reflect::construct(&class, &args) {
            return err;
        }
    }
    // Not registered (the generated module used directly): a plain Error with the same fields.
    let err = js_sys::Error::new(message);
    let _ = Object::assign(&err, &fields);
    err.into()
}
