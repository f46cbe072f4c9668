//! The offline checks: every image of every pod spec in a text, at its line and character.
//!
//! [`validate`] reads a stream of YAML or JSON documents with spans, walks each object's pod
//! spec ([`super::walk`]), and reports [`Diagnostic`]s with the codes of [`super::rules`]. A
//! document that is not YAML is one `YAML_INVALID` and the others are still checked. Nothing is
//! reported about objects without a pod spec, nor about `image` keys that are not container
//! images. [`list_images`] is the inventory the same walk finds.

use super::diagnostic::{Diagnostic, Edit, Fix};
use super::options::{CheckOptions, Ignores};
use super::scalar::source_offset;
use super::walk::{
    exempt_codes, image_sites, metadata_str, objects, path_text, pod_specs, selected_architectures,
    selected_operating_systems, ImageSite, Path, PodSpec,
};
use crate::auth::glob::urls_match;
use crate::auth::secrets::{read_pull_secret, SecretError, SecretOutcome};
use crate::error::Coded;
use crate::policy::{default_pull_policy, PullPolicy};
use crate::reference::{split_arch_suffix, Reference};
use crate::text::{closest, LineIndex, TextRange};
use crate::yaml::parse_documents_with_spans;
use crate::yaml::spans::Step;
use crate::yaml::Document;
use serde_json::Value;
use std::ops::Range;

/// The values `imagePullPolicy` may take.
const POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];

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

/// Checks every document of `text` (YAML or JSON, one or many documents).
pub fn validate(text: &str, options: &CheckOptions) -> Vec<Diagnostic> {
    let docs = parse_documents_with_spans(text);
    let mut cx = Checker {
        text,
        index: LineIndex::new(text),
        options,
        out: Vec::new(),
    };
    let secrets = cx.secrets(&docs);
    for (i, doc) in docs.iter().enumerate() {
        if let Some(e) = &doc.error {
            let at = e.offset.min(text.len());
            let end = next_char(text, at);
            cx.emit(
                i,
                doc,
                &[],
                Some(at..end),
                "YAML_INVALID",
                e.to_string(),
                Vec::new(),
                &[],
            );
            continue;
        }
        for pod in pod_specs(&doc.value) {
            match pod {
                Err(shape) => {
                    let message = format!("{}: {}", path_text(&shape.path), shape.problem);
                    cx.emit(
                        i,
                        doc,
                        &shape.path,
                        None,
                        "POD_SPEC_INVALID",
                        message,
                        Vec::new(),
                        &[],
                    );
                }
                Ok(pod) => cx.pod(i, doc, &pod, &secrets),
            }
        }
    }
    let ignores = Ignores::scan(text, &cx.index);
    cx.out
        .retain(|d| !ignores.covers(d.range.start.line as usize, d.code));
    // In text order (stable: at one place, the order the checks ran).
    crate::sort::sort_by(&mut cx.out, |a, b| a.range.start < b.range.start);
    cx.out
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

/// The written pull policy as a string (`None` when absent or not a string).
fn policy_str<'v>(site: &ImageSite<'v>) -> Option<&'v str> {
    site.policy().and_then(Value::as_str)
}

/// The byte range of the node at `path`, or of its nearest ancestor, or the document's start.
fn span(doc: &Document, path: &[Step<'_>]) -> Range<usize> {
    doc.spans
        .locate(path)
        .map(|(r, _)| r)
        .unwrap_or(doc.range.start..doc.range.start)
}

/// The byte just past the character at `at` (an empty range at the end of the text).
fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// A Secret of the text, for `imagePullSecrets` that name it.
struct SecretDef<'v> {
    namespace: &'v str,
    name: &'v str,
    object: &'v Value,
}

struct Checker<'t, 'o> {
    text: &'t str,
    index: LineIndex<'t>,
    options: &'o CheckOptions,
    out: Vec<Diagnostic>,
}

