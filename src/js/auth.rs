//! Registry credentials for JS: conversions around [`crate::auth`].
//!
//! [`KeyringCore`] wraps a [`PullKeyring`]; a lookup is a [`LookupSession`] wrapping a
//! [`PendingLookup`]: the package glue (`pkg/auth.js`) asks it for the calls to make (provider
//! callbacks, docker credential helpers), makes them — synchronously or awaiting Promises —
//! hands the answers back, then takes the result. Credentials cross with their secrets only
//! in [`LookupSession::finish`] (the lookup's purpose); explanations cross redacted.

use super::error::{simple, to_js_error};
use super::from_js;
use super::json::Out;
use crate::auth::config::{
    decode_auth, parse_config_auto, parse_config_json, parse_dockercfg, DockerConfig,
};
use crate::auth::credential::{Credential, SecretString};
use crate::auth::glob::{is_default_registry_match, urls_match, Mismatch};
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
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A `PullspecError` whose `line`/`column` fields (YAML errors) are numbers.
fn err(e: &dyn Coded, input: Option<&str>) -> JsValue {
    let js = to_js_error(e, input);
    for (k, v) in e.fields() {
        if matches!(k, "line" | "column") {
            if let Ok(n) = v.parse::<u32>() {
                let _ = js_sys::Reflect::set(&js, &JsValue::from_str(k), &JsValue::from(n));
            }
        }
    }
    js
}

const REDACTED: &str = "<redacted>";

/// A secret as JS sees it: itself, or redacted (`expose` false).
fn secret(s: &SecretString, expose: bool) -> &str {
    if expose {
        s.expose()
    } else if s.is_empty() {
        ""
    } else {
        REDACTED
    }
}

/// A credential as JS sees it (keys in sorted order, as they always were).
fn credential(w: &mut Out, c: &Credential, key: &str, source: &str, expose: bool) {
    w.obj();
    if !c.email.is_empty() {
        w.s("email", &c.email);
    }
    if let Some(t) = &c.identity_token {
        w.s("identityToken", secret(t, expose));
    }
    w.s("key", key).s("password", secret(&c.password, expose));
    if let Some(t) = &c.registry_token {
        w.s("registryToken", secret(t, expose));
    }
    w.s("source", source).s("username", &c.username).end();
}

fn credentials(w: &mut Out, r: &LookupResult, expose: bool) {
    w.key("credentials").arr();
    for m in &r.credentials {
        credential(w, &m.credential, &m.keyring_key, &m.source, expose);
    }
    w.end_arr();
}

fn result_out(r: &LookupResult, expose: bool) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj();
    credentials(&mut w, r, expose);
    w.b("found", r.found()).s("lookupKey", &r.lookup_key);
    w.key("matchedKeyringKeys").strs(&r.matched_keyring_keys);
    w.end().to_js()
}

fn warning(w: &mut Out, x: &SecretWarning) {
    w.obj()
        .s("code", x.code())
        .s("message", &x.to_string())
        .s("secret", &x.name)
        .s("type", &x.secret_type)
        .end();
}

fn warnings(w: &mut Out, list: &[SecretWarning]) {
    w.arr();
    for x in list {
        warning(w, x);
    }
    w.end_arr();
}

fn config_summary(w: &mut Out, c: &DockerConfig) {
    // `credHelpers` by key, the last of a repeated key winning (it was a sorted map).
    w.obj().key("credHelpers").sorted_members(&c.cred_helpers);
    w.o("credsStore", c.creds_store.as_deref());
    w.s("format", c.format.as_str()).key("keys").arr();
    for (k, _) in &c.entries {
        w.str(k);
    }
    w.end_arr().end();
}

/// Nanoseconds as a Go duration string (`12h0m0s` style is not needed: seconds suffice).
fn duration_text(ns: i64) -> String {
    if ns % 1_000_000_000 == 0 {
        format!("{}s", ns / 1_000_000_000)
    } else {
        format!("{}ms", ns / 1_000_000)
    }
}

fn provider_config_out(c: &CredentialProviderConfig) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj()
        .s("apiVersion", &c.api_version)
        .s("kind", "CredentialProviderConfig")
        .key("providers")
        .arr();
    for p in &c.providers {
        w.obj()
            .s("apiVersion", &p.api_version)
            .key("args")
            .strs(&p.args);
        w.s(
            "defaultCacheDuration",
            &duration_text(p.default_cache_duration_ns),
        );
        w.key("env").arr();
        for e in &p.env {
            w.obj().s("name", &e.name).s("value", &e.value).end();
        }
        w.end_arr().key("matchImages").strs(&p.match_images);
        w.s("name", &p.name).end();
    }
    w.end_arr().end().to_js()
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
    Out::new()
        .obj()
        .s("password", password.expose())
        .s("username", &username)
        .end()
        .to_js()
}

/// The kubelet's credential-file search path: `[{ path, format }]`.
#[wasm_bindgen]
pub fn kubelet_search_path(
    root_dir: Option<String>,
    cwd: &str,
    home: Option<String>,
) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.arr();
    for p in kubelet_search_paths(root_dir.as_deref(), cwd, home.as_deref()) {
        w.obj()
            .s("format", p.format.as_str())
            .s("path", &p.path)
            .end();
    }
    w.end_arr().to_js()
}

