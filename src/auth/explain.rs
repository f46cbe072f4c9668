//! Why a lookup returned what it did.
//!
//! [`explain_lookup`] walks the same keyrings in the same order as [`UnionKeyring::lookup`] and
//! records, for every keyring key, whether it matched the lookup key or why it was skipped
//! (`port differs`, `host label count differs`, `path prefix differs`, a label glob that does
//! not match, an unparseable pattern), whether the `index.docker.io` fallback applied, which
//! keys were ignored because they do not parse, and the ordered credentials with their sources.
//! Every printed form shows passwords as `<redacted>`.

use crate::auth::glob::explain_match;
use crate::auth::glob::{is_default_registry_match, Mismatch};
use crate::auth::keyring::{LookupResult, RejectedKey, UnionKeyring, DEFAULT_REGISTRY_KEY};
use std::fmt;

/// The verdict on one keyring key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyConsidered {
    /// `KEYRING:KEY`, e.g. `secrets:prefix.*.io`.
    pub label: String,
    /// `Ok` when the key matched, else why it was skipped.
    pub verdict: Result<(), Mismatch>,
    /// Sources of the credentials stored under the key.
    pub sources: Vec<String>,
}

/// Whether a keyring's `index.docker.io` credentials were used as the Docker Hub fallback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FallbackNote {
    /// The keyring's fallback label.
    pub label: String,
    /// True when the fallback supplied credentials.
    pub applied: bool,
    /// Why (not) applied.
    pub reason: &'static str,
}

/// The full account of one lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// Every key of every keyring, in lookup order.
    pub considered: Vec<KeyConsidered>,
    /// One note per keyring that holds `index.docker.io` credentials.
    pub fallbacks: Vec<FallbackNote>,
    /// Keys ignored because they do not parse, as `(keyring, key)`.
    pub rejected: Vec<(String, RejectedKey)>,
    /// The lookup's result (identical to [`UnionKeyring::lookup`]).
    pub result: LookupResult,
}

/// Explains a lookup in a union of keyrings.
pub fn explain_lookup(union: &UnionKeyring, lookup_key: &str) -> Explanation {
    let mut considered = Vec::new();
    let mut fallbacks = Vec::new();
    let mut rejected = Vec::new();
    for k in &union.keyrings {
        let mut any = false;
        for key in k.index() {
            let verdict = explain_match(key, lookup_key);
            any |= verdict.is_ok();
            considered.push(KeyConsidered {
                label: k.label(key),
                verdict,
                sources: k
                    .credentials_for(key)
                    .iter()
                    .map(|c| c.source.clone())
                    .collect(),
            });
        }
        if !k.credentials_for(DEFAULT_REGISTRY_KEY).is_empty() {
            let applied = k.uses_fallback(lookup_key, any);
            let reason = if applied {
                "no key matched and the lookup key is a Docker Hub name"
            } else if any {
                "not needed: a key matched"
            } else if !is_default_registry_match(lookup_key) {
                "not applicable: the lookup key is not a Docker Hub name"
            } else {
                "not applicable"
            };
            fallbacks.push(FallbackNote {
                label: k.fallback_label(),
                applied,
                reason,
            });
        }
        for r in k.rejected() {
            rejected.push((k.name().to_string(), r.clone()));
        }
    }
    Explanation {
        considered,
        fallbacks,
        rejected,
        result: union.lookup(lookup_key),
    }
}

impl Explanation {
    /// The `lookup KEY` line and one line per key considered, fallback and ignored key.
    pub fn write_keys(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        writeln!(f, "lookup {}", self.result.lookup_key)?;
        for c in &self.considered {
            match &c.verdict {
                Ok(()) => writeln!(f, "  {}: matched ({})", c.label, c.sources.join(", "))?,
                Err(m) => writeln!(f, "  {}: skipped: {m}", c.label)?,
            }
        }
        for fb in &self.fallbacks {
            let state = if fb.applied { "used" } else { "not used" };
            writeln!(f, "  {}: {state}: {}", fb.label, fb.reason)?;
        }
        for (ring, r) in &self.rejected {
            writeln!(
                f,
                "  {ring}: key {:?} ignored: {} ({})",
                r.raw_key, r.reason, r.source
            )?;
        }
        Ok(())
    }

