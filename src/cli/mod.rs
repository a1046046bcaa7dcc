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
pub mod capture;
pub mod check;
pub mod export;
pub mod gui;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::camera::SourceSpec;
use crate::quality::mrz::CalendarDate;
use crate::quality::{DocChoice, DocumentKind, Preset};

/// Exit status 0: the job was done and every photo passes (`check`: all files pass; `export`:
/// written and passing; `capture`: a photo was written; no subcommand: the window was closed).
pub const EXIT_PASS: u8 = 0;
/// Exit status 1: the job was done, but a photo fails a check (`check`, `export`), or no photo was
/// taken (`capture`).
pub const EXIT_FAIL: u8 = 1;
/// Exit status 2: the job could not be done: a file could not be read (`check`), nothing was
/// written (`export`), the window could not open. Also clap's status for a usage error.
pub const EXIT_ERROR: u8 = 2;

// The whole command line. (Plain comments on the clap types: a doc comment on them would become
// help text.)
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
    pub command: Option<Command>,
    /// Photos to review: the app opens on the review view with these files, as if they had been
    /// dropped on its window (the camera starts only when you switch to the live view).
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Where frames come from: `webcam` (default), `demo` (built-in demo camera) or a folder of
    /// images replayed as a camera.
    #[arg(long, global = true, value_name = "demo|webcam|DIR")]
    pub source: Option<String>,
    /// Frames per second when replaying a folder.
    #[arg(long, global = true, default_value_t = 5.0)]
    pub fps: f64,
}

// `--doc`.
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
    },
}

/// Runs the command line and returns the exit status; output goes to `stdout` and `stderr`.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let source = cli.source.as_deref().map(|s| SourceSpec::parse(s, cli.fps));
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
        }) => {
            let args = capture::CaptureArgs {
                source,
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
                source,
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
