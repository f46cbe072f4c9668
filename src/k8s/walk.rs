//! Where pod specs and images live in each kind of object: the one walker that AlwaysPullImages
//! admission and the manifest checks share.
//!
//! | kind | pod spec at |
//! | --- | --- |
//! | Pod | `spec` |
//! | PodTemplate | `template.spec` |
//! | ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet, Job | `spec.template.spec` |
//! | CronJob | `spec.jobTemplate.spec.template.spec` |
//! | List (and `*List`) | each of `items` |
//!
//! In a pod spec, images are in `initContainers[*].image`, `containers[*].image`,
//! `ephemeralContainers[*].image` (each with `imagePullPolicy`) and image volumes'
//! `volumes[*].image.reference` (with `pullPolicy`; Kubernetes 1.31+). Nothing else is an image:
//! an RBD volume's `image`, or a custom resource's `spec.template.spec.containers`, is skipped.
//! An object that has no pod spec is skipped, never an error; a pod spec whose container lists
//! are not lists of objects is a [`ShapeError`] with its path.

use crate::policy::PolicyError;
use crate::yaml::spans::Step;
use serde_json::{Map, Value};

/// The pod-spec lists of containers, in the order the API server (and admission) visits them.
pub const CONTAINER_LISTS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

use Step::{Index, Key};

/// A path from a document's root, built from steps (keys are the walker's own, hence static).
pub type Path = Vec<Step<'static>>;

/// The JSON path text of steps (`spec.containers[0].image`), as the rest of the crate writes it.
pub fn path_text(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        out = match step {
            Key(k) => crate::manifest::child_path(&out, k),
            Index(i) => crate::manifest::index_path(&out, *i),
        };
    }
    out
}

/// The pod spec of a kind (`None` for kinds that have none).
fn spec_path(kind: &str) -> Option<&'static [Step<'static>]> {
    Some(match kind {
        "Pod" => &[Key("spec")],
        "PodTemplate" => &[Key("template"), Key("spec")],
        "ReplicationController"
        | "ReplicaSet"
        | "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "Job" => &[Key("spec"), Key("template"), Key("spec")],
        "CronJob" => &[
            Key("spec"),
            Key("jobTemplate"),
            Key("spec"),
            Key("template"),
            Key("spec"),
        ],
        _ => return None,
    })
}

/// The API groups a kind of the table belongs to (a CRD may reuse a name in its own group).
fn group_fits(kind: &str, api_version: Option<&str>) -> bool {
    let Some(v) = api_version else { return true };
    let group = v.rsplit_once('/').map_or("", |(g, _)| g);
    match kind {
        "Pod" | "PodTemplate" | "ReplicationController" => group.is_empty(),
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" => {
            matches!(group, "apps" | "extensions")
        }
        "Job" | "CronJob" => group == "batch",
        _ => false,
    }
}

/// How an object without a known kind is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Only the kinds of the table (what the manifest checks do: a custom resource is skipped).
    ByKind,
    /// The kinds of the table; an object of another or no kind is tried as a bare pod spec, then
    /// at `spec`, `spec.template.spec` and `spec.jobTemplate.spec.template.spec` (what the
    /// admission functions accept from callers).
    ByKindOrShape,
}

/// Where an object's pod spec is: its path below the object, or `None` when it has none.
pub fn pod_spec_path(object: &Value, lookup: Lookup) -> Option<&'static [Step<'static>]> {
    const SHAPES: [&[Step<'static>]; 4] = [
        &[],
        &[Key("spec")],
        &[Key("spec"), Key("template"), Key("spec")],
        &[
            Key("spec"),
            Key("jobTemplate"),
            Key("spec"),
            Key("template"),
            Key("spec"),
        ],
    ];
    let obj = object.as_object()?;
    let kind = obj.get("kind").and_then(Value::as_str);
    let has_lists = |path: &[Step<'_>]| {
        get(object, path)
            .and_then(Value::as_object)
            .is_some_and(|spec| CONTAINER_LISTS.iter().any(|l| spec.contains_key(*l)))
    };
    if let Some(path) = kind.and_then(spec_path) {
        let api_version = obj.get("apiVersion").and_then(Value::as_str);
        if group_fits(kind.unwrap_or(""), api_version) {
            return has_lists(path).then_some(path);
        }
    }
    if lookup == Lookup::ByKind {
        return None;
    }
    SHAPES.into_iter().find(|p| has_lists(p))
}

/// The value at `path` below `v`.
pub fn get<'v>(v: &'v Value, path: &[Step<'_>]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, step| match step {
        Key(k) => v.get(*k),
        Index(i) => v.get(*i),
    })
}

