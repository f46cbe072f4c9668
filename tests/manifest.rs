//! Manifest parsing and validation: good documents of each kind, schema 1 refused, and every
//! validation code with its JSON path.

use pullspec::error::Coded;
use pullspec::manifest::{self, Manifest, ManifestError, MAX_MANIFEST_SIZE};
use pullspec::media_type;

const D1: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const D2: &str = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
/// sha256 of `{}`, the OCI empty descriptor.
const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

fn oci_index() -> String {
    format!(
        r#"{{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{D1}", "size": 7143,
      "platform": {{"architecture": "amd64", "os": "linux"}}}},
    {{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{D2}", "size": 7682,
      "platform": {{"architecture": "arm64", "os": "linux", "variant": "v8"}}}},
    {{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{D1}", "size": 840,
      "annotations": {{"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": "{D1}"}},
      "platform": {{"architecture": "unknown", "os": "unknown"}}}}
  ],
  "annotations": {{"z.last": "1", "a.first": "2"}}
}}"#
    )
}

fn docker_list() -> String {
    format!(
        r#"{{
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
  "manifests": [
    {{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "{D1}", "size": 528,
      "platform": {{"architecture": "amd64", "os": "linux"}}}},
    {{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "{D2}", "size": 528,
      "platform": {{"architecture": "arm", "os": "linux", "variant": "v7"}}}},
    {{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "{D2}", "size": 2000,
      "platform": {{"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.5936", "os.features": ["win32k"]}}}}
  ]
}}"#
    )
}

fn oci_manifest() -> String {
    format!(
        r#"{{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "{D1}", "size": 1469}},
  "layers": [
    {{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "{D2}", "size": 3370706}},
    {{"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", "digest": "{D1}", "size": 12,
      "urls": ["https://example.com/layer"]}}
  ],
  "subject": {{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{D2}", "size": 10}}
}}"#
    )
}

fn docker_manifest() -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
"config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"{D1}"}},
"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"{D2}"}},
{{"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip","size":1,"digest":"{D1}","urls":["https://mcr.microsoft.com/x"]}}]}}"#
    )
}

fn artifact() -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
"artifactType":"application/vnd.example.sbom.v1",
"config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{EMPTY_DIGEST}","size":2,"data":"e30="}},
"layers":[{{"mediaType":"application/spdx+json","digest":"{D1}","size":0}}]}}"#
    )
}

#[test]
fn parses_an_oci_index_keeping_annotation_order() {
    let m = manifest::parse(
        oci_index().as_bytes(),
        Some("application/vnd.oci.image.index.v1+json"),
    );
    let m = m.unwrap_or_else(|e| panic!("{e}"));
    let Manifest::Index(i) = &m else {
        panic!("not an index")
    };
    assert_eq!(i.manifests.len(), 3);
    assert_eq!(
        i.manifests[1].platform.as_ref().map(|p| p.variant.as_str()),
        Some("v8")
    );
    assert_eq!(i.manifests[0].size, 7143);
    assert_eq!(i.manifests[0].digest.to_string(), D1);
    let keys: Vec<&str> = i.annotations.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["z.last", "a.first"]);
    assert_eq!(m.media_type(), media_type::OCI_INDEX);
}

