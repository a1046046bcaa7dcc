//! Synthetic MRZ documents: random valid zones (the `mrz` crate's emitters) rendered in OCR-B
//! onto document-like pages, photographed in perspective with blur, noise and JPEG.
//!
//! Shared by the synthetic MRZ test and the classifier's trainer (examples/train_mrz_ocr.rs), so
//! both see the same kind of image. Each scene knows its true zone and quad.

#![allow(dead_code)]

use ab_glyph::{Font, FontVec, PxScale, point};
use idcap::quality::geometry::Homography;
use idcap::quality::mrz::MrzFormat;
use idcap::quality::{DocumentKind, Point, Quad};
use image::{GrayImage, RgbImage};

/// Where Debian's fonts-ocr-b installs OCR-B.
pub const OCRB_PATH: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

/// Loads OCR-B, or panics saying how to install it (tests must not pass silently without it).
pub fn load_font() -> FontVec {
    let bytes = std::fs::read(OCRB_PATH).unwrap_or_else(|e| {
        panic!("{OCRB_PATH}: {e}. Install the OCR-B font: `apt-get install fonts-ocr-b`")
    });
    FontVec::try_from_vec(bytes).expect("OCRB.otf is a font")
}

/// A small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.range(1e-12, 1.0);
        let v = self.range(0.0, 1.0);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn letters(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| (b'A' + rng.below(26) as u8) as char)
        .collect()
}

fn alnum(rng: &mut Rng, n: usize) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    (0..n).map(|_| A[rng.below(A.len())] as char).collect()
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| (b'0' + rng.below(10) as u8) as char)
        .collect()
}

fn date(rng: &mut Rng, y0: i32, y1: i32) -> mrz::MrzDate {
    let y = y0 + rng.below((y1 - y0) as usize) as i32;
    mrz::MrzDate::Calendar(mrz::Date::new(
        y,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    ))
}

fn name(rng: &mut Rng) -> (String, String) {
    let surname = {
        let n = 3 + rng.below(9);
        letters(rng, n)
    };
    let mut given = {
        let n = 3 + rng.below(7);
        letters(rng, n)
    };
    if rng.below(2) == 0 {
        given.push(' ');
        given.push_str(&{
            let n = 3 + rng.below(6);
            letters(rng, n)
        });
    }
    (surname, given)
}

/// A random zone of `format` with every check digit valid.
pub fn random_zone(rng: &mut Rng, format: MrzFormat) -> Vec<String> {
    let states = [
        "UTO", "D<<", "FRA", "SRB", "NLD", "GBR", "EST", "CZE", "HRV", "AUT",
    ];
    let state = states[rng.below(states.len())].to_string();
    let nat = states[rng.below(states.len())].to_string();
    let (surname, given) = name(rng);
    let sex = [mrz::Sex::Male, mrz::Sex::Female, mrz::Sex::Unspecified][rng.below(3)];
    let number = if rng.below(3) == 0 {
        digits(rng, 9)
    } else {
        {
            let n = 7 + rng.below(3);
            alnum(rng, n)
        }
    };
    let optional = |rng: &mut Rng, n: usize| -> Option<String> {
        (rng.below(2) == 0).then(|| {
            let k = 1 + rng.below(n);
            alnum(rng, k)
        })
    };
    let text = match format {
        MrzFormat::Td3 => mrz::format_td3(&mrz::Td3Fields {
            issuing_country: state,
            document_number: number,
            surname,
            given_names: given,
            nationality: nat,
            date_of_birth: date(rng, 1940, 2010),
            sex,
            date_of_expiry: date(rng, 2015, 2036),
            personal_number: optional(rng, 14),
            ..Default::default()
        }),
        MrzFormat::Td2 => mrz::format_td2(&mrz::Td2Fields {
            issuing_country: state,
            document_number: number,
            surname,
            given_names: given,
            nationality: nat,
            date_of_birth: date(rng, 1940, 2010),
            sex,
            date_of_expiry: date(rng, 2015, 2036),
            optional_data: optional(rng, 7),
            ..Default::default()
        }),
        MrzFormat::Td1 => mrz::format_td1(&mrz::Td1Fields {
            issuing_country: state,
            document_number: number,
            optional_data_1: optional(rng, 15),
            surname,
            given_names: given,
            nationality: nat,
            date_of_birth: date(rng, 1940, 2010),
            sex,
            date_of_expiry: date(rng, 2015, 2036),
            optional_data_2: optional(rng, 11),
            ..Default::default()
        }),
    };
    text.lines().map(str::to_string).collect()
}