/// A pod spec whose container lists are not lists of objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    /// Where, from the document root.
    pub path: Path,
    /// What is wrong.
    pub problem: String,
}

impl From<ShapeError> for PolicyError {
    fn from(e: ShapeError) -> PolicyError {
        PolicyError::PodSpecInvalid {
            path: path_text(&e.path),
            problem: e.problem,
        }
    }
}

/// Checks that the container lists of a pod spec are lists of objects.
pub fn check_lists(spec: &Map<String, Value>, prefix: &[Step<'static>]) -> Result<(), ShapeError> {
    for list in CONTAINER_LISTS {
        match spec.get(list) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                if let Some((i, c)) = items.iter().enumerate().find(|(_, c)| !c.is_object()) {
                    return Err(ShapeError {
                        path: [prefix, &[Key(list), Index(i)]].concat(),
                        problem: format!("expected a container object, found {}", kind_of(c)),
                    });
                }
            }
            Some(other) => {
                return Err(ShapeError {
                    path: [prefix, &[Key(list)]].concat(),
                    problem: format!("expected a list of containers, found {}", kind_of(other)),
                })
            }
        }
    }
    Ok(())
}

/// A pod spec found in a document.
#[derive(Clone, Debug)]
pub struct PodSpec<'v> {
    /// The object that holds it (a List item is an object of its own).
    pub object: &'v Value,
    /// The path of the object from the document root (`[]`, or `items[3]` in a List).
    pub object_path: Path,
    /// The path of the pod spec from the document root.
    pub path: Path,
    /// The pod spec.
    pub spec: &'v Map<String, Value>,
}

impl PodSpec<'_> {
    /// The object's `kind` (empty when absent).
    pub fn kind(&self) -> &str {
        self.object
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The object's `metadata.name` (empty when absent).
    pub fn name(&self) -> &str {
        metadata_str(self.object, "name")
    }
}

/// `metadata.<field>` of an object as a string (empty when absent).
pub fn metadata_str<'v>(object: &'v Value, field: &str) -> &'v str {
    object
        .get("metadata")
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The objects of a document: itself, or the items of a List.
pub fn objects(doc: &Value) -> Vec<(Path, &Value)> {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    match doc.get("items").and_then(Value::as_array) {
        Some(items) if kind == "List" || kind.ends_with("List") => items
            .iter()
            .enumerate()
            .map(|(i, item)| (vec![Key("items"), Index(i)], item))
            .collect(),
        _ => vec![(Vec::new(), doc)],
    }
}

/// The pod specs of a document (by kind, List items included), each with the result of
/// [`check_lists`].
pub fn pod_specs(doc: &Value) -> Vec<Result<PodSpec<'_>, ShapeError>> {
    let mut out = Vec::new();
    for (object_path, object) in objects(doc) {
        let Some(rel) = pod_spec_path(object, Lookup::ByKind) else {
            continue;
        };
        let Some(spec) = get(object, rel).and_then(Value::as_object) else {
            continue;
        };
        let path: Path = [object_path.as_slice(), rel].concat();
        out.push(check_lists(spec, &path).map(|()| PodSpec {
            object,
            object_path,
            path,
            spec,
        }));
    }
    out
}

/// Where an image is written in a pod spec.
#[derive(Clone, Debug)]
pub struct ImageSite<'v> {
    /// `containers`, `initContainers`, `ephemeralContainers` or `volumes`.
    pub list: &'static str,
    /// Index in that list.
    pub index: usize,
    /// The container, or the volume's `image` object.
    pub holder: &'v Map<String, Value>,
    /// The path of `holder` from the document root.
    pub path: Path,
    /// `image`, or `reference` for a volume.
    pub image_key: &'static str,
    /// `imagePullPolicy`, or `pullPolicy` for a volume.
    pub policy_key: &'static str,
    /// The container's or the volume's name.
    pub name: Option<&'v str>,
}

