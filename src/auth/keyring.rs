//! The kubelet's keyrings: `BasicDockerKeyring` and `UnionDockerKeyring`.
//!
//! A [`DockerKeyring`] maps normalized keys ([`normalize_key`]: scheme dropped, a leading `/v1/` or
//! `/v2/` path dropped, `host[+path]`) to the credentials stored under them, in the order they
//! were added. Its index is the de-duplicated keys in reverse byte-wise order (Go's
//! `sort.Sort(sort.Reverse(sort.StringSlice))`), so `quay.io/coreos` comes before `quay.io`.
//! [`DockerKeyring::lookup`] walks the index and returns the credentials of EVERY key that
//! glob-matches the lookup key ([`urls_match`]); when none matched and the lookup key is a
//! Docker Hub name ([`is_default_registry_match`]) it returns those stored under
//! `index.docker.io`.
//!
//! The lookup key is what the kubelet passes: the repository name of the image
//! (`nginx` -> `docker.io/library/nginx`), computed by the caller; passing any other string
//! is the upstream tests' raw `Lookup(string)`.
//!
//! A [`UnionKeyring`] asks several keyrings in order and concatenates: the kubelet uses pod
//! pull secrets, then the node's credential files, then credential-provider plugins.

use crate::auth::config::DockerConfig;
use crate::auth::credential::Credential;
use crate::auth::glob::{is_default_registry_match, normalize_key, urls_match};

/// DockerKeyring name for the pod's pull secrets (used in `matched_keyring_keys`).
pub const SECRETS_KEYRING: &str = "secrets";
/// DockerKeyring name for the node's credential file.
pub const NODE_KEYRING: &str = "node";
/// DockerKeyring name for credential-provider plugin responses.
pub const PROVIDERS_KEYRING: &str = "providers";
/// The key whose credentials Docker Hub names fall back to.
pub const DEFAULT_REGISTRY_KEY: &str = "index.docker.io";

/// A credential stored in a keyring, with where it came from
/// (`secret/s1:https://prefix.*.io`, `config:/var/lib/kubelet/config.json:r.io`, `provider/ecr:r.io`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcedCredential {
    /// The credential.
    pub credential: Credential,
    /// Its origin, `KIND/NAME:KEY AS WRITTEN` or `config:PATH:KEY`.
    pub source: String,
}

/// A key the kubelet would ignore because it does not parse as a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedKey {
    /// The key as written.
    pub raw_key: String,
    /// Where it came from.
    pub source: String,
    /// Why it does not parse.
    pub reason: String,
}

/// The kubelet's `BasicDockerKeyring`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerKeyring {
    name: String,
    /// The normalized keys, in reverse byte order, each once.
    index: Vec<String>,
    /// The credentials of `index[i]` (parallel vectors rather than a `BTreeMap`: each map type
    /// is kilobytes of wasm).
    creds: Vec<Vec<SourcedCredential>>,
    rejected: Vec<RejectedKey>,
}

/// One credential a lookup returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchedCredential {
    /// The credential.
    pub credential: Credential,
    /// Where it came from (see [`SourcedCredential::source`]).
    pub source: String,
    /// `KEYRING:KEY` of the keyring key that matched, e.g. `secrets:prefix.*.io`, or
    /// `secrets:index.docker.io (default-registry fallback)`.
    pub keyring_key: String,
}

/// The answer of a lookup: credentials in the order the runtime tries them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LookupResult {
    /// The key that was looked up.
    pub lookup_key: String,
    /// Every credential, in order.
    pub credentials: Vec<MatchedCredential>,
    /// The keyring keys that contributed, in order, each once.
    pub matched_keyring_keys: Vec<String>,
}

impl LookupResult {
    /// The kubelet's `found`: at least one credential.
    pub fn found(&self) -> bool {
        !self.credentials.is_empty()
    }

    fn push_key(&mut self, label: String, creds: &[SourcedCredential]) {
        for c in creds {
            self.credentials.push(MatchedCredential {
                credential: c.credential.clone(),
                source: c.source.clone(),
                keyring_key: label.clone(),
            });
        }
        self.matched_keyring_keys.push(label);
    }
}

impl DockerKeyring {
    /// An empty keyring; `name` prefixes its keys in results (`secrets`, `node`, `providers`).
    pub fn new(name: impl Into<String>) -> Self {
        DockerKeyring {
            name: name.into(),
            index: Vec::new(),
            creds: Vec::new(),
            rejected: Vec::new(),
        }
    }

