//! Where each character of a line is, and its normalised patch.
//!
//! Decides the fixed-pitch grid of a line (first cell edge and pitch, fitted so that cell
//! boundaries fall in the gaps between glyphs), the line's centre as a straight line across the
//! document (a slightly tilted or skewed rectification is followed), and samples each cell to a
//! `PATCH_W × PATCH_H` patch scaled so paper reads 0 and ink 1.

use super::classify::{PATCH_H, PATCH_LEN, PATCH_W};
use super::locate::{InkMap, TextLine};
use crate::quality::Point;

/// Pitch search range around the estimate from the ink span, as a fraction 0–1 (± this).
const PITCH_RANGE: f64 = 0.08;
/// Weight of ink left outside the grid against ink on its cell boundaries.
const OUTSIDE_WEIGHT: f64 = 0.5;
/// A cell's patch spans this many pitches across and this many character heights down.
const PATCH_SPAN_X: f64 = 1.1;
const PATCH_SPAN_Y: f64 = 1.3;
/// Below this ink-to-paper difference (grey levels 0–255) a cell is scaled as if it had this much,
/// so a blank cell stays blank instead of amplifying noise.
const MIN_CONTRAST: f32 = 24.0;

/// One line cut into cells.
#[derive(Clone, Debug, Default)]
pub struct LineCells {
    /// Left edge of the first cell, plane pixels.
    pub(crate) x0: f64,
    /// Cell width, plane pixels.
    pub(crate) pitch: f64,
    /// Centre of the line at x: `centre_at_0 + slope × x`.
    pub(crate) centre_at_0: f64,
    pub(crate) slope: f64,
    /// Character height, plane pixels.
    pub(crate) height: f64,
    /// Mean ink on the cell boundaries relative to the ink inside cells, 0–1 (low: a clean grid).
    pub(crate) boundary_ink: f64,
    /// One patch per cell, `PATCH_LEN` values each, concatenated.
    pub(crate) patches: Vec<f32>,
}

impl LineCells {
    pub(crate) fn centre_y(&self, x: f64) -> f64 {
        self.centre_at_0 + self.slope * x
    }

    /// The line's box, clockwise from top-left, in plane pixels.
    pub(crate) fn corners(&self, cells: usize) -> [Point; 4] {
        let x1 = self.x0 + self.pitch * cells as f64;
        let half = 0.6 * self.height;
        [
            Point::new(self.x0, self.centre_y(self.x0) - half),
            Point::new(x1, self.centre_y(x1) - half),
            Point::new(x1, self.centre_y(x1) + half),
            Point::new(self.x0, self.centre_y(self.x0) + half),
        ]
    }

    pub fn patch(&self, cell: usize) -> Option<&[f32]> {
        self.patches.get(cell * PATCH_LEN..(cell + 1) * PATCH_LEN)
    }
}

/// A luma plane borrowed for sampling.
#[derive(Clone, Copy)]
pub(crate) struct Plane<'a> {
    pub(crate) luma: &'a [u8],
    pub(crate) width: usize,
    pub(crate) height: usize,
}

