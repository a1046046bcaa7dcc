//! Stage: colour samples across the document's outline, shared by `occlusion` and `background`.
//!
//! Decides where to look, not what it means. Every `STATION_STEP_MM` along each side of the
//! rectified document (skipping the rounded corners) a station samples the frame's colour, in image
//! pixels, at fixed depths across the outline: outside the document (`OUTSIDE_MM`, `CLUTTER_MM`),
//! on its rim (`RIM_MM`) and just past the rim (`INNER_MM`). A finger lying across the outline shows
//! as the same colour outside, on the rim and inside; a card on a background of its own colour
//! shows as the same colour outside and on the rim everywhere. The positions are in the document's
//! millimetres (through the rectification's homography), so they mean the same at any distance.

use super::Frame;
use super::geometry::Point;
use super::rectify::Rectified;

/// Distance between stations along a side, millimetres of document.
pub const STATION_STEP_MM: f64 = 1.0;
/// Stations start this far from each corner: an ID-1 card's corners are rounded with a 3.18 mm
/// radius, and a sample inside the rounding would land on the background.
pub const CORNER_SKIP_MM: f64 = 3.5;
/// Depth of the outside sample, millimetres beyond the outline (negative depths are outside).
pub const OUTSIDE_MM: f64 = -2.0;
/// Depth of the clutter sample, millimetres beyond the outline: the background a little away from
/// the card, where a busy desk shows its own edges.
pub const CLUTTER_MM: f64 = -6.0;
/// Depth of the rim sample, millimetres inside the outline: the card's own border colour, past the
/// 1 mm a detected outline may be off by.
pub const RIM_MM: f64 = 1.5;
/// Depth of the inner sample, millimetres inside the outline: past the ~2 mm rim a fingertip may
/// touch without covering anything printed.
pub const INNER_MM: f64 = 3.0;
/// Half the spread, millimetres along the side, of the three points averaged into one sample (it
/// smooths sensor noise and fine print without blurring across the outline).
const SPREAD_MM: f64 = 0.4;

/// An RGB colour, 0–255 per channel, averaged from several frame pixels.
pub type Colour = [f32; 3];

/// The largest per-channel difference between two colours, 0–255: how different they look.
pub fn colour_distance(a: Colour, b: Colour) -> f32 {
    (a[0] - b[0])
        .abs()
        .max((a[1] - b[1]).abs())
        .max((a[2] - b[2]).abs())
}

/// BT.601 luma of a colour, 0–255.
pub fn luma(c: Colour) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

/// One station: the colours across the outline at one place. `None` where the sample point lies
/// outside the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    /// Side of the rectified document: 0 top, 1 right, 2 bottom, 3 left.
    pub side: u8,
    /// Distance from the side's start (clockwise), millimetres.
    pub along_mm: f64,
    /// The frame's colour 6 mm outside the outline (where background clutter is measured).
    pub clutter: Option<Colour>,
    /// The frame's colour 2 mm outside the outline (the background next to the card).
    pub outside: Option<Colour>,
    /// The card's rim, 1.5 mm inside the outline.
    pub rim: Option<Colour>,
    /// The card 3 mm inside the outline (where printed content may begin).
    pub inner: Option<Colour>,
}

/// Where on the document a station sits, and how to sample the frame at any depth there.
pub struct Border<'a> {
    frame: &'a Frame,
    doc: &'a Rectified,
    /// The document's sides, millimetres: (width, height) of the rectified document.
    size_mm: (f64, f64),
}

impl<'a> Border<'a> {
    /// The border of the rectified document `doc` in `frame`; `None` when the rectification has no
    /// homography or no size.
    pub fn new(frame: &'a Frame, doc: &'a Rectified) -> Option<Self> {
        if doc.to_image.is_none() || doc.px_per_mm <= 0.0 || doc.width == 0 || doc.height == 0 {
            return None;
        }
        let size_mm = (
            f64::from(doc.width) / doc.px_per_mm,
            f64::from(doc.height) / doc.px_per_mm,
        );
        Some(Border {
            frame,
            doc,
            size_mm,
        })
    }

    /// The document's size in millimetres (width, height) as rectified.
    pub fn size_mm(&self) -> (f64, f64) {
        self.size_mm
    }

    /// Length of `side` in millimetres.
    pub fn side_len_mm(&self, side: u8) -> f64 {
        if side.is_multiple_of(2) {
            self.size_mm.0
        } else {
            self.size_mm.1
        }
    }

    /// The image point `along_mm` from the start of `side` and `depth_mm` inwards (negative:
    /// outwards).
    pub fn image_point(&self, side: u8, along_mm: f64, depth_mm: f64) -> Option<Point> {
        let (w, h) = self.size_mm;
        let (x_mm, y_mm) = match side % 4 {
            0 => (along_mm, depth_mm),
            1 => (w - depth_mm, along_mm),
            2 => (w - along_mm, h - depth_mm),
            _ => (depth_mm, h - along_mm),
        };
        let k = self.doc.px_per_mm;
        self.doc.to_image_point(Point::new(x_mm * k, y_mm * k))
    }