#[test]
fn parses_a_docker_manifest_list_with_windows_platforms() {
    let m = manifest::parse(docker_list().as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    let i = m.as_index().unwrap_or_else(|| panic!("not an index"));
    let w = i.manifests[2].platform.clone().unwrap_or_default();
    assert_eq!(
        (w.os_version.as_str(), w.os_features.len()),
        ("10.0.17763.5936", 1)
    );
    assert_eq!(m.media_type(), media_type::DOCKER_MANIFEST_LIST);
}

#[test]
fn parses_image_manifests_and_artifacts() {
    for (name, body) in [
        ("oci", oci_manifest()),
        ("docker", docker_manifest()),
        ("artifact", artifact()),
    ] {
        let m = manifest::parse(body.as_bytes(), None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let img = m
            .as_image()
            .unwrap_or_else(|| panic!("{name}: not a manifest"));
        assert!(!img.layers.is_empty(), "{name}");
    }
    let m = manifest::parse(oci_manifest().as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    let img = m.as_image().unwrap_or_else(|| panic!("not a manifest"));
    assert_eq!(img.layers[1].urls, ["https://example.com/layer"]);
    assert!(img.subject.is_some());
    let a = manifest::parse(artifact().as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    let a = a.as_image().unwrap_or_else(|| panic!("not a manifest"));
    assert_eq!(
        a.artifact_type.as_deref(),
        Some("application/vnd.example.sbom.v1")
    );
    assert_eq!(a.config.data.as_deref(), Some("e30="));
}

#[test]
fn infers_the_kind_without_media_types() {
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"a/b","digest":"{D1}","size":1}}]}}"#
    );
    let m = manifest::parse(index.as_bytes(), Some("application/json; charset=utf-8"));
    assert!(matches!(m, Ok(Manifest::Index(_))), "{m:?}");
    let image = format!(
        r#"{{"schemaVersion":2,"config":{{"mediaType":"a/b","digest":"{D1}","size":1}},"layers":[]}}"#
    );
    let m = manifest::parse(image.as_bytes(), None);
    assert!(matches!(m, Ok(Manifest::Image(_))), "{m:?}");
    let m = manifest::parse(
        image.as_bytes(),
        Some("application/vnd.oci.image.manifest.v1+json"),
    );
    assert!(matches!(m, Ok(Manifest::Image(_))), "{m:?}");
}

#[test]
fn digest_is_of_the_raw_bytes() {
    let body = oci_index();
    let d = manifest::digest(body.as_bytes());
    let reformatted: String = body.split_whitespace().collect();
    assert_ne!(d, manifest::digest(reformatted.as_bytes()));
    assert_eq!(d.algorithm().name(), "sha256");
}

fn codes(errors: &[ManifestError]) -> Vec<(&'static str, Option<String>)> {
    errors.iter().map(|e| (e.code(), e.path())).collect()
}

fn one(code: &'static str, path: &str) -> Vec<(&'static str, Option<String>)> {
    vec![(code, (!path.is_empty()).then(|| path.to_string()))]
}

