//! The `idcap` command line: the clap definitions, the dispatch to one module per subcommand,
//! and the exit statuses they share.
//!
//! No subcommand opens the app (on the review of FILE… when given, as "Open with" in a file
//! manager does: `gui`); `check` scores image files; `export` writes a compliant JPG; `capture`
//! opens the live view and writes the photo the person accepts. Every subcommand has the same
//! shape, `run(args, stdout, stderr) -> u8`, so tests drive it with byte buffers; `main.rs` only
//! parses, calls `run` with the real streams and exits with its status.
//!
//! Decides the exit statuses, the same three for every subcommand (each module says what they mean
//! for it): `EXIT_PASS` 0, `EXIT_FAIL` 1, `EXIT_ERROR` 2. Clap's own usage errors also exit 2.

pub mod cameras;
pub(crate) mod capture;
pub mod check;
pub(crate) mod export;
pub(crate) mod gui;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::camera::SourceSpec;
use crate::quality::mrz::CalendarDate;
use crate::quality::{DocChoice, DocumentKind, Preset};

/// Exit status 0: the job was done and every photo passes (`check`: all files pass; `export`:
/// written and passing; `capture`: a photo was written; no subcommand: the window was closed).
pub(crate) const EXIT_PASS: u8 = 0;
/// Exit status 1: the job was done, but a photo fails a check (`check`, `export`), or no photo was
/// taken (`capture`).
pub(crate) const EXIT_FAIL: u8 = 1;
/// Exit status 2: the job could not be done: a file could not be read (`check`), nothing was
/// written (`export`), the window could not open. Also clap's status for a usage error.
pub(crate) const EXIT_ERROR: u8 = 2;

// The whole command line. (Plain comments on the clap types: a doc comment on them would become
// help text.)
/// The command line: files to review, or a subcommand, and the options every subcommand takes.
#[derive(Parser)]
#[command(
    name = "idcap",
    version,
    about = "Take an ID photo that a KYC portal accepts on the first try.",
    override_usage = "idcap [OPTIONS] [FILE]...\n       idcap [OPTIONS] <COMMAND>",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    /// Photos to review: the app opens on the review view with these files, as if they had been
    /// dropped on its window (the camera starts only when you switch to the live view).
    #[arg(value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) frames: FrameSourceArgs,
}

// `--source` and `--fps`: only where a camera runs (the app and `capture`), so `check --help` and
// `export --help` do not list options that would do nothing there.
#[derive(Args, Clone, Debug)]
#[expect(
    missing_docs,
    reason = "a doc comment on a clap type becomes help text"
)]
pub struct FrameSourceArgs {
    /// Where frames come from: `webcam` (default), `demo` (built-in demo camera) or a folder of
    /// images replayed as a camera.
    #[arg(long, value_name = "demo|webcam|DIR")]
    pub(crate) source: Option<String>,
    /// Frames per second when replaying a folder (more than 0).
    #[arg(long, default_value_t = 5.0, value_parser = parse_fps)]
    pub(crate) fps: f64,
}

impl FrameSourceArgs {
    fn spec(&self) -> Option<SourceSpec> {
        self.source
            .as_deref()
            .map(|s| SourceSpec::parse(s, self.fps))
    }
}

/// `--fps`: a finite number of frames per second above 0 (0 would freeze the view).
fn parse_fps(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(fps) if fps.is_finite() && fps > 0.0 => Ok(fps),
        Ok(_) => Err(format!(
            "{text} is not a frame rate: give a number of frames per second above 0, such as 5"
        )),
        Err(_) => Err(format!(
            "{text} is not a number: give frames per second above 0, such as 5"
        )),
    }
}

// `--doc`.
#[expect(
    missing_docs,
    reason = "clap shows doc comments as help text; the plain comment says what it is"
)]
#[derive(Clone, Copy, ValueEnum)]
pub enum DocArg {
    IdCard,
    Passport,
    Auto,
}

impl From<DocArg> for DocChoice {
    fn from(d: DocArg) -> Self {
        match d {
            DocArg::IdCard => DocChoice::IdCard,
            DocArg::Passport => DocChoice::Passport,
            DocArg::Auto => DocChoice::Auto,
        }
    }
}

// `check --preset`.
#[expect(
    missing_docs,
    reason = "clap shows doc comments as help text; the plain comment says what it is"
)]
#[derive(Clone, Copy, ValueEnum)]
pub enum PresetArg {
    Standard,
    Strict,
}

