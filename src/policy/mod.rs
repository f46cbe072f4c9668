//! `imagePullPolicy`: the API server's defaulting, the AlwaysPullImages admission controller
//! ([`admission`]) and the kubelet's pull decision ([`kubelet`]).
//!
//! Every decision comes with a one-sentence `reason` a person can read.

pub mod admission;
pub mod kubelet;

use crate::error::Coded;
use crate::reference::{Reference, DEFAULT_TAG};
use std::fmt;

/// The three values of a container's `imagePullPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PullPolicy {
    /// Pull every time the container starts.
    Always,
    /// Pull only when the image is not on the node.
    IfNotPresent,
    /// Never pull; fail when the image is not on the node.
    Never,
}

impl PullPolicy {
    /// Every value, in the order Kubernetes lists them.
    pub const ALL: [PullPolicy; 3] = [Self::Always, Self::IfNotPresent, Self::Never];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "Always",
            Self::IfNotPresent => "IfNotPresent",
            Self::Never => "Never",
        }
    }

    /// Parses the API spelling, case-sensitively as the API server validates it.
    pub fn parse(s: &str) -> Result<PullPolicy, PolicyError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| PolicyError::Invalid {
                value: s.to_string(),
            })
    }
}

impl fmt::Display for PullPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PullPolicy {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PullPolicy::parse(s)
    }
}

/// Errors of the policy functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyError {
    /// A policy value other than `Always`, `IfNotPresent`, `Never` (`POLICY_INVALID`).
    Invalid {
        /// The value as given.
        value: String,
    },
    /// The object given to the admission controller has no pod spec (`POD_SPEC_NOT_FOUND`).
    PodSpecNotFound,
    /// The object or its containers are not shaped as Kubernetes defines them
    /// (`POD_SPEC_INVALID`), with the JSON path of the offending value.
    PodSpecInvalid {
        /// JSON path, e.g. `spec.containers[1].image`.
        path: String,
        /// What is wrong there.
        problem: String,
    },
    /// An allowlist pattern the kubelet would refuse (`ALLOWLIST_PATTERN_INVALID`).
    AllowlistPattern {
        /// The pattern as given.
        pattern: String,
        /// Why it is refused.
        problem: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { value } => {
                write!(
                    f,
                    "unsupported imagePullPolicy {value:?}: supported values are \"Always\", \"IfNotPresent\", \"Never\""
                )?;
                if let Some(p) = PullPolicy::ALL
                    .into_iter()
                    .find(|p| p.as_str().eq_ignore_ascii_case(value.trim()))
                {
                    write!(f, " (values are case-sensitive: did you mean \"{p}\"?)")?;
                }
                Ok(())
            }
            Self::PodSpecNotFound => f.write_str(
                "no pod spec found: expected a Pod, a pod spec (with containers), or a workload with spec.template",
            ),
            Self::PodSpecInvalid { path, problem } => write!(f, "{path}: {problem}"),
            Self::AllowlistPattern { pattern, problem } => {
                write!(f, "invalid allowlist pattern {pattern:?}: {problem}")
            }
        }
    }
}

impl std::error::Error for PolicyError {}

impl Coded for PolicyError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "POLICY_INVALID",
            Self::PodSpecNotFound => "POD_SPEC_NOT_FOUND",
            Self::PodSpecInvalid { .. } => "POD_SPEC_INVALID",
            Self::AllowlistPattern { .. } => "ALLOWLIST_PATTERN_INVALID",
        }
    }
    fn path(&self) -> Option<String> {
        match self {
            Self::PodSpecInvalid { path, .. } => Some(path.clone()),
            _ => None,
        }
    }
}

/// The effective policy of a container and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDecision {
    /// The policy the container runs with.
    pub policy: PullPolicy,
    /// Whether the API server filled it in (no value was written).
    pub defaulted: bool,
    /// The tag `ParseImageName` reports (`latest` when neither tag nor digest); `None` when the
    /// image does not parse (the API server ignores that error here).
    pub tag: Option<String>,
    /// The digest, when the image has one.
    pub digest: Option<String>,
    /// One sentence for a person.
    pub reason: String,
}

