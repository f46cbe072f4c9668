//! Digest parsing (go-digest semantics), hashing and verification.

use pullspec::digest::{Algorithm, Digest, DigestError, Hasher, Verifier, SUPPORTED_ALGORITHMS};
use pullspec::error::Coded;
use std::collections::HashMap;

const KNOWN: &[(Algorithm, &[u8], &str)] = &[
    (Algorithm::Sha256, b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (Algorithm::Sha256, b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
        Algorithm::Sha384,
        b"",
        "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
    ),
    (
        Algorithm::Sha384,
        b"abc",
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ),
    (
        Algorithm::Sha512,
        b"",
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    ),
    (
        Algorithm::Sha512,
        b"abc",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
];

fn sha256_of_empty() -> String {
    format!("sha256:{}", KNOWN[0].2)
}

#[test]
fn hashes_known_inputs() {
    for (alg, input, hex) in KNOWN {
        let d = Digest::from_bytes(*alg, input);
        assert_eq!(d.to_string(), format!("{alg}:{hex}"));
        assert_eq!(d.encoded().len(), alg.size() * 2);
        let mut h = Hasher::new(*alg);
        for chunk in input.chunks(1) {
            h.update(chunk);
        }
        assert_eq!(h.finish(), d, "{alg} incremental");
        assert_eq!(Digest::parse(&d.to_string()), Ok(d.clone()));
    }
}

#[test]
fn parse_round_trips_and_accessors() {
    let d = Digest::parse(&sha256_of_empty()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.algorithm(), Algorithm::Sha256);
    assert_eq!(d.algorithm().name(), "sha256");
    assert_eq!(d.to_string(), sha256_of_empty());
    assert_eq!(
        SUPPORTED_ALGORITHMS.map(Algorithm::name),
        ["sha256", "sha384", "sha512"]
    );
    assert_eq!(Algorithm::from_name("SHA256"), None);
    let via_new = Digest::new(Algorithm::Sha256, KNOWN[0].2);
    assert_eq!(via_new, Ok(d.clone()));
    let mut map = HashMap::new();
    map.insert(d.clone(), 1);
    assert_eq!(map.get(&d), Some(&1));
}

#[test]
fn parse_errors_follow_go_digest() {
    let hex64 = "a".repeat(64);
    let cases: Vec<(String, &str, Option<usize>)> = vec![
        (String::new(), "DIGEST_INVALID_FORMAT", Some(0)),
        ("sha256".into(), "DIGEST_INVALID_FORMAT", Some(0)),
        (format!(":{hex64}"), "DIGEST_INVALID_FORMAT", Some(0)),
        ("sha256:".into(), "DIGEST_INVALID_FORMAT", Some(7)),
        (
            format!("md5:{}", "a".repeat(32)),
            "DIGEST_UNSUPPORTED",
            None,
        ),
        (format!("sha3.256+x:{hex64}"), "DIGEST_UNSUPPORTED", None),
        ("foo:ABC=_-".into(), "DIGEST_UNSUPPORTED", None),
        (format!("SHA256:{hex64}"), "DIGEST_INVALID_FORMAT", Some(0)),
        (format!("sha256-:{hex64}"), "DIGEST_INVALID_FORMAT", Some(0)),
        ("foo:a:b".into(), "DIGEST_INVALID_FORMAT", Some(0)),
        ("foo:a b".into(), "DIGEST_INVALID_FORMAT", Some(0)),
        ("sha256:abc".into(), "DIGEST_INVALID_LENGTH", Some(7)),
        (format!("sha256:{hex64}a"), "DIGEST_INVALID_LENGTH", Some(7)),
        (format!("sha512:{hex64}"), "DIGEST_INVALID_LENGTH", Some(7)),
        (
            format!("sha256:{}", "A".repeat(64)),
            "DIGEST_INVALID_FORMAT",
            Some(7),
        ),
        (
            format!("sha256:{}g", "a".repeat(63)),
            "DIGEST_INVALID_FORMAT",
            Some(70),
        ),
        (
            format!("sha256:{}:", "a".repeat(63)),
            "DIGEST_INVALID_FORMAT",
            Some(70),
        ),
        (
            format!("sha256:{}\u{e9}", "a".repeat(62)),
            "DIGEST_INVALID_FORMAT",
            Some(69),
        ),
    ];
    for (input, code, offset) in &cases {
        let e = Digest::parse(input)
            .err()
            .unwrap_or_else(|| panic!("{input:?} parsed"));
        assert_eq!(e.code(), *code, "{input:?}: {e}");
        assert_eq!(e.offset(), *offset, "{input:?}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn verifier_accepts_matching_content_and_names_both_on_mismatch() {
    let expected = Digest::from_bytes(Algorithm::Sha256, b"abc");
    let mut v = Verifier::new(expected.clone());
    v.update(b"a");
    v.update(b"bc");
    assert_eq!(v.finish(), Ok(()));

    let mut v = Verifier::new(expected.clone());
    v.update(b"abd");
    let e = v
        .finish()
        .err()
        .unwrap_or_else(|| panic!("should mismatch"));
    assert_eq!(e.code(), "DIGEST_MISMATCH");
    let actual = Digest::from_bytes(Algorithm::Sha256, b"abd");
    assert_eq!(
        e.fields(),
        vec![
            ("expected", expected.to_string()),
            ("actual", actual.to_string())
        ]
    );
    assert!(
        e.to_string().contains(&expected.to_string())
            && e.to_string().contains(&actual.to_string())
    );
    assert!(matches!(e, DigestError::Mismatch { .. }));
    assert_eq!(expected.verify(b"abc"), Ok(()));
}

#[test]
fn serde_uses_the_string_form() {
    let d = Digest::from_bytes(Algorithm::Sha384, b"abc");
    let json = serde_json::to_string(&d).unwrap_or_default();
    assert_eq!(json, format!("\"{d}\""));
    let back: Result<Digest, _> = serde_json::from_str(&json);
    assert_eq!(back.ok(), Some(d));
    let bad: Result<Digest, _> = serde_json::from_str("\"sha256:x\"");
    assert!(bad.is_err());
}
