//! `occlusion`: something lying over the document (a finger or thumb, a sleeve, a clip, another
//! card), how much of it it covers, and where.
//!
//! Decided on the colours across the outline (`quality::border`). Whatever covers a card from its
//! edge lies across the outline: the place shows one colour outside the card, on its rim and past
//! the rim, where the card itself would show an edge. So a station is *covered* when
//! - its outside, rim and inner samples match each other (no edge: the outline is missing there),
//!   and
//! - its rim and inner samples are unlike the card's own rim colour (the median rim colour all
//!   round: a cover rarely reaches half the outline).
//!
//! From each covered station the cover is followed inwards, millimetre by millimetre, while the
//! colour stays smooth and unlike the card; that depth times the station spacing is its area.
//! Covered stations are grouped into runs along a side; a run shorter than `MIN_RUN_MM` is noise.
//! A fingertip that only touches the rim (≤ ~2 mm in) is not covered: the inner sample, 3 mm in,
//! shows the card. The check fails when the covered area exceeds `profile.max_occlusion_frac` of
//! the document. The runs' extents are returned in image pixels for the overlay.

use super::round2;
use crate::quality::border::{self, Border, Colour, Station, colour_distance};
use crate::quality::profile::Profile;
use crate::quality::rectify::Rectified;
use crate::quality::{Check, CheckId, Frame, Region};

/// Two samples of one object across the outline differ by at most this (largest channel
/// difference, 0–255): a finger's shading and JPEG noise over 5 mm stay well inside it, while a
/// card's edge against its background is 40–200 levels on the MIDV-500 dev frames.
const CONTINUITY_LEVELS: f32 = 30.0;
/// A sample is foreign to the card when it differs from the card's median rim colour by more
/// than this (largest channel difference, 0–255).
const FOREIGN_LEVELS: f32 = 40.0;
/// Colour difference, brightness aside: the largest change of R − G or G − B between two samples
/// (levels). Above this a sample is foreign even when its brightness matches the card's: light
/// skin on a white or pink card (R > G > B against R ≈ G ≈ B or a blue-leaning pink).
const FOREIGN_HUE_LEVELS: f32 = 22.0;
/// A fingertip may rest on the outer rim without covering anything: this much of each covered
/// station's depth is free, millimetres (the issue's ~2 mm).
const RIM_ALLOWANCE_MM: f64 = 2.0;
/// Runs of covered stations shorter than this along a side do not count, millimetres: a cover
/// is at least a fingertip wide (~10 mm), a single station is noise or a printed line.
const MIN_RUN_MM: f64 = 3.0;
/// How far inwards a cover is followed, millimetres: past this the area is surely over the limit.
const MAX_DEPTH_MM: f64 = 25.0;
/// Two covered stations with at most this many uncovered ones between them are one run.
const RUN_GAP_STATIONS: usize = 1;

/// The result of the occlusion check, with the covered regions for an overlay.
pub struct OcclusionResult {
    /// The `occlusion` check.
    pub check: Check,
    /// Covered parts of the document, in image pixels.
    pub regions: Vec<Region>,
}

/// One run of covered stations along a side.
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    /// Side of the rectified document: 0 top, 1 right, 2 bottom, 3 left.
    pub side: u8,
    /// Where the cover starts along the side, millimetres from the side's start (clockwise).
    pub from_mm: f64,
    /// Where it ends along the side, millimetres from the side's start.
    pub to_mm: f64,
    /// The deepest the cover reaches inwards, millimetres.
    pub depth_mm: f64,
    /// Covered area, square millimetres of document.
    pub area_mm2: f64,
}

/// What `measure` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Covers {
    /// Covered area over the document's area, 0–1.
    pub fraction: f64,
    /// Each covered run along a side.
    pub covers: Vec<Cover>,
    /// Stations whose outside, rim and inner samples all lie in the frame.
    pub measured_stations: usize,
}

/// Finds the covers along the outline of the rectified document `doc` in `frame`. `None` when the
/// outline cannot be sampled (no rectification, or no station inside the frame).
pub fn measure(frame: &Frame, doc: &Rectified) -> Option<Covers> {
    let border = Border::new(frame, doc)?;
    let stations = border.stations();
    measure_stations(&border, &stations)
}

/// `measure` on stations already sampled (shared with `background`).
pub fn measure_stations(border: &Border, stations: &[Station]) -> Option<Covers> {
    let card = border::median_colour(stations.iter().filter_map(|s| s.rim))?;
    let covered: Vec<bool> = stations.iter().map(|s| is_covered(s, card)).collect();
    let measured_stations = stations
        .iter()
        .filter(|s| s.outside.is_some() && s.rim.is_some() && s.inner.is_some())
        .count();
    let mut covers = Vec::new();
    let mut i = 0;
    while i < stations.len() {
        if !covered[i] {
            i += 1;
            continue;
        }
        // Extend the run over covered stations of the same side, bridging short gaps.
        let side = stations[i].side;
        let mut end = i;
        let mut j = i + 1;
        while j < stations.len() && stations[j].side == side && j - end <= RUN_GAP_STATIONS + 1 {
            if covered[j] {
                end = j;
            }
            j += 1;
        }
        let run = &stations[i..=end];
        let from_mm = run[0].along_mm - border::STATION_STEP_MM / 2.0;
        let to_mm = run[run.len() - 1].along_mm + border::STATION_STEP_MM / 2.0;
        if to_mm - from_mm >= MIN_RUN_MM {
            let mut depth_mm: f64 = 0.0;
            let mut area_mm2 = 0.0;
            for (s, _) in run.iter().zip(&covered[i..=end]).filter(|(_, c)| **c) {
                let d = cover_depth(border, s, card);
                depth_mm = depth_mm.max(d);
                area_mm2 += (d - RIM_ALLOWANCE_MM).max(0.0) * border::STATION_STEP_MM;
            }
            covers.push(Cover {
                side,
                from_mm,
                to_mm,
                depth_mm,
                area_mm2,
            });
        }
        i = end + 1;
    }
    let (w, h) = border.size_mm();
    // Summed from +0.0: an empty `sum` of floats is −0.0, which would print as "-0.00".
    let total = covers.iter().fold(0.0, |acc, c| acc + c.area_mm2);
    Some(Covers {
        fraction: total / (w * h),
        covers,
        measured_stations,
    })
}

