//! `focus`: edge blur measured on the rectified document, in millimetres. (Work in progress.)

use super::profile::Profile;
use super::rectify::Rectified;
use super::{BlurKind, Check, CheckId};

pub struct FocusResult {
    pub check: Check,
    pub blur_kind: Option<BlurKind>,
    /// Higher is sharper (1 / blur in mm).
    pub sharpness: f64,
}

pub fn assess(doc: &Rectified, profile: &Profile) -> FocusResult {
    let _ = (doc, profile);
    FocusResult {
        check: Check::new(CheckId::Focus, false, None, Some(profile.max_blur_mm)).message("TODO"),
        blur_kind: None,
        sharpness: 0.0,
    }
}