/// The API server's `SetDefaults_Container`: an empty or missing policy becomes `Always` when
/// the tag is `latest` (written, or implied by neither tag nor digest), else `IfNotPresent`
/// (also when the image does not parse). A written policy must be one of the three values.
pub fn default_pull_policy(
    image: &str,
    policy: Option<&str>,
) -> Result<PolicyDecision, PolicyError> {
    let parsed = Reference::parse_normalized(image);
    let (tag, digest) = match &parsed {
        Ok(r) => (
            r.effective_tag().map(str::to_string),
            r.digest().map(|d| d.to_string()),
        ),
        Err(_) => (None, None),
    };
    if let Some(written) = policy.filter(|p| !p.is_empty()) {
        let policy = PullPolicy::parse(written)?;
        return Ok(PolicyDecision {
            policy,
            defaulted: false,
            tag,
            digest,
            reason: format!("{policy} because it is set explicitly"),
        });
    }
    let (policy, reason) = match (&parsed, tag.as_deref(), &digest) {
        (Err(e), _, _) => (
            PullPolicy::IfNotPresent,
            format!("defaults to IfNotPresent because the image does not parse ({e}), so it has no tag"),
        ),
        (Ok(r), Some(DEFAULT_TAG), _) if r.tag().is_none() => (
            PullPolicy::Always,
            "defaults to Always because the image has neither tag nor digest, which means the tag is latest"
                .to_string(),
        ),
        (Ok(_), Some(DEFAULT_TAG), Some(_)) => (
            PullPolicy::Always,
            "defaults to Always because the tag is latest (a digest does not change that)".to_string(),
        ),
        (Ok(_), Some(DEFAULT_TAG), None) => (
            PullPolicy::Always,
            "defaults to Always because the tag is latest".to_string(),
        ),
        (Ok(_), Some(t), _) => (
            PullPolicy::IfNotPresent,
            format!("defaults to IfNotPresent because the tag is {t:?}, not latest"),
        ),
        (Ok(_), None, Some(d)) => (
            PullPolicy::IfNotPresent,
            format!("defaults to IfNotPresent because the image is pinned by digest {d}"),
        ),
        (Ok(_), None, None) => (
            PullPolicy::IfNotPresent,
            "defaults to IfNotPresent".to_string(),
        ),
    };
    Ok(PolicyDecision {
        policy,
        defaulted: true,
        tag,
        digest,
        reason,
    })
}

/// What the kubelet does about the local image before starting a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullDecision {
    /// Whether it pulls.
    pub pull: bool,
    /// The kubelet error the container gets instead of starting, if any
    /// (`ErrImageNeverPull`, `ImageInspectError`).
    pub error: Option<&'static str>,
    /// One sentence for a person.
    pub reason: String,
}

/// What the node knows about the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImagePresence {
    /// The runtime has it.
    Present,
    /// The runtime does not have it.
    Absent,
    /// Asking the runtime failed.
    InspectError,
}

