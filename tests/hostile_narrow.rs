//! Frames of every narrow shape go through the whole assessment without a panic (issue 16: a
//! 1 × 642 PNG, a 1 × 10 000 image and a 642 × 1 JPEG turned upright all panicked while being
//! shrunk for detection).

use idcap::quality::{self, Profile};
use image::{Rgb, RgbImage};

/// Long sides around each change of the working-image factor (640 px per step) and at the limits.
const LONG_SIDES: [u32; 14] = [
    1, 2, 639, 640, 641, 642, 1279, 1280, 1281, 1283, 1921, 6401, 10_000, 16_384,
];

#[test]
fn every_narrow_shape_is_assessed_without_a_panic() {
    let profile = Profile::default();
    for short in 1..=4u32 {
        for long in LONG_SIDES {
            for (w, h) in [(short, long), (long, short)] {
                let img =
                    RgbImage::from_fn(w, h, |x, y| Rgb([(x * 7 + y) as u8, (y * 3) as u8, 40]));
                let report = quality::assess(&img, &profile);
                // Nothing in a strip is an ID document.
                assert!(report.document.is_none(), "{w}×{h}");
            }
        }
    }
}

#[test]
fn every_width_where_the_old_box_overran_is_assessed() {
    // The old downscale overran exactly when w · (h mod f + 1) < f with f = ceil(h / 640): every
    // such width for a few heights, and the widths just past it.
    let profile = Profile::default();
    for h in [642u32, 1925, 5000, 12_801] {
        let f = h.div_ceil(640);
        for w in 1..=f + 1 {
            let img = RgbImage::from_pixel(w, h, Rgb([128, 90, 200]));
            let report = quality::assess(&img, &profile);
            assert!(report.document.is_none(), "{w}×{h}");
        }
    }
}
