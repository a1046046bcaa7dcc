//! The demo card's artwork: the desk, both sides of the ID card, and the stroke glyphs and
//! pseudo-text they are drawn with.
//!
//! Decides how the demo's card looks, nothing about where it is (that is `super`'s script). Drawn
//! once at high resolution with a fixed random seed, so every run shows the same card.

use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_filled_ellipse_mut, draw_filled_rect_mut};
use imageproc::rect::Rect;

use super::{CARD_PX_PER_MM, DEMO_SIZE, card_size};
use crate::quality::mrz::CalendarDate;

/// A tiny deterministic random generator (xorshift), so the card is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
}

/// A wooden desk: dark brown grain with knots and fine noise, so the pale card stands out.
pub(super) fn render_desk() -> RgbImage {
    let (w, h) = DEMO_SIZE;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    RgbImage::from_fn(w, h, |x, y| {
        let (xf, yf) = (f64::from(x), f64::from(y));
        let grain = (yf * 0.09 + (xf * 0.011).sin() * 6.0 + (xf * 0.0023).sin() * 14.0).sin();
        let fine = (yf * 0.8 + xf * 0.02).sin() * 0.3;
        let noise = (rng.below(17) as f64) - 8.0;
        let base = 62.0 + 16.0 * grain + 6.0 * fine + noise;
        Rgb([
            (base * 1.35).clamp(0.0, 255.0) as u8,
            (base * 0.92).clamp(0.0, 255.0) as u8,
            (base * 0.62).clamp(0.0, 255.0) as u8,
        ])
    })
}

/// Draws a thick line from a to b by stamping discs of `r` pixels.
fn thick_line(img: &mut RgbImage, a: (f64, f64), b: (f64, f64), r: i32, color: Rgb<u8>) {
    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
    let steps = len.ceil().max(1.0) as i32;
    for i in 0..=steps {
        let t = f64::from(i) / f64::from(steps);
        let x = a.0 + (b.0 - a.0) * t;
        let y = a.1 + (b.1 - a.1) * t;
        draw_filled_circle_mut(img, (x.round() as i32, y.round() as i32), r, color);
    }
}

/// Stroke glyphs on a 4 × 6 grid for the letters of SPECIMEN.
fn glyph(c: char) -> &'static [&'static [(f64, f64)]] {
    match c {
        'S' => &[&[
            (4.0, 0.0),
            (0.0, 0.0),
            (0.0, 3.0),
            (4.0, 3.0),
            (4.0, 6.0),
            (0.0, 6.0),
        ]],
        'P' => &[&[(0.0, 6.0), (0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 3.0)]],
        'E' => &[
            &[(4.0, 0.0), (0.0, 0.0), (0.0, 6.0), (4.0, 6.0)],
            &[(0.0, 3.0), (3.0, 3.0)],
        ],
        'C' => &[&[(4.0, 0.0), (0.0, 0.0), (0.0, 6.0), (4.0, 6.0)]],
        'I' => &[
            &[(2.0, 0.0), (2.0, 6.0)],
            &[(1.0, 0.0), (3.0, 0.0)],
            &[(1.0, 6.0), (3.0, 6.0)],
        ],
        'M' => &[&[(0.0, 6.0), (0.0, 0.0), (2.0, 3.0), (4.0, 0.0), (4.0, 6.0)]],
        'N' => &[&[(0.0, 6.0), (0.0, 0.0), (4.0, 6.0), (4.0, 0.0)]],
        _ => &[],
    }
}

/// Writes `text` with stroke glyphs, `cell` pixels per grid unit, from (x, y), slanted by `slope`
/// (pixels of rise per pixel across).
fn stroke_text(
    img: &mut RgbImage,
    text: &str,
    x: f64,
    y: f64,
    cell: f64,
    slope: f64,
    color: Rgb<u8>,
) {
    let r = (cell * 0.45).round() as i32;
    for (i, c) in text.chars().enumerate() {
        let ox = x + i as f64 * cell * 6.0;
        let oy = y - (i as f64 * cell * 6.0) * slope;
        for stroke in glyph(c) {
            for pair in stroke.windows(2) {
                let a = (
                    ox + pair[0].0 * cell,
                    oy + pair[0].1 * cell - pair[0].0 * cell * slope,
                );
                let b = (
                    ox + pair[1].0 * cell,
                    oy + pair[1].1 * cell - pair[1].0 * cell * slope,
                );
                thick_line(img, a, b, r, color);
            }
        }
    }
}

