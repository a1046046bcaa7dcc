//! JPEG encoding to a size band.
//!
//! Decides the JPEG quality: the highest quality in `MIN_QUALITY..=MAX_QUALITY` whose file fits the
//! preset's byte band, found by binary search (file size grows with quality). A source too small to
//! reach the band's minimum even at `MAX_QUALITY` is reported, never padded; a source too large at
//! `MIN_QUALITY` is scaled down (the only pixel change idcap ever makes) until it fits.
//!
//! The encoder is given pixels only, so the file carries no EXIF, GPS, XMP, comments or maker notes:
//! just the JFIF header (with the pixel density when known) and the image.

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::{RgbImage, imageops};

use super::preset::{MAX_QUALITY, MIN_QUALITY};

/// Why no JPEG in the band could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitError {
    /// Even at `MAX_QUALITY` the file has only `bytes` bytes.
    TooSmall { bytes: u64, quality: u8 },
    /// The encoder refused (for example a side over 65 535 pixels).
    Encode(String),
    /// No quality lands inside the band (it is narrower than one quality step).
    NoQualityFits,
}

/// A JPEG that fits the band.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub bytes: Vec<u8>,
    /// The JPEG quality used (1–100).
    pub quality: u8,
    pub width: u32,
    pub height: u32,
    /// True when the photo had to be scaled down to fit `max_bytes`.
    pub scaled_down: bool,
    /// How many times the encoder ran (for timing reports).
    pub encodes: u32,
}

