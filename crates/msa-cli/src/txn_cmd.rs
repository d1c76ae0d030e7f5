//! `msa-sim txn` (issue 4).
use crate::UsageError;
use std::ffi::OsString;

pub fn txn(_args: Vec<OsString>) -> Result<(), UsageError> {
    Err(UsageError("txn: not built yet".into()))
}
