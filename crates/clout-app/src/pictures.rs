//! Profile pictures, kept in the data directory as `DATA/pictures/PLATFORM/HANDLE-HEX.EXT`
//! (the handle lower-cased, in hex, so that any handle is a safe file name): a fetch
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
    handle.to_lowercase().bytes().map(|b| format!("{b:02x}")).collect()
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
        std::fs::write(&partial, &picture.bytes).map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)?;
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
            match http.get_picture(url, hosts) {
                Ok(p) => {
                    self.save_picture(platform, handle, &Kept::new(p, url))?;
                    summary.pictures.downloaded += 1;
                }
                Err(_) => summary.pictures.failed += 1,
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
    fn any_handle_is_a_safe_file_name() {
        assert_eq!(stem("Ab"), "6162");
        assert_eq!(stem("../x"), "2e2e2f78");
        assert!(stem("fern.bsky.social/../../etc").bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
