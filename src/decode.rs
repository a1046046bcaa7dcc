//! Reading image files into frames.
//!
//! Decides what a readable photo is: a regular file (not a folder, device or pipe) of at most
//! `MAX_FILE_BYTES`, in JPEG, PNG, WebP, TIFF or BMP, of at most `MAX_PIXELS` pixels and
//! `MAX_SIDE_PX` on a side, whose pixel count is plausible for its byte size, decoded with the
//! decoder's own allocation limits so a header that lies about its size cannot exhaust memory.
//! Files the decoders would accept although they are damaged (a JPEG cut short and given an end
//! marker, `jpeg_damage`) or would panic on (`png_chunks`) are refused with a clear error. EXIF
//! orientation is applied, so every frame is upright, and the raw EXIF block is kept for the
//! metadata flags.

pub mod jpeg_damage;
pub(crate) mod png_chunks;

use std::io::Read;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use thiserror::Error;

/// Largest file read, bytes (200 MB: far above any phone photo).
pub(crate) const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;
/// Largest accepted width or height, pixels (a 50 MP phone photo is about 8 200 × 6 100).
pub(crate) const MAX_SIDE_PX: u32 = 16_384;
/// Most pixels an image may have, before or after EXIF orientation (which keeps the count):
/// 64 million (a 50 MP phone photo, 8 160 × 6 120, fits). Decoded to RGB and turned upright that
/// is at most 384 MB; export of a 100 MP file needed over 1 GB. README states this number.
pub(crate) const MAX_PIXELS: u64 = 64_000_000;
/// Most memory the decoder may allocate, bytes: `MAX_PIXELS` of 8-bit RGBA fits; 16-bit RGBA of
/// that size does not and is refused as too large.
pub(crate) const MAX_DECODE_ALLOC: u64 = 420 * 1024 * 1024;
/// Pixel count, above which the file's byte size must be plausible for it (16 MP).
pub(crate) const PLAUSIBILITY_FLOOR_PIXELS: u64 = 16_000_000;
/// Most pixels per file byte above `PLAUSIBILITY_FLOOR_PIXELS`: a photo of 16 MP or more
/// compresses to well under 1 000 pixels per byte (a phone JPEG is about 5–20; even an RGB PNG of
/// one flat colour stays under 350, deflate's ceiling), so a 10 KB file claiming 16 000 × 16 000
/// (25 600 pixels per byte) is refused before any pixel is allocated.
pub(crate) const MAX_PIXELS_PER_BYTE: u64 = 1_000;

/// Why a file could not be read; the text is shown to people as is.
#[derive(Debug, Error)]
pub enum DecodeError {
    /// The file could not be opened or read.
    #[error("cannot open the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file is bigger than 200 MB (its size in bytes).
    #[error("the file is {0} bytes; files over 200 MB are not read")]
    FileTooLarge(u64),
    /// The path is not a regular file (a folder, a device); names what it is.
    #[error("this is {0}, not a photo file; choose a JPEG or PNG file")]
    NotAFile(&'static str),
    /// A known image format idcap does not read (HEIC, RAW, …); names it.
    #[error("{0} files are not supported: export or save the photo as JPEG or PNG")]
    UnsupportedFormat(&'static str),
    /// The bytes are not an image in any format idcap knows.
    #[error("not an image file (JPEG, PNG, WebP, TIFF or BMP expected)")]
    NotAnImage,
    /// The image is over `MAX_SIDE_PX` pixels on a side.
    #[error(
        "the image is {width} × {height} pixels; images over {MAX_SIDE_PX} pixels on a side are not read"
    )]
    TooLarge {
        /// Width, pixels.
        width: u32,
        /// Height, pixels.
        height: u32,
    },
    /// The image has over `MAX_PIXELS` pixels.
    #[error(
        "the image is {width} × {height} pixels; images over {} million pixels are not read",
        MAX_PIXELS / 1_000_000
    )]
    TooManyPixels {
        /// Width, pixels.
        width: u32,
        /// Height, pixels.
        height: u32,
    },
    /// The header claims more pixels than the file's size can hold (a damaged file or a
    /// decompression bomb).
    #[error(
        "the file claims {width} × {height} pixels but holds only {bytes} bytes; it is damaged or \
         made to exhaust memory"
    )]
    ImplausibleSize {
        /// Claimed width, pixels.
        width: u32,
        /// Claimed height, pixels.
        height: u32,
        /// The file's size, bytes.
        bytes: usize,
    },
    /// The decoder gave up part way; the decoder's message.
    #[error("the image is damaged or truncated: {0}")]
    Corrupt(String),
    /// The decoder accepted the file, but part of the picture is missing (`jpeg_damage`).
    #[error("The photo file is damaged — take it again ({0})")]
    Damaged(&'static str),
}

