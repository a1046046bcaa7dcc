//! The checks, one module per check id: each decides pass or fail against the profile and words
//! the message, the live-view hint and the portal's rejection wording.
//!
//! What they measure comes from the stages beside this module: `detect` and `track` (the quad),
//! `geometry` (its pose), `sharpness` (edge blur), `histogram` (luma). `glare` and `exposure`
//! measure on the rectified document themselves: their measurements are short.

pub mod corners;
pub mod document;
pub mod expiry;
pub mod exposure;
pub mod fill;
pub mod focus;
pub mod glare;
pub mod mrz;
pub mod resolution;
pub mod tilt;

/// `v` rounded to two decimals, for a check's `value`.
fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
