//! Reading stored columns back into domain values, shared by every aggregate's queries.

use clout_core::Platform;

use crate::{Error, Result};

pub(crate) fn u64_col(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

pub(crate) fn platform_col(raw: &str) -> Result<Platform> {
    Platform::parse(raw).map_err(|e| Error::Corrupt(e.to_string()))
}
