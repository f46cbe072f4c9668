//! Kubelet credential-provider plugins (`pkg/credentialprovider/plugin`), minus the exec.
//!
//! - [`parse_provider_config`]: the kubelet's `CredentialProviderConfig`
//!   (`kubelet.config.k8s.io/v1|v1beta1|v1alpha1`), validated as `validateCredentialProviderConfig`
//!   does: at least one provider; names unique and without `/`, spaces, `.`/`..` (an empty name
//!   is also rejected here: the kubelet would fail to find the binary); `apiVersion` one of
//!   `credentialprovider.kubelet.k8s.io/v1|v1beta1|v1alpha1`; `matchImages` non-empty and each
//!   a parseable URL; `defaultCacheDuration` present, a Go duration, not negative. Every problem
//!   is reported (`PROVIDER_CONFIG_INVALID`). `tokenAttributes` is not interpreted.
//! - [`provider_matches`]: `isImageAllowed` — any `matchImages` glob matches the image with the
//!   keyring's URL glob ([`urls_match`]), the pattern taken as written (not normalized).
//! - [`request_json`] / [`parse_provider_response`]: the `CredentialProviderRequest` sent on the
//!   plugin's stdin and the `CredentialProviderResponse` read back (its `apiVersion` must equal
//!   the provider's; `cacheKeyType` `Image|Registry|Global`; optional `cacheDuration`; `auth`).
//!
//! The response cache and the per-image plan live in [`crate::auth::provider_cache`].

use crate::auth::config::{child_path, offset_of};
use crate::auth::credential::Credential;
use crate::auth::glob::{explain_match, parse_schemeless_url, urls_match, Mismatch};
use crate::error::Coded;
use crate::go;
use crate::manifest::parse_value;
use crate::yaml::{parse_json_or_yaml, YamlError};
use serde_json::{Map, Value};
use std::fmt;

/// `apiVersion`s accepted for the `CredentialProviderConfig` file.
pub const CONFIG_API_VERSIONS: [&str; 3] = [
    "kubelet.config.k8s.io/v1",
    "kubelet.config.k8s.io/v1alpha1",
    "kubelet.config.k8s.io/v1beta1",
];
/// `apiVersion`s a provider may speak (sorted, as the kubelet lists them).
pub const PROVIDER_API_VERSIONS: [&str; 3] = [
    "credentialprovider.kubelet.k8s.io/v1",
    "credentialprovider.kubelet.k8s.io/v1alpha1",
    "credentialprovider.kubelet.k8s.io/v1beta1",
];
/// The cache key used for `cacheKeyType: Global`.
pub const GLOBAL_CACHE_KEY: &str = "global";

/// One problem found in a config or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    /// JSON path, e.g. `providers[1].matchImages`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// Errors of this module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderError {
    /// The config text is not JSON (`PROVIDER_CONFIG_INVALID`).
    ConfigSyntax {
        /// serde_json's message.
        message: String,
        /// Byte offset.
        offset: usize,
    },
    /// The config text is neither JSON nor YAML (`PROVIDER_CONFIG_INVALID`).
    ConfigYaml(YamlError),
    /// The config fails decoding or validation (`PROVIDER_CONFIG_INVALID`); all issues listed.
    ConfigInvalid(Vec<FieldIssue>),
    /// A plugin response is unusable (`PROVIDER_RESPONSE_INVALID`); the kubelet then uses no
    /// credentials from that provider for this image.
    ResponseInvalid {
        /// Provider name.
        provider: String,
        /// The problem: field names, JSON types and what the config expects, never a value
        /// from the response (a plugin may put a secret anywhere, in any field).
        issue: FieldIssue,
    },
    /// No provider of that name is configured (`PROVIDER_UNKNOWN`).
    UnknownProvider(String),
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProviderError::ConfigSyntax { message, offset } => write!(
                f,
                "credential provider config is not valid JSON at byte {offset}: {message}"
            ),
            ProviderError::ConfigYaml(e) => write!(f, "credential provider config is {e}"),
            ProviderError::ConfigInvalid(issues) => {
                f.write_str("invalid credential provider config: ")?;
                for (i, is) in issues.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", is.path, is.message)?;
                }
                Ok(())
            }
            ProviderError::ResponseInvalid { provider, issue } => write!(
                f,
                "credential provider {provider:?} returned an invalid response: {}: {}",
                issue.path, issue.message
            ),
            ProviderError::UnknownProvider(name) => {
                write!(f, "no credential provider named {name:?} is configured")
            }
        }
    }
}

