//! `idcap check [--json] [--doc KIND] [--preset NAME] FILE…`: score image files.
//!
//! Decides what the command prints and its exit status (`super::EXIT_*`):
//! - `EXIT_PASS` (0): every file was read and passes;
//! - `EXIT_FAIL` (1): every file was read, and some photo fails a check;
//! - `EXIT_ERROR` (2): some file could not be read (this wins over a failing photo), or stdout
//!   was closed.
//!
//! Files are scored in the order given, and each one's result is written and flushed as soon as it
//! is known, so a script reading the output sees each file finish. With `--json` each result is one
//! JSON Lines object (`crate::output`), an unreadable file included (`{"file", "error"}`); without
//! it, the human table. Everything goes to stdout; nothing to stderr.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use super::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::analysis::Assess;
use crate::guard;
use crate::quality::mrz::CalendarDate;
use crate::quality::{Analyzer, DocChoice, Preset, Verdict};
use crate::{decode, metadata, output, quality};

/// The arguments of `idcap check`.
#[derive(Clone, Debug)]
pub struct CheckArgs {
    /// One JSON object per file (JSON Lines) instead of the table.
    pub json: bool,
    /// Which document to expect (`auto`: whichever fits).
    pub doc: DocChoice,
    /// How strict the checks are.
    pub preset: Preset,
    /// The day document expiry is judged against (`--today`, else the system date).
    pub today: CalendarDate,
    /// The photos to score, in output order.
    pub files: Vec<PathBuf>,
}

/// Scores every file with the quality engine and returns the exit status.
pub fn run(args: &CheckArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    run_with(args, &mut Analyzer::new(), stdout, stderr)
}

/// `run` with the analysis supplied (tests script it to get a chosen verdict).
fn run_with(
    args: &CheckArgs,
    assess: &mut dyn Assess,
    stdout: &mut dyn Write,
    _stderr: &mut dyn Write,
) -> u8 {
    let profile = quality::Profile {
        today: Some(args.today),
        ..args.preset.profile(args.doc)
    };
    let (mut any_fail, mut any_error) = (false, false);
    for path in &args.files {
        // A name that is not UTF-8 is escaped (`output::file_name`) and its line marked.
        let (name, escaped) = output::file_name(path);
        let t0 = Instant::now();
        // One file's reading and scoring behind a fence: a panic becomes this file's error line and
        // the batch goes on (an `Analyzer` for stills rebuilds its scratch on every frame, so it can
        // be used again after one).
        let scored = guard::catch_panic(|| match decode::read_file(path) {
            Err(e) => Err(format!("cannot read {name}: {e}")),
            Ok(photo) => {
                let decode_ms = t0.elapsed().as_secs_f64() * 1e3;
                let t1 = Instant::now();
                let report = assess.assess(&photo.image, &profile);
                let analyze_ms = t1.elapsed().as_secs_f64() * 1e3;
                any_fail |= report.verdict() == Verdict::Fail;
                let timings = output::Timings {
                    decode_ms,
                    analyze_ms,
                };
                let meta = metadata::of_photo(&photo);
                let flags =
                    quality::flags::soft_flags(&photo.image, &report, metadata::flags(&meta));
                Ok(if args.json {
                    let mut line = output::json_line(&name, &report, timings);
                    output::add_warnings(&mut line, &flags);
                    if escaped {
                        output::mark_file_escaped(&mut line);
                    }
                    line.to_string()
                } else {
                    output::human(&name, &report, timings) + &output::human_warnings(&flags)
                })
            }
        });
        let line = match scored {
            Ok(Ok(line)) => line,
            Ok(Err(msg)) => error_line(args.json, &name, escaped, &msg, &mut any_error),
            Err(e) => error_line(
                args.json,
                &name,
                escaped,
                &format!("{name}: {e}"),
                &mut any_error,
            ),
        };
        if writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // stdout closed (for example piped into `head`): stop quietly.
            return EXIT_ERROR;
        }
    }
    if any_error {
        EXIT_ERROR
    } else if any_fail {
        EXIT_FAIL
    } else {
        EXIT_PASS
    }
}

