//! The manifest checks against the bundled examples (`pkg/examples/manifests/expected.json`),
//! and the text a manifest may come as: CRLF, a byte order mark, tabs, JSON, junk.

use pullspec::k8s::{list_images, validate, CheckOptions};
use serde_json::{json, Value};
use std::path::PathBuf;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("pkg/examples/manifests")
}

/// A diagnostic in the shape of expected.json.
fn shape(d: &pullspec::k8s::Diagnostic) -> Value {
    let r = d.range;
    let mut v = json!({"code": d.code, "severity": d.severity.as_str(),
        "range": [r.start.line, r.start.character, r.end.line, r.end.character],
        "path": d.path, "document": d.document});
    if !d.fixes.is_empty() {
        let texts: Vec<&str> = d
            .fixes
            .iter()
            .flat_map(|f| f.edits.iter().map(|e| e.new_text.as_str()))
            .collect();
        v["fixes"] = json!(texts);
    }
    v
}

#[test]
fn every_example_gives_exactly_its_expected_diagnostics() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(examples().join("expected.json")).expect("expected.json"),
    )
    .expect("expected.json is JSON");
    let files = expected.as_object().expect("an object of files");
    assert!(files.len() >= 5);
    for (file, want) in files {
        let text = std::fs::read_to_string(examples().join(file)).expect(file);
        let got: Vec<Value> = validate(&text, &CheckOptions::default())
            .iter()
            .map(shape)
            .collect();
        assert_eq!(&Value::from(got), want, "{file}");
    }
}

#[test]
fn every_example_range_covers_the_value_it_names() {
    // The image and policy diagnostics must underline exactly the scalar as written.
    let text = std::fs::read_to_string(examples().join("bad-images.yaml")).expect("example");
    let lines: Vec<&str> = text.lines().collect();
    for d in validate(&text, &CheckOptions::default()) {
        if d.range.start.line != d.range.end.line {
            continue;
        }
        let line = lines[d.range.start.line as usize];
        let covered = &line[d.range.start.character as usize..d.range.end.character as usize];
        match d.code {
            "IMAGE_WHITESPACE" => assert_eq!(covered, "\" busybox:1.36 \""),
            "PULL_POLICY_INVALID" => {
                assert!(["always", "Sometimes"].contains(&covered), "{covered}")
            }
            "IMAGE_INVALID" if d.path.ends_with("[0].image") => assert_eq!(covered, "Nginx:1.0"),
            // Through the escape `\u002f`: from the uppercase 'O' to the end of the value, inside the quotes.
            "IMAGE_INVALID" => assert_eq!(covered, "Org/app:1"),
            _ => {}
        }
    }
}

#[test]
fn crlf_bom_and_utf16_positions() {
    let text = "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: \u{e9}\u{1f600}}\r\nspec:\r\n  containers:\r\n  - {name: \u{1f600}, image: \"Nginx\"}\r\n";
    let found = validate(text, &CheckOptions::default());
    let d = found
        .iter()
        .find(|d| d.code == "IMAGE_INVALID")
        .expect("invalid image found");
    // Line 5: `  - {name: 😀, image: "Nginx"}`: the emoji counts 2 UTF-16 units.
    assert_eq!((d.range.start.line, d.range.start.character), (5, 23));
    let line = text.split("\r\n").nth(5).unwrap_or("");
    let units: Vec<u16> = line.encode_utf16().collect();
    let covered = String::from_utf16_lossy(
        &units[d.range.start.character as usize..d.range.end.character as usize],
    );
    assert_eq!(covered, "Nginx");
}

#[test]
fn list_images_finds_every_container_image_and_nothing_else() {
    let text = std::fs::read_to_string(examples().join("install.yaml")).expect("example");
    let found: Vec<(String, String)> = list_images(&text)
        .into_iter()
        .map(|u| (u.image, u.field))
        .collect();
    assert_eq!(
        found,
        [
            (
                "registry.k8s.io/pause-arm64:3.9".to_string(),
                "spec.template.spec.containers[0].image".to_string()
            ),
            (
                "ghcr.io/example/tools:1.0".into(),
                "spec.template.spec.volumes[0].image.reference".into()
            ),
            (
                "busybox".into(),
                "spec.jobTemplate.spec.template.spec.containers[0].image".into()
            ),
            (
                "gcr.io/project/app:v2".into(),
                "items[0].spec.containers[0].image".into()
            ),
        ]
    );
}

#[test]
fn configuration_turns_rules_on_and_off() {
    let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, image: \"docker.io/library/nginx:1\"}\n  - {name: b, image: \"quay.io/x/y:1\"}\n";
    let mut o = CheckOptions::default();
    o.set_rule("IMAGE_NOT_PINNED", "error").expect("rule");
    o.set_rule("PULL_POLICY_EFFECTIVE", "off").expect("rule");
    o.allow_registries = vec!["docker.io".into(), "*.example.com".into()];
    let codes: Vec<(&str, String)> = validate(text, &o)
        .iter()
        .map(|d| (d.code, d.path.clone()))
        .collect();
    assert_eq!(
        codes,
        [
            ("IMAGE_NOT_PINNED", "spec.containers[0].image".to_string()),
            ("IMAGE_NOT_PINNED", "spec.containers[1].image".into()),
            ("REGISTRY_NOT_ALLOWED", "spec.containers[1].image".into()),
        ]
    );
}

