//! Authentication pieces: reading a registry's challenge, building token requests, reading
//! token responses, and the shape of the header a credential becomes.
//!
//! Token requests (distribution's token spec and its OAuth2 variant):
//! - anonymous: `GET <realm>?service=<s>&scope=<scope>...`;
//! - user + password: the same GET with `Authorization: Basic`;
//! - identity token (user name `<token>`, the password is the token): `POST <realm>` with the
//!   form `grant_type=refresh_token&refresh_token=<t>&service=<s>&scope=<scopes>&client_id=pullspec`;
//!   on 400/401/404/405 (registries without the POST endpoint, as containerd lists them) the GET
//!   with `Basic <token>:<t>` is tried once.
//!
//! The answer is `{"token": ...}` or `{"access_token": ...}`, `expires_in` seconds (60 when
//! absent or smaller, as the spec sets the minimum). The token must be an RFC 6750 `b64token`
//! ([`is_b64token`]): anything else (a line break, a space) is `INVALID_RESPONSE`, whose
//! message names the kind of character, never the token.
//!
//! A redirect of the token request is followed to its `Location` as given: `service` and
//! `scope` are added to a token URL only when it carries no parameter of that name yet, so a
//! realm that redirects with its query is not asked them twice.

use super::client::{LearnedAuth, DEFAULT_TOKEN_EXPIRY_S, IDENTITY_TOKEN_USERNAME};
use super::error::RegistryError;
use super::http::{Expect, Method, Purpose, Request};
use super::url::{percent_encode, Url};
use crate::auth::challenge::parse_www_authenticate;
use crate::auth::credential::{Credential, SecretString};

/// `client_id` sent in OAuth2 token requests.
pub const CLIENT_ID: &str = "pullspec";

/// Largest token response read.
pub const TOKEN_BODY_MAX: usize = 1024 * 1024;

/// How a token is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenMode {
    /// GET without credentials.
    Anonymous,
    /// GET with `Authorization: Basic`.
    Basic,
    /// OAuth2 POST with the refresh token grant.
    OAuthRefresh,
}

/// The token mode a credential calls for (`None` = anonymous).
pub fn token_mode(cred: Option<&Credential>) -> TokenMode {
    match cred {
        None => TokenMode::Anonymous,
        Some(c) if c.username == IDENTITY_TOKEN_USERNAME => TokenMode::OAuthRefresh,
        Some(_) => TokenMode::Basic,
    }
}

/// `Basic base64(user:password)`.
pub fn basic_header(cred: &Credential) -> String {
    let raw = format!("{}:{}", cred.username, cred.expose_password());
    format!("Basic {}", base64_standard(raw.as_bytes()))
}

