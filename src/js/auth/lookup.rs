//! [`Lookup`]: one lookup in progress, its calls and answers, its result and explanation.

use super::Keyring;
use super::{credentials, result_out, warnings};
use crate::auth::credential::Credential;
use crate::auth::glob::Mismatch;
use crate::auth::lookup::{self, Call, CallOutcome, ProviderStatus, PullExplanation};
use crate::auth::provider_cache::CacheDecision;
use crate::js::from_js;
use crate::js::json::Out;
use serde_json::Value;
use wasm_bindgen::prelude::*;

/// One lookup in progress.
#[wasm_bindgen]
pub struct Lookup {
    pub(super) inner: lookup::Lookup,
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
impl Lookup {
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
        core: &mut Keyring,
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
    pub fn finish(&self, core: &Keyring) -> Result<JsValue, JsValue> {
        result_out(&self.inner.finish(&core.inner), true)
    }

    /// The explanation, every secret redacted.
    pub fn explain(&self, core: &Keyring) -> Result<JsValue, JsValue> {
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
