//! `Platform`: parse, format and normalize platform specifiers exactly as containerd/platforms
//! v1.0.0-rc.4 does, with the host passed in instead of Go's `runtime.GOOS`/`GOARCH`. Windows
//! compatibility and ordering follow its main branch (commit 4549974: ltsc2025, revision
//! ordering), see [`windows`]; where that differs from the rc.4 vectors is listed in
//! `tests/platforms-main.json`.
//!
//! Specifier grammar (`Parse`):
//!
//! ```text
//! specifier  ::= os-part | os-part "/" arch | os-part "/" arch "/" variant
//! os-part    ::= name [ "(" [os-version] { "+" feature } ")" ]
//! name       ::= [A-Za-z0-9_-]+
//! os-version ::= [A-Za-z0-9_.%-]*          (percent-decoded)
//! feature    ::= [A-Za-z0-9_.%-]+          (percent-decoded)
//! arch, variant ::= [A-Za-z0-9_.-]+
//! ```
//!
//! - Any `*` is refused (wildcards are not supported).
//! - One component: a known OS (see [`database::KNOWN_OS`]) gets the host's architecture (and, on
//!   an `arm` host whose variant is not `v7`, the host's variant); otherwise it is normalized as
//!   an architecture and, if known, gets the host's OS; else it is an error.
//! - Two components: `os/arch`, arch normalized, `arm/v7` shown without its variant.
//! - Three: `os/arch/variant` normalized; `arm64` with an empty normalized variant gets `v8`.
//! - More than three components is an error.
//!
//! Every failure is `INVALID_PLATFORM` with the byte offset of the offending component or
//! character; a bad matcher configuration is `INVALID_MATCHER`.
//!
//! One deviation: an os.version or feature whose percent-decoding is not UTF-8 is refused
//! (Go keeps the raw bytes; a Rust `String` cannot).

pub mod database;
pub mod matcher;
pub mod windows;

pub use matcher::{Matcher, Mode};
pub use windows::{windows_host_can_run, WindowsVersion};

use crate::error::Coded;
use crate::go;
use database::{is_known_arch, is_known_os, normalize_arch, normalize_os};
use std::fmt;

/// An OCI platform: what a manifest was built for, or what a host can run.
///
/// Empty strings mean "not set" (as in the OCI JSON, where the fields are omitted). Serde reads
/// and writes the OCI JSON object (`os.version`, `os.features`); JS gets its own shape
/// (`osVersion`, `osFeatures`) from `src/js/platform.rs`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Platform {
    /// Operating system, e.g. `linux`, `windows`.
    pub os: String,
    /// CPU architecture, e.g. `amd64`, `arm64`.
    pub architecture: String,
    /// Architecture variant, e.g. `v7` for `arm`; empty when none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub variant: String,
    /// OS version, e.g. `10.0.17763.1234` for Windows; empty when none.
    #[serde(rename = "os.version", skip_serializing_if = "String::is_empty")]
    pub os_version: String,
    /// Required OS features, e.g. `win32k`; empty when none.
    #[serde(rename = "os.features", skip_serializing_if = "Vec::is_empty")]
    pub os_features: Vec<String>,
}

/// Why a platform specifier or matcher configuration was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlatformError {
    /// The specifier does not follow the grammar (`INVALID_PLATFORM`).
    InvalidSpecifier {
        /// The refused specifier.
        specifier: String,
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// A matcher was asked for with the wrong number of platforms or an unknown mode
    /// (`INVALID_MATCHER`).
    InvalidMatcher {
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformError::InvalidSpecifier {
                specifier, reason, ..
            } => write!(f, "invalid platform {specifier:?}: {reason}"),
            PlatformError::InvalidMatcher { reason } => {
                write!(f, "invalid platform matcher: {reason}")
            }
        }
    }
}

impl std::error::Error for PlatformError {}

