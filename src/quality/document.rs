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
use super::prepare::Prepared;
use super::profile::{DocChoice, DocumentKind};
use super::{Check, CheckId, Document};

/// How many Hough peaks become candidate lines.
const MAX_LINES: usize = 40;
/// How many Hough peaks are refitted, at most, to find `MAX_LINES` distinct lines.
const MAX_PEAKS: usize = 64;
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
/// One side of a four-line quad may fall short of `MIN_SIDE_SUPPORT` (a finger over it, a shadow)
/// but needs at least this much.
const MIN_OCCLUDED_SIDE_SUPPORT: f64 = 0.2;
/// Least fraction of a quad's perimeter (rounded corners left out) that must lie inside the frame.
const MIN_VISIBLE_PERIMETER: f64 = 0.6;
/// Score factor for a quad built from three lines and the aspect ratio: on a tie, four seen sides
/// beat three.
const THREE_LINE_DISCOUNT: f64 = 0.97;
/// How far past each corner, as a fraction of the side, a side's line is checked for running on.
const OVERSHOOT_FRAC: f64 = 0.1;
/// Score lost per supported pixel past a corner (a supported pixel on a side earns 1).
const OVERSHOOT_WEIGHT: f64 = 2.0;
/// A predicted side is tried up to this fraction of its nominal distance nearer or farther
/// (perspective and the assumed focal length make the aspect ratio in the image inexact).
const PREDICTED_SIDE_SLIDE: f64 = 0.1;
/// Probes across the band where a hidden side is looked for.
const HIDDEN_SIDE_PROBES: u32 = 12;
/// A hidden side is also fitted to the edge pixels along where it was located, when at least this
/// fraction (0–1) of the 1-px steps along its middle 70 % has one: the aspect ratio puts it at the
/// same distance along both neighbouring sides, while perspective shortens one of them (a pale card
/// tilted a few degrees on white paper has its faint far side 10 px askew at 640 px).
const MIN_HIDDEN_FIT_FRACTION: f64 = 0.3;
/// How far either side of the located hidden side, working pixels, its edge pixels are first
/// looked for: a side 10 % shorter at one end than the other, as the aspect ratio cannot know,
/// is up to ~6 px off at the ends of a 300-px card side.
const HIDDEN_FIT_REACH_PX: i32 = 6;
/// Slack, working pixels, by which `ThreeLine::slide_can_enter` widens (or narrows) the intervals
/// it bounds support over, so that rounding in `place` cannot leave them.
const SLIDE_BOUND_MARGIN_PX: f64 = 1.0;
/// How far either side of a line, working pixels, the edge pixels it is fitted to may lie.
const REFIT_REACH_PX: i32 = 2;
/// A fitted hidden side may end this fraction of the nominal distance nearer or farther along
/// each neighbouring side (twice `PREDICTED_SIDE_SLIDE`: the two ends move independently).
const FITTED_SIDE_SLIDE: f64 = 0.2;
/// A side predicted out of frame needs the two sides that reach it supported over their last
/// this many working pixels before the border…
const BORDER_RUN_PX: f64 = 25.0;
/// …at least this fraction of them.
const MIN_BORDER_RUN_SUPPORT: f64 = 0.6;
/// Field of view assumed when judging a candidate's shape, degrees across the long side.
const DETECTION_HFOV_DEG: f64 = 70.0;
/// Out-of-plane tilt, degrees, up to which a candidate's pose is not held against it. The
/// MIDV-500 dev frames are all below 26°.
const PLAUSIBLE_TILT_DEG: f64 = 30.0;
/// In a stream, a candidate within this fraction of the diagonal of the previous quad…
const STEADY_CORNER_FRAC: f64 = 0.02;
/// …has its score multiplied by this.
const STEADY_BONUS: f64 = 1.25;
/// Most a side may turn, degrees, when refined at full resolution.
const MAX_REFINE_TURN_DEG: f64 = 3.0;
/// Points per side where `step_factor` compares inside and outside colour.
const STEP_SAMPLES: u32 = 12;
/// Distance from a side, working pixels, of the inside and outside colour samples.
const STEP_OFFSET_PX: f64 = 5.0;
/// Least difference of mean colour (0–255, strongest channel) across a side for it to be a step.
const MIN_STEP_CONTRAST: f64 = 10.0;
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

    /// Supported length (1-px steps) of this line just beyond one end of the side between
    /// parameters `a` and `b` (`len` long): past the end nearer `a` when `at_a`. A real corner is
    /// where the document's edge stops; a quad cut out of the middle of a document by a printed
    /// line has sides that run on past its corners.
    fn overshoot(&self, a: f64, b: f64, len: f64, at_a: bool) -> f64 {
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
    fn support(&self, a: f64, b: f64) -> (u32, u32) {
        // Hand-written hot path (~70 000 calls per still; callgrind, 720p benchmark stills: a
        // call was ~85 instructions, and this saves 1.9 M per still). The bounds are ordered and
        // clamped by comparisons,
        // which for the finite parameters callers pass give what `f64::min`/`max` give without
        // their NaN handling (a NaN only ends up clamped to the line's ends); the offsets from
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
}

/// Whether two refitted lines are the same edge: within 2° and 2.5 px of each other across the
/// part of the image they share.
fn same_line(a: &Line, b: &Line) -> bool {
    if angle_diff_deg(a.theta_deg, b.theta_deg) > 2.0 {
        return false;
    }
    // Distance of b's visible end points from a.
    [b.point(b.t_min), b.point(b.t_max)]
        .iter()
        .all(|p| (a.normal.dot(*p) - a.rho).abs() <= 2.5)
}

/// An angle in degrees (any value) as whole degrees 0–179.
fn whole_degrees(deg: f64) -> i32 {
    (floor_to_i64(deg + 0.5).rem_euclid(180)) as i32
}

// Without SSE4.1 (the x86-64 baseline has no `roundsd`) `f64::floor` and `f64::round` are calls
// into libm, ~25 instructions each; the detector made ~270 000 of them per frame (6.7 M of a
// still's ~156 M instructions in callgrind). These two give the same integers for |v| < 2^52
// from one truncating conversion.

/// `v.floor() as i64`, inline.
fn floor_to_i64(v: f64) -> i64 {
    let t = v as i64;
    t - i64::from((t as f64) > v)
}

/// `v.round() as i64` (halves away from zero), inline.
fn round_to_i64(v: f64) -> i64 {
    let t = v as i64;
    let frac = v - t as f64;
    t + i64::from(frac >= 0.5) - i64::from(frac <= -0.5)
}

fn angle_diff_deg(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(180.0);
    d.min(180.0 - d)
}

/// A scored quad hypothesis in working-image pixels, corners in cyclic order.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    corners: [Point; 4],
    score: f64,
    support: f64,
    /// The side (from corner k to k + 1) inferred from the others, for three-line quads.
    predicted_side: Option<usize>,
    kind: DocumentKind,
}

/// The best few candidates whose shape fits an allowed document kind, best first.
struct Best<'a> {
    list: Vec<Candidate>,
    prep: &'a Prepared,
    choice: DocChoice,
}

impl<'a> Best<'a> {
    const KEEP: usize = 6;

    fn new(prep: &'a Prepared, choice: DocChoice) -> Self {
        Best {
            list: Vec::with_capacity(Self::KEEP + 1),
            prep,
            choice,
        }
    }

    fn could_take(&self, score: f64) -> bool {
        self.list.len() < Self::KEEP || self.list.last().is_some_and(|c| score > c.score)
    }

    fn offer(&mut self, mut cand: Candidate) {
        if !self.could_take(cand.score) {
            return;
        }
        // The perspective-corrected aspect ratio decides whether this is a document at all.
        let in_frame = cand.corners.map(|p| {
            let (x, y) = self.prep.to_frame(p.x, p.y);
            Point::new(x, y)
        });
        let (fw, fh) = (self.prep.frame_width, self.prep.frame_height);
        let Some((kind, tilt)) = fitting_kind(&Quad::ordered(in_frame), self.choice, fw, fh) else {
            return;
        };
        cand.kind = kind;
        cand.score *= tilt_prior(tilt);
        if !self.could_take(cand.score) {
            return;
        }
        // A document's border is a step between the document and what it lies on; a printed
        // line (ruled paper, a box on a poster, a keyboard's key rows) has the same colour on
        // both sides. Sides that are not steps lose their score.
        cand.score *= step_factor(self.prep, &cand.corners);
        if !self.could_take(cand.score) {
            return;
        }
        let pos = self
            .list
            .iter()
            .position(|c| c.score < cand.score)
            .unwrap_or(self.list.len());
        self.list.insert(pos, cand);
        self.list.truncate(Self::KEEP);
    }
}

