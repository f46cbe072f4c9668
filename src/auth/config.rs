//! Docker credential files: `config.json` (`{"auths": {KEY: entry}}`) and the legacy
//! `.dockercfg` (a bare `{KEY: entry}` map), decoded exactly as the kubelet's
//! `pkg/credentialprovider/config.go` does.
//!
//! An entry reads `username`, `password`, `email` and `auth`. When `auth` is non-empty it
//! overrides `username`/`password`: it is base64 of `user:pass` — decoded with padding
//! (`StdEncoding`) when the trimmed value ends with `=`, else without (`RawStdEncoding`); line
//! breaks are ignored as Go's decoder does; the text is split at the FIRST `:`; the username
//! may be empty; no `:` is an error. A bad entry makes the whole file fail (the kubelet then
//! skips that file), reported here as `AUTH_INVALID`/`CONFIG_INVALID` with the JSON path.
//!
//! Like Go's `encoding/json`, field names match case-insensitively (an exact match wins),
//! `null` leaves a field empty and a value of the wrong type is an error.
//! `identitytoken`/`registrytoken` and the top-level `credsStore`/`credHelpers` are recorded
//! (for callers that opt in to docker credential helpers) but the kubelet never uses them.

use crate::auth::credential::{Credential, SecretString};
use crate::error::Coded;
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde_json::{Map, Value};
use std::fmt;

/// Which of the two file formats a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    /// `config.json` / `.dockerconfigjson`: `{"auths": {...}}`.
    ConfigJson,
    /// Legacy `.dockercfg`: the bare `{KEY: entry}` map.
    Dockercfg,
}

impl ConfigFormat {
    /// `"json"` or `"dockercfg"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigFormat::ConfigJson => "json",
            ConfigFormat::Dockercfg => "dockercfg",
        }
    }
}

/// One decoded credential entry (the kubelet's `DockerConfigEntry` plus recorded tokens).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigEntry {
    /// User name (from `auth` when present).
    pub username: String,
    /// Password (from `auth` when present).
    pub password: SecretString,
    /// E-mail address, empty when absent.
    pub email: String,
    /// `identitytoken`, recorded but ignored by the kubelet.
    pub identity_token: Option<SecretString>,
    /// `registrytoken`, recorded but ignored by the kubelet.
    pub registry_token: Option<SecretString>,
}

impl ConfigEntry {
    /// The credential the kubelet's keyring stores for this entry.
    pub fn credential(&self) -> Credential {
        // The kubelet's keyring keeps username, password and email only.
        Credential::new(
            self.username.clone(),
            self.password.clone(),
            self.email.clone(),
        )
    }
}

/// A decoded credential file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerConfig {
    /// Which format it was read as.
    pub format: ConfigFormat,
    /// Entries by key as written, sorted by key (Go iterates its map in random order; sorting
    /// makes the result deterministic).
    pub entries: Vec<(String, ConfigEntry)>,
    /// `credsStore` (config.json only): the default `docker-credential-NAME` helper.
    pub creds_store: Option<String>,
    /// `credHelpers` (config.json only): registry -> helper name, sorted by registry.
    pub cred_helpers: Vec<(String, String)>,
}

impl DockerConfig {
    /// An empty config of the given format.
    pub fn empty(format: ConfigFormat) -> Self {
        DockerConfig {
            format,
            entries: Vec::new(),
            creds_store: None,
            cred_helpers: Vec::new(),
        }
    }

    /// The entry stored under exactly this key.
    pub fn get(&self, key: &str) -> Option<&ConfigEntry> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    /// The credential helper docker would run for `registry` (`credHelpers` first, then
    /// `credsStore`); the kubelet never runs one.
    pub fn helper_for(&self, registry: &str) -> Option<&str> {
        self.cred_helpers
            .iter()
            .find(|(r, _)| r == registry)
            .map(|(_, h)| h.as_str())
            .or(self.creds_store.as_deref())
    }
}

/// Why an `auth` field does not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// Not valid base64 for the encoding the kubelet picked.
    Base64(String),
    /// The decoded text has no `:`.
    NoColon,
    /// The decoded bytes are not UTF-8 (the kubelet would keep raw bytes; see module docs).
    NotUtf8,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Base64(e) => write!(f, "auth is not valid base64 ({e})"),
            AuthError::NoColon => f.write_str(
                "unable to parse auth field, must be formatted as base64(username:password)",
            ),
            AuthError::NotUtf8 => f.write_str("decoded auth is not UTF-8 text"),
        }
    }
}

impl Coded for AuthError {
    fn code(&self) -> &'static str {
        "AUTH_INVALID"
    }
}

