//! The document detector: find the document's quadrilateral in a frame.
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
//!
//! One job per module: `hough` (step 1), `lines` (step 2), `quads` (step 3 and the scoring every
//! hypothesis shares), `three_line` (quads with a side the Hough transform missed), `grid`
//! (quads cut out of a checkerboard or a grid of cards, never a document), `refine`
//! (step 4, shared with `track`), `raster` (fixed-point walks and the edge mask). This module
//! runs the steps, picks the document kind a quad fits, puts the outer of two tied nested quads
//! first (a card's edge over a printed band just inside it) and, in a stream, prefers the steady
//! quad.

mod grid;
mod hough;
mod lines;
mod quads;
mod raster;
mod refine;
mod three_line;

pub(crate) use refine::refine_side;

use super::geometry::{Point, Pose, Quad};
use super::prepare::Prepared;
use super::profile::{DocChoice, DocumentKind};
use super::{Document, Frame};
use hough::Hough;
use lines::{Line, same_line};
use quads::{Best, Candidate, LinePairs, four_line_quads};
use refine::refine_quad;
use three_line::three_line_quads;

/// How many Hough peaks become candidate lines.
const MAX_LINES: usize = 40;
/// Field of view assumed when judging a candidate's shape, degrees across the long side.
const DETECTION_HFOV_DEG: f64 = 70.0;
/// Out-of-plane tilt, degrees, up to which a candidate's pose is not held against it. The
/// MIDV-500 dev frames are all below 26°.
const PLAUSIBLE_TILT_DEG: f64 = 30.0;
/// In a stream, a candidate within this fraction of the diagonal of the previous quad…
const STEADY_CORNER_FRAC: f64 = 0.02;
/// …has its score multiplied by this.
const STEADY_BONUS: f64 = 1.25;
/// A quad's perspective-corrected aspect ratio may differ this much (relative, 0–1) from its
/// kind's.
const MAX_ASPECT_DEVIATION: f64 = 0.15;
/// Least width and height, working pixels, of an image worth searching.
const MIN_WORKING_SIDE_PX: u32 = 16;
/// Beyond `PLAUSIBLE_TILT_DEG`, a candidate's score factor falls by 1 per this many degrees of
/// tilt…
const TILT_PRIOR_FALLOFF_DEG: f64 = 60.0;
/// …down to this factor (0–1).
const MIN_TILT_PRIOR: f64 = 0.3;

/// Finds documents; owns its scratch buffers.
#[derive(Default)]
pub(crate) struct Detector {
    hough: Hough,
    lines: Vec<Line>,
    /// Scratch of the line refits.
    near: Vec<Point>,
}