/// The line for a file that could not be read or scored; marks the run as having an error.
fn error_line(json: bool, name: &str, escaped: bool, msg: &str, any_error: &mut bool) -> String {
    *any_error = true;
    if json {
        let mut line = output::json_error(name, msg);
        if escaped {
            output::mark_file_escaped(&mut line);
        }
        line.to_string()
    } else {
        msg.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    use image::{Rgb, RgbImage};

    use super::*;
    use crate::capture::scripted;
    use crate::quality::{Frame, Profile, Report};

    /// Writes a plain grey PNG (1280 × 720, the size of a scripted report) and returns its path.
    fn grey_png(dir: &Path, name: &str, level: u8) -> PathBuf {
        let path = dir.join(name);
        RgbImage::from_pixel(1280, 720, Rgb([level, level, level]))
            .save(&path)
            .expect("write fixture");
        path
    }

    fn args(json: bool, files: Vec<PathBuf>) -> CheckArgs {
        CheckArgs {
            json,
            doc: DocChoice::Auto,
            preset: Preset::Standard,
            today: CalendarDate::new(2026, 12, 4).expect("a date"),
            files,
        }
    }

    fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
        String::from_utf8_lossy(out)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    /// A scripted analysis: files whose grey level is above 100 pass, the others fail.
    fn pass_if_bright(frame: &Frame, _: &Profile) -> Report {
        let bright = frame.get_pixel(0, 0).0[0] > 100;
        scripted::report(bright, 190.0, 76.0, 1.0)
    }

    #[test]
    fn one_json_line_per_file_in_order_and_a_failing_photo_exits_1() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = vec![
            grey_png(dir.path(), "b-pass.png", 200),
            grey_png(dir.path(), "a-fail.png", 50),
            grey_png(dir.path(), "c-pass.png", 180),
        ];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(
            &args(true, files.clone()),
            &mut pass_if_bright,
            &mut out,
            &mut err,
        );
        let lines = json_lines(&out);
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let got: Vec<&str> = lines.iter().filter_map(|l| l["file"].as_str()).collect();
        assert_eq!(got, names, "one line per file, in the order given");
        let verdicts: Vec<&str> = lines.iter().filter_map(|l| l["verdict"].as_str()).collect();
        assert_eq!(verdicts, ["pass", "fail", "pass"]);
        assert!(lines.iter().all(|l| l["warnings"].is_array()));
        assert_eq!(status, EXIT_FAIL);
        assert!(err.is_empty());
    }

    #[test]
    fn a_panic_on_one_file_becomes_its_error_line_and_the_batch_goes_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = vec![
            grey_png(dir.path(), "a-pass.png", 200),
            grey_png(dir.path(), "b-panics.png", 7),
            grey_png(dir.path(), "c-pass.png", 180),
        ];
        let mut panics_on_level_7 = |frame: &Frame, profile: &Profile| {
            assert_ne!(frame.get_pixel(0, 0).0[0], 7, "a bug in the engine");
            pass_if_bright(frame, profile)
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(
            &args(true, files.clone()),
            &mut panics_on_level_7,
            &mut out,
            &mut err,
        );
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 3, "one line per file, the panic included");
        assert_eq!(lines[0]["verdict"], "pass");
        let error = lines[1]["error"].as_str().expect("an error line");
        assert!(error.contains(guard::INTERNAL_ERROR_MESSAGE), "{error}");
        assert_eq!(lines[2]["verdict"], "pass");
        assert_eq!(status, EXIT_ERROR);
    }

    #[test]
    fn every_photo_passing_exits_0() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = vec![grey_png(dir.path(), "pass.png", 200)];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(&args(true, files), &mut pass_if_bright, &mut out, &mut err);
        assert_eq!(status, EXIT_PASS);
        assert_eq!(json_lines(&out).len(), 1);
    }

    #[test]
    fn an_unreadable_file_gives_an_error_line_and_exit_2_even_beside_a_failing_photo() {
        let dir = tempfile::tempdir().expect("temp dir");
        let blank = grey_png(dir.path(), "blank.png", 128);
        let text = dir.path().join("notes.jpg");
        std::fs::write(&text, "not a photo").expect("write");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        // The real engine: a blank frame has no document, so it fails.
        let status = run(&args(true, vec![text.clone(), blank]), &mut out, &mut err);
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["file"], text.display().to_string());
        assert!(
            lines[0]["error"]
                .as_str()
                .is_some_and(|e| e.contains("not an image")),
            "{}",
            lines[0]
        );
        assert_eq!(lines[1]["verdict"], "fail");
        assert_eq!(status, EXIT_ERROR);
    }

    #[test]
    fn the_table_names_the_file_and_its_verdict_with_a_blank_line_after() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = grey_png(dir.path(), "pass.png", 200);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(
            &args(false, vec![file.clone()]),
            &mut pass_if_bright,
            &mut out,
            &mut err,
        );
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.starts_with(&format!("{}: PASS  (1280×720, ID card", file.display())),
            "{text}"
        );
        assert!(text.ends_with("\n\n"), "{text:?}");
        assert_eq!(status, EXIT_PASS);
    }

    #[cfg(unix)]
    #[test]
    fn a_name_that_is_not_utf8_is_escaped_losslessly_and_marked() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = grey_png(dir.path(), "plain.png", 200);
        // Latin-1 "café" and a stray 0xFF: not UTF-8, as a Linux file system allows.
        let odd = dir.path().join(OsStr::from_bytes(b"caf\xe9-\xff\\x.png"));
        std::fs::copy(&plain, &odd).expect("copy under the odd name");
        let missing = dir.path().join(OsStr::from_bytes(b"gone-\xfe.png"));
        let files = vec![odd, plain.clone(), missing];
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(&args(true, files), &mut pass_if_bright, &mut out, &mut err);
        assert!(std::str::from_utf8(&out).is_ok(), "the output is UTF-8");
        let lines = json_lines(&out);
        assert_eq!(lines.len(), 3);
        let dir_text = dir.path().to_str().expect("a UTF-8 temp dir");
        assert_eq!(
            lines[0]["file"],
            format!("{dir_text}/caf\\xE9-\\xFF\\\\x.png")
        );
        assert_eq!(lines[0]["file_escaped"], true);
        assert_eq!(lines[0]["verdict"], "pass");
        assert_eq!(lines[1]["file"], plain.display().to_string());
        assert!(lines[1].get("file_escaped").is_none(), "only when escaped");
        assert_eq!(lines[2]["file"], format!("{dir_text}/gone-\\xFE.png"));
        assert_eq!(lines[2]["file_escaped"], true);
        assert!(lines[2]["error"].is_string());
        assert_eq!(status, EXIT_ERROR);

        // The table names the file the same readable way.
        let odd = dir.path().join(OsStr::from_bytes(b"caf\xe9-\xff\\x.png"));
        let mut out = Vec::new();
        run_with(
            &args(false, vec![odd]),
            &mut pass_if_bright,
            &mut out,
            &mut err,
        );
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(
            text.starts_with(&format!("{dir_text}/caf\\xE9-\\xFF\\\\x.png: PASS")),
            "{text}"
        );
    }

    /// Records what was flushed, so a test can see what a reader of stdout would have seen.
    #[derive(Clone, Default)]
    struct FlushLog {
        pending: Arc<Mutex<Vec<u8>>>,
        flushed: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for FlushLog {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.pending.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            let mut pending = self.pending.lock().expect("lock");
            self.flushed.lock().expect("lock").append(&mut pending);
            Ok(())
        }
    }

    #[test]
    fn each_line_is_flushed_before_the_next_file_is_analysed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<PathBuf> = (0..3)
            .map(|i| grey_png(dir.path(), &format!("{i}.png"), 200))
            .collect();
        let mut log = FlushLog::default();
        let seen = log.flushed.clone();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let record = calls.clone();
        let mut assess = move |frame: &Frame, profile: &Profile| {
            let lines = seen
                .lock()
                .expect("lock")
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            record.lock().expect("lock").push(lines);
            pass_if_bright(frame, profile)
        };
        let status = run_with(&args(true, files), &mut assess, &mut log, &mut Vec::new());
        assert_eq!(status, EXIT_PASS);
        let lines_seen_at_each_call = calls.lock().expect("lock").clone();
        assert_eq!(lines_seen_at_each_call, [0, 1, 2]);
    }
}
