//! `exposure`: is the document lit well enough to read: not too dark, not too bright, enough
//! contrast, and evenly (no half of it in shadow)?
//!
//! Everything is measured on the rectified document's luma, valid pixels only (thresholds after
//! Regula's and BlinkID's published settings; docs/ARCHITECTURE.md, Research): too dark when even
//! its bright paper (95th percentile) is dim; too bright when its median is near white or most of
//! it is clipped; low contrast when the 5th–95th percentile spread is small; uneven when the local
//! paper white (the 90th percentile of each cell of a 3 × 4 grid) differs too much between the
//! brightest and the darkest cell. Problems are reported in that order of priority; the value shown
//! is the one of the reported condition.

use crate::quality::histogram::{LumaHistograms, percentile};
use crate::quality::profile::Profile;
use crate::quality::rectify::Rectified;
use crate::quality::{Check, CheckId};

/// The percentile of a grid cell's luma taken as its local paper white, 0–1.
const CELL_WHITE_PERCENTILE: f64 = 0.90;

/// A grid cell takes part in the unevenness test only if at least this fraction of it is in frame.
const MIN_CELL_VALID_FRACTION: f64 = 0.5;

/// Too bright also when more than this fraction of the document (0–1) is clipped
/// (luma ≥ `profile.glare_clip_level`).
const MAX_CLIPPED_FRACTION: f64 = 0.5;

/// Lower and upper percentiles of the contrast spread, 0–1.
const CONTRAST_LOW_PERCENTILE: f64 = 0.05;
const CONTRAST_HIGH_PERCENTILE: f64 = 0.95;

/// The lighting figures of one document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lighting {
    /// Luma percentiles 5, 50, 95 (0–255).
    pub p5: f64,
    /// Median luma (0–255).
    pub p50: f64,
    /// 95th-percentile luma (0–255).
    pub p95: f64,
    /// Fraction of valid pixels whose luma is clipped, 0–1.
    pub clipped: f64,
    /// (brightest − darkest)/brightest cell paper white over the grid, 0–1 (0 without enough cells).
    pub unevenness: f64,
}

/// Measures the lighting of the valid part of the document; `None` when nothing is in frame.
pub fn measure(doc: &Rectified, profile: &Profile) -> Option<Lighting> {
    measure_histograms(&LumaHistograms::of(doc), profile)
}

/// `measure` from the document's histograms (`LumaHistograms::of`); the unevenness grid is
/// theirs (3 × 4 cells over the landscape document).
pub(crate) fn measure_histograms(
    histograms: &LumaHistograms,
    profile: &Profile,
) -> Option<Lighting> {
    let all = &histograms.total;
    let valid_count: u64 = all.iter().map(|&c| u64::from(c)).sum();
    if histograms.area == 0 || valid_count == 0 {
        return None;
    }
    let cells = &histograms.cells;
    let clipped: u32 = all[profile.glare_clip_level as usize..].iter().sum();
    let cell_area = histograms.cell_area();
    let mut brightest = 0u8;
    let mut darkest = 255u8;
    for cell in cells {
        let count: u32 = cell.iter().sum();
        if f64::from(count) < MIN_CELL_VALID_FRACTION * cell_area {
            continue;
        }
        let white = percentile(cell, CELL_WHITE_PERCENTILE);
        brightest = brightest.max(white);
        darkest = darkest.min(white);
    }
    let unevenness = if brightest > darkest {
        f64::from(brightest - darkest) / f64::from(brightest)
    } else {
        0.0
    };
    let pct = |p| f64::from(percentile(all, p));
    Some(Lighting {
        p5: pct(CONTRAST_LOW_PERCENTILE),
        p50: pct(0.5),
        p95: pct(CONTRAST_HIGH_PERCENTILE),
        clipped: f64::from(clipped) / valid_count as f64,
        unevenness,
    })
}

