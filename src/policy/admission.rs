//! The AlwaysPullImages admission controller: every init, regular and ephemeral container of a
//! Pod gets `imagePullPolicy: Always` on CREATE and UPDATE, so that a pod can use a private image
//! only if its own credentials can pull it.
//!
//! As upstream, requests for subresources (e.g. `pods/ephemeralcontainers`), for other resources,
//! and UPDATEs that add no image the old pod did not have are left alone. Objects are JSON
//! values; anything not shaped like a pod spec is an error with its JSON path, never a panic.

use super::{PolicyError, PullPolicy};
use crate::k8s::walk::{check_lists, get, kind_of, path_text, pod_spec_path, Lookup};
use crate::yaml::spans::Step;
use serde_json::Value;

pub use crate::k8s::walk::CONTAINER_LISTS;

/// The admission operations that matter here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// CREATE
    Create,
    /// UPDATE
    Update,
    /// DELETE, CONNECT: never mutated.
    Other,
}

impl Operation {
    /// From the API spelling (`CREATE`, `UPDATE`, ...), case-insensitive.
    pub fn parse(s: &str) -> Operation {
        match s.to_ascii_uppercase().as_str() {
            "CREATE" => Operation::Create,
            "UPDATE" => Operation::Update,
            _ => Operation::Other,
        }
    }
}

/// One admission request, as the API server hands it to the plugin.
#[derive(Clone, Copy, Debug)]
pub struct AdmissionRequest<'a> {
    /// CREATE or UPDATE.
    pub operation: Operation,
    /// The resource (`pods`).
    pub resource: &'a str,
    /// The subresource (empty for the pod itself).
    pub subresource: &'a str,
    /// The new object.
    pub object: &'a Value,
    /// The old object (UPDATE only).
    pub old_object: Option<&'a Value>,
}

/// What the controller did.
#[derive(Clone, Debug, PartialEq)]
pub struct AdmissionOutcome {
    /// True when the request is not the controller's business (the object is unchanged).
    pub ignored: bool,
    /// The object after mutation.
    pub object: Value,
    /// JSON paths of the policies that changed.
    pub changed: Vec<String>,
    /// One sentence for a person.
    pub reason: String,
}

/// A container whose policy the validating half refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON path of its `imagePullPolicy`.
    pub path: String,
    /// The value found (empty when missing).
    pub value: String,
}

/// The mutating half (`Admit`).
pub fn admit(req: &AdmissionRequest<'_>) -> Result<AdmissionOutcome, PolicyError> {
    if let Some(reason) = ignore_reason(req)? {
        return Ok(AdmissionOutcome {
            ignored: true,
            object: req.object.clone(),
            changed: Vec::new(),
            reason,
        });
    }
    let mut object = req.object.clone();
    let spec_path = locate_pod_spec(&object)?;
    let prefix = path_text(spec_path);
    let mut changed = Vec::new();
    if let Some(spec) = get_mut(&mut object, spec_path) {
        for list in CONTAINER_LISTS {
            let Some(items) = spec.get_mut(list) else {
                continue;
            };
            let Some(items) = items.as_array_mut() else {
                continue; // shape already checked by locate_pod_spec
            };
            for (i, c) in items.iter_mut().enumerate() {
                if let Some(c) = c.as_object_mut() {
                    let path = format!("{}.imagePullPolicy", child(&prefix, list, i));
                    if c.get("imagePullPolicy").and_then(Value::as_str) != Some("Always") {
                        changed.push(path);
                    }
                    c.insert(
                        "imagePullPolicy".into(),
                        Value::from(PullPolicy::Always.as_str()),
                    );
                }
            }
        }
    }
    let reason = if changed.is_empty() {
        "every container already pulls Always".to_string()
    } else {
        format!(
            "set imagePullPolicy to Always on {} container(s)",
            changed.len()
        )
    };
    Ok(AdmissionOutcome {
        ignored: false,
        object,
        changed,
        reason,
    })
}

/// The validating half (`Validate`): the containers whose policy is not `Always` (empty when
/// allowed, or when the request is ignored).
pub fn validate(req: &AdmissionRequest<'_>) -> Result<Vec<Violation>, PolicyError> {
    if ignore_reason(req)?.is_some() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    visit_containers(req.object, |path, c| {
        let policy = c
            .get("imagePullPolicy")
            .and_then(Value::as_str)
            .unwrap_or("");
        if policy != "Always" {
            out.push(Violation {
                path: format!("{path}.imagePullPolicy"),
                value: policy.to_string(),
            });
        }
    })?;
    Ok(out)
}

