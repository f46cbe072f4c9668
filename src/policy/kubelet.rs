//! The kubelet's image manager over time (`EnsureImageExists` with its pull back-off) and the
//! credential verification policies of `KubeletEnsureSecretPulledImages` (KEP-2535).
//!
//! The simulation is a pure state machine: the caller passes the clock and what the container
//! runtime answers, and gets back which runtime calls the kubelet makes and the error the
//! container sees. It reproduces the kubelet's own test table (`pullerTestCases`).

use super::{pull_decision, ImagePresence, PolicyError, PullPolicy};
use crate::reference::{kubelet_image_with_default_tag, Reference};
use std::collections::HashMap;

/// The kubelet's default back-off for image pulls: 10 s doubling up to 300 s. Tests of the
/// kubelet itself use 1 s and 60 s (see [`ImageManager::with_backoff`]).
pub const DEFAULT_BACKOFF_MS: (u64, u64) = (10_000, 300_000);

/// The container runtime's answers for one call of `EnsureImageExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuntimeAnswers {
    /// What `GetImageRef` says.
    pub presence: ImagePresence,
    /// Whether `PullImage` fails.
    pub pull_fails: bool,
}

/// One call of `EnsureImageExists`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The CRI image-service calls made (`GetImageRef`, `PullImage`).
    pub runtime_calls: Vec<&'static str>,
    /// The error the container sees (`ErrImagePull`, `ImagePullBackOff`, `ErrImageNeverPull`,
    /// `ImageInspectError`, `InvalidImageName`), or none when the image is ready.
    pub error: Option<&'static str>,
    /// Whether a pull was attempted.
    pub pulled: bool,
    /// One sentence for a person.
    pub reason: String,
}

#[derive(Clone, Copy, Debug)]
struct BackoffEntry {
    backoff_ms: u64,
    last_update_ms: u64,
}

/// The kubelet's image manager for one node: remembers pull back-off per pod and image.
#[derive(Clone, Debug)]
pub struct ImageManager {
    initial_ms: u64,
    max_ms: u64,
    entries: HashMap<String, BackoffEntry>,
}

impl Default for ImageManager {
    fn default() -> Self {
        Self::with_backoff(DEFAULT_BACKOFF_MS.0, DEFAULT_BACKOFF_MS.1)
    }
}

impl ImageManager {
    /// A manager whose back-off starts at `initial_ms` and doubles up to `max_ms` (no jitter,
    /// as the kubelet configures it).
    pub fn with_backoff(initial_ms: u64, max_ms: u64) -> Self {
        ImageManager {
            initial_ms,
            max_ms,
            entries: HashMap::new(),
        }
    }

    /// One `EnsureImageExists` at time `now_ms` for `pod_uid` and `image` under `policy`.
    pub fn ensure_image_exists(
        &mut self,
        now_ms: u64,
        pod_uid: &str,
        image: &str,
        policy: PullPolicy,
        runtime: RuntimeAnswers,
    ) -> Attempt {
        let image = match kubelet_image_with_default_tag(image) {
            Ok(i) => i,
            Err(e) => {
                return Attempt {
                    runtime_calls: Vec::new(),
                    error: Some("InvalidImageName"),
                    pulled: false,
                    reason: format!("fails with InvalidImageName: {e}"),
                }
            }
        };
        let mut calls = Vec::new();
        let presence = if policy == PullPolicy::Always {
            ImagePresence::Absent // not consulted
        } else {
            calls.push("GetImageRef");
            runtime.presence
        };
        let decision = pull_decision(policy, presence, None);
        if !decision.pull {
            return Attempt {
                runtime_calls: calls,
                error: decision.error,
                pulled: false,
                reason: decision.reason,
            };
        }
        let key = format!("{pod_uid}_{image}");
        if self.in_backoff(&key, now_ms) {
            return Attempt {
                runtime_calls: calls,
                error: Some("ImagePullBackOff"),
                pulled: false,
                reason: "fails with ImagePullBackOff: the last pull failed and its back-off has not passed"
                    .into(),
            };
        }
        calls.push("PullImage");
        if runtime.pull_fails {
            self.next(&key, now_ms);
            return Attempt {
                runtime_calls: calls,
                error: Some("ErrImagePull"),
                pulled: true,
                reason:
                    "fails with ErrImagePull: the pull failed; the next try waits for the back-off"
                        .into(),
            };
        }
        self.gc(now_ms);
        Attempt {
            runtime_calls: calls,
            error: None,
            pulled: true,
            reason: decision.reason,
        }
    }

