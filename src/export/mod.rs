//! Compliant JPG export: from an upright photo (a reviewed file or a captured frame) and its quality
//! report to a file a portal accepts.
//!
//! Decides what an exported file is: the original pixels (full frame), or the deskewed document crop
//! with its dots per inch in the JPEG header; encoded at the highest JPEG quality that fits the
//! preset's byte band; with no metadata at all (EXIF, GPS, XMP, comments and maker notes are never
//! copied — the orientation is already in the pixels because `decode` applied it); written atomically
//! and never over an existing file unless asked. Colour: the file is untagged, which viewers and portals
//! read as sRGB, so a photo with another embedded profile (Display P3) is converted to sRGB first
//! (`export_with_profile`, `colour::to_srgb`).
//!
//! Pure apart from `export_to_path`'s write; safe to run on any thread.

pub(crate) mod atomic;
pub(crate) mod colour;
pub(crate) mod deskew;
pub(crate) mod jpeg;
pub(crate) mod preset;
pub(crate) mod scale;
pub mod signature;

use std::path::{Path, PathBuf};

use image::RgbImage;

pub(crate) use atomic::WriteError;
pub use preset::{ExportPreset, human_bytes};

use crate::quality::Report;

/// What part of the photo is exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Layout {
    /// The whole photo, document and margin, original pixels.
    #[default]
    FullFrame,
    /// The document only, perspective-corrected to its own aspect ratio.
    DeskewedCrop,
}

impl Layout {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Layout::FullFrame => "Full photo (document with a margin)",
            Layout::DeskewedCrop => "Document only, straightened (deskewed crop)",
        }
    }
}

/// Why an export did not produce a file. The text is shown to people as is.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The document crop was asked for but no document was found.
    #[error(
        "no document was found in the photo, so there is nothing to crop; export the full photo instead"
    )]
    NoDocument,
    /// The photo cannot reach the preset's smallest file size even at the highest JPEG quality.
    #[error(
        "the photo is too small for \"{preset}\": even at JPEG quality {quality} it is only {}, and \
         the portal needs at least {}. Retake it at a higher resolution (idcap does not pad files)",
        human_bytes(*bytes),
        human_bytes(*min_bytes)
    )]
    TooSmall {
        /// The preset's name (`kyc-portal`).
        preset: &'static str,
        /// The file size at `quality`, bytes.
        bytes: u64,
        /// The preset's smallest accepted file, bytes.
        min_bytes: u64,
        /// The JPEG quality (1–100) that gave `bytes`.
        quality: u8,
    },
    /// No JPEG quality (1–100) gives a file inside the preset's size band.
    #[error("no JPEG quality gives a file between {band}")]
    NoQualityFits {
        /// The accepted size band, as people read it.
        band: String,
    },
    /// The JPEG encoder failed; its message.
    #[error("cannot encode the JPEG: {0}")]
    Encode(String),
    /// Writing the file failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// An encoded file, ready to write.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The JPEG file's bytes.
    pub bytes: Vec<u8>,
    /// Width of the encoded picture, pixels.
    pub width: u32,
    /// Height of the encoded picture, pixels.
    pub height: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
    /// Dots per inch written in the header (the crop only).
    pub dpi: Option<u16>,
    /// Things the person should know about the file ("scaled down to fit 5 MB").
    pub notes: Vec<String>,
}

