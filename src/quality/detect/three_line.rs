//! Quads from three candidate lines and the document's aspect ratio.
//!
//! Decides where a fourth side that the Hough transform did not find (out of frame, hidden, or too
//! faint: a pale card on white paper) lies: predicted from the aspect ratio, located on the edge
//! map, fitted to its edge pixels, and scored like a seen side. Every three-line hypothesis is
//! bounded first, so the search stops as soon as no hypothesis can beat the best few quads.

use super::super::geometry::{Point, line_intersection};
use super::super::prepare::Prepared;
use super::super::profile::{DocChoice, DocumentKind};
use super::lines::{
    Line, REFIT_REACH_PX, edge_pixels_along, fit_line_normal, normal_angle_deg, normal_form_points,
    segment_support,
};
use super::quads::{
    Best, CORNER_SKIP_FRAC, Candidate, LinePairs, MIDDLE_END_FRAC, MIDDLE_SPAN_FRAC,
    MIDDLE_START_FRAC, MIN_JUDGED_SIDE_PX, MIN_SIDE_PX, MIN_SIDE_SUPPORT, OVERSHOOT_FRAC,
    OVERSHOOT_WEIGHT, Tally, plausible_shape, trimmed,
};
use super::raster::{EdgeMask, Fixed, whole_degrees};

/// Score factor for a quad built from three lines and the aspect ratio: on a tie, four seen sides
/// beat three.
const THREE_LINE_DISCOUNT: f64 = 0.97;
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
pub(super) const HIDDEN_FIT_REACH_PX: i32 = 6;
/// Slack, working pixels, by which `ThreeLine::slide_can_enter` widens (or narrows) the intervals
/// it bounds support over, so that rounding in `place` cannot leave them.
const SLIDE_BOUND_MARGIN_PX: f64 = 1.0;
/// A fitted hidden side may end this fraction of the nominal distance nearer or farther along
/// each neighbouring side (twice `PREDICTED_SIDE_SLIDE`: the two ends move independently).
const FITTED_SIDE_SLIDE: f64 = 0.2;
/// A side predicted out of frame needs the two sides that reach it supported over their last
/// this many working pixels before the border…
const BORDER_RUN_PX: f64 = 25.0;
/// …at least this fraction of them.
const MIN_BORDER_RUN_SUPPORT: f64 = 0.6;
/// Edge direction tolerance, degrees (0–89), of the probes that locate a hidden side.
const HIDDEN_SIDE_EDGE_TOL_DEG: i32 = 20;
/// Most 1-px bins across the band where a hidden side is located (a band 2 ·
/// `PREDICTED_SIDE_SLIDE` of a nominal distance of up to ~800 working pixels).
const MAX_LOCATE_BINS: usize = 160;
/// A hidden side is located only where three neighbouring bins hold at least 1/this of
/// `HIDDEN_SIDE_PROBES` edge hits.
const HIDDEN_SIDE_VOTE_DIVISOR: u32 = 4;
/// A hypothesis' score bound counts the hidden side as adding at most this many times the length
/// of the side across a1 and a2 (b1): the hidden side is about as long, a little longer in
/// perspective.
const MAX_HIDDEN_TO_BASE_RATIO: f64 = 1.3;

