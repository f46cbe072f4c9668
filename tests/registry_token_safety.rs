//! Tokens and what reaches headers and messages, driven with canned responses: a token server
//! answering a token that is not an RFC 6750 `b64token` (a line break, a space) fails with
//! `INVALID_RESPONSE` and the token appears nowhere; credentials with line breaks never make a
//! header with a line break; a transport error quoting a header never becomes a message; a
//! realm redirect is followed without asking `service` and `scope` twice.

#[path = "fixtures/registry/driver.rs"]
mod driver;

use driver::*;
use pullspec::auth::credential::Credential;
use pullspec::error::Coded;
use pullspec::reference::Reference;
use pullspec::registry::{
    self, identity_token_credential, Client, Event, Operation, RegistryError, Response, Step,
    TransportError, TransportErrorKind,
};

const REALM: &str = "https://auth.example.com/token";
const SERVICE: &str = "reg.example.com";
const SCOPE: &str = "repository:team/app:pull";
const QUERY: &str = "service=reg.example.com&scope=repository%3Ateam%2Fapp%3Apull";

fn image() -> (Image, Reference) {
    let img = Image::new("linux", "amd64", "");
    let r =
        Reference::parse_normalized(&format!("reg.example.com/team/app@{}", img.digest())).unwrap();
    (img, r)
}

/// Every printed form of an error: message, Debug, code and fields.
fn printed(e: &RegistryError) -> String {
    format!("{e} | {e:?} | {} | {:?}", e.code(), e.fields())
}

fn no_control_in_headers(d: &Driver) {
    for req in &d.requests {
        for (name, value) in &req.headers {
            assert!(
                !value.chars().any(char::is_control),
                "{name} of {} carries a control character",
                req.url
            );
        }
    }
}

#[test]
fn a_token_that_is_not_a_b64token_is_refused_and_never_shown() {
    let (_, r) = image();
    let bad = [
        "SECRETTOK\r\nX-Injected: 1",
        "SECRETTOK\nmore",
        "SECRET TOK",
        "SECRETTOK\t",
        "SECRET\u{0}TOK",
        "SECRETTOKé",
        "SECRET=TOK",
        "SECRET\"TOK",
        "SECRETTOK,x",
    ];
    for token in bad {
        for field in ["token", "access_token"] {
            let body = serde_json::json!({ field: token, "expires_in": 300 }).to_string();
            let mut s = client_as_alice("reg.example.com");
            let mut d = Driver::new(vec![
                bearer_401(REALM, SERVICE, SCOPE),
                resp(200, &[("Content-Type", "application/json")], body),
            ]);
            let e = d.run(&mut s, &mut registry::manifest(&r)).unwrap_err();
            assert_eq!(e.code(), "INVALID_RESPONSE", "{token:?} in {field}: {e}");
            let p = printed(&e);
            for piece in ["SECRET", "TOK", "Injected"] {
                assert!(!p.contains(piece), "{token:?} in {field} leaked: {p}");
            }
            assert!(p.contains("b64token"), "{p}");
            // two requests only: the token was never sent anywhere
            assert_eq!(d.requests.len(), 2, "{:?}", d.lines());
            assert_eq!(s.token_count(), 0);
            no_control_in_headers(&d);
            let seen = format!("{:?} {:?} {s:?}", d.requests, d.events);
            assert!(!seen.contains("SECRET"), "{seen}");
        }
    }
}

