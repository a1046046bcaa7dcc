//! Whether a quad hypothesis is a piece of a grid rather than a document.
//!
//! Decides one thing: is this quad cut out of a pattern of straight edges that continue along
//! both of its axes (a checkerboard, a tiled floor, a sheet of printed cards)? A grid cell's sides
//! run on past its corners as the sides of the next cells, so at its corners two edges cross; a
//! quad made of several cells, or the envelope of a grid of cards, is crossed by grid lines from
//! side to side both ways. Either is evidence enough to drop the hypothesis: the quad is where the
//! pattern happens to have a document's aspect ratio, not where a document is.
//!
//! Texture along one direction is what real documents lie on: wood grain or stripes continuing a
//! card's top and bottom sides, a table edge or a ruler along one side, a table's corner (an L of
//! edges) continuing one side of each axis past different corners. None of these makes two edges
//! cross at a corner, and each leaves a side of the card seen to stop, so none is held against a
//! quad; nor are printed bands across a card, which cross it one way only.

use super::super::geometry::{Point, line_intersection};
use super::super::prepare::Prepared;
use super::lines::{Line, angle_diff_deg, normal_angle_deg, segment_support};
use super::quads::{MIN_JUDGED_SIDE_PX, trimmed};

/// A side's line is followed past each corner from this fraction (0–1) of the side's length
/// beyond it (the corner's own junction left out)…
const RUN_ON_START_FRAC: f64 = 0.05;
/// …to this fraction of its length beyond it: far enough to reach the next cell's side across a
/// gap between printed cards (a quarter of a card's width in the grid tests).
const RUN_ON_END_FRAC: f64 = 1.0;
/// A side runs on past a corner when at least this many working pixels of its continuation are in
/// the frame…
const MIN_RUN_ON_VISIBLE_PX: f64 = 12.0;
/// …and at least this fraction (0–1) of them hold an edge of the side's direction.
const MIN_RUN_ON_SUPPORT: f64 = 0.5;
/// A quad with this many corners (of 4) where both sides run on past the corner (two edges
/// crossing, as grid lines do) is a grid piece. A document's corner is where its two sides stop;
/// one side may run on (a table edge, wood grain), and a single crossing can be a coincidence of
/// the background, two cannot.
const GRID_CROSSING_CORNERS: usize = 2;
/// A quad crossed from side to side by at least this many lines in each of the two directions…
const GRID_CROSSING_LINES: usize = 2;
/// …and by at least this many in one of them is a grid piece (several cells of a board, the
/// envelope of two or more columns of a grid of three or more rows of cards: two lines along each
/// gap). A card's own print crosses it too (a portrait box, bands, the zone's border): on the
/// MIDV-500 dev frames up to four lines one way with none the other way, or one each way; the
/// synthetic cards of the tests up to two each way; the demo card up to three one way with one
/// the other, or two each way.
const GRID_CROSSING_LINES_ONE_WAY: usize = 4;
/// A line crosses the quad along a pair of opposite sides when its direction is within this many
/// degrees (0–90) of one of them: in perspective the grid lines between two sides turn gradually
/// from one side's direction to the other's, and a predicted side may be a few degrees off.
const PARALLEL_SLACK_DEG: f64 = 12.0;
/// A crossing line must lie at least this fraction (0–0.5) of the way from each of the two sides
/// it is parallel to (a printed frame just inside a card's edge is not a crossing line).
const CROSSING_MARGIN_FRAC: f64 = 0.1;
/// A crossing line spans the quad when at least this fraction (0–1) of its visible length between
/// the other two sides (rounded corners left out) holds an edge of its direction.
const MIN_CROSSING_SUPPORT: f64 = 0.5;

/// What the line of each side does past each of its two corners: `ends[k][0]` past corner `k`,
/// `ends[k][1]` past corner `k + 1`, for side `k` from corner `k` to corner `k + 1`. `Some(true)`:
/// it runs on as a supported straight edge; `Some(false)`: it stops; `None`: too little of its
/// continuation is in the frame to tell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct RunOn {
    pub(super) ends: [[Option<bool>; 2]; 4],
}