/// A quad hypothesis from three lines: sides a1 and a2 opposite, b1 across them (corner1 on a1,
/// corner2 on a2), the fourth side hidden at some distance along a1 and a2.
pub(super) struct ThreeLine {
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
        // `place` trims each neighbouring side to [t + s·k l, t + s·(1 − k) l] (s = `sign`,
        // k = `CORNER_SKIP_FRAC`).
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
        // A side with `visible` ≥ `MIN_JUDGED_SIDE_PX` and `supported` < `MIN_SIDE_SUPPORT` ·
        // `visible` is refused.
        let weak = |most: u32, least: u32| {
            let least = f64::from(least);
            least >= MIN_JUDGED_SIDE_PX && f64::from(most) < MIN_SIDE_SUPPORT * least
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
        let mask = EdgeMask::new(prep, theta, HIDDEN_SIDE_EDGE_TOL_DEG);
        let mut hits = [0u16; MAX_LOCATE_BINS];
        let bins = bins.min(hits.len());
        for (k, slot) in hits.iter_mut().enumerate().take(bins) {
            let (p, q) = self.hidden_side(la1, la2, lo + k as f64);
            let step = q
                .minus(p)
                .scale(MIDDLE_SPAN_FRAC / f64::from(HIDDEN_SIDE_PROBES));
            let start = p
                .plus(q.minus(p).scale(MIDDLE_START_FRAC))
                .plus(step.scale(0.5));
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
        (u32::from(best.0) * HIDDEN_SIDE_VOTE_DIVISOR >= HIDDEN_SIDE_PROBES).then_some(best.1)
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
            (
                p.plus(d.scale(MIDDLE_START_FRAC)),
                p.plus(d.scale(MIDDLE_END_FRAC)),
            )
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

/// Every three-line hypothesis that could still enter `best`: two opposite lines a1, a2, a line b1
/// across them, and the hidden side's distance predicted from each allowed kind's aspect ratio
/// (either way round). Unordered.
fn hypotheses(lines: &[Line], pairs: &LinePairs, choice: DocChoice, best: &Best) -> Vec<ThreeLine> {
    let aspects: Vec<f64> = choice.kinds().iter().map(|k| k.aspect()).collect();
    let mut hypotheses: Vec<ThreeLine> = Vec::new();
    for &(a1, a2) in &pairs.opposite {
        let (la1, la2) = (&lines[a1], &lines[a2]);
        for (b1, lb1) in lines.iter().enumerate() {
            let (Some(c1), Some(c2)) = (pairs.crossing(a1, b1), pairs.crossing(b1, a2)) else {
                continue;
            };
            let base = c1.0.dist(c2.0);
            if base < MIN_SIDE_PX {
                continue;
            }
            let (t1, t2) = (c1.1, c2.2);
            let (base_lo, base_hi) = trimmed(c1.2, c2.1, base);
            let base_support = lb1.support(base_lo, base_hi);
            let (base_vis, base_sup) = (f64::from(base_support.0), f64::from(base_support.1));
            if base_vis < MIN_JUDGED_SIDE_PX || base_sup < MIN_SIDE_SUPPORT * base_vis {
                continue;
            }
            for &aspect in &aspects {
                for nominal in [base * aspect, base / aspect] {
                    // Which way along a1 and a2 the document lies: where they are supported.
                    let fwd = la1.support(t1, t1 + nominal).1 + la2.support(t2, t2 + nominal).1;
                    let back = la1.support(t1 - nominal, t1).1 + la2.support(t2 - nominal, t2).1;
                    let sign = if fwd >= back { 1.0 } else { -1.0 };
                    // The most this hypothesis could score: the most support and the least
                    // visible length any slide of the hidden side gives.
                    let (longest, shortest) = (
                        nominal * (1.0 + PREDICTED_SIDE_SLIDE),
                        nominal * (1.0 - PREDICTED_SIDE_SLIDE),
                    );
                    let most = |l: &Line, t: f64| f64::from(l.support(t, t + sign * longest).1);
                    let least = |l: &Line, t: f64| f64::from(l.support(t, t + sign * shortest).0);
                    let bound = 2.0 * (most(la1, t1) + most(la2, t2) + base_sup)
                        - (least(la1, t1) + least(la2, t2) + base_vis)
                        + MAX_HIDDEN_TO_BASE_RATIO * base;
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
    hypotheses
}

/// Offers `best` the best placement of the hidden side of every three-line hypothesis that could
/// still enter it, the most promising hypotheses first.
pub(super) fn three_line_quads(
    prep: &Prepared,
    lines: &[Line],
    pairs: &LinePairs,
    choice: DocChoice,
    best: &mut Best,
) {
    let hypotheses = hypotheses(lines, pairs, choice, best);
    // Most promising first, so the bound soon stops the search.
    // Sorting (bound, index) keys, ties by index, gives the order a stable sort of the
    // hypotheses by bound gives, without moving the hypotheses themselves (thousands a frame).
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
        let (la1, la2) = (&lines[hyp.a1], &lines[hyp.a2]);
        // About half the hypotheses cannot place a candidate at any slide, and proving it costs
        // about a hundredth of locating the hidden side.
        if !hyp.slide_can_enter(la1, la2, best) {
            continue;
        }
        // Where the edge map puts the hidden side, and the two ends of the range the aspect
        // ratio allows (the far end is out of frame when the document runs off it).
        let sides = (la1, la2);
        let located = hyp.locate_hidden_side(prep, la1, la2);
        let place = |length: f64| hyp.place(prep, sides, (length, length), best);
        let at_located = place(located.unwrap_or(hyp.nominal));
        // Fitted only where the edge map showed something and the located side could enter
        // the list: the walk costs as much as locating, and most hypotheses fail before.
        let fitted = located
            .filter(|_| at_located.is_some())
            .and_then(|length| hyp.fit_hidden_side(prep, sides, length, &mut near))
            .and_then(|lengths| hyp.place(prep, sides, lengths, best));
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::detect::fixtures::converging_card;
    use crate::quality::detect::lines::line_through;

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
