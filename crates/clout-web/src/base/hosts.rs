//! Host names as the server compares them: a `Host` header or a configured name,
//! lowercased and without its port, and the names a server answers to (the loopback ones,
//! the host it listens on, and those its operator allows).

use std::collections::HashSet;

/// The names every server answers to, whatever its configuration.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The loopback names plus each of `allowed` that is a host name (normalised).
pub(crate) fn answered(allowed: &[String]) -> HashSet<String> {
    LOOPBACK.into_iter().map(str::to_string).chain(allowed.iter().filter_map(|h| host_name(h))).collect()
}

/// The host of a `Host` header or of a configured name, lowercased, without its port:
/// `LocalHost:8080` → `localhost`, `[::1]:80` → `[::1]`, `::1` → `[::1]`. `None` for
/// something that is no host.
pub(crate) fn host_name(authority: &str) -> Option<String> {
    let a = authority.trim().to_ascii_lowercase();
    if let Ok(v6) = a.parse::<std::net::Ipv6Addr>() {
        return Some(format!("[{v6}]"));
    }
    let (host, port) = if let Some(rest) = a.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let v6 = inside.parse::<std::net::Ipv6Addr>().ok()?;
        (format!("[{v6}]"), after.strip_prefix(':').map(str::to_string).or_else(|| after.is_empty().then(String::new))?)
    } else {
        match a.split_once(':') {
            Some((h, p)) => (h.to_string(), p.to_string()),
            None => (a.clone(), String::new()),
        }
    };
    let port_ok = port.bytes().all(|b| b.is_ascii_digit());
    let host_ok = host.starts_with('[')
        || (!host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')));
    (port_ok && host_ok).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::host_name;

    #[test]
    fn host_names_lose_their_port_and_case() {
        let cases = [
            ("localhost", Some("localhost")),
            ("LocalHost:8080", Some("localhost")),
            ("127.0.0.1:0", Some("127.0.0.1")),
            ("[::1]:8080", Some("[::1]")),
            ("[::1]", Some("[::1]")),
            ("::1", Some("[::1]")),
            ("[0:0::1]", Some("[::1]")),
            ("clout.example.org", Some("clout.example.org")),
            ("", None),
            (":80", None),
            ("evil.example:80x", None),
            ("a b", None),
            ("[::1", None),
            ("[::1]x", None),
        ];
        for (raw, want) in cases {
            assert_eq!(host_name(raw).as_deref(), want, "{raw:?}");
        }
    }
}
