//! Colour edges of the working image: per pixel the strongest channel's Sobel gradient, kept where
//! it is a local maximum at least `EDGE_MIN_SOBEL` strong, with its direction.

use super::{EDGE_MIN_SOBEL, EdgePoint, NO_EDGE, Prepared};
use crate::quality::simd::Avx2;

impl Prepared {
    // Hand-written hot loop: each channel's Sobel row into a scratch row, then merged with
    // branch-free selects (the first channel wins ties, as the per-channel `>` update did), so
    // both loops vectorise.
    pub(super) fn gradients(&mut self, simd: Option<Avx2>) {
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
    pub(super) fn gradients_body(&mut self) {
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
pub(in crate::quality) fn push_marked(mask: &[u8], base: usize, out: &mut Vec<u32>) {
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
pub(super) struct SobelRows {
    channels: [(Vec<i16>, Vec<i16>); 3],
}

/// Direction of (gx, gy) modulo 180°, in whole degrees 0–179 (a fast atan2, error < 0.3°).
#[inline(always)]
pub(crate) fn gradient_angle_deg(gx: f32, gy: f32) -> u8 {
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
