//! Registry credentials for JS: conversions around [`crate::auth`].
//!
//! [`KeyringCore`] wraps a [`PullKeyring`]; a lookup is a [`LookupSession`] wrapping a
//! [`PendingLookup`]: the package glue (`pkg/auth.js`) asks it for the calls to make (provider
//! callbacks, docker credential helpers), makes them — synchronously or awaiting Promises —
//! hands the answers back, then takes the result. Credentials cross with their secrets only
//! in [`LookupSession::finish`] (the lookup's purpose); explanations cross redacted.

use super::error::{simple, to_js_error};
use super::{from_js, to_js};
use crate::auth::config::{
    decode_auth, parse_config_auto, parse_config_json, parse_dockercfg, DockerConfig,
};
use crate::auth::credential::{Credential, SecretString};
use crate::auth::glob::{is_default_registry_match, urls_match};
use crate::auth::helpers::{is_not_found, parse_helper_output};
use crate::auth::keyring::LookupResult;
use crate::auth::lookup::{
    lookup_key, Call, CallOutcome, PendingLookup, ProviderStatus, PullExplanation, PullKeyring,
};
use crate::auth::provider::{
    parse_provider_config_text, provider_config_from_value, CredentialProviderConfig, ProviderError,
};
use crate::auth::provider_cache::CacheDecision;
use crate::auth::search_path::{kubelet_search_paths, select_config, PathStatus, ReadResult};
use crate::auth::secrets::{secret_documents, secrets_in, SecretError, SecretWarning};
use crate::error::Coded;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// A `PullspecError` whose `line`/`column` fields (YAML errors) are numbers.
fn err(e: &dyn Coded, input: Option<&str>) -> JsValue {
    let js = to_js_error(e, input);
    for k in ["line", "column"] {
        let key = JsValue::from_str(k);
        if let Some(n) = js_sys::Reflect::get(&js, &key)
            .ok()
            .and_then(|v| v.as_string())
            .and_then(|s| s.parse::<f64>().ok())
        {
            let _ = js_sys::Reflect::set(&js, &key, &JsValue::from_f64(n));
        }
    }
    js
}

const REDACTED: &str = "<redacted>";

fn redact(s: &SecretString) -> &'static str {
    if s.is_empty() {
        ""
    } else {
        REDACTED
    }
}

/// A credential as JS sees it; `expose` false redacts every secret.
fn credential_json(c: &Credential, key: &str, source: &str, expose: bool) -> Value {
    let secret = |s: &SecretString| -> Value {
        if expose {
            json!(s.expose())
        } else {
            json!(redact(s))
        }
    };
    let mut o = Map::new();
    o.insert("username".into(), json!(c.username));
    o.insert("password".into(), secret(&c.password));
    if !c.email.is_empty() {
        o.insert("email".into(), json!(c.email));
    }
    if let Some(t) = &c.identity_token {
        o.insert("identityToken".into(), secret(t));
    }
    if let Some(t) = &c.registry_token {
        o.insert("registryToken".into(), secret(t));
    }
    o.insert("key".into(), json!(key));
    o.insert("source".into(), json!(source));
    Value::Object(o)
}

fn result_json(r: &LookupResult, expose: bool) -> Value {
    json!({
        "lookupKey": r.lookup_key,
        "found": r.found(),
        "credentials": r.credentials.iter()
            .map(|m| credential_json(&m.credential, &m.keyring_key, &m.source, expose))
            .collect::<Vec<_>>(),
        "matchedKeyringKeys": r.matched_keyring_keys,
    })
}

fn warning_json(w: &SecretWarning) -> Value {
    json!({ "code": w.code(), "message": w.to_string(), "secret": w.name, "type": w.secret_type })
}

fn config_summary(c: &DockerConfig) -> Value {
    json!({
        "format": c.format.as_str(),
        "keys": c.entries.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        "credsStore": c.creds_store,
        "credHelpers": c.cred_helpers.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>(),
    })
}

