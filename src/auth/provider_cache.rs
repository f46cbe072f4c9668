//! The kubelet's credential-provider plugin cache and the per-image plan.
//!
//! - [`ProviderCache`]: a response is cached under the image, its registry (text before the
//!   first `/`) or `global` per `cacheKeyType`, until now + `cacheDuration`, or now +
//!   `defaultCacheDuration` when the response has none. An explicit zero `cacheDuration`, or no
//!   duration and a zero default, is not cached. A lookup tries the image key, then the
//!   registry key, then `global`; an entry is expired when now is AFTER its expiry (so it is
//!   still valid at exactly its expiry). `now` is milliseconds since the epoch, passed in.
//! - [`CredentialProviders`]: for an image, each provider in config order is skipped (no
//!   `matchImages` glob matches), answered from its cache, or must be run; the caller runs it
//!   and hands the stdout to [`CredentialProviders::accept_response`]. A failed or invalid
//!   response gives no credentials from that provider (the kubelet logs and goes on).
//! - [`providers_keyring`]: all providers' `auth` maps merged into one keyring (named
//!   `providers`, sources `provider/NAME:KEY`), in config order, matched like any keyring.

use crate::auth::credential::Credential;
use crate::auth::keyring::{DockerKeyring, PROVIDERS_KEYRING};
use crate::auth::provider::{
    parse_provider_response, provider_matches, registry_of, request_json, CacheKeyType,
    CredentialProviderConfig, ProviderError, ProviderResponse, GLOBAL_CACHE_KEY,
};

/// A cached response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheEntry {
    /// The key it is stored under.
    pub key: String,
    /// Which kind of key.
    pub key_type: CacheKeyType,
    /// The credentials.
    pub auth: Vec<(String, Credential)>,
    /// Expiry in nanoseconds since the epoch.
    pub expires_at_ns: i128,
}

/// What [`ProviderCache::store`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheDecision {
    /// Stored under `key` until `expires_at_ns`.
    Cached {
        /// Cache key.
        key: String,
        /// Expiry, nanoseconds since the epoch.
        expires_at_ns: i128,
    },
    /// The response's `cacheDuration` was zero.
    ZeroResponseDuration,
    /// No `cacheDuration` and the provider's default is zero.
    ZeroDefaultDuration,
}

fn now_ns(now_ms: u64) -> i128 {
    i128::from(now_ms) * 1_000_000
}

/// One provider's response cache.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderCache {
    /// Sorted by key, one entry per key (a sorted `Vec` rather than a `BTreeMap`: each map type
    /// is kilobytes of wasm).
    entries: Vec<CacheEntry>,
}

impl ProviderCache {
    fn position(&self, key: &str) -> Result<usize, usize> {
        let at = self.entries.partition_point(|e| e.key.as_str() < key);
        match self.entries.get(at) {
            Some(e) if e.key == key => Ok(at),
            _ => Err(at),
        }
    }

    /// The live entry for an image: image key, then registry key, then `global`.
    pub fn get(&self, image: &str, now_ms: u64) -> Option<&CacheEntry> {
        let now = now_ns(now_ms);
        [image, registry_of(image), GLOBAL_CACHE_KEY]
            .into_iter()
            .filter_map(|k| self.position(k).ok().and_then(|i| self.entries.get(i)))
            .find(|e| now <= e.expires_at_ns)
    }

    /// Caches a response for an image as the kubelet does.
    pub fn store(
        &mut self,
        image: &str,
        response: &ProviderResponse,
        default_duration_ns: i64,
        now_ms: u64,
    ) -> CacheDecision {
        let duration = match response.cache_duration_ns {
            Some(0) => return CacheDecision::ZeroResponseDuration,
            Some(d) => d,
            None if default_duration_ns == 0 => return CacheDecision::ZeroDefaultDuration,
            None => default_duration_ns,
        };
        let key = response.cache_key_type.key_for(image);
        let expires_at_ns = now_ns(now_ms) + i128::from(duration);
        let entry = CacheEntry {
            key: key.clone(),
            key_type: response.cache_key_type,
            auth: response.auth.clone(),
            expires_at_ns,
        };
        match self.position(&key) {
            Ok(i) => {
                if let Some(e) = self.entries.get_mut(i) {
                    *e = entry;
                }
            }
            Err(i) => self.entries.insert(i, entry),
        }
        CacheDecision::Cached { key, expires_at_ns }
    }

