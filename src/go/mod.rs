//! Go standard-library behaviour that pullspec reproduces byte for byte.
//!
//! pullspec must give the answers distribution/reference, containerd and the kubelet give, and
//! those are Go programs: where an answer hangs on a detail of Go's standard library (which
//! characters `strings.ToLower` changes, the order `sort.SliceStable` leaves elements in when
//! `Less` is not a strict weak order), pullspec has the same detail. Each submodule is the Go
//! package of the same name, holding the functions of it that the reference implementations
//! call, reproduced step for step; its doc says where Rust's std differs, which is why it is
//! not used instead.
//!
//! Only general library functions live here. What a caller builds on them (containerd's
//! `FormatAll`, the kubelet's URL globs, go-yaml's scalar resolution) stays with the caller.
//!
//! | module | Go | why not std |
//! | --- | --- | --- |
//! | [`time`] | `time.ParseDuration` | std has no duration syntax; the kubelet reads cache durations with it |
//! | [`strconv`] | `strconv.Atoi`, `strconv.ParseUint` | `Atoi` is `i64::from_str` (named for the call sites); `u64::from_str` accepts the `+` that `ParseUint` refuses |
//! | [`strings`] | `strings.ToLower`, `unicode.ToLower` | `str::to_lowercase` applies the final-sigma rule and multi-character mappings Go does not; `char::to_lowercase` carries some 11 KB of wasm |
//! | [`path`] | `path.Clean`, `path.Join` | `std::path` follows the host's rules and does not resolve `..` lexically |
//! | [`sort`] | `sort.SliceStable` | `slice::sort_by` orders differently when `Less` is not transitive (containerd's are not always), and adds kilobytes of wasm per element type |

pub mod path;
pub mod sort;
pub mod strconv;
pub mod strings;
pub mod time;
