//! The deskewed document crop: the document perspective-corrected to its own aspect ratio, in full
//! colour, at a resolution with an exact dots-per-inch value for the JPEG header.
//!
//! Decides the crop's size and orientation. The crop keeps the orientation the document has in the
//! photo (a card photographed upright-landscape stays landscape; one held portrait stays portrait), so
//! idcap never guesses a 90° turn. Its resolution is the document's own resolution in the photo,
//! never upsampled, capped at `CROP_MAX_DPI`; the dpi is chosen first as a whole number and the pixel
//! size follows from it, so the header is exact to well under 1 %. Parts of the document outside the
//! photo are filled with mid grey.

use image::{Rgb, RgbImage};

use super::preset::CROP_MAX_DPI;
use crate::quality::{DocumentKind, Point, Quad, geometry::Homography};

/// Grey written where the document lies outside the photo.
const OUTSIDE: Rgb<u8> = Rgb([128, 128, 128]);

/// A perspective-corrected crop and the resolution its pixels represent.
pub(crate) struct Crop {
    pub(crate) image: RgbImage,
    /// Dots per inch of the document, the same across and down.
    pub(crate) dpi: u16,
    /// The document's resolution in the source photo (longest edge), dots per inch, before the cap.
    pub(crate) source_dpi: f64,
}

/// Warps the document inside `quad` (image pixels, clockwise from the corner nearest the top-left) to
/// a rectangle of `kind`'s aspect. Returns `None` for a degenerate quad.
pub(crate) fn deskew(image: &RgbImage, quad: &Quad, kind: DocumentKind) -> Option<Crop> {
    let c = quad.corners();
    let top = c[0].dist(c[1]).max(c[2].dist(c[3]));
    let side = c[1].dist(c[2]).max(c[3].dist(c[0]));
    let landscape = top >= side;
    let long_px = top.max(side);
    let (w_mm, h_mm) = kind.size_mm();
    let source_dpi = long_px / (w_mm / 25.4);
    if !source_dpi.is_finite() || source_dpi < 1.0 {
        return None;
    }
    let dpi = source_dpi.min(CROP_MAX_DPI).round().clamp(1.0, 65_535.0);
    let long_out = (dpi * w_mm / 25.4).round().max(1.0);
    let short_out = (dpi * h_mm / 25.4).round().max(1.0);
    let (out_w, out_h) = if landscape {
        (long_out, short_out)
    } else {
        (short_out, long_out)
    };
    let rect = [
        Point::new(0.0, 0.0),
        Point::new(out_w, 0.0),
        Point::new(out_w, out_h),
        Point::new(0.0, out_h),
    ];
    let to_image = Homography::from_points(&rect, c)?;
    Some(Crop {
        image: warp(image, &to_image, out_w as u32, out_h as u32),
        dpi: dpi as u16,
        source_dpi,
    })
}

