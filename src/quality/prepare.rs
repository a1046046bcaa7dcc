//! One pass over the frame that builds what the detector needs: a small copy of the frame and its
//! colour edges.
//!
//! Decides the working resolution for detection (the frame box-averaged by an integer factor so its
//! long side is at most `WORK_LONG_SIDE_PX`) and what counts as an edge: a local maximum of the
//! strongest channel's Sobel gradient, at least `EDGE_MIN_SOBEL` strong. Colour matters: a pink card
//! on a beige desk often differs more in R or B than in luma.

use super::Frame;

/// Long side of the working image, pixels. 640 px keeps a card at 40 % of the frame 250 px long,
/// enough for sub-pixel line fits after refinement at full resolution.
pub const WORK_LONG_SIDE_PX: u32 = 640;

/// Smallest Sobel magnitude (per channel, 0–255 input, gain 4 per grey level of step) that counts as
/// an edge: 36 ≈ a step of 9 grey levels in one channel.
pub const EDGE_MIN_SOBEL: i32 = 22;

/// Marks a pixel of `edge_angle` that is not an edge.
pub const NO_EDGE: u8 = 255;

/// An edge pixel of the working image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgePoint {
    pub x: u16,
    pub y: u16,
    /// Direction of the gradient modulo 180°, in whole degrees 0–179.
    pub angle: u8,
}

/// The frame prepared for detection. Buffers are reused across frames.
#[derive(Default, Clone)]
pub struct Prepared {
    /// Frame size.
    pub frame_width: u32,
    pub frame_height: u32,
    /// Working image size and the integer factor it was reduced by.
    pub width: u32,
    pub height: u32,
    pub factor: u32,
    /// Working image planes, row-major.
    pub red: Vec<u8>,
    pub green: Vec<u8>,
    pub blue: Vec<u8>,
    /// Gradient direction modulo 180° per working pixel (whole degrees), or `NO_EDGE`.
    pub edge_angle: Vec<u8>,
    /// The edge pixels, row by row.
    pub edges: Vec<EdgePoint>,
    // Scratch.
    row_sum: Vec<u32>,
    best_mag: Vec<i32>,
    best_gx: Vec<i16>,
    best_gy: Vec<i16>,
}

impl Prepared {
    /// Builds the working image and its edges from `frame`.
    pub fn build(&mut self, frame: &Frame) {
        let (fw, fh) = frame.dimensions();
        self.frame_width = fw;
        self.frame_height = fh;
        let long = fw.max(fh).max(1);
        let factor = long.div_ceil(WORK_LONG_SIDE_PX).max(1);
        self.factor = factor;
        self.width = (fw / factor).max(1);
        self.height = (fh / factor).max(1);
        self.downscale(frame);
        self.gradients();
    }

    /// Fraction 0–1 of the working image whose brightest channel reaches `level` (0–255): how much
    /// of the whole frame is washed out, whatever the document detector decided.
    pub fn clipped_fraction(&self, level: u8) -> f64 {
        let n = self.red.len();
        if n == 0 {
            return 0.0;
        }
        let clipped = self
            .red
            .iter()
            .zip(&self.green)
            .zip(&self.blue)
            .filter(|((r, g), b)| (**r).max(**g).max(**b) >= level)
            .count();
        clipped as f64 / n as f64
    }

    /// The `q` quantile (0–1) of the working image's luma (BT.601), 0–255.
    pub fn luma_percentile(&self, q: f64) -> f64 {
        let mut histogram = [0u32; 256];
        for ((r, g), b) in self.red.iter().zip(&self.green).zip(&self.blue) {
            let y = (77 * u32::from(*r) + 150 * u32::from(*g) + 29 * u32::from(*b)) >> 8;
            histogram[y.min(255) as usize] += 1;
        }
        let target = (q.clamp(0.0, 1.0) * self.red.len() as f64).ceil() as u32;
        let mut seen = 0u32;
        for (level, count) in histogram.iter().enumerate() {
            seen += count;
            if seen >= target.max(1) {
                return level as f64;
            }
        }
        255.0
    }

