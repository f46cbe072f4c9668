//! Platforms, matchers and index selection for JS.
//!
//! A platform crosses as a specifier string (parsed against the host) or as an object with
//! `os`, `architecture`, `variant` and either the JS names `osVersion`/`osFeatures` or the OCI
//! ones `os.version`/`os.features` ([`PlatformIn`]); objects are taken as given (not
//! normalized: the matchers normalize, and containerd's matcher looks at the OS as written).
//! Platforms go back with the JS names, empty optional fields left out ([`platform`]).
//!
//! [`WasmMatcher`] holds a core [`Matcher`] on the Rust side; the package glue wraps it in the
//! JS `PlatformMatcher` class. The host (default `linux/amd64`: a browser has none) supplies
//! what a specifier leaves out.

use super::error::{simple, to_js_error};
use super::from_js;
use super::json::Out;
use super::manifest::{descriptor, parse_arg};
use crate::manifest::Descriptor;
use crate::platform::{self, Matcher, Mode, Platform};
use crate::select;
use js_sys::{Array, Reflect};
use serde_json::Value;
use std::cmp::Ordering;
use wasm_bindgen::prelude::*;

/// The fields of a platform object from JS (JS or OCI names); `features` is Docker's (non-OCI)
/// `features`, accepted and ignored as containerd does.
const PLATFORM_FIELDS: [&str; 8] = [
    "os",
    "architecture",
    "variant",
    "osVersion",
    "os.version",
    "osFeatures",
    "os.features",
    "features",
];

/// How serde names a JSON value that has the wrong type (`invalid type: {this}, expected ...`).
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => {
            let mut text = Out::new();
            text.value(v);
            let text = text.into_string();
            let point = if text.contains(['.', 'e', 'E']) {
                ""
            } else {
                ".0"
            };
            format!("floating point `{text}{point}`")
        }
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {}", crate::error::Quoted(s)),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// A platform object (JS or OCI field names, unknown fields refused), taken as given.
fn platform_from_value(v: &Value) -> Result<Platform, String> {
    let Value::Object(map) = v else {
        return Err(format!(
            "invalid type: {}, expected struct PlatformIn",
            unexpected(v)
        ));
    };
    let string = |v: &Value| match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!(
            "invalid type: {}, expected a string",
            unexpected(other)
        )),
    };
    let list = |v: &Value| match v {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "invalid type: {}, expected a string",
                    unexpected(other)
                )),
            })
            .collect::<Result<Vec<String>, String>>()
            .map(Some),
        other => Err(format!(
            "invalid type: {}, expected a sequence",
            unexpected(other)
        )),
    };
    let mut fields: [Option<String>; 5] = Default::default();
    let mut features: [Option<Vec<String>>; 3] = Default::default();
    for (k, v) in map {
        match PLATFORM_FIELDS.iter().position(|f| f == k) {
            Some(i @ 0..=4) => fields[i] = string(v)?,
            Some(i) => features[i - 5] = list(v)?,
            None => {
                let expected: Vec<String> =
                    PLATFORM_FIELDS.iter().map(|f| format!("`{f}`")).collect();
                return Err(format!(
                    "unknown field `{k}`, expected one of {}",
                    expected.join(", ")
                ));
            }
        }
    }
    let [os, architecture, variant, os_version, os_version_oci] = fields;
    let [os_features, os_features_oci, _] = features;
    Ok(Platform {
        os: os.unwrap_or_default(),
        architecture: architecture.unwrap_or_default(),
        variant: variant.unwrap_or_default(),
        os_version: os_version.or(os_version_oci).unwrap_or_default(),
        os_features: os_features.or(os_features_oci).unwrap_or_default(),
    })
}

/// A platform object for JS: the JS field names, empty optional fields left out.
pub(crate) fn platform(w: &mut Out, p: &Platform) {
    w.obj().s("os", &p.os).s("architecture", &p.architecture);
    if !p.variant.is_empty() {
        w.s("variant", &p.variant);
    }
    if !p.os_version.is_empty() {
        w.s("osVersion", &p.os_version);
    }
    if !p.os_features.is_empty() {
        w.key("osFeatures").strs(&p.os_features);
    }
    w.end();
}

fn out(p: &Platform) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    platform(&mut w, p);
    w.to_js()
}

fn parse_spec(spec: &str, host: &Platform) -> Result<Platform, JsValue> {
    platform::parse(spec, host).map_err(|e| to_js_error(&e, Some(spec)))
}

