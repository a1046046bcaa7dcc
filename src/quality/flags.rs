//! Soft flags: things a portal's fraud checks may reject that are warnings, not pass/fail checks.
//!
//! Decides, from pixels only, whether the document has no colour (a black-and-white photo or a
//! photocopy). Colour is measured as the spread of the document's chromaticity (colour with brightness
//! divided out, so a warm or cool cast over a grey copy does not count as colour) over a grid of
//! samples inside the document's quad. The metadata flags (screenshot, edited, no camera information)
//! live in `crate::metadata`; both kinds share `SoftFlag`.
//!
//! Pure: no I/O.

use serde::Serialize;

use super::{Frame, Quad};

/// Stable soft-flag ids (JSON `warnings[].id`): add more, never rename.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagId {
    /// EXIF or file type says screenshot.
    Screenshot,
    /// A JPEG with no camera make or model.
    NoCameraInfo,
    /// EXIF software is a photo editor.
    Edited,
    /// The document has no colour: black-and-white photo or photocopy.
    NoColour,
}

impl FlagId {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagId::Screenshot => "screenshot",
            FlagId::NoCameraInfo => "no-camera-info",
            FlagId::Edited => "edited",
            FlagId::NoColour => "no-colour",
        }
    }

    /// A short title for a warning row.
    pub fn label(self) -> &'static str {
        match self {
            FlagId::Screenshot => "Screenshot or photo of a screen",
            FlagId::NoCameraInfo => "No camera information",
            FlagId::Edited => "Edited photo",
            FlagId::NoColour => "Black and white / photocopy",
        }
    }
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SoftFlag {
    pub id: FlagId,
    /// What was seen and what to do.
    pub message: String,
}

impl SoftFlag {
    pub fn new(id: FlagId, message: impl Into<String>) -> Self {
        SoftFlag {
            id,
            message: message.into(),
        }
    }
}

/// Below this colour spread the document counts as having no colour. Unit: standard deviation of the
/// opponent chromaticities (R−G and (R+G)/2−B, each divided by R+G+B and scaled to 0–255).
/// Measured on the 59 MIDV-500 dev frames inside the true quad (`tests/export_flags.rs`): the least
/// colourful colour document 7.5; the same frames made grey with a warm cast at most 0.6.
pub const NO_COLOUR_SPREAD: f64 = 4.0;

/// Samples taken across the document's bounding box, per side.
const GRID: u32 = 96;

/// Pixels darker than this sum of R+G+B (0–765) are skipped: their chromaticity is mostly noise.
const MIN_RGB_SUM: u32 = 60;

/// The document's colour spread (see `NO_COLOUR_SPREAD`), measured inside `quad`, or over the whole
/// frame without one. `None` when too few samples are bright enough.
pub fn colour_spread(frame: &Frame, quad: Option<&Quad>) -> Option<f64> {
    let (w, h) = frame.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let (x0, y0, x1, y1) = match quad {
        Some(q) => {
            let c = q.corners();
            let xs = c.iter().map(|p| p.x);
            let ys = c.iter().map(|p| p.y);
            (
                xs.clone().fold(f64::INFINITY, f64::min).max(0.0),
                ys.clone().fold(f64::INFINITY, f64::min).max(0.0),
                xs.fold(f64::NEG_INFINITY, f64::max).min(f64::from(w - 1)),
                ys.fold(f64::NEG_INFINITY, f64::max).min(f64::from(h - 1)),
            )
        }
        None => (0.0, 0.0, f64::from(w - 1), f64::from(h - 1)),
    };
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let (mut n, mut s_rg, mut s_yb, mut s_rg2, mut s_yb2) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
    for j in 0..GRID {
        let y = y0 + (y1 - y0) * (f64::from(j) + 0.5) / f64::from(GRID);
        for i in 0..GRID {
            let x = x0 + (x1 - x0) * (f64::from(i) + 0.5) / f64::from(GRID);
            if let Some(q) = quad
                && !inside(q, x, y)
            {
                continue;
            }
            let p = frame.get_pixel(x as u32, y as u32).0;
            let (r, g, b) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            let sum = r + g + b;
            if (sum as u32) < MIN_RGB_SUM {
                continue;
            }
            let scale = 255.0 / sum;
            let rg = (r - g) * scale;
            let yb = (0.5 * (r + g) - b) * scale;
            n += 1.0;
            s_rg += rg;
            s_yb += yb;
            s_rg2 += rg * rg;
            s_yb2 += yb * yb;
        }
    }
    if n < 100.0 {
        return None;
    }
    let var_rg = (s_rg2 / n - (s_rg / n).powi(2)).max(0.0);
    let var_yb = (s_yb2 / n - (s_yb / n).powi(2)).max(0.0);
    Some((var_rg + var_yb).sqrt())
}

