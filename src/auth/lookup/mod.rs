//! The whole keyring of a pull as one value, and a lookup in it as a sans-IO state machine.
//!
//! A [`Keyring`] holds what the kubelet (and, opted in, docker) would consult: the pod's
//! pull secrets, the node's credential files, docker credential helpers named by those files
//! (only for files added with helpers enabled: the kubelet never runs them), and
//! credential-provider plugin configs with their response caches.
//!
//! [`Keyring::begin`] starts a lookup: it plans every provider ([`CredentialProviders::plan`])
//! and helper ([`helper_call`]) and lists the [`Call`]s the caller must make. The caller runs
//! them however it likes (a child process, a JS callback, canned text in tests) and hands each
//! answer back ([`Lookup::provider_output`], [`Lookup::helper_answer`],
//! [`Lookup::call_failed`]); a provider's answer is validated and cached right away.
//! [`Lookup::finish`] then gives the credentials in the order the runtime tries them:
//! pod secrets, node files, helpers, providers (the kubelet's
//! [`UnionKeyring::kubelet`](crate::auth::keyring::UnionKeyring::kubelet) order, with the helpers
//! beside the node files they come from). A call that failed, or was never answered,
//! contributes nothing, as a failed plugin does in the kubelet. [`Lookup::explain`]
//! says why, for every key, provider and helper.

use crate::auth::config::DockerConfig;
use crate::auth::credential::Credential;
use crate::auth::explain::{explain_lookup, Explanation};
use crate::auth::glob::Mismatch;
use crate::auth::helpers::helper_call;
use crate::auth::keyring::{
    DockerKeyring, LookupResult, UnionKeyring, NODE_KEYRING, SECRETS_KEYRING,
};
use crate::auth::provider::{explain_provider_match, CredentialProviderConfig};
use crate::auth::provider_cache::{
    providers_keyring, CacheDecision, CredentialProviders, ProviderCredentials, ProviderStep,
};
use crate::auth::redact::redact_secrets;
use crate::auth::search_path::Selection;
use crate::auth::secrets::{read_pull_secret, SecretError, SecretOutcome, SecretWarning};
use crate::error::Coded;
use crate::reference::{Reference, ReferenceError};
use serde_json::Value;
use std::fmt;

/// DockerKeyring name of the credentials docker credential helpers answered with.
pub const HELPERS_KEYRING: &str = "helpers";

/// The kubelet's lookup key for an image: its repository name (`nginx` ->
/// `docker.io/library/nginx`), or, with `raw`, the string as it is (the upstream tests'
/// `Lookup(string)`).
pub fn lookup_key(image: &str, raw: bool) -> Result<String, ReferenceError> {
    if raw {
        return Ok(image.to_string());
    }
    Ok(Reference::parse_normalized(image)?.name())
}

/// Everything a pull's credentials come from.
#[derive(Clone, Debug)]
pub struct Keyring {
    secrets: DockerKeyring,
    used_secrets: Vec<String>,
    warnings: Vec<SecretWarning>,
    node: DockerKeyring,
    node_sources: Vec<String>,
    helper_configs: Vec<(String, DockerConfig)>,
    providers: Vec<CredentialProviders>,
}

