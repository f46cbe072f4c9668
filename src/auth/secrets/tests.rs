use super::*;
use serde_json::json;

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

#[test]
fn docker_secrets_are_used_and_others_ignored_with_a_reason() {
    let cfgjson = r#"{"auths":{"r.io":{"username":"u","password":"p"}}}"#;
    let cfg = r#"{"r.io":{"username":"u","password":"p"}}"#;
    let cases = [
        (
            json!({"metadata":{"name":"a"},"type":TYPE_DOCKER_CONFIG_JSON,"data":{".dockerconfigjson":b64(cfgjson)}}),
            None,
        ),
        (
            json!({"metadata":{"name":"b"},"type":TYPE_DOCKERCFG,"data":{".dockercfg":b64(cfg)}}),
            None,
        ),
        (
            json!({"metadata":{"name":"c"},"type":TYPE_DOCKERCFG,"stringData":{".dockercfg":cfg}}),
            None,
        ),
        (
            json!({"metadata":{"name":"d"},"type":"Opaque","data":{".dockerconfigjson":b64(cfgjson)}}),
            Some("SECRET_NOT_DOCKER"),
        ),
        (
            json!({"metadata":{"name":"e"},"data":{".dockerconfigjson":b64(cfgjson)}}),
            Some("SECRET_NOT_DOCKER"),
        ),
        (
            json!({"metadata":{"name":"f"},"type":TYPE_DOCKERCFG,"data":{".dockerconfigjson":b64(cfgjson)}}),
            Some("SECRET_TYPE_MISMATCH"),
        ),
        (
            json!({"metadata":{"name":"g"},"type":TYPE_DOCKER_CONFIG_JSON,"data":{".dockerconfigjson":""}}),
            Some("SECRET_DATA_MISSING"),
        ),
    ];
    for (secret, want) in cases {
        let got = match read_pull_secret(&secret).unwrap() {
            SecretOutcome::Used(s) => {
                assert_eq!(s.config.get("r.io").unwrap().username, "u");
                None
            }
            SecretOutcome::Ignored(w) => Some(w.code()),
        };
        assert_eq!(got, want, "{secret}");
    }
}

#[test]
fn string_data_wins_over_data_per_key() {
    let s = json!({"metadata":{"name":"s"},"type":TYPE_DOCKERCFG,
            "data":{".dockercfg":b64(r#"{"r.io":{"username":"old"}}"#)},
            "stringData":{".dockercfg":r#"{"r.io":{"username":"new"}}"#}});
    let SecretOutcome::Used(p) = read_pull_secret(&s).unwrap() else {
        panic!()
    };
    assert_eq!(p.config.get("r.io").unwrap().username, "new");
}

#[test]
fn undecodable_used_secrets_are_errors_naming_secret_and_field() {
    let cases = [
        (
            json!({"metadata":{"name":"x"},"type":TYPE_DOCKER_CONFIG_JSON,"data":{".dockerconfigjson":"%%%"}}),
            r#"data[".dockerconfigjson"]"#,
        ),
        (
            json!({"metadata":{"name":"x"},"type":TYPE_DOCKER_CONFIG_JSON,"data":{".dockerconfigjson":b64("{not json")}}),
            r#"data[".dockerconfigjson"]"#,
        ),
        (
            json!({"metadata":{"name":"x"},"type":TYPE_DOCKERCFG,"stringData":{".dockercfg":r#"{"r.io":{"auth":"Zm9v"}}"#}}),
            r#"stringData[".dockercfg"]["r.io"].auth"#,
        ),
        (
            json!({"metadata":{"name":"x"},"type":TYPE_DOCKER_CONFIG_JSON,"data":{".dockerconfigjson":5}}),
            r#"data[".dockerconfigjson"]"#,
        ),
        (json!({"metadata":{"name":"x"},"kind":"ConfigMap"}), "kind"),
        (json!({"metadata":{"name":"x"},"data":[]}), "data"),
    ];
    for (secret, path) in cases {
        let err = read_pull_secret(&secret).unwrap_err();
        assert_eq!(err.code(), "SECRET_INVALID");
        assert_eq!(err.path().as_deref(), Some(path), "{secret}");
        assert!(err.to_string().contains("\"x\""), "{err}");
    }
    assert_eq!(parse_secret_text("{").unwrap_err().code(), "SECRET_INVALID");
}

#[test]
fn texts_hold_json_yaml_documents_or_lists() {
    let yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n---\nkind: List\nitems:\n- metadata: {name: b}\n- metadata: {name: c}\n---\n";
    let names: Vec<String> = secret_documents(yaml)
        .unwrap()
        .iter()
        .map(|s| s["metadata"]["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(
        secret_documents(r#"{"metadata":{"name":"j"}}"#).unwrap()[0]["metadata"]["name"],
        json!("j")
    );
    let err =
        secret_documents("kind: Secret\nmetadata:\n  name: regcred\ndata:\n  x: [1\n").unwrap_err();
    assert_eq!(err.code(), "SECRET_INVALID");
    assert_eq!(err.offset(), Some(53));
    assert!(
        err.to_string()
            .starts_with("pull secret \"regcred\": not valid YAML at line 6, column 1: "),
        "{err}"
    );
    let fields = err.fields();
    assert!(
        fields.contains(&("cause", "YAML_INVALID".into())),
        "{fields:?}"
    );
    assert!(fields.contains(&("line", "6".into())), "{fields:?}");
    assert!(secret_documents("# nothing\n").is_err());
}

#[test]
fn secrets_merge_into_one_keyring_in_order_with_sources() {
    let s1 = json!({"metadata":{"name":"s1"},"type":TYPE_DOCKERCFG,"stringData":{".dockercfg":r#"{"https://r.io/v1/":{"username":"one"}}"#}});
    let s2 = json!({"metadata":{"name":"s2"},"type":TYPE_DOCKER_CONFIG_JSON,"stringData":{".dockerconfigjson":r#"{"auths":{"r.io":{"username":"two"}}}"#}});
    let opaque = json!({"metadata":{"name":"o"},"type":"Opaque"});
    let k = secrets_keyring(&[s1, opaque, s2]).unwrap();
    assert_eq!(k.used, ["s1", "s2"]);
    assert_eq!(k.warnings.len(), 1);
    let r = k.keyring.lookup("r.io/app");
    let got: Vec<(&str, &str)> = r
        .credentials
        .iter()
        .map(|c| (c.credential.username.as_str(), c.source.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("one", "secret/s1:https://r.io/v1/"),
            ("two", "secret/s2:r.io")
        ]
    );
}