/// Standard padded base64 (RFC 4648 section 4), the only encoding the client needs: a few
/// lines instead of the `base64` crate's engine.
fn base64_standard(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What a `401` from the registry asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeInfo {
    /// The scheme and where tokens come from.
    pub auth: LearnedAuth,
    /// Scopes named by a Bearer challenge.
    pub scopes: Vec<String>,
    /// `error="insufficient_scope"` was present.
    pub insufficient_scope: bool,
}

/// Reads the `WWW-Authenticate` values of a 401: Bearer preferred over Basic. The realm must
/// be an absolute http(s) URL.
pub fn read_challenge(values: &[&str]) -> Result<ChallengeInfo, RegistryError> {
    let mut challenges = Vec::new();
    for v in values {
        match parse_www_authenticate(v) {
            Ok(cs) => challenges.extend(cs),
            Err(e) => {
                return Err(RegistryError::ChallengeInvalid {
                    reason: e.to_string(),
                })
            }
        }
    }
    if let Some(b) = challenges.iter().find(|c| c.is("bearer")) {
        let realm = b.realm().ok_or_else(|| RegistryError::ChallengeInvalid {
            reason: "Bearer challenge without realm".to_string(),
        })?;
        let realm = Url::parse(realm).ok_or_else(|| RegistryError::ChallengeInvalid {
            reason: "Bearer realm is not an absolute http(s) URL without user info".to_string(),
        })?;
        return Ok(ChallengeInfo {
            auth: LearnedAuth::Bearer {
                realm,
                service: b.service().map(str::to_string),
            },
            scopes: b.scopes().into_iter().map(str::to_string).collect(),
            insufficient_scope: b
                .param("error")
                .is_some_and(|e| e.eq_ignore_ascii_case("insufficient_scope")),
        });
    }
    if challenges.iter().any(|c| c.is("basic")) {
        return Ok(ChallengeInfo {
            auth: LearnedAuth::Basic,
            scopes: Vec::new(),
            insufficient_scope: false,
        });
    }
    Err(RegistryError::ChallengeInvalid {
        reason: if challenges.is_empty() {
            "401 without a WWW-Authenticate challenge".to_string()
        } else {
            format!(
                "no supported scheme (Bearer, Basic) among: {}",
                challenges
                    .iter()
                    .map(|c| c.scheme.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
    })
}

/// `scopes` plus any of `extra` not yet in it, in order.
pub fn merge_scopes(scopes: &[String], extra: &[String]) -> Vec<String> {
    let mut out = scopes.to_vec();
    for s in extra {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// The token cache key: registry, realm, service, scopes (sorted) and which credential.
pub fn token_key(
    registry: &str,
    realm: &Url,
    service: Option<&str>,
    scopes: &[String],
    cred_id: &str,
) -> String {
    let mut s = scopes.to_vec();
    crate::go::sort::sort(&mut s);
    s.dedup();
    format!(
        "{registry}|{realm}|{}|{}|{cred_id}",
        service.unwrap_or(""),
        s.join(" ")
    )
}

/// A token request to `url` (the realm, or where it redirected). `with_credentials` false
/// strips them (a redirect left the realm's origin): an anonymous GET. A GET gets `service` and
/// `scope` only when `url` has no parameter of that name yet (a redirect's `Location` keeps them).
pub fn token_request(
    url: &Url,
    service: Option<&str>,
    scopes: &[String],
    cred: Option<&Credential>,
    mode: TokenMode,
    user_agent: &str,
) -> Request {
    let mut headers = Vec::new();
    if !user_agent.is_empty() {
        headers.push(("User-Agent".to_string(), user_agent.to_string()));
    }
    let expect = Expect::Full {
        max_len: TOKEN_BODY_MAX,
    };
    if let (TokenMode::OAuthRefresh, Some(c)) = (mode, cred) {
        let mut form = format!(
            "grant_type=refresh_token&refresh_token={}",
            percent_encode(c.expose_password())
        );
        if let Some(s) = service {
            form.push_str(&format!("&service={}", percent_encode(s)));
        }
        if !scopes.is_empty() {
            form.push_str(&format!("&scope={}", percent_encode(&scopes.join(" "))));
        }
        form.push_str(&format!("&client_id={CLIENT_ID}"));
        headers.push((
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ));
        return Request {
            method: Method::Post,
            url: url.to_string(),
            headers,
            body: Some(form.into_bytes()),
            purpose: Purpose::Token,
            expect,
        };
    }
    // A redirect's Location usually carries them already: never ask twice.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(s) = service.filter(|_| !url.has_query_param("service")) {
        pairs.push(("service", s));
    }
    if !url.has_query_param("scope") {
        for s in scopes {
            pairs.push(("scope", s));
        }
    }
    if let (TokenMode::Basic | TokenMode::OAuthRefresh, Some(c)) = (mode, cred) {
        headers.push(("Authorization".to_string(), basic_header(c)));
    }
    Request {
        method: Method::Get,
        url: url.with_query(&pairs).to_string(),
        headers,
        body: None,
        purpose: Purpose::Token,
        expect,
    }
}

/// Whether `token` is an RFC 6750 `b64token`, the only text a `Bearer` credential may be:
/// `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. Anything else (a line break,
/// a space, a control character) would break or smuggle a header.
pub fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

/// Why `token` is not a `b64token`, naming the kind of character and never the token.
pub fn b64token_problem(token: &str) -> String {
    let body = token.trim_end_matches('=');
    let bad = body
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || "-._~+/".contains(c)));
    let what = match bad {
        None => "is empty",
        Some('\r' | '\n') => "holds a line break",
        Some(' ' | '\t') => "holds white space",
        Some('=') => "has `=` before its end",
        Some(c) if c.is_control() => "holds a control character",
        Some(c) if !c.is_ascii() => "holds a non-ASCII character",
        Some(_) => "holds a character outside A-Z a-z 0-9 - . _ ~ + /",
    };
    format!("the token {what}: not an RFC 6750 b64token, so it is not sent")
}

/// `Bearer <token>`, or `None` when the token is not a [`is_b64token`].
pub fn bearer_header(token: &SecretString) -> Option<String> {
    is_b64token(token.expose()).then(|| format!("Bearer {}", token.expose()))
}

/// The token and its lifetime in seconds from a token response body. The token must be a
/// [`is_b64token`]; the error never quotes it.
pub fn parse_token_response(body: &[u8]) -> Result<(SecretString, u64), String> {
    let v: serde_json::Value = crate::manifest::parse_value_bytes(body)
        .map_err(|_| "token response is not JSON".to_string())?;
    let token = ["token", "access_token"]
        .iter()
        .filter_map(|k| v.get(*k).and_then(|t| t.as_str()))
        .find(|t| !t.is_empty())
        .ok_or_else(|| "token response has neither token nor access_token".to_string())?;
    if !is_b64token(token) {
        return Err(format!("token response: {}", b64token_problem(token)));
    }
    let expires = v
        .get("expires_in")
        .and_then(|e| e.as_u64().or_else(|| e.as_f64().map(|f| f.max(0.0) as u64)))
        .unwrap_or(DEFAULT_TOKEN_EXPIRY_S)
        .max(DEFAULT_TOKEN_EXPIRY_S);
    Ok((SecretString::new(token), expires))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_base64_crate() {
        use base64::Engine as _;
        let inputs: [&[u8]; 7] = [
            b"",
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"user:p\xff\x00ss",
            b"\xfb\xff\xbf",
        ];
        for input in inputs {
            let want = base64::engine::general_purpose::STANDARD.encode(input);
            assert_eq!(base64_standard(input), want, "{input:?}");
        }
    }

    #[test]
    fn challenges_are_read() {
        let c = read_challenge(&[
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        ])
        .unwrap();
        assert_eq!(
            c.auth,
            LearnedAuth::Bearer {
                realm: Url::parse("https://auth.docker.io/token").unwrap(),
                service: Some("registry.docker.io".into())
            }
        );
        assert_eq!(c.scopes, ["repository:library/nginx:pull"]);
        assert!(!c.insufficient_scope);
        let c = read_challenge(&[r#"Basic realm="r""#]).unwrap();
        assert_eq!(c.auth, LearnedAuth::Basic);
        let c = read_challenge(&[
            r#"Bearer realm="https://a/t",error="insufficient_scope",scope="x:y:pull""#,
        ])
        .unwrap();
        assert!(c.insufficient_scope);
        for bad in [
            vec![],
            vec!["Negotiate abc=="],
            vec!["Bearer service=x"],
            vec![r#"Bearer realm="ftp://x/""#],
            vec!["Bearer realm=\"x"],
        ] {
            let e = read_challenge(&bad).unwrap_err();
            assert_eq!(
                crate::error::Coded::code(&e),
                "CHALLENGE_INVALID",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn token_requests_by_mode() {
        let realm = Url::parse("https://auth.io/token").unwrap();
        let scopes = vec!["repository:a/b:pull".to_string()];
        let anon = token_request(
            &realm,
            Some("reg"),
            &scopes,
            None,
            TokenMode::Anonymous,
            "ua",
        );
        assert_eq!(
            anon.url,
            "https://auth.io/token?service=reg&scope=repository%3Aa%2Fb%3Apull"
        );
        assert_eq!(anon.header("authorization"), None);
        let cred = Credential::new("u", "p", "");
        let basic = token_request(
            &realm,
            Some("reg"),
            &scopes,
            Some(&cred),
            TokenMode::Basic,
            "ua",
        );
        assert_eq!(basic.header("Authorization"), Some("Basic dTpw"));
        let id = Credential::new(IDENTITY_TOKEN_USERNAME, "r&t", "");
        let post = token_request(
            &realm,
            Some("reg"),
            &scopes,
            Some(&id),
            TokenMode::OAuthRefresh,
            "",
        );
        assert_eq!(post.method, Method::Post);
        assert_eq!(
            String::from_utf8(post.body.unwrap()).unwrap(),
            "grant_type=refresh_token&refresh_token=r%26t&service=reg&scope=repository%3Aa%2Fb%3Apull&client_id=pullspec"
        );
        assert_eq!(token_mode(Some(&id)), TokenMode::OAuthRefresh);
        assert_eq!(token_mode(Some(&cred)), TokenMode::Basic);
    }

    #[test]
    fn token_responses() {
        let ok =
            |b: &str| parse_token_response(b.as_bytes()).map(|(t, e)| (t.expose().to_string(), e));
        assert_eq!(
            ok(r#"{"token":"a","expires_in":300}"#),
            Ok(("a".into(), 300))
        );
        assert_eq!(ok(r#"{"access_token":"b"}"#), Ok(("b".into(), 60)));
        assert_eq!(
            ok(r#"{"token":"","access_token":"c","expires_in":5}"#),
            Ok(("c".into(), 60))
        );
        assert!(ok(r#"{"nope":1}"#).is_err());
        assert!(ok("<html>").is_err());
    }

    #[test]
    fn scopes_merge_in_order() {
        let a = vec!["x".to_string(), "y".to_string()];
        assert_eq!(merge_scopes(&a, &["y".into(), "z".into()]), ["x", "y", "z"]);
    }
}