impl Coded for ProviderError {
    fn code(&self) -> &'static str {
        match self {
            ProviderError::ConfigSyntax { .. }
            | ProviderError::ConfigYaml(_)
            | ProviderError::ConfigInvalid(_) => "PROVIDER_CONFIG_INVALID",
            ProviderError::ResponseInvalid { .. } => "PROVIDER_RESPONSE_INVALID",
            ProviderError::UnknownProvider(_) => "PROVIDER_UNKNOWN",
        }
    }
    fn offset(&self) -> Option<usize> {
        match self {
            ProviderError::ConfigSyntax { offset, .. } => Some(*offset),
            ProviderError::ConfigYaml(e) => Some(e.offset),
            _ => None,
        }
    }
    fn path(&self) -> Option<String> {
        match self {
            ProviderError::ConfigInvalid(issues) => issues.first().map(|i| i.path.clone()),
            ProviderError::ResponseInvalid { issue, .. } => Some(issue.path.clone()),
            _ => None,
        }
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            ProviderError::ResponseInvalid { provider, .. }
            | ProviderError::UnknownProvider(provider) => vec![("provider", provider.clone())],
            ProviderError::ConfigYaml(e) => {
                let mut f = vec![("cause", e.code().to_string())];
                f.extend(e.fields());
                f
            }
            _ => Vec::new(),
        }
    }
}

/// An `env` entry of a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// One configured provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSpec {
    /// Plugin binary name.
    pub name: String,
    /// Image globs it serves.
    pub match_images: Vec<String>,
    /// Cache duration used when a response has none, in nanoseconds.
    pub default_cache_duration_ns: i64,
    /// The `credentialprovider.kubelet.k8s.io` version it speaks.
    pub api_version: String,
    /// Command-line arguments.
    pub args: Vec<String>,
    /// Extra environment.
    pub env: Vec<EnvVar>,
}

/// A validated `CredentialProviderConfig`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialProviderConfig {
    /// The file's `apiVersion`.
    pub api_version: String,
    /// Providers in file order.
    pub providers: Vec<ProviderSpec>,
}

struct Reader<'a> {
    issues: &'a mut Vec<FieldIssue>,
}