/// AlwaysPullImages applied to one object as on CREATE: a Pod, a bare pod spec, or a workload
/// whose pod template (`spec.template.spec`, or a CronJob's `spec.jobTemplate.spec.template.spec`)
/// is what its pods will be made from. Returns the changed copy.
pub fn apply_always_pull_images(object: &Value) -> Result<AdmissionOutcome, PolicyError> {
    admit(&AdmissionRequest {
        operation: Operation::Create,
        resource: "pods",
        subresource: "",
        object,
        old_object: None,
    })
}

fn ignore_reason(req: &AdmissionRequest<'_>) -> Result<Option<String>, PolicyError> {
    if !req.subresource.is_empty() {
        return Ok(Some(format!(
            "ignored: requests for the subresource {:?} are not checked",
            req.subresource
        )));
    }
    if req.resource != "pods" {
        return Ok(Some(format!("ignored: {:?} is not pods", req.resource)));
    }
    match req.operation {
        Operation::Other => return Ok(Some("ignored: only CREATE and UPDATE are checked".into())),
        Operation::Create => {}
        Operation::Update => {
            if let Some(old) = req.old_object {
                let mut old_images = Vec::new();
                visit_containers(old, |_, c| old_images.push(image_of(c)))?;
                let mut new_image = false;
                visit_containers(req.object, |_, c| {
                    new_image |= !old_images.contains(&image_of(c));
                })?;
                if !new_image {
                    return Ok(Some(
                        "ignored: the update adds no image the pod did not already have".into(),
                    ));
                }
            }
        }
    }
    Ok(None)
}

fn image_of(c: &serde_json::Map<String, Value>) -> String {
    c.get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// Calls `f(path, container)` for every container, in upstream's order.
pub fn visit_containers(
    object: &Value,
    mut f: impl FnMut(&str, &serde_json::Map<String, Value>),
) -> Result<(), PolicyError> {
    let spec_path = locate_pod_spec(object)?;
    let Some(spec) = get(object, spec_path) else {
        return Err(PolicyError::PodSpecNotFound);
    };
    let prefix = path_text(spec_path);
    for list in CONTAINER_LISTS {
        if let Some(items) = spec.get(list).and_then(Value::as_array) {
            for (i, c) in items.iter().enumerate() {
                if let Some(c) = c.as_object() {
                    f(&child(&prefix, list, i), c);
                }
            }
        }
    }
    Ok(())
}

/// `prefix.list[i]` (`list[i]` for a bare pod spec).
fn child(prefix: &str, list: &str, i: usize) -> String {
    crate::manifest::index_path(&crate::manifest::child_path(prefix, list), i)
}

/// The path of the object's pod spec (by kind, else by shape: the shared walker of
/// [`crate::k8s::walk`]), its container lists checked.
fn locate_pod_spec(object: &Value) -> Result<&'static [Step<'static>], PolicyError> {
    if !object.is_object() {
        return Err(PolicyError::PodSpecInvalid {
            path: "$".into(),
            problem: format!("expected an object, found {}", kind_of(object)),
        });
    }
    let path = pod_spec_path(object, Lookup::ByKindOrShape).ok_or(PolicyError::PodSpecNotFound)?;
    let spec = get(object, path)
        .and_then(Value::as_object)
        .ok_or(PolicyError::PodSpecNotFound)?;
    check_lists(spec, path)?;
    Ok(path)
}

/// The value at `path`, mutably.
fn get_mut<'v>(v: &'v mut Value, path: &[Step<'_>]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        Step::Key(k) => v.get_mut(*k),
        Step::Index(i) => v.get_mut(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Coded;
    use serde_json::json;

    #[test]
    fn mutates_pods_specs_and_templates() {
        let objects = [
            json!({"containers": [{"image": "a"}]}),
            json!({"kind": "Pod", "spec": {"containers": [{"image": "a", "imagePullPolicy": "Never"}]}}),
            json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"image": "a"}]}}}}),
            json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"initContainers": [{"image": "a"}]}}}}}}),
        ];
        for o in objects {
            let out = apply_always_pull_images(&o).unwrap();
            assert_eq!(out.changed.len(), 1, "{o}");
            let mut seen = 0;
            visit_containers(&out.object, |_, c| {
                assert_eq!(c["imagePullPolicy"], "Always");
                seen += 1;
            })
            .unwrap();
            assert_eq!(seen, 1);
        }
    }

    #[test]
    fn refuses_what_is_not_a_pod() {
        assert_eq!(
            apply_always_pull_images(&json!({"kind": "ConfigMap"}))
                .unwrap_err()
                .code(),
            "POD_SPEC_NOT_FOUND"
        );
        let e = apply_always_pull_images(&json!({"containers": [1]})).unwrap_err();
        assert_eq!(e.path().as_deref(), Some("containers[0]"));
        assert_eq!(
            apply_always_pull_images(&json!("x")).unwrap_err().code(),
            "POD_SPEC_INVALID"
        );
    }
}
