//! The sans-IO registry client driven by canned responses: every request it makes is recorded
//! and asserted on. The driver lives in `fixtures/registry/driver.rs`.

#[path = "fixtures/registry/driver.rs"]
mod driver;

use driver::*;
use pullspec::auth::credential::Credential;
use pullspec::error::Coded;
use pullspec::manifest::MAX_MANIFEST_SIZE;
use pullspec::platform::{Matcher, Platform};
use pullspec::reference::Reference;
use pullspec::registry::{
    self, identity_token_credential, Client, Config, Event, Jitter, Method, RegistryError,
    TransportErrorKind,
};

fn reference(s: &str) -> Reference {
    Reference::parse_normalized(s).unwrap()
}

fn matcher(p: &str) -> Matcher {
    let host = Platform::default_host();
    Matcher::only(Platform::parse(p, &host).unwrap(), &host)
}

fn code<T: std::fmt::Debug>(r: &Result<T, RegistryError>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

const REALM: &str = "https://auth.example.com/token";
const SERVICE: &str = "reg.example.com";
const SCOPE: &str = "repository:team/app:pull";

// ---------- anonymous pull ----------

#[test]
fn anonymous_pull_of_a_multi_arch_index() {
    let (idx, imgs) = multiarch();
    let arm = &imgs[1];
    let r = reference("127.0.0.1:5000/multiarch:1.0");
    let mut s = client();
    let mut d = Driver::new(vec![
        head_ok(&idx, OCI_INDEX),
        manifest_ok(&idx, OCI_INDEX),
        manifest_ok(&arm.manifest, OCI_MANIFEST),
        blob_ok(&arm.config),
    ]);
    let res = d
        .run(
            &mut s,
            &mut registry::resolve(&r, matcher("linux/arm64/v8")),
        )
        .unwrap();
    let base = "http://127.0.0.1:5000/v2/multiarch";
    assert_eq!(
        d.lines(),
        [
            format!("HEAD {base}/manifests/1.0"),
            format!("GET {base}/manifests/{}", sha(&idx)),
            format!("GET {base}/manifests/{}", arm.digest()),
            format!("GET {base}/blobs/{}", sha(&arm.config)),
        ]
    );
    for req in &d.requests[..3] {
        let accept = req.header("accept").unwrap();
        for mt in [
            OCI_INDEX,
            OCI_MANIFEST,
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json",
        ] {
            assert!(accept.contains(mt), "{accept}");
        }
        assert!(!accept.contains("distribution.manifest.v1"), "{accept}");
    }
    assert!(d.auths().iter().all(Option::is_none));
    assert!(d.requests.iter().all(|r| r
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("pullspec/"))));
    assert_eq!(res.digest, sha(&idx));
    assert_eq!(res.media_type, OCI_INDEX);
    assert_eq!(res.index.as_ref().unwrap().manifests.len(), 3);
    assert_eq!(res.manifest_digest, arm.digest());
    assert_eq!(res.platform.as_ref().unwrap().architecture, "arm64");
    assert_eq!(res.platform.as_ref().unwrap().variant, "v8");
    assert_eq!(res.config["architecture"], "arm64");
    assert_eq!(res.config_digest, sha(&arm.config));
    assert_eq!(res.layers.len(), 2);
    assert_eq!(res.explanation.len(), 5, "{:#?}", res.explanation);
    assert!(
        res.explanation[0].starts_with("HEAD 1.0 -> sha256:"),
        "{:?}",
        res.explanation
    );
    assert!(
        res.explanation[2].contains("exact match for linux/arm64/v8"),
        "{:?}",
        res.explanation
    );
    assert!(
        res.explanation[4].starts_with("GET config"),
        "{:?}",
        res.explanation
    );
    assert_eq!(res.manifest_digest.to_string(), arm.digest().to_string());

    // then the layers, streamed and verified, hashed by the core and by the driver (a rate
    // limit event between the stream's headers and its body must not lose the body)
    for hash_in_driver in [false, true] {
        for (layer, desc) in arm.layers.iter().zip(&res.layers) {
            let mut reply = blob_ok(layer);
            if let Reply::Resp(r) = &mut reply {
                r.headers
                    .push(("RateLimit-Remaining".into(), "9;w=60".into()));
            }
            d.script(vec![reply]);
            d.hash_in_driver = hash_in_driver;
            let out = d.run(&mut s, &mut registry::blob(&r, desc)).unwrap();
            assert_eq!(d.lines(), [format!("GET {base}/blobs/{}", desc.digest)]);
            assert_eq!(
                (out.digest.clone(), out.size, out.resumes, out.restarts),
                (desc.digest.clone(), desc.size, 0, 0)
            );
            assert_eq!(&d.sink, layer);
            assert!(
                matches!(d.events[..], [Event::RateLimit(_)]),
                "{:?}",
                d.events
            );
            assert!(
                matches!(d.progress.last(), Some(Event::Progress { bytes, total, .. }) if bytes == total)
            );
        }
    }
}

#[test]
fn single_platform_image_takes_its_platform_from_the_config() {
    let img = Image::new("linux", "amd64", "");
    let r = reference("localhost:5000/single");
    let mut s = client();
    let mut d = Driver::new(vec![
        head_ok(&img.manifest, OCI_MANIFEST),
        manifest_ok(&img.manifest, OCI_MANIFEST),
        blob_ok(&img.config),
    ]);
    let res = d
        .run(&mut s, &mut registry::resolve(&r, matcher("linux/arm64")))
        .unwrap();
    assert_eq!(
        d.lines()[0],
        "HEAD http://localhost:5000/v2/single/manifests/latest"
    );
    assert!(res.index.is_none());
    assert_eq!(res.platform.unwrap().architecture, "amd64");
    assert!(
        res.explanation
            .last()
            .unwrap()
            .contains("does NOT match linux/arm64"),
        "{:?}",
        res.explanation
    );
}

