//! Every file of the generated hostile corpus (tests/common/hostile.rs) goes through reading,
//! decoding and assessment with no panic and the outcome its category calls for; special files
//! (folder, pipe, devices, links) and a non-UTF-8 name are made on disk. Also: the JPEG damage
//! check flags none of the 59 real MIDV-500 frames. And the whole corpus plus the committed fuzz
//! crashers through `idcap check --json` in one process: one line per file, in order, exit 2.

#[path = "common/hostile.rs"]
mod hostile;
#[path = "common/midv.rs"]
mod midv;

use std::collections::BTreeMap;
use std::path::Path;

use hostile::Expect;
use idcap::cli::check::{CheckArgs, run as check};
use idcap::decode::{self, DecodeError};
use idcap::guard::{INTERNAL_ERROR_MESSAGE, catch_panic};
use idcap::quality::{self, DocChoice, Preset, Profile};

/// Reads, decodes and assesses `path` behind the panic guard: `Ok(true)` decoded and assessed,
/// `Ok(false)` refused with a decode error, `Err` a panic.
fn run_one(path: &Path) -> Result<Result<(), DecodeError>, String> {
    catch_panic(|| {
        decode::read_file(path).map(|photo| {
            let _ = quality::assess(&photo.image, &Profile::default());
        })
    })
    .map_err(|e| e.detail)
}

#[test]
fn every_corpus_file_gets_its_expected_outcome_without_a_panic() {
    let corpus = hostile::corpus();
    assert!(corpus.len() >= 80, "{} files", corpus.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut table: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut wrong = Vec::new();
    for s in &corpus {
        let path = dir.path().join(&s.name);
        std::fs::write(&path, &s.bytes).expect("write corpus file");
        let outcome = run_one(&path);
        let row = table.entry(s.category).or_default();
        row.0 += 1;
        match (&outcome, s.expect) {
            (Err(panic), _) => wrong.push(format!("{}: PANIC {panic}", s.name)),
            (Ok(Ok(())), Expect::Refused) => {
                wrong.push(format!("{}: decoded, must be refused", s.name));
            }
            (Ok(Err(e)), Expect::Decodes) => {
                wrong.push(format!("{}: refused ({e}), must decode", s.name));
            }
            _ => {}
        }
        match outcome {
            Ok(Ok(())) => row.1 += 1,
            Ok(Err(_)) => row.2 += 1,
            Err(_) => {}
        }
    }
    for (category, (files, decoded, refused)) in &table {
        eprintln!("{category:>18}: {files:>3} files, {decoded:>3} decoded, {refused:>3} refused");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn check_prints_one_line_per_corpus_file_and_fuzz_crasher_in_order_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for s in hostile::corpus() {
        let path = dir.path().join(&s.name);
        std::fs::write(&path, &s.bytes).expect("write corpus file");
        files.push(path);
    }
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_seeds");
    let mut crashers: Vec<_> = std::fs::read_dir(&seeds)
        .expect("tests/fuzz_seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    crashers.sort();
    assert!(!crashers.is_empty(), "the committed crashers are missing");
    for c in &crashers {
        let name = c.file_name().expect("a file name");
        let path = dir.path().join("seed").with_extension(name);
        std::fs::copy(c, &path).expect("copy a crasher");
        files.push(path);
    }
    let args = CheckArgs {
        json: true,
        doc: DocChoice::Auto,
        preset: Preset::Standard,
        today: idcap::quality::mrz::CalendarDate::new(2026, 12, 4).expect("a date"),
        files: files.clone(),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = check(&args, &mut out, &mut err);
    let text = String::from_utf8(out).expect("UTF-8 output");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let got: Vec<&str> = lines.iter().filter_map(|l| l["file"].as_str()).collect();
    assert_eq!(got, names, "exactly one line per file, in the order given");
    for l in &lines {
        let error = l["error"].as_str();
        assert!(
            error.is_some() != l["verdict"].is_string(),
            "either an error or a verdict: {l}"
        );
        assert!(
            !error.is_some_and(|e| e.contains(INTERNAL_ERROR_MESSAGE)),
            "a panic: {l}"
        );
    }
    assert_eq!(status, 2, "unreadable files make the run exit 2");
    assert!(err.is_empty());
}

#[test]
fn a_cut_jpeg_is_refused_as_damaged_with_the_retake_message() {
    let full = hostile::jpeg(&hostile::textured(320, 240), 90, None);
    let mut cut = full[..full.len() * 2 / 3].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    let err = decode::decode_bytes(&cut)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.starts_with("The photo file is damaged — take it again"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("folder.jpg");
    std::fs::create_dir(&folder).expect("mkdir");
    let zero = dir.path().join("zero.jpg");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let null = dir.path().join("null.jpg");
    std::os::unix::fs::symlink("/dev/null", &null).expect("symlink");
    let dangling = dir.path().join("dangling.jpg");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
    let fifo = dir.path().join("pipe.jpg");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut cases = vec![
        (folder, "a folder"),
        (zero, "a device"),
        (null, "a device"),
        (dangling.clone(), "cannot open"),
    ];
    if made_fifo {
        // Opening a pipe with no writer would block forever: it must not be opened at all.
        cases.push((fifo, "a pipe"));
    }
    for (path, words) in cases {
        let err = decode::read_file(&path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(words), "{}: {err}", path.display());
    }
}

#[cfg(unix)]
#[test]
fn a_file_with_a_non_utf8_name_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"pass\xff\xfeport.jpg"));
    let bytes = hostile::jpeg(&hostile::textured(64, 48), 90, None);
    if std::fs::write(&path, bytes).is_err() {
        return; // A file system that refuses such names (not ext4/tmpfs).
    }
    assert!(run_one(&path).is_ok_and(|r| r.is_ok()));
}

#[test]
fn no_real_photo_is_taken_for_a_cut_jpeg() {
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("MIDV-500 dev frames not present; skipped");
        return;
    };
    let frames = midv::load(&dir);
    assert_eq!(frames.len(), 59);
    let mut repeating_corners = 0;
    for f in &frames {
        let photo =
            decode::read_file(&f.image).unwrap_or_else(|e| panic!("{}: {e}", f.image.display()));
        repeating_corners += usize::from(decode::jpeg_damage::corner_repeats(&photo.image));
    }
    eprintln!("{repeating_corners} of 59 frames have a repeating corner (then probed, all intact)");
}
