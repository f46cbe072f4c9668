//! Platform matchers and their preference order (containerd/platforms v1.0.0-rc.4
//! `NewMatcher`, `Only`, `OnlyStrict`, `OnlyOS`, `Ordered`, `Any`, `All`; the Windows
//! match-comparer as on main, commit 4549974).
//!
//! A [`Matcher`] is a value: `matches(p)` says whether `p` is acceptable, `less(a, b)` whether
//! `a` is preferred over `b`, and `sort`/`sorted_indices` order a list the way containerd's
//! `sort.SliceStable(…, Less)` does (Go's algorithm, reproduced).
//!
//! The basic rule (`NewMatcher`, mode [`Mode::Exact`]): both sides normalized; os, architecture
//! and variant equal; the candidate's os.features a subset of the spec's (`win32k` ignored when
//! the spec is Windows); for a Windows spec the os.version is checked by build-number ABI
//! compatibility ([`super::windows`]). os.version is ignored for other operating systems.
//!
//! `Only(p)` matches `p` and what it can run, in this preference order:
//! - `amd64/vN`: amd64 v(N-1) … v1, then `386`;
//! - `arm/vN`: arm v(N-1) … v5;
//! - `arm64/v9.x`: arm64 v9.(x-1) … v9, then v8.(min(x+5, 9)) … v8, then arm (v8 … v5);
//! - `arm64/v8.x`: arm64 v8.(x-1) … v8, then arm v8 … v5.
//!
//! Long runs (`arm/v1000000`) are kept as ranges, never expanded, so hostile input cannot
//! allocate without bound.

use super::windows::WindowsVersion;
use super::{format_all, normalize_with_host_os, Platform, PlatformError};
use crate::go::sort::{sort_by, sorted_permutation};
use crate::go::strconv::atoi;
use std::cmp::Ordering;

/// Which containerd comparer a [`Matcher`] reproduces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `NewMatcher(p)`: the normalized platform only (`less`: matching before non-matching).
    Exact,
    /// `Only(p)`: the platform and the ones it can run, best first.
    Only,
    /// `OnlyStrict(p)`: the normalized platform only.
    Strict,
    /// `OnlyOS(p)`: any architecture of the OS (os.version and features still checked);
    /// the platform's own architecture first.
    Os,
    /// `Ordered(ps...)`: any of the platforms, preferred in the order given.
    Ordered,
    /// `Any(ps...)`: any of the platforms, no preference among them.
    Any,
    /// `All`: every platform, no preference.
    All,
    /// containerd's Windows default comparer: `NewMatcher(p)`, preferring the lexically
    /// greatest os.version among matches.
    WindowsHost,
}

impl Mode {
    /// Every mode with its names as accepted by [`Mode::from_name`] (first one canonical).
    pub const NAMES: &'static [(Mode, &'static [&'static str])] = &[
        (Mode::Exact, &["exact", "matcher"]),
        (Mode::Only, &["only"]),
        (Mode::Strict, &["strict", "only_strict"]),
        (Mode::Os, &["os", "only_os"]),
        (Mode::Ordered, &["ordered"]),
        (Mode::Any, &["any"]),
        (Mode::All, &["all"]),
        (Mode::WindowsHost, &["windows_host"]),
    ];

    /// The mode named `name` (`exact`, `only`, `strict`, `os`, `ordered`, `any`, `all`,
    /// `windows_host`; containerd-style aliases `matcher`, `only_strict`, `only_os` too).
    pub fn from_name(name: &str) -> Result<Mode, PlatformError> {
        Mode::NAMES
            .iter()
            .find(|(_, names)| names.contains(&name))
            .map(|(m, _)| *m)
            .ok_or_else(|| PlatformError::InvalidMatcher {
                reason: format!(
                    "unknown mode {name:?}; expected exact, only, strict, os, ordered, any, all or windows_host"
                ),
            })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        Mode::NAMES
            .iter()
            .find(|(m, _)| *m == self)
            .and_then(|(_, names)| names.first().copied())
            .unwrap_or("exact")
    }

