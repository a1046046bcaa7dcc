//! `document`: find the document's quadrilateral.
//!
//! Decides which four lines in the frame are the document's edges. Classic "Canny + largest contour"
//! breaks on cluttered desks, keyboards and low-contrast tables (≈ 0.69 mean IoU on MIDV-500 frames),
//! so this is a line-based detector with quad scoring, after the SmartDoc/MIDV literature:
//!
//! 1. Hough transform of the colour edges of the working image, each edge pixel voting only near its
//!    own gradient direction.
//! 2. The strongest lines are refitted to their edge pixels, and for each one a support profile
//!    records where along it an edge of the same direction was seen.
//! 3. Every pair of roughly parallel line pairs that crosses at a plausible angle makes a quad. A quad
//!    scores its supported perimeter minus its unsupported perimeter (rounded corners excluded, the
//!    parts outside the frame ignored, so a document partly out of frame still has a quad).
//! 4. The best quad whose perspective-corrected aspect ratio fits an allowed document kind is refined
//!    at full resolution: each side is re-located to sub-pixel accuracy along its normal and refitted.

use super::Frame;
use super::geometry::{Point, Pose, Quad, line_intersection};
use super::prepare::{EdgePoint, NO_EDGE, Prepared};
use super::profile::{DocChoice, DocumentKind};
use super::{Check, CheckId, Document};

/// How many Hough peaks become candidate lines.
const MAX_LINES: usize = 40;
/// An edge pixel votes for normal angles within this many degrees of its gradient direction.
const VOTE_SPREAD_DEG: i32 = 3;
/// A Hough peak needs at least this many votes (≈ working pixels of edge along it).
const MIN_LINE_VOTES: u16 = 24;
/// Two sides are "opposite" when their directions differ by at most this many degrees.
const MAX_OPPOSITE_ANGLE_DEG: f64 = 32.0;
/// Two sides are "adjacent" when their directions differ by at least this many degrees.
const MIN_ADJACENT_ANGLE_DEG: f64 = 48.0;
/// Shortest side of a candidate quad, working pixels.
const MIN_SIDE_PX: f64 = 30.0;
/// Part of each side, at each end, left out of its support (ISO 7810 corners are rounded with
/// r = 3.18 mm: 3.7 % of an ID-1 card's width, 5.9 % of its height).
const CORNER_SKIP_FRAC: f64 = 0.07;
/// A visible side needs at least this fraction of it supported by edges.
const MIN_SIDE_SUPPORT: f64 = 0.45;
/// A quad's perspective-corrected aspect ratio may differ this much (relative) from its kind.
const MAX_ASPECT_DEVIATION: f64 = 0.15;
/// `document` check: least mean edge support (0–1) of a quad for it to count as found.
pub const MIN_EDGE_SUPPORT: f64 = 0.5;

/// A candidate line in the working image, in normal form x·cos θ + y·sin θ = ρ.
#[derive(Clone, Debug, Default)]
struct Line {
    normal: Point,
    dir: Point,
    rho: f64,
    /// Normal angle, degrees 0–180.
    theta_deg: f64,
    /// Parameter range (along `dir`, from the foot point ρ·normal) inside the working image.
    t_min: f64,
    t_max: f64,
    /// supported[k] = number of supported 1-px steps among the first k steps from `t_min`.
    supported: Vec<u32>,
}

