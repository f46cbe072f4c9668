//! Pod pull secrets (`imagePullSecrets`) as the kubelet reads them (`secrets.MakeDockerKeyring`).
//!
//! A Secret is used when, and only when:
//! - `type` is `kubernetes.io/dockerconfigjson` and `.dockerconfigjson` is present and non-empty
//!   (parsed as `config.json`, `{"auths": ...}`), or
//! - `type` is `kubernetes.io/dockercfg` and `.dockercfg` is present and non-empty (parsed as
//!   the bare `.dockercfg` map).
//!
//! Every other Secret — another or missing type, or data under the other type's key — is
//! IGNORED by the kubelet without an error; so it is here, but each ignored Secret yields a
//! [`SecretWarning`] with a code and a clear reason (`SECRET_TYPE_MISMATCH`, ...), so callers
//! can surface the mistake. A used Secret whose content does not decode fails the whole
//! lookup, as in the kubelet: [`SecretError`] (`SECRET_INVALID`) names the Secret and field.
//!
//! Secrets come as `serde_json::Value` (or JSON text). Values of `data` are base64 (as the API
//! returns them); values of `stringData` are plain text and win per key, as the API server
//! merges them on write. All used Secrets go into ONE keyring, in order; each credential's
//! source is `secret/NAME:KEY`.

use crate::auth::config::{
    child_path, config_from_value, offset_of, parse_json, ConfigError, ConfigFormat, DockerConfig,
};
use crate::auth::keyring::{DockerKeyring, SECRETS_KEYRING};
use crate::error::Coded;
use crate::manifest::{parse_value, parse_value_bytes};
use crate::yaml::{parse_yaml_documents_partial, YamlError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use std::fmt;

/// `kubernetes.io/dockerconfigjson`.
pub const TYPE_DOCKER_CONFIG_JSON: &str = "kubernetes.io/dockerconfigjson";
/// `kubernetes.io/dockercfg`.
pub const TYPE_DOCKERCFG: &str = "kubernetes.io/dockercfg";
/// Data key of a `kubernetes.io/dockerconfigjson` Secret.
pub const KEY_DOCKER_CONFIG_JSON: &str = ".dockerconfigjson";
/// Data key of a `kubernetes.io/dockercfg` Secret.
pub const KEY_DOCKERCFG: &str = ".dockercfg";

/// A pull secret that cannot be read (`SECRET_INVALID`); the kubelet fails the pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretError {
    /// The text given is not JSON.
    Text {
        /// serde_json's message.
        message: String,
        /// Byte offset.
        offset: usize,
    },
    /// The Secret (or one of its fields) has the wrong shape or encoding.
    Field {
        /// `metadata.name` (empty when absent).
        name: String,
        /// JSON path inside the Secret, e.g. `data[".dockerconfigjson"]`.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The text is neither JSON nor YAML; `name` is the Secret's `metadata.name` when it was
    /// read before the problem.
    Yaml {
        /// `metadata.name` as far as it was read (empty when not).
        name: String,
        /// The YAML error (line, column, byte offset).
        error: YamlError,
    },
    /// The decoded credential document does not decode.
    Config {
        /// `metadata.name`.
        name: String,
        /// JSON path of the data field inside the Secret.
        field: String,
        /// The decoding error (its path is inside the decoded document).
        inner: ConfigError,
    },
}

fn show_name(name: &str) -> String {
    if name.is_empty() {
        "<unnamed>".into()
    } else {
        format!("{name:?}")
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Text { message, offset } => {
                write!(
                    f,
                    "pull secret is not valid JSON at byte {offset}: {message}"
                )
            }
            SecretError::Yaml { name, error } => {
                write!(f, "pull secret {}: {error}", show_name(name))
            }
            SecretError::Field {
                name,
                field,
                reason,
            } => {
                write!(f, "pull secret {}: {field} {reason}", show_name(name))
            }
            SecretError::Config { name, field, inner } => {
                write!(
                    f,
                    "pull secret {}: {field} does not decode: {inner}",
                    show_name(name)
                )
            }
        }
    }
}

impl Coded for SecretError {
    fn code(&self) -> &'static str {
        "SECRET_INVALID"
    }
    fn offset(&self) -> Option<usize> {
        match self {
            SecretError::Text { offset, .. } => Some(*offset),
            SecretError::Yaml { error, .. } => Some(error.offset),
            _ => None,
        }
    }
    fn path(&self) -> Option<String> {
        match self {
            SecretError::Text { .. } | SecretError::Yaml { .. } => None,
            SecretError::Field { field, .. } => Some(field.clone()),
            SecretError::Config { field, inner, .. } => Some(match inner.path() {
                Some(p) if p.starts_with('[') => format!("{field}{p}"),
                Some(p) => format!("{field}.{p}"),
                None => field.clone(),
            }),
        }
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        match self {
            SecretError::Text { .. } => Vec::new(),
            SecretError::Yaml { name, error } => {
                let mut f = vec![("cause", error.code().to_string())];
                if !name.is_empty() {
                    f.push(("secret", name.clone()));
                }
                f.extend(error.fields());
                f
            }
            SecretError::Field { name, .. } => vec![("secret", name.clone())],
            SecretError::Config { name, inner, .. } => vec![
                ("secret", name.clone()),
                ("cause", inner.code().to_string()),
            ],
        }
    }
}