/// A quad hypothesis from three lines: sides a1 and a2 opposite, b1 across them (corner1 on a1,
/// corner2 on a2), the fourth side hidden at some distance along a1 and a2.
struct ThreeLine {
    a1: usize,
    a2: usize,
    corner1: Point,
    corner2: Point,
    /// Parameters of corner1 on a1 and corner2 on a2.
    t1: f64,
    t2: f64,
    /// Which way along a1 and a2 the document lies (+1 towards larger parameters).
    sign: f64,
    /// Distance of the hidden side from b1 that the aspect ratio predicts, working pixels.
    nominal: f64,
    base_vis: f64,
    base_sup: f64,
    base_full: f64,
    /// Upper bound of the score.
    bound: f64,
}

impl ThreeLine {
    fn hidden_side(&self, la1: &Line, la2: &Line, length: f64) -> (Point, Point) {
        (
            la1.point(self.t1 + self.sign * length),
            la2.point(self.t2 + self.sign * length),
        )
    }

    /// Whether `place` might return a candidate for some equal distances l1 = l2 = l along a1 and
    /// a2 with l within `nominal` ± `PREDICTED_SIDE_SLIDE` (and `SLIDE_BOUND_MARGIN_PX`): every
    /// length the search tries with the hidden side parallel-shifted (both ends of the slide, the
    /// nominal one and the located one). `false` only when provably none can, because a1 or a2 is
    /// a weak side (`Tally::add` refuses it) at every l, or because `best` cannot take an upper
    /// bound of the `Tally::upper_bound` that `place` tests at every l. The fitted side is only
    /// tried after the located one was placed, so a `false` rules the whole hypothesis out.
    ///
    /// Bounds from the support profiles: supported steps at most those of an interval containing
    /// every trimmed side, visible steps at least those of an interval inside every one, the
    /// hidden side no longer than the longer of its two extreme positions (its length is convex in
    /// l), overshoot at least the support just behind b1 over the shortest extension.
    fn slide_can_enter(&self, la1: &Line, la2: &Line, best: &Best) -> bool {
        let margin = SLIDE_BOUND_MARGIN_PX;
        let (short, long) = (
            self.nominal * (1.0 - PREDICTED_SIDE_SLIDE),
            self.nominal * (1.0 + PREDICTED_SIDE_SLIDE),
        );
        let at = |t: f64, d: f64| t + self.sign * d;
        // `place` trims each neighbouring side to [t + s·0.07 l, t + s·0.93 l] (s = `sign`).
        let (near_skip, far_skip) = (CORNER_SKIP_FRAC, 1.0 - CORNER_SKIP_FRAC);
        let around = |l: &Line, t: f64| {
            l.support(
                at(t, near_skip * short - margin),
                at(t, far_skip * long + margin),
            )
        };
        let within = |l: &Line, t: f64| {
            let (a, b) = (near_skip * long + margin, far_skip * short - margin);
            if a < b {
                l.support(at(t, a), at(t, b)).0
            } else {
                0
            }
        };
        let (outer1, outer2) = (around(la1, self.t1), around(la2, self.t2));
        let (inner1, inner2) = (within(la1, self.t1), within(la2, self.t2));
        // A side with `visible` ≥ 8 and `supported` < `MIN_SIDE_SUPPORT` · `visible` is refused.
        let weak = |most: u32, least: u32| {
            let least = f64::from(least);
            least >= 8.0 && f64::from(most) < MIN_SIDE_SUPPORT * least
        };
        if weak(outer1.1, inner1) || weak(outer2.1, inner2) {
            return false;
        }
        // Support just behind b1, inside the shortest overshoot extension (0.1 l).
        let behind = |l: &Line, t: f64| {
            let (a, b) = (margin, OVERSHOOT_FRAC * short - margin);
            if a < b {
                l.support(at(t, -b), at(t, -a)).1
            } else {
                0
            }
        };
        // Every term of the raw score is a whole number, so this sum is exact.
        let raw = 2.0 * (f64::from(outer1.1) + self.base_sup + f64::from(outer2.1))
            - (f64::from(inner1) + self.base_vis + f64::from(inner2))
            - OVERSHOOT_WEIGHT * f64::from(behind(la1, self.t1) + behind(la2, self.t2));
        let side = |l: f64| la1.point(at(self.t1, l)).dist(la2.point(at(self.t2, l)));
        // Relative and absolute slack for rounding in `place`'s own evaluation.
        let side4 = side(short).max(side(long)) * (1.0 + 1e-9) + 1e-6;
        // upper_bound = (raw + side4) · √((visible + side4) / (full + side4)), the root ≤ 1 and,
        // when the most visible length is at most the least full length, at most this.
        let most_visible = f64::from(outer1.0 + outer2.0) + self.base_vis + side4;
        let least_full = 2.0 * ((far_skip - near_skip) * short - margin) + self.base_full + side4;
        let root = if most_visible <= least_full {
            ((most_visible / least_full).sqrt() * (1.0 + 1e-9)).min(1.0)
        } else {
            1.0
        };
        best.could_take(((raw + side4) * root).max(0.0))
    }

    /// Where between `nominal` ± `PREDICTED_SIDE_SLIDE` the hidden side has most edge evidence:
    /// perspective and the assumed focal length make the aspect ratio in the image inexact. A
    /// 1-px histogram of edge hits along a few probes across the band; `None` without evidence.
    fn locate_hidden_side(&self, prep: &Prepared, la1: &Line, la2: &Line) -> Option<f64> {
        let lo = self.nominal * (1.0 - PREDICTED_SIDE_SLIDE);
        let bins = (2.0 * PREDICTED_SIDE_SLIDE * self.nominal).ceil() as usize + 1;
        let (p, q) = self.hidden_side(la1, la2, self.nominal);
        let d = q.minus(p);
        let theta = whole_degrees(normal_angle_deg(Point::new(-d.y, d.x)));
        let mask = EdgeMask::new(prep, theta, 20);
        let mut hits = [0u16; 160];
        let bins = bins.min(hits.len());
        for (k, slot) in hits.iter_mut().enumerate().take(bins) {
            let (p, q) = self.hidden_side(la1, la2, lo + k as f64);
            let step = q.minus(p).scale(0.7 / f64::from(HIDDEN_SIDE_PROBES));
            let start = p.plus(q.minus(p).scale(0.15)).plus(step.scale(0.5));
            let (mut at, step) = (Fixed::at(start), Fixed::offset(step));
            for _ in 0..HIDDEN_SIDE_PROBES {
                *slot += u16::from(mask.hit(at));
                at = at.plus(step);
            }
        }
        let mut best = (0u16, self.nominal);
        for k in 1..bins.saturating_sub(1) {
            let votes = hits[k - 1] + hits[k] + hits[k + 1];
            if votes > best.0 {
                best = (votes, lo + k as f64);
            }
        }
        (u32::from(best.0) * 4 >= HIDDEN_SIDE_PROBES).then_some(best.1)
    }

