//! JPEG encoding to a size band.
//!
//! Decides the JPEG quality: the highest quality in `MIN_QUALITY..=MAX_QUALITY` whose file fits the
//! preset's byte band, found by binary search (file size grows with quality) — on the photo itself
//! up to `SAMPLE_ABOVE_PX`, above it on a sample of its rows, confirmed by one or two full encodes.
//! A source too small to reach the band's minimum even at `MAX_QUALITY` is reported, never padded;
//! a source too large at `MIN_QUALITY` is scaled down (`scale`; the only pixel change idcap ever
//! makes) until it fits.
//!
//! The encoder is given pixels only, so the file carries no EXIF, GPS, XMP, comments or maker notes:
//! just the JFIF header (with the pixel density when known, and idcap's mark: `signature`) and the
//! image.

use image::RgbImage;
use image::codecs::jpeg::{JpegEncoder, PixelDensity};

use super::preset::{MAX_QUALITY, MIN_QUALITY};

/// Why no JPEG in the band could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FitError {
    /// Even at `MAX_QUALITY` the file has only `bytes` bytes.
    TooSmall { bytes: u64, quality: u8 },
    /// The encoder refused (for example a side over 65 535 pixels).
    Encode(String),
    /// No quality lands inside the band (it is narrower than one quality step).
    NoQualityFits,
}

/// A JPEG that fits the band.
#[derive(Debug, Clone)]
pub(crate) struct Fitted {
    pub(crate) bytes: Vec<u8>,
    /// The JPEG quality used (1–100).
    pub(crate) quality: u8,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// True when the photo had to be scaled down to fit `max_bytes`.
    pub(crate) scaled_down: bool,
    /// How many times the whole picture was encoded (the sample's encodes are not counted: they
    /// cost a few per cent of one).
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "read only by the unit tests so far")
    )]
    pub(crate) full_encodes: u32,
}

/// Encodes `image` at `quality` with an optional dots-per-inch header and idcap's mark
/// (`signature::sign`).
pub(crate) fn encode(image: &RgbImage, quality: u8, dpi: Option<u16>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(d) = dpi {
        enc.set_pixel_density(PixelDensity::dpi(d));
    }
    enc.encode_image(image).map_err(|e| e.to_string())?;
    Ok(super::signature::sign(out))
}

/// Above this many pixels the quality is first estimated on a sample of the photo (every n-th band
/// of 16 rows, about `SAMPLE_PX` pixels), then confirmed with one full encode, two when the sample
/// cannot tell (`SAMPLE_MARGIN`). Smaller photos are searched exactly on the full image.
pub(crate) const SAMPLE_ABOVE_PX: u64 = 4_000_000;
/// Pixels in the estimation sample.
const SAMPLE_PX: u64 = 1_500_000;
/// How far the predicted size of the next quality up may be off, as a fraction (0.01 = 1 %): that
/// quality is encoded in full only when its prediction is within this margin of the limit,
/// otherwise it is taken not to fit. The prediction is the sample's projection corrected by how far
/// the projection of the confirmed quality missed its full encode (the sample overshoots by about
/// 1 %, the seams between its bands, nearly the same at neighbouring qualities): on the synthetic
/// 64 MP photo of `examples/export_timing` that puts it within 0.2 %. So the chosen quality is the highest that fits unless the
/// prediction is off by more than this; the file always fits, as every returned file is a full
/// encode that was measured.
const SAMPLE_MARGIN: f64 = 0.01;

/// The highest-quality JPEG of `image` with `min_bytes ≤ size ≤ max_bytes`.
pub(crate) fn fit_to_band(
    image: &RgbImage,
    min_bytes: u64,
    max_bytes: u64,
    dpi: Option<u16>,
) -> Result<Fitted, FitError> {
    fit_with_sampling(image, min_bytes, max_bytes, dpi, SAMPLE_ABOVE_PX, SAMPLE_PX)
}