impl RunOn {
    /// Follows each side of the quad `corners` (working pixels, cyclic order) past its corners.
    pub(super) fn of(prep: &Prepared, corners: &[Point; 4]) -> RunOn {
        let mut ends = [[None; 2]; 4];
        for (k, end) in ends.iter_mut().enumerate() {
            let (p, q) = (corners[k], corners[(k + 1) % 4]);
            *end = [continuation(prep, q, p), continuation(prep, p, q)];
        }
        RunOn { ends }
    }

    /// Whether side `k` runs on past at least one of its corners.
    fn runs_on(&self, k: usize) -> bool {
        self.ends[k % 4].contains(&Some(true))
    }

    /// Whether side `k` is seen to stop at both of its corners (neither end runs on, and at least
    /// one end could be judged).
    fn stops(&self, k: usize) -> bool {
        let e = self.ends[k % 4];
        !e.contains(&Some(true)) && e.iter().any(Option::is_some)
    }

    /// How many corners have both of their sides running on past them (edges crossing there).
    pub(super) fn crossing_corners(&self) -> usize {
        (0..4)
            .filter(|&k| self.ends[(k + 3) % 4][1] == Some(true) && self.ends[k][0] == Some(true))
            .count()
    }

    /// Whether sides of both axes run on (one of sides 0 and 2, one of sides 1 and 3) and no side
    /// is seen to stop: a cell whose other sides leave the frame, a card in a corner of a grid of
    /// cards. A card along a table's corner or on wood grain has a side that stops.
    pub(super) fn runs_on_along_both_axes_everywhere(&self) -> bool {
        let both_axes =
            (self.runs_on(0) || self.runs_on(2)) && (self.runs_on(1) || self.runs_on(3));
        both_axes && !(0..4).any(|k| self.stops(k))
    }
}

/// Whether the quad `corners` (working pixels, cyclic order) is a piece of a grid: edges cross at
/// two or more of its corners, or sides of both axes run on past its corners with none seen to
/// stop, or lines of `lines` cross it from side to side both ways (two or more each way, four or
/// more one way).
pub(super) fn is_grid_piece(prep: &Prepared, lines: &[Line], corners: &[Point; 4]) -> bool {
    let run_on = RunOn::of(prep, corners);
    if run_on.crossing_corners() >= GRID_CROSSING_CORNERS
        || run_on.runs_on_along_both_axes_everywhere()
    {
        return true;
    }
    let (a, b) = (
        crossing_lines(lines, corners, 0),
        crossing_lines(lines, corners, 1),
    );
    a.min(b) >= GRID_CROSSING_LINES && a.max(b) >= GRID_CROSSING_LINES_ONE_WAY
}

