//! Registry credentials the way the kubelet finds them.
//!
//! Sans-IO: nothing here reads files, runs processes or reads the clock; callers pass file
//! contents, Secret objects, plugin output and `now` (milliseconds since the epoch).
//!
//! - [`config`]: `config.json` / `.dockercfg` decoding, the `auth` field.
//! - [`search_path`]: the kubelet's node credential-file search path and which file it uses.
//! - [`glob`]: URL globs (`URLsMatchStr`), key normalization, `isDefaultRegistryMatch`.
//! - [`keyring`]: `BasicDockerKeyring` / `UnionDockerKeyring` lookups.
//! - [`secrets`]: pod `imagePullSecrets`.
//! - [`provider`]: credential-provider plugin config, matching, request/response.
//! - [`provider_cache`]: the plugin response cache and the per-image plan.
//! - [`explain`]: why a lookup returned what it did.
//! - [`challenge`]: `WWW-Authenticate` parsing.
//! - [`credential`]: redacting secret types.
//! - [`redact`]: secrets in free text (plugin stderr, transport messages).
//! - [`helpers`]: docker credential helpers (opt-in; the kubelet never runs them).
//! - [`lookup`]: the whole keyring of a pull and a lookup in it as a sans-IO state machine.
//!
//! The kubelet's order for a pull: the image's repository name is the lookup key
//! (`nginx` -> `docker.io/library/nginx`); credentials from the pod's pull secrets come first,
//! then the node's credential file, then credential-provider plugins
//! ([`keyring::UnionKeyring::kubelet`]); the runtime tries them in that order.

pub mod challenge;
pub mod config;
pub mod credential;
pub mod explain;
pub mod glob;
pub mod helpers;
pub mod keyring;
pub mod lookup;
pub mod provider;
pub mod provider_cache;
pub mod redact;
pub mod search_path;
pub mod secrets;
