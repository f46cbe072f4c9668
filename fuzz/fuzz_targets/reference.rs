//! Fuzzes the reference parsers with arbitrary text and checks the invariants every answer must
//! keep (besides not panicking, which would kill the wasm instance):
//!
//! - a normalized reference prints a string that parses back to itself, and that string is
//!   canonical (`parse_canonical` accepts it);
//! - the familiar form parses back to the same normalized reference (unless it is a bare
//!   64-hex image ID, which upstream refuses too, or a Docker Hub namespace that looks like a
//!   host, e.g. `docker.io/a.b/c`, whose familiar `a.b/c` upstream prints all the same);
//! - `parse_normalized_parts` agrees with `parse_normalized`, and its ranges lie within the input
//!   on char boundaries (the bindings slice JS strings with them);
//! - a raw (`parse`) reference prints a string that parses back to the same value;
//! - `parse_canonical` accepts exactly the inputs that equal their own normalized form;
//! - every error's `offset()` is within the input and on a char boundary.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::reference::{
    is_identifier, parse_normalized_parts, DigestAlgorithms, DomainPart, Parts,
};
use pullspec::{Coded, Reference, ReferenceError};
use std::ops::Range;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = std::str::from_utf8(data) {
        check(input);
    }
});

fn check(input: &str) {
    let normalized = Reference::parse_normalized(input);
    match &normalized {
        Ok(r) => check_normalized(input, r),
        Err(e) => check_error(input, e, "parse_normalized"),
    }

    match parse_normalized_parts(input, DigestAlgorithms::Kubernetes) {
        Ok(parts) => {
            check_parts(input, &parts);
            let r = normalized
                .as_ref()
                .unwrap_or_else(|e| panic!("parts succeed but parse_normalized fails: {e}"));
            assert_eq!(&Reference::from_parts(input, &parts), r, "parts disagree");
            assert_eq!(
                &input[parts.familiar_name.clone()],
                r.familiar_name(),
                "familiar_name range disagrees with familiar_name()"
            );
        }
        Err(e) => {
            check_error(input, &e, "parse_normalized_parts");
            assert_eq!(
                Some(&e),
                normalized.as_ref().err(),
                "parts and parse_normalized fail differently"
            );
        }
    }

    match Reference::parse(input) {
        Ok(r) => {
            let printed = r.to_string();
            let again = Reference::parse(&printed)
                .unwrap_or_else(|e| panic!("raw {printed:?} does not parse again: {e}"));
            assert_eq!(again, r, "raw round trip of {printed:?}");
        }
        Err(e) => check_error(input, &e, "parse"),
    }

    match Reference::parse_canonical(input) {
        Ok(r) => assert_eq!(r.to_string(), input, "canonical but not printed as written"),
        Err(e) => {
            check_error(input, &e, "parse_canonical");
            if let Ok(r) = &normalized {
                assert_ne!(r.to_string(), input, "normalized form refused as canonical");
            }
        }
    }
}

fn check_normalized(input: &str, r: &Reference) {
    let printed = r.to_string();
    let again = Reference::parse_normalized(&printed)
        .unwrap_or_else(|e| panic!("{input:?} prints {printed:?}, which does not parse: {e}"));
    assert_eq!(again.to_string(), printed, "round trip of {input:?}");
    assert_eq!(&again, r, "round trip value of {input:?}");
    if let Err(e) = Reference::parse_canonical(&printed) {
        panic!("normalized {printed:?} is not canonical: {e}");
    }

    let familiar = r.familiar();
    if is_identifier(&familiar) {
        // Upstream's own exception: `docker.io/<64 hex>` is valid, but its familiar form is the
        // bare 64-hex string, which ParseNormalizedNamed refuses as an image ID (vector ref-089).
        assert_eq!(
            Reference::parse_normalized(&familiar),
            Err(ReferenceError::AmbiguousImageId)
        );
        return;
    }
    if looks_like_domain(&familiar) {
        // Upstream's other exception: FamiliarString drops `docker.io/` without asking whether
        // the namespace that is left (`a.b` in `docker.io/a.b/c`, or `localhost`) would be read
        // as a registry host: `a.b/c` then names another registry. Faithful, so not checked.
        return;
    }
    let back = Reference::parse_normalized(&familiar)
        .unwrap_or_else(|e| panic!("familiar {familiar:?} of {input:?} does not parse: {e}"));
    assert_eq!(
        back.to_string(),
        printed,
        "familiar {familiar:?} of {input:?}"
    );
}

fn check_parts(input: &str, parts: &Parts) {
    let mut ranges: Vec<(&str, &Range<usize>)> = vec![
        ("path", &parts.path),
        ("familiar_name", &parts.familiar_name),
    ];
    if let DomainPart::Input(d) = &parts.domain {
        ranges.push(("domain", d));
    }
    if let Some(t) = &parts.tag {
        ranges.push(("tag", t));
    }
    if let Some(d) = &parts.digest {
        ranges.push(("digest", d));
    }
    for (what, r) in ranges {
        assert!(
            r.start <= r.end && r.end <= input.len(),
            "{what} range {r:?} outside {input:?}"
        );
        assert!(
            input.is_char_boundary(r.start) && input.is_char_boundary(r.end),
            "{what} range {r:?} not on char boundaries of {input:?}"
        );
    }
}

fn check_error(input: &str, e: &ReferenceError, what: &str) {
    // Display and code must not panic either.
    let _ = (e.to_string(), e.code());
    if let Some(offset) = e.offset() {
        assert!(
            offset <= input.len(),
            "{what}: offset {offset} past the end of {input:?} ({e})"
        );
        assert!(
            input.is_char_boundary(offset),
            "{what}: offset {offset} not on a char boundary of {input:?} ({e})"
        );
    }
}

/// Would `splitDockerDomain` take the first component of this familiar string as a registry?
fn looks_like_domain(familiar: &str) -> bool {
    match familiar.split_once('/') {
        Some((first, _)) => {
            first == "localhost"
                || first.contains(['.', ':'])
                || first.chars().any(char::is_uppercase)
        }
        None => false,
    }
}
