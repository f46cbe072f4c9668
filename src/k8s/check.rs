//! The offline checks: every image of every pod spec in a text, at its line and character.
//!
//! [`validate`] reads a stream of YAML or JSON documents with spans, walks each object's pod
//! spec ([`super::walk`]), and reports [`Diagnostic`]s with the codes of [`super::rules`]. A
//! document that is not YAML is one `YAML_INVALID` and the others are still checked. Nothing is
//! reported about objects without a pod spec, nor about `image` keys that are not container
//! images. The inventory the same walk finds is [`super::inventory`].

use super::diagnostic::{Diagnostic, Edit, Fix};
use super::options::{CheckOptions, Ignores};
use super::scalar::source_offset;
use super::walk::{
    exempt_codes, image_sites, metadata_str, objects, path_text, pod_specs, selected_architectures,
    ImageSite, Path, PodSpec,
};
use crate::auth::glob::urls_match;
use crate::auth::secrets::{read_pull_secret, SecretError, SecretOutcome};
use crate::error::Coded;
use crate::policy::default_pull_policy;
use crate::reference::{split_arch_suffix, Reference};
use crate::text::{closest, LineIndex};
use crate::yaml::parse_documents_with_spans;
use crate::yaml::spans::Step;
use crate::yaml::Document;
use serde_json::Value;
use std::ops::Range;

/// The values `imagePullPolicy` may take.
const POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];

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
        let scope = Scope {
            index: i,
            doc,
            exempt: &[],
        };
        if let Some(e) = &doc.error {
            let at = e.offset.min(text.len());
            let end = next_char(text, at);
            cx.emit(
                &scope,
                Finding::new("YAML_INVALID", &[], e.to_string()).at(at..end),
            );
            continue;
        }
        for pod in pod_specs(&doc.value) {
            match pod {
                Err(shape) => {
                    let message = format!("{}: {}", path_text(&shape.path), shape.problem);
                    cx.emit(
                        &scope,
                        Finding::new("POD_SPEC_INVALID", &shape.path, message),
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
    crate::go::sort::sort_by(&mut cx.out, |a, b| a.range.start < b.range.start);
    cx.out
}

/// The written pull policy as a string (`None` when absent or not a string).
pub(super) fn policy_str<'v>(site: &ImageSite<'v>) -> Option<&'v str> {
    site.policy().and_then(Value::as_str)
}

/// The byte range of the node at `path`, or of its nearest ancestor, or the document's start.
pub(super) fn span(doc: &Document, path: &[Step<'_>]) -> Range<usize> {
    doc.spans
        .locate(path)
        .map(|(r, _)| r)
        .unwrap_or(doc.range.start..doc.range.start)
}

/// The byte just past the character at `at` (an empty range at the end of the text).
fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// Where findings are reported: the document, and the rules its object exempts itself from.
struct Scope<'d> {
    index: usize,
    doc: &'d Document,
    exempt: &'d [String],
}

/// One diagnostic to report: its rule, the value it is about (`path`; `bytes` when the range is
/// narrower than the value), what a person reads, and certain fixes.
struct Finding<'p> {
    code: &'static str,
    path: &'p [Step<'p>],
    bytes: Option<Range<usize>>,
    message: String,
    fixes: Vec<Fix>,
}

impl<'p> Finding<'p> {
    fn new(code: &'static str, path: &'p [Step<'p>], message: String) -> Finding<'p> {
        Finding {
            code,
            path,
            bytes: None,
            message,
            fixes: Vec::new(),
        }
    }

    /// Reported at `bytes` rather than at the whole value.
    fn at(mut self, bytes: Range<usize>) -> Finding<'p> {
        self.bytes = Some(bytes);
        self
    }

    fn fixes(mut self, fixes: Vec<Fix>) -> Finding<'p> {
        self.fixes = fixes;
        self
    }
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
    /// Reports a finding, unless its rule is off or the object exempts it.
    fn emit(&mut self, scope: &Scope<'_>, f: Finding<'_>) {
        let Some(severity) = self.options.severity(f.code) else {
            return;
        };
        if scope.exempt.iter().any(|c| c == f.code) {
            return;
        }
        let bytes = f.bytes.unwrap_or_else(|| span(scope.doc, f.path));
        self.out.push(Diagnostic {
            code: f.code,
            severity,
            message: f.message,
            range: self.index.range(bytes),
            path: path_text(f.path),
            document: scope.index,
            fixes: f.fixes,
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
                let scope = Scope {
                    index: i,
                    doc,
                    exempt: &[],
                };
                let path: Vec<Step<'_>> = object_path
                    .iter()
                    .copied()
                    .chain(steps.iter().map(OwnedStep::step))
                    .collect();
                self.emit(&scope, Finding::new("SECRET_INVALID", &path, message));
            }
        }
        out
    }