    /// containerd's `Default()` comparer for a runtime on `platform`: [`Mode::WindowsHost`] when
    /// it is Windows, [`Mode::Only`] otherwise. An empty OS counts as `host_os`.
    pub fn default_for(platform: &Platform, host_os: &str) -> Mode {
        let host_os = super::database::normalize_os(host_os, "linux");
        if super::database::normalize_os(&platform.os, &host_os) == "windows" {
            Mode::WindowsHost
        } else {
            Mode::Only
        }
    }

    fn takes_one_platform(self) -> bool {
        !matches!(self, Mode::Ordered | Mode::Any | Mode::All)
    }
}

/// containerd's `matcher` (`NewMatcher`): a normalized platform plus, for Windows, the
/// os.version to check candidates against.
#[derive(Clone, Debug)]
struct Simple {
    platform: Platform,
    windows: Option<WindowsVersion>,
}

impl Simple {
    fn new(p: &Platform, host_os: &str) -> Simple {
        // containerd tests the OS as given (before normalization) here.
        let windows = (p.os == "windows").then(|| WindowsVersion::parse(&p.os_version));
        Simple {
            platform: normalize_with_host_os(p, host_os),
            windows,
        }
    }

    /// OS, os.version and os.features, everything but architecture and variant.
    fn os_matches(&self, normalized: &Platform, raw_os_version: &str) -> bool {
        if self.platform.os != normalized.os {
            return false;
        }
        if let Some(w) = &self.windows {
            if !w.matches(raw_os_version) {
                return false;
            }
        }
        let windows = self.platform.os == "windows";
        normalized
            .os_features
            .iter()
            .filter(|f| !(windows && f.as_str() == "win32k"))
            .all(|f| self.platform.os_features.contains(f))
    }

    fn matches(&self, normalized: &Platform, raw_os_version: &str) -> bool {
        self.platform.architecture == normalized.architecture
            && self.platform.variant == normalized.variant
            && self.os_matches(normalized, raw_os_version)
    }
}

/// One element of an ordered matcher list: one platform, or a run of numbered variants
/// `v{hi}`, `v{hi-1}`, …, `v{lo}` of one architecture (kept symbolic).
#[derive(Clone, Debug)]
enum Entry {
    One(Simple),
    Run { base: Simple, hi: i64, lo: i64 },
}

impl Entry {
    /// Position within this entry where `normalized` matches (0 for `One`), if it does.
    fn position(&self, normalized: &Platform, raw_os_version: &str) -> Option<i64> {
        match self {
            Entry::One(s) => s.matches(normalized, raw_os_version).then_some(0),
            Entry::Run { base, hi, lo } => {
                if base.platform.architecture != normalized.architecture
                    || !base.os_matches(normalized, raw_os_version)
                {
                    return None;
                }
                let n = variant_number(&normalized.architecture, &normalized.variant)?;
                (*lo <= n && n <= *hi).then(|| hi - n)
            }
        }
    }
}

/// The number `n` such that the normalized form of `v{n}` for `arch` is `variant`.
fn variant_number(arch: &str, variant: &str) -> Option<i64> {
    if arch == "amd64" && variant.is_empty() {
        return Some(1); // amd64/v1 normalizes to no variant
    }
    let digits = variant.strip_prefix('v')?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    // These normalize to something else, so `v{n}` never equals them.
    if arch == "amd64" && n == 1 {
        return None;
    }
    Some(n)
}

fn with(p: &Platform, arch: &str, variant: &str) -> Platform {
    Platform {
        architecture: arch.to_string(),
        variant: variant.to_string(),
        ..p.clone()
    }
}

