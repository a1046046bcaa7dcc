//! The checks, one module per check id: each decides pass or fail against the profile and words
//! the message, the live-view hint and the portal's rejection wording.
//!
//! What they measure comes from the stages beside this module: `detect` and `track` (the quad),
//! `geometry` (its pose), `sharpness` (edge blur), `histogram` (luma), `border` (colours across
//! the outline: `occlusion`, `background`). `glare` and `exposure`
//! measure on the rectified document themselves: their measurements are short.

pub mod background;
pub mod corners;
pub(crate) mod document;
pub mod expiry;
pub mod exposure;
pub(crate) mod fill;
pub mod focus;
pub mod glare;
pub mod mrz;
pub mod occlusion;
pub(crate) mod resolution;
pub(crate) mod tilt;

/// `v` rounded to two decimals, for a check's `value`. A check decides pass or fail on the value
/// it reports, so the value never sits on the other side of its limit than the verdict says.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// `v` rounded to three decimals (aspect ratios, millimetres of blur), as `round2`.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