    /// The ordered credentials (passwords redacted), or the anonymous-pull line.
    pub fn write_credentials(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        if self.result.credentials.is_empty() {
            return writeln!(f, "no credentials: the image is pulled anonymously");
        }
        writeln!(f, "credentials, in the order they are tried:")?;
        for (i, c) in self.result.credentials.iter().enumerate() {
            writeln!(
                f,
                "  {}. {} from {} via {}",
                i + 1,
                c.credential,
                c.source,
                c.keyring_key
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_keys(f)?;
        self.write_credentials(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::credential::Credential;
    use crate::auth::keyring::DockerKeyring;

    #[test]
    fn explanation_lists_every_key_with_a_reason_and_redacts() {
        let mut secrets = DockerKeyring::new("secrets");
        secrets.add(
            "*.example.com",
            Credential::new("a", "pw-a", ""),
            "secret/s1:*.example.com",
        );
        secrets.add(
            "b.example.com:5000",
            Credential::new("b", "pw-b", ""),
            "secret/s1:b.example.com:5000",
        );
        secrets.add(
            "x.b.example.com/team",
            Credential::new("c", "pw-c", ""),
            "secret/s1:x.b.example.com/team",
        );
        secrets.add(
            "x.b.example.com",
            Credential::new("d", "pw-d", ""),
            "secret/s1:x.b.example.com",
        );
        secrets.add(
            "https://index.docker.io/v1/",
            Credential::new("hub", "pw-h", ""),
            "secret/s1:https://index.docker.io/v1/",
        );
        secrets.add("[bad", Credential::new("e", "pw-e", ""), "secret/s1:[bad");
        let mut node = DockerKeyring::new("node");
        node.add(
            "x.*.example.com",
            Credential::new("n", "pw-n", ""),
            "config:/var/lib/kubelet/config.json:x.*.example.com",
        );
        let u = UnionKeyring::new(vec![secrets, node]);
        let e = explain_lookup(&u, "x.b.example.com/app");
        let got: Vec<String> = e
            .considered
            .iter()
            .map(|c| match &c.verdict {
                Ok(()) => format!("{} matched", c.label),
                Err(m) => format!("{} {m}", c.label),
            })
            .collect();
        assert_eq!(
            got,
            [
                "secrets:x.b.example.com/team path prefix differs (target path \"/app\" does not start with \"/team\")",
                "secrets:x.b.example.com matched",
                "secrets:index.docker.io host label count differs (glob index.docker.io does not match x.b.example.com: 3 vs 4 labels)",
                "secrets:b.example.com:5000 port differs (pattern :5000, target none)",
                "secrets:*.example.com host label count differs (glob *.example.com does not match x.b.example.com: 3 vs 4 labels)",
                "node:x.*.example.com matched",
            ]
        );
        assert_eq!(e.fallbacks.len(), 1);
        assert!(!e.fallbacks[0].applied);
        assert_eq!(e.rejected.len(), 1);
        assert_eq!(e.result, u.lookup("x.b.example.com/app"));
        let text = e.to_string();
        assert!(
            text.contains(
                "1. d:<redacted> from secret/s1:x.b.example.com via secrets:x.b.example.com"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "2. n:<redacted> from config:/var/lib/kubelet/config.json:x.*.example.com"
            ),
            "{text}"
        );
        assert!(!text.contains("pw-"), "{text}");
        assert!(!format!("{e:?}").contains("pw-"));
    }

    #[test]
    fn fallback_note_says_why() {
        let mut k = DockerKeyring::new("secrets");
        k.add("index.docker.io", Credential::new("hub", "x", ""), "s");
        let u = UnionKeyring::new(vec![k]);
        let cases = [
            (
                "nginx",
                true,
                "no key matched and the lookup key is a Docker Hub name",
            ),
            (
                "gcr.io/x",
                false,
                "not applicable: the lookup key is not a Docker Hub name",
            ),
            (
                "index.docker.io/library/nginx",
                false,
                "not needed: a key matched",
            ),
        ];
        for (key, applied, reason) in cases {
            let e = explain_lookup(&u, key);
            assert_eq!(
                (e.fallbacks[0].applied, e.fallbacks[0].reason),
                (applied, reason),
                "{key}"
            );
        }
        assert!(explain_lookup(&u, "gcr.io/x")
            .to_string()
            .contains("pulled anonymously"));
    }
}
