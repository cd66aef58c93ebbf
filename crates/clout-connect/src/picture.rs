//! Profile pictures: the image an API answer names, downloaded once at fetch time so that
//! a page never calls the platform.
//!
//! A picture URL comes from a platform's answer, so it is fetched only from where that
//! platform keeps its pictures ([`Client::get_picture`]'s `hosts`, over HTTPS) or from the
//! API host itself (a local replay), never from any other address an answer might name.
//! The body must be a JPEG, PNG, WebP or GIF (by its first bytes, whatever the header
//! says) of at most [`MAX_PICTURE_BYTES`]. One attempt: a picture is not worth a retry.

use crate::http::{Client, FetchError};

/// The largest picture kept: profile pictures are small (Bluesky's are under 1 MB).
pub const MAX_PICTURE_BYTES: u64 = 2 << 20;

/// A downloaded picture and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    /// `jpg`, `png`, `webp` or `gif`.
    pub extension: &'static str,
}

/// The format of an image by its first bytes.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else {
        None
    }
}

/// `scheme`, `host[:port]` of a URL, lower-cased.
fn origin(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// Whether `url` may be fetched: the API host itself, or HTTPS to one of `hosts` (a host,
/// or `.suffix` for any host under it).
pub fn allowed(url: &str, base: &str, hosts: &[&str]) -> bool {
    let Some((scheme, authority)) = origin(url) else { return false };
    if origin(base).is_some_and(|(s, a)| s == scheme && a == authority) {
        return true;
    }
    let host = authority.split(':').next().unwrap_or("");
    scheme == "https"
        && hosts.iter().any(|h| match h.strip_prefix('.') {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == *h,
        })
}

/// A redirect's `Location` as a full URL: absolute as it is, `/path` on the same origin.
fn resolve(from: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let origin_end = from.find("://").map_or(0, |i| i + 3);
    let host_end = from[origin_end..].find('/').map_or(from.len(), |i| origin_end + i);
    if location.starts_with("//") {
        let scheme = &from[..origin_end.saturating_sub(3)];
        return format!("{scheme}:{location}");
    }
    if location.starts_with('/') {
        return format!("{}{location}", &from[..host_end]);
    }
    // Relative to the current path's folder.
    let folder_end = from.rfind('/').filter(|&i| i >= host_end).map_or(from.len(), |i| i + 1);
    format!("{}{}", &from[..folder_end], location)
}

impl Client {
    /// Downloads the picture at `url` when [`allowed`] (see the module).
    pub fn get_picture(&mut self, url: &str, hosts: &[&str]) -> Result<Picture, FetchError> {
        let endpoint = "profile picture".to_string();
        if !allowed(url, self.base(), hosts) {
            return Err(FetchError::Api {
                endpoint,
                status: 0,
                code: Some("NotAllowed".to_string()),
                message: "the picture is not on the platform's own image hosts".to_string(),
            });
        }
        // Redirects are followed here, at most 3, each checked as the first URL was: an
        // allowed host must not be able to send the download anywhere else.
        let mut at = url.to_string();
        let mut hops = 0;
        let (status, bytes) = loop {
            let (status, location, bytes) = self.get_bytes(&at, MAX_PICTURE_BYTES);
            let Some(next) = location.filter(|_| (300..400).contains(&status)) else { break (status, bytes) };
            hops += 1;
            let next = resolve(&at, &next);
            if hops > 3 || !allowed(&next, self.base(), hosts) {
                return Err(FetchError::Api {
                    endpoint,
                    status,
                    code: Some("NotAllowed".to_string()),
                    message: "the picture redirects away from the platform's own image hosts".to_string(),
                });
            }
            at = next;
        };
        match status {
            200 => match image_kind(&bytes) {
                Some(extension) => Ok(Picture { bytes, extension }),
                None => Err(FetchError::Api {
                    endpoint,
                    status,
                    code: Some("NotAnImage".to_string()),
                    message: "the answer is not a JPEG, PNG, WebP or GIF image".to_string(),
                }),
            },
            0 => Err(FetchError::Unavailable {
                endpoint,
                attempts: 1,
                last: String::from_utf8_lossy(&bytes).into_owned(),
            }),
            _ => Err(FetchError::Api { endpoint, status, code: None, message: format!("HTTP {status}") }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_come_only_from_the_platforms_image_hosts_or_the_api_itself() {
        let hosts = [".cdninstagram.com", ".fbcdn.net", "cdn.bsky.app"];
        let base = "https://graph.facebook.com";
        assert!(allowed("https://scontent-lhr8-1.cdninstagram.com/v/t51/p.jpg?x=1", base, &hosts));
        assert!(allowed("https://cdn.bsky.app/img/avatar/plain/did:plc:x/abc@jpeg", base, &hosts));
        assert!(allowed("https://graph.facebook.com/pic.jpg", base, &hosts), "the API host itself");
        assert!(allowed("http://127.0.0.1:4000/pictures/a.png", "http://127.0.0.1:4000", &hosts), "a replay");
        // Not over plain HTTP, not a look-alike host, not an address the answer made up.
        assert!(!allowed("http://scontent.cdninstagram.com/p.jpg", base, &hosts));
        assert!(!allowed("https://cdninstagram.com.evil.test/p.jpg", base, &hosts));
        assert!(!allowed("https://evilcdninstagram.com/p.jpg", base, &hosts));
        assert!(!allowed("http://169.254.169.254/latest/meta-data", base, &hosts));
        assert!(!allowed("https://user@cdn.bsky.app/x", base, &hosts));
        assert!(!allowed("http://127.0.0.1:4001/pictures/a.png", "http://127.0.0.1:4000", &hosts), "another port");
        assert!(!allowed("file:///etc/passwd", base, &hosts));
        assert!(!allowed("not a url", base, &hosts));
    }

    #[test]
    fn a_redirect_is_resolved_against_where_it_came_from() {
        let from = "https://cdn.bsky.app/img/avatar/a.jpg";
        assert_eq!(resolve(from, "https://evil.test/x"), "https://evil.test/x");
        assert_eq!(resolve(from, "/img/b.jpg"), "https://cdn.bsky.app/img/b.jpg");
        assert_eq!(resolve(from, "//evil.test/x"), "https://evil.test/x");
        assert_eq!(resolve(from, "c.jpg"), "https://cdn.bsky.app/img/avatar/c.jpg");
        assert_eq!(resolve("http://127.0.0.1:9/p", "/q"), "http://127.0.0.1:9/q");
    }

    #[test]
    fn an_image_is_known_by_its_first_bytes() {
        assert_eq!(image_kind(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]), Some("jpg"));
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some("webp"));
        assert_eq!(image_kind(b"GIF89a.."), Some("gif"));
        assert_eq!(image_kind(b"<html><body>"), None);
        assert_eq!(image_kind(b"<svg xmlns"), None, "no SVG: it can carry script");
        assert_eq!(image_kind(b""), None);
    }
}
