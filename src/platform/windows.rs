//! Windows `os.version` compatibility by build number (containerd/platforms
//! `platform_windows_compat.go` at main, commit 4549974: ltsc2022 and ltsc2025).
//!
//! A Windows host can run a container image when major and minor versions are equal and:
//! - the host build is older than Windows Server 2022 (20348): the builds must be equal;
//! - otherwise (stable ABI): the image build lies between the newest LTSC release *older* than
//!   the host (ltsc2022 when none is: the host is ltsc2022 itself) and the host build, both
//!   inclusive. So an ltsc2025 host (26100) runs images from 20348 to 26100, and a host past
//!   ltsc2025 runs images from 26100 up to its own build.
//!
//! A version is `major.minor.build[.revision]`; anything that does not parse that way (fewer than
//! two dots, a part that is not a decimal number in range) counts as "no version", which matches
//! everything, as in containerd.

use crate::go::strconv::parse_uint;

/// Build number of Windows Server 2022 (ltsc2022), the first stable-ABI release.
pub const WS2022_BUILD: u16 = 20348;

/// Build number of Windows Server 2025 (ltsc2025).
pub const WS2025_BUILD: u16 = 26100;

/// Stable ABI LTSC releases in ascending order: a host newer than one runs images from it on.
pub const COMPAT_LTSC_RELEASES: &[u16] = &[WS2022_BUILD, WS2025_BUILD];

/// A parsed `major.minor.build` (revision ignored); all zero when unparsable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WindowsVersion {
    /// Major version (10 for every current Windows).
    pub major: u8,
    /// Minor version.
    pub minor: u8,
    /// Build number, the part that decides compatibility.
    pub build: u16,
}

impl WindowsVersion {
    /// Parses `major.minor.build[...]` the way containerd's `getWindowsOSVersion` does.
    pub fn parse(os_version: &str) -> WindowsVersion {
        if os_version.matches('.').count() < 2 {
            return WindowsVersion::default();
        }
        let mut parts = os_version.splitn(4, '.');
        let (Some(major), Some(minor), Some(build)) = (parts.next(), parts.next(), parts.next())
        else {
            return WindowsVersion::default();
        };
        let parsed = (
            parse_uint(major, 8),
            parse_uint(minor, 8),
            parse_uint(build, 16),
        );
        match parsed {
            (Some(major), Some(minor), Some(build)) => WindowsVersion {
                major: u8::try_from(major).unwrap_or(0),
                minor: u8::try_from(minor).unwrap_or(0),
                build: u16::try_from(build).unwrap_or(0),
            },
            _ => WindowsVersion::default(),
        }
    }

    /// True when nothing parsed (matches every version).
    pub fn is_empty(&self) -> bool {
        self.major == 0 && self.minor == 0 && self.build == 0
    }

    /// Whether a host of this version can run a container image of version `image`.
    pub fn can_run(&self, image: &WindowsVersion) -> bool {
        if self.major != image.major || self.minor != image.minor {
            return false;
        }
        if self.build < WS2022_BUILD {
            return self.build == image.build;
        }
        let supported = COMPAT_LTSC_RELEASES
            .iter()
            .rev()
            .find(|&&r| self.build > r)
            .copied()
            .unwrap_or(WS2022_BUILD);
        image.build >= supported && image.build <= self.build
    }

    /// containerd `windowsVersionMatcher.Match`: empty matcher or empty candidate matches.
    pub fn matches(&self, candidate_os_version: &str) -> bool {
        if self.is_empty() || candidate_os_version.is_empty() {
            return true;
        }
        self.can_run(&WindowsVersion::parse(candidate_os_version))
    }
}

/// The revision of an `os.version` (`10.0.20348.2966` -> 2966): containerd's `winRevision`, 0
/// when there are fewer than four parts or the fourth is not a number.
pub fn revision(os_version: &str) -> u64 {
    os_version
        .split('.')
        .nth(3)
        .and_then(|r| r.parse::<i64>().ok())
        .map_or(0, |r| r.max(0) as u64)
}

/// Whether a Windows host with `host_os_version` can run an image built for `image_os_version`
/// (empty or unparsable versions are compatible with everything).
pub fn windows_host_can_run(host_os_version: &str, image_os_version: &str) -> bool {
    WindowsVersion::parse(host_os_version).matches(image_os_version)
}