impl Line {
    fn from_normal(theta_deg: f64, rho: f64, width: f64, height: f64) -> Option<Line> {
        let (s, c) = theta_deg.to_radians().sin_cos();
        let normal = Point::new(c, s);
        let dir = Point::new(-s, c);
        let foot = normal.scale(rho);
        // Clip to the working image, 2 px in from the border where no gradient is computed.
        let (lo_x, hi_x, lo_y, hi_y) = (2.0, width - 3.0, 2.0, height - 3.0);
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
        if t1 - t0 < 2.0 {
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

    fn point(&self, t: f64) -> Point {
        self.normal.scale(self.rho).plus(self.dir.scale(t))
    }

    fn param(&self, p: Point) -> f64 {
        self.dir.dot(p)
    }

    /// Visible and supported lengths (1-px steps) of the segment between parameters `a` and `b`.
    fn support(&self, a: f64, b: f64) -> (u32, u32) {
        let lo = a.min(b).max(self.t_min);
        let hi = a.max(b).min(self.t_max);
        if hi < lo {
            return (0, 0);
        }
        let last = self.supported.len().saturating_sub(1);
        let i0 = ((lo - self.t_min).ceil() as usize).min(last);
        let i1 = ((hi - self.t_min).floor() as usize).min(last);
        if i1 <= i0 {
            return (0, 0);
        }
        ((i1 - i0) as u32, self.supported[i1] - self.supported[i0])
    }
}

fn angle_diff_deg(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(180.0);
    d.min(180.0 - d)
}

/// A scored 4-line hypothesis: line indices in cyclic order a1, b1, a2, b2.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    lines: [usize; 4],
    corners: [Point; 4],
    score: f64,
    support: f64,
}

/// Finds documents; owns its scratch buffers.
#[derive(Default)]
pub struct Detector {
    accumulator: Vec<u16>,
    lines: Vec<Line>,
    near: Vec<Point>,
}

impl Detector {
    /// The best document quad in the prepared frame, or `None` when nothing document-like is seen.
    pub fn detect(
        &mut self,
        prep: &Prepared,
        frame: &Frame,
        choice: DocChoice,
    ) -> Option<Document> {
        if prep.width < 16 || prep.height < 16 {
            return None;
        }
        let peaks = self.hough_peaks(prep);
        self.lines.clear();
        for (theta, rho) in peaks {
            if let Some(line) = self.refit_line(prep, theta, rho) {
                self.lines.push(line);
            }
        }
        let candidates = self.candidates(prep);
        for cand in candidates {
            let corners_frame = cand.corners.map(|p| {
                let (x, y) = prep.to_frame(p.x, p.y);
                Point::new(x, y)
            });
            let rough = Quad::ordered(corners_frame);
            let Some(kind) = fitting_kind(&rough, choice, prep.frame_width, prep.frame_height)
            else {
                continue;
            };
            let lines = cand.lines.map(|i| {
                let l = &self.lines[i];
                let a = l.point(l.t_min);
                let b = l.point(l.t_max);
                let (ax, ay) = prep.to_frame(a.x, a.y);
                let (bx, by) = prep.to_frame(b.x, b.y);
                (Point::new(ax, ay), Point::new(bx, by))
            });
            let refined = refine_quad(frame, &lines, &corners_frame, f64::from(prep.factor));
            let quad = Quad::ordered(refined.unwrap_or(corners_frame));
            if !quad.is_convex() {
                continue;
            }
            let kind =
                fitting_kind(&quad, choice, prep.frame_width, prep.frame_height).unwrap_or(kind);
            return Some(Document {
                kind,
                quad,
                edge_support: cand.support,
            });
        }
        None
    }

