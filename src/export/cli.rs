//! `idcap export IN -o OUT [--crop] [--preset NAME] [--force]`: the headless export.
//!
//! Decides the command's exit status, aligned with `check`:
//! - 0: the file was written and the photo passes every check;
//! - 1: the file was written, but the photo fails a check (each one is named on stderr);
//! - 2: nothing was written: the input cannot be read, the preset is unknown, the output exists
//!   (without `--force`), the photo cannot meet the preset (too small, no document to crop), or the
//!   write failed.
//!
//! A summary of the written file goes to stdout; warnings and errors go to stderr.

use std::io::Write;
use std::path::PathBuf;

use super::{ExportPreset, Layout, export_with_profile};
use crate::quality::{Analyzer, DocChoice};
use crate::{decode, metadata};

/// Exit status: written, and the photo passes.
pub const EXIT_OK: u8 = 0;
/// Exit status: written, but the photo fails a check.
pub const EXIT_FAILS_CHECK: u8 = 1;
/// Exit status: nothing written.
pub const EXIT_NOT_WRITTEN: u8 = 2;

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
        return EXIT_NOT_WRITTEN;
    };
    if !args.force && args.output.exists() {
        let _ = writeln!(
            stderr,
            "idcap export: {} already exists; choose another name or pass --force to replace it",
            args.output.display()
        );
        return EXIT_NOT_WRITTEN;
    }
    let photo = match decode::read_file(&args.input) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(stderr, "idcap export: cannot read {input}: {e}");
            return EXIT_NOT_WRITTEN;
        }
    };
    let profile = preset.checks.profile(args.doc);
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
            return EXIT_NOT_WRITTEN;
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
    for flag in crate::review::soft_flags(&photo.image, &report, &meta) {
        let _ = writeln!(stderr, "warning: {}", flag.message);
    }
    let failing = report.failing_checks();
    if failing.is_empty() {
        return EXIT_OK;
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
    EXIT_FAILS_CHECK
}