/// How hard a scene is.
#[derive(Clone, Copy, Debug)]
pub struct Degrade {
    /// Gaussian blur σ in frame pixels, at most.
    pub max_blur: f64,
    /// Noise σ in grey levels, at most.
    pub max_noise: f64,
    /// Lowest JPEG quality.
    pub min_jpeg: u8,
    /// Corner error of the quad given to the reader, pixels, at most.
    pub max_quad_error: f64,
}

impl Default for Degrade {
    fn default() -> Self {
        Degrade {
            max_blur: 1.2,
            max_noise: 6.0,
            min_jpeg: 60,
            max_quad_error: 1.5,
        }
    }
}

/// A photographed synthetic document.
pub struct Scene {
    pub frame: RgbImage,
    /// The quad handed to the reader (the true one plus `max_quad_error` of noise).
    pub quad: Quad,
    pub kind: DocumentKind,
    pub format: MrzFormat,
    pub zone: Vec<String>,
}

/// The page size (mm) a format is printed on: TD1 on ID-1, TD2 on ID-2, TD3 on ID-3.
fn page_mm(format: MrzFormat) -> (f64, f64) {
    match format {
        MrzFormat::Td1 => (85.6, 53.98),
        MrzFormat::Td2 => (105.0, 74.0),
        MrzFormat::Td3 => (125.0, 88.0),
    }
}

/// The document kind the detector would see (by aspect ratio): ID-2 is passport-shaped.
pub fn kind_of(format: MrzFormat) -> DocumentKind {
    match format {
        MrzFormat::Td1 => DocumentKind::IdCard,
        _ => DocumentKind::Passport,
    }
}

/// Renders the page of `zone` at `px_mm` pixels per millimetre, luma 0–255 as f32.
fn render_page(
    font: &FontVec,
    rng: &mut Rng,
    format: MrzFormat,
    zone: &[String],
    px_mm: f64,
) -> (Vec<f32>, usize, usize) {
    let (wmm, hmm) = page_mm(format);
    let (w, h) = ((wmm * px_mm) as usize, (hmm * px_mm) as usize);
    // Paper: a tint, a gradient and a faint guilloche.
    let base = rng.range(170.0, 245.0);
    let (gx, gy) = (rng.range(-25.0, 25.0), rng.range(-25.0, 25.0));
    let (fa, fb, amp) = (
        rng.range(0.05, 0.4),
        rng.range(0.05, 0.4),
        rng.range(0.0, 18.0),
    );
    let mut page = vec![0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
            let wave = ((x as f64 / px_mm * fa * 6.0).sin()
                * (y as f64 / px_mm * fb * 6.0 + u * 9.0).cos())
            .abs();
            page[y * w + x] = (base + gx * (u - 0.5) + gy * (v - 0.5) - amp * wave) as f32;
        }
    }
    // A photo block and some printed labels above the zone.
    let (px0, py0) = (
        (rng.range(3.0, 8.0) * px_mm) as usize,
        (rng.range(8.0, 14.0) * px_mm) as usize,
    );
    let (pw, ph) = ((hmm * 0.3 * px_mm) as usize, (hmm * 0.4 * px_mm) as usize);
    let tone = rng.range(60.0, 160.0) as f32;
    for y in py0..(py0 + ph).min(h) {
        for x in px0..(px0 + pw).min(w) {
            page[y * w + x] = tone + 30.0 * ((x + y) % 37) as f32 / 37.0;
        }
    }
    // The zone: 10 characters per inch, lines 4–7 mm apart (TD1: 3.8–4.8 mm), the last 4–11 mm
    // above the edge, capitals 0.8–1.0 of the pitch tall.
    let pitch = 2.54 * px_mm;
    let mut ink = vec![0f32; w * h];
    let n = zone.len();
    let line_gap = if n == 3 {
        rng.range(3.8, 4.8)
    } else {
        rng.range(4.0, 7.0)
    } * px_mm;
    let bottom = h as f64
        - if n == 3 {
            rng.range(3.0, 5.0)
        } else {
            rng.range(4.0, 11.0)
        } * px_mm;
    let cap = pitch * rng.range(0.8, 1.0);
    let left = rng.range(3.5, 6.5) * px_mm;
    let zone_top = bottom - n as f64 * line_gap;
    // Printed labels beside the photo, above the zone.
    for k in 0..5 {
        let label = {
            let n = 4 + rng.below(10);
            letters(rng, n)
        };
        let size = pitch * rng.range(0.6, 1.0);
        let x = px0 as f64 + pw as f64 + rng.range(2.0, 6.0) * px_mm;
        let y = py0 as f64 + (k as f64 + 1.0) * 0.12 * hmm * px_mm;
        if y < zone_top - 2.0 * px_mm {
            draw_text(font, &mut ink, w, h, &label, x, y, size, 0.9 * size);
        }
    }
    for (i, line) in zone.iter().enumerate() {
        let baseline = bottom - (n - 1 - i) as f64 * line_gap;
        draw_text(font, &mut ink, w, h, line, left, baseline, pitch, cap);
    }
    // Stroke weight: soften and re-threshold the ink.
    let soft = box_blur(&ink, w, h, 1);
    let t = rng.range(0.08, 0.55) as f32;
    let ink_level = rng.range(10.0, 70.0) as f32;
    for i in 0..w * h {
        let a = ((soft[i] - t) * 4.0 + 0.5).clamp(0.0, 1.0);
        page[i] = page[i] * (1.0 - a) + ink_level * a;
    }
    (page, w, h)
}

