//! One pass over the frame that builds what the detector needs: a small copy of the frame and its
//! colour edges.
//!
//! Decides the working resolution for detection (the frame box-averaged by an integer factor so its
//! long side is at most `WORK_LONG_SIDE_PX`) and what counts as an edge: a local maximum of the
//! strongest channel's Sobel gradient, at least `EDGE_MIN_SOBEL` strong. Colour matters: a pink card
//! on a beige desk often differs more in R or B than in luma.

mod downscale;
mod edges;

use super::Frame;
use super::simd::Avx2;
use edges::SobelRows;
#[cfg(test)]
pub(crate) use edges::gradient_angle_deg;
pub(in crate::quality) use edges::push_marked;

/// Long side of the working image, pixels. 640 px keeps a card at 40 % of the frame 250 px long,
/// enough for sub-pixel line fits after refinement at full resolution.
pub(crate) const WORK_LONG_SIDE_PX: u32 = 640;

/// Smallest Sobel magnitude (per channel, 0–255 input, gain 4 per grey level of step) that counts as
/// an edge: 36 ≈ a step of 9 grey levels in one channel.
pub(crate) const EDGE_MIN_SOBEL: i32 = 22;

/// Marks a pixel of `edge_angle` that is not an edge.
pub const NO_EDGE: u8 = 255;

/// Grid step, frame pixels, of the samples `clipped_fraction` looks at: 1/64 of a frame's pixels
/// (32 400 at 1080p, 14 400 at 720p: a standard error under 0.5 % of the frame) is plenty for a
/// share of the whole frame at a sixteenth of the cost of a 2-px grid.
pub(crate) const CLIP_SAMPLE_STEP_PX: usize = 8;

/// Fraction 0–1 of the frame whose brightest channel reaches `level` (0–255), on a grid of every
/// `CLIP_SAMPLE_STEP_PX`-th pixel and row: how much of the whole frame is washed out, whatever the
/// document detector decided (and whether it searched or tracked).
pub(crate) fn clipped_fraction(frame: &Frame, level: u8) -> f64 {
    let stride = frame.width() as usize * 3;
    if stride == 0 {
        return 0.0;
    }
    let (mut seen, mut clipped) = (0usize, 0usize);
    for row in frame
        .as_raw()
        .chunks_exact(stride)
        .step_by(CLIP_SAMPLE_STEP_PX)
    {
        for px in row.chunks_exact(3).step_by(CLIP_SAMPLE_STEP_PX) {
            seen += 1;
            clipped += usize::from(px[0].max(px[1]).max(px[2]) >= level);
        }
    }
    if seen == 0 {
        0.0
    } else {
        clipped as f64 / seen as f64
    }
}

/// An edge pixel of the working image.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct EdgePoint {
    pub(crate) x: u16,
    pub(crate) y: u16,
    /// Direction of the gradient modulo 180°, in whole degrees 0–179.
    pub(crate) angle: u8,
}

/// The frame prepared for detection. Buffers are reused across frames.
#[derive(Default, Clone)]
pub struct Prepared {
    /// Frame size.
    pub(crate) frame_width: u32,
    pub(crate) frame_height: u32,
    /// Working image size and the integer factor it was reduced by.
    pub width: u32,
    /// Working image height, pixels.
    pub height: u32,
    pub(crate) factor: u32,
    /// Working image planes, row-major.
    pub(crate) red: Vec<u8>,
    /// Working image green plane, row-major, one byte per pixel.
    pub green: Vec<u8>,
    pub(crate) blue: Vec<u8>,
    /// Gradient direction modulo 180° per working pixel (whole degrees), or `NO_EDGE`.
    pub edge_angle: Vec<u8>,
    /// The edge pixels, row by row.
    pub(crate) edges: Vec<EdgePoint>,
    // Scratch.
    row_sum: Vec<u16>,
    box_sum: Vec<u16>,
    box_mean: Vec<u8>,
    best_mag: Vec<i32>,
    best_gx: Vec<i16>,
    best_gy: Vec<i16>,
    sobel_rows: SobelRows,
    /// One row's edge marks, and the marked pixels' indices.
    edge_mask: Vec<u8>,
    marked: Vec<u32>,
    /// Working size (w, h) the gradient buffers were last reset for.
    gradient_size: (usize, usize),
}

impl Prepared {
    /// Builds the working image and its edges from `frame`.
    pub fn build(&mut self, frame: &Frame) {
        let simd = Avx2::detect();
        self.build_image_using(frame, simd);
        self.gradients(simd);
    }

    /// Builds only the working image (no edges), with the AVX2 build of the downscale when `simd`
    /// is given.
    fn build_image_using(&mut self, frame: &Frame, simd: Option<Avx2>) {
        self.set_sizes(frame);
        self.downscale(frame, simd);
        self.edges.clear();
    }

    /// Frame and working-image sizes for `frame`.
    fn set_sizes(&mut self, frame: &Frame) {
        let (fw, fh) = frame.dimensions();
        self.frame_width = fw;
        self.frame_height = fh;
        let long = fw.max(fh).max(1);
        let factor = long.div_ceil(WORK_LONG_SIDE_PX).max(1);
        self.factor = factor;
        self.width = (fw / factor).max(1);
        self.height = (fh / factor).max(1);
    }

