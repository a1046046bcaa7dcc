//! Replaying a folder of images as if they were camera frames.
//!
//! Decides which files count (JPEG, PNG, WebP, TIFF, BMP by extension, in name order), the pace
//! (`fps`, time = frame index / fps, looping forever) and what happens to unreadable files (skipped;
//! the folder fails only when none is readable).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{CameraFrame, FrameSource, SourceError};
use crate::decode;

/// Replays `dir`'s images in name order, looping.
pub struct FolderReplay {
    dir: PathBuf,
    fps: f64,
    paced: bool,
    files: Option<Vec<PathBuf>>,
    next: usize,
    seq: u64,
    start: Option<Instant>,
}

/// The image files directly inside `dir`, in name order.
pub(crate) fn list_images(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .is_some_and(|e| {
                        matches!(
                            e.as_str(),
                            "jpg" | "jpeg" | "png" | "webp" | "tif" | "tiff" | "bmp"
                        )
                    })
        })
        .collect();
    files.sort();
    Ok(files)
}

impl FolderReplay {
    /// Replays the images of `dir` in name order, looping, at `fps` frames per second; `paced`
    /// sleeps between frames like a camera, otherwise frames come as fast as they are read.
    pub fn new(dir: PathBuf, fps: f64, paced: bool) -> Self {
        FolderReplay {
            dir,
            fps: if fps.is_finite() {
                fps.clamp(0.1, 120.0)
            } else {
                5.0
            },
            paced,
            files: None,
            next: 0,
            seq: 0,
            start: None,
        }
    }
}

impl FrameSource for FolderReplay {
    fn name(&self) -> String {
        format!("Folder {}", self.dir.display())
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.files.is_none() {
            let files = list_images(&self.dir).map_err(|e| {
                SourceError::Fatal(format!(
                    "cannot read the folder {}: {e}",
                    self.dir.display()
                ))
            })?;
            if files.is_empty() {
                return Err(SourceError::Fatal(format!(
                    "no images (JPEG, PNG, WebP, TIFF, BMP) in {}",
                    self.dir.display()
                )));
            }
            self.files = Some(files);
        }
        let files = self.files.as_deref().unwrap_or_default();
        let t = self.seq as f64 / self.fps;
        if self.paced {
            let start = *self.start.get_or_insert_with(Instant::now);
            let due = start + Duration::from_secs_f64(t);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        // Try each file at most once per call; skip the unreadable ones.
        for _ in 0..files.len() {
            let path = &files[self.next % files.len()];
            self.next = (self.next + 1) % files.len();
            if let Ok(photo) = decode::read_file(path) {
                let frame = CameraFrame {
                    image: Arc::new(photo.image),
                    seq: self.seq,
                    time_s: t,
                };
                self.seq += 1;
                return Ok(frame);
            }
        }
        Err(SourceError::Fatal(format!(
            "none of the images in {} can be read",
            self.dir.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_in_order_and_loops() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, shade) in [("b.png", 200u8), ("a.png", 100u8)] {
            let img = image::RgbImage::from_pixel(8, 6, image::Rgb([shade; 3]));
            img.save(dir.path().join(name)).expect("save");
        }
        std::fs::write(dir.path().join("c.jpg"), b"not a jpeg").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"ignored").expect("write");
        let mut src = FolderReplay::new(dir.path().to_path_buf(), 10.0, false);
        let shades: Vec<u8> = (0..4)
            .map(|_| src.next_frame().expect("frame").image.get_pixel(0, 0).0[0])
            .collect();
        assert_eq!(shades, [100, 200, 100, 200]);
        let f = src.next_frame().expect("frame");
        assert_eq!(f.seq, 4);
        assert!((f.time_s - 0.4).abs() < 1e-12);
    }

    #[test]
    fn empty_or_missing_folder_fails_clearly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut src = FolderReplay::new(dir.path().to_path_buf(), 10.0, false);
        let err = src.next_frame().expect_err("no images");
        assert!(matches!(err, SourceError::Fatal(ref m) if m.contains("no images")));
        let mut missing = FolderReplay::new(dir.path().join("nope"), 10.0, false);
        assert!(matches!(missing.next_frame(), Err(SourceError::Fatal(_))));
    }
}