/// The kubelet's decision (`EnsureImageExists`): `Always` pulls without looking; `IfNotPresent`
/// pulls only when the image is absent; `Never` uses the local image or fails with
/// `ErrImageNeverPull`. With the `KubeletEnsureSecretPulledImages` feature, pass
/// `must_attempt_image_pull` (the image pull manager's verdict for a present image): a present
/// image whose credentials must be re-verified is pulled under `IfNotPresent` and refused under
/// `Never` with the same error as an absent one, so presence is not revealed.
pub fn pull_decision(
    policy: PullPolicy,
    presence: ImagePresence,
    must_attempt_image_pull: Option<bool>,
) -> PullDecision {
    let d = |pull, error, reason: &str| PullDecision {
        pull,
        error,
        reason: reason.to_string(),
    };
    match (policy, presence) {
        (PullPolicy::Always, _) => d(
            true,
            None,
            "pulls because the policy is Always (the local image is not consulted)",
        ),
        (_, ImagePresence::InspectError) => d(
            false,
            Some("ImageInspectError"),
            "fails with ImageInspectError because the runtime could not tell whether the image is present",
        ),
        (PullPolicy::IfNotPresent, ImagePresence::Absent) => d(
            true,
            None,
            "pulls because the policy is IfNotPresent and the image is not on the node",
        ),
        (PullPolicy::Never, ImagePresence::Absent) => d(
            false,
            Some("ErrImageNeverPull"),
            "fails with ErrImageNeverPull because the policy is Never and the image is not on the node",
        ),
        (PullPolicy::IfNotPresent, ImagePresence::Present) if must_attempt_image_pull == Some(true) => d(
            true,
            None,
            "pulls because the image is present but the pod's credentials must be verified against the registry",
        ),
        (PullPolicy::Never, ImagePresence::Present) if must_attempt_image_pull == Some(true) => d(
            false,
            Some("ErrImageNeverPull"),
            "fails with ErrImageNeverPull because the pod's credentials were never verified for the local image and the policy is Never",
        ),
        (PullPolicy::IfNotPresent, ImagePresence::Present) => d(
            false,
            None,
            "uses the local image because the policy is IfNotPresent and the image is on the node",
        ),
        (PullPolicy::Never, ImagePresence::Present) => d(
            false,
            None,
            "uses the local image because the policy is Never and the image is on the node",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_values_are_case_sensitive() {
        assert_eq!(PullPolicy::parse("Always"), Ok(PullPolicy::Always));
        let e = PullPolicy::parse("always").unwrap_err();
        assert_eq!(e.code(), "POLICY_INVALID");
        assert!(e.to_string().contains("did you mean \"Always\""), "{e}");
    }

    #[test]
    fn defaults_follow_the_tag() {
        let cases = [
            ("nginx", PullPolicy::Always),
            ("nginx:latest", PullPolicy::Always),
            ("nginx:1.25", PullPolicy::IfNotPresent),
            ("nginx:LATEST", PullPolicy::IfNotPresent),
            ("nginx@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", PullPolicy::IfNotPresent),
            ("nginx:latest@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", PullPolicy::Always),
            ("nginx:", PullPolicy::IfNotPresent),
        ];
        for (image, want) in cases {
            let d = default_pull_policy(image, None).unwrap();
            assert_eq!(d.policy, want, "{image}: {}", d.reason);
            assert!(d.defaulted);
        }
        let explicit = default_pull_policy("nginx", Some("Never")).unwrap();
        assert_eq!(explicit.policy, PullPolicy::Never);
        assert!(!explicit.defaulted);
        assert!(default_pull_policy("nginx", Some("Sometimes")).is_err());
    }

    #[test]
    fn kubelet_decision_table() {
        use ImagePresence::*;
        use PullPolicy::*;
        let cases = [
            (Always, Present, None, true, None),
            (Always, InspectError, None, true, None),
            (IfNotPresent, Present, None, false, None),
            (IfNotPresent, Absent, None, true, None),
            (
                IfNotPresent,
                InspectError,
                None,
                false,
                Some("ImageInspectError"),
            ),
            (Never, Present, None, false, None),
            (Never, Absent, None, false, Some("ErrImageNeverPull")),
            (IfNotPresent, Present, Some(true), true, None),
            (Never, Present, Some(true), false, Some("ErrImageNeverPull")),
            (IfNotPresent, Present, Some(false), false, None),
        ];
        for (policy, presence, must, pull, error) in cases {
            let d = pull_decision(policy, presence, must);
            assert_eq!(
                (d.pull, d.error),
                (pull, error),
                "{policy} {presence:?} {must:?}"
            );
        }
    }
}
