//! [`Client`]: what a registry client remembers between operations — configuration, credentials per
//! registry, what each registry's challenge taught us, cached tokens, and the jitter source.
//!
//! # Where requests go
//! The base URL of a registry (a reference's domain) is, in order:
//! 1. an [`Config::endpoints`] override (`("docker.io", "http://mirror.local:5000")`);
//! 2. `https://registry-1.docker.io` for `docker.io` and `index.docker.io`;
//! 3. `http://<host>` for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`) and hosts in
//!    [`Config::insecure`] (matched with or without port), as Docker treats `127.0.0.0/8`
//!    as insecure by default and containerd uses plain http for localhost;
//! 4. `https://<host>` otherwise. There is no https-then-http fallback.
//!
//! # Where credentials go
//! Only to the registry's origin and to the token realm its own challenge named; over plain
//! http only when that host is loopback or in `insecure` (else `INSECURE_CREDENTIALS_REFUSED`).

use super::retry::{Jitter, RetryPolicy, SplitMix64};
use super::url::{is_loopback_host, Url};
use crate::auth::credential::{Credential, SecretString};

/// Seconds a token lives when the token server does not say (`expires_in`), as in the spec.
pub const DEFAULT_TOKEN_EXPIRY_S: u64 = 60;

/// The user name Docker uses for identity (refresh) tokens: the password is the token.
pub const IDENTITY_TOKEN_USERNAME: &str = "<token>";

/// A credential carrying an identity token (`identitytoken` in `config.json`): exchanged for
/// access tokens with the OAuth2 `refresh_token` grant.
pub fn identity_token_credential(token: impl Into<SecretString>) -> Credential {
    Credential::new(IDENTITY_TOKEN_USERNAME, token, "")
}

/// Client configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// `User-Agent` sent with every request (browsers may drop it); empty = none.
    pub user_agent: String,
    pub retry: RetryPolicy,
    /// Backoff randomness.
    pub jitter: Jitter,
    /// Hosts (`host` or `host:port`) reached over plain http and allowed credentials there.
    pub insecure: Vec<String>,
    /// Base URL overrides per registry domain (mirrors, proxies, test servers).
    pub endpoints: Vec<(String, String)>,
    /// Redirects followed per request (default 10).
    pub max_redirects: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: concat!("pullspec/", env!("CARGO_PKG_VERSION")).to_string(),
            retry: RetryPolicy::default(),
            jitter: Jitter::Seeded(0x5eed),
            insecure: Vec::new(),
            endpoints: Vec::new(),
            max_redirects: 10,
        }
    }
}

/// What a registry's `401` challenge said about how to authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LearnedAuth {
    /// `Bearer realm=... service=...`: fetch tokens from `realm`.
    Bearer {
        /// Token endpoint.
        realm: Url,
        /// `service`, when given.
        service: Option<String>,
    },
    /// `Basic`: send credentials with every request.
    Basic,
}

#[derive(Clone, Debug)]
struct CachedToken {
    token: SecretString,
    expires_at_ms: u64,
}

/// A map from strings, as a short list: a client holds a handful of entries per registry,
/// and a list costs far less wasm than a `HashMap` instantiation per value type.
#[derive(Debug)]
struct Map<V>(Vec<(String, V)>);

impl<V> Map<V> {
    fn new() -> Map<V> {
        Map(Vec::new())
    }

    fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn insert(&mut self, key: String, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    fn remove(&mut self, key: &str) {
        self.retain(|k, _| k != key);
    }

    /// Keeps the entries `keep` accepts, in order (a plain loop: `Vec::retain` is sizeable
    /// code per closure).
    fn retain(&mut self, mut keep: impl FnMut(&String, &V) -> bool) {
        let mut i = 0;
        while i < self.0.len() {
            let (k, v) = &self.0[i];
            if keep(k, v) {
                i += 1;
            } else {
                self.0.remove(i);
            }
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// A registry client: the state its operations share (the JS `RegistryClient` wraps one). Cheap to keep for a process lifetime.
#[derive(Debug)]
pub struct Client {
    config: Config,
    credentials: Map<Vec<Credential>>,
    learned: Map<LearnedAuth>,
    tokens: Map<CachedToken>,
    preferred: Map<usize>,
    rng: Option<SplitMix64>,
}

impl Client {
    /// A client with this configuration and no credentials.
    pub fn new(config: Config) -> Client {
        let rng = match config.jitter {
            Jitter::Seeded(seed) => Some(SplitMix64::new(seed)),
            Jitter::None => None,
        };
        Client {
            config,
            credentials: Map::new(),
            learned: Map::new(),
            tokens: Map::new(),
            preferred: Map::new(),
            rng,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sets the credentials to try, in order, for `key`: a registry domain (`docker.io`,
    /// `127.0.0.1:5000`) or `domain/repository` (more specific, wins). Replaces earlier ones
    /// and forgets tokens and preferences obtained for that registry.
    pub fn set_credentials(&mut self, key: &str, credentials: Vec<Credential>) {
        let registry = key.split('/').next().unwrap_or(key).to_string();
        self.credentials.insert(key.to_string(), credentials);
        self.tokens
            .retain(|k, _| !k.starts_with(&format!("{registry}|")));
        self.preferred
            .retain(|k, _| k != &registry && !k.starts_with(&format!("{registry}/")));
    }

    /// The credentials for a repository of a registry (`domain/repository` entry, else the
    /// domain's), in the order to try them. Empty = anonymous.
    pub fn credentials_for(&self, registry: &str, repository: &str) -> &[Credential] {
        self.credentials
            .get(&format!("{registry}/{repository}"))
            .or_else(|| self.credentials.get(registry))
            .map_or(&[], |v| v.as_slice())
    }

    /// The base URL of a registry (see the module doc); `None` when an override is not a URL.
    pub fn base_url(&self, registry: &str) -> Option<Url> {
        if let Some((_, url)) = self.config.endpoints.iter().find(|(r, _)| r == registry) {
            return Url::parse(url.trim_end_matches('/'));
        }
        if registry == "docker.io" || registry == "index.docker.io" {
            return Url::parse("https://registry-1.docker.io");
        }
        let host = registry.to_ascii_lowercase();
        let hostname = Url::parse(&format!("http://{host}"))
            .map(|u| u.hostname().to_string())
            .unwrap_or_default();
        let plain = is_loopback_host(&hostname) || self.is_marked_insecure(&host);
        Url::parse(&format!(
            "{}://{host}",
            if plain { "http" } else { "https" }
        ))
    }

    fn is_marked_insecure(&self, host: &str) -> bool {
        let hostname = host.rsplit_once(':').map_or(host, |(h, _)| h);
        self.config.insecure.iter().any(|i| {
            let i = i.trim().to_ascii_lowercase();
            i == host || i == hostname
        })
    }

    /// Whether credentials may be sent to `url`: https, or a loopback / insecure host.
    pub fn credentials_allowed(&self, url: &Url) -> bool {
        url.scheme() == "https" || url.is_loopback() || self.is_marked_insecure(url.host())
    }

    /// What the registry's challenge taught us, if anything yet.
    pub fn learned_auth(&self, registry: &str) -> Option<&LearnedAuth> {
        self.learned.get(registry)
    }

    /// Records how a registry authenticates (from a ping or a 401).
    pub fn learn_auth(&mut self, registry: &str, auth: LearnedAuth) {
        self.learned.insert(registry.to_string(), auth);
    }

    /// A cached token that has not expired at `now_ms`.
    pub fn cached_token(&self, key: &str, now_ms: u64) -> Option<&SecretString> {
        self.tokens
            .get(key)
            .filter(|t| now_ms < t.expires_at_ms)
            .map(|t| &t.token)
    }

    /// Caches a token for `expires_in_s` seconds from `now_ms`. A token that is not an RFC 6750
    /// `b64token` ([`super::token::is_b64token`]) is not cached: it could never be sent.
    pub fn cache_token(
        &mut self,
        key: String,
        token: SecretString,
        now_ms: u64,
        expires_in_s: u64,
    ) {
        if !super::token::is_b64token(token.expose()) {
            return;
        }
        let expires_at_ms = now_ms.saturating_add(expires_in_s.saturating_mul(1000));
        self.tokens.retain(|_, t| now_ms < t.expires_at_ms);
        self.tokens.insert(
            key,
            CachedToken {
                token,
                expires_at_ms,
            },
        );
    }

    /// Drops a cached token (after the registry refused it).
    pub fn forget_token(&mut self, key: &str) {
        self.tokens.remove(key);
    }

    /// Number of cached tokens (expired ones included until the next insert).
    pub fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// Index of the credential that worked last for `key` (`registry/repository`).
    pub fn preferred_credential(&self, key: &str) -> usize {
        self.preferred.get(key).copied().unwrap_or(0)
    }

    /// Remembers which credential worked.
    pub fn prefer_credential(&mut self, key: &str, index: usize) {
        self.preferred.insert(key.to_string(), index);
    }

    /// The wait before retry number `retry` (1-based) when the server gave no `Retry-After`.
    pub fn backoff_ms(&mut self, retry: u32) -> u64 {
        let ceiling = self.config.retry.ceiling_ms(retry);
        match &mut self.rng {
            Some(rng) => rng.below_or_eq(ceiling),
            None => ceiling,
        }
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new(Config::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        let mut config = Config {
            insecure: vec!["reg.lan".into(), "10.0.0.5:5000".into()],
            endpoints: vec![("mirror.io".into(), "http://10.1.1.1:8080/".into())],
            ..Config::default()
        };
        config.jitter = Jitter::None;
        let s = Client::new(config);
        let cases = [
            ("docker.io", "https://registry-1.docker.io/"),
            ("index.docker.io", "https://registry-1.docker.io/"),
            ("ghcr.io", "https://ghcr.io/"),
            ("localhost:5000", "http://localhost:5000/"),
            ("127.0.0.1:5000", "http://127.0.0.1:5000/"),
            ("[::1]:5000", "http://[::1]:5000/"),
            ("reg.lan:5000", "http://reg.lan:5000/"),
            ("10.0.0.5:5000", "http://10.0.0.5:5000/"),
            ("10.0.0.5:6000", "https://10.0.0.5:6000/"),
            ("mirror.io", "http://10.1.1.1:8080/"),
        ];
        for (registry, want) in cases {
            assert_eq!(
                s.base_url(registry).unwrap().to_string(),
                want,
                "{registry}"
            );
        }
        let allowed = |u: &str| s.credentials_allowed(&Url::parse(u).unwrap());
        assert!(allowed("https://anything/"));
        assert!(allowed("http://127.0.0.1:5000/"));
        assert!(allowed("http://reg.lan:5000/"));
        assert!(!allowed("http://10.1.1.1:8080/"));
        assert!(!allowed("http://evil.example/"));
    }

    #[test]
    fn credentials_lookup_prefers_the_repository_entry() {
        let mut s = Client::default();
        s.set_credentials("r.io", vec![Credential::new("a", "1", "")]);
        s.set_credentials("r.io/team/app", vec![Credential::new("b", "2", "")]);
        assert_eq!(s.credentials_for("r.io", "team/app")[0].username, "b");
        assert_eq!(s.credentials_for("r.io", "other")[0].username, "a");
        assert!(s.credentials_for("x.io", "y").is_empty());
    }

    #[test]
    fn tokens_expire_and_are_forgotten_with_new_credentials() {
        let mut s = Client::default();
        s.cache_token("r.io|k".into(), "t".into(), 1000, 60);
        assert!(s.cached_token("r.io|k", 60_999).is_some());
        assert!(s.cached_token("r.io|k", 61_000).is_none());
        s.set_credentials("r.io", Vec::new());
        assert_eq!(s.token_count(), 0);
    }
}
