//! Document tracking in a live stream: does the previous frame's quad still hold?
//!
//! Decides when the full search of `document` can be skipped. A card held in front of a camera moves
//! a few pixels between frames, so each side of the previous quad is re-located at full resolution
//! within `TRACK_SEARCH_PX` (the same sub-pixel refinement the detector ends with). The tracked quad
//! is accepted only when every side in the frame is still backed by edges along most of its length
//! (up to two sides out of the frame or along its border are carried over), its shape still fits
//! the document kind, and no corner jumped; otherwise, and every `FULL_SEARCH_EVERY_FRAMES`-th frame
//! regardless (a better candidate may have appeared), the full search runs. A tracked frame costs
//! under a quarter of a searched one (docs/PERFORMANCE.md).

use super::Document;
use super::Frame;
use super::detect::{fitting_kind, refine_side};
use super::geometry::{Point, Quad, line_intersection};
use super::profile::{DocChoice, DocumentKind};
use super::simd::Avx2;

/// Frames in a row that may be tracked before a full search runs again. At 30 fps a better quad
/// (the card's edge instead of a printed band found while it moved) is picked up within 0.3 s.
pub const FULL_SEARCH_EVERY_FRAMES: u32 = 10;

/// How far, full-resolution pixels, a side is looked for either side of where it was. A hand-held
/// card at 30 fps moves 1–5 px per frame; a faster move fails the track and triggers a search.
pub(crate) const TRACK_SEARCH_PX: f64 = 8.0;

/// Least fraction 0–1 of a side's probes (those inside the frame) that must find its edge on the
/// fitted line: a finger may cover part of one side.
pub(crate) const MIN_TRACKED_SIDE_SUPPORT: f64 = 0.4;

/// Least mean of the four sides' support, 0–1. Above the `document` check's default
/// `Profile::min_edge_support` (0.5), so a tracked document counts as found.
pub(crate) const MIN_TRACKED_MEAN_SUPPORT: f64 = 0.6;

/// Most a corner may move between two frames, full-resolution pixels (two search bands: the two
/// sides through it may each have moved by up to `TRACK_SEARCH_PX`).
pub(crate) const MAX_CORNER_STEP_PX: f64 = 2.0 * TRACK_SEARCH_PX;

/// A side of which at most this fraction 0–1 can be probed (lies `PROBE_MARGIN_PX` or more inside
/// the frame) is out of view: it is carried over from the previous frame instead of re-located.
/// A side that runs just inside the border cannot be probed either, though it is in the frame.
pub(crate) const MAX_CARRIED_PROBED_FRAC: f64 = 0.25;

/// Most sides carried over in one frame (0–2). Two: a card held close fills the frame's height,
/// its top and bottom sides past or along the border; the sides in view are still re-located
/// every frame.
pub(crate) const MAX_CARRIED_SIDES: u32 = 2;

/// How far inside the frame, pixels, a point of a side must lie for `refine_side` to probe it:
/// the search band either side plus one pixel for the central difference and one for the border.
const PROBE_MARGIN_PX: f64 = TRACK_SEARCH_PX + 2.0;

/// Fraction 0–1 of the segment p–q lying at least `PROBE_MARGIN_PX` inside the frame, from 17
/// points along it.
fn probed_fraction(p: Point, q: Point, frame: &Frame) -> f64 {
    const POINTS: u32 = 17;
    let m = PROBE_MARGIN_PX;
    let (w, h) = (f64::from(frame.width()) - m, f64::from(frame.height()) - m);
    let inside = (0..POINTS)
        .map(|i| p.plus(q.minus(p).scale(f64::from(i) / f64::from(POINTS - 1))))
        .filter(|a| a.x >= m && a.y >= m && a.x <= w && a.y <= h)
        .count();
    inside as f64 / f64::from(POINTS)
}

/// The quad of the previous frame and how it was found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tracker {
    last: Option<Tracked>,
}

#[derive(Clone, Debug)]
struct Tracked {
    quad: Quad,
    kind: DocumentKind,
    choice: DocChoice,
    /// Frames tracked since the last full search.
    since_search: u32,
}

impl Tracker {
    /// Records the outcome of a full search.
    pub(crate) fn searched(&mut self, found: Option<&Document>, choice: DocChoice) {
        self.last = found.map(|doc| Tracked {
            quad: doc.quad,
            kind: doc.kind,
            choice,
            since_search: 0,
        });
    }

    /// The previous frame's document re-located in `frame`, or `None` when a full search is due:
    /// nothing to track, the document kind choice changed, a periodic search, or the track is lost.
    pub(crate) fn track(&mut self, frame: &Frame, choice: DocChoice) -> Option<Document> {
        let last = self.last.as_ref()?;
        if last.choice != choice || last.since_search + 1 >= FULL_SEARCH_EVERY_FRAMES {
            return None;
        }
        let Some(doc) = relocate(frame, &last.quad, last.kind, choice) else {
            self.last = None;
            return None;
        };
        let since_search = last.since_search + 1;
        self.last = Some(Tracked {
            quad: doc.quad,
            kind: doc.kind,
            choice,
            since_search,
        });
        Some(doc)
    }