    fn expired(&self, e: &BackoffEntry, now_ms: u64) -> bool {
        now_ms.saturating_sub(e.last_update_ms) > self.max_ms.saturating_mul(2)
    }

    fn in_backoff(&self, key: &str, now_ms: u64) -> bool {
        match self.entries.get(key) {
            Some(e) if !self.expired(e, now_ms) => {
                now_ms.saturating_sub(e.last_update_ms) < e.backoff_ms
            }
            _ => false,
        }
    }

    fn next(&mut self, key: &str, now_ms: u64) {
        let backoff_ms = match self.entries.get(key) {
            Some(e) if !self.expired(e, now_ms) => e.backoff_ms.saturating_mul(2).min(self.max_ms),
            _ => self.initial_ms,
        };
        self.entries.insert(
            key.to_string(),
            BackoffEntry {
                backoff_ms,
                last_update_ms: now_ms,
            },
        );
    }

    fn gc(&mut self, now_ms: u64) {
        let max2 = self.max_ms.saturating_mul(2);
        self.entries
            .retain(|_, e| now_ms.saturating_sub(e.last_update_ms) <= max2);
    }
}

/// `imagePullCredentialsVerificationPolicy` of the kubelet configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerificationPolicy {
    /// Never re-verify credentials of present images.
    NeverVerify,
    /// Verify only images the kubelet pulled itself (preloaded images are trusted).
    NeverVerifyPreloadedImages,
    /// Verify every image except those on the allowlist.
    NeverVerifyAllowlistedImages(Allowlist),
    /// Always verify.
    AlwaysVerify,
}

impl VerificationPolicy {
    /// From the configuration's spelling plus `preloadedImagesVerificationAllowlist`.
    pub fn parse(name: &str, allowlist: &[&str]) -> Result<VerificationPolicy, PolicyError> {
        Ok(match name {
            "NeverVerify" => Self::NeverVerify,
            "NeverVerifyPreloadedImages" => Self::NeverVerifyPreloadedImages,
            "NeverVerifyAllowlistedImages" => {
                Self::NeverVerifyAllowlistedImages(Allowlist::new(allowlist)?)
            }
            "AlwaysVerify" => Self::AlwaysVerify,
            other => {
                return Err(PolicyError::AllowlistPattern {
                    pattern: other.to_string(),
                    problem: "unknown image pull credential verification policy (expected NeverVerify, NeverVerifyPreloadedImages, NeverVerifyAllowlistedImages or AlwaysVerify)".into(),
                })
            }
        })
    }

    /// Must the pod's credentials be verified against the registry for `image` (a name
    /// without tag or digest, as the kubelet compares it)?
    pub fn require_credential_verification(&self, image: &str, pulled_by_kubelet: bool) -> bool {
        match self {
            Self::NeverVerify => false,
            Self::NeverVerifyPreloadedImages => pulled_by_kubelet,
            Self::NeverVerifyAllowlistedImages(list) => !list.matches(image),
            Self::AlwaysVerify => true,
        }
    }
}

/// `preloadedImagesVerificationAllowlist`: exact names, and prefixes written `registry/path/*`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowlist {
    exact: Vec<String>,
    prefixes: Vec<String>,
}