#[test]
fn any_text_gives_diagnostics_never_a_panic() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    let many_docs = "kind: Pod\nspec: {containers: [{image: x}]}\n---\n".repeat(10_000);
    let junk: String = (0..5000u32)
        .map(|i| char::from_u32((i * 7919) % 0x2000).unwrap_or('?'))
        .collect();
    for text in [
        deep.as_str(),
        bomb,
        many_docs.as_str(),
        junk.as_str(),
        "\t- : : :\n\"",
        "---\n---\n...\n%YAML 1.2\n",
    ] {
        let found = validate(text, &CheckOptions::default());
        for d in &found {
            assert!(d.range.start <= d.range.end);
        }
    }
    let found = validate(&deep, &CheckOptions::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, "YAML_INVALID");
    let found = validate(bomb, &CheckOptions::default());
    assert_eq!(
        found.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["YAML_INVALID"]
    );
    assert_eq!(validate(&many_docs, &CheckOptions::default()).len(), 20_000);
}

/// The text a diagnostic's range covers (single-line ranges).
fn covered<'t>(text: &'t str, d: &pullspec::k8s::Diagnostic) -> &'t str {
    let line = text.lines().nth(d.range.start.line as usize).unwrap_or("");
    &line[d.range.start.character as usize..d.range.end.character as usize]
}

#[test]
fn invalid_quoted_images_are_underlined_inside_their_quotes() {
    let pod = |image: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: {image}\n"
        )
    };
    for (image, want) in [
        ("\"Nginx:1.0\"", "Nginx:1.0"),
        ("'Nginx:1.0'", "Nginx:1.0"),
        ("\"a@sha256:abc\"", "c"),
        ("a@sha256:abc", "c"),
    ] {
        let text = pod(image);
        let found = validate(&text, &CheckOptions::default());
        let d = found
            .iter()
            .find(|d| d.code == "IMAGE_INVALID")
            .expect(image);
        assert_eq!(covered(&text, d), want, "{image}");
    }
}

#[test]
fn documents_that_do_not_parse_list_no_images() {
    // A duplicate key (kubectl refuses it) and a syntax error: validate reports YAML_INVALID,
    // listImages lists nothing from them, and the documents around them are unaffected.
    let dup = "kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - image: a:1\n  containers:\n  - image: b:1\n";
    let broken = "kind: Pod\napiVersion: v1\nspec:\n  containers:\n  - image: a:1\n    name: [\n";
    let good = "kind: Pod\napiVersion: v1\nspec: {containers: [{name: c, image: \"c:1\"}]}\n";
    for bad in [dup, broken] {
        let text = format!("{good}---\n{bad}---\n{good}");
        let images: Vec<(usize, String)> = list_images(&text)
            .into_iter()
            .map(|u| (u.document, u.image))
            .collect();
        assert_eq!(images, [(0, "c:1".to_string()), (2, "c:1".to_string())]);
        let codes: Vec<&str> = validate(&text, &CheckOptions::default())
            .iter()
            .filter(|d| d.severity != pullspec::k8s::Severity::Hint)
            .map(|d| d.code)
            .collect();
        assert_eq!(codes, ["YAML_INVALID"]);
    }
}

#[test]
fn a_byte_order_mark_before_a_marker_or_comment_changes_nothing() {
    let body = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: Nginx\n";
    for prefix in ["---\n", "# generated\n---\n", "%YAML 1.1\n---\n", ""] {
        let plain = format!("{prefix}{body}");
        let bom = format!("\u{feff}{prefix}{body}");
        let want: Vec<(&str, usize, u32)> = validate(&plain, &CheckOptions::default())
            .iter()
            .map(|d| (d.code, d.document, d.range.start.line))
            .collect();
        let got: Vec<(&str, usize, u32)> = validate(&bom, &CheckOptions::default())
            .iter()
            .map(|d| (d.code, d.document, d.range.start.line))
            .collect();
        assert_eq!(got, want, "{prefix:?}");
        assert!(want.iter().any(|(c, _, _)| *c == "IMAGE_INVALID"));
    }
}

#[test]
fn one_line_json_lists_keep_every_position_and_exemption() {
    // What `kubectl get -o json | jq -c` prints: thousands of objects on one line.
    let item = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"Nginx:1"}]}}"#;
    let text = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{}]}}",
        vec![item; 2000].join(",")
    );
    let found = validate(&text, &CheckOptions::default());
    let invalid: Vec<&pullspec::k8s::Diagnostic> =
        found.iter().filter(|d| d.code == "IMAGE_INVALID").collect();
    assert_eq!(invalid.len(), 2000);
    assert!(invalid.iter().all(|d| covered(&text, d) == "Nginx:1"));
    let exempt = format!("{text} # pullspec-ignore IMAGE_INVALID minified on purpose");
    assert_eq!(
        validate(&exempt, &CheckOptions::default())
            .iter()
            .filter(|d| d.code == "IMAGE_INVALID")
            .count(),
        0
    );
}
