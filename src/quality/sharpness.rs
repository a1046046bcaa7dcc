//! Edge blur of the rectified document: how sharp it is, per gradient orientation.
//!
//! A measuring stage, deciding nothing: `checks::focus` turns the reading into pass or fail.
//!
//! Measured on the rectified document, so the answer is in millimetres on the document whatever its
//! size in the frame. The metric is EdgeSigma, an edge slope normalised by local contrast (after
//! Kumar, Chen & Doermann, ICPR 2012; docs/ARCHITECTURE.md, Research): at each gradient maximum
//! whose 13×13 neighbourhood spans a real edge, and which is a step rather than a thin stroke, the
//! ratio of the gradient to the local luma range is, for an edge blurred by a Gaussian of σ pixels,
//! 1/(σ·√(2π)). The ratio does not depend on the edge's contrast or the exposure. The sharpest
//! edges (95th percentile of the ratio) give the blur estimate, from which the estimator's own
//! floor (the 640-px sampling) is removed in quadrature. On synthetic cards the reading is about
//! 0.73× the applied Gaussian σ (0.35 mm reads 0.255 mm) at any card size; the threshold is
//! calibrated on the reading.
//!
//! The estimate is taken separately for four gradient orientations (0°, 45°, 90°, 135°) and the
//! blurriest orientation decides: motion blur leaves edges parallel to the motion sharp, so a
//! single pooled estimate would call a shaken photo sharp. The ratio between the sharpest and the
//! blurriest orientation (1 = the same blur in every direction) tells motion blur from defocus.

use super::prepare::push_marked;
use super::rectify::Rectified;
#[cfg(target_arch = "x86_64")]
use super::simd::Avx2;

/// Half-width of the window over which the local luma range is taken, canonical pixels (window
/// 2·R+1 = 13, 1.7 mm on an ID-1 card). A step blurred by σ ≤ 3 px reaches 95 % of its range inside
/// it; the research note's 9×9 compressed blurred readings toward sharp ones on MIDV-500.
const RANGE_RADIUS: usize = 6;

/// An edge point counts only when the luma range around it is at least this many levels (0–255),
/// so noise and faint texture do not vote. Research value: 40.
const MIN_EDGE_RANGE: u8 = 40;

/// Distance along the gradient direction, canonical pixels (≤ `RANGE_RADIUS`), at which both
/// sides of an edge are sampled to tell a step from a thin stroke.
const STEP_PROBE_PX: usize = 4;

/// A step edge's two sides differ by at least this fraction (0–1) of the local range.
const STEP_FRACTION: f32 = 0.6;

/// Minimum Sobel gradient (luma levels per pixel) for a pixel to be considered an edge point.
const MIN_GRADIENT: f32 = 6.0;

/// The percentile of the gradient/range ratio that stands for the document's sharpest edges, 0–1.
/// The research note uses 0.90; on the MIDV-500 dev frames 0.95 separates real frames from σ = 3 px
/// Gaussian blur better (no overlap instead of one frame), because fewer soft edges of the print
/// itself (raised ink, lamination) take part.
const SHARP_EDGE_PERCENTILE: f64 = 0.95;

/// What the estimator reads on a perfectly sharp step after the canonical warp and the Sobel
/// operator, canonical pixels. Subtracted in quadrature (σ² = σ_read² − floor²) so the reported
/// blur is the document's own blur, not the sampling's, and reads the same for an ID card
/// (7.5 px/mm) and a passport page (5.1 px/mm). The sharpest MIDV-500 frames read 1.0–1.1 px.
const ESTIMATOR_FLOOR_PX: f64 = 1.0;

/// Border of the canonical document skipped, millimetres: the card outline itself (card against
/// background) and a slightly wrong quad must not decide the focus of the content.
const BORDER_MARGIN_MM: f64 = 1.5;

/// Edge points are sampled on every this-many-th row (1 = all). 2 halves the cost of the per-point
/// tests and still leaves
/// 2 000–4 000 points, but on MIDV-500 it lets noise σ = 8 push 3 of the softest real frames over
/// the limit (verdict unchanged on 94.9 % instead of 96.6 %), so it stays 1 until recalibrated.
const SAMPLE_ROW_STEP: usize = 1;

/// Gradient orientation bins (over 0–180°).
const ORIENTATION_BINS: usize = 4;

/// An orientation bin needs at least this many edge points to take part in the verdict; fewer is
/// too noisy a percentile (a card with almost no diagonal strokes).
const MIN_POINTS_PER_BIN: u32 = 60;

