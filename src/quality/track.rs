//! Document tracking in a live stream: does the previous frame's quad still hold?
//!
//! Decides when the full search of `document` can be skipped. A card held in front of a camera moves
//! a few pixels between frames, so each side of the previous quad is re-located at full resolution
//! within `TRACK_SEARCH_PX` (the same sub-pixel refinement the detector ends with). The tracked quad
//! is accepted only when every side in the frame is still backed by edges along most of its length
//! (one side out of the frame is carried over), its shape still fits the document kind, and no
//! corner jumped; otherwise, and every `FULL_SEARCH_EVERY_FRAMES`-th frame regardless (a better
//! candidate may have appeared), the full search runs. A tracked frame costs about a third of a
//! searched one (~55 M against ~162 M instructions at 1080p; examples/assess_profile.rs).

use super::Document;
use super::Frame;
use super::document::{MIN_EDGE_SUPPORT, fitting_kind, refine_side};
use super::geometry::{Point, Quad, line_intersection};
use super::profile::{DocChoice, DocumentKind};

/// Frames in a row that may be tracked before a full search runs again. At 30 fps a better quad
/// (the card's edge instead of a printed band found while it moved) is picked up within 0.3 s.
pub const FULL_SEARCH_EVERY_FRAMES: u32 = 10;

/// How far, full-resolution pixels, a side is looked for either side of where it was. A hand-held
/// card at 30 fps moves 1–5 px per frame; a faster move fails the track and triggers a search.
pub const TRACK_SEARCH_PX: f64 = 8.0;

/// Least fraction 0–1 of a side's probes (those inside the frame) that must find its edge on the
/// fitted line: a finger may cover part of one side.
pub const MIN_TRACKED_SIDE_SUPPORT: f64 = 0.4;

/// Least mean of the four sides' support, 0–1. Above the `document` check's `MIN_EDGE_SUPPORT`
/// (0.5), so a tracked document always counts as found.
pub const MIN_TRACKED_MEAN_SUPPORT: f64 = 0.6;

/// Most a corner may move between two frames, full-resolution pixels (two search bands: the two
/// sides through it may each have moved by up to `TRACK_SEARCH_PX`).
pub const MAX_CORNER_STEP_PX: f64 = 2.0 * TRACK_SEARCH_PX;

/// A side whose length lies at most this fraction 0–1 inside the frame counts as out of frame: it
/// is carried over from the previous frame instead of re-located.
pub const MAX_CARRIED_INSIDE_FRAC: f64 = 0.25;

/// Fraction 0–1 of the segment p–q inside the frame, from 17 points along it.
fn inside_fraction(p: Point, q: Point, frame: &Frame) -> f64 {
    const POINTS: u32 = 17;
    let (w, h) = (f64::from(frame.width()), f64::from(frame.height()));
    let inside = (0..POINTS)
        .map(|i| p.plus(q.minus(p).scale(f64::from(i) / f64::from(POINTS - 1))))
        .filter(|a| a.x >= 0.0 && a.y >= 0.0 && a.x < w && a.y < h)
        .count();
    inside as f64 / f64::from(POINTS)
}

/// The quad of the previous frame and how it was found.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
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
    pub fn searched(&mut self, found: Option<&Document>, choice: DocChoice) {
        self.last = found.map(|doc| Tracked {
            quad: doc.quad,
            kind: doc.kind,
            choice,
            since_search: 0,
        });
    }

    /// The previous frame's document re-located in `frame`, or `None` when a full search is due:
    /// nothing to track, the document kind choice changed, a periodic search, or the track is lost.
    pub fn track(&mut self, frame: &Frame, choice: DocChoice) -> Option<Document> {
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
    pub fn tracked(&self) -> bool {
        self.last.as_ref().is_some_and(|l| l.since_search > 0)
    }

    /// Where the document was in the latest frame, frame pixels.
    pub fn last_quad(&self) -> Option<Quad> {
        self.last.as_ref().map(|l| l.quad)
    }
}

/// Re-locates each side of `quad` in `frame`; `None` unless every side in the frame is well
/// supported, the corners stayed near and the shape still fits an allowed kind.
fn relocate(frame: &Frame, quad: &Quad, kind: DocumentKind, choice: DocChoice) -> Option<Document> {
    let c = quad.corners();
    let mut lines = [(Point::default(), Point::default()); 4];
    let (mut support, mut seen, mut carried) = (0.0, 0u32, 0u32);
    for k in 0..4 {
        let (p, q) = (c[k], c[(k + 1) % 4]);
        match refine_side(frame, p, q, TRACK_SEARCH_PX) {
            Some(side) if side.support >= MIN_TRACKED_SIDE_SUPPORT => {
                lines[k] = side.line;
                support += side.support;
                seen += 1;
            }
            // A side out of the frame cannot be seen: it stays where it was (its corners are
            // re-extrapolated from the two sides that run to the border), at most one per quad.
            None if carried == 0 && inside_fraction(p, q, frame) <= MAX_CARRIED_INSIDE_FRAC => {
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
    debug_assert!(support >= MIN_EDGE_SUPPORT);
    Some(Document {
        kind,
        quad,
        edge_support: support,
    })
}
