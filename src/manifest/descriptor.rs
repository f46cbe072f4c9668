//! Validation of the pieces documents are made of: descriptors, platforms, annotations, and
//! the typed-field helpers the document walk uses. Fixed-depth code, no recursion on input.

use super::json::{child_path, index_path, Json, Number};
use super::{Annotations, Descriptor, ManifestError};
use crate::digest::{Digest, Hasher};
use crate::media_type;
use crate::platform::Platform;

pub(super) type Errors = Vec<ManifestError>;

pub(super) fn type_error(path: String, expected: &'static str, v: &Json) -> ManifestError {
    ManifestError::FieldType {
        path,
        expected,
        actual: v.type_name(),
    }
}

/// A required string member; `None` (error pushed) when absent or not a string.
pub(super) fn required_str<'j>(
    obj: &'j Json,
    parent: &str,
    key: &str,
    errors: &mut Errors,
) -> Option<&'j str> {
    // Paths are built only for errors: valid documents allocate none.
    let path = || child_path(parent, key);
    match obj.get(key) {
        None => {
            errors.push(ManifestError::FieldMissing {
                path: path(),
                note: None,
            });
            None
        }
        Some(Json::Str(s)) => Some(s),
        Some(v) => {
            errors.push(type_error(path(), "string", v));
            None
        }
    }
}

/// An optional string member: `Ok(None)` when absent, `Err(())` (error pushed) when mistyped.
pub(super) fn optional_str<'j>(
    obj: &'j Json,
    parent: &str,
    key: &str,
    errors: &mut Errors,
) -> Result<Option<&'j str>, ()> {
    match obj.get(key) {
        None => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s)),
        Some(v) => {
            errors.push(type_error(child_path(parent, key), "string", v));
            Err(())
        }
    }
}

/// An optional media-type member (`artifactType`), syntax-checked.
pub(super) fn optional_media_type(
    obj: &Json,
    parent: &str,
    key: &str,
    errors: &mut Errors,
) -> Result<Option<String>, ()> {
    let v = optional_str(obj, parent, key, errors)?;
    match v {
        Some(s) if !media_type::is_valid_syntax(s) => {
            errors.push(ManifestError::MediaTypeInvalid {
                path: child_path(parent, key),
                value: s.to_string(),
            });
            Err(())
        }
        other => Ok(other.map(str::to_string)),
    }
}

pub(super) fn annotations(obj: &Json, parent: &str, errors: &mut Errors) -> Option<Annotations> {
    let path = || child_path(parent, "annotations");
    match obj.get("annotations") {
        None => Some(Annotations::default()),
        Some(Json::Obj(members)) => {
            let mut out = Vec::with_capacity(members.len());
            let mut ok = true;
            for (k, v) in members {
                match v {
                    Json::Str(s) => out.push((k.clone(), s.clone())),
                    other => {
                        ok = false;
                        errors.push(ManifestError::AnnotationNotString {
                            path: child_path(&path(), k),
                            actual: other.type_name(),
                        });
                    }
                }
            }
            ok.then_some(Annotations(out))
        }
        Some(v) => {
            errors.push(type_error(path(), "object", v));
            None
        }
    }
}

/// An optional array of strings; `Err(path, type)` describes the first offending value.
fn string_array(v: &Json, path: &str) -> Result<Vec<String>, (String, &'static str)> {
    match v {
        Json::Arr(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::Str(s) => Ok(s.clone()),
                other => Err((index_path(path, i), other.type_name())),
            })
            .collect(),
        other => Err((path.to_string(), other.type_name())),
    }
}

fn platform(v: &Json, path: &str, errors: &mut Errors) -> Option<Platform> {
    let invalid = |path: String, reason: String| ManifestError::PlatformInvalid { path, reason };
    if !matches!(v, Json::Obj(_)) {
        errors.push(invalid(
            path.to_string(),
            format!("must be an object, found {}", v.type_name()),
        ));
        return None;
    }
    let before = errors.len();
    let mut p = Platform::default();
    for (key, slot) in [("architecture", &mut p.architecture), ("os", &mut p.os)] {
        let child = || child_path(path, key);
        match v.get(key) {
            None => errors.push(invalid(child(), format!("{key} is required"))),
            Some(Json::Str(s)) if s.is_empty() => {
                errors.push(invalid(child(), format!("{key} must not be empty")))
            }
            Some(Json::Str(s)) => *slot = s.clone(),
            Some(other) => errors.push(invalid(
                child(),
                format!("{key} must be a string, found {}", other.type_name()),
            )),
        }
    }
    for (key, slot) in [
        ("variant", &mut p.variant),
        ("os.version", &mut p.os_version),
    ] {
        match v.get(key) {
            None => {}
            Some(Json::Str(s)) => *slot = s.clone(),
            Some(other) => errors.push(invalid(
                child_path(path, key),
                format!("{key} must be a string, found {}", other.type_name()),
            )),
        }
    }
    for key in ["os.features", "features"] {
        if let Some(arr) = v.get(key) {
            match string_array(arr, &child_path(path, key)) {
                Ok(list) if key == "os.features" => p.os_features = list,
                Ok(_) => {}
                Err((at, found)) => errors.push(invalid(
                    at,
                    format!("{key} must be an array of strings, found {found}"),
                )),
            }
        }
    }
    (errors.len() == before).then_some(p)
}

