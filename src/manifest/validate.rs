//! The validation walk: from raw bytes to a typed [`Manifest`] plus every problem found.
//! Fixed-depth code over the [`Json`] tree (no recursion on input structure).

use super::descriptor::{annotations, descriptor, optional_media_type, type_error, Errors};
use super::json::{self, index_path, Json, Number};
use super::{Descriptor, ImageIndex, ImageManifest, Manifest, ManifestError, MAX_MANIFEST_SIZE};
use crate::media_type::{self, Kind};

/// Everything about one body: the manifest (only when there is no error) and all errors.
pub(super) fn analyze(bytes: &[u8], content_type: Option<&str>) -> (Option<Manifest>, Errors) {
    match analyze_inner(bytes, content_type) {
        Ok((m, errors)) if errors.is_empty() => (Some(m), errors),
        Ok((_, errors)) => (None, errors),
        Err(errors) => (None, errors),
    }
}

fn fatal<T>(e: ManifestError) -> Result<T, Errors> {
    Err(vec![e])
}

fn analyze_inner(bytes: &[u8], content_type: Option<&str>) -> Result<(Manifest, Errors), Errors> {
    if bytes.len() > MAX_MANIFEST_SIZE {
        return fatal(ManifestError::TooLarge { size: bytes.len() });
    }
    let ct = content_type
        .map(media_type::essence)
        .filter(|c| !c.is_empty() && !media_type::GENERIC_CONTENT_TYPES.contains(&c.as_str()));
    if let Some(c) = &ct {
        if media_type::kind(c) == Some(Kind::Schema1Manifest) {
            return fatal(ManifestError::Schema1Unsupported {
                evidence: format!("Content-Type {c}"),
                path: None,
            });
        }
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return fatal(ManifestError::InvalidUtf8 {
            offset: e.valid_up_to(),
        });
    }
    let root = json::parse(bytes).map_err(|e| {
        vec![ManifestError::InvalidJson {
            message: e.message,
            offset: e.offset,
            line: e.line,
            column: e.column,
        }]
    })?;
    if !matches!(root, Json::Obj(_)) {
        return fatal(ManifestError::FieldType {
            path: String::new(),
            expected: "object",
            actual: root.type_name(),
        });
    }
    refuse_schema1(&root)?;

    let mut head = Vec::new();
    let kind = determine_kind(&root, ct.as_deref(), &mut head);
    let mut errors: Errors = json::duplicate_keys(&root)
        .into_iter()
        .map(|(path, key)| ManifestError::DuplicateKey { path, key })
        .collect();
    let Some(kind) = kind else {
        head.append(&mut errors);
        return Err(head);
    };
    let manifest = match kind {
        Kind::ImageIndex => image_index(&root, &mut errors).map(Manifest::Index),
        _ => image_manifest(&root, &mut errors).map(Manifest::Image),
    };
    head.append(&mut errors);
    match manifest {
        Some(m) => Ok((m, head)),
        None => Err(head),
    }
}

fn refuse_schema1(root: &Json) -> Result<(), Errors> {
    if let Some(mt) = root.get("mediaType").and_then(Json::as_str) {
        if media_type::kind(mt) == Some(Kind::Schema1Manifest) {
            return fatal(ManifestError::Schema1Unsupported {
                evidence: format!("mediaType {mt}"),
                path: Some("mediaType".to_string()),
            });
        }
    }
    if root.get("schemaVersion") == Some(&Json::Num(Number::U(1))) {
        return fatal(ManifestError::Schema1Unsupported {
            evidence: "schemaVersion 1".to_string(),
            path: Some("schemaVersion".to_string()),
        });
    }
    if root.get("fsLayers").is_some() {
        return fatal(ManifestError::Schema1Unsupported {
            evidence: "it has fsLayers".to_string(),
            path: Some("fsLayers".to_string()),
        });
    }
    Ok(())
}

