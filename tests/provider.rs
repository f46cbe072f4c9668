//! Credential-provider config, matching, request/response and cache behaviour.

use pullspec::auth::keyring::{DockerKeyring, UnionKeyring, NODE_KEYRING};
use pullspec::auth::provider::*;
use pullspec::auth::provider_cache::*;
use pullspec::auth::secrets::secrets_keyring;
use pullspec::error::Coded;
use serde_json::json;

const V1: &str = "credentialprovider.kubelet.k8s.io/v1";
const HOUR_NS: i64 = 3_600_000_000_000;

fn config(providers: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "kubelet.config.k8s.io/v1", "kind": "CredentialProviderConfig", "providers": providers})
}

fn ecr() -> serde_json::Value {
    json!({"name": "ecr", "matchImages": ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com:8443/team"],
           "defaultCacheDuration": "12h", "apiVersion": V1, "args": ["get-credentials"],
           "env": [{"name": "AWS_PROFILE", "value": "temp"}]})
}

fn response(key_type: &str, duration: Option<&str>) -> String {
    let mut r = json!({"apiVersion": V1, "kind": "CredentialProviderResponse", "cacheKeyType": key_type,
        "auth": {"*.dkr.ecr.*.amazonaws.com": {"username": "AWS", "password": "tok"}}});
    if let Some(d) = duration {
        r["cacheDuration"] = json!(d);
    }
    r.to_string()
}

#[test]
fn valid_config_parses_with_every_field() {
    let cfg = provider_config_from_value(&config(json!([ecr()]))).unwrap();
    let p = &cfg.providers[0];
    assert_eq!(p.name, "ecr");
    assert_eq!(p.default_cache_duration_ns, 12 * HOUR_NS);
    assert_eq!(p.args, ["get-credentials"]);
    assert_eq!(
        p.env,
        [EnvVar {
            name: "AWS_PROFILE".into(),
            value: "temp".into()
        }]
    );
    let text = config(json!([ecr()])).to_string();
    assert_eq!(parse_provider_config(&text).unwrap(), cfg);
}

#[test]
fn invalid_configs_report_every_issue_with_paths() {
    let p = |patch: serde_json::Value| {
        let mut v = ecr();
        for (k, val) in patch.as_object().unwrap() {
            if val.is_null() {
                v.as_object_mut().unwrap().remove(k);
            } else {
                v[k] = val.clone();
            }
        }
        v
    };
    let cases = [
        (config(json!([])), "providers"),
        (config(json!([ecr(), ecr()])), "providers[1].name"),
        (
            config(json!([p(json!({"name": "a/b"}))])),
            "providers[0].name",
        ),
        (
            config(json!([p(json!({"name": "a b"}))])),
            "providers[0].name",
        ),
        (
            config(json!([p(json!({"name": ".."}))])),
            "providers[0].name",
        ),
        (
            config(json!([p(json!({"matchImages": []}))])),
            "providers[0].matchImages",
        ),
        (
            config(json!([p(json!({"matchImages": ["[oops"]}))])),
            "providers[0].matchImages",
        ),
        (
            config(json!([p(json!({"defaultCacheDuration": null}))])),
            "providers[0].defaultCacheDuration",
        ),
        (
            config(json!([p(json!({"defaultCacheDuration": "12"}))])),
            "providers[0].defaultCacheDuration",
        ),
        (
            config(json!([p(json!({"defaultCacheDuration": "-1m"}))])),
            "providers[0].defaultCacheDuration",
        ),
        (
            config(json!([p(
                json!({"apiVersion": "credentialprovider.kubelet.k8s.io/v2"})
            )])),
            "providers[0].apiVersion",
        ),
        (
            config(json!([p(json!({"apiVersion": null}))])),
            "providers[0].apiVersion",
        ),
        (
            config(json!([p(json!({"args": "x"}))])),
            "providers[0].args",
        ),
        (
            json!({"apiVersion": "v1", "kind": "CredentialProviderConfig", "providers": [ecr()]}),
            "apiVersion",
        ),
        (
            json!({"apiVersion": "kubelet.config.k8s.io/v1", "kind": "Other", "providers": [ecr()]}),
            "kind",
        ),
    ];
    for (value, path) in cases {
        let err = provider_config_from_value(&value).unwrap_err();
        assert_eq!(err.code(), "PROVIDER_CONFIG_INVALID");
        assert_eq!(err.path().as_deref(), Some(path), "{value}: {err}");
    }
    let err = parse_provider_config("{\"providers\": [}").unwrap_err();
    assert_eq!(
        (err.code(), err.offset()),
        ("PROVIDER_CONFIG_INVALID", Some(15))
    );
    let both = config(json!([p(json!({"name": "a/b", "matchImages": []}))]));
    let ProviderError::ConfigInvalid(issues) = provider_config_from_value(&both).unwrap_err()
    else {
        panic!()
    };
    assert_eq!(issues.len(), 2);
}

