//! `occlusion`: something lying over the document (a finger or thumb, a sleeve, a clip, another
//! card), how much of it it covers, and where.
//!
//! Decided on the colours across the outline (`quality::border`). Whatever covers a card from its
//! edge lies across the outline: where the card would show an edge, the place shows one object
//! outside the card, on its rim and past the rim. A station is *covered* when its rim and inner
//! samples (1.5 and 3 mm in) are unlike the card's own rim colour (the median rim colour all round:
//! a cover rarely reaches half the outline), match each other, and the object reaches out over
//! the outline. Two kinds of object are recognised:
//! - **skin** (a finger or thumb): rim and inner are skin-coloured (more red than green, more
//!   green than blue). A finger is round, so its shading changes more across the outline than a
//!   flat object's: the outside sample may differ more, or lie outside the frame (a hand reaching
//!   in from beyond the picture).
//! - **anything else** (a sleeve, a clip, another card): outside, rim and inner match closely and
//!   the object is darker than the card. Brighter "covers" are the card's own washed-out corners
//!   against a white background, which look the same from the outline.
//!
//! From each covered station the cover is followed inwards, a quarter millimetre at a time, while
//! the colour stays smooth, of the same kind and unlike the card; that depth times the station
//! spacing is its area. Covered stations are grouped into runs along a side; a run shorter than
//! `MIN_RUN_MM` is noise. A run that reaches a corner's unsampled stretch (`CORNER_SKIP_MM`) is
//! counted over it too: a thumb over a corner covers the corner. A fingertip that only touches the
//! rim (≤ ~2 mm in, read up to 3 mm with the outline's own 1 mm of error) covers nothing; a cover
//! reaching deeper covers all it lies over, rim included. The check fails when the covered area
//! exceeds `profile.max_occlusion_frac` of the document. The runs' extents are returned in image
//! pixels for the overlay.

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
/// A fingertip may rest on the outer rim without covering anything, millimetres (the issue's
/// ~2 mm): a cover that reaches no deeper than this plus `OUTLINE_TOLERANCE_MM` counts nothing.
const RIM_ALLOWANCE_MM: f64 = 2.0;
/// How far the outline (ground truth or detected) may lie from the card's true edge,
/// millimetres (the same 1 mm `border::RIM_MM` steps past): a fingertip on the rim can read this
/// much deeper than it is.
const OUTLINE_TOLERANCE_MM: f64 = 1.0;
/// Runs of covered stations shorter than this along a side do not count, millimetres: a cover
/// is at least a fingertip wide (~10 mm), a single station is noise or a printed line.
const MIN_RUN_MM: f64 = 3.0;
/// How far inwards a cover is followed, millimetres: past this the area is surely over the limit.
const MAX_DEPTH_MM: f64 = 25.0;
/// Step of the inward walk, millimetres: a quarter of the outline tolerance, so a thumb 3.5 mm
/// in and a fingertip 3 mm in (past the rim allowance plus tolerance or not) read apart.
const DEPTH_STEP_MM: f64 = 0.25;
/// Two covered stations with at most this many uncovered ones between them are one run.
const RUN_GAP_STATIONS: usize = 1;
/// A finger's outside and rim samples may differ by up to this (largest channel difference,
/// 0–255): the finger is round, so its shading changes over the 3.5 mm between them, more than a
/// flat cover's does (`CONTINUITY_LEVELS`); still well under a card's edge against a background.
const SKIN_CONTINUITY_LEVELS: f32 = 50.0;
/// Skin is redder than green by at least this (levels, 0–255): blood and melanin absorb green and
/// blue more than red, at every skin tone and under warm or daylight lamps.
const SKIN_RED_OVER_GREEN: f32 = 10.0;
/// Skin is greener than blue by at least this (levels, 0–255), for the same reason. It separates
/// a thumb from a pink card print, whose blue is as strong as its green.
const SKIN_GREEN_OVER_BLUE: f32 = 5.0;

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
    /// Stations whose rim and inner samples both lie in the frame.
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
    let covered: Vec<Option<Kind>> = stations.iter().map(|s| cover_kind(s, card)).collect();
    let measured_stations = stations
        .iter()
        .filter(|s| s.rim.is_some() && s.inner.is_some())
        .count();
    let mut covers = Vec::new();
    let mut i = 0;
    while i < stations.len() {
        if covered[i].is_none() {
            i += 1;
            continue;
        }
        // Extend the run over covered stations of the same side, bridging short gaps.
        let side = stations[i].side;
        let mut end = i;
        let mut j = i + 1;
        while j < stations.len() && stations[j].side == side && j - end <= RUN_GAP_STATIONS + 1 {
            if covered[j].is_some() {
                end = j;
            }
            j += 1;
        }
        if let Some(cover) = measure_run(border, card, &stations[i..=end], &covered[i..=end]) {
            covers.push(cover);
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

/// The cover over one run of stations along a side (`kinds` says which of them are covered);
/// `None` when the run is shorter than `MIN_RUN_MM`. Each covered station stands for
/// `STATION_STEP_MM` of the side; the run's end stations stand for the unsampled corner stretch
/// too when they are the side's first or last.
fn measure_run(
    border: &Border,
    card: Colour,
    run: &[Station],
    kinds: &[Option<Kind>],
) -> Option<Cover> {
    let (first, last) = (run.first()?, run.last()?);
    let half_step = border::STATION_STEP_MM / 2.0;
    let from_mm = first.along_mm - half_step;
    let to_mm = last.along_mm + half_step;
    if to_mm - from_mm < MIN_RUN_MM {
        return None;
    }
    let side_len = border.side_len_mm(first.side);
    // A station within one step of the corner's unsampled stretch is the side's first or last.
    let at_start = from_mm <= border::CORNER_SKIP_MM;
    let at_end = to_mm >= side_len - border::CORNER_SKIP_MM;
    let mut depth_mm: f64 = 0.0;
    let mut area_mm2 = 0.0;
    for (k, (s, kind)) in run.iter().zip(kinds).enumerate() {
        let Some(kind) = *kind else { continue };
        let d = cover_depth(border, s, card, kind);
        depth_mm = depth_mm.max(d);
        let mut width = border::STATION_STEP_MM;
        if k == 0 && at_start {
            width += from_mm;
        }
        if k + 1 == run.len() && at_end {
            width += side_len - to_mm;
        }
        area_mm2 += d * width;
    }
    // A cover that stays on the rim covers nothing; one that reaches past it covers everything
    // it lies over, rim included: a thumb 4 mm in hides the card's edge along its whole width.
    if depth_mm <= RIM_ALLOWANCE_MM + OUTLINE_TOLERANCE_MM {
        area_mm2 = 0.0;
    }
    Some(Cover {
        side: first.side,
        from_mm: if at_start { 0.0 } else { from_mm },
        to_mm: if at_end { side_len } else { to_mm },
        depth_mm,
        area_mm2,
    })
}

/// What lies across the outline at a covered station.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A finger or thumb.
    Skin,
    /// A sleeve, a clip, another card: darker than the card.
    Other,
}

/// Whether colour `c` looks like skin: more red than green, more green than blue.
fn is_skin(c: Colour) -> bool {
    c[0] >= c[1] + SKIN_RED_OVER_GREEN && c[1] >= c[2] + SKIN_GREEN_OVER_BLUE
}

/// What covers the card at `s`, if anything: one object over the outline that is not the card.
fn cover_kind(s: &Station, card: Colour) -> Option<Kind> {
    let (Some(r), Some(n)) = (s.rim, s.inner) else {
        return None;
    };
    if !(is_foreign(r, card) && is_foreign(n, card) && colour_distance(r, n) <= CONTINUITY_LEVELS) {
        return None;
    }
    if is_skin(r) {
        // A skin-coloured rim is a finger: it covers the card only where it reaches the inner
        // sample too (a thumb on a pink card's rim casts a shadow that is not skin). A hand
        // reaching in from beyond the frame has no outside sample.
        let crosses = s
            .outside
            .is_none_or(|o| colour_distance(o, r) <= SKIN_CONTINUITY_LEVELS);
        return (is_skin(n) && crosses).then_some(Kind::Skin);
    }
    let o = s.outside?;
    (colour_distance(o, r) <= CONTINUITY_LEVELS && border::luma(r) < border::luma(card))
        .then_some(Kind::Other)
}

/// Whether colour `c` is unlike the card's rim colour, in brightness or in hue.
fn is_foreign(c: Colour, card: Colour) -> bool {
    let hue = |c: Colour| (c[0] - c[1], c[1] - c[2]);
    let (a, b) = (hue(c), hue(card));
    colour_distance(c, card) > FOREIGN_LEVELS
        || (a.0 - b.0).abs().max((a.1 - b.1).abs()) > FOREIGN_HUE_LEVELS
}

/// How far the cover at a covered station reaches inwards, millimetres (at least the inner
/// sample's depth): followed while each step is close to the previous one and to the inner sample
/// (one object, not a drift into the print next to it), of the same kind and unlike the card.
fn cover_depth(border: &Border, s: &Station, card: Colour, kind: Kind) -> f64 {
    let Some(first) = s.inner else {
        return border::INNER_MM;
    };
    let mut previous = first;
    let mut depth = border::INNER_MM;
    let short_side = border.size_mm().0.min(border.size_mm().1);
    let max_depth = MAX_DEPTH_MM.min(short_side / 2.0);
    while depth + DEPTH_STEP_MM <= max_depth {
        let Some(c) = border.colour(s.side, s.along_mm, depth + DEPTH_STEP_MM) else {
            break;
        };
        if colour_distance(c, previous) > CONTINUITY_LEVELS
            || colour_distance(c, first) > CONTINUITY_LEVELS
            || !is_foreign(c, card)
            || (kind == Kind::Skin && !is_skin(c))
        {
            break;
        }
        previous = c;
        depth += DEPTH_STEP_MM;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::geometry::{Point, Quad};
    use crate::quality::profile::DocumentKind;
    use image::{Rgb, RgbImage};

    /// 5 px per millimetre: an ID-1 card (85.6 × 54 mm) is 428 × 270 px, its top-left at (x0, y0).
    const PX_PER_MM: f64 = 5.0;

    fn frame(x0: u32, y0: u32, card: [u8; 3], background: [u8; 3]) -> (RgbImage, Quad) {
        let mut img = RgbImage::from_pixel(640, 480, Rgb(background));
        for y in y0..y0 + 270 {
            for x in x0..x0 + 428 {
                img.put_pixel(x, y, Rgb(card));
            }
        }
        let (x, y) = (f64::from(x0), f64::from(y0));
        let quad = Quad([
            Point::new(x, y),
            Point::new(x + 428.0, y),
            Point::new(x + 428.0, y + 270.0),
            Point::new(x, y + 270.0),
        ]);
        (img, quad)
    }

    /// Paints a rectangle given in the card's millimetres (may reach outside the card).
    fn paint_mm(img: &mut RgbImage, origin: (u32, u32), mm: [f64; 4], colour: [u8; 3]) {
        let to_px = |v: f64, o: u32| (f64::from(o) + v * PX_PER_MM).round().max(0.0) as u32;
        for y in to_px(mm[1], origin.1)..to_px(mm[3], origin.1).min(img.height()) {
            for x in to_px(mm[0], origin.0)..to_px(mm[2], origin.0).min(img.width()) {
                img.put_pixel(x, y, Rgb(colour));
            }
        }
    }

    fn covers(img: &RgbImage, quad: &Quad) -> Covers {
        let mut doc = Rectified::default();
        doc.build(img, quad, DocumentKind::IdCard, img.width(), img.height());
        measure(img, &doc).unwrap()
    }

    const CARD: [u8; 3] = [225, 228, 232];
    const DESK: [u8; 3] = [60, 45, 35];
    const SKIN: [u8; 3] = [205, 150, 120];

    #[test]
    fn a_thumb_over_the_left_side_is_found_with_its_depth() {
        let (mut img, quad) = frame(100, 100, CARD, DESK);
        // 16 mm along the left side, from 20 mm outside to 8 mm inside.
        paint_mm(&mut img, (100, 100), [-20.0, 20.0, 8.0, 36.0], SKIN);
        let m = covers(&img, &quad);
        assert_eq!(m.covers.len(), 1, "{m:?}");
        let c = &m.covers[0];
        assert_eq!(c.side, 3);
        assert!((7.0..=8.5).contains(&c.depth_mm), "{c:?}");
        // 8 mm × 16 mm over 85.6 × 54 mm ≈ 2.8 % (past the rim, the rim counts too).
        assert!((0.025..0.031).contains(&m.fraction), "{}", m.fraction);
    }

    #[test]
    fn a_hand_from_beyond_the_frame_counts_without_an_outside_sample() {
        // The card's left edge is 1 px from the frame's: no outside sample there.
        let (mut img, quad) = frame(1, 100, CARD, DESK);
        paint_mm(&mut img, (1, 100), [-1.0, 20.0, 8.0, 36.0], SKIN);
        let m = covers(&img, &quad);
        assert!(m.covers.iter().any(|c| c.side == 3), "{m:?}");
        assert!(m.fraction > 0.015, "{}", m.fraction);
    }

    #[test]
    fn a_fingertip_on_the_rim_covers_nothing() {
        let (mut img, quad) = frame(100, 100, CARD, DESK);
        paint_mm(&mut img, (100, 100), [-20.0, 20.0, 1.8, 36.0], SKIN);
        assert_eq!(covers(&img, &quad).fraction, 0.0);
    }

    #[test]
    fn a_fingertip_within_the_outline_tolerance_of_the_rim_covers_nothing_and_a_thumb_4_mm_in_does()
    {
        let (mut img, quad) = frame(100, 100, CARD, DESK);
        // 2.6 mm in: the rim plus less than the outline's 1 mm tolerance.
        paint_mm(&mut img, (100, 100), [-20.0, 20.0, 2.6, 36.0], SKIN);
        assert_eq!(covers(&img, &quad).fraction, 0.0);

        let (mut img, quad) = frame(100, 100, CARD, DESK);
        paint_mm(&mut img, (100, 100), [-20.0, 20.0, 4.0, 32.0], SKIN);
        let m = covers(&img, &quad);
        // 4 mm × 12 mm = 48 mm², about 1 % of the card: over the 0.4 % limit.
        assert!((0.008..0.012).contains(&m.fraction), "{m:?}");
    }

    #[test]
    fn a_thumb_over_a_corner_counts_the_corner_too() {
        let (mut img, quad) = frame(100, 100, CARD, DESK);
        paint_mm(&mut img, (100, 100), [-20.0, -20.0, 12.0, 6.0], SKIN);
        let m = covers(&img, &quad);
        let top = m.covers.iter().find(|c| c.side == 0).unwrap();
        assert_eq!(top.from_mm, 0.0, "{top:?}");
        // 6 mm deep over the 12 mm of the top side from the corner (the walk stops up to a step
        // short of the edge); without the corner's 3.5 mm it would be at most 54 mm².
        assert!((60.0..=75.0).contains(&top.area_mm2), "{top:?}");
    }

    #[test]
    fn a_dark_sleeve_is_a_cover_and_a_washed_out_corner_on_white_paper_is_not() {
        let (mut img, quad) = frame(100, 100, CARD, DESK);
        paint_mm(
            &mut img,
            (100, 100),
            [-20.0, -20.0, 105.0, 7.0],
            [38, 40, 48],
        );
        assert!(covers(&img, &quad).fraction > 0.05);

        // A light-blue card on white paper, its top-left corner washed out to the paper's white.
        let (mut img, quad) = frame(100, 100, [170, 195, 230], [240, 236, 236]);
        paint_mm(
            &mut img,
            (100, 100),
            [0.0, 0.0, 15.0, 12.0],
            [232, 230, 235],
        );
        assert_eq!(covers(&img, &quad).fraction, 0.0);
    }
}
