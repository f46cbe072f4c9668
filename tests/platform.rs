//! Table cases beyond the shared vectors: Windows builds, arm variants, amd64 levels,
//! normalization aliases, matcher modes and ordering.

use pullspec::error::Coded;
use pullspec::platform::{self, windows_host_can_run, Matcher, Mode, Platform};

fn host() -> Platform {
    Platform::default_host()
}

fn p(spec: &str) -> Platform {
    platform::parse(spec, &host()).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn win(version: &str) -> Platform {
    Platform {
        os_version: version.to_string(),
        ..Platform::new("windows", "amd64", "")
    }
}

#[test]
fn windows_builds_are_compatible_by_abi_rules() {
    // (host os.version, image os.version, can run)
    let cases: &[(&str, &str, bool)] = &[
        ("10.0.17763", "10.0.17763", true),
        ("10.0.17763.5000", "10.0.17763.100", true),
        ("10.0.17763", "10.0.14393", false),
        ("10.0.17763", "10.0.20348", false),
        ("10.0.20348", "10.0.17763", false),
        ("10.0.20348", "10.0.20348.2000", true),
        ("10.0.22621", "10.0.20348", true),
        ("10.0.22621", "10.0.22621", true),
        ("10.0.22621", "10.0.26100", false),
        ("10.0.26100", "10.0.20348", true),
        ("10.0.26100", "10.0.17763", false),
        ("10.0.20348", "11.0.20348", false),
        ("10.1.20348", "10.0.20348", false),
        ("", "10.0.17763", true),
        ("10.0", "10.0.17763", true),
        ("10.0.x", "10.0.17763", true),
        ("10.0.17763", "", true),
        ("10.0.17763", "garbage", false),
        ("10.0.99999", "10.0.17763", true),
    ];
    for (h, image, want) in cases {
        assert_eq!(
            windows_host_can_run(h, image),
            *want,
            "host {h} image {image}"
        );
    }
}

#[test]
fn windows_matcher_checks_os_version_and_ignores_win32k() {
    let h = host();
    let m = Matcher::exact(win("10.0.20348"), &h);
    let cases: &[(Platform, bool)] = &[
        (win("10.0.20348.1"), true),
        (win("10.0.17763.1"), false),
        (win(""), true),
        (
            Platform {
                os_features: vec!["win32k".into()],
                ..win("10.0.20348")
            },
            true,
        ),
        (
            Platform {
                os_features: vec!["other".into()],
                ..win("10.0.20348")
            },
            false,
        ),
        (p("windows(10.0.20348)/arm64"), false),
        (p("linux/amd64"), false),
    ];
    for (cand, want) in cases {
        assert_eq!(m.matches(cand), *want, "{cand}");
    }
    // os.version is not compared for other operating systems.
    let linux = Matcher::exact(p("linux(5.15)/amd64"), &h);
    assert!(linux.matches(&p("linux(6.1)/amd64")));
}

#[test]
fn windows_host_prefers_greatest_os_version() {
    let h = win("10.0.26100.1");
    let m = Matcher::default_for(&h);
    assert_eq!(m.mode(), Mode::WindowsHost);
    let mut list = vec![
        win("10.0.20348.1"),
        p("linux/amd64"),
        win("10.0.26100.5"),
        win("10.0.17763.1"),
    ];
    m.sort(&mut list);
    let got: Vec<String> = list.iter().map(platform::format_all).collect();
    assert_eq!(
        got,
        [
            "windows(10.0.26100.5)/amd64",
            "windows(10.0.20348.1)/amd64",
            "linux/amd64",
            "windows(10.0.17763.1)/amd64"
        ]
    );
}

#[test]
fn only_expands_arm_variants_in_preference_order() {
    // (spec, candidates that match, in preference order, followed by ones that must not)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "linux/arm/v7",
            &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
            &["linux/arm/v8", "linux/arm/v4", "linux/arm64"],
        ),
        (
            "linux/arm/v6",
            &["linux/arm/v6", "linux/arm/v5"],
            &["linux/arm", "linux/arm/v7"],
        ),
        (
            "linux/arm64",
            &[
                "linux/arm64",
                "linux/arm/v8",
                "linux/arm/v7",
                "linux/arm/v6",
                "linux/arm/v5",
            ],
            &["linux/arm64/v8.1", "linux/arm64/v9", "linux/arm/v4"],
        ),
        (
            "linux/arm64/v8.2",
            &[
                "linux/arm64/v8.2",
                "linux/arm64/v8.1",
                "linux/arm64",
                "linux/arm/v8",
                "linux/arm/v5",
            ],
            &["linux/arm64/v8.3", "linux/arm64/v9"],
        ),
        (
            "linux/arm64/v9.1",
            &[
                "linux/arm64/v9.1",
                "linux/arm64/v9",
                "linux/arm64/v8.6",
                "linux/arm64/v8.1",
                "linux/arm64",
                "linux/arm/v8",
            ],
            &["linux/arm64/v9.2", "linux/arm64/v8.7"],
        ),
        (
            "linux/arm64/v9.8",
            &[
                "linux/arm64/v9.8",
                "linux/arm64/v9.7",
                "linux/arm64/v9",
                "linux/arm64/v8.9",
                "linux/arm64/v8",
            ],
            &["linux/arm64/v9.9", "linux/arm64/v8.10"],
        ),
    ];
    for (spec, good, bad) in cases {
        let m = Matcher::only(p(spec), &host());
        let goods: Vec<Platform> = good.iter().map(|s| p(s)).collect();
        for g in &goods {
            assert!(m.matches(g), "{spec} should match {g}");
        }
        for b in *bad {
            assert!(!m.matches(&p(b)), "{spec} should not match {b}");
        }
        let mut shuffled: Vec<Platform> = goods.iter().rev().cloned().collect();
        m.sort(&mut shuffled);
        assert_eq!(shuffled, goods, "{spec}: preference order");
    }
}