/// Errors of this module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The text is not JSON (`CONFIG_INVALID`).
    Syntax {
        /// serde_json's message.
        message: String,
        /// Byte offset of the problem.
        offset: usize,
    },
    /// A value has the wrong JSON type (`CONFIG_INVALID`).
    Shape {
        /// JSON path of the value.
        path: String,
        /// What the kubelet expects there.
        expected: &'static str,
    },
    /// An `auth` field does not decode (`AUTH_INVALID`).
    Auth {
        /// JSON path of the `auth` field.
        path: String,
        /// The entry's key.
        key: String,
        reason: AuthError,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Syntax { message, offset } => {
                write!(
                    f,
                    "credential file is not valid JSON at byte {offset}: {message}"
                )
            }
            ConfigError::Shape { path, expected } => write!(f, "{path} must be {expected}"),
            ConfigError::Auth { path, key, reason } => {
                write!(f, "entry {key:?} has a bad auth field ({path}): {reason}")
            }
        }
    }
}

impl Coded for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Auth { .. } => "AUTH_INVALID",
            _ => "CONFIG_INVALID",
        }
    }
    fn offset(&self) -> Option<usize> {
        match self {
            ConfigError::Syntax { offset, .. } => Some(*offset),
            _ => None,
        }
    }
    fn path(&self) -> Option<String> {
        match self {
            ConfigError::Shape { path, .. } | ConfigError::Auth { path, .. } => Some(path.clone()),
            ConfigError::Syntax { .. } => None,
        }
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            ConfigError::Auth { key, .. } => vec![("key", key.clone())],
            _ => Vec::new(),
        }
    }
}

const PADDED: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);
const UNPADDED: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// The kubelet's `decodeDockerConfigFieldAuth`: base64 `user:pass` -> `(user, pass)`.
pub fn decode_auth(field: &str) -> Result<(String, SecretString), AuthError> {
    let cleaned: String = field.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let decoded = if field.trim().ends_with('=') {
        PADDED.decode(cleaned.as_bytes())
    } else {
        UNPADDED.decode(cleaned.as_bytes())
    }
    .map_err(|e| AuthError::Base64(e.to_string()))?;
    let text = String::from_utf8(decoded).map_err(|_| AuthError::NotUtf8)?;
    match text.split_once(':') {
        Some((user, pass)) => Ok((user.to_string(), SecretString::new(pass))),
        None => Err(AuthError::NoColon),
    }
}

/// Looks a field up the way Go's `encoding/json` does: exact name first, then ASCII
/// case-insensitively.
pub fn go_field<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// `parent["key"]` for JSON paths.
pub fn child_path(parent: &str, key: &str) -> String {
    let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
    format!("{parent}[{quoted}]")
}

fn string_field(
    obj: &Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Option<String>, ConfigError> {
    match go_field(obj, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ConfigError::Shape {
            path: format!("{path}.{name}"),
            expected: "a string",
        }),
    }
}

/// Sorts `(name, value)` pairs by name, stably ([`crate::go::sort`]).
pub fn sort_by_name<T>(pairs: &mut Vec<(String, T)>) {
    crate::go::sort::sort_by(pairs, |a, b| a.0 < b.0);
}

/// Decodes one entry (`DockerConfigEntry.UnmarshalJSON`); `key` and `path` name it in errors.
pub fn decode_entry(value: &Value, key: &str, path: &str) -> Result<ConfigEntry, ConfigError> {
    let obj = match value {
        Value::Null => return Ok(ConfigEntry::default()),
        Value::Object(o) => o,
        _ => {
            return Err(ConfigError::Shape {
                path: path.into(),
                expected: "an object",
            })
        }
    };
    let mut entry = ConfigEntry {
        username: string_field(obj, "username", path)?.unwrap_or_default(),
        password: SecretString::new(string_field(obj, "password", path)?.unwrap_or_default()),
        email: string_field(obj, "email", path)?.unwrap_or_default(),
        identity_token: string_field(obj, "identitytoken", path)?.map(SecretString::new),
        registry_token: string_field(obj, "registrytoken", path)?.map(SecretString::new),
    };
    if let Some(auth) = string_field(obj, "auth", path)? {
        if !auth.is_empty() {
            let (user, pass) = decode_auth(&auth).map_err(|reason| ConfigError::Auth {
                path: format!("{path}.auth"),
                key: key.into(),
                reason,
            })?;
            entry.username = user;
            entry.password = pass;
        }
    }
    Ok(entry)
}

fn decode_map(value: &Value, path: &str) -> Result<Vec<(String, ConfigEntry)>, ConfigError> {
    let obj = match value {
        Value::Null => return Ok(Vec::new()),
        Value::Object(o) => o,
        _ => {
            return Err(ConfigError::Shape {
                path: if path.is_empty() {
                    "$".into()
                } else {
                    path.into()
                },
                expected: "an object",
            })
        }
    };
    let mut entries = Vec::with_capacity(obj.len());
    for (key, v) in obj {
        entries.push((key.clone(), decode_entry(v, key, &child_path(path, key))?));
    }
    sort_by_name(&mut entries);
    Ok(entries)
}

