//! The media types of the OCI image spec and Docker's image formats: one table, data only.
//!
//! Each [`MediaTypeInfo`] record says what a media type is ([`Kind`]), which family defines it,
//! the layer compression, and whether the layer is distributable. Docker schema 1 types are
//! listed so they can be recognized and refused (`SCHEMA1_UNSUPPORTED` in [`crate::manifest`]).
//!
//! [`is_valid_syntax`] checks the RFC 6838 form the OCI spec requires for descriptor and
//! manifest media types: `type/subtype`, each `[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}`.

/// What a media type denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An image manifest (OCI manifest, Docker schema 2 manifest).
    ImageManifest,
    /// An index of manifests (OCI index, Docker manifest list).
    ImageIndex,
    /// An image configuration.
    Config,
    /// A filesystem layer.
    Layer,
    /// The OCI empty descriptor's `{}`.
    Empty,
    /// Docker schema 1 manifest: recognized only to be refused.
    Schema1Manifest,
}

/// Who defines a media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// The OCI image spec.
    Oci,
    /// Docker's image formats.
    Docker,
}

/// Layer compression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Plain tar.
    None,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

/// One row of the media type table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaTypeInfo {
    /// The media type string.
    pub name: &'static str,
    /// What it denotes.
    pub kind: Kind,
    /// Who defines it.
    pub family: Family,
    /// Compression, for layers.
    pub compression: Option<Compression>,
    /// False for non-distributable / foreign layers (fetched from `urls`, not the registry).
    pub distributable: bool,
}

const fn row(name: &'static str, kind: Kind, family: Family) -> MediaTypeInfo {
    MediaTypeInfo {
        name,
        kind,
        family,
        compression: None,
        distributable: true,
    }
}

const fn layer(
    name: &'static str,
    family: Family,
    c: Compression,
    distributable: bool,
) -> MediaTypeInfo {
    MediaTypeInfo {
        name,
        kind: Kind::Layer,
        family,
        compression: Some(c),
        distributable,
    }
}

/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// OCI empty descriptor content (`{}`).
pub const OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Docker schema 2 manifest.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker container config.
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
/// Docker schema 1 manifest (unsigned).
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
/// Docker schema 1 manifest (signed).
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// Every media type this crate knows, in one place.
pub const MEDIA_TYPES: &[MediaTypeInfo] = &[
    row(OCI_MANIFEST, Kind::ImageManifest, Family::Oci),
    row(OCI_INDEX, Kind::ImageIndex, Family::Oci),
    row(OCI_CONFIG, Kind::Config, Family::Oci),
    row(OCI_EMPTY, Kind::Empty, Family::Oci),
    layer(
        "application/vnd.oci.image.layer.v1.tar",
        Family::Oci,
        Compression::None,
        true,
    ),
    layer(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        Family::Oci,
        Compression::Gzip,
        true,
    ),
    layer(
        "application/vnd.oci.image.layer.v1.tar+zstd",
        Family::Oci,
        Compression::Zstd,
        true,
    ),
    layer(
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        Family::Oci,
        Compression::None,
        false,
    ),
    layer(
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        Family::Oci,
        Compression::Gzip,
        false,
    ),
    layer(
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        Family::Oci,
        Compression::Zstd,
        false,
    ),
    row(DOCKER_MANIFEST, Kind::ImageManifest, Family::Docker),
    row(DOCKER_MANIFEST_LIST, Kind::ImageIndex, Family::Docker),
    row(DOCKER_CONFIG, Kind::Config, Family::Docker),
    row(
        "application/vnd.docker.plugin.v1+json",
        Kind::Config,
        Family::Docker,
    ),
    layer(
        "application/vnd.docker.image.rootfs.diff.tar",
        Family::Docker,
        Compression::None,
        true,
    ),
    layer(
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        Family::Docker,
        Compression::Gzip,
        true,
    ),
    layer(
        "application/vnd.docker.image.rootfs.diff.tar.zstd",
        Family::Docker,
        Compression::Zstd,
        true,
    ),
    layer(
        "application/vnd.docker.image.rootfs.foreign.diff.tar",
        Family::Docker,
        Compression::None,
        false,
    ),
    layer(
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        Family::Docker,
        Compression::Gzip,
        false,
    ),
    row(DOCKER_SCHEMA1, Kind::Schema1Manifest, Family::Docker),
    row(DOCKER_SCHEMA1_SIGNED, Kind::Schema1Manifest, Family::Docker),
];

/// Content types that say nothing about which document a body is (treated as absent).
pub const GENERIC_CONTENT_TYPES: &[&str] =
    &["application/json", "application/octet-stream", "text/plain"];

/// The table row for `media_type` (exact, case-sensitive, as containerd compares).
pub fn lookup(media_type: &str) -> Option<&'static MediaTypeInfo> {
    MEDIA_TYPES.iter().find(|m| m.name == media_type)
}

/// The kind of `media_type`, if it is in the table.
pub fn kind(media_type: &str) -> Option<Kind> {
    lookup(media_type).map(|m| m.kind)
}

fn is_restricted_name(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(f) if f.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    b.len() <= 127
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(c))
}

/// RFC 6838 `type/subtype` syntax as the OCI spec requires (no parameters).
pub fn is_valid_syntax(media_type: &str) -> bool {
    match media_type.split_once('/') {
        Some((t, s)) => is_restricted_name(t) && is_restricted_name(s),
        None => false,
    }
}

/// An HTTP `Content-Type` without its parameters, trimmed and lowercased
/// (`application/vnd.oci.image.index.v1+json; charset=utf-8` -> the bare type).
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_unique_and_valid() {
        for (i, m) in MEDIA_TYPES.iter().enumerate() {
            assert!(is_valid_syntax(m.name), "{}", m.name);
            assert!(
                MEDIA_TYPES[..i].iter().all(|o| o.name != m.name),
                "duplicate {}",
                m.name
            );
        }
    }

    #[test]
    fn syntax_follows_rfc_6838() {
        let cases: &[(&str, bool)] = &[
            ("application/json", true),
            ("application/vnd.oci.image.manifest.v1+json", true),
            ("a/b", true),
            ("application", false),
            ("application/", false),
            ("/json", false),
            ("application/json; charset=utf-8", false),
            ("application/.json", false),
            ("appl ication/json", false),
            ("application/json/x", false),
            ("text/plain\u{e9}", false),
        ];
        for (mt, ok) in cases {
            assert_eq!(is_valid_syntax(mt), *ok, "{mt}");
        }
        assert!(!is_valid_syntax(&format!("a/{}", "b".repeat(128))));
        assert!(is_valid_syntax(&format!("a/{}", "b".repeat(127))));
    }

    #[test]
    fn essence_strips_parameters() {
        assert_eq!(
            essence(" Application/JSON ; charset=utf-8"),
            "application/json"
        );
        assert_eq!(essence(""), "");
    }

    #[test]
    fn lookup_knows_kinds() {
        assert_eq!(kind(OCI_INDEX), Some(Kind::ImageIndex));
        assert_eq!(kind(DOCKER_MANIFEST_LIST), Some(Kind::ImageIndex));
        assert_eq!(kind(DOCKER_SCHEMA1_SIGNED), Some(Kind::Schema1Manifest));
        let foreign = lookup("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
        assert_eq!(foreign.map(|m| m.distributable), Some(false));
        assert_eq!(kind("application/x-unknown"), None);
    }
}