/// A decoded, upright photo and what its file said about itself.
#[derive(Clone)]
pub struct Photo {
    /// The pixels, upright (EXIF orientation applied), 8-bit RGB.
    pub image: RgbImage,
    /// The file's format (JPEG, PNG, …).
    pub format: ImageFormat,
    /// The raw EXIF block (TIFF header onwards), when the file has one.
    pub exif: Option<Vec<u8>>,
    /// The embedded ICC colour profile, when the file has one (export converts to sRGB with it).
    pub icc_profile: Option<Vec<u8>>,
    /// The file is a JPEG idcap exported (`export::signature`): its camera data was removed on
    /// purpose.
    pub idcap_export: bool,
}

/// Reads and decodes an image file: `read_bytes`, then `decode_bytes`.
pub fn read_file(path: &Path) -> Result<Photo, DecodeError> {
    let bytes = read_bytes(path)?;
    decode_bytes(&bytes)
}

/// Reads the bytes of a photo file: only a regular file (following symbolic links), of at most
/// `MAX_FILE_BYTES`. Both are checked before reading, so a pipe never blocks and `/dev/zero` is
/// never read; the read itself stops one byte past the cap in case the file grows meanwhile.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, DecodeError> {
    let before = std::fs::metadata(path)?;
    check_regular(&before)?;
    let file = std::fs::File::open(path)?;
    // The file opened may not be the one looked at (replaced in between): judge it again.
    let meta = file.metadata()?;
    check_regular(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    let len = bytes.len() as u64;
    if len > MAX_FILE_BYTES {
        return Err(DecodeError::FileTooLarge(len));
    }
    Ok(bytes)
}

