//! Deterministic pseudo-random mutation of good inputs: nothing may panic. (The real fuzz
//! targets call the same pure functions: `manifest::parse`, `platform::parse`.)

use pullspec::digest::Digest;
use pullspec::manifest;
use pullspec::platform::{self, Matcher, Mode, Platform};
use pullspec::select;

/// xorshift64*: small, deterministic, good enough to scramble bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"null",
    b"-1",
    b"1e999",
    b"\"\\u0000\"",
    b"\xff",
    b"\xc3",
    b"\"schemaVersion\":1",
    b"\"fsLayers\":[]",
    b"\"manifests\":[]",
    b"\"platform\":{}",
    b"(",
    b")",
    b"+",
    b"/",
    b"%",
    b"%2",
    b"*",
    b"v",
    b"9",
    b".",
    b"arm64",
    b"windows",
    b"10.0.20348",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 => {
                if at < out.len() {
                    out.remove(at);
                }
            }
            1 => out.insert(at, (rng.next() & 0xff) as u8),
            2 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            3 => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at..end);
            }
            _ => {
                if at < out.len() {
                    out[at] = out[at].wrapping_add(1);
                }
            }
        }
    }
    out
}

fn seeds() -> Vec<Vec<u8>> {
    let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    vec![
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":7143,"platform":{{"architecture":"arm64","os":"linux","variant":"v8","os.features":["a"]}}}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":1,"platform":{{"architecture":"amd64","os":"windows","os.version":"10.0.20348.1"}},"annotations":{{"k":"v"}}}}]}}"#
        )
        .into_bytes(),
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"{d}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"{d}","urls":["u"],"data":"e30="}}],"subject":{{"mediaType":"a/b","size":1,"digest":"{d}"}}}}"#
        )
        .into_bytes(),
    ]
}

#[test]
fn mutated_manifests_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = seeds();
    let cts = [
        None,
        Some("application/vnd.oci.image.index.v1+json"),
        Some("application/json"),
        Some(";;"),
    ];
    let host = Platform::default_host();
    let mut parsed = 0;
    for i in 0..3000 {
        let seed = &seeds[i % seeds.len()];
        let input = mutate(&mut rng, seed);
        let ct = cts[rng.below(cts.len())];
        let errors = manifest::validate(&input, ct);
        let result = manifest::parse(&input, ct);
        assert_eq!(result.is_ok(), errors.is_empty());
        for e in &errors {
            let _ = (e.to_string(), pullspec::error::Coded::path(e));
        }
        if let Ok(manifest::Manifest::Index(idx)) = &result {
            parsed += 1;
            let _ = select::select(
                idx,
                &Matcher::only(Platform::new("linux", "arm64", ""), &host),
            );
            let _ = select::select(
                idx,
                &Matcher::default_for(&Platform::new("windows", "amd64", "")),
            );
        }
        let _ = manifest::digest(&input);
    }
    assert!(parsed > 0, "mutations should leave some inputs valid");
}

#[test]
fn mutated_specifiers_never_panic() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let seeds: &[&[u8]] = &[
        b"linux/arm64/v8",
        b"windows(10.0.17763+win32k)/amd64",
        b"linux(+gpu+simd)",
        b"linux/arm/v7",
        b"amd64/v3",
        b"darwin/arm64/v9.5",
    ];
    let hosts = [
        Platform::default_host(),
        Platform::new("linux", "arm", "v6"),
        Platform::new("windows", "amd64", ""),
        Platform::new("", "", ""),
    ];
    let mut ok = Vec::new();
    for i in 0..4000 {
        let input = mutate(&mut rng, seeds[i % seeds.len()]);
        let text = String::from_utf8_lossy(&input);
        let host = &hosts[i % hosts.len()];
        if let Ok(p) = platform::parse(&text, host) {
            let _ = (
                platform::format(&p),
                platform::format_all(&p),
                platform::normalize(&p, host),
            );
            ok.push(p);
        }
        let _ = Digest::parse(&text);
    }
    assert!(ok.len() > 100);
    let host = Platform::default_host();
    for (mode, _) in Mode::NAMES {
        for spec in ok.iter().step_by(37) {
            let ps = vec![spec.clone()];
            let Ok(m) = Matcher::new(*mode, ps, &host) else {
                continue;
            };
            let window: Vec<Platform> = ok.iter().take(60).cloned().collect();
            let order = m.sorted_indices(&window);
            assert_eq!(order.len(), window.len());
            let opts: Vec<Option<Platform>> = window.into_iter().map(Some).collect();
            let _ = select::select_platform(&opts, &m);
        }
    }
}

#[test]
fn mutated_yaml_never_panics_and_errors_point_into_the_text() {
    use pullspec::yaml::{parse_yaml, parse_yaml_documents_partial};
    let mut rng = Rng(0xA076_1D64_78BD_642F);
    let seeds: &[&[u8]] = &[
        b"apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  labels: {app: web}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: eyJhdXRocyI6e319\n",
        b"kind: List\nitems:\n- kind: Secret\n  stringData:\n    .dockercfg: '{\"r.io\": {}}'\n---\nkind: Secret\n",
        b"providers:\n  - name: p\n    matchImages: [\"*.io\", a.b]\n    args:\n      - |\n        multi\n        line\n    env: [{name: A, value: \"b\\n\"}]\n",
        b"base: &b {u: 1}\nm:\n  <<: *b\n  ? k\n  : >-\n    folded\n    text\n",
    ];
    let mut ok = 0;
    for i in 0..6000 {
        let input = mutate(&mut rng, seeds[i % seeds.len()]);
        let text = String::from_utf8_lossy(&input);
        match parse_yaml(&text) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(e.offset <= text.len(), "{text:?}: {e}");
                assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e}");
            }
        }
        let _ = parse_yaml_documents_partial(&text);
    }
    assert!(ok > 500, "mutations should leave many inputs valid ({ok})");
}