#[test]
fn refuses_schema1_in_every_disguise() {
    let signed =
        br#"{"schemaVersion":1,"name":"library/x","tag":"latest","fsLayers":[],"signatures":[]}"#;
    let cases: &[(&[u8], Option<&str>, &str)] = &[
        (signed, None, "schemaVersion"),
        (
            signed,
            Some("application/vnd.docker.distribution.manifest.v1+prettyjws"),
            "",
        ),
        (
            b"{}",
            Some("application/vnd.docker.distribution.manifest.v1+json"),
            "",
        ),
        (
            br#"{"mediaType":"application/vnd.docker.distribution.manifest.v1+json"}"#,
            None,
            "mediaType",
        ),
        (br#"{"schemaVersion":2,"fsLayers":[]}"#, None, "fsLayers"),
    ];
    for (body, ct, path) in cases {
        let errors = manifest::validate(body, *ct);
        assert_eq!(codes(&errors), one("SCHEMA1_UNSUPPORTED", path), "{ct:?}");
    }
}

#[test]
fn every_validation_code_has_its_path() {
    let m = |extra: &str| {
        format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"a/b","digest":"{D1}","size":1}},"layers":[{{"mediaType":"a/b","digest":"{D2}","size":2}}]{extra}}}"#
        )
    };
    let ix = |entry: &str| {
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"a/b","digest":"{D1}","size":1}},{entry}]}}"#
        )
    };
    let entry = |extra: &str| format!(r#"{{"mediaType":"a/b","digest":"{D1}","size":1{extra}}}"#);
    let cases: Vec<(String, Option<&str>, &'static str, &str)> = vec![
        (
            r#"{"schemaVersion":3,"manifests":[]}"#.into(),
            None,
            "SCHEMA_VERSION_INVALID",
            "schemaVersion",
        ),
        (
            r#"{"schemaVersion":"2","manifests":[]}"#.into(),
            None,
            "MANIFEST_FIELD_TYPE",
            "schemaVersion",
        ),
        (
            r#"{"manifests":[]}"#.into(),
            None,
            "MANIFEST_FIELD_MISSING",
            "schemaVersion",
        ),
        (
            r#"{"schemaVersion":2,"manifests":{}}"#.into(),
            None,
            "MANIFEST_FIELD_TYPE",
            "manifests",
        ),
        (
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#.into(),
            None,
            "MANIFEST_FIELD_MISSING",
            "manifests",
        ),
        (
            r#"{"schemaVersion":2,"layers":[]}"#.into(),
            None,
            "MANIFEST_FIELD_MISSING",
            "config",
        ),
        (
            ix(&entry(r#","digest":"sha256:abc""#)),
            None,
            "DUPLICATE_KEY",
            "manifests[1]",
        ),
        (
            ix(r#"{"mediaType":"a/b","digest":"sha256:abc","size":1}"#),
            None,
            "DESCRIPTOR_DIGEST_INVALID",
            "manifests[1].digest",
        ),
        (
            ix(r#"{"mediaType":"a/b","digest":"md5:abc","size":1}"#),
            None,
            "DESCRIPTOR_DIGEST_INVALID",
            "manifests[1].digest",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a/b","digest":"{D1}","size":-1}}"#
            )),
            None,
            "DESCRIPTOR_SIZE_INVALID",
            "manifests[1].size",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a/b","digest":"{D1}","size":1.5}}"#
            )),
            None,
            "DESCRIPTOR_SIZE_INVALID",
            "manifests[1].size",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a/b","digest":"{D1}","size":1e3}}"#
            )),
            None,
            "DESCRIPTOR_SIZE_INVALID",
            "manifests[1].size",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a/b","digest":"{D1}","size":9223372036854775808}}"#
            )),
            None,
            "DESCRIPTOR_SIZE_INVALID",
            "manifests[1].size",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a/b","digest":"{D1}","size":"1"}}"#
            )),
            None,
            "MANIFEST_FIELD_TYPE",
            "manifests[1].size",
        ),
        (
            ix(&format!(r#"{{"mediaType":"a/b","digest":"{D1}"}}"#)),
            None,
            "MANIFEST_FIELD_MISSING",
            "manifests[1].size",
        ),
        (
            ix(&format!(
                r#"{{"mediaType":"a b","digest":"{D1}","size":1}}"#
            )),
            None,
            "MEDIA_TYPE_INVALID",
            "manifests[1].mediaType",
        ),
        (
            ix(&format!(r#"{{"digest":"{D1}","size":1}}"#)),
            None,
            "MANIFEST_FIELD_MISSING",
            "manifests[1].mediaType",
        ),
        (
            ix(&entry(r#","platform":{"os":"linux"}"#)),
            None,
            "PLATFORM_INVALID",
            "manifests[1].platform.architecture",
        ),
        (
            ix(&entry(r#","platform":{"os":"linux","architecture":7}"#)),
            None,
            "PLATFORM_INVALID",
            "manifests[1].platform.architecture",
        ),
        (
            ix(&entry(r#","platform":{"os":"","architecture":"amd64"}"#)),
            None,
            "PLATFORM_INVALID",
            "manifests[1].platform.os",
        ),
        (
            ix(&entry(
                r#","platform":{"os":"windows","architecture":"amd64","os.version":10}"#,
            )),
            None,
            "PLATFORM_INVALID",
            r#"manifests[1].platform["os.version"]"#,
        ),
        (
            ix(&entry(
                r#","platform":{"os":"linux","architecture":"amd64","os.features":["a",1]}"#,
            )),
            None,
            "PLATFORM_INVALID",
            r#"manifests[1].platform["os.features"][1]"#,
        ),
        (
            ix(&entry(r#","platform":"linux/amd64""#)),
            None,
            "PLATFORM_INVALID",
            "manifests[1].platform",
        ),
        (
            ix(&entry(
                r#","annotations":{"org.opencontainers.image.title":5}"#,
            )),
            None,
            "ANNOTATION_NOT_STRING",
            r#"manifests[1].annotations["org.opencontainers.image.title"]"#,
        ),
        (
            ix(&entry(r#","annotations":["x"]"#)),
            None,
            "MANIFEST_FIELD_TYPE",
            "manifests[1].annotations",
        ),
        (
            ix(&entry(r#","urls":["a",null]"#)),
            None,
            "MANIFEST_FIELD_TYPE",
            "manifests[1].urls[1]",
        ),
        (
            ix(&entry(r#","artifactType":"nope""#)),
            None,
            "MEDIA_TYPE_INVALID",
            "manifests[1].artifactType",
        ),
        (
            ix(&entry(r#","data":"!!!!""#)),
            None,
            "DESCRIPTOR_DATA_INVALID",
            "manifests[1].data",
        ),
        (
            ix(&entry(r#","data":"e30=""#)),
            None,
            "DESCRIPTOR_DATA_INVALID",
            "manifests[1].data",
        ),
        (ix("7"), None, "MANIFEST_FIELD_TYPE", "manifests[1]"),
        (
            m(r#","annotations":{"a":"1","a":"2"}"#),
            None,
            "DUPLICATE_KEY",
            "annotations",
        ),
        (
            m(r#","annotations":{"k":true}"#),
            None,
            "ANNOTATION_NOT_STRING",
            "annotations.k",
        ),
        (
            m(r#","artifactType":7"#),
            None,
            "MANIFEST_FIELD_TYPE",
            "artifactType",
        ),
        (
            m(r#","subject":{}"#),
            None,
            "MANIFEST_FIELD_MISSING",
            "subject.mediaType",
        ),
        (
            m(r#","manifests":[]"#),
            Some(media_type::OCI_MANIFEST),
            "MEDIA_TYPE_MISMATCH",
            "manifests",
        ),
        (
            m(r#","mediaType":"application/vnd.oci.image.manifest.v1+json""#),
            Some(media_type::OCI_INDEX),
            "MEDIA_TYPE_MISMATCH",
            "mediaType",
        ),
        (
            m(""),
            Some(media_type::OCI_INDEX),
            "MEDIA_TYPE_MISMATCH",
            "config",
        ),
        (
            m(r#","mediaType":"application/vnd.oci.image.config.v1+json""#),
            None,
            "MEDIA_TYPE_UNSUPPORTED",
            "mediaType",
        ),
        (m(""), Some("text/html"), "MEDIA_TYPE_UNSUPPORTED", ""),
        (
            m(r#","mediaType":"nonsense""#),
            None,
            "MEDIA_TYPE_INVALID",
            "mediaType",
        ),
        (
            r#"{"schemaVersion":2}"#.into(),
            None,
            "MANIFEST_KIND_UNKNOWN",
            "",
        ),
        (
            r#"{"schemaVersion":2,"manifests":[],"layers":[]}"#.into(),
            None,
            "MANIFEST_KIND_UNKNOWN",
            "",
        ),
        ("[]".into(), None, "MANIFEST_FIELD_TYPE", ""),
        (
            format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{EMPTY_DIGEST}","size":2}},"layers":[]}}"#
            ),
            None,
            "MANIFEST_FIELD_MISSING",
            "artifactType",
        ),
    ];
    for (body, ct, code, path) in &cases {
        let errors = manifest::validate(body.as_bytes(), *ct);
        let got = codes(&errors);
        let want = (*code, (!path.is_empty()).then(|| path.to_string()));
        assert!(
            got.contains(&want),
            "{body}\n  want {want:?}\n  got {got:?}"
        );
        let parsed = manifest::parse(body.as_bytes(), *ct);
        assert!(parsed.is_err(), "{body} parsed");
        for e in &errors {
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn reports_every_problem_at_once_in_document_order() {
    let body = r#"{"schemaVersion":2,"manifests":[
        {"mediaType":"a/b","digest":"sha256:x","size":-1},
        {"mediaType":"a/b","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":1,"platform":{}}
    ],"annotations":{"a":1}}"#;
    let got = codes(&manifest::validate(body.as_bytes(), None));
    let want: Vec<(&str, Option<String>)> = vec![
        (
            "DESCRIPTOR_DIGEST_INVALID",
            Some("manifests[0].digest".into()),
        ),
        ("DESCRIPTOR_SIZE_INVALID", Some("manifests[0].size".into())),
        (
            "PLATFORM_INVALID",
            Some("manifests[1].platform.architecture".into()),
        ),
        ("PLATFORM_INVALID", Some("manifests[1].platform.os".into())),
        ("ANNOTATION_NOT_STRING", Some("annotations.a".into())),
    ];
    assert_eq!(got, want);
    let first = manifest::parse(body.as_bytes(), None)
        .err()
        .map(|e| e.code());
    assert_eq!(first, Some("DESCRIPTOR_DIGEST_INVALID"));
    let digest_error = manifest::validate(body.as_bytes(), None).remove(0);
    assert!(digest_error
        .fields()
        .contains(&("reason", "DIGEST_INVALID_LENGTH".to_string())));
}

#[test]
fn refuses_oversized_bodies_before_parsing() {
    let mut body = vec![b' '; MAX_MANIFEST_SIZE + 1];
    body[0] = b'{';
    let errors = manifest::validate(&body, None);
    assert_eq!(codes(&errors), one("MANIFEST_TOO_LARGE", ""));
    assert_eq!(errors[0].fields()[0], ("limit", "4194304".to_string()));
    // Exactly at the limit is parsed (and here fails as JSON, not as size).
    let errors = manifest::validate(&body[..MAX_MANIFEST_SIZE], None);
    assert_eq!(errors[0].code(), "MANIFEST_INVALID_JSON");
}

#[test]
fn refuses_non_utf8_and_bad_json_with_offsets() {
    let errors = manifest::validate(b"{\"a\":\"\xff\"}", None);
    assert_eq!(codes(&errors), one("MANIFEST_INVALID_UTF8", ""));
    assert_eq!(errors[0].offset(), Some(6));

    let body = b"{\"schemaVersion\": 2,\n \"manifests\": [,]}";
    let errors = manifest::validate(body, None);
    assert_eq!(errors[0].code(), "MANIFEST_INVALID_JSON");
    assert_eq!(errors[0].offset().and_then(|o| body.get(o)), Some(&b','));
    assert!(errors[0].fields().contains(&("line", "2".to_string())));

    for body in [&b""[..], b"{", b"{} {}", b"nul", b"{\"a\":01}"] {
        let errors = manifest::validate(body, None);
        assert_eq!(errors.len(), 1, "{body:?}");
        assert_eq!(errors[0].code(), "MANIFEST_INVALID_JSON", "{body:?}");
    }
}

#[test]
fn depth_bombs_are_errors_not_crashes() {
    for open in [b'[', b'{'] {
        let mut body = vec![open; 100_000];
        if open == b'{' {
            body = b"{\"a\":".repeat(100_000);
        }
        let errors = manifest::validate(&body, None);
        assert_eq!(errors[0].code(), "MANIFEST_INVALID_JSON");
        assert!(
            errors[0].to_string().contains("recursion limit"),
            "{}",
            errors[0]
        );
    }
    // 127 levels is within the limit: parsed, then refused for what it is.
    let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
    let errors = manifest::validate(deep.as_bytes(), None);
    assert_eq!(errors[0].code(), "MANIFEST_FIELD_TYPE");
}

#[test]
fn huge_arrays_are_fine() {
    let entry = format!(r#"{{"mediaType":"a/b","digest":"{D1}","size":1}}"#);
    let entries = vec![entry; 20_000].join(",");
    let body = format!(r#"{{"schemaVersion":2,"manifests":[{entries}]}}"#);
    assert!(body.len() < MAX_MANIFEST_SIZE);
    let m = manifest::parse(body.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.as_index().map(|i| i.manifests.len()), Some(20_000));
    let nulls = format!("[{}null]", "null,".repeat(700_000));
    assert_eq!(
        manifest::validate(nulls.as_bytes(), None)[0].code(),
        "MANIFEST_FIELD_TYPE"
    );
}
