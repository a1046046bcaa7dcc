//! `idcap export`: exit statuses, messages, and the file it leaves (or does not leave) behind.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::fixtures::{jpeg_with_metadata, phone_exif, png_bomb, sensor_scene};

fn idcap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idcap"))
        .args(args)
        .output()
        .expect("run idcap")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn a_photo_without_a_document_is_written_but_exits_1_naming_the_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jpg");
    // Only desk texture (no card) at 1600 × 1200: large enough for 100 KB.
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        let v = ((x * 31 + y * 17) % 97) as u8;
        image::Rgb([60 + v, 80 + v / 2, 70 + v])
    });
    std::fs::write(&input, jpeg_with_metadata(&img, phone_exif(1, "1.0"))).expect("write");
    let out = dir.path().join("out.jpg");
    let o = idcap(&["export", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(out.is_file());
    let err = stderr(&o);
    assert!(
        err.contains("document") && err.contains("No document detected"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrote"));
}

#[test]
fn the_exit_status_agrees_with_check_on_real_phone_frames() {
    let Some(dir) = common::midv::dataset_dir() else {
        eprintln!("dataset missing; skipped");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    for sample in common::midv::load(&dir).iter().take(2) {
        let input = s(&sample.image);
        let check = idcap(&["check", input]);
        let out = tmp.path().join(format!("{}.jpg", sample.id));
        let o = idcap(&["export", input, "-o", s(&out)]);
        assert_eq!(o.status.code(), check.status.code(), "{}", stderr(&o));
        let len = std::fs::metadata(&out).expect("written").len();
        assert!((102_400..=5_000_000).contains(&len), "{len} bytes");
    }
}

#[test]
fn an_existing_output_is_kept_unless_forced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jpg");
    std::fs::write(
        &input,
        jpeg_with_metadata(&sensor_scene(1600, 1200), phone_exif(1, "1.0")),
    )
    .expect("write");
    let out = dir.path().join("out.jpg");
    std::fs::write(&out, b"keep me").expect("seed");
    let o = idcap(&["export", s(&input), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).expect("read"), b"keep me");
    let o = idcap(&["export", s(&input), "-o", s(&out), "--force"]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_ne!(std::fs::read(&out).expect("read"), b"keep me");
}

#[test]
fn unreadable_inputs_and_impossible_exports_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        ("scan.pdf", b"%PDF-1.7\n...".to_vec(), vec![], "PDF"),
        ("empty.jpg", Vec::new(), vec![], "empty"),
        ("bomb.png", png_bomb(), vec![], "cannot read"),
        (
            "truncated.jpg",
            {
                let full = jpeg_with_metadata(&sensor_scene(800, 600), phone_exif(1, "1"));
                full[..full.len() / 2].to_vec()
            },
            vec![],
            "cut short",
        ),
        (
            // A flat 300 × 200 image cannot reach 100 KB without padding.
            "tiny.jpg",
            {
                let img = image::RgbImage::from_pixel(300, 200, image::Rgb([200, 200, 200]));
                jpeg_with_metadata(&img, phone_exif(1, "1"))
            },
            vec![],
            "too small",
        ),
        (
            "nodoc.jpg",
            {
                let img = image::RgbImage::from_pixel(900, 600, image::Rgb([90, 90, 90]));
                jpeg_with_metadata(&img, phone_exif(1, "1"))
            },
            vec!["--crop"],
            "nothing to crop",
        ),
        (
            "ok.jpg",
            jpeg_with_metadata(&sensor_scene(1600, 1200), phone_exif(1, "1")),
            vec!["--preset", "no-such-preset"],
            "unknown preset",
        ),
    ];
    for (name, bytes, extra, expected) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).expect("write");
        let out = dir.path().join(format!("{name}.out.jpg"));
        let mut args = vec!["export", s(&input), "-o", s(&out)];
        args.extend(extra);
        let o = idcap(&args);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(expected), "{name}: {}", stderr(&o));
        assert!(!out.exists(), "{name}: output written");
    }
    // No temporary files left behind either.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn check_json_lists_soft_flag_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A grey PNG without camera EXIF: looks like a screenshot, and has no colour.
    let png = dir.path().join("grab.png");
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        // Irregular specks (a hash, not a grid, which would also read as a screen pattern).
        let hash = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503).rotate_left(13);
        let v = if hash % 5 == 0 { 60 } else { 210 };
        image::Rgb([v, v, v])
    });
    img.save(&png).expect("save png");
    let o = idcap(&["check", "--json", s(&png)]);
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    let ids: Vec<&str> = line["warnings"]
        .as_array()
        .expect("warnings array")
        .iter()
        .filter_map(|w| w["id"].as_str())
        .collect();
    assert_eq!(ids, ["screenshot", "no-colour"]);
    // Warnings do not change the verdict's exit status (1: no document).
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn check_does_not_warn_about_the_camera_data_export_removed() {
    let Some(dir) = common::midv::dataset_dir() else {
        eprintln!("dataset missing; skipped");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let sample = &common::midv::load(&dir)[0];
    let out = tmp.path().join("exported.jpg");
    let o = idcap(&["export", s(&sample.image), "-o", s(&out)]);
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        said.contains("camera data") && said.contains("on purpose"),
        "{said}"
    );
    let warnings = |path: &Path| -> Vec<String> {
        let o = idcap(&["check", "--json", s(path)]);
        let line: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
        line["warnings"]
            .as_array()
            .expect("warnings array")
            .iter()
            .filter_map(|w| w["id"].as_str().map(str::to_string))
            .collect()
    };
    assert!(!warnings(&out).contains(&"no-camera-info".to_string()));
    // The same pixels re-saved by another program still get the warning.
    let resaved = tmp.path().join("resaved.jpg");
    image::open(&out)
        .expect("decode")
        .save(&resaved)
        .expect("save");
    assert!(warnings(&resaved).contains(&"no-camera-info".to_string()));
}
