//! Conformance: every case of `tests/vectors/credentials.json`, table-driven.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use pullspec::auth::config::{decode_auth, decode_entry, parse_json};
use pullspec::auth::glob::{is_default_registry_match, urls_match};
use pullspec::auth::keyring::{DockerKeyring, UnionKeyring, NODE_KEYRING, PROVIDERS_KEYRING};
use pullspec::auth::secrets::secrets_keyring;
use pullspec::error::Coded;
use serde_json::{json, Value};

fn load() -> Value {
    common::load_vectors("credentials.json")
}

fn cases<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v[name]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_else(|| panic!("{name} missing"))
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// The kubelet's lookup key for an image: `ParseNormalizedNamed(image).Name()`.
fn repository_name(image: &str) -> String {
    pullspec::Reference::parse_normalized(image)
        .map(|r| r.name())
        .unwrap_or_else(|e| panic!("{image}: {e}"))
}

#[test]
fn semantics_block_is_present() {
    let v = load();
    assert_eq!(v["schema_version"], json!(1));
    for key in [
        "glob_match",
        "default_registry_match",
        "auth_decode",
        "entry_decode",
        "lookup",
        "raw_lookup",
    ] {
        assert!(v["semantics"][key].is_string(), "semantics.{key}");
    }
}

#[test]
fn glob_match_cases() {
    let v = load();
    for c in cases(&v, "glob_match_cases") {
        let got = urls_match(s(c, "pattern"), s(c, "target"));
        assert_eq!(Some(got), c["expected_match"].as_bool(), "{}", c["id"]);
    }
}

#[test]
fn default_registry_match_cases() {
    let v = load();
    for c in cases(&v, "default_registry_match_cases") {
        let got = is_default_registry_match(s(c, "image"));
        assert_eq!(Some(got), c["expected"].as_bool(), "{}", c["id"]);
    }
}

#[test]
fn auth_decode_cases() {
    let v = load();
    for c in cases(&v, "auth_decode_cases") {
        let e = &c["expected"];
        match decode_auth(s(c, "auth")) {
            Ok((user, pass)) => {
                assert_eq!(e["valid"], json!(true), "{}", c["id"]);
                assert_eq!(user, s(e, "username"), "{}", c["id"]);
                assert_eq!(pass.expose(), s(e, "password"), "{}", c["id"]);
            }
            Err(_) => assert_eq!(e["valid"], json!(false), "{}", c["id"]),
        }
    }
}

#[test]
fn entry_decode_cases() {
    let v = load();
    for c in cases(&v, "entry_decode_cases") {
        let e = &c["expected"];
        let decoded = parse_json(s(c, "entry_json")).and_then(|j| decode_entry(&j, "k", "k"));
        match decoded {
            Ok(entry) => {
                assert_eq!(e["valid"], json!(true), "{}", c["id"]);
                assert_eq!(entry.username, s(e, "username"), "{}", c["id"]);
                assert_eq!(entry.password.expose(), s(e, "password"), "{}", c["id"]);
                assert_eq!(entry.email, s(e, "email"), "{}", c["id"]);
            }
            Err(_) => assert_eq!(e["valid"], json!(false), "{}", c["id"]),
        }
    }
}

const KNOWN_LOOKUP_FIELDS: [&str; 11] = [
    "id",
    "source",
    "api",
    "lookup",
    "image",
    "pull_secrets",
    "expected",
    "others",
    "disagreement",
    "kubernetes_follows",
    "note",
];

/// The vectors give Secret `data` as decoded text (Go's `Secret.Data` bytes); real Secrets carry
/// base64, so encode it.
fn as_api_secret(vs: &Value) -> Value {
    let mut data = serde_json::Map::new();
    if let Some(d) = vs["data"].as_object() {
        for (k, text) in d {
            data.insert(
                k.clone(),
                json!(STANDARD.encode(text.as_str().unwrap_or(""))),
            );
        }
    }
    json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": vs["name"]}, "type": vs["type"], "data": data})
}

#[test]
fn lookup_cases() {
    let v = load();
    for c in cases(&v, "lookup_cases") {
        let id = s(c, "id");
        for key in c
            .as_object()
            .map(|o| o.keys().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            assert!(
                KNOWN_LOOKUP_FIELDS.contains(&key.as_str()),
                "{id}: unhandled field {key}"
            );
        }
        let e = &c["expected"];
        let lookup_key = if c["lookup"].is_string() {
            s(c, "lookup").to_string()
        } else {
            repository_name(s(c, "image"))
        };
        let secrets: Vec<Value> = c["pull_secrets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(as_api_secret)
            .collect();
        let secrets = match secrets_keyring(&secrets) {
            Ok(k) => k,
            Err(err) => {
                assert_eq!(
                    s(e, "error"),
                    "secret_parse_error",
                    "{id}: unexpected {err}"
                );
                assert_eq!(err.code(), "SECRET_INVALID", "{id}");
                continue;
            }
        };
        assert!(e["error"].is_null(), "{id}: expected an error");
        assert_eq!(lookup_key, s(e, "lookup_key"), "{id}");
        let union = UnionKeyring::kubelet(
            secrets.keyring,
            DockerKeyring::new(NODE_KEYRING),
            DockerKeyring::new(PROVIDERS_KEYRING),
        );
        let r = union.lookup(&lookup_key);
        assert_eq!(Some(r.found()), e["found"].as_bool(), "{id}");
        let got: Vec<Value> = r
            .credentials
            .iter()
            .map(|m| {
                json!({"username": m.credential.username, "password": m.credential.expose_password(),
                       "email": m.credential.email, "source": m.source})
            })
            .collect();
        assert_eq!(Value::Array(got), e["credentials"], "{id}");
        assert_eq!(
            json!(r.matched_keyring_keys),
            e["matched_keyring_keys"],
            "{id}"
        );
    }
}