impl<'t> Checker<'t, '_> {
    /// Reports one diagnostic, unless its rule is off or the object exempts it. `bytes`: the
    /// range, else that of `path`.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        document: usize,
        doc: &Document,
        path: &[Step<'_>],
        bytes: Option<Range<usize>>,
        code: &'static str,
        message: String,
        fixes: Vec<Fix>,
        exempt: &[String],
    ) {
        let Some(severity) = self.options.severity(code) else {
            return;
        };
        if exempt.iter().any(|c| c == code) {
            return;
        }
        let bytes = bytes.unwrap_or_else(|| span(doc, path));
        self.out.push(Diagnostic {
            code,
            severity,
            message,
            range: self.index.range(bytes),
            path: path_text(path),
            document,
            fixes,
        });
    }

    fn edit(&self, bytes: Range<usize>, new_text: String) -> Edit {
        Edit {
            range: self.index.range(bytes),
            new_text,
        }
    }

    /// The Secrets of every document, after checking the image pull Secrets among them.
    fn secrets<'v>(&mut self, docs: &'v [Document]) -> Vec<SecretDef<'v>> {
        let mut out = Vec::new();
        for (i, doc) in docs.iter().enumerate() {
            if doc.error.is_some() {
                continue;
            }
            for (object_path, object) in objects(&doc.value) {
                if object.get("kind").and_then(Value::as_str) != Some("Secret") {
                    continue;
                }
                out.push(SecretDef {
                    namespace: metadata_str(object, "namespace"),
                    name: metadata_str(object, "name"),
                    object,
                });
                let Err(e) = read_pull_secret(object) else {
                    continue;
                };
                let steps = match &e {
                    SecretError::Field { field, .. } | SecretError::Config { field, .. } => {
                        parse_path(field)
                    }
                    _ => Vec::new(),
                };
                let message = e.to_string();
                let path: Vec<Step<'_>> = object_path
                    .iter()
                    .copied()
                    .chain(steps.iter().map(OwnedStep::step))
                    .collect();
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "SECRET_INVALID",
                    message,
                    Vec::new(),
                    &[],
                );
            }
        }
        out
    }

    /// The checks of one pod spec.
    fn pod(&mut self, i: usize, doc: &Document, pod: &PodSpec<'_>, secrets: &[SecretDef<'_>]) {
        let exempt = exempt_codes(pod.object);
        let arches = selected_architectures(pod.spec);
        for site in image_sites(pod) {
            self.site(i, doc, &site, &arches, &exempt);
        }
        self.pull_secrets(i, doc, pod, secrets, &exempt);
    }

    fn site(
        &mut self,
        i: usize,
        doc: &Document,
        site: &ImageSite<'_>,
        arches: &[String],
        exempt: &[String],
    ) {
        let path = site.image_path();
        let what = if site.list == "volumes" {
            format!("image volume {}", quoted_name(site.name))
        } else {
            format!("container {}", quoted_name(site.name))
        };
        let image = match site.image() {
            None | Some(Value::Null) => {
                let at = self.holder_range(doc, site);
                let field = site.image_key;
                let message = format!("{what} has no {field}: the API server refuses the pod");
                self.emit(
                    i,
                    doc,
                    &path,
                    Some(at),
                    "IMAGE_MISSING",
                    message,
                    Vec::new(),
                    exempt,
                );
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                let message = format!(
                    "{what} has an empty {}: the API server refuses the pod",
                    site.image_key
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "IMAGE_MISSING",
                    message,
                    Vec::new(),
                    exempt,
                );
                None
            }
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                let message = format!(
                    "{what}: {} must be a string, found {}",
                    site.image_key,
                    super::walk::kind_of(other)
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "IMAGE_INVALID",
                    message,
                    Vec::new(),
                    exempt,
                );
                None
            }
        };
        let policy_ok = self.policy(i, doc, site, exempt);
        let Some(image) = image else { return };
        let value = span(doc, &path);
        if image.trim() != image {
            let raw = &self.text[value.clone()];
            let fixes = requote(raw, image.trim())
                .map(|t| Fix {
                    title: "Remove the surrounding whitespace".into(),
                    edits: vec![self.edit(value.clone(), t)],
                })
                .into_iter()
                .collect();
            let message = format!(
                "{what}: the image {image:?} has leading or trailing whitespace; the API server refuses the pod"
            );
            self.emit(
                i,
                doc,
                &path,
                None,
                "IMAGE_WHITESPACE",
                message,
                fixes,
                exempt,
            );
            return;
        }
        if policy_ok {
            if let Ok(d) = default_pull_policy(image, policy_str(site)) {
                let key = site.policy_key;
                let message = if d.defaulted {
                    format!("{key} {}", d.reason)
                } else {
                    format!("{key} is {}, set explicitly", d.policy)
                };
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "PULL_POLICY_EFFECTIVE",
                    message,
                    Vec::new(),
                    exempt,
                );
            }
        }
        let r = match Reference::parse_normalized(image) {
            Ok(r) => r,
            Err(e) => {
                let raw = &self.text[value.clone()];
                // From the error's place to the end of the value, inside the quotes; an error at
                // the very end (a truncated digest) underlines the last character.
                let quoted = raw.starts_with(['"', '\'']) && raw.len() >= 2;
                let inner = if quoted {
                    value.start + 1..value.end - 1
                } else {
                    value.clone()
                };
                let at = e
                    .offset()
                    .and_then(|o| source_offset(raw, image, o))
                    .map(|o| value.start + o);
                let bytes = match at {
                    Some(o) if o >= inner.start && o < inner.end => o..inner.end,
                    Some(o) if o == inner.end && inner.end > inner.start => {
                        let last = self.text[..inner.end]
                            .chars()
                            .next_back()
                            .map_or(1, char::len_utf8);
                        inner.end - last..inner.end
                    }
                    _ => value.clone(),
                };
                let message = format!(
                    "{what}: {image:?} is not a valid image reference: {e} ({}); the kubelet fails with InvalidImageName",
                    e.code()
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    Some(bytes),
                    "IMAGE_INVALID",
                    message,
                    Vec::new(),
                    exempt,
                );
                return;
            }
        };
        match (r.tag(), r.digest()) {
            (None, None) => {
                let message = format!("{what}: {image:?} has no tag, so it means {image}:latest: it can change under you, and the pull policy defaults to Always");
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "IMAGE_NO_TAG",
                    message,
                    Vec::new(),
                    exempt,
                );
            }
            (Some("latest"), None) => {
                let message = format!("{what}: {image:?} uses the tag latest: it can change under you, and the pull policy defaults to Always");
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "IMAGE_LATEST_TAG",
                    message,
                    Vec::new(),
                    exempt,
                );
            }
            (Some(tag), Some(d)) => {
                let message = format!(
                    "{what}: the tag {tag:?} is ignored; the image is pulled by its digest {d}"
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "IMAGE_TAG_IGNORED",
                    message,
                    Vec::new(),
                    exempt,
                );
            }
            _ => {}
        }
        if r.digest().is_none() {
            let message = format!("{what}: {image:?} is not pinned by digest");
            self.emit(
                i,
                doc,
                &path,
                None,
                "IMAGE_NOT_PINNED",
                message,
                Vec::new(),
                exempt,
            );
        }
        let allow = &self.options.allow_registries;
        if !allow.is_empty() && !allow.iter().any(|p| urls_match(p, &r.name())) {
            let message = format!(
                "{what}: {} is not in the allowed registries ({})",
                r.name(),
                allow.join(", ")
            );
            self.emit(
                i,
                doc,
                &path,
                None,
                "REGISTRY_NOT_ALLOWED",
                message,
                Vec::new(),
                exempt,
            );
        }
        if let (false, Ok(Some((base, arch)))) = (arches.is_empty(), split_arch_suffix(image)) {
            if !arches.iter().any(|a| a == arch) {
                let message = format!(
                    "{what}: {image:?} is built for {arch}, but the pod's node selection asks for {}; use the multi-architecture image {base}",
                    arches.join(", ")
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "ARCH_SUFFIX_MISMATCH",
                    message,
                    Vec::new(),
                    exempt,
                );
            }
        }
    }

    /// Checks a written pull policy; true when it is valid (or absent).
    fn policy(
        &mut self,
        i: usize,
        doc: &Document,
        site: &ImageSite<'_>,
        exempt: &[String],
    ) -> bool {
        let key = site.policy_key;
        let path = site.policy_path();
        let written = match site.policy() {
            None | Some(Value::Null) => return true,
            Some(Value::String(s)) if s.is_empty() || POLICIES.contains(&s.as_str()) => {
                return true
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                let message = format!(
                    "{key} must be a string (Always, IfNotPresent or Never), found {}",
                    super::walk::kind_of(other)
                );
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "PULL_POLICY_INVALID",
                    message,
                    Vec::new(),
                    exempt,
                );
                return false;
            }
        };
        let suggestion = closest(written, POLICIES);
        let mut message = format!(
            "{key} {written:?} is not Always, IfNotPresent or Never; the API server refuses it"
        );
        let mut fixes = Vec::new();
        if let Some(s) = suggestion {
            message.push_str(&format!(" (did you mean {s}?)"));
            fixes.push(Fix {
                title: format!("Set {key} to {s}"),
                edits: vec![self.edit(span(doc, &path), s.to_string())],
            });
        }
        self.emit(
            i,
            doc,
            &path,
            None,
            "PULL_POLICY_INVALID",
            message,
            fixes,
            exempt,
        );
        false
    }

    /// `imagePullSecrets` naming a Secret of this text that the kubelet will not use.
    fn pull_secrets(
        &mut self,
        i: usize,
        doc: &Document,
        pod: &PodSpec<'_>,
        secrets: &[SecretDef<'_>],
        exempt: &[String],
    ) {
        let Some(list) = pod.spec.get("imagePullSecrets").and_then(Value::as_array) else {
            return;
        };
        let namespace = metadata_str(pod.object, "namespace");
        for (k, entry) in list.iter().enumerate() {
            let Some(name) = entry.get("name").and_then(Value::as_str) else {
                continue;
            };
            let same_ns = |s: &&SecretDef<'_>| {
                s.namespace.is_empty() || namespace.is_empty() || s.namespace == namespace
            };
            let Some(secret) = secrets.iter().filter(same_ns).find(|s| s.name == name) else {
                continue;
            };
            if let Ok(SecretOutcome::Ignored(w)) = read_pull_secret(secret.object) {
                let path: Path = [
                    pod.path.as_slice(),
                    &[
                        Step::Key("imagePullSecrets"),
                        Step::Index(k),
                        Step::Key("name"),
                    ],
                ]
                .concat();
                self.emit(
                    i,
                    doc,
                    &path,
                    None,
                    "PULL_SECRET_WRONG_TYPE",
                    w.to_string(),
                    Vec::new(),
                    exempt,
                );
            }
        }
    }

    /// Where to report a container that lacks its image: its `name` entry, else its first line.
    fn holder_range(&self, doc: &Document, site: &ImageSite<'_>) -> Range<usize> {
        if let Some(e) = doc.spans.at(&site.path).and_then(|s| s.entry("name")) {
            let end = e.value.range().map_or(e.key_range.end, |r| r.end);
            return e.key_range.start..end;
        }
        let r = span(doc, &site.path);
        let line_end = self.text[r.clone()]
            .find('\n')
            .map_or(r.end, |n| r.start + n);
        r.start..line_end
    }
}