/// Whether (x, y) lies inside the convex quad (either winding).
fn inside(q: &Quad, x: f64, y: f64) -> bool {
    let c = q.corners();
    let mut sign = 0.0f64;
    for i in 0..4 {
        let (a, b) = (c[i], c[(i + 1) % 4]);
        let z = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
        if z != 0.0 {
            if sign != 0.0 && z.signum() != sign {
                return false;
            }
            sign = z.signum();
        }
    }
    true
}

/// The pixel-based soft flags for a frame and its detected document.
pub fn pixel_flags(frame: &Frame, quad: Option<&Quad>) -> Vec<SoftFlag> {
    let mut out = Vec::new();
    if let Some(spread) = colour_spread(frame, quad)
        && spread < NO_COLOUR_SPREAD
    {
        out.push(SoftFlag::new(
            FlagId::NoColour,
            format!(
                "The document has no colour (colour spread {spread:.1}, {NO_COLOUR_SPREAD:.0} \
                 expected): a black-and-white photo or a photocopy. Portals want a colour photo of \
                 the original document."
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Point;
    use image::Rgb;

    fn card(colour: bool, cast: [f64; 3]) -> Frame {
        Frame::from_fn(400, 300, |x, y| {
            let base: [f64; 3] = if !colour {
                let v = if (x / 7 + y / 5) % 3 == 0 {
                    40.0
                } else {
                    220.0
                };
                [v, v, v]
            } else if x < 200 {
                [200.0, 80.0, 90.0]
            } else if y < 150 {
                [80.0, 150.0, 210.0]
            } else {
                [230.0, 220.0, 120.0]
            };
            Rgb([
                (base[0] * cast[0]).min(255.0) as u8,
                (base[1] * cast[1]).min(255.0) as u8,
                (base[2] * cast[2]).min(255.0) as u8,
            ])
        })
    }

    #[test]
    fn a_grey_copy_under_a_warm_light_has_no_colour() {
        let spread = colour_spread(&card(false, [1.08, 1.0, 0.85]), None).expect("spread");
        assert!(spread < NO_COLOUR_SPREAD, "{spread}");
        let flags = pixel_flags(&card(false, [1.08, 1.0, 0.85]), None);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].id, FlagId::NoColour);
    }

    #[test]
    fn a_colour_card_has_colour() {
        let spread = colour_spread(&card(true, [1.0, 1.0, 1.0]), None).expect("spread");
        assert!(spread > 2.0 * NO_COLOUR_SPREAD, "{spread}");
        assert!(pixel_flags(&card(true, [1.0, 1.0, 1.0]), None).is_empty());
    }

    #[test]
    fn only_the_document_counts_not_a_colourful_desk() {
        // A grey document in the middle of a saturated red/green desk.
        let img = Frame::from_fn(400, 300, |x, y| {
            if (100..300).contains(&x) && (75..225).contains(&y) {
                let v = if (x + y) % 9 == 0 { 50 } else { 210 };
                Rgb([v, v, v])
            } else if x % 20 < 10 {
                Rgb([220, 30, 30])
            } else {
                Rgb([30, 200, 40])
            }
        });
        let quad = Quad([
            Point::new(100.0, 75.0),
            Point::new(300.0, 75.0),
            Point::new(300.0, 225.0),
            Point::new(100.0, 225.0),
        ]);
        assert!(colour_spread(&img, None).expect("spread") > NO_COLOUR_SPREAD);
        assert!(colour_spread(&img, Some(&quad)).expect("spread") < 1.0);
    }
}