#[test]
fn only_expands_amd64_levels_down_to_386() {
    let m = Matcher::only(p("linux/amd64/v4"), &host());
    let order = [
        "linux/amd64/v4",
        "linux/amd64/v3",
        "linux/amd64/v2",
        "linux/amd64",
        "linux/386",
    ];
    let want: Vec<Platform> = order.iter().map(|s| p(s)).collect();
    let mut list: Vec<Platform> = want.iter().rev().cloned().collect();
    list.push(p("linux/amd64/v5"));
    list.push(p("linux/arm64"));
    m.sort(&mut list);
    assert_eq!(&list[..5], &want[..]);
    assert!(!m.matches(&p("linux/amd64/v5")));
    assert!(m.matches(&p("linux/x86_64")));
    assert!(m.matches(&p("linux/amd64/v1")));
    let strict = Matcher::only_strict(p("linux/amd64/v2"), &host());
    assert!(!strict.matches(&p("linux/amd64")));
    assert!(strict.matches(&p("linux/x86-64/V2")));
}

#[test]
fn huge_variant_numbers_stay_cheap() {
    let m = Matcher::only(p("linux/arm/v999999999999"), &host());
    assert!(m.matches(&p("linux/arm/v5")));
    assert!(m.matches(&p("linux/arm/v123456789")));
    assert!(!m.matches(&p("linux/arm/v4")));
    assert!(!m.matches(&p("linux/arm/v0123")));
    let m = Matcher::only(p("linux/arm64/v99999999999"), &host());
    assert!(m.matches(&p("linux/arm/v7")));
    let m = Matcher::only(p("linux/amd64/v9223372036854775807"), &host());
    assert!(m.matches(&p("linux/amd64/v42")));
    assert!(m.matches(&p("linux/386")));
}

#[test]
fn normalization_aliases() {
    let cases: &[(&str, &str)] = &[
        ("linux/x86_64", "linux/amd64"),
        ("linux/x86-64", "linux/amd64"),
        ("linux/aarch64", "linux/arm64"),
        ("linux/aarch64/8", "linux/arm64"),
        ("linux/arm64/v8", "linux/arm64"),
        ("linux/armhf", "linux/arm/v7"),
        ("linux/armel", "linux/arm/v6"),
        ("linux/i386", "linux/386"),
        ("macos/arm64", "darwin/arm64"),
        ("Linux/AMD64", "linux/amd64"),
        ("linux/arm", "linux/arm/v7"),
        ("linux/arm/7", "linux/arm/v7"),
        ("linux/amd64/v1", "linux/amd64"),
    ];
    for (spec, want) in cases {
        let n = platform::normalize(&p(spec), &host());
        assert_eq!(platform::format(&n), *want, "{spec}");
    }
}