/// Encodes `image` at `quality` with an optional dots-per-inch header.
pub fn encode(image: &RgbImage, quality: u8, dpi: Option<u16>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(d) = dpi {
        enc.set_pixel_density(PixelDensity::dpi(d));
    }
    enc.encode_image(image).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The highest-quality JPEG of `image` with `min_bytes ≤ size ≤ max_bytes`.
pub fn fit_to_band(
    image: &RgbImage,
    min_bytes: u64,
    max_bytes: u64,
    dpi: Option<u16>,
) -> Result<Fitted, FitError> {
    let mut encodes = 0;
    let mut run = |img: &RgbImage, q: u8| {
        encodes += 1;
        encode(img, q, dpi).map_err(FitError::Encode)
    };
    let best = run(image, MAX_QUALITY)?;
    let size = |b: &Vec<u8>| b.len() as u64;
    if size(&best) < min_bytes {
        return Err(FitError::TooSmall {
            bytes: size(&best),
            quality: MAX_QUALITY,
        });
    }
    if size(&best) <= max_bytes {
        let (width, height) = image.dimensions();
        return Ok(Fitted {
            bytes: best,
            quality: MAX_QUALITY,
            width,
            height,
            scaled_down: false,
            encodes,
        });
    }
    // Too big at the top quality: search, scaling down if even the lowest quality is too big.
    let mut scaled: Option<RgbImage> = None;
    for _ in 0..6 {
        let img = scaled.as_ref().unwrap_or(image);
        let low = run(img, MIN_QUALITY)?;
        if size(&low) > max_bytes {
            // Bytes scale roughly with pixel count: shrink the area by the overshoot, plus 10 %.
            let factor = ((max_bytes as f64 / size(&low) as f64) * 0.9).sqrt();
            let (w, h) = img.dimensions();
            let nw = ((f64::from(w) * factor).round() as u32).max(1);
            let nh = ((f64::from(h) * factor).round() as u32).max(1);
            scaled = Some(imageops::resize(
                img,
                nw,
                nh,
                imageops::FilterType::Triangle,
            ));
            continue;
        }
        // Invariant: `lo` fits (≤ max), `hi` does not.
        let (mut lo, mut hi) = (MIN_QUALITY, MAX_QUALITY);
        let mut lo_bytes = low;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            let b = run(img, mid)?;
            if size(&b) <= max_bytes {
                lo = mid;
                lo_bytes = b;
            } else {
                hi = mid;
            }
        }
        if size(&lo_bytes) < min_bytes {
            return Err(FitError::NoQualityFits);
        }
        let (width, height) = img.dimensions();
        return Ok(Fitted {
            bytes: lo_bytes,
            quality: lo,
            width,
            height,
            scaled_down: scaled.is_some(),
            encodes,
        });
    }
    Err(FitError::NoQualityFits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Deterministic texture: JPEG cannot compress noise much, so sizes are predictable.
    fn noisy(w: u32, h: u32) -> RgbImage {
        let mut state = 0x1234_5678u32;
        RgbImage::from_fn(w, h, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let v = (state & 0xff) as u8;
            Rgb([v, v.wrapping_mul(3), v.wrapping_add(90)])
        })
    }

    #[test]
    fn the_highest_quality_that_fits_is_chosen() {
        let img = noisy(600, 400);
        let at_max = encode(&img, MAX_QUALITY, None).expect("encode").len() as u64;
        // A band whose top is below the max-quality size forces a search.
        let max = at_max * 6 / 10;
        let fitted = fit_to_band(&img, 10_000, max, None).expect("fits");
        assert!(fitted.bytes.len() as u64 <= max);
        assert!(fitted.quality < MAX_QUALITY && fitted.quality >= MIN_QUALITY);
        // One step higher would not fit.
        let above = encode(&img, fitted.quality + 1, None).expect("encode");
        assert!(
            above.len() as u64 > max,
            "quality {} +1 still fits",
            fitted.quality
        );
        assert!(!fitted.scaled_down);
        assert!(fitted.encodes <= 8, "{} encodes", fitted.encodes);
    }

    #[test]
    fn a_photo_that_already_fits_keeps_the_top_quality() {
        let img = noisy(300, 200);
        let fitted = fit_to_band(&img, 1_000, 50_000_000, None).expect("fits");
        assert_eq!(fitted.quality, MAX_QUALITY);
        assert_eq!(fitted.encodes, 1);
    }

    #[test]
    fn a_tiny_source_is_reported_not_padded() {
        let img = RgbImage::from_pixel(200, 120, Rgb([240, 240, 240]));
        match fit_to_band(&img, 102_400, 5_000_000, None) {
            Err(FitError::TooSmall { bytes, quality }) => {
                assert!(bytes < 102_400);
                assert_eq!(quality, MAX_QUALITY);
            }
            other => panic!("expected TooSmall, got {other:?}"),
        }
    }

    #[test]
    fn a_source_too_big_at_the_lowest_quality_is_scaled_down_to_fit() {
        let img = noisy(1200, 900);
        let at_min = encode(&img, MIN_QUALITY, None).expect("encode").len() as u64;
        let max = at_min / 3;
        let fitted = fit_to_band(&img, 0, max, None).expect("fits");
        assert!(fitted.scaled_down);
        assert!(fitted.bytes.len() as u64 <= max);
        assert!(fitted.width < 1200 && fitted.height < 900);
        // Aspect ratio kept within a pixel.
        let aspect = f64::from(fitted.width) / f64::from(fitted.height);
        assert!((aspect - 4.0 / 3.0).abs() < 0.01);
    }

    #[test]
    fn the_dpi_is_written_into_the_jfif_header() {
        let img = noisy(64, 64);
        let bytes = encode(&img, 90, Some(300)).expect("encode");
        // SOI, APP0 "JFIF\0", version 1.x, units 1 (dpi), X density, Y density.
        assert_eq!(&bytes[0..4], &[0xFF, 0xD8, 0xFF, 0xE0]);
        assert_eq!(&bytes[6..11], b"JFIF\0");
        assert_eq!(bytes[13], 1);
        assert_eq!(u16::from_be_bytes([bytes[14], bytes[15]]), 300);
        assert_eq!(u16::from_be_bytes([bytes[16], bytes[17]]), 300);
    }
}
