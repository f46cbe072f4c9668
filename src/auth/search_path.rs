//! Where the kubelet looks for the node's credential file, and which one it uses.
//!
//! `credentialprovider.ReadDockerConfigFile` first tries `config.json` in
//! `DefaultDockerConfigJSONPaths()` = [preferred path (the kubelet sets it to its `--root-dir`,
//! default `/var/lib/kubelet`), working dir, `$HOME/.docker`, `/.docker`], then `.dockercfg` in
//! `DefaultDockercfgPaths()` = [preferred path, working dir, `$HOME`, `/`]. Each candidate is
//! `filepath.Abs(filepath.Join(dir, name))`: an empty dir (empty root dir, or `$HOME` unset)
//! therefore means the working directory. The paths are not de-duplicated.
//!
//! For each candidate in order: a missing file or a read error is skipped; content that does
//! not decode (bad JSON, bad `auth`, wrong shape) is skipped; the FIRST file that decodes is
//! used — even when it holds no credentials — and nothing after it is consulted. When none
//! decodes the node has no credentials.
//!
//! This module does no I/O: [`kubelet_search_paths`] lists the paths, the caller reads them,
//! and [`select_config`] applies the rules to what was read.

use crate::auth::config::{
    parse_config_json, parse_dockercfg, ConfigError, ConfigFormat, DockerConfig,
};
use crate::auth::keyring::{DockerKeyring, NODE_KEYRING};
use crate::go;
use std::fmt;

/// The kubelet's default `--root-dir`.
pub const DEFAULT_ROOT_DIR: &str = "/var/lib/kubelet";

/// One place the kubelet looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPath {
    /// Absolute, cleaned path.
    pub path: String,
    /// Which format a file there is read as (decided by name, not content).
    pub format: ConfigFormat,
}

/// `filepath.Abs(filepath.Join(dir, name))` with the given working directory.
fn abs_join(dir: &str, name: &str, cwd: &str) -> String {
    let joined = if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    };
    if joined.starts_with('/') {
        go::path::clean(&joined)
    } else {
        go::path::clean(&format!("{cwd}/{joined}"))
    }
}

/// The eight candidates in the kubelet's order. `root_dir` is `--root-dir` (`None` means
/// [`DEFAULT_ROOT_DIR`]), `cwd` the kubelet's working directory, `home` `$HOME` (`None` or
/// empty when unset).
pub fn kubelet_search_paths(
    root_dir: Option<&str>,
    cwd: &str,
    home: Option<&str>,
) -> Vec<SearchPath> {
    let root = root_dir.unwrap_or(DEFAULT_ROOT_DIR);
    let home = home.unwrap_or("");
    let home_json = if home.is_empty() {
        ".docker".to_string()
    } else {
        format!("{home}/.docker")
    };
    let json_dirs = [root, "", home_json.as_str(), "/.docker"];
    let cfg_dirs = [root, "", home, "/"];
    let mut out = Vec::with_capacity(8);
    for dir in json_dirs {
        out.push(SearchPath {
            path: abs_join(dir, "config.json", cwd),
            format: ConfigFormat::ConfigJson,
        });
    }
    for dir in cfg_dirs {
        out.push(SearchPath {
            path: abs_join(dir, ".dockercfg", cwd),
            format: ConfigFormat::Dockercfg,
        });
    }
    out
}

/// What the caller got when it tried to read a candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadResult {
    /// The file's text.
    Content(String),
    /// No such file.
    Missing,
    /// Another read error (permission, is a directory, ...), with its message.
    Error(String),
    /// Not read (the caller may stop once a file was used); treated as not consulted.
    NotRead,
}

/// What happened to one candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathStatus {
    /// This file is the node's credential file.
    Used,
    /// Skipped: no such file.
    Missing,
    /// Skipped: it could not be read.
    ReadError(String),
    /// Skipped: it does not decode.
    Invalid(ConfigError),
    /// Not consulted: an earlier file was used (or the caller did not read it).
    NotConsulted,
}

impl fmt::Display for PathStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathStatus::Used => f.write_str("used"),
            PathStatus::Missing => f.write_str("skipped: not found"),
            PathStatus::ReadError(e) => write!(f, "skipped: read error ({e})"),
            PathStatus::Invalid(e) => write!(f, "skipped: does not decode ({e})"),
            PathStatus::NotConsulted => f.write_str("not consulted"),
        }
    }
}

/// The verdict on one candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathReport {
    /// The candidate.
    pub candidate: SearchPath,
    /// What happened.
    pub status: PathStatus,
}

/// The outcome of the search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// Index into the candidates and the decoded config of the file used, if any.
    pub used: Option<(usize, DockerConfig)>,
    /// One report per candidate, in order.
    pub report: Vec<PathReport>,
}

impl Selection {
    /// The path of the file used.
    pub fn used_path(&self) -> Option<&str> {
        self.used
            .as_ref()
            .and_then(|(i, _)| self.report.get(*i))
            .map(|r| r.candidate.path.as_str())
    }
}

impl Selection {
    /// The node keyring built from the file used (empty when none): sources are
    /// `config:PATH:KEY`.
    pub fn node_keyring(&self) -> DockerKeyring {
        let mut k = DockerKeyring::new(NODE_KEYRING);
        if let (Some((_, cfg)), Some(path)) = (&self.used, self.used_path()) {
            k.add_config(cfg, &format!("config:{path}"));
        }
        k
    }
}

