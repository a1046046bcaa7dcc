//! The `focus` check: is the document sharp enough to read, and if not, is it motion blur or
//! defocus?
//!
//! Decides pass/fail from the edge blur `sharpness` reads, in millimetres on the document, against
//! `profile.max_blur_mm`; calls a failure motion blur when one orientation is much sharper than
//! another (`profile.motion_anisotropy`), and ranks frames by sharpness for live capture.

use crate::quality::profile::Profile;
use crate::quality::rectify::Rectified;
use crate::quality::sharpness::{FocusScratch, measure_with};

/// What this check judges, for callers that want the reading itself.
pub use crate::quality::sharpness::{EdgeBlur, measure};
use crate::quality::{BlurKind, Check, CheckId, shown};

/// The result of the focus check, with what live capture needs.
pub struct FocusResult {
    /// The `focus` check's result.
    pub check: Check,
    /// Motion blur or defocus, set only when the check fails and the kind is clear.
    pub blur_kind: Option<BlurKind>,
    /// Higher is sharper: 1 / (edge blur in mm as read, the sampling floor included), so it ranks
    /// frames even below the threshold; typically 3–8 on a sharp document, 0 when nothing could be
    /// measured.
    pub(crate) sharpness: f64,
}

/// The focus check: fails when the blurriest direction's edge blur exceeds `profile.max_blur_mm`.
/// Allocates its scratch; see `assess_with` to reuse it across frames.
pub fn assess(doc: &Rectified, profile: &Profile) -> FocusResult {
    assess_with(doc, profile, &mut FocusScratch::default())
}