impl From<PresetArg> for Preset {
    fn from(p: PresetArg) -> Self {
        match p {
            PresetArg::Standard => Preset::Standard,
            PresetArg::Strict => Preset::Strict,
        }
    }
}

// `--today`: a calendar day, or a usage error (exit 2) that says what is expected.
fn parse_today(text: &str) -> Result<CalendarDate, String> {
    CalendarDate::parse(text).ok_or_else(|| {
        format!("\"{text}\" is not a date: expected YYYY-MM-DD, a real calendar day")
    })
}

// The subcommands.
#[expect(
    missing_docs,
    reason = "clap shows doc comments as help text; the plain comment says what it is"
)]
#[derive(Subcommand)]
pub enum Command {
    /// List the cameras: formats, controls and the format idcap would choose. `--test` streams
    /// one camera for 3 s and says whether it works. Exit status: 0 listed (or the camera works),
    /// 1 no camera (or it does not work).
    Cameras {
        /// Print JSON instead of text (to attach to a bug report).
        #[arg(long)]
        json: bool,
        /// Stream a camera for 3 s: frames, fps, decode failures, first-frame latency, analysis
        /// time and a verdict. ID: a camera id from the listing (default: the first usable one).
        #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
        test: Option<String>,
    },
    /// Score image files. Exit status: 0 all pass, 1 some fail, 2 some could not be read.
    Check {
        /// Print one JSON object per file (JSON Lines) instead of a table.
        #[arg(long)]
        json: bool,
        /// Which document to expect.
        #[arg(long, value_enum, default_value = "auto")]
        doc: DocArg,
        /// Threshold preset.
        #[arg(long, value_enum, default_value = "standard")]
        preset: PresetArg,
        /// The day document expiry is judged against, YYYY-MM-DD (default: today's date, UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<CalendarDate>,
        /// Image files (JPEG, PNG, WebP, TIFF, BMP).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a JPG a portal accepts (no metadata, size band of the preset). Exit status: 0 written
    /// and the photo passes, 1 written but the photo fails a check (named on stderr), 2 nothing
    /// written (unreadable input, existing output without --force, photo cannot meet the preset).
    Export {
        /// The photo to export (JPEG, PNG, WebP, TIFF, BMP).
        input: PathBuf,
        /// Where to write the JPG. An existing file is kept unless --force is given.
        #[arg(short, long)]
        output: PathBuf,
        /// Export the document only, perspective-corrected, with its dpi in the JPEG header.
        #[arg(long)]
        crop: bool,
        /// Export preset: kyc-portal (100 KB – 5 MB), kyc-portal-10mb, document-reader.
        #[arg(long, default_value = "kyc-portal")]
        preset: String,
        /// Which document to expect.
        #[arg(long, value_enum, default_value = "auto")]
        doc: DocArg,
        /// Replace OUTPUT if it exists.
        #[arg(long)]
        force: bool,
        /// The day document expiry is judged against, YYYY-MM-DD (default: today's date, UTC).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today)]
        today: Option<CalendarDate>,
    },
    /// Open the live view; when a photo is accepted (or auto-captured, with --accept-auto) write it
    /// as JPG, print its report as one JSON line (the `check --json` format) and exit 0. Closing the
    /// window without a photo exits 1.
    Capture {
        /// The JPG to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Which document to capture (`auto`: the saved choice).
        #[arg(long, value_enum, default_value = "auto")]
        doc: DocArg,
        /// Accept the first automatic capture without asking.
        #[arg(long)]
        accept_auto: bool,
        #[command(flatten)]
        frames: FrameSourceArgs,
    },
}

/// Runs the command line and returns the exit status; output goes to `stdout` and `stderr`.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    match cli.command {
        Some(Command::Check {
            json,
            doc,
            preset,
            today,
            files,
        }) => {
            let args = check::CheckArgs {
                json,
                doc: doc.into(),
                preset: preset.into(),
                today: today.unwrap_or_else(crate::clock::today),
                files,
            };
            check::run(&args, stdout, stderr)
        }
        Some(Command::Export {
            input,
            output,
            crop,
            preset,
            doc,
            force,
            today,
        }) => {
            let args = export::ExportArgs {
                input,
                output,
                layout: if crop {
                    crate::export::Layout::DeskewedCrop
                } else {
                    crate::export::Layout::FullFrame
                },
                preset,
                doc: doc.into(),
                force,
                today: today.unwrap_or_else(crate::clock::today),
            };
            export::run(&args, stdout, stderr)
        }
        Some(Command::Capture {
            output,
            doc,
            accept_auto,
            frames,
        }) => {
            let args = capture::CaptureArgs {
                source: frames.spec(),
                doc: live_doc(doc),
                output,
                accept_auto,
            };
            capture::run(&args, stdout, stderr)
        }
        Some(Command::Cameras { json, test }) => {
            let args = cameras::CamerasArgs {
                json,
                test: test.map(|id| if id.is_empty() { None } else { Some(id) }),
            };
            cameras::run(&args, stdout, stderr)
        }
        None => {
            let args = gui::OpenArgs {
                source: cli.frames.spec(),
                files: cli.files,
            };
            gui::run(&args, stdout, stderr)
        }
    }
}

