//! One pass over the frame that builds what the detector needs: a small copy of the frame and its
//! colour edges.
//!
//! Decides the working resolution for detection (the frame box-averaged by an integer factor so its
//! long side is at most `WORK_LONG_SIDE_PX`) and what counts as an edge: a local maximum of the
//! strongest channel's Sobel gradient, at least `EDGE_MIN_SOBEL` strong. Colour matters: a pink card
//! on a beige desk often differs more in R or B than in luma.

use super::Frame;
use super::simd::Avx2;

/// Long side of the working image, pixels. 640 px keeps a card at 40 % of the frame 250 px long,
/// enough for sub-pixel line fits after refinement at full resolution.
pub const WORK_LONG_SIDE_PX: u32 = 640;

/// Smallest Sobel magnitude (per channel, 0–255 input, gain 4 per grey level of step) that counts as
/// an edge: 36 ≈ a step of 9 grey levels in one channel.
pub const EDGE_MIN_SOBEL: i32 = 22;

/// Marks a pixel of `edge_angle` that is not an edge.
pub const NO_EDGE: u8 = 255;

/// Grid step, frame pixels, of the samples `clipped_fraction` looks at: 1/64 of a frame's pixels
/// (32 400 at 1080p, 14 400 at 720p: a standard error under 0.5 % of the frame) is plenty for a
/// share of the whole frame at a sixteenth of the cost of a 2-px grid.
pub const CLIP_SAMPLE_STEP_PX: usize = 8;