/// Fewer edge points than this over the whole document: nothing sharp to measure on.
const MIN_EDGE_POINTS: u32 = 200;

/// Histogram resolution of the gradient/range ratio, which lies in 0–0.5 for Sobel gradients.
const RATIO_BINS: usize = 512;
const RATIO_MAX: f32 = 0.5;

/// What `measure` found on the document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeBlur {
    /// Edge blur σ of the blurriest orientation, canonical pixels, beyond the estimator's floor.
    pub sigma_px: f64,
    /// Edge blur σ of the sharpest orientation, canonical pixels, beyond the estimator's floor.
    pub(crate) sharpest_sigma_px: f64,
    /// Sharpest over blurriest orientation's read σ (before the floor is removed), 0–1: near 1 when the blur is the same in every direction
    /// (defocus), small when one direction is smeared (motion).
    pub isotropy: f64,
    /// Edge blur σ of the blurriest orientation as read, floor included, canonical pixels (> 0):
    /// what `sharpness` ranks, so that frames sharper than the floor still rank.
    pub(crate) read_sigma_px: f64,
    /// Number of edge points measured.
    pub(crate) edge_points: u32,
}

/// Scratch buffers for `measure_with`, reusable across frames (about 2.3 MB for a 640 × 404
/// document): Sobel gradients and their squared magnitudes, 13 × 13 sliding max and min and, for a
/// document partly out of frame,
/// the 13 × 13 sliding min of the valid mask (1 where a whole window is in frame).
#[derive(Default)]
pub(crate) struct FocusScratch {
    gx: Vec<i16>,
    gy: Vec<i16>,
    mag2: Vec<i32>,
    win_max: Vec<u8>,
    win_min: Vec<u8>,
    win_valid: Vec<u8>,
    tmp_max: Vec<u8>,
    tmp_min: Vec<u8>,
    mask: Vec<u8>,
    candidates: Vec<u32>,
}

/// Measures edge blur on the valid part of the rectified document. `None` when there are too few
/// edges to tell (a blank or extremely blurred document). Allocates its scratch; see
/// `measure_with` to reuse it.
pub fn measure(doc: &Rectified) -> Option<EdgeBlur> {
    measure_with(doc, &mut FocusScratch::default())
}

/// `measure` with caller-owned scratch buffers.
pub(crate) fn measure_with(doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
    #[cfg(target_arch = "x86_64")]
    if let Some(cpu) = Avx2::detect() {
        return measure_avx2(cpu, doc, scratch);
    }
    measure_body(doc, scratch)
}

/// `measure_body` compiled for AVX2: the Sobel, sliding-window and mask loops vectorise 32 bytes
/// wide instead of 16; same integer and f32 operations, so the same result.
#[cfg(target_arch = "x86_64")]
fn measure_avx2(_cpu: Avx2, doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
    #[target_feature(enable = "avx2")]
    fn compiled(doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
        measure_body(doc, scratch)
    }
    // SAFETY: an `Avx2` exists only on a CPU that has AVX2.
    unsafe { compiled(doc, scratch) }
}