/// The document the live view starts with: `auto` keeps the saved choice.
fn live_doc(doc: DocArg) -> Option<DocumentKind> {
    match doc {
        DocArg::IdCard => Some(DocumentKind::IdCard),
        DocArg::Passport => Some(DocumentKind::Passport),
        DocArg::Auto => None,
    }
}

/// What to print when the app's window cannot open: a sentence saying what to do when there is
/// no display at all, otherwise the reason without the source location (a dependency's file and
/// line) that the windowing library puts into its errors.
pub(crate) fn window_error(error: &dyn std::fmt::Display) -> String {
    let no_display =
        std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none();
    if cfg!(target_os = "linux") && no_display {
        return "no display to open the window on: run idcap in a desktop session (DISPLAY or \
                WAYLAND_DISPLAY set) or under xvfb-run; `idcap check` and `idcap export` need no \
                display"
            .to_string();
    }
    format!(
        "cannot open the window: {}",
        without_source_location(&error.to_string())
    )
}

/// `message` without "os error at /path/to/file.rs:123: " style source locations.
fn without_source_location(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(rs) = out.find(".rs:") {
        let start = out[..rs].rfind(" at ").map_or(0, |i| i + 1).min(rs);
        let rest = &out[rs + 4..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after = rest[digits..]
            .strip_prefix(": ")
            .or_else(|| rest[digits..].strip_prefix(':'))
            .unwrap_or(&rest[digits..]);
        let prefix = out[..start].trim_end_matches("os error ").to_string();
        out = format!("{prefix}{after}");
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("idcap").chain(args.iter().copied()))
    }

    #[test]
    fn source_and_fps_belong_to_the_app_and_capture_only() {
        assert!(parse(&["--source", "demo", "--fps", "2"]).is_ok());
        assert!(parse(&["capture", "-o", "x.jpg", "--source", "demo", "--fps", "2"]).is_ok());
        assert!(parse(&["check", "--source", "demo", "a.jpg"]).is_err());
        assert!(parse(&["export", "a.jpg", "-o", "b.jpg", "--fps", "2"]).is_err());
        for sub in ["check", "export"] {
            let help = parse(&[sub, "--help"]).err().map(|e| e.to_string());
            let help = help.unwrap_or_default();
            assert!(help.contains("--doc"), "{help}");
            assert!(
                !help.contains("--source") && !help.contains("--fps"),
                "{help}"
            );
        }
    }

    #[test]
    fn a_frame_rate_must_be_a_finite_number_above_zero() {
        for bad in ["0", "-1", "NaN", "inf", "fast"] {
            let e = parse(&["--source", "demo", &format!("--fps={bad}")]).err();
            let text = e.map(|e| e.to_string()).unwrap_or_default();
            assert!(text.contains("above 0"), "{bad}: {text}");
        }
        let ok = parse(&["capture", "-o", "x.jpg", "--fps", "0.5"]);
        assert!(matches!(
            ok.map(|c| c.command),
            Ok(Some(Command::Capture { frames, .. })) if frames.fps == 0.5
        ));
    }

    #[test]
    fn window_errors_leave_out_the_libraries_source_paths() {
        let winit = "os error at /home/u/.cargo/registry/src/index/winit-0.30.13/src/platform_impl/linux/mod.rs:765: neither WAYLAND_DISPLAY nor DISPLAY is set.";
        assert_eq!(
            without_source_location(winit),
            "neither WAYLAND_DISPLAY nor DISPLAY is set."
        );
        assert_eq!(without_source_location("no GPU adapter"), "no GPU adapter");
    }
}
