//! `idcap check`: JSON Lines shape (docs/ARCHITECTURE.md), exit codes, and unreadable files.

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage};

fn idcap() -> Command {
    Command::new(env!("CARGO_BIN_EXE_idcap"))
}

/// A frame with a clean ID-1-shaped card on a dark desk: a document the detector finds.
fn card_photo(dir: &Path) -> PathBuf {
    let mut img = RgbImage::from_pixel(1280, 720, Rgb([40, 45, 50]));
    let (x0, y0, w, h) = (300u32, 160u32, 680u32, 429u32);
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            // Light card with some dark print so it is not blank.
            let print = (x - x0) % 40 < 3 && (y - y0) % 30 < 20 && (x - x0) > 300;
            let v = if print { 60 } else { 225 };
            img.put_pixel(x, y, Rgb([v, v, v.saturating_sub(10)]));
        }
    }
    let path = dir.join("card.png");
    img.save(&path).expect("write fixture");
    path
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

#[test]
fn json_lines_follow_the_contract_in_input_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let card = card_photo(dir.path());
    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "this is a text file named .jpg").expect("write");
    let out = idcap()
        .arg("check")
        .arg("--json")
        .arg(&card)
        .arg(&text)
        .output()
        .expect("runs");
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2, "one line per file");

    let first = &lines[0];
    assert_eq!(first["file"], card.display().to_string());
    assert_eq!(first["width"], 1280);
    assert_eq!(first["height"], 720);
    assert!(first["verdict"] == "pass" || first["verdict"] == "fail");
    let doc = &first["document"];
    assert_eq!(doc["type"], "id-card");
    let quad = doc["quad"].as_array().expect("quad");
    assert_eq!(quad.len(), 4);
    // Clockwise from the corner nearest the top-left: (300,160), (980,160), (980,589), (300,589).
    let expect = [
        [300.0, 160.0],
        [980.0, 160.0],
        [980.0, 589.0],
        [300.0, 589.0],
    ];
    for (got, want) in quad.iter().zip(expect) {
        let (x, y) = (
            got[0].as_f64().unwrap_or(f64::NAN),
            got[1].as_f64().unwrap_or(f64::NAN),
        );
        assert!(
            (x - want[0]).abs() < 3.0 && (y - want[1]).abs() < 3.0,
            "corner {got} vs {want:?}"
        );
    }
    let ids: Vec<&str> = first["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "document",
            "corners",
            "fill",
            "tilt",
            "resolution",
            "focus",
            "glare",
            "exposure",
            "occlusion",
            "background",
            "mrz",
            "expiry"
        ]
    );
    // An ID card's front has no machine-readable zone: `mrz` is null and the check passes.
    assert!(first["mrz"].is_null());
    for c in first["checks"].as_array().expect("checks") {
        assert!(c["pass"].is_boolean());
        assert!(c["message"].as_str().is_some_and(|m| !m.is_empty()), "{c}");
        assert!(c.get("value").is_some() && c.get("limit").is_some());
    }
    assert!(first["timings_ms"]["decode"].as_f64().is_some());
    assert!(first["timings_ms"]["analyze"].as_f64().is_some());

    let second = &lines[1];
    assert_eq!(second["file"], text.display().to_string());
    assert!(
        second["error"]
            .as_str()
            .is_some_and(|e| e.contains("not an image")),
        "{second}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable file makes the exit status 2"
    );
}

#[test]
fn bad_files_get_clear_errors_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").expect("write");
    let card = card_photo(dir.path());
    let bytes = std::fs::read(&card).expect("read");
    let truncated = dir.path().join("truncated.png");
    std::fs::write(&truncated, &bytes[..bytes.len() / 4]).expect("write");
    let pdf = dir.path().join("scan.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n...").expect("write");
    let missing = dir.path().join("missing.jpg");
    let out = idcap()
        .args(["check", "--json"])
        .args([&empty, &truncated, &pdf, &missing, &card])
        .output()
        .expect("runs");
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("empty")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("damaged")),
        "{}",
        lines[1]
    );
    assert!(
        lines[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("PDF")),
        "{}",
        lines[2]
    );
    assert!(
        lines[3]["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot open")),
        "{}",
        lines[3]
    );
    assert!(lines[4].get("error").is_none() && lines[4]["document"].is_object());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_huge_header_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A PNG header claiming 30 000 × 30 000 pixels and nothing else.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend_from_slice(&30_000u32.to_be_bytes());
    png.extend_from_slice(&30_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let bomb = dir.path().join("bomb.png");
    std::fs::write(&bomb, png).expect("write");
    let out = idcap()
        .args(["check", "--json"])
        .arg(&bomb)
        .output()
        .expect("runs");
    let lines = json_lines(&out.stdout);
    assert!(lines[0]["error"].as_str().is_some(), "{}", lines[0]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn exit_status_is_1_when_a_photo_fails_a_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A blank grey frame: no document, so every check fails.
    let blank = dir.path().join("blank.png");
    RgbImage::from_pixel(640, 480, Rgb([128, 128, 128]))
        .save(&blank)
        .expect("write");
    let out = idcap()
        .args(["check", "--json"])
        .arg(&blank)
        .output()
        .expect("runs");
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["verdict"], "fail");
    assert!(lines[0]["document"].is_null());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_table_names_each_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let card = card_photo(dir.path());
    let out = idcap().arg("check").arg(&card).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for id in [
        "document",
        "corners",
        "fill",
        "tilt",
        "resolution",
        "focus",
        "glare",
        "exposure",
    ] {
        assert!(text.contains(id), "{id} missing from:\n{text}");
    }
}

#[test]
fn help_says_files_open_the_review() {
    let out = idcap().arg("--help").output().expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("idcap [OPTIONS] [FILE]..."), "{help}");
    assert!(help.contains("review view"), "{help}");
    // A subcommand still wins over a file of the same name, and its own arguments still apply.
    let out = idcap().arg("check").output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "check without files is a usage error"
    );
}

#[test]
fn a_bad_today_is_a_usage_error() {
    let out = idcap()
        .args(["check", "--today", "2026-02-30", "x.jpg"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}
