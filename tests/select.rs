//! Choosing an index entry for a platform, with reasons and the no-match error.

use pullspec::error::Coded;
use pullspec::manifest::{self, ImageIndex};
use pullspec::platform::{self, Matcher, Platform};
use pullspec::select;

const D: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn host() -> Platform {
    Platform::default_host()
}

fn p(spec: &str) -> Platform {
    platform::parse(spec, &host()).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

/// An index whose entries have the given platform JSON (`""` = no platform) and annotations.
fn index(entries: &[(&str, &str)]) -> ImageIndex {
    let list: Vec<String> = entries
        .iter()
        .map(|(platform, annotations)| {
            let mut e = format!(r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{D}","size":1"#);
            if !platform.is_empty() {
                e.push_str(&format!(r#","platform":{platform}"#));
            }
            if !annotations.is_empty() {
                e.push_str(&format!(r#","annotations":{annotations}"#));
            }
            e.push('}');
            e
        })
        .collect();
    let body = format!(r#"{{"schemaVersion":2,"manifests":[{}]}}"#, list.join(","));
    match manifest::parse(body.as_bytes(), None) {
        Ok(manifest::Manifest::Index(i)) => i,
        other => panic!("{other:?}"),
    }
}

const AMD64: &str = r#"{"os":"linux","architecture":"amd64"}"#;
const ARM7: &str = r#"{"os":"linux","architecture":"arm","variant":"v7"}"#;
const ARM64: &str = r#"{"os":"linux","architecture":"arm64","variant":"v8"}"#;
const UNKNOWN: &str = r#"{"os":"unknown","architecture":"unknown"}"#;
const ATTEST: &str = r#"{"vnd.docker.reference.type":"attestation-manifest"}"#;

#[test]
fn selection_reasons_say_exact_or_fallback() {
    let idx = index(&[(AMD64, ""), (ARM7, ""), (UNKNOWN, ATTEST)]);
    // (requested, chosen index, reason)
    let cases: &[(&str, usize, &str)] = &[
        ("linux/amd64", 0, "linux/amd64 chosen: exact match for linux/amd64"),
        (
            "linux/arm64/v8",
            1,
            "linux/arm/v7 chosen for linux/arm64/v8 via fallback; available: linux/amd64, linux/arm/v7",
        ),
        ("linux/arm", 1, "linux/arm/v7 chosen: exact match for linux/arm"),
        (
            "linux/amd64/v3",
            0,
            "linux/amd64 chosen for linux/amd64/v3 via fallback; available: linux/amd64, linux/arm/v7",
        ),
    ];
    for (spec, want_index, want_reason) in cases {
        let s = select::select(&idx, &Matcher::only(p(spec), &host()))
            .unwrap_or_else(|| panic!("{spec}"));
        assert_eq!(s.index, *want_index, "{spec}");
        assert_eq!(s.reason, *want_reason, "{spec}");
        assert!(s.descriptor.is_some());
    }
    let exact = index(&[(AMD64, ""), (ARM64, "")]);
    let s = select::select(&exact, &Matcher::only(p("linux/arm64/v8"), &host()));
    assert_eq!(
        s.map(|s| s.reason).as_deref(),
        Some("linux/arm64/v8 chosen: exact match for linux/arm64/v8")
    );
}

#[test]
fn attestations_are_never_chosen() {
    let idx = index(&[(AMD64, ATTEST), (UNKNOWN, ""), (ARM64, "")]);
    assert!(select::is_attestation(&idx.manifests[0]));
    assert!(select::is_attestation(&idx.manifests[1]));
    let m = Matcher::only(p("linux/amd64"), &host());
    assert_eq!(select::select(&idx, &m), None);
    let all = select::select(&idx, &Matcher::all()).map(|s| s.index);
    assert_eq!(all, Some(2));
    assert_eq!(select::available_platforms(&idx), ["linux/arm64/v8"]);
}

#[test]
fn entries_without_platform_are_kept_but_ranked_last() {
    let idx = index(&[("", ""), (ARM7, ""), (AMD64, "")]);
    let m = Matcher::only(p("linux/amd64"), &host());
    assert_eq!(select::ranked(&idx, &m), [2, 0]);
    let s = select::select(&index(&[("", ""), (ARM7, "")]), &m).unwrap_or_else(|| panic!("none"));
    assert_eq!(s.index, 0);
    assert!(s.platform.is_none());
    assert!(s.reason.contains("no platform declared"), "{}", s.reason);
}

#[test]
fn no_match_error_lists_available_platforms() {
    let idx = index(&[(AMD64, ""), (ARM7, ""), (UNKNOWN, ATTEST)]);
    let m = Matcher::only(p("linux/s390x"), &host());
    assert!(select::select(&idx, &m).is_none());
    let e = select::select_or_error(&idx, &m)
        .err()
        .unwrap_or_else(|| panic!("matched"));
    assert_eq!(e.code(), "NO_MATCHING_PLATFORM");
    assert_eq!(
        e.to_string(),
        "no manifest for linux/s390x; available: linux/amd64, linux/arm/v7"
    );
    assert!(e
        .fields()
        .contains(&("available", "linux/amd64, linux/arm/v7".to_string())));
    let empty = select::no_match_error_for_platforms(&[], &m);
    assert_eq!(
        empty.to_string(),
        "no manifest for linux/s390x: the index declares no platforms"
    );
}

#[test]
fn bare_platform_lists_work_like_indexes() {
    let list = vec![
        Some(p("linux/amd64")),
        None,
        Some(p("linux/arm/v5")),
        Some(p("linux/arm/v7")),
    ];
    let m = Matcher::only(p("linux/arm64"), &host());
    let s = select::select_platform(&list, &m).unwrap_or_else(|| panic!("none"));
    assert_eq!(s.index, 3);
    assert!(s.descriptor.is_none());
    assert_eq!(select::ranked_platforms(&list, &m), [3, 2, 1]);
    let strict = Matcher::only_strict(p("linux/arm64"), &host());
    assert_eq!(
        select::select_platform(&list, &strict).map(|s| s.index),
        Some(1)
    );
}

#[test]
fn windows_selection_follows_the_host_build() {
    let w = |v: &str| format!(r#"{{"os":"windows","architecture":"amd64","os.version":"{v}"}}"#);
    let (a, b, c) = (
        w("10.0.17763.6054"),
        w("10.0.20348.2582"),
        w("10.0.26100.1"),
    );
    let idx = index(&[(AMD64, ""), (&a, ""), (&b, ""), (&c, "")]);
    let host_of = |v: &str| Platform {
        os_version: v.to_string(),
        ..Platform::new("windows", "amd64", "")
    };
    let cases: &[(&str, Option<usize>)] = &[
        ("10.0.17763.100", Some(1)),
        ("10.0.20348.100", Some(2)),
        ("10.0.22631.1", Some(2)),
        // containerd main: an ltsc2025 host runs ltsc2022 images too, and matching entries are
        // ordered by revision alone, so 20348.2582 wins over 26100.1 (rc.4 chose 26100.1).
        ("10.0.26100.2000", Some(2)),
        // Past ltsc2025 only images from 26100 up to the host are runnable.
        ("10.0.26200.1", Some(3)),
        ("10.0.14393.1", None),
    ];
    for (h, want) in cases {
        let host = host_of(h);
        let got = select::select(&idx, &Matcher::default_for(&host)).map(|s| s.index);
        assert_eq!(got, *want, "host {h}");
    }
}