/// Encodes `image` (upright, as decoded) for `preset`. `report` is the photo's quality report; the crop
/// needs its document.
pub fn render(
    image: &RgbImage,
    report: Option<&Report>,
    preset: &ExportPreset,
    layout: Layout,
) -> Result<Rendered, ExportError> {
    let mut notes = Vec::new();
    let crop;
    let (source, dpi) = match layout {
        Layout::FullFrame => (image, None),
        Layout::DeskewedCrop => {
            let doc = report
                .and_then(|r| r.document.as_ref())
                .ok_or(ExportError::NoDocument)?;
            crop = deskew::deskew(image, &doc.quad, doc.kind).ok_or(ExportError::NoDocument)?;
            if crop.source_dpi < preset::CROP_TARGET_DPI {
                notes.push(format!(
                    "The document has only {:.0} dpi in this photo ({:.0} wanted); the crop keeps \
                     its own resolution rather than inventing detail. Move closer for a sharper crop.",
                    crop.source_dpi,
                    preset::CROP_TARGET_DPI
                ));
            }
            (&crop.image, Some(crop.dpi))
        }
    };
    let fitted = jpeg::fit_to_band(source, preset.min_bytes, preset.max_bytes, dpi).map_err(
        |e| match e {
            jpeg::FitError::TooSmall { bytes, quality } => ExportError::TooSmall {
                preset: preset.name,
                bytes,
                min_bytes: preset.min_bytes,
                quality,
            },
            jpeg::FitError::Encode(s) => ExportError::Encode(s),
            jpeg::FitError::NoQualityFits => ExportError::NoQualityFits {
                band: preset.band_text(),
            },
        },
    )?;
    let mut dpi = dpi;
    if fitted.scaled_down {
        let (w, _) = source.dimensions();
        notes.push(format!(
            "Scaled down from {}×{} to {}×{} pixels to stay under {}.",
            source.width(),
            source.height(),
            fitted.width,
            fitted.height,
            human_bytes(preset.max_bytes)
        ));
        // The header must describe the pixels actually written.
        if let Some(d) = dpi {
            let scaled = (f64::from(d) * f64::from(fitted.width) / f64::from(w)).round() as u16;
            dpi = Some(scaled.max(1));
            if let Ok(bytes) = rewrite_dpi(fitted.bytes.clone(), scaled.max(1)) {
                return Ok(Rendered {
                    bytes,
                    width: fitted.width,
                    height: fitted.height,
                    quality: fitted.quality,
                    dpi,
                    notes,
                });
            }
        }
    }
    Ok(Rendered {
        bytes: fitted.bytes,
        width: fitted.width,
        height: fitted.height,
        quality: fitted.quality,
        dpi,
        notes,
    })
}

/// Patches the density fields of the JFIF header that `jpeg::encode` writes first in the file.
fn rewrite_dpi(mut bytes: Vec<u8>, dpi: u16) -> Result<Vec<u8>, ()> {
    if bytes.len() > 18 && bytes[0..4] == [0xFF, 0xD8, 0xFF, 0xE0] && &bytes[6..11] == b"JFIF\0" {
        bytes[13] = 1;
        bytes[14..16].copy_from_slice(&dpi.to_be_bytes());
        bytes[16..18].copy_from_slice(&dpi.to_be_bytes());
        Ok(bytes)
    } else {
        Err(())
    }
}

/// A file written by `export_to_path`.
#[derive(Debug, Clone)]
pub struct Exported {
    /// Where the file was written.
    pub path: PathBuf,
    /// The file's size, bytes.
    pub size_bytes: u64,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) quality: u8,
    pub(crate) dpi: Option<u16>,
    /// What the export did that the person should know (converted to sRGB, scaled down, …).
    pub notes: Vec<String>,
}

impl Exported {
    /// One line for people: "wrote a.jpg: 1080×1920, 1.4 MB, JPEG quality 100".
    pub fn summary(&self) -> String {
        let dpi = self.dpi.map(|d| format!(", {d} dpi")).unwrap_or_default();
        format!(
            "wrote {}: {}×{}, {}, JPEG quality {}{dpi}; camera data (EXIF, GPS, comments) left out on purpose",
            self.path.display(),
            self.width,
            self.height,
            human_bytes(self.size_bytes),
            self.quality
        )
    }
}

/// Without `overwrite`, an existing `path` is an error before any work is done; with it, anything
/// but a regular file in its place (a folder, a device, a pipe) is.
fn refuse_existing(path: &Path, overwrite: bool) -> Result<(), ExportError> {
    Ok(atomic::check_target(path, overwrite)?)
}

/// Renders and writes atomically to `path`. Without `overwrite` an existing file is never replaced.
pub fn export_to_path(
    image: &RgbImage,
    report: Option<&Report>,
    preset: &ExportPreset,
    layout: Layout,
    path: &Path,
    overwrite: bool,
) -> Result<Exported, ExportError> {
    refuse_existing(path, overwrite)?;
    let r = render(image, report, preset, layout)?;
    atomic::write_atomic(path, &r.bytes, overwrite)?;
    Ok(Exported {
        path: path.to_path_buf(),
        size_bytes: r.bytes.len() as u64,
        width: r.width,
        height: r.height,
        quality: r.quality,
        dpi: r.dpi,
        notes: r.notes,
    })
}

