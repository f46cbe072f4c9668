use super::*;

#[test]
fn response_errors_name_fields_and_types_never_values() {
    const V1: &str = "credentialprovider.kubelet.k8s.io/v1";
    let ok = serde_json::json!({"apiVersion": V1, "kind": "CredentialProviderResponse",
            "cacheKeyType": "Registry", "cacheDuration": "1m",
            "auth": {"r.io": {"username": "u", "password": "p"}}});
    assert!(parse_provider_response(&ok.to_string(), V1, "p").is_ok());
    // (field, bad value, path, words of the message)
    let s = "S3CRET-VALUE";
    let cases = [
        (
            "apiVersion",
            serde_json::json!(s),
            "apiVersion",
            "another string",
        ),
        ("apiVersion", serde_json::json!(7), "apiVersion", "a number"),
        ("kind", serde_json::json!(s), "kind", "another string"),
        (
            "cacheKeyType",
            serde_json::json!(s),
            "cacheKeyType",
            "another string",
        ),
        (
            "cacheKeyType",
            serde_json::json!([s]),
            "cacheKeyType",
            "a list",
        ),
        (
            "cacheDuration",
            serde_json::json!(s),
            "cacheDuration",
            "invalid duration",
        ),
        (
            "cacheDuration",
            serde_json::json!(format!("1{s}")),
            "cacheDuration",
            "unknown unit",
        ),
        (
            "cacheDuration",
            serde_json::json!(5),
            "cacheDuration",
            "duration string",
        ),
        ("auth", serde_json::json!(s), "auth", "must be an object"),
        (
            "auth",
            serde_json::json!({"r.io": s}),
            "auth[\"r.io\"]",
            "must be an object",
        ),
        (
            "auth",
            serde_json::json!({"r.io": {"password": [s]}}),
            "auth[\"r.io\"].password",
            "must be a string",
        ),
    ];
    for (field, value, path, words) in cases {
        let mut v = ok.clone();
        v[field] = value;
        let e = parse_provider_response(&v.to_string(), V1, "p").unwrap_err();
        assert_eq!(e.code(), "PROVIDER_RESPONSE_INVALID");
        assert_eq!(e.path().as_deref(), Some(path), "{e}");
        let printed = format!("{e} {e:?} {:?}", e.fields());
        assert!(!printed.contains("S3CRET"), "{field}: {printed}");
        assert!(e.to_string().contains(words), "{field}: {e}");
    }
    for text in [
        format!("{s:?}"),
        format!("[{s:?}]"),
        format!("{{\"a\": {s:?}"),
    ] {
        let e = parse_provider_response(&text, V1, "p").unwrap_err();
        let printed = format!("{e} {e:?}");
        assert!(!printed.contains("S3CRET"), "{printed}");
    }
}

#[test]
fn config_text_may_be_yaml_and_yaml_errors_say_where() {
    let yaml = "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n  - name: ecr\n    matchImages:\n      - \"*.dkr.ecr.*.amazonaws.com\"\n    defaultCacheDuration: 12h\n    apiVersion: credentialprovider.kubelet.k8s.io/v1\n    args: [get-credentials]\n";
    let cfg = parse_provider_config_text(yaml).unwrap();
    assert_eq!(cfg.providers[0].args, ["get-credentials"]);
    assert_eq!(
        cfg.providers[0].default_cache_duration_ns,
        12 * 3_600_000_000_000
    );
    let json = r#"{"apiVersion":"kubelet.config.k8s.io/v1","kind":"CredentialProviderConfig","providers":[]}"#;
    let err = parse_provider_config_text(json).unwrap_err();
    assert_eq!(err.path().as_deref(), Some("providers"));
    let err = parse_provider_config_text("providers:\n  - name: [x\n").unwrap_err();
    assert_eq!(err.code(), "PROVIDER_CONFIG_INVALID");
    assert!(
        err.to_string()
            .starts_with("credential provider config is not valid YAML at line 3"),
        "{err}"
    );
    assert!(err.offset().is_some());
    assert!(err.fields().contains(&("cause", "YAML_INVALID".into())));
}
