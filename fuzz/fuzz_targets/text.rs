//! The other parsers of untrusted text: YAML, pull secrets, docker config files, credential
//! provider configs and WWW-Authenticate headers never panic, and errors stay inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pullspec::auth::{challenge, config, provider, secrets};
use pullspec::Coded;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = pullspec::yaml::parse_yaml(text) {
        if let Some(offset) = e.offset() {
            assert!(offset <= text.len(), "{text:?}: {offset}");
        }
    }
    let _ = pullspec::yaml::parse_yaml_documents(text);
    if let Ok(docs) = secrets::secret_documents(text) {
        for d in &docs {
            let _ = secrets::read_pull_secret(d);
        }
    }
    let _ = config::parse_config_auto(text);
    let _ = provider::parse_provider_config_text(text);
    if let Err(e) = challenge::parse_www_authenticate(text) {
        if let Some(offset) = e.offset() {
            assert!(offset <= text.len(), "{text:?}: {offset}");
        }
    }
});
