//! The checks' stable codes, their default severities, and the text a person reads about each
//! (the CLI's `--help`, SARIF's rule descriptions). One table, so that configuration, output
//! formats and documentation cannot disagree.

use super::diagnostic::Severity;

/// When a rule runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Runs with this severity unless configured otherwise.
    On(Severity),
    /// Runs only when configured (a severity given, or for `REGISTRY_NOT_ALLOWED` an allowlist);
    /// then with this severity unless one is given.
    Off(Severity),
}

/// One rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The stable code.
    pub code: &'static str,
    /// Default.
    pub default: When,
    /// One line: what it finds.
    pub summary: &'static str,
    /// Why it matters and what to do.
    pub help: &'static str,
    /// Needs the registry (`checkManifests` / `--online`).
    pub online: bool,
}

use Severity::{Error, Hint, Information, Warning};
use When::{Off, On};

/// Every rule, the offline ones first.
pub const RULES: &[Rule] = &[
    Rule {
        code: "YAML_INVALID",
        default: On(Error),
        summary: "the text is not valid YAML or JSON",
        help: "kubectl and the API server refuse a document that does not parse. The other documents of the file are still checked.",
        online: false,
    },
    Rule {
        code: "POD_SPEC_INVALID",
        default: On(Error),
        summary: "a container list or container is not shaped as the API expects",
        help: "containers, initContainers and ephemeralContainers must be lists of objects; the API server refuses anything else.",
        online: false,
    },
    Rule {
        code: "IMAGE_MISSING",
        default: On(Error),
        summary: "a container has no image",
        help: "The API server refuses a pod whose container has no image (a workload is accepted, but none of its pods can be created).",
        online: false,
    },
    Rule {
        code: "IMAGE_WHITESPACE",
        default: On(Error),
        summary: "the image has leading or trailing whitespace",
        help: "The API server refuses a pod whose image has surrounding whitespace (a workload is accepted, but none of its pods can be created). The fix removes it.",
        online: false,
    },
    Rule {
        code: "IMAGE_INVALID",
        default: On(Error),
        summary: "the image is not a valid reference",
        help: "The kubelet parses images with distribution/reference; one that does not parse never starts (InvalidImageName). The message gives the parser's own code and the place.",
        online: false,
    },
    Rule {
        code: "PULL_POLICY_INVALID",
        default: On(Error),
        summary: "imagePullPolicy is not Always, IfNotPresent or Never",
        help: "The API server refuses any other value (the check is case-sensitive). Where the intended value is certain, the fix sets it.",
        online: false,
    },
    Rule {
        code: "SECRET_INVALID",
        default: On(Error),
        summary: "an image pull Secret in the text does not decode",
        help: "A kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg Secret whose data is not base64, not JSON, or whose auth field does not decode makes every pod that uses it fail to pull.",
        online: false,
    },
    Rule {
        code: "IMAGE_LATEST_TAG",
        default: On(Warning),
        summary: "the image uses the tag latest",
        help: "latest moves: two nodes can run different code, and the pull policy defaults to Always. Pin a version tag (and a digest).",
        online: false,
    },
    Rule {
        code: "IMAGE_NO_TAG",
        default: On(Warning),
        summary: "the image has neither tag nor digest, so it means latest",
        help: "An image without tag or digest is pulled as latest, and the pull policy defaults to Always. Pin a version tag (and a digest).",
        online: false,
    },
    Rule {
        code: "PULL_SECRET_WRONG_TYPE",
        default: On(Warning),
        summary: "imagePullSecrets names a Secret of a type the kubelet ignores",
        help: "The kubelet uses only kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg Secrets for pulls; a Secret of another type (or with its data under the other type's key) is skipped with a warning event.",
        online: false,
    },
    Rule {
        code: "ARCH_SUFFIX_MISMATCH",
        default: On(Warning),
        summary: "a legacy -$(ARCH) image is built for another architecture than the pod's node selector",
        help: "An image such as pause-arm64 only runs on arm64 nodes. Use the multi-architecture image (without the suffix) or select matching nodes.",
        online: false,
    },
    Rule {
        code: "IMAGE_TAG_IGNORED",
        default: On(Information),
        summary: "the image has both a tag and a digest; the tag is ignored",
        help: "With repo:tag@digest the runtime pulls the digest; the tag is only a label for people (and still decides the default pull policy).",
        online: false,
    },
    Rule {
        code: "PULL_POLICY_EFFECTIVE",
        default: On(Hint),
        summary: "the pull policy the container runs with, and why",
        help: "What the API server fills in when imagePullPolicy is not written: Always for latest (written or implied), IfNotPresent otherwise.",
        online: false,
    },
    Rule {
        code: "IMAGE_NOT_PINNED",
        default: Off(Warning),
        summary: "the image is not pinned by digest",
        help: "A tag can be moved to other content; a digest cannot. Off by default; turn it on where every image must be pinned.",
        online: false,
    },
    Rule {
        code: "REGISTRY_NOT_ALLOWED",
        default: Off(Warning),
        summary: "the image's registry is not in the allowlist",
        help: "Runs when an allowlist is configured. Patterns follow the kubelet's credential matching: *.example.com, host:port, path prefixes.",
        online: false,
    },
    Rule {
        code: "IMAGE_NOT_FOUND",
        default: On(Error),
        summary: "the registry has no such tag or digest",
        help: "The kubelet will fail with ErrImagePull / ImagePullBackOff.",
        online: true,
    },
    Rule {
        code: "PLATFORM_NOT_COVERED",
        default: On(Error),
        summary: "the image has no manifest for a platform the pod can run on",
        help: "A pod scheduled to a node whose platform the image lacks fails with 'no matching manifest'. Restrict the pod with a node selector or use an image built for every platform.",
        online: true,
    },
    Rule {
        code: "CREDENTIALS_MISSING",
        default: On(Warning),
        summary: "the registry wants credentials and none match",
        help: "The registry answered 401/403 without credentials; give the pod an imagePullSecret or the node a credential.",
        online: true,
    },
    Rule {
        code: "REGISTRY_UNREACHABLE",
        default: On(Warning),
        summary: "the registry could not be reached (network, CORS, TLS)",
        help: "Reported once per registry; the images on it were not checked online.",
        online: true,
    },
];

/// The rule of a code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}
