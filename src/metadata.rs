//! What a photo's EXIF block says about where it came from, and the soft flags that follow.
//!
//! Decides three warnings a KYC portal's fraud checks care about (shown, never blocking):
//! - screenshot: the EXIF software or comment says "screenshot", or a PNG carries no camera EXIF;
//! - edited: the EXIF software is a photo editor (Photoshop, GIMP, Snapseed, …), not camera firmware;
//! - no camera information: a JPEG without camera make/model (re-saved, messaged, or a screen grab).
//!
//! Reads tags with kamadak-exif from the raw block `decode` keeps. Pure: no I/O.

use image::ImageFormat;

use crate::quality::flags::{FlagId, SoftFlag};

/// What the EXIF block says, as far as idcap cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoMetadata {
    /// The file had an EXIF block that parsed.
    pub(crate) has_exif: bool,
    /// Camera maker ("samsung", "Apple").
    pub(crate) camera_make: Option<String>,
    /// Camera model ("SM-G991B", "iPhone 15").
    pub(crate) camera_model: Option<String>,
    /// The Software tag ("Adobe Photoshop 25.0", "G991BXXU5CVLL", "17.1").
    pub(crate) software: Option<String>,
    /// ImageDescription and UserComment, joined (iOS writes "Screenshot" in UserComment).
    pub(crate) comment: Option<String>,
    /// The file carries GPS coordinates (they are never exported).
    pub has_gps: bool,
    /// When the photo was taken, as the camera wrote it ("2026:11:20 14:03:11").
    pub(crate) taken_at: Option<String>,
    /// The file format.
    pub(crate) format: Option<ImageFormat>,
    /// The file is idcap's own export, which leaves camera data out on purpose.
    pub idcap_export: bool,
}

impl PhotoMetadata {
    /// "samsung SM-G991B", when known.
    pub(crate) fn camera(&self) -> Option<String> {
        match (&self.camera_make, &self.camera_model) {
            (Some(make), Some(model)) if model.starts_with(make.as_str()) => Some(model.clone()),
            (Some(make), Some(model)) => Some(format!("{make} {model}")),
            (Some(one), None) | (None, Some(one)) => Some(one.clone()),
            (None, None) => None,
        }
    }
}

/// What a decoded photo's file says about itself (`read`, plus whether idcap exported it).
pub fn of_photo(photo: &crate::decode::Photo) -> PhotoMetadata {
    PhotoMetadata {
        idcap_export: photo.idcap_export,
        ..read(photo.exif.as_deref(), photo.format)
    }
}

/// Parses the raw EXIF block (TIFF header onwards) of a file of `format`.
pub fn read(exif: Option<&[u8]>, format: ImageFormat) -> PhotoMetadata {
    let mut meta = PhotoMetadata {
        format: Some(format),
        ..PhotoMetadata::default()
    };
    let Some(raw) = exif else {
        return meta;
    };
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let parsed = match reader.read_raw(raw.to_vec()) {
        Ok(e) => e,
        Err(exif::Error::PartialResult(partial)) => partial.into_inner().0,
        Err(_) => return meta,
    };
    meta.has_exif = true;
    let text = |tag: exif::Tag| -> Option<String> {
        let field = parsed.get_field(tag, exif::In::PRIMARY)?;
        let s = match &field.value {
            exif::Value::Ascii(parts) => parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(" "),
            // UserComment: 8 bytes of character code, then the text.
            exif::Value::Undefined(bytes, _) => {
                String::from_utf8_lossy(bytes.get(8..).unwrap_or_default()).into_owned()
            }
            _ => return None,
        };
        let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        (!s.is_empty()).then(|| s.to_string())
    };
    meta.camera_make = text(exif::Tag::Make);
    meta.camera_model = text(exif::Tag::Model);
    meta.software = text(exif::Tag::Software);
    let comments: Vec<String> = [exif::Tag::ImageDescription, exif::Tag::UserComment]
        .into_iter()
        .filter_map(text)
        .collect();
    meta.comment = (!comments.is_empty()).then(|| comments.join(" "));
    meta.taken_at = text(exif::Tag::DateTimeOriginal).or_else(|| text(exif::Tag::DateTime));
    meta.has_gps = parsed
        .fields()
        .any(|f| f.tag.context() == exif::Context::Gps);
    meta
}

/// Photo editors and apps whose name in the Software tag means the pixels were edited after capture.
/// Lower case; matched as substrings.
const EDITORS: [&str; 16] = [
    "photoshop",
    "lightroom",
    "gimp",
    "snapseed",
    "pixelmator",
    "affinity",
    "paint.net",
    "picsart",
    "facetune",
    "canva",
    "photopea",
    "fotor",
    "luminar",
    "capture one",
    "darktable",
    "krita",
];

