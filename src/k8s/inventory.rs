//! The image inventory of a text: every container image the walker finds ([`list_images`]),
//! with its place, normalized form and effective pull policy, and what the online checks need
//! to know of its pod (node selection, exemptions).

use super::check::{policy_str, span};
use super::walk::{
    exempt_codes, image_sites, path_text, pod_specs, selected_architectures,
    selected_operating_systems,
};
use crate::policy::{default_pull_policy, PullPolicy};
use crate::reference::Reference;
use crate::text::{LineIndex, TextRange};
use crate::yaml::parse_documents_with_spans;
use serde_json::Value;

/// One container image found in a text ([`list_images`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageUse {
    /// Zero-based index of the document in the stream.
    pub document: usize,
    /// Where the image value is written.
    pub range: TextRange,
    /// The image as written.
    pub image: String,
    /// Its normalized form (`docker.io/library/nginx:1.25`); `None` when it does not parse.
    pub normalized: Option<String>,
    /// The policy the container runs with (`None` when the written policy is invalid).
    pub pull_policy: Option<PullPolicy>,
    /// Why (or why the written policy is refused).
    pub pull_policy_reason: String,
    /// The object's kind (`Deployment`).
    pub kind: String,
    /// The object's `metadata.name`.
    pub name: String,
    /// The container's (or image volume's) name.
    pub container: Option<String>,
    /// JSON path of the image value in its document.
    pub field: String,
    /// The architectures the pod's node selection allows (empty: any).
    pub architectures: Vec<String>,
    /// The operating systems the pod's node selection allows (empty: any).
    pub operating_systems: Vec<String>,
    /// Rule codes the object exempts itself from (`pullspec/ignore`).
    pub exempt: Vec<String>,
}

/// Every container image in `text`, in document order.
pub fn list_images(text: &str) -> Vec<ImageUse> {
    let docs = parse_documents_with_spans(text);
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        // A document that does not parse has no images to list (validate reports it).
        if doc.error.is_some() {
            continue;
        }
        for pod in pod_specs(&doc.value).into_iter().flatten() {
            let architectures = selected_architectures(pod.spec);
            let operating_systems = selected_operating_systems(pod.spec);
            let exempt = exempt_codes(pod.object);
            for site in image_sites(&pod) {
                let Some(Value::String(image)) = site.image() else {
                    continue;
                };
                let path = site.image_path();
                let range = span(doc, &path);
                let (pull_policy, pull_policy_reason) =
                    match default_pull_policy(image, policy_str(&site)) {
                        Ok(d) => (Some(d.policy), d.reason),
                        Err(e) => (None, e.to_string()),
                    };
                out.push(ImageUse {
                    document: i,
                    range: index.range(range),
                    image: image.clone(),
                    normalized: Reference::parse_normalized(image)
                        .ok()
                        .map(|r| r.to_string()),
                    pull_policy,
                    pull_policy_reason,
                    kind: pod.kind().to_string(),
                    name: pod.name().to_string(),
                    container: site.name.map(str::to_string),
                    field: path_text(&path),
                    architectures: architectures.clone(),
                    operating_systems: operating_systems.clone(),
                    exempt: exempt.clone(),
                });
            }
        }
    }
    out
}
