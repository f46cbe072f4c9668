use super::*;
use serde_json::json;

#[test]
fn scalars_resolve_like_go_yaml_v2() {
    let cases = [
        ("a: ~", json!({"a": null})),
        ("a:", json!({"a": null})),
        ("a: Null", json!({"a": null})),
        ("a: yes", json!({"a": true})),
        ("a: Off", json!({"a": false})),
        ("a: 'yes'", json!({"a": "yes"})),
        ("a: 12", json!({"a": 12})),
        ("a: -12", json!({"a": -12})),
        ("a: 1_000", json!({"a": 1000})),
        ("a: 0x1F", json!({"a": 31})),
        ("a: 0777", json!({"a": 511})),
        ("a: 0o17", json!({"a": 15})),
        ("a: 0b101", json!({"a": 5})),
        ("a: 08", json!({"a": 8})),
        ("a: 1.5", json!({"a": 1.5})),
        ("a: .5e1", json!({"a": 5.0})),
        ("a: 1e3", json!({"a": 1000.0})),
        ("a: +1.", json!({"a": 1.0})),
        ("a: -.5", json!({"a": -0.5})),
        ("a: 1.e2", json!({"a": 100.0})),
        ("a: 1e999", json!({"a": "1e999"})),
        ("a: 0.0", json!({"a": 0.0})),
        ("a: 007.5", json!({"a": 7.5})),
        ("a: .inf", json!({"a": ".inf"})),
        ("a: 99999999999999999999", json!({"a": 1e20})),
        ("a: -9223372036854775808", json!({"a": i64::MIN})),
        ("a: 18446744073709551615", json!({"a": u64::MAX})),
        ("a: 1.2.3", json!({"a": "1.2.3"})),
        ("a: -x", json!({"a": "-x"})),
        ("a: !!str 12", json!({"a": "12"})),
        ("a: ! 12", json!({"a": "12"})),
        ("a: \"12\"", json!({"a": "12"})),
        ("a: |\n  x\n  y\n", json!({"a": "x\ny\n"})),
        (
            "a: kubernetes.io/dockercfg",
            json!({"a": "kubernetes.io/dockercfg"}),
        ),
        ("a: 2001-12-14", json!({"a": "2001-12-14"})),
        ("y: n", json!({"true": false})),
        (
            "1: x\ntrue: v\n~: z",
            json!({"1": "x", "true": "v", "null": "z"}),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(parse_yaml(text).unwrap(), want, "{text}");
    }
}

#[test]
fn a_kubernetes_secret_reads_like_its_json() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  labels: {app: web}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319\nlist:\n  - 1\n  - [a, 'b']\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred", "labels": {"app": "web"}},
                   "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "eyJhdXRocyI6e319"},
                   "list": [1, ["a", "b"]]})
    );
    let json_text = r#"{"a": [1, "x", null, true], "b": {"c": "\u00e9"}}"#;
    assert_eq!(
        parse_yaml(json_text).unwrap(),
        serde_json::from_str::<Value>(json_text).unwrap()
    );
}

#[test]
fn documents_one_or_many() {
    assert_eq!(parse_yaml("").unwrap(), Value::Null);
    assert_eq!(parse_yaml("# only a comment\n").unwrap(), Value::Null);
    assert_eq!(parse_yaml("---\na: 1\n...\n").unwrap(), json!({"a": 1}));
    let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
    assert!(err.message.contains("more than one document"), "{err}");
    assert_eq!((err.line, err.column, err.offset), (2, 1, 5));
    assert_eq!(
        parse_yaml_documents("a: 1\n---\nb: 2\n---\n").unwrap(),
        [json!({"a": 1}), json!({"b": 2})]
    );
    assert_eq!(parse_yaml_documents("").unwrap(), Vec::<Value>::new());
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &b {user: u, pass: p}\ncopy: *b\nmerged:\n  <<: *b\n  pass: q\nlist: &l [1, 2]\nagain: *l\nquoted:\n  \"<<\": x\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"base": {"user": "u", "pass": "p"}, "copy": {"user": "u", "pass": "p"},
                   "merged": {"user": "u", "pass": "q"}, "list": [1, 2], "again": [1, 2],
                   "quoted": {"<<": "x"}})
    );
    let multi = "a: &a {x: 1, w: 1}\nb: &b {w: 2, z: 2}\nc:\n  <<: [*a, *b]\n";
    assert_eq!(
        parse_yaml(multi).unwrap()["c"],
        json!({"x": 1, "w": 1, "z": 2})
    );
}