/// `parseCredentialProviderConfig(config)`: the validated config (object, JSON or YAML text).
#[wasm_bindgen(js_name = parseCredentialProviderConfig)]
pub fn parse_credential_provider_config(config: JsValue) -> Result<JsValue, JsValue> {
    provider_config_out(&read_provider_config(&config)?)
}

/// A docker credential helper's stdout as `{ username, password, identityToken? }`; throws
/// `HELPER_RESPONSE_INVALID`.
#[wasm_bindgen]
pub fn parse_helper_answer(stdout: &str, helper: &str) -> Result<JsValue, JsValue> {
    let c = parse_helper_output(stdout, helper).map_err(|e| err(&e, None))?;
    let mut w = Out::new();
    w.obj();
    if let Some(t) = &c.identity_token {
        w.s("identityToken", t.expose());
    }
    w.s("password", c.expose_password())
        .s("username", &c.username)
        .end()
        .to_js()
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
        let mut found = Vec::new();
        for s in &secrets {
            let w = next
                .add_pull_secret(s)
                .map_err(|e: SecretError| err(&e, text.as_deref()))?;
            found.extend(w);
        }
        self.inner = next;
        let mut w = Out::new();
        warnings(&mut w, &found);
        w.to_js()
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
        let mut w = Out::new();
        config_summary(&mut w, &config);
        self.inner.add_docker_config(config, source, helpers);
        w.to_js()
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
        let mut w = Out::new();
        w.obj().key("config");
        match &sel.used {
            Some((_, c)) => config_summary(&mut w, c),
            None => {
                w.null();
            }
        }
        w.key("report").arr();
        for (i, r) in sel.report.iter().enumerate() {
            let status = match &r.status {
                PathStatus::Used => "used",
                PathStatus::Missing => "missing",
                PathStatus::ReadError(_) => "unreadable",
                PathStatus::Invalid(_) => "invalid",
                PathStatus::NotConsulted => "notConsulted",
            };
            w.obj();
            if let PathStatus::Invalid(e) = &r.status {
                w.key("error").obj();
                w.s("code", e.code()).s("message", &e.to_string());
                if let Some(o) = e.offset() {
                    let text = match reads.get(i) {
                        Some(ReadResult::Content(t)) => t.as_str(),
                        _ => "",
                    };
                    w.n("offset", super::error::utf16_offset(text, o) as u64);
                }
                if let Some(p) = e.path() {
                    w.s("path", &p);
                }
                w.end();
            }
            w.s("format", r.candidate.format.as_str())
                .s("path", &r.candidate.path)
                .s("reason", &r.status.to_string())
                .s("status", status)
                .end();
        }
        w.end_arr().o("used", sel.used_path()).end().to_js()
    }

    /// Adds a credential-provider config; returns the validated config.
    pub fn add_provider_config(&mut self, config: JsValue) -> Result<JsValue, JsValue> {
        let cfg = read_provider_config(&config)?;
        let out = provider_config_out(&cfg)?;
        self.inner.add_provider_config(cfg);
        Ok(out)
    }

    /// Warnings of the Secrets the kubelet ignores.
    pub fn warnings(&self) -> Result<JsValue, JsValue> {
        let mut w = Out::new();
        warnings(&mut w, self.inner.warnings());
        w.to_js()
    }

    /// A summary without secrets (for `util.inspect`).
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        let k = &self.inner;
        let mut w = Out::new();
        w.obj().n("ignoredSecrets", k.warnings().len() as u64);
        w.key("nodeConfigs").strs(k.node_sources());
        w.key("nodeKeys").strs(k.node_keyring().index());
        w.key("providers").arr();
        for c in k.provider_configs() {
            for p in &c.providers {
                w.str(&p.name);
            }
        }
        w.end_arr()
            .key("secretKeys")
            .strs(k.secrets_keyring().index());
        w.key("secrets").strs(k.used_secrets()).end().to_js()
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

fn outcome_out(o: &CallOutcome) -> Result<JsValue, JsValue> {
    let mut w = Out::new();
    w.obj();
    match o {
        CallOutcome::Failed { code, message } => {
            w.s("code", code).s("message", message).b("ok", false);
        }
        CallOutcome::Pending => {
            w.s("code", "PENDING")
                .s("message", "not answered")
                .b("ok", false);
        }
        _ => {
            w.b("ok", true);
        }
    }
    w.end().to_js()
}