    /// The keyring's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds one credential under a key as written (`BasicDockerKeyring.Add` for one entry).
    /// A key that does not parse is recorded in [`DockerKeyring::rejected`] and ignored.
    pub fn add(&mut self, raw_key: &str, credential: Credential, source: impl Into<String>) {
        if let Some((key, c)) = self.add_to_known(raw_key, credential, source.into()) {
            if let Err(at) = self.position(&key) {
                self.index.insert(at, key);
                self.creds.insert(at, vec![c]);
            }
        }
    }

    /// Files a credential under its key when the key is indexed already, or records a key that
    /// does not parse; hands back the normalized key and the credential when the key is new.
    fn add_to_known(
        &mut self,
        raw_key: &str,
        credential: Credential,
        source: String,
    ) -> Option<(String, SourcedCredential)> {
        match normalize_key(raw_key) {
            Ok(key) => {
                let c = SourcedCredential { credential, source };
                match self.position(&key) {
                    Ok(i) => {
                        if let Some(list) = self.creds.get_mut(i) {
                            list.push(c);
                        }
                        None
                    }
                    Err(_) => Some((key, c)),
                }
            }
            Err(e) => {
                self.rejected.push(RejectedKey {
                    raw_key: raw_key.into(),
                    source,
                    reason: e.0,
                });
                None
            }
        }
    }

    /// Adds every entry of a decoded file; each source is `{source_prefix}:{key as written}`.
    /// The same as [`DockerKeyring::add`] for each entry in order, in O(n + m log(n + m)) for m entries
    /// added to n keys: one sort of the new keys and one merge into the index, where
    /// inserting each key into the sorted index would move the whole index every time.
    pub fn add_config(&mut self, config: &DockerConfig, source_prefix: &str) {
        let mut fresh: Vec<(String, SourcedCredential)> = Vec::new();
        for (key, entry) in &config.entries {
            let source = format!("{source_prefix}:{key}");
            fresh.extend(self.add_to_known(key, entry.credential(), source));
        }
        if fresh.is_empty() {
            return;
        }
        // Reverse byte order, stable: credentials under one key keep their order.
        let order =
            crate::go::sort::sorted_permutation(fresh.len(), |a, b| fresh[a].0 > fresh[b].0);
        let mut fresh: Vec<Option<(String, SourcedCredential)>> =
            fresh.into_iter().map(Some).collect();
        let mut groups: Vec<(String, Vec<SourcedCredential>)> = Vec::new();
        for (k, c) in order
            .into_iter()
            .filter_map(|i| fresh.get_mut(i).and_then(Option::take))
        {
            match groups.last_mut() {
                Some((last, list)) if *last == k => list.push(c),
                _ => groups.push((k, vec![c])),
            }
        }
        // Merge from the back: the smallest new key first, the old keys smaller than it moved
        // behind it. `at - old` is the number of groups still to place, so `at > old` inside.
        let mut old = self.index.len();
        let mut at = old + groups.len();
        self.index.resize_with(at, String::new);
        self.creds.resize_with(at, Vec::new);
        while let Some((key, list)) = groups.pop() {
            while old > 0 && self.index[old - 1] < key {
                old -= 1;
                at -= 1;
                self.index.swap(old, at);
                self.creds.swap(old, at);
            }
            at -= 1;
            self.index[at] = key;
            self.creds[at] = list;
        }
    }

    /// The normalized keys in lookup order (reverse sorted, de-duplicated).
    pub fn index(&self) -> &[String] {
        &self.index
    }

    /// Where `key` is in the index, or where it would go.
    fn position(&self, key: &str) -> Result<usize, usize> {
        let at = self.index.partition_point(|k| k.as_str() > key);
        match self.index.get(at) {
            Some(k) if k == key => Ok(at),
            _ => Err(at),
        }
    }

    /// The credentials stored under a normalized key, in the order they were added.
    pub fn credentials_for(&self, key: &str) -> &[SourcedCredential] {
        match self.position(key) {
            Ok(i) => self.creds.get(i).map_or(&[], Vec::as_slice),
            Err(_) => &[],
        }
    }

    /// Keys that were ignored because they do not parse.
    pub fn rejected(&self) -> &[RejectedKey] {
        &self.rejected
    }