impl Detector {
    /// The best document quad in the prepared frame, or `None` when nothing document-like is seen.
    /// `previous`: in a stream, where the document was in the previous frame (frame pixels); a
    /// candidate in the same place is preferred (`prefer_steady`).
    pub(crate) fn detect(
        &mut self,
        prep: &Prepared,
        frame: &Frame,
        choice: DocChoice,
        previous: Option<&Quad>,
    ) -> Option<Document> {
        if prep.width < MIN_WORKING_SIDE_PX || prep.height < MIN_WORKING_SIDE_PX {
            return None;
        }
        self.find_lines(prep);
        let mut candidates = self.candidates(prep, choice);
        prefer_steady(&mut candidates, previous, prep);
        prefer_outer_of_a_tie(&mut candidates);
        for cand in candidates {
            // A checkerboard or a sheet of printed cards has quads of a document's aspect ratio
            // everywhere; none of them is a document (issue 16).
            if grid::is_grid_piece(prep, &self.lines, &cand.corners) {
                continue;
            }
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
            // Checked again on the refined quad: a side the candidate had a degree or two off (a
            // predicted side, a line fitted across several cells) misses the grid's other edges.
            let working = quad.corners().map(|p| {
                let (x, y) = prep.to_working(p.x, p.y);
                Point::new(x, y)
            });
            if grid::is_grid_piece(prep, &self.lines, &working) {
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

    /// The strongest distinct lines of the working image, refitted and with their support
    /// recorded, into `self.lines`.
    fn find_lines(&mut self, prep: &Prepared) {
        let peaks = self.hough.peaks(prep);
        self.lines.clear();
        for (theta, rho) in peaks {
            let Some(mut line) = Line::refit(prep, theta, rho, &mut self.near) else {
                continue;
            };
            // Different peaks often refit to the same edge (double lines, butterflies): keep one.
            let duplicate = self.lines.iter().any(|l| same_line(l, &line));
            if !duplicate {
                line.record_support(prep);
                self.lines.push(line);
                if self.lines.len() == MAX_LINES {
                    break;
                }
            }
        }
    }

    /// Scores every four-line and three-line quad of `self.lines`; returns the best few whose
    /// shape fits an allowed kind, best first.
    fn candidates(&self, prep: &Prepared, choice: DocChoice) -> Vec<Candidate> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        let pairs = LinePairs::of(&self.lines, w, h);
        let mut best = Best::new(prep, choice);
        four_line_quads(&self.lines, &pairs, &mut best);
        three_line_quads(prep, &self.lines, &pairs, choice, &mut best);
        best.list
    }
}

/// Two candidates scoring within this fraction (0–1) of each other are a tie…
const TIE_SCORE_FRAC: f64 = 0.03;
/// …and when one lies inside the other with every corner within this fraction (0–1) of the
/// outer one's shorter side, they are one document's edge and a printed band or rule just inside
/// it (a card's header band 2 mm below its top edge).
const NESTED_MAX_OFFSET_FRAC: f64 = 0.06;

/// Of the best candidate and a tied one enclosing it closely (`TIE_SCORE_FRAC`,
/// `NESTED_MAX_OFFSET_FRAC`), the enclosing one goes first: print lies inside a document, never
/// outside it. Without this, which of the two wins is decided by sub-pixel noise, so by how the
/// photo was turned (issue 14). Only ties: a shadow or sheet around the document scores clearly
/// lower or higher, and is left to the score.
fn prefer_outer_of_a_tie(list: &mut [Candidate]) {
    let Some(best) = list.first() else {
        return;
    };
    let inner = Quad::ordered(best.corners);
    let tied = list.iter().enumerate().skip(1).find(|(_, c)| {
        c.score >= (1.0 - TIE_SCORE_FRAC) * best.score && encloses_closely(&c.corners, &inner)
    });
    if let Some((i, _)) = tied {
        list[..=i].rotate_right(1);
    }
}

/// Whether `outer` holds every corner of `inner` (within a pixel) with each of them within
/// `NESTED_MAX_OFFSET_FRAC` of the outer quad's shorter side of its nearest outer corner, and is
/// not the same quad.
fn encloses_closely(outer: &[Point; 4], inner: &Quad) -> bool {
    let outer = Quad::ordered(*outer);
    let sides = (0..4).map(|i| {
        let (a, b) = outer.edge(i);
        a.dist(b)
    });
    let shorter = sides.fold(f64::INFINITY, f64::min);
    let nearest = |p: Point| {
        outer
            .corners()
            .iter()
            .map(|q| q.dist(p))
            .fold(f64::INFINITY, f64::min)
    };
    let offsets: Vec<f64> = inner.corners().iter().map(|&p| nearest(p)).collect();
    let moved = offsets.iter().any(|&d| d > 1.0);
    let close = offsets
        .iter()
        .all(|&d| d <= NESTED_MAX_OFFSET_FRAC * shorter);
    // Distance inside every side (negative outside), whichever way the corners turn.
    let turn = outer.signed_area().signum();
    let depth = |p: Point| {
        (0..4)
            .map(|i| {
                let (a, b) = outer.edge(i);
                let d = b.minus(a);
                turn * d.cross(p.minus(a)) / d.norm().max(1e-9)
            })
            .fold(f64::INFINITY, f64::min)
    };
    let inside = inner.corners().iter().all(|&p| depth(p) >= -1.0);
    moved && close && inside
}

/// In a stream, the candidate where the previous frame's quad was (every corner within
/// `STEADY_CORNER_FRAC` of the working image's diagonal) counts `STEADY_BONUS` times its score, so
/// the outline does not jump between a card's edge and a printed band just inside it from one
/// frame to the next. (Preferring the outer of two nested candidates outright lowers the MIDV-500
/// dev IoU: real frames have enclosing shadows and sheets.)
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
pub(crate) fn fitting_kind(
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

/// Score factor `MIN_TILT_PRIOR`–1 for a quad's out-of-plane tilt: nobody photographs an ID at 60°, while a
/// quad that borrows a line from the desk or the paper underneath often implies such a pose.
pub(super) fn tilt_prior(tilt_deg: f64) -> f64 {
    if tilt_deg <= PLAUSIBLE_TILT_DEG {
        1.0
    } else {
        (1.0 - (tilt_deg - PLAUSIBLE_TILT_DEG) / TILT_PRIOR_FALLOFF_DEG).max(MIN_TILT_PRIOR)
    }
}

/// Frames whose true document each test knows.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::super::Frame;
    use super::super::geometry::Point;
    use super::super::prepare::Prepared;

    /// A 640 × 360 frame (the working image itself) with a light quad on a dark background:
    /// perspective makes its top side 400 px long and its bottom side shorter, ending at
    /// `bottom_right_x` (490: 390 px long).
    pub(crate) fn converging_card(bottom_right_x: f64) -> (Prepared, [Point; 4]) {
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
}
