//! Docker credential helpers (`docker-credential-NAME`), for callers that opt in.
//!
//! The kubelet never runs them; docker does. A `config.json` names them with `credHelpers`
//! (registry host -> helper) and `credsStore` (the helper for every other registry). For an
//! image, docker asks ONE helper: the registry host is the lookup key's text before the first
//! `/`, except that Docker Hub names (`docker.io/...`, `index.docker.io/...`, or a key the
//! kubelet treats as Docker Hub) use docker's server address `https://index.docker.io/v1/`;
//! the helper is `credHelpers[host]` when present (an empty name means none), else
//! `credsStore` ([`helper_call`]).
//!
//! The caller runs `docker-credential-NAME get` with the server address on stdin. Its stdout is
//! `{"ServerURL": ..., "Username": ..., "Secret": ...}`; the username `<token>` means the secret
//! is an identity token ([`parse_helper_output`]). A helper that does not know the registry
//! exits non-zero printing `credentials not found in native keychain` ([`is_not_found`]): no
//! credentials, not an error.

use crate::auth::config::DockerConfig;
use crate::auth::credential::Credential;
use crate::auth::glob::is_default_registry_match;
use crate::auth::provider::registry_of;
use crate::error::Coded;
use serde_json::Value;
use std::fmt;

/// Docker's server address for Docker Hub.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";
/// The message helpers print when they hold nothing for a server.
pub const NOT_FOUND_MESSAGE: &str = "credentials not found in native keychain";
/// The username that marks an identity token.
pub const TOKEN_USERNAME: &str = "<token>";

/// One helper invocation: `docker-credential-{helper} get` with `server_url` on stdin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperCall {
    /// Helper name (the binary is `docker-credential-{helper}`).
    pub helper: String,
    /// What to write on its stdin (and the keyring key of its answer).
    pub server_url: String,
}

/// The server address docker uses for a lookup key.
pub fn server_address(lookup_key: &str) -> String {
    let host = registry_of(lookup_key);
    let hub = matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    ) || is_default_registry_match(lookup_key);
    if hub {
        DOCKER_HUB_SERVER.to_string()
    } else {
        host.to_string()
    }
}

/// The helper docker would ask for this lookup key, if the config names one.
pub fn helper_call(config: &DockerConfig, lookup_key: &str) -> Option<HelperCall> {
    let server_url = server_address(lookup_key);
    let helper = match config.cred_helpers.iter().find(|(r, _)| *r == server_url) {
        Some((_, h)) => h.as_str(),
        None => config.creds_store.as_deref()?,
    };
    if helper.is_empty() {
        return None;
    }
    Some(HelperCall {
        helper: helper.to_string(),
        server_url,
    })
}

/// True when a failed helper's output says it holds nothing for the server.
pub fn is_not_found(output: &str) -> bool {
    output.contains(NOT_FOUND_MESSAGE)
}

/// A helper answer that cannot be used (`HELPER_RESPONSE_INVALID`). Never quotes the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperError {
    /// Helper name.
    pub helper: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for HelperError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "docker-credential-{} returned an invalid answer: {}",
            self.helper, self.reason
        )
    }
}

impl Coded for HelperError {
    fn code(&self) -> &'static str {
        "HELPER_RESPONSE_INVALID"
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![("helper", self.helper.clone())]
    }
}

/// Decodes a helper's stdout.
pub fn parse_helper_output(stdout: &str, helper: &str) -> Result<Credential, HelperError> {
    let bad = |reason: String| HelperError {
        helper: helper.into(),
        reason,
    };
    let value: Value = crate::manifest::parse_value(stdout).map_err(|e| {
        bad(format!(
            "not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(obj) = value else {
        return Err(bad("must be an object".into()));
    };
    let field = |name: &str| match obj.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(format!("{name} must be a string"))),
    };
    let username = field("Username")?;
    let secret = field("Secret")?;
    if username == TOKEN_USERNAME {
        return Ok(Credential::identity_token(secret));
    }
    Ok(Credential::new(username, secret, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::config::parse_config_json;

    #[test]
    fn helper_is_chosen_like_docker() {
        let cfg = parse_config_json(
            r#"{"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud","https://index.docker.io/v1/":"hub","off.io":""}}"#,
        )
        .unwrap();
        let cases = [
            ("gcr.io/project/app", Some(("gcloud", "gcr.io"))),
            ("docker.io/library/nginx", Some(("hub", DOCKER_HUB_SERVER))),
            ("nginx", Some(("hub", DOCKER_HUB_SERVER))),
            ("r.io:5000/app", Some(("desktop", "r.io:5000"))),
            ("off.io/app", None),
        ];
        for (key, want) in cases {
            let got = helper_call(&cfg, key);
            let got = got
                .as_ref()
                .map(|c| (c.helper.as_str(), c.server_url.as_str()));
            assert_eq!(got, want, "{key}");
        }
        let plain = parse_config_json(r#"{"auths":{}}"#).unwrap();
        assert_eq!(helper_call(&plain, "gcr.io/x"), None);
    }

    #[test]
    fn output_decodes_and_token_username_means_identity_token() {
        let c = parse_helper_output(
            r#"{"ServerURL":"r.io","Username":"alice","Secret":"pw"}"#,
            "t",
        )
        .unwrap();
        assert_eq!((c.username.as_str(), c.expose_password()), ("alice", "pw"));
        let t = parse_helper_output(
            r#"{"ServerURL":"r.io","Username":"<token>","Secret":"idt"}"#,
            "t",
        )
        .unwrap();
        assert_eq!(t.username, "");
        assert_eq!(t.identity_token.as_ref().map(|s| s.expose()), Some("idt"));
        for bad in [r#"{"Secret": 1}"#, "[]", "{\"Secret\": \"sekret\""] {
            let e = parse_helper_output(bad, "t").unwrap_err();
            assert_eq!(e.code(), "HELPER_RESPONSE_INVALID");
            assert!(!e.to_string().contains("sekret"));
        }
        assert!(is_not_found("credentials not found in native keychain\n"));
    }
}