    /// True when no credential was added.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// `KEYRING:KEY` label.
    pub fn label(&self, key: &str) -> String {
        format!("{}:{}", self.name, key)
    }

    /// The label of the default-registry fallback.
    pub fn fallback_label(&self) -> String {
        format!(
            "{}:{} (default-registry fallback)",
            self.name, DEFAULT_REGISTRY_KEY
        )
    }

    /// True when the lookup would fall back to the `index.docker.io` credentials.
    pub fn uses_fallback(&self, lookup_key: &str, any_matched: bool) -> bool {
        !any_matched
            && self.position(DEFAULT_REGISTRY_KEY).is_ok()
            && is_default_registry_match(lookup_key)
    }

    /// `BasicDockerKeyring.Lookup`.
    pub fn lookup(&self, lookup_key: &str) -> LookupResult {
        let mut result = LookupResult {
            lookup_key: lookup_key.into(),
            ..LookupResult::default()
        };
        self.lookup_into(lookup_key, &mut result);
        result
    }

    fn lookup_into(&self, lookup_key: &str, result: &mut LookupResult) {
        let mut any = false;
        for key in &self.index {
            if urls_match(key, lookup_key) {
                any = true;
                result.push_key(self.label(key), self.credentials_for(key));
            }
        }
        if self.uses_fallback(lookup_key, any) {
            result.push_key(
                self.fallback_label(),
                self.credentials_for(DEFAULT_REGISTRY_KEY),
            );
        }
    }
}

/// The kubelet's `UnionDockerKeyring`: each keyring's lookup, concatenated in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnionKeyring {
    /// The keyrings, asked in this order.
    pub keyrings: Vec<DockerKeyring>,
}

impl UnionKeyring {
    /// A union of keyrings asked in the given order.
    pub fn new(keyrings: Vec<DockerKeyring>) -> Self {
        UnionKeyring { keyrings }
    }

    /// The kubelet's pull keyring: pod pull secrets, then the node's credential file, then
    /// credential-provider plugins.
    pub fn kubelet(secrets: DockerKeyring, node: DockerKeyring, providers: DockerKeyring) -> Self {
        UnionKeyring::new(vec![secrets, node, providers])
    }