impl Default for Keyring {
    fn default() -> Self {
        Keyring::new()
    }
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Keyring {
            secrets: DockerKeyring::new(SECRETS_KEYRING),
            used_secrets: Vec::new(),
            warnings: Vec::new(),
            node: DockerKeyring::new(NODE_KEYRING),
            node_sources: Vec::new(),
            helper_configs: Vec::new(),
            providers: Vec::new(),
        }
    }

    /// Adds one pod pull Secret. A Secret the kubelet ignores is not an error: its warning is
    /// returned (and kept, see [`Keyring::warnings`]); a used Secret that does not decode is
    /// an error and adds nothing.
    pub fn add_pull_secret(
        &mut self,
        secret: &Value,
    ) -> Result<Option<SecretWarning>, SecretError> {
        match read_pull_secret(secret)? {
            SecretOutcome::Used(s) => {
                self.secrets
                    .add_config(&s.config, &format!("secret/{}", s.name));
                self.used_secrets.push(s.name);
                Ok(None)
            }
            SecretOutcome::Ignored(w) => {
                self.warnings.push(w.clone());
                Ok(Some(w))
            }
        }
    }

    /// Adds a node credential file; sources are `config:{source}:{key}`. With `helpers`, the
    /// docker credential helpers it names are asked too.
    pub fn add_docker_config(&mut self, config: DockerConfig, source: &str, helpers: bool) {
        self.node.add_config(&config, &format!("config:{source}"));
        self.node_sources.push(source.to_string());
        if helpers {
            self.helper_configs.push((source.to_string(), config));
        }
    }

    /// Adds the file the kubelet's search path selected, if any.
    pub fn add_selection(&mut self, selection: &Selection, helpers: bool) {
        if let (Some((_, config)), Some(path)) = (&selection.used, selection.used_path()) {
            self.add_docker_config(config.clone(), path, helpers);
        }
    }

    /// Adds a validated provider config (with empty caches); returns its index.
    pub fn add_provider_config(&mut self, config: CredentialProviderConfig) -> usize {
        self.providers.push(CredentialProviders::new(config));
        self.providers.len() - 1
    }

    /// The provider configs, in the order they were added.
    pub fn provider_configs(&self) -> impl Iterator<Item = &CredentialProviderConfig> {
        self.providers.iter().map(|p| &p.config)
    }

    /// Secrets the kubelet ignores, with reasons.
    pub fn warnings(&self) -> &[SecretWarning] {
        &self.warnings
    }

    /// Names of the Secrets used, in order.
    pub fn used_secrets(&self) -> &[String] {
        &self.used_secrets
    }

    /// Sources of the node files added, in order.
    pub fn node_sources(&self) -> &[String] {
        &self.node_sources
    }

    /// The pod-secret keyring.
    pub fn secrets_keyring(&self) -> &DockerKeyring {
        &self.secrets
    }

    /// The node keyring.
    pub fn node_keyring(&self) -> &DockerKeyring {
        &self.node
    }

    /// Starts a lookup of `lookup_key` (see [`lookup_key`]) at `now_ms` (ms since the epoch).
    pub fn begin(&self, lookup_key: &str, now_ms: u64) -> Lookup {
        let mut calls = Vec::new();
        let mut plan = Vec::new();
        for (set, providers) in self.providers.iter().enumerate() {
            let specs = &providers.config.providers;
            for (step, spec) in providers.plan(lookup_key, now_ms).into_iter().zip(specs) {
                let call = match &step {
                    ProviderStep::Exec { provider, request } => {
                        calls.push(Call::Provider {
                            set,
                            provider: provider.clone(),
                            request: request.clone(),
                        });
                        Some(calls.len() - 1)
                    }
                    _ => None,
                };
                plan.push(Planned {
                    set,
                    step,
                    call,
                    globs: explain_provider_match(spec, lookup_key),
                });
            }
        }
        let mut helpers = Vec::new();
        for (i, (source, config)) in self.helper_configs.iter().enumerate() {
            if let Some(c) = helper_call(config, lookup_key) {
                calls.push(Call::Helper {
                    config: i,
                    source: source.clone(),
                    helper: c.helper,
                    server_url: c.server_url,
                });
                helpers.push(calls.len() - 1);
            }
        }
        let outcomes = vec![CallOutcome::Pending; calls.len()];
        Lookup {
            lookup_key: lookup_key.to_string(),
            now_ms,
            plan,
            calls,
            outcomes,
        }
    }
}

/// One piece of I/O a lookup needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// Run credential-provider plugin `provider` with `request` on stdin; hand its stdout to
    /// [`Lookup::provider_output`].
    Provider {
        /// Index of the provider config ([`Keyring::add_provider_config`]).
        set: usize,
        /// Provider (plugin binary) name.
        provider: String,
        /// The `CredentialProviderRequest` JSON.
        request: String,
    },
    /// Run `docker-credential-{helper} get` with `server_url` on stdin; hand the credential
    /// (or none) to [`Lookup::helper_answer`].
    Helper {
        /// Index among the files added with helpers.
        config: usize,
        /// The source of the file that names the helper.
        source: String,
        /// Helper name.
        helper: String,
        /// The server address to ask for.
        server_url: String,
    },
}

/// What became of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallOutcome {
    /// Not answered (yet).
    Pending,
    /// The plugin answered; its response was validated and the cache updated.
    Provided {
        /// The credentials.
        credentials: ProviderCredentials,
        /// What the cache did with the response.
        decision: CacheDecision,
    },
    /// The helper answered with a credential.
    HelperFound(Credential),
    /// The helper holds nothing for the server.
    HelperNotFound,
    /// The call failed or its answer is unusable: no credentials from it.
    Failed {
        /// Stable code (`PROVIDER_FAILED`, `PROVIDER_RESPONSE_INVALID`, ...).
        code: String,
        /// Why; never holds credential values.
        message: String,
    },
}

#[derive(Clone, Debug)]
struct Planned {
    set: usize,
    step: ProviderStep,
    call: Option<usize>,
    globs: Vec<(String, Result<(), Mismatch>)>,
}

/// A lookup waiting for its calls' answers.
#[derive(Clone, Debug)]
pub struct Lookup {
    /// The key being looked up.
    pub lookup_key: String,
    now_ms: u64,
    plan: Vec<Planned>,
    calls: Vec<Call>,
    outcomes: Vec<CallOutcome>,
}