    /// The hidden side located at `length`, fitted to the edge pixels along it: its distances
    /// along a1 and a2, or `None` when too few edge pixels lie there or the fit ends beyond
    /// `FITTED_SIDE_SLIDE`. `near` is scratch.
    fn fit_hidden_side(
        &self,
        prep: &Prepared,
        (la1, la2): (&Line, &Line),
        length: f64,
        near: &mut Vec<Point>,
    ) -> Option<(f64, f64)> {
        let (p, q) = self.hidden_side(la1, la2, length);
        // The middle 70 %: the rounded corners and a1's and a2's own edges stay out.
        let middle = |p: Point, q: Point| {
            let d = q.minus(p);
            (p.plus(d.scale(0.15)), p.plus(d.scale(0.85)))
        };
        let (from, to) = middle(p, q);
        let d = q.minus(p);
        let theta = normal_angle_deg(Point::new(-d.y, d.x));
        // Wide first (the located side may cross the real one at a slant), then again within
        // `REFIT_REACH_PX` of that first fit, which leaves out print caught by the wide band.
        edge_pixels_along(prep, (from, to), theta, HIDDEN_FIT_REACH_PX, near);
        let (theta, rho) = fit_line_normal(near, theta)?;
        let (foot, along) = normal_form_points(theta, rho);
        let project = |x: Point| {
            let dir = along.minus(foot);
            foot.plus(dir.scale(x.minus(foot).dot(dir)))
        };
        edge_pixels_along(
            prep,
            middle(project(p), project(q)),
            theta,
            REFIT_REACH_PX,
            near,
        );
        if (near.len() as f64) < MIN_HIDDEN_FIT_FRACTION * from.dist(to) {
            return None;
        }
        let (theta, rho) = fit_line_normal(near, theta)?;
        let (foot, along) = normal_form_points(theta, rho);
        let end_on = |l: &Line, t: f64| {
            let x = line_intersection(l.point(0.0), l.point(1.0), foot, along)?;
            let length = (l.param(x) - t) * self.sign;
            ((length - self.nominal).abs() <= FITTED_SIDE_SLIDE * self.nominal).then_some(length)
        };
        Some((end_on(la1, self.t1)?, end_on(la2, self.t2)?))
    }

    /// The candidate with the hidden side at distances `l1` along a1 and `l2` along a2, scored,
    /// or `None` when it is implausible or cannot enter `best`.
    fn place(
        &self,
        prep: &Prepared,
        (la1, la2): (&Line, &Line),
        (l1, l2): (f64, f64),
        best: &Best,
    ) -> Option<Candidate> {
        let (e1, e2) = (self.t1 + self.sign * l1, self.t2 + self.sign * l2);
        let (c4, c3) = (la1.point(e1), la2.point(e2));
        let corners = [self.corner1, self.corner2, c3, c4];
        if !plausible_shape(&corners) {
            return None;
        }
        let mut tally = Tally::default();
        let (lo, hi) = trimmed(self.t1, e1, l1);
        let (lo2, hi2) = trimmed(self.t2, e2, l2);
        let s1 = la1.support(lo, hi);
        let s2 = la2.support(lo2, hi2);
        let seen = tally.add(f64::from(s1.0), f64::from(s1.1), hi - lo, 0)
            && tally.add(self.base_vis, self.base_sup, self.base_full, 0)
            && tally.add(f64::from(s2.0), f64::from(s2.1), hi2 - lo2, 0);
        // a1 and a2 must stop at b1 and at the hidden side: if they run on past it, the
        // document goes on and the hidden side is not there.
        let ext = OVERSHOOT_FRAC * 0.5 * (l1 + l2);
        let past = |l: &Line, t: f64, outward: f64| {
            let (a, b) = if outward > 0.0 {
                (t, t + ext)
            } else {
                (t - ext, t)
            };
            f64::from(l.support(a, b).1)
        };
        tally.overshoot(
            past(la1, self.t1, -self.sign)
                + past(la2, self.t2, -self.sign)
                + past(la1, e1, self.sign)
                + past(la2, e2, self.sign),
        );
        // Bound: the fourth side can add at most its own length.
        let side4 = c3.dist(c4);
        if !seen || !best.could_take(tally.upper_bound(side4)) {
            return None;
        }
        let skip = CORNER_SKIP_FRAC * side4;
        let dir = c4.minus(c3).scale(1.0 / side4.max(1e-9));
        let (p, q) = (c3.plus(dir.scale(skip)), c4.minus(dir.scale(skip)));
        let (visible, supported) = segment_support(prep, p, q);
        if visible == 0.0 && !(runs_to_border(la1, self.sign) && runs_to_border(la2, self.sign)) {
            // A side out of frame means the document goes on to the border.
            return None;
        }
        tally.add_predicted(visible, supported, side4 - 2.0 * skip);
        // A guessed side inside the frame is less certain than one out of it.
        let discount = if visible > 0.0 {
            THREE_LINE_DISCOUNT
        } else {
            1.0
        };
        let (score, support) = tally.score()?;
        Some(Candidate {
            corners,
            score: score * discount,
            support,
            predicted_side: Some(2),
            kind: DocumentKind::IdCard,
        })
    }
}

/// Adds up how well a quad's sides are backed by edges.
#[derive(Default)]
struct Tally {
    visible: f64,
    supported: f64,
    full: f64,
    raw_score: f64,
    weak_sides: u32,
}

impl Tally {
    /// Adds a side found as a line. Returns false when the quad is ruled out: a visible side with
    /// almost no support, or more weak sides than `weak_allowed` (a finger or a shadow may hide
    /// part of one side).
    fn add(&mut self, visible: f64, supported: f64, full: f64, weak_allowed: u32) -> bool {
        if visible >= 8.0 {
            if supported < MIN_OCCLUDED_SIDE_SUPPORT * visible {
                return false;
            }
            if supported < MIN_SIDE_SUPPORT * visible {
                self.weak_sides += 1;
                if self.weak_sides > weak_allowed {
                    return false;
                }
            }
        }
        self.add_predicted(visible, supported, full);
        true
    }

    /// Adds a side predicted from the others: it may be unsupported, which only costs score.
    fn add_predicted(&mut self, visible: f64, supported: f64, full: f64) {
        self.visible += visible;
        self.supported += supported;
        self.full += full.max(0.0);
        self.raw_score += 2.0 * supported - visible;
    }

    /// Takes off score for edge support found past the quad's corners.
    fn overshoot(&mut self, supported_px: f64) {
        self.raw_score -= OVERSHOOT_WEIGHT * supported_px;
    }

    /// Score if a further side of `length` were fully visible and supported.
    fn upper_bound(&self, length: f64) -> f64 {
        let full = self.full + length;
        let visible = self.visible + length;
        (self.raw_score + length) * (visible / full.max(1.0)).sqrt()
    }

    /// (score, support) of the quad, or `None` when too little of it is in the frame.
    fn score(&self) -> Option<(f64, f64)> {
        // A document mostly out of frame is no use to guide anyone; and a big quad made of lines
        // that run off the frame (a sheet of paper, a desk) must not win on the strength of the
        // part we cannot see.
        let visible_frac = self.visible / self.full.max(1.0);
        if visible_frac < MIN_VISIBLE_PERIMETER {
            return None;
        }
        Some((
            self.raw_score * visible_frac.sqrt(),
            self.supported / self.visible.max(1.0),
        ))
    }
}

/// The part of a side between parameters `a` and `b` (length `len`) left after skipping the
/// rounded corners, as an ordered (lo, hi).
fn trimmed(a: f64, b: f64, len: f64) -> (f64, f64) {
    let skip = CORNER_SKIP_FRAC * len;
    if a <= b {
        (a + skip, b - skip)
    } else {
        (b + skip, a - skip)
    }
}

/// Whether four corners make a convex quad with sides long enough and a card-like side ratio.
fn plausible_shape(corners: &[Point; 4]) -> bool {
    let side = |k: usize| corners[k].dist(corners[(k + 1) % 4]);
    let sides = [side(0), side(1), side(2), side(3)];
    if sides.iter().any(|&s| s < MIN_SIDE_PX) {
        return false;
    }
    let (a, b) = (sides[0] + sides[2], sides[1] + sides[3]);
    let ratio = a.max(b) / a.min(b);
    (1.1..=2.3).contains(&ratio) && Quad(*corners).is_convex()
}

/// Whether `line` is supported along its last `BORDER_RUN_PX` before it leaves the image in the
/// direction `sign` (+1 towards `t_max`).
fn runs_to_border(line: &Line, sign: f64) -> bool {
    let (a, b) = if sign > 0.0 {
        (line.t_max - BORDER_RUN_PX, line.t_max)
    } else {
        (line.t_min, line.t_min + BORDER_RUN_PX)
    };
    let (visible, supported) = line.support(a, b);
    visible > 0 && f64::from(supported) >= MIN_BORDER_RUN_SUPPORT * f64::from(visible)
}

