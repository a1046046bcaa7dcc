//! The demo camera's specimen machine-readable zone, drawn in OCR-B from a committed glyph atlas.
//!
//! Decides how a zone's text is put on a rendered document: each character's coverage map from
//! `ocrb_atlas.bin` (regenerated from the font by `cargo run --example ocrb_atlas`), scaled to the
//! pitch and blended in dark ink. The app never reads a font at run time. The text drawn is ICAO
//! 9303's own "UTOPIA" specimen (part 5, TD1), whose check digits hold and which expired in 2012,
//! so the demo shows the zone read and the `expiry` hint.

use image::RgbImage;

/// Atlas cell width, pixels: one character pitch.
pub const CELL_W: usize = 24;
/// Atlas cell height, pixels; also the line spacing in pitches (`CELL_H / CELL_W`: 1.67, 4.2 mm
/// at ICAO's 2.54 mm pitch, within TD1's 3.8–4.8 mm).
pub const CELL_H: usize = 40;
/// Height of the capitals in a cell, pixels (OCR-B's capitals are about 0.85 of its pitch).
pub const CAP_PX: usize = 20;
/// The baseline's row in a cell.
pub const BASELINE_PX: usize = 27;

/// The glyph atlas: `quality::mrz::layout::ALPHABET` order, `CELL_W × CELL_H` bytes each.
static ATLAS: &[u8] = include_bytes!("ocrb_atlas.bin");

/// ICAO 9303 part 5's TD1 specimen (Anna Maria Eriksson of Utopia), expired 2012-04-15.
pub const UTOPIA_TD1: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];

/// The demo card's back: `UTOPIA_TD1` with the expiry moved to 2034-04-15 (its check digit and the
/// composite recomputed), so the demo's back reads valid, passes `expiry` and auto-captures.
pub const DEMO_TD1: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F3404159UTO<<<<<<<<<<<2",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];

/// Coverage is multiplied by this (then capped at 1) so the strokes print as bold as a real zone's
/// (a laser-printed OCR-B stroke is about 0.3 mm wide; the outline's coverage is thinner).
const INK_WEIGHT: f32 = 1.8;
/// Ink of the zone, RGB.
const INK: [f32; 3] = [18.0, 18.0, 24.0];

/// The coverage 0–1 of `c`'s glyph at cell position (x, y), bilinear; 0 outside the cell or for a
/// character not in the MRZ alphabet.
fn coverage(c: u8, x: f32, y: f32) -> f32 {
    let Some(k) = crate::quality::mrz::layout::ALPHABET
        .iter()
        .position(|&a| a == c)
    else {
        return 0.0;
    };
    let at = |ix: i64, iy: i64| -> f32 {
        if ix < 0 || iy < 0 || ix >= CELL_W as i64 || iy >= CELL_H as i64 {
            return 0.0;
        }
        let i = k * CELL_W * CELL_H + iy as usize * CELL_W + ix as usize;
        ATLAS.get(i).map_or(0.0, |&v| f32::from(v) / 255.0)
    };
    let (fx, fy) = (x - 0.5, y - 0.5);
    let (ix, iy) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - fx.floor(), fy - fy.floor());
    let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
    let bottom = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Draws `lines` in OCR-B with their first cell's top-left at `top_left` (pixels), one character
/// per `pitch_px`, lines `CELL_H / CELL_W` pitches apart. Pixels outside `image` are skipped.
pub fn draw_mrz(image: &mut RgbImage, top_left: (f32, f32), pitch_px: f32, lines: &[&str]) {
    if !(pitch_px.is_finite() && pitch_px > 0.0) {
        return;
    }
    let scale = pitch_px / CELL_W as f32;
    let cell_h = CELL_H as f32 * scale;
    let (w, h) = (image.width() as i64, image.height() as i64);
    for (row, line) in lines.iter().enumerate() {
        let y0 = top_left.1 + row as f32 * cell_h;
        for (col, c) in line.bytes().enumerate() {
            let x0 = top_left.0 + col as f32 * pitch_px;
            let (xa, xb) = (x0.floor() as i64, (x0 + pitch_px).ceil() as i64);
            let (ya, yb) = (y0.floor() as i64, (y0 + cell_h).ceil() as i64);
            for py in ya.max(0)..yb.min(h) {
                for px in xa.max(0)..xb.min(w) {
                    let u = (px as f32 + 0.5 - x0) / scale;
                    let v = (py as f32 + 0.5 - y0) / scale;
                    let a = (INK_WEIGHT * coverage(c, u, v)).min(1.0);
                    if a <= 0.0 {
                        continue;
                    }
                    let p = image.get_pixel_mut(px as u32, py as u32);
                    for (ch, ink) in p.0.iter_mut().zip(INK) {
                        *ch = (f32::from(*ch) * (1.0 - a) + ink * a).round() as u8;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::mrz::{DocView, MrzFormat, MrzReader};

    #[test]
    fn the_atlas_holds_every_glyph() {
        assert_eq!(ATLAS.len(), 37 * CELL_W * CELL_H);
        for k in 0..37 {
            let cell = &ATLAS[k * CELL_W * CELL_H..(k + 1) * CELL_W * CELL_H];
            assert!(cell.iter().any(|&v| v > 200), "glyph {k} has ink");
        }
    }

    /// Draws `lines` on a pale card-sized page (11 px per mm, 2.54 mm per character) and reads
    /// the page back.
    fn read_drawn(lines: &[&str]) -> crate::quality::mrz::MrzReading {
        let px_mm = 11.0f32;
        let mut page = RgbImage::from_pixel(942, 594, image::Rgb([226, 232, 240]));
        draw_mrz(&mut page, (4.0 * px_mm, 38.5 * px_mm), 2.54 * px_mm, lines);
        let luma: Vec<u8> = page.pixels().map(|p| p.0[1]).collect();
        let view = DocView {
            luma: &luma,
            width: page.width(),
            height: page.height(),
            valid: None,
        };
        MrzReader::default().read(view, None).expect("a zone")
    }

    #[test]
    fn the_drawn_specimens_read_back_valid_one_expired_one_not() {
        let today = crate::quality::mrz::CalendarDate::new(2026, 12, 4).unwrap();
        for (lines, expired) in [(UTOPIA_TD1, true), (DEMO_TD1, false)] {
            let reading = read_drawn(&lines);
            assert_eq!(reading.format, MrzFormat::Td1);
            assert_eq!(reading.lines, lines.map(str::to_string));
            assert!(reading.valid);
            assert_eq!(reading.report(today).expired, Some(expired));
        }
    }

    #[test]
    fn drawing_off_the_image_is_clipped() {
        let mut img = RgbImage::new(10, 10);
        draw_mrz(&mut img, (-50.0, -5.0), 8.0, &UTOPIA_TD1);
        draw_mrz(&mut img, (0.0, 0.0), f32::NAN, &UTOPIA_TD1);
    }
}
