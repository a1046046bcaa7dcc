//! Sub-pixel refinement of a quad's sides at full resolution, shared by the detector and `track`.
//!
//! Decides where exactly each side lies: the strongest colour edge across the rough side at points
//! spread along it, the densest band of those edges, and a robust line fit through them.

use super::super::Frame;
use super::super::geometry::{Point, line_intersection};
use super::super::simd::Avx2;
use super::lines::{angle_diff_deg, fit_line_normal, normal_angle_deg, normal_form_points};

/// Most a side may turn, degrees (0–90), when refined at full resolution.
const MAX_REFINE_TURN_DEG: f64 = 3.0;
/// A seen side is searched this many full-resolution pixels per working pixel either side…
const SEARCH_PER_WORKING_PX: f64 = 1.5;
/// …plus this many full-resolution pixels.
const SEARCH_SLACK_PX: f64 = 2.0;
/// A predicted side is searched at least this fraction (0–1) of its length either side.
const PREDICTED_SEARCH_FRAC: f64 = 0.05;
/// Shortest side, full-resolution pixels, that is refined.
const MIN_REFINE_SIDE_PX: f64 = 4.0;
/// One probe across the side per this many full-resolution pixels of its length…
const PROBE_SPACING_PX: f64 = 6.0;
/// …but at least this many probes…
const MIN_PROBES: usize = 8;
/// …and at most this many.
const MAX_PROBES: usize = 120;
/// The probes are spread over the side from this fraction (0–1) of its length, leaving the
/// rounded corners out…
const PROBE_START_FRAC: f64 = 0.08;
/// …over this fraction of it.
const PROBE_SPAN_FRAC: f64 = 0.84;
/// Least colour step (0–255, strongest channel, central difference over 2 px) a probe needs to
/// find an edge.
const MIN_EDGE_STEP: f64 = 12.0;
/// Least edges found (and kept after outliers go) for a side to be fitted.
const MIN_FIT_POINTS: usize = 6;
/// Edges whose offset across the side is within this many pixels of the densest 3-px band are
/// kept.
const BAND_HALF_WIDTH_PX: f64 = 2.0;
/// Outliers: an edge further from the fitted line than this many median absolute residuals…
const OUTLIER_MADS: f64 = 2.5;
/// …and than this many pixels is dropped before the line is fitted again.
const MIN_OUTLIER_CUT_PX: f64 = 1.0;
/// How many times outliers are dropped and the line refitted.
const OUTLIER_ROUNDS: usize = 2;

/// Re-locates each side at full resolution. Side k runs from `corners[k]` to `corners[k + 1]`;
/// the side `predicted` (if any) was inferred rather than seen, so it is searched more widely.
pub(super) fn refine_quad(
    frame: &Frame,
    corners: &[Point; 4],
    factor: f64,
    predicted: Option<usize>,
) -> Option<[Point; 4]> {
    let simd = Avx2::detect();
    let mut lines: [(Point, Point); 4] = [(Point::default(), Point::default()); 4];
    for k in 0..4 {
        let (p, q) = (corners[k], corners[(k + 1) % 4]);
        let mut search = SEARCH_PER_WORKING_PX * factor + SEARCH_SLACK_PX;
        if predicted == Some(k) {
            search = search.max(PREDICTED_SEARCH_FRAC * p.dist(q));
        }
        lines[k] = refine_side(simd, frame, p, q, search).map_or((p, q), |side| side.line);
    }
    let x = |a: usize, b: usize| line_intersection(lines[a].0, lines[a].1, lines[b].0, lines[b].1);
    Some([x(3, 0)?, x(0, 1)?, x(1, 2)?, x(2, 3)?])
}

/// A side re-located at full resolution.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RefinedSide {
    /// Two points on the fitted line.
    pub(crate) line: (Point, Point),
    /// Fraction 0–1 of the probes along the side (those inside the frame) whose strongest edge
    /// lies on the fitted line.
    pub(crate) support: f64,
}

