//! Candidate lines of the working image: where a line runs, and how much of it edges back.
//!
//! Decides which Hough lines are the same edge, where a line really lies (refitted to its edge
//! pixels), and which 1-px steps along it are supported by an edge of its own direction.

use super::super::geometry::Point;
use super::super::prepare::Prepared;
use super::quads::OVERSHOOT_FRAC;
use super::raster::{EdgeMask, Fixed, whole_degrees};
use super::three_line::HIDDEN_FIT_REACH_PX;

/// How far either side of a line, working pixels (0–`HIDDEN_FIT_REACH_PX`), the edge pixels it is
/// fitted to may lie.
pub(super) const REFIT_REACH_PX: i32 = 2;
/// Working pixels at each image border where `prepare` computes no gradient: lines are clipped
/// this far inside.
const GRADIENT_BORDER_PX: f64 = 2.0;
/// Shortest visible length, working pixels, of a line worth keeping.
const MIN_LINE_LENGTH_PX: f64 = 2.0;
/// Two refitted lines are the same edge when their directions differ by at most this, degrees…
const SAME_LINE_MAX_ANGLE_DEG: f64 = 2.0;
/// …and each end of one lies within this many working pixels of the other.
const SAME_LINE_MAX_OFFSET_PX: f64 = 2.5;
/// Least edge pixels along a Hough line, 1-px steps, for it to be refitted to them (fewer keep
/// the Hough line as it is).
const MIN_REFIT_PIXELS: usize = 12;
/// A fitted line is rejected when its normal is more than this many degrees (0–90) from the
/// direction it was looked for in.
const MAX_FIT_TURN_DEG: f64 = 20.0;
/// Edge direction tolerance, degrees (0–89), of a line's support profile (`record_support`).
const SUPPORT_EDGE_TOL_DEG: i32 = 12;
/// Edge direction tolerance, degrees (0–89), of `segment_support`.
const SEGMENT_EDGE_TOL_DEG: i32 = 20;
/// Edge direction tolerance, degrees (0–89), of the pixels a line is fitted to.
const FIT_EDGE_TOL_DEG: i32 = 10;

/// A candidate line in the working image, in normal form x·cos θ + y·sin θ = ρ.
#[derive(Clone, Debug, Default)]
pub(super) struct Line {
    pub(super) normal: Point,
    pub(super) dir: Point,
    pub(super) rho: f64,
    /// Normal angle, degrees 0–180.
    pub(super) theta_deg: f64,
    /// Parameter range (along `dir`, from the foot point ρ·normal) inside the working image.
    pub(super) t_min: f64,
    pub(super) t_max: f64,
    /// supported[k] = number of supported 1-px steps among the first k steps from `t_min`.
    pub(super) supported: Vec<u32>,
}

impl Line {
    pub(super) fn from_normal(theta_deg: f64, rho: f64, width: f64, height: f64) -> Option<Line> {
        let (s, c) = theta_deg.to_radians().sin_cos();
        let normal = Point::new(c, s);
        let dir = Point::new(-s, c);
        let foot = normal.scale(rho);
        // Clip to the working image, `GRADIENT_BORDER_PX` in from its border.
        let border = GRADIENT_BORDER_PX;
        let (lo_x, hi_x, lo_y, hi_y) =
            (border, width - 1.0 - border, border, height - 1.0 - border);
        let mut t0 = f64::NEG_INFINITY;
        let mut t1 = f64::INFINITY;
        for (p, d, lo, hi) in [(foot.x, dir.x, lo_x, hi_x), (foot.y, dir.y, lo_y, hi_y)] {
            if d.abs() < 1e-12 {
                if p < lo || p > hi {
                    return None;
                }
            } else {
                let (a, b) = ((lo - p) / d, (hi - p) / d);
                t0 = t0.max(a.min(b));
                t1 = t1.min(a.max(b));
            }
        }
        if t1 - t0 < MIN_LINE_LENGTH_PX {
            return None;
        }
        Some(Line {
            normal,
            dir,
            rho,
            theta_deg,
            t_min: t0,
            t_max: t1,
            supported: Vec::new(),
        })
    }

    pub(super) fn point(&self, t: f64) -> Point {
        self.normal.scale(self.rho).plus(self.dir.scale(t))
    }

    pub(super) fn param(&self, p: Point) -> f64 {
        self.dir.dot(p)
    }

    /// Supported length (1-px steps) of this line just beyond one end of the side between
    /// parameters `a` and `b` (`len` long): past the end nearer `a` when `at_a`. A real corner is
    /// where the document's edge stops; a quad cut out of the middle of a document by a printed
    /// line has sides that run on past its corners.
    pub(super) fn overshoot(&self, a: f64, b: f64, len: f64, at_a: bool) -> f64 {
        let ext = OVERSHOOT_FRAC * len;
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let low_end = (at_a && a <= b) || (!at_a && b < a);
        let (s, e) = if low_end {
            (lo - ext, lo)
        } else {
            (hi, hi + ext)
        };
        f64::from(self.support(s, e).1)
    }

