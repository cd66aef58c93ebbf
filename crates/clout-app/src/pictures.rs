//! Profile pictures, kept in the data directory as `DATA/pictures/PLATFORM/HASH.EXT` (HASH:
//! the SHA-256 of the lower-cased handle in hex, so that any handle, of any length, is a
//! safe file name of 64 characters) with the URL it came from in `HASH.url`: a fetch
//! downloads a channel's picture when its source names one, and pages read it from here,
//! never from the platform. A picture is replaced atomically (written aside, then renamed).

use std::path::{Path, PathBuf};

use clout_connect::picture::Picture;
use clout_core::Platform;

/// A downloaded picture and the URL it came from.
pub(crate) struct Kept {
    pub(crate) bytes: Vec<u8>,
    pub(crate) extension: &'static str,
    pub(crate) source: String,
}

impl Kept {
    pub(crate) fn new(picture: Picture, source: &str) -> Kept {
        Kept { bytes: picture.bytes, extension: picture.extension, source: source.to_string() }
    }
}

use crate::{App, Error, Result};

const EXTENSIONS: [(&str, &str); 4] =
    [("jpg", "image/jpeg"), ("png", "image/png"), ("webp", "image/webp"), ("gif", "image/gif")];

fn stem(handle: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(handle.to_lowercase().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn folder(data_dir: &Path, platform: Platform) -> PathBuf {
    data_dir.join("pictures").join(platform.as_str())
}

impl App {
    /// Keeps `picture` (downloaded from `picture.source`) as the channel's profile picture,
    /// replacing any other.
    pub(crate) fn save_picture(&self, platform: Platform, handle: &str, picture: &Kept) -> Result<()> {
        let dir = folder(self.data_dir(), platform);
        let io = |e: std::io::Error| Error::Internal(format!("saving a profile picture in {}: {e}", dir.display()));
        std::fs::create_dir_all(&dir).map_err(io)?;
        let stem = stem(handle);
        let path = dir.join(format!("{stem}.{}", picture.extension));
        let partial = dir.join(format!("{stem}.{}.partial", picture.extension));
        if let Err(e) = std::fs::write(&partial, &picture.bytes).and_then(|()| std::fs::rename(&partial, &path)) {
            let _ = std::fs::remove_file(&partial);
            return Err(io(e));
        }
        std::fs::write(dir.join(format!("{stem}.url")), &picture.source).map_err(io)?;
        for (ext, _) in EXTENSIONS {
            if ext != picture.extension {
                let _ = std::fs::remove_file(dir.join(format!("{stem}.{ext}")));
            }
        }
        Ok(())
    }

    /// The URL the channel's kept picture was downloaded from.
    pub(crate) fn picture_source(&self, platform: Platform, handle: &str) -> Option<String> {
        self.picture(platform, handle)?;
        std::fs::read_to_string(folder(self.data_dir(), platform).join(format!("{}.url", stem(handle)))).ok()
    }

    /// Downloads the picture each fetched account's source named (unless it is the one
    /// kept already) from the platform's image hosts `hosts`. A picture that cannot be
    /// had is counted, never a reason to fail the fetch.
    pub(crate) fn keep_pictures(
        &self,
        http: &mut clout_connect::Client,
        platform: Platform,
        hosts: &[&str],
        summary: &mut crate::FetchSummary,
    ) -> Result<()> {
        for account in &summary.accounts {
            let (Some(handle), Some(url)) = (&account.handle, &account.picture_url) else { continue };
            if account.status != crate::AccountStatus::Done {
                continue;
            }
            if self.picture_source(platform, handle).as_deref() == Some(url.as_str()) {
                summary.pictures.kept += 1;
                continue;
            }
            let saved =
                http.get_picture(url, hosts).ok().map(|p| self.save_picture(platform, handle, &Kept::new(p, url)));
            match saved {
                Some(Ok(())) => summary.pictures.downloaded += 1,
                // Not to be had, or not to be kept (a full disk): counted, never a failed fetch.
                Some(Err(_)) | None => summary.pictures.failed += 1,
            }
        }
        Ok(())
    }

    /// The channel's kept profile picture and its media type, if there is one.
    pub fn picture(&self, platform: Platform, handle: &str) -> Option<(PathBuf, &'static str)> {
        let dir = folder(self.data_dir(), platform);
        let stem = stem(handle);
        EXTENSIONS.iter().map(|(ext, mime)| (dir.join(format!("{stem}.{ext}")), *mime)).find(|(p, _)| p.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn any_handle_is_a_safe_file_name_of_the_same_length() {
        // SHA-256 of "ab" (the handle lower-cased).
        assert_eq!(stem("Ab"), "fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603");
        for handle in ["../x", "fern.bsky.social/../../etc", &"a".repeat(253)] {
            let s = stem(handle);
            assert!(s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()), "{s}");
        }
    }
}
