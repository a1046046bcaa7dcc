//! Synthetic ID-card scenes with known answers, and the degradations the quality checks must catch.
//!
//! `render_card` draws a card (a tinted base with a faint guilloche, a title band with white print, a
//! portrait box, rows of text-like strokes, an MRZ-like block) on a chosen background, placed by
//! centre, size, in-plane rotation and a keystone (perspective) amount, and returns the image with
//! the card's quad in image pixels (clockwise from the corner nearest the image's top-left). Edges
//! are antialiased by 3×3 supersampling so a rendered card is as sharp as a good camera makes it.
//!
//! The degradation functions work on the whole image, as the camera would produce them:
//! `gaussian_blur` (defocus), `motion_blur` (a line kernel), `add_glare` (a soft elliptical
//! highlight clipped to white), `scale_brightness`, `scale_contrast`, `add_noise`, `shadow_half`,
//! `half_size_on_canvas` (the same scene with the document at half the size). Everything is
//! deterministic: noise and text come from seeded hashes.

#![allow(dead_code)]

use idcap::quality::geometry::Homography;
use idcap::quality::{DocumentKind, Point, Quad};
use image::{Rgb, RgbImage};

/// What lies behind the card.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Background {
    /// One flat colour.
    Flat([u8; 3]),
    /// Brown wood-like stripes (mid-grey luma, low contrast against nothing in particular).
    Wood,
    /// Random coloured rectangles, strong edges (a cluttered desk).
    Clutter,
    /// A near-black desk.
    Dark,
    /// A checkerboard of light and dark squares `cell_px` pixels wide, aligned with the image (a
    /// patterned desk or tablecloth).
    Checker {
        /// Side of one square, pixels.
        cell_px: f64,
    },
    /// The edge of a wooden table: wood above the row `edge_y`, a dark floor below it.
    TableEdge {
        /// Row of the table's edge, pixels.
        edge_y: f64,
    },
    /// The corner of a wooden table (an L of edges): wood above the row `y` and right of the
    /// column `x` (left of it when `table_left`), a dark floor elsewhere.
    TableCorner {
        /// Column of the table's side edge, pixels.
        x: f64,
        /// Row of the table's front edge, pixels.
        y: f64,
        /// Whether the table lies left of `x` rather than right of it.
        table_left: bool,
    },
    /// Strong horizontal stripes, light and dark wood-coloured bands `period_px` tall, one band
    /// starting at row `first_y` (boards of a floor, a striped cloth, coarse grain).
    Stripes {
        /// A row where a band starts, pixels.
        first_y: f64,
        /// Height of one band, pixels.
        period_px: f64,
    },
}

/// One synthetic scene.
#[derive(Clone, Debug)]
pub struct CardScene {
    /// Image size, pixels.
    pub width: u32,
    pub height: u32,
    pub background: Background,
    /// Which document outline to draw (ID-1 card or ID-3 passport page).
    pub kind: DocumentKind,
    /// Centre of the card in the image, pixels.
    pub center: (f64, f64),
    /// Length of the card's long side in the image, pixels.
    pub long_side_px: f64,
    /// In-plane rotation, degrees, clockwise on screen.
    pub rotation_deg: f64,
    /// Keystone: the card's top edge is shortened by this fraction of its length (0 = none, 0.1 =
    /// top edge 10 % shorter than the bottom one), as when the camera looks down at the card.
    pub keystone: f64,
    /// The card's paper colour (its brightest large area). A white card is `[250, 250, 250]`.
    pub paper: [u8; 3],
    /// Seed for the text pattern and the background.
    pub seed: u64,
}

impl Default for CardScene {
    fn default() -> Self {
        CardScene {
            width: 1280,
            height: 720,
            background: Background::Wood,
            kind: DocumentKind::IdCard,
            center: (640.0, 360.0),
            long_side_px: 860.0,
            rotation_deg: 0.0,
            keystone: 0.0,
            paper: [226, 222, 232],
            seed: 1,
        }
    }
}