/// Fraction 0–1 of a quad's visible outline (by length) whose sides are colour steps: the mean
/// colour a few pixels inside differs from the mean colour a few pixels outside by at least
/// `MIN_STEP_CONTRAST` in some channel, at half or more of the sample points along the side.
fn step_factor(prep: &Prepared, corners: &[Point; 4]) -> f64 {
    let centre = Quad(*corners).centroid();
    let (mut step_len, mut total_len) = (0.0, 0.0);
    for k in 0..4 {
        let (p, q) = (corners[k], corners[(k + 1) % 4]);
        let len = p.dist(q);
        let Some(fraction) = step_fraction_sampled(prep, p, q, centre, STEP_SAMPLES) else {
            continue;
        };
        total_len += len;
        // A finger or a shadow may break part of a real border: a side counts as a step when
        // at least half of it is one.
        if fraction >= 0.5 {
            step_len += len;
        }
    }
    if total_len > 0.0 {
        step_len / total_len
    } else {
        0.0
    }
}

/// Fraction 0–1 of `samples` points spread over the middle 70 % of side p–q (the in-frame ones)
/// where the mean colour `STEP_OFFSET_PX` towards `interior` differs from the mean colour as far
/// the other way by at least `MIN_STEP_CONTRAST` in some channel; `None` when none is in frame.
fn step_fraction_sampled(
    prep: &Prepared,
    p: Point,
    q: Point,
    interior: Point,
    samples: u32,
) -> Option<f64> {
    let len = p.dist(q);
    if len < 1.0 {
        return None;
    }
    let dir = q.minus(p).scale(1.0 / len);
    let mut normal = Point::new(-dir.y, dir.x);
    if normal.dot(interior.minus(p)) < 0.0 {
        normal = normal.scale(-1.0);
    }
    let (mut visible, mut steps) = (0u32, 0u32);
    for i in 0..samples {
        let f = 0.15 + 0.7 * (f64::from(i) + 0.5) / f64::from(samples);
        let at = p.plus(q.minus(p).scale(f));
        let inside = mean_rgb(prep, at.plus(normal.scale(STEP_OFFSET_PX)));
        let outside = mean_rgb(prep, at.minus(normal.scale(STEP_OFFSET_PX)));
        let (Some(a), Some(b)) = (inside, outside) else {
            continue;
        };
        visible += 1;
        let diff = (0..3).map(|c| (a[c] - b[c]).abs()).fold(0.0, f64::max);
        if diff >= MIN_STEP_CONTRAST {
            steps += 1;
        }
    }
    (visible > 0).then(|| f64::from(steps) / f64::from(visible))
}

/// Mean colour of the 3 × 3 working pixels around `p`, if they are inside the image.
fn mean_rgb(prep: &Prepared, p: Point) -> Option<[f64; 3]> {
    let (x, y) = nearest_pixel(p, prep.width, prep.height)?;
    let (x, y) = (x as i64, y as i64);
    let (w, h) = (i64::from(prep.width), i64::from(prep.height));
    if x < 1 || y < 1 || x >= w - 1 || y >= h - 1 {
        return None;
    }
    let mut sum = [0u32; 3];
    for dy in -1..=1 {
        for dx in -1..=1 {
            let i = ((y + dy) * w + x + dx) as usize;
            sum[0] += u32::from(prep.red[i]);
            sum[1] += u32::from(prep.green[i]);
            sum[2] += u32::from(prep.blue[i]);
        }
    }
    Some(sum.map(|v| f64::from(v) / 9.0))
}