    /// Hough transform with gradient-directed voting; returns (θ degrees, ρ) of the strongest
    /// distinct peaks.
    fn hough_peaks(&mut self, prep: &Prepared) -> Vec<(f64, f64)> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let r0 = (w.hypot(h)).ceil() as i32 + 1;
        let n_rho = (2 * r0 + 1) as usize;
        self.accumulator.clear();
        self.accumulator.resize(180 * n_rho, 0);
        let trig: Vec<(f32, f32)> = (0..180)
            .map(|k| {
                let (s, c) = (k as f32).to_radians().sin_cos();
                (c, s)
            })
            .collect();
        for &EdgePoint { x, y, angle } in &prep.edges {
            let (xf, yf) = (f32::from(x), f32::from(y));
            for dk in -VOTE_SPREAD_DEG..=VOTE_SPREAD_DEG {
                let k = (i32::from(angle) + dk).rem_euclid(180) as usize;
                let (c, s) = trig[k];
                let rho = (xf * c + yf * s).round() as i32 + r0;
                let cell = &mut self.accumulator[k * n_rho + rho as usize];
                *cell = cell.saturating_add(1);
            }
        }
        let acc = &self.accumulator;
        let mut peaks: Vec<(u16, usize, usize)> = Vec::new();
        for k in 0..180 {
            let row = &acc[k * n_rho..(k + 1) * n_rho];
            for r in 1..n_rho - 1 {
                let v = row[r];
                if v < MIN_LINE_VOTES || v < row[r - 1] || v <= row[r + 1] {
                    continue;
                }
                let up = if k > 0 {
                    Some(&acc[(k - 1) * n_rho..k * n_rho])
                } else {
                    None
                };
                let down = if k < 179 {
                    Some(&acc[(k + 1) * n_rho..(k + 2) * n_rho])
                } else {
                    None
                };
                let beaten = [up, down]
                    .into_iter()
                    .flatten()
                    .any(|nb| nb[r - 1] > v || nb[r] > v || nb[r + 1] > v);
                if !beaten {
                    peaks.push((v, k, r));
                }
            }
        }
        peaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut chosen: Vec<(f64, f64)> = Vec::with_capacity(MAX_LINES);
        for (_, k, r) in peaks {
            let theta = k as f64;
            let rho = f64::from(r as i32 - r0);
            let duplicate = chosen.iter().any(|&(t, p)| {
                let d = (theta - t).abs();
                if d <= 3.0 {
                    (rho - p).abs() <= 5.0
                } else if d >= 177.0 {
                    (rho + p).abs() <= 5.0
                } else {
                    false
                }
            });
            if !duplicate {
                chosen.push((theta, rho));
                if chosen.len() == MAX_LINES {
                    break;
                }
            }
        }
        chosen
    }