/// Whether one object lies across the outline at `s` and it is not the card.
fn is_covered(s: &Station, card: Colour) -> bool {
    let (Some(o), Some(r), Some(n)) = (s.outside, s.rim, s.inner) else {
        return false;
    };
    colour_distance(o, r) <= CONTINUITY_LEVELS
        && colour_distance(r, n) <= CONTINUITY_LEVELS
        && is_foreign(r, card)
        && is_foreign(n, card)
}

/// Whether colour `c` is unlike the card's rim colour, in brightness or in hue.
fn is_foreign(c: Colour, card: Colour) -> bool {
    let hue = |c: Colour| (c[0] - c[1], c[1] - c[2]);
    let (a, b) = (hue(c), hue(card));
    colour_distance(c, card) > FOREIGN_LEVELS
        || (a.0 - b.0).abs().max((a.1 - b.1).abs()) > FOREIGN_HUE_LEVELS
}

/// How far the cover at a covered station reaches inwards, millimetres (at least the inner
/// sample's depth): followed while each step is close to the previous one and unlike the card.
fn cover_depth(border: &Border, s: &Station, card: Colour) -> f64 {
    let Some(mut previous) = s.inner else {
        return border::INNER_MM;
    };
    let mut depth = border::INNER_MM;
    let short_side = border.size_mm().0.min(border.size_mm().1);
    let max_depth = MAX_DEPTH_MM.min(short_side / 2.0);
    while depth + 1.0 <= max_depth {
        let Some(c) = border.colour(s.side, s.along_mm, depth + 1.0) else {
            break;
        };
        if colour_distance(c, previous) > CONTINUITY_LEVELS || !is_foreign(c, card) {
            break;
        }
        previous = c;
        depth += 1.0;
    }
    depth
}

/// The covers' extents in image pixels (bounding boxes of their corners).
fn regions(border: &Border, covers: &[Cover]) -> Vec<Region> {
    covers
        .iter()
        .filter_map(|c| {
            let corners = [
                border.image_point(c.side, c.from_mm, 0.0)?,
                border.image_point(c.side, c.to_mm, 0.0)?,
                border.image_point(c.side, c.from_mm, c.depth_mm)?,
                border.image_point(c.side, c.to_mm, c.depth_mm)?,
            ];
            let x0 = corners.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
            let y0 = corners.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
            let x1 = corners
                .iter()
                .map(|p| p.x)
                .fold(f64::NEG_INFINITY, f64::max);
            let y1 = corners
                .iter()
                .map(|p| p.y)
                .fold(f64::NEG_INFINITY, f64::max);
            Some(Region {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
            })
        })
        .collect()
}

/// The occlusion check on stations already sampled by `border`.
pub fn assess_stations(
    border: &Border,
    stations: &[Station],
    profile: &Profile,
) -> OcclusionResult {
    let limit = 100.0 * profile.max_occlusion_frac;
    let Some(m) = measure_stations(border, stations).filter(|m| m.measured_stations > 0) else {
        return OcclusionResult {
            check: Check::new(CheckId::Occlusion, false, None, Some(limit))
                .message("Not measured: the document's outline is not in the frame.")
                .hint("Show the whole document"),
            regions: Vec::new(),
        };
    };
    let value = 100.0 * m.fraction;
    let pass = m.fraction <= profile.max_occlusion_frac;
    let check = Check::new(CheckId::Occlusion, pass, Some(round2(value)), Some(limit));
    let check = if pass {
        check.message(format!(
            "Nothing covers the document ({value:.1} % covered, up to {limit:.1} % allowed)."
        ))
    } else {
        // A cover reaching deep from a short stretch of edge is a finger; a long shallow one
        // along a side is a sleeve, a clip or another card.
        let finger = m
            .covers
            .iter()
            .any(|c| c.to_mm - c.from_mm <= 30.0 && c.depth_mm >= 3.0);
        let (what, hint) = if finger {
            ("a finger or thumb", "Move your fingers off the card")
        } else {
            ("something", "Something covers the document")
        };
        check
            .message(format!(
                "{hint}: {what} covers {value:.1} % of the document from its edge, up to {limit:.1} % \
                 allowed. Hold the card by its rim or lay it down, and take it out of any sleeve."
            ))
            .hint(hint)
    };
    OcclusionResult {
        check,
        regions: if pass {
            Vec::new()
        } else {
            regions(border, &m.covers)
        },
    }
}

/// The occlusion check: fails when covers reach more than `profile.max_occlusion_frac` of the
/// document.
pub fn assess(frame: &Frame, doc: &Rectified, profile: &Profile) -> OcclusionResult {
    match Border::new(frame, doc) {
        Some(border) => {
            let stations = border.stations();
            assess_stations(&border, &stations, profile)
        }
        None => OcclusionResult {
            check: Check::new(
                CheckId::Occlusion,
                false,
                None,
                Some(100.0 * profile.max_occlusion_frac),
            )
            .message("Not measured: the document could not be rectified.")
            .hint("Show the whole document"),
            regions: Vec::new(),
        },
    }
}