/// Visible and supported 1-px steps along the segment p–q of the working image: a step is
/// supported when an edge pixel within 1 px has a direction within 20° of the segment's normal.
fn segment_support(prep: &Prepared, p: Point, q: Point) -> (f64, f64) {
    let len = p.dist(q);
    if len < 1.0 {
        return (0.0, 0.0);
    }
    let dir = q.minus(p).scale(1.0 / len);
    let normal = Point::new(-dir.y, dir.x);
    let theta = whole_degrees(normal.y.atan2(normal.x).to_degrees());
    let mask = EdgeMask::new(prep, theta, 20);
    let (w, h) = (f64::from(prep.width) - 3.0, f64::from(prep.height) - 3.0);
    let (mut visible, mut supported) = (0.0, 0.0);
    let (start, step) = (Fixed::at(p), Fixed::offset(dir));
    let (up, down) = (Fixed::offset(normal.scale(-1.0)), Fixed::offset(normal));
    let steps = len.floor() as usize + 1;
    for s in 0..steps {
        let c = p.plus(dir.scale(s as f64));
        if c.x < 2.0 || c.y < 2.0 || c.x > w || c.y > h {
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

/// Appends to `peaks` the (votes, k, r) of the cells r of accumulator row k that have at least
/// `MIN_LINE_VOTES` votes and are local maxima: not below the cell before, above the cell after,
/// and no cell of the rows above and below (`None` at k = 0 and 179) within one ρ has more.
/// Cells in increasing r.
fn row_peaks(k: usize, [up, row, down]: [Option<&[u16]>; 3], peaks: &mut Vec<(u16, usize, usize)>) {
    let Some(row) = row else {
        return;
    };
    let n = row.len();
    if n < 3 {
        return;
    }
    // Hand-written hot loop: nearly every cell is below `MIN_LINE_VOTES`, and a whole chunk of
    // them is ruled out by one vectorised saturating subtract and OR; the scan went from
    // 0.8 M to 0.14 M instructions per 1080p still.
    const CHUNK: usize = 16;
    let below = MIN_LINE_VOTES - 1;
    let mut start = 1;
    while start < n - 1 {
        let end = (start + CHUNK).min(n - 1);
        let any = row[start..end]
            .iter()
            .fold(0, |any, &v| any | v.saturating_sub(below));
        if any != 0 {
            for r in start..end {
                let v = row[r];
                if v < MIN_LINE_VOTES || v < row[r - 1] || v <= row[r + 1] {
                    continue;
                }
                let beaten = [up, down]
                    .into_iter()
                    .flatten()
                    .any(|nb| nb[r - 1] > v || nb[r] > v || nb[r + 1] > v);
                if !beaten {
                    peaks.push((v, k, r));
                }
            }
        }
        start = end;
    }
}

/// Scratch of `Detector::hough_peaks`.
#[derive(Default)]
struct Hough {
    /// The edge pixels' columns and rows, sorted by gradient direction.
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// run_start[a]: index in `xs`/`ys` of the first edge pixel of direction a (0–179);
    /// run_start[180] = the number of edge pixels.
    run_start: Vec<u32>,
    /// ρ + r0 of one run's votes.
    rho: Vec<u32>,
    /// Three accumulator rows of `n_rho` cells: normal angle k in row k mod 3.
    rows: Vec<u16>,
}

/// Finds documents; owns its scratch buffers.
#[derive(Default)]
pub struct Detector {
    hough: Hough,
    lines: Vec<Line>,
    near: Vec<Point>,
}

impl Detector {
    /// The best document quad in the prepared frame, or `None` when nothing document-like is seen.
    /// `previous`: in a stream, where the document was in the previous frame (frame pixels); a
    /// candidate in the same place is preferred (`prefer_steady`).
    pub fn detect(
        &mut self,
        prep: &Prepared,
        frame: &Frame,
        choice: DocChoice,
        previous: Option<&Quad>,
    ) -> Option<Document> {
        if prep.width < 16 || prep.height < 16 {
            return None;
        }
        let peaks = self.hough_peaks(prep);
        self.lines.clear();
        for (theta, rho) in peaks {
            let Some(line) = self.refit_line(prep, theta, rho) else {
                continue;
            };
            // Different peaks often refit to the same edge (double lines, butterflies): keep one.
            let duplicate = self.lines.iter().any(|l| same_line(l, &line));
            if !duplicate {
                let mut line = line;
                Self::record_support(prep, &mut line);
                self.lines.push(line);
                if self.lines.len() == MAX_LINES {
                    break;
                }
            }
        }
        let mut candidates = self.candidates(prep, choice);
        prefer_steady(&mut candidates, previous, prep);
        for cand in candidates {
            let corners_frame = cand.corners.map(|p| {
                let (x, y) = prep.to_frame(p.x, p.y);
                Point::new(x, y)
            });
            let kind = cand.kind;
            let refined = refine_quad(
                frame,
                &corners_frame,
                f64::from(prep.factor),
                cand.predicted_side,
            );
            let quad = Quad::ordered(refined.unwrap_or(corners_frame));
            if !quad.is_convex() {
                continue;
            }
            let kind = fitting_kind(&quad, choice, prep.frame_width, prep.frame_height)
                .map_or(kind, |k| k.0);
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
    ///
    /// Hand-written hot loop (callgrind, 1080p benchmark stills): one accumulator row (normal
    /// angle θ) at a time instead of one edge pixel at a time: the edge pixels are first sorted by
    /// direction, so the pixels voting for θ (direction within `VOTE_SPREAD_DEG`) are one or two
    /// runs of that list, and ρ for a run is a plain loop over `f32` slices that vectorises. Every
    /// ρ is the same `f32` expression as before, evaluated in the same order, so every vote lands
    /// in the same cell; only the order of the (commutative) increments changed. The peak test
    /// needs rows θ − 1, θ and θ + 1, so three rows are kept instead of all 180. 13.8 M → 6.3 M
    /// instructions per still (the votes 10 M → 2.8 M).
    fn hough_peaks(&mut self, prep: &Prepared) -> Vec<(f64, f64)> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let r0 = (w.hypot(h)).ceil() as i32 + 1;
        let n_rho = (2 * r0 + 1) as usize;
        self.sort_edges_by_angle(prep);
        let Hough {
            xs,
            ys,
            run_start,
            rho,
            rows,
        } = &mut self.hough;
        rows.clear();
        rows.resize(3 * n_rho, 0);
        let r0_f = r0 as f32;
        // Votes for normal angle k (0–179) into `row`, which must be zero.
        let mut vote = |k: usize, row: &mut [u16]| {
            let (s, c) = (k as f32).to_radians().sin_cos();
            let spread = VOTE_SPREAD_DEG as usize;
            // Directions k − 3 … k + 3 modulo 180: one run of the sorted list, or two when the
            // window wraps past 0 or 179.
            let (first, second) = if k < spread {
                ((180 + k - spread, 180), (0, k + spread + 1))
            } else if k + spread >= 180 {
                ((k - spread, 180), (0, k + spread + 1 - 180))
            } else {
                ((k - spread, k + spread + 1), (0, 0))
            };
            for (a, b) in [first, second] {
                let (from, to) = (run_start[a] as usize, run_start[b] as usize);
                let (x, y) = (&xs[from..to], &ys[from..to]);
                rho.clear();
                rho.extend(x.iter().zip(y).map(|(&x, &y)| {
                    let v = x * c + y * s + r0_f + 0.5;
                    // ρ + r0 is never negative, so truncating rounds ρ. A plain `as` cast must
                    // saturate, which LLVM does one lane at a time (9.5 instead of ~2
                    // instructions per vote).
                    // SAFETY: x, y < 2^16 (they were u16), |c|, |s| ≤ 1 and r0 < 2^17, so `v` is
                    // finite and |v| < 2^19: it fits i32 after truncation.
                    unsafe { v.to_int_unchecked::<i32>() as u32 }
                }));
                for &r in rho.iter() {
                    // A cell counts the pixels of one 1-px band across a working image at most
                    // 640 px long: at most ⌈1/sin 45°⌉ = 2 per column or row, 1 280 in all, so
                    // u16 never wraps.
                    if let Some(cell) = row.get_mut(r as usize) {
                        *cell = cell.wrapping_add(1);
                    }
                }
            }
        };
        let mut peaks: Vec<(u16, usize, usize)> = Vec::new();
        // Row k lives in slot k mod 3; rows 0 and 1 first, then row k + 1 before testing row k.
        {
            let (slot0, rest) = rows.split_at_mut(n_rho);
            vote(0, slot0);
            vote(1, &mut rest[..n_rho]);
        }
        for k in 0..180 {
            if k + 1 < 180 {
                let slot = (k + 1) % 3;
                let row = &mut rows[slot * n_rho..(slot + 1) * n_rho];
                if k + 1 >= 2 {
                    // Held row k − 2, no longer needed.
                    row.fill(0);
                    vote(k + 1, row);
                }
            }
            let row_of = |j: usize| &rows[(j % 3) * n_rho..(j % 3 + 1) * n_rho];
            let row = row_of(k);
            let up = (k > 0).then(|| row_of(k - 1));
            let down = (k < 179).then(|| row_of(k + 1));
            row_peaks(k, [up, Some(row), down], &mut peaks);
        }
        peaks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut chosen: Vec<(f64, f64)> = Vec::with_capacity(MAX_PEAKS);
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
                if chosen.len() == MAX_PEAKS {
                    break;
                }
            }
        }
        chosen
    }

    /// Sorts the edge pixels by gradient direction into `self.hough` (a counting sort: within a
    /// direction they stay in row order).
    fn sort_edges_by_angle(&mut self, prep: &Prepared) {
        let Hough {
            xs, ys, run_start, ..
        } = &mut self.hough;
        run_start.clear();
        run_start.resize(181, 0);
        for e in &prep.edges {
            // `EdgePoint::angle` is 0–179.
            run_start[usize::from(e.angle.min(179)) + 1] += 1;
        }
        for a in 0..180 {
            run_start[a + 1] += run_start[a];
        }
        let n = prep.edges.len();
        xs.clear();
        xs.resize(n, 0.0);
        ys.clear();
        ys.resize(n, 0.0);
        // Next free place per direction.
        let mut next: [u32; 180] = [0; 180];
        next.copy_from_slice(&run_start[..180]);
        for e in &prep.edges {
            let slot = &mut next[usize::from(e.angle.min(179))];
            let i = *slot as usize;
            *slot += 1;
            xs[i] = f32::from(e.x);
            ys[i] = f32::from(e.y);
        }
    }

    /// Refits a Hough line to the edge pixels along it.
    fn refit_line(&mut self, prep: &Prepared, theta: f64, rho: f64) -> Option<Line> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let line = Line::from_normal(theta, rho, w, h)?;
        edge_pixels_along(
            prep,
            (line.point(line.t_min), line.point(line.t_max)),
            theta,
            REFIT_REACH_PX,
            &mut self.near,
        );
        if self.near.len() >= 12 {
            let (theta2, rho2) = fit_line_normal(&self.near, theta)?;
            Line::from_normal(theta2, rho2, w, h)
        } else {
            Some(line)
        }
    }

    /// Records where along the line an edge of its direction lies within 1 px.
    fn record_support(prep: &Prepared, line: &mut Line) {
        let steps = (line.t_max - line.t_min).floor() as usize + 1;
        let mask = EdgeMask::new(prep, whole_degrees(line.theta_deg), 12);
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

    /// Scores every 4-line hypothesis; returns the best few, best first.
    fn candidates(&self, prep: &Prepared, choice: DocChoice) -> Vec<Candidate> {
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
        let mut best = Best::new(prep, choice);
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
                if !plausible_shape(&corners) {
                    continue;
                }
                // Sides: on a1 from c4 to c1, on b1 from c1 to c2, on a2 from c2 to c3, on b2 c3 to c4.
                let mut tally = Tally::default();
                let sides = [
                    (a1, c4.2, c1.1),
                    (b1, c1.2, c2.1),
                    (a2, c2.2, c3.1),
                    (b2, c3.2, c4.1),
                ];
                for (k, &(li, ta, tb)) in sides.iter().enumerate() {
                    let len = corners[(k + 3) % 4].dist(corners[k]);
                    let (lo, hi) = trimmed(ta, tb, len);
                    let line = &self.lines[li];
                    let (visible, supported) = line.support(lo, hi);
                    if !tally.add(f64::from(visible), f64::from(supported), hi - lo, 1) {
                        break;
                    }
                    tally.overshoot(
                        line.overshoot(ta, tb, len, true) + line.overshoot(ta, tb, len, false),
                    );
                }
                if let Some((score, support)) = tally.score() {
                    best.offer(Candidate {
                        corners,
                        score,
                        support,
                        predicted_side: None,
                        kind: DocumentKind::IdCard,
                    });
                }
            }
        }
        // Three lines and the document's shape: the fourth side is out of frame, hidden, or too
        // faint for the Hough transform (a pale card on white paper). It is predicted from the
        // aspect ratio and checked against the edge map directly.
        let aspects: Vec<f64> = choice.kinds().iter().map(|k| k.aspect()).collect();
        let mut hypotheses: Vec<ThreeLine> = Vec::new();
        for &(a1, a2) in &opposite_pairs {
            let (la1, la2) = (&self.lines[a1], &self.lines[a2]);
            for b1 in 0..n {
                let (Some(c1), Some(c2)) = (cross[a1 * n + b1], cross[b1 * n + a2]) else {
                    continue;
                };
                let base = c1.0.dist(c2.0);
                if base < MIN_SIDE_PX {
                    continue;
                }
                let (t1, t2) = (c1.1, c2.2);
                let (base_lo, base_hi) = trimmed(c1.2, c2.1, base);
                let base_support = self.lines[b1].support(base_lo, base_hi);
                let (base_vis, base_sup) = (f64::from(base_support.0), f64::from(base_support.1));
                if base_vis < 8.0 || base_sup < MIN_SIDE_SUPPORT * base_vis {
                    continue;
                }
                for &aspect in &aspects {
                    for nominal in [base * aspect, base / aspect] {
                        // Which way along a1 and a2 the document lies: where they are supported.
                        let fwd = la1.support(t1, t1 + nominal).1 + la2.support(t2, t2 + nominal).1;
                        let back =
                            la1.support(t1 - nominal, t1).1 + la2.support(t2 - nominal, t2).1;
                        let sign = if fwd >= back { 1.0 } else { -1.0 };
                        // The most this hypothesis could score: the most support and the least
                        // visible length any slide of the hidden side gives.
                        let (longest, shortest) = (
                            nominal * (1.0 + PREDICTED_SIDE_SLIDE),
                            nominal * (1.0 - PREDICTED_SIDE_SLIDE),
                        );
                        let most = |l: &Line, t: f64| f64::from(l.support(t, t + sign * longest).1);
                        let least =
                            |l: &Line, t: f64| f64::from(l.support(t, t + sign * shortest).0);
                        let bound = 2.0 * (most(la1, t1) + most(la2, t2) + base_sup)
                            - (least(la1, t1) + least(la2, t2) + base_vis)
                            + 1.3 * base;
                        if !best.could_take(bound) {
                            continue;
                        }
                        hypotheses.push(ThreeLine {
                            a1,
                            a2,
                            corner1: c1.0,
                            corner2: c2.0,
                            t1,
                            t2,
                            sign,
                            nominal,
                            base_vis,
                            base_sup,
                            base_full: base_hi - base_lo,
                            bound,
                        });
                    }
                }
            }
        }
        // Most promising first, so the bound soon stops the search.
        // Sorting (bound, index) keys, ties by index, gives the order a stable sort of the
        // hypotheses by bound gives, without moving the 112-byte hypotheses (~7 000 a frame):
        // 1.1 M → 0.4 M instructions per 1080p still.
        let mut order: Vec<(f64, usize)> = hypotheses
            .iter()
            .enumerate()
            .map(|(i, h)| (h.bound, i))
            .collect();
        order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut near = Vec::new();
        for hyp in order.iter().filter_map(|&(_, i)| hypotheses.get(i)) {
            if !best.could_take(hyp.bound) {
                break;
            }
            let (la1, la2) = (&self.lines[hyp.a1], &self.lines[hyp.a2]);
            // About half the hypotheses cannot place a candidate at any slide; proving it costs
            // ~200 instructions, locating the hidden side ~23 000.
            if !hyp.slide_can_enter(la1, la2, &best) {
                continue;
            }
            // Where the edge map puts the hidden side, and the two ends of the range the aspect
            // ratio allows (the far end is out of frame when the document runs off it).
            let lines = (la1, la2);
            let located = hyp.locate_hidden_side(prep, la1, la2);
            let place = |length: f64| hyp.place(prep, lines, (length, length), &best);
            let at_located = place(located.unwrap_or(hyp.nominal));
            // Fitted only where the edge map showed something and the located side could enter
            // the list: the walk costs as much as locating, and most hypotheses fail before.
            let fitted = located
                .filter(|_| at_located.is_some())
                .and_then(|length| hyp.fit_hidden_side(prep, lines, length, &mut near))
                .and_then(|lengths| hyp.place(prep, lines, lengths, &best));
            let placed = [
                at_located,
                fitted,
                place(hyp.nominal * (1.0 - PREDICTED_SIDE_SLIDE)),
                place(hyp.nominal * (1.0 + PREDICTED_SIDE_SLIDE)),
            ]
            .into_iter()
            .flatten()
            .max_by(|a, b| a.score.total_cmp(&b.score));
            if let Some(c) = placed {
                best.offer(c);
            }
        }
        best.list
    }
}