fn string_map(value: Option<&Value>, path: &str) -> Result<Vec<(String, String)>, ConfigError> {
    let obj = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(ConfigError::Shape {
                path: path.into(),
                expected: "an object of strings",
            })
        }
    };
    let mut out = Vec::new();
    for (k, v) in obj {
        match v {
            Value::String(s) => out.push((k.clone(), s.clone())),
            Value::Null => out.push((k.clone(), String::new())),
            _ => {
                return Err(ConfigError::Shape {
                    path: child_path(path, k),
                    expected: "a string",
                })
            }
        }
    }
    sort_by_name(&mut out);
    Ok(out)
}

/// Decodes an already-parsed document in the given format.
pub fn config_from_value(value: &Value, format: ConfigFormat) -> Result<DockerConfig, ConfigError> {
    match format {
        ConfigFormat::Dockercfg => Ok(DockerConfig {
            entries: decode_map(value, "")?,
            ..DockerConfig::empty(format)
        }),
        ConfigFormat::ConfigJson => {
            let obj = match value {
                Value::Null => return Ok(DockerConfig::empty(format)),
                Value::Object(o) => o,
                _ => {
                    return Err(ConfigError::Shape {
                        path: "$".into(),
                        expected: "an object",
                    })
                }
            };
            // HttpHeaders is part of the kubelet's struct: a wrong type fails the file.
            string_map(go_field(obj, "HttpHeaders"), "HttpHeaders")?;
            let creds_store = string_field(obj, "credsStore", "$")?;
            let cred_helpers = string_map(go_field(obj, "credHelpers"), "credHelpers")?;
            let entries = match go_field(obj, "auths") {
                None => Vec::new(),
                Some(v) => decode_map(v, "auths")?,
            };
            Ok(DockerConfig {
                format,
                entries,
                creds_store,
                cred_helpers,
            })
        }
    }
}

/// Parses JSON text, reporting syntax errors with a byte offset.
pub fn parse_json(text: &str) -> Result<Value, ConfigError> {
    crate::manifest::parse_value(text).map_err(|e| ConfigError::Syntax {
        message: e.to_string(),
        offset: offset_of(text, e.line(), e.column()),
    })
}

/// Byte offset of a 1-based line/column position as serde_json reports it.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// Parses `config.json` text (`ReadDockerConfigJSONFile`).
pub fn parse_config_json(text: &str) -> Result<DockerConfig, ConfigError> {
    config_from_value(&parse_json(text)?, ConfigFormat::ConfigJson)
}

/// Parses legacy `.dockercfg` text (`ReadDockercfgFile`).
pub fn parse_dockercfg(text: &str) -> Result<DockerConfig, ConfigError> {
    config_from_value(&parse_json(text)?, ConfigFormat::Dockercfg)
}

/// The format of a document by content: an object with a top-level `auths` key is
/// `config.json`, anything else `.dockercfg`. (The kubelet decides by file name; this is for
/// text whose origin is unknown.)
pub fn detect_format(value: &Value) -> ConfigFormat {
    match value {
        Value::Object(o) if go_field(o, "auths").is_some() => ConfigFormat::ConfigJson,
        _ => ConfigFormat::Dockercfg,
    }
}