    /// The checks of one pod spec.
    fn pod(&mut self, i: usize, doc: &Document, pod: &PodSpec<'_>, secrets: &[SecretDef<'_>]) {
        let exempt = exempt_codes(pod.object);
        let scope = Scope {
            index: i,
            doc,
            exempt: &exempt,
        };
        let arches = selected_architectures(pod.spec);
        for site in image_sites(pod) {
            self.site(&scope, &site, &arches);
        }
        self.pull_secrets(&scope, pod, secrets);
    }

    fn site(&mut self, scope: &Scope<'_>, site: &ImageSite<'_>, arches: &[String]) {
        let path = site.image_path();
        let what = if site.list == "volumes" {
            format!("image volume {}", quoted_name(site.name))
        } else {
            format!("container {}", quoted_name(site.name))
        };
        let image = match site.image() {
            None | Some(Value::Null) => {
                let at = self.holder_range(scope.doc, site);
                let field = site.image_key;
                let message = format!("{what} has no {field}: the API server refuses the pod");
                self.emit(scope, Finding::new("IMAGE_MISSING", &path, message).at(at));
                None
            }
            Some(Value::String(s)) if s.is_empty() => {
                let message = format!(
                    "{what} has an empty {}: the API server refuses the pod",
                    site.image_key
                );
                self.emit(scope, Finding::new("IMAGE_MISSING", &path, message));
                None
            }
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                let message = format!(
                    "{what}: {} must be a string, found {}",
                    site.image_key,
                    super::walk::kind_of(other)
                );
                self.emit(scope, Finding::new("IMAGE_INVALID", &path, message));
                None
            }
        };
        let policy_ok = self.policy(scope, site);
        let Some(image) = image else { return };
        let value = span(scope.doc, &path);
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
                scope,
                Finding::new("IMAGE_WHITESPACE", &path, message).fixes(fixes),
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
                self.emit(scope, Finding::new("PULL_POLICY_EFFECTIVE", &path, message));
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
                    scope,
                    Finding::new("IMAGE_INVALID", &path, message).at(bytes),
                );
                return;
            }
        };
        match (r.tag(), r.digest()) {
            (None, None) => {
                let message = format!("{what}: {image:?} has no tag, so it means {image}:latest: it can change under you, and the pull policy defaults to Always");
                self.emit(scope, Finding::new("IMAGE_NO_TAG", &path, message));
            }
            (Some("latest"), None) => {
                let message = format!("{what}: {image:?} uses the tag latest: it can change under you, and the pull policy defaults to Always");
                self.emit(scope, Finding::new("IMAGE_LATEST_TAG", &path, message));
            }
            (Some(tag), Some(d)) => {
                let message = format!(
                    "{what}: the tag {tag:?} is ignored; the image is pulled by its digest {d}"
                );
                self.emit(scope, Finding::new("IMAGE_TAG_IGNORED", &path, message));
            }
            _ => {}
        }
        if r.digest().is_none() {
            let message = format!("{what}: {image:?} is not pinned by digest");
            self.emit(scope, Finding::new("IMAGE_NOT_PINNED", &path, message));
        }
        let allow = &self.options.allow_registries;
        if !allow.is_empty() && !allow.iter().any(|p| urls_match(p, &r.name())) {
            let message = format!(
                "{what}: {} is not in the allowed registries ({})",
                r.name(),
                allow.join(", ")
            );
            self.emit(scope, Finding::new("REGISTRY_NOT_ALLOWED", &path, message));
        }
        if let (false, Ok(Some((base, arch)))) = (arches.is_empty(), split_arch_suffix(image)) {
            if !arches.iter().any(|a| a == arch) {
                let message = format!(
                    "{what}: {image:?} is built for {arch}, but the pod's node selection asks for {}; use the multi-architecture image {base}",
                    arches.join(", ")
                );
                self.emit(scope, Finding::new("ARCH_SUFFIX_MISMATCH", &path, message));
            }
        }
    }

    /// Checks a written pull policy; true when it is valid (or absent).
    fn policy(&mut self, scope: &Scope<'_>, site: &ImageSite<'_>) -> bool {
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
                self.emit(scope, Finding::new("PULL_POLICY_INVALID", &path, message));
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
                edits: vec![self.edit(span(scope.doc, &path), s.to_string())],
            });
        }
        self.emit(
            scope,
            Finding::new("PULL_POLICY_INVALID", &path, message).fixes(fixes),
        );
        false
    }

    /// `imagePullSecrets` naming a Secret of this text that the kubelet will not use.
    fn pull_secrets(&mut self, scope: &Scope<'_>, pod: &PodSpec<'_>, secrets: &[SecretDef<'_>]) {
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
                    scope,
                    Finding::new("PULL_SECRET_WRONG_TYPE", &path, w.to_string()),
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