impl Lookup {
    /// The calls to make (each answered at most once; any order).
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }

    /// What became of call `i`.
    pub fn outcome(&self, i: usize) -> Option<&CallOutcome> {
        self.outcomes.get(i)
    }

    /// A provider call's stdout: validated and cached in `keyring` (the keyring this lookup
    /// began from). Returns the outcome (`Failed` for an invalid response).
    pub fn provider_output(
        &mut self,
        keyring: &mut Keyring,
        i: usize,
        stdout: &str,
    ) -> &CallOutcome {
        let outcome = match self.calls.get(i) {
            Some(Call::Provider { set, provider, .. }) => match keyring.providers.get_mut(*set) {
                Some(p) => match p.accept_response(provider, &self.lookup_key, stdout, self.now_ms)
                {
                    Ok((credentials, decision)) => CallOutcome::Provided {
                        credentials,
                        decision,
                    },
                    Err(e) => failed(&e),
                },
                None => failed_msg(
                    "PROVIDER_UNKNOWN",
                    "the provider config is not in this keyring",
                ),
            },
            _ => failed_msg("INVALID_ARGUMENT", "not a provider call"),
        };
        self.set(i, outcome)
    }

    /// A helper call's answer: the credential, or `None` when the helper holds nothing.
    pub fn helper_answer(&mut self, i: usize, credential: Option<Credential>) -> &CallOutcome {
        let outcome = match (self.calls.get(i), credential) {
            (Some(Call::Helper { .. }), Some(c)) => CallOutcome::HelperFound(c),
            (Some(Call::Helper { .. }), None) => CallOutcome::HelperNotFound,
            _ => failed_msg("INVALID_ARGUMENT", "not a helper call"),
        };
        self.set(i, outcome)
    }

    /// Call `i` could not be made or failed. `message` (a plugin's or helper's stderr tail
    /// may be in it) goes through [`redact_secrets`] before it is kept for `explain`.
    pub fn call_failed(&mut self, i: usize, code: &str, message: &str) -> &CallOutcome {
        self.set(i, failed_msg(code, &redact_secrets(message)))
    }

    fn set(&mut self, i: usize, outcome: CallOutcome) -> &CallOutcome {
        match self.outcomes.get_mut(i) {
            Some(slot) => {
                *slot = outcome;
                slot
            }
            None => &CallOutcome::Pending,
        }
    }

    fn union(&self, keyring: &Keyring) -> UnionKeyring {
        let mut helpers = DockerKeyring::new(HELPERS_KEYRING);
        for (call, outcome) in self.calls.iter().zip(&self.outcomes) {
            if let (
                Call::Helper {
                    helper, server_url, ..
                },
                CallOutcome::HelperFound(c),
            ) = (call, outcome)
            {
                helpers.add(
                    server_url,
                    c.clone(),
                    format!("helper/{helper}:{server_url}"),
                );
            }
        }
        let mut answered: Vec<ProviderCredentials> = Vec::new();
        for p in &self.plan {
            match (&p.step, p.call.and_then(|c| self.outcomes.get(c))) {
                (ProviderStep::Cached { credentials, .. }, _) => answered.push(credentials.clone()),
                (_, Some(CallOutcome::Provided { credentials, .. })) => {
                    answered.push(credentials.clone())
                }
                _ => {}
            }
        }
        UnionKeyring::new(vec![
            keyring.secrets.clone(),
            keyring.node.clone(),
            helpers,
            providers_keyring(&answered),
        ])
    }

    /// The credentials, in the order the runtime tries them.
    pub fn finish(&self, keyring: &Keyring) -> LookupResult {
        self.union(keyring).lookup(&self.lookup_key)
    }

    /// Why the lookup returns what it does.
    pub fn explain(&self, keyring: &Keyring) -> PullExplanation {
        let keys = explain_lookup(&self.union(keyring), &self.lookup_key);
        let providers = self
            .plan
            .iter()
            .map(|p| {
                let (provider, status) = match &p.step {
                    ProviderStep::NotMatched { provider } => {
                        (provider.clone(), ProviderStatus::NotMatched)
                    }
                    ProviderStep::Cached {
                        credentials,
                        cache_key,
                    } => (
                        credentials.provider.clone(),
                        ProviderStatus::Cached {
                            cache_key: cache_key.clone(),
                        },
                    ),
                    ProviderStep::Exec { provider, .. } => {
                        let status = match p.call.and_then(|c| self.outcomes.get(c)) {
                            Some(CallOutcome::Provided { decision, .. }) => ProviderStatus::Ran {
                                decision: decision.clone(),
                            },
                            Some(CallOutcome::Failed { code, message }) => ProviderStatus::Failed {
                                code: code.clone(),
                                message: message.clone(),
                            },
                            _ => ProviderStatus::NotRun,
                        };
                        (provider.clone(), status)
                    }
                };
                ProviderReport {
                    set: p.set,
                    provider,
                    status,
                    globs: p.globs.clone(),
                }
            })
            .collect();
        let helpers = self
            .calls
            .iter()
            .zip(&self.outcomes)
            .filter_map(|(call, outcome)| match call {
                Call::Helper {
                    source,
                    helper,
                    server_url,
                    ..
                } => Some(HelperReport {
                    source: source.clone(),
                    helper: helper.clone(),
                    server_url: server_url.clone(),
                    outcome: outcome.clone(),
                }),
                Call::Provider { .. } => None,
            })
            .collect();
        PullExplanation {
            keys,
            providers,
            helpers,
            warnings: keyring.warnings.clone(),
        }
    }
}