#[test]
fn digest_references_skip_the_head_and_no_match_is_an_error() {
    let (idx, _) = multiarch();
    let r = reference(&format!("ghcr.io/o/multi@{}", sha(&idx)));
    let mut s = client();
    let mut d = Driver::new(vec![manifest_ok(&idx, OCI_INDEX)]);
    let out = d.run(&mut s, &mut registry::resolve(&r, matcher("windows/amd64")));
    assert_eq!(code(&out), "NO_MATCHING_PLATFORM");
    assert_eq!(
        d.lines(),
        [format!(
            "GET https://ghcr.io/v2/o/multi/manifests/{}",
            sha(&idx)
        )]
    );
    assert!(out.unwrap_err().to_string().contains("linux/arm64/v8"));
}

#[test]
fn head_without_digest_falls_back_to_a_verified_get() {
    let img = Image::new("linux", "amd64", "");
    let r = reference("127.0.0.1:5000/app:v1");
    let mut s = client();
    let mut d = Driver::new(vec![
        resp(200, &[("Content-Type", OCI_MANIFEST)], Vec::new()),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    let head = d.run(&mut s, &mut registry::head_manifest(&r)).unwrap();
    assert_eq!(
        d.lines(),
        [
            "HEAD http://127.0.0.1:5000/v2/app/manifests/v1",
            "GET http://127.0.0.1:5000/v2/app/manifests/v1"
        ]
    );
    assert_eq!(head.digest, img.digest());
    assert!(head.fetched.is_some());
}

// ---------- Bearer tokens ----------

#[test]
fn bearer_flow_with_basic_credentials_caches_and_renews_tokens() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    let mut s = client_as_alice("reg.example.com");
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok("tok-1", 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    let url = format!(
        "https://reg.example.com/v2/team/app/manifests/{}",
        img.digest()
    );
    assert_eq!(
        d.lines(),
        [
            format!("GET {url}"),
            "GET https://auth.example.com/token?service=reg.example.com&scope=repository%3Ateam%2Fapp%3Apull".to_string(),
            format!("GET {url}"),
        ]
    );
    assert_eq!(
        d.auths(),
        [
            None,
            Some("Basic YWxpY2U6d29uZGVybGFuZA==".to_string()),
            Some("Bearer tok-1".to_string())
        ]
    );

    // same scope: the cached token goes straight to the registry
    d.script(vec![manifest_ok(&img.manifest, OCI_MANIFEST)]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(d.auths(), [Some("Bearer tok-1".to_string())]);

    // expired: a new token first (the client knows the realm: no 401 round trip)
    d.now += 301_000;
    d.script(vec![
        token_ok("tok-2", 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(
        d.lines()[0].split('?').next(),
        Some("GET https://auth.example.com/token")
    );
    assert_eq!(d.auths()[1].as_deref(), Some("Bearer tok-2"));
}

#[test]
fn identity_tokens_use_the_oauth_post_and_fall_back_to_get() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    // (POST status, expect GET fallback)
    for (post_status, fallback) in [(200u16, false), (404, true), (405, true), (400, true)] {
        let mut s = client();
        s.set_credentials(
            "reg.example.com",
            vec![identity_token_credential("refresh-xyz")],
        );
        let mut replies = vec![bearer_401(REALM, SERVICE, SCOPE)];
        if post_status == 200 {
            replies.push(resp(
                200,
                &[],
                r#"{"access_token":"acc-1","expires_in":120,"refresh_token":"new"}"#,
            ));
        } else {
            replies.push(resp(post_status, &[], "not here"));
            replies.push(token_ok("acc-1", 120));
        }
        replies.push(manifest_ok(&img.manifest, OCI_MANIFEST));
        let mut d = Driver::new(replies);
        d.run(&mut s, &mut registry::manifest(&r)).unwrap();
        let post = &d.requests[1];
        assert_eq!((post.method, post.url.as_str()), (Method::Post, REALM));
        assert_eq!(
            post.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            String::from_utf8(post.body.clone().unwrap()).unwrap(),
            "grant_type=refresh_token&refresh_token=refresh-xyz&service=reg.example.com&scope=repository%3Ateam%2Fapp%3Apull&client_id=pullspec"
        );
        assert_eq!(post.header("authorization"), None);
        if fallback {
            let get = &d.requests[2];
            assert_eq!(get.method, Method::Get, "{post_status}");
            assert!(get
                .url
                .starts_with("https://auth.example.com/token?service="));
            // Basic `<token>:refresh-xyz`
            assert_eq!(
                get.header("authorization"),
                Some("Basic PHRva2VuPjpyZWZyZXNoLXh5eg==")
            );
        }
        assert_eq!(
            d.auths().last().unwrap().as_deref(),
            Some("Bearer acc-1"),
            "{post_status}"
        );
    }
}

#[test]
fn insufficient_scope_asks_again_with_the_merged_scopes() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    let mut s = client();
    let challenge = r#"Bearer realm="https://auth.example.com/token",service="reg.example.com",scope="repository:team/base:pull",error="insufficient_scope""#;
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok("narrow", 300),
        resp(401, &[("WWW-Authenticate", challenge)], ""),
        token_ok("wide", 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(
        d.requests[3].url,
        "https://auth.example.com/token?service=reg.example.com&scope=repository%3Ateam%2Fapp%3Apull&scope=repository%3Ateam%2Fbase%3Apull"
    );
    assert_eq!(
        d.auths(),
        [
            None,
            None,
            Some("Bearer narrow".into()),
            None,
            Some("Bearer wide".into())
        ]
    );
}

#[test]
fn credentials_rotate_on_refusal_and_the_one_that_worked_is_remembered() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    let mut s = client();
    s.set_credentials(
        "reg.example.com",
        vec![
            Credential::new("old", "expired-pw", ""),
            Credential::new("new", "fresh-pw", ""),
        ],
    );
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        resp(401, &[], r#"{"details":"incorrect username or password"}"#),
        token_ok("tok-new", 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    let basic = |u: &str, p: &str| {
        use base64::Engine as _;
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        ))
    };
    assert_eq!(
        d.auths(),
        [
            None,
            basic("old", "expired-pw"),
            basic("new", "fresh-pw"),
            Some("Bearer tok-new".into())
        ]
    );

    // the registry refusing a token also moves on; the preferred credential is tried first
    s.set_credentials(
        "reg.example.com",
        vec![
            Credential::new("a", "pw-a", ""),
            Credential::new("b", "pw-b", ""),
        ],
    );
    d.script(vec![
        token_ok("tok-a", 300),
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok("tok-b", 300),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(
        d.auths(),
        [
            basic("a", "pw-a"),
            Some("Bearer tok-a".into()),
            basic("b", "pw-b"),
            Some("Bearer tok-b".into())
        ]
    );
    d.script(vec![manifest_ok(&img.manifest, OCI_MANIFEST)]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert_eq!(d.auths(), [Some("Bearer tok-b".into())]);

    // all refused: UNAUTHORIZED, saying how many were tried
    s.set_credentials(
        "reg.example.com",
        vec![
            Credential::new("x", "pw-x", ""),
            Credential::new("y", "pw-y", ""),
        ],
    );
    d.script(vec![resp(401, &[], ""), resp(403, &[], "")]);
    let out = d.run(&mut s, &mut registry::manifest(&r));
    assert_eq!(code(&out), "DENIED");
    assert!(out
        .unwrap_err()
        .to_string()
        .contains("tried 2 credential(s)"));
}

#[test]
fn anonymous_refusal_is_unauthorized() {
    let r = reference("reg.example.com/team/app:1");
    let mut s = client();
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok("anon", 60),
        bearer_401(REALM, SERVICE, SCOPE),
    ]);
    let out = d.run(&mut s, &mut registry::manifest(&r));
    assert_eq!(code(&out), "UNAUTHORIZED");
    let e = out.unwrap_err();
    assert!(e.to_string().contains("authentication required"), "{e}");
    assert!(
        e.to_string().contains("no credentials are configured"),
        "{e}"
    );
}

// ---------- Basic and plain http ----------

#[test]
fn basic_credentials_over_plain_http_only_to_loopback_or_insecure_hosts() {
    let img = Image::new("linux", "amd64", "");
    // (registry, config insecure, endpoint override, expect ok)
    let cases: &[(&str, &[&str], Option<&str>, bool)] = &[
        ("127.0.0.1:5000", &[], None, true),
        ("localhost:5000", &[], None, true),
        ("reg.lan:5000", &["reg.lan"], None, true),
        ("reg.lan:5000", &[], Some("http://reg.lan:5000"), false),
        ("reg.lan", &["reg.lan"], Some("http://reg.lan:5000"), true),
    ];
    for (registry, insecure, endpoint, ok) in cases {
        let mut config = Config {
            jitter: Jitter::None,
            ..Config::default()
        };
        config.insecure = insecure.iter().map(|s| s.to_string()).collect();
        if let Some(e) = endpoint {
            config.endpoints = vec![(registry.to_string(), e.to_string())];
        }
        let mut s = Client::new(config);
        s.set_credentials(registry, vec![Credential::new("alice", "wonderland", "")]);
        let r = reference(&format!("{registry}/app@{}", img.digest()));
        let mut replies = vec![resp(
            401,
            &[("WWW-Authenticate", r#"Basic realm="registry""#)],
            "",
        )];
        if *ok {
            replies.push(manifest_ok(&img.manifest, OCI_MANIFEST));
        }
        let mut d = Driver::new(replies);
        let out = d.run(&mut s, &mut registry::manifest(&r));
        assert!(d.requests[0].url.starts_with("http://"), "{registry}");
        if *ok {
            assert!(out.is_ok(), "{registry}: {out:?}");
            assert_eq!(
                d.auths(),
                [None, Some("Basic YWxpY2U6d29uZGVybGFuZA==".into())]
            );
        } else {
            assert_eq!(code(&out), "INSECURE_CREDENTIALS_REFUSED", "{registry}");
            assert!(d.auths().iter().all(Option::is_none));
        }
    }
}

#[test]
fn a_plain_http_token_realm_gets_no_credentials_unless_loopback() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    for (realm, creds, ok) in [
        ("http://auth.example.com/token", true, false),
        ("http://auth.example.com/token", false, true),
        ("http://127.0.0.1:9000/token", true, true),
    ] {
        let mut s = client();
        if creds {
            s.set_credentials(
                "reg.example.com",
                vec![Credential::new("alice", "wonderland", "")],
            );
        }
        let mut replies = vec![bearer_401(realm, SERVICE, SCOPE)];
        if ok {
            replies.extend([token_ok("t", 60), manifest_ok(&img.manifest, OCI_MANIFEST)]);
        }
        let mut d = Driver::new(replies);
        let out = d.run(&mut s, &mut registry::manifest(&r));
        if ok {
            assert!(out.is_ok(), "{realm} {creds}: {out:?}");
        } else {
            assert_eq!(code(&out), "INSECURE_CREDENTIALS_REFUSED");
            assert_eq!(d.requests.len(), 1);
        }
    }
}

// ---------- retries ----------

#[test]
fn retries_honour_retry_after_or_back_off() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("127.0.0.1:5000/app@{}", img.digest()));
    let date = "Tue, 14 Nov 2023 22:13:40 GMT"; // 1_700_000_020_000: 20 s after the driver's clock
                                                // (status, headers, expected wait)
    type Case<'a> = (u16, &'a [(&'a str, &'a str)], u64);
    let cases: &[Case] = &[
        (429, &[("Retry-After", "3")], 3000),
        (429, &[("Retry-After", date)], 20_000),
        (429, &[], 500),
        (429, &[("Retry-After", "3600")], 60_000),
        (503, &[], 500),
        (500, &[], 500),
        (502, &[], 500),
        (504, &[("Retry-After", "1")], 1000),
    ];
    for (status, headers, wait) in cases {
        let mut s = client();
        let mut d = Driver::new(vec![
            resp(*status, headers, ""),
            manifest_ok(&img.manifest, OCI_MANIFEST),
        ]);
        d.run(&mut s, &mut registry::manifest(&r)).unwrap();
        assert_eq!(d.requests.len(), 2);
        assert_eq!(d.waits.len(), 1);
        assert_eq!(d.waits[0].0, *wait, "{status} {headers:?}");
        assert!(
            matches!(&d.events[0], Event::Retry { attempt: 1, wait_ms, .. } if wait_ms == wait),
            "{:?}",
            d.events
        );
    }
}

#[test]
fn attempts_are_bounded_then_typed_errors() {
    let r = reference("127.0.0.1:5000/app:1");
    let cases: Vec<(Reply, &str)> = vec![
        (
            resp(
                503,
                &[],
                r#"{"errors":[{"code":"UNAVAILABLE","message":"down"}]}"#,
            ),
            "SERVER_ERROR",
        ),
        (resp(429, &[], ""), "TOOMANYREQUESTS"),
        (Reply::Fail(TransportErrorKind::Network), "NETWORK"),
        (Reply::Fail(TransportErrorKind::Timeout), "NETWORK"),
    ];
    for (reply, want) in cases {
        let mut s = client();
        let mut d = Driver::new(vec![reply.clone(), reply.clone(), reply.clone(), reply]);
        let out = d.run(&mut s, &mut registry::manifest(&r));
        assert_eq!(code(&out), want);
        assert_eq!(d.requests.len(), 4);
        assert_eq!(
            d.waits.iter().map(|w| w.0).collect::<Vec<_>>(),
            [500, 1000, 2000]
        );
        let e = out.unwrap_err();
        if want == "SERVER_ERROR" {
            assert!(e.fields().contains(&("status", "503".to_string())));
            assert!(e.to_string().contains("gave up after 4 attempt(s)"), "{e}");
        }
    }
}

#[test]
fn seeded_jitter_is_deterministic_and_within_the_ceiling() {
    let r = reference("127.0.0.1:5000/app:1");
    let run = || {
        let mut s = Client::new(Config {
            jitter: Jitter::Seeded(42),
            ..Config::default()
        });
        let mut d = Driver::new(vec![
            resp(503, &[], ""),
            resp(503, &[], ""),
            resp(503, &[], ""),
            resp(503, &[], ""),
        ]);
        let _ = d.run(&mut s, &mut registry::manifest(&r));
        d.waits.iter().map(|w| w.0).collect::<Vec<_>>()
    };
    let a = run();
    assert_eq!(a, run());
    for (w, ceiling) in a.iter().zip([500, 1000, 2000]) {
        assert!(*w <= ceiling, "{a:?}");
    }
}

#[test]
fn aborts_and_cors_failures_are_not_retried() {
    let r = reference("127.0.0.1:5000/app:1");
    for (kind, want) in [
        (TransportErrorKind::Aborted, "ABORTED"),
        (TransportErrorKind::CorsLikely, "CORS_LIKELY"),
    ] {
        let mut s = client();
        let mut d = Driver::new(vec![Reply::Fail(kind)]);
        let out = d.run(&mut s, &mut registry::manifest(&r));
        assert_eq!(code(&out), want);
        assert!(d.waits.is_empty());
    }
}

// ---------- verification ----------

#[test]
fn manifest_verification_failures() {
    let img = Image::new("linux", "amd64", "");
    let other = Image::new("linux", "arm64", "v8");
    let by_tag = reference("127.0.0.1:5000/app:1");
    let by_digest = reference(&format!("127.0.0.1:5000/app@{}", img.digest()));
    let wrong = other.digest().to_string();
    let big = format!(
        r#"{{"schemaVersion":2,"pad":"{}"}}"#,
        "x".repeat(MAX_MANIFEST_SIZE)
    );
    let schema1 =
        r#"{"schemaVersion":1,"name":"app","tag":"1","fsLayers":[],"history":[],"signatures":[]}"#;
    let cases: Vec<(&Reference, Reply, &str)> = vec![
        (
            &by_tag,
            resp(
                200,
                &[
                    ("Content-Type", OCI_MANIFEST),
                    ("Docker-Content-Digest", &wrong),
                ],
                img.manifest.clone(),
            ),
            "DIGEST_MISMATCH",
        ),
        (
            &by_digest,
            manifest_ok(&other.manifest, OCI_MANIFEST),
            "DIGEST_MISMATCH",
        ),
        (
            &by_tag,
            resp(
                200,
                &[("Content-Type", OCI_MANIFEST), ("Content-Length", "100")],
                big.clone(),
            ),
            "MANIFEST_TOO_LARGE",
        ),
        (
            &by_tag,
            resp(
                200,
                &[(
                    "Content-Type",
                    "application/vnd.docker.distribution.manifest.v1+prettyjws",
                )],
                schema1,
            ),
            "SCHEMA1_UNSUPPORTED",
        ),
        (
            &by_tag,
            resp(200, &[("Content-Type", "application/json")], schema1),
            "SCHEMA1_UNSUPPORTED",
        ),
        (
            &by_tag,
            resp(
                200,
                &[
                    ("Content-Type", OCI_MANIFEST),
                    ("Docker-Content-Digest", "sha256:nope"),
                ],
                img.manifest.clone(),
            ),
            "INVALID_RESPONSE",
        ),
        (
            &by_tag,
            resp(200, &[("Content-Type", OCI_MANIFEST)], "{not json"),
            "MANIFEST_INVALID_JSON",
        ),
    ];
    for (r, reply, want) in cases {
        let mut s = client();
        let mut d = Driver::new(vec![reply]);
        let out = d.run(&mut s, &mut registry::manifest(r));
        assert_eq!(code(&out), want, "{out:?}");
    }
    // by tag without Docker-Content-Digest: the digest is computed
    let mut d = Driver::new(vec![resp(
        200,
        &[("Content-Type", OCI_MANIFEST)],
        img.manifest.clone(),
    )]);
    let m = d
        .run(&mut client(), &mut registry::manifest(&by_tag))
        .unwrap();
    assert_eq!(m.digest, img.digest());
    assert_eq!(m.media_type, OCI_MANIFEST);
}

#[test]
fn index_entries_are_checked_against_their_descriptors() {
    let img = Image::new("linux", "amd64", "");
    let r = reference("127.0.0.1:5000/app:1");
    // an index whose entry announces a size over the manifest limit: refused before fetching
    let huge = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{{"mediaType":"{OCI_MANIFEST}","digest":"{}","size":{},"platform":{{"os":"linux","architecture":"amd64"}}}}]}}"#,
        img.digest(),
        MAX_MANIFEST_SIZE + 1
    );
    let mut d = Driver::new(vec![
        head_ok(huge.as_bytes(), OCI_INDEX),
        manifest_ok(huge.as_bytes(), OCI_INDEX),
    ]);
    assert_eq!(
        code(&d.run(
            &mut client(),
            &mut registry::resolve(&r, matcher("linux/amd64"))
        )),
        "MANIFEST_TOO_LARGE"
    );
    // an index entry whose size is wrong
    let wrong_size = huge.replace(
        &format!("{}", MAX_MANIFEST_SIZE + 1),
        &format!("{}", img.manifest.len() + 1),
    );
    let mut d = Driver::new(vec![
        head_ok(wrong_size.as_bytes(), OCI_INDEX),
        manifest_ok(wrong_size.as_bytes(), OCI_INDEX),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    assert_eq!(
        code(&d.run(
            &mut client(),
            &mut registry::resolve(&r, matcher("linux/amd64"))
        )),
        "SIZE_MISMATCH"
    );
    // a config blob with a wrong byte
    let mut bad = img.config.clone();
    bad[3] ^= 1;
    let mut d = Driver::new(vec![
        head_ok(&img.manifest, OCI_MANIFEST),
        manifest_ok(&img.manifest, OCI_MANIFEST),
        blob_ok(&bad),
    ]);
    assert_eq!(
        code(&d.run(
            &mut client(),
            &mut registry::resolve(&r, matcher("linux/amd64"))
        )),
        "DIGEST_MISMATCH"
    );
}

#[test]
fn a_blob_with_a_wrong_byte_is_never_done_ok() {
    let img = Image::new("linux", "amd64", "");
    let r = reference("127.0.0.1:5000/app:1");
    let m = pullspec::manifest::parse(&img.manifest, None).unwrap();
    let desc = m.as_image().unwrap().layers[0].clone();
    for hash_in_driver in [false, true] {
        let mut bad = img.layers[0].clone();
        bad[10] ^= 0x20;
        let mut d = Driver::new(vec![blob_ok(&bad)]);
        d.hash_in_driver = hash_in_driver;
        let out = d.run(&mut client(), &mut registry::blob(&r, &desc));
        assert_eq!(code(&out), "DIGEST_MISMATCH");
        let e = out.unwrap_err();
        assert_eq!(e.fields()[0], ("expected", desc.digest.to_string()));
        // too many bytes: stopped as soon as they exceed the size
        let mut long = img.layers[0].clone();
        long.extend_from_slice(b"trailing garbage");
        let mut d = Driver::new(vec![resp(200, &[], long)]);
        d.hash_in_driver = hash_in_driver;
        assert_eq!(
            code(&d.run(&mut client(), &mut registry::blob(&r, &desc))),
            "SIZE_MISMATCH"
        );
        // a lying Content-Length is refused before the body is read
        let mut d = Driver::new(vec![resp(
            200,
            &[("Content-Length", "3")],
            img.layers[0].clone(),
        )]);
        assert_eq!(
            code(&d.run(&mut client(), &mut registry::blob(&r, &desc))),
            "SIZE_MISMATCH"
        );
        assert!(d.sink.is_empty());
    }
}

// ---------- resumable blobs ----------

#[test]
fn broken_transfers_resume_with_range_or_start_over() {
    let img = Image::new("linux", "arm64", "v8");
    let r = reference("127.0.0.1:5000/app:1");
    let m = pullspec::manifest::parse(&img.manifest, None).unwrap();
    let desc = m.as_image().unwrap().layers[1].clone();
    let blob = img.layers[1].clone();
    let n = blob.len();
    let partial = |from: usize| {
        let cr = format!("bytes {from}-{}/{n}", n - 1);
        resp(
            206,
            &[("Content-Range", cr.as_str())],
            blob[from..].to_vec(),
        )
    };
    let first = Reply::Broken(
        Response::new(200, &[("Accept-Ranges", "bytes")], blob.clone()),
        10,
    );
    let no_ranges = Reply::Broken(Response::new(200, &[], blob.clone()), 10);
    // (replies, Range headers sent, resumes, restarts)
    type Case<'a> = (Vec<Reply>, Vec<Option<&'a str>>, u32, u32);
    let cases: Vec<Case> = vec![
        (
            vec![first.clone(), partial(10)],
            vec![None, Some("bytes=10-")],
            1,
            0,
        ),
        (
            vec![first.clone(), blob_ok(&blob)],
            vec![None, Some("bytes=10-")],
            0,
            1,
        ),
        (
            vec![no_ranges.clone(), blob_ok(&blob)],
            vec![None, None],
            0,
            1,
        ),
        (
            vec![first.clone(), partial(5), blob_ok(&blob)],
            vec![None, Some("bytes=10-"), None],
            0,
            1,
        ),
        (
            vec![first.clone(), resp(416, &[], ""), blob_ok(&blob)],
            vec![None, Some("bytes=10-"), None],
            0,
            1,
        ),
        (
            vec![
                first.clone(),
                Reply::Broken(partial(10).clone_response(), 5),
                partial(15),
            ],
            vec![None, Some("bytes=10-"), Some("bytes=15-")],
            2,
            0,
        ),
    ];
    for hash_in_driver in [false, true] {
        for (i, (replies, ranges, resumes, restarts)) in cases.iter().enumerate() {
            let mut d = Driver::new(replies.clone());
            d.hash_in_driver = hash_in_driver;
            let out = d.run(&mut client(), &mut registry::blob(&r, &desc));
            let out = out.unwrap_or_else(|e| panic!("case {i}: {e}"));
            let sent: Vec<Option<&str>> = d.requests.iter().map(|q| q.header("range")).collect();
            assert_eq!(&sent, ranges, "case {i}");
            assert_eq!(
                (out.resumes, out.restarts),
                (*resumes, *restarts),
                "case {i}"
            );
            assert_eq!(d.sink, blob, "case {i}");
        }
    }
    // broken every time: bounded by the attempts
    let mut d = Driver::new(vec![
        no_ranges.clone(),
        no_ranges.clone(),
        no_ranges.clone(),
        no_ranges,
    ]);
    let out = d.run(&mut client(), &mut registry::blob(&r, &desc));
    assert_eq!(code(&out), "NETWORK");
    assert_eq!(d.requests.len(), 4);
}

