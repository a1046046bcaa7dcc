//! Recognising a JPEG whose image data was cut short but which still decodes.
//!
//! Decides when a JPEG that the (lenient) decoder accepted is damaged: a file cut mid-scan and given
//! an end marker decodes "fine", even in the decoder's strict mode: the missing blocks are read
//! from zero bits, which repeats the last 8 × 8 block (or gives flat grey). Two steps, so an intact
//! photo costs almost nothing. First, the bottom-right corner of the decoded picture — the last
//! data a cut file loses — must repeat exactly with an 8- or 16-pixel period across (real photos
//! never do that, except where they are one flat colour). Only then is the file decoded
//! twice more, in grey, with different filler bytes put before its end marker: an intact file's
//! picture is complete before the filler, so both corners are the same; a cut file's missing
//! blocks are read from the filler, so its corners differ.

use image::RgbImage;
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::MAX_SIDE_PX;

/// Width of the bottom-right strip examined, pixels: two of the largest (16 × 16) MCUs.
const CORNER_PX: u32 = 32;
/// Height of that strip, pixels: one row of 8 × 8 blocks.
const STRIP_ROWS: u32 = 8;

/// Bytes of filler put before the end marker by each probe decode (a few hundred blocks' worth).
const FILLER_BYTES: usize = 256;

/// Whether `image` (decoded from the JPEG `bytes`, before orientation) is the decoder's filler for
/// image data that is missing from the file.
pub(crate) fn filled_after_a_cut(image: &RgbImage, bytes: &[u8]) -> bool {
    corner_repeats(image) && picture_depends_on_filler(bytes)
}

/// Whether the bottom-right strip — the last `STRIP_ROWS` rows, the last `CORNER_PX` columns —
/// repeats exactly with a period of 8 or 16 pixels across (compared with the strip `period`
/// pixels to its left). Only across: a cut late in the file leaves just the last row of blocks as
/// filler.
pub fn corner_repeats(image: &RgbImage) -> bool {
    let (w, h) = image.dimensions();
    if h < STRIP_ROWS {
        return false;
    }
    [8u32, 16].into_iter().any(|period| {
        w >= CORNER_PX + period
            && (h - STRIP_ROWS..h).all(|y| {
                (w - CORNER_PX..w).all(|x| image.get_pixel(x, y) == image.get_pixel(x - period, y))
            })
    })
}

/// Whether the bottom-right corner changes when different filler bytes are put before the end
/// marker. `false` when the file's layout is not understood or a probe does not decode.
fn picture_depends_on_filler(bytes: &[u8]) -> bool {
    let Some(end) = end_marker(bytes) else {
        return false;
    };
    let probe = |filler: u8| {
        let mut probe = Vec::with_capacity(bytes.len() + FILLER_BYTES);
        probe.extend_from_slice(bytes.get(..end)?);
        probe.extend(std::iter::repeat_n(filler, FILLER_BYTES));
        probe.extend_from_slice(bytes.get(end..)?);
        grey_corner(&probe)
    };
    // 0x00: the zero bits the decoder supplies anyway; 0x6B: bits that decode to other codes.
    match (probe(0x00), probe(0x6B)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

/// Offset of the end-of-image marker that closes the first scan: the first FF D9 after the first
/// start-of-scan segment (entropy-coded data cannot contain FF D9).
fn end_marker(bytes: &[u8]) -> Option<usize> {
    let mut i = 2;
    loop {
        let segment = bytes.get(i..i + 4)?;
        if segment[0] != 0xFF {
            return None;
        }
        if segment[1] == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([segment[2], segment[3]]));
        if segment[1] == 0xDA {
            let scan = i + 2 + len;
            let rest = bytes.get(scan..)?;
            return rest
                .windows(2)
                .position(|w| w == [0xFF, 0xD9])
                .map(|p| scan + p);
        }
        i += 2 + len;
    }
}

/// The bottom-right `CORNER_PX` square of the JPEG `bytes` decoded in grey (lenient mode, the
/// same as the first decode), or `None` if it does not decode.
fn grey_corner(bytes: &[u8]) -> Option<Vec<u8>> {
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(MAX_SIDE_PX as usize)
        .set_max_height(MAX_SIDE_PX as usize)
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let pixels = decoder.decode().ok()?;
    let (w, h) = decoder.dimensions()?;
    let corner = CORNER_PX as usize;
    if w < corner || h < corner || pixels.len() < w * h {
        return None;
    }
    let mut out = Vec::with_capacity(corner * corner);
    for y in h - corner..h {
        out.extend_from_slice(pixels.get(y * w + w - corner..y * w + w)?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A textured, colourful `w` × `h` JPEG at `quality`.
    fn textured_jpeg(w: u32, h: u32, quality: u8) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x / 3 + y / 5) as u8, (y * 3) as u8, ((x ^ y) % 256) as u8])
        });
        let mut out = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
        img.write_with_encoder(enc).expect("encode");
        out
    }

    /// `jpeg` cut after `fraction` of its bytes, with an end-of-image marker appended.
    fn cut_and_closed(jpeg: &[u8], fraction: f64) -> Vec<u8> {
        let mut cut = jpeg[..(jpeg.len() as f64 * fraction) as usize].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        cut
    }

    fn decoded(bytes: &[u8]) -> RgbImage {
        image::load_from_memory(bytes)
            .expect("the lenient decoder accepts it")
            .to_rgb8()
    }

    #[test]
    fn a_jpeg_cut_mid_scan_and_closed_is_recognised() {
        for (w, h, q) in [(640, 480, 90), (641, 483, 50), (200, 150, 75)] {
            let full = textured_jpeg(w, h, q);
            assert!(
                !filled_after_a_cut(&decoded(&full), &full),
                "{w}×{h} intact"
            );
            for fraction in [0.3, 0.5, 0.67, 0.9] {
                let cut = cut_and_closed(&full, fraction);
                assert!(
                    filled_after_a_cut(&decoded(&cut), &cut),
                    "{w}×{h} q{q} cut at {fraction}"
                );
            }
        }
    }

    #[test]
    fn a_flat_corner_alone_is_not_damage() {
        // A white margin repeats with every period; the filler probes clear it.
        let mut img = RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 60]));
        for y in 160..240 {
            for x in 0..320 {
                img.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
        let mut bytes = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90);
        img.write_with_encoder(enc).expect("encode");
        let d = decoded(&bytes);
        assert!(corner_repeats(&d), "the flat margin repeats");
        assert!(!filled_after_a_cut(&d, &bytes));
    }

    #[test]
    fn small_images_are_not_judged_by_their_corner() {
        let tiny = RgbImage::from_pixel(30, 30, image::Rgb([1, 2, 3]));
        assert!(!corner_repeats(&tiny));
    }
}
