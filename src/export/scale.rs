//! Scaling a photo down for export, when even the lowest JPEG quality would not fit the preset.
//!
//! Decides how pixels are averaged: a tent (triangle) filter as wide as one source step on each
//! side, separable, in fixed point — the same filter as `imageops::FilterType::Triangle`, but one
//! output row at a time. `imageops::resize` keeps a 32-bit float per channel of a whole
//! intermediate image (about 650 MB when shrinking a 64 MP photo by 14 %) and was the slowest step
//! of such an export, so this loop is hand-written.

use image::RgbImage;

/// Fixed-point scale of one axis's weights: they sum to `1 << WEIGHT_BITS`.
const WEIGHT_BITS: u32 = 14;

/// The source pixels one output pixel reads on one axis, and their weights.
struct Taps {
    /// First source index.
    start: usize,
    /// Weights of `start`, `start + 1`, …; they sum to `1 << WEIGHT_BITS`.
    weights: Vec<u32>,
}

/// The taps of every output index when `src` pixels become `dst` (`1 ≤ dst ≤ src`).
fn taps(src: u32, dst: u32) -> Vec<Taps> {
    let scale = f64::from(src) / f64::from(dst.max(1));
    let one = f64::from(1u32 << WEIGHT_BITS);
    (0..dst)
        .map(|i| {
            let centre = (f64::from(i) + 0.5) * scale;
            let lo = (centre - scale).floor().max(0.0) as usize;
            let hi = ((centre + scale).ceil() as usize)
                .min(src as usize)
                .max(lo + 1);
            let raw: Vec<f64> = (lo..hi)
                .map(|j| (1.0 - ((j as f64 + 0.5) - centre).abs() / scale).max(0.0))
                .collect();
            let sum: f64 = raw.iter().sum();
            let mut weights: Vec<u32> = if sum > 0.0 {
                raw.iter().map(|w| (w / sum * one).round() as u32).collect()
            } else {
                vec![0; raw.len()]
            };
            // Rounding may leave the sum a unit or two off; the largest weight absorbs it.
            let total: u32 = weights.iter().sum();
            if let Some(big) = weights.iter_mut().max_by_key(|w| **w) {
                *big = (*big + (1 << WEIGHT_BITS)).saturating_sub(total);
            }
            Taps { start: lo, weights }
        })
        .collect()
}

/// `image` scaled to `width × height` pixels (each side clamped to 1 ..= the source's side).
pub(crate) fn shrink(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let (sw, sh) = image.dimensions();
    let (dw, dh) = (width.clamp(1, sw.max(1)), height.clamp(1, sh.max(1)));
    let mut out = RgbImage::new(dw, dh);
    if sw == 0 || sh == 0 {
        return out;
    }
    let (across, down) = (taps(sw, dw), taps(sh, dh));
    let row_len = sw as usize * 3;
    let src = image.as_raw();
    // One source row band, blended vertically: channel values times `1 << WEIGHT_BITS`.
    let mut blended = vec![0u32; row_len];
    for (out_row, v) in out.chunks_exact_mut(dw as usize * 3).zip(&down) {
        blended.fill(0);
        for (k, &w) in v.weights.iter().enumerate() {
            let at = (v.start + k) * row_len;
            let Some(row) = src.get(at..at + row_len) else {
                break;
            };
            for (acc, &p) in blended.iter_mut().zip(row) {
                *acc += w * u32::from(p);
            }
        }
        for (px, h) in out_row.chunks_exact_mut(3).zip(&across) {
            let mut sum = [0u64; 3];
            let from = h.start * 3;
            let reach = blended.get(from..).unwrap_or_default();
            for (&w, p) in h.weights.iter().zip(reach.chunks_exact(3)) {
                for c in 0..3 {
                    sum[c] += u64::from(w) * u64::from(p[c]);
                }
            }
            for c in 0..3 {
                let v = (sum[c] + (1 << (2 * WEIGHT_BITS - 1))) >> (2 * WEIGHT_BITS);
                px[c] = v.min(255) as u8;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn weights_sum_to_one_and_stay_inside_the_source() {
        for (src, dst) in [(8000, 6910), (10, 3), (7, 7), (5, 1), (1, 1), (641, 640)] {
            for t in taps(src, dst) {
                assert_eq!(
                    t.weights.iter().sum::<u32>(),
                    1 << WEIGHT_BITS,
                    "{src}->{dst}"
                );
                assert!(t.start + t.weights.len() <= src as usize, "{src}->{dst}");
            }
        }
    }

    #[test]
    fn a_flat_colour_stays_exactly_that_colour() {
        let img = RgbImage::from_pixel(97, 61, Rgb([200, 13, 255]));
        let small = shrink(&img, 40, 25);
        assert_eq!(small.dimensions(), (40, 25));
        assert!(small.pixels().all(|p| *p == Rgb([200, 13, 255])));
    }

    #[test]
    fn same_size_is_a_copy_and_a_larger_size_is_clamped() {
        let img = RgbImage::from_fn(9, 5, |x, y| Rgb([x as u8 * 20, y as u8 * 40, 7]));
        assert_eq!(shrink(&img, 9, 5), img);
        assert_eq!(shrink(&img, 50, 50).dimensions(), (9, 5));
        assert_eq!(shrink(&img, 0, 0).dimensions(), (1, 1));
    }

    #[test]
    fn a_ramp_stays_a_ramp_and_matches_the_image_crates_triangle_filter() {
        let img = RgbImage::from_fn(300, 200, |x, y| {
            Rgb([
                (x * 255 / 299) as u8,
                (y * 255 / 199) as u8,
                ((x + y) / 2) as u8,
            ])
        });
        let ours = shrink(&img, 259, 173);
        let theirs = image::imageops::resize(&img, 259, 173, image::imageops::FilterType::Triangle);
        let worst = ours
            .as_raw()
            .iter()
            .zip(theirs.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap_or(0);
        // Edges are handled alike; away from them the two filters are the same tent.
        assert!(worst <= 2, "differs by {worst} levels");
        // Monotone across and down, as the source.
        for y in 0..173 {
            for x in 1..259 {
                assert!(ours.get_pixel(x, y)[0] >= ours.get_pixel(x - 1, y)[0]);
            }
        }
    }

    #[test]
    fn a_checkerboard_averages_to_grey_when_halved() {
        let img = RgbImage::from_fn(64, 64, |x, y| {
            if (x + y) % 2 == 0 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let half = shrink(&img, 32, 32);
        for p in half.pixels() {
            assert!((120..=135).contains(&p[0]), "{p:?}");
        }
    }
}
