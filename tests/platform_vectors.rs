//! The conformance set `tests/vectors/platforms.json` (expected values from running
//! containerd/platforms v1.0.0-rc.4): every case must pass.

mod common;

use pullspec::platform::{self, Matcher, Mode, Platform};
use pullspec::select;
use serde_json::Value;

fn load_vectors() -> Value {
    common::load_vectors("platforms.json")
}

fn host(v: &Value) -> Platform {
    serde_json::from_value(v["semantics"]["assumed_host"].clone())
        .unwrap_or_else(|e| panic!("host: {e}"))
}

/// A platform given as a specifier string (parsed against `host`) or as an OCI object.
fn platform_of(v: &Value, host: &Platform) -> Platform {
    match v {
        Value::String(s) => platform::parse(s, host).unwrap_or_else(|e| panic!("{s}: {e}")),
        other => serde_json::from_value(other.clone()).unwrap_or_else(|e| panic!("{other}: {e}")),
    }
}

fn mode_of(comparer: &str) -> Mode {
    Mode::from_name(comparer).unwrap_or_else(|e| panic!("{e}"))
}

fn cases<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("{key} missing"))
}

#[test]
fn parse_cases_match_containerd() {
    let v = load_vectors();
    let host = host(&v);
    let mut n = 0;
    for c in cases(&v, "parse_cases") {
        let id = &c["id"];
        let input = c["input"].as_str().unwrap_or_else(|| panic!("{id}: input"));
        let want = &c["expected"];
        let got = platform::parse(input, &host);
        if want["valid"] == Value::Bool(false) {
            assert!(
                got.is_err(),
                "{id}: {input:?} should be invalid, got {got:?}"
            );
        } else {
            let p = got.unwrap_or_else(|e| panic!("{id}: {input:?}: {e}"));
            assert_eq!(
                p,
                platform_of(&want["platform"], &host),
                "{id}: platform of {input:?}"
            );
            assert_eq!(
                Value::String(platform::format(&p)),
                want["format"],
                "{id}: format"
            );
            assert_eq!(
                Value::String(platform::format_all(&p)),
                want["format_all"],
                "{id}: format_all"
            );
            assert_eq!(
                platform::normalize(&p, &host),
                platform_of(&want["normalized"], &host),
                "{id}: normalized"
            );
        }
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn normalize_cases_match_containerd() {
    let v = load_vectors();
    let host = host(&v);
    for c in cases(&v, "normalize_cases") {
        let id = &c["id"];
        let input = platform_of(&c["input"], &host);
        assert_eq!(
            platform::normalize(&input, &host),
            platform_of(&c["expected"], &host),
            "{id}: {input:?}"
        );
    }
}

#[test]
fn match_cases_match_containerd() {
    let v = load_vectors();
    let host = host(&v);
    for c in cases(&v, "match_cases") {
        let id = &c["id"];
        let comparer = c["comparer"].as_str().unwrap_or_default();
        let spec = platform_of(&c["spec"], &host);
        let candidate = platform_of(&c["candidate"], &host);
        let m = Matcher::new(mode_of(comparer), vec![spec], &host)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(
            Value::Bool(m.matches(&candidate)),
            c["expected"],
            "{id}: {comparer} {} vs {}",
            c["spec"],
            c["candidate"]
        );
    }
}

#[test]
fn sort_cases_match_containerd() {
    let v = load_vectors();
    let host = host(&v);
    for c in cases(&v, "sort_cases") {
        let id = &c["id"];
        let comparer = c["comparer"].as_str().unwrap_or_default();
        let spec = platform_of(&c["spec"], &host);
        let m = Matcher::new(mode_of(comparer), vec![spec], &host)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let list = |key: &str| -> Vec<Platform> {
            c[key]
                .as_array()
                .unwrap_or_else(|| panic!("{id}: {key}"))
                .iter()
                .map(|p| platform_of(p, &host))
                .collect()
        };
        let mut got = list("platforms");
        m.sort(&mut got);
        let got: Vec<String> = got.iter().map(platform::format_all).collect();
        let want: Vec<String> = list("expected_order")
            .iter()
            .map(platform::format_all)
            .collect();
        assert_eq!(got, want, "{id}");
    }
}

#[test]
fn select_cases_match_containerd() {
    let v = load_vectors();
    let host = host(&v);
    for c in cases(&v, "select_cases") {
        let id = &c["id"];
        let comparer = c["comparer"].as_str().unwrap_or_default();
        let requested = platform_of(&c["requested"], &host);
        let m = Matcher::new(mode_of(comparer), vec![requested], &host)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let entries: Vec<Option<Platform>> = c["index_platforms"]
            .as_array()
            .unwrap_or_else(|| panic!("{id}: index_platforms"))
            .iter()
            .map(|p| (!p.is_null()).then(|| platform_of(p, &host)))
            .collect();
        let chosen = select::select_platform(&entries, &m);
        let want = &c["expected"];
        assert_eq!(
            chosen.as_ref().map(|s| s.index),
            want["chosen_index"].as_u64().map(|i| i as usize),
            "{id}: chosen ({:?})",
            chosen.as_ref().map(|s| &s.reason)
        );
        let ranked: Vec<u64> = select::ranked_platforms(&entries, &m)
            .into_iter()
            .map(|i| i as u64)
            .collect();
        let want_ranked: Vec<u64> = want["matching_in_preference_order"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        assert_eq!(ranked, want_ranked, "{id}: preference order");
        if chosen.is_none() {
            let e = select::no_match_error_for_platforms(&entries, &m);
            assert!(e.to_string().contains("available"), "{id}: {e}");
        }
    }
}
