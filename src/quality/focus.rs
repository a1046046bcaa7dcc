//! `focus`: is the document sharp enough to read, and if not, is it motion blur or defocus?
//!
//! Measured on the rectified document, so the answer is in millimetres on the document whatever its
//! size in the frame. The metric is EdgeSigma (../shared/research/quality-checks.md §1): at each
//! gradient maximum whose 13×13 neighbourhood spans a real edge, and which is a step rather than a
//! thin stroke, the ratio of the gradient to the local luma range is, for an edge blurred by a
//! Gaussian of σ pixels, 1/(σ·√(2π)). The ratio does not depend on the edge's contrast or the
//! exposure. The sharpest edges (95th percentile of the ratio) give the blur estimate, from which
//! the estimator's own floor (the 640-px sampling) is removed in quadrature. On synthetic cards the
//! reading is about 0.73× the applied Gaussian σ (0.35 mm reads 0.255 mm) at any card size; the
//! threshold is calibrated on the reading.
//!
//! The estimate is taken separately for four gradient orientations (0°, 45°, 90°, 135°) and the
//! blurriest orientation decides: motion blur leaves edges parallel to the motion sharp, so a
//! single pooled estimate would call a shaken photo sharp. The ratio between the sharpest and the
//! blurriest orientation (1 = the same blur in every direction) tells motion blur from defocus.

use super::prepare::push_marked;
use super::profile::Profile;
use super::rectify::Rectified;
use super::{BlurKind, Check, CheckId};

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
/// tests (focus 1.5 → 0.9 ms CPU in a rustc -O run on the loaded dev box) and still leaves
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

/// The result of the focus check, with what live capture needs.
pub struct FocusResult {
    pub check: Check,
    /// Motion blur or defocus, set only when the check fails and the kind is clear.
    pub blur_kind: Option<BlurKind>,
    /// Higher is sharper: 1 / (edge blur in mm as read, the sampling floor included), so it ranks
    /// frames even below the threshold; typically 3–8 on a sharp document, 0 when nothing could be
    /// measured.
    pub sharpness: f64,
}

/// What `measure` found on the document.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeBlur {
    /// Edge blur σ of the blurriest orientation, canonical pixels, beyond the estimator's floor.
    pub sigma_px: f64,
    /// Edge blur σ of the sharpest orientation, canonical pixels, beyond the estimator's floor.
    pub sharpest_sigma_px: f64,
    /// Sharpest over blurriest orientation's read σ (before the floor is removed), 0–1: near 1 when the blur is the same in every direction
    /// (defocus), small when one direction is smeared (motion).
    pub isotropy: f64,
    /// Edge blur σ of the blurriest orientation as read, floor included, canonical pixels (> 0):
    /// what `sharpness` ranks, so that frames sharper than the floor still rank.
    pub read_sigma_px: f64,
    /// Number of edge points measured.
    pub edge_points: u32,
}

/// Scratch buffers for `measure_with`, reusable across frames (about 2.3 MB for a 640 × 404
/// document): Sobel gradients and their squared magnitudes, 13 × 13 sliding max and min and, for a
/// document partly out of frame,
/// the 13 × 13 sliding min of the valid mask (1 where a whole window is in frame).
#[derive(Default)]
pub struct FocusScratch {
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
pub fn measure_with(doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
    #[cfg(target_arch = "x86_64")]
    if super::simd::Avx2::detect().is_some() {
        // SAFETY: the CPU has AVX2 (checked on the line above).
        return unsafe { measure_avx2(doc, scratch) };
    }
    measure_body(doc, scratch)
}

/// `measure_body` compiled for AVX2: the Sobel, sliding-window and mask loops vectorise 32 bytes
/// wide instead of 16; same integer and f32 operations, so the same result. Cycles of
/// `assess_profile 1080p --stream 40`: −3.8 % (the check ~16 % faster).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn measure_avx2(doc: &Rectified, scratch: &mut FocusScratch) -> Option<EdgeBlur> {
    measure_body(doc, scratch)
}

