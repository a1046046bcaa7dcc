//! The `fill` check: does the document cover enough of the frame?
//!
//! Decides pass/fail from the quad's long side against the frame extent along it.

use super::round2;
use crate::quality::geometry::Quad;
use crate::quality::profile::Profile;
use crate::quality::{Check, CheckId, shown};

/// How much of the frame the document covers along its long axis, 0–1: its long side over the
/// frame's width when the long side runs across, over the frame's height when it runs up and down.
pub(crate) fn fill_fraction(quad: &Quad, width: u32, height: u32) -> f64 {
    let (long, _) = quad.side_lengths();
    let c = quad.corners();
    // Direction of the long edges decides which frame extent to compare with.
    let e0 = c[1].minus(c[0]);
    let e1 = c[2].minus(c[1]);
    let d = if e0.norm() >= e1.norm() { e0 } else { e1 };
    let extent = if d.x.abs() >= d.y.abs() {
        f64::from(width)
    } else {
        f64::from(height)
    };
    if extent > 0.0 { long / extent } else { 0.0 }
}

/// `fill`: value and limit in % of the frame extent along the document's long side.
pub(crate) fn fill(quad: &Quad, width: u32, height: u32, profile: &Profile) -> Check {
    let (value, limit) = (
        round2(100.0 * fill_fraction(quad, width, height)),
        100.0 * profile.min_fill_frac,
    );
    let pass = value >= limit;
    let check = Check::new(CheckId::Fill, pass, Some(value), Some(limit));
    let (value, limit) = shown::pair(value, limit);
    if pass {
        check
            .message(format!(
                "The document spans {value}% of the frame ({limit}% needed)."
            ))
            .hint("Good distance")
    } else {
        check
            .message(format!(
                "Move closer: the document spans {value}% of the frame, {limit}% needed."
            ))
            .hint("Move closer")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_is_measured_along_the_long_side() {
        let p = Profile::default();
        // 856 px across a 1920 px landscape frame: 44.6 %.
        let q = Quad::rect(500.0, 300.0, 856.0, 540.0);
        let c = fill(&q, 1920, 1080, &p);
        assert!(c.pass, "{c:?}");
        assert!((c.value.unwrap_or(0.0) - 44.58).abs() < 0.1);
        let small = Quad::rect(500.0, 300.0, 600.0, 378.0);
        let c = fill(&small, 1920, 1080, &p);
        assert!(!c.pass);
        assert_eq!(c.hint, "Move closer");
        // A card standing upright in a portrait frame is compared with the frame's height.
        let upright = Quad::rect(100.0, 100.0, 540.0, 856.0);
        assert!((fill_fraction(&upright, 1080, 1920) - 856.0 / 1920.0).abs() < 1e-9);
    }
}