impl Coded for PlatformError {
    fn code(&self) -> &'static str {
        match self {
            PlatformError::InvalidSpecifier { .. } => "INVALID_PLATFORM",
            PlatformError::InvalidMatcher { .. } => "INVALID_MATCHER",
        }
    }

    fn offset(&self) -> Option<usize> {
        match self {
            PlatformError::InvalidSpecifier { offset, .. } => Some(*offset),
            PlatformError::InvalidMatcher { .. } => None,
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_option_byte(b: u8) -> bool {
    is_name_byte(b) || b == b'.' || b == b'%'
}

fn is_component_byte(b: u8) -> bool {
    is_name_byte(b) || b == b'.'
}

/// The pieces of an `os-part`: name, raw version, raw features (each without its `+`).
struct OsPart<'a> {
    name: &'a str,
    version: &'a str,
    features: Vec<&'a str>,
}

/// Matches `os-part`; on failure returns the byte offset (within `part`) of the problem.
fn split_os_part(part: &str) -> Result<OsPart<'_>, (usize, &'static str)> {
    let bytes = part.as_bytes();
    let name_len = bytes.iter().take_while(|&&b| is_name_byte(b)).count();
    if name_len == 0 {
        return Err((0, "the OS component must start with [A-Za-z0-9_-]"));
    }
    let name = &part[..name_len];
    if name_len == part.len() {
        return Ok(OsPart {
            name,
            version: "",
            features: Vec::new(),
        });
    }
    let at = |pos: usize| bytes.get(pos).copied();
    if at(name_len) != Some(b'(') {
        return Err((name_len, "unexpected character in the OS component"));
    }
    let scan = |from: usize| {
        from + bytes
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&b| is_option_byte(b))
            .count()
    };
    let version_start = name_len + 1;
    let mut pos = scan(version_start);
    let version = &part[version_start..pos];
    let mut features = Vec::new();
    while at(pos) == Some(b'+') {
        let end = scan(pos + 1);
        if end == pos + 1 {
            return Err((pos + 1, "empty OS feature"));
        }
        features.push(&part[pos + 1..end]);
        pos = end;
    }
    if at(pos) != Some(b')') {
        return Err((
            pos,
            "OS options must be (version+feature...) and end with ')'",
        ));
    }
    if pos + 1 != part.len() {
        return Err((pos + 1, "unexpected character after the OS options"));
    }
    Ok(OsPart {
        name,
        version,
        features,
    })
}

/// Go `url.PathUnescape` (only when a `%` is present), refusing non-UTF-8 results.
fn decode_os_option(v: &str) -> Result<String, (usize, &'static str)> {
    if !v.contains('%') {
        return Ok(v.to_string());
    }
    let bytes = go::url::path_unescape(v).map_err(|at| (at, "invalid percent escape"))?;
    String::from_utf8(bytes).map_err(|_| (0, "percent escape decodes to non-UTF-8"))
}

/// Percent-encodes `% + ( ) /` in an os.version or feature (containerd `encodeOSOption`).
fn encode_os_option(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '%' => out.push_str("%25"),
            '+' => out.push_str("%2B"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '/' => out.push_str("%2F"),
            c => out.push(c),
        }
    }
    out
}

impl Platform {
    /// A platform from its os, architecture and variant (variant may be empty).
    pub fn new(os: &str, architecture: &str, variant: &str) -> Platform {
        Platform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant: variant.to_string(),
            ..Platform::default()
        }
    }

    /// The host assumed when the caller names none: `linux/amd64`.
    pub fn default_host() -> Platform {
        Platform::new("linux", "amd64", "")
    }

    /// Parses a specifier (see the module doc); `host` stands in for containerd's runtime
    /// defaults when a component is omitted.
    pub fn parse(specifier: &str, host: &Platform) -> Result<Platform, PlatformError> {
        parse(specifier, host)
    }

    /// Short form `os/arch[/variant]` (containerd `Format`).
    pub fn format(&self) -> String {
        format(self)
    }

    /// Long form with `(os.version+features)` (containerd `FormatAll`).
    pub fn format_all(&self) -> String {
        format_all(self)
    }

    /// The canonical form (containerd `Normalize`).
    pub fn normalize(&self, host: &Platform) -> Platform {
        normalize(self, host)
    }
}

impl fmt::Display for Platform {
    /// Prints the long form ([`format_all`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_all(self))
    }
}

