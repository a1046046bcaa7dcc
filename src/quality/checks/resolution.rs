//! The `resolution` check: enough pixels across the document?
//!
//! Decides pass/fail from the dots per inch the quad's long side gives the document kind.

use super::round2;
use crate::quality::geometry::{Pose, Quad};
use crate::quality::profile::{DocumentKind, Profile};
use crate::quality::{Check, CheckId, shown};

/// Millimetres per inch.
const MM_PER_INCH: f64 = 25.4;

/// Pixels across the document's long side divided by its width in inches.
pub(crate) fn dpi(quad: &Quad, kind: DocumentKind) -> f64 {
    let (long, _) = quad.side_lengths();
    long / (kind.size_mm().0 / MM_PER_INCH)
}

/// `resolution`: value and limit in dots per inch across the document.
pub(crate) fn resolution(quad: &Quad, pose: &Pose, kind: DocumentKind, profile: &Profile) -> Check {
    let _ = pose;
    let dpi = round2(dpi(quad, kind));
    let needed_px = profile.min_dpi * kind.size_mm().0 / MM_PER_INCH;
    let pass = dpi >= profile.min_dpi;
    let check = Check::new(CheckId::Resolution, pass, Some(dpi), Some(profile.min_dpi));
    let (shown_dpi, needed_dpi) = shown::pair(dpi, profile.min_dpi);
    if pass {
        check
            .message(format!(
                "{shown_dpi} dpi across the document ({needed_dpi} needed)."
            ))
            .hint("Enough detail")
    } else {
        let (long, _) = quad.side_lengths();
        check
            .message(format!(
                "Not enough detail: {shown_dpi} dpi ({long:.0} px across), {needed_dpi} dpi ({needed_px:.0} px) needed. Move closer or use a higher camera resolution."
            ))
            .hint("Move closer")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pose(q: &Quad) -> Pose {
        Pose::estimate(q, DocumentKind::IdCard, 1920, 1080, 70.0)
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
    fn a_card_just_short_of_the_limit_fails_and_says_so_in_numbers_that_differ() {
        let p = Profile::default();
        // 842.5 px across an ID-1 card: 249.99 dpi, which rounds to 250 without more digits.
        let q = Quad::rect(0.0, 0.0, 842.5, 531.3);
        let c = resolution(&q, &pose(&q), DocumentKind::IdCard, &p);
        assert!(!c.pass);
        assert!(c.value.is_some_and(|v| v < 250.0), "{c:?}");
        assert_eq!(shown::value_text(&c), "249.99 / 250.00 dpi");
        assert!(
            c.message.starts_with("Not enough detail: 249.99 dpi"),
            "{}",
            c.message
        );
    }
}
