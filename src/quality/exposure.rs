//! `exposure`: too dark, too bright, low contrast, uneven light. (Work in progress.)

use super::profile::Profile;
use super::rectify::Rectified;
use super::{Check, CheckId};

pub fn assess(doc: &Rectified, profile: &Profile) -> Check {
    let _ = (doc, profile);
    Check::new(CheckId::Exposure, false, None, None).message("TODO")
}