#[test]
fn a_b64token_with_every_allowed_character_is_used() {
    let (img, r) = image();
    let token = "Az09-._~+/==";
    let mut s = client();
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok(token, 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(d.auths()[2].as_deref(), Some("Bearer Az09-._~+/=="));
    assert!(registry::token::is_b64token(token));
    for bad in ["", "=", "==abc", "a b", "a\r\n", "ä", "a=b"] {
        assert!(!registry::token::is_b64token(bad), "{bad:?}");
    }
}

#[test]
fn credentials_with_line_breaks_never_make_a_header_with_one() {
    let (img, r) = image();
    let creds = [
        Credential::new("bob\r\nX-Injected: 1", "pw", ""),
        Credential::new("bob", "pa\r\nss\nX-Injected: 1", ""),
        identity_token_credential("refresh\r\nX-Injected: 1"),
    ];
    for cred in creds {
        // Basic registry, then a Bearer realm (Basic GET and the OAuth POST)
        let basic = Response::new(401, &[("WWW-Authenticate", r#"Basic realm="r""#)], "");
        let flows = [
            vec![Reply::Resp(basic), manifest_ok(&img.manifest, OCI_MANIFEST)],
            vec![
                bearer_401(REALM, SERVICE, SCOPE),
                token_ok("tok", 300),
                manifest_ok(&img.manifest, OCI_MANIFEST),
            ],
        ];
        for replies in flows {
            let mut s = client();
            s.set_credentials("reg.example.com", vec![cred.clone()]);
            let mut d = Driver::new(replies);
            d.run(&mut s, &mut registry::manifest(&r)).unwrap();
            no_control_in_headers(&d);
            for a in d.auths().into_iter().flatten() {
                assert!(!a.contains("Injected"), "{a}");
            }
        }
    }
}

/// What a driver does with a script of replies where each failure carries its own message.
enum Act {
    Fail(&'static str),
    /// A 2xx stream whose body breaks with this message after `n` bytes.
    Break(Reply, usize, &'static str),
}

/// Runs `op`, answering each request with the next act; returns the result and what the waits
/// and events said.
fn drive<O: Operation>(
    s: &mut Client,
    op: &mut O,
    mut acts: Vec<Act>,
) -> (Result<O::Output, RegistryError>, Vec<String>) {
    acts.reverse();
    let mut said = Vec::new();
    let mut pending: Option<(Vec<u8>, usize, &'static str)> = None;
    let now = 1_700_000_000_000;
    for _ in 0..1000 {
        match op.next(s, now) {
            Step::Send(_) => match acts.pop().expect("a reply for each request") {
                Act::Fail(msg) => op.on_transport_error(
                    s,
                    TransportError::new(TransportErrorKind::Network, msg),
                    now,
                ),
                Act::Break(Reply::Resp(mut r), n, msg) => {
                    pending = Some((std::mem::take(&mut r.body), n, msg));
                    op.on_response(s, r, now)
                }
                _ => panic!("unsupported act"),
            },
            Step::ReadBody(_) => {
                let (body, n, msg) = pending.take().expect("a pending body");
                let n = n.min(body.len());
                let _ = op.on_body_chunk(&body[..n]);
                if n < body.len() {
                    op.on_body_error(
                        s,
                        TransportError::new(TransportErrorKind::Network, msg),
                        now,
                    );
                } else {
                    op.on_body_done(s, None, now);
                }
            }
            Step::Wait { reason, .. } => said.push(reason),
            Step::Event(e) => {
                if let Event::Retry { reason, .. } = &e {
                    said.push(reason.clone());
                }
                said.push(format!("{e:?}"));
            }
            Step::Done(r) => return (r, said),
        }
    }
    panic!("did not finish");
}

#[test]
fn a_transport_error_quoting_a_header_never_becomes_a_message() {
    let (img, r) = image();
    // undici's own words for a header value it refuses, and variants without quotes
    let quoting = [
        "Headers.append: \"Bearer SECRETTOK\r\nX: y\" is an invalid header value.",
        "Headers.append: 'Bearer SECRETTOK' is an invalid header value.",
        "Invalid header value [Bearer SECRETTOK]",
        "invalid header: Authorization: Bearer SECRETTOKxyz",
        "bad header Bearer SECRETTOKxyz0",
    ];
    for msg in quoting {
        let mut s = client();
        let acts = (0..10).map(|_| Act::Fail(msg)).collect();
        let (out, said) = drive(&mut s, &mut registry::manifest(&r), acts);
        let e = out.unwrap_err();
        assert_eq!(e.code(), "NETWORK");
        let p = printed(&e);
        assert!(!p.contains("SECRETTOK"), "{msg:?} leaked: {p}");
        for line in &said {
            assert!(!line.contains("SECRETTOK"), "{msg:?} leaked in {line}");
        }
    }
    // plain messages are kept whole
    let mut s = client();
    let acts = (0..10)
        .map(|_| Act::Fail("fetch failed (ECONNREFUSED)"))
        .collect();
    let (out, _) = drive(&mut s, &mut registry::manifest(&r), acts);
    assert!(out
        .unwrap_err()
        .to_string()
        .ends_with(": fetch failed (ECONNREFUSED)"),);
    assert_eq!(
        registry::http::safe_transport_message("Headers.append: \"Bearer x\" is invalid"),
        "Headers.append (the rest is withheld: it may quote a header)"
    );

    // a body that breaks with such a message: the retry's reason and the error say nothing of it
    let m = pullspec::manifest::parse(&img.manifest, None).unwrap();
    let desc = m.as_image().unwrap().layers[0].clone();
    let layer = &img.layers[0];
    let msg = "terminated: \"Authorization: Bearer SECRETTOK\"";
    let mut s = client();
    let acts = (0..10)
        .map(|_| Act::Break(blob_ok(layer), 3, msg))
        .collect();
    let (out, said) = drive(&mut s, &mut registry::blob(&r, &desc), acts);
    let e = out.unwrap_err();
    assert!(!printed(&e).contains("SECRETTOK"), "{}", printed(&e));
    assert!(said.iter().any(|l| l.contains("broke")), "{said:?}");
    for line in &said {
        assert!(!line.contains("SECRETTOK"), "leaked in {line}");
    }
}

#[test]
fn a_realm_redirect_is_followed_without_asking_service_and_scope_twice() {
    let (img, r) = image();
    // (Location, the token request that must follow)
    let cases = [
        (
            format!("https://auth2.example.com/token?{QUERY}"),
            format!("GET https://auth2.example.com/token?{QUERY}"),
        ),
        (
            format!("/v2/token?{QUERY}&account=x"),
            format!("GET https://auth.example.com/v2/token?{QUERY}&account=x"),
        ),
        // a Location without them gets them, once
        (
            "https://auth.example.com/other".to_string(),
            format!("GET https://auth.example.com/other?{QUERY}"),
        ),
    ];
    for (location, want) in cases {
        let mut s = client_as_alice("reg.example.com");
        let mut d = Driver::new(vec![
            bearer_401(REALM, SERVICE, SCOPE),
            resp(307, &[("Location", location.as_str())], ""),
            token_ok("tok", 300),
            manifest_ok(&img.manifest, OCI_MANIFEST),
        ]);
        d.run(&mut s, &mut registry::manifest(&r)).unwrap();
        let lines = d.lines();
        assert_eq!(lines[1], format!("GET {REALM}?{QUERY}"));
        assert_eq!(lines[2], want, "{location}");
        assert_eq!(d.auths()[3].as_deref(), Some("Bearer tok"));
    }
}
