//! Shrinking a photo for the screen: previews and thumbnails of multi-megapixel photos.
//!
//! Decides how an image is reduced: whole-pixel boxes are averaged in one pass (fast even on
//! 50 MP), then a bilinear resize finishes the job only when the box result is still too large.

use image::RgbImage;

/// Shrinks `image` so its longer side is at most `max_side`: averages boxes of whole pixels (one fast
/// pass, even on 50 MP), then finishes with a bilinear resize only if the box result is still too
/// large. Smaller images are copied unchanged.
pub(crate) fn reduce(image: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= max_side || max_side == 0 {
        return image.clone();
    }
    let factor = long.div_ceil(max_side);
    let boxed = box_average(image, factor);
    let (bw, bh) = boxed.dimensions();
    if bw.max(bh) <= max_side {
        return boxed;
    }
    let scale = f64::from(max_side) / f64::from(bw.max(bh));
    let nw = ((f64::from(bw) * scale).round() as u32).clamp(1, max_side);
    let nh = ((f64::from(bh) * scale).round() as u32).clamp(1, max_side);
    image::imageops::resize(&boxed, nw, nh, image::imageops::FilterType::Triangle)
}

/// Averages `factor × factor` boxes (the remainder at the right and bottom is dropped; a side shorter
/// than `factor` is averaged whole). One pass over the source rows, adding each row's boxes into a
/// row of sums, with no per-pixel slicing; 2 × 2 boxes (a 12 MP photo to the 2048 px preview) are
/// averaged straight from their two rows. (Adding whole rows column by column first costs more
/// instructions than summing box by box.)
fn box_average(image: &RgbImage, factor: u32) -> RgbImage {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let f = (factor as usize).max(1);
    let (fx, fy) = (f.min(w).max(1), f.min(h).max(1));
    let (ow, oh) = ((w / fx).max(1), (h / fy).max(1));
    let mut out = RgbImage::new(ow as u32, oh as u32);
    if w == 0 || h == 0 {
        return out;
    }
    let src = image.as_raw();
    if fx == 2 && fy == 2 {
        // The common case (a 12 MP photo to the 2048 px preview): each output pixel straight from
        // its two rows, no row of sums. Same rounding as below: (sum + 2) / 4.
        for (band, out_row) in src
            .chunks_exact(w * 3 * 2)
            .zip(out.chunks_exact_mut(ow * 3))
        {
            let (top, bottom) = band.split_at(w * 3);
            for ((o, a), b) in out_row
                .chunks_exact_mut(3)
                .zip(top.chunks_exact(6))
                .zip(bottom.chunks_exact(6))
            {
                for c in 0..3 {
                    let sum = u16::from(a[c]) + u16::from(a[c + 3]) + u16::from(b[c]);
                    o[c] = ((sum + u16::from(b[c + 3]) + 2) >> 2) as u8;
                }
            }
        }
        return out;
    }
    let n = (fx * fy) as u32;
    let mut sums = vec![0u32; ow * 3];
    for (band, out_row) in src
        .chunks_exact(w * 3 * fy)
        .zip(out.chunks_exact_mut(ow * 3))
    {
        sums.fill(0);
        for row in band.chunks_exact(w * 3) {
            for (acc, b) in sums.chunks_exact_mut(3).zip(row.chunks_exact(fx * 3)) {
                let (mut r, mut g, mut bl) = (0u32, 0u32, 0u32);
                for px in b.chunks_exact(3) {
                    r += u32::from(px[0]);
                    g += u32::from(px[1]);
                    bl += u32::from(px[2]);
                }
                acc[0] += r;
                acc[1] += g;
                acc[2] += bl;
            }
        }
        for (o, s) in out_row.iter_mut().zip(&sums) {
            *o = ((s + n / 2) / n) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn reduce_keeps_the_aspect_and_the_average_colour() {
        // Columns cycle through 3 values, so a 3 × 3 box sees each once: mean 150.
        let img = RgbImage::from_fn(5000, 3000, |x, _| match x % 3 {
            0 => Rgb([200, 100, 0]),
            1 => Rgb([100, 50, 0]),
            _ => Rgb([150, 75, 0]),
        });
        let small = reduce(&img, 2048);
        // 5000 / 3 boxes: 1666 × 1000.
        assert_eq!(small.dimensions(), (1666, 1000));
        let p = small.get_pixel(1000, 600).0;
        assert!((i32::from(p[0]) - 150).abs() <= 2, "{p:?}");
        let tiny = reduce(&small, 160);
        assert!(tiny.width() <= 160 && tiny.width() > 120);
    }

    #[test]
    fn reduce_averages_exact_boxes_and_survives_thin_images() {
        // 2 × 2 boxes of known values: every output pixel is the mean of its box.
        let img = RgbImage::from_fn(4096, 6, |x, y| {
            Rgb([(x % 2 * 100 + y % 2 * 50) as u8, 7, 255])
        });
        let small = reduce(&img, 2048);
        assert_eq!(small.dimensions(), (2048, 3));
        assert!(
            small.pixels().all(|p| p.0 == [75, 7, 255]),
            "{:?}",
            small.get_pixel(0, 0)
        );
        // A side shorter than the box (a 3 × 10 000 strip): averaged whole, no panic.
        let thin = RgbImage::from_pixel(3, 10_000, Rgb([10, 20, 30]));
        let r = reduce(&thin, 2048);
        assert!(r.height() <= 2048 && r.width() >= 1);
        assert_eq!(r.get_pixel(0, 0).0, [10, 20, 30]);
    }
}