/// `fit_to_band` with the sampling thresholds as parameters (tests use small images).
fn fit_with_sampling(
    image: &RgbImage,
    min_bytes: u64,
    max_bytes: u64,
    dpi: Option<u16>,
    sample_above_px: u64,
    sample_px: u64,
) -> Result<Fitted, FitError> {
    let mut encodes = 0;
    let mut scaled: Option<RgbImage> = None;
    for _ in 0..6 {
        let img = scaled.as_ref().unwrap_or(image);
        let estimate = if pixels(img) > sample_above_px {
            match estimate_quality(img, max_bytes, dpi, sample_px)? {
                Ok(e) => Some(e),
                Err(projected_low) => {
                    // Too big even at the lowest quality, by the sample: shrink without the
                    // full-size encode that would only confirm it.
                    scaled = Some(shrink_to_fit(img, max_bytes, projected_low));
                    continue;
                }
            }
        } else {
            None
        };
        let mut run = |q: u8| {
            encodes += 1;
            encode(img, q, dpi).map_err(FitError::Encode)
        };
        let found = match estimate {
            Some(e) => confirm_quality(e, max_bytes, &mut run)?,
            None => search_quality(max_bytes, &mut run)?,
        };
        let (quality, bytes) = match found {
            Ok(fit) => fit,
            Err(low_bytes) => {
                scaled = Some(shrink_to_fit(img, max_bytes, low_bytes));
                continue;
            }
        };
        if (bytes.len() as u64) < min_bytes {
            return Err(if quality == MAX_QUALITY {
                FitError::TooSmall {
                    bytes: bytes.len() as u64,
                    quality,
                }
            } else {
                FitError::NoQualityFits
            });
        }
        let (width, height) = img.dimensions();
        return Ok(Fitted {
            bytes,
            quality,
            width,
            height,
            scaled_down: scaled.is_some(),
            full_encodes: encodes,
        });
    }
    Err(FitError::NoQualityFits)
}

/// `img` scaled down so that a file of `low_bytes` at `MIN_QUALITY` would shrink under `max_bytes`:
/// the area shrinks by the overshoot, plus 10 %, and always by at least 5 % a side.
fn shrink_to_fit(img: &RgbImage, max_bytes: u64, low_bytes: u64) -> RgbImage {
    let factor = ((max_bytes as f64 / low_bytes.max(1) as f64) * 0.9)
        .sqrt()
        .min(0.95);
    let (w, h) = img.dimensions();
    let nw = ((f64::from(w) * factor).round() as u32).max(1);
    let nh = ((f64::from(h) * factor).round() as u32).max(1);
    super::scale::shrink(img, nw, nh)
}

fn pixels(img: &RgbImage) -> u64 {
    u64::from(img.width()) * u64::from(img.height())
}

type Encoded = Result<Vec<u8>, FitError>;

/// A quality and its file, or (`Err`) the file size at `MIN_QUALITY`, bytes, when even that is
/// too big.
type Search = Result<(u8, Vec<u8>), u64>;

/// Exact binary search: the highest quality in `MIN_QUALITY..=MAX_QUALITY` whose file is at most
/// `max_bytes`.
fn search_quality(max_bytes: u64, run: &mut dyn FnMut(u8) -> Encoded) -> Result<Search, FitError> {
    let top = run(MAX_QUALITY)?;
    if top.len() as u64 <= max_bytes {
        return Ok(Ok((MAX_QUALITY, top)));
    }
    let low = run(MIN_QUALITY)?;
    if low.len() as u64 > max_bytes {
        return Ok(Err(low.len() as u64));
    }
    // Invariant: `lo` fits, `hi` does not.
    let (mut lo, mut hi, mut lo_bytes) = (MIN_QUALITY, MAX_QUALITY, low);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let b = run(mid)?;
        if b.len() as u64 <= max_bytes {
            lo = mid;
            lo_bytes = b;
        } else {
            hi = mid;
        }
    }
    Ok(Ok((lo, lo_bytes)))
}

/// What the sample says about the whole photo.
#[derive(Clone, Copy, Debug)]
struct Estimate {
    /// The highest quality whose projected file fits.
    quality: u8,
    /// The projected file size at `quality`, bytes.
    projected: u64,
    /// The projected file size one quality step up, bytes (`None` at `MAX_QUALITY`).
    next_projected: Option<u64>,
}