    /// The colour at `depth_mm` at a station, averaged over three points along the side.
    pub fn colour(&self, side: u8, along_mm: f64, depth_mm: f64) -> Option<Colour> {
        let mut sum = [0.0f32; 3];
        for d in [-SPREAD_MM, 0.0, SPREAD_MM] {
            let p = self.image_point(side, along_mm + d, depth_mm)?;
            let c = bilinear(self.frame, p)?;
            for k in 0..3 {
                sum[k] += c[k];
            }
        }
        Some(sum.map(|s| s / 3.0))
    }

    /// Every station along the four sides, clockwise from the top side's start.
    pub fn stations(&self) -> Vec<Station> {
        let mut out = Vec::with_capacity(
            (2.0 * (self.size_mm.0 + self.size_mm.1) / STATION_STEP_MM) as usize + 4,
        );
        for side in 0..4u8 {
            let len = self.side_len_mm(side);
            let mut along = CORNER_SKIP_MM;
            while along <= len - CORNER_SKIP_MM {
                out.push(Station {
                    side,
                    along_mm: along,
                    clutter: self.colour(side, along, CLUTTER_MM),
                    outside: self.colour(side, along, OUTSIDE_MM),
                    rim: self.colour(side, along, RIM_MM),
                    inner: self.colour(side, along, INNER_MM),
                });
                along += STATION_STEP_MM;
            }
        }
        out
    }
}

/// The frame's colour at image point `p` (pixel centres at +0.5), bilinear; `None` outside the
/// frame.
fn bilinear(frame: &Frame, p: Point) -> Option<Colour> {
    let (w, h) = frame.dimensions();
    let (x, y) = (p.x - 0.5, p.y - 0.5);
    if !(x >= 0.0 && y >= 0.0 && x <= f64::from(w) - 1.0 && y <= f64::from(h) - 1.0) {
        return None;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = ((x - f64::from(x0)) as f32, (y - f64::from(y0)) as f32);
    let px = |xx: u32, yy: u32| frame.get_pixel_checked(xx, yy).map(|p| p.0);
    let (a, b, c, d) = (px(x0, y0)?, px(x1, y0)?, px(x0, y1)?, px(x1, y1)?);
    let mut out = [0.0f32; 3];
    for k in 0..3 {
        let top = f32::from(a[k]) * (1.0 - fx) + f32::from(b[k]) * fx;
        let bottom = f32::from(c[k]) * (1.0 - fx) + f32::from(d[k]) * fx;
        out[k] = top * (1.0 - fy) + bottom * fy;
    }
    Some(out)
}

/// The per-channel median of `colours` (`None` when empty).
pub fn median_colour(colours: impl Iterator<Item = Colour>) -> Option<Colour> {
    let mut ch: [Vec<f32>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for c in colours {
        for k in 0..3 {
            ch[k].push(c[k]);
        }
    }
    if ch[0].is_empty() {
        return None;
    }
    let mut out = [0.0f32; 3];
    for k in 0..3 {
        ch[k].sort_by(f32::total_cmp);
        out[k] = ch[k][ch[k].len() / 2];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::geometry::Quad;
    use crate::quality::profile::DocumentKind;
    use image::{Rgb, RgbImage};

    /// A frame with a light card (given quad, axis-aligned) on a dark background.
    fn card_frame() -> (RgbImage, Quad) {
        let mut img = RgbImage::from_pixel(640, 480, Rgb([30, 30, 35]));
        for y in 100..370 {
            for x in 100..528 {
                img.put_pixel(x, y, Rgb([230, 225, 220]));
            }
        }
        let quad = Quad([
            Point::new(100.0, 100.0),
            Point::new(528.0, 100.0),
            Point::new(528.0, 370.0),
            Point::new(100.0, 370.0),
        ]);
        (img, quad)
    }

    #[test]
    fn stations_see_the_background_outside_and_the_card_inside_on_every_side() {
        let (img, quad) = card_frame();
        let mut doc = Rectified::default();
        doc.build(&img, &quad, DocumentKind::IdCard, 640, 480);
        let border = Border::new(&img, &doc).unwrap();
        let stations = border.stations();
        // 2 × (85.6 + 54) mm minus the corners, one per mm.
        assert!((250..=280).contains(&stations.len()), "{}", stations.len());
        for side in 0..4 {
            assert!(stations.iter().any(|s| s.side == side));
        }
        for s in &stations {
            assert!(s.outside.unwrap()[0] < 40.0, "{s:?}");
            assert!(s.rim.unwrap()[0] > 220.0, "{s:?}");
            assert!(s.inner.unwrap()[0] > 220.0, "{s:?}");
        }
    }

    #[test]
    fn samples_outside_the_frame_are_none() {
        let (img, _) = card_frame();
        let quad = Quad([
            Point::new(-50.0, 100.0),
            Point::new(378.0, 100.0),
            Point::new(378.0, 370.0),
            Point::new(-50.0, 370.0),
        ]);
        let mut doc = Rectified::default();
        doc.build(&img, &quad, DocumentKind::IdCard, 640, 480);
        let border = Border::new(&img, &doc).unwrap();
        let left: Vec<Station> = border
            .stations()
            .into_iter()
            .filter(|s| s.side == 3)
            .collect();
        assert!(left.iter().all(|s| s.outside.is_none() && s.rim.is_none()));
    }
}
