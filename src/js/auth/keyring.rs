//! [`Keyring`]: the keyring behind the JS `Keyring`, and how lookups begin.

use super::Lookup;
use super::{config_summary, err, provider_config_out, read_provider_config, warnings};
use crate::auth::config::{parse_config_auto, parse_config_json, parse_dockercfg};
use crate::auth::lookup::{self, lookup_key};
use crate::auth::search_path::{kubelet_search_paths, select_config, PathStatus, ReadResult};
use crate::auth::secrets::{secret_documents, secrets_in, SecretError};
use crate::error::Coded;
use crate::js::error::simple;
use crate::js::from_js;
use crate::js::json::Out;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// Bytes of wasm memory a credential file takes per byte of its text while it is decoded and
/// added (measured: a 6.2 MB file of 100,000 entries grows memory by 98 MB).
const MEMORY_PER_TEXT_BYTE: usize = 16;

/// Grows wasm memory once for decoding `text_len` bytes of credential file, instead of page by
/// page as the allocator would: each growth makes V8 account more external memory and often run
/// a full GC of the whole JS heap, so thousands of small growths while a big JS heap is alive
/// (the caller still holds the file) cost time proportional to the file's size squared. The
/// block is freed at once and serves the allocations that follow; a failed reservation is
/// ignored (the allocator then grows as it needs).
fn reserve_memory(text_len: usize) {
    let want = text_len.saturating_mul(MEMORY_PER_TEXT_BYTE).min(1 << 30);
    if want >= 1 << 20 {
        let mut block: Vec<u8> = Vec::new();
        let _ = block.try_reserve_exact(want);
    }
}

/// The keyring behind the JS `Keyring`.
#[wasm_bindgen]
pub struct Keyring {
    pub(super) inner: lookup::Keyring,
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring::new()
    }
}

#[wasm_bindgen]
impl Keyring {
    /// An empty keyring.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Keyring {
        Keyring {
            inner: lookup::Keyring::new(),
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
        reserve_memory(text.len());
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
        let largest = reads.iter().map(|r| match r {
            ReadResult::Content(t) => t.len(),
            _ => 0,
        });
        reserve_memory(largest.max().unwrap_or(0));
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
                    w.n("offset", crate::js::error::utf16_offset(text, o) as u64);
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
    pub fn begin(&self, image: &str, raw: bool, now: f64) -> Result<Lookup, JsValue> {
        let key = lookup_key(image, raw).map_err(|e| err(&e, Some(image)))?;
        let now = if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        };
        Ok(Lookup {
            inner: self.inner.begin(&key, now),
        })
    }
}
