//! The demo camera's specimen machine-readable zone, drawn in OCR-B from a committed glyph atlas.
//!
//! Decides how a zone's text is put on a rendered document: each character's coverage map from
//! `ocrb_atlas.bin` (regenerated from the font by `cargo run --example ocrb_atlas`), scaled to the
//! pitch and blended in dark ink. The app never reads a font at run time. The demo card's back
//! carries ICAO 9303's own "UTOPIA" specimen (part 5, TD1) with its expiry moved to a few days after
//! the demo's "today" (`demo_td1`): every check digit holds, so the live view reads the zone, and
//! the document expires within `Profile::expiry_warn_days`, so the `expiry` check passes with its
//! warning and the back still auto-captures.

use image::RgbImage;

use crate::quality::mrz::CalendarDate;

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

/// Days from the demo's "today" to the demo specimen's expiry: 1–29, inside the default
/// `Profile::expiry_warn_days` (30), so the demo shows the `expiry` warning ("Expires in 20 days")
/// while the check still passes.
pub const DEMO_EXPIRES_IN_DAYS: i64 = 20;

/// The demo card's back: `UTOPIA_TD1` with its expiry moved to `DEMO_EXPIRES_IN_DAYS` after
/// `today`, the expiry's check digit and the composite recomputed (`mrz::check_digit`, ICAO 9303
/// weights 7-3-1), so the zone reads valid on any day.
pub fn demo_td1(today: CalendarDate) -> [String; 3] {
    let [top, middle, bottom] = UTOPIA_TD1.map(str::to_string);
    let expiry = CalendarDate::from_epoch_days(
        CalendarDate::from_epoch_days(0).days_until(today) + DEMO_EXPIRES_IN_DAYS,
    );
    let yymmdd = format!(
        "{:02}{:02}{:02}",
        expiry.year.rem_euclid(100),
        expiry.month,
        expiry.day
    );
    // TD1 middle line: birth date and its digit (0–6), sex (7), expiry (8–13) and its digit (14),
    // nationality and optional data (15–28), the composite (29).
    let mut middle: Vec<char> = middle.chars().collect();
    for (slot, c) in middle.iter_mut().skip(8).zip(yymmdd.chars()) {
        *slot = c;
    }
    let digit = |field: &str| {
        mrz::check_digit(field)
            .ok()
            .and_then(|d| char::from_digit(d, 10))
            .unwrap_or('<')
    };
    if let Some(slot) = middle.get_mut(14) {
        *slot = digit(&yymmdd);
    }
    let middle: String = middle.into_iter().collect();
    // The composite covers the upper line's 6–30 and the middle line's 1–7, 9–15 and 19–29
    // (ICAO 9303 part 5, 1-based positions).
    let covered: String = [
        top.get(5..30),
        middle.get(0..7),
        middle.get(8..15),
        middle.get(18..29),
    ]
    .into_iter()
    .flatten()
    .collect();
    let middle = format!("{}{}", middle.get(0..29).unwrap_or(""), digit(&covered));
    [top, middle, bottom]
}

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
    fn the_drawn_specimens_read_back_valid_one_expired_one_about_to() {
        let today = CalendarDate::new(2026, 12, 4).unwrap();
        let demo = demo_td1(today);
        let demo: [&str; 3] = [&demo[0], &demo[1], &demo[2]];
        for (lines, expired, days) in [(UTOPIA_TD1, true, -5346), (demo, false, 20)] {
            let reading = read_drawn(&lines);
            assert_eq!(reading.format, MrzFormat::Td1);
            assert_eq!(reading.lines, lines.map(str::to_string));
            assert!(reading.valid);
            let report = reading.report(today);
            assert_eq!(report.expired, Some(expired));
            assert_eq!(report.days_to_expiry, Some(days));
        }
    }

    #[test]
    fn the_demo_specimen_expires_inside_the_warning_window_on_any_day() {
        let warn = crate::quality::Profile::default().expiry_warn_days;
        assert!((1..warn).contains(&DEMO_EXPIRES_IN_DAYS));
        // ICAO's own line with the expiry rewritten to 2012-04-15 is the specimen again.
        let today = CalendarDate::new(2012, 3, 26).unwrap();
        assert_eq!(demo_td1(today), UTOPIA_TD1.map(str::to_string));
        // Across a year end and a leap day, every check digit holds and the date is the one meant
        // (ICAO expiry years are 20xx: the demo runs until 2099-12-11).
        for today in [(2026, 12, 20), (2028, 2, 10), (2031, 12, 25)] {
            let today = CalendarDate::new(today.0, today.1, today.2).unwrap();
            let lines = demo_td1(today).to_vec();
            assert!(
                crate::quality::mrz::fields::crate_valid(MrzFormat::Td1, &lines),
                "{lines:?}"
            );
            let fields =
                crate::quality::mrz::fields::parse(MrzFormat::Td1, &lines, today).expect("parses");
            let expiry = fields.expiry_date.expect("a date");
            assert_eq!(today.days_until(expiry), DEMO_EXPIRES_IN_DAYS, "{today}");
        }
    }

    #[test]
    fn drawing_off_the_image_is_clipped() {
        let mut img = RgbImage::new(10, 10);
        draw_mrz(&mut img, (-50.0, -5.0), 8.0, &UTOPIA_TD1);
        draw_mrz(&mut img, (0.0, 0.0), f32::NAN, &UTOPIA_TD1);
    }
}