/// In a stream, the candidate where the previous frame's quad was (every corner within
/// `STEADY_CORNER_FRAC` of the working image's diagonal) counts `STEADY_BONUS` times its score, so
/// the outline does not jump between a card's edge and a printed band just inside it from one
/// frame to the next. (Preferring the outer of two nested candidates outright was tried and lowered
/// the MIDV-500 dev IoU from 0.988 to 0.979: real frames have enclosing shadows and sheets.)
fn prefer_steady(list: &mut [Candidate], previous: Option<&Quad>, prep: &Prepared) {
    let Some(previous) = previous else {
        return;
    };
    let prev = previous.corners().map(|p| {
        let (x, y) = prep.to_working(p.x, p.y);
        Point::new(x, y)
    });
    let diagonal = f64::from(prep.width).hypot(f64::from(prep.height));
    for c in list.iter_mut() {
        let near = c.corners.iter().all(|p| {
            prev.iter()
                .map(|q| p.dist(*q))
                .fold(f64::INFINITY, f64::min)
                <= STEADY_CORNER_FRAC * diagonal
        });
        if near {
            c.score *= STEADY_BONUS;
        }
    }
    list.sort_by(|a, b| b.score.total_cmp(&a.score));
}

/// The allowed document kind whose aspect ratio the quad fits best, if any fits within
/// `MAX_ASPECT_DEVIATION`, and the quad's out-of-plane tilt in degrees.
pub(super) fn fitting_kind(
    quad: &Quad,
    choice: DocChoice,
    width: u32,
    height: u32,
) -> Option<(DocumentKind, f64)> {
    let pose = Pose::estimate(
        quad,
        DocumentKind::IdCard,
        width,
        height,
        DETECTION_HFOV_DEG,
    );
    choice
        .kinds()
        .iter()
        .map(|&kind| ((pose.aspect / kind.aspect() - 1.0).abs(), kind))
        .filter(|(dev, _)| *dev <= MAX_ASPECT_DEVIATION)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, kind)| (kind, pose.tilt_deg))
}

/// Score factor 0.3–1 for a quad's out-of-plane tilt: nobody photographs an ID at 60°, while a
/// quad that borrows a line from the desk or the paper underneath often implies such a pose.
fn tilt_prior(tilt_deg: f64) -> f64 {
    if tilt_deg <= PLAUSIBLE_TILT_DEG {
        1.0
    } else {
        (1.0 - (tilt_deg - PLAUSIBLE_TILT_DEG) / 60.0).max(0.3)
    }
}

/// Nearest pixel to a point, if it is inside a `width` × `height` image. (Adding 0.5 and
/// truncating rounds without a libm call: `f64::round` is not an instruction on baseline x86-64,
/// and this runs in the detector's innermost loops.)
fn nearest_pixel(p: Point, width: u32, height: u32) -> Option<(usize, usize)> {
    // Range-check in floating point first so the casts below never saturate (an `as` cast to a
    // 32-bit integer of a value known to be in range is a single instruction).
    let (x, y) = (p.x + 0.5, p.y + 0.5);
    if !(x >= 0.0 && y >= 0.0 && x < f64::from(width) && y < f64::from(height)) {
        return None;
    }
    Some((x as i32 as usize, y as i32 as usize))
}

/// A point of the working image in 16.16 fixed point, offset by half a pixel so that the integer
/// part is the nearest pixel. The detector's walks along lines look up millions of edge pixels per
/// frame; rounding each probe from f64 cost two saturating float→int conversions (~14
/// instructions, a quarter of the detector's instructions in callgrind), stepping in fixed point
/// costs two adds. Over a 1 000-step walk the position drifts by < 0.01 px.
#[derive(Clone, Copy, Debug)]
struct Fixed {
    x: i64,
    y: i64,
}

/// One pixel in `Fixed` units.
const FIXED_ONE: f64 = 65_536.0;

