//! The shared pull-policy conformance vectors (expected values from Kubernetes).

mod common;

use common::load_vectors;
use pullspec::policy::admission::{admit, validate, AdmissionRequest, Operation, CONTAINER_LISTS};
use pullspec::policy::kubelet::{
    parse_allowlist_pattern, ImageManager, RuntimeAnswers, VerificationPolicy,
};
use pullspec::policy::{default_pull_policy, pull_decision, ImagePresence, PullPolicy};
use serde_json::Value;

fn presence(input: &Value) -> ImagePresence {
    if input.get("runtime_image_status").and_then(Value::as_str) == Some("inspect_error")
        || input.get("inspect_error").and_then(Value::as_bool) == Some(true)
    {
        return ImagePresence::InspectError;
    }
    match input["image_present"].as_bool() {
        Some(true) => ImagePresence::Present,
        Some(false) => ImagePresence::Absent,
        None => ImagePresence::InspectError,
    }
}

fn decision_name(pull: bool, error: Option<&str>) -> &'static str {
    match (pull, error) {
        (true, _) => "pull",
        (false, None) => "use_local",
        (false, Some(_)) => "error",
    }
}

#[test]
fn pull_policy_vectors() {
    let v = load_vectors("pull_policy.json");
    let cases = v["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    let mut kinds_seen = std::collections::BTreeSet::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let kind = case["kind"].as_str().unwrap();
        let input = &case["input"];
        let want = &case["expected"];
        kinds_seen.insert(kind.to_string());
        let mut check = |what: &str, got: Value, want: &Value| {
            if &got != want {
                failures.push(format!("{id} ({kind}) {what}: want {want}, got {got}"));
            }
        };
        match kind {
            "container_defaulting" => {
                let d = default_pull_policy(
                    input["image"].as_str().unwrap(),
                    input["imagePullPolicy"].as_str(),
                )
                .unwrap();
                check("policy", d.policy.as_str().into(), &want["imagePullPolicy"]);
                check(
                    "tag",
                    d.tag.clone().unwrap_or_default().into(),
                    &want["parsed_tag"],
                );
                check(
                    "digest",
                    d.digest.clone().map_or(Value::Null, Value::from),
                    &want["parsed_digest"],
                );
                let valid =
                    pullspec::Reference::parse_normalized(input["image"].as_str().unwrap()).is_ok();
                check("valid", valid.into(), &want["image_parse_valid"]);
            }
            "always_pull_images_admission" => {
                let req = AdmissionRequest {
                    operation: Operation::parse(input["operation"].as_str().unwrap()),
                    resource: input["resource"].as_str().unwrap(),
                    subresource: input["subresource"].as_str().unwrap_or(""),
                    object: &input["object"],
                    old_object: input.get("oldObject"),
                };
                let out = admit(&req).unwrap();
                if let Some(ignored) = want.get("ignored") {
                    check("ignored", out.ignored.into(), ignored);
                }
                if let Some(policies) = want.get("mutated_policies") {
                    let mut got = serde_json::Map::new();
                    for list in CONTAINER_LISTS {
                        let items = out.object[list].as_array().cloned().unwrap_or_default();
                        got.insert(
                            list.into(),
                            items.iter().map(|c| c["imagePullPolicy"].clone()).collect(),
                        );
                    }
                    check("mutated", Value::Object(got), policies);
                }
                if let Some(expected) = want.get("validate") {
                    let after = AdmissionRequest {
                        object: &out.object,
                        ..req
                    };
                    let violations = validate(&after).unwrap();
                    let got = if violations.is_empty() {
                        "allowed"
                    } else {
                        "denied"
                    };
                    check("validate", got.into(), expected);
                }
            }
            "kubelet_pull_decision" | "kubelet_pull_decision_ensure_secret_pulled_images" => {
                let policy = PullPolicy::parse(input["imagePullPolicy"].as_str().unwrap()).unwrap();
                let d = pull_decision(
                    policy,
                    presence(input),
                    input
                        .get("must_attempt_image_pull")
                        .and_then(Value::as_bool),
                );
                check(
                    "decision",
                    decision_name(d.pull, d.error).into(),
                    &want["decision"],
                );
                if let Some(e) = want.get("error") {
                    check("error", d.error.into(), e);
                }
            }
            "kubelet_pull_sequence" => {
                let policy = PullPolicy::parse(input["imagePullPolicy"].as_str().unwrap()).unwrap();
                let image = input["image"].as_str().unwrap();
                let node: Vec<&str> = input["node_images"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                let present = node
                    .iter()
                    .any(|i| *i == image || *i == format!("{image}:latest"));
                let runtime = RuntimeAnswers {
                    presence: if input["inspect_error"].as_bool() == Some(true) {
                        ImagePresence::InspectError
                    } else if present {
                        ImagePresence::Present
                    } else {
                        ImagePresence::Absent
                    },
                    pull_fails: input
                        .get("pull_error")
                        .is_some_and(|v| !v.is_null() && v != &Value::Bool(false)),
                };
                let mut m = ImageManager::with_backoff(1000, 60_000);
                let attempts = want["attempts"].as_array().unwrap();
                for (i, a) in attempts.iter().enumerate() {
                    let got =
                        m.ensure_image_exists(1000 * (i as u64 + 1), "pod", image, policy, runtime);
                    check(
                        &format!("attempt {i} calls"),
                        got.runtime_calls.clone().into(),
                        &a["runtime_calls"],
                    );
                    check(&format!("attempt {i} error"), got.error.into(), &a["error"]);
                }
            }
            "credential_verification_policy" => {
                let list: Vec<&str> = input
                    .get("preloadedImagesVerificationAllowlist")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let p = VerificationPolicy::parse(
                    input["imagePullCredentialsVerificationPolicy"]
                        .as_str()
                        .unwrap(),
                    &list,
                )
                .unwrap();
                let got = p.require_credential_verification(
                    input["image"].as_str().unwrap(),
                    input["image_pulled_by_kubelet"].as_bool().unwrap(),
                );
                check(
                    "verify",
                    got.into(),
                    &want["require_credential_verification"],
                );
            }
            "allowlist_pattern_validation" => {
                let got = parse_allowlist_pattern(input["pattern"].as_str().unwrap());
                check("valid", got.is_ok().into(), &want["valid"]);
                if let (Ok(p), Some(w)) = (&got, want.get("is_wildcard")) {
                    check("wildcard", p.is_wildcard.into(), w);
                }
            }
            other => failures.push(format!("{id}: unknown kind {other}")),
        }
    }
    assert!(kinds_seen.len() >= 5, "{kinds_seen:?}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
