//! Manifests from arbitrary bytes: parse, validate and check never panic and agree with each
//! other; a parsed index always selects without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::manifest::{self, Manifest};
use pullspec::platform::{Matcher, Mode, Platform};
use pullspec::select;

fuzz_target!(|data: &[u8]| {
    let host = Platform::default_host();
    for content_type in [
        None,
        Some("application/vnd.oci.image.index.v1+json"),
        Some("application/vnd.docker.distribution.manifest.v2+json"),
    ] {
        let parsed = manifest::parse(data, content_type);
        let problems = manifest::validate(data, content_type);
        let (checked, all) = manifest::check(data, content_type);
        // parse succeeds exactly when check yields a manifest, and then validate reports no error.
        assert_eq!(parsed.is_ok(), checked.is_some());
        assert_eq!(problems.len(), all.len());
        if let Ok(Manifest::Index(index)) = &parsed {
            for spec in ["linux/arm64", "linux/arm/v7", "windows/amd64"] {
                for mode in [Mode::Only, Mode::Strict, Mode::Exact] {
                    if let Ok(m) = Matcher::from_specifiers(mode, &[spec], &host) {
                        let _ = select::select(index, &m);
                    }
                }
            }
        }
    }
});