/// Parses text of either format, detected with [`detect_format`].
pub fn parse_config_auto(text: &str) -> Result<DockerConfig, ConfigError> {
    let value = parse_json(text)?;
    config_from_value(&value, detect_format(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_decodes_like_the_kubelet() {
        let ok = [
            ("Zm9vOmJhcg==", "foo", "bar"),
            ("Zm9vOmJhcg", "foo", "bar"),
            ("Zm9vOg==", "foo", ""),
            ("OmJhcg==", "", "bar"),
            ("Zm9vOmJhcjpiYXo=", "foo", "bar:baz"),
            ("Zm9vOmJh\r\ncg==\n", "foo", "bar"),
            ("Zm9vOmJhcgAA", "foo", "bar\0\0"),
        ];
        for (field, user, pass) in ok {
            let (u, p) = decode_auth(field).unwrap();
            assert_eq!((u.as_str(), p.expose()), (user, pass), "{field}");
        }
        let bad = [
            ("Zm9vOmJhcg===", "base64"),
            ("Zm9vOmJhcg=", "base64"),
            ("Zm9vYmFy", "colon"),
            (" Zm9vOmJhcg== ", "base64"),
            ("!!!!", "base64"),
            ("/w==", "utf8"),
        ];
        for (field, kind) in bad {
            let err = decode_auth(field).unwrap_err();
            assert_eq!(err.code(), "AUTH_INVALID");
            let got = match err {
                AuthError::Base64(_) => "base64",
                AuthError::NoColon => "colon",
                AuthError::NotUtf8 => "utf8",
            };
            assert_eq!(got, kind, "{field}");
        }
    }

    #[test]
    fn auth_overrides_username_and_password() {
        let v: Value = serde_json::from_str(
            r#"{"username":"foo","password":"bar","auth":"cGluZzpwb25n","email":"e@x"}"#,
        )
        .unwrap();
        let e = decode_entry(&v, "k", "k").unwrap();
        assert_eq!((e.username.as_str(), e.password.expose()), ("ping", "pong"));
        assert_eq!(e.email, "e@x");
        let empty_auth: Value = serde_json::from_str(r#"{"username":"u","auth":""}"#).unwrap();
        assert_eq!(decode_entry(&empty_auth, "k", "k").unwrap().username, "u");
    }

    #[test]
    fn field_names_match_case_insensitively_and_null_is_empty() {
        let cfg = parse_config_json(
            r#"{"Auths":{"r.io":{"Username":"u","PASSWORD":"p","email":null},"n.io":null}}"#,
        )
        .unwrap();
        let e = cfg.get("r.io").unwrap();
        assert_eq!((e.username.as_str(), e.password.expose()), ("u", "p"));
        assert_eq!(cfg.get("n.io"), Some(&ConfigEntry::default()));
    }

    #[test]
    fn bad_documents_are_errors_with_codes_and_paths() {
        let cases = [
            (
                r#"{"auths":{"r.io":{"auth":"Zm9v"}}}"#,
                ConfigFormat::ConfigJson,
                "AUTH_INVALID",
                Some(r#"auths["r.io"].auth"#),
            ),
            (
                r#"{"auths":{"r.io":{"username":5}}}"#,
                ConfigFormat::ConfigJson,
                "CONFIG_INVALID",
                Some(r#"auths["r.io"].username"#),
            ),
            (
                r#"{"auths":[]}"#,
                ConfigFormat::ConfigJson,
                "CONFIG_INVALID",
                Some("auths"),
            ),
            (
                r#"{"r.io":"x"}"#,
                ConfigFormat::Dockercfg,
                "CONFIG_INVALID",
                Some(r#"["r.io"]"#),
            ),
            (
                r#"{"r.io":{"auth":"%%%"}}"#,
                ConfigFormat::Dockercfg,
                "AUTH_INVALID",
                Some(r#"["r.io"].auth"#),
            ),
            ("[1]", ConfigFormat::ConfigJson, "CONFIG_INVALID", Some("$")),
            (
                "{\n  \"auths\": {,}",
                ConfigFormat::ConfigJson,
                "CONFIG_INVALID",
                None,
            ),
        ];
        for (text, format, code, path) in cases {
            let value = parse_json(text);
            let err = value
                .and_then(|v| config_from_value(&v, format))
                .unwrap_err();
            assert_eq!(err.code(), code, "{text}");
            assert_eq!(err.path().as_deref(), path, "{text}");
        }
        let err = parse_config_json("{\n  \"auths\": {,}").unwrap_err();
        assert_eq!(err.offset(), Some(14));
    }

    #[test]
    fn config_json_records_helpers_and_tokens() {
        let cfg = parse_config_json(
            r#"{"auths":{"r.io":{"identitytoken":"tok"}},"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud"}}"#,
        )
        .unwrap();
        let e = cfg.get("r.io").unwrap();
        assert_eq!(e.identity_token.as_ref().map(|t| t.expose()), Some("tok"));
        assert_eq!(e.username, "");
        assert_eq!(cfg.helper_for("gcr.io"), Some("gcloud"));
        assert_eq!(cfg.helper_for("r.io"), Some("desktop"));
        assert!(!format!("{cfg:?}").contains("tok\""));
    }

    #[test]
    fn pairs_sort_by_name_stably() {
        let mut v = vec![
            ("b".to_string(), 1),
            ("a".into(), 2),
            ("b".into(), 3),
            ("".into(), 4),
        ];
        sort_by_name(&mut v);
        assert_eq!(v.iter().map(|p| p.1).collect::<Vec<_>>(), [4, 2, 1, 3]);
    }

    #[test]
    fn format_is_detected_by_the_auths_key() {
        let cases = [
            (r#"{"auths":{}}"#, ConfigFormat::ConfigJson),
            (r#"{"r.io":{}}"#, ConfigFormat::Dockercfg),
            ("null", ConfigFormat::Dockercfg),
        ];
        for (text, want) in cases {
            assert_eq!(parse_config_auto(text).unwrap().format, want, "{text}");
        }
    }
}