/// `measure_with`'s work, inlined whole with its loops into each build.
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
    // `contains` on bytes is a vectorised memchr; a byte-at-a-time `all` was 9 % of the check.
    let all_valid = !valid.contains(&0);
    // An edge point counts only if its whole window is in frame: the window's min of the valid
    // mask is 1. The same flat sliding passes as the luma extremes (an integral image of the
    // invalid pixels, a serial prefix sum, took 5.5 M instructions per frame partly out of
    // frame).
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
    let mut hist = [[0u32; RATIO_BINS]; ORIENTATION_BINS];
    let mut counts = [0u32; ORIENTATION_BINS];
    // Edge points are taken on every `SAMPLE_ROW_STEP`-th row. On each, one flat pass (which
    // LLVM vectorises: every test is a compare and a select, every neighbour a shifted slice)
    // marks the pixels that are edge points: a strong gradient, a wide local range with its
    // window in frame, a maximum of the gradient along its direction, a step rather than a
    // stroke. Only the marked ones (about one in forty) are then binned one by one. Marking
    // after the first two tests only and running the others pixel by pixel on the ~19 % that
    // passed them, the check took 7.2 M instructions per 720p stream frame; now 6.8 M. (Running
    // the costlier tests only on 32-px blocks where a pixel passed the cheap ones saves nothing:
    // a card's print puts candidates in nearly every block.)
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
    for &c in candidates.iter() {
        let i = c as usize;
        let bin = orientation_bin(gx[i], gy[i]);
        let range = win_max[i - corner] - win_min[i - corner];
        let ratio = (mag2[i] as f32).sqrt() / SOBEL_SCALE / f32::from(range);
        let slot = ((ratio / RATIO_MAX) * RATIO_BINS as f32) as usize;
        hist[bin][slot.min(RATIO_BINS - 1)] += 1;
        counts[bin] += 1;
    }
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
/// of more than `RANGE_RADIUS` pixels, so nothing reads it, and zeroing 1 MB per frame was 10 % of
/// the check's instructions.
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

/// The focus check: fails when the blurriest direction's edge blur exceeds `profile.max_blur_mm`.
/// Allocates its scratch; see `assess_with` to reuse it across frames.
pub fn assess(doc: &Rectified, profile: &Profile) -> FocusResult {
    assess_with(doc, profile, &mut FocusScratch::default())
}

/// `assess` with caller-owned scratch buffers (for a live stream).
pub fn assess_with(doc: &Rectified, profile: &Profile, scratch: &mut FocusScratch) -> FocusResult {
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
    let blur_mm = m.sigma_px / doc.px_per_mm;
    let pass = blur_mm <= limit;
    let kind = if m.isotropy < profile.motion_anisotropy {
        BlurKind::Motion
    } else {
        BlurKind::OutOfFocus
    };
    let check = Check::new(CheckId::Focus, pass, Some(blur_mm), Some(limit));
    let check = if pass {
        check
            .message(format!(
                "Sharp: edges blurred by {blur_mm:.2} mm (up to {limit:.2} mm accepted)."
            ))
            .hint("Sharp")
    } else if kind == BlurKind::Motion {
        check
            .message(format!(
                "Photo too blurry: hold the camera still (motion blur of {blur_mm:.2} mm, \
                 {limit:.2} mm accepted)."
            ))
            .hint("Hold still")
    } else {
        check
            .message(format!(
                "Out of focus: move back a little so the camera can focus (blur {blur_mm:.2} mm, \
                 {limit:.2} mm accepted)."
            ))
            .hint("Move back to focus")
    };
    FocusResult {
        check,
        blur_kind: (!pass).then_some(kind),
        sharpness: doc.px_per_mm / m.read_sigma_px.max(1e-6),
    }
}

/// A canonical-size test card drawn straight into a `Rectified`, shared by the photometric unit
/// tests: paper, a title band, a portrait box and rows of glyph-like strokes, antialiased by 4×4
/// supersampling so a "sharp" card is as sharp as a good camera makes it.
#[cfg(test)]
pub(crate) mod test_card {
    use crate::quality::geometry::Homography;
    use crate::quality::rectify::Rectified;
    use image::{GrayImage, Luma};

    /// ID-1 at 640 px: 7.48 px/mm.
    pub const W: u32 = 640;
    pub const H: u32 = 404;

