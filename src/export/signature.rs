//! How idcap marks its own exports, so `check` does not warn about what idcap itself removed.
//!
//! Decides the mark and how it is recognised. An export carries no EXIF, XMP or comment, so the
//! mark lives inside the JFIF header every JPEG of idcap has: a 1 × 1 JFIF thumbnail whose one RGB
//! pixel is the bytes `SIGNATURE` ("idc"). A file is idcap's export when it starts with that JFIF
//! header and has no other APPn or COM segment before its image data: the structure idcap writes
//! and no camera does. (A person can forge the mark; it only silences the `no-camera-info`
//! warning, which is about camera data missing, and idcap removed it on purpose.)

/// The thumbnail pixel idcap writes (R, G, B).
pub const SIGNATURE: [u8; 3] = *b"idc";

/// Length field of a JFIF APP0 segment without a thumbnail (16) and with the 1 × 1 one (19).
const PLAIN_JFIF_LEN: usize = 16;
const SIGNED_JFIF_LEN: usize = PLAIN_JFIF_LEN + 3;

/// `jpeg` (as the encoder wrote it: SOI, then a JFIF APP0 without a thumbnail) with the mark in
/// its JFIF header. Any other layout is returned unchanged.
pub fn sign(jpeg: Vec<u8>) -> Vec<u8> {
    let plain = jpeg.get(0..4) == Some(&[0xFF, 0xD8, 0xFF, 0xE0])
        && jpeg.get(4..6) == Some(&[0, PLAIN_JFIF_LEN as u8])
        && jpeg.get(6..11) == Some(b"JFIF\0")
        && jpeg.get(18..20) == Some(&[0, 0]);
    if !plain {
        return jpeg;
    }
    let mut out = Vec::with_capacity(jpeg.len() + 3);
    out.extend_from_slice(&jpeg[..4]);
    out.extend_from_slice(&[0, SIGNED_JFIF_LEN as u8]);
    out.extend_from_slice(&jpeg[6..18]);
    out.extend_from_slice(&[1, 1]);
    out.extend_from_slice(&SIGNATURE);
    out.extend_from_slice(&jpeg[20..]);
    out
}

/// Whether `bytes` is a JPEG idcap exported: the signed JFIF header, then no APPn (EXIF, XMP,
/// ICC, …) or COM segment before the image data.
pub fn is_idcap_export(bytes: &[u8]) -> bool {
    let signed = bytes.get(0..4) == Some(&[0xFF, 0xD8, 0xFF, 0xE0])
        && bytes.get(4..6) == Some(&[0, SIGNED_JFIF_LEN as u8])
        && bytes.get(6..11) == Some(b"JFIF\0")
        && bytes.get(18..20) == Some(&[1, 1])
        && bytes.get(20..23) == Some(&SIGNATURE);
    if !signed {
        return false;
    }
    // Walk the segments up to the start of scan.
    let mut at = 4 + SIGNED_JFIF_LEN;
    loop {
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return false;
        };
        let metadata = (0xE0..=0xEF).contains(&marker) || marker == 0xFE;
        if metadata {
            return false;
        }
        if marker == 0xDA {
            return true;
        }
        let Some(len) = bytes
            .get(at + 2..at + 4)
            .map(|l| usize::from(l[0]) << 8 | usize::from(l[1]))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        at += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    fn plain_jpeg() -> Vec<u8> {
        let img = RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 7, y as u8 * 9, 90]));
        crate::export::jpeg::encode(&img, 90, None).unwrap_or_default()
    }

    #[test]
    fn a_signed_export_is_recognised_and_still_decodes() {
        let signed = crate::export::jpeg::encode(&RgbImage::new(32, 24), 90, Some(300));
        let signed = signed.unwrap_or_default();
        assert!(is_idcap_export(&signed));
        let img = image::load_from_memory(&signed).map(|i| i.to_rgb8());
        assert_eq!(img.map(|i| i.dimensions()).ok(), Some((32, 24)));
    }

    #[test]
    fn other_jpegs_are_not_taken_for_an_export() {
        // The encoder's own output is signed by `encode`; strip the mark to get a plain file.
        let signed = plain_jpeg();
        let mut plain = signed[..4].to_vec();
        plain.extend_from_slice(&[0, 16]);
        plain.extend_from_slice(&signed[6..18]);
        plain.extend_from_slice(&[0, 0]);
        plain.extend_from_slice(&signed[23..]);
        assert!(!is_idcap_export(&plain));
        assert!(is_idcap_export(&sign(plain.clone())));
        // The mark followed by a comment (or EXIF) is not what idcap writes.
        let mut commented = signed[..23].to_vec();
        commented.extend_from_slice(&[0xFF, 0xFE, 0, 7]);
        commented.extend_from_slice(b"hello");
        commented.extend_from_slice(&signed[23..]);
        assert!(!is_idcap_export(&commented));
        assert!(!is_idcap_export(b"\xFF\xD8"));
        assert!(!is_idcap_export(&[]));
    }
}