/// Estimates the highest fitting quality from a sample of `image`'s rows, scaling the sample's
/// file sizes by the pixel ratio: `Ok(estimate)`, or `Err(bytes)` with the whole image's projected
/// size at `MIN_QUALITY` when even that is too big.
fn estimate_quality(
    image: &RgbImage,
    max_bytes: u64,
    dpi: Option<u16>,
    sample_px: u64,
) -> Result<Result<Estimate, u64>, FitError> {
    let (w, h) = image.dimensions();
    let step = (pixels(image).div_ceil(sample_px)).max(1) as u32;
    const BAND: u32 = 16;
    let bands: Vec<u32> = (0..h / BAND).filter(|b| b % step == step / 2).collect();
    if bands.is_empty() {
        return Ok(Ok(Estimate {
            quality: MAX_QUALITY,
            projected: 0,
            next_projected: None,
        }));
    }
    let mut sample = RgbImage::new(w, bands.len() as u32 * BAND);
    let row = w as usize * 3;
    let band_bytes = BAND as usize * row;
    for (dst, b) in sample.chunks_exact_mut(band_bytes).zip(&bands) {
        let from = (b * BAND) as usize * row;
        if let Some(src) = image.as_raw().get(from..from + band_bytes) {
            dst.copy_from_slice(src);
        }
    }
    let ratio = pixels(image) as f64 / pixels(&sample) as f64;
    let scaled_max = (max_bytes as f64 / ratio) as u64;
    // Sample file size by quality, as the search encodes them.
    let mut sizes = [None::<u64>; MAX_QUALITY as usize + 1];
    let mut run = |q: u8| {
        let bytes = encode(&sample, q, dpi).map_err(FitError::Encode)?;
        if let Some(s) = sizes.get_mut(usize::from(q)) {
            *s = Some(bytes.len() as u64);
        }
        Ok(bytes)
    };
    let found = search_quality(scaled_max, &mut run)?;
    let project = |bytes: u64| (bytes as f64 * ratio) as u64;
    Ok(match found {
        Ok((quality, bytes)) => Ok(Estimate {
            quality,
            projected: project(bytes.len() as u64),
            // The search encoded the step above whenever it stopped below `MAX_QUALITY`.
            next_projected: sizes
                .get(usize::from(quality) + 1)
                .copied()
                .flatten()
                .map(project),
        }),
        Err(low_bytes) => Err(project(low_bytes)),
    })
}

