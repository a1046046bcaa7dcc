//! A canonical-size test card drawn straight into a `Rectified`, shared by the photometric unit
//! tests: paper, a title band, a portrait box and rows of glyph-like strokes, antialiased by 4×4
//! supersampling so a "sharp" card is as sharp as a good camera makes it.

use crate::quality::geometry::Homography;
use crate::quality::rectify::Rectified;
use image::{GrayImage, Luma};

/// ID-1 at 640 px: 7.48 px/mm.
pub(crate) const W: u32 = 640;
pub(crate) const H: u32 = 404;

fn hash(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Luma at canonical point (x, y) of a card with the given paper level.
fn shade(x: f64, y: f64, paper: f64) -> f64 {
    let ink = 40.0;
    if (15.0..45.0).contains(&y) {
        return 70.0; // title band, dark blue
    }
    if (20.0..200.0).contains(&x) && (70.0..370.0).contains(&y) {
        let d = ((x - 110.0) / 55.0).powi(2) + ((y - 190.0) / 70.0).powi(2);
        return if d < 1.0 { 160.0 } else { 110.0 };
    }
    if (230.0..620.0).contains(&x) && (70.0..380.0).contains(&y) {
        let (row, col) = (((y - 70.0) / 40.0) as u64, ((x - 230.0) / 15.0) as u64);
        let (fy, fx) = ((y - 70.0) % 40.0, (x - 230.0) % 15.0);
        let bits = hash(row * 1000 + col);
        let in_glyph = (6.0..26.0).contains(&fy) && (2.0..12.0).contains(&fx);
        if in_glyph {
            let (gx, gy) = (fx - 2.0, fy - 6.0);
            let stroke = 2.5;
            let on = (bits & 1 != 0 && gy < stroke)
                || (bits & 2 != 0 && (9.0..9.0 + stroke).contains(&gy))
                || (bits & 4 != 0 && gy >= 20.0 - stroke)
                || (bits & 8 != 0 && gx < stroke)
                || (bits & 16 != 0 && gx >= 10.0 - stroke)
                || (bits & 32 != 0 && (gx - gy * 0.5).abs() < stroke * 0.6);
            if on {
                return ink;
            }
        }
    }
    paper
}

/// A sharp card with paper luma `paper` (0–255), fully in frame.
pub(crate) fn card_with_paper(paper: f64) -> Rectified {
    let n = (W * H) as usize;
    let mut luma = vec![0u8; n];
    const SS: usize = 4;
    for y in 0..H as usize {
        for x in 0..W as usize {
            let mut acc = 0.0;
            for sy in 0..SS {
                for sx in 0..SS {
                    let px = x as f64 + (sx as f64 + 0.5) / SS as f64;
                    let py = y as f64 + (sy as f64 + 0.5) / SS as f64;
                    acc += shade(px, py, paper);
                }
            }
            luma[y * W as usize + x] = (acc / (SS * SS) as f64).round() as u8;
        }
    }
    let mut doc = Rectified::default();
    doc.width = W;
    doc.height = H;
    doc.px_per_mm = f64::from(W) / 85.6;
    doc.luma = luma;
    doc.valid = vec![1; n];
    doc.valid_count = n;
    doc.to_image = Some(Homography([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]));
    doc
}

/// A sharp, well-exposed card (paper 215).
pub(crate) fn card() -> Rectified {
    card_with_paper(215.0)
}

/// Applies `f` to every luma value (clamped to 0–255).
pub(crate) fn map(doc: &mut Rectified, f: impl Fn(usize, usize, f64) -> f64) {
    let w = doc.width as usize;
    for (i, l) in doc.luma.iter_mut().enumerate() {
        let (x, y) = (i % w, i / w);
        *l = f(x, y, f64::from(*l)).round().clamp(0.0, 255.0) as u8;
    }
}

fn gray(doc: &Rectified) -> GrayImage {
    GrayImage::from_raw(doc.width, doc.height, doc.luma.clone()).unwrap_or_default()
}

fn set_gray(doc: &mut Rectified, img: &GrayImage) {
    doc.luma = img.as_raw().clone();
}

/// Gaussian blur of σ canonical pixels.
pub(crate) fn blur(doc: &mut Rectified, sigma: f32) {
    let img = imageproc::filter::gaussian_blur_f32(&gray(doc), sigma);
    set_gray(doc, &img);
}

/// Horizontal motion blur over `len` pixels.
pub(crate) fn motion(doc: &mut Rectified, len: u32) {
    let src = gray(doc);
    let mut out = src.clone();
    let half = len as i64 / 2;
    for y in 0..doc.height {
        for x in 0..doc.width {
            let mut acc = 0u32;
            let mut n = 0u32;
            for d in -half..=half {
                let sx = (i64::from(x) + d).clamp(0, i64::from(doc.width) - 1) as u32;
                acc += u32::from(src.get_pixel(sx, y)[0]);
                n += 1;
            }
            out.put_pixel(x, y, Luma([(acc / n) as u8]));
        }
    }
    set_gray(doc, &out);
}

/// Adds Gaussian-distributed noise of σ levels (Box–Muller on a hash).
pub(crate) fn noise(doc: &mut Rectified, sigma: f64, seed: u64) {
    let to01 = |v: u64| ((v >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    for (i, l) in doc.luma.iter_mut().enumerate() {
        let h = hash(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let (u1, u2) = (to01(h), to01(hash(h)));
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        *l = (f64::from(*l) + sigma * z).round().clamp(0.0, 255.0) as u8;
    }
}

/// Adds a soft white highlight centred at (cx, cy) that clips the default paper (215) within
/// `radius` pixels and fades out beyond.
pub(crate) fn glare(doc: &mut Rectified, cx: f64, cy: f64, radius: f64) {
    // Light of peak 2.2 × 255 lifts paper 215 to 255 where exp(−r²/2s²) = 40/561.
    let s = radius / (2.0 * (2.2f64 * 255.0 / 40.0).ln()).sqrt();
    map(doc, |x, y, v| {
        let r2 = (x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2);
        v + 2.2 * 255.0 * (-r2 / (2.0 * s * s)).exp()
    });
}