/// A Secret the kubelet silently ignores, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretWarning {
    /// `metadata.name`.
    pub name: String,
    /// The declared `type` (empty when absent).
    pub secret_type: String,
    /// Why it is ignored.
    pub reason: IgnoreReason,
}

/// Why a Secret is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IgnoreReason {
    /// The type is neither docker type (`SECRET_NOT_DOCKER`).
    NotDockerType,
    /// The data sits under the other docker type's key (`SECRET_TYPE_MISMATCH`).
    TypeDataMismatch,
    /// The key its type requires is absent or empty (`SECRET_DATA_MISSING`).
    MissingData,
}

impl fmt::Display for SecretWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = show_name(&self.name);
        let ty = if self.secret_type.is_empty() {
            "<none>"
        } else {
            &self.secret_type
        };
        match self.reason {
            IgnoreReason::NotDockerType => write!(
                f,
                "pull secret {name} has type {ty}; the kubelet only reads {TYPE_DOCKER_CONFIG_JSON} and {TYPE_DOCKERCFG} secrets and ignores it"
            ),
            IgnoreReason::TypeDataMismatch => write!(
                f,
                "pull secret {name} has type {ty} but its data is under the other docker type's key; the kubelet ignores it"
            ),
            IgnoreReason::MissingData => write!(
                f,
                "pull secret {name} has type {ty} but no non-empty {} key; the kubelet ignores it",
                if ty == TYPE_DOCKERCFG { KEY_DOCKERCFG } else { KEY_DOCKER_CONFIG_JSON }
            ),
        }
    }
}

impl Coded for SecretWarning {
    fn code(&self) -> &'static str {
        match self.reason {
            IgnoreReason::NotDockerType => "SECRET_NOT_DOCKER",
            IgnoreReason::TypeDataMismatch => "SECRET_TYPE_MISMATCH",
            IgnoreReason::MissingData => "SECRET_DATA_MISSING",
        }
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("secret", self.name.clone()),
            ("type", self.secret_type.clone()),
        ]
    }
}

/// A Secret the kubelet uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullSecret {
    /// `metadata.name`.
    pub name: String,
    /// The decoded credentials.
    pub config: DockerConfig,
}

/// What the kubelet does with one Secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretOutcome {
    /// Read into the keyring.
    Used(PullSecret),
    /// Ignored.
    Ignored(SecretWarning),
}

/// Parses a Secret given as JSON text (YAML is converted to a `Value` by the caller).
pub fn parse_secret_text(text: &str) -> Result<Value, SecretError> {
    parse_json(text).map_err(|e| match e {
        ConfigError::Syntax { message, offset } => SecretError::Text { message, offset },
        other => SecretError::Text {
            message: other.to_string(),
            offset: 0,
        },
    })
}

/// The Secrets in a text: JSON, or YAML with one or more documents (`---`); a `List`
/// (`kubectl get secret a b -o yaml`) stands for its `items` ([`secrets_in`]).
pub fn secret_documents(text: &str) -> Result<Vec<Value>, SecretError> {
    let docs = match parse_value(text) {
        Ok(v) => vec![v],
        Err(_) => parse_yaml_documents_partial(text).map_err(|p| SecretError::Yaml {
            name: p
                .partial
                .as_ref()
                .and_then(|v| v.get("metadata")?.get("name")?.as_str().map(str::to_string))
                .unwrap_or_default(),
            error: p.error,
        })?,
    };
    let secrets: Vec<Value> = docs.into_iter().flat_map(secrets_in).collect();
    if secrets.is_empty() {
        return Err(field_err("", "$".into(), "holds no Secret"));
    }
    Ok(secrets)
}

/// A `List` (`kind` `List` or `SecretList` with `items`) stands for its items; any other value
/// for itself.
pub fn secrets_in(value: Value) -> Vec<Value> {
    let is_list = matches!(
        value.get("kind").and_then(Value::as_str),
        Some("List" | "SecretList")
    ) && value.get("items").is_some_and(Value::is_array);
    match value {
        Value::Object(mut o) if is_list => match o.remove("items") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        other => vec![other],
    }
}

fn field_err(name: &str, field: String, reason: &str) -> SecretError {
    SecretError::Field {
        name: name.into(),
        field,
        reason: reason.into(),
    }
}