/// Whether the side from `from` to `corner`, continued past `corner`, is a supported straight edge
/// over `RUN_ON_START_FRAC`…`RUN_ON_END_FRAC` of its length beyond it; `None` when too little of
/// that continuation is in the frame to tell.
fn continuation(prep: &Prepared, from: Point, corner: Point) -> Option<bool> {
    let len = from.dist(corner);
    if len < 1.0 {
        return None;
    }
    let dir = corner.minus(from).scale(1.0 / len);
    let (a, b) = (
        corner.plus(dir.scale(RUN_ON_START_FRAC * len)),
        corner.plus(dir.scale(RUN_ON_END_FRAC * len)),
    );
    let (visible, supported) = segment_support(prep, a, b);
    (visible >= MIN_RUN_ON_VISIBLE_PX).then_some(supported >= MIN_RUN_ON_SUPPORT * visible)
}
/// How many of `lines` cross the quad parallel to its sides `first` and `first + 2` (0 or 1),
/// well inside it, from its side `first + 1` to its side `first + 3`, supported over that span.
fn crossing_lines(lines: &[Line], corners: &[Point; 4], first: usize) -> usize {
    let side = |k: usize| (corners[k % 4], corners[(k + 1) % 4]);
    let angle = |(p, q): (Point, Point)| {
        let d = q.minus(p);
        normal_angle_deg(Point::new(-d.y, d.x))
    };
    let (a, b) = (angle(side(first)), angle(side(first + 2)));
    // The crossing line runs from side `first + 3` to side `first + 1`. Both are walked from their
    // corner on side `first`, so a fraction along them measures the distance from side `first`.
    let (s1, s3) = (side(first + 1), side(first + 3));
    let (from1, to1) = s1;
    let (to3, from3) = s3;
    let fraction = |x: Point, from: Point, to: Point| {
        let d = to.minus(from);
        let len2 = d.dot(d);
        if len2 > 0.0 {
            x.minus(from).dot(d) / len2
        } else {
            f64::NAN
        }
    };
    let inside = |u: f64| (CROSSING_MARGIN_FRAC..=1.0 - CROSSING_MARGIN_FRAC).contains(&u);
    lines
        .iter()
        .filter(|l| {
            angle_diff_deg(l.theta_deg, a).min(angle_diff_deg(l.theta_deg, b)) <= PARALLEL_SLACK_DEG
        })
        .filter(|l| {
            let (p0, p1) = (l.point(0.0), l.point(1.0));
            let (Some(x1), Some(x3)) = (
                line_intersection(p0, p1, from1, to1),
                line_intersection(p0, p1, from3, to3),
            ) else {
                return false;
            };
            if !(inside(fraction(x1, from1, to1)) && inside(fraction(x3, from3, to3))) {
                return false;
            }
            let (lo, hi) = trimmed(l.param(x1), l.param(x3), x1.dist(x3));
            let (visible, supported) = l.support(lo, hi);
            let visible = f64::from(visible);
            visible >= MIN_JUDGED_SIDE_PX && f64::from(supported) >= MIN_CROSSING_SUPPORT * visible
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::RunOn;

    const T: Option<bool> = Some(true);
    const F: Option<bool> = Some(false);
    const U: Option<bool> = None;

    /// Sides 0 (top), 1 (right), 2 (bottom), 3 (left) of a quad clockwise from its top-left.
    fn grid_rule(ends: [[Option<bool>; 2]; 4]) -> bool {
        let r = RunOn { ends };
        r.crossing_corners() >= super::GRID_CROSSING_CORNERS
            || r.runs_on_along_both_axes_everywhere()
    }

    #[test]
    fn a_cell_of_a_board_is_a_grid_piece() {
        assert!(grid_rule([[T, T]; 4]));
        // At the frame's corner: the top and left sides' continuations leave the frame.
        assert!(grid_rule([[U, T], [T, T], [T, U], [U, U]]));
    }

    #[test]
    fn a_card_in_the_corner_of_a_grid_of_cards_is_a_grid_piece() {
        // Top-left card: every side runs on towards the next card, right or down.
        assert!(grid_rule([[F, T], [F, T], [T, F], [T, F]]));
    }

    #[test]
    fn texture_along_one_direction_is_no_grid() {
        // Wood grain continuing the top and bottom sides both ways.
        assert!(!grid_rule([[T, T], [F, F], [T, T], [F, F]]));
        // …with the card's left side out of the frame.
        assert!(!grid_rule([[U, T], [F, F], [T, U], [U, U]]));
        // A table edge along the bottom side.
        assert!(!grid_rule([[F, F], [F, F], [T, T], [F, F]]));
    }

    #[test]
    fn a_card_in_a_table_corner_is_no_grid() {
        // Table to the top right of the corner: the left side runs on upwards past corner 0, the
        // bottom side to the right past corner 2; the corner between them, 3, stops both.
        assert!(!grid_rule([[F, F], [F, F], [T, F], [F, T]]));
        // …and wood grain continuing the top side to the right as well.
        assert!(!grid_rule([[F, T], [F, F], [T, F], [F, T]]));
    }
}