/// Manifest or index, from Content-Type, the body's `mediaType`, or the structure. `None`
/// (with the reason pushed) when it cannot be told.
fn determine_kind(root: &Json, ct: Option<&str>, errors: &mut Errors) -> Option<Kind> {
    let doc_kind = |mt: &str| match media_type::kind(mt) {
        Some(k @ (Kind::ImageManifest | Kind::ImageIndex)) => Some(k),
        _ => None,
    };
    let from_ct = match ct {
        Some(c) => match doc_kind(c) {
            Some(k) => Some((c, k)),
            None => {
                errors.push(ManifestError::MediaTypeUnsupported {
                    media_type: c.to_string(),
                    path: None,
                });
                return None;
            }
        },
        None => None,
    };
    let from_body = match root.get("mediaType") {
        None => None,
        Some(Json::Str(s)) if !media_type::is_valid_syntax(s) => {
            errors.push(ManifestError::MediaTypeInvalid {
                path: "mediaType".to_string(),
                value: s.clone(),
            });
            None
        }
        Some(Json::Str(s)) => match doc_kind(s) {
            Some(k) => Some((s.as_str(), k)),
            None => {
                errors.push(ManifestError::MediaTypeUnsupported {
                    media_type: s.clone(),
                    path: Some("mediaType".to_string()),
                });
                return None;
            }
        },
        Some(other) => {
            errors.push(ManifestError::FieldType {
                path: "mediaType".to_string(),
                expected: "string",
                actual: other.type_name(),
            });
            None
        }
    };
    if let (Some((c, _)), Some((b, _))) = (from_ct, from_body) {
        if c != b {
            errors.push(ManifestError::MediaTypeMismatch {
                path: "mediaType".to_string(),
                expected: format!("{c} (from Content-Type)"),
                actual: b.to_string(),
            });
        }
    }
    let has_manifests = root.get("manifests").is_some();
    let has_config = root.get("config").is_some();
    let has_layers = root.get("layers").is_some();
    let kind = match from_body.or(from_ct) {
        Some((_, k)) => k,
        None => match (has_manifests, has_config || has_layers) {
            (true, false) => Kind::ImageIndex,
            (false, true) => Kind::ImageManifest,
            (true, true) => {
                errors.push(ManifestError::KindUnknown {
                    reason: "no media type, and it has both `manifests` and `config`/`layers`"
                        .to_string(),
                });
                return None;
            }
            (false, false) => {
                errors.push(ManifestError::KindUnknown {
                    reason: "no media type, and neither `manifests` nor `config`/`layers`"
                        .to_string(),
                });
                return None;
            }
        },
    };
    let mismatch = |path: &str, expected: &str| ManifestError::MediaTypeMismatch {
        path: path.to_string(),
        expected: expected.to_string(),
        actual: format!("`{path}`, a field of the other kind"),
    };
    if kind == Kind::ImageManifest && has_manifests {
        errors.push(mismatch("manifests", "an image manifest"));
    }
    if kind == Kind::ImageIndex {
        if has_config {
            errors.push(mismatch("config", "an index"));
        }
        if has_layers {
            errors.push(mismatch("layers", "an index"));
        }
    }
    Some(kind)
}

fn schema_version(root: &Json, errors: &mut Errors) -> Option<u32> {
    match root.get("schemaVersion") {
        None => {
            errors.push(ManifestError::FieldMissing {
                path: "schemaVersion".to_string(),
                note: None,
            });
            None
        }
        Some(Json::Num(Number::U(2))) => Some(2),
        Some(Json::Num(n)) => {
            let value = match n {
                Number::U(u) => u.to_string(),
                Number::I(i) => i.to_string(),
                Number::F(f) => super::json::float_text(*f),
            };
            errors.push(ManifestError::SchemaVersionInvalid { value });
            None
        }
        Some(v) => {
            errors.push(type_error("schemaVersion".to_string(), "integer", v));
            None
        }
    }
}

fn descriptor_list(root: &Json, key: &str, errors: &mut Errors) -> Option<Vec<Descriptor>> {
    match root.get(key) {
        None => {
            errors.push(ManifestError::FieldMissing {
                path: key.to_string(),
                note: None,
            });
            None
        }
        Some(Json::Arr(items)) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match descriptor(item, &index_path(key, i), errors) {
                    Some(d) => out.push(d),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        Some(v) => {
            errors.push(type_error(key.to_string(), "array", v));
            None
        }
    }
}

fn optional_descriptor(
    root: &Json,
    key: &str,
    errors: &mut Errors,
) -> Result<Option<Descriptor>, ()> {
    match root.get(key) {
        None => Ok(None),
        Some(v) => descriptor(v, key, errors).map(Some).ok_or(()),
    }
}

fn image_manifest(root: &Json, errors: &mut Errors) -> Option<ImageManifest> {
    let schema_version = schema_version(root, errors);
    let media_type = root
        .get("mediaType")
        .and_then(Json::as_str)
        .map(str::to_string);
    let artifact_type = optional_media_type(root, "", "artifactType", errors);
    let config = match root.get("config") {
        None => {
            errors.push(ManifestError::FieldMissing {
                path: "config".to_string(),
                note: None,
            });
            None
        }
        Some(v) => descriptor(v, "config", errors),
    };
    let layers = descriptor_list(root, "layers", errors);
    let subject = optional_descriptor(root, "subject", errors);
    let annotations = annotations(root, "", errors);
    if let (Some(c), Ok(None)) = (&config, &artifact_type) {
        if c.media_type == media_type::OCI_EMPTY {
            errors.push(ManifestError::FieldMissing {
                path: "artifactType".to_string(),
                note: Some("config.mediaType is the empty type, so artifactType must say what the artifact is"),
            });
            return None;
        }
    }
    Some(ImageManifest {
        schema_version: schema_version?,
        media_type,
        artifact_type: artifact_type.ok()?,
        config: config?,
        layers: layers?,
        subject: subject.ok()?,
        annotations: annotations?,
    })
}

fn image_index(root: &Json, errors: &mut Errors) -> Option<ImageIndex> {
    let schema_version = schema_version(root, errors);
    let media_type = root
        .get("mediaType")
        .and_then(Json::as_str)
        .map(str::to_string);
    let artifact_type = optional_media_type(root, "", "artifactType", errors);
    let manifests = descriptor_list(root, "manifests", errors);
    let subject = optional_descriptor(root, "subject", errors);
    let annotations = annotations(root, "", errors);
    Some(ImageIndex {
        schema_version: schema_version?,
        media_type,
        artifact_type: artifact_type.ok()?,
        manifests: manifests?,
        subject: subject.ok()?,
        annotations: annotations?,
    })
}
