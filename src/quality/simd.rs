//! AVX2 for the per-frame pixel loops, chosen at run time so the binary still runs on any x86-64.
//!
//! Decides nothing: everything here computes exactly what the portable code computes (integer
//! formulas, bit for bit; tests compare them), only faster. Two kinds of help:
//!
//! - `Avx2::detect()` lets a caller run a copy of its function compiled with
//!   `#[target_feature(enable = "avx2")]` (its helpers `#[inline(always)]` so they are compiled
//!   into it): loops LLVM already vectorises (Sobel, sliding windows, box averages) then work 32
//!   bytes at a time instead of 16. Used by the focus check, the detector's downscale and Sobel
//!   (`prepare`), the warp's rows (`rectify`) and the full-resolution side fit
//!   (`document::refine_side`). (A generic wrapper taking a closure does not work, nor a closure
//!   inside such a copy: LLVM compiles the closure on its own, without AVX2.)
//! - Hand-written kernels for what LLVM cannot vectorise. `spans8`: eight bilinear samples of the
//!   luma plane at once, span after span, the inner step of the perspective warp (`rectify`)
//!   wherever a span lies inside the frame. The scalar loop cannot vectorise because each sample
//!   reads from a data-dependent address; two 32-bit gathers fetch a sample's 2 × 2 window (two
//!   adjacent `u16` per gather), so eight samples take about 30 vector instructions. `luma_row`:
//!   the luma of sixteen RGB pixels at once, for that plane. Numbers: docs/PERFORMANCE.md.
//!
//! The one pattern for a function compiled twice: `foo_body` (`#[inline(always)]`) holds the
//! work; `foo_avx2(cpu: Avx2, …)` is a safe function whose only `unsafe` is calling a nested
//! `#[target_feature(enable = "avx2")]` copy of `foo_body`, justified by the token; the caller
//! detects once (`Avx2::detect()`), passes the `Option<Avx2>` down to what it runs, and
//! dispatches with `if let Some(cpu) = simd { return foo_avx2(cpu, …) }`.
//!
//! `spans8` and `luma_row` are safe to call: they take an `Avx2` (which only exists on a CPU that
//! has it), check that every read stays inside its slice, and report what they did.

/// The positions of eight samples, 16.16 fixed point relative to the plane's pixel (0, 0) (pixel
/// centres at integers): sample k is at (x + k·dx, y + k·dy).
#[derive(Clone, Copy, Debug)]
pub(super) struct Span8 {
    pub(crate) x: i64,
    pub(crate) dx: i64,
    pub(crate) y: i64,
    pub(crate) dy: i64,
}

/// Proof that this CPU has AVX2: only `Avx2::detect` makes one, so the safe kernels below that
/// take it cannot be made to run AVX2 instructions on a CPU without them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// `Some` when this CPU has AVX2.
    pub(crate) fn detect() -> Option<Avx2> {
        available().then_some(Avx2(()))
    }
}

/// Whether this CPU has AVX2 (checked once, then cached by the standard library).
fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Writes the bilinear luma (0–255) of the eight samples of each span of `spans` from `plane`
/// (luma × 256, row-major, `width` × `height`): those of `spans[k]` into `out[8 k..8 k + 8]`,
/// for every span whose samples' 2 × 2 windows all lie in the plane; bit k of the result says
/// span k was written (at most 64 spans; spans without 8 bytes of `out` are not written). One
/// call per batch of a row's spans keeps the kernel's loop free of the caller's state (no
/// register spills).
#[inline(always)]
pub(super) fn spans8(
    _cpu: Avx2,
    plane: &[u16],
    (width, height): (usize, usize),
    spans: &[Span8],
    out: &mut [u8],
) -> u64 {
    if width < 2 || height < 2 || plane.len() < width * height {
        return 0;
    }
    if width > 1 << 15 || height > 1 << 15 {
        return 0;
    }
    // The largest positions whose 2 × 2 window lies in the plane.
    let max_x = ((width - 2) as i64) << 16 | 0xFFFF;
    let max_y = ((height - 2) as i64) << 16 | 0xFFFF;
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: the CPU has AVX2 (an `Avx2` exists); the kernel writes a span only after
        // checking that its first and last samples (so all of them: they are linear in k) lie
        // within (max_x, max_y): 32-bit lanes then hold every position (plane coordinates below
        // 2^15) and each gather reads two `u16` at indices ≤ (height − 1) · width − 1.
        unsafe { avx2::spans8(plane.as_ptr(), width, (max_x, max_y), spans, out) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (spans, out, max_x, max_y);
        0
    }
}