/// The soft flags the metadata supports.
pub(crate) fn flags(meta: &PhotoMetadata) -> Vec<SoftFlag> {
    let mut out = Vec::new();
    let software = meta.software.as_deref().unwrap_or("").to_lowercase();
    let comment = meta.comment.as_deref().unwrap_or("").to_lowercase();
    let has_camera = meta.camera_make.is_some() || meta.camera_model.is_some();
    let screenshot_tag = software.contains("screenshot") || comment.contains("screenshot");
    let png_without_camera = meta.format == Some(ImageFormat::Png) && !has_camera;
    if screenshot_tag || png_without_camera {
        let why = if screenshot_tag {
            "its EXIF says it is a screenshot"
        } else {
            "it is a PNG without camera information"
        };
        out.push(SoftFlag::new(
            FlagId::Screenshot,
            format!(
                "Looks like a screenshot ({why}). Portals reject screenshots and photos of screens: \
                 photograph the document itself."
            ),
        ));
    } else if !has_camera && meta.format == Some(ImageFormat::Jpeg) && !meta.idcap_export {
        // (idcap's own export has no camera data because idcap removed it: nothing to warn about.)
        out.push(SoftFlag::new(
            FlagId::NoCameraInfo,
            "No camera information in the file (it may have been re-saved, sent through a \
             messenger, or captured from a screen). Some portals flag this; the camera's original \
             file is safer.",
        ));
    }
    if let Some(editor) = EDITORS.iter().find(|e| software.contains(*e)) {
        let name = meta.software.as_deref().unwrap_or(editor);
        out.push(SoftFlag::new(
            FlagId::Edited,
            format!(
                "Edited with {name} (EXIF software tag). Portals may reject edited photos: use the \
                 camera's original."
            ),
        ));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use exif::{Field, In, Tag, Value};

    /// A raw EXIF block with the given ASCII TIFF tags, an orientation, and optionally GPS.
    pub(crate) fn exif_block(
        ascii: &[(Tag, &str)],
        orientation: Option<u16>,
        gps: bool,
    ) -> Vec<u8> {
        let mut fields: Vec<Field> = ascii
            .iter()
            .map(|(tag, s)| Field {
                tag: *tag,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![s.as_bytes().to_vec()]),
            })
            .collect();
        if let Some(o) = orientation {
            fields.push(Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![o]),
            });
        }
        if gps {
            fields.push(Field {
                tag: Tag::GPSLatitudeRef,
                ifd_num: In::PRIMARY,
                value: Value::Ascii(vec![b"N".to_vec()]),
            });
            fields.push(Field {
                tag: Tag::GPSLatitude,
                ifd_num: In::PRIMARY,
                value: Value::Rational(vec![(48, 1).into(), (51, 1).into(), (30, 1).into()]),
            });
        }
        let mut w = exif::experimental::Writer::new();
        for f in &fields {
            w.push_field(f);
        }
        let mut out = std::io::Cursor::new(Vec::new());
        w.write(&mut out, false).expect("write exif");
        out.into_inner()
    }

    #[test]
    fn camera_software_and_gps_are_read() {
        let raw = exif_block(
            &[
                (Tag::Make, "samsung"),
                (Tag::Model, "SM-G991B"),
                (Tag::Software, "G991BXXU5CVLL"),
            ],
            Some(6),
            true,
        );
        let m = read(Some(&raw), ImageFormat::Jpeg);
        assert!(m.has_exif && m.has_gps);
        assert_eq!(m.camera().as_deref(), Some("samsung SM-G991B"));
        assert_eq!(m.software.as_deref(), Some("G991BXXU5CVLL"));
        assert!(flags(&m).is_empty(), "{:?}", flags(&m));
    }

    #[test]
    fn an_editor_in_the_software_tag_is_flagged() {
        let raw = exif_block(
            &[
                (Tag::Make, "Apple"),
                (Tag::Model, "iPhone 15"),
                (Tag::Software, "Adobe Photoshop 25.0 (Windows)"),
            ],
            None,
            false,
        );
        let f = flags(&read(Some(&raw), ImageFormat::Jpeg));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].id, FlagId::Edited);
        assert!(f[0].message.contains("Photoshop"));
    }

    #[test]
    fn screenshots_and_bare_files_are_flagged() {
        let raw = exif_block(&[(Tag::ImageDescription, "Screenshot")], None, false);
        let f = flags(&read(Some(&raw), ImageFormat::Jpeg));
        assert_eq!(
            f.iter().map(|f| f.id).collect::<Vec<_>>(),
            [FlagId::Screenshot]
        );
        let png = flags(&read(None, ImageFormat::Png));
        assert_eq!(png[0].id, FlagId::Screenshot);
        let bare_jpeg = flags(&read(None, ImageFormat::Jpeg));
        assert_eq!(bare_jpeg[0].id, FlagId::NoCameraInfo);
        let own_export = PhotoMetadata {
            idcap_export: true,
            ..read(None, ImageFormat::Jpeg)
        };
        assert!(flags(&own_export).is_empty());
    }

    #[test]
    fn garbage_exif_is_treated_as_none() {
        let m = read(Some(b"not a tiff header at all"), ImageFormat::Jpeg);
        assert!(!m.has_exif);
    }
}
