//! Go standard-library behaviour that pullspec reproduces byte for byte.
//!
//! pullspec must give the answers distribution/reference, containerd and the kubelet give, and
//! those are Go programs: where an answer hangs on a detail of Go's standard library (which
//! characters `strings.ToLower` changes, the order `sort.SliceStable` leaves elements in when
//! `Less` is not a strict weak order, which globs `filepath.Match` calls malformed), pullspec
//! has the same detail. Each submodule is the Go package of the same name, holding the functions
//! of it that the reference implementations call, reproduced step for step; its doc says where
//! Rust's std differs, which is why it is not used instead, and which inputs, if any, are not
//! covered.
//!
//! Only general library functions live here. What a caller builds on them (containerd's
//! `FormatAll`, the kubelet's URL globs, go-yaml's scalar resolution) stays with the caller.
//!
//! | module | Go | who needs it | why not std |
//! | --- | --- | --- | --- |
//! | [`filepath`] | `filepath.Match` | kubelet: credential globs, label by label | std has no glob matching |
//! | [`net`] | `net.SplitHostPort` | kubelet: a glob's port | `SocketAddr` parsing wants an IP and a numeric port |
//! | [`path`] | `path.Clean`, `path.Join` | containerd: platform formatting; kubelet: credential file paths | `std::path` follows the host's rules and does not resolve `..` lexically |
//! | [`sort`] | `sort.SliceStable` | containerd: platform order; everything else that sorts | `slice::sort_by` orders differently when `Less` is not transitive (containerd's are not always), and adds kilobytes of wasm per element type |
//! | [`strconv`] | `strconv.Atoi`, `strconv.ParseUint` | containerd: variants, Windows versions | `Atoi` is `i64::from_str` (named for the call sites); `u64::from_str` accepts the `+` that `ParseUint` refuses |
//! | [`strings`] | `strings.ToLower`, `unicode.ToLower` | distribution: the uppercase error; containerd: OS and architecture names | `str::to_lowercase` applies the final-sigma rule and multi-character mappings Go does not; `char::to_lowercase` carries some 11 KB of wasm |
//! | [`time`] | `time.ParseDuration` | kubelet: credential cache durations | std has no duration syntax |
//! | [`url`] | `url.Parse` (host and path), `url.PathUnescape` | kubelet: credential keys and globs; containerd: platform options | std has no URL parser; the `url` crate is WHATWG's, which lowercases hosts and resolves dot segments |

pub mod filepath;
pub mod net;
pub mod path;
pub mod sort;
pub mod strconv;
pub mod strings;
pub mod time;
pub mod url;