impl<'v> ImageSite<'v> {
    /// The image value as written (`None` when the key is absent).
    pub fn image(&self) -> Option<&'v Value> {
        self.holder.get(self.image_key)
    }

    /// The pull-policy value as written.
    pub fn policy(&self) -> Option<&'v Value> {
        self.holder.get(self.policy_key)
    }

    /// The path of the image value.
    pub fn image_path(&self) -> Path {
        [self.path.as_slice(), &[Key(self.image_key)]].concat()
    }

    /// The path of the pull-policy value.
    pub fn policy_path(&self) -> Path {
        [self.path.as_slice(), &[Key(self.policy_key)]].concat()
    }
}

/// Every image site of a pod spec: containers (init, regular, ephemeral), then image volumes.
pub fn image_sites<'v>(pod: &PodSpec<'v>) -> Vec<ImageSite<'v>> {
    let mut out = Vec::new();
    for list in CONTAINER_LISTS {
        let Some(items) = pod.spec.get(list).and_then(Value::as_array) else {
            continue;
        };
        for (index, c) in items.iter().enumerate() {
            let Some(holder) = c.as_object() else {
                continue;
            };
            out.push(ImageSite {
                list,
                index,
                holder,
                path: [pod.path.as_slice(), &[Key(list), Index(index)]].concat(),
                image_key: "image",
                policy_key: "imagePullPolicy",
                name: holder.get("name").and_then(Value::as_str),
            });
        }
    }
    if let Some(volumes) = pod.spec.get("volumes").and_then(Value::as_array) {
        for (index, v) in volumes.iter().enumerate() {
            let Some(holder) = v.get("image").and_then(Value::as_object) else {
                continue;
            };
            out.push(ImageSite {
                list: "volumes",
                index,
                holder,
                path: [
                    pod.path.as_slice(),
                    &[Key("volumes"), Index(index), Key("image")],
                ]
                .concat(),
                image_key: "reference",
                policy_key: "pullPolicy",
                name: v.get("name").and_then(Value::as_str),
            });
        }
    }
    out
}

/// The architectures a pod may be scheduled to by its `nodeSelector` and its required node
/// affinity on `kubernetes.io/arch` (or the older `beta.kubernetes.io/arch`); empty when it
/// does not say.
pub fn selected_architectures(spec: &Map<String, Value>) -> Vec<String> {
    selected(spec, &["kubernetes.io/arch", "beta.kubernetes.io/arch"])
}

/// The operating systems a pod may be scheduled to (`kubernetes.io/os`, and the pod's own
/// `os.name`); empty when it does not say.
pub fn selected_operating_systems(spec: &Map<String, Value>) -> Vec<String> {
    let mut out = selected(spec, &["kubernetes.io/os", "beta.kubernetes.io/os"]);
    if let Some(os) = spec
        .get("os")
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
    {
        out.push(os.to_string());
        out.sort();
        out.dedup();
    }
    out
}

/// The values a pod's `nodeSelector` and required node affinity (`In`) allow for a node label.
fn selected(spec: &Map<String, Value>, keys: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(sel) = spec.get("nodeSelector") {
        for k in keys {
            if let Some(a) = sel.get(*k).and_then(Value::as_str) {
                out.push(a.to_string());
            }
        }
    }
    let terms = spec
        .get("affinity")
        .and_then(|a| a.get("nodeAffinity"))
        .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .and_then(|r| r.get("nodeSelectorTerms"))
        .and_then(Value::as_array);
    for term in terms.into_iter().flatten() {
        let exprs = term.get("matchExpressions").and_then(Value::as_array);
        for e in exprs.into_iter().flatten() {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let op = e.get("operator").and_then(Value::as_str).unwrap_or("");
            if keys.contains(&key) && op == "In" {
                let values = e.get("values").and_then(Value::as_array);
                out.extend(
                    values
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The rule codes an object exempts itself from (its `pullspec/ignore` annotation).
pub fn exempt_codes(object: &Value) -> Vec<String> {
    object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(super::options::IGNORE_ANNOTATION))
        .and_then(Value::as_str)
        .map(super::options::codes)
        .unwrap_or_default()
}

/// `a string`, `a list`, ... for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