/// How the kubelet reads one allowlist pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowlistPattern {
    /// The name, or the prefix (ending in `/`) for a wildcard.
    pub pattern: String,
    /// Whether it was written with a trailing `/*`.
    pub is_wildcard: bool,
}

/// Validates one pattern as the kubelet does: no surrounding spaces; only a trailing `/*`
/// wildcard with at least a host before it; otherwise a fully qualified name with neither tag
/// nor digest (`docker.io/library/nginx`, not `nginx`).
pub fn parse_allowlist_pattern(pattern: &str) -> Result<AllowlistPattern, PolicyError> {
    let fail = |problem: &str| PolicyError::AllowlistPattern {
        pattern: pattern.to_string(),
        problem: problem.to_string(),
    };
    if pattern != pattern.trim() {
        return Err(fail("leading or trailing spaces are not allowed"));
    }
    let (trimmed, is_wildcard) = match pattern.strip_suffix("/*") {
        Some(_) => (&pattern[..pattern.len() - 1], true),
        None => (pattern, false),
    };
    if trimmed.is_empty() {
        return Err(fail("the pattern is empty"));
    }
    if trimmed.contains('*') {
        return Err(fail("only a trailing '/*' wildcard is allowed"));
    }
    if is_wildcard {
        if trimmed.len() == 1 {
            return Err(fail("at least a registry host is required before '/*'"));
        }
    } else {
        let r = Reference::parse_normalized(trimmed)
            .map_err(|e| fail(&format!("not an image name: {e}")))?;
        if r.name() != trimmed {
            return Err(fail(&format!(
                "must be a fully qualified name without tag or digest, e.g. {:?}",
                r.name()
            )));
        }
    }
    Ok(AllowlistPattern {
        pattern: trimmed.to_string(),
        is_wildcard,
    })
}

impl Allowlist {
    /// Validates and collects the patterns.
    pub fn new(patterns: &[&str]) -> Result<Allowlist, PolicyError> {
        let mut list = Allowlist::default();
        for p in patterns {
            let p = parse_allowlist_pattern(p)?;
            if p.is_wildcard {
                list.prefixes.push(p.pattern);
            } else {
                list.exact.push(p.pattern);
            }
        }
        Ok(list)
    }

    /// Exact names by equality, wildcards by string prefix.
    pub fn matches(&self, image: &str) -> bool {
        self.exact.iter().any(|e| e == image)
            || self.prefixes.iter().any(|p| image.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_pulls_back_off_exponentially() {
        let mut m = ImageManager::with_backoff(1000, 60_000);
        let runtime = RuntimeAnswers {
            presence: ImagePresence::Absent,
            pull_fails: true,
        };
        let errors: Vec<_> = (1..=6)
            .map(|t| {
                m.ensure_image_exists(
                    t * 1000,
                    "uid",
                    "typo_image",
                    PullPolicy::IfNotPresent,
                    runtime,
                )
                .error
                .unwrap()
            })
            .collect();
        assert_eq!(
            errors,
            [
                "ErrImagePull",
                "ErrImagePull",
                "ImagePullBackOff",
                "ErrImagePull",
                "ImagePullBackOff",
                "ImagePullBackOff"
            ]
        );
    }

    #[test]
    fn allowlist_patterns_follow_the_kubelet() {
        let cases = [
            ("registry.k8s.io/pause", true),
            ("registry.k8s.io/*", true),
            ("nginx", false),
            ("*", false),
            ("/*", false),
            (" a.io/x", false),
            ("a.io/x:1", false),
            ("a.io/*/x", false),
        ];
        for (p, ok) in cases {
            assert_eq!(parse_allowlist_pattern(p).is_ok(), ok, "{p}");
        }
        let list = Allowlist::new(&["registry.k8s.io/*", "docker.io/library/nginx"]).unwrap();
        assert!(list.matches("registry.k8s.io/pause"));
        assert!(list.matches("docker.io/library/nginx"));
        assert!(!list.matches("docker.io/library/nginx2"));
    }
}