/// Finds the strongest colour edge along the normal of the segment p–q at points spread along it
/// (within `search` pixels either side), and fits a line to them. `simd`: `Avx2::detect()`, taken
/// once by the caller for all its sides.
pub(crate) fn refine_side(
    simd: Option<Avx2>,
    frame: &Frame,
    p: Point,
    q: Point,
    search: f64,
) -> Option<RefinedSide> {
    #[cfg(target_arch = "x86_64")]
    if let Some(cpu) = simd {
        return refine_side_avx2(cpu, frame, p, q, search);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = simd;
    refine_side_body(frame, p, q, search)
}

/// `refine_side_body` compiled for AVX2: the three channels of each bilinear sample of the
/// profiles are interpolated in one vector (the same f64 operations per channel, so the same
/// values).
#[cfg(target_arch = "x86_64")]
fn refine_side_avx2(
    _cpu: Avx2,
    frame: &Frame,
    p: Point,
    q: Point,
    search: f64,
) -> Option<RefinedSide> {
    #[target_feature(enable = "avx2")]
    fn compiled(frame: &Frame, p: Point, q: Point, search: f64) -> Option<RefinedSide> {
        refine_side_body(frame, p, q, search)
    }
    // SAFETY: an `Avx2` exists only on a CPU that has AVX2.
    unsafe { compiled(frame, p, q, search) }
}

/// `refine_side`'s work, inlined whole into each build.
#[inline(always)]
fn refine_side_body(frame: &Frame, p: Point, q: Point, search: f64) -> Option<RefinedSide> {
    let (fw, fh) = (f64::from(frame.width()), f64::from(frame.height()));
    let len = p.dist(q);
    if len < MIN_REFINE_SIDE_PX {
        return None;
    }
    let dir = q.minus(p).scale(1.0 / len);
    let normal = Point::new(-dir.y, dir.x);
    let samples = ((len / PROBE_SPACING_PX) as usize).clamp(MIN_PROBES, MAX_PROBES);
    let steps = search.ceil() as i32;
    let mut found: Vec<(Point, f64)> = Vec::with_capacity(samples);
    let mut profile = vec![[0.0f64; 3]; (2 * steps + 3) as usize];
    let mut inside = 0usize;
    for s in 0..samples {
        let f = PROBE_START_FRAC + PROBE_SPAN_FRAC * (s as f64 + 0.5) / samples as f64;
        let base = p.plus(q.minus(p).scale(f));
        let lo = base.plus(normal.scale(-(f64::from(steps) + 1.0)));
        let hi = base.plus(normal.scale(f64::from(steps) + 1.0));
        if lo.x < 1.0
            || lo.y < 1.0
            || hi.x < 1.0
            || hi.y < 1.0
            || lo.x > fw - 2.0
            || hi.x > fw - 2.0
            || lo.y > fh - 2.0
            || hi.y > fh - 2.0
        {
            continue;
        }
        inside += 1;
        for (i, slot) in profile.iter_mut().enumerate() {
            let o = i as f64 - f64::from(steps) - 1.0;
            *slot = bilinear_rgb(frame, base.plus(normal.scale(o)));
        }
        // Central differences at offsets -steps..=steps; strongest channel response.
        let mut best = (0.0f64, 0i32, 0usize);
        for o in -steps..=steps {
            let i = (o + steps + 1) as usize;
            for (ch, (after, before)) in profile[i + 1].iter().zip(&profile[i - 1]).enumerate() {
                let g = (after - before).abs();
                if g > best.0 {
                    best = (g, o, ch);
                }
            }
        }
        let (g, o, ch) = best;
        if g < MIN_EDGE_STEP || o.abs() == steps {
            continue;
        }
        let i = (o + steps + 1) as usize;
        let gm = (profile[i][ch] - profile[i - 2][ch]).abs();
        let gp = (profile[i + 2][ch] - profile[i][ch]).abs();
        let denom = gm - 2.0 * g + gp;
        let sub = if denom.abs() > 1e-9 {
            (0.5 * (gm - gp) / denom).clamp(-0.5, 0.5)
        } else {
            0.0
        };
        found.push((
            base.plus(normal.scale(f64::from(o) + sub)),
            f64::from(o) + sub,
        ));
    }
    if found.len() < MIN_FIT_POINTS {
        return None;
    }
    // The side is where most samples agree: keep the samples in the densest 3-px band of offsets
    // (print inside the document, such as a line of text near its edge, is scattered).
    let mut bins = vec![0u32; (2 * steps + 3) as usize];
    let last_bin = bins.len() - 1;
    for f in &found {
        bins[((f.1 + f64::from(steps)).round().max(0.0) as usize).min(last_bin)] += 1;
    }
    let centre = (1..bins.len().saturating_sub(1))
        .max_by_key(|&i| (bins[i - 1] + bins[i] + bins[i + 1], std::cmp::Reverse(i)))
        .map_or(0.0, |i| i as f64 - f64::from(steps));
    let mut pts: Vec<Point> = found
        .iter()
        .filter(|f| (f.1 - centre).abs() <= BAND_HALF_WIDTH_PX)
        .map(|f| f.0)
        .collect();
    if pts.len() < MIN_FIT_POINTS {
        return None;
    }
    for _ in 0..OUTLIER_ROUNDS {
        let (theta, rho) = fit_line_normal(&pts, normal_angle_deg(normal))?;
        let (s, c) = theta.to_radians().sin_cos();
        let mut res: Vec<f64> = pts
            .iter()
            .map(|p| (p.x * c + p.y * s - rho).abs())
            .collect();
        let mut sorted = res.clone();
        sorted.sort_by(f64::total_cmp);
        let mad = sorted[sorted.len() / 2];
        let cut = (OUTLIER_MADS * mad).max(MIN_OUTLIER_CUT_PX);
        let kept: Vec<Point> = pts
            .iter()
            .zip(res.iter_mut())
            .filter(|(_, r)| **r <= cut)
            .map(|(p, _)| *p)
            .collect();
        if kept.len() < MIN_FIT_POINTS {
            break;
        }
        pts = kept;
    }
    let (theta, rho) = fit_line_normal(&pts, normal_angle_deg(normal))?;
    // The refined side may straighten the rough one by a little, not turn it.
    if angle_diff_deg(theta, normal_angle_deg(normal)) > MAX_REFINE_TURN_DEG {
        return None;
    }
    Some(RefinedSide {
        line: normal_form_points(theta, rho),
        support: pts.len() as f64 / inside.max(1) as f64,
    })
}

#[inline(always)]
fn bilinear_rgb(frame: &Frame, p: Point) -> [f64; 3] {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    // Truncating a non-negative value is the floor, without a libm call.
    let x0 = (p.x.max(0.0) as usize).min(w - 1);
    let y0 = (p.y.max(0.0) as usize).min(h - 1);
    let x1 = (x0 + 1).min(w - 1);
    let y1 = (y0 + 1).min(h - 1);
    let fx = p.x - x0 as f64;
    let fy = p.y - y0 as f64;
    let raw = frame.as_raw();
    // The four pixels' channels, each as four lanes (the fourth unused) so that the AVX2 build
    // interpolates all channels at once.
    let pixel = |x: usize, y: usize| {
        let at = (y * w + x) * 3;
        raw.get(at..at + 3).map_or([0.0; 4], |c| {
            [f64::from(c[0]), f64::from(c[1]), f64::from(c[2]), 0.0]
        })
    };
    let (tl, tr, bl, br) = (pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1));
    let mut out = [0.0; 4];
    for c in 0..4 {
        let top = tl[c] * (1.0 - fx) + tr[c] * fx;
        let bottom = bl[c] * (1.0 - fx) + br[c] * fx;
        out[c] = top * (1.0 - fy) + bottom * fy;
    }
    [out[0], out[1], out[2]]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_build_of_refine_side_finds_the_same_lines() {
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        };
        // A light card with a slanted, soft left edge on a textured background; sides near it,
        // along it and across the frame's border.
        let frame = image::RgbImage::from_fn(800, 500, |x, y| {
            let edge = 200.0 + 0.1 * f64::from(y);
            let t = ((f64::from(x) - edge) / 1.7).clamp(-1.0, 1.0) * 0.5 + 0.5;
            let noise = ((x * 31 + y * 17) % 23) as f64;
            let v = |dark: f64, light: f64| (dark + (light - dark) * t + noise) as u8;
            image::Rgb([v(40.0, 210.0), v(60.0, 200.0), v(80.0, 190.0)])
        });
        let sides = [
            (Point::new(203.0, 20.0), Point::new(247.0, 480.0), 6.0),
            (Point::new(196.0, 10.0), Point::new(240.0, 495.0), 12.0),
            (Point::new(150.0, -40.0), Point::new(260.0, 600.0), 8.0),
            (Point::new(10.0, 250.0), Point::new(790.0, 250.0), 4.0),
        ];
        let bits = |r: Option<RefinedSide>| {
            r.map(|s| [s.line.0.x, s.line.0.y, s.line.1.x, s.line.1.y, s.support].map(f64::to_bits))
        };
        let mut found = 0;
        for (p, q, search) in sides {
            let portable = refine_side_body(&frame, p, q, search);
            let avx2 = refine_side_avx2(cpu, &frame, p, q, search);
            found += usize::from(portable.is_some());
            assert_eq!(bits(avx2), bits(portable), "{p:?}–{q:?}");
        }
        assert!(found >= 2, "the edge is found from the sides along it");
    }
}