/// A deterministic hash to 0..1 (splitmix64).
pub fn hash01(mut x: u64) -> f64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn mix(a: [f64; 3], b: [f64; 3], t: f64) -> [f64; 3] {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn rgb_f(c: [u8; 3]) -> [f64; 3] {
    [f64::from(c[0]), f64::from(c[1]), f64::from(c[2])]
}

/// The card's quad for a scene, in image pixels, clockwise from the card's own top-left.
pub fn card_corners(scene: &CardScene) -> [Point; 4] {
    let (w_mm, h_mm) = scene.kind.size_mm();
    let w = scene.long_side_px;
    let h = w * h_mm / w_mm;
    let top = 0.5 * w * (1.0 - scene.keystone);
    let local = [
        (-top, -h / 2.0),
        (top, -h / 2.0),
        (w / 2.0, h / 2.0),
        (-w / 2.0, h / 2.0),
    ];
    let (s, c) = scene.rotation_deg.to_radians().sin_cos();
    local.map(|(x, y)| {
        Point::new(
            scene.center.0 + c * x - s * y,
            scene.center.1 + s * x + c * y,
        )
    })
}

/// The colour of the card at (u, v) millimetres from its top-left corner.
fn card_colour(u: f64, v: f64, w_mm: f64, h_mm: f64, paper: [f64; 3], seed: u64) -> [f64; 3] {
    let ink = [38.0, 40.0, 62.0];
    // Base: paper with a faint guilloche (±4 levels), so flat areas are not perfectly flat.
    let g = 4.0 * ((u * 1.7 + 3.0 * (v * 0.9).sin()).sin() * (v * 1.3).cos());
    let mut c = [paper[0] + g, paper[1] + g, paper[2] + g];
    // Title band with white print (the same white as the paper: white print is not glare).
    let band = (2.0, 8.0);
    if v >= band.0 && v < band.1 {
        c = [52.0, 86.0, 160.0];
        let cell = (u / 1.6).floor();
        let inside = u >= 25.0 && u < w_mm - 6.0;
        let fx = u / 1.6 - cell;
        let fy = (v - 3.2) / 3.6;
        if inside && (0.0..1.0).contains(&fy) && glyph(cell as u64, fx, fy, seed ^ 0xA5) {
            c = paper;
        }
        return c;
    }
    // Portrait box: a grey-blue backdrop, dark hair, a skin-toned face.
    let (px0, py0, px1, py1) = (4.0, 11.0, 4.0 + 0.30 * w_mm, h_mm - 5.0);
    if u >= px0 && u < px1 && v >= py0 && v < py1 {
        let cx = 0.5 * (px0 + px1);
        let cy = py0 + 0.45 * (py1 - py0);
        let (rx, ry) = (0.27 * (px1 - px0), 0.26 * (py1 - py0));
        let d = ((u - cx) / rx).powi(2) + ((v - cy) / ry).powi(2);
        let hair = ((u - cx) / (rx * 1.25)).powi(2) + ((v - cy + 0.15 * ry) / (ry * 1.1)).powi(2);
        if d < 1.0 {
            return [198.0, 150.0, 128.0];
        }
        if hair < 1.0 {
            return [60.0, 42.0, 30.0];
        }
        if v > cy + 0.9 * ry {
            return [70.0, 78.0, 95.0]; // shoulders
        }
        return [150.0, 165.0, 185.0];
    }
    // MRZ-like block at the bottom: two rows of dense characters.
    let text_left = px1 + 4.0;
    if v >= h_mm - 11.0 && v < h_mm - 3.0 && u >= text_left && u < w_mm - 3.0 {
        let row = ((v - (h_mm - 11.0)) / 4.0).floor();
        let fy = (v - (h_mm - 11.0) - 4.0 * row - 0.6) / 2.6;
        let cell = (u / 1.45).floor();
        let fx = u / 1.45 - cell;
        if (0.0..1.0).contains(&fy) && glyph(cell as u64 + 1000 * row as u64, fx, fy, seed) {
            c = ink;
        }
        return c;
    }
    // Text fields: five rows of words right of the portrait.
    if u >= text_left && u < w_mm - 4.0 && v >= 12.0 && v < h_mm - 13.0 {
        let row = ((v - 12.0) / 5.5).floor();
        let fy = (v - 12.0 - 5.5 * row - 1.0) / 2.8;
        let cell = (u / 1.9).floor();
        let fx = u / 1.9 - cell;
        // Word breaks and ragged line ends.
        let word_gap = hash01(seed ^ (cell as u64 * 31 + row as u64 * 977)) < 0.15;
        let line_len = text_left + 10.0 + 40.0 * hash01(seed ^ (row as u64 * 7919));
        if (0.0..1.0).contains(&fy)
            && !word_gap
            && u < line_len
            && glyph(cell as u64 + 100 * row as u64, fx, fy, seed)
        {
            c = ink;
        }
    }
    // A signature-like curve.
    let sig_v = h_mm - 15.0 + 2.0 * ((u - text_left) * 0.7).sin();
    if u >= text_left + 20.0 && u < text_left + 40.0 && (v - sig_v).abs() < 0.25 {
        c = mix(c, ink, 0.9);
    }
    c
}

/// Whether (fx, fy) in 0..1 lies on a stroke of the pseudo-glyph number `cell`: each glyph is a
/// random subset of a 7-segment-like set of strokes 0.18 of the cell wide.
fn glyph(cell: u64, fx: f64, fy: f64, seed: u64) -> bool {
    let bits = (hash01(seed.wrapping_mul(131).wrapping_add(cell)) * 256.0) as u32 | 1;
    let t = 0.18;
    let (x0, x1) = (0.12, 0.82);
    let segments = [
        (fy < t, x0..x1),                         // top
        ((0.45..0.45 + t).contains(&fy), x0..x1), // middle
        (fy > 1.0 - t, x0..x1),                   // bottom
    ];
    for (i, (on_row, span)) in segments.iter().enumerate() {
        if bits & (1 << i) != 0 && *on_row && span.contains(&fx) {
            return true;
        }
    }
    let verticals = [
        (x0, 0.0..0.55),
        (x1 - t, 0.0..0.55),
        (x0, 0.45..1.0),
        (x1 - t, 0.45..1.0),
    ];
    for (i, (x, span)) in verticals.iter().enumerate() {
        if bits & (1 << (i + 3)) != 0 && fx >= *x && fx < x + t && span.contains(&fy) {
            return true;
        }
    }
    // A diagonal stroke in some glyphs.
    bits & (1 << 7) != 0 && ((fx - (0.15 + 0.7 * fy)).abs() < t * 0.6)
}

fn background_colour(bg: Background, x: f64, y: f64, seed: u64) -> [f64; 3] {
    match bg {
        Background::Flat(c) => rgb_f(c),
        Background::Dark => [22.0, 22.0, 26.0],
        Background::Checker { cell_px } => {
            let (cx, cy) = ((x / cell_px).floor(), (y / cell_px).floor());
            if (cx + cy).rem_euclid(2.0) < 1.0 {
                [205.0, 200.0, 190.0]
            } else {
                [55.0, 60.0, 70.0]
            }
        }
        Background::TableEdge { edge_y } => {
            if y < edge_y {
                background_colour(Background::Wood, x, y, seed)
            } else {
                [30.0, 28.0, 32.0]
            }
        }
        Background::TableCorner {
            x: cx,
            y: cy,
            table_left,
        } => {
            if y < cy && ((x < cx) == table_left) {
                background_colour(Background::Wood, x, y, seed)
            } else {
                [30.0, 28.0, 32.0]
            }
        }
        Background::Stripes { first_y, period_px } => {
            if ((y - first_y) / period_px).floor().rem_euclid(2.0) < 1.0 {
                [150.0, 100.0, 58.0]
            } else {
                [70.0, 42.0, 22.0]
            }
        }
        Background::Wood => {
            let s = (0.5 + 0.5 * ((y * 0.045 + 6.0 * (x * 0.004).sin()).sin())).powi(2);
            mix([176.0, 112.0, 60.0], [138.0, 82.0, 40.0], s)
        }
        Background::Clutter => {
            let cell = 90.0;
            let (cx, cy) = ((x / cell).floor() as u64, (y / cell).floor() as u64);
            let h = hash01(seed ^ (cx * 7349 + cy * 1_000_003));
            let fx = x / cell - cx as f64;
            if h < 0.3 && fx > 0.3 {
                [40.0, 40.0, 40.0]
            } else {
                [
                    60.0 + 180.0 * hash01(cx * 3 + cy * 101),
                    60.0 + 180.0 * hash01(cx * 5 + cy * 211 + 1),
                    60.0 + 180.0 * hash01(cx * 7 + cy * 307 + 2),
                ]
            }
        }
    }
}

/// Draws the scene. Returns the image and the card's quad in the canonical corner order.
pub fn render_card(scene: &CardScene) -> (RgbImage, Quad) {
    let corners = card_corners(scene);
    let (w_mm, h_mm) = scene.kind.size_mm();
    let card_mm = [
        Point::new(0.0, 0.0),
        Point::new(w_mm, 0.0),
        Point::new(w_mm, h_mm),
        Point::new(0.0, h_mm),
    ];
    let to_card = Homography::from_points(&corners, &card_mm);
    let paper = rgb_f(scene.paper);
    let mut img = RgbImage::new(scene.width, scene.height);
    let (min_x, max_x, min_y, max_y) = corners.iter().fold(
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
        |(a, b, c, d), p| (a.min(p.x), b.max(p.x), c.min(p.y), d.max(p.y)),
    );
    const SS: usize = 3;
    for y in 0..scene.height {
        for x in 0..scene.width {
            let (xf, yf) = (f64::from(x), f64::from(y));
            let near_card =
                xf + 1.0 >= min_x && xf <= max_x + 1.0 && yf + 1.0 >= min_y && yf <= max_y + 1.0;
            let mut acc = [0.0; 3];
            let samples = if near_card { SS } else { 1 };
            for sy in 0..samples {
                for sx in 0..samples {
                    let px = xf + (sx as f64 + 0.5) / samples as f64;
                    let py = yf + (sy as f64 + 0.5) / samples as f64;
                    let c = match to_card {
                        Some(h) if near_card => {
                            let m = h.apply(Point::new(px, py));
                            if m.x >= 0.0 && m.x < w_mm && m.y >= 0.0 && m.y < h_mm {
                                card_colour(m.x, m.y, w_mm, h_mm, paper, scene.seed)
                            } else {
                                background_colour(scene.background, px, py, scene.seed)
                            }
                        }
                        _ => background_colour(scene.background, px, py, scene.seed),
                    };
                    for k in 0..3 {
                        acc[k] += c[k];
                    }
                }
            }
            let n = (samples * samples) as f64;
            img.put_pixel(
                x,
                y,
                Rgb(acc.map(|a| (a / n).round().clamp(0.0, 255.0) as u8)),
            );
        }
    }
    (img, Quad::ordered(corners))
}

/// Gaussian (defocus-like) blur of standard deviation `sigma` pixels (> 0).
pub fn gaussian_blur(img: &RgbImage, sigma: f32) -> RgbImage {
    imageproc::filter::gaussian_blur_f32(img, sigma)
}

/// Motion blur: the mean of `length_px` samples along a line at `angle_deg` (0 = horizontal,
/// clockwise on screen), centred on each pixel; borders clamp.
pub fn motion_blur(img: &RgbImage, length_px: u32, angle_deg: f64) -> RgbImage {
    let n = length_px.max(1) as i64;
    let (s, c) = angle_deg.to_radians().sin_cos();
    let taps: Vec<(i64, i64)> = (0..n)
        .map(|k| {
            let t = k as f64 - (n - 1) as f64 / 2.0;
            ((t * c).round() as i64, (t * s).round() as i64)
        })
        .collect();
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    let src = img.as_raw();
    let mut out = RgbImage::new(img.width(), img.height());
    let dst: &mut [u8] = &mut out;
    for y in 0..h {
        for x in 0..w {
            let mut acc = [0u32; 3];
            for &(dx, dy) in &taps {
                let sx = (x + dx).clamp(0, w - 1);
                let sy = (y + dy).clamp(0, h - 1);
                let p = ((sy * w + sx) * 3) as usize;
                acc[0] += u32::from(src[p]);
                acc[1] += u32::from(src[p + 1]);
                acc[2] += u32::from(src[p + 2]);
            }
            let o = ((y * w + x) * 3) as usize;
            for k in 0..3 {
                dst[o + k] = ((acc[k] + n as u32 / 2) / n as u32) as u8;
            }
        }
    }
    out
}

/// The card's long and short edge vectors from its first corner, in image pixels.
fn card_axes(quad: &Quad) -> (Point, Point) {
    let c = quad.corners();
    let top = c[1].minus(c[0]);
    let left = c[3].minus(c[0]);
    if top.norm() >= left.norm() {
        (top, left)
    } else {
        (left, top)
    }
}

/// Where `add_glare` puts the centre of a highlight at `at` (fractions of the card's long and
/// short sides from its first corner), in image pixels.
pub fn glare_centre(quad: &Quad, at: (f64, f64)) -> Point {
    let (long, short) = card_axes(quad);
    quad.corners()[0]
        .plus(long.scale(at.0))
        .plus(short.scale(at.1))
}

/// Adds a specular highlight: a soft elliptical white spot centred at `at` (fractions 0–1 of the
/// card's width and height along its own axes), whose fully clipped core covers about `area_frac`
/// of the card area. The light adds `peak·exp(−r²/2)` of white (r in units of the ellipse's
/// semi-axes), so the core clips to 255 and a soft halo surrounds it.
pub fn add_glare(img: &RgbImage, quad: &Quad, at: (f64, f64), area_frac: f64) -> RgbImage {
    let (long, _) = card_axes(quad);
    let centre = glare_centre(quad, at);
    // Core: an ellipse with axes ratio 1.6 along the card's long side; the light has peak 2.2 (in
    // units of 255) so it clips where exp(−r²/2) > 1/2.2, i.e. r < 1.26 semi-axes.
    let peak = 2.2f64;
    let r_clip = (2.0 * peak.ln()).sqrt();
    let area = quad.area() * area_frac;
    // π·(r_clip·a)·(r_clip·b) = area with a = 1.6 b.
    let b = (area / (std::f64::consts::PI * 1.6)).sqrt() / r_clip;
    let a = 1.6 * b;
    let (ux, uy) = (long.x / long.norm(), long.y / long.norm());
    let mut out = img.clone();
    let reach = 3.5 * a;
    let (w, h) = (img.width() as i64, img.height() as i64);
    let x0 = ((centre.x - reach).floor() as i64).clamp(0, w);
    let x1 = ((centre.x + reach).ceil() as i64).clamp(0, w);
    let y0 = ((centre.y - reach).floor() as i64).clamp(0, h);
    let y1 = ((centre.y + reach).ceil() as i64).clamp(0, h);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f64 + 0.5 - centre.x, y as f64 + 0.5 - centre.y);
            let along = dx * ux + dy * uy;
            let across = -dx * uy + dy * ux;
            let r2 = (along / a).powi(2) + (across / b).powi(2);
            let add = 255.0 * peak * (-0.5 * r2).exp();
            let p = out.get_pixel_mut(x as u32, y as u32);
            for ch in &mut p.0 {
                *ch = (f64::from(*ch) + add).min(255.0) as u8;
            }
        }
    }
    out
}