/// containerd `platformVector` over an already normalized platform, as matcher entries.
fn platform_vector(p: &Platform, host_os: &str, out: &mut Vec<Entry>) {
    let one = |q: &Platform| Entry::One(Simple::new(q, host_os));
    out.push(one(p));
    match p.architecture.as_str() {
        "amd64" => {
            if let Some(v) = atoi(p.variant.strip_prefix('v').unwrap_or(&p.variant)) {
                if v > 1 {
                    out.push(Entry::Run {
                        base: Simple::new(&with(p, "amd64", ""), host_os),
                        hi: v - 1,
                        lo: 1,
                    });
                }
            }
            out.push(one(&with(p, "386", "")));
        }
        "arm" => arm_vector(p, host_os, out),
        "arm64" => {
            let mut variant = if p.variant.is_empty() {
                "v8".to_string()
            } else {
                p.variant.clone()
            };
            let (major, minor) = match variant.split_once('.') {
                Some((a, b)) => (a, Some(b)),
                None => (variant.as_str(), None),
            };
            let major_text = major.strip_prefix('v').unwrap_or(major);
            if let Some(mut arm_major) = atoi(major_text).filter(|m| *m >= 8) {
                let mut arm_minor = 0;
                if variant.len() == 4 {
                    if let Some(m) = minor.and_then(atoi) {
                        arm_minor = m;
                    }
                }
                let name = |major: i64, minor: i64| {
                    if minor == 0 {
                        format!("v{major}")
                    } else {
                        format!("v{major}.{minor}")
                    }
                };
                if arm_major == 9 {
                    for m in (0..arm_minor).rev() {
                        out.push(one(&with(p, "arm64", &name(9, m))));
                    }
                    arm_minor = (arm_minor + 5).min(9);
                    arm_major = 8;
                    out.push(one(&with(p, "arm64", &format!("v8.{arm_minor}"))));
                }
                // arm_minor is at most 9 here (one digit, or capped), so this loop is short.
                for m in (0..arm_minor).rev() {
                    out.push(one(&with(p, "arm64", &name(arm_major, m))));
                }
            }
            if variant.starts_with("v8.") || variant.starts_with("v9.") {
                variant = "v8".to_string();
            }
            let arm = with(p, "arm", &variant);
            out.push(one(&arm));
            arm_vector(&arm, host_os, out);
        }
        _ => {}
    }
}

/// The `arm` tail of `platformVector` (after the platform itself): v(N-1) … v5.
fn arm_vector(p: &Platform, host_os: &str, out: &mut Vec<Entry>) {
    if let Some(v) = atoi(p.variant.strip_prefix('v').unwrap_or(&p.variant)) {
        if v > 5 {
            out.push(Entry::Run {
                base: Simple::new(&with(p, "arm", ""), host_os),
                hi: v - 1,
                lo: 5,
            });
        }
    }
}

/// A platform matcher and preference order; see the module doc.
#[derive(Clone, Debug)]
pub struct Matcher {
    mode: Mode,
    requested: Vec<Platform>,
    host_os: String,
    entries: Vec<Entry>,
}

fn strip_features(p: &Platform) -> Platform {
    Platform {
        os_features: Vec::new(),
        ..p.clone()
    }
}

impl Matcher {
    /// A matcher of `mode` over `platforms` (exactly one for every mode but `ordered`, `any`
    /// and `all`); `host` supplies the OS an empty `os` normalizes to.
    pub fn new(
        mode: Mode,
        platforms: Vec<Platform>,
        host: &Platform,
    ) -> Result<Matcher, PlatformError> {
        if mode.takes_one_platform() && platforms.len() != 1 {
            return Err(PlatformError::InvalidMatcher {
                reason: format!(
                    "mode {} takes exactly one platform, got {}",
                    mode.name(),
                    platforms.len()
                ),
            });
        }
        let host_os = super::database::normalize_os(&host.os, "linux");
        let mut entries = Vec::new();
        match mode {
            Mode::Only => {
                for p in &platforms {
                    platform_vector(&normalize_with_host_os(p, &host_os), &host_os, &mut entries);
                }
            }
            Mode::Strict | Mode::Os => {
                for p in &platforms {
                    entries.push(Entry::One(Simple::new(
                        &normalize_with_host_os(p, &host_os),
                        &host_os,
                    )));
                }
            }
            Mode::Exact | Mode::Ordered | Mode::Any | Mode::WindowsHost => {
                entries.extend(
                    platforms
                        .iter()
                        .map(|p| Entry::One(Simple::new(p, &host_os))),
                );
            }
            Mode::All => {}
        }
        Ok(Matcher {
            mode,
            requested: platforms,
            host_os,
            entries,
        })
    }

