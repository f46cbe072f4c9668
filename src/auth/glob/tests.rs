use super::*;

#[test]
fn urls_match_follows_the_kubelet_rules() {
    let cases = [
        ("*.kubernetes.io", "prefix.kubernetes.io", true),
        ("*.kubernetes.io", "kubernetes.io", false),
        ("*.kubernetes.io", "a.b.kubernetes.io", false),
        ("*.*.kubernetes.io", "a.b.kubernetes.io", true),
        ("prefix.*.io", "prefix.kubernetes.io", true),
        ("prefix.*.io", "prefix.kubernetes.io:1111", false),
        ("prefix.*.io:1111", "prefix.kubernetes.io:1111/foo", true),
        ("prefix.*.io/foo", "prefix.kubernetes.io/foo/bar", true),
        ("prefix.*.io/foo", "prefix.kubernetes.io/foobar", true),
        ("prefix.*.io/foo", "prefix.kubernetes.io/bar/foo", false),
        ("example.com:5000", "example.com:5000", true),
        ("example.com:5000", "example.com:5001", false),
        ("example.com", "EXAMPLE.com", false),
        // `?` starts the URL query, so it never works as a glob in a host.
        ("ex?mple.com", "example.com", false),
        ("ex?mple.com", "ex", true),
        ("e[a-z]ample.com", "example.com", true),
        ("e[^x]ample.com", "example.com", false),
        ("[a-f]xample.com", "example.com", false),
        // `\` is not allowed in a URL host.
        ("\\*.com", "*.com", false),
        ("*.com", "x.com", true),
        ("[]x.com", "x.com", false),
        ("[.com", "x.com", false),
        ("[::1]:5000", "[::1]:5000/foo", true),
        ("user@host.io", "host.io/x", true),
        ("", "", true),
        ("example.com:", "example.com", true),
        ("example.com:abc", "example.com", false),
        ("exa mple.com", "exa mple.com", false),
    ];
    for (p, t, want) in cases {
        assert_eq!(
            urls_match(p, t),
            want,
            "{p} vs {t}: {:?}",
            explain_match(p, t)
        );
    }
}

#[test]
fn mismatch_reasons_name_the_failed_check() {
    let cases = [
            ("example.com:5000", "example.com/x", "port differs (pattern :5000, target none)"),
            (
                "*.example.com",
                "a.b.example.com",
                "host label count differs (glob *.example.com does not match a.b.example.com: 3 vs 4 labels)",
            ),
            ("a.io/foo", "a.io/bar", "path prefix differs (target path \"/bar\" does not start with \"/foo\")"),
            ("b*.io", "a.io", "glob b*.io does not match a.io (label \"b*\" vs \"a\")"),
            ("[", "a.io", "pattern is not a valid URL (missing ']' in host)"),
        ];
    for (p, t, want) in cases {
        assert_eq!(explain_match(p, t).unwrap_err().to_string(), want);
    }
}

#[test]
fn keys_are_normalized_like_basic_docker_keyring_add() {
    let cases = [
        ("https://index.docker.io/v1/", "index.docker.io"),
        ("https://quay.io/v1/", "quay.io"),
        ("quay.io/v2/", "quay.io"),
        ("http://quay.io/v2/foo", "quay.io/foo"),
        ("quay.io/", "quay.io"),
        ("quay.io/v1", "quay.io/v1"),
        ("bar.example.com/pong", "bar.example.com/pong"),
        ("*.docker.io:1111", "*.docker.io:1111"),
        ("HTTPS://x.io", "HTTPS://x.io"),
        ("reg.io/a%20b", "reg.io/a b"),
    ];
    for (raw, want) in cases {
        assert_eq!(normalize_key(raw).unwrap(), want, "{raw}");
    }
    assert!(normalize_key("[bad").is_err());
    assert!(normalize_key("reg.io/%zz").is_err());
}

#[test]
fn default_registry_match_cases() {
    let cases = [
        ("foo", true),
        ("foo/bar", true),
        ("docker.io/foo/bar", true),
        ("index.docker.io/foo", true),
        ("registry.tld/foo/bar", false),
        ("localhost:5000/foo", false),
        ("localhost/foo", true),
        ("/foo", false),
        ("", false),
    ];
    for (image, want) in cases {
        assert_eq!(is_default_registry_match(image), want, "{image}");
    }
}
