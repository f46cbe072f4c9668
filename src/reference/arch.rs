//! Legacy per-architecture image names: `registry.k8s.io/pause-amd64`, the `-$(ARCH)` suffix
//! images used before multi-architecture indexes.

use super::{Reference, ReferenceError};

/// Architectures that appear as `-$(ARCH)` suffixes of legacy per-architecture image names
/// (`registry.k8s.io/pause-amd64`).
pub const LEGACY_ARCH_SUFFIXES: &[&str] = &[
    "amd64", "arm64", "arm", "386", "ppc64le", "s390x", "mips64le", "riscv64", "loong64",
];

/// Appends `-<arch>` to the last path component (`registry.k8s.io/pause` + `amd64` ->
/// `registry.k8s.io/pause-amd64`), keeping tag and digest; returns the familiar form.
pub fn with_arch_suffix(input: &str, arch: &str) -> Result<String, ReferenceError> {
    let r = Reference::parse_normalized(input)?;
    let arch_ok = !arch.is_empty()
        && arch
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !arch_ok {
        return Err(ReferenceError::InvalidFormat {
            offset: 0,
            expected: "an architecture of lowercase letters and digits (e.g. amd64)",
            found: arch
                .chars()
                .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit())),
        });
    }
    let mut text = r.name();
    text.push('-');
    text.push_str(arch);
    let renamed = Reference::parse_normalized(&text)?;
    let mut out = renamed.familiar_name();
    if let Some(t) = r.tag() {
        out.push(':');
        out.push_str(t);
    }
    if let Some(d) = r.digest() {
        out.push('@');
        out.push_str(&d.to_string());
    }
    Ok(out)
}

/// If the last path component ends in a known `-$(ARCH)` suffix, returns the familiar name
/// without it and the architecture (`pause-amd64` -> (`pause`, `amd64`)).
pub fn split_arch_suffix(input: &str) -> Result<Option<(String, &'static str)>, ReferenceError> {
    let r = Reference::parse_normalized(input)?;
    let name = r.familiar_name();
    let last = name.rsplit('/').next().unwrap_or(&name);
    for arch in LEGACY_ARCH_SUFFIXES {
        if let Some(base) = last.strip_suffix(arch).and_then(|b| b.strip_suffix('-')) {
            if !base.is_empty() {
                let keep = name.len() - last.len() + base.len();
                return Ok(Some((name[..keep].to_string(), arch)));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_suffix_helpers_round_trip() {
        assert_eq!(
            with_arch_suffix("registry.k8s.io/pause:3.9", "amd64").unwrap(),
            "registry.k8s.io/pause-amd64:3.9"
        );
        assert_eq!(with_arch_suffix("pause", "arm64").unwrap(), "pause-arm64");
        assert_eq!(
            split_arch_suffix("registry.k8s.io/pause-amd64").unwrap(),
            Some(("registry.k8s.io/pause".to_string(), "amd64"))
        );
        assert_eq!(split_arch_suffix("registry.k8s.io/pause").unwrap(), None);
        assert_eq!(split_arch_suffix("arm64").unwrap(), None);
    }
}
