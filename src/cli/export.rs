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
//! A summary of the written file goes to stdout; warnings and errors go to stderr.

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::export::{ExportPreset, Layout, export_with_profile};
use crate::quality::mrz::CalendarDate;
use crate::quality::{Analyzer, DocChoice, Profile};
use crate::{decode, metadata};

/// The arguments of `idcap export`.
#[derive(Clone, Debug)]
pub struct ExportArgs {
    pub input: PathBuf,
    pub output: PathBuf,
    pub layout: Layout,
    /// An `ExportPreset` name.
    pub preset: String,
    pub doc: DocChoice,
    /// Replace an existing output file.
    pub force: bool,
    /// The day document expiry is judged against (`--today`, else the system date).
    pub today: CalendarDate,
}

/// Runs the export and returns the exit status; messages go to `stdout` and `stderr`.
pub fn run(args: &ExportArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
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
    let report = Analyzer::new().assess(&photo.image, &profile);
    let exported = match export_with_profile(
        &photo.image,
        photo.icc_profile.as_deref(),
        Some(&report),
        &preset,
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
    let meta = metadata::read(photo.exif.as_deref(), photo.format);
    for flag in crate::quality::flags::soft_flags(&photo.image, &report, &meta) {
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
