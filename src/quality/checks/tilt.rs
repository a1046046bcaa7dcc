//! The `tilt` check: is the document held flat (facing the camera) and straight?
//!
//! Decides pass/fail from the quad's estimated pose: out-of-plane tilt, in-plane rotation, and the
//! perspective-corrected aspect ratio against the document kind's.

use super::round2;
use crate::quality::geometry::{Pose, Quad};
use crate::quality::profile::{DocumentKind, Profile};
use crate::quality::{Check, CheckId};

/// `tilt`: value is the out-of-plane tilt in degrees, limit `max_tilt_deg`. Also fails on too much
/// in-plane rotation or an aspect ratio that does not match the document type.
pub(crate) fn tilt(quad: &Quad, pose: &Pose, kind: DocumentKind, profile: &Profile) -> Check {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pose(q: &Quad) -> Pose {
        Pose::estimate(q, DocumentKind::IdCard, 1920, 1080, 70.0)
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