    /// Looks the key up in every keyring, in order.
    pub fn lookup(&self, lookup_key: &str) -> LookupResult {
        let mut result = LookupResult {
            lookup_key: lookup_key.into(),
            ..LookupResult::default()
        };
        for k in &self.keyrings {
            k.lookup_into(lookup_key, &mut result);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred(u: &str) -> Credential {
        Credential::new(u, format!("{u}-pw"), "")
    }

    fn ring(name: &str, entries: &[(&str, &str)]) -> DockerKeyring {
        let mut k = DockerKeyring::new(name);
        for (key, user) in entries {
            k.add(key, cred(user), format!("test:{key}"));
        }
        k
    }

    fn users(r: &LookupResult) -> Vec<String> {
        r.credentials
            .iter()
            .map(|c| c.credential.username.clone())
            .collect()
    }

    #[test]
    fn lookups_return_every_match_longest_key_first() {
        let k = ring(
            SECRETS_KEYRING,
            &[
                ("quay.io", "host"),
                ("https://quay.io/coreos", "ns"),
                ("quay.io/coreos/etcd", "repo"),
                ("*.quay.io", "sub"),
                ("quay.io:443", "port"),
            ],
        );
        assert_eq!(
            k.index(),
            [
                "quay.io:443",
                "quay.io/coreos/etcd",
                "quay.io/coreos",
                "quay.io",
                "*.quay.io"
            ]
        );
        let cases: [(&str, &[&str]); 6] = [
            ("quay.io/coreos/etcd", &["repo", "ns", "host"]),
            ("quay.io/coreos/other", &["ns", "host"]),
            ("quay.io/other", &["host"]),
            ("a.quay.io/x", &["sub"]),
            ("quay.io:443/x", &["port"]),
            ("quay.io:444/x", &[]),
        ];
        for (key, want) in cases {
            assert_eq!(users(&k.lookup(key)), want, "{key}");
        }
    }

    #[test]
    fn several_credentials_under_one_key_keep_insertion_order() {
        let k = ring(
            NODE_KEYRING,
            &[
                ("https://r.io/v1/", "first"),
                ("r.io", "second"),
                ("http://r.io/v2/", "third"),
            ],
        );
        assert_eq!(k.index(), ["r.io"]);
        let r = k.lookup("r.io/app");
        assert_eq!(users(&r), ["first", "second", "third"]);
        assert_eq!(r.matched_keyring_keys, ["node:r.io"]);
    }

    #[test]
    fn docker_hub_names_fall_back_to_index_docker_io_only_when_nothing_matched() {
        let k = ring(
            SECRETS_KEYRING,
            &[("https://index.docker.io/v1/", "hub"), ("docker.io", "dio")],
        );
        let cases: [(&str, &[&str], &[&str]); 5] = [
            (
                "jenkins",
                &["hub"],
                &["secrets:index.docker.io (default-registry fallback)"],
            ),
            (
                "library/jenkins",
                &["hub"],
                &["secrets:index.docker.io (default-registry fallback)"],
            ),
            (
                "docker.io/library/jenkins",
                &["dio"],
                &["secrets:docker.io"],
            ),
            (
                "index.docker.io/library/jenkins",
                &["hub"],
                &["secrets:index.docker.io"],
            ),
            ("gcr.io/x", &[], &[]),
        ];
        for (key, want, labels) in cases {
            let r = k.lookup(key);
            assert_eq!(users(&r), want, "{key}");
            assert_eq!(r.matched_keyring_keys, labels, "{key}");
        }
    }

    #[test]
    fn union_puts_pod_secrets_before_node_and_providers() {
        let u = UnionKeyring::kubelet(
            ring(SECRETS_KEYRING, &[("r.io", "pod")]),
            ring(NODE_KEYRING, &[("r.io", "node"), ("r.io/app", "node-app")]),
            ring(PROVIDERS_KEYRING, &[("*.io", "plugin")]),
        );
        let r = u.lookup("r.io/app");
        assert_eq!(users(&r), ["pod", "node-app", "node", "plugin"]);
        assert_eq!(
            r.matched_keyring_keys,
            [
                "secrets:r.io",
                "node:r.io/app",
                "node:r.io",
                "providers:*.io"
            ]
        );
        assert!(r.found());
        assert!(!u.lookup("other.com/x").found());
    }

    #[test]
    fn adding_a_file_at_once_equals_adding_its_entries_one_by_one() {
        use crate::auth::config::{ConfigEntry, ConfigFormat};
        // Keys that collide after normalization, keys already present, bad keys, in an order
        // that is neither sorted nor reversed.
        let mut rng = 0x2545_f491_u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let forms = ["", "https://", "http://", "https://"];
        let tails = ["", "/v1/", "/v2/", "/team", "/team/app"];
        for round in 0..20 {
            let mut one_by_one = ring(NODE_KEYRING, &[("r3.io", "pre"), ("[bad", "x")]);
            let mut at_once = one_by_one.clone();
            let mut config = DockerConfig::empty(ConfigFormat::ConfigJson);
            for i in 0..(40 + round * 7) {
                let n = next();
                let key = if n % 17 == 0 {
                    format!("[broken{i}")
                } else {
                    format!(
                        "{}r{}.io{}",
                        forms[(n >> 8) as usize % forms.len()],
                        (n >> 16) % 12,
                        tails[(n >> 24) as usize % tails.len()]
                    )
                };
                let entry = ConfigEntry {
                    username: format!("u{i}"),
                    ..ConfigEntry::default()
                };
                config.entries.push((key, entry));
            }
            for (key, entry) in &config.entries {
                one_by_one.add(key, entry.credential(), format!("file:{key}"));
            }
            at_once.add_config(&config, "file");
            assert_eq!(at_once, one_by_one, "round {round}");
            // and a second file on top
            for (key, entry) in &config.entries {
                one_by_one.add(key, entry.credential(), format!("again:{key}"));
            }
            at_once.add_config(&config, "again");
            assert_eq!(at_once, one_by_one, "round {round}, second file");
        }
    }

    #[test]
    fn unparseable_keys_are_ignored_and_reported() {
        let k = ring(NODE_KEYRING, &[("[oops", "bad"), ("ok.io", "good")]);
        assert_eq!(k.index(), ["ok.io"]);
        assert_eq!(k.rejected().len(), 1);
        assert_eq!(k.rejected()[0].reason, "missing ']' in host");
    }
}
