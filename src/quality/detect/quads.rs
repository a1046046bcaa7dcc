//! Quads from four candidate lines, and how every quad hypothesis is scored and kept.
//!
//! Decides which pairs of lines can be opposite or adjacent sides, what a quad scores (supported
//! minus unsupported outline, less what runs on past its corners), whether its shape is plausible,
//! and which few candidates (`Best`) are worth refining.

use super::super::geometry::{Point, Quad, line_intersection};
use super::super::prepare::Prepared;
use super::super::profile::{DocChoice, DocumentKind};
use super::lines::{Line, angle_diff_deg};
use super::raster::nearest_pixel;
use super::{fitting_kind, tilt_prior};

/// Two sides are "opposite" when their directions differ by at most this many degrees.
const MAX_OPPOSITE_ANGLE_DEG: f64 = 32.0;
/// Two sides are "adjacent" when their directions differ by at least this many degrees.
const MIN_ADJACENT_ANGLE_DEG: f64 = 48.0;
/// Shortest side of a candidate quad, working pixels.
pub(super) const MIN_SIDE_PX: f64 = 30.0;
/// Part of each side, at each end, left out of its support (ISO 7810 corners are rounded with
/// r = 3.18 mm: 3.7 % of an ID-1 card's width, 5.9 % of its height).
pub(super) const CORNER_SKIP_FRAC: f64 = 0.07;
/// A visible side needs at least this fraction of it supported by edges.
pub(super) const MIN_SIDE_SUPPORT: f64 = 0.45;
/// One side of a four-line quad may fall short of `MIN_SIDE_SUPPORT` (a finger over it, a shadow)
/// but needs at least this much.
const MIN_OCCLUDED_SIDE_SUPPORT: f64 = 0.2;
/// Least fraction of a quad's perimeter (rounded corners left out) that must lie inside the frame.
const MIN_VISIBLE_PERIMETER: f64 = 0.6;
/// How far past each corner, as a fraction of the side, a side's line is checked for running on.
pub(super) const OVERSHOOT_FRAC: f64 = 0.1;
/// Score lost per supported pixel past a corner (a supported pixel on a side earns 1).
pub(super) const OVERSHOOT_WEIGHT: f64 = 2.0;
/// Points per side where `step_factor` compares inside and outside colour.
const STEP_SAMPLES: u32 = 12;
/// Distance from a side, working pixels, of the inside and outside colour samples.
const STEP_OFFSET_PX: f64 = 5.0;
/// Least difference of mean colour (0–255, strongest channel) across a side for it to be a step.
const MIN_STEP_CONTRAST: f64 = 10.0;
/// A side with fewer visible 1-px steps than this (working pixels) is not judged on its support.
pub(super) const MIN_JUDGED_SIDE_PX: f64 = 8.0;
/// Least ratio of a quad's longer pair of opposite sides to its shorter pair (summed lengths):
/// ID-1 is 1.586 and ID-3 1.420 facing the camera…
const MIN_SIDE_RATIO: f64 = 1.1;
/// …and at most this.
const MAX_SIDE_RATIO: f64 = 2.3;
/// Corners of a line pair may lie outside the working image by at most this fraction (0–1) of its
/// width or height.
const MAX_CORNER_OUTSIDE_FRAC: f64 = 0.5;
/// A side is a colour step when at least this fraction (0–1) of its sample points are (a finger
/// or a shadow may break part of a real border).
const MIN_STEP_FRACTION: f64 = 0.5;
/// The middle of a side, away from its rounded corners and the neighbouring sides' own edges:
/// from this fraction (0–1) of its length…
pub(super) const MIDDLE_START_FRAC: f64 = 0.15;
/// …over this fraction of it…
pub(super) const MIDDLE_SPAN_FRAC: f64 = 0.7;
/// …to this fraction of it.
pub(super) const MIDDLE_END_FRAC: f64 = 0.85;

/// A scored quad hypothesis in working-image pixels, corners in cyclic order.
#[derive(Clone, Copy, Debug)]
pub(super) struct Candidate {
    pub(super) corners: [Point; 4],
    pub(super) score: f64,
    pub(super) support: f64,
    /// The side (from corner k to k + 1) inferred from the others, for three-line quads.
    pub(super) predicted_side: Option<usize>,
    pub(super) kind: DocumentKind,
}