    /// Refits a Hough line to the edge pixels along it and records where it is supported.
    fn refit_line(&mut self, prep: &Prepared, theta: f64, rho: f64) -> Option<Line> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let line = Line::from_normal(theta, rho, w, h)?;
        self.near.clear();
        let mut t = line.t_min;
        while t <= line.t_max {
            let p = line.point(t);
            for k in [0.0, -1.0, 1.0, -2.0, 2.0] {
                let q = p.plus(line.normal.scale(k));
                if edge_angle_at(prep, q)
                    .is_some_and(|a| angle_diff_deg(f64::from(a), theta) <= 10.0)
                {
                    self.near.push(Point::new(q.x.round(), q.y.round()));
                    break;
                }
            }
            t += 1.0;
        }
        let mut line = if self.near.len() >= 12 {
            let (theta2, rho2) = fit_line_normal(&self.near, theta)?;
            Line::from_normal(theta2, rho2, w, h)?
        } else {
            line
        };
        let steps = (line.t_max - line.t_min).floor() as usize + 1;
        let mut supported = Vec::with_capacity(steps + 1);
        supported.push(0u32);
        let mut count = 0u32;
        for s in 0..steps {
            let p = line.point(line.t_min + s as f64);
            let hit = [0.0, -1.0, 1.0].iter().any(|&k| {
                edge_angle_at(prep, p.plus(line.normal.scale(k)))
                    .is_some_and(|a| angle_diff_deg(f64::from(a), line.theta_deg) <= 12.0)
            });
            count += u32::from(hit);
            supported.push(count);
        }
        line.supported = supported;
        Some(line)
    }

    /// Scores every 4-line hypothesis; returns the best few, best first.
    fn candidates(&self, prep: &Prepared) -> Vec<Candidate> {
        let n = self.lines.len();
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        // Pairwise relations and intersections.
        let mut cross: Vec<Option<(Point, f64, f64)>> = vec![None; n * n];
        let mut opposite_pairs: Vec<(usize, usize)> = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let (li, lj) = (&self.lines[i], &self.lines[j]);
                let d = angle_diff_deg(li.theta_deg, lj.theta_deg);
                if d >= MIN_ADJACENT_ANGLE_DEG {
                    let p = line_intersection(
                        li.point(0.0),
                        li.point(1.0),
                        lj.point(0.0),
                        lj.point(1.0),
                    );
                    if let Some(p) = p {
                        // Corners may lie outside the frame, but not absurdly far.
                        if p.x > -0.5 * w && p.x < 1.5 * w && p.y > -0.5 * h && p.y < 1.5 * h {
                            cross[i * n + j] = Some((p, li.param(p), lj.param(p)));
                            cross[j * n + i] = Some((p, lj.param(p), li.param(p)));
                        }
                    }
                } else if d <= MAX_OPPOSITE_ANGLE_DEG {
                    // Separation measured at the middle of the image.
                    let mid = Point::new(w / 2.0, h / 2.0);
                    let di = li.normal.dot(mid) - li.rho;
                    let dj = lj.normal.dot(mid) - lj.rho;
                    let sep = if li.normal.dot(lj.normal) >= 0.0 {
                        (di - dj).abs()
                    } else {
                        (di + dj).abs()
                    };
                    if sep >= MIN_SIDE_PX {
                        opposite_pairs.push((i, j));
                    }
                }
            }
        }
        let mut best: Vec<Candidate> = Vec::new();
        const KEEP: usize = 6;
        for (pi, &(a1, a2)) in opposite_pairs.iter().enumerate() {
            for &(b1, b2) in &opposite_pairs[pi + 1..] {
                if a1 == b1 || a1 == b2 || a2 == b1 || a2 == b2 {
                    continue;
                }
                let (Some(c1), Some(c2), Some(c3), Some(c4)) = (
                    cross[a1 * n + b1],
                    cross[b1 * n + a2],
                    cross[a2 * n + b2],
                    cross[b2 * n + a1],
                ) else {
                    continue;
                };
                let corners = [c1.0, c2.0, c3.0, c4.0];
                // Sides: on a1 from c4 to c1, on b1 from c1 to c2, on a2 from c2 to c3, on b2 c3 to c4.
                let sides = [
                    (a1, c4.2, c1.1, corners[3].dist(corners[0])),
                    (b1, c1.2, c2.1, corners[0].dist(corners[1])),
                    (a2, c2.2, c3.1, corners[1].dist(corners[2])),
                    (b2, c3.2, c4.1, corners[2].dist(corners[3])),
                ];
                let (mut long_a, mut long_b) = (sides[0].3 + sides[2].3, sides[1].3 + sides[3].3);
                if long_a < long_b {
                    std::mem::swap(&mut long_a, &mut long_b);
                }
                if sides.iter().any(|s| s.3 < MIN_SIDE_PX) {
                    continue;
                }
                let ratio = long_a / long_b;
                if !(1.1..=2.3).contains(&ratio) {
                    continue;
                }
                let quad = Quad(corners);
                if !quad.is_convex() {
                    continue;
                }
                let mut score = 0.0;
                let mut visible_total = 0.0;
                let mut supported_total = 0.0;
                let mut ok = true;
                let mut full_total = 0.0;
                for &(li, ta, tb, len) in &sides {
                    let skip = CORNER_SKIP_FRAC * len;
                    let (lo, hi) = if ta <= tb {
                        (ta + skip, tb - skip)
                    } else {
                        (tb + skip, ta - skip)
                    };
                    let (visible, supported) = self.lines[li].support(lo, hi);
                    let (visible, supported) = (f64::from(visible), f64::from(supported));
                    full_total += hi - lo;
                    if visible >= 8.0 && supported < MIN_SIDE_SUPPORT * visible {
                        ok = false;
                        break;
                    }
                    visible_total += visible;
                    supported_total += supported;
                    score += 2.0 * supported - visible;
                }
                if !ok || visible_total < 0.5 * full_total {
                    continue;
                }
                let support = supported_total / visible_total.max(1.0);
                if best.len() == KEEP && score <= best[KEEP - 1].score {
                    continue;
                }
                let cand = Candidate {
                    lines: [a1, b1, a2, b2],
                    corners,
                    score,
                    support,
                };
                let pos = best
                    .iter()
                    .position(|c| c.score < score)
                    .unwrap_or(best.len());
                best.insert(pos, cand);
                best.truncate(KEEP);
            }
        }
        best
    }
}