/// Refuses anything but a regular file within `MAX_FILE_BYTES`.
fn check_regular(meta: &std::fs::Metadata) -> Result<(), DecodeError> {
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(DecodeError::NotAFile("a folder"));
    }
    if !kind.is_file() {
        return Err(DecodeError::NotAFile(special_file_kind(&kind)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(DecodeError::FileTooLarge(meta.len()));
    }
    Ok(())
}

#[cfg(unix)]
fn special_file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_file_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Decodes an image held in memory.
pub fn decode_bytes(bytes: &[u8]) -> Result<Photo, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(name) = known_unsupported(bytes) {
        return Err(DecodeError::UnsupportedFormat(name));
    }
    let format = image::guess_format(bytes).map_err(|_| DecodeError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Tiff
            | ImageFormat::Bmp
    ) {
        return Err(DecodeError::UnsupportedFormat(format_name(format)));
    }
    if format == ImageFormat::Png
        && let Err(problem) = png_chunks::check(bytes)
    {
        return Err(DecodeError::Corrupt(problem.to_string()));
    }
    if format == ImageFormat::Jpeg && jpeg_is_truncated(bytes) {
        return Err(DecodeError::Corrupt(
            "the JPEG ends before its image data does (the file was cut short)".into(),
        ));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(map_image_error)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX {
        return Err(DecodeError::TooLarge { width, height });
    }
    if width == 0 || height == 0 {
        return Err(DecodeError::Corrupt("the image has no pixels".into()));
    }
    check_pixel_count(width, height, bytes.len())?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let exif = decoder.exif_metadata().ok().flatten();
    let icc_profile = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(map_image_error)?;
    let image = image.into_rgb8();
    if format == ImageFormat::Jpeg && jpeg_damage::filled_after_a_cut(&image, bytes) {
        return Err(DecodeError::Damaged(
            "its image data stops part-way and the rest of the picture is filler",
        ));
    }
    Ok(Photo {
        image: orient(image, orientation),
        format,
        exif,
        icc_profile,
        idcap_export: format == ImageFormat::Jpeg
            && crate::export::signature::is_idcap_export(bytes),
    })
}

/// Refuses an image over `MAX_PIXELS`, or one whose pixel count is implausible for the `file_bytes`
/// it came in (see `MAX_PIXELS_PER_BYTE`). EXIF orientation only swaps the sides, so the count
/// checked here is the upright image's too.
fn check_pixel_count(width: u32, height: u32, file_bytes: usize) -> Result<(), DecodeError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(DecodeError::TooManyPixels { width, height });
    }
    if pixels > PLAUSIBILITY_FLOOR_PIXELS && pixels / MAX_PIXELS_PER_BYTE > file_bytes as u64 {
        return Err(DecodeError::ImplausibleSize {
            width,
            height,
            bytes: file_bytes,
        });
    }
    Ok(())
}

/// Applies an EXIF orientation to RGB pixels. Same result as `DynamicImage::apply_orientation`, but
/// copies in 64 × 64 tiles: a phone's portrait photo (orientation 6) is a 90° turn, and the per-pixel
/// turn took 160–230 ms on a 12 MP frame, more than decoding it.
fn orient(image: RgbImage, orientation: image::metadata::Orientation) -> RgbImage {
    use image::metadata::Orientation as O;
    let (w, h) = image.dimensions();
    let (wi, hi) = (w as isize, h as isize);
    // Every orientation maps output (x, y) to a source byte offset `origin + x·dx + y·dy`; the output
    // is w × h, or h × w for the quarter turns.
    let (out_w, out_h, origin, dx, dy) = match orientation {
        O::NoTransforms => return image,
        O::Rotate90 => (h, w, (hi - 1) * wi, -wi, 1),
        O::Rotate180 => (w, h, (hi - 1) * wi + wi - 1, -1, -wi),
        O::Rotate270 => (h, w, wi - 1, wi, -1),
        O::FlipHorizontal => (w, h, wi - 1, -1, wi),
        O::FlipVertical => (w, h, (hi - 1) * wi, 1, -wi),
        O::Rotate90FlipH => (h, w, 0, wi, 1),
        O::Rotate270FlipH => (h, w, (hi - 1) * wi + wi - 1, -wi, -1),
    };
    const TILE: usize = 64;
    // Whole pixels ([u8; 3]): one bounds check and one 3-byte copy per pixel.
    let (src, _) = image.as_raw().as_chunks::<3>();
    let mut out = RgbImage::new(out_w, out_h);
    let (ow, oh) = (out_w as usize, out_h as usize);
    let (dst, _) = out.as_chunks_mut::<3>();
    for ty in (0..oh).step_by(TILE) {
        for tx in (0..ow).step_by(TILE) {
            for y in ty..(ty + TILE).min(oh) {
                let mut s = origin + tx as isize * dx + y as isize * dy;
                let row = &mut dst[y * ow + tx..y * ow + (tx + TILE).min(ow)];
                for px in row {
                    if let Some(p) = src.get(s as usize) {
                        *px = *p;
                    }
                    s += dx;
                }
            }
        }
    }
    out
}