/// Applies the kubelet's rules to what was read; `reads[i]` belongs to `paths[i]` (a missing
/// element counts as [`ReadResult::NotRead`]).
pub fn select_config(paths: &[SearchPath], reads: &[ReadResult]) -> Selection {
    let mut used = None;
    let mut report = Vec::with_capacity(paths.len());
    for (i, candidate) in paths.iter().enumerate() {
        let status = if used.is_some() {
            PathStatus::NotConsulted
        } else {
            match reads.get(i).unwrap_or(&ReadResult::NotRead) {
                ReadResult::NotRead => PathStatus::NotConsulted,
                ReadResult::Missing => PathStatus::Missing,
                ReadResult::Error(e) => PathStatus::ReadError(e.clone()),
                ReadResult::Content(text) => {
                    let parsed = match candidate.format {
                        ConfigFormat::ConfigJson => parse_config_json(text),
                        ConfigFormat::Dockercfg => parse_dockercfg(text),
                    };
                    match parsed {
                        Ok(cfg) => {
                            used = Some((i, cfg));
                            PathStatus::Used
                        }
                        Err(e) => PathStatus::Invalid(e),
                    }
                }
            }
        };
        report.push(PathReport {
            candidate: candidate.clone(),
            status,
        });
    }
    Selection { used, report }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths_of(v: &[SearchPath]) -> Vec<String> {
        v.iter()
            .map(|p| format!("{}:{}", p.format.as_str(), p.path))
            .collect()
    }

    #[test]
    fn search_path_order_matches_the_kubelet() {
        type Case<'a> = (Option<&'a str>, &'a str, Option<&'a str>, [&'a str; 8]);
        let cases: [Case; 3] = [
            (
                None,
                "/",
                Some("/root"),
                [
                    "json:/var/lib/kubelet/config.json",
                    "json:/config.json",
                    "json:/root/.docker/config.json",
                    "json:/.docker/config.json",
                    "dockercfg:/var/lib/kubelet/.dockercfg",
                    "dockercfg:/.dockercfg",
                    "dockercfg:/root/.dockercfg",
                    "dockercfg:/.dockercfg",
                ],
            ),
            (
                Some("/data/kubelet/"),
                "/opt/k",
                None,
                [
                    "json:/data/kubelet/config.json",
                    "json:/opt/k/config.json",
                    "json:/opt/k/.docker/config.json",
                    "json:/.docker/config.json",
                    "dockercfg:/data/kubelet/.dockercfg",
                    "dockercfg:/opt/k/.dockercfg",
                    "dockercfg:/opt/k/.dockercfg",
                    "dockercfg:/.dockercfg",
                ],
            ),
            (
                Some("rel/dir"),
                "/w",
                Some("/home/u/../v"),
                [
                    "json:/w/rel/dir/config.json",
                    "json:/w/config.json",
                    "json:/home/v/.docker/config.json",
                    "json:/.docker/config.json",
                    "dockercfg:/w/rel/dir/.dockercfg",
                    "dockercfg:/w/.dockercfg",
                    "dockercfg:/home/v/.dockercfg",
                    "dockercfg:/.dockercfg",
                ],
            ),
        ];
        for (root, cwd, home, want) in cases {
            assert_eq!(paths_of(&kubelet_search_paths(root, cwd, home)), want);
        }
    }

    fn statuses(sel: &Selection) -> Vec<String> {
        sel.report
            .iter()
            .map(|r| match &r.status {
                PathStatus::Invalid(e) => format!("invalid:{}", crate::error::Coded::code(e)),
                PathStatus::ReadError(_) => "read-error".into(),
                other => other.to_string(),
            })
            .collect()
    }

    #[test]
    fn first_file_that_decodes_is_used_even_when_empty() {
        use ReadResult::*;
        let paths = kubelet_search_paths(None, "/", Some("/root"));
        let good_json = Content(r#"{"auths":{"r.io":{"auth":"dTpw"}}}"#.into());
        let cases: [(Vec<ReadResult>, Option<usize>, [&str; 4]); 5] = [
            (
                vec![Missing, Missing, good_json.clone()],
                Some(2),
                [
                    "skipped: not found",
                    "skipped: not found",
                    "used",
                    "not consulted",
                ],
            ),
            (
                vec![
                    Content("{".into()),
                    Error("EACCES".into()),
                    good_json.clone(),
                ],
                Some(2),
                [
                    "invalid:CONFIG_INVALID",
                    "read-error",
                    "used",
                    "not consulted",
                ],
            ),
            (
                vec![
                    Content(r#"{"auths":{"r.io":{"auth":"x"}}}"#.into()),
                    Content("{}".into()),
                ],
                Some(1),
                [
                    "invalid:AUTH_INVALID",
                    "used",
                    "not consulted",
                    "not consulted",
                ],
            ),
            (
                vec![Content(r#"{"r.io":{"username":"legacy"}}"#.into())],
                Some(0),
                ["used", "not consulted", "not consulted", "not consulted"],
            ),
            (
                vec![
                    Missing,
                    Missing,
                    Missing,
                    Missing,
                    Missing,
                    Missing,
                    Content(r#"{"r.io":{}}"#.into()),
                ],
                Some(6),
                ["skipped: not found"; 4],
            ),
        ];
        for (reads, want_used, want_first4) in cases {
            let sel = select_config(&paths, &reads);
            assert_eq!(sel.used.as_ref().map(|u| u.0), want_used);
            assert_eq!(&statuses(&sel)[..4], want_first4);
            assert_eq!(sel.report.len(), 8);
        }
        let none = select_config(&paths, &vec![Missing; 8]);
        assert!(none.used.is_none());
        assert_eq!(none.used_path(), None);
        let sel = select_config(&paths, &[Missing, good_json]);
        assert_eq!(sel.used_path(), Some("/config.json"));
    }
}