    fn hash(x: u64) -> u64 {
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Luma at canonical point (x, y) of a card with the given paper level.
    fn shade(x: f64, y: f64, paper: f64) -> f64 {
        let ink = 40.0;
        if (15.0..45.0).contains(&y) {
            return 70.0; // title band, dark blue
        }
        if (20.0..200.0).contains(&x) && (70.0..370.0).contains(&y) {
            let d = ((x - 110.0) / 55.0).powi(2) + ((y - 190.0) / 70.0).powi(2);
            return if d < 1.0 { 160.0 } else { 110.0 };
        }
        if (230.0..620.0).contains(&x) && (70.0..380.0).contains(&y) {
            let (row, col) = (((y - 70.0) / 40.0) as u64, ((x - 230.0) / 15.0) as u64);
            let (fy, fx) = ((y - 70.0) % 40.0, (x - 230.0) % 15.0);
            let bits = hash(row * 1000 + col);
            let in_glyph = (6.0..26.0).contains(&fy) && (2.0..12.0).contains(&fx);
            if in_glyph {
                let (gx, gy) = (fx - 2.0, fy - 6.0);
                let stroke = 2.5;
                let on = (bits & 1 != 0 && gy < stroke)
                    || (bits & 2 != 0 && (9.0..9.0 + stroke).contains(&gy))
                    || (bits & 4 != 0 && gy >= 20.0 - stroke)
                    || (bits & 8 != 0 && gx < stroke)
                    || (bits & 16 != 0 && gx >= 10.0 - stroke)
                    || (bits & 32 != 0 && (gx - gy * 0.5).abs() < stroke * 0.6);
                if on {
                    return ink;
                }
            }
        }
        paper
    }

    /// A sharp card with paper luma `paper` (0–255), fully in frame.
    pub fn card_with_paper(paper: f64) -> Rectified {
        let n = (W * H) as usize;
        let mut luma = vec![0u8; n];
        const SS: usize = 4;
        for y in 0..H as usize {
            for x in 0..W as usize {
                let mut acc = 0.0;
                for sy in 0..SS {
                    for sx in 0..SS {
                        let px = x as f64 + (sx as f64 + 0.5) / SS as f64;
                        let py = y as f64 + (sy as f64 + 0.5) / SS as f64;
                        acc += shade(px, py, paper);
                    }
                }
                luma[y * W as usize + x] = (acc / (SS * SS) as f64).round() as u8;
            }
        }
        let mut doc = Rectified::default();
        doc.width = W;
        doc.height = H;
        doc.px_per_mm = f64::from(W) / 85.6;
        doc.luma = luma;
        doc.valid = vec![1; n];
        doc.valid_count = n;
        doc.to_image = Some(Homography([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]));
        doc
    }

    /// A sharp, well-exposed card (paper 215).
    pub fn card() -> Rectified {
        card_with_paper(215.0)
    }

    /// Applies `f` to every luma value (clamped to 0–255).
    pub fn map(doc: &mut Rectified, f: impl Fn(usize, usize, f64) -> f64) {
        let w = doc.width as usize;
        for (i, l) in doc.luma.iter_mut().enumerate() {
            let (x, y) = (i % w, i / w);
            *l = f(x, y, f64::from(*l)).round().clamp(0.0, 255.0) as u8;
        }
    }

    fn gray(doc: &Rectified) -> GrayImage {
        GrayImage::from_raw(doc.width, doc.height, doc.luma.clone()).unwrap_or_default()
    }

    fn set_gray(doc: &mut Rectified, img: &GrayImage) {
        doc.luma = img.as_raw().clone();
    }

    /// Gaussian blur of σ canonical pixels.
    pub fn blur(doc: &mut Rectified, sigma: f32) {
        let img = imageproc::filter::gaussian_blur_f32(&gray(doc), sigma);
        set_gray(doc, &img);
    }

    /// Horizontal motion blur over `len` pixels.
    pub fn motion(doc: &mut Rectified, len: u32) {
        let src = gray(doc);
        let mut out = src.clone();
        let half = len as i64 / 2;
        for y in 0..doc.height {
            for x in 0..doc.width {
                let mut acc = 0u32;
                let mut n = 0u32;
                for d in -half..=half {
                    let sx = (i64::from(x) + d).clamp(0, i64::from(doc.width) - 1) as u32;
                    acc += u32::from(src.get_pixel(sx, y)[0]);
                    n += 1;
                }
                out.put_pixel(x, y, Luma([(acc / n) as u8]));
            }
        }
        set_gray(doc, &out);
    }

    /// Adds Gaussian-distributed noise of σ levels (Box–Muller on a hash).
    pub fn noise(doc: &mut Rectified, sigma: f64, seed: u64) {
        let to01 = |v: u64| ((v >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        for (i, l) in doc.luma.iter_mut().enumerate() {
            let h = hash(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
            let (u1, u2) = (to01(h), to01(hash(h)));
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            *l = (f64::from(*l) + sigma * z).round().clamp(0.0, 255.0) as u8;
        }
    }

    /// Adds a soft white highlight centred at (cx, cy) that clips the default paper (215) within
    /// `radius` pixels and fades out beyond.
    pub fn glare(doc: &mut Rectified, cx: f64, cy: f64, radius: f64) {
        // Light of peak 2.2 × 255 lifts paper 215 to 255 where exp(−r²/2s²) = 40/561.
        let s = radius / (2.0 * (2.2f64 * 255.0 / 40.0).ln()).sqrt();
        map(doc, |x, y, v| {
            let r2 = (x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2);
            v + 2.2 * 255.0 * (-r2 / (2.0 * s * s)).exp()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::test_card::{self, card};
    use super::*;

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

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_build_reads_the_same_as_the_portable_one() {
        if crate::quality::simd::Avx2::detect().is_none() {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        }
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
                // SAFETY: the CPU has AVX2 (checked above).
                let avx2 = unsafe { measure_avx2(&doc, &mut FocusScratch::default()) };
                assert!(portable.is_some(), "σ {sigma}: something to measure");
                assert_eq!(avx2, portable, "σ {sigma}");
            }
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
