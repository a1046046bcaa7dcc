//! Synthetic photo files for the export and review tests: phone-like JPEGs with EXIF (orientation,
//! GPS, camera, software), a JPEG comment and XMP, and a walker over a JPEG's marker segments.

#![allow(dead_code)]

use exif::{Field, In, Tag, Value};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, Rgb, RgbImage};

/// A raw EXIF block (TIFF header onwards) with camera make/model, software, an orientation and GPS.
pub fn phone_exif(orientation: u16, software: &str) -> Vec<u8> {
    let fields = [
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"samsung".to_vec()]),
        },
        Field {
            tag: Tag::Model,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"SM-G991B".to_vec()]),
        },
        Field {
            tag: Tag::Software,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![software.as_bytes().to_vec()]),
        },
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![(48, 1).into(), (51, 1).into(), (30, 1).into()]),
        },
    ];
    let mut w = exif::experimental::Writer::new();
    for f in &fields {
        w.push_field(f);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    w.write(&mut out, false).expect("write exif");
    out.into_inner()
}

/// A landscape scene as the sensor stored it: a light card on a dark desk, a red marker square in
/// the stored image's top-left corner and a blue one in its top-right, plus texture so the file is
/// large enough for the size band.
pub fn sensor_scene(w: u32, h: u32) -> RgbImage {
    let mut state = 0x9e37_79b9u32;
    let (cx0, cy0, cx1, cy1) = (w / 8, h / 5, w * 7 / 8, h * 4 / 5);
    RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x1f) as u8;
        let m = w / 20;
        if x < m && y < m {
            Rgb([230, 20, 20])
        } else if x >= w - m && y < m {
            Rgb([20, 20, 230])
        } else if (cx0..cx1).contains(&x) && (cy0..cy1).contains(&y) {
            Rgb([200 + noise / 2, 190 + noise / 2, 170 + noise / 2])
        } else {
            Rgb([40 + noise, 60 + noise, 50 + noise])
        }
    })
}

/// Encodes `img` as a JPEG carrying `exif`, then inserts a COM comment and an XMP APP1 segment after
/// the SOI marker, the way phone and editor files carry them.
pub fn jpeg_with_metadata(img: &RgbImage, exif: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut out, 92);
    enc.set_exif_metadata(exif).expect("exif accepted");
    enc.write_image(
        img.as_raw(),
        img.width(),
        img.height(),
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode");
    let mut extra = Vec::new();
    let comment = b"secret comment: taken at home";
    extra.extend_from_slice(&[0xFF, 0xFE]);
    extra.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    extra.extend_from_slice(comment);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta><GPSLatitude>48,51.5N</GPSLatitude></x:xmpmeta>");
    extra.extend_from_slice(&[0xFF, 0xE1]);
    extra.extend_from_slice(&((xmp.len() + 2) as u16).to_be_bytes());
    extra.extend_from_slice(&xmp);
    out.splice(2..2, extra);
    out
}

/// The markers of a JPEG's segments before the image data (SOS), with their payloads.
pub fn segments(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "bad marker at {i}");
        let marker = jpeg[i + 1];
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        out.push((marker, jpeg[i + 4..i + 2 + len].to_vec()));
        if marker == 0xDA {
            break;
        }
        i += 2 + len;
    }
    out
}

/// A decompression bomb: a valid PNG header (CRC included) claiming 30 000 × 30 000 pixels (2.7 GB
/// of RGB) and no image data.
pub fn png_bomb() -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&30_000u32.to_be_bytes());
    chunk.extend_from_slice(&30_000u32.to_be_bytes());
    chunk.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&crc32fast::hash(&chunk).to_be_bytes());
    png
}