    /// Maps a working-image point to frame pixels (centre of the box it averaged).
    pub fn to_frame(&self, x: f64, y: f64) -> (f64, f64) {
        let f = f64::from(self.factor);
        ((x + 0.5) * f - 0.5, (y + 0.5) * f - 0.5)
    }

    fn downscale(&mut self, frame: &Frame) {
        let (w, h, f) = (
            self.width as usize,
            self.height as usize,
            self.factor as usize,
        );
        let n = w * h;
        for plane in [&mut self.red, &mut self.green, &mut self.blue] {
            plane.clear();
            plane.resize(n, 0);
        }
        let raw = frame.as_raw();
        let stride = frame.width() as usize * 3;
        if stride == 0 || raw.len() < stride * h * f {
            return;
        }
        let used = w * f * 3;
        self.row_sum.clear();
        self.row_sum.resize(used, 0);
        let area = (f * f) as u32;
        let half = area / 2;
        for y in 0..h {
            self.row_sum.iter_mut().for_each(|s| *s = 0);
            for k in 0..f {
                let src = &raw[(y * f + k) * stride..(y * f + k) * stride + used];
                for (s, &v) in self.row_sum.iter_mut().zip(src) {
                    *s += u32::from(v);
                }
            }
            let out = y * w;
            for x in 0..w {
                let block = &self.row_sum[x * f * 3..(x + 1) * f * 3];
                let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
                for px in block.chunks_exact(3) {
                    r += px[0];
                    g += px[1];
                    b += px[2];
                }
                self.red[out + x] = ((r + half) / area) as u8;
                self.green[out + x] = ((g + half) / area) as u8;
                self.blue[out + x] = ((b + half) / area) as u8;
            }
        }
    }

    fn gradients(&mut self) {
        let (w, h) = (self.width as usize, self.height as usize);
        let n = w * h;
        self.edge_angle.clear();
        self.edge_angle.resize(n, NO_EDGE);
        self.edges.clear();
        self.best_mag.clear();
        self.best_mag.resize(n, 0);
        self.best_gx.clear();
        self.best_gx.resize(n, 0);
        self.best_gy.clear();
        self.best_gy.resize(n, 0);
        if w < 3 || h < 3 {
            return;
        }
        for plane in [&self.red, &self.green, &self.blue] {
            for y in 1..h - 1 {
                let a = &plane[(y - 1) * w..y * w];
                let b = &plane[y * w..(y + 1) * w];
                let c = &plane[(y + 1) * w..(y + 2) * w];
                let row = y * w;
                let mag = &mut self.best_mag[row + 1..row + w - 1];
                let bgx = &mut self.best_gx[row + 1..row + w - 1];
                let bgy = &mut self.best_gy[row + 1..row + w - 1];
                for i in 0..w - 2 {
                    let (a0, a1, a2) = (i16::from(a[i]), i16::from(a[i + 1]), i16::from(a[i + 2]));
                    let (b0, b2) = (i16::from(b[i]), i16::from(b[i + 2]));
                    let (c0, c1, c2) = (i16::from(c[i]), i16::from(c[i + 1]), i16::from(c[i + 2]));
                    let gx = (a2 - a0) + 2 * (b2 - b0) + (c2 - c0);
                    let gy = (c0 + 2 * c1 + c2) - (a0 + 2 * a1 + a2);
                    let m = i32::from(gx) * i32::from(gx) + i32::from(gy) * i32::from(gy);
                    if m > mag[i] {
                        mag[i] = m;
                        bgx[i] = gx;
                        bgy[i] = gy;
                    }
                }
            }
        }
        let threshold = EDGE_MIN_SOBEL * EDGE_MIN_SOBEL;
        let mag = &self.best_mag;
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let i = y * w + x;
                let m = mag[i];
                if m < threshold {
                    continue;
                }
                let (gx, gy) = (i32::from(self.best_gx[i]), i32::from(self.best_gy[i]));
                let (ax, ay) = (gx.abs(), gy.abs());
                // Compare with the two neighbours along the gradient (quantised to 45°).
                let (n1, n2) = if ay * 5 <= ax * 2 {
                    (i - 1, i + 1)
                } else if ax * 5 <= ay * 2 {
                    (i - w, i + w)
                } else if (gx > 0) == (gy > 0) {
                    (i - w - 1, i + w + 1)
                } else {
                    (i - w + 1, i + w - 1)
                };
                if m < mag[n1] || m <= mag[n2] {
                    continue;
                }
                let angle = gradient_angle_deg(gx as f32, gy as f32);
                self.edge_angle[i] = angle;
                self.edges.push(EdgePoint {
                    x: x as u16,
                    y: y as u16,
                    angle,
                });
            }
        }
    }
}

