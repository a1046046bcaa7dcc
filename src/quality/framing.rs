//! Framing checks that follow from the document's quad alone: `corners`, `fill`, `tilt`, `resolution`.
//!
//! Decides whether the whole document is in the picture with a margin, large enough, held flat and
//! straight, and photographed with enough pixels across it, and which way to move to fix it.

use super::geometry::{Pose, Quad};
use super::profile::{DocumentKind, Profile};
use super::{Check, CheckId};

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
    let value = 100.0 * closest / short;
    let limit = 100.0 * profile.corner_margin_frac;
    let pass = closest >= margin_px;
    let check = Check::new(CheckId::Corners, pass, Some(round2(value)), Some(limit));
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

/// How much of the frame the document covers along its long axis, 0–1: its long side over the
/// frame's width when the long side runs across, over the frame's height when it runs up and down.
pub fn fill_fraction(quad: &Quad, width: u32, height: u32) -> f64 {
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
pub fn fill(quad: &Quad, width: u32, height: u32, profile: &Profile) -> Check {
    let fill = fill_fraction(quad, width, height);
    let pass = fill >= profile.min_fill_frac;
    let (value, limit) = (100.0 * fill, 100.0 * profile.min_fill_frac);
    let check = Check::new(CheckId::Fill, pass, Some(round2(value)), Some(limit));
    if pass {
        check
            .message(format!(
                "The document spans {value:.0}% of the frame ({limit:.0}% needed)."
            ))
            .hint("Good distance")
    } else {
        check
            .message(format!(
                "Move closer: the document spans {value:.0}% of the frame, {limit:.0}% needed."
            ))
            .hint("Move closer")
    }
}

/// `tilt`: value is the out-of-plane tilt in degrees, limit `max_tilt_deg`. Also fails on too much
/// in-plane rotation or an aspect ratio that does not match the document type.
pub fn tilt(quad: &Quad, pose: &Pose, kind: DocumentKind, profile: &Profile) -> Check {
    let _ = quad;
    let aspect_dev = pose.aspect / kind.aspect() - 1.0;
    let tilted = pose.tilt_deg > profile.max_tilt_deg;
    let rotated = pose.rotation_deg.abs() > profile.max_rotation_deg;
    let misshapen = aspect_dev.abs() > profile.aspect_tolerance;
    let pass = !(tilted || rotated || misshapen);
    let check = Check::new(
        CheckId::Tilt,
        pass,
        Some(round2(pose.tilt_deg)),
        Some(profile.max_tilt_deg),
    );
    let facts = format!(
        "tilt {:.0}° (≤ {:.0}°), rotation {:+.0}° (≤ ±{:.0}°), aspect {:.3} ({} {:.3} ± {:.0}%)",
        pose.tilt_deg,
        profile.max_tilt_deg,
        pose.rotation_deg,
        profile.max_rotation_deg,
        pose.aspect,
        kind.label(),
        kind.aspect(),
        100.0 * profile.aspect_tolerance
    );
    if pass {
        check
            .message(format!("Held flat and straight: {facts}."))
            .hint("Held flat")
    } else if tilted {
        check
            .message(format!(
                "Hold the document flat, facing the camera: {facts}."
            ))
            .hint("Hold the document flat")
    } else if rotated {
        check
            .message(format!("Straighten the document: {facts}."))
            .hint("Straighten the document")
    } else {
        check
            .message(format!(
                "The outline does not have the shape of a {}: {facts}. Hold it flat and make sure nothing covers an edge.",
                kind.label()
            ))
            .hint("Hold the document flat")
    }
}

/// Pixels across the document's long side divided by its width in inches.
pub fn dpi(quad: &Quad, kind: DocumentKind) -> f64 {
    let (long, _) = quad.side_lengths();
    long / (kind.size_mm().0 / 25.4)
}

/// `resolution`: value and limit in dots per inch across the document.
pub fn resolution(quad: &Quad, pose: &Pose, kind: DocumentKind, profile: &Profile) -> Check {
    let _ = pose;
    let dpi = dpi(quad, kind);
    let needed_px = profile.min_dpi * kind.size_mm().0 / 25.4;
    let pass = dpi >= profile.min_dpi;
    let check = Check::new(
        CheckId::Resolution,
        pass,
        Some(round2(dpi)),
        Some(profile.min_dpi),
    );
    if pass {
        check
            .message(format!(
                "{dpi:.0} dpi across the document ({:.0} needed).",
                profile.min_dpi
            ))
            .hint("Enough detail")
    } else {
        let (long, _) = quad.side_lengths();
        check
            .message(format!(
                "Not enough detail: {dpi:.0} dpi ({long:.0} px across), {:.0} dpi ({needed_px:.0} px) needed. Move closer or use a higher camera resolution.",
                profile.min_dpi
            ))
            .hint("Move closer")
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose(q: &Quad) -> Pose {
        Pose::estimate(q, DocumentKind::IdCard, 1920, 1080, 70.0)
    }

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

    #[test]
    fn resolution_needs_843_px_across_a_card_at_250_dpi() {
        let p = Profile::default();
        let ok = Quad::rect(0.0, 0.0, 845.0, 533.0);
        assert!(resolution(&ok, &pose(&ok), DocumentKind::IdCard, &p).pass);
        let low = Quad::rect(0.0, 0.0, 830.0, 523.0);
        let c = resolution(&low, &pose(&low), DocumentKind::IdCard, &p);
        assert!(!c.pass);
        assert!(c.message.contains("843 px"), "{}", c.message);
    }

    #[test]
    fn tilt_fails_on_rotation_and_wrong_shape() {
        let p = Profile::default();
        let flat = Quad::rect(500.0, 300.0, 856.0, 540.0);
        assert!(tilt(&flat, &pose(&flat), DocumentKind::IdCard, &p).pass);
        // A passport-shaped quad is the wrong shape for an ID card.
        let square = Quad::rect(500.0, 300.0, 856.0, 603.0);
        let c = tilt(&square, &pose(&square), DocumentKind::IdCard, &p);
        assert!(!c.pass, "{c:?}");
        let rotated = Pose {
            tilt_deg: 2.0,
            rotation_deg: 30.0,
            aspect: 1.586,
        };
        let c = tilt(&flat, &rotated, DocumentKind::IdCard, &p);
        assert!(!c.pass && c.hint == "Straighten the document");
    }
}