    /// Visible and supported lengths (1-px steps) of the segment between parameters `a` and `b`.
    pub(super) fn support(&self, a: f64, b: f64) -> (u32, u32) {
        // Hand-written hot path (tens of thousands of calls per still). The bounds are ordered
        // and clamped by comparisons, which for the finite parameters callers pass give what
        // `f64::min`/`max` give without their NaN handling (a NaN only ends up clamped to the line's ends); the offsets from
        // `t_min` are at most the line's length, so they convert through i32, whose saturating
        // conversion is cheaper than u64's.
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let lo = if lo > self.t_min { lo } else { self.t_min };
        let hi = if hi < self.t_max { hi } else { self.t_max };
        if hi < lo {
            return (0, 0);
        }
        let last = self.supported.len().saturating_sub(1);
        // lo, hi ≥ t_min: truncation is the floor (`f64::floor`/`ceil` are libm calls on
        // baseline x86-64).
        let i1 = (((hi - self.t_min) as i32).max(0) as usize).min(last);
        let from = lo - self.t_min;
        let i0 = (from as i32).max(0);
        let i0 = ((i0 + i32::from(f64::from(i0) < from)) as usize).min(last);
        if i1 <= i0 {
            return (0, 0);
        }
        ((i1 - i0) as u32, self.supported[i1] - self.supported[i0])
    }

    /// The Hough line (θ degrees, ρ) refitted to the edge pixels along it. `near` is scratch.
    pub(super) fn refit(
        prep: &Prepared,
        theta: f64,
        rho: f64,
        near: &mut Vec<Point>,
    ) -> Option<Line> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let line = Line::from_normal(theta, rho, w, h)?;
        edge_pixels_along(
            prep,
            (line.point(line.t_min), line.point(line.t_max)),
            theta,
            REFIT_REACH_PX,
            near,
        );
        if near.len() >= MIN_REFIT_PIXELS {
            let (theta2, rho2) = fit_line_normal(near, theta)?;
            Line::from_normal(theta2, rho2, w, h)
        } else {
            Some(line)
        }
    }

    /// Records where along the line an edge of its direction lies within 1 px.
    pub(super) fn record_support(&mut self, prep: &Prepared) {
        let line = self;
        let steps = (line.t_max - line.t_min).floor() as usize + 1;
        let mask = EdgeMask::new(prep, whole_degrees(line.theta_deg), SUPPORT_EDGE_TOL_DEG);
        let mut supported = std::mem::take(&mut line.supported);
        supported.clear();
        supported.reserve(steps + 1);
        supported.push(0u32);
        let mut count = 0u32;
        let (start, step) = (Fixed::at(line.point(line.t_min)), Fixed::offset(line.dir));
        let probes = [0.0, -1.0, 1.0].map(|k| Fixed::offset(line.normal.scale(k)));
        for s in 0..steps {
            let p = start.plus(step.times(s as i64));
            let hit = probes.iter().any(|&probe| mask.hit(p.plus(probe)) != 0);
            count += u32::from(hit);
            supported.push(count);
        }
        line.supported = supported;
    }
}

/// Whether two refitted lines are the same edge: within `SAME_LINE_MAX_ANGLE_DEG` and
/// `SAME_LINE_MAX_OFFSET_PX` of each other across the
/// part of the image they share.
pub(super) fn same_line(a: &Line, b: &Line) -> bool {
    if angle_diff_deg(a.theta_deg, b.theta_deg) > SAME_LINE_MAX_ANGLE_DEG {
        return false;
    }
    // Distance of b's visible end points from a.
    [b.point(b.t_min), b.point(b.t_max)]
        .iter()
        .all(|p| (a.normal.dot(*p) - a.rho).abs() <= SAME_LINE_MAX_OFFSET_PX)
}

/// The angle between two directions given in degrees (any values), modulo 180°: 0–90.
pub(super) fn angle_diff_deg(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(180.0);
    d.min(180.0 - d)
}

/// Visible and supported 1-px steps along the segment p–q of the working image: a step is
/// supported when an edge pixel within 1 px has a direction within `SEGMENT_EDGE_TOL_DEG` of the segment's normal.
pub(super) fn segment_support(prep: &Prepared, p: Point, q: Point) -> (f64, f64) {
    let len = p.dist(q);
    if len < 1.0 {
        return (0.0, 0.0);
    }
    let dir = q.minus(p).scale(1.0 / len);
    let normal = Point::new(-dir.y, dir.x);
    let theta = whole_degrees(normal.y.atan2(normal.x).to_degrees());
    let mask = EdgeMask::new(prep, theta, SEGMENT_EDGE_TOL_DEG);
    let border = GRADIENT_BORDER_PX;
    let (w, h) = (
        f64::from(prep.width) - 1.0 - border,
        f64::from(prep.height) - 1.0 - border,
    );
    let (mut visible, mut supported) = (0.0, 0.0);
    let (start, step) = (Fixed::at(p), Fixed::offset(dir));
    let (up, down) = (Fixed::offset(normal.scale(-1.0)), Fixed::offset(normal));
    let steps = len.floor() as usize + 1;
    for s in 0..steps {
        let c = p.plus(dir.scale(s as f64));
        if c.x < border || c.y < border || c.x > w || c.y > h {
            continue;
        }
        visible += 1.0;
        let at = start.plus(step.times(s as i64));
        let hit = [at, at.plus(up), at.plus(down)]
            .into_iter()
            .any(|q| mask.hit(q) != 0);
        if hit {
            supported += 1.0;
        }
    }
    (visible, supported)
}

