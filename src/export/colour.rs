//! Colour: pixels that carry an embedded ICC profile other than sRGB (a phone's Display P3, an
//! Adobe RGB camera setting) converted to sRGB before export.
//!
//! Decides when pixels change: only when the photo's profile is an RGB profile that maps colours
//! differently from sRGB (tested by converting a set of probe colours, so an sRGB profile under any
//! name is left alone). The export writes no profile (it strips all metadata), and an untagged JPG is
//! read as sRGB, so without this a P3 photo would come out dull. Pure; any thread.

use image::RgbImage;
use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// Probe colours: black, white, greys, primaries, secondaries and a few mixtures.
const PROBES: [[u8; 3]; 12] = [
    [0, 0, 0],
    [255, 255, 255],
    [128, 128, 128],
    [40, 40, 40],
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 0],
    [0, 255, 255],
    [255, 0, 255],
    [200, 100, 50],
    [50, 100, 200],
];

/// `image` converted from the ICC profile `icc` to sRGB. `Ok(None)`: nothing to do (the profile is
/// sRGB in all but name, or describes no RGB data — a grey or CMYK profile left over after decoding
/// to RGB). `Err`: the profile cannot be read or used; the text says why.
pub(crate) fn to_srgb(image: &RgbImage, icc: &[u8]) -> Result<Option<RgbImage>, String> {
    let source = ColorProfile::new_from_slice(icc)
        .map_err(|e| format!("the embedded colour profile cannot be read ({e})"))?;
    if source.color_space != DataColorSpace::Rgb {
        return Ok(None);
    }
    let transform = source
        .create_transform_8bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|e| format!("the embedded colour profile cannot be used ({e})"))?;
    let probes: Vec<u8> = PROBES.iter().flatten().copied().collect();
    let mut mapped = vec![0u8; probes.len()];
    transform
        .transform(&probes, &mut mapped)
        .map_err(|e| format!("the colour conversion failed ({e})"))?;
    if probes.iter().zip(&mapped).all(|(a, b)| a.abs_diff(*b) <= 1) {
        return Ok(None);
    }
    let mut out = RgbImage::new(image.width(), image.height());
    transform
        .transform(image.as_raw(), &mut out)
        .map_err(|e| format!("the colour conversion failed ({e})"))?;
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p3_icc() -> Vec<u8> {
        ColorProfile::new_display_p3()
            .encode()
            .expect("a P3 profile encodes")
    }

    #[test]
    fn display_p3_pixels_become_their_srgb_values() {
        let img = RgbImage::from_fn(8, 2, |x, _| {
            if x < 4 {
                image::Rgb([200, 100, 50])
            } else {
                image::Rgb([128, 128, 128])
            }
        });
        let out = to_srgb(&img, &p3_icc())
            .expect("a P3 profile is usable")
            .expect("P3 is not sRGB");
        // Expected from the published P3 → sRGB matrix (both D65, sRGB transfer curve): P3 (200,
        // 100, 50) is sRGB (215, 92, 31): the same colour needs more saturated sRGB numbers.
        let p = out.get_pixel(0, 0).0;
        for (got, want) in p.iter().zip([215u8, 92, 31]) {
            assert!(got.abs_diff(want) <= 3, "{p:?}");
        }
        // Same white point and curve: greys stay grey.
        let g = out.get_pixel(6, 1).0;
        assert!(g.iter().all(|c| c.abs_diff(128) <= 1), "{g:?}");
    }

    #[test]
    fn srgb_profiles_leave_the_pixels_alone_and_garbage_is_an_error() {
        let img = RgbImage::from_pixel(4, 4, image::Rgb([200, 100, 50]));
        let srgb = ColorProfile::new_srgb().encode().expect("sRGB encodes");
        assert!(to_srgb(&img, &srgb).expect("usable").is_none());
        let err = to_srgb(&img, b"not a profile").expect_err("garbage");
        assert!(err.contains("cannot be read"), "{err}");
    }
}