/// Draws `text` in OCR-B, one character per `pitch` pixels from `left`, capitals `cap` pixels
/// tall, centred in their cells; `baseline` in pixels.
#[allow(clippy::too_many_arguments)]
fn draw_text(
    font: &FontVec,
    ink: &mut [f32],
    w: usize,
    h: usize,
    text: &str,
    left: f64,
    baseline: f64,
    pitch: f64,
    cap: f64,
) {
    let zero = font.glyph_id('0');
    let cap_units = font
        .outline(zero)
        .map_or(700.0, |o| o.bounds.height().abs());
    let px_per_unit = cap as f32 / cap_units;
    let scale = PxScale::from(px_per_unit * font.height_unscaled());
    let advance = f64::from(font.h_advance_unscaled(zero) * px_per_unit);
    for (k, ch) in text.chars().enumerate() {
        let id = font.glyph_id(ch);
        let x = left + k as f64 * pitch + (pitch - advance) / 2.0;
        let glyph = id.with_scale_and_position(scale, point(x as f32, baseline as f32));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|x, y, c| {
                let (px, py) = (b.min.x as i64 + x as i64, b.min.y as i64 + y as i64);
                if px >= 0 && py >= 0 && (px as usize) < w && (py as usize) < h {
                    let i = py as usize * w + px as usize;
                    ink[i] = (ink[i] + c).min(1.0);
                }
            });
        }
    }
}

fn box_blur(src: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut tmp = vec![0f32; w * h];
    let mut out = vec![0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let (a, b) = (x.saturating_sub(r), (x + r + 1).min(w));
            tmp[y * w + x] = src[y * w + a..y * w + b].iter().sum::<f32>() / (b - a) as f32;
        }
    }
    for y in 0..h {
        let (a, b) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            out[y * w + x] = (a..b).map(|yy| tmp[yy * w + x]).sum::<f32>() / (b - a) as f32;
        }
    }
    out
}

/// Separable Gaussian blur of an RGB image, σ in pixels.
fn gaussian(img: &RgbImage, sigma: f64) -> RgbImage {
    if sigma < 0.3 {
        return img.clone();
    }
    image::imageops::blur(img, sigma as f32)
}

/// A scene: a random zone of `format`, its page photographed in a `frame_w × frame_h` frame
/// with the page `fill` (0–1) of the frame's width, perspective, and `degrade`.
pub fn scene(
    font: &FontVec,
    rng: &mut Rng,
    format: MrzFormat,
    frame: (u32, u32),
    fill: f64,
    degrade: &Degrade,
) -> Scene {
    scene_on(font, rng, format, frame, fill, degrade, None)
}