/// Rows of small pseudo-characters: 3 × 5 random bitmaps at `px` pixels per dot. Fine detail that
/// a focus measure can see, without a font.
fn text_line(
    img: &mut RgbImage,
    rng: &mut Rng,
    x: i32,
    y: i32,
    chars: u32,
    px: i32,
    color: Rgb<u8>,
) {
    let mut cx = x;
    for i in 0..chars {
        if i > 0 && rng.below(6) == 0 {
            cx += 3 * px; // a word gap
            continue;
        }
        let bits = rng.next();
        for row in 0..5 {
            for col in 0..3 {
                if (bits >> (row * 3 + col)) & 1 == 1 || col == 0 && row % 2 == 0 {
                    draw_filled_rect_mut(
                        img,
                        Rect::at(cx + col * px, y + row * px).of_size(px as u32, px as u32),
                        color,
                    );
                }
            }
        }
        cx += 4 * px;
    }
}

/// The ID card: pale security print with fine guilloche lines, a portrait, data lines, an MRZ-like
/// band and a red SPECIMEN stamp.
pub(super) fn render_card() -> RgbImage {
    let (w, h) = card_size();
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut card = RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let guilloche = ((u * 90.0 + (v * 11.0).sin() * 3.0).sin() * (v * 70.0).cos()).abs();
        let line = if guilloche > 0.93 { 30.0 } else { 0.0 };
        Rgb([
            (228.0 - 18.0 * v - line * 0.8) as u8,
            (236.0 - 8.0 * v - line * 0.5) as u8,
            (246.0 - line * 0.2) as u8,
        ])
    });
    let s = CARD_PX_PER_MM;
    let mm = |v: f64| (v * s).round() as i32;
    // Header band.
    draw_filled_rect_mut(
        &mut card,
        Rect::at(0, 0).of_size(w, mm(9.0) as u32),
        Rgb([32, 72, 140]),
    );
    text_line(
        &mut card,
        &mut rng,
        mm(4.0),
        mm(2.8),
        26,
        5,
        Rgb([240, 240, 250]),
    );
    // Portrait.
    let (px, py, pw, ph) = (mm(4.0), mm(12.5), mm(24.0), mm(30.0));
    draw_filled_rect_mut(
        &mut card,
        Rect::at(px, py).of_size(pw as u32, ph as u32),
        Rgb([176, 188, 200]),
    );
    draw_bust(
        &mut card,
        (px, py, pw, ph),
        Rgb([120, 96, 84]),
        Rgb([54, 62, 80]),
    );
    // Data fields: a small label line and a bigger value line each.
    for (i, len) in [14u32, 18, 10, 16, 12].iter().enumerate() {
        let y = mm(12.5) + i as i32 * mm(6.2);
        text_line(&mut card, &mut rng, mm(31.0), y, 10, 3, Rgb([90, 100, 130]));
        text_line(
            &mut card,
            &mut rng,
            mm(31.0),
            y + mm(1.8),
            *len,
            5,
            Rgb([20, 24, 36]),
        );
    }
    // Signature-like scribble.
    let mut prev = (f64::from(mm(60.0)), f64::from(mm(40.0)));
    for k in 1..40 {
        let t = f64::from(k) / 40.0;
        let next = (
            f64::from(mm(60.0)) + t * f64::from(mm(20.0)),
            f64::from(mm(40.0)) + (t * 25.0).sin() * f64::from(mm(1.6)),
        );
        thick_line(&mut card, prev, next, 2, Rgb([30, 40, 110]));
        prev = next;
    }
    // Machine-readable band.
    for row in 0..2 {
        text_line(
            &mut card,
            &mut rng,
            mm(4.0),
            mm(45.5) + row * mm(3.6),
            44,
            5,
            Rgb([16, 16, 20]),
        );
    }
    // SPECIMEN, diagonal, in red.
    stroke_text(
        &mut card,
        "SPECIMEN",
        f64::from(mm(17.0)),
        f64::from(mm(37.0)),
        f64::from(mm(1.25)),
        0.28,
        Rgb([205, 40, 40]),
    );
    card
}