/// The edge pixels within `reach` px of the segment `from`–`to` whose direction is within
/// `FIT_EDGE_TOL_DEG` of the normal angle `theta` (degrees), the nearest one per 1-px step along
/// the segment (both, when the nearest two are equally near on either side), into `near`. Probes
/// outside the working image find nothing.
pub(super) fn edge_pixels_along(
    prep: &Prepared,
    (from, to): (Point, Point),
    theta: f64,
    reach: i32,
    near: &mut Vec<Point>,
) {
    near.clear();
    let d = to.minus(from);
    let len = d.norm();
    if len < 1.0 {
        return;
    }
    // The normal a `Line` from `from` to `to` has, so the probes go out in the same order.
    let (dir, normal) = (d.scale(1.0 / len), Point::new(d.y, -d.x).scale(1.0 / len));
    let mask = EdgeMask::new(prep, whole_degrees(theta), FIT_EDGE_TOL_DEG);
    let steps = len.floor() as i64 + 1;
    // Steps of 1 px placed symmetrically about the segment's middle, in half-step units, and
    // probes taken in pairs (−k, +k): the same segment walked from its other end, as a turned or
    // mirrored photo gives it, finds the same pixels.
    let middle = Fixed::at(from.plus(to).scale(0.5));
    let half_step = Fixed::offset(dir.scale(0.5));
    let probes: [Fixed; HIDDEN_FIT_REACH_PX as usize + 1] =
        std::array::from_fn(|k| Fixed::offset(normal.scale(k as f64)));
    let reach = reach.clamp(0, HIDDEN_FIT_REACH_PX) as usize;
    for s in 0..steps {
        let p = middle.plus(half_step.times(2 * s - (steps - 1)));
        if mask.hit(p) != 0 {
            near.push(p.pixel_point());
            continue;
        }
        // Nearest first; when both sides hit at the same distance, both are kept.
        for &probe in &probes[1..=reach] {
            let (a, b) = (p.minus(probe), p.plus(probe));
            let (hit_a, hit_b) = (mask.hit(a) != 0, mask.hit(b) != 0);
            if hit_a {
                near.push(a.pixel_point());
            }
            if hit_b {
                near.push(b.pixel_point());
            }
            if hit_a || hit_b {
                break;
            }
        }
    }
}

/// Total-least-squares line through points, as (normal angle in degrees 0–180, ρ); the normal is
/// chosen on the side of `theta_hint`;
/// `None` when it is more than `MAX_FIT_TURN_DEG` from it.
pub(super) fn fit_line_normal(points: &[Point], theta_hint: f64) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if n < 2.0 {
        return None;
    }
    let c = points
        .iter()
        .fold(Point::default(), |a, p| a.plus(*p))
        .scale(1.0 / n);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for p in points {
        let d = p.minus(c);
        sxx += d.x * d.x;
        sxy += d.x * d.y;
        syy += d.y * d.y;
    }
    // Direction of largest spread; the normal is perpendicular to it.
    let dir_angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let mut theta = dir_angle.to_degrees() + 90.0;
    theta = theta.rem_euclid(180.0);
    if angle_diff_deg(theta, theta_hint) > MAX_FIT_TURN_DEG {
        return None;
    }
    let (s, co) = theta.to_radians().sin_cos();
    Some((theta, c.x * co + c.y * s))
}

/// The angle of a normal vector `n`, degrees 0–180 (a line through direction d has normal
/// (−d.y, d.x)).
pub(super) fn normal_angle_deg(n: Point) -> f64 {
    n.y.atan2(n.x).to_degrees().rem_euclid(180.0)
}

/// Two points one pixel apart on the line x·cos θ + y·sin θ = ρ (θ in degrees): its foot and the
/// next point along it.
pub(super) fn normal_form_points(theta_deg: f64, rho: f64) -> (Point, Point) {
    let (s, c) = theta_deg.to_radians().sin_cos();
    let foot = Point::new(c, s).scale(rho);
    (foot, foot.plus(Point::new(-s, c)))
}

/// The line through two points of a 640 × 360 working image, with its edge support recorded.
#[cfg(test)]
pub(super) fn line_through(prep: &Prepared, a: Point, b: Point) -> Line {
    let d = b.minus(a);
    let theta = normal_angle_deg(Point::new(-d.y, d.x));
    let (s, c) = theta.to_radians().sin_cos();
    let rho = a.x * c + a.y * s;
    let mut line = Line::from_normal(theta, rho, 640.0, 360.0).expect("inside the image");
    line.record_support(prep);
    line
}
