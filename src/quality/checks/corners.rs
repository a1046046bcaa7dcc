//! The `corners` check: is the whole document in the picture, with a margin?
//!
//! Decides pass/fail from the quad's corners alone, and which way to move the document (or the
//! camera) when a corner is too near the border or cut off.

use super::round2;
use crate::quality::geometry::Quad;
use crate::quality::profile::Profile;
use crate::quality::{Check, CheckId};

/// `corners`: every corner at least `corner_margin_frac` of the shorter image side inside the image.
///
/// value: the smallest corner-to-border distance, in % of the shorter side (negative when a corner is
/// outside); limit: the margin in %.
pub fn corners(quad: &Quad, width: u32, height: u32, profile: &Profile) -> Check {
    let (w, h) = (f64::from(width), f64::from(height));
    let short = w.min(h);
    let margin_px = profile.corner_margin_frac * short;
    let mut closest = f64::INFINITY;
    let (mut left, mut right, mut top, mut bottom) = (false, false, false, false);
    for p in quad.corners() {
        closest = closest.min(p.x).min(p.y).min(w - p.x).min(h - p.y);
        left |= p.x < margin_px;
        right |= p.x > w - margin_px;
        top |= p.y < margin_px;
        bottom |= p.y > h - margin_px;
    }
    let value = round2(100.0 * closest / short);
    let limit = 100.0 * profile.corner_margin_frac;
    // Decided on the reported value (`margin_px` above only names the sides that are too near).
    let pass = value >= limit;
    let check = Check::new(CheckId::Corners, pass, Some(value), Some(limit));
    if pass {
        return check
            .message(format!(
                "All four corners are inside the frame ({value:.1}% margin)."
            ))
            .hint("Corners visible");
    }
    let mut sides = Vec::new();
    if left {
        sides.push("left");
    }
    if right {
        sides.push("right");
    }
    if top {
        sides.push("top");
    }
    if bottom {
        sides.push("bottom");
    }
    let opposite = (left && right) || (top && bottom);
    let outside = closest < 0.0;
    let what = if outside {
        "is cut off"
    } else {
        "is too close to the edge"
    };
    let (message, hint) = if opposite {
        (
            format!(
                "The document {what} on the {} sides: move the camera back so all four corners show with a margin.",
                sides.join(" and ")
            ),
            "Move back".to_string(),
        )
    } else {
        let toward: Vec<&str> = sides
            .iter()
            .map(|s| match *s {
                "left" => "right",
                "right" => "left",
                "top" => "down",
                _ => "up",
            })
            .collect();
        (
            format!(
                "The document {what} at the {}: move it {} so all four corners show with a margin.",
                sides.join(" and "),
                toward.join(" and ")
            ),
            format!("Move the document {}", toward.join(" and ")),
        )
    };
    check.message(message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corners_pass_with_margin_and_fail_with_the_side_named() {
        let p = Profile::default();
        let inside = Quad::rect(500.0, 300.0, 856.0, 540.0);
        assert!(corners(&inside, 1920, 1080, &p).pass);
        // 2 % of 1080 = 21.6 px: a corner 10 px from the left edge is too close.
        let near = Quad::rect(10.0, 300.0, 856.0, 540.0);
        let c = corners(&near, 1920, 1080, &p);
        assert!(!c.pass);
        assert!(c.message.contains("left"), "{}", c.message);
        assert!(c.hint.contains("right"), "{}", c.hint);
        let cut = Quad::rect(-100.0, 300.0, 856.0, 540.0);
        let c = corners(&cut, 1920, 1080, &p);
        assert!(!c.pass && c.value.is_some_and(|v| v < 0.0));
        assert!(c.message.contains("cut off"));
        let huge = Quad::rect(-10.0, -10.0, 1940.0, 1100.0);
        assert_eq!(corners(&huge, 1920, 1080, &p).hint, "Move back");
    }
}