/// `measure_with`'s work, inlined whole with its loops into each build. Kept in one piece
/// (~125 lines): the marking loop and the slices it reads are set up together so that the AVX2
/// build vectorises them as one; the binning and the estimate are separate functions.
#[inline(always)]
fn measure_body(doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
    let (w, h) = (doc.width as usize, doc.height as usize);
    let n = w * h;
    if w == 0 || h == 0 || doc.luma.len() < n || doc.valid.len() < n {
        return None;
    }
    let margin = ((BORDER_MARGIN_MM * doc.px_per_mm).ceil() as usize).max(RANGE_RADIUS + 1);
    if w <= 2 * margin || h <= 2 * margin {
        return None;
    }
    let luma = &doc.luma[..n];
    let valid = &doc.valid[..n];
    sobel(luma, (w, h), scratch);
    window_extremes(luma, w, scratch);
    // `contains` on bytes is a vectorised memchr; a byte-at-a-time `all` is a visible share of the
    // check.
    let all_valid = !valid.contains(&0);
    // An edge point counts only if its whole window is in frame: the window's min of the valid
    // mask is 1. The same flat sliding passes as the luma extremes (an integral image of the
    // invalid pixels would be a serial prefix sum, which does not vectorise).
    if !all_valid {
        sliding(
            valid,
            w,
            &mut scratch.win_valid,
            &mut scratch.tmp_min,
            u8::min,
        );
    }
    let (gx, gy, mag2) = (&scratch.gx, &scratch.gy, &scratch.mag2);
    let (win_max, win_min) = (&scratch.win_max, &scratch.win_min);
    let corner = RANGE_RADIUS * w + RANGE_RADIUS;
    let min_mag2 = (MIN_GRADIENT * SOBEL_SCALE).powi(2) as i32;
    // Edge points are taken on every `SAMPLE_ROW_STEP`-th row. On each, one flat pass (which
    // LLVM vectorises: every test is a compare and a select, every neighbour a shifted slice)
    // marks the pixels that are edge points: a strong gradient, a wide local range with its
    // window in frame, a maximum of the gradient along its direction, a step rather than a
    // stroke. Only the marked ones (about one in forty) are then binned one by one, which is
    // cheaper than running the costlier tests pixel by pixel on the ~19 % that pass the first
    // two. (Running the costlier tests only on 32-px blocks where a pixel passed the cheap ones
    // saves nothing: a card's print puts candidates in nearly every block.)
    let mask = &mut scratch.mask;
    mask.clear();
    mask.resize(w, 0);
    let candidates = &mut scratch.candidates;
    candidates.clear();
    let wi = w as isize;
    for y in (margin..h - margin).step_by(SAMPLE_ROW_STEP) {
        let (start, end) = (y * w + margin, (y + 1) * w - margin);
        let len = end - start;
        let span = &mut mask[..len];
        // The row's pixels, and its neighbours `offset` pixels away, as slices of `len`.
        let around = |offset: isize| {
            let from = (start as isize + offset) as usize;
            &mag2[from..from + len]
        };
        let luma_at = |offset: isize| {
            let from = (start as isize + offset) as usize;
            &luma[from..from + len]
        };
        let (left, right, up, down) = (around(-1), around(1), around(-wi), around(wi));
        let (up_left, down_right, up_right, down_left) = (
            around(-wi - 1),
            around(wi + 1),
            around(-wi + 1),
            around(wi - 1),
        );
        let p = STEP_PROBE_PX as isize;
        let (east, west, south, north) =
            (luma_at(p), luma_at(-p), luma_at(p * wi), luma_at(-p * wi));
        let (south_east, north_west) = (luma_at(p * (wi + 1)), luma_at(-p * (wi + 1)));
        let (north_east, south_west) = (luma_at(p * (1 - wi)), luma_at(-p * (1 - wi)));
        let (gx, gy, here) = (&gx[start..end], &gy[start..end], around(0));
        let (hi, lo) = (
            &win_max[start - corner..end - corner],
            &win_min[start - corner..end - corner],
        );
        // 1 where the pixel's whole window is in frame.
        let window_in_frame = if all_valid {
            &valid[start..end]
        } else {
            &scratch.win_valid[start - corner..end - corner]
        };
        for k in 0..len {
            let m2 = here[k];
            let range = hi[k].wrapping_sub(lo[k]);
            let strong = m2 >= min_mag2;
            let wide = range >= MIN_EDGE_RANGE;
            // The neighbours along the gradient (non-maximum suppression), and the luma
            // `STEP_PROBE_PX` either side of the edge: a thin stroke (same paper on both
            // sides) has a steeper gradient for its height than a step of the same blur and
            // would read sharp. All are read, then one is selected per orientation bin, so the
            // loop has no branch.
            let [across_x, across_y, down_right_bin] = orientation_tests(gx[k], gy[k]);
            let pick = |bin0: (i32, u8), bin1: (i32, u8), bin2: (i32, u8), bin3: (i32, u8)| {
                if across_x {
                    bin0
                } else if across_y {
                    bin2
                } else if down_right_bin {
                    bin1
                } else {
                    bin3
                }
            };
            let (before, ahead) = pick(
                (left[k], east[k]),
                (up_left[k], south_east[k]),
                (up[k], south[k]),
                (down_left[k], north_east[k]),
            );
            let (after, behind) = pick(
                (right[k], west[k]),
                (down_right[k], north_west[k]),
                (down[k], north[k]),
                (up_right[k], south_west[k]),
            );
            let maximum = m2 >= before && m2 > after;
            let step = f32::from(ahead.abs_diff(behind)) >= STEP_FRACTION * f32::from(range);
            span[k] = u8::from(strong & wide & (window_in_frame[k] != 0) & maximum & step);
        }
        push_marked(span, start, candidates);
    }
    let hist = ratio_histograms(candidates, (gx, gy, mag2), (win_max, win_min), corner);
    blur_from_histograms(&hist)
}