/// Standard base64 (RFC 4648, padded), as Go's encoding/json decodes `[]byte`.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if b.len() & 3 != 0 {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    let chunks = b.len() / 4;
    for (i, chunk) in b.chunks(4).enumerate() {
        let last = i + 1 == chunks;
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * u32::try_from(pad).unwrap_or(0);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

fn size(v: &Json, parent: &str, errors: &mut Errors) -> Option<u64> {
    let path = || child_path(parent, "size");
    let bad = |value: String| ManifestError::SizeInvalid {
        path: path(),
        value,
    };
    match v {
        Json::Num(Number::U(n)) if i64::try_from(*n).is_ok() => Some(*n),
        Json::Num(Number::U(n)) => {
            errors.push(bad(n.to_string()));
            None
        }
        Json::Num(Number::I(n)) => {
            errors.push(bad(n.to_string()));
            None
        }
        Json::Num(Number::F(f)) => {
            errors.push(bad(super::json::float_text(*f)));
            None
        }
        other => {
            errors.push(type_error(path(), "integer", other));
            None
        }
    }
}

pub(super) fn descriptor(v: &Json, path: &str, errors: &mut Errors) -> Option<Descriptor> {
    if !matches!(v, Json::Obj(_)) {
        errors.push(type_error(path.to_string(), "object", v));
        return None;
    }
    let before = errors.len();
    let media_type = required_str(v, path, "mediaType", errors);
    if let Some(mt) = media_type {
        if !media_type::is_valid_syntax(mt) {
            errors.push(ManifestError::MediaTypeInvalid {
                path: child_path(path, "mediaType"),
                value: mt.to_string(),
            });
        }
    }
    let digest = required_str(v, path, "digest", errors).and_then(|d| match Digest::parse(d) {
        Ok(d) => Some(d),
        Err(error) => {
            errors.push(ManifestError::DigestInvalid {
                path: child_path(path, "digest"),
                error,
            });
            None
        }
    });
    let size = match v.get("size") {
        None => {
            errors.push(ManifestError::FieldMissing {
                path: child_path(path, "size"),
                note: None,
            });
            None
        }
        Some(s) => size(s, path, errors),
    };
    let urls = match v.get("urls") {
        None => Vec::new(),
        Some(u) => string_array(u, &child_path(path, "urls")).unwrap_or_else(|(at, found)| {
            errors.push(ManifestError::FieldType {
                path: at,
                expected: "an array of strings",
                actual: found,
            });
            Vec::new()
        }),
    };
    let annotations = annotations(v, path, errors).unwrap_or_default();
    let platform = v
        .get("platform")
        .and_then(|p| platform(p, &child_path(path, "platform"), errors));
    let artifact_type = optional_media_type(v, path, "artifactType", errors).unwrap_or(None);
    let data = optional_str(v, path, "data", errors).unwrap_or(None);
    if let Some(d) = data {
        check_data(d, size, digest.as_ref(), &child_path(path, "data"), errors);
    }
    if errors.len() != before {
        return None;
    }
    Some(Descriptor {
        media_type: media_type?.to_string(),
        digest: digest?,
        size: size?,
        urls,
        annotations,
        platform,
        artifact_type,
        data: data.map(str::to_string),
    })
}

fn check_data(
    data: &str,
    size: Option<u64>,
    digest: Option<&Digest>,
    path: &str,
    errors: &mut Errors,
) {
    let invalid = |reason: String| ManifestError::DataInvalid {
        path: path.to_string(),
        reason,
    };
    let Some(bytes) = base64_decode(data) else {
        errors.push(invalid("data must be standard padded base64".to_string()));
        return;
    };
    if let Some(size) = size {
        if u64::try_from(bytes.len()).ok() != Some(size) {
            errors.push(invalid(format!(
                "data decodes to {} bytes but size is {size}",
                bytes.len()
            )));
            return;
        }
    }
    if let Some(expected) = digest {
        let mut h = Hasher::new(expected.algorithm());
        h.update(&bytes);
        let actual = h.finish();
        if &actual != expected {
            errors.push(invalid(format!("data hashes to {actual}, not {expected}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_is_strict_standard_padded() {
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("", Some(b"")),
            ("e30=", Some(b"{}")),
            ("YWJj", Some(b"abc")),
            ("YQ==", Some(b"a")),
            ("YQ=", None),
            ("Y===", None),
            ("YQ==YQ==", None),
            ("YW Jj", None),
            ("YW-j", None),
        ];
        for (input, want) in cases {
            assert_eq!(base64_decode(input).as_deref(), *want, "{input}");
        }
    }
}
