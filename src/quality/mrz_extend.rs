//! Stage: a passport quad that stops just above its machine-readable zone is extended to the page
//! edge below it.
//!
//! On a passport page lying on white paper the page's bottom edge is faint, and the detector can
//! settle on a card-shaped quad whose bottom side is a printed line just above the zone (issue 11).
//! Decides, for a found quad: look at a strip reaching `STRIP_BELOW_FRAC` of the quad's height
//! below it (and `STRIP_SIDE_FRAC` wider each side); when a valid TD3 zone reads there and its
//! lower line ends below the quad's bottom, the bottom side moves onto the strongest edge found
//! between `EDGE_NEAREST_SPACINGS` and `EDGE_FARTHEST_SPACINGS` line spacings below the zone (the
//! page's edge), or to one spacing below it when no edge is seen (a page as white as the paper).
//! Only when the document may be a passport; the quad's other sides stay. A valid zone that does
//! not hang below the quad is still returned: the strip is wider than the quad, so it reads a zone
//! whose first or last characters a side of the quad cuts (a side guessed along the frame's edge).

use super::detect::refine_side;
use super::geometry::{Homography, Point, Quad};
use super::mrz::{CalendarDate, MrzFormat, MrzReader};
use super::mrz_stage::{MrzSeen, seen};
use super::profile::{DocChoice, DocumentKind};
use super::rectify::Rectified;
use super::simd::Avx2;
use super::{Document, Frame};

/// The strip looked at starts this fraction (0–1) of the quad's height above its bottom side (the
/// reader searches a plane's lower 60 %, `mrz::locate::SEARCH_FRACTION`: this keeps a zone just
/// inside the quad's bottom in it)…
const STRIP_ABOVE_FRAC: f64 = 0.75;
/// …and reaches this fraction of its height below it: a TD3 zone is 26 % of a page's height.
const STRIP_BELOW_FRAC: f64 = 0.45;
/// The strip is this fraction of the quad's width wider on each side (the zone runs close to the
/// page's sides).
const STRIP_SIDE_FRAC: f64 = 0.03;
/// The zone's lower line must end at least this fraction of the quad's height below its bottom
/// side for the quad to be extended (a zone already inside the quad needs nothing).
const MIN_OVERHANG_FRAC: f64 = 0.02;
/// The page edge is looked for from this many line spacings below the zone's lower line (clear of
/// its characters)…
const EDGE_NEAREST_SPACINGS: f64 = 0.3;
/// …to this many (ICAO 9303 leaves a few millimetres under the zone; lines are 4–7 mm apart).
const EDGE_FARTHEST_SPACINGS: f64 = 2.9;
/// Least fraction 0–1 of the probes along the expected edge that must find it on one line for
/// it to be taken as the page's edge (print on the paper below finds scattered edges).
const MIN_EDGE_SUPPORT: f64 = 0.5;
/// Canonical long side of the rectification, pixels (as `rectify`).
const STRIP_LONG_PX: f64 = 640.0;

/// The canonical rectangle (`STRIP_LONG_PX` wide, in proportion to `kind`) mapped onto `quad` the
/// way `Rectified::build` maps it, with the corners in canonical order.
fn canonical_map(quad: &Quad, kind: DocumentKind) -> Option<(Homography, f64, f64)> {
    let (w_mm, h_mm) = kind.size_mm();
    let (cw, ch) = (STRIP_LONG_PX, (STRIP_LONG_PX * h_mm / w_mm).round());
    let dst = super::rectify::canonical_corners(quad);
    let src = [
        Point::new(0.0, 0.0),
        Point::new(cw, 0.0),
        Point::new(cw, ch),
        Point::new(0.0, ch),
    ];
    Some((Homography::from_points(&src, &dst)?, cw, ch))
}

/// What the strip around a quad's bottom showed.
#[derive(Clone, Debug, PartialEq)]
pub enum Beyond {
    /// A valid TD3 zone hangs below the quad: the document with its bottom moved below the zone.
    Extended(Document),
    /// A valid TD3 zone that does not hang below the quad, band in image pixels, dates judged
    /// against `today`.
    Zone(Box<MrzSeen>),
}