    /// The `q` quantile (0–1) of the working image's luma (BT.601), 0–255.
    pub(crate) fn luma_percentile(&self, q: f64) -> f64 {
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
    pub(crate) fn to_frame(&self, x: f64, y: f64) -> (f64, f64) {
        let f = f64::from(self.factor);
        ((x + 0.5) * f - 0.5, (y + 0.5) * f - 0.5)
    }

    /// Maps a frame point to working-image pixels (the inverse of `to_frame`).
    pub(crate) fn to_working(&self, x: f64, y: f64) -> (f64, f64) {
        let f = f64::from(self.factor.max(1));
        ((x + 0.5) / f - 0.5, (y + 0.5) / f - 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn downscale_is_the_rounded_box_mean() {
        // Every factor's path: 2 (720p), 3 (1080p) and 4 with their constant strides, 6 by the
        // general pick, 17 by the wide fallback; odd sizes leave partial boxes at the edges.
        for (fw, fh) in [
            (1280u32, 720u32),
            (1920, 1080),
            (1921, 1083),
            (3301, 203),
            (10881, 40),
        ] {
            let img = RgbImage::from_fn(fw, fh, |x, y| {
                Rgb([(x * 7 + y * 13) as u8, (x * x + y) as u8, (x ^ y) as u8])
            });
            let mut p = Prepared::default();
            p.build(&img);
            let f = p.factor;
            for yo in 0..p.height {
                for xo in 0..p.width {
                    let mut sum = [0u32; 3];
                    for y in yo * f..(yo + 1) * f {
                        for x in xo * f..(xo + 1) * f {
                            for (c, s) in sum.iter_mut().enumerate() {
                                *s += u32::from(img.get_pixel(x, y)[c]);
                            }
                        }
                    }
                    let want = sum.map(|s| ((s + f * f / 2) / (f * f)) as u8);
                    let i = (yo * p.width + xo) as usize;
                    assert_eq!(
                        [p.red[i], p.green[i], p.blue[i]],
                        want,
                        "factor {f} at ({xo}, {yo})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_avx2_build_gives_the_same_image_and_edges_as_the_portable_one() {
        if crate::quality::simd::Avx2::detect().is_none() {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        }
        // Both downscale paths (factor 1, 2, 3 and the wide fallback), odd sizes, and texture
        // with edges in every direction and every channel.
        for (fw, fh) in [(1920u32, 1080u32), (1281, 719), (640, 360), (10881, 400)] {
            let img = RgbImage::from_fn(fw, fh, |x, y| {
                let ring = ((x as f32 - 700.0).hypot(y as f32 - 400.0) / 23.0) as u32;
                Rgb([
                    if ring.is_multiple_of(2) { 210 } else { 40 },
                    ((x / 31 + y / 17) % 3 * 90) as u8,
                    (x.wrapping_mul(2_654_435_761) >> 26) as u8 ^ (y as u8),
                ])
            });
            let mut fast = Prepared::default();
            fast.build(&img);
            let mut portable = Prepared::default();
            portable.set_sizes(&img);
            portable.downscale_body(&img);
            portable.edges.clear();
            portable.gradients_body();
            assert!(!fast.edges.is_empty(), "{fw}×{fh}");
            assert_eq!(
                (&fast.red, &fast.green, &fast.blue),
                (&portable.red, &portable.green, &portable.blue),
                "{fw}×{fh}"
            );
            assert_eq!(fast.edge_angle, portable.edge_angle, "{fw}×{fh}");
            assert_eq!(fast.edges, portable.edges, "{fw}×{fh}");
        }
    }

    #[test]
    fn reusing_buffers_across_sizes_gives_the_same_edges() {
        // Same pixel count, transposed: the zero border of the gradient buffers moves.
        let step = |w: u32, h: u32| {
            RgbImage::from_fn(w, h, |x, y| {
                if (x / 37 + y / 29) % 2 == 0 {
                    Rgb([200, 40, 60])
                } else {
                    Rgb([60, 120, 60])
                }
            })
        };
        let (a, b) = (step(1280, 720), step(720, 1280));
        let mut fresh = Prepared::default();
        fresh.build(&b);
        let mut reused = Prepared::default();
        reused.build(&a);
        reused.build(&b);
        assert_eq!(fresh.edges, reused.edges);
        assert_eq!(fresh.edge_angle, reused.edge_angle);
    }

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

    #[test]
    fn a_strip_narrower_than_the_factor_is_the_mean_of_what_each_box_covers() {
        // 1 × 642 (factor 2: working 1 × 321) used to read past the frame; 3 × 2000 (factor 4)
        // and 2000 × 1 (factor 4, working 500 × 1) are the same case across and along.
        for (fw, fh) in [
            (1u32, 642u32),
            (3, 2000),
            (2000, 1),
            (1, 1),
            (0, 0),
            (5, 16_384),
        ] {
            let img = RgbImage::from_fn(fw, fh, |x, y| Rgb([(x * 31 + y) as u8, (y * 7) as u8, 9]));
            let mut p = Prepared::default();
            p.build(&img);
            let f = p.factor;
            assert_eq!(p.red.len(), (p.width * p.height) as usize, "{fw}×{fh}");
            for yo in 0..p.height {
                for xo in 0..p.width {
                    let (mut sum, mut count) = (0u32, 0u32);
                    for y in yo * f..((yo + 1) * f).min(fh) {
                        for x in xo * f..((xo + 1) * f).min(fw) {
                            sum += u32::from(img.get_pixel(x, y)[1]);
                            count += 1;
                        }
                    }
                    let want = (sum + count / 2).checked_div(count).unwrap_or(0);
                    let i = (yo * p.width + xo) as usize;
                    assert_eq!(u32::from(p.green[i]), want, "{fw}×{fh} at ({xo}, {yo})");
                }
            }
        }
    }
}