impl Reader<'_> {
    fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(FieldIssue {
            path: path.into(),
            message: message.into(),
        });
    }
    fn string(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Option<String> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.issue(join(path, key), "must be a string");
                None
            }
        }
    }
    fn strings(&mut self, obj: &Map<String, Value>, key: &str, path: &str) -> Vec<String> {
        match obj.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, v) in items.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => out.push(s.to_string()),
                        None => self.issue(format!("{}[{i}]", join(path, key)), "must be a string"),
                    }
                }
                out
            }
            Some(_) => {
                self.issue(join(path, key), "must be a list of strings");
                Vec::new()
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Parses and validates a `CredentialProviderConfig` given as JSON text.
pub fn parse_provider_config(text: &str) -> Result<CredentialProviderConfig, ProviderError> {
    let value: Value = parse_value(text).map_err(|e| ProviderError::ConfigSyntax {
        message: e.to_string(),
        offset: offset_of(text, e.line(), e.column()),
    })?;
    provider_config_from_value(&value)
}

/// Parses and validates a `CredentialProviderConfig` given as JSON or YAML text (the kubelet's
/// `--image-credential-provider-config` file is usually YAML).
pub fn parse_provider_config_text(text: &str) -> Result<CredentialProviderConfig, ProviderError> {
    let value = parse_json_or_yaml(text).map_err(ProviderError::ConfigYaml)?;
    provider_config_from_value(&value)
}

/// Parses and validates a `CredentialProviderConfig` given as a value (YAML converted by the
/// caller).
pub fn provider_config_from_value(
    value: &Value,
) -> Result<CredentialProviderConfig, ProviderError> {
    let mut issues = Vec::new();
    let mut r = Reader {
        issues: &mut issues,
    };
    let Value::Object(obj) = value else {
        return Err(ProviderError::ConfigInvalid(vec![FieldIssue {
            path: "$".into(),
            message: "must be an object".into(),
        }]));
    };
    let api_version = r.string(obj, "apiVersion", "").unwrap_or_default();
    if !CONFIG_API_VERSIONS.contains(&api_version.as_str()) {
        r.issue(
            "apiVersion",
            format!("must be one of {}", CONFIG_API_VERSIONS.join(", ")),
        );
    }
    if r.string(obj, "kind", "").as_deref() != Some("CredentialProviderConfig") {
        r.issue("kind", "must be \"CredentialProviderConfig\"");
    }
    let items: &[Value] = match obj.get("providers") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(_) => {
            r.issue("providers", "must be a list");
            &[]
        }
    };
    if items.is_empty() {
        r.issue("providers", "at least 1 item in plugins is required");
    }
    let mut providers = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("providers[{i}]");
        let Value::Object(p) = item else {
            r.issue(path, "must be an object");
            continue;
        };
        let name = r.string(p, "name", &path).unwrap_or_default();
        let name_path = join(&path, "name");
        if name.is_empty() {
            r.issue(&name_path, "name is required");
        }
        if name.contains('/') {
            r.issue(&name_path, "provider name cannot contain '/'");
        }
        if name.contains(' ') {
            r.issue(&name_path, "provider name cannot contain spaces");
        }
        if name == "." || name == ".." {
            r.issue(&name_path, format!("provider name cannot be '{name}'"));
        }
        if seen.contains(&name) {
            r.issue(&name_path, format!("duplicate provider name {name:?}"));
        }
        seen.push(name.clone());
        let api = r.string(p, "apiVersion", &path).unwrap_or_default();
        if api.is_empty() {
            r.issue(join(&path, "apiVersion"), "apiVersion is required");
        } else if !PROVIDER_API_VERSIONS.contains(&api.as_str()) {
            r.issue(
                join(&path, "apiVersion"),
                format!(
                    "unsupported value {api:?}: supported values: {}",
                    PROVIDER_API_VERSIONS.join(", ")
                ),
            );
        }
        let match_images = r.strings(p, "matchImages", &path);
        if match_images.is_empty() {
            r.issue(
                join(&path, "matchImages"),
                "at least 1 item in matchImages is required",
            );
        }
        for m in &match_images {
            if let Err(e) = parse_schemeless_url(m) {
                r.issue(
                    join(&path, "matchImages"),
                    format!("match image {m:?} is invalid: {e}"),
                );
            }
        }
        let dcd_path = join(&path, "defaultCacheDuration");
        let default_cache_duration_ns = match r.string(p, "defaultCacheDuration", &path) {
            None => {
                r.issue(&dcd_path, "defaultCacheDuration is required");
                0
            }
            Some(s) => match go::time::parse_duration(&s) {
                Ok(d) if d < 0 => {
                    r.issue(&dcd_path, "must be greater than or equal to 0");
                    0
                }
                Ok(d) => d,
                Err(e) => {
                    r.issue(&dcd_path, e.to_string());
                    0
                }
            },
        };
        let args = r.strings(p, "args", &path);
        let mut env = Vec::new();
        match p.get("env") {
            None | Some(Value::Null) => {}
            Some(Value::Array(vars)) => {
                for (j, v) in vars.iter().enumerate() {
                    let vp = format!("{path}.env[{j}]");
                    match v {
                        Value::Object(o) => {
                            let name = r.string(o, "name", &vp).unwrap_or_default();
                            let value = r.string(o, "value", &vp).unwrap_or_default();
                            env.push(EnvVar { name, value });
                        }
                        _ => r.issue(vp, "must be an object"),
                    }
                }
            }
            Some(_) => r.issue(join(&path, "env"), "must be a list"),
        }
        providers.push(ProviderSpec {
            name,
            match_images,
            default_cache_duration_ns,
            api_version: api,
            args,
            env,
        });
    }
    if !issues.is_empty() {
        return Err(ProviderError::ConfigInvalid(issues));
    }
    Ok(CredentialProviderConfig {
        api_version,
        providers,
    })
}

/// `isImageAllowed`: does any `matchImages` glob match the image?
pub fn provider_matches(spec: &ProviderSpec, image: &str) -> bool {
    spec.match_images.iter().any(|m| urls_match(m, image))
}

/// Each `matchImages` glob with why it does not match (`Ok` when it does).
pub fn explain_provider_match(
    spec: &ProviderSpec,
    image: &str,
) -> Vec<(String, Result<(), Mismatch>)> {
    spec.match_images
        .iter()
        .map(|m| (m.clone(), explain_match(m, image)))
        .collect()
}

/// The `CredentialProviderRequest` JSON written to the plugin's stdin.
pub fn request_json(image: &str, api_version: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    format!(
        "{{\"kind\":\"CredentialProviderRequest\",\"apiVersion\":{},\"image\":{}}}",
        q(api_version),
        q(image)
    )
}