#[test]
fn billion_laughs_is_cut_short() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let err = parse_yaml(&text).unwrap_err();
    assert!(err.message.contains("excessive aliasing"), "{err}");
    // Modest reuse is fine.
    let ok = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";
    assert_eq!(parse_yaml(ok).unwrap()["b"][2], json!([1, 2, 3]));
}

#[test]
fn depth_is_bounded() {
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    let err = parse_yaml(&deep).unwrap_err();
    assert!(err.message.contains("deeper than"), "{err}");
    let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse_yaml(&fine).is_ok());
    let alias = format!(
        "a: &a {}1{}\nb: [*a]\n",
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    assert!(parse_yaml(&alias)
        .unwrap_err()
        .message
        .contains("deeper than"));
}

#[test]
fn errors_carry_line_column_and_byte_offset() {
    let cases = [
        ("a: 1\nb: [1, 2\n", 3, 1, 14, "expected ',' or ']'"),
        ("a: 1\n  b: 2\n", 2, 4, 8, "mapping values are not allowed"),
        ("é: 1\né: 2\n", 2, 1, 6, "duplicate mapping key \"é\""),
        ("? [a]\n: 1\n", 1, 3, 2, "mapping keys must be scalars"),
        ("a: *nope\n", 1, 4, 3, "unknown anchor"),
        ("a: \"unterminated\n", 1, 4, 3, "unexpected end of stream"),
    ];
    for (text, line, column, offset, message) in cases {
        let err = parse_yaml(text).unwrap_err();
        assert!(err.message.contains(message), "{text:?}: {err}");
        assert_eq!(
            (err.line, err.column, err.offset),
            (line, column, offset),
            "{text:?}: {err}"
        );
        assert_eq!(err.code(), "YAML_INVALID");
        assert!(err
            .to_string()
            .starts_with(&format!("not valid YAML at line {line}, column {column}: ")));
    }
}

#[test]
fn partial_parse_keeps_what_was_read() {
    let text = "kind: Secret\nmetadata:\n  name: regcred\ndata:\n  x: [1\n";
    let p = parse_yaml_documents_partial(text).unwrap_err();
    assert_eq!(p.partial.unwrap()["metadata"]["name"], json!("regcred"));
}

#[test]
fn json_first_then_yaml() {
    assert_eq!(parse_json_or_yaml(r#"{"a": 1}"#).unwrap(), json!({"a": 1}));
    assert_eq!(parse_json_or_yaml("a: 1").unwrap(), json!({"a": 1}));
    assert_eq!(
        parse_json_or_yaml("{\"a\": [}").unwrap_err().code(),
        "YAML_INVALID"
    );
}
#[test]
fn block_scalars_fold_and_chomp() {
    let text = "lit: |\n  one\n   two\n\n  three\nfold: >\n  one\n  two\n\n  three\n    more\n  four\nstrip: |-\n  x\n\nkeep: |+\n  x\n\nclip: >\n  x\n\n\nexplicit: |2\n    four\n  two\nlast: |\n  end";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"lit": "one\n two\n\nthree\n", "fold": "one two\nthree\n  more\nfour\n",
                   "strip": "x", "keep": "x\n\n", "clip": "x\n", "explicit": "  four\ntwo\n",
                   "last": "end\n"})
    );
    // In a sequence entry, with a comment after the header; an indicator of 0 is refused.
    assert_eq!(
        parse_yaml("- |  # note\n  a\n- >-\n  b\n  c\n").unwrap(),
        json!(["a\n", "b c"])
    );
    assert!(parse_yaml("a: |0\n  x\n").is_err());
}

