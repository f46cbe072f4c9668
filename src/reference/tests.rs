use super::*;
use crate::error::Coded;

fn code(input: &str) -> &'static str {
    match Reference::parse_normalized(input) {
        Ok(_) => "OK",
        Err(e) => e.code(),
    }
}

#[test]
fn normalizes_docker_hub_names() {
    let cases = [
        ("nginx", "docker.io/library/nginx", "nginx"),
        ("user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0"),
        (
            "index.docker.io/library/debian",
            "docker.io/library/debian",
            "debian",
        ),
        (
            "docker.io/library/a/b",
            "docker.io/library/a/b",
            "library/a/b",
        ),
        ("localhost/foo", "localhost/foo", "localhost/foo"),
        (
            "localhost:5000/app",
            "localhost:5000/app",
            "localhost:5000/app",
        ),
        ("[::1]:5000/app", "[::1]:5000/app", "[::1]:5000/app"),
        ("foo_bar.com/x", "foo_bar.com/x", "foo_bar.com/x"),
    ];
    for (input, normalized, familiar) in cases {
        let r = Reference::parse_normalized(input).unwrap();
        assert_eq!(r.to_string(), normalized, "{input}");
        assert_eq!(r.familiar(), familiar, "{input}");
    }
}

#[test]
fn reports_codes_and_offsets() {
    let cases = [
        // distribution: Parse("") is NAME_EMPTY, but ParseNormalizedNamed("") parses
        // "docker.io/library/" and fails on the format.
        ("", "INVALID_REFERENCE_FORMAT", Some(0)),
        ("Foo", "NAME_CONTAINS_UPPERCASE", Some(0)),
        ("foo/Bar", "NAME_CONTAINS_UPPERCASE", Some(4)),
        ("foo:", "INVALID_REFERENCE_FORMAT", Some(4)),
        ("foo bar", "INVALID_REFERENCE_FORMAT", Some(3)),
        ("a/b@sha256:abc", "INVALID_REFERENCE_FORMAT", Some(14)),
        ("\u{212A}/foo", "NAME_CONTAINS_UPPERCASE", Some(0)),
    ];
    for (input, want, offset) in cases {
        let e = Reference::parse_normalized(input).unwrap_err();
        assert_eq!(e.code(), want, "{input:?}: {e}");
        assert_eq!(e.offset(), offset, "{input:?}");
    }
}

#[test]
fn raw_parse_of_nothing_is_name_empty() {
    assert_eq!(Reference::parse("").unwrap_err().code(), "NAME_EMPTY");
}

#[test]
fn limits_path_length_after_library_prefix() {
    let ok = "a".repeat(247); // library/ + 247 = 255
    assert_eq!(code(&ok), "OK");
    assert_eq!(code(&"a".repeat(248)), "NAME_TOO_LONG");
    assert_eq!(code(&format!("example.com/{}", "a".repeat(255))), "OK");
    assert_eq!(
        code(&format!("example.com/{}", "a".repeat(256))),
        "NAME_TOO_LONG"
    );
}

#[test]
fn tags_are_limited_to_128_characters() {
    assert_eq!(code(&format!("a:{}", "t".repeat(128))), "OK");
    assert_eq!(
        code(&format!("a:{}", "t".repeat(129))),
        "INVALID_REFERENCE_FORMAT"
    );
}

#[test]
fn refuses_bare_image_ids() {
    assert_eq!(code(&"a".repeat(64)), "AMBIGUOUS_IMAGE_ID");
    assert_eq!(code(&"a".repeat(63)), "OK");
}

#[test]
fn canonical_parse_requires_full_form() {
    assert!(Reference::parse_canonical("docker.io/library/nginx:1").is_ok());
    let e = Reference::parse_canonical("nginx:1").unwrap_err();
    assert_eq!(e.code(), "NAME_NOT_CANONICAL");
}

#[test]
fn kubelet_default_tag_keeps_the_written_form() {
    assert_eq!(
        kubelet_image_with_default_tag("busybox").unwrap(),
        "busybox:latest"
    );
    assert_eq!(
        kubelet_image_with_default_tag("busybox:1").unwrap(),
        "busybox:1"
    );
    assert_eq!(
        kubelet_image_with_default_tag("localhost:5000/x").unwrap(),
        "localhost:5000/x:latest"
    );
}
