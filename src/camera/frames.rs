//! Camera buffers to upright 8-bit RGB frames, with every size checked before a frame leaves the
//! camera thread.
//!
//! Decides how each pixel format is read (MJPEG through `image`; YUYV and NV12 converted here with
//! BT.601 limited-range coefficients, the webcam default), that a buffer whose length does not
//! match its format is cross-checked against the other YUV layout before it is refused (nokhwa's
//! AVFoundation backend labels NV12 buffers as YUYV), and what happens to an RGB buffer of the
//! wrong length: rows padded to a stride are de-strided, trailing padding shorter than a row is
//! cut, anything else is refused so it can never reach `egui::ColorImage::from_rgb`, which asserts.

use image::RgbImage;
use nokhwa::utils::FrameFormat;

/// Consecutive frames that fail to decode before the camera counts as lost. One corrupt MJPEG
/// frame is common right after a USB camera starts; ten in a row (a third of a second at 30 fps)
/// is not.
pub(crate) const MAX_CONSECUTIVE_DECODE_FAILURES: u32 = 10;

/// Why a buffer gave no frame.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub(crate) enum FrameProblem {
    #[error("the frame could not be decoded: {0}")]
    Decode(String),
    #[error("the frame has {got} bytes where {width}×{height} {format} needs {expected}")]
    WrongLength {
        format: String,
        width: u32,
        height: u32,
        expected: usize,
        got: usize,
    },
}

fn wrong(format: &str, width: u32, height: u32, expected: usize, got: usize) -> FrameProblem {
    FrameProblem::WrongLength {
        format: format.to_string(),
        width,
        height,
        expected,
        got,
    }
}

/// Bytes of a `width`×`height` image at `per_pixel` bytes a pixel (`None` when it overflows).
fn image_bytes(width: u32, height: u32, per_pixel: usize) -> Option<usize> {
    (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(per_pixel)
}

/// Bytes of a `width`×`height` NV12 image: a full-size luma plane, then interleaved Cb/Cr at half
/// resolution in both directions (rounded up).
fn nv12_bytes(width: u32, height: u32) -> Option<usize> {
    let chroma = (width as usize)
        .div_ceil(2)
        .checked_mul((height as usize).div_ceil(2))?;
    image_bytes(width, height, 1)?.checked_add(chroma.checked_mul(2)?)
}

/// Makes `data` exactly `width`×`height`×`per_pixel` bytes: equal is kept as is (no copy); rows
/// padded to a common stride (length a multiple of `height`) are de-strided; fewer extra bytes
/// than one row are cut from the end; anything else is refused.
pub(crate) fn fit_length(
    mut data: Vec<u8>,
    width: u32,
    height: u32,
    per_pixel: usize,
    format: &str,
) -> Result<Vec<u8>, FrameProblem> {
    let got = data.len();
    let Some(expected) = image_bytes(width, height, per_pixel) else {
        return Err(wrong(format, width, height, usize::MAX, got));
    };
    let row = expected / (height.max(1) as usize);
    if got == expected {
        return Ok(data);
    }
    if got < expected || expected == 0 {
        return Err(wrong(format, width, height, expected, got));
    }
    if got.is_multiple_of(height as usize) {
        let stride = got / height as usize;
        let mut out = Vec::with_capacity(expected);
        for y in 0..height as usize {
            let start = y * stride;
            out.extend_from_slice(data.get(start..start + row).unwrap_or_default());
        }
        if out.len() == expected {
            return Ok(out);
        }
        return Err(wrong(format, width, height, expected, got));
    }
    if got - expected < row {
        data.truncate(expected);
        return Ok(data);
    }
    Err(wrong(format, width, height, expected, got))
}

/// One BT.601 limited-range YCbCr sample to RGB, in integer arithmetic (16.16 fixed point).
#[inline]
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let c = (i32::from(y) - 16).max(0) * 76_309;
    let d = i32::from(cb) - 128;
    let e = i32::from(cr) - 128;
    let clamp = |v: i32| ((v + 32_768) >> 16).clamp(0, 255) as u8;
    [
        clamp(c + 104_597 * e),
        clamp(c - 25_675 * d - 53_279 * e),
        clamp(c + 132_201 * d),
    ]
}

/// YUYV 4:2:2 (Y0 Cb Y1 Cr per two pixels) to RGB. `data` must already be `width`×`height`×2.
fn yuyv_to_rgb(data: &[u8], width: u32, height: u32) -> Vec<u8> {
    let w = width as usize;
    let mut out = Vec::with_capacity(image_bytes(width, height, 3).unwrap_or(0));
    for line in data.chunks_exact((w * 2).max(1)).take(height as usize) {
        for x in 0..w {
            let pair = (x / 2) * 4;
            let at = |i: usize| line.get(i).copied().unwrap_or(128);
            out.extend_from_slice(&ycbcr_to_rgb(at(x * 2), at(pair + 1), at(pair + 3)));
        }
    }
    out
}