#[test]
fn providers_match_images_with_the_keyring_glob() {
    let cfg = provider_config_from_value(&config(json!([ecr()]))).unwrap();
    let spec = &cfg.providers[0];
    let cases = [
        ("123.dkr.ecr.us-east-1.amazonaws.com/app", true),
        ("123.dkr.ecr.us-east-1.amazonaws.com", true),
        ("123.dkr.ecr.us-east-1.amazonaws.com:8443/team/app", true),
        ("123.dkr.ecr.us-east-1.amazonaws.com:8443/other", false),
        ("123.dkr.ecr.us-east-1.amazonaws.com:5000/app", false),
        ("dkr.ecr.us-east-1.amazonaws.com/app", false),
        ("x.123.dkr.ecr.us-east-1.amazonaws.com/app", false),
        ("docker.io/library/nginx", false),
    ];
    for (image, want) in cases {
        assert_eq!(provider_matches(spec, image), want, "{image}");
        let why = explain_provider_match(spec, image);
        assert_eq!(why.iter().any(|(_, r)| r.is_ok()), want, "{image}");
    }
}

#[test]
fn request_json_is_a_credential_provider_request() {
    let r: serde_json::Value = serde_json::from_str(&request_json("r.io/a\"b", V1)).unwrap();
    assert_eq!(
        r,
        json!({"kind": "CredentialProviderRequest", "apiVersion": V1, "image": "r.io/a\"b"})
    );
}

#[test]
fn responses_are_validated() {
    let ok = parse_provider_response(&response("Registry", Some("5m")), V1, "ecr").unwrap();
    assert_eq!(ok.cache_key_type, CacheKeyType::Registry);
    assert_eq!(ok.cache_duration_ns, Some(300_000_000_000));
    assert_eq!(ok.auth[0].1.expose_password(), "tok");
    let base =
        json!({"apiVersion": V1, "kind": "CredentialProviderResponse", "cacheKeyType": "Image"});
    let with = |k: &str, v: serde_json::Value| {
        let mut r = base.clone();
        r[k] = v;
        r.to_string()
    };
    let cases = [
        (
            with(
                "apiVersion",
                json!("credentialprovider.kubelet.k8s.io/v1beta1"),
            ),
            "apiVersion",
        ),
        (with("kind", json!("CredentialProviderRequest")), "kind"),
        (with("cacheKeyType", json!("image")), "cacheKeyType"),
        (
            base.as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.remove("cacheKeyType");
                    json!(o).to_string()
                })
                .unwrap(),
            "cacheKeyType",
        ),
        (with("cacheDuration", json!("5")), "cacheDuration"),
        (
            with("auth", json!({"r.io": {"username": 1}})),
            "auth[\"r.io\"].username",
        ),
        (with("auth", json!([])), "auth"),
        ("{\"password\": \"sekret\"".to_string(), "$"),
    ];
    for (text, path) in cases {
        let err = parse_provider_response(&text, V1, "ecr").unwrap_err();
        assert_eq!(err.code(), "PROVIDER_RESPONSE_INVALID");
        assert_eq!(err.path().as_deref(), Some(path), "{text}");
        assert!(!err.to_string().contains("sekret"));
    }
    assert!(parse_provider_response(&base.to_string(), V1, "ecr")
        .unwrap()
        .auth
        .is_empty());
}

#[test]
fn cache_keys_and_expiry_follow_cache_key_type() {
    let img = "123.dkr.ecr.us-east-1.amazonaws.com/app";
    let same_registry = "123.dkr.ecr.us-east-1.amazonaws.com/other";
    let other_registry = "456.dkr.ecr.us-east-1.amazonaws.com/app";
    let t0: u64 = 1_700_000_000_000;
    // (key type, duration, default, [(image, now offset ms, expected hit)])
    type Case<'a> = (&'a str, Option<&'a str>, i64, Vec<(&'a str, u64, bool)>);
    let cases: [Case; 6] = [
        (
            "Image",
            Some("1m"),
            HOUR_NS,
            vec![
                (img, 0, true),
                (img, 60_000, true),
                (img, 60_001, false),
                (same_registry, 0, false),
            ],
        ),
        (
            "Registry",
            Some("1m"),
            HOUR_NS,
            vec![
                (img, 0, true),
                (same_registry, 30_000, true),
                (other_registry, 0, false),
                (same_registry, 60_001, false),
            ],
        ),
        (
            "Global",
            Some("1m"),
            HOUR_NS,
            vec![
                (other_registry, 0, true),
                ("docker.io/library/x", 59_999, true),
                (img, 61_000, false),
            ],
        ),
        (
            "Image",
            None,
            HOUR_NS,
            vec![(img, 3_600_000, true), (img, 3_600_001, false)],
        ),
        ("Image", Some("0s"), HOUR_NS, vec![(img, 0, false)]),
        ("Image", None, 0, vec![(img, 0, false)]),
    ];
    for (key_type, duration, default, probes) in cases {
        let resp = parse_provider_response(&response(key_type, duration), V1, "ecr").unwrap();
        let mut cache = ProviderCache::default();
        let decision = cache.store(img, &resp, default, t0);
        for (image, offset, hit) in probes {
            let got = cache.get(image, t0 + offset);
            assert_eq!(
                got.is_some(),
                hit,
                "{key_type} {duration:?} {image} +{offset}: {decision:?}"
            );
        }
    }
    let resp = parse_provider_response(&response("Registry", Some("1m")), V1, "ecr").unwrap();
    let mut cache = ProviderCache::default();
    assert_eq!(
        cache.store(img, &resp, 0, t0),
        CacheDecision::Cached {
            key: "123.dkr.ecr.us-east-1.amazonaws.com".into(),
            expires_at_ns: i128::from(t0) * 1_000_000 + 60_000_000_000
        }
    );
    cache.purge_expired(t0 + 60_001);
    assert!(cache.is_empty());
}