/// `export_to_path` for pixels decoded from a file with the embedded ICC profile `icc`: converted to
/// sRGB first when that profile is not sRGB (a note says so). A profile that cannot be used leaves
/// the pixels as they are, with a note.
pub fn export_with_profile(
    image: &RgbImage,
    icc: Option<&[u8]>,
    report: Option<&Report>,
    preset: &ExportPreset,
    layout: Layout,
    path: &Path,
    overwrite: bool,
) -> Result<Exported, ExportError> {
    refuse_existing(path, overwrite)?;
    let (converted, note) = match icc.map(|p| colour::to_srgb(image, p)) {
        Some(Ok(Some(c))) => (
            Some(c),
            Some(
                "Colours converted to sRGB from the photo's own colour profile (the exported file \
                 carries no profile, and untagged files are read as sRGB)."
                    .to_string(),
            ),
        ),
        Some(Err(e)) => (
            None,
            Some(format!("{e}; the colours are exported as they are.")),
        ),
        Some(Ok(None)) | None => (None, None),
    };
    let mut exported = export_to_path(
        converted.as_ref().unwrap_or(image),
        report,
        preset,
        layout,
        path,
        overwrite,
    )?;
    exported.notes.extend(note);
    Ok(exported)
}

/// The warning shown before exporting a photo that fails checks, or `None` when it passes:
/// "This photo fails 2 checks a portal may reject it for: Photo too blurry (…); Reflection detected (…)".
pub(crate) fn failure_warning(report: &Report) -> Option<String> {
    let failing = report.failing_checks();
    if failing.is_empty() {
        return None;
    }
    let n = failing.len();
    let list: Vec<String> = failing
        .iter()
        .map(|c| {
            if c.message.is_empty() {
                format!("{} ({})", c.portal, c.id.as_str())
            } else {
                format!("{} ({}): {}", c.portal, c.id.as_str(), c.message)
            }
        })
        .collect();
    Some(format!(
        "This photo fails {n} check{} a portal may reject it for:\n- {}",
        if n == 1 { "" } else { "s" },
        list.join("\n- ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::{Check, CheckId, Document, DocumentKind, Point, Quad};

    fn report_with(quad: Option<Quad>, failing: &[CheckId]) -> Report {
        Report {
            width: 0,
            height: 0,
            document: quad.map(|quad| Document {
                kind: DocumentKind::IdCard,
                quad,
                edge_support: 1.0,
            }),
            checks: [CheckId::Document, CheckId::Focus, CheckId::Glare]
                .iter()
                .map(|id| Check::new(*id, !failing.contains(id), None, None).message("why"))
                .collect(),
            glare_regions: vec![],
            occlusion_regions: vec![],
            blur_kind: None,
            sharpness: 0.0,
            mrz: None,
        }
    }

    #[test]
    fn the_warning_names_each_failing_check_with_the_portal_wording() {
        assert!(failure_warning(&report_with(None, &[])).is_none());
        let w = failure_warning(&report_with(None, &[CheckId::Glare, CheckId::Focus]))
            .expect("warning");
        assert!(w.contains("fails 2 checks"));
        // Guidance order: focus before glare.
        let focus = w.find("Photo too blurry").expect("focus named");
        let glare = w.find("Reflection detected").expect("glare named");
        assert!(focus < glare);
    }

    #[test]
    fn the_crop_needs_a_document() {
        let img = RgbImage::new(100, 100);
        let err = render(&img, None, &ExportPreset::default(), Layout::DeskewedCrop)
            .expect_err("no document");
        assert!(matches!(err, ExportError::NoDocument));
    }

    #[test]
    fn a_crop_scaled_down_to_fit_keeps_a_truthful_dpi_header() {
        // Noise crops compress badly, so a tiny band forces a downscale.
        let mut state = 7u32;
        let img = RgbImage::from_fn(1000, 700, |_, _| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let v = (state >> 16) as u8;
            image::Rgb([v, v / 2, 255 - v])
        });
        let quad = Quad([
            Point::new(50.0, 50.0),
            Point::new(950.0, 50.0),
            Point::new(950.0, 617.0),
            Point::new(50.0, 617.0),
        ]);
        let report = report_with(Some(quad), &[]);
        let preset = ExportPreset {
            min_bytes: 0,
            max_bytes: 60_000,
            ..ExportPreset::default()
        };
        let r = render(&img, Some(&report), &preset, Layout::DeskewedCrop).expect("render");
        assert!(r.bytes.len() <= 60_000);
        let dpi = r.dpi.expect("dpi");
        let header = u16::from_be_bytes([r.bytes[14], r.bytes[15]]);
        assert_eq!(header, dpi);
        let true_dpi = f64::from(r.width) / (85.60 / 25.4);
        assert!(
            (true_dpi - f64::from(dpi)).abs() / true_dpi < 0.01,
            "{true_dpi} vs {dpi}"
        );
        assert!(r.notes.iter().any(|n| n.contains("Scaled down")));
    }
}