/// From an estimate, finds the highest fitting quality with full encodes: down until it fits;
/// then up while the next one still fits, unless the sample, corrected by the first full encode,
/// puts the next one clearly over the limit (`SAMPLE_MARGIN`).
fn confirm_quality(
    estimate: Estimate,
    max_bytes: u64,
    run: &mut dyn FnMut(u8) -> Encoded,
) -> Result<Search, FitError> {
    let mut q = estimate.quality.clamp(MIN_QUALITY, MAX_QUALITY);
    let mut bytes = run(q)?;
    if bytes.len() as u64 > max_bytes {
        // The estimate was optimistic: walk down (rarely more than a step or two).
        loop {
            if q == MIN_QUALITY {
                return Ok(Err(bytes.len() as u64));
            }
            q -= 1;
            bytes = run(q)?;
            if bytes.len() as u64 <= max_bytes {
                return Ok(Ok((q, bytes)));
            }
        }
    }
    // `q` is still the estimated quality here: the walk down above returns.
    let correction = if estimate.projected > 0 {
        bytes.len() as f64 / estimate.projected as f64
    } else {
        1.0
    };
    let clearly_over = estimate
        .next_projected
        .is_some_and(|p| p as f64 * correction > max_bytes as f64 * (1.0 + SAMPLE_MARGIN));
    if clearly_over {
        return Ok(Ok((q, bytes)));
    }
    while q < MAX_QUALITY {
        let next = run(q + 1)?;
        if next.len() as u64 > max_bytes {
            break;
        }
        q += 1;
        bytes = next;
    }
    Ok(Ok((q, bytes)))
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
        assert!(fitted.full_encodes <= 8, "{} encodes", fitted.full_encodes);
    }

    #[test]
    fn the_sampled_estimate_lands_on_the_same_quality_as_the_exact_search() {
        // Sampling thresholds scaled down with the image: 0.96 MP sampled at 0.2 MP.
        let img = noisy(1200, 800);
        let at_max = encode(&img, MAX_QUALITY, None).expect("encode").len() as u64;
        let max = at_max / 2;
        let fitted = fit_with_sampling(&img, 0, max, None, 500_000, 200_000).expect("fits");
        assert!(fitted.bytes.len() as u64 <= max);
        let above = encode(&img, fitted.quality + 1, None).expect("encode");
        assert!(
            above.len() as u64 > max,
            "quality {} + 1 still fits",
            fitted.quality
        );
        let mut encodes = 0;
        let exact = search_quality(max, &mut |q| {
            encodes += 1;
            encode(&img, q, None).map_err(FitError::Encode)
        })
        .expect("search")
        .expect("fits");
        assert_eq!(fitted.quality, exact.0);
        // One full encode confirms the estimate, at most one more settles the step above; the
        // exact search needed several.
        assert!(
            fitted.full_encodes <= 2,
            "{} full encodes",
            fitted.full_encodes
        );
        assert!(encodes > 2, "{encodes}");
    }

    #[test]
    fn a_photo_that_already_fits_keeps_the_top_quality() {
        let img = noisy(300, 200);
        let fitted = fit_to_band(&img, 1_000, 50_000_000, None).expect("fits");
        assert_eq!(fitted.quality, MAX_QUALITY);
        assert_eq!(fitted.full_encodes, 1);
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
    fn a_large_photo_too_big_at_the_lowest_quality_is_shrunk_from_the_sample_alone() {
        // Sampling thresholds scaled down with the image, so both the photo and its shrunk copy
        // take the sampled path.
        let img = noisy(1200, 900);
        let at_min = encode(&img, MIN_QUALITY, None).expect("encode").len() as u64;
        let max = at_min / 3;
        let fitted = fit_with_sampling(&img, 0, max, None, 100_000, 40_000).expect("fits");
        assert!(fitted.scaled_down);
        assert!(fitted.bytes.len() as u64 <= max);
        // No full encode of the photo that was known to be too big; one or two of the shrunk one.
        assert!(
            fitted.full_encodes <= 2,
            "{} full encodes",
            fitted.full_encodes
        );
    }

    #[test]
    fn the_step_above_is_encoded_only_when_the_corrected_prediction_cannot_rule_it_out() {
        // Scripted sizes: quality → file bytes; the calls are recorded.
        let confirm = |sizes: &[(u8, usize)], estimate: Estimate| {
            let mut calls = Vec::new();
            let found = confirm_quality(estimate, 1_000, &mut |q| {
                calls.push(q);
                let n = sizes.iter().find(|s| s.0 == q).map_or(5_000, |s| s.1);
                Ok(vec![0; n])
            })
            .expect("no encoder error")
            .map(|(q, b)| (q, b.len()));
            (found, calls)
        };
        let estimate = Estimate {
            quality: 80,
            projected: 1_000,
            next_projected: Some(1_050),
        };
        // The projection was right at 80, so 81 is predicted 5 % over: not encoded.
        let (found, calls) = confirm(&[(80, 1_000)], estimate);
        assert_eq!(found, Ok((80, 1_000)));
        assert_eq!(calls, [80]);
        // The projection overshot by 5 % at 80, so 81 may fit: encoded, and it does.
        let (found, calls) = confirm(&[(80, 950), (81, 999), (82, 1_040)], estimate);
        assert_eq!(found, Ok((81, 999)));
        assert_eq!(calls, [80, 81, 82]);
        // Too big at the estimate: walk down, and report the size at the lowest quality.
        let low = Estimate {
            quality: MIN_QUALITY + 1,
            ..estimate
        };
        let (found, calls) = confirm(&[(MIN_QUALITY, 1_200)], low);
        assert_eq!(found, Err(1_200));
        assert_eq!(calls, [MIN_QUALITY + 1, MIN_QUALITY]);
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