fn map_image_error(e: image::ImageError) -> DecodeError {
    use image::ImageError;
    match e {
        ImageError::Limits(_) => DecodeError::Corrupt(
            "the image needs more memory than allowed (its header may claim a huge size)".into(),
        ),
        ImageError::Unsupported(u) => DecodeError::Corrupt(u.to_string()),
        ImageError::IoError(io) => DecodeError::Corrupt(io.to_string()),
        other => DecodeError::Corrupt(other.to_string()),
    }
}

/// Whether a JPEG stops before its end-of-image marker. The decoder fills a cut-off scan with grey
/// and reports success, so a half-downloaded photo would otherwise be scored. Walks the marker
/// segments to the first start-of-scan (skipping APP1, where an EXIF thumbnail carries its own end
/// marker) and looks for FF D9 after it; entropy-coded data cannot contain FF D9. Bytes after the
/// end marker (Samsung trailers) are allowed.
fn jpeg_is_truncated(bytes: &[u8]) -> bool {
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return false; // Not a layout this check understands; let the decoder judge.
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // Fill byte.
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if marker == 0xDA {
            let scan = i + 2 + len;
            // From the end: a whole file ends with it (or with a short trailer), so this is a few
            // comparisons instead of a pass over megabytes of scan data.
            return !bytes
                .get(scan..)
                .is_some_and(|rest| rest.windows(2).rev().any(|w| w == [0xFF, 0xD9]));
        }
        i += 2 + len;
    }
    true
}

/// Formats people often try that idcap cannot read, recognised by their first bytes.
fn known_unsupported(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        return Some("PDF");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        if [
            b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Some("HEIC");
        }
        if brand == b"avif" || brand == b"avis" {
            return Some("AVIF");
        }
    }
    None
}