#[test]
fn quoted_scalars_escape_and_fold() {
    let text = "s: 'it''s'\nd: \"t\\tn\\n\\u00e9\\x41\\U0001F600 \\\"q\\\" \\\\ \\/\"\nm: \"one\n  two\n\n  three\"\nc: \"a\\\n    b\"\nq: 'x\n\n  y'\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"s": "it's", "d": "t\tn\néA😀 \"q\" \\ /",
                   "m": "one two\nthree", "c": "ab", "q": "x\ny"})
    );
    let e = parse_yaml("a: \"\\q\"\n").unwrap_err();
    assert!(e.message.contains("unknown escape"), "{e}");
}

#[test]
fn flow_collections_like_json_and_more() {
    let text = "a: [1, 'two', \"three\", [x, z], {k: v}, ]\nb: {\"j\":1, plain: text, bare, url: http://x/y}\nc: [\n  multi,\n  line\n]\nd: [k: v, w]\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"a": [1, "two", "three", ["x", "z"], {"k": "v"}],
                   "b": {"j": 1, "plain": "text", "bare": null, "url": "http://x/y"},
                   "c": ["multi", "line"], "d": [{"k": "v"}, "w"]})
    );
    assert!(parse_yaml("a: [1, , 2]").is_err());
    assert!(parse_yaml("a: {b: 1")
        .unwrap_err()
        .message
        .contains("expected ',' or '}'"));
}

#[test]
fn block_structure_compact_and_explicit() {
    let text = "items:\n- name: a\n  value: 1\n- - x\n  - y\n-\n  k: v\nnext:\n  nested:\n    - 1\n? explicit\n: value\n? [flow]\n";
    let err = parse_yaml(text).unwrap_err();
    assert!(
        err.message.contains("mapping keys must be scalars"),
        "{err}"
    );
    let text = "items:\n- name: a\n  value: 1\n- - x\n  - z\n-\n  k: v\nnext:\n  nested:\n    - 1\n? explicit\n: - value\nplain: folded\n  over lines\n# comment\nempty:\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"items": [{"name": "a", "value": 1}, ["x", "z"], {"k": "v"}],
                   "next": {"nested": [1]}, "explicit": ["value"], "plain": "folded over lines",
                   "empty": null})
    );
}

#[test]
fn documents_markers_directives_bom_and_crlf() {
    assert_eq!(
        parse_yaml_documents("%YAML 1.2\n---\na: 1\n...\n---\n- 2\n...\nb: 3\n").unwrap(),
        [json!({"a": 1}), json!([2]), json!({"b": 3})]
    );
    assert_eq!(parse_yaml("--- |\n  text\n").unwrap(), json!("text\n"));
    assert_eq!(parse_yaml("--- !!str\nx\n").unwrap(), json!("x"));
    assert_eq!(parse_yaml("\u{feff}a: 1\n").unwrap(), json!({"a": 1}));
    assert_eq!(
        parse_yaml("a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 'p\r\n  q'\r\n").unwrap(),
        json!({"a": 1, "b": "x\ny\n", "c": "p q"})
    );
    let err = parse_yaml("[a]\nb\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 1), "{err}");
}

#[test]
fn tags_anchors_and_plain_merge_text() {
    let text = "a: !!binary aGk=\nb: !custom 12\nc: &k key\nd: *k\ne: <<\nf: !!null x\n&g g: 1\n";
    assert_eq!(
        parse_yaml(text).unwrap(),
        json!({"a": "aGk=", "b": 12, "c": "key", "d": "key", "e": "<<", "f": null, "g": 1})
    );
    let e = parse_yaml("a: &x [1, *x]\n").unwrap_err();
    assert!(e.message.contains("recursive alias"), "{e}");
    let e = parse_yaml("a: *x [1]\n").unwrap_err();
    assert!(e.message.contains("unknown anchor"), "{e}");
}

#[test]
fn tabs_may_not_indent_blocks() {
    let e = parse_yaml("a:\n\tb: 1\n").unwrap_err();
    assert!(e.message.contains("tabs"), "{e}");
    assert_eq!(
        parse_yaml("a:\tb\nc: [1,\t2]\n").unwrap(),
        json!({"a": "b", "c": [1, 2]})
    );
}

#[test]
fn a_value_followed_by_a_colon_is_an_error_that_keeps_the_value() {
    let p = parse_yaml_documents_partial("a: b: c\n").unwrap_err();
    assert!(p.error.message.contains("mapping values are not allowed"));
    assert_eq!(p.partial, Some(json!({"a": "b"})));
}