/// How a response is cached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKeyType {
    /// Per image.
    Image,
    /// Per registry host (`host[:port]`).
    Registry,
    /// One entry for all images.
    Global,
}

impl CacheKeyType {
    /// The cache key for an image.
    pub fn key_for(self, image: &str) -> String {
        match self {
            CacheKeyType::Image => image.to_string(),
            CacheKeyType::Registry => registry_of(image).to_string(),
            CacheKeyType::Global => GLOBAL_CACHE_KEY.to_string(),
        }
    }
}

/// `parseRegistry`: the text before the first `/`.
pub fn registry_of(image: &str) -> &str {
    image.split('/').next().unwrap_or("")
}

/// A decoded `CredentialProviderResponse`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderResponse {
    /// How to cache it.
    pub cache_key_type: CacheKeyType,
    /// `cacheDuration` in nanoseconds, when given.
    pub cache_duration_ns: Option<i64>,
    /// Credentials by match key as written, sorted by key.
    pub auth: Vec<(String, Credential)>,
}

/// What a response value is, for messages that must not quote it: its JSON type only.
fn shape(v: Option<&Value>) -> &'static str {
    match v {
        None => "nothing",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "a boolean",
        Some(Value::Number(_)) => "a number",
        Some(Value::String(_)) => "another string (not shown)",
        Some(Value::Array(_)) => "a list",
        Some(Value::Object(_)) => "an object",
    }
}

/// Parses a plugin's stdout; `api_version` is the provider's configured version. Errors name
/// fields and JSON types, never a value of the response (the `auth` entry's key, a registry
/// pattern, is part of the path).
pub fn parse_provider_response(
    text: &str,
    api_version: &str,
    provider: &str,
) -> Result<ProviderResponse, ProviderError> {
    let bad = |path: &str, message: String| ProviderError::ResponseInvalid {
        provider: provider.into(),
        issue: FieldIssue {
            path: path.into(),
            message,
        },
    };
    // serde_json's message may quote input; report only the position (it may hold secrets).
    let value: Value = parse_value(text).map_err(|e| {
        bad(
            "$",
            format!("not valid JSON (line {}, column {})", e.line(), e.column()),
        )
    })?;
    let Value::Object(obj) = value else {
        return Err(bad(
            "$",
            format!("must be an object, got {}", shape(Some(&value))),
        ));
    };
    match obj.get("apiVersion") {
        Some(Value::String(got)) if got == api_version => {}
        other => {
            return Err(bad(
                "apiVersion",
                format!(
                    "expected {api_version:?} (the provider's), got {}",
                    shape(other)
                ),
            ))
        }
    }
    if obj.get("kind").and_then(Value::as_str) != Some("CredentialProviderResponse") {
        return Err(bad(
            "kind",
            format!(
                "must be \"CredentialProviderResponse\", got {}",
                shape(obj.get("kind"))
            ),
        ));
    }
    let cache_key_type = match obj.get("cacheKeyType") {
        Some(Value::String(k)) if k == "Image" => CacheKeyType::Image,
        Some(Value::String(k)) if k == "Registry" => CacheKeyType::Registry,
        Some(Value::String(k)) if k == "Global" => CacheKeyType::Global,
        other => {
            return Err(bad(
                "cacheKeyType",
                format!("must be Image, Registry or Global, got {}", shape(other)),
            ))
        }
    };
    let cache_duration_ns = match obj.get("cacheDuration") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(go::time::parse_duration(s).map_err(|e| {
            bad(
                "cacheDuration",
                format!("must be a Go duration: {} (value not shown)", e.reason),
            )
        })?),
        Some(_) => return Err(bad("cacheDuration", "must be a duration string".into())),
    };
    let mut auth = Vec::new();
    match obj.get("auth") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (key, v) in m {
                let path = child_path("auth", key);
                let o = match v {
                    Value::Object(o) => o.clone(),
                    Value::Null => Map::new(),
                    _ => return Err(bad(&path, "must be an object".into())),
                };
                let get = |f: &str| match o.get(f) {
                    None | Some(Value::Null) => Ok(String::new()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(_) => Err(bad(&format!("{path}.{f}"), "must be a string".into())),
                };
                let username = get("username")?;
                let password = get("password")?;
                auth.push((key.clone(), Credential::new(username, password, "")));
            }
        }
        Some(_) => return Err(bad("auth", "must be an object".into())),
    }
    crate::auth::config::sort_by_name(&mut auth);
    Ok(ProviderResponse {
        cache_key_type,
        cache_duration_ns,
        auth,
    })
}

#[cfg(test)]
mod tests;
