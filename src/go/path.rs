//! Go's `path.Clean` and `path.Join`: slash-separated paths, cleaned lexically.
//!
//! containerd formats a platform with `path.Join` (so empty parts vanish and `..` in a part
//! is resolved), and the kubelet builds its credential-file candidates with
//! `filepath.Join`/`filepath.Abs`, which on Linux are these. `std::path` follows the host's
//! rules instead and never resolves `..` without the file system.

/// Go's `path.Clean`: one `/` between elements, `.` elements dropped, `..` resolved against the
/// element before it (or dropped at the root), `.` for an empty result.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let body = out.join("/");
    if rooted {
        format!("/{body}")
    } else if body.is_empty() {
        ".".to_string()
    } else {
        body
    }
}

/// Go's `path.Join`: the non-empty elements joined with `/` and cleaned; `""` when all are empty.
pub fn join(elems: &[&str]) -> String {
    match elems.iter().position(|e| !e.is_empty()) {
        Some(i) => clean(&elems[i..].join("/")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{clean, join};

    #[test]
    fn clean_matches_go_path_clean() {
        // From Go's path_test.go.
        let cases = [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("/abc/def/", "/abc/def"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input:?}");
        }
    }

    #[test]
    fn join_skips_empty_elements_and_cleans() {
        let cases: [(&[&str], &str); 7] = [
            (&[], ""),
            (&["", ""], ""),
            (&["a", "b", "c"], "a/b/c"),
            (&["a", "", "c"], "a/c"),
            (&["", "b"], "b"),
            (&["/", "a"], "/a"),
            (&["a/b", "../c"], "a/c"),
        ];
        for (elems, want) in cases {
            assert_eq!(join(elems), want, "{elems:?}");
        }
    }
}
