use super::*;

fn host() -> Platform {
    Platform::default_host()
}

#[test]
fn parse_fills_in_from_the_host() {
    let cases: &[(&str, Platform, &str)] = &[
        ("linux", Platform::new("linux", "arm64", ""), "linux/arm64"),
        ("linux", Platform::new("linux", "arm", "v6"), "linux/arm/v6"),
        ("linux", Platform::new("linux", "arm", "v7"), "linux/arm"),
        ("linux", Platform::new("linux", "arm", ""), "linux/arm"),
        (
            "arm64",
            Platform::new("windows", "amd64", ""),
            "windows/arm64",
        ),
        (
            "windows",
            Platform::new("linux", "amd64", "v3"),
            "windows/amd64",
        ),
        ("macos", Platform::new("linux", "amd64", ""), "darwin/amd64"),
        (
            "x86_64",
            Platform::new("darwin", "arm64", ""),
            "darwin/amd64",
        ),
        ("i386", host(), "linux/386"),
        ("armel", host(), "linux/arm/v6"),
        ("aarch64", host(), "linux/arm64"),
    ];
    for (spec, h, want) in cases {
        let p = parse(spec, h).unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(format(&p), *want, "{spec} on {h}");
    }
}

#[test]
fn parse_refuses_malformed_specifiers_with_offsets() {
    let cases: &[(&str, usize)] = &[
        ("", 0),
        ("*", 0),
        ("linux/*", 6),
        ("linux/arm/", 10),
        ("/arm", 0),
        ("linux /arm", 5),
        ("linux/ar m", 8),
        ("linux/arm/v7/x", 13),
        ("linux(", 6),
        ("linux(1.0", 9),
        ("linux(+)", 7),
        ("linux(+a++b)/amd64", 9),
        ("linux(1)x/amd64", 8),
        ("linux(1))/amd64", 8),
        ("linux(%zz)/amd64", 6),
        ("linux(%ff)/amd64", 6),
        ("foo", 0),
        ("arm64(1.0)", 0),
        ("lin.ux/amd64", 3),
    ];
    for (spec, offset) in cases {
        match parse(spec, &host()) {
            Err(e) => {
                assert_eq!(e.code(), "INVALID_PLATFORM", "{spec}");
                assert_eq!(e.offset(), Some(*offset), "{spec}: {e}");
            }
            Ok(p) => panic!("{spec} parsed as {p:?}"),
        }
    }
}

#[test]
fn parse_reads_os_version_and_features() {
    let cases: &[(&str, &str, &[&str], &str)] = &[
        (
            "windows(10.0.17763)/amd64",
            "10.0.17763",
            &[],
            "windows(10.0.17763)/amd64",
        ),
        (
            "windows(10.0.17763+win32k)/amd64",
            "10.0.17763",
            &["win32k"],
            "windows(10.0.17763+win32k)/amd64",
        ),
        ("linux(+b+a)/arm64", "", &["b", "a"], "linux(+a+b)/arm64"),
        (
            "linux(1%2B2+x%2Fy)/amd64",
            "1+2",
            &["x/y"],
            "linux(1%2B2+x%2Fy)/amd64",
        ),
        ("windows()/amd64", "", &[], "windows/amd64"),
    ];
    for (spec, version, features, all) in cases {
        let p = parse(spec, &host()).unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(p.os_version, *version, "{spec}");
        assert_eq!(p.os_features, *features, "{spec}");
        assert_eq!(format_all(&p), *all, "{spec}");
    }
}

#[test]
fn normalize_applies_the_alias_tables() {
    let cases: &[(&str, &str, &str, &str)] = &[
        ("x86_64", "", "amd64", ""),
        ("x86-64", "v1", "amd64", ""),
        ("AMD64", "V3", "amd64", "v3"),
        ("aarch64", "v8.0", "arm64", ""),
        ("arm64", "9.0", "arm64", "v9"),
        ("arm64", "v8.2", "arm64", "v8.2"),
        ("armhf", "", "arm", "v7"),
        ("armel", "v7", "arm", "v6"),
        ("arm", "", "arm", "v7"),
        ("arm", "8", "arm", "v8"),
        ("arm", "v4", "arm", "v4"),
        ("i386", "v1", "386", ""),
        ("riscv64", "RVA22U64", "riscv64", "rva22u64"),
    ];
    for (arch, variant, want_arch, want_variant) in cases {
        let n = normalize(&Platform::new("linux", arch, variant), &host());
        assert_eq!(
            (n.architecture.as_str(), n.variant.as_str()),
            (*want_arch, *want_variant),
            "{arch}/{variant}"
        );
    }
    let n = normalize(&Platform::new("MacOS", "amd64", ""), &host());
    assert_eq!(n.os, "darwin");
    let n = normalize(
        &Platform::new("", "amd64", ""),
        &Platform::new("windows", "amd64", ""),
    );
    assert_eq!(n.os, "windows");
    let mut p = Platform::new("linux", "amd64", "");
    p.os_features = vec!["b".into(), "a".into(), "b".into()];
    assert_eq!(normalize(&p, &host()).os_features, vec!["a", "b"]);
}

#[test]
fn format_follows_go_path_join() {
    let cases: &[(Platform, &str)] = &[
        (Platform::new("", "amd64", ""), "unknown"),
        (Platform::new("linux", "", ""), "linux"),
        (Platform::new("linux", "", "v7"), "linux/v7"),
        (Platform::new("linux", "..", ""), "."),
        (Platform::new("linux", "a//b", "."), "linux/a/b"),
    ];
    for (p, want) in cases {
        assert_eq!(format(p), *want, "{p:?}");
    }
}