/// Luma × 256 (77 r + 150 g + 29 b, ≤ 65 280) of whole groups of sixteen RGB pixels of `rgb` (3
/// bytes per pixel) into `out`; returns how many pixels it did (a multiple of 16): the caller does
/// the rest. Computing the luma plane under the document is, after the gathers, the largest part
/// of rectify's time (the scalar loop de-interleaves RGB one value at a time).
pub(super) fn luma_row(_cpu: Avx2, rgb: &[u8], out: &mut [u16]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: the CPU has AVX2 (an `Avx2` exists).
        unsafe { avx2::luma_row(rgb, out) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (rgb, out);
        0
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Span8;
    use std::arch::x86_64::*;

    /// `super::luma_row`, its loop compiled with `luma16` inlined into it: one unsafe call per
    /// row instead of one per group of pixels.
    #[target_feature(enable = "avx2")]
    pub(super) fn luma_row(rgb: &[u8], out: &mut [u16]) -> usize {
        let mut done = 0;
        for (pixels, luma) in rgb.chunks_exact(48).zip(out.chunks_exact_mut(16)) {
            let (Ok(pixels), Ok(luma)) = (pixels.try_into(), luma.try_into()) else {
                break;
            };
            luma16(pixels, luma);
            done += 16;
        }
        done
    }

    /// Luma × 256 of sixteen RGB pixels (48 bytes), eight per 128-bit lane. Per lane, two
    /// overlapping 16-byte loads (bytes 0–15 and 8–23 of its 24) hold its pixels; one byte
    /// shuffle per load and channel puts each channel's eight bytes in 16-bit lanes (`vpshufb`
    /// shuffles within each lane, so both lanes use the same pattern): twice the pixels of the
    /// 128-bit version for about the same instructions.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn luma16(pixels: &[u8; 48], out: &mut [u16; 16]) {
        let p = pixels.as_ptr();
        // SAFETY: the four 16-byte loads start at bytes 0, 24, 8 and 32 of the 48-byte array.
        let (a, b) = unsafe {
            (
                _mm256_loadu2_m128i(p.add(24).cast(), p.cast()),
                _mm256_loadu2_m128i(p.add(32).cast(), p.add(8).cast()),
            )
        };
        // Byte o of a lane's 24 is byte o of `a` when o < 16, else byte o − 8 of `b`; -1 zeroes.
        let channel = |from_a: [i8; 8], from_b: [i8; 8]| {
            let mask = |idx: [i8; 8]| {
                _mm256_setr_epi8(
                    idx[0], -1, idx[1], -1, idx[2], -1, idx[3], -1, idx[4], -1, idx[5], -1, idx[6],
                    -1, idx[7], -1, idx[0], -1, idx[1], -1, idx[2], -1, idx[3], -1, idx[4], -1,
                    idx[5], -1, idx[6], -1, idx[7], -1,
                )
            };
            _mm256_or_si256(
                _mm256_shuffle_epi8(a, mask(from_a)),
                _mm256_shuffle_epi8(b, mask(from_b)),
            )
        };
        let red = channel(
            [0, 3, 6, 9, 12, 15, -1, -1],
            [-1, -1, -1, -1, -1, -1, 10, 13],
        );
        let green = channel(
            [1, 4, 7, 10, 13, -1, -1, -1],
            [-1, -1, -1, -1, -1, 8, 11, 14],
        );
        let blue = channel(
            [2, 5, 8, 11, 14, -1, -1, -1],
            [-1, -1, -1, -1, -1, 9, 12, 15],
        );
        // The true sum is ≤ 65 280, so read as unsigned 16-bit values the lanes are exact (the
        // signed multiply and add give the same bits).
        let luma = _mm256_add_epi16(
            _mm256_add_epi16(
                _mm256_mullo_epi16(red, _mm256_set1_epi16(77)),
                _mm256_mullo_epi16(green, _mm256_set1_epi16(150)),
            ),
            _mm256_mullo_epi16(blue, _mm256_set1_epi16(29)),
        );
        // SAFETY: `out` is 32 bytes.
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), luma) };
    }

    /// See `spans8` above: `plane` holds at least `width` × `height` values and (max_x, max_y)
    /// are the largest positions whose 2 × 2 window lies in it.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn spans8(
        plane: *const u16,
        width: usize,
        (max_x, max_y): (i64, i64),
        spans: &[Span8],
        out: &mut [u8],
    ) -> u64 {
        let mut written = 0u64;
        let inside = |p: i64, d: i64, hi: i64| {
            let last = p + 7 * d;
            p.min(last) >= 0 && p.max(last) <= hi
        };
        for (k, (span, bytes)) in spans
            .iter()
            .zip(out.chunks_exact_mut(8))
            .enumerate()
            .take(64)
        {
            let Ok(bytes) = <&mut [u8; 8]>::try_from(bytes) else {
                break;
            };
            if inside(span.x, span.dx, max_x) && inside(span.y, span.dy, max_y) {
                // SAFETY: every sample's window lies in the plane (checked on the line above).
                unsafe { span8(plane, width, *span, bytes) };
                written |= 1 << k;
            }
        }
        written
    }

    /// One span of `spans8`, whose checks the caller has made.
    #[target_feature(enable = "avx2")]
    #[inline]
    unsafe fn span8(plane: *const u16, width: usize, span: Span8, out: &mut [u8; 8]) {
        let k = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let along = |p: i64, d: i64| {
            _mm256_add_epi32(
                _mm256_set1_epi32(p as i32),
                _mm256_mullo_epi32(k, _mm256_set1_epi32(d as i32)),
            )
        };
        let (xs, ys) = (along(span.x, span.dx), along(span.y, span.dy));
        let byte = _mm256_set1_epi32(255);
        let (fx, fy) = (
            _mm256_and_si256(_mm256_srli_epi32::<8>(xs), byte),
            _mm256_and_si256(_mm256_srli_epi32::<8>(ys), byte),
        );
        let w = _mm256_set1_epi32(width as i32);
        let index = _mm256_add_epi32(
            _mm256_mullo_epi32(_mm256_srli_epi32::<16>(ys), w),
            _mm256_srli_epi32::<16>(xs),
        );
        // Each 32-bit read at a u16 index holds that pixel (low half) and its right neighbour.
        let base = plane.cast::<i32>();
        // SAFETY (for both gathers): the caller checked every index and index + width + 1 is
        // inside the plane.
        let top = unsafe { _mm256_i32gather_epi32::<2>(base, index) };
        let bottom = unsafe { _mm256_i32gather_epi32::<2>(base, _mm256_add_epi32(index, w)) };
        let low = _mm256_set1_epi32(0xFFFF);
        let one = _mm256_set1_epi32(256);
        let (gx, gy) = (_mm256_sub_epi32(one, fx), _mm256_sub_epi32(one, fy));
        // Across: luma × 2^16 (< 2^24); down: × 2^24 (< 2^32, read as unsigned); rounded.
        let across = |pair: __m256i| {
            _mm256_add_epi32(
                _mm256_mullo_epi32(_mm256_and_si256(pair, low), gx),
                _mm256_mullo_epi32(_mm256_srli_epi32::<16>(pair), fx),
            )
        };
        let (t, b) = (across(top), across(bottom));
        let v = _mm256_add_epi32(
            _mm256_add_epi32(_mm256_mullo_epi32(t, gy), _mm256_mullo_epi32(b, fy)),
            _mm256_set1_epi32(1 << 23),
        );
        let v = _mm256_srli_epi32::<24>(v);
        // 8 × u32 (each ≤ 255) to bytes: each 128-bit half packs its four values into its low
        // four bytes.
        let words = _mm256_packus_epi32(v, v);
        let bytes = _mm256_packus_epi16(words, words);
        let first = _mm256_cvtsi256_si32(bytes) as u32;
        let second = _mm256_extract_epi32::<4>(bytes) as u32;
        out[..4].copy_from_slice(&first.to_le_bytes());
        out[4..].copy_from_slice(&second.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalar formula of `rectify::bilinear`, written out again from its doc comment.
    fn reference(plane: &[u16], width: usize, x: i64, y: i64) -> u8 {
        let (fx, fy) = ((x >> 8) & 255, (y >> 8) & 255);
        let i = (y >> 16) as usize * width + (x >> 16) as usize;
        let [tl, tr, bl, br] = [
            plane[i],
            plane[i + 1],
            plane[i + width],
            plane[i + width + 1],
        ]
        .map(i64::from);
        let t = (tl << 8) + (tr - tl) * fx;
        let b = (bl << 8) + (br - bl) * fx;
        (((t << 8) + (b - t) * fy + (1 << 23)) >> 24) as u8
    }

    /// A plane of pseudo-random luma × 256 including the extremes 0 and 255 × 256.
    fn plane(width: usize, height: usize) -> Vec<u16> {
        (0..width * height)
            .map(|i| match i % 7 {
                0 => 0,
                1 => 255 * 256,
                _ => ((i as u64).wrapping_mul(2_654_435_761) % 65_281) as u16,
            })
            .collect()
    }

    #[test]
    fn eight_samples_match_the_scalar_formula_to_the_bit() {
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        };
        let (w, h) = (97, 61);
        let data = plane(w, h);
        let max = |n: usize| ((n as i64 - 2) << 16) | 0xFFFF;
        let mut compared = 0;
        for (x, dx, y, dy) in [
            (0, 65_536, 0, 0),
            (12_345, 98_765, 700_000, 3_001),
            (max(w), -200_000, max(h), -150_000),
            (5 << 16, 1, 7 << 16, -1),
            (max(w) - 7 * 9_999, 9_999, 3 << 16, 77_777),
            (40 << 16, -65_536 * 5, 59 << 16, 0),
        ] {
            let span = Span8 { x, dx, y, dy };
            let mut out = [0u8; 8];
            assert_eq!(spans8(cpu, &data, (w, h), &[span], &mut out), 1, "{span:?}");
            for (k, &got) in out.iter().enumerate() {
                let k = k as i64;
                assert_eq!(
                    got,
                    reference(&data, w, x + k * dx, y + k * dy),
                    "{span:?} k {k}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 48);
    }

    #[test]
    fn a_span_leaving_the_plane_is_refused_and_nothing_written() {
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: span8 cannot be called");
            return;
        };
        let (w, h) = (16, 16);
        let data = plane(w, h);
        let mut out = [7u8; 8];
        let span_at = |x, dx, y, dy| Span8 { x, dx, y, dy };
        let past_right = span_at(10 << 16, 1 << 16, 0, 0);
        let above = span_at(0, 0, -1, 1 << 16);
        let bottom_row = span_at(0, 0, 15 << 16, 0);
        for span in [past_right, above, bottom_row] {
            assert_eq!(spans8(cpu, &data, (w, h), &[span], &mut out), 0, "{span:?}");
        }
        // A plane shorter than its stated size.
        let inside = span_at(0, 1 << 16, 0, 0);
        assert_eq!(
            spans8(cpu, &data[..w * h - 1], (w, h), &[inside], &mut out),
            0
        );
        assert_eq!(out, [7; 8]);
        // Among several spans only those inside are written, each in its own eight bytes; a
        // span without eight bytes of `out` is not written.
        let mut three = [7u8; 20];
        let spans = [
            inside,
            past_right,
            span_at(3 << 16, 1 << 15, 2 << 16, 1 << 12),
        ];
        assert_eq!(spans8(cpu, &data, (w, h), &spans, &mut three), 0b001);
        assert_eq!(&three[8..], &[7; 12]);
        let mut out = [0u8; 24];
        assert_eq!(spans8(cpu, &data, (w, h), &spans, &mut out), 0b101);
    }

    #[test]
    fn luma_of_rgb_rows_matches_the_weights() {
        let rgb: Vec<u8> = (0..3 * 37u32)
            .map(|i| match i % 5 {
                0 => 255,
                1 => 0,
                _ => (i.wrapping_mul(2_654_435_761) >> 24) as u8,
            })
            .collect();
        let Some(cpu) = Avx2::detect() else {
            eprintln!("no AVX2 on this CPU: nothing to compare");
            return;
        };
        let mut out = vec![0u16; 37];
        let done = luma_row(cpu, &rgb, &mut out);
        assert_eq!(done, 32);
        for (i, p) in rgb.chunks_exact(3).enumerate().take(done) {
            let want = 77 * u16::from(p[0]) + 150 * u16::from(p[1]) + 29 * u16::from(p[2]);
            assert_eq!(out[i], want, "pixel {i}");
        }
        assert!(
            out[done..].iter().all(|&v| v == 0),
            "only whole groups of sixteen"
        );
    }
}