/// Bilinear resampling of `image` through `to_image` (output pixel → source pixel), sampling at pixel
/// centres.
fn warp(image: &RgbImage, to_image: &Homography, out_w: u32, out_h: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let src = image.as_raw();
    let stride = w as usize * 3;
    let (max_x, max_y) = (f64::from(w) - 1.0, f64::from(h) - 1.0);
    let m = to_image.0;
    let mut out = RgbImage::from_pixel(out_w, out_h, OUTSIDE);
    for (j, row) in out.chunks_exact_mut(out_w as usize * 3).enumerate() {
        let v = j as f64 + 0.5;
        let (bx, by, bw) = (m[1] * v + m[2], m[4] * v + m[5], m[7] * v + m[8]);
        for (i, px) in row.chunks_exact_mut(3).enumerate() {
            let u = i as f64 + 0.5;
            let den = m[6] * u + bw;
            let x = (m[0] * u + bx) / den - 0.5;
            let y = (m[3] * u + by) / den - 0.5;
            if !(x >= -0.5 && y >= -0.5 && x <= max_x + 0.5 && y <= max_y + 0.5) {
                continue;
            }
            let (x, y) = (x.clamp(0.0, max_x), y.clamp(0.0, max_y));
            let (x0, y0) = (x as usize, y as usize);
            let x1 = (x0 + 1).min(w as usize - 1);
            let y1 = (y0 + 1).min(h as usize - 1);
            let (fx, fy) = (x - x0 as f64, y - y0 as f64);
            let p00 = y0 * stride + x0 * 3;
            let p01 = y0 * stride + x1 * 3;
            let p10 = y1 * stride + x0 * 3;
            let p11 = y1 * stride + x1 * 3;
            for k in 0..3 {
                let top = f64::from(src[p00 + k]) * (1.0 - fx) + f64::from(src[p01 + k]) * fx;
                let bottom = f64::from(src[p10 + k]) * (1.0 - fx) + f64::from(src[p11 + k]) * fx;
                px[k] = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A card 856 × 540 px (254 dpi) drawn axis-aligned in a 1200 × 800 frame: red left half, blue
    /// right half.
    fn frame_with_card() -> (RgbImage, Quad) {
        let mut img = RgbImage::from_pixel(1200, 800, Rgb([20, 120, 20]));
        for y in 100..640 {
            for x in 150..1006 {
                let c = if x < 578 {
                    [220, 30, 30]
                } else {
                    [30, 30, 220]
                };
                img.put_pixel(x, y, Rgb(c));
            }
        }
        let quad = Quad([
            Point::new(150.0, 100.0),
            Point::new(1006.0, 100.0),
            Point::new(1006.0, 640.0),
            Point::new(150.0, 640.0),
        ]);
        (img, quad)
    }

    #[test]
    fn an_upright_card_is_cropped_at_its_own_resolution_with_an_exact_dpi() {
        let (img, quad) = frame_with_card();
        let crop = deskew(&img, &quad, DocumentKind::IdCard).expect("crop");
        assert_eq!(crop.dpi, 254);
        let (w, h) = crop.image.dimensions();
        // 85.60 mm at 254 dpi = 856 px; 53.98 mm = 539.8 px.
        assert_eq!((w, h), (856, 540));
        let header_dpi = f64::from(w) / (85.60 / 25.4);
        assert!((header_dpi - 254.0).abs() / 254.0 < 0.01);
        assert_eq!(crop.image.get_pixel(10, 270).0, [220, 30, 30]);
        assert_eq!(crop.image.get_pixel(845, 270).0, [30, 30, 220]);
    }

    #[test]
    fn a_card_seen_in_perspective_comes_out_rectangular() {
        // The same card, its right edge shrunk towards the centre as if turned away.
        let mut img = RgbImage::from_pixel(1200, 800, Rgb([0, 0, 0]));
        let quad = Quad([
            Point::new(150.0, 100.0),
            Point::new(1000.0, 180.0),
            Point::new(1000.0, 560.0),
            Point::new(150.0, 640.0),
        ]);
        for y in 0..800u32 {
            for x in 0..1200u32 {
                let (xf, yf) = (f64::from(x), f64::from(y));
                // Inside the trapezoid?
                let t = (xf - 150.0) / 850.0;
                let top = 100.0 + 80.0 * t;
                let bottom = 640.0 - 80.0 * t;
                if (0.0..=1.0).contains(&t) && yf >= top && yf <= bottom {
                    img.put_pixel(x, y, Rgb([250, 250, 250]));
                }
            }
        }
        let crop = deskew(&img, &quad, DocumentKind::IdCard).expect("crop");
        let (w, h) = crop.image.dimensions();
        assert!((f64::from(w) / f64::from(h) - 1.586).abs() < 0.01);
        // The whole crop is the white card, corners included (a pixel in from each edge).
        for (x, y) in [
            (2, 2),
            (w - 3, 2),
            (w - 3, h - 3),
            (2, h - 3),
            (w / 2, h / 2),
        ] {
            assert!(crop.image.get_pixel(x, y).0[0] > 200, "({x},{y})");
        }
    }

    #[test]
    fn a_card_held_portrait_stays_portrait_and_resolution_is_capped() {
        let img = RgbImage::from_pixel(4000, 6000, Rgb([200, 200, 200]));
        // 5 000 px tall card: about 1 480 dpi.
        let quad = Quad([
            Point::new(400.0, 500.0),
            Point::new(3553.0, 500.0),
            Point::new(3553.0, 5500.0),
            Point::new(400.0, 5500.0),
        ]);
        let crop = deskew(&img, &quad, DocumentKind::IdCard).expect("crop");
        assert_eq!(crop.dpi, 600);
        assert!(crop.source_dpi > 1400.0);
        let (w, h) = crop.image.dimensions();
        assert!(h > w);
        assert_eq!(h, (600.0f64 * 85.60 / 25.4).round() as u32);
    }

    #[test]
    fn a_degenerate_quad_gives_no_crop() {
        let (img, _) = frame_with_card();
        let p = Point::new(10.0, 10.0);
        assert!(deskew(&img, &Quad([p, p, p, p]), DocumentKind::IdCard).is_none());
    }
}