/// The back of the ID card: a warmer tint with wavy guilloche, address lines across the top, a
/// small ghost portrait, and a TD1 machine-readable zone (3 lines of 30 characters) in a clear band
/// at the bottom (`mrz_specimen::demo_td1(today)`: valid, expiring a few days after `today`; drawn
/// with OCR-B glyphs from the committed atlas).
pub(super) fn render_card_back(today: CalendarDate) -> RgbImage {
    let (w, h) = card_size();
    let mut rng = Rng(0x7F4A_7C15_9E37_79B9);
    let mut card = RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = (f64::from(x) / f64::from(w), f64::from(y) / f64::from(h));
        let wave = ((v * 60.0 + (u * 9.0).sin() * 4.0).sin() * (u * 45.0).cos()).abs();
        let line = if wave > 0.95 { 34.0 } else { 0.0 };
        Rgb([
            (244.0 - 6.0 * u - line * 0.3) as u8,
            (232.0 - 10.0 * u - line * 0.6) as u8,
            (200.0 - 14.0 * v - line * 0.9) as u8,
        ])
    });
    let s = CARD_PX_PER_MM;
    let mm = |v: f64| (v * s).round() as i32;
    // Address and issuing-authority lines across the top two thirds.
    for (i, len) in [24u32, 30, 20, 28, 16].iter().enumerate() {
        let y = mm(4.0) + i as i32 * mm(5.4);
        text_line(&mut card, &mut rng, mm(4.0), y, 8, 3, Rgb([110, 80, 60]));
        text_line(
            &mut card,
            &mut rng,
            mm(4.0),
            y + mm(1.7),
            *len,
            4,
            Rgb([40, 30, 24]),
        );
    }
    // A small ghost portrait on the right.
    let (gx, gy, gw, gh) = (mm(64.0), mm(5.0), mm(16.0), mm(20.0));
    draw_bust(
        &mut card,
        (gx, gy, gw, gh),
        Rgb([205, 180, 150]),
        Rgb([190, 165, 140]),
    );
    // The machine-readable zone: a clear band and 3 × 30 character cells.
    draw_filled_rect_mut(
        &mut card,
        Rect::at(0, mm(35.5)).of_size(w, (h as i32 - mm(35.5)).max(1) as u32),
        Rgb([246, 244, 236]),
    );
    // A real-format zone (ICAO's TD1 specimen, valid, expiring soon) in OCR-B at ICAO's 2.54 mm
    // pitch, so the live view reads it, shows its fields and warns of the expiry.
    let zone = crate::camera::mrz_specimen::demo_td1(today);
    crate::camera::mrz_specimen::draw_mrz(
        &mut card,
        (mm(3.8) as f32, mm(37.5) as f32),
        (2.54 * s) as f32,
        &zone.each_ref().map(String::as_str),
    );
    card
}

/// A portrait's head and shoulders in the box (x, y, width, height), pixels: the head an ellipse
/// two fifths down, the shoulders one centred on the box's bottom edge.
fn draw_bust(
    card: &mut RgbImage,
    (x, y, w, h): (i32, i32, i32, i32),
    head: Rgb<u8>,
    body: Rgb<u8>,
) {
    draw_filled_ellipse_mut(card, (x + w / 2, y + h * 2 / 5), w / 4, h / 4, head);
    draw_filled_ellipse_mut(card, (x + w / 2, y + h), w * 9 / 20, h * 3 / 10, body);
}