/// NV12 (a luma plane, then interleaved Cb Cr at half resolution) to RGB. Extra bytes after the
/// two planes are ignored; fewer are refused.
pub(crate) fn nv12_to_rgb(data: &[u8], width: u32, height: u32) -> Result<Vec<u8>, FrameProblem> {
    let expected = nv12_bytes(width, height).unwrap_or(usize::MAX);
    if data.len() < expected {
        return Err(wrong("NV12", width, height, expected, data.len()));
    }
    let (w, h) = (width as usize, height as usize);
    let (luma, chroma) = data.split_at(w * h);
    let chroma_row = w.div_ceil(2) * 2;
    let mut out = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        let luma_row = &luma[y * w..(y + 1) * w];
        let crow = &chroma[(y / 2) * chroma_row..(y / 2 + 1) * chroma_row];
        for (x, &l) in luma_row.iter().enumerate() {
            let i = (x / 2) * 2;
            out.extend_from_slice(&ycbcr_to_rgb(l, crow[i], crow[i + 1]));
        }
    }
    Ok(out)
}

/// Decodes one buffer of `format` announced as `width`×`height` into an RGB frame whose length
/// is checked. MJPEG frames keep the size their JPEG header says.
pub(crate) fn decode(
    format: FrameFormat,
    width: u32,
    height: u32,
    data: Vec<u8>,
) -> Result<RgbImage, FrameProblem> {
    let yuyv_len = image_bytes(width, height, 2);
    let nv12_len = nv12_bytes(width, height);
    let (rgb, width, height) = match format {
        FrameFormat::MJPEG => {
            let img = image::load_from_memory_with_format(&data, image::ImageFormat::Jpeg)
                .map_err(|e| FrameProblem::Decode(e.to_string()))?
                .into_rgb8();
            let (w, h) = img.dimensions();
            (img.into_raw(), w, h)
        }
        FrameFormat::YUYV | FrameFormat::NV12 => {
            // Trust the length over the label when it fits only the other layout.
            let len = Some(data.len());
            let as_nv12 = match format {
                FrameFormat::YUYV => len != yuyv_len && len == nv12_len,
                _ => len == nv12_len || len != yuyv_len,
            };
            if as_nv12 {
                (nv12_to_rgb(&data, width, height)?, width, height)
            } else {
                let data = fit_length(data, width, height, 2, "YUYV")?;
                (yuyv_to_rgb(&data, width, height), width, height)
            }
        }
        FrameFormat::RAWRGB => (data, width, height),
        FrameFormat::RAWBGR => {
            let mut data = fit_length(data, width, height, 3, "BGR")?;
            for px in data.chunks_exact_mut(3) {
                px.swap(0, 2);
            }
            (data, width, height)
        }
        FrameFormat::GRAY => {
            let data = fit_length(data, width, height, 1, "GRAY")?;
            (
                data.iter().flat_map(|&v| [v, v, v]).collect(),
                width,
                height,
            )
        }
    };
    let rgb = fit_length(rgb, width, height, 3, "RGB")?;
    RgbImage::from_raw(width, height, rgb).ok_or_else(|| wrong("RGB", width, height, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_rgb_is_kept_and_short_is_refused() {
        let data = vec![7u8; 4 * 2 * 3];
        let ptr = data.as_ptr();
        let kept = fit_length(data, 4, 2, 3, "RGB").unwrap();
        assert_eq!(kept.as_ptr(), ptr, "an exact buffer is not copied");
        let short = fit_length(vec![0; 23], 4, 2, 3, "RGB").unwrap_err();
        assert_eq!(
            short,
            FrameProblem::WrongLength {
                format: "RGB".into(),
                width: 4,
                height: 2,
                expected: 24,
                got: 23
            }
        );
    }

    #[test]
    fn strided_rows_are_destrided() {
        // 3×2 RGB with rows padded to 16 bytes: pixel bytes are 1..=9 in row 0, 101..=109 in row 1.
        let mut data = Vec::new();
        for base in [0u8, 100] {
            data.extend((1..=9).map(|v| base + v));
            data.extend([0xEE; 7]);
        }
        let out = fit_length(data, 3, 2, 3, "RGB").unwrap();
        let want: Vec<u8> = (1..=9).chain(101..=109).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn trailing_padding_under_a_row_is_cut_and_more_is_refused() {
        // 3×3 RGB (27 bytes) + 5 bytes: not a multiple of the height, less than a row (9).
        let mut data: Vec<u8> = (0..27).collect();
        data.extend([0xFF; 5]);
        assert_eq!(
            fit_length(data, 3, 3, 3, "RGB").unwrap(),
            (0..27).collect::<Vec<u8>>()
        );
        // 3×3 + 10 bytes: not a stride, more than a row: refused.
        let data = vec![0u8; 37];
        assert!(fit_length(data, 3, 3, 3, "RGB").is_err());
    }

    #[test]
    fn oversized_yuyv_never_yields_a_wrong_sized_frame() {
        // A 4×2 YUYV buffer with 16 extra bytes per row: de-strided, frame is exactly 4×2.
        let mut data = Vec::new();
        for _ in 0..2 {
            data.extend([128u8, 128, 128, 128].repeat(2));
            data.extend([0u8; 16]);
        }
        let img = decode(FrameFormat::YUYV, 4, 2, data).unwrap();
        assert_eq!(img.dimensions(), (4, 2));
        assert_eq!(img.as_raw().len(), 4 * 2 * 3);
    }

    #[test]
    fn yuv_colours_convert_with_bt601_limited_range() {
        assert_eq!(ycbcr_to_rgb(16, 128, 128), [0, 0, 0]);
        assert_eq!(ycbcr_to_rgb(235, 128, 128), [255, 255, 255]);
        // BT.601 red (R'G'B' 255,0,0) is Y 81, Cb 90, Cr 240.
        let [r, g, b] = ycbcr_to_rgb(81, 90, 240);
        assert!(r >= 253 && g <= 2 && b <= 2, "{r} {g} {b}");
        // YUYV: two pixels share Cb/Cr.
        let img = decode(FrameFormat::YUYV, 2, 1, vec![81, 90, 81, 240]).unwrap();
        assert_eq!(img.get_pixel(0, 0), img.get_pixel(1, 0));
        assert!(img.get_pixel(1, 0)[0] >= 253);
    }

    #[test]
    fn nv12_converts_each_quad_with_its_chroma() {
        // 4×2 NV12: left 2×2 block red, right block blue (BT.601 blue: Y 41, Cb 240, Cr 110).
        let luma = [81u8, 81, 41, 41, 81, 81, 41, 41];
        let chroma = [90u8, 240, 240, 110];
        let data: Vec<u8> = luma.iter().chain(chroma.iter()).copied().collect();
        let img = decode(FrameFormat::NV12, 4, 2, data.clone()).unwrap();
        for y in 0..2 {
            assert!(img.get_pixel(0, y)[0] >= 253 && img.get_pixel(1, y)[2] <= 2);
            assert!(img.get_pixel(3, y)[2] >= 250 && img.get_pixel(2, y)[0] <= 3);
        }
        // Odd sizes round the chroma up: 3×1 needs 3 + 2×2 bytes.
        assert_eq!(nv12_bytes(3, 1), Some(7));
        assert!(nv12_to_rgb(&[0; 6], 3, 1).is_err());
        assert_eq!(nv12_to_rgb(&[16; 7], 3, 1).unwrap().len(), 9);
        // Labelled YUYV but NV12-sized (AVFoundation): read as NV12.
        let relabelled = decode(FrameFormat::YUYV, 4, 2, data).unwrap();
        assert_eq!(relabelled, img);
    }

    #[test]
    fn a_corrupt_mjpeg_frame_is_a_decode_problem() {
        let err = decode(FrameFormat::MJPEG, 640, 480, vec![0xFF, 0xD8, 0, 1, 2]).unwrap_err();
        assert!(matches!(err, FrameProblem::Decode(_)));
        let mut jpeg = Vec::new();
        RgbImage::from_pixel(8, 6, image::Rgb([200, 10, 10]))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .unwrap();
        let img = decode(FrameFormat::MJPEG, 8, 6, jpeg).unwrap();
        assert_eq!(img.dimensions(), (8, 6));
    }

    #[test]
    fn grey_and_bgr_expand_to_rgb() {
        let img = decode(FrameFormat::GRAY, 2, 1, vec![10, 200]).unwrap();
        assert_eq!(img.as_raw(), &vec![10, 10, 10, 200, 200, 200]);
        let img = decode(FrameFormat::RAWBGR, 1, 1, vec![1, 2, 3]).unwrap();
        assert_eq!(img.as_raw(), &vec![3, 2, 1]);
        assert!(decode(FrameFormat::RAWRGB, 2, 2, vec![0; 5]).is_err());
    }
}
