//! `glare`: specular highlights on the document and where they are. (Work in progress.)

use super::profile::Profile;
use super::rectify::Rectified;
use super::{Check, CheckId, Region};

pub struct GlareResult {
    pub check: Check,
    /// Highlight blobs in image pixels.
    pub regions: Vec<Region>,
}

pub fn assess(doc: &Rectified, profile: &Profile) -> GlareResult {
    let _ = doc;
    GlareResult {
        check: Check::new(
            CheckId::Glare,
            false,
            None,
            Some(100.0 * profile.max_glare_frac),
        )
        .message("TODO"),
        regions: Vec::new(),
    }
}