    /// Parses each specifier against `host`, then builds the matcher as [`Matcher::new`].
    pub fn from_specifiers(
        mode: Mode,
        specifiers: &[&str],
        host: &Platform,
    ) -> Result<Matcher, PlatformError> {
        let platforms = specifiers
            .iter()
            .map(|s| super::parse(s, host))
            .collect::<Result<Vec<_>, _>>()?;
        Matcher::new(mode, platforms, host)
    }

    fn single(mode: Mode, p: Platform, host: &Platform) -> Matcher {
        let host_os = super::database::normalize_os(&host.os, "linux");
        Matcher::new(mode, vec![p], host).unwrap_or(Matcher {
            mode: Mode::All,
            requested: Vec::new(),
            host_os,
            entries: Vec::new(),
        })
    }

    /// containerd `NewMatcher(p)`.
    pub fn exact(p: Platform, host: &Platform) -> Matcher {
        Matcher::single(Mode::Exact, p, host)
    }

    /// containerd `Only(p)`.
    pub fn only(p: Platform, host: &Platform) -> Matcher {
        Matcher::single(Mode::Only, p, host)
    }

    /// containerd `OnlyStrict(p)`.
    pub fn only_strict(p: Platform, host: &Platform) -> Matcher {
        Matcher::single(Mode::Strict, p, host)
    }

    /// containerd `OnlyOS(p)`.
    pub fn only_os(p: Platform, host: &Platform) -> Matcher {
        Matcher::single(Mode::Os, p, host)
    }

    /// containerd's Windows default comparer for a host `p`.
    pub fn windows_host(p: Platform, host: &Platform) -> Matcher {
        Matcher::single(Mode::WindowsHost, p, host)
    }

    /// containerd `Ordered(ps...)`.
    pub fn ordered(ps: Vec<Platform>, host: &Platform) -> Matcher {
        Matcher::new(Mode::Ordered, ps, host).unwrap_or_else(|_| Matcher::all())
    }

    /// containerd `Any(ps...)`.
    pub fn any(ps: Vec<Platform>, host: &Platform) -> Matcher {
        Matcher::new(Mode::Any, ps, host).unwrap_or_else(|_| Matcher::all())
    }

    /// containerd `All`: matches everything, prefers nothing.
    pub fn all() -> Matcher {
        Matcher {
            mode: Mode::All,
            requested: Vec::new(),
            host_os: "linux".to_string(),
            entries: Vec::new(),
        }
    }