/// The bytes of a data key after the API server's merge: `stringData` wins, else base64 `data`.
fn data_bytes(
    secret: &serde_json::Map<String, Value>,
    name: &str,
    key: &str,
) -> Result<Vec<u8>, SecretError> {
    if let Some(v) = secret.get("stringData").and_then(|sd| sd.get(key)) {
        return match v {
            Value::String(s) => Ok(s.clone().into_bytes()),
            Value::Null => Ok(Vec::new()),
            _ => Err(field_err(
                name,
                child_path("stringData", key),
                "must be a string",
            )),
        };
    }
    match secret.get("data").and_then(|d| d.get(key)) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => STANDARD.decode(s.trim()).map_err(|e| {
            field_err(
                name,
                child_path("data", key),
                &format!("is not valid base64 ({e})"),
            )
        }),
        Some(_) => Err(field_err(
            name,
            child_path("data", key),
            "must be a base64 string",
        )),
    }
}

fn check_map(
    secret: &serde_json::Map<String, Value>,
    name: &str,
    field: &str,
) -> Result<(), SecretError> {
    match secret.get(field) {
        None | Some(Value::Null) | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(field_err(name, field.into(), "must be an object")),
    }
}

/// Decides what the kubelet does with one Secret, decoding it when used.
pub fn read_pull_secret(secret: &Value) -> Result<SecretOutcome, SecretError> {
    let Value::Object(obj) = secret else {
        return Err(field_err("", "$".into(), "must be a Secret object"));
    };
    let name = obj
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match obj.get("kind") {
        None | Some(Value::Null) => {}
        Some(Value::String(k)) if k == "Secret" => {}
        Some(_) => return Err(field_err(&name, "kind".into(), "must be \"Secret\"")),
    }
    let secret_type = match obj.get("type") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err(field_err(&name, "type".into(), "must be a string")),
    };
    check_map(obj, &name, "data")?;
    check_map(obj, &name, "stringData")?;
    let has = |key: &str| {
        ["data", "stringData"]
            .iter()
            .any(|f| obj.get(*f).and_then(|d| d.get(key)).is_some())
    };
    let (key, format, other_key) = match secret_type.as_str() {
        TYPE_DOCKER_CONFIG_JSON => (
            KEY_DOCKER_CONFIG_JSON,
            ConfigFormat::ConfigJson,
            KEY_DOCKERCFG,
        ),
        TYPE_DOCKERCFG => (
            KEY_DOCKERCFG,
            ConfigFormat::Dockercfg,
            KEY_DOCKER_CONFIG_JSON,
        ),
        _ => {
            return Ok(SecretOutcome::Ignored(SecretWarning {
                name,
                secret_type,
                reason: IgnoreReason::NotDockerType,
            }))
        }
    };
    let bytes = data_bytes(obj, &name, key)?;
    if bytes.is_empty() {
        let reason = if has(other_key) {
            IgnoreReason::TypeDataMismatch
        } else {
            IgnoreReason::MissingData
        };
        return Ok(SecretOutcome::Ignored(SecretWarning {
            name,
            secret_type,
            reason,
        }));
    }
    let field = if obj.get("stringData").and_then(|sd| sd.get(key)).is_some() {
        child_path("stringData", key)
    } else {
        child_path("data", key)
    };
    let value: Value = parse_value_bytes(&bytes).map_err(|e| SecretError::Config {
        name: name.clone(),
        field: field.clone(),
        inner: ConfigError::Syntax {
            message: e.to_string(),
            offset: offset_of(&String::from_utf8_lossy(&bytes), e.line(), e.column()),
        },
    })?;
    let config = config_from_value(&value, format).map_err(|inner| SecretError::Config {
        name: name.clone(),
        field,
        inner,
    })?;
    Ok(SecretOutcome::Used(PullSecret { name, config }))
}

/// The pod's pull-secret keyring plus what was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretsKeyring {
    /// One keyring named `secrets` holding every used Secret's entries, in Secret order.
    pub keyring: DockerKeyring,
    /// Names of the Secrets used.
    pub used: Vec<String>,
    /// Secrets the kubelet ignores, with reasons.
    pub warnings: Vec<SecretWarning>,
}

/// `secrets.MakeDockerKeyring`: every Secret in order; any undecodable used Secret fails.
pub fn secrets_keyring(secrets: &[Value]) -> Result<SecretsKeyring, SecretError> {
    let mut out = SecretsKeyring {
        keyring: DockerKeyring::new(SECRETS_KEYRING),
        used: Vec::new(),
        warnings: Vec::new(),
    };
    for secret in secrets {
        match read_pull_secret(secret)? {
            SecretOutcome::Used(s) => {
                out.keyring
                    .add_config(&s.config, &format!("secret/{}", s.name));
                out.used.push(s.name);
            }
            SecretOutcome::Ignored(w) => out.warnings.push(w),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