/// Multiplies every channel by `factor` (0.2 = much darker, 2.5 = over-exposed), clamped to 255.
pub fn scale_brightness(img: &RgbImage, factor: f64) -> RgbImage {
    map_channels(img, |v| v * factor)
}

/// Scales contrast about mid-grey 128 by `factor` (0.5 = half the contrast).
pub fn scale_contrast(img: &RgbImage, factor: f64) -> RgbImage {
    map_channels(img, |v| 128.0 + (v - 128.0) * factor)
}

fn map_channels(img: &RgbImage, f: impl Fn(f64) -> f64) -> RgbImage {
    let mut out = img.clone();
    for ch in out.iter_mut() {
        *ch = f(f64::from(*ch)).round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// Adds zero-mean Gaussian noise of standard deviation `sigma` levels to every channel
/// independently (Box–Muller on a seeded hash).
pub fn add_noise(img: &RgbImage, sigma: f64, seed: u64) -> RgbImage {
    let mut out = img.clone();
    for (i, ch) in out.iter_mut().enumerate() {
        let k = seed.wrapping_mul(0x1000_0000_01B3) ^ (i as u64);
        let u1 = hash01(k.wrapping_mul(2)).max(1e-12);
        let u2 = hash01(k.wrapping_mul(2).wrapping_add(1));
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        *ch = (f64::from(*ch) + sigma * z).round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// Darkens one half of the card (and the image beyond it on that side) by `factor` (0.4 = 40 %
/// of the light): the half on the side of the card's left edge (corners 0 and 3), split along the
/// line through the midpoints of its long edges, with a soft edge `softness_px` wide.
pub fn shadow_half(img: &RgbImage, quad: &Quad, factor: f64, softness_px: f64) -> RgbImage {
    let c = quad.corners();
    let (e0, e1) = (
        c[0].dist(c[1]) + c[2].dist(c[3]),
        c[1].dist(c[2]) + c[3].dist(c[0]),
    );
    // Split across the long axis: midpoints of the two long edges.
    let (m0, m1, dark_side) = if e0 >= e1 {
        (c[0].plus(c[1]).scale(0.5), c[3].plus(c[2]).scale(0.5), c[0])
    } else {
        (c[1].plus(c[2]).scale(0.5), c[0].plus(c[3]).scale(0.5), c[1])
    };
    let d = m1.minus(m0);
    let len = d.norm().max(1e-9);
    let side = |p: Point| d.cross(p.minus(m0)) / len; // signed distance to the split line
    let dark_sign = side(dark_side).signum();
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let s = side(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5)) * dark_sign;
        let t = (0.5 + s / softness_px.max(1e-9)).clamp(0.0, 1.0); // 1 on the dark side
        let g = 1.0 + (factor - 1.0) * t;
        for ch in &mut p.0 {
            *ch = (f64::from(*ch) * g).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// The same scene with everything at half the size: the image is halved (box filter 2×2) and
/// pasted at the centre of a canvas of the original size filled with the image's mean border colour.
/// Returns the new image and the quad mapped into it.
pub fn half_size_on_canvas(img: &RgbImage, quad: &Quad) -> (RgbImage, Quad) {
    let (w, h) = img.dimensions();
    let (hw, hh) = (w / 2, h / 2);
    let mut small = RgbImage::new(hw, hh);
    for y in 0..hh {
        for x in 0..hw {
            let mut acc = [0u32; 3];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = img.get_pixel(2 * x + dx, 2 * y + dy);
                for k in 0..3 {
                    acc[k] += u32::from(p[k]);
                }
            }
            small.put_pixel(x, y, Rgb(acc.map(|a| ((a + 2) / 4) as u8)));
        }
    }
    let fill = *img.get_pixel(0, 0);
    let mut canvas = RgbImage::from_pixel(w, h, fill);
    let (ox, oy) = (w / 4, h / 4);
    image::imageops::replace(&mut canvas, &small, i64::from(ox), i64::from(oy));
    let q = Quad(
        quad.corners()
            .map(|p| Point::new(0.5 * p.x + f64::from(ox), 0.5 * p.y + f64::from(oy))),
    );
    (canvas, q)
}