/// Per gradient orientation, the histogram of the edge points' gradient-to-range ratios.
type RatioHistograms = [[u32; RATIO_BINS]; ORIENTATION_BINS];

/// Bins each marked edge point (indices into the rectified document) by its gradient orientation
/// and its gradient-to-local-range ratio.
fn ratio_histograms(
    candidates: &[u32],
    (gx, gy, mag2): (&[i16], &[i16], &[i32]),
    (win_max, win_min): (&[u8], &[u8]),
    corner: usize,
) -> RatioHistograms {
    let mut hist = [[0u32; RATIO_BINS]; ORIENTATION_BINS];
    for &c in candidates {
        let i = c as usize;
        let bin = orientation_bin(gx[i], gy[i]);
        let range = win_max[i - corner] - win_min[i - corner];
        let ratio = (mag2[i] as f32).sqrt() / SOBEL_SCALE / f32::from(range);
        let slot = ((ratio / RATIO_MAX) * RATIO_BINS as f32) as usize;
        hist[bin][slot.min(RATIO_BINS - 1)] += 1;
    }
    hist
}

/// The blur estimate from the ratio histograms: the blurriest orientation with enough points
/// (its `SHARP_EDGE_PERCENTILE` ratio turned into a Gaussian σ), less the estimator's own floor;
/// `None` with too few edge points.
fn blur_from_histograms(hist: &RatioHistograms) -> Option<EdgeBlur> {
    let counts: [u32; ORIENTATION_BINS] = std::array::from_fn(|bin| hist[bin].iter().sum());
    let total: u32 = counts.iter().sum();
    if total < MIN_EDGE_POINTS {
        return None;
    }
    let sigma_of = |bin: usize| {
        let target = (f64::from(counts[bin]) * SHARP_EDGE_PERCENTILE).ceil() as u32;
        let mut seen = 0u32;
        let mut slot = 0usize;
        for (i, &c) in hist[bin].iter().enumerate() {
            seen += c;
            slot = i;
            if seen >= target {
                break;
            }
        }
        let ratio = (slot as f64 + 0.5) / RATIO_BINS as f64 * f64::from(RATIO_MAX);
        1.0 / (ratio * (2.0 * std::f64::consts::PI).sqrt())
    };
    let mut blurriest = f64::MIN;
    let mut sharpest = f64::MAX;
    for (bin, &count) in counts.iter().enumerate() {
        if count >= MIN_POINTS_PER_BIN {
            let s = sigma_of(bin);
            blurriest = blurriest.max(s);
            sharpest = sharpest.min(s);
        }
    }
    if blurriest == f64::MIN {
        return None;
    }
    let own_blur = |read: f64| {
        (read * read - ESTIMATOR_FLOOR_PX * ESTIMATOR_FLOOR_PX)
            .max(0.0)
            .sqrt()
    };
    Some(EdgeBlur {
        sigma_px: own_blur(blurriest),
        sharpest_sigma_px: own_blur(sharpest),
        isotropy: sharpest / blurriest,
        read_sigma_px: blurriest,
        edge_points: total,
    })
}

/// Sobel gradients are stored ×8 (integer kernel): squared magnitudes compare in those units.
const SOBEL_SCALE: f32 = 8.0;

/// The gradient direction of (gx, gy) quantised to 0°, 45°, 90°, 135°: bin 0 (across x), 1
/// (down-right), 2 (across y), 3 (up-right).
#[inline(always)]
fn orientation_bin(gx: i16, gy: i16) -> usize {
    match orientation_tests(gx, gy) {
        [true, _, _] => 0,
        [false, true, _] => 2,
        [false, false, true] => 1,
        [false, false, false] => 3,
    }
}

/// The tests `orientation_bin` decides by, each computed whatever the others say (so a loop over
/// pixels can select without branching): within 22.5° of the x axis, within 22.5° of the y axis,
/// and gx and gy of the same sign (the down-right diagonal).
#[inline(always)]
fn orientation_tests(gx: i16, gy: i16) -> [bool; 3] {
    // tan(22.5°).
    const TAN_22_5: f32 = 0.414_213_57;
    let (fx, fy) = (f32::from(gx), f32::from(gy));
    let (ax, ay) = (fx.abs(), fy.abs());
    [
        ay <= ax * TAN_22_5,
        ax <= ay * TAN_22_5,
        (fx > 0.0) == (fy > 0.0),
    ]
}

