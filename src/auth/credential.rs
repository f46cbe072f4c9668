//! Secret values that never print themselves.
//!
//! [`SecretString`] holds a password or token; its `Debug` and `Display` print `<redacted>`
//! and only [`SecretString::expose`] hands the text out. [`Credential`] is the
//! username/password/email triple the kubelet's keyring returns (its `AuthConfig`), built on it.

use std::fmt;

/// Text that must not leak into logs: `Debug`/`Display` print `<redacted>`.
///
/// Equality compares the hidden text, so tests can compare credentials without printing them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// Reveals the secret. Call only where the value is really sent somewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the secret is the empty string (printing that fact leaks nothing useful).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_string())
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

/// One registry credential as the kubelet hands it to the runtime: username, password, email
/// (its `AuthConfig`), plus the identity and registry tokens of CRI's `AuthConfig`, which only
/// docker credential helpers fill in here (the kubelet never reads them from files).
///
/// `Debug` prints `Credential { username: "foo", password: <redacted>, email: "" }` (tokens
/// only when set, redacted too) and `Display` prints `foo:<redacted>`;
/// [`Credential::expose_password`] reveals the password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credential {
    /// The user name (may be empty: the kubelet accepts `base64(":pass")`).
    pub username: String,
    /// The password, hidden from every printed form.
    pub password: SecretString,
    /// The e-mail address some old `.dockercfg` files carry; empty when absent.
    pub email: String,
    /// An OAuth identity token (a docker credential helper answering `Username: "<token>"`).
    pub identity_token: Option<SecretString>,
    /// A bearer token for the registry itself.
    pub registry_token: Option<SecretString>,
}

impl Credential {
    /// Builds a credential.
    pub fn new(
        username: impl Into<String>,
        password: impl Into<SecretString>,
        email: impl Into<String>,
    ) -> Self {
        Credential {
            username: username.into(),
            password: password.into(),
            email: email.into(),
            identity_token: None,
            registry_token: None,
        }
    }

    /// A credential that is only an identity token (docker's `Username: "<token>"`).
    pub fn identity_token(token: impl Into<SecretString>) -> Self {
        Credential {
            identity_token: Some(token.into()),
            ..Credential::default()
        }
    }

    /// Reveals the password. Call only where it is really sent to the registry it was matched for.
    pub fn expose_password(&self) -> &str {
        self.password.expose()
    }

    /// True when username, password and tokens are all empty (an anonymous entry).
    pub fn is_anonymous(&self) -> bool {
        let empty = |t: &Option<SecretString>| t.as_ref().is_none_or(SecretString::is_empty);
        self.username.is_empty()
            && self.password.is_empty()
            && empty(&self.identity_token)
            && empty(&self.registry_token)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credential");
        d.field("username", &self.username)
            .field("password", &self.password)
            .field("email", &self.email);
        if let Some(t) = &self.identity_token {
            d.field("identity_token", t);
        }
        if let Some(t) = &self.registry_token {
            d.field("registry_token", t);
        }
        d.finish()
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.username, self.password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms_redact_the_password() {
        let c = Credential::new("foo", "hunter2", "a@b.c");
        let cases = [
            format!("{c:?}"),
            format!("{c}"),
            format!("{:?}", c.password),
            format!("{}", c.password),
            format!("{:#?}", c),
        ];
        for printed in cases {
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(printed.contains("<redacted>"), "{printed}");
        }
        assert_eq!(
            format!("{c:?}"),
            r#"Credential { username: "foo", password: <redacted>, email: "a@b.c" }"#
        );
        assert_eq!(c.to_string(), "foo:<redacted>");
        let mut t = Credential::identity_token("tok-secret");
        t.registry_token = Some("reg-secret".into());
        let printed = format!("{t:?} {t}");
        assert!(!printed.contains("secret"), "{printed}");
        assert!(printed.contains("identity_token: <redacted>"), "{printed}");
        assert!(!t.is_anonymous());
    }

    #[test]
    fn expose_reveals_the_password_explicitly() {
        let c = Credential::new("", "p:w", "");
        assert_eq!(c.expose_password(), "p:w");
        assert!(!c.is_anonymous());
        assert!(Credential::default().is_anonymous());
    }
}