/// Fraction 0–1 of the frame whose brightest channel reaches `level` (0–255), on a grid of every
/// `CLIP_SAMPLE_STEP_PX`-th pixel and row: how much of the whole frame is washed out, whatever the
/// document detector decided (and whether it searched or tracked).
pub fn clipped_fraction(frame: &Frame, level: u8) -> f64 {
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

    /// Builds only the working image; `build_edges` adds the edges.
    pub fn build_image(&mut self, frame: &Frame) {
        self.build_image_using(frame, Avx2::detect());
    }

    /// `build_image`, with the AVX2 build of the downscale when `simd` is given.
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

    /// The edges of the working image built by `build_image`.
    pub fn build_edges(&mut self) {
        self.gradients(Avx2::detect());
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

    /// Maps a frame point to working-image pixels (the inverse of `to_frame`).
    pub fn to_working(&self, x: f64, y: f64) -> (f64, f64) {
        let f = f64::from(self.factor.max(1));
        ((x + 0.5) / f - 0.5, (y + 0.5) / f - 0.5)
    }

    // Hand-written hot loop, since downscaling reads every frame pixel: every pass below is a
    // plain loop over equal-length slices so LLVM vectorises it for baseline SSE2: u16 column sums and u16 sums of `f` columns taken
    // at every byte offset; then every `3 f`-th sum is divided by the box area (a multiply-shift)
    // into the three planes.
    fn downscale(&mut self, frame: &Frame, simd: Option<Avx2>) {
        #[cfg(target_arch = "x86_64")]
        if let Some(cpu) = simd {
            return self.downscale_avx2(cpu, frame);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = simd;
        self.downscale_body(frame);
    }

    /// `downscale_body` compiled for AVX2: its loops vectorise 32 bytes wide instead of 16; the
    /// same integer operations, so the same planes.
    #[cfg(target_arch = "x86_64")]
    fn downscale_avx2(&mut self, _cpu: Avx2, frame: &Frame) {
        #[target_feature(enable = "avx2")]
        fn compiled(this: &mut Prepared, frame: &Frame) {
            this.downscale_body(frame);
        }
        // SAFETY: an `Avx2` exists only on a CPU that has AVX2.
        unsafe { compiled(self, frame) }
    }

    /// `downscale`'s work, inlined whole into each build.
    #[inline(always)]
    fn downscale_body(&mut self, frame: &Frame) {
        let (w, h, f) = (
            self.width as usize,
            self.height as usize,
            self.factor as usize,
        );
        let n = w * h;
        // Both paths below overwrite every pixel, so only a size change needs a resize.
        for plane in [&mut self.red, &mut self.green, &mut self.blue] {
            plane.resize(n, 0);
            plane.truncate(n);
        }
        let raw = frame.as_raw();
        let stride = frame.width() as usize * 3;
        // A side shorter than the factor (a 1 × 642 strip: factor 2, working width 1) has no
        // whole box: the fast paths below would read past the row or the buffer.
        let (fw, fh) = (frame.width() as usize, frame.height() as usize);
        if w * f > fw || h * f > fh || raw.len() < stride * h * f {
            self.downscale_partial(frame);
            return;
        }
        let area = (f * f) as u32;
        let half = area / 2;
        let Some((multiplier, shift)) = box_divisor(area) else {
            self.downscale_wide(raw, stride);
            return;
        };
        let used = w * f * 3;
        // Sums of f horizontally adjacent pixels start at every byte offset j < span.
        let span = used - 3 * (f - 1);
        self.row_sum.clear();
        self.row_sum.resize(used, 0);
        self.box_sum.clear();
        self.box_sum.resize(span, 0);
        self.box_mean.clear();
        self.box_mean.resize(span, 0);
        for y in 0..h {
            // Column sums of the f source rows: at most 255 f, fits u16.
            let first = &raw[y * f * stride..y * f * stride + used];
            for (s, &v) in self.row_sum.iter_mut().zip(first) {
                *s = u16::from(v);
            }
            for k in 1..f {
                let start = (y * f + k) * stride;
                let src = &raw[start..start + used];
                for (s, &v) in self.row_sum.iter_mut().zip(src) {
                    *s += u16::from(v);
                }
            }
            // Box sums at every offset: at most 255 f² + f²/2 < 65 536 for f ≤ 13.
            let first = &self.row_sum[..span];
            for (b, &s) in self.box_sum.iter_mut().zip(first) {
                *b = s + half as u16;
            }
            for k in 1..f {
                let src = &self.row_sum[3 * k..3 * k + span];
                for (b, &s) in self.box_sum.iter_mut().zip(src) {
                    *b += s;
                }
            }
            // Rounded mean (sum + area/2) / area, exactly, as the high half of a u16 × u16
            // product and a shift: of every box sum, in one flat (vectorised) loop, although
            // only every (3 f)-th three are pixels; then those are picked. Dividing only the
            // picked ones, one pixel at a time, costs about twice as much (docs/PERFORMANCE.md).
            for (m, &b) in self.box_mean.iter_mut().zip(&self.box_sum[..span]) {
                // The high half of a u16 × u16 product, written so that LLVM uses the 16-lane
                // multiply-high.
                let high = ((u32::from(b) * u32::from(multiplier)) >> 16) as u16;
                *m = (high >> shift) as u8;
            }
            let out = y * w;
            let planes = (
                &mut self.red[out..out + w],
                &mut self.green[out..out + w],
                &mut self.blue[out..out + w],
            );
            // The box of output x starts at byte 3 f x; span ≥ 3 f (w − 1) + 3. A constant
            // stride for the usual factors (720p: 2, 1080p: 3) lets LLVM pick with shuffles.
            match f {
                2 => pick_pixels::<2>(&self.box_mean, planes),
                3 => pick_pixels::<3>(&self.box_mean, planes),
                4 => pick_pixels::<4>(&self.box_mean, planes),
                _ => pick_pixels_every(&self.box_mean, f, planes),
            }
        }
    }

    /// The box average for a frame with a side shorter than the factor: each working pixel is the
    /// rounded mean of the frame pixels its box covers (the boxes of the short side are cut off at
    /// the frame's edge). Such frames are strips at most `factor` pixels across, so this per-pixel
    /// loop touches few pixels.
    fn downscale_partial(&mut self, frame: &Frame) {
        let (w, h, f) = (
            self.width as usize,
            self.height as usize,
            self.factor as usize,
        );
        let (fw, fh) = (frame.width() as usize, frame.height() as usize);
        let (pixels, _) = frame.as_raw().as_chunks::<3>();
        for y in 0..h {
            for x in 0..w {
                let (mut sum, mut count) = ([0u64; 3], 0u64);
                for sy in y * f..((y + 1) * f).min(fh) {
                    let row = sy * fw;
                    for sx in x * f..((x + 1) * f).min(fw) {
                        if let Some(px) = pixels.get(row + sx) {
                            for (s, &v) in sum.iter_mut().zip(px) {
                                *s += u64::from(v);
                            }
                            count += 1;
                        }
                    }
                }
                let mean = |s: u64| (s + count / 2).checked_div(count).unwrap_or(0) as u8;
                let i = y * w + x;
                for (plane, s) in [&mut self.red, &mut self.green, &mut self.blue]
                    .into_iter()
                    .zip(sum)
                {
                    if let Some(v) = plane.get_mut(i) {
                        *v = mean(s);
                    }
                }
            }
        }
    }

    /// The plain box average, for the factors `box_divisor` has no multiplier for: 1 (a frame at
    /// most 640 px long) and 14 and up (over 8 320 px).
    fn downscale_wide(&mut self, raw: &[u8], stride: usize) {
        let (w, h, f) = (
            self.width as usize,
            self.height as usize,
            self.factor as usize,
        );
        let used = w * f * 3;
        let mut row_sum = vec![0u32; used];
        let area = (f * f) as u32;
        let half = area / 2;
        for y in 0..h {
            row_sum.iter_mut().for_each(|s| *s = 0);
            for k in 0..f {
                let src = &raw[(y * f + k) * stride..(y * f + k) * stride + used];
                for (s, &v) in row_sum.iter_mut().zip(src) {
                    *s += u32::from(v);
                }
            }
            let out = y * w;
            for x in 0..w {
                let block = &row_sum[x * f * 3..(x + 1) * f * 3];
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

    // Hand-written hot loop: each channel's Sobel row into a scratch row, then merged with
    // branch-free selects (the first channel wins ties, as the per-channel `>` update did), so
    // both loops vectorise. Instruction counts in the `downscale` comment.
    fn gradients(&mut self, simd: Option<Avx2>) {
        #[cfg(target_arch = "x86_64")]
        if let Some(cpu) = simd {
            return self.gradients_avx2(cpu);
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = simd;
        self.gradients_body();
    }

    /// `gradients_body` compiled for AVX2: the Sobel and merge loops vectorise 32 bytes wide
    /// instead of 16; the same integer and f32 operations, so the same edges.
    #[cfg(target_arch = "x86_64")]
    fn gradients_avx2(&mut self, _cpu: Avx2) {
        #[target_feature(enable = "avx2")]
        fn compiled(this: &mut Prepared) {
            this.gradients_body();
        }
        // SAFETY: an `Avx2` exists only on a CPU that has AVX2.
        unsafe { compiled(self) }
    }

    /// `gradients`' work, inlined whole with its helpers into each build.
    #[inline(always)]
    fn gradients_body(&mut self) {
        let (w, h) = (self.width as usize, self.height as usize);
        let n = w * h;
        self.edge_angle.clear();
        self.edge_angle.resize(n, NO_EDGE);
        self.edges.clear();
        // The Sobel rows overwrite every interior pixel and never touch the one-pixel border,
        // which stays 0 from the last reset: reset only when the working size (not just the
        // pixel count: the border moves with the width) changes.
        let same_size = self.gradient_size == (w, h)
            && self.best_mag.len() == n
            && self.best_gx.len() == n
            && self.best_gy.len() == n;
        self.gradient_size = (w, h);
        if !same_size {
            for v in [&mut self.best_gx, &mut self.best_gy] {
                v.clear();
                v.resize(n, 0);
            }
            self.best_mag.clear();
            self.best_mag.resize(n, 0);
        }
        if w < 3 || h < 3 {
            return;
        }
        for y in 1..h - 1 {
            let row = y * w;
            fn rows(plane: &[u8], y: usize, w: usize) -> Rows<'_> {
                (
                    &plane[(y - 1) * w..y * w],
                    &plane[y * w..(y + 1) * w],
                    &plane[(y + 1) * w..(y + 2) * w],
                )
            }
            let planes = [
                rows(&self.red, y, w),
                rows(&self.green, y, w),
                rows(&self.blue, y, w),
            ];
            let mag = &mut self.best_mag[row + 1..row + w - 1];
            let bgx = &mut self.best_gx[row + 1..row + w - 1];
            let bgy = &mut self.best_gy[row + 1..row + w - 1];
            sobel_row_max(&planes, (mag, bgx, bgy), &mut self.sobel_rows);
        }
        // Non-maximum suppression, one branch-free pass per row (every neighbour a shifted
        // slice, the direction a select), then the marked pixels one by one: ~45 % of a
        // textured frame's pixels pass the threshold, so testing them one at a time (a
        // data-dependent branch per pixel) would be most of this function's cost.
        let threshold = EDGE_MIN_SOBEL * EDGE_MIN_SOBEL;
        let (mag, best_gx, best_gy) = (&self.best_mag, &self.best_gx, &self.best_gy);
        let len = w - 2;
        self.edge_mask.clear();
        self.edge_mask.resize(len, 0);
        for y in 1..h - 1 {
            let start = y * w + 1;
            let around = |offset: isize| {
                let from = (start as isize + offset) as usize;
                &mag[from..from + len]
            };
            let wi = w as isize;
            let (here, left, right, up, down) =
                (around(0), around(-1), around(1), around(-wi), around(wi));
            let (up_left, down_right) = (around(-wi - 1), around(wi + 1));
            let (up_right, down_left) = (around(-wi + 1), around(wi - 1));
            let (gx_row, gy_row) = (&best_gx[start..start + len], &best_gy[start..start + len]);
            let mask = &mut self.edge_mask[..len];
            for k in 0..len {
                let m = here[k];
                let (gx, gy) = (i32::from(gx_row[k]), i32::from(gy_row[k]));
                let (ax, ay) = (gx.abs(), gy.abs());
                // The two neighbours along the gradient, quantised to 45°.
                let across_x = ay * 5 <= ax * 2;
                let across_y = ax * 5 <= ay * 2;
                let falling = (gx > 0) == (gy > 0);
                let pick = |x: i32, y: i32, d1: i32, d2: i32| {
                    if across_x {
                        x
                    } else if across_y {
                        y
                    } else if falling {
                        d1
                    } else {
                        d2
                    }
                };
                let before = pick(left[k], up[k], up_left[k], up_right[k]);
                let after = pick(right[k], down[k], down_right[k], down_left[k]);
                mask[k] = u8::from((m >= threshold) & (m >= before) & (m > after));
            }
            self.marked.clear();
            push_marked(mask, start, &mut self.marked);
            for &i in &self.marked {
                let i = i as usize;
                let (gx, gy) = (f32::from(best_gx[i]), f32::from(best_gy[i]));
                let angle = gradient_angle_deg(gx, gy);
                self.edge_angle[i] = angle;
                self.edges.push(EdgePoint {
                    x: (i % w) as u16,
                    y: y as u16,
                    angle,
                });
            }
        }
    }
}

/// Appends the indices `base + k` of the nonzero bytes `mask[k]`, in order, to `out`. Eight
/// bytes are tested at a time, so a mostly empty mask costs little.
pub(super) fn push_marked(mask: &[u8], base: usize, out: &mut Vec<u32>) {
    let mut chunks = mask.chunks_exact(8);
    let mut at = base;
    for chunk in &mut chunks {
        let mut bits = u64::from_le_bytes([
            chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
        ]);
        while bits != 0 {
            let j = (bits.trailing_zeros() / 8) as usize;
            out.push((at + j) as u32);
            bits &= !(0xFFu64 << (8 * j));
        }
        at += 8;
    }
    for (j, &m) in chunks.remainder().iter().enumerate() {
        if m != 0 {
            out.push((at + j) as u32);
        }
    }
}

/// One output row of `downscale`: pixel x's red, green and blue are `means[3 F x..3 F x + 3]`
/// (the factor F a constant, so the strided reads vectorise).
#[inline(always)]
fn pick_pixels<const F: usize>(means: &[u8], planes: (&mut [u8], &mut [u8], &mut [u8])) {
    let (red, green, blue) = planes;
    let w = red.len().min(green.len()).min(blue.len());
    // Whole groups of 3 F bytes for the pixels but the last, whose box may end the row early.
    let mut groups = means.chunks_exact(3 * F);
    for (x, group) in (0..w.saturating_sub(1)).zip(&mut groups) {
        red[x] = group[0];
        green[x] = group[1];
        blue[x] = group[2];
    }
    if let Some(last) = w.checked_sub(1) {
        let at = 3 * F * last;
        if let Some(px) = means.get(at..at + 3) {
            (red[last], green[last], blue[last]) = (px[0], px[1], px[2]);
        }
    }
}

/// `pick_pixels` for any factor `f`.
fn pick_pixels_every(
    means: &[u8],
    f: usize,
    (red, green, blue): (&mut [u8], &mut [u8], &mut [u8]),
) {
    for (x, ((r, g), b)) in red
        .iter_mut()
        .zip(green.iter_mut())
        .zip(blue.iter_mut())
        .enumerate()
    {
        if let Some(px) = means.get(3 * f * x..3 * f * x + 3) {
            (*r, *g, *b) = (px[0], px[1], px[2]);
        }
    }
}

/// Multiplier m and extra shift t such that `(((n * m) >> 16) >> t) == n / area` for every
/// n ≤ 255·area + area/2 (a rounded box mean); `None` when m would not fit 16 bits (factors 1 and
/// 14 and up, where `downscale_wide` takes over).
fn box_divisor(area: u32) -> Option<(u16, u32)> {
    if area == 0 {
        return None;
    }
    let n_max = u64::from(255 * area + area / 2);
    // With m = ⌊2^s / area⌋ + 1 the quotient is exact while n · area < 2^s.
    let mut s = 16u32;
    while (1u64 << s) <= n_max * u64::from(area) {
        s += 1;
    }
    let m = (1u64 << s) / u64::from(area) + 1;
    let m = u16::try_from(m).ok()?;
    Some((m, s - 16))
}

type Rows<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Sobel of one row of the three planes (each given as the rows above, at and below), keeping
/// per pixel the gradient of the channel with the largest squared magnitude (first channel on
/// ties). Outputs cover pixels 1..w−1 of the row; `scratch` holds the channels' gradients. Each
/// channel's Sobel is one vectorised loop; so is the merge, which takes the six gradient rows at
/// once (merging channel by channel, magnitudes stored per channel, did not vectorise and was a
/// third of the function).
#[inline(always)]
fn sobel_row_max(
    planes: &[Rows<'_>; 3],
    (mag, bgx, bgy): (&mut [i32], &mut [i16], &mut [i16]),
    scratch: &mut SobelRows,
) {
    let len = mag.len().min(bgx.len()).min(bgy.len());
    for (rows, (gx, gy)) in planes.iter().zip(scratch.channels.iter_mut()) {
        gx.resize(len, 0);
        gy.resize(len, 0);
        sobel_channel(*rows, &mut gx[..len], &mut gy[..len]);
    }
    let [(x0, y0), (x1, y1), (x2, y2)] = &scratch.channels;
    let (x0, y0, x1, y1, x2, y2) = (
        &x0[..len],
        &y0[..len],
        &x1[..len],
        &y1[..len],
        &x2[..len],
        &y2[..len],
    );
    let (mag, bgx, bgy) = (&mut mag[..len], &mut bgx[..len], &mut bgy[..len]);
    let square = |x: i16, y: i16| i32::from(x) * i32::from(x) + i32::from(y) * i32::from(y);
    for i in 0..len {
        let (m0, m1, m2) = (
            square(x0[i], y0[i]),
            square(x1[i], y1[i]),
            square(x2[i], y2[i]),
        );
        let take1 = m1 > m0;
        let (m, x, y) = if take1 {
            (m1, x1[i], y1[i])
        } else {
            (m0, x0[i], y0[i])
        };
        let take2 = m2 > m;
        mag[i] = if take2 { m2 } else { m };
        bgx[i] = if take2 { x2[i] } else { x };
        bgy[i] = if take2 { y2[i] } else { y };
    }
}

/// One channel's Sobel gx, gy (gain 4 per grey level of step) for the pixels 1..=gx.len() of a
/// row.
#[inline(always)]
fn sobel_channel((a, b, c): Rows<'_>, gx: &mut [i16], gy: &mut [i16]) {
    let len = gx.len().min(gy.len());
    // Nine taps as slices of exactly `len`, so the loop has no bounds checks and vectorises.
    fn taps(r: &[u8], len: usize) -> Rows<'_> {
        (&r[..len], &r[1..len + 1], &r[2..len + 2])
    }
    let ((a0, a1, a2), (b0, _, b2), (c0, c1, c2)) = (taps(a, len), taps(b, len), taps(c, len));
    let (gx, gy) = (&mut gx[..len], &mut gy[..len]);
    for i in 0..len {
        let (a0, a1, a2) = (i16::from(a0[i]), i16::from(a1[i]), i16::from(a2[i]));
        let (b0, b2) = (i16::from(b0[i]), i16::from(b2[i]));
        let (c0, c1, c2) = (i16::from(c0[i]), i16::from(c1[i]), i16::from(c2[i]));
        gx[i] = (a2 - a0) + 2 * (b2 - b0) + (c2 - c0);
        gy[i] = (c0 + 2 * c1 + c2) - (a0 + 2 * a1 + a2);
    }
}

/// Scratch rows for `sobel_row_max`: gx and gy of each channel.
#[derive(Default, Clone)]
struct SobelRows {
    channels: [(Vec<i16>, Vec<i16>); 3],
}

/// Direction of (gx, gy) modulo 180°, in whole degrees 0–179 (a fast atan2, error < 0.3°).
#[inline(always)]
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
    fn box_divisor_is_exact() {
        for f in 2..=13u32 {
            let area = f * f;
            let (m, t) = box_divisor(area).expect("2 ≤ f ≤ 13 has a divisor");
            for n in 0..=255 * area + area / 2 {
                assert_eq!(((n * u32::from(m)) >> 16) >> t, n / area, "f {f}, n {n}");
            }
        }
        assert!(box_divisor(1).is_none());
        assert!(box_divisor(14 * 14).is_none());
    }

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