    /// Whether the latest frame's document was tracked rather than searched for (a search resets
    /// the count of tracked frames).
    pub(crate) fn tracked(&self) -> bool {
        self.last.as_ref().is_some_and(|l| l.since_search > 0)
    }

    /// Where the document was in the latest frame, frame pixels.
    pub(crate) fn last_quad(&self) -> Option<Quad> {
        self.last.as_ref().map(|l| l.quad)
    }
}

/// Re-locates each side of `quad` in `frame`; `None` unless every side in the frame is well
/// supported, the corners stayed near and the shape still fits an allowed kind.
fn relocate(frame: &Frame, quad: &Quad, kind: DocumentKind, choice: DocChoice) -> Option<Document> {
    let c = quad.corners();
    let simd = Avx2::detect();
    let mut lines = [(Point::default(), Point::default()); 4];
    let (mut support, mut seen, mut carried) = (0.0, 0u32, 0u32);
    for k in 0..4 {
        let (p, q) = (c[k], c[(k + 1) % 4]);
        match refine_side(simd, frame, p, q, TRACK_SEARCH_PX) {
            Some(side) if side.support >= MIN_TRACKED_SIDE_SUPPORT => {
                lines[k] = side.line;
                support += side.support;
                seen += 1;
            }
            // A side out of the frame, or hugging its border, cannot be seen: it stays where it
            // was (its corners are re-extrapolated from the sides that run to the border).
            None if carried < MAX_CARRIED_SIDES
                && probed_fraction(p, q, frame) <= MAX_CARRIED_PROBED_FRAC =>
            {
                lines[k] = (p, q);
                carried += 1;
            }
            _ => return None,
        }
    }
    let support = support / f64::from(seen.max(1));
    if support < MIN_TRACKED_MEAN_SUPPORT {
        return None;
    }
    let cross =
        |a: usize, b: usize| line_intersection(lines[a].0, lines[a].1, lines[b].0, lines[b].1);
    let corners = [cross(3, 0)?, cross(0, 1)?, cross(1, 2)?, cross(2, 3)?];
    if corners
        .iter()
        .zip(c)
        .any(|(now, before)| now.dist(*before) > MAX_CORNER_STEP_PX)
    {
        return None;
    }
    let quad = Quad::ordered(corners);
    if !quad.is_convex() {
        return None;
    }
    let (fitted, _) = fitting_kind(&quad, choice, frame.width(), frame.height())?;
    if fitted != kind {
        return None;
    }
    Some(Document {
        kind,
        quad,
        edge_support: support,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Profile;
    use image::{Rgb, RgbImage};

    #[test]
    fn a_tracked_document_passes_the_default_document_check() {
        assert!(MIN_TRACKED_MEAN_SUPPORT >= Profile::default().min_edge_support);
    }

    /// A 1280 × 720 frame with a light card, 1148 × 724 px, from x = 66 to 1214 and y = `top` to
    /// `top` + 724, on a dark background; and its quad.
    fn card(top: f64) -> (Frame, Quad) {
        let (left, right, bottom) = (66.0, 1214.0, top + 724.0);
        let img = RgbImage::from_fn(1280, 720, |x, y| {
            let (x, y) = (f64::from(x) + 0.5, f64::from(y) + 0.5);
            if x >= left && x < right && y >= top && y < bottom {
                Rgb([220, 215, 205])
            } else {
                Rgb([40, 50, 60])
            }
        });
        (img, Quad::rect(left, top, right - left, bottom - top))
    }

    #[test]
    fn a_card_filling_the_frame_height_keeps_both_unseen_sides() {
        // Held close: the top side runs 6 px below the frame's top, too near the border to be
        // probed, and the bottom side lies past the frame; only the left and right sides can be
        // re-located.
        let (frame, quad) = card(6.0);
        let c = quad.corners();
        assert!(probed_fraction(c[0], c[1], &frame) <= MAX_CARRIED_PROBED_FRAC);
        assert!(probed_fraction(c[2], c[3], &frame) <= MAX_CARRIED_PROBED_FRAC);
        let doc = relocate(&frame, &quad, DocumentKind::IdCard, DocChoice::Auto)
            .expect("tracked on its left and right sides");
        for (now, before) in doc.quad.corners().iter().zip(c) {
            assert!(now.dist(*before) < 1.0, "{:?} vs {quad:?}", doc.quad);
        }
    }

    #[test]
    fn a_side_in_view_without_its_edge_loses_the_track() {
        // The quad's bottom side is in the frame, 40 px below where the card's edge is: nothing
        // there to re-locate, and a side in view is never carried over.
        let (frame, _) = card(-100.0);
        let quad = Quad::rect(66.0, -100.0, 1148.0, 764.0);
        assert!(relocate(&frame, &quad, DocumentKind::IdCard, DocChoice::Auto).is_none());
    }
}
