//! Import runs as the web app's pages read them: one run, and its rejected records with
//! their reasons.

use super::RejectRow;
use crate::{App, Error, Result};

impl App {
    /// One import run.
    pub fn run(&self, id: i64) -> Result<clout_store::RunRecord> {
        self.store
            .runs()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::NotFound(format!("there is no import run {id}")))
    }

    /// An import run's rejected records with their reasons.
    pub fn rejects(&self, run: i64) -> Result<Vec<RejectRow>> {
        self.run(run)?;
        Ok(self.store.rejects_of(run)?)
    }
}