/// containerd `Parse` with `host` in place of `runtime.GOOS`/`GOARCH`/`cpuVariant()`.
pub fn parse(specifier: &str, host: &Platform) -> Result<Platform, PlatformError> {
    let fail = |offset: usize, reason: String| PlatformError::InvalidSpecifier {
        specifier: specifier.to_string(),
        offset,
        reason,
    };
    if let Some(star) = specifier.find('*') {
        return Err(fail(star, "wildcards are not supported".to_string()));
    }
    let parts: Vec<&str> = specifier.splitn(4, '/').collect();
    let mut p = Platform::default();
    let mut offset = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let os = split_os_part(part).map_err(|(at, why)| {
                fail(
                    at,
                    format!("{why}; the OS component must match name[(version[+feature]...)]"),
                )
            })?;
            p.os = normalize_os(os.name, &host.os);
            let version_at = os.name.len() + 1;
            p.os_version = decode_os_option(os.version)
                .map_err(|(at, why)| fail(version_at + at, format!("invalid OS version: {why}")))?;
            for f in &os.features {
                let feature = decode_os_option(f).map_err(|(_, why)| {
                    fail(version_at, format!("invalid OS feature {f:?}: {why}"))
                })?;
                p.os_features.push(feature);
            }
        } else if let Some(bad) = part.bytes().position(|b| !is_component_byte(b)) {
            return Err(fail(
                offset + bad,
                format!("{part:?} contains a character outside [A-Za-z0-9_.-]"),
            ));
        } else if part.is_empty() {
            return Err(fail(offset, "empty component".to_string()));
        }
        offset += part.len() + 1;
    }
    let (host_arch, host_variant) = normalize_arch(&host.architecture, &host.variant);
    match parts.as_slice() {
        [single] => {
            if is_known_os(&p.os) {
                p.architecture = host_arch;
                if p.architecture == "arm" && host_variant != "v7" {
                    p.variant = host_variant;
                }
                return Ok(p);
            }
            let (arch, variant) = normalize_arch(single, "");
            p.architecture = arch;
            p.variant = variant;
            if p.architecture == "arm" && p.variant == "v7" {
                p.variant.clear();
            }
            if is_known_arch(&p.architecture) {
                p.os = normalize_os(&host.os, "linux");
                return Ok(p);
            }
            Err(fail(
                0,
                "unknown operating system or architecture".to_string(),
            ))
        }
        [_, arch] => {
            let (arch, variant) = normalize_arch(arch, "");
            p.architecture = arch;
            p.variant = variant;
            if p.architecture == "arm" && p.variant == "v7" {
                p.variant.clear();
            }
            Ok(p)
        }
        [_, arch, variant] => {
            let (arch, variant) = normalize_arch(arch, variant);
            p.architecture = arch;
            p.variant = variant;
            if p.architecture == "arm64" && p.variant.is_empty() {
                p.variant = "v8".to_string();
            }
            Ok(p)
        }
        _ => {
            let at = parts.iter().take(3).map(|s| s.len() + 1).sum();
            Err(fail(
                at,
                "too many components: at most os/arch/variant".to_string(),
            ))
        }
    }
}

/// containerd `Format`: `os/arch/variant` with empty parts left out, `unknown` without an OS.
pub fn format(p: &Platform) -> String {
    if p.os.is_empty() {
        return "unknown".to_string();
    }
    go::path::join(&[&p.os, &p.architecture, &p.variant])
}

/// containerd `FormatAll`: like [`format()`], plus `(os.version+feature...)` after the OS
/// (features sorted, `% + ( ) /` percent-encoded).
pub fn format_all(p: &Platform) -> String {
    if p.os.is_empty() {
        return "unknown".to_string();
    }
    let mut options = encode_os_option(&p.os_version);
    let mut features: Vec<&String> = p.os_features.iter().collect();
    crate::go::sort::sort(&mut features);
    for f in features {
        options.push('+');
        options.push_str(&encode_os_option(f));
    }
    if options.is_empty() {
        return format(p);
    }
    let os = format!("{}({options})", p.os);
    go::path::join(&[&os, &p.architecture, &p.variant])
}

/// containerd `Normalize`: OS and architecture canonicalized ([`database`]), an empty OS
/// replaced by the host's, os.features sorted and de-duplicated; os.version unchanged.
pub fn normalize(p: &Platform, host: &Platform) -> Platform {
    let host_os = normalize_os(&host.os, "linux");
    normalize_with_host_os(p, &host_os)
}

pub(crate) fn normalize_with_host_os(p: &Platform, host_os: &str) -> Platform {
    let (architecture, variant) = normalize_arch(&p.architecture, &p.variant);
    let mut os_features = p.os_features.clone();
    crate::go::sort::sort(&mut os_features);
    os_features.dedup();
    Platform {
        os: normalize_os(&p.os, host_os),
        architecture,
        variant,
        os_version: p.os_version.clone(),
        os_features,
    }
}

#[cfg(test)]
mod tests;
