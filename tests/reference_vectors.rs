//! The shared reference conformance vectors (expected values from distribution/reference and
//! Kubernetes), plus this project's own grammar table.

mod common;

use common::{load_vectors, opt_str};
use pullspec::reference::{
    is_domain, is_identifier, kubelet_image_with_default_tag, DigestAlgorithms, Reference,
};
use pullspec::Coded;

fn error_kind(code: &str) -> String {
    match code {
        "AMBIGUOUS_IMAGE_ID" => "hex64_identifier".into(),
        other => other.to_ascii_lowercase(),
    }
}

#[test]
fn normalized_parse_matches_distribution_and_kubernetes() {
    let v = load_vectors("references.json");
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() >= 50, "too few cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let want = &case["expected"];
        let got = Reference::parse_normalized(input);
        match (want["valid"].as_bool().unwrap(), &got) {
            (true, Ok(r)) => {
                let checks = [
                    ("domain", Some(r.domain().to_string())),
                    ("path", Some(r.path().to_string())),
                    ("name", Some(r.name())),
                    ("tag", r.tag().map(str::to_string)),
                    ("digest", r.digest().map(|d| d.to_string())),
                    ("normalized", Some(r.to_string())),
                    ("familiar", Some(r.familiar())),
                    ("normalized_with_default_tag", Some(r.with_default_tag())),
                    (
                        "kubelet_image_with_default_tag",
                        kubelet_image_with_default_tag(input).ok(),
                    ),
                ];
                for (key, got) in checks {
                    if opt_str(want, key) != got.as_deref() {
                        failures.push(format!(
                            "{id} {input:?} {key}: want {:?}, got {got:?}",
                            want[key]
                        ));
                    }
                }
                let canonical = Reference::parse_canonical(input).is_ok();
                if want["is_canonical"].as_bool() != Some(canonical) {
                    failures.push(format!("{id} {input:?} is_canonical: got {canonical}"));
                }
            }
            (false, Err(e)) => {
                let want_kind = want["error"].as_str().unwrap();
                if error_kind(e.code()) != want_kind {
                    failures.push(format!(
                        "{id} {input:?}: want {want_kind}, got {} ({e})",
                        e.code()
                    ));
                }
            }
            (valid, got) => {
                failures.push(format!("{id} {input:?}: want valid={valid}, got {got:?}"))
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn raw_parse_matches_distribution() {
    let v = load_vectors("references.json");
    let mut failures = Vec::new();
    for case in v["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let want = &case["raw_parse"];
        // distribution's own suite registers sha256 only.
        match (
            want["valid"].as_bool().unwrap(),
            Reference::parse_with(input, DigestAlgorithms::Sha256Only),
        ) {
            (true, Ok(r)) => {
                let checks = [
                    ("domain", Some(r.domain().to_string())),
                    ("path", Some(r.path().to_string())),
                    ("name", Some(r.name())),
                    ("tag", r.tag().map(str::to_string)),
                    ("digest", r.digest().map(|d| d.to_string())),
                    ("string", Some(r.to_string())),
                ];
                for (key, got) in checks {
                    if opt_str(want, key) != got.as_deref() {
                        failures.push(format!(
                            "{id} {input:?} raw {key}: want {:?}, got {got:?}",
                            want[key]
                        ));
                    }
                }
            }
            (false, Err(e)) => {
                let want_kind = want["error"].as_str().unwrap();
                if error_kind(e.code()) != want_kind {
                    failures.push(format!(
                        "{id} {input:?} raw: want {want_kind}, got {}",
                        e.code()
                    ));
                }
            }
            (valid, got) => failures.push(format!(
                "{id} {input:?} raw: want valid={valid}, got {got:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn domain_and_identifier_vectors() {
    let v = load_vectors("references.json");
    for case in v["domain_cases"].as_array().unwrap() {
        let domain = case["domain"].as_str().unwrap();
        assert_eq!(
            is_domain(domain),
            case["expected_match"].as_bool().unwrap(),
            "{domain}"
        );
    }
    for case in v["identifier_cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        assert_eq!(
            is_identifier(input),
            case["is_64_hex_identifier"].as_bool().unwrap(),
            "{input}"
        );
    }
}

/// This project's own cases, one per rule of the grammar (input, normalized or error code).
#[test]
fn grammar_table() {
    let h64 = "f".repeat(64);
    let h96 = "f".repeat(96);
    let h128 = "f".repeat(128);
    let cases: Vec<(String, &str)> = vec![
        // hosts
        ("localhost".into(), "docker.io/library/localhost"),
        ("localhost:5000".into(), "docker.io/library/localhost:5000"),
        ("localhost/x".into(), "localhost/x"),
        ("127.0.0.1:5000/x".into(), "127.0.0.1:5000/x"),
        ("[::1]:5000/x:1".into(), "[::1]:5000/x:1"),
        ("[::1]/x".into(), "[::1]/x"),
        ("[::]/x".into(), "[::]/x"),
        ("[fe80::1%25eth0]/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("[::1/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("[]/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("[g::1]/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("[::1]:/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("host:/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a-b.c/x".into(), "a-b.c/x"),
        ("-a.c/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a-.c/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a..c/x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a.c./x".into(), "INVALID_REFERENCE_FORMAT"),
        ("Example.COM/x".into(), "Example.COM/x"),
        ("example.com:65536/x".into(), "example.com:65536/x"),
        (
            "sub.example.com:443/a/b/c".into(),
            "sub.example.com:443/a/b/c",
        ),
        ("index.docker.io/nginx".into(), "docker.io/library/nginx"),
        ("docker.io/nginx".into(), "docker.io/library/nginx"),
        ("docker.io:443/nginx".into(), "docker.io:443/nginx"),
        // path components and separators
        ("a.b".into(), "docker.io/library/a.b"),
        ("a_b".into(), "docker.io/library/a_b"),
        ("a__b".into(), "docker.io/library/a__b"),
        ("a___b".into(), "INVALID_REFERENCE_FORMAT"),
        ("a-b".into(), "docker.io/library/a-b"),
        ("a---b".into(), "docker.io/library/a---b"),
        ("a-_b".into(), "INVALID_REFERENCE_FORMAT"),
        ("a._b".into(), "INVALID_REFERENCE_FORMAT"),
        ("a..b".into(), "INVALID_REFERENCE_FORMAT"),
        ("a.".into(), "INVALID_REFERENCE_FORMAT"),
        ("_a".into(), "INVALID_REFERENCE_FORMAT"),
        ("a//b".into(), "INVALID_REFERENCE_FORMAT"),
        ("a/b/".into(), "INVALID_REFERENCE_FORMAT"),
        ("/a".into(), "INVALID_REFERENCE_FORMAT"),
        ("a/B".into(), "NAME_CONTAINS_UPPERCASE"),
        ("A".into(), "NAME_CONTAINS_UPPERCASE"),
        ("A/b".into(), "A/b"),
        ("a/b:TAG".into(), "docker.io/a/b:TAG"),
        ("é".into(), "INVALID_REFERENCE_FORMAT"),
        ("a\0b".into(), "INVALID_REFERENCE_FORMAT"),
        // tags
        ("a:_".into(), "docker.io/library/a:_"),
        ("a:.x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a:-x".into(), "INVALID_REFERENCE_FORMAT"),
        ("a:x:y".into(), "INVALID_REFERENCE_FORMAT"),
        ("a:".into(), "INVALID_REFERENCE_FORMAT"),
        (format!("a:{}", "x".repeat(128)), "OK"),
        (format!("a:{}", "x".repeat(129)), "INVALID_REFERENCE_FORMAT"),
        // digests
        (format!("a@sha256:{h64}"), "OK"),
        (format!("a@sha384:{h96}"), "OK"),
        (format!("a@sha512:{h128}"), "OK"),
        (
            format!("a@sha256:{}", "F".repeat(64)),
            "DIGEST_INVALID_FORMAT",
        ),
        (
            format!("a@sha256:{}", "f".repeat(63)),
            "DIGEST_INVALID_LENGTH",
        ),
        (format!("a@sha512:{h64}"), "DIGEST_INVALID_LENGTH"),
        (format!("a@md5:{}", "f".repeat(32)), "DIGEST_UNSUPPORTED"),
        (format!("a@SHA256:{h64}"), "NAME_CONTAINS_UPPERCASE"),
        // The remote-name check runs up to the first ':', so it sees "a/b@SHA256".
        (format!("a/b@SHA256:{h64}"), "NAME_CONTAINS_UPPERCASE"),
        (format!("a:1@SHA256:{h64}"), "DIGEST_INVALID_FORMAT"),
        (
            format!("a@sha256:{}", "f".repeat(31)),
            "INVALID_REFERENCE_FORMAT",
        ),
        (
            format!("a@sha256+b64:{}", "f".repeat(32)),
            "DIGEST_UNSUPPORTED",
        ),
        (
            format!("a@1sha:{}", "f".repeat(32)),
            "INVALID_REFERENCE_FORMAT",
        ),
        (format!("a:1@sha256:{h64}"), "OK"),
        (format!("a@sha256:{h64}:1"), "INVALID_REFERENCE_FORMAT"),
        // identifiers and lengths
        (h64.clone(), "AMBIGUOUS_IMAGE_ID"),
        (format!("{h64}:1"), "OK"),
        ("F".repeat(64), "NAME_CONTAINS_UPPERCASE"),
        ("a".repeat(247), "OK"),
        ("a".repeat(248), "NAME_TOO_LONG"),
        (format!("x/{}", "a".repeat(253)), "OK"),
        (format!("x/{}", "a".repeat(254)), "NAME_TOO_LONG"),
        (format!("{}.com/{}", "a".repeat(300), "b".repeat(255)), "OK"),
        (String::new(), "INVALID_REFERENCE_FORMAT"),
    ];
    let mut failures = Vec::new();
    for (input, want) in &cases {
        let got = match Reference::parse_normalized(input) {
            Ok(_) if *want == "OK" => "OK".to_string(),
            Ok(r) => r.to_string(),
            Err(e) => e.code().to_string(),
        };
        if &got != want {
            failures.push(format!("{input:?}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_carry_offsets_inside_the_input() {
    for input in [
        "aa/asdf$$^/aa",
        "a:",
        "a b",
        "[::1/x",
        "foo:bar:baz",
        "a@sha256:xyz",
        "ÄÖÜ",
        "a/é",
    ] {
        let e = Reference::parse_normalized(input).unwrap_err();
        let offset = e.offset().expect("offset");
        assert!(offset <= input.len(), "{input:?}: {offset}");
        assert!(input.is_char_boundary(offset), "{input:?}: {offset}");
        assert!(!e.to_string().is_empty());
    }
}
