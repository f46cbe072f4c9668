//! pullspec: container images the way Kubernetes knows them, in a pure-Rust core that the
//! WebAssembly bindings in `js` expose to JavaScript.
//!
//! The core modules do no I/O and know nothing of JS; `cargo test` runs them natively.

pub mod auth;
pub mod digest;
pub mod error;
pub mod go;
pub mod k8s;
pub mod manifest;
pub mod media_type;
pub mod platform;
pub mod policy;
pub mod reference;
pub mod registry;
pub mod select;
pub mod text;
pub mod yaml;

#[cfg(target_arch = "wasm32")]
pub mod js;

pub use digest::{Digest, DigestError};
pub use error::Coded;
pub use manifest::{Manifest, ManifestError};
pub use platform::{Matcher, Platform, PlatformError};
pub use policy::{PullDecision, PullPolicy};
pub use reference::{Reference, ReferenceError};