fn failed(e: &dyn Coded) -> CallOutcome {
    failed_msg(e.code(), &e.to_string())
}

fn failed_msg(code: &str, message: &str) -> CallOutcome {
    CallOutcome::Failed {
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// What a provider did in a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderStatus {
    /// No `matchImages` glob matches the lookup key: not asked.
    NotMatched,
    /// Answered from its cache.
    Cached {
        /// The cache key that answered.
        cache_key: String,
    },
    /// Ran; its response was cached (or not) as `decision` says.
    Ran {
        /// What the cache did.
        decision: CacheDecision,
    },
    /// Ran and failed, or answered unusably: no credentials from it.
    Failed {
        /// Stable code.
        code: String,
        message: String,
    },
    /// Had to run but was not answered.
    NotRun,
}

/// One provider's part in a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderReport {
    /// Index of its config.
    pub set: usize,
    /// Provider name.
    pub provider: String,
    /// What happened.
    pub status: ProviderStatus,
    /// Each `matchImages` glob and whether (or why not) it matches.
    pub globs: Vec<(String, Result<(), Mismatch>)>,
}

/// One helper's part in a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperReport {
    /// The file that names it.
    pub source: String,
    /// Helper name.
    pub helper: String,
    /// The server address asked for.
    pub server_url: String,
    /// Its answer (`HelperFound`, `HelperNotFound`, `Failed`, `Pending` when never asked).
    pub outcome: CallOutcome,
}

/// The full account of a lookup: keys, providers, helpers and ignored Secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullExplanation {
    /// Keys considered, fallbacks, ignored keys and the result.
    pub keys: Explanation,
    /// Every configured provider, in order.
    pub providers: Vec<ProviderReport>,
    /// Every helper asked.
    pub helpers: Vec<HelperReport>,
    /// Secrets the kubelet ignores.
    pub warnings: Vec<SecretWarning>,
}

impl fmt::Display for ProviderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "provider {}: ", self.provider)?;
        match &self.status {
            ProviderStatus::NotMatched => {
                f.write_str("not asked: no matchImages glob matches")?;
                for (glob, verdict) in &self.globs {
                    if let Err(m) = verdict {
                        write!(f, "; {glob}: {m}")?;
                    }
                }
                Ok(())
            }
            ProviderStatus::Cached { cache_key } => {
                write!(f, "answered from its cache (key {cache_key})")
            }
            ProviderStatus::Ran { decision } => match decision {
                CacheDecision::Cached { key, .. } => {
                    write!(f, "ran; response cached under {key}")
                }
                CacheDecision::ZeroResponseDuration => {
                    f.write_str("ran; response not cached (cacheDuration 0)")
                }
                CacheDecision::ZeroDefaultDuration => f.write_str(
                    "ran; response not cached (no cacheDuration and defaultCacheDuration 0)",
                ),
            },
            ProviderStatus::Failed { code, message } => {
                write!(f, "failed, no credentials from it: {code}: {message}")
            }
            ProviderStatus::NotRun => f.write_str("had to run but was not answered"),
        }
    }
}

impl fmt::Display for HelperReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "helper docker-credential-{} for {} (named by {}): ",
            self.helper, self.server_url, self.source
        )?;
        match &self.outcome {
            CallOutcome::HelperFound(c) => write!(f, "answered {c}"),
            CallOutcome::HelperNotFound => f.write_str("holds no credentials for it"),
            CallOutcome::Failed { code, message } => write!(f, "failed: {code}: {message}"),
            _ => f.write_str("not asked"),
        }
    }
}

impl fmt::Display for PullExplanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.keys.write_keys(f)?;
        for p in &self.providers {
            writeln!(f, "  {p}")?;
        }
        for h in &self.helpers {
            writeln!(f, "  {h}")?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {}: {w}", w.code())?;
        }
        self.keys.write_credentials(f)
    }
}

#[cfg(test)]
mod tests;