/// `"name"`, or `#<unnamed>`.
fn quoted_name(name: Option<&str>) -> String {
    name.map_or("<unnamed>".into(), |n| format!("{n:?}"))
}

/// `value` written in the quoting style of `raw` (`None` for a style this does not rewrite).
fn requote(raw: &str, value: &str) -> Option<String> {
    match raw.as_bytes().first() {
        Some(b'"') => serde_json::to_string(value).ok(),
        Some(b'\'') => Some(format!("'{}'", value.replace('\'', "''"))),
        Some(b'|' | b'>') => None,
        _ => Some(value.to_string()),
    }
}

/// A step of a path read from text (a Secret error's field).
#[derive(Clone, Debug, PartialEq, Eq)]
enum OwnedStep {
    Key(String),
    Index(usize),
}

impl OwnedStep {
    fn step(&self) -> Step<'_> {
        match self {
            OwnedStep::Key(k) => Step::Key(k),
            OwnedStep::Index(i) => Step::Index(*i),
        }
    }
}

/// `a.b["c.d"][2]` as steps (what [`crate::manifest::child_path`] writes).
fn parse_path(path: &str) -> Vec<OwnedStep> {
    let b = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'[' if b.get(i + 1) == Some(&b'"') => {
                let rest = &path[i + 1..];
                let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
                match de.next() {
                    Some(Ok(key)) => {
                        i += 1 + de.byte_offset() + 1;
                        out.push(OwnedStep::Key(key));
                    }
                    _ => break,
                }
            }
            b'[' => {
                let digits: String = path[i + 1..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                match digits.parse() {
                    Ok(n) => out.push(OwnedStep::Index(n)),
                    Err(_) => break,
                }
                i += digits.len() + 2;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map_or(path.len(), |n| i + n);
                out.push(OwnedStep::Key(path[i..end].to_string()));
                i = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_back() {
        assert_eq!(
            parse_path("data[\".dockerconfigjson\"].auths[2]"),
            [
                OwnedStep::Key("data".into()),
                OwnedStep::Key(".dockerconfigjson".into()),
                OwnedStep::Key("auths".into()),
                OwnedStep::Index(2)
            ]
        );
    }
}
