//! Go's `net.SplitHostPort`, as the kubelet splits a URL's host into name and port.
//!
//! std has no such split (`SocketAddr` parsing wants an IP address and a numeric port; the
//! kubelet splits any host and compares ports as text).

/// Go's `net.SplitHostPort`: `host:port` or `[host]:port` split at the last `:`, brackets
/// removed; `None` where Go returns an error (no port, a colon too many, a stray bracket).
pub fn split_host_port(hp: &str) -> Option<(&str, &str)> {
    let i = hp.rfind(':')?;
    let (host, j, k) = if hp.starts_with('[') {
        let end = hp.find(']')?;
        if end + 1 != i {
            return None;
        }
        (&hp[1..end], 1, end + 1)
    } else {
        let host = &hp[..i];
        if host.contains(':') {
            return None;
        }
        (host, 0, 0)
    };
    if hp[j..].contains('[') || hp[k..].contains(']') {
        return None;
    }
    Some((host, &hp[i + 1..]))
}
#[cfg(test)]
mod tests {
    use super::split_host_port;

    #[test]
    fn split_host_port_follows_go() {
        let cases = [
            ("example.com:5000", Some(("example.com", "5000"))),
            ("example.com:", Some(("example.com", ""))),
            (":80", Some(("", "80"))),
            ("example.com:abc", Some(("example.com", "abc"))),
            ("[::1]:5000", Some(("::1", "5000"))),
            ("[::1]", None),
            ("example.com", None),
            ("::1", None),
            ("a:b:c", None),
            ("[::1]x:5000", None),
            ("[::1]]:5000", None),
            ("a[b:5000", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(split_host_port(input), want, "{input:?}");
        }
    }
}
