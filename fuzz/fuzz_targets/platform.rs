//! Platform specifiers from arbitrary text: parse, format, normalize and the matchers never
//! panic. (Formatting does not always round-trip, upstream neither: containerd's FormatAll is a
//! `path.Join`, so `indows(1)/.` formats as `indows(1)`, which no longer parses.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::platform::{self, Matcher, Mode, Platform};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let host = Platform::default_host();
    let Ok(p) = platform::parse(text, &host) else { return };
    let _ = platform::normalize(&p, &host);
    let _ = platform::parse(&platform::format_all(&p), &host);
    let _ = platform::parse(&platform::format(&p), &host);
    let candidates = [
        platform::parse("linux/arm64", &host).ok(),
        platform::parse("linux/arm/v7", &host).ok(),
        platform::parse("windows(10.0.17763)/amd64", &host).ok(),
        Some(p.clone()),
    ];
    let mut list: Vec<Platform> = candidates.into_iter().flatten().collect();
    for mode in [Mode::Exact, Mode::Only, Mode::Strict, Mode::Os, Mode::Ordered, Mode::Any] {
        if let Ok(m) = Matcher::from_specifiers(mode, &[text], &host) {
            for c in &list {
                let _ = m.matches(c);
                let _ = m.less(c, &p);
            }
            m.sort(&mut list);
        }
    }
});
