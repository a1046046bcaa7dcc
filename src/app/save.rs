//! `idcap capture -o`: a plain full-resolution JPG of the captured pixels (never mirrored), no
//! metadata, whatever its size — the calling program decides what to do with it.
//!
//! Only the capture subcommand writes through here; the app's "Export…" (live and review) goes
//! through `export_ui::ExportDialog` and `export::export_to_path` (portal presets, size band).

use std::path::Path;

use anyhow::Context;
use image::codecs::jpeg::JpegEncoder;

use crate::export::atomic::write_atomic;
use crate::quality::Frame;

/// JPEG quality of saved captures (0–100).
pub(crate) const JPEG_QUALITY: u8 = 92;

/// Writes `image` to `path` as a JPG, atomically (`export::atomic`). An existing file at `path` is
/// replaced: the calling program chose the name.
pub(crate) fn save_jpeg(path: &Path, image: &Frame) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(image)
        .context("cannot encode the photo as JPEG")?;
    write_atomic(path, &bytes, true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_a_readable_jpeg_at_full_size() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.jpg");
        let img = Frame::from_fn(64, 40, |x, y| image::Rgb([x as u8 * 4, y as u8 * 6, 128]));
        save_jpeg(&path, &img).expect("saved");
        let back = image::open(&path).expect("readable");
        assert_eq!((back.width(), back.height()), (64, 40));
        assert!(std::fs::read_dir(dir.path()).expect("dir").count() == 1);
    }

    #[test]
    fn an_existing_file_is_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.jpg");
        std::fs::write(&path, b"old").expect("seed");
        save_jpeg(&path, &Frame::new(8, 8)).expect("saved");
        assert!(image::open(&path).is_ok());
        assert!(std::fs::read_dir(dir.path()).expect("dir").count() == 1);
    }

    #[test]
    fn unwritable_path_is_an_error() {
        let img = Frame::new(4, 4);
        let err = save_jpeg(Path::new("/nonexistent-dir/x.jpg"), &img).expect_err("fails");
        assert!(err.to_string().contains("cannot write"));
    }
}
