//! The `tilt` check: is the document held flat (facing the camera) and straight?
//!
//! Decides pass/fail from the quad's estimated pose: out-of-plane tilt, in-plane rotation, and the
//! perspective-corrected aspect ratio against the document kind's.

use super::{round2, round3};
use crate::quality::geometry::{Pose, Quad};
use crate::quality::profile::{DocChoice, DocumentKind, Profile};
use crate::quality::{Check, CheckId};

/// The aspect ratios (long over short side) `kind` accepts under `profile`: its own ± the
/// tolerance, each rounded to three decimals as reported.
fn aspect_bounds(kind: DocumentKind, profile: &Profile) -> (f64, f64) {
    (
        round3(kind.aspect() * (1.0 - profile.aspect_tolerance)),
        round3(kind.aspect() * (1.0 + profile.aspect_tolerance)),
    )
}

/// `tilt`: fails on too much out-of-plane tilt, in-plane rotation, or an aspect ratio that does
/// not match the document type. The value and limit are those of the problem found: the tilt in
/// degrees (limit `max_tilt_deg`; also when passing), the rotation in degrees (limit
/// `max_rotation_deg`) or the perspective-corrected aspect ratio, unitless (limit the bound of
/// `aspect_tolerance` it crosses). Pass or fail is decided on the reported (rounded) numbers.
///
/// When the shape fits the other document type and the person chose a type, the message says to
/// switch (`auto` tries both, so it never gets here with a better fitting type).
pub(crate) fn tilt(quad: &Quad, pose: &Pose, kind: DocumentKind, profile: &Profile) -> Check {
    let _ = quad;
    let (tilt, rotation, aspect) = (
        round2(pose.tilt_deg),
        round2(pose.rotation_deg.abs()),
        round3(pose.aspect),
    );
    let (low, high) = aspect_bounds(kind, profile);
    let (other_low, other_high) = aspect_bounds(kind.other(), profile);
    let tilted = tilt > profile.max_tilt_deg;
    let rotated = rotation > profile.max_rotation_deg;
    let misshapen = aspect < low || aspect > high;
    let other_fits =
        misshapen && profile.doc != DocChoice::Auto && (other_low..=other_high).contains(&aspect);
    let facts = format!(
        "tilt {:.0}° (≤ {:.0}°), rotation {:+.0}° (≤ ±{:.0}°), aspect {aspect:.3} ({} {:.3} ± {:.0}%)",
        pose.tilt_deg,
        profile.max_tilt_deg,
        pose.rotation_deg,
        profile.max_rotation_deg,
        kind.label(),
        kind.aspect(),
        100.0 * profile.aspect_tolerance
    );
    let degrees = |value: f64, limit: f64, pass: bool| {
        Check::new(CheckId::Tilt, pass, Some(value), Some(limit)).unit("°")
    };
    let shape = || {
        let limit = if aspect > high { high } else { low };
        Check::new(CheckId::Tilt, false, Some(aspect), Some(limit)).unit("")
    };
    if other_fits {
        let other = kind.other();
        shape()
            .message(format!(
                "This looks like {} — switch to {}: {facts}.",
                other.with_article(),
                other.label()
            ))
            .hint(format!("Switch to {}", other.label()))
    } else if tilted {
        degrees(tilt, profile.max_tilt_deg, false)
            .message(format!(
                "Hold the document flat, facing the camera: {facts}."
            ))
            .hint("Hold the document flat")
    } else if rotated {
        degrees(rotation, profile.max_rotation_deg, false)
            .message(format!("Straighten the document: {facts}."))
            .hint("Straighten the document")
    } else if misshapen {
        shape()
            .message(format!(
                "The outline does not have the shape of {}: {facts}. Hold it flat and make sure nothing covers an edge.",
                kind.with_article()
            ))
            .hint("Hold the document flat")
    } else {
        degrees(tilt, profile.max_tilt_deg, true)
            .message(format!("Held flat and straight: {facts}."))
            .hint("Held flat")
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
        // The row shows the measurement that failed: the rotation, not the small tilt.
        assert_eq!((c.value, c.limit, c.unit), (Some(30.0), Some(20.0), "°"));
    }

    #[test]
    fn a_wrong_shape_shows_the_aspect_and_the_bound_it_crosses() {
        let p = Profile::default();
        // Aspect 1.80: too long for an ID card and for a passport page.
        let long = Quad::rect(500.0, 300.0, 900.0, 500.0);
        let c = tilt(&long, &pose(&long), DocumentKind::IdCard, &p);
        assert!(!c.pass && c.unit.is_empty(), "{c:?}");
        assert_eq!(c.value, Some(1.8));
        assert_eq!(c.limit, Some(round3(1.586 * 1.06)));
        assert!(c.message.contains("shape of an ID card"), "{}", c.message);
    }

    #[test]
    fn the_other_document_type_is_suggested_when_its_shape_fits() {
        let passport_shaped = Quad::rect(500.0, 300.0, 852.0, 600.0);
        let chosen = |doc| Profile {
            doc,
            ..Profile::default()
        };
        let c = tilt(
            &passport_shaped,
            &pose(&passport_shaped),
            DocumentKind::IdCard,
            &chosen(DocChoice::IdCard),
        );
        assert!(!c.pass);
        assert!(
            c.message
                .starts_with("This looks like a passport page — switch to Passport page"),
            "{}",
            c.message
        );
        assert_eq!(c.hint, "Switch to Passport page");
        let card_shaped = Quad::rect(500.0, 300.0, 856.0, 540.0);
        let c = tilt(
            &card_shaped,
            &pose(&card_shaped),
            DocumentKind::Passport,
            &chosen(DocChoice::Passport),
        );
        assert!(
            c.message
                .starts_with("This looks like an ID card — switch to ID card")
        );
    }
}