impl Fixed {
    /// The position `p` (pixel centres at integers), rounding to the nearest pixel built in.
    fn at(p: Point) -> Fixed {
        Fixed {
            x: floor_to_i64((p.x + 0.5) * FIXED_ONE),
            y: floor_to_i64((p.y + 0.5) * FIXED_ONE),
        }
    }

    /// A displacement `v`, pixels.
    fn offset(v: Point) -> Fixed {
        Fixed {
            x: round_to_i64(v.x * FIXED_ONE),
            y: round_to_i64(v.y * FIXED_ONE),
        }
    }

    fn plus(self, o: Fixed) -> Fixed {
        Fixed {
            x: self.x + o.x,
            y: self.y + o.y,
        }
    }

    fn times(self, k: i64) -> Fixed {
        Fixed {
            x: self.x * k,
            y: self.y * k,
        }
    }

    /// The nearest pixel, (column, row); may be negative.
    fn pixel(self) -> (i64, i64) {
        (self.x >> 16, self.y >> 16)
    }

    /// The nearest pixel's centre as a point.
    fn pixel_point(self) -> Point {
        let (x, y) = self.pixel();
        Point::new(x as f64, y as f64)
    }
}

/// The pixels of the working image that hold an edge whose direction is within a tolerance of
/// one normal angle: what every walk of the detector looks up at each probe.
///
/// Hand-written hot lookup (callgrind, 1080p benchmark stills): a 256-entry table of the
/// directions within the tolerance (`NO_EDGE` not among them) replaces the per-probe modular
/// angle test, and one unsigned compare on the column plus the plane's own bounds check (a row
/// above or below the image gives an index outside it) replace four signed compares. The walks
/// (hidden-side location and fit, line refits, support profiles, `segment_support`) went from
/// 24.7 M to 21.7 M instructions per still.
struct EdgeMask<'a> {
    /// `Prepared::edge_angle`, at most width × height long.
    angles: &'a [u8],
    width: u64,
    /// within[a] = 1 when direction a (whole degrees 0–179) is within the tolerance, else 0.
    within: [u8; 256],
}

