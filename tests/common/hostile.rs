//! A generated corpus of hostile and odd image files (issue 16), each with the outcome it must get.
//!
//! Everything is built here, byte by byte where the encoders cannot help (lying headers, a CMYK or
//! progressive JPEG, a broken palette), so each file knows its true answer. Shared by the corpus
//! test, the fuzzer's seeds and `examples/hostile_corpus.rs`, which writes the files to a folder.

#![allow(dead_code)] // Each test binary that includes it uses a different part.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder, ImageFormat, Rgb, RgbImage};

/// What reading a corpus file must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Decodes, and the assessment runs.
    Decodes,
    /// A clear error from `decode`.
    Refused,
    /// Either is right (a damaged file some decoder still reads); what matters is no panic.
    Either,
}

/// One corpus file.
pub struct Sample {
    pub category: &'static str,
    /// A file name, unique in the corpus.
    pub name: String,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

fn sample(
    category: &'static str,
    name: impl Into<String>,
    bytes: Vec<u8>,
    expect: Expect,
) -> Sample {
    Sample {
        category,
        name: name.into(),
        bytes,
        expect,
    }
}

/// A `w` × `h` picture with texture in every channel (so encoders cannot shrink it to nothing).
pub fn textured(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        Rgb([
            (x * 3 + y) as u8,
            (y * 5 + x / 2) as u8,
            ((x ^ y) * 7) as u8,
        ])
    })
}

/// `img` encoded as a baseline JPEG at `quality`, with an EXIF block when given.
pub fn jpeg(img: &RgbImage, quality: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(e) = exif {
        enc.set_exif_metadata(e).expect("jpeg takes exif");
    }
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        ExtendedColorType::Rgb8,
    )
    .expect("encode jpeg");
    out
}

/// Raw pixels of colour type `colour` encoded in `format`.
pub fn encode(
    format: ImageFormat,
    w: u32,
    h: u32,
    pixels: &[u8],
    colour: ExtendedColorType,
) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::write_buffer_with_format(&mut out, pixels, w, h, colour, format).expect("encode");
    out.into_inner()
}

/// `img` in `format` (8-bit RGB).
pub fn rgb_file(format: ImageFormat, img: &RgbImage) -> Vec<u8> {
    encode(
        format,
        img.width(),
        img.height(),
        img.as_raw(),
        ExtendedColorType::Rgb8,
    )
}

/// EXIF (TIFF, little-endian) with one tag: Orientation = `value`.
pub fn exif_orientation(value: u16) -> Vec<u8> {
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

/// One PNG chunk: length, type, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
    out
}

/// A PNG from its IHDR fields and the chunks after IHDR (IEND is added).
pub fn png_from_chunks(w: u32, h: u32, depth: u8, colour_type: u8, chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[depth, colour_type, 0, 0, 0]);
    png.extend(png_chunk(b"IHDR", &ihdr));
    for c in chunks {
        png.extend_from_slice(c);
    }
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// zlib of `n` zero bytes (stored blocks: no compressor needed; fine for small `n`).
pub fn zlib_zeros(n: usize) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut left = n;
    loop {
        let len = left.min(65_535);
        left -= len;
        out.push(u8::from(left == 0));
        out.extend_from_slice(&(len as u16).to_le_bytes());
        out.extend_from_slice(&(!(len as u16)).to_le_bytes());
        out.extend(std::iter::repeat_n(0u8, len));
        if left == 0 {
            break;
        }
    }
    // Adler-32 of n zeros: a = 1, b = n (mod 65 521).
    let b = (n % 65_521) as u32;
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

/// A 1 × 1 palette PNG with a `palette_len`-byte PLTE (issue 16's crasher when it is 4).
pub fn palette_png(palette_len: usize) -> Vec<u8> {
    let plte = png_chunk(b"PLTE", &vec![90u8; palette_len]);
    let idat = png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01],
    );
    png_from_chunks(1, 1, 8, 3, &[plte, idat])
}