/// Direction of (gx, gy) modulo 180°, in whole degrees 0–179 (a fast atan2, error < 0.3°).
pub fn gradient_angle_deg(gx: f32, gy: f32) -> u8 {
    let (ax, ay) = (gx.abs(), gy.abs());
    if ax == 0.0 && ay == 0.0 {
        return 0;
    }
    // atan on [0, 1] by a 9th-order minimax polynomial, then unfold the octants.
    let (t, swapped) = if ay > ax {
        (ax / ay, true)
    } else {
        (ay / ax, false)
    };
    let t2 = t * t;
    let mut a = t
        * (0.999_866
            + t2 * (-0.330_299_5 + t2 * (0.180_141 + t2 * (-0.085_133 + t2 * 0.020_835_1))));
    if swapped {
        a = std::f32::consts::FRAC_PI_2 - a;
    }
    // a is in [0, π/2] for the first quadrant; place by signs, then fold to [0, π).
    let full = match (gx >= 0.0, gy >= 0.0) {
        (true, true) => a,
        (false, true) => std::f32::consts::PI - a,
        (false, false) => -std::f32::consts::PI + a,
        (true, false) => -a,
    };
    let mut deg = full.to_degrees();
    if deg < 0.0 {
        deg += 180.0;
    }
    // deg is in [0, 180]: adding 0.5 and truncating rounds it (no libm call).
    let d = (deg + 0.5) as i32;
    (d % 180) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn angles_match_atan2() {
        for k in 0..720 {
            let t = (k as f32) * 0.5f32.to_radians();
            let (gx, gy) = (100.0 * t.cos(), 100.0 * t.sin());
            let want = (t.to_degrees().round() as i32).rem_euclid(180);
            let got = i32::from(gradient_angle_deg(gx, gy));
            let diff = (got - want)
                .rem_euclid(180)
                .min((want - got).rem_euclid(180));
            assert!(diff <= 1, "angle {t}: got {got}, want {want}");
        }
    }

    #[test]
    fn a_coloured_step_is_an_edge_even_with_equal_luma() {
        // Red and a green of about the same luma: luma alone would see no edge.
        let mut img = RgbImage::from_pixel(1280, 720, Rgb([200, 40, 60]));
        for y in 0..720 {
            for x in 640..1280 {
                img.put_pixel(x, y, Rgb([60, 120, 60]));
            }
        }
        let mut p = Prepared::default();
        p.build(&img);
        assert_eq!((p.width, p.height, p.factor), (640, 360, 2));
        let on_step = p.edges.iter().filter(|e| e.x == 319 || e.x == 320).count();
        assert!(on_step >= 300, "{on_step} edge pixels on the step");
        assert!(p.edges.iter().all(|e| e.angle <= 2 || e.angle >= 178));
        assert!(p.edges.len() < 2 * 360, "edges are thin");
    }
}
