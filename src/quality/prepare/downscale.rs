//! The working image: the frame box-averaged by an integer factor into three colour planes.
//!
//! Decides nothing beyond the arithmetic: every working pixel is the rounded mean of its box
//! (partial boxes at the right and bottom edges average what they cover), identical with and
//! without AVX2.

use super::Prepared;
use crate::quality::Frame;
use crate::quality::simd::Avx2;

impl Prepared {
    // Hand-written hot loop, since downscaling reads every frame pixel: every pass below is a
    // plain loop over equal-length slices so LLVM vectorises it for baseline SSE2: u16 column
    // sums and u16 sums of `f` columns taken at every byte offset; then every `3 f`-th sum is
    // divided by the box area (a multiply-shift) into the three planes.
    pub(super) fn downscale(&mut self, frame: &Frame, simd: Option<Avx2>) {
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
    pub(super) fn downscale_body(&mut self, frame: &Frame) {
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
#[cfg(test)]
mod tests {
    use super::*;

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
}