impl<'a> EdgeMask<'a> {
    /// Edges within `tol` degrees (0–89) of `theta` (whole degrees 0–179), modulo 180°.
    fn new(prep: &'a Prepared, theta: i32, tol: i32) -> EdgeMask<'a> {
        let n = prep.width as usize * prep.height as usize;
        let angles = &prep.edge_angle[..n.min(prep.edge_angle.len())];
        let mut within = [0u8; 256];
        // |a − θ| ≤ tol or 180 − |a − θ| ≤ tol: a = θ + d modulo 180 with |d| ≤ tol. Edge
        // directions are 0–179 (`gradient_angle_deg`) or `NO_EDGE`, which stays 0.
        for d in -tol.clamp(0, 89)..=tol.clamp(0, 89) {
            within[(theta + d).rem_euclid(180) as usize] = 1;
        }
        EdgeMask {
            angles,
            width: u64::from(prep.width),
            within,
        }
    }

    /// 1 when the pixel nearest `p` holds an edge within the tolerance, else 0 (also outside the
    /// image).
    #[inline]
    fn hit(&self, p: Fixed) -> u8 {
        let (x, y) = p.pixel();
        if x as u64 >= self.width {
            return 0;
        }
        // |y| < 2^47 (a 16.16 i64) and width ≤ 640, so y·width + x does not wrap: a row above
        // the image gives a negative index (huge as u64), a row below one past the plane.
        let i = y.wrapping_mul(self.width as i64).wrapping_add(x) as u64;
        usize::try_from(i)
            .ok()
            .and_then(|i| self.angles.get(i))
            .map_or(0, |&a| self.within[usize::from(a)])
    }
}

/// The edge pixels within `reach` px of the segment `from`–`to` whose direction is within 10° of
/// the normal angle `theta` (degrees), the nearest one per 1-px step along the segment, into
/// `near`. Probes outside the working image find nothing.
fn edge_pixels_along(
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
    let mask = EdgeMask::new(prep, whole_degrees(theta), 10);
    let steps = len.floor() as usize + 1;
    let (start, step) = (Fixed::at(from), Fixed::offset(dir));
    // Nearest first: 0, −1, +1, −2, +2, … up to ±`reach` (at most ±`HIDDEN_FIT_REACH_PX`).
    let probes: [Fixed; 2 * HIDDEN_FIT_REACH_PX as usize + 1] = std::array::from_fn(|k| {
        let k = k as i32;
        let off = if k % 2 == 1 { -(k + 1) / 2 } else { k / 2 };
        Fixed::offset(normal.scale(f64::from(off)))
    });
    let used = (2 * reach.clamp(0, HIDDEN_FIT_REACH_PX) + 1) as usize;
    for s in 0..steps {
        let p = start.plus(step.times(s as i64));
        for &probe in &probes[..used] {
            let q = p.plus(probe);
            if mask.hit(q) != 0 {
                // Fit the edge pixel's own position, not the probe's.
                near.push(q.pixel_point());
                break;
            }
        }
    }
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

/// Re-locates each side at full resolution. Side k runs from `corners[k]` to `corners[k + 1]`;
/// the side `predicted` (if any) was inferred rather than seen, so it is searched more widely.
fn refine_quad(
    frame: &Frame,
    corners: &[Point; 4],
    factor: f64,
    predicted: Option<usize>,
) -> Option<[Point; 4]> {
    let mut lines: [(Point, Point); 4] = [(Point::default(), Point::default()); 4];
    for k in 0..4 {
        let (p, q) = (corners[k], corners[(k + 1) % 4]);
        let mut search = 1.5 * factor + 2.0;
        if predicted == Some(k) {
            search = search.max(0.05 * p.dist(q));
        }
        lines[k] = refine_side(frame, p, q, search).map_or((p, q), |side| side.line);
    }
    let x = |a: usize, b: usize| line_intersection(lines[a].0, lines[a].1, lines[b].0, lines[b].1);
    Some([x(3, 0)?, x(0, 1)?, x(1, 2)?, x(2, 3)?])
}

/// A side re-located at full resolution.
#[derive(Clone, Copy, Debug)]
pub(super) struct RefinedSide {
    /// Two points on the fitted line.
    pub line: (Point, Point),
    /// Fraction 0–1 of the probes along the side (those inside the frame) whose strongest edge
    /// lies on the fitted line.
    pub support: f64,
}

/// Finds the strongest colour edge along the normal of the segment p–q at points spread along it
/// (within `search` pixels either side), and fits a line to them.
pub(super) fn refine_side(frame: &Frame, p: Point, q: Point, search: f64) -> Option<RefinedSide> {
    #[cfg(target_arch = "x86_64")]
    if super::simd::Avx2::detect().is_some() {
        // SAFETY: the CPU has AVX2 (checked on the line above).
        return unsafe { refine_side_avx2(frame, p, q, search) };
    }
    refine_side_body(frame, p, q, search)
}

/// `refine_side_body` compiled for AVX2: the three channels of each bilinear sample of the
/// profiles are interpolated in one vector (the same f64 operations per channel, so the same
/// values).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn refine_side_avx2(frame: &Frame, p: Point, q: Point, search: f64) -> Option<RefinedSide> {
    refine_side_body(frame, p, q, search)
}

/// `refine_side`'s work, inlined whole into each build.
#[inline(always)]
fn refine_side_body(frame: &Frame, p: Point, q: Point, search: f64) -> Option<RefinedSide> {
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
    let mut inside = 0usize;
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
        found.push((
            base.plus(normal.scale(f64::from(o) + sub)),
            f64::from(o) + sub,
        ));
    }
    if found.len() < 6 {
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
        .filter(|f| (f.1 - centre).abs() <= 2.0)
        .map(|f| f.0)
        .collect();
    if pts.len() < 6 {
        return None;
    }
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
    // The refined side may straighten the rough one by a little, not turn it.
    if angle_diff_deg(theta, normal_angle_deg(normal)) > MAX_REFINE_TURN_DEG {
        return None;
    }
    Some(RefinedSide {
        line: normal_form_points(theta, rho),
        support: pts.len() as f64 / inside.max(1) as f64,
    })
}

/// The angle of a normal vector `n`, degrees 0–180 (a line through direction d has normal
/// (−d.y, d.x)).
fn normal_angle_deg(n: Point) -> f64 {
    n.y.atan2(n.x).to_degrees().rem_euclid(180.0)
}

/// Two points one pixel apart on the line x·cos θ + y·sin θ = ρ (θ in degrees): its foot and the
/// next point along it.
fn normal_form_points(theta_deg: f64, rho: f64) -> (Point, Point) {
    let (s, c) = theta_deg.to_radians().sin_cos();
    let foot = Point::new(c, s).scale(rho);
    (foot, foot.plus(Point::new(-s, c)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::prepare::NO_EDGE;

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_build_of_refine_side_finds_the_same_lines() {
        if crate::quality::simd::Avx2::detect().is_none() {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        }
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
            // SAFETY: the CPU has AVX2 (checked above).
            let avx2 = unsafe { refine_side_avx2(&frame, p, q, search) };
            found += usize::from(portable.is_some());
            assert_eq!(bits(avx2), bits(portable), "{p:?}–{q:?}");
        }
        assert!(found >= 2, "the edge is found from the sides along it");
    }

    /// The per-probe test `EdgeMask` replaced: whether an edge direction (whole degrees 0–179)
    /// is within `tol` degrees of `theta` (0–179), modulo 180°; false for `NO_EDGE`.
    fn angle_within(a: u8, theta: i32, tol: i32) -> bool {
        if a == NO_EDGE {
            return false;
        }
        let d = (i32::from(a) - theta).abs();
        d <= tol || 180 - d <= tol
    }

    #[test]
    fn the_edge_mask_is_the_angle_test_at_every_pixel() {
        let (prep, _) = converging_card(490.0);
        let (w, h) = (i64::from(prep.width), i64::from(prep.height));
        // Every direction and NO_EDGE, and probes inside, beside and far outside the image.
        let mut angles = prep.clone();
        for (i, a) in angles.edge_angle.iter_mut().enumerate() {
            *a = if i % 181 == 180 {
                NO_EDGE
            } else {
                (i % 181) as u8
            };
        }
        for prep in [&prep, &angles] {
            for tol in [10, 12, 20] {
                for theta in 0..180 {
                    let mask = EdgeMask::new(prep, theta, tol);
                    for (x, y) in (-3..w + 3)
                        .step_by(7)
                        .flat_map(|x| (-3..h + 3).step_by(5).map(move |y| (x, y)))
                        .chain([(i64::MIN >> 17, 4), (4, i64::MAX >> 17), (-1, h), (w, -1)])
                    {
                        let p = Fixed {
                            x: x << 16,
                            y: y << 16,
                        };
                        let inside = (0..w).contains(&x) && (0..h).contains(&y);
                        let a = if inside {
                            prep.edge_angle[(y * w + x) as usize]
                        } else {
                            NO_EDGE
                        };
                        assert_eq!(
                            mask.hit(p) != 0,
                            angle_within(a, theta, tol),
                            "({x}, {y}) θ {theta} tol {tol}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inline_floor_and_round_match_the_library() {
        let values = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.5,
            0.49,
            -0.49,
            0.51,
            -0.51,
            7.0,
            -7.0,
            1e-300,
            -1e-300,
            123_456.789,
            -123_456.789,
            4.5e12,
            -4.5e12,
            65_535.999_99,
        ];
        for v in values {
            assert_eq!(floor_to_i64(v), v.floor() as i64, "floor {v}");
            assert_eq!(round_to_i64(v), v.round() as i64, "round {v}");
        }
        assert_eq!(floor_to_i64(f64::NAN), 0);
        assert_eq!(whole_degrees(-0.6), 179);
        assert_eq!(whole_degrees(179.6), 0);
    }

    /// A 640 × 360 frame (the working image itself) with a light quad on a dark background:
    /// perspective makes its top side 400 px long and its bottom side shorter, ending at
    /// `bottom_right_x` (490: 390 px long).
    fn converging_card(bottom_right_x: f64) -> (Prepared, [Point; 4]) {
        let corners = [
            Point::new(100.0, 60.0),
            Point::new(500.0, 80.0),
            Point::new(bottom_right_x, 300.0),
            Point::new(100.0, 320.0),
        ];
        let frame = Frame::from_fn(640, 360, |x, y| {
            let p = Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5);
            // Clockwise on screen: inside is to the right of every side.
            let inside = (0..4).all(|k| {
                let (a, b) = (corners[k], corners[(k + 1) % 4]);
                b.minus(a).cross(p.minus(a)) >= 0.0
            });
            if inside {
                image::Rgb([205, 200, 190])
            } else {
                image::Rgb([50, 55, 60])
            }
        });
        let mut prep = Prepared::default();
        prep.build(&frame);
        assert_eq!(prep.factor, 1);
        (prep, corners)
    }

    /// The working-image line through two points, with its edge support recorded.
    fn line_through(prep: &Prepared, a: Point, b: Point) -> Line {
        let d = b.minus(a);
        let theta = normal_angle_deg(Point::new(-d.y, d.x));
        let (s, c) = theta.to_radians().sin_cos();
        let rho = a.x * c + a.y * s;
        let mut line = Line::from_normal(theta, rho, 640.0, 360.0).expect("inside the image");
        Detector::record_support(prep, &mut line);
        line
    }

    /// The three-line hypothesis of `converging_card` from its top, bottom and left sides, the
    /// hidden (right) side predicted at `nominal` px; with the top and bottom lines.
    fn left_side_hypothesis(
        prep: &Prepared,
        [tl, tr, br, bl]: [Point; 4],
        nominal: f64,
    ) -> (ThreeLine, Line, Line) {
        let (top, bottom) = (line_through(prep, tl, tr), line_through(prep, bl, br));
        let (t1, t2) = (top.param(tl), bottom.param(bl));
        let sign = if top.param(tr) > t1 { 1.0 } else { -1.0 };
        let hyp = ThreeLine {
            a1: 0,
            a2: 1,
            corner1: tl,
            corner2: bl,
            t1,
            t2,
            sign,
            nominal,
            base_vis: 0.0,
            base_sup: 0.0,
            base_full: 0.0,
            bound: 0.0,
        };
        (hyp, top, bottom)
    }

    #[test]
    fn a_hidden_side_is_fitted_to_its_edge_with_each_end_where_perspective_puts_it() {
        // Bottom side 10 px and 22 px shorter than the top: the located side's ends are up to
        // 5 and 11 px off the real ones. (On these clean edges a 2-px band around the located
        // side would do; on the MIDV-500 frame 14_deu_id_new 04, whose faint side has edge pixels
        // on about half its length, only the wider first search finds enough.)
        for (bottom_right_x, least_miss) in [(490.0, 4.0), (478.0, 9.0)] {
            let (prep, corners) = converging_card(bottom_right_x);
            let [tl, tr, br, bl] = corners;
            // What the aspect ratio predicts from the left side, as if the card faced the camera.
            let nominal = 260.0 * DocumentKind::IdCard.aspect();
            let (hyp, top, bottom) = left_side_hypothesis(&prep, corners, nominal);
            let (true_top, true_bottom) = (tl.dist(tr), bl.dist(br));
            let located = hyp
                .locate_hidden_side(&prep, &top, &bottom)
                .expect("the right side's edge");
            // One distance along both sides cannot reach both true corners.
            let miss = (located - true_top)
                .abs()
                .max((located - true_bottom).abs());
            assert!(miss > least_miss, "located {located:.1}");
            let (l1, l2) = hyp
                .fit_hidden_side(&prep, (&top, &bottom), located, &mut Vec::new())
                .expect("the right side's edge pixels");
            assert!((l1 - true_top).abs() < 1.5, "{l1:.1} vs {true_top:.1}");
            assert!(
                (l2 - true_bottom).abs() < 1.5,
                "{l2:.1} vs {true_bottom:.1}"
            );
        }
    }

    #[test]
    fn a_hidden_side_without_edge_pixels_is_not_fitted() {
        let (prep, corners) = converging_card(490.0);
        // Half-way across the card: nothing but paper there.
        let (hyp, top, bottom) = left_side_hypothesis(&prep, corners, 200.0);
        assert_eq!(
            hyp.fit_hidden_side(&prep, (&top, &bottom), 200.0, &mut Vec::new()),
            None
        );
    }
}
