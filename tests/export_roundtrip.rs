//! Exported files read back: no metadata survives, the orientation is in the pixels, the size band
//! holds, the crop's dpi header is right.

mod common;

use common::fixtures::{jpeg_with_metadata, phone_exif, segments, sensor_scene};
use idcap::decode;
use idcap::export::{self, ExportPreset, Layout};
use idcap::quality::{self, Preset};
use image::ImageDecoder;

fn near(p: [u8; 3], want: [u8; 3]) -> bool {
    p.iter()
        .zip(want)
        .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() < 40)
}

#[test]
fn an_exported_phone_photo_has_no_metadata_and_upright_pixels() {
    // Stored landscape 1600 × 1200 with orientation 6 ("rotate 90° clockwise to view").
    let stored = sensor_scene(1600, 1200);
    let file = jpeg_with_metadata(&stored, phone_exif(6, "G991BXXU5CVLL"));
    // The fixture really carries EXIF with GPS, a comment and XMP.
    let markers: Vec<u8> = segments(&file).iter().map(|s| s.0).collect();
    assert!(markers.contains(&0xFE) && markers.contains(&0xE1));
    let photo = decode::decode_bytes(&file).expect("decodes");
    assert_eq!(
        photo.image.dimensions(),
        (1200, 1600),
        "orientation applied"
    );
    let meta = idcap::metadata::read(photo.exif.as_deref(), photo.format);
    assert!(meta.has_gps);

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("export.jpg");
    let report = quality::assess(&photo.image, &Preset::Standard.profile(Default::default()));
    let exported = export::export_to_path(
        &photo.image,
        Some(&report),
        &ExportPreset::default(),
        Layout::FullFrame,
        &out,
        false,
    )
    .expect("exported");
    let written = std::fs::read(&out).expect("read back");
    assert_eq!(written.len() as u64, exported.size_bytes);

    // Only the JFIF header, tables and frame: no APP1 (EXIF/XMP), APP2+ or COM segments.
    for (marker, payload) in segments(&written) {
        assert!(
            matches!(marker, 0xE0 | 0xDB | 0xC0 | 0xC4 | 0xDA | 0xDD),
            "unexpected segment FF{marker:02X}"
        );
        if marker == 0xE0 {
            assert!(payload.starts_with(b"JFIF\0"));
        }
    }
    let text = String::from_utf8_lossy(&written);
    assert!(!text.contains("secret comment") && !text.contains("GPSLatitude"));
    assert!(!text.contains("samsung") && !text.contains("Exif"));
    // kamadak-exif and image both find no EXIF.
    let mut cursor = std::io::Cursor::new(&written);
    assert!(
        exif::Reader::new()
            .read_from_container(&mut cursor)
            .is_err()
    );
    let mut dec =
        image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&written)).expect("decoder");
    assert!(dec.exif_metadata().expect("exif query").is_none());

    // Upright pixels: stored top-left (red) is now top-right, stored top-right (blue) bottom-right.
    let back = image::load_from_memory(&written)
        .expect("decodes")
        .to_rgb8();
    assert_eq!(back.dimensions(), (1200, 1600));
    assert!(near(back.get_pixel(1190, 10).0, [230, 20, 20]), "red");
    assert!(near(back.get_pixel(1190, 1590).0, [20, 20, 230]), "blue");
    assert!(near(back.get_pixel(10, 10).0, [50, 70, 60]), "desk");

    // Inside the default band, at the highest quality that fits.
    let preset = ExportPreset::default();
    assert!(exported.size_bytes >= preset.min_bytes && exported.size_bytes <= preset.max_bytes);
    assert!(exported.notes.is_empty(), "{:?}", exported.notes);
}