/// A platform argument: a specifier (parsed against `host`) or an object.
fn platform_arg(value: &JsValue, host: &Platform, what: &str) -> Result<Platform, JsValue> {
    if let Some(spec) = value.as_string() {
        return parse_spec(&spec, host);
    }
    if value.is_null() || value.is_undefined() || !value.is_object() || Array::is_array(value) {
        return Err(simple(
            "INVALID_ARGUMENT",
            &format!("{what} must be a platform string (os/arch[/variant]) or object"),
        ));
    }
    let v = from_js(value, what)?;
    platform_from_value(&v).map_err(|e| {
            simple(
                "INVALID_PLATFORM",
                &format!("{what} is not a platform object ({e}); expected {{ os, architecture, variant?, osVersion?, osFeatures? }}"),
            )
        })
}

/// The `host` option: absent means `linux/amd64`.
fn host_arg(value: &JsValue) -> Result<Platform, JsValue> {
    if value.is_null() || value.is_undefined() {
        return Ok(Platform::default_host());
    }
    platform_arg(value, &Platform::default_host(), "host")
}

/// `parsePlatform(spec, host?)`: containerd's `Parse`; throws `INVALID_PLATFORM` with `offset`.
#[wasm_bindgen(js_name = parsePlatform)]
pub fn parse_platform(spec: &str, host: JsValue) -> Result<JsValue, JsValue> {
    out(&parse_spec(spec, &host_arg(&host)?)?)
}

/// `normalizePlatform(platform, host?)`: containerd's `Normalize` (a string is parsed first).
#[wasm_bindgen(js_name = normalizePlatform)]
pub fn normalize_platform(p: JsValue, host: JsValue) -> Result<JsValue, JsValue> {
    let host = host_arg(&host)?;
    out(&platform::normalize(
        &platform_arg(&p, &host, "platform")?,
        &host,
    ))
}

/// `formatPlatform(platform, all)`: `Format` (`os/arch/variant`) or `FormatAll`.
#[wasm_bindgen(js_name = formatPlatform)]
pub fn format_platform(p: JsValue, all: bool) -> Result<String, JsValue> {
    let p = platform_arg(&p, &Platform::default_host(), "platform")?;
    Ok(if all {
        platform::format_all(&p)
    } else {
        platform::format(&p)
    })
}

/// A core [`Matcher`] plus the host its specifiers are parsed against.
#[wasm_bindgen]
pub struct WasmMatcher {
    matcher: Matcher,
    host: Platform,
}

fn platform_list(value: &JsValue, host: &Platform, what: &str) -> Result<Vec<Platform>, JsValue> {
    if !Array::is_array(value) {
        return Err(simple(
            "INVALID_ARGUMENT",
            &format!("{what} must be an array"),
        ));
    }
    Array::from(value)
        .iter()
        .map(|v| platform_arg(&v, host, what))
        .collect()
}

fn platforms_out(ps: &[Platform]) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.arr();
    for p in ps {
        platform(&mut w, p);
    }
    w.end_arr().to_js()
}

#[wasm_bindgen]
impl WasmMatcher {
    /// A matcher over `platforms` (an array). `mode`: `exact`, `only`, `strict`, `os`,
    /// `ordered`, `any`, `all`, `windows_host` (or containerd's names); absent: containerd's
    /// `Default()` for one platform (`only`, `windows_host` for Windows), `ordered` for several.
    #[wasm_bindgen(constructor)]
    pub fn new(
        platforms: JsValue,
        mode: Option<String>,
        host: JsValue,
    ) -> Result<WasmMatcher, JsValue> {
        let host = host_arg(&host)?;
        let ps = platform_list(&platforms, &host, "platform")?;
        let mode = match (mode.as_deref(), ps.as_slice()) {
            (Some(name), _) => Mode::from_name(name).map_err(|e| to_js_error(&e, None))?,
            (None, [one]) => Mode::default_for(one, &host.os),
            (None, _) => Mode::Ordered,
        };
        let matcher = Matcher::new(mode, ps, &host).map_err(|e| to_js_error(&e, None))?;
        Ok(WasmMatcher { matcher, host })
    }

    /// The mode's canonical name.
    #[wasm_bindgen(getter)]
    pub fn mode(&self) -> String {
        self.matcher.mode().name().to_string()
    }

    /// The platforms the matcher was built from.
    #[wasm_bindgen(getter)]
    pub fn platforms(&self) -> Result<JsValue, JsValue> {
        platforms_out(self.matcher.requested())
    }