    /// Drops expired entries.
    pub fn purge_expired(&mut self, now_ms: u64) {
        let now = now_ns(now_ms);
        self.entries.retain(|e| now <= e.expires_at_ns);
    }

    /// Number of stored entries (expired ones included until purged).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The credentials one provider gave for an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderCredentials {
    /// Provider name.
    pub provider: String,
    /// Match key as written -> credential.
    pub auth: Vec<(String, Credential)>,
}

/// What to do with one provider for an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderStep {
    /// No `matchImages` glob matches: the provider is not asked.
    NotMatched {
        /// Provider name.
        provider: String,
    },
    /// A live cache entry answers.
    Cached {
        /// The cached credentials.
        credentials: ProviderCredentials,
        /// The cache key that answered.
        cache_key: String,
    },
    /// The plugin must be run with this stdin; feed its stdout to
    /// [`CredentialProviders::accept_response`].
    Exec {
        /// Provider name.
        provider: String,
        /// `CredentialProviderRequest` JSON.
        request: String,
    },
}

/// The configured providers with their caches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialProviders {
    /// The validated config.
    pub config: CredentialProviderConfig,
    caches: Vec<ProviderCache>,
}

impl CredentialProviders {
    /// Providers with empty caches.
    pub fn new(config: CredentialProviderConfig) -> Self {
        let caches = vec![ProviderCache::default(); config.providers.len()];
        CredentialProviders { config, caches }
    }

    fn index_of(&self, provider: &str) -> Result<usize, ProviderError> {
        self.config
            .providers
            .iter()
            .position(|p| p.name == provider)
            .ok_or_else(|| ProviderError::UnknownProvider(provider.into()))
    }

    /// One step per provider, in config order.
    pub fn plan(&self, image: &str, now_ms: u64) -> Vec<ProviderStep> {
        self.config
            .providers
            .iter()
            .zip(&self.caches)
            .map(|(spec, cache)| {
                if !provider_matches(spec, image) {
                    return ProviderStep::NotMatched {
                        provider: spec.name.clone(),
                    };
                }
                match cache.get(image, now_ms) {
                    Some(e) => ProviderStep::Cached {
                        credentials: ProviderCredentials {
                            provider: spec.name.clone(),
                            auth: e.auth.clone(),
                        },
                        cache_key: e.key.clone(),
                    },
                    None => ProviderStep::Exec {
                        provider: spec.name.clone(),
                        request: request_json(image, &spec.api_version),
                    },
                }
            })
            .collect()
    }

    /// Validates a plugin's stdout for `image` and caches it; returns its credentials.
    pub fn accept_response(
        &mut self,
        provider: &str,
        image: &str,
        stdout: &str,
        now_ms: u64,
    ) -> Result<(ProviderCredentials, CacheDecision), ProviderError> {
        let i = self.index_of(provider)?;
        let spec = &self.config.providers[i];
        let response = parse_provider_response(stdout, &spec.api_version, provider)?;
        let default = spec.default_cache_duration_ns;
        let decision = match self.caches.get_mut(i) {
            Some(cache) => cache.store(image, &response, default, now_ms),
            None => return Err(ProviderError::UnknownProvider(provider.into())),
        };
        let creds = ProviderCredentials {
            provider: provider.into(),
            auth: response.auth,
        };
        Ok((creds, decision))
    }

    /// A provider's cache.
    pub fn cache(&self, provider: &str) -> Option<&ProviderCache> {
        self.index_of(provider)
            .ok()
            .and_then(|i| self.caches.get(i))
    }

    /// Drops expired entries of every cache.
    pub fn purge_expired(&mut self, now_ms: u64) {
        for c in &mut self.caches {
            c.purge_expired(now_ms);
        }
    }
}

/// The providers' keyring: every provider's credentials (pass them in config order) merged into
/// one keyring named `providers`, sources `provider/NAME:KEY`.
pub fn providers_keyring(results: &[ProviderCredentials]) -> DockerKeyring {
    let mut k = DockerKeyring::new(PROVIDERS_KEYRING);
    for r in results {
        for (key, cred) in &r.auth {
            k.add(key, cred.clone(), format!("provider/{}:{key}", r.provider));
        }
    }
    k
}