trait CloneResponse {
    fn clone_response(&self) -> pullspec::registry::Response;
}

impl CloneResponse for Reply {
    fn clone_response(&self) -> pullspec::registry::Response {
        match self {
            Reply::Resp(r) | Reply::Broken(r, _) => r.clone(),
            Reply::Fail(_) => panic!("no response"),
        }
    }
}

use pullspec::registry::Response;

// ---------- redirects ----------

#[test]
fn cross_host_redirects_drop_authorization_same_host_keeps_it() {
    let img = Image::new("linux", "amd64", "");
    let r = reference("reg.example.com/team/app:1");
    let m = pullspec::manifest::parse(&img.manifest, None).unwrap();
    let desc = m.as_image().unwrap().layers[0].clone();
    let mut s = client_as_alice("reg.example.com");
    let mut d = Driver::new(vec![
        bearer_401(REALM, SERVICE, SCOPE),
        token_ok("tok", 300),
        resp(
            307,
            &[(
                "Location",
                "https://cdn.example.net/blobs/abc?sig=s3cret-signature",
            )],
            "",
        ),
        blob_ok(&img.layers[0]),
    ]);
    d.run(&mut s, &mut registry::blob(&r, &desc)).unwrap();
    assert_eq!(
        d.requests[3].url,
        "https://cdn.example.net/blobs/abc?sig=s3cret-signature"
    );
    assert_eq!(d.auths()[2].as_deref(), Some("Bearer tok"));
    assert_eq!(d.auths()[3], None);
    assert!(d.events.contains(&Event::Redirect {
        from_host: "reg.example.com".into(),
        to_host: "cdn.example.net".into(),
        authorization_dropped: true
    }));

    d.script(vec![
        resp(302, &[("Location", "/v2/team/app/blobs/elsewhere")], ""),
        blob_ok(&img.layers[0]),
    ]);
    d.run(&mut s, &mut registry::blob(&r, &desc)).unwrap();
    assert_eq!(
        d.requests[1].url,
        "https://reg.example.com/v2/team/app/blobs/elsewhere"
    );
    assert_eq!(
        d.auths(),
        [Some("Bearer tok".into()), Some("Bearer tok".into())]
    );
    assert!(matches!(
        &d.events[0],
        Event::Redirect {
            authorization_dropped: false,
            ..
        }
    ));

    // a 401 from the foreign host is an error, not an auth dance (nothing goes there)
    d.script(vec![
        resp(307, &[("Location", "https://cdn.example.net/x")], ""),
        bearer_401("https://evil.example/token", "x", "y"),
    ]);
    let out = d.run(&mut s, &mut registry::blob(&r, &desc));
    assert_eq!(code(&out), "UNAUTHORIZED");
    assert_eq!(d.requests.len(), 2);
}