    /// The requested platforms for messages (`linux/arm64`, `a, b`, `any platform`).
    pub fn describe(&self) -> String {
        self.matcher.describe()
    }

    /// Whether `p` is acceptable.
    pub fn matches(&self, p: JsValue) -> Result<bool, JsValue> {
        Ok(self
            .matcher
            .matches(&platform_arg(&p, &self.host, "platform")?))
    }

    /// -1 when `a` is preferred, 1 when `b` is, 0 when neither.
    pub fn compare(&self, a: JsValue, b: JsValue) -> Result<i32, JsValue> {
        let a = platform_arg(&a, &self.host, "platform")?;
        let b = platform_arg(&b, &self.host, "platform")?;
        Ok(match self.matcher.compare(&a, &b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        })
    }

    /// The platforms (an array), preferred first, stably (Go's `sort.SliceStable`).
    pub fn sort(&self, platforms: JsValue) -> Result<JsValue, JsValue> {
        let mut ps = platform_list(&platforms, &self.host, "platform")?;
        self.matcher.sort(&mut ps);
        platforms_out(&ps)
    }
}

/// A JS selection result: `{ index, descriptor, platform, reason? }` (`reason` absent in
/// rankings).
fn selection(
    w: &mut Out,
    index: usize,
    d: Option<&Descriptor>,
    p: Option<&Platform>,
    reason: Option<&str>,
) {
    w.obj().n("index", index as u64).key("descriptor");
    match d {
        Some(d) => descriptor(w, d),
        None => {
            w.null();
        }
    }
    w.key("platform");
    match p {
        Some(p) => platform(w, p),
        None => {
            w.null();
        }
    }
    if let Some(r) = reason {
        w.s("reason", r);
    }
    w.end();
}

fn index_arg(index: &JsValue) -> Result<crate::manifest::Manifest, JsValue> {
    parse_arg(index, "index", None)
}

/// `NO_MATCHING_PLATFORM` with `requested` (string) and `available` (array of strings).
fn no_match(index: &crate::manifest::ImageIndex, m: &Matcher) -> JsValue {
    let e = select::no_match_error(index, m);
    let err = to_js_error(&e, None);
    let available: Array = select::available_platforms(index)
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect();
    let _ = Reflect::set(&err, &"available".into(), &available);
    err
}

/// `selectManifest(index, matcher, throwIfNone)`: the entry containerd would pull, or null (or
/// `NO_MATCHING_PLATFORM`). The index is validated first (its problems are thrown).
#[wasm_bindgen(js_name = selectManifest)]
pub fn select_manifest(
    index: JsValue,
    matcher: &WasmMatcher,
    throw_if_none: bool,
) -> Result<JsValue, JsValue> {
    let m = index_arg(&index)?;
    let idx = select::index_of(&m).map_err(|e| to_js_error(&e, None))?;
    match select::select(idx, &matcher.matcher) {
        Some(s) => {
            let mut w = Out::new();
            selection(
                &mut w,
                s.index,
                s.descriptor.as_ref(),
                s.platform.as_ref(),
                Some(&s.reason),
            );
            w.to_js()
        }
        None if throw_if_none => Err(no_match(idx, &matcher.matcher)),
        None => Ok(JsValue::NULL),
    }
}

/// `rankManifests(index, matcher)`: every acceptable entry, best first, as
/// `{ index, descriptor, platform }` (attestations left out).
#[wasm_bindgen(js_name = rankManifests)]
pub fn rank_manifests(index: JsValue, matcher: &WasmMatcher) -> Result<JsValue, JsValue> {
    let m = index_arg(&index)?;
    let idx = select::index_of(&m).map_err(|e| to_js_error(&e, None))?;
    let mut w = Out::new();
    w.arr();
    for i in select::ranked(idx, &matcher.matcher) {
        if let Some(d) = idx.manifests.get(i) {
            selection(&mut w, i, Some(d), d.platform.as_ref(), None);
        }
    }
    w.end_arr().to_js()
}

/// The platforms an index offers (attestations left out), formatted, in index order.
#[wasm_bindgen(js_name = indexPlatforms)]
pub fn index_platforms(index: JsValue) -> Result<JsValue, JsValue> {
    let m = index_arg(&index)?;
    let idx = select::index_of(&m).map_err(|e| to_js_error(&e, None))?;
    let mut w = Out::new();
    w.strs(&select::available_platforms(idx));
    w.to_js()
}