/// The allowed document kind whose aspect ratio the quad fits best, if any fits within
/// `MAX_ASPECT_DEVIATION`.
fn fitting_kind(quad: &Quad, choice: DocChoice, width: u32, height: u32) -> Option<DocumentKind> {
    let mut best: Option<(f64, DocumentKind)> = None;
    for &kind in choice.kinds() {
        let pose = Pose::estimate(quad, kind, width, height, 70.0);
        let dev = (pose.aspect / kind.aspect() - 1.0).abs();
        if dev <= MAX_ASPECT_DEVIATION && best.is_none_or(|(d, _)| dev < d) {
            best = Some((dev, kind));
        }
    }
    best.map(|(_, k)| k)
}

fn edge_angle_at(prep: &Prepared, p: Point) -> Option<u8> {
    let (x, y) = (p.x.round(), p.y.round());
    if x < 0.0 || y < 0.0 || x >= f64::from(prep.width) || y >= f64::from(prep.height) {
        return None;
    }
    let a = prep.edge_angle[(y as usize) * prep.width as usize + x as usize];
    (a != NO_EDGE).then_some(a)
}

/// Total-least-squares line through points, as (normal angle in degrees 0–180, ρ); the normal is
/// chosen on the side of `theta_hint`.
fn fit_line_normal(points: &[Point], theta_hint: f64) -> Option<(f64, f64)> {
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
    if angle_diff_deg(theta, theta_hint) > 20.0 {
        return None;
    }
    let (s, co) = theta.to_radians().sin_cos();
    Some((theta, c.x * co + c.y * s))
}

/// Re-locates each side at full resolution. `lines[k]` are two frame points on side k (sides in
/// cyclic order a1, b1, a2, b2); `corners` are the working-scale corners mapped to the frame, with
/// corner k between sides k and k+1... in the order c1 = a1∩b1, c2 = b1∩a2, c3 = a2∩b2, c4 = b2∩a1.
fn refine_quad(
    frame: &Frame,
    lines: &[(Point, Point); 4],
    corners: &[Point; 4],
    factor: f64,
) -> Option<[Point; 4]> {
    // Side k runs between these corners.
    let ends = [
        (corners[3], corners[0]),
        (corners[0], corners[1]),
        (corners[1], corners[2]),
        (corners[2], corners[3]),
    ];
    let mut refined: [(Point, Point); 4] = *lines;
    let search = 1.5 * factor + 2.0;
    for k in 0..4 {
        let (p, q) = ends[k];
        if let Some(fit) = refine_side(frame, p, q, search) {
            refined[k] = fit;
        }
    }
    let x = |a: usize, b: usize| {
        line_intersection(refined[a].0, refined[a].1, refined[b].0, refined[b].1)
    };
    Some([x(0, 1)?, x(1, 2)?, x(2, 3)?, x(3, 0)?])
}