#[test]
fn redirect_loops_are_bounded() {
    let r = reference("127.0.0.1:5000/app:1");
    let a = "http://127.0.0.1:5000/a";
    let mut d = Driver::new(vec![
        resp(307, &[("Location", a)], ""),
        resp(307, &[("Location", "/b")], ""),
        resp(307, &[("Location", a)], ""),
    ]);
    assert_eq!(
        code(&d.run(&mut client(), &mut registry::manifest(&r))),
        "REDIRECT_LOOP"
    );
    let chain: Vec<Reply> = (0..11)
        .map(|i| resp(302, &[("Location", format!("/hop{i}").as_str())], ""))
        .collect();
    let mut d = Driver::new(chain);
    assert_eq!(
        code(&d.run(&mut client(), &mut registry::manifest(&r))),
        "REDIRECT_LOOP"
    );
    assert_eq!(d.requests.len(), 11);
    let mut d = Driver::new(vec![resp(302, &[], "")]);
    assert_eq!(
        code(&d.run(&mut client(), &mut registry::manifest(&r))),
        "INVALID_RESPONSE"
    );
}

// ---------- tags, ping ----------

#[test]
fn tags_follow_link_pagination_on_the_same_origin_only() {
    let r = reference("127.0.0.1:5000/app");
    let page = |tags: &str, next: Option<&str>| {
        let body = format!(r#"{{"name":"app","tags":[{tags}]}}"#);
        match next {
            Some(n) => resp(
                200,
                &[("Link", format!(r#"<{n}>; rel="next""#).as_str())],
                body,
            ),
            None => resp(200, &[], body),
        }
    };
    let mut d = Driver::new(vec![
        page(r#""a","b""#, Some("/v2/app/tags/list?n=2&last=b")),
        page(
            r#""c","d""#,
            Some("http://127.0.0.1:5000/v2/app/tags/list?n=2&last=d"),
        ),
        page(r#""e""#, None),
    ]);
    let list = d
        .run(&mut client(), &mut registry::tags(&r, Some(2)))
        .unwrap();
    assert_eq!(list.tags, ["a", "b", "c", "d", "e"]);
    assert_eq!(list.pages, 3);
    assert_eq!(
        d.lines()[0],
        "GET http://127.0.0.1:5000/v2/app/tags/list?n=2"
    );
    assert_eq!(
        d.lines()[1],
        "GET http://127.0.0.1:5000/v2/app/tags/list?n=2&last=b"
    );
    let pages: Vec<usize> = d
        .events
        .iter()
        .filter_map(|e| match e {
            Event::TagsPage { tags, .. } => Some(tags.len()),
            _ => None,
        })
        .collect();
    assert_eq!(pages, [2, 2, 1]);

    let foreign = || {
        page(
            r#""a""#,
            Some("https://elsewhere.example/v2/app/tags/list?last=a"),
        )
    };
    let mut d = Driver::new(vec![foreign()]);
    let out = d.run(&mut client(), &mut registry::tags(&r, None));
    assert_eq!(code(&out), "FOREIGN_PAGINATION");
    assert_eq!(d.lines(), ["GET http://127.0.0.1:5000/v2/app/tags/list"]);

    let mut s = client_as_alice("127.0.0.1:5000");
    s.learn_auth("127.0.0.1:5000", registry::LearnedAuth::Basic);
    let mut d = Driver::new(vec![foreign(), page(r#""b""#, None)]);
    let list = d
        .run(&mut s, &mut registry::tags(&r, None).allow_foreign_origin())
        .unwrap();
    assert_eq!(list.tags, ["a", "b"]);
    assert!(
        d.auths()[0].is_some() && d.auths()[1].is_none(),
        "{:?}",
        d.auths()
    );

    let mut d = Driver::new(vec![
        page(r#""a""#, Some("/v2/app/tags/list?last=a")),
        page(r#""a""#, Some("/v2/app/tags/list?last=a")),
    ]);
    assert_eq!(
        code(&d.run(&mut client(), &mut registry::tags(&r, None))),
        "PAGINATION_LOOP"
    );

    let mut d = Driver::new(vec![resp(
        404,
        &[],
        r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#,
    )]);
    assert_eq!(
        code(&d.run(&mut client(), &mut registry::tags(&r, None))),
        "NAME_UNKNOWN"
    );
}

#[test]
fn ping_learns_the_challenge_and_saves_a_round_trip() {
    let img = Image::new("linux", "amd64", "");
    let mut s = client();
    let mut d = Driver::new(vec![{
        let mut b = bearer_401(REALM, SERVICE, "");
        if let Reply::Resp(r) = &mut b {
            r.headers.push((
                "Docker-Distribution-API-Version".into(),
                "registry/2.0".into(),
            ));
        }
        b
    }]);
    let p = d
        .run(&mut s, &mut registry::ping("reg.example.com"))
        .unwrap();
    assert_eq!(d.lines(), ["GET https://reg.example.com/v2/"]);
    assert_eq!(
        (p.status, p.api_version.as_deref()),
        (401, Some("registry/2.0"))
    );
    match &p.auth {
        Some(registry::LearnedAuth::Bearer { realm, service }) => {
            assert_eq!(realm.to_string(), REALM);
            assert_eq!(service.as_deref(), Some(SERVICE));
        }
        other => panic!("{other:?}"),
    }
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    d.script(vec![
        token_ok("t", 60),
        manifest_ok(&img.manifest, OCI_MANIFEST),
    ]);
    d.run(&mut s, &mut registry::manifest(&r)).unwrap();
    assert!(d.lines()[0].starts_with("GET https://auth.example.com/token?"));

    let mut d = Driver::new(vec![resp(
        200,
        &[("Docker-Distribution-API-Version", "registry/2.0")],
        "{}",
    )]);
    let p = d
        .run(&mut client(), &mut registry::ping("docker.io"))
        .unwrap();
    assert_eq!(d.lines(), ["GET https://registry-1.docker.io/v2/"]);
    assert_eq!(p.auth, None);
}

#[test]
fn docker_hub_rate_limits_are_surfaced() {
    let (idx, imgs) = multiarch();
    let img = &imgs[0];
    let r = reference("nginx:1.25");
    let rl = [
        ("RateLimit-Limit", "100;w=21600"),
        ("RateLimit-Remaining", "76;w=21600"),
    ];
    let mut head = head_ok(&idx, OCI_INDEX);
    if let Reply::Resp(x) = &mut head {
        x.headers
            .extend(rl.iter().map(|(a, b)| (a.to_string(), b.to_string())));
    }
    let mut d = Driver::new(vec![
        head,
        manifest_ok(&idx, OCI_INDEX),
        manifest_ok(&img.manifest, OCI_MANIFEST),
        blob_ok(&img.config),
    ]);
    let res = d
        .run(
            &mut client(),
            &mut registry::resolve(&r, matcher("linux/amd64")),
        )
        .unwrap();
    assert_eq!(
        d.lines()[0],
        "HEAD https://registry-1.docker.io/v2/library/nginx/manifests/1.25"
    );
    let want = registry::RateLimit {
        limit: Some(100),
        remaining: Some(76),
        window_seconds: Some(21600),
    };
    assert_eq!(res.rate_limit, Some(want));
    assert!(d.events.contains(&Event::RateLimit(want)));
}

// ---------- errors ----------

#[test]
fn distribution_errors_and_plain_bodies() {
    let r = reference("127.0.0.1:5000/app:1");
    let cases: Vec<(Reply, &str, &str)> = vec![
        (
            resp(
                404,
                &[("Content-Type", "application/json")],
                r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"1"}}]}"#,
            ),
            "MANIFEST_UNKNOWN",
            "manifest unknown",
        ),
        (
            resp(404, &[], "<html>404 page not found</html>"),
            "MANIFEST_UNKNOWN",
            "not found",
        ),
        (resp(404, &[], ""), "MANIFEST_UNKNOWN", "not found"),
        (
            resp(
                400,
                &[],
                r#"{"errors":[{"code":"TAG_INVALID","message":"manifest tag did not match URI"}]}"#,
            ),
            "TAG_INVALID",
            "did not match",
        ),
        (
            resp(
                403,
                &[],
                r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
            ),
            "DENIED",
            "denied",
        ),
        (
            resp(401, &[], ""),
            "UNAUTHORIZED",
            "authentication required",
        ),
        (
            resp(
                405,
                &[],
                r#"{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}"#,
            ),
            "UNSUPPORTED",
            "unsupported",
        ),
        (resp(418, &[], "teapot"), "UNEXPECTED_STATUS", "HTTP 418"),
    ];
    for (reply, want, text) in cases {
        let mut d = Driver::new(vec![reply]);
        let out = d.run(&mut client(), &mut registry::manifest(&r));
        assert_eq!(code(&out), want);
        let e = out.unwrap_err();
        assert!(e.to_string().contains(text), "{e}");
    }
}

#[test]
fn no_secret_appears_in_any_error_or_debug_output() {
    let img = Image::new("linux", "amd64", "");
    let r = reference(&format!("reg.example.com/team/app@{}", img.digest()));
    let secrets = [
        "hunter2-password",
        "refresh-SECRET",
        "tok-SECRET",
        "sig-SECRET",
    ];
    let flows: Vec<(Vec<Credential>, Vec<Reply>)> = vec![
        (
            vec![Credential::new("bob", "hunter2-password", "")],
            vec![bearer_401(REALM, SERVICE, SCOPE), resp(401, &[], "")],
        ),
        (
            vec![identity_token_credential("refresh-SECRET")],
            vec![bearer_401(REALM, SERVICE, SCOPE), resp(500, &[], "")],
        ),
        (
            vec![Credential::new("bob", "hunter2-password", "")],
            vec![
                bearer_401(REALM, SERVICE, SCOPE),
                token_ok("tok-SECRET", 60),
                resp(403, &[], ""),
            ],
        ),
        (
            vec![Credential::new("bob", "hunter2-password", "")],
            vec![bearer_401("http://auth.example.com/t", SERVICE, SCOPE)],
        ),
        (
            vec![Credential::new("bob", "hunter2-password", "")],
            vec![
                resp(
                    307,
                    &[("Location", "https://cdn.example.net/x?sig=sig-SECRET")],
                    "",
                ),
                resp(404, &[], ""),
            ],
        ),
        (
            vec![Credential::new("bob", "hunter2-password", "")],
            vec![
                bearer_401(REALM, SERVICE, SCOPE),
                resp(200, &[], r#"{"nothing":"tok-SECRET"}"#),
            ],
        ),
    ];
    for (creds, replies) in flows {
        let mut s = client();
        s.set_credentials("reg.example.com", creds);
        let mut d = Driver::new(replies);
        let e = d.run(&mut s, &mut registry::manifest(&r)).unwrap_err();
        let printed = [
            e.to_string(),
            format!("{e:?}"),
            format!("{:?}", e.fields()),
            format!("{s:?}"),
        ];
        for p in printed {
            for secret in secrets {
                assert!(!p.contains(secret), "{secret} leaked in {p}");
            }
        }
        // requests print their URLs (a signed redirect target included) but never credentials
        let requests = format!("{:?}", d.requests);
        for secret in &secrets[..3] {
            assert!(!requests.contains(secret), "{secret} leaked in {requests}");
        }
    }
}

/// What `next()` gives after a driver reports a response while no request is outstanding.
fn after_stray_response<O: registry::Operation>(mut op: O) -> &'static str
where
    O::Output: std::fmt::Debug,
{
    let mut c = client();
    op.on_response(&mut c, registry::Response::default(), 0);
    match op.next(&mut c, 0) {
        registry::Step::Done(r) => code(&r),
        other => panic!("expected Done, got {other:?}"),
    }
}

#[test]
fn a_response_with_no_request_outstanding_ends_every_operation_with_invalid_state() {
    let r = reference("127.0.0.1:5000/app:1");
    let digest = sha(b"x");
    assert_eq!(
        after_stray_response(registry::ping("127.0.0.1:5000")),
        "INVALID_STATE"
    );
    assert_eq!(
        after_stray_response(registry::tags(&r, Some(2))),
        "INVALID_STATE"
    );
    assert_eq!(
        after_stray_response(registry::manifest(&r)),
        "INVALID_STATE"
    );
    assert_eq!(
        after_stray_response(registry::head_manifest(&r)),
        "INVALID_STATE"
    );
    assert_eq!(
        after_stray_response(registry::head_blob(&r, &digest)),
        "INVALID_STATE"
    );
    assert_eq!(
        after_stray_response(registry::resolve(&r, matcher("linux/amd64"))),
        "INVALID_STATE"
    );
}
