//! Platforms, matchers and index selection for JS.
//!
//! A platform crosses as a specifier string (parsed against the host) or as an object with
//! `os`, `architecture`, `variant` and either the JS names `osVersion`/`osFeatures` or the OCI
//! ones `os.version`/`os.features` ([`PlatformIn`]); objects are taken as given (not
//! normalized: the matchers normalize, and containerd's matcher looks at the OS as written).
//! Platforms go back with the JS names, empty optional fields left out ([`PlatformOut`]).
//!
//! [`WasmMatcher`] holds a core [`Matcher`] on the Rust side; the package glue wraps it in the
//! JS `PlatformMatcher` class. The host (default `linux/amd64`: a browser has none) supplies
//! what a specifier leaves out.

use super::error::{simple, to_js_error};
use super::from_js;
use super::manifest::{parse_arg, DescriptorOut};
use super::to_js;
use crate::platform::{self, Matcher, Mode, Platform};
use crate::select::{self, Selection};
use js_sys::{Array, Reflect};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use wasm_bindgen::prelude::*;

/// A platform object from JS: JS or OCI field names.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PlatformIn {
    os: Option<String>,
    architecture: Option<String>,
    variant: Option<String>,
    #[serde(rename = "osVersion")]
    os_version: Option<String>,
    #[serde(rename = "os.version")]
    os_version_oci: Option<String>,
    #[serde(rename = "osFeatures")]
    os_features: Option<Vec<String>>,
    #[serde(rename = "os.features")]
    os_features_oci: Option<Vec<String>>,
    /// Docker's (non-OCI) `features`, accepted and ignored as containerd does.
    features: Option<Vec<String>>,
}

impl From<PlatformIn> for Platform {
    fn from(p: PlatformIn) -> Platform {
        let _ = p.features;
        Platform {
            os: p.os.unwrap_or_default(),
            architecture: p.architecture.unwrap_or_default(),
            variant: p.variant.unwrap_or_default(),
            os_version: p.os_version.or(p.os_version_oci).unwrap_or_default(),
            os_features: p.os_features.or(p.os_features_oci).unwrap_or_default(),
        }
    }
}

/// A platform object for JS.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PlatformOut<'a> {
    os: &'a str,
    architecture: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    variant: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    os_version: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    os_features: &'a [String],
}

impl<'a> From<&'a Platform> for PlatformOut<'a> {
    fn from(p: &'a Platform) -> Self {
        PlatformOut {
            os: &p.os,
            architecture: &p.architecture,
            variant: &p.variant,
            os_version: &p.os_version,
            os_features: &p.os_features,
        }
    }
}

fn out(p: &Platform) -> Result<JsValue, JsValue> {
    to_js(&PlatformOut::from(p))
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
    serde_json::from_value::<PlatformIn>(v)
        .map(Platform::from)
        .map_err(|e| {
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
    to_js(&ps.iter().map(PlatformOut::from).collect::<Vec<_>>())
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

/// The JS selection result (`reason` absent in rankings).
#[derive(Serialize)]
struct SelectionOut<'a> {
    index: usize,
    descriptor: Option<DescriptorOut<'a>>,
    platform: Option<PlatformOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> From<&'a Selection> for SelectionOut<'a> {
    fn from(s: &'a Selection) -> Self {
        SelectionOut {
            index: s.index,
            descriptor: s.descriptor.as_ref().map(DescriptorOut::from),
            platform: s.platform.as_ref().map(PlatformOut::from),
            reason: Some(&s.reason),
        }
    }
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
        Some(s) => to_js(&SelectionOut::from(&s)),
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
    let ranked: Vec<SelectionOut> = select::ranked(idx, &matcher.matcher)
        .into_iter()
        .filter_map(|i| idx.manifests.get(i).map(|d| (i, d)))
        .map(|(i, d)| SelectionOut {
            index: i,
            descriptor: Some(DescriptorOut::from(d)),
            platform: d.platform.as_ref().map(PlatformOut::from),
            reason: None,
        })
        .collect();
    to_js(&ranked)
}

/// The platforms an index offers (attestations left out), formatted, in index order.
#[wasm_bindgen(js_name = indexPlatforms)]
pub fn index_platforms(index: JsValue) -> Result<JsValue, JsValue> {
    let m = index_arg(&index)?;
    let idx = select::index_of(&m).map_err(|e| to_js_error(&e, None))?;
    to_js(&select::available_platforms(idx))
}
