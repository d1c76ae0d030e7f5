//! `msa-sim pick | run | export` (issue 3).
use crate::UsageError;
use std::ffi::OsString;

pub fn pick(_args: Vec<OsString>) -> Result<(), UsageError> {
    Err(UsageError("pick: not built yet".into()))
}
pub fn run(_args: Vec<OsString>) -> Result<(), UsageError> {
    Err(UsageError("run: not built yet".into()))
}
pub fn export(_args: Vec<OsString>) -> Result<(), UsageError> {
    Err(UsageError("export: not built yet".into()))
}