/// A JPEG of flat grey 8 × 8 blocks built by hand: `components` (1, 3 or 4; 4 with an Adobe
/// APP14 segment saying CMYK), baseline or progressive (a single DC scan). Every block is "DC
/// difference 0, end of block", one-bit codes each, so the scan is all zero bits.
pub fn handmade_flat_jpeg(w: u16, h: u16, components: u8, progressive: bool) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, body: &[u8]| {
        j.extend_from_slice(&[0xFF, marker]);
        j.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        j.extend_from_slice(body);
    };
    if components == 4 {
        // "Adobe", version 100, flags 0, 0, transform 0 (CMYK as is).
        segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x00");
    }
    let mut dqt = vec![0u8];
    dqt.extend([1u8; 64]);
    segment(0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.push(components);
    for c in 1..=components {
        sof.extend_from_slice(&[c, 0x11, 0]);
    }
    segment(if progressive { 0xC2 } else { 0xC0 }, &sof);
    // One DC table and one AC table, each with a single one-bit code for symbol 0.
    for class in [0x00u8, 0x10] {
        let mut dht = vec![class, 1];
        dht.extend([0u8; 15]);
        dht.push(0);
        segment(0xC4, &dht);
    }
    let mut sos = vec![components];
    for c in 1..=components {
        sos.extend_from_slice(&[c, 0x00]);
    }
    sos.extend_from_slice(&[0, if progressive { 0 } else { 63 }, 0]);
    segment(0xDA, &sos);
    let blocks = usize::from(w.div_ceil(8)) * usize::from(h.div_ceil(8)) * usize::from(components);
    let bits_per_block = if progressive { 1 } else { 2 };
    j.extend(std::iter::repeat_n(
        0u8,
        (blocks * bits_per_block).div_ceil(8),
    ));
    j.push(0xFF);
    j.push(0x00); // Stuffed padding byte: the decoder's fill bits are ones.
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

/// Overwrites the height and width of the first SOF segment of `jpeg`.
pub fn jpeg_with_size(mut jpeg: Vec<u8>, w: u16, h: u16) -> Vec<u8> {
    let at = jpeg
        .windows(2)
        .position(|m| m[0] == 0xFF && matches!(m[1], 0xC0..=0xC2))
        .expect("a SOF segment");
    jpeg[at + 5..at + 7].copy_from_slice(&h.to_be_bytes());
    jpeg[at + 7..at + 9].copy_from_slice(&w.to_be_bytes());
    jpeg
}

/// The corpus: every category of issue 16, at least 80 files, none over a few MB.
/// One long list on purpose: each file sits next to the outcome it must get, category by category.
pub fn corpus() -> Vec<Sample> {
    use Expect::{Decodes, Either, Refused};
    use ImageFormat as F;
    let mut c = Vec::new();
    let photo = textured(320, 240);
    let photo_jpeg = jpeg(&photo, 90, None);
    let photo_png = rgb_file(F::Png, &photo);
    let photo_webp = rgb_file(F::WebP, &photo);
    let photo_bmp = rgb_file(F::Bmp, &photo);
    let photo_tiff = rgb_file(F::Tiff, &photo);

    // Intact references, one per format.
    for (ext, bytes) in [
        ("jpg", &photo_jpeg),
        ("png", &photo_png),
        ("webp", &photo_webp),
        ("bmp", &photo_bmp),
        ("tif", &photo_tiff),
    ] {
        c.push(sample(
            "intact",
            format!("intact.{ext}"),
            bytes.clone(),
            Decodes,
        ));
    }

    // Truncated anywhere: no end marker, or data missing.
    for (ext, bytes) in [
        ("jpg", &photo_jpeg),
        ("png", &photo_png),
        ("webp", &photo_webp),
        ("bmp", &photo_bmp),
        ("tif", &photo_tiff),
    ] {
        for percent in [1usize, 10, 50, 90, 99] {
            let cut = bytes[..bytes.len() * percent / 100].to_vec();
            c.push(sample(
                "truncated",
                format!("cut-{percent}.{ext}"),
                cut,
                Refused,
            ));
        }
    }
    // Cut mid-scan and given an end marker: decodes leniently, refused as damaged.
    for percent in [30usize, 60, 85] {
        let mut cut = photo_jpeg[..photo_jpeg.len() * percent / 100].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        c.push(sample(
            "cut and closed",
            format!("closed-{percent}.jpg"),
            cut,
            Refused,
        ));
    }

    c.push(sample("zero-length", "empty.jpg", Vec::new(), Refused));
    c.push(sample("zero-length", "one-byte.png", vec![0x89], Refused));

    // Headers that lie about the size.
    let tiny = jpeg(&textured(16, 16), 50, None);
    c.push(sample(
        "lying header",
        "jpeg-16000x16000.jpg",
        jpeg_with_size(tiny.clone(), 16_000, 16_000),
        Refused,
    ));
    c.push(sample(
        "lying header",
        "jpeg-9000x9000.jpg",
        jpeg_with_size(tiny.clone(), 9_000, 9_000),
        Refused,
    ));
    c.push(sample(
        "lying header",
        "jpeg-0x16.jpg",
        jpeg_with_size(tiny.clone(), 0, 16),
        Refused,
    ));
    c.push(sample(
        "lying header",
        "jpeg-64x64-of-16.jpg",
        jpeg_with_size(tiny, 64, 64),
        Either,
    ));
    let idat_small = png_chunk(b"IDAT", &zlib_zeros(64));
    for (w, h) in [
        (30_000u32, 30_000u32),
        (16_384, 16_384),
        (5_000, 5_000),
        (0, 10),
        (u32::MAX, 1),
    ] {
        let png = png_from_chunks(w, h, 8, 2, std::slice::from_ref(&idat_small));
        c.push(sample(
            "lying header",
            format!("png-{w}x{h}.png"),
            png,
            Refused,
        ));
    }
    let mut bad_crc = photo_png.clone();
    bad_crc[29] ^= 0xFF; // Inside IHDR's CRC.
    c.push(sample("lying header", "png-bad-crc.png", bad_crc, Refused));
    let mut bmp_huge = photo_bmp.clone();
    bmp_huge[18..22].copy_from_slice(&20_000i32.to_le_bytes());
    bmp_huge[22..26].copy_from_slice(&(-20_000i32).to_le_bytes());
    c.push(sample(
        "lying header",
        "bmp-20000x20000.bmp",
        bmp_huge,
        Refused,
    ));
    let mut bmp_offset = photo_bmp.clone();
    bmp_offset[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
    c.push(sample(
        "lying header",
        "bmp-data-offset.bmp",
        bmp_offset,
        Refused,
    ));

    // Huge dimensions in a small file (the 16 384² zero PNG turned by EXIF orientation 6).
    let exif = png_chunk(b"eXIf", &exif_orientation(6));
    let rows = png_chunk(b"IDAT", &zlib_zeros(16_385 * 4));
    c.push(sample(
        "huge dimensions",
        "grey-16384x16384-orientation-6.png",
        png_from_chunks(16_384, 16_384, 8, 0, &[exif.clone(), rows.clone()]),
        Refused,
    ));
    c.push(sample(
        "huge dimensions",
        "grey-16384x6000.png",
        png_from_chunks(16_384, 6_000, 8, 0, &[exif, rows]),
        Refused,
    ));
    let wide = RgbImage::from_fn(6_000, 4_000, |x, y| {
        Rgb([(x / 24) as u8, (y / 16) as u8, ((x + y) / 40) as u8])
    });
    c.push(sample(
        "huge dimensions",
        "photo-6000x4000.jpg",
        jpeg(&wide, 85, None),
        Decodes,
    ));

    // Narrow shapes (issue 16's panics), upright or turned by EXIF.
    for (w, h) in [
        (1u32, 642u32),
        (1, 10_000),
        (2, 1_300),
        (1, 1),
        (3, 16_384),
        (642, 1),
    ] {
        let img = textured(w, h);
        c.push(sample(
            "narrow",
            format!("rgb-{w}x{h}.png"),
            rgb_file(F::Png, &img),
            Decodes,
        ));
    }
    c.push(sample(
        "narrow",
        "642x1-orientation-6.jpg",
        jpeg(&textured(642, 1), 90, Some(exif_orientation(6))),
        Decodes,
    ));
    c.push(sample(
        "narrow",
        "10000x2-orientation-8.jpg",
        jpeg(&textured(10_000, 2), 90, Some(exif_orientation(8))),
        Decodes,
    ));

    // Palettes, good and bad.
    let grey_ramp: Vec<u8> = (0..64 * 48).map(|i| (i % 256) as u8).collect();
    for len in [3usize, 48, 768] {
        c.push(sample(
            "palette",
            format!("plte-{len}.png"),
            palette_png(len),
            Decodes,
        ));
    }
    for len in [4usize, 0, 771, 1000] {
        c.push(sample(
            "palette",
            format!("plte-{len}-broken.png"),
            palette_png(len),
            Refused,
        ));
    }
    let trns = png_chunk(b"tRNS", &[0, 128]);
    let plte = png_chunk(b"PLTE", &[10, 20, 30, 200, 100, 50]);
    let idat = png_chunk(b"IDAT", &zlib_zeros(2 * 3));
    c.push(sample(
        "palette",
        "plte-trns-2x2-1bit.png",
        png_from_chunks(2, 2, 1, 3, &[plte.clone(), trns, idat.clone()]),
        Decodes,
    ));
    c.push(sample(
        "palette",
        "palette-without-plte.png",
        png_from_chunks(2, 2, 1, 3, &[idat]),
        Refused,
    ));

    // Deep, grey and alpha pixels.
    let rgb16: Vec<u8> = photo.as_raw().iter().flat_map(|&v| [v, v ^ 0x5A]).collect();
    c.push(sample(
        "16-bit",
        "rgb16.png",
        encode(F::Png, 320, 240, &rgb16, ExtendedColorType::Rgb16),
        Decodes,
    ));
    c.push(sample(
        "16-bit",
        "rgb16.tif",
        encode(F::Tiff, 320, 240, &rgb16, ExtendedColorType::Rgb16),
        Decodes,
    ));
    let grey16: Vec<u8> = grey_ramp.iter().flat_map(|&v| [v, 0]).collect();
    c.push(sample(
        "16-bit",
        "grey16.png",
        encode(F::Png, 64, 48, &grey16, ExtendedColorType::L16),
        Decodes,
    ));
    let rgba16: Vec<u8> = grey_ramp
        .iter()
        .flat_map(|&v| [v, 0, 255 - v, 0, v, 1, 255, 255])
        .collect();
    c.push(sample(
        "16-bit",
        "rgba16.png",
        encode(F::Png, 64, 48, &rgba16, ExtendedColorType::Rgba16),
        Decodes,
    ));
    c.push(sample(
        "grey",
        "grey.png",
        encode(F::Png, 64, 48, &grey_ramp, ExtendedColorType::L8),
        Decodes,
    ));
    c.push(sample(
        "grey",
        "grey.jpg",
        encode(F::Jpeg, 64, 48, &grey_ramp, ExtendedColorType::L8),
        Decodes,
    ));
    c.push(sample(
        "grey",
        "grey.tif",
        encode(F::Tiff, 64, 48, &grey_ramp, ExtendedColorType::L8),
        Decodes,
    ));
    c.push(sample(
        "grey",
        "grey.bmp",
        encode(F::Bmp, 64, 48, &grey_ramp, ExtendedColorType::L8),
        Decodes,
    ));
    for depth in [1u8, 2, 4] {
        let row_bytes = (64 * usize::from(depth)).div_ceil(8) + 1;
        let idat = png_chunk(b"IDAT", &zlib_zeros(row_bytes * 48));
        c.push(sample(
            "grey",
            format!("grey-{depth}bit.png"),
            png_from_chunks(64, 48, depth, 0, &[idat]),
            Decodes,
        ));
    }
    let rgba: Vec<u8> = photo
        .pixels()
        .flat_map(|p| [p[0], p[1], p[2], p[0] ^ p[1]])
        .collect();
    for (name, format) in [
        ("rgba.png", F::Png),
        ("rgba.webp", F::WebP),
        ("rgba.bmp", F::Bmp),
        ("rgba.tif", F::Tiff),
    ] {
        c.push(sample(
            "alpha",
            name,
            encode(format, 320, 240, &rgba, ExtendedColorType::Rgba8),
            Decodes,
        ));
    }
    let la: Vec<u8> = grey_ramp.iter().flat_map(|&v| [v, 255 - v]).collect();
    c.push(sample(
        "alpha",
        "grey-alpha.png",
        encode(F::Png, 64, 48, &la, ExtendedColorType::La8),
        Decodes,
    ));

    // JPEG variants the encoder cannot write: built by hand.
    c.push(sample(
        "cmyk jpeg",
        "cmyk.jpg",
        handmade_flat_jpeg(64, 48, 4, false),
        Decodes,
    ));
    c.push(sample(
        "cmyk jpeg",
        "cmyk-1000x700.jpg",
        handmade_flat_jpeg(1_000, 700, 4, false),
        Decodes,
    ));
    c.push(sample(
        "progressive",
        "progressive-dc.jpg",
        handmade_flat_jpeg(64, 48, 3, true),
        Decodes,
    ));
    c.push(sample(
        "progressive",
        "progressive-grey.jpg",
        handmade_flat_jpeg(200, 120, 1, true),
        Decodes,
    ));
    let handmade = handmade_flat_jpeg(640, 480, 3, true);
    c.push(sample(
        "progressive",
        "progressive-cut.jpg",
        handmade[..handmade.len() / 2].to_vec(),
        Refused,
    ));

    // EXIF orientations, valid and not, and broken EXIF blocks.
    let small = textured(60, 40);
    for o in 0..=9u16 {
        c.push(sample(
            "exif orientation",
            format!("orientation-{o}.jpg"),
            jpeg(&small, 90, Some(exif_orientation(o))),
            Decodes,
        ));
    }
    c.push(sample(
        "exif orientation",
        "orientation-65535.jpg",
        jpeg(&small, 90, Some(exif_orientation(65_535))),
        Decodes,
    ));
    let mut ifd_past_end = exif_orientation(6);
    ifd_past_end[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    c.push(sample(
        "exif orientation",
        "exif-ifd-past-end.jpg",
        jpeg(&small, 90, Some(ifd_past_end)),
        Decodes,
    ));
    let mut ifd_loop = exif_orientation(6);
    let next = ifd_loop.len() - 4;
    ifd_loop[next..].copy_from_slice(&8u32.to_le_bytes()); // The next IFD is itself.
    c.push(sample(
        "exif orientation",
        "exif-ifd-loop.jpg",
        jpeg(&small, 90, Some(ifd_loop)),
        Decodes,
    ));
    c.push(sample(
        "exif orientation",
        "exif-truncated.jpg",
        jpeg(&small, 90, Some(b"II*\0\x08".to_vec())),
        Decodes,
    ));
    c.push(sample(
        "exif orientation",
        "orientation-6.webp",
        {
            let mut out = Cursor::new(Vec::new());
            let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            enc.set_exif_metadata(exif_orientation(6))
                .expect("webp takes exif");
            enc.write_image(small.as_raw(), 60, 40, ExtendedColorType::Rgb8)
                .expect("encode webp");
            out.into_inner()
        },
        Decodes,
    ));

    // Not images at all, or formats idcap does not read.
    c.push(sample(
        "non-image",
        "notes.txt.jpg",
        b"Passport scan, see attachment".to_vec(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "page.html.png",
        b"<!DOCTYPE html><html><body>404</body></html>".to_vec(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "archive.zip.jpg",
        b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "program.elf.jpg",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "noise.jpg",
        (0..4_096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "gif.gif",
        // A 1 × 1 GIF (the `gif` feature is off: written by hand).
        b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff,\0\0\0\0\x01\0\x01\0\0\x02\x02D\x01\0;"
            .to_vec(),
        Refused,
    ));
    c.push(sample(
        "non-image",
        "soi-only.jpg",
        vec![0xFF, 0xD8, 0xFF],
        Refused,
    ));
    c.push(sample(
        "non-image",
        "png-signature-only.png",
        b"\x89PNG\r\n\x1a\n".to_vec(),
        Refused,
    ));
    c.push(sample(
        "heic/pdf magic",
        "photo.heic",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
        Refused,
    ));
    c.push(sample(
        "heic/pdf magic",
        "photo.avif",
        b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf".to_vec(),
        Refused,
    ));
    c.push(sample(
        "heic/pdf magic",
        "scan.pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
        Refused,
    ));

    // Odd but valid: trailers, a JPEG inside a JPEG's EXIF, restart-free tiny images.
    let mut trailer = photo_jpeg.clone();
    trailer.extend_from_slice(b"SEFHtrailer after the end marker");
    c.push(sample(
        "odd but valid",
        "samsung-trailer.jpg",
        trailer,
        Decodes,
    ));
    c.push(sample(
        "odd but valid",
        "1x1.jpg",
        jpeg(&textured(1, 1), 90, None),
        Decodes,
    ));
    c.push(sample(
        "odd but valid",
        "1x1.webp",
        rgb_file(F::WebP, &textured(1, 1)),
        Decodes,
    ));
    c
}