/// `scene` with the page lying on `table` (RGB 0–255; `None`: a random dark desk), for example
/// white paper.
pub fn scene_on(
    font: &FontVec,
    rng: &mut Rng,
    format: MrzFormat,
    frame: (u32, u32),
    fill: f64,
    degrade: &Degrade,
    table: Option<[f64; 3]>,
) -> Scene {
    let zone = random_zone(rng, format);
    let (fw, fh) = frame;
    let (wmm, hmm) = page_mm(format);
    // The page stays inside the frame whatever its tilt.
    let doc_w = (fill * fw as f64).min(0.78 * fh as f64 * wmm / hmm);
    // Render at about 1.6 page pixels per frame pixel so the warp only shrinks.
    let px_mm = 1.6 * doc_w / wmm;
    let (page, pw, ph) = render_page(font, rng, format, &zone, px_mm);
    // The page's corners in the frame: centred, rotated, each corner jittered (perspective).
    let doc_h = doc_w * hmm / wmm;
    let (cx, cy) = (
        fw as f64 / 2.0 + rng.range(-0.05, 0.05) * fw as f64,
        fh as f64 / 2.0 + rng.range(-0.05, 0.05) * fh as f64,
    );
    let angle = rng.range(-8.0, 8.0).to_radians();
    let (s, c) = angle.sin_cos();
    let jitter = 0.04 * doc_w;
    let corners: Vec<Point> = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
        .iter()
        .map(|&(u, v)| {
            let (x, y) = (u * doc_w, v * doc_h);
            Point::new(
                cx + c * x - s * y + rng.range(-jitter, jitter),
                cy + s * x + c * y + rng.range(-jitter, jitter),
            )
        })
        .collect();
    let dst = [corners[0], corners[1], corners[2], corners[3]];
    let src = [
        Point::new(0.0, 0.0),
        Point::new(pw as f64, 0.0),
        Point::new(pw as f64, ph as f64),
        Point::new(0.0, ph as f64),
    ];
    let to_page = Homography::from_points(&dst, &src).expect("a proper quad");
    let desk = [
        rng.range(20.0, 90.0),
        rng.range(20.0, 90.0),
        rng.range(20.0, 90.0),
    ];
    let table = table.unwrap_or(desk);
    let light = rng.range(0.75, 1.1);
    let tint = [rng.range(0.92, 1.05), 1.0, rng.range(0.9, 1.05)];
    let mut img = RgbImage::new(fw, fh);
    let sample = |x: f64, y: f64| -> Option<f32> {
        let (fx, fy) = (x - 0.5, y - 0.5);
        if fx < 0.0 || fy < 0.0 || fx >= (pw - 1) as f64 || fy >= (ph - 1) as f64 {
            return None;
        }
        let (ix, iy) = (fx as usize, fy as usize);
        let (tx, ty) = ((fx - ix as f64) as f32, (fy - iy as f64) as f32);
        let at = |x: usize, y: usize| page[y * pw + x];
        let top = at(ix, iy) * (1.0 - tx) + at(ix + 1, iy) * tx;
        let bot = at(ix, iy + 1) * (1.0 - tx) + at(ix + 1, iy + 1) * tx;
        Some(top * (1.0 - ty) + bot * ty)
    };
    for y in 0..fh {
        for x in 0..fw {
            // 2×2 samples per frame pixel.
            let mut acc = 0.0f32;
            let mut n = 0;
            for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let p = to_page.apply(Point::new(x as f64 + ox, y as f64 + oy));
                if let Some(v) = sample(p.x, p.y) {
                    acc += v;
                    n += 1;
                }
            }
            let px = if n == 4 {
                let v = f64::from(acc / 4.0) * light;
                [v * tint[0], v * tint[1], v * tint[2]]
            } else {
                table
            };
            img.put_pixel(x, y, image::Rgb(px.map(|v| v.clamp(0.0, 255.0) as u8)));
        }
    }
    let img = gaussian(&img, rng.range(0.0, degrade.max_blur));
    let sigma = rng.range(0.0, degrade.max_noise);
    let mut img = img;
    for p in img.pixels_mut() {
        let n = rng.normal() * sigma;
        for ch in &mut p.0 {
            *ch = (f64::from(*ch) + n).clamp(0.0, 255.0) as u8;
        }
    }
    let quality = degrade.min_jpeg + rng.below(usize::from(96 - degrade.min_jpeg.min(95))) as u8;
    let frame = jpeg_round_trip(&img, quality);
    let e = degrade.max_quad_error;
    let given = dst.map(|p| Point::new(p.x + rng.range(-e, e), p.y + rng.range(-e, e)));
    Scene {
        frame,
        quad: Quad::ordered(given),
        kind: kind_of(format),
        format,
        zone,
    }
}

/// Encodes and decodes as JPEG at `quality` (1–100).
pub fn jpeg_round_trip(img: &RgbImage, quality: u8) -> RgbImage {
    let mut bytes = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    enc.encode_image(img).expect("jpeg encodes");
    image::load_from_memory(&bytes)
        .expect("jpeg decodes")
        .to_rgb8()
}

/// A grey image from a luma plane (for debugging dumps).
pub fn gray(luma: &[u8], w: u32, h: u32) -> GrayImage {
    GrayImage::from_raw(w, h, luma.to_vec()).expect("size")
}
