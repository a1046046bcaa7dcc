//! `idcap export IN -o OUT [--crop] [--preset NAME] [--force]`: the headless export.
//!
//! Decides what the command does with the shared exit statuses (`super::EXIT_*`):
//! - `EXIT_PASS` (0): the file was written and the photo passes every check;
//! - `EXIT_FAIL` (1): the file was written, but the photo fails a check (each one is named on
//!   stderr);
//! - `EXIT_ERROR` (2): nothing was written: the input cannot be read, the preset is unknown, the
//!   output exists (without `--force`), the photo cannot meet the preset (too small, no document to
//!   crop), or the write failed.
//!
//! A summary of the written file goes to stdout; warnings and errors go to stderr. Reading,
//! scoring and writing run behind `guard::catch_panic`: a bug becomes exit 2 with the plain
//! internal-error message, never a crash (and `export::atomic` leaves nothing half-written).

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::analysis::Assess;
use crate::export::{ExportPreset, Layout, export_with_profile};
use crate::quality::mrz::CalendarDate;
use crate::quality::{Analyzer, DocChoice, Profile};
use crate::{decode, guard, metadata};

/// The arguments of `idcap export`.
#[derive(Clone, Debug)]
pub(crate) struct ExportArgs {
    pub(crate) input: PathBuf,
    pub(crate) output: PathBuf,
    pub(crate) layout: Layout,
    /// An `ExportPreset` name.
    pub(crate) preset: String,
    pub(crate) doc: DocChoice,
    /// Replace an existing output file.
    pub(crate) force: bool,
    /// The day document expiry is judged against (`--today`, else the system date).
    pub(crate) today: CalendarDate,
}

/// Runs the export and returns the exit status; messages go to `stdout` and `stderr`.
pub(crate) fn run(args: &ExportArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    run_with(args, &mut Analyzer::new(), stdout, stderr)
}

/// `run` with the analysis supplied (tests inject one that panics).
fn run_with(
    args: &ExportArgs,
    assess: &mut dyn Assess,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let input = args.input.display();
    let Some(preset) = ExportPreset::by_name(&args.preset) else {
        let _ = writeln!(
            stderr,
            "idcap export: unknown preset \"{}\" (known: {})",
            args.preset,
            ExportPreset::names()
        );
        return EXIT_ERROR;
    };
    if !args.force && args.output.exists() {
        let _ = writeln!(
            stderr,
            "idcap export: {} already exists; choose another name or pass --force to replace it",
            args.output.display()
        );
        return EXIT_ERROR;
    }
    let done = guard::catch_panic(|| export_one(args, &preset, assess, stdout, stderr));
    done.unwrap_or_else(|e| {
        let _ = writeln!(stderr, "idcap export: {input}: {e}");
        EXIT_ERROR
    })
}

/// Reads, scores and writes the file; returns the exit status.
fn export_one(
    args: &ExportArgs,
    preset: &ExportPreset,
    assess: &mut dyn Assess,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let input = args.input.display();
    let photo = match decode::read_file(&args.input) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(stderr, "idcap export: cannot read {input}: {e}");
            return EXIT_ERROR;
        }
    };
    let profile = Profile {
        today: Some(args.today),
        ..preset.checks.profile(args.doc)
    };
    let report = assess.assess(&photo.image, &profile);
    let exported = match export_with_profile(
        &photo.image,
        photo.icc_profile.as_deref(),
        Some(&report),
        preset,
        args.layout,
        &args.output,
        args.force,
    ) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(stderr, "idcap export: {input}: {e}");
            return EXIT_ERROR;
        }
    };
    let _ = writeln!(
        stdout,
        "{} ({}, {})",
        exported.summary(),
        preset.name,
        preset.band_text()
    );
    for note in &exported.notes {
        let _ = writeln!(stderr, "note: {note}");
    }
    let meta = metadata::of_photo(&photo);
    for flag in crate::quality::flags::soft_flags(&photo.image, &report, metadata::flags(&meta)) {
        let _ = writeln!(stderr, "warning: {}", flag.message);
    }
    let failing = report.failing_checks();
    if failing.is_empty() {
        return EXIT_PASS;
    }
    let _ = writeln!(
        stderr,
        "warning: {input} fails {} check{} a portal may reject it for:",
        failing.len(),
        if failing.len() == 1 { "" } else { "s" }
    );
    for c in failing {
        let _ = writeln!(
            stderr,
            "  {} — \"{}\": {}",
            c.id.as_str(),
            c.portal,
            c.message
        );
    }
    EXIT_FAIL
}

#[cfg(test)]
mod tests {
    use image::{Rgb, RgbImage};

    use super::*;
    use crate::quality::{Frame, Profile, Report};

    #[test]
    fn a_panic_while_exporting_is_exit_2_with_the_plain_message_and_no_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.png");
        RgbImage::from_pixel(640, 480, Rgb([90, 120, 150]))
            .save(&input)
            .expect("write fixture");
        let output = dir.path().join("out.jpg");
        let args = ExportArgs {
            input,
            output: output.clone(),
            layout: Layout::FullFrame,
            preset: "kyc-portal".into(),
            doc: DocChoice::Auto,
            force: false,
            today: CalendarDate::new(2026, 12, 4).expect("a date"),
        };
        let mut panics = |_: &Frame, _: &Profile| -> Report { panic!("a bug in the analysis") };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = run_with(&args, &mut panics, &mut out, &mut err);
        assert_eq!(status, EXIT_ERROR);
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains(guard::INTERNAL_ERROR_MESSAGE), "{err}");
        assert!(out.is_empty());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(
            left,
            [std::ffi::OsString::from("in.png")],
            "nothing written"
        );
    }
}