/// Nanoseconds as a Go duration string (`12h0m0s` style is not needed: seconds suffice).
fn duration_text(ns: i64) -> String {
    if ns % 1_000_000_000 == 0 {
        format!("{}s", ns / 1_000_000_000)
    } else {
        format!("{}ms", ns / 1_000_000)
    }
}

fn provider_config_json(c: &CredentialProviderConfig) -> Value {
    json!({
        "apiVersion": c.api_version,
        "kind": "CredentialProviderConfig",
        "providers": c.providers.iter().map(|p| json!({
            "name": p.name,
            "matchImages": p.match_images,
            "defaultCacheDuration": duration_text(p.default_cache_duration_ns),
            "apiVersion": p.api_version,
            "args": p.args,
            "env": p.env.iter().map(|e| json!({"name": e.name, "value": e.value})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn read_provider_config(config: &JsValue) -> Result<CredentialProviderConfig, JsValue> {
    match config.as_string() {
        Some(text) => parse_provider_config_text(&text).map_err(|e| err(&e, Some(&text))),
        None => {
            let v = from_js(config, "credential provider config")?;
            provider_config_from_value(&v).map_err(|e: ProviderError| err(&e, None))
        }
    }
}

/// `registryPatternMatches(pattern, target)`: the kubelet's `URLsMatchStr`.
#[wasm_bindgen(js_name = registryPatternMatches)]
pub fn registry_pattern_matches(pattern: &str, target: &str) -> bool {
    urls_match(pattern, target)
}

/// `isDefaultRegistryMatch(image)`: does the key fall back to `index.docker.io` credentials?
#[wasm_bindgen(js_name = isDefaultRegistryMatch)]
pub fn is_default_registry_match_js(image: &str) -> bool {
    is_default_registry_match(image)
}

/// `decodeDockerAuth(auth)`: `{ username, password }`; throws `AUTH_INVALID`.
#[wasm_bindgen(js_name = decodeDockerAuth)]
pub fn decode_docker_auth(auth: &str) -> Result<JsValue, JsValue> {
    let (username, password) = decode_auth(auth).map_err(|e| err(&e, None))?;
    to_js(&json!({ "username": username, "password": password.expose() }))
}

/// The kubelet's credential-file search path: `[{ path, format }]`.
#[wasm_bindgen]
pub fn kubelet_search_path(
    root_dir: Option<String>,
    cwd: &str,
    home: Option<String>,
) -> Result<JsValue, JsValue> {
    let paths = kubelet_search_paths(root_dir.as_deref(), cwd, home.as_deref());
    to_js(
        &paths
            .iter()
            .map(|p| json!({ "path": p.path, "format": p.format.as_str() }))
            .collect::<Vec<_>>(),
    )
}

/// `parseCredentialProviderConfig(config)`: the validated config (object, JSON or YAML text).
#[wasm_bindgen(js_name = parseCredentialProviderConfig)]
pub fn parse_credential_provider_config(config: JsValue) -> Result<JsValue, JsValue> {
    to_js(&provider_config_json(&read_provider_config(&config)?))
}

/// A docker credential helper's stdout as `{ username, password, identityToken? }`; throws
/// `HELPER_RESPONSE_INVALID`.
#[wasm_bindgen]
pub fn parse_helper_answer(stdout: &str, helper: &str) -> Result<JsValue, JsValue> {
    let c = parse_helper_output(stdout, helper).map_err(|e| err(&e, None))?;
    let mut v = json!({ "username": c.username, "password": c.expose_password() });
    if let Some(t) = &c.identity_token {
        v["identityToken"] = json!(t.expose());
    }
    to_js(&v)
}

/// True when a failed helper's output says it holds nothing for the server.
#[wasm_bindgen]
pub fn helper_not_found(output: &str) -> bool {
    is_not_found(output)
}

/// The keyring behind the JS `Keyring`.
#[wasm_bindgen]
pub struct KeyringCore {
    inner: PullKeyring,
}

impl Default for KeyringCore {
    fn default() -> Self {
        KeyringCore::new()
    }
}

#[wasm_bindgen]
impl KeyringCore {
    /// An empty keyring.
    #[wasm_bindgen(constructor)]
    pub fn new() -> KeyringCore {
        KeyringCore {
            inner: PullKeyring::new(),
        }
    }

    /// Adds the Secret(s) of an object, JSON or YAML text (documents, `List`s); all or nothing.
    /// Returns the warnings of Secrets the kubelet ignores.
    pub fn add_pull_secret(&mut self, secret: JsValue) -> Result<JsValue, JsValue> {
        let (secrets, text) = match secret.as_string() {
            Some(text) => (
                secret_documents(&text).map_err(|e| err(&e, Some(&text)))?,
                Some(text),
            ),
            None if secret.is_object() => (secrets_in(from_js(&secret, "pull secret")?), None),
            None => {
                return Err(simple(
                    "SECRET_INVALID",
                    "pull secret must be a Secret object, JSON text or YAML text",
                ))
            }
        };
        let mut next = self.inner.clone();
        let mut warnings = Vec::new();
        for s in &secrets {
            let w = next
                .add_pull_secret(s)
                .map_err(|e: SecretError| err(&e, text.as_deref()))?;
            warnings.extend(w.as_ref().map(warning_json));
        }
        self.inner = next;
        to_js(&warnings)
    }

    /// Adds a node credential file's text; `format` `json`, `dockercfg` or auto-detected.
    pub fn add_docker_config(
        &mut self,
        text: &str,
        source: &str,
        format: Option<String>,
        helpers: bool,
    ) -> Result<JsValue, JsValue> {
        let parsed = match format.as_deref() {
            Some("json") => parse_config_json(text),
            Some("dockercfg") => parse_dockercfg(text),
            _ => parse_config_auto(text),
        };
        let config = parsed.map_err(|e| err(&e, Some(text)))?;
        let summary = config_summary(&config);
        self.inner.add_docker_config(config, source, helpers);
        to_js(&summary)
    }

    /// Applies the kubelet's search-path rules to what the caller read (`reads[i]` is
    /// `{ content }`, `{ missing: true }`, `{ error: message }` or null for not read) and adds
    /// the file used. Returns `{ used, config, report }`.
    pub fn add_kubelet_config(
        &mut self,
        root_dir: Option<String>,
        cwd: &str,
        home: Option<String>,
        reads: JsValue,
        helpers: bool,
    ) -> Result<JsValue, JsValue> {
        let paths = kubelet_search_paths(root_dir.as_deref(), cwd, home.as_deref());
        let reads: Vec<ReadResult> = from_js(&reads, "reads")?
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|r| {
                        if let Some(t) = r.get("content").and_then(Value::as_str) {
                            ReadResult::Content(t.to_string())
                        } else if r.get("missing").and_then(Value::as_bool) == Some(true) {
                            ReadResult::Missing
                        } else if let Some(e) = r.get("error").and_then(Value::as_str) {
                            ReadResult::Error(e.to_string())
                        } else {
                            ReadResult::NotRead
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sel = select_config(&paths, &reads);
        self.inner.add_selection(&sel, helpers);
        let report: Vec<Value> = sel
            .report
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (status, error) = match &r.status {
                    PathStatus::Used => ("used", Value::Null),
                    PathStatus::Missing => ("missing", Value::Null),
                    PathStatus::ReadError(_) => ("unreadable", Value::Null),
                    PathStatus::Invalid(e) => {
                        let mut v = json!({ "code": e.code(), "message": e.to_string() });
                        if let Some(o) = e.offset() {
                            let text = match reads.get(i) {
                                Some(ReadResult::Content(t)) => t.as_str(),
                                _ => "",
                            };
                            v["offset"] = json!(super::error::utf16_offset(text, o));
                        }
                        if let Some(p) = e.path() {
                            v["path"] = json!(p);
                        }
                        ("invalid", v)
                    }
                    PathStatus::NotConsulted => ("notConsulted", Value::Null),
                };
                let mut v = json!({
                    "path": r.candidate.path,
                    "format": r.candidate.format.as_str(),
                    "status": status,
                    "reason": r.status.to_string(),
                });
                if !error.is_null() {
                    v["error"] = error;
                }
                v
            })
            .collect();
        to_js(&json!({
            "used": sel.used_path(),
            "config": sel.used.as_ref().map(|(_, c)| config_summary(c)),
            "report": report,
        }))
    }

    /// Adds a credential-provider config; returns the validated config.
    pub fn add_provider_config(&mut self, config: JsValue) -> Result<JsValue, JsValue> {
        let cfg = read_provider_config(&config)?;
        let out = provider_config_json(&cfg);
        self.inner.add_provider_config(cfg);
        to_js(&out)
    }

    /// Warnings of the Secrets the kubelet ignores.
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        to_js(
            &self
                .inner
                .warnings()
                .iter()
                .map(warning_json)
                .collect::<Vec<_>>(),
        )
    }

    /// A summary without secrets (for `util.inspect`).
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&json!({
            "secrets": self.inner.used_secrets(),
            "secretKeys": self.inner.secrets_keyring().index(),
            "nodeConfigs": self.inner.node_sources(),
            "nodeKeys": self.inner.node_keyring().index(),
            "providers": self.inner.provider_configs()
                .flat_map(|c| c.providers.iter().map(|p| p.name.clone()))
                .collect::<Vec<_>>(),
            "ignoredSecrets": self.inner.warnings().len(),
        }))
    }

    /// Starts a lookup of `image` (its repository name, or the string as is with `raw`) at
    /// `now` (ms since the epoch).
    pub fn begin(&self, image: &str, raw: bool, now: f64) -> Result<LookupSession, JsValue> {
        let key = lookup_key(image, raw).map_err(|e| err(&e, Some(image)))?;
        let now = if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        };
        Ok(LookupSession {
            inner: self.inner.begin(&key, now),
        })
    }
}

/// One lookup in progress.
#[wasm_bindgen]
pub struct LookupSession {
    inner: PendingLookup,
}

fn outcome_json(o: &CallOutcome) -> Value {
    match o {
        CallOutcome::Failed { code, message } => {
            json!({ "ok": false, "code": code, "message": message })
        }
        CallOutcome::Pending => {
            json!({ "ok": false, "code": "PENDING", "message": "not answered" })
        }
        _ => json!({ "ok": true }),
    }
}

#[wasm_bindgen]
impl LookupSession {
    /// The calls to make: `{ kind: "provider", index, config, provider, request }` and
    /// `{ kind: "helper", index, config, helper, serverUrl, source }`.
    pub fn calls(&self) -> Result<JsValue, JsValue> {
        let calls: Vec<Value> = self
            .inner
            .calls()
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Call::Provider {
                    set,
                    provider,
                    request,
                } => json!({
                    "kind": "provider", "index": i, "config": set, "provider": provider,
                    "request": serde_json::from_str::<Value>(request).unwrap_or(Value::Null),
                }),
                Call::Helper {
                    config,
                    source,
                    helper,
                    server_url,
                } => json!({
                    "kind": "helper", "index": i, "config": config, "helper": helper,
                    "serverUrl": server_url, "source": source,
                }),
            })
            .collect();
        to_js(&calls)
    }

    /// A provider's answer (object or JSON text): validated and cached. Returns `{ ok }` or
    /// `{ ok: false, code, message }`.
    pub fn provider_output(
        &mut self,
        core: &mut KeyringCore,
        index: usize,
        response: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = match response.as_string() {
            Some(t) => t,
            None => js_sys::JSON::stringify(&response)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default(),
        };
        to_js(&outcome_json(self.inner.provider_output(
            &mut core.inner,
            index,
            &text,
        )))
    }

    /// A helper's answer: `{ username, password, identityToken? }`, or null for none.
    pub fn helper_answer(&mut self, index: usize, answer: JsValue) -> Result<JsValue, JsValue> {
        let credential = if answer.is_null() || answer.is_undefined() {
            None
        } else {
            let v = from_js(&answer, "helper answer")?;
            let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let mut c = Credential::new(s("username"), s("password"), "");
            if let Some(t) = v.get("identityToken").and_then(Value::as_str) {
                c.identity_token = Some(t.into());
            }
            Some(c)
        };
        to_js(&outcome_json(self.inner.helper_answer(index, credential)))
    }

    /// A call failed (the callback threw, the process failed).
    pub fn call_failed(&mut self, index: usize, code: &str, message: &str) {
        self.inner.call_failed(index, code, message);
    }

    /// The result with real secrets: `{ lookupKey, found, credentials, matchedKeyringKeys }`.
    pub fn finish(&self, core: &KeyringCore) -> Result<JsValue, JsValue> {
        to_js(&result_json(&self.inner.finish(&core.inner), true))
    }

    /// The explanation, every secret redacted.
    pub fn explain(&self, core: &KeyringCore) -> Result<JsValue, JsValue> {
        to_js(&explanation_json(&self.inner.explain(&core.inner)))
    }
}

fn explanation_json(e: &PullExplanation) -> Value {
    let keyring_of = |label: &str| label.split(':').next().unwrap_or("").to_string();
    let considered: Vec<Value> = e
        .keys
        .considered
        .iter()
        .map(|c| {
            json!({
                "key": c.label,
                "keyring": keyring_of(&c.label),
                "matched": c.verdict.is_ok(),
                "reason": c.verdict.as_ref().err().map(ToString::to_string),
                "sources": c.sources,
            })
        })
        .collect();
    let fallbacks: Vec<Value> = e
        .keys
        .fallbacks
        .iter()
        .map(|f| json!({ "key": f.label, "keyring": keyring_of(&f.label), "applied": f.applied, "reason": f.reason }))
        .collect();
    let rejected: Vec<Value> = e
        .keys
        .rejected
        .iter()
        .map(|(ring, r)| json!({ "keyring": ring, "key": r.raw_key, "source": r.source, "reason": r.reason }))
        .collect();
    let providers: Vec<Value> = e
        .providers
        .iter()
        .map(|p| {
            let mut v = json!({
                "provider": p.provider,
                "config": p.set,
                "matchImages": p.globs.iter().map(|(g, r)| json!({
                    "pattern": g, "matched": r.is_ok(), "reason": r.as_ref().err().map(ToString::to_string),
                })).collect::<Vec<_>>(),
                "message": p.to_string(),
            });
            let status = match &p.status {
                ProviderStatus::NotMatched => "notMatched",
                ProviderStatus::Cached { cache_key } => {
                    v["cacheKey"] = json!(cache_key);
                    "cached"
                }
                ProviderStatus::Ran { decision } => {
                    match decision {
                        CacheDecision::Cached { key, expires_at_ns } => {
                            v["cacheKey"] = json!(key);
                            v["expiresAt"] = json!((*expires_at_ns / 1_000_000) as f64);
                        }
                        _ => v["cacheKey"] = Value::Null,
                    }
                    "ran"
                }
                ProviderStatus::Failed { code, message } => {
                    v["code"] = json!(code);
                    v["error"] = json!(message);
                    "failed"
                }
                ProviderStatus::NotRun => "notRun",
            };
            v["status"] = json!(status);
            v
        })
        .collect();
    let helpers: Vec<Value> = e
        .helpers
        .iter()
        .map(|h| {
            let mut v = json!({
                "helper": h.helper, "serverUrl": h.server_url, "source": h.source,
                "message": h.to_string(),
            });
            v["status"] = json!(match &h.outcome {
                CallOutcome::HelperFound(_) => "found",
                CallOutcome::HelperNotFound => "notFound",
                CallOutcome::Failed { code, message } => {
                    v["code"] = json!(code);
                    v["error"] = json!(message);
                    "failed"
                }
                _ => "notRun",
            });
            v
        })
        .collect();
    let mut out = result_json(&e.keys.result, false);
    out["considered"] = json!(considered);
    out["fallbacks"] = json!(fallbacks);
    out["rejected"] = json!(rejected);
    out["providers"] = json!(providers);
    out["helpers"] = json!(helpers);
    out["warnings"] = json!(e.warnings.iter().map(warning_json).collect::<Vec<_>>());
    out["text"] = json!(e.to_string());
    out
}