#[wasm_bindgen]
impl LookupSession {
    /// The calls to make: `{ kind: "provider", index, config, provider, request }` and
    /// `{ kind: "helper", index, config, helper, serverUrl, source }`.
    pub fn calls(&self) -> Result<JsValue, JsValue> {
        let mut w = Out::new();
        w.arr();
        for (i, c) in self.inner.calls().iter().enumerate() {
            w.obj();
            match c {
                Call::Provider {
                    set,
                    provider,
                    request,
                } => {
                    let request = crate::manifest::parse_value(request).unwrap_or(Value::Null);
                    w.n("config", *set as u64).n("index", i as u64);
                    w.s("kind", "provider").s("provider", provider);
                    w.key("request").value(&request);
                }
                Call::Helper {
                    config,
                    source,
                    helper,
                    server_url,
                } => {
                    w.n("config", *config as u64).s("helper", helper);
                    w.n("index", i as u64).s("kind", "helper");
                    w.s("serverUrl", server_url).s("source", source);
                }
            }
            w.end();
        }
        w.end_arr().to_js()
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
        outcome_out(self.inner.provider_output(&mut core.inner, index, &text))
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
        outcome_out(self.inner.helper_answer(index, credential))
    }

    /// A call failed (the callback threw, the process failed).
    pub fn call_failed(&mut self, index: usize, code: &str, message: &str) {
        self.inner.call_failed(index, code, message);
    }

    /// The result with real secrets: `{ lookupKey, found, credentials, matchedKeyringKeys }`.
    pub fn finish(&self, core: &KeyringCore) -> Result<JsValue, JsValue> {
        result_out(&self.inner.finish(&core.inner), true)
    }

    /// The explanation, every secret redacted.
    pub fn explain(&self, core: &KeyringCore) -> Result<JsValue, JsValue> {
        explanation_out(&self.inner.explain(&core.inner))
    }
}

fn reason(w: &mut Out, verdict: &Result<(), Mismatch>) {
    w.key("reason");
    match verdict {
        Ok(()) => w.null(),
        Err(m) => w.str(&m.to_string()),
    };
}

/// The explanation's keys, in the sorted order they always had.
fn explanation_out(e: &PullExplanation) -> Result<JsValue, JsValue> {
    let keyring_of = |label: &str| label.split(':').next().unwrap_or("").to_string();
    let r = &e.keys.result;
    let mut w = Out::new();
    w.obj().key("considered").arr();
    for c in &e.keys.considered {
        w.obj()
            .s("key", &c.label)
            .s("keyring", &keyring_of(&c.label));
        w.b("matched", c.verdict.is_ok());
        reason(&mut w, &c.verdict);
        w.key("sources").strs(&c.sources).end();
    }
    w.end_arr();
    credentials(&mut w, r, false);
    w.key("fallbacks").arr();
    for f in &e.keys.fallbacks {
        w.obj().b("applied", f.applied).s("key", &f.label);
        w.s("keyring", &keyring_of(&f.label))
            .s("reason", f.reason)
            .end();
    }
    w.end_arr().b("found", r.found()).key("helpers").arr();
    for h in &e.helpers {
        w.obj();
        let status = match &h.outcome {
            CallOutcome::HelperFound(_) => "found",
            CallOutcome::HelperNotFound => "notFound",
            CallOutcome::Failed { code, message } => {
                w.s("code", code).s("error", message);
                "failed"
            }
            _ => "notRun",
        };
        w.s("helper", &h.helper).s("message", &h.to_string());
        w.s("serverUrl", &h.server_url).s("source", &h.source);
        w.s("status", status).end();
    }
    w.end_arr().s("lookupKey", &r.lookup_key);
    w.key("matchedKeyringKeys").strs(&r.matched_keyring_keys);
    w.key("providers").arr();
    for p in &e.providers {
        // (status, cacheKey: absent / null / key, expiresAt, failure)
        let mut cache_key = None;
        let mut expires = None;
        let mut failure = None;
        let status = match &p.status {
            ProviderStatus::NotMatched => "notMatched",
            ProviderStatus::Cached { cache_key: k } => {
                cache_key = Some(Some(k.as_str()));
                "cached"
            }
            ProviderStatus::Ran { decision } => {
                cache_key = Some(None);
                if let CacheDecision::Cached { key, expires_at_ns } = decision {
                    cache_key = Some(Some(key.as_str()));
                    expires = Some((*expires_at_ns / 1_000_000) as i64);
                }
                "ran"
            }
            ProviderStatus::Failed { code, message } => {
                failure = Some((code, message));
                "failed"
            }
            ProviderStatus::NotRun => "notRun",
        };
        w.obj();
        if let Some(k) = cache_key {
            w.o("cacheKey", k);
        }
        if let Some((code, _)) = failure {
            w.s("code", code);
        }
        w.n("config", p.set as u64);
        if let Some((_, message)) = failure {
            w.s("error", message);
        }
        if let Some(t) = expires {
            w.key("expiresAt").int(t);
        }
        w.key("matchImages").arr();
        for (g, verdict) in &p.globs {
            w.obj().b("matched", verdict.is_ok()).s("pattern", g);
            reason(&mut w, verdict);
            w.end();
        }
        w.end_arr().s("message", &p.to_string());
        w.s("provider", &p.provider).s("status", status).end();
    }
    w.end_arr().key("rejected").arr();
    for (ring, x) in &e.keys.rejected {
        w.obj().s("key", &x.raw_key).s("keyring", ring);
        w.s("reason", &x.reason).s("source", &x.source).end();
    }
    w.end_arr().s("text", &e.to_string()).key("warnings");
    warnings(&mut w, &e.warnings);
    w.end().to_js()
}
