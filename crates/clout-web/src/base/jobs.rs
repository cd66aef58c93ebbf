//! Fetches started from the Sources page, run in the background: each job keeps its
//! progress lines and, when it ends, the report the CLI would print (or its error), so
//! that the page shows them while it runs and after. Kept in memory for the server's
//! life, the newest [`KEPT`]; the fetch itself is an import run in the store. The server
//! state holds them (`State::jobs`); `crate::pages::sources` fills them.

use clout_core::Timestamp;

/// Jobs kept to show.
pub(crate) const KEPT: usize = 20;
/// Progress lines kept per job.
const LINES: usize = 200;

#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub(crate) id: u64,
    /// What was asked, for people (`fetch bluesky: a.test, b.test`).
    pub(crate) label: String,
    pub(crate) platform: &'static str,
    pub(crate) by: String,
    pub(crate) started: Timestamp,
    pub(crate) lines: Vec<String>,
    pub(crate) report: Option<clout_wire::FetchReport>,
    pub(crate) error: Option<String>,
    pub(crate) done: bool,
}

#[derive(Default)]
pub(crate) struct Jobs {
    next: u64,
    list: Vec<Job>,
}

impl Jobs {
    pub(crate) fn start(&mut self, label: String, platform: &'static str, by: String, started: Timestamp) -> u64 {
        self.next += 1;
        let job = Job {
            id: self.next,
            label,
            platform,
            by,
            started,
            lines: Vec::new(),
            report: None,
            error: None,
            done: false,
        };
        self.list.push(job);
        if self.list.len() > KEPT {
            // Drop the oldest finished job; running ones stay.
            if let Some(i) = self.list.iter().position(|j| j.done) {
                self.list.remove(i);
            }
        }
        self.next
    }

    /// Adds a progress line to job `id` (up to [`LINES`]).
    pub(crate) fn say(&mut self, id: u64, line: String) {
        self.update(id, |j| {
            if j.lines.len() < LINES {
                j.lines.push(line);
            }
        });
    }

    pub(crate) fn update(&mut self, id: u64, f: impl FnOnce(&mut Job)) {
        if let Some(job) = self.list.iter_mut().find(|j| j.id == id) {
            f(job);
        }
    }

    /// Newest first.
    pub(crate) fn all(&self) -> Vec<Job> {
        self.list.iter().rev().cloned().collect()
    }
}