#[test]
fn image_entries_are_preferred_then_registry_then_global() {
    let img = "r.io/app";
    let mut cache = ProviderCache::default();
    let mk = |t: &str, user: &str| {
        let text =
            json!({"apiVersion": V1, "kind": "CredentialProviderResponse", "cacheKeyType": t,
            "cacheDuration": "1m", "auth": {"r.io": {"username": user, "password": "p"}}})
            .to_string();
        parse_provider_response(&text, V1, "p").unwrap()
    };
    cache.store(img, &mk("Global", "global"), 0, 0);
    cache.store(img, &mk("Registry", "registry"), 0, 0);
    assert_eq!(cache.get(img, 0).unwrap().auth[0].1.username, "registry");
    cache.store(img, &mk("Image", "image"), 0, 0);
    assert_eq!(cache.get(img, 0).unwrap().auth[0].1.username, "image");
    assert_eq!(
        cache.get("r.io/other", 0).unwrap().auth[0].1.username,
        "registry"
    );
    assert_eq!(
        cache.get("q.io/other", 0).unwrap().auth[0].1.username,
        "global"
    );
}

#[test]
fn plan_then_accept_then_keyring_end_to_end() {
    let gcr = json!({"name": "gcr", "matchImages": ["gcr.io", "*.gcr.io"], "defaultCacheDuration": "0s", "apiVersion": V1});
    let cfg = provider_config_from_value(&config(json!([ecr(), gcr]))).unwrap();
    let mut providers = CredentialProviders::new(cfg);
    let image = "123.dkr.ecr.us-east-1.amazonaws.com/app";
    let steps = providers.plan(image, 0);
    assert!(
        matches!(&steps[0], ProviderStep::Exec { provider, request } if provider == "ecr" && request.contains(image))
    );
    assert!(matches!(&steps[1], ProviderStep::NotMatched { provider } if provider == "gcr"));
    let (creds, decision) = providers
        .accept_response("ecr", image, &response("Registry", None), 0)
        .unwrap();
    assert!(matches!(decision, CacheDecision::Cached { .. }));
    let steps = providers.plan("123.dkr.ecr.us-east-1.amazonaws.com/other", 1000);
    assert!(
        matches!(&steps[0], ProviderStep::Cached { cache_key, .. } if cache_key == "123.dkr.ecr.us-east-1.amazonaws.com")
    );
    assert_eq!(
        providers
            .accept_response("nope", image, "{}", 0)
            .unwrap_err()
            .code(),
        "PROVIDER_UNKNOWN"
    );
    assert_eq!(providers.cache("ecr").map(ProviderCache::len), Some(1));

    // Node credentials and provider credentials come after pod secrets.
    let secret = json!({"metadata": {"name": "pull"}, "type": "kubernetes.io/dockerconfigjson",
        "stringData": {".dockerconfigjson": r#"{"auths":{"123.dkr.ecr.us-east-1.amazonaws.com":{"username":"pod","password":"x"}}}"#}});
    let secrets = secrets_keyring(&[secret]).unwrap();
    let mut node = DockerKeyring::new(NODE_KEYRING);
    node.add(
        "*.dkr.ecr.us-east-1.amazonaws.com",
        pullspec::auth::credential::Credential::new("node", "y", ""),
        "config:/var/lib/kubelet/config.json:*.dkr.ecr.us-east-1.amazonaws.com",
    );
    let union = UnionKeyring::kubelet(secrets.keyring, node, providers_keyring(&[creds]));
    let r = union.lookup(image);
    let got: Vec<(&str, &str)> = r
        .credentials
        .iter()
        .map(|c| (c.credential.username.as_str(), c.source.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("pod", "secret/pull:123.dkr.ecr.us-east-1.amazonaws.com"),
            (
                "node",
                "config:/var/lib/kubelet/config.json:*.dkr.ecr.us-east-1.amazonaws.com"
            ),
            ("AWS", "provider/ecr:*.dkr.ecr.*.amazonaws.com"),
        ]
    );
    assert_eq!(
        r.matched_keyring_keys,
        [
            "secrets:123.dkr.ecr.us-east-1.amazonaws.com",
            "node:*.dkr.ecr.us-east-1.amazonaws.com",
            "providers:*.dkr.ecr.*.amazonaws.com"
        ]
    );
    assert!(!format!("{r:?}").contains("tok"));
}
