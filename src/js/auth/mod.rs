//! Registry credentials for JS: conversions around [`crate::auth`].
//!
//! [`Keyring`] (the JS `Keyring`'s core) wraps an [`auth::lookup::Keyring`]; a [`Lookup`]
//! wraps an [`auth::lookup::Lookup`]: the package glue (`pkg/auth.js`) asks it for the calls to
//! make (provider callbacks, docker credential helpers), makes them — synchronously or
//! awaiting Promises — hands the answers back, then takes the result. Credentials cross with
//! their secrets only in [`Lookup::finish`] (the lookup's purpose); explanations cross redacted.
//!
//! [`auth::lookup::Keyring`]: crate::auth::lookup::Keyring
//! [`auth::lookup::Lookup`]: crate::auth::lookup::Lookup

use super::error::to_js_error;
use super::from_js;
use super::json::Out;
use crate::auth::config::{decode_auth, DockerConfig};
use crate::auth::credential::{Credential, SecretString};
use crate::auth::glob::{is_default_registry_match, urls_match};
use crate::auth::helpers::{is_not_found, parse_helper_output};
use crate::auth::keyring::LookupResult;
use crate::auth::provider::{
    parse_provider_config_text, provider_config_from_value, CredentialProviderConfig, ProviderError,
};
use crate::auth::search_path::kubelet_search_paths;
use crate::auth::secrets::SecretWarning;
use crate::error::Coded;
use wasm_bindgen::prelude::*;

mod keyring;
mod lookup;

pub use keyring::Keyring;
pub use lookup::Lookup;

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

/// A process's output with what looks like a secret replaced by `<redacted>` (the rules of
/// [`crate::auth::redact`]): what `node-auth.js` puts of a plugin's stderr into errors.
#[wasm_bindgen]
pub fn redact_secrets(text: &str) -> String {
    crate::auth::redact::redact_secrets(text)
}