/// Looks at the strip around `doc`'s bottom side for a valid TD3 zone; `None` when there is none
/// (or the choice excludes passports). `strip` and `reader` are scratch.
pub fn look_below(
    frame: &Frame,
    doc: &Document,
    choice: DocChoice,
    today: Option<CalendarDate>,
    strip: &mut Rectified,
    reader: &mut MrzReader,
) -> Option<Beyond> {
    if choice == DocChoice::IdCard {
        return None;
    }
    let (h, cw, ch) = canonical_map(&doc.quad, doc.kind)?;
    let (x0, x1) = (-STRIP_SIDE_FRAC * cw, (1.0 + STRIP_SIDE_FRAC) * cw);
    let (y0, y1) = ((1.0 - STRIP_ABOVE_FRAC) * ch, (1.0 + STRIP_BELOW_FRAC) * ch);
    let corners = [
        Point::new(x0, y0),
        Point::new(x1, y0),
        Point::new(x1, y1),
        Point::new(x0, y1),
    ]
    .map(|p| h.apply(p));
    let (w_mm, h_mm) = doc.kind.size_mm();
    let size_mm = (
        w_mm * (x1 - x0) / cw,
        h_mm * (STRIP_ABOVE_FRAC + STRIP_BELOW_FRAC),
    );
    strip.build_sized(
        frame,
        &Quad(corners),
        size_mm,
        frame.width(),
        frame.height(),
    );
    let reading = reader.read_rectified(strip, DocumentKind::Passport)?;
    if !reading.valid || reading.format != MrzFormat::Td3 {
        return None;
    }
    // Strip pixels to the quad's canonical pixels: the strip is an axis-aligned rectangle of them.
    let (sx, sy) = (
        (x1 - x0) / f64::from(strip.width),
        (y1 - y0) / f64::from(strip.height),
    );
    let to_canonical = |p: Point| Point::new(x0 + p.x * sx, y0 + p.y * sy);
    let lines: Vec<[Point; 4]> = reading
        .line_boxes
        .iter()
        .map(|b| b.map(to_canonical))
        .collect();
    let (first, last) = (lines.first()?, lines.last()?);
    let centre_y = |b: &[Point; 4]| b.iter().map(|p| p.y).sum::<f64>() / 4.0;
    let spacing = centre_y(last) - centre_y(first);
    let zone_bottom = last[2].y.max(last[3].y);
    if spacing <= 0.0 {
        return None;
    }
    if zone_bottom < ch * (1.0 + MIN_OVERHANG_FRAC) {
        return Some(Beyond::Zone(Box::new(seen(
            &reading,
            Some(strip),
            today,
            true,
        ))));
    }
    // The page's edge is looked for in a band below the zone; without one, one spacing below it.
    let middle = zone_bottom + 0.5 * (EDGE_NEAREST_SPACINGS + EDGE_FARTHEST_SPACINGS) * spacing;
    let at = |y: f64| (h.apply(Point::new(0.0, y)), h.apply(Point::new(cw, y)));
    let (ml, mr) = at(middle);
    let search =
        0.5 * (EDGE_FARTHEST_SPACINGS - EDGE_NEAREST_SPACINGS) * at(middle + spacing).0.dist(ml);
    let (bl, br) = at(zone_bottom + spacing);
    let (bl, br) = match refine_side(Avx2::detect(), frame, mr, ml, search) {
        Some(side) if side.support >= MIN_EDGE_SUPPORT => {
            let (p, q) = side.line;
            let left = (h.apply(Point::new(0.0, 0.0)), bl);
            let right = (h.apply(Point::new(cw, 0.0)), br);
            (
                super::geometry::line_intersection(left.0, left.1, p, q).unwrap_or(bl),
                super::geometry::line_intersection(right.0, right.1, p, q).unwrap_or(br),
            )
        }
        _ => (bl, br),
    };
    let top = [h.apply(Point::new(0.0, 0.0)), h.apply(Point::new(cw, 0.0))];
    Some(Beyond::Extended(Document {
        kind: DocumentKind::Passport,
        quad: Quad::ordered([top[0], top[1], br, bl]),
        edge_support: doc.edge_support,
    }))
}
