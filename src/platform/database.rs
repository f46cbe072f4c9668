//! The normalization tables: known operating systems and architectures, OS aliases and the
//! architecture/variant rules. Data only, plus the two small functions that apply it
//! (containerd/platforms `database.go`, v1.0.0-rc.4).

use crate::go;

/// Operating systems known to Go's `syslist.go`; a one-word specifier naming one of these is an OS.
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// Architectures known to Go's `syslist.go`; a one-word specifier naming one of these
/// (after normalization) is an architecture.
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// OS aliases applied after lowercasing: `(alias, canonical)`.
pub const OS_ALIASES: &[(&str, &str)] = &[("macos", "darwin")];

/// What an architecture rule does to the (lowercased) variant.
#[derive(Clone, Copy, Debug)]
pub enum VariantRule {
    /// The variant is cleared (`i386` has none).
    Clear,
    /// The variant is replaced whatever it was (`armhf` is always `v7`).
    Force(&'static str),
    /// Listed variants are rewritten `(from, to)`; others are kept as they are.
    Map(&'static [(&'static str, &'static str)]),
}

/// One architecture normalization rule: every name in `names` becomes `arch`, and the
/// variant is rewritten by `variant`.
#[derive(Clone, Copy, Debug)]
pub struct ArchRule {
    /// Lowercased spellings this rule applies to.
    pub names: &'static [&'static str],
    /// The canonical (GOARCH) name.
    pub arch: &'static str,
    /// What happens to the variant.
    pub variant: VariantRule,
}

/// The architecture rules, in one place. Architectures not listed are only lowercased.
pub const ARCH_RULES: &[ArchRule] = &[
    ArchRule {
        names: &["i386"],
        arch: "386",
        variant: VariantRule::Clear,
    },
    ArchRule {
        names: &["x86_64", "x86-64", "amd64"],
        arch: "amd64",
        variant: VariantRule::Map(&[("v1", "")]),
    },
    ArchRule {
        names: &["aarch64", "arm64"],
        arch: "arm64",
        variant: VariantRule::Map(&[
            ("8", ""),
            ("v8", ""),
            ("v8.0", ""),
            ("9", "v9"),
            ("9.0", "v9"),
            ("v9.0", "v9"),
        ]),
    },
    ArchRule {
        names: &["armhf"],
        arch: "arm",
        variant: VariantRule::Force("v7"),
    },
    ArchRule {
        names: &["armel"],
        arch: "arm",
        variant: VariantRule::Force("v6"),
    },
    ArchRule {
        names: &["arm"],
        arch: "arm",
        variant: VariantRule::Map(&[
            ("", "v7"),
            ("7", "v7"),
            ("5", "v5"),
            ("6", "v6"),
            ("8", "v8"),
        ]),
    },
];

/// Whether `os` (already normalized) is a known operating system.
pub fn is_known_os(os: &str) -> bool {
    KNOWN_OS.contains(&os)
}

/// Whether `arch` (already normalized) is a known architecture.
pub fn is_known_arch(arch: &str) -> bool {
    KNOWN_ARCH.contains(&arch)
}

/// containerd `normalizeOS`: empty means the host's OS; lowercase (Go's `strings.ToLower`);
/// apply [`OS_ALIASES`].
pub fn normalize_os(os: &str, host_os: &str) -> String {
    if os.is_empty() {
        return host_os.to_string();
    }
    let lower = go::strings::to_lower(os);
    match OS_ALIASES.iter().find(|(alias, _)| *alias == lower) {
        Some((_, canonical)) => (*canonical).to_string(),
        None => lower,
    }
}

/// containerd `normalizeArch`: lowercase both, then apply the first [`ARCH_RULES`] entry
/// whose names contain the architecture.
pub fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let arch = go::strings::to_lower(arch);
    let variant = go::strings::to_lower(variant);
    let Some(rule) = ARCH_RULES.iter().find(|r| r.names.contains(&arch.as_str())) else {
        return (arch, variant);
    };
    let variant = match rule.variant {
        VariantRule::Clear => String::new(),
        VariantRule::Force(v) => v.to_string(),
        VariantRule::Map(map) => match map.iter().find(|(from, _)| *from == variant) {
            Some((_, to)) => (*to).to_string(),
            None => variant,
        },
    };
    (rule.arch.to_string(), variant)
}