/// Sobel gradients ×8 (integer kernel) of every interior pixel into `s.gx` and `s.gy`, and their
/// squared magnitudes into `s.mag2`. The
/// one-pixel border is left as it was (0 or a previous frame's values): edge points keep a margin
/// of more than `RANGE_RADIUS` pixels, so nothing reads it, and zeroing 1 MB per frame would be a
/// tenth of the check's cost.
#[inline(always)]
fn sobel(luma: &[u8], (w, h): (usize, usize), s: &mut FocusScratch) {
    s.gx.resize(w * h, 0);
    s.gy.resize(w * h, 0);
    s.mag2.resize(w * h, 0);
    let (gx, gy, mag2) = (&mut s.gx, &mut s.gy, &mut s.mag2);
    for y in 1..h - 1 {
        let r0 = &luma[(y - 1) * w..y * w];
        let r1 = &luma[y * w..(y + 1) * w];
        let r2 = &luma[(y + 1) * w..(y + 2) * w];
        let ox = &mut gx[y * w + 1..(y + 1) * w - 1];
        let oy = &mut gy[y * w + 1..(y + 1) * w - 1];
        let om = &mut mag2[y * w + 1..(y + 1) * w - 1];
        for (k, ((ox, oy), om)) in ox
            .iter_mut()
            .zip(oy.iter_mut())
            .zip(om.iter_mut())
            .enumerate()
        {
            let at = |r: &[u8], i: usize| i16::from(r[i]);
            let (l, c, r) = (k, k + 1, k + 2);
            *ox = at(r0, r) + 2 * at(r1, r) + at(r2, r) - at(r0, l) - 2 * at(r1, l) - at(r2, l);
            *oy = at(r2, l) + 2 * at(r2, c) + at(r2, r) - at(r0, l) - 2 * at(r0, c) - at(r0, r);
            *om = i32::from(*ox) * i32::from(*ox) + i32::from(*oy) * i32::from(*oy);
        }
    }
}

/// Sliding max and min of luma over (2R+1)² windows. After the call, `s.win_max[i]` and
/// `s.win_min[i]` hold the max and min over the window whose top-left pixel is `i` (so the window
/// centred on pixel c is read at c − R·w − R). Windows running past the right or bottom border hold
/// garbage and are never read (edge points keep a margin > R). Each direction takes log₂ passes
/// of a flat element-wise max/min (doubling windows 1, 2, 4, 8 then one overlapping step to 13),
/// which compilers vectorise.
#[inline(always)]
fn window_extremes(luma: &[u8], w: usize, s: &mut FocusScratch) {
    sliding(luma, w, &mut s.win_max, &mut s.tmp_max, u8::max);
    sliding(luma, w, &mut s.win_min, &mut s.tmp_min, u8::min);
}

/// One of `window_extremes`' two planes: `pick` is `u8::max` or `u8::min`.
#[inline(always)]
fn sliding(
    luma: &[u8],
    w: usize,
    out: &mut Vec<u8>,
    tmp: &mut Vec<u8>,
    pick: impl Fn(u8, u8) -> u8,
) {
    let n = luma.len();
    let size = 2 * RANGE_RADIUS + 1;
    out.clear();
    out.extend_from_slice(luma);
    // Every element of `tmp` is written before it is read.
    tmp.resize(n, 0);
    for stride in [1, w] {
        let mut span = 1;
        while span < size {
            let shift = span.min(size - span);
            let d = shift * stride;
            if d >= n {
                break;
            }
            for ((t, &a), &b) in tmp[..n - d].iter_mut().zip(&out[..n - d]).zip(&out[d..]) {
                *t = pick(a, b);
            }
            tmp[n - d..].copy_from_slice(&out[n - d..]);
            std::mem::swap(out, tmp);
            span += shift;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::test_card::{self, card};

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_build_reads_the_same_as_the_portable_one() {
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        };
        let mut half_out = card();
        // The left quarter out of frame: the per-window validity test runs too.
        for (i, v) in half_out.valid.iter_mut().enumerate() {
            *v = u8::from(i % half_out.width as usize >= 160);
        }
        half_out.valid_count = half_out.valid.iter().filter(|&&v| v != 0).count();
        for sigma in [0.0, 1.2, 3.0] {
            for base in [card(), half_out.clone()] {
                let mut doc = base;
                if sigma > 0.0 {
                    test_card::blur(&mut doc, sigma);
                }
                let portable = measure_body(&doc, &mut FocusScratch::default());
                let avx2 = measure_avx2(cpu, &doc, &mut FocusScratch::default());
                assert!(portable.is_some(), "σ {sigma}: something to measure");
                assert_eq!(avx2, portable, "σ {sigma}");
            }
        }
    }
}
