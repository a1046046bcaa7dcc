//! Whether a quad hypothesis is a piece of a grid rather than a document.
//!
//! Decides one thing: is this quad cut out of a repeating pattern of straight edges (a
//! checkerboard, a tiled floor, a sheet of printed cards)? A document's sides stop at its corners
//! and its print does not draw straight edges from one side of it to the other in both directions.
//! A grid cell's sides run on past its corners as the sides of the next cells, and a quad made of
//! several cells, or the envelope of a grid of cards, is crossed by grid lines from side to side.
//! Either is evidence enough to drop the hypothesis: the quad is where the pattern happens to have
//! a document's aspect ratio, not where a document is.
//!
//! A single side that runs on (a card pushed against a table edge or a ruler) or one printed band
//! across a card (a title band, a zone's border) is what real documents show, so neither is held
//! against a quad: it takes most sides running on, or several crossing lines both ways.

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
/// A quad with this many sides (of 4) running on past at least one of their corners is a grid
/// piece: a real document may lie along a table edge or in the corner of a sheet (one or two
/// sides; at most one on the MIDV-500 dev frames), a checkerboard cell or a card in a grid of
/// cards has all four.
const GRID_SIDES_RUNNING_ON: usize = 3;
/// A quad with one side fewer running on is a grid piece too when at most this many of its sides
/// whose continuation is in the frame stop at its corners (a column of cells reaching the frame's
/// top and bottom, a cell at the frame's edge in perspective).
const MAX_SIDES_STOPPING: usize = 1;
/// A quad crossed from side to side by this many lines in each of the two directions is a grid
/// piece (several cells of a board, the envelope of a grid of cards). On the MIDV-500 dev frames
/// real cards have up to four such lines one way (bands, the zone's border) with none the other
/// way, or one each way; the demo card has one one way and more the other.
const GRID_CROSSING_LINES: usize = 2;
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

/// Whether the quad `corners` (working pixels, cyclic order) is a piece of a grid: most of its
/// sides run on past their corners as straight edges (three, or two with at most one side seen to
/// stop), or at least two lines of `lines` cross it from side to side each way.
pub(super) fn is_grid_piece(prep: &Prepared, lines: &[Line], corners: &[Point; 4]) -> bool {
    let (running, judged) = sides_running_on(prep, corners);
    if running >= GRID_SIDES_RUNNING_ON
        || (running >= GRID_SIDES_RUNNING_ON - 1 && running + MAX_SIDES_STOPPING >= judged)
    {
        return true;
    }
    let (a, b) = (
        crossing_lines(lines, corners, 0),
        crossing_lines(lines, corners, 1),
    );
    a.min(b) >= GRID_CROSSING_LINES
}

/// How many of the quad's four sides continue as a supported straight edge past at least one of
/// their two corners, and how many have a continuation in the frame to judge at all.
pub(super) fn sides_running_on(prep: &Prepared, corners: &[Point; 4]) -> (usize, usize) {
    let (mut running, mut judged) = (0, 0);
    for k in 0..4 {
        let (p, q) = (corners[k], corners[(k + 1) % 4]);
        let ends = [continuation(prep, q, p), continuation(prep, p, q)];
        judged += usize::from(ends.iter().any(Option::is_some));
        running += usize::from(ends.contains(&Some(true)));
    }
    (running, judged)
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
pub(super) fn crossing_lines(lines: &[Line], corners: &[Point; 4], first: usize) -> usize {
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