    /// containerd `Default()` for a runtime on `host`: the Windows comparer on Windows,
    /// `Only(host)` elsewhere.
    pub fn default_for(host: &Platform) -> Matcher {
        Matcher::single(Mode::default_for(host, "linux"), host.clone(), host)
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The platforms the matcher was built from, as given.
    pub fn requested(&self) -> &[Platform] {
        &self.requested
    }

    /// The requested platforms for messages: `linux/arm64`, or `a, b` for a list.
    pub fn describe(&self) -> String {
        if self.mode == Mode::All {
            return "any platform".to_string();
        }
        let names: Vec<String> = self.requested.iter().map(format_all).collect();
        names.join(", ")
    }

    fn norm(&self, p: &Platform) -> Platform {
        normalize_with_host_os(p, &self.host_os)
    }

    fn any_entry(&self, p: &Platform) -> bool {
        let n = self.norm(p);
        self.entries
            .iter()
            .any(|e| e.position(&n, &p.os_version).is_some())
    }

    /// containerd `OnlyOS` match: same OS, os.version and features, any architecture.
    fn os_matches(&self, p: &Platform) -> bool {
        match self.entries.first() {
            Some(Entry::One(s)) => s.os_matches(&self.norm(p), &p.os_version),
            _ => false,
        }
    }

    /// Whether `p` is acceptable.
    pub fn matches(&self, p: &Platform) -> bool {
        match self.mode {
            Mode::All => true,
            Mode::Os => self.os_matches(p),
            _ => self.any_entry(p),
        }
    }

    /// Whether the first requested platform itself (not a fallback) matches `p`
    /// (containerd `NewMatcher(requested[0]).Match(p)`).
    pub fn is_exact(&self, p: &Platform) -> bool {
        match self.requested.first() {
            Some(r) => Simple::new(r, &self.host_os).matches(&self.norm(p), &p.os_version),
            None => true,
        }
    }

    /// containerd `orderedPlatformComparer.Less`.
    fn ordered_less(&self, p1: &Platform, p2: &Platform) -> bool {
        let (n1, n2) = (self.norm(p1), self.norm(p2));
        for e in &self.entries {
            match (
                e.position(&n1, &p1.os_version),
                e.position(&n2, &p2.os_version),
            ) {
                (None, None) => continue,
                (Some(_), None) => return true,
                (None, Some(_)) => return false,
                (Some(a), Some(b)) if a != b => return a < b,
                (Some(_), Some(_)) => {
                    return p1.os_features.len() > p2.os_features.len();
                }
            }
        }
        if !p1.os_features.is_empty() || !p2.os_features.is_empty() {
            return self.ordered_less(&strip_features(p1), &strip_features(p2));
        }
        false
    }

    /// containerd `anyPlatformComparer.Less`.
    fn any_less(&self, p1: &Platform, p2: &Platform) -> bool {
        let (m1, m2) = (self.any_entry(p1), self.any_entry(p2));
        if m1 && m2 {
            return p1.os_features.len() > p2.os_features.len();
        }
        if !m1 && !m2 && (!p1.os_features.is_empty() || !p2.os_features.is_empty()) {
            return self.any_less(&strip_features(p1), &strip_features(p2));
        }
        m1 && !m2
    }

    /// Whether `a` is preferred over `b` (the comparer's `Less`).
    pub fn less(&self, a: &Platform, b: &Platform) -> bool {
        match self.mode {
            Mode::All => false,
            Mode::Exact => self.any_entry(a) && !self.any_entry(b),
            Mode::Only | Mode::Strict | Mode::Ordered => self.ordered_less(a, b),
            Mode::Any => self.any_less(a, b),
            Mode::Os => {
                let (m1, m2) = (self.os_matches(a), self.os_matches(b));
                if m1 != m2 {
                    return m1;
                }
                m1 && self.ordered_less(a, b)
            }
            Mode::WindowsHost => {
                // containerd main: two matching entries are ordered by revision alone (the
                // fourth part of os.version), newest first; equal revisions keep index order.
                let (m1, m2) = (self.any_entry(a), self.any_entry(b));
                if m1 && m2 {
                    return super::windows::revision(&a.os_version)
                        > super::windows::revision(&b.os_version);
                }
                m1 && !m2
            }
        }
    }

    /// `Less` as an [`Ordering`]: `Less` when `a` is preferred, `Greater` when `b` is.
    pub fn compare(&self, a: &Platform, b: &Platform) -> Ordering {
        if self.less(a, b) {
            Ordering::Less
        } else if self.less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }

    /// The indices of `platforms` in preference order (Go's stable sort by `less`).
    pub fn sorted_indices(&self, platforms: &[Platform]) -> Vec<usize> {
        sorted_permutation(platforms.len(), |a, b| {
            match (platforms.get(a), platforms.get(b)) {
                (Some(x), Some(y)) => self.less(x, y),
                _ => false,
            }
        })
    }

    /// Sorts `platforms` in place, preferred first, stably.
    pub fn sort(&self, platforms: &mut Vec<Platform>) {
        sort_by(platforms, |a, b| self.less(a, b));
    }
}

#[cfg(test)]
mod tests;