/// The exposure check. `value`/`limit` are those of the reported condition: p95 luma vs
/// `min_p95_luma` (dark), median luma vs `max_median_luma` (bright), p95 − p5 vs `min_contrast`,
/// unevenness vs `max_unevenness`. A passing check reports the condition closest to failing.
/// `assess`, plus the whole frame's share of washed-out pixels (0–1, from
/// `prepare::clipped_fraction`): when most of the frame is clipped, the document's outline is
/// gone too and whatever quad was found is not to be trusted for brightness.
/// The document is given by its histograms (`LumaHistograms::of`).
pub(crate) fn assess_in_frame(
    histograms: &LumaHistograms,
    frame_clipped: f64,
    profile: &Profile,
) -> Check {
    if frame_clipped > profile.max_frame_clipped_frac {
        return washed_out(frame_clipped, profile);
    }
    judge(measure_histograms(histograms, profile), profile)
}

/// The exposure check when no document was found: too bright by `frame_clipped` (as in
/// `assess_in_frame`), too dark when the frame's 95th luma percentile `frame_p95` (0–255) is below
/// `profile.min_p95_luma`; otherwise not measured.
pub(crate) fn frame_only(frame_clipped: f64, frame_p95: f64, profile: &Profile) -> Check {
    if frame_clipped > profile.max_frame_clipped_frac {
        return washed_out(frame_clipped, profile);
    }
    if frame_p95 < profile.min_p95_luma {
        return Check::new(CheckId::Exposure, false, Some(frame_p95), Some(profile.min_p95_luma))
            .message(format!(
                "Photo too dark: the brightest parts of the picture reach {frame_p95:.0}/255, {:.0} needed. \
                 Turn on a light or move nearer a window.",
                profile.min_p95_luma
            ))
            .hint("More light")
            .portal("Photo too dark");
    }
    Check::new(CheckId::Exposure, false, None, None)
        .message("Not measured: no document was found.")
        .hint("Show the document to the camera")
}

fn washed_out(frame_clipped: f64, profile: &Profile) -> Check {
    Check::new(
        CheckId::Exposure,
        false,
        Some(100.0 * frame_clipped),
        Some(100.0 * profile.max_frame_clipped_frac),
    )
    .message(format!(
        "Photo too bright: {:.0}% of the picture is washed out. Move away from the lamp or \
         out of direct sunlight.",
        100.0 * frame_clipped
    ))
    .hint("Less light")
    .portal("Photo too bright")
}

/// The exposure check on a rectified document (see `assess_in_frame`).
pub fn assess(doc: &Rectified, profile: &Profile) -> Check {
    judge(measure(doc, profile), profile)
}

