//! What the JS client needs beyond the core's first cut: a blob's size from a `HEAD` (for
//! `blob(image, digest)` without a descriptor) and the verified raw bytes of the manifest and
//! config in a [`pullspec::registry::Resolution`] (an OCI layout stores them byte for byte).

#[path = "fixtures/registry/driver.rs"]
mod driver;

use driver::*;
use pullspec::error::Coded;
use pullspec::platform::{Matcher, Platform};
use pullspec::reference::Reference;
use pullspec::registry;

fn reference(s: &str) -> Reference {
    Reference::parse_normalized(s).unwrap()
}

#[test]
fn blob_head_reports_size_and_type_or_a_typed_error() {
    let layer = b"some layer bytes".to_vec();
    let digest = sha(&layer);
    let len = layer.len().to_string();
    let d_text = digest.to_string();
    let wrong = sha(b"other").to_string();
    let r = reference("127.0.0.1:5000/team/app:1.0");
    type Case<'a> = (Reply, Result<(u64, Option<&'a str>), &'a str>);
    let cases: Vec<Case> = vec![
        (
            resp(
                200,
                &[
                    ("Content-Length", &len),
                    ("Content-Type", "application/octet-stream; x=y"),
                    ("Docker-Content-Digest", &d_text),
                ],
                "",
            ),
            Ok((layer.len() as u64, Some("application/octet-stream"))),
        ),
        (
            resp(200, &[("Content-Length", &len)], ""),
            Ok((layer.len() as u64, None)),
        ),
        (resp(404, &[], ""), Err("BLOB_UNKNOWN")),
        (resp(200, &[], ""), Err("INVALID_RESPONSE")),
        (
            resp(
                200,
                &[("Content-Length", &len), ("Docker-Content-Digest", &wrong)],
                "",
            ),
            Err("DIGEST_MISMATCH"),
        ),
    ];
    for (reply, want) in cases {
        let mut s = client();
        let mut d = Driver::new(vec![reply]);
        let got = d.run(&mut s, &mut registry::head_blob(&r, &digest));
        assert_eq!(
            d.lines(),
            [format!(
                "HEAD http://127.0.0.1:5000/v2/team/app/blobs/{digest}"
            )]
        );
        match (got, want) {
            (Ok(h), Ok((size, mt))) => {
                assert_eq!(
                    (h.digest, h.size, h.media_type.as_deref()),
                    (digest.clone(), size, mt)
                );
            }
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{e}"),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn a_resolution_carries_the_verified_manifest_and_config_bytes() {
    let (idx, imgs) = multiarch();
    let arm = &imgs[2];
    let r = reference("127.0.0.1:5000/multiarch:1.0");
    let mut s = client();
    let mut d = Driver::new(vec![
        head_ok(&idx, OCI_INDEX),
        manifest_ok(&idx, OCI_INDEX),
        manifest_ok(&arm.manifest, OCI_MANIFEST),
        blob_ok(&arm.config),
    ]);
    let host = Platform::default_host();
    let m = Matcher::only(Platform::parse("linux/arm/v7", &host).unwrap(), &host);
    let res = d.run(&mut s, &mut registry::resolve(&r, m)).unwrap();
    assert_eq!(res.manifest_bytes, arm.manifest);
    assert_eq!(res.config_bytes, arm.config);
    assert_eq!(sha(&res.manifest_bytes), res.manifest_digest);
    assert_eq!(sha(&res.config_bytes), res.config_digest);
}