/// Finds the strongest colour edge along the normal of the segment p–q at points spread along it,
/// and fits a line to them. Returns two points on the fitted line.
fn refine_side(frame: &Frame, p: Point, q: Point, search: f64) -> Option<(Point, Point)> {
    let (fw, fh) = (f64::from(frame.width()), f64::from(frame.height()));
    let len = p.dist(q);
    if len < 4.0 {
        return None;
    }
    let dir = q.minus(p).scale(1.0 / len);
    let normal = Point::new(-dir.y, dir.x);
    let samples = ((len / 6.0) as usize).clamp(8, 120);
    let steps = search.ceil() as i32;
    let mut found: Vec<(Point, f64)> = Vec::with_capacity(samples);
    let mut profile = vec![[0.0f64; 3]; (2 * steps + 3) as usize];
    for s in 0..samples {
        let f = 0.08 + 0.84 * (s as f64 + 0.5) / samples as f64;
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
        if g < 12.0 || o.abs() == steps {
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
        found.push((base.plus(normal.scale(f64::from(o) + sub)), g));
    }
    if found.len() < 6 {
        return None;
    }
    let mut pts: Vec<Point> = found.iter().map(|f| f.0).collect();
    for _ in 0..2 {
        let (theta, rho) = fit_line_normal(&pts, normal_angle_deg(normal))?;
        let (s, c) = theta.to_radians().sin_cos();
        let mut res: Vec<f64> = pts
            .iter()
            .map(|p| (p.x * c + p.y * s - rho).abs())
            .collect();
        let mut sorted = res.clone();
        sorted.sort_by(f64::total_cmp);
        let mad = sorted[sorted.len() / 2];
        let cut = (2.5 * mad).max(1.0);
        let kept: Vec<Point> = pts
            .iter()
            .zip(res.iter_mut())
            .filter(|(_, r)| **r <= cut)
            .map(|(p, _)| *p)
            .collect();
        if kept.len() < 6 {
            break;
        }
        pts = kept;
    }
    let (theta, rho) = fit_line_normal(&pts, normal_angle_deg(normal))?;
    let (s, c) = theta.to_radians().sin_cos();
    let n = Point::new(c, s);
    let d = Point::new(-s, c);
    let foot = n.scale(rho);
    Some((foot, foot.plus(d)))
}

fn normal_angle_deg(n: Point) -> f64 {
    n.y.atan2(n.x).to_degrees().rem_euclid(180.0)
}

fn bilinear_rgb(frame: &Frame, p: Point) -> [f64; 3] {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let x0 = (p.x.floor().max(0.0) as usize).min(w - 1);
    let y0 = (p.y.floor().max(0.0) as usize).min(h - 1);
    let x1 = (x0 + 1).min(w - 1);
    let y1 = (y0 + 1).min(h - 1);
    let fx = p.x - x0 as f64;
    let fy = p.y - y0 as f64;
    let raw = frame.as_raw();
    let at = |x: usize, y: usize, c: usize| f64::from(raw[(y * w + x) * 3 + c]);
    let mut out = [0.0; 3];
    for (c, slot) in out.iter_mut().enumerate() {
        let top = at(x0, y0, c) * (1.0 - fx) + at(x1, y0, c) * fx;
        let bottom = at(x0, y1, c) * (1.0 - fx) + at(x1, y1, c) * fx;
        *slot = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// The `document` check when nothing was found.
pub fn missing_check() -> Check {
    Check::new(CheckId::Document, false, Some(0.0), Some(MIN_EDGE_SUPPORT))
        .message("No document found: place the whole ID card or passport page in the frame, on a plain background that contrasts with it.")
        .hint("Show the document to the camera")
}

/// The `document` check for a found document: value is the fraction of its visible outline backed
/// by edges.
pub fn found_check(doc: &Document) -> Check {
    let pass = doc.edge_support >= MIN_EDGE_SUPPORT;
    let value = (doc.edge_support * 100.0).round() / 100.0;
    let check = Check::new(CheckId::Document, pass, Some(value), Some(MIN_EDGE_SUPPORT));
    if pass {
        check
            .message(format!(
                "{} found ({:.0}% of its outline seen).",
                doc.kind.label(),
                100.0 * doc.edge_support
            ))
            .hint("Document found")
    } else {
        check
            .message(format!(
                "The document's outline is unclear ({:.0}% seen): use a plain background that contrasts with the document and keep fingers off its edges.",
                100.0 * doc.edge_support
            ))
            .hint("Use a plain, contrasting background")
    }
}