fn format_name(f: ImageFormat) -> &'static str {
    match f {
        ImageFormat::Gif => "GIF",
        ImageFormat::Avif => "AVIF",
        ImageFormat::Ico => "ICO",
        ImageFormat::Tga => "TGA",
        ImageFormat::Hdr => "HDR",
        ImageFormat::OpenExr => "OpenEXR",
        ImageFormat::Pnm => "PNM",
        ImageFormat::Dds => "DDS",
        ImageFormat::Qoi => "QOI",
        ImageFormat::Farbfeld => "Farbfeld",
        _ => "These",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
        let mut out = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        img.write_with_encoder(enc).expect("encode");
        out
    }

    #[test]
    fn a_jpeg_decodes() {
        let p = decode_bytes(&jpeg(64, 48)).expect("decodes");
        assert_eq!(p.image.dimensions(), (64, 48));
        assert_eq!(p.format, ImageFormat::Jpeg);
    }

    #[test]
    fn every_exif_orientation_matches_the_image_crate() {
        use image::metadata::Orientation as O;
        let img = RgbImage::from_fn(7, 4, |x, y| {
            image::Rgb([x as u8, y as u8, (x * 10 + y) as u8])
        });
        for o in [
            O::NoTransforms,
            O::Rotate90,
            O::Rotate180,
            O::Rotate270,
            O::FlipHorizontal,
            O::FlipVertical,
            O::Rotate90FlipH,
            O::Rotate270FlipH,
        ] {
            let mut expected = DynamicImage::ImageRgb8(img.clone());
            expected.apply_orientation(o);
            assert_eq!(orient(img.clone(), o), expected.into_rgb8(), "{o:?}");
        }
    }

    #[test]
    fn bad_inputs_get_clear_errors() {
        assert!(matches!(decode_bytes(b""), Err(DecodeError::Empty)));
        assert!(matches!(
            decode_bytes(b"hello, this is text"),
            Err(DecodeError::NotAnImage)
        ));
        assert!(matches!(
            decode_bytes(b"%PDF-1.7 ..."),
            Err(DecodeError::UnsupportedFormat("PDF"))
        ));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert!(matches!(
            decode_bytes(heic),
            Err(DecodeError::UnsupportedFormat("HEIC"))
        ));
        let full = jpeg(64, 48);
        let truncated = &full[..full.len() / 3];
        assert!(decode_bytes(truncated).is_err());
        // Cut inside the image data: the decoder alone would fill the rest with grey.
        let big = {
            let img = RgbImage::from_fn(640, 480, |x, y| image::Rgb([x as u8, y as u8, 7]));
            let mut out = Vec::new();
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
            img.write_with_encoder(enc).expect("encode");
            out
        };
        let err = decode_bytes(&big[..big.len() * 2 / 3])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("cut short"), "{err}");
        let mut trailer = big.clone();
        trailer.extend_from_slice(b"SEFHtrailer data after the end marker");
        assert!(decode_bytes(&trailer).is_ok());
    }

    #[test]
    fn a_header_claiming_30000_pixels_is_refused_without_allocating() {
        // A PNG header (IHDR) for 30 000 × 30 000 RGB with no image data.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&30_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&(ihdr.len() as u32).to_be_bytes());
        let mut chunk = b"IHDR".to_vec();
        chunk.extend_from_slice(&ihdr);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32fast::hash(&chunk).to_be_bytes());
        let err = decode_bytes(&png)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("30000") || err.contains("memory"), "{err}");
    }

    /// EXIF (TIFF, little-endian) with one tag: Orientation = `value`.
    fn exif_orientation(value: u16) -> Vec<u8> {
        let mut e = b"II*\0".to_vec();
        e.extend_from_slice(&8u32.to_le_bytes());
        e.extend_from_slice(&1u16.to_le_bytes());
        e.extend_from_slice(&0x0112u16.to_le_bytes());
        e.extend_from_slice(&3u16.to_le_bytes());
        e.extend_from_slice(&1u32.to_le_bytes());
        e.extend_from_slice(&u32::from(value).to_le_bytes());
        e.extend_from_slice(&0u32.to_le_bytes());
        e
    }

    #[test]
    fn exif_orientation_is_applied() {
        use image::ImageEncoder;
        // 60 × 40, red on the left half; orientation 6 means "rotate 90° clockwise to display".
        let mut img = RgbImage::from_pixel(60, 40, image::Rgb([0, 0, 255]));
        for y in 0..40 {
            for x in 0..30 {
                img.put_pixel(x, y, image::Rgb([255, 0, 0]));
            }
        }
        let mut out = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
        enc.set_exif_metadata(exif_orientation(6)).expect("exif");
        enc.write_image(img.as_raw(), 60, 40, image::ExtendedColorType::Rgb8)
            .expect("encode");
        let p = decode_bytes(&out).expect("decodes");
        assert_eq!(p.image.dimensions(), (40, 60), "rotated upright");
        // After a clockwise turn the red left half is on top.
        let top = p.image.get_pixel(20, 5);
        let bottom = p.image.get_pixel(20, 55);
        assert!(top[0] > 200 && top[2] < 60, "{top:?}");
        assert!(bottom[2] > 200 && bottom[0] < 60, "{bottom:?}");
        assert!(p.exif.is_some());
    }

    #[test]
    fn the_pixel_limit_and_the_plausibility_floor() {
        // 8 000 × 8 000 is exactly the limit; a real photo that size is megabytes.
        assert!(check_pixel_count(8_000, 8_000, 5_000_000).is_ok());
        assert!(matches!(
            check_pixel_count(8_001, 8_000, 5_000_000),
            Err(DecodeError::TooManyPixels { .. })
        ));
        // Over 16 MP, fewer than one byte per 1 000 pixels is a lie; under it, anything goes.
        assert!(matches!(
            check_pixel_count(5_000, 5_000, 24_999),
            Err(DecodeError::ImplausibleSize { .. })
        ));
        assert!(check_pixel_count(5_000, 5_000, 25_000).is_ok());
        assert!(check_pixel_count(4_000, 4_000, 100).is_ok());
        let text = DecodeError::TooManyPixels {
            width: 9,
            height: 9,
        }
        .to_string();
        assert!(text.contains("64 million"), "{text}");
    }
}