#[test]
fn parse_keeps_arm64_v8_explicit_only_with_three_components() {
    assert_eq!(p("linux/arm64/v8").variant, "v8");
    assert_eq!(p("linux/arm64").variant, "");
    assert_eq!(p("linux/aarch64/v8.0").variant, "v8");
    assert_eq!(p("linux/arm/v7").variant, "v7");
    assert_eq!(p("linux/armhf").variant, "");
}

#[test]
fn os_mode_accepts_any_architecture_preferring_its_own() {
    let m = Matcher::only_os(p("linux/arm64"), &host());
    let mut list = vec![
        p("windows/arm64"),
        p("linux/amd64"),
        p("linux/arm64"),
        p("linux(+gpu)/arm64"),
    ];
    assert!(m.matches(&p("linux/s390x")));
    assert!(!m.matches(&p("windows/arm64")));
    assert!(!m.matches(&p("linux(+gpu)/arm64")));
    m.sort(&mut list);
    assert_eq!(list[0], p("linux/arm64"));
    assert_eq!(list[1], p("linux/amd64"));
}

#[test]
fn ordered_and_any_over_lists() {
    let h = host();
    let list = vec![p("linux/arm64"), p("linux/amd64")];
    let ordered = Matcher::ordered(list.clone(), &h);
    let any = Matcher::any(list, &h);
    let (a, b, c) = (p("linux/amd64"), p("linux/arm64"), p("linux/s390x"));
    assert!(ordered.less(&b, &a));
    assert!(!ordered.less(&a, &b));
    assert!(ordered.less(&a, &c));
    assert!(!any.less(&b, &a) && !any.less(&a, &b));
    assert!(any.less(&a, &c));
    assert_eq!(any.compare(&a, &b), std::cmp::Ordering::Equal);
    assert_eq!(ordered.compare(&a, &b), std::cmp::Ordering::Greater);
    assert!(!ordered.matches(&c));
    assert!(Matcher::all().matches(&c));
    assert_eq!(ordered.describe(), "linux/arm64, linux/amd64");
}

#[test]
fn matcher_modes_and_arity() {
    let h = host();
    for (mode, names) in Mode::NAMES {
        for name in *names {
            assert_eq!(Mode::from_name(name).ok(), Some(*mode), "{name}");
        }
        assert_eq!(Mode::from_name(mode.name()).ok(), Some(*mode));
    }
    let e = Mode::from_name("fuzzy").err().map(|e| e.code());
    assert_eq!(e, Some("INVALID_MATCHER"));
    let e = Matcher::new(Mode::Only, vec![], &h).err().map(|e| e.code());
    assert_eq!(e, Some("INVALID_MATCHER"));
    let m = Matcher::from_specifiers(Mode::Ordered, &["linux/arm64", "amd64"], &h);
    assert!(m.is_ok_and(|m| m.requested().len() == 2));
    let e = Matcher::from_specifiers(Mode::Only, &["linux/*"], &h)
        .err()
        .map(|e| e.code());
    assert_eq!(e, Some("INVALID_PLATFORM"));
}

#[test]
fn empty_os_normalizes_to_the_host_os() {
    let windows_host = Platform::new("windows", "amd64", "");
    let m = Matcher::exact(Platform::new("", "amd64", ""), &windows_host);
    assert!(m.matches(&Platform::new("windows", "amd64", "")));
    assert!(!m.matches(&Platform::new("linux", "amd64", "")));
}

#[test]
fn platform_serde_uses_oci_field_names() {
    let p: Platform = serde_json::from_str(r#"{"os":"windows","architecture":"amd64","os.version":"10.0.17763","os.features":["win32k"]}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.to_string(), "windows(10.0.17763+win32k)/amd64");
    let back = serde_json::to_string(&Platform::new("linux", "arm", "v7")).unwrap_or_default();
    assert_eq!(
        back,
        r#"{"os":"linux","architecture":"arm","variant":"v7"}"#
    );
}