/// The exposure check from measured lighting (`None`: nothing of the document in frame).
fn judge(lighting: Option<Lighting>, profile: &Profile) -> Check {
    let Some(l) = lighting else {
        return Check::new(CheckId::Exposure, false, None, None)
            .message("Not measured: the document is not in the frame.")
            .hint("Show the document to the camera");
    };
    let contrast = l.p95 - l.p5;
    if l.p95 < profile.min_p95_luma {
        return Check::new(
            CheckId::Exposure,
            false,
            Some(l.p95),
            Some(profile.min_p95_luma),
        )
        .message(format!(
            "Photo too dark: the document's brightest parts reach {:.0}/255, {:.0} needed. \
                 Turn on a light or move nearer a window.",
            l.p95, profile.min_p95_luma
        ))
        .hint("More light")
        .portal("Photo too dark");
    }
    if l.p50 >= profile.max_median_luma || l.clipped > MAX_CLIPPED_FRACTION {
        return Check::new(
            CheckId::Exposure,
            false,
            Some(l.p50),
            Some(profile.max_median_luma),
        )
        .message(format!(
            "Photo too bright: the document is washed out (median {:.0}/255, {:.0}% clipped). \
                 Move away from the lamp or out of direct sunlight.",
            l.p50,
            100.0 * l.clipped
        ))
        .hint("Less light")
        .portal("Photo too bright");
    }
    if contrast < profile.min_contrast {
        let washed_out = l.p50 >= 128.0;
        return Check::new(
            CheckId::Exposure,
            false,
            Some(contrast),
            Some(profile.min_contrast),
        )
        .message(format!(
            "Low contrast: the print stands only {contrast:.0} levels above the background \
                 ({:.0} needed). {}",
            profile.min_contrast,
            if washed_out {
                "Avoid light shining straight at the camera."
            } else {
                "Add light on the document."
            }
        ))
        .hint(if washed_out {
            "Less light"
        } else {
            "More light"
        })
        .portal(if washed_out {
            "Photo too bright"
        } else {
            "Photo too dark"
        });
    }
    if l.unevenness > profile.max_unevenness {
        return Check::new(
            CheckId::Exposure,
            false,
            Some(l.unevenness),
            Some(profile.max_unevenness),
        )
        .message(format!(
            "Uneven lighting: part of the document is {:.0}% darker than the rest ({:.0}% \
             accepted). Avoid the shadow of your hand or phone on the card.",
            100.0 * l.unevenness,
            100.0 * profile.max_unevenness
        ))
        .hint("Avoid the shadow on the card")
        .portal("Uneven lighting");
    }
    // Passing: show the condition with the least margin, as a fraction of its limit.
    let margins = [
        (
            (l.p95 - profile.min_p95_luma) / profile.min_p95_luma.max(1.0),
            l.p95,
            profile.min_p95_luma,
        ),
        (
            (profile.max_median_luma - l.p50) / profile.max_median_luma.max(1.0),
            l.p50,
            profile.max_median_luma,
        ),
        (
            (contrast - profile.min_contrast) / profile.min_contrast.max(1.0),
            contrast,
            profile.min_contrast,
        ),
        (
            (profile.max_unevenness - l.unevenness) / profile.max_unevenness.max(1e-6),
            l.unevenness,
            profile.max_unevenness,
        ),
    ];
    let closest = margins
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or((l.p95, profile.min_p95_luma), |m| (m.1, m.2));
    Check::new(CheckId::Exposure, true, Some(closest.0), Some(closest.1))
        .message(format!(
            "Well lit: brightness {:.0}/255, contrast {contrast:.0}, unevenness {:.0}%.",
            l.p50,
            100.0 * l.unevenness
        ))
        .hint("Well lit")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_card::{self, card, card_with_paper};

    #[test]
    fn a_well_lit_card_passes() {
        let c = assess(&card(), &Profile::default());
        assert!(c.pass, "{}", c.message);
        assert!(c.value.is_some() && c.limit.is_some());
    }

    #[test]
    fn a_dark_card_is_too_dark() {
        let mut doc = card();
        test_card::map(&mut doc, |_, _, v| v * 0.2);
        let c = assess(&doc, &Profile::default());
        assert!(!c.pass);
        assert_eq!(c.portal, "Photo too dark");
        assert_eq!(c.hint, "More light");
        assert_eq!(c.limit, Some(Profile::default().min_p95_luma));
    }

    #[test]
    fn an_over_exposed_card_is_too_bright() {
        let mut doc = card();
        test_card::map(&mut doc, |_, _, v| v * 2.5);
        let c = assess(&doc, &Profile::default());
        assert!(!c.pass);
        assert_eq!(c.portal, "Photo too bright");
        assert_eq!(c.hint, "Less light");
    }

    #[test]
    fn a_white_card_well_exposed_passes() {
        assert!(assess(&card_with_paper(240.0), &Profile::default()).pass);
    }

    #[test]
    fn a_half_shadowed_card_is_uneven() {
        let mut doc = card();
        let half = doc.width as usize / 2;
        test_card::map(&mut doc, |x, _, v| if x < half { v * 0.4 } else { v });
        let c = assess(&doc, &Profile::default());
        assert!(!c.pass, "{}", c.message);
        assert_eq!(c.portal, "Uneven lighting");
        assert_eq!(c.hint, "Avoid the shadow on the card");
        assert!(c.value.unwrap_or(0.0) > 0.5);
    }

    #[test]
    fn a_washed_out_card_has_low_contrast() {
        let mut doc = card();
        test_card::map(&mut doc, |_, _, v| 150.0 + 0.2 * (v - 128.0));
        let c = assess(&doc, &Profile::default());
        assert!(!c.pass);
        assert_eq!(c.limit, Some(Profile::default().min_contrast));
    }

    #[test]
    fn a_soft_light_gradient_is_not_uneven() {
        let mut doc = card();
        let w = doc.width as f64;
        test_card::map(&mut doc, |x, _, v| v * (1.0 - 0.2 * x as f64 / w));
        assert!(assess(&doc, &Profile::default()).pass);
    }
}