impl Plane<'_> {
    fn at(&self, x: usize, y: usize) -> f32 {
        self.luma
            .get(y * self.width + x)
            .map_or(255.0, |&v| f32::from(v))
    }

    /// Bilinear sample at (x, y) (pixel centres at +0.5); paper white outside the plane.
    fn sample(&self, x: f64, y: f64) -> f32 {
        let (fx, fy) = (x - 0.5, y - 0.5);
        if fx < 0.0 || fy < 0.0 || fx > (self.width - 1) as f64 || fy > (self.height - 1) as f64 {
            return 255.0;
        }
        let (ix, iy) = (fx as usize, fy as usize);
        let (tx, ty) = ((fx - ix as f64) as f32, (fy - iy as f64) as f32);
        let (x1, y1) = ((ix + 1).min(self.width - 1), (iy + 1).min(self.height - 1));
        let top = self.at(ix, iy) * (1.0 - tx) + self.at(x1, iy) * tx;
        let bottom = self.at(ix, y1) * (1.0 - tx) + self.at(x1, y1) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

/// Cuts each line of a group into `cells` cells of a common `height` (plane pixels) and samples
/// their patches (`fit_group`, then `sample_patches`).
pub(crate) fn cut_group(
    plane: Plane<'_>,
    ink: &InkMap,
    group: &[TextLine],
    cells: usize,
    height: f64,
) -> Option<Vec<LineCells>> {
    let profiles = line_profiles(plane, ink, group);
    let mut out = fit_group(ink, group, &profiles, cells, height)?;
    sample_patches(plane, group, cells, &mut out);
    Some(out)
}

/// Each line's column profile (`column_profile`), shared by every layout the group is fitted to.
pub(crate) fn line_profiles(plane: Plane<'_>, ink: &InkMap, group: &[TextLine]) -> Vec<Vec<f64>> {
    group
        .iter()
        .map(|l| column_profile(plane, ink, l))
        .collect()
}

/// The grid of `cells` cells per line and each line's centre and height (plane pixels), without
/// patches. The lines of one zone are printed on one grid, so the grid is fitted to all of them
/// together: a line whose first characters are washed out is placed by the others. `profiles`:
/// `line_profiles` of `group`.
pub(crate) fn fit_group(
    ink: &InkMap,
    group: &[TextLine],
    profiles: &[Vec<f64>],
    cells: usize,
    height: f64,
) -> Option<Vec<LineCells>> {
    if cells < 2 || ink.width < 8 || group.is_empty() {
        return None;
    }
    // Ink beyond the lines' spans (page edges, specks) is no evidence of the grid.
    let lo = group.iter().map(|l| l.left).min()?;
    let hi = group.iter().map(|l| l.right).max()?;
    let margin = (hi - lo) / (4 * cells);
    let profiles: Vec<Vec<f64>> = profiles
        .iter()
        .map(|p| {
            let mut p = p.clone();
            for (x, v) in p.iter_mut().enumerate() {
                if x + margin < lo || x > hi + margin {
                    *v = 0.0;
                }
            }
            p
        })
        .collect();
    let (x0, pitch, boundary) = fit_grid(&profiles, group, cells)?;
    let mut out = Vec::with_capacity(group.len());
    for line in group {
        let (top, bottom) = (
            line.top.saturating_sub(2),
            (line.bottom + 2).min(ink.height),
        );
        let (centre_at_0, slope) = fit_centre(ink, line, top, bottom);
        // A tilted line's ink spans more rows than one character is tall.
        let span = (line.right - line.left) as f64;
        let height = (height - slope.abs() * span).max(0.6 * height);
        out.push(LineCells {
            x0,
            pitch,
            centre_at_0,
            slope,
            height,
            boundary_ink: boundary,
            patches: Vec::new(),
        });
    }
    Some(out)
}

/// Samples the patches of the `cells` cells of each of `lines` (fitted to `group` by
/// `fit_group`): only the layout about to be classified pays for it.
pub(crate) fn sample_patches(
    plane: Plane<'_>,
    group: &[TextLine],
    cells: usize,
    lines: &mut [LineCells],
) {
    for (line, lc) in group.iter().zip(lines.iter_mut()) {
        let ink_level = dark_level(plane, line);
        lc.patches.clear();
        lc.patches.reserve(cells * PATCH_LEN);
        for k in 0..cells {
            let cx = lc.x0 + (k as f64 + 0.5) * lc.pitch;
            let patch = sample_patch(plane, lc, cx, ink_level);
            lc.patches.extend_from_slice(&patch);
        }
    }
}

/// Ink per column over a line's rows, smoothed 1-2-1 so boundaries settle mid-gap.
fn column_profile(plane: Plane<'_>, ink: &InkMap, line: &TextLine) -> Vec<f64> {
    let (top, bottom) = (
        line.top.saturating_sub(2),
        (line.bottom + 2).min(plane.height),
    );
    let raw: Vec<f64> = (0..plane.width)
        .map(|x| {
            if ink.crosses(x, line.top, line.bottom) {
                return 0.0;
            }
            (top..bottom).filter(|&y| ink.is_ink(x, y)).count() as f64
        })
        .collect();
    (0..raw.len())
        .map(|x| {
            let at = |i: usize| raw.get(i).copied().unwrap_or(0.0);
            (at(x.saturating_sub(1)) + 2.0 * at(x) + at(x + 1)) / 4.0
        })
        .collect()
}

/// The grid (first cell edge, pitch) shared by the lines whose inner cell boundaries cross the
/// least ink and that leaves the least ink outside its cells; with that boundary ink relative to
/// the mean ink per column (0–1, lower is cleaner).
fn fit_grid(profiles: &[Vec<f64>], group: &[TextLine], cells: usize) -> Option<(f64, f64, f64)> {
    let n = cells as f64;
    let left = group.iter().map(|l| l.left).min()? as f64;
    let right = group.iter().map(|l| l.right).max()? as f64;
    // A glyph's ink sits within about 0.15–0.85 of its cell.
    let p0 = (right - left) / (n - 0.3);
    if p0 < 2.0 {
        return None;
    }
    // Prefix sums for the ink outside a grid.
    let prefix: Vec<Vec<f64>> = profiles
        .iter()
        .map(|p| {
            let mut acc = 0.0;
            std::iter::once(0.0)
                .chain(p.iter().map(|v| {
                    acc += v;
                    acc
                }))
                .collect()
        })
        .collect();
    // Every term is ≥ 0, so once the sum reaches `bound` (the best cost so far, which only a
    // lower cost replaces) the rest cannot make it win: the search skips it, same result.
    let cost = |x0: f64, pitch: f64, bound: f64| -> f64 {
        let mut c = 0.0;
        for (profile, sums) in profiles.iter().zip(&prefix) {
            if c >= bound {
                return c;
            }
            let interp = |x: f64| -> f64 {
                if x < 0.0 {
                    return 0.0;
                }
                let i = x as usize;
                let t = x - i as f64;
                let a = profile.get(i).copied().unwrap_or(0.0);
                let b = profile.get(i + 1).copied().unwrap_or(0.0);
                a * (1.0 - t) + b * t
            };
            c += (1..cells)
                .map(|k| interp(x0 + k as f64 * pitch))
                .sum::<f64>();
            let total = sums.last().copied().unwrap_or(0.0);
            let idx = |x: f64| (x.max(0.0) as usize).min(sums.len() - 1);
            let inside = sums[idx(x0 + n * pitch)] - sums[idx(x0)];
            c += OUTSIDE_WEIGHT * (total - inside);
        }
        c
    };
    // Coarse search, then a finer one around the best.
    let mut best = (f64::INFINITY, left, p0);
    for ps in -16..=16 {
        let pitch = p0 * (1.0 + PITCH_RANGE * f64::from(ps) / 16.0);
        for xs in -5..=35 {
            let x0 = left + f64::from(xs) * 0.1 * pitch;
            let c = cost(x0, pitch, best.0);
            if c < best.0 {
                best = (c, x0, pitch);
            }
        }
    }
    let (_, cx, cp) = best;
    for ps in -10..=10 {
        let pitch = cp * (1.0 + 0.006 * f64::from(ps) / 10.0);
        for xs in -10..=10 {
            let x0 = cx + f64::from(xs) * 0.01 * pitch;
            let c = cost(x0, pitch, best.0);
            if c < best.0 {
                best = (c, x0, pitch);
            }
        }
    }
    let mean: f64 = profiles
        .iter()
        .zip(group)
        .map(|(p, l)| {
            p.get(l.left..=l.right)
                .map_or(0.0, |s| s.iter().sum::<f64>() / s.len().max(1) as f64)
        })
        .sum();
    let boundary = if mean > 0.0 {
        best.0 / (n - 1.0) / mean
    } else {
        1.0
    };
    Some((best.1, best.2, boundary))
}

/// The line's centre as `a + b·x`, from the ink centroids of eight stretches along it.
fn fit_centre(ink: &InkMap, line: &TextLine, top: usize, bottom: usize) -> (f64, f64) {
    let parts = 8;
    let width = (line.right - line.left + 1).max(parts);
    let mut pts: Vec<(f64, f64, f64)> = Vec::with_capacity(parts);
    for s in 0..parts {
        let xa = line.left + s * width / parts;
        let xb = (line.left + (s + 1) * width / parts).min(ink.width);
        let (mut sum_y, mut count) = (0.0, 0.0);
        for y in top..bottom {
            let c = (xa..xb).filter(|&x| ink.is_ink(x, y)).count() as f64;
            sum_y += c * (y as f64 + 0.5);
            count += c;
        }
        if count > 0.0 {
            pts.push(((xa + xb) as f64 / 2.0, sum_y / count, count));
        }
    }
    let flat = (line.centre(), 0.0);
    let total: f64 = pts.iter().map(|p| p.2).sum();
    if pts.len() < 2 || total <= 0.0 {
        return flat;
    }
    let mx = pts.iter().map(|p| p.0 * p.2).sum::<f64>() / total;
    let my = pts.iter().map(|p| p.1 * p.2).sum::<f64>() / total;
    let sxx: f64 = pts.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 0.0 {
        return (my, 0.0);
    }
    // A tilt steeper than 3 % is a misfit, not a line.
    let b = (sxy / sxx).clamp(-0.03, 0.03);
    (my - b * mx, b)
}

/// The ink grey level of a line: the 5th percentile of its pixels.
fn dark_level(plane: Plane<'_>, line: &TextLine) -> f32 {
    let mut hist = [0u32; 256];
    let mut n = 0u32;
    for y in line.top..line.bottom.min(plane.height) {
        for x in line.left..=line.right.min(plane.width - 1) {
            if let Some(&v) = plane.luma.get(y * plane.width + x) {
                hist[usize::from(v)] += 1;
                n += 1;
            }
        }
    }
    let mut acc = 0;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc * 20 >= n {
            return v as f32;
        }
    }
    0.0
}