/// The best few candidates whose shape fits an allowed document kind, best first.
pub(super) struct Best<'a> {
    pub(super) list: Vec<Candidate>,
    prep: &'a Prepared,
    choice: DocChoice,
}

impl<'a> Best<'a> {
    const KEEP: usize = 6;

    pub(super) fn new(prep: &'a Prepared, choice: DocChoice) -> Self {
        Best {
            list: Vec::with_capacity(Self::KEEP + 1),
            prep,
            choice,
        }
    }

    pub(super) fn could_take(&self, score: f64) -> bool {
        self.list.len() < Self::KEEP || self.list.last().is_some_and(|c| score > c.score)
    }

    pub(super) fn offer(&mut self, mut cand: Candidate) {
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

/// How the candidate lines relate, two by two: where adjacent ones cross and which are opposite.
pub(super) struct LinePairs {
    n: usize,
    /// cross[i · n + j]: where lines i and j cross (when they may be adjacent sides and the corner
    /// is not absurdly far out of frame), with its parameter along i and along j.
    cross: Vec<Option<(Point, f64, f64)>>,
    /// Pairs (i, j), i < j, of lines that may be opposite sides, in increasing (i, j).
    pub(super) opposite: Vec<(usize, usize)>,
}

impl LinePairs {
    /// The relations of `lines` in a working image `w` × `h` pixels.
    pub(super) fn of(lines: &[Line], w: f64, h: f64) -> LinePairs {
        let n = lines.len();
        // Pairwise relations and intersections.
        let mut cross: Vec<Option<(Point, f64, f64)>> = vec![None; n * n];
        let mut opposite_pairs: Vec<(usize, usize)> = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                let (li, lj) = (&lines[i], &lines[j]);
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
                        let out = MAX_CORNER_OUTSIDE_FRAC;
                        let (lo_x, hi_x) = (-out * w, (1.0 + out) * w);
                        let (lo_y, hi_y) = (-out * h, (1.0 + out) * h);
                        if p.x > lo_x && p.x < hi_x && p.y > lo_y && p.y < hi_y {
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
        LinePairs {
            n,
            cross,
            opposite: opposite_pairs,
        }
    }

    /// Where lines `i` and `j` cross, with the corner's parameter along `i` and along `j`.
    pub(super) fn crossing(&self, i: usize, j: usize) -> Option<(Point, f64, f64)> {
        self.cross.get(i * self.n + j).copied().flatten()
    }
}

/// Offers `best` every quad made of two pairs of opposite lines crossing at plausible corners.
pub(super) fn four_line_quads(lines: &[Line], pairs: &LinePairs, best: &mut Best) {
    for (pi, &(a1, a2)) in pairs.opposite.iter().enumerate() {
        for &(b1, b2) in &pairs.opposite[pi + 1..] {
            if a1 == b1 || a1 == b2 || a2 == b1 || a2 == b2 {
                continue;
            }
            let (Some(c1), Some(c2), Some(c3), Some(c4)) = (
                pairs.crossing(a1, b1),
                pairs.crossing(b1, a2),
                pairs.crossing(a2, b2),
                pairs.crossing(b2, a1),
            ) else {
                continue;
            };
            let corners = [c1.0, c2.0, c3.0, c4.0];
            if !plausible_shape(&corners) {
                continue;
            }
            // Sides: on a1 from c4 to c1, on b1 from c1 to c2, on a2 from c2 to c3, on b2 c3 to c4.
            let mut tally = Tally::default();
            let mut ruled_out = false;
            let sides = [
                (a1, c4.2, c1.1),
                (b1, c1.2, c2.1),
                (a2, c2.2, c3.1),
                (b2, c3.2, c4.1),
            ];
            for (k, &(li, ta, tb)) in sides.iter().enumerate() {
                let len = corners[(k + 3) % 4].dist(corners[k]);
                let (lo, hi) = trimmed(ta, tb, len);
                let line = &lines[li];
                let (visible, supported) = line.support(lo, hi);
                if !tally.add(f64::from(visible), f64::from(supported), hi - lo, 1) {
                    ruled_out = true;
                    break;
                }
                tally.overshoot(
                    line.overshoot(ta, tb, len, true) + line.overshoot(ta, tb, len, false),
                );
            }
            // A refused side rules the whole quad out: scoring it on the sides before that one
            // would make the outcome depend on which line happens to come first, which changes
            // with how the photo was turned.
            if ruled_out {
                continue;
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
}

/// Adds up how well a quad's sides are backed by edges.
#[derive(Default)]
pub(super) struct Tally {
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
    pub(super) fn add(
        &mut self,
        visible: f64,
        supported: f64,
        full: f64,
        weak_allowed: u32,
    ) -> bool {
        if visible >= MIN_JUDGED_SIDE_PX {
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
    pub(super) fn add_predicted(&mut self, visible: f64, supported: f64, full: f64) {
        self.visible += visible;
        self.supported += supported;
        self.full += full.max(0.0);
        self.raw_score += 2.0 * supported - visible;
    }

    /// Takes off score for edge support found past the quad's corners.
    pub(super) fn overshoot(&mut self, supported_px: f64) {
        self.raw_score -= OVERSHOOT_WEIGHT * supported_px;
    }

    /// Score if a further side of `length` were fully visible and supported.
    pub(super) fn upper_bound(&self, length: f64) -> f64 {
        let full = self.full + length;
        let visible = self.visible + length;
        (self.raw_score + length) * (visible / full.max(1.0)).sqrt()
    }

    /// (score, support) of the quad, or `None` when too little of it is in the frame.
    pub(super) fn score(&self) -> Option<(f64, f64)> {
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
pub(super) fn trimmed(a: f64, b: f64, len: f64) -> (f64, f64) {
    let skip = CORNER_SKIP_FRAC * len;
    if a <= b {
        (a + skip, b - skip)
    } else {
        (b + skip, a - skip)
    }
}

/// Whether four corners make a convex quad with sides long enough and a card-like side ratio.
pub(super) fn plausible_shape(corners: &[Point; 4]) -> bool {
    let side = |k: usize| corners[k].dist(corners[(k + 1) % 4]);
    let sides = [side(0), side(1), side(2), side(3)];
    if sides.iter().any(|&s| s < MIN_SIDE_PX) {
        return false;
    }
    let (a, b) = (sides[0] + sides[2], sides[1] + sides[3]);
    let ratio = a.max(b) / a.min(b);
    (MIN_SIDE_RATIO..=MAX_SIDE_RATIO).contains(&ratio) && Quad(*corners).is_convex()
}

/// Fraction 0–1 of a quad's visible outline (by length) whose sides are colour steps: the mean
/// colour a few pixels inside differs from the mean colour a few pixels outside by at least
/// `MIN_STEP_CONTRAST` in some channel, at half or more of the sample points along the side.
pub(super) fn step_factor(prep: &Prepared, corners: &[Point; 4]) -> f64 {
    let centre = Quad(*corners).centroid();
    let (mut step_len, mut total_len) = (0.0, 0.0);
    for k in 0..4 {
        let (p, q) = (corners[k], corners[(k + 1) % 4]);
        let len = p.dist(q);
        let Some(fraction) = step_fraction_sampled(prep, p, q, centre, STEP_SAMPLES) else {
            continue;
        };
        total_len += len;
        if fraction >= MIN_STEP_FRACTION {
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
        let f = MIDDLE_START_FRAC + MIDDLE_SPAN_FRAC * (f64::from(i) + 0.5) / f64::from(samples);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::detect::fixtures::converging_card;
    use crate::quality::detect::lines::line_through;

    #[test]
    fn a_quad_with_a_refused_side_is_not_a_candidate() {
        let (prep, [tl, tr, br, bl]) = converging_card(490.0);
        // The card's top, bottom and left sides, and a line 20–30 px right of the card, on the plain
        // background: the quad they make fits an ID card's aspect ratio, and its right side has
        // no edge at all. That side comes last in the sides' order.
        let lines = [
            line_through(&prep, tl, tr),
            line_through(&prep, bl, br),
            line_through(&prep, tl, bl),
            line_through(&prep, Point::new(520.0, 40.0), Point::new(520.0, 340.0)),
        ];
        let pairs = LinePairs::of(&lines, 640.0, 360.0);
        assert_eq!(pairs.opposite, [(0, 1), (2, 3)]);
        let mut best = Best::new(&prep, DocChoice::Auto);
        four_line_quads(&lines, &pairs, &mut best);
        assert!(best.list.is_empty(), "{:?}", best.list);
    }
}
