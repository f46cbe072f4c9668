use super::*;
use crate::auth::config::parse_config_json;
use crate::auth::provider::parse_provider_config_text;
use serde_json::json;

const V1: &str = "credentialprovider.kubelet.k8s.io/v1";

fn providers_yaml() -> &'static str {
    "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: ecr\n  matchImages: ['*.dkr.ecr.*.amazonaws.com']\n  defaultCacheDuration: 1m\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n- name: other\n  matchImages: [other.io]\n  defaultCacheDuration: 1m\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n"
}

fn response(user: &str) -> String {
    json!({"apiVersion": V1, "kind": "CredentialProviderResponse", "cacheKeyType": "Registry",
               "auth": {"*.dkr.ecr.*.amazonaws.com": {"username": user, "password": "tok"}}})
    .to_string()
}

fn users(r: &LookupResult) -> Vec<(String, String)> {
    r.credentials
        .iter()
        .map(|c| (c.credential.username.clone(), c.source.clone()))
        .collect()
}

#[test]
fn lookup_key_is_the_repository_name_unless_raw() {
    assert_eq!(
        lookup_key("nginx:1.25", false).unwrap(),
        "docker.io/library/nginx"
    );
    assert_eq!(lookup_key("nginx:1.25", true).unwrap(), "nginx:1.25");
    assert!(lookup_key("UPPER", false).is_err());
}

#[test]
fn secrets_then_node_then_helpers_then_providers_with_caching() {
    let image = "123.dkr.ecr.us-east-1.amazonaws.com/app";
    let mut k = Keyring::new();
    let w = k
            .add_pull_secret(&json!({"metadata": {"name": "s"}, "type": "kubernetes.io/dockercfg",
                "stringData": {".dockercfg": r#"{"*.dkr.ecr.*.amazonaws.com": {"username": "pod", "password": "p"}}"#}}))
            .unwrap();
    assert!(w.is_none());
    let w = k
        .add_pull_secret(&json!({"metadata": {"name": "o"}, "type": "Opaque"}))
        .unwrap();
    assert_eq!(w.map(|w| w.code()), Some("SECRET_NOT_DOCKER"));
    let node = parse_config_json(
        r#"{"auths": {"123.dkr.ecr.us-east-1.amazonaws.com": {"username": "node", "password": "n"}},
                "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}"#,
    )
    .unwrap();
    k.add_docker_config(node, "/root/.docker/config.json", true);
    k.add_provider_config(parse_provider_config_text(providers_yaml()).unwrap());

    let t0 = 1_700_000_000_000;
    let mut l = k.begin(image, t0);
    assert_eq!(l.calls().len(), 2);
    let Call::Provider { request, .. } = &l.calls()[0] else {
        panic!("{:?}", l.calls())
    };
    assert!(request.contains(image));
    assert!(matches!(&l.calls()[1], Call::Helper { helper, .. } if helper == "ecr-login"));
    assert!(matches!(
        l.provider_output(&mut k, 0, &response("plugin")),
        CallOutcome::Provided { .. }
    ));
    l.helper_answer(1, Some(Credential::identity_token("idt")));
    let r = l.finish(&k);
    assert_eq!(
        users(&r),
        [
            ("pod".into(), "secret/s:*.dkr.ecr.*.amazonaws.com".into()),
            (
                "node".into(),
                "config:/root/.docker/config.json:123.dkr.ecr.us-east-1.amazonaws.com".into()
            ),
            (
                "".into(),
                "helper/ecr-login:123.dkr.ecr.us-east-1.amazonaws.com".into()
            ),
            (
                "plugin".into(),
                "provider/ecr:*.dkr.ecr.*.amazonaws.com".into()
            ),
        ]
    );
    let text = l.explain(&k).to_string();
    assert!(
        text.contains(
            "provider ecr: ran; response cached under 123.dkr.ecr.us-east-1.amazonaws.com"
        ),
        "{text}"
    );
    assert!(
        text.contains("provider other: not asked: no matchImages glob matches; other.io: "),
        "{text}"
    );
    assert!(text.contains("warning: SECRET_NOT_DOCKER"), "{text}");
    assert!(!text.contains("tok") && !text.contains("idt"), "{text}");

    // Same registry within the minute: from the cache, no call.
    let l2 = k.begin("123.dkr.ecr.us-east-1.amazonaws.com/other", t0 + 30_000);
    assert!(l2.calls().iter().all(|c| matches!(c, Call::Helper { .. })));
    assert!(l2
        .explain(&k)
        .to_string()
        .contains("answered from its cache"));
    assert_eq!(l2.finish(&k).credentials.len(), 3);
    // Expired: the plugin runs again; a failure gives nothing from it.
    let mut l3 = k.begin(image, t0 + 60_001);
    assert!(matches!(&l3.calls()[0], Call::Provider { .. }));
    l3.call_failed(0, "PROVIDER_FAILED", "exit status 1");
    let r3 = l3.finish(&k);
    assert_eq!(r3.credentials.len(), 2);
    assert!(l3
        .explain(&k)
        .to_string()
        .contains("failed, no credentials from it: PROVIDER_FAILED"));
    // An invalid response is a failure too.
    let mut l4 = k.begin(image, t0 + 60_001);
    let o = l4.provider_output(&mut k, 0, "{\"password\": \"sekret\"");
    assert!(
        matches!(o, CallOutcome::Failed { code, message } if code == "PROVIDER_RESPONSE_INVALID" && !message.contains("sekret"))
    );
}

#[test]
fn a_failed_call_keeps_its_message_with_secrets_redacted() {
    let image = "123.dkr.ecr.us-east-1.amazonaws.com/app";
    let mut k = Keyring::new();
    k.add_provider_config(parse_provider_config_text(providers_yaml()).unwrap());
    let mut l = k.begin(image, 1_700_000_000_000);
    l.call_failed(
        0,
        "PROVIDER_FAILED",
        "exited with status 1: boom\nAuthorization: Basic dXNlcjpodW50ZXIy\npassword=hunter2 at eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
    );
    let e = l.explain(&k);
    let text = format!("{e} {e:?}");
    for secret in ["dXNlcjpodW50ZXIy", "hunter2", "eyJhbGciOiJIUzI1NiJ9"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("exited with status 1: boom"), "{text}");
    assert!(text.contains("password=<redacted>"), "{text}");
}