/// The patch of the cell centred at `cx`: 2×2 bilinear samples per patch pixel, scaled so the
/// cell's paper (its 85th percentile) is 0 and the line's ink level is 1.
fn sample_patch(plane: Plane<'_>, cells: &LineCells, cx: f64, ink_level: f32) -> [f32; PATCH_LEN] {
    let mut patch = [0.0f32; PATCH_LEN];
    let (w, h) = (PATCH_SPAN_X * cells.pitch, PATCH_SPAN_Y * cells.height);
    let cy = cells.centre_y(cx);
    let (left, top) = (cx - w / 2.0, cy - h / 2.0);
    let (dx, dy) = (w / PATCH_W as f64, h / PATCH_H as f64);
    for j in 0..PATCH_H {
        for i in 0..PATCH_W {
            let mut s = 0.0;
            for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let x = left + (i as f64 + ox) * dx;
                // Follow the line's tilt inside the cell too.
                let y = top + (j as f64 + oy) * dy + cells.slope * (x - cx);
                s += plane.sample(x, y);
            }
            patch[j * PATCH_W + i] = s / 4.0;
        }
    }
    let mut sorted = patch;
    let (_, &mut paper, _) = sorted.select_nth_unstable_by(PATCH_LEN * 85 / 100, f32::total_cmp);
    let range = (paper - ink_level).max(MIN_CONTRAST);
    for v in &mut patch {
        *v = ((paper - *v) / range).clamp(0.0, 1.0);
    }
    patch
}