#[test]
fn the_crop_of_a_real_phone_frame_is_straight_with_its_dpi_in_the_header() {
    let Some(dir) = common::midv::dataset_dir() else {
        eprintln!("dataset missing; skipped");
        return;
    };
    let samples = common::midv::load(&dir);
    let Some(sample) = samples.first() else {
        return;
    };
    let photo = decode::read_file(&sample.image).expect("decodes");
    // Use the ground truth quad so this test does not depend on the detector's current accuracy.
    let mut report = quality::assess(&photo.image, &Preset::Standard.profile(Default::default()));
    let kind = report
        .document
        .as_ref()
        .map(|d| d.kind)
        .unwrap_or(quality::DocumentKind::IdCard);
    report.document = Some(quality::Document {
        kind,
        quad: sample.truth_quad(),
        edge_support: 1.0,
    });
    let preset = ExportPreset {
        min_bytes: 0,
        ..ExportPreset::default()
    };
    let r = export::render(&photo.image, Some(&report), &preset, Layout::DeskewedCrop)
        .expect("crop renders");
    let dpi = r.dpi.expect("crop has dpi");
    let (w_mm, h_mm) = kind.size_mm();
    let long_px = f64::from(r.width.max(r.height));
    let short_px = f64::from(r.width.min(r.height));
    let true_dpi = long_px / (w_mm / 25.4);
    assert!(
        (true_dpi - f64::from(dpi)).abs() / true_dpi < 0.01,
        "header {dpi} vs {true_dpi}"
    );
    assert!((long_px / short_px - w_mm / h_mm).abs() < 0.01);
    // JFIF: units 1 = dots per inch.
    let seg = segments(&r.bytes);
    let app0 = &seg[0];
    assert_eq!(app0.0, 0xE0);
    assert_eq!(app0.1[7], 1);
    assert_eq!(u16::from_be_bytes([app0.1[8], app0.1[9]]), dpi);
    // A 1080 × 1920 frame gives well under 300 dpi: the note says so instead of upsampling.
    if true_dpi < 300.0 {
        assert!(r.notes.iter().any(|n| n.contains("dpi")), "{:?}", r.notes);
    }
}

#[test]
fn a_display_p3_photo_is_exported_as_srgb_without_its_profile() {
    use image::ImageEncoder;
    // A phone photo in Display P3 (profile made by the CMS crate, embedded as an APP2 ICC segment)
    // with a flat patch of P3 (200, 100, 50) in the middle.
    let mut img = sensor_scene(1600, 1200);
    for y in 500..700 {
        for x in 700..900 {
            img.put_pixel(x, y, image::Rgb([200, 100, 50]));
        }
    }
    let icc = moxcms::ColorProfile::new_display_p3()
        .encode()
        .expect("a P3 profile encodes");
    let mut file = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 95);
    enc.set_icc_profile(icc.clone())
        .expect("JPEG takes an ICC profile");
    enc.write_image(img.as_raw(), 1600, 1200, image::ExtendedColorType::Rgb8)
        .expect("encode");
    assert!(
        segments(&file)
            .iter()
            .any(|(m, p)| *m == 0xE2 && p.starts_with(b"ICC_PROFILE\0"))
    );

    let photo = decode::decode_bytes(&file).expect("decodes");
    assert_eq!(
        photo.icc_profile.as_deref(),
        Some(&icc[..]),
        "the profile is kept"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p3.jpg");
    let exported = export::export_with_profile(
        &photo.image,
        photo.icc_profile.as_deref(),
        None,
        &ExportPreset::default(),
        Layout::FullFrame,
        &out,
        false,
    )
    .expect("exported");
    assert!(
        exported.notes.iter().any(|n| n.contains("sRGB")),
        "{:?}",
        exported.notes
    );
    let written = std::fs::read(&out).expect("read back");
    assert!(
        segments(&written).iter().all(|(m, _)| *m != 0xE2),
        "no ICC profile in the export"
    );
    let back = image::load_from_memory(&written)
        .expect("decodes")
        .to_rgb8();
    // P3 (200, 100, 50) is sRGB (215, 92, 31) (published P3 → sRGB matrix); JPEG adds a little error.
    let p = back.get_pixel(800, 600).0;
    for (got, want) in p.iter().zip([215u8, 92, 31]) {
        assert!(got.abs_diff(want) <= 6, "{p:?}");
    }
    // Without the profile the numbers would be written as they are.
    let plain = dir.path().join("plain.jpg");
    export::export_to_path(
        &photo.image,
        None,
        &ExportPreset::default(),
        Layout::FullFrame,
        &plain,
        false,
    )
    .expect("exported");
    let q = image::open(&plain)
        .expect("decodes")
        .to_rgb8()
        .get_pixel(800, 600)
        .0;
    assert!(q[0].abs_diff(200) <= 6 && q[2].abs_diff(50) <= 6, "{q:?}");
}