/// `assess` with caller-owned scratch buffers (for a live stream).
pub(crate) fn assess_with(
    doc: &Rectified,
    profile: &Profile,
    scratch: &mut FocusScratch,
) -> FocusResult {
    let limit = profile.max_blur_mm;
    let Some(m) = measure_with(doc, scratch).filter(|_| doc.px_per_mm > 0.0) else {
        return FocusResult {
            check: Check::new(CheckId::Focus, false, None, Some(limit))
                .message(
                    "Photo too blurry: no sharp detail found on the document. Hold the camera \
                     still and let it focus.",
                )
                .hint("Hold still"),
            blur_kind: None,
            sharpness: 0.0,
        };
    };
    // Reported and decided in thousandths of a millimetre (see `checks::round2`).
    let blur_mm = super::round3(m.sigma_px / doc.px_per_mm);
    let pass = blur_mm <= limit;
    let kind = if m.isotropy < profile.motion_anisotropy {
        BlurKind::Motion
    } else {
        BlurKind::OutOfFocus
    };
    let check = Check::new(CheckId::Focus, pass, Some(blur_mm), Some(limit));
    let (blur_mm, limit) = shown::pair(blur_mm, limit);
    let check = if pass {
        check
            .message(format!(
                "Sharp: edges blurred by {blur_mm} mm (up to {limit} mm accepted)."
            ))
            .hint("Sharp")
    } else if kind == BlurKind::Motion {
        check
            .message(format!(
                "Photo too blurry: hold the camera still (motion blur of {blur_mm} mm, \
                 {limit} mm accepted)."
            ))
            .hint("Hold still")
    } else {
        check
            .message(format!(
                "Out of focus: move back a little so the camera can focus (blur {blur_mm} mm, \
                 {limit} mm accepted)."
            ))
            .hint("Move back to focus")
    };
    FocusResult {
        check,
        blur_kind: (!pass).then_some(kind),
        sharpness: doc.px_per_mm / m.read_sigma_px.max(1e-6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_card::{self, card};

    fn blur_mm(doc: &Rectified) -> f64 {
        assess(doc, &Profile::default())
            .check
            .value
            .unwrap_or(f64::NAN)
    }

    #[test]
    fn a_sharp_card_passes_with_little_blur() {
        let r = assess(&card(), &Profile::default());
        assert!(r.check.pass, "{}", r.check.message);
        let v = r.check.value.unwrap_or(f64::NAN);
        assert!(v < 0.1, "blur {v} mm");
        assert_eq!(r.blur_kind, None);
        assert!(r.sharpness > 4.0, "sharpness {}", r.sharpness);
    }

    #[test]
    fn gaussian_blur_is_measured_in_millimetres_and_called_defocus() {
        let mut doc = card();
        test_card::blur(&mut doc, 2.5);
        let r = assess(&doc, &Profile::default());
        let expected = 2.5 / doc.px_per_mm; // 0.33 mm
        let v = r.check.value.unwrap_or(f64::NAN);
        assert!(
            (v - expected).abs() < 0.3 * expected,
            "{v} mm vs {expected}"
        );
        assert!(!r.check.pass);
        assert_eq!(r.blur_kind, Some(BlurKind::OutOfFocus));
        assert!(r.check.message.starts_with("Out of focus"));
    }

    #[test]
    fn more_blur_reads_more_millimetres_and_less_sharpness() {
        let mut last = (0.0, f64::INFINITY);
        for sigma in [1.5f32, 2.5, 3.5] {
            let mut doc = card();
            test_card::blur(&mut doc, sigma);
            let r = assess(&doc, &Profile::default());
            let v = r.check.value.unwrap_or(f64::NAN);
            assert!(v > last.0 && r.sharpness < last.1, "σ {sigma}: {v} mm");
            last = (v, r.sharpness);
        }
    }

    #[test]
    fn sharpness_ranks_frames_that_both_pass() {
        let sharp = assess(&card(), &Profile::default());
        let mut soft = card();
        test_card::blur(&mut soft, 0.8);
        let soft = assess(&soft, &Profile::default());
        assert!(sharp.check.pass && soft.check.pass);
        assert!(sharp.sharpness > soft.sharpness);
    }

    #[test]
    fn motion_blur_fails_and_is_called_motion() {
        let mut doc = card();
        test_card::motion(&mut doc, 13);
        let r = assess(&doc, &Profile::default());
        assert!(!r.check.pass, "{}", r.check.message);
        assert_eq!(r.blur_kind, Some(BlurKind::Motion));
        assert_eq!(r.check.hint, "Hold still");
        assert_eq!(r.check.portal, "Photo too blurry");
    }

    #[test]
    fn contrast_and_noise_do_not_change_the_verdict() {
        let base = blur_mm(&card());
        let mut low = card();
        test_card::map(&mut low, |_, _, v| 128.0 + 0.5 * (v - 128.0));
        let mut noisy = card();
        test_card::noise(&mut noisy, 8.0, 7);
        let profile = Profile::default();
        assert!(assess(&low, &profile).check.pass);
        assert!(assess(&noisy, &profile).check.pass);
        assert!(
            (blur_mm(&low) - base).abs() < 0.03,
            "{} vs {base}",
            blur_mm(&low)
        );
        // A blurred card stays blurred under the same changes.
        let mut blurred = card();
        test_card::blur(&mut blurred, 2.5);
        let mut blurred_noisy = blurred.clone();
        test_card::noise(&mut blurred_noisy, 8.0, 9);
        test_card::map(&mut blurred, |_, _, v| 128.0 + 0.5 * (v - 128.0));
        assert!(!assess(&blurred, &profile).check.pass);
        assert!(!assess(&blurred_noisy, &profile).check.pass);
    }

    #[test]
    fn pixels_out_of_frame_are_ignored() {
        let mut doc = card();
        test_card::blur(&mut doc, 2.5);
        let full = blur_mm(&doc);
        // The left third is out of frame: garbage luma there must not count.
        let w = doc.width as usize;
        for (i, (v, l)) in doc.valid.iter_mut().zip(doc.luma.iter_mut()).enumerate() {
            if i % w < w / 3 {
                *v = 0;
                *l = if (i / w).is_multiple_of(2) { 0 } else { 255 };
            }
        }
        doc.valid_count = doc.valid.iter().filter(|&&v| v != 0).count();
        let part = blur_mm(&doc);
        assert!((part - full).abs() < 0.15 * full, "{part} vs {full}");
    }

    #[test]
    fn reused_scratch_reads_the_same_as_fresh_across_document_sizes() {
        let mut card = card();
        test_card::blur(&mut card, 1.5);
        // A taller document (as a passport page is): the card with its top 47 rows repeated
        // below it, so the Sobel border lies elsewhere.
        let mut tall = card.clone();
        let w = tall.width as usize;
        tall.luma.extend_from_within(..47 * w);
        tall.valid.extend_from_within(..47 * w);
        tall.height += 47;
        tall.valid_count = tall.valid.len();
        let mut scratch = FocusScratch::default();
        for doc in [&card, &tall, &card, &tall] {
            assert_eq!(measure_with(doc, &mut scratch), measure(doc));
        }
    }

    #[test]
    fn a_blank_document_cannot_be_called_sharp() {
        let mut doc = card();
        test_card::map(&mut doc, |_, _, _| 200.0);
        let r = assess(&doc, &Profile::default());
        assert!(!r.check.pass);
        assert_eq!(r.check.value, None);
        assert_eq!(r.sharpness, 0.0);
    }
}
