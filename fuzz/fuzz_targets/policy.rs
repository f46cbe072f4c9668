//! Fuzzes the pull-policy decisions: the API server's defaulting with arbitrary image strings,
//! and the AlwaysPullImages admission controller with arbitrary JSON. Besides not panicking:
//!
//! - the defaulted policy reports a tag exactly when the image parses, and `Always` implies the
//!   effective tag is `latest`;
//! - admission is idempotent (admitting its own output changes nothing), and its output passes
//!   the validating half;
//! - errors carry a code, and a message that formats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::policy::admission::{
    apply_always_pull_images, validate, AdmissionRequest, Operation,
};
use pullspec::policy::{default_pull_policy, PullPolicy};
use pullspec::{Coded, Reference};

fuzz_target!(|data: &[u8]| {
    if let Ok(image) = std::str::from_utf8(data) {
        check_default(image);
    }
    if let Ok(object) = serde_json::from_slice::<serde_json::Value>(data) {
        check_admission(&object);
    }
});

fn check_default(image: &str) {
    match default_pull_policy(image, None) {
        Ok(d) => {
            assert!(d.defaulted);
            let parses = Reference::parse_normalized(image).is_ok();
            assert_eq!(
                d.tag.is_some() || d.digest.is_some(),
                parses,
                "{image:?}: {d:?}"
            );
            if d.policy == PullPolicy::Always {
                assert_eq!(d.tag.as_deref(), Some("latest"), "{image:?}: {d:?}");
            }
        }
        Err(e) => panic!("defaulting with no written policy failed for {image:?}: {e}"),
    }
}

fn check_admission(object: &serde_json::Value) {
    match apply_always_pull_images(object) {
        Ok(out) => {
            let _ = out.reason.len();
            let again = apply_always_pull_images(&out.object)
                .unwrap_or_else(|e| panic!("admitting the admitted object fails: {e}"));
            assert!(
                again.changed.is_empty(),
                "not idempotent: {:?}",
                again.changed
            );
            assert_eq!(again.object, out.object, "not idempotent");
            let violations = validate(&AdmissionRequest {
                operation: Operation::Create,
                resource: "pods",
                subresource: "",
                object: &out.object,
                old_object: None,
            })
            .unwrap_or_else(|e| panic!("validating the admitted object fails: {e}"));
            assert!(
                violations.is_empty(),
                "admitted object violates: {violations:?}"
            );
        }
        Err(e) => {
            let _ = (e.to_string(), e.code(), e.path(), e.offset());
        }
    }
}
