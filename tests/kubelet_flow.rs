//! The whole kubelet flow: node file from the search path, pod secrets, explain.

use pullspec::auth::explain::explain_lookup;
use pullspec::auth::keyring::{DockerKeyring, UnionKeyring, PROVIDERS_KEYRING};
use pullspec::auth::search_path::{kubelet_search_paths, select_config, ReadResult};
use pullspec::auth::secrets::secrets_keyring;
use pullspec::error::Coded;
use serde_json::json;

#[test]
fn pod_secrets_then_node_file_with_sources_and_explanation() {
    let paths = kubelet_search_paths(None, "/", Some("/root"));
    let reads = [
        ReadResult::Content(r#"{"auths":{"bad":{"auth":"nocolon"}}}"#.into()),
        ReadResult::Missing,
        ReadResult::Content(r#"{"auths":{"registry.example.com":{"auth":"bm9kZTpub2RlLXB3"},"https://index.docker.io/v1/":{"username":"hubnode","password":"h"}}}"#.into()),
    ];
    let sel = select_config(&paths, &reads);
    assert_eq!(sel.used_path(), Some("/root/.docker/config.json"));
    let secrets = secrets_keyring(&[
        json!({"metadata":{"name":"s1"},"type":"kubernetes.io/dockercfg","stringData":{".dockercfg":r#"{"registry.example.com/team":{"username":"team","password":"t"}}"#}}),
        json!({"metadata":{"name":"wrong"},"type":"kubernetes.io/dockercfg","stringData":{".dockerconfigjson":"{}"}}),
    ])
    .unwrap();
    assert_eq!(secrets.warnings[0].code(), "SECRET_TYPE_MISMATCH");
    let union = UnionKeyring::kubelet(
        secrets.keyring,
        sel.node_keyring(),
        DockerKeyring::new(PROVIDERS_KEYRING),
    );

    let cases: [(&str, &[(&str, &str)]); 4] = [
        (
            "registry.example.com/team/app",
            &[
                ("team", "secret/s1:registry.example.com/team"),
                (
                    "node",
                    "config:/root/.docker/config.json:registry.example.com",
                ),
            ],
        ),
        (
            "registry.example.com/other",
            &[(
                "node",
                "config:/root/.docker/config.json:registry.example.com",
            )],
        ),
        (
            "docker.io/library/nginx",
            &[(
                "hubnode",
                "config:/root/.docker/config.json:https://index.docker.io/v1/",
            )],
        ),
        ("registry.example.com:5000/team/app", &[]),
    ];
    for (key, want) in cases {
        let r = union.lookup(key);
        let got: Vec<(&str, &str)> = r
            .credentials
            .iter()
            .map(|c| (c.credential.username.as_str(), c.source.as_str()))
            .collect();
        assert_eq!(got, want, "{key}");
    }
    let text = explain_lookup(&union, "docker.io/library/nginx").to_string();
    assert!(
        text.contains("node:index.docker.io (default-registry fallback): used"),
        "{text}"
    );
    assert!(
        text.contains("secrets:registry.example.com/team: skipped: host label count differs"),
        "{text}"
    );
    assert!(!text.contains("node-pw") && !text.contains(":h "), "{text}");
}
