//! `idcap check --json --today 2026-12-04` on the MIDV-500 Serbian passport frames (issue 11's
//! acceptance): every line carries the `mrz` object, every zone that reads is the true one, and
//! `expiry` fails on each of them (the specimen expired in 2022). Run through `cli::check::run`.

mod common;

use common::midv;
use idcap::cli::check::{CheckArgs, run};
use idcap::quality::mrz::CalendarDate;
use idcap::quality::{DocChoice, Preset};

/// Frames whose zone the whole pipeline (detected quad, rectified, read) must read exactly. Frame
/// 06 reads from the strip `mrz_extend` looks at; frame 05's zone starts where the detected quad's
/// left side (guessed along the frame's edge) cuts its first character, and does not read yet.
const MUST_READ: &[&str] = &[
    "41_srb_passport__knir41_01",
    "41_srb_passport__knir41_03",
    "41_srb_passport__knir41_06",
    "41_srb_passport__knir41_08",
];

#[test]
fn every_readable_passport_frame_prints_its_zone_and_fails_expiry() {
    let Some(dir) = midv::dataset_dir() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs ../shared/datasets/midv500-dev"
        );
        eprintln!("skipped: ../shared/datasets/midv500-dev not found beside the repository");
        return;
    };
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("mrz.json")).unwrap()).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(dir.join("images"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("41_") && n.ends_with(".jpg"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the passport frames are there");
    let args = CheckArgs {
        json: true,
        doc: DocChoice::Auto,
        preset: Preset::Standard,
        today: CalendarDate::new(2026, 12, 4).unwrap(),
        files: files.clone(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run(&args, &mut out, &mut err);
    assert_eq!(status, 1, "expired passports fail");
    assert!(
        err.is_empty(),
        "nothing on stderr (the zone is personal data)"
    );
    let text = String::from_utf8(out).unwrap();
    let mut read = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = std::path::Path::new(v["file"].as_str().unwrap())
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let zone = &v["mrz"];
        assert!(v.get("mrz").is_some(), "{id}: every line has the mrz key");
        let expiry = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "expiry")
            .unwrap_or_else(|| panic!("{id}: an expiry check"));
        if zone["valid"] == true {
            assert_eq!(
                zone["lines"], truth["frames"][&id],
                "{id}: valid means exact"
            );
            assert_eq!(zone["format"], "TD3");
            assert_eq!(zone["fields"]["expiry_date"], "2022-10-10");
            assert_eq!(zone["fields"]["surname"], "TEST");
            assert_eq!(zone["expired"], true);
            assert_eq!(expiry["pass"], false, "{id}: {expiry}");
            assert_eq!(expiry["portal"], "Document expired");
            read.push(id);
        } else {
            assert_eq!(
                expiry["pass"], true,
                "{id}: nothing to judge without a valid zone"
            );
        }
    }
    println!("read exactly: {read:?}");
    for id in MUST_READ {
        assert!(read.iter().any(|r| r == id), "{id} not read: {read:?}");
    }
}
