use super::*;

#[test]
fn default_mode_follows_the_platform_os() {
    let cases: &[(&str, &str, Mode)] = &[
        ("windows", "linux", Mode::WindowsHost),
        ("Windows", "linux", Mode::WindowsHost),
        ("linux", "windows", Mode::Only),
        ("", "windows", Mode::WindowsHost),
        ("", "", Mode::Only),
        ("darwin", "linux", Mode::Only),
    ];
    for (os, host_os, want) in cases {
        let p = Platform::new(os, "amd64", "");
        assert_eq!(Mode::default_for(&p, host_os), *want, "{os} on {host_os}");
    }
}
