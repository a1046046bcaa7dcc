//! The `idcap` command line: no subcommand opens the app (on the review of FILE… when given, as
//! "Open with" in a file manager does); `check` scores image files; `export` writes a compliant JPG;
//! `capture` opens the live view and writes the photo the person accepts.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand, ValueEnum};
use idcap::app::{self, AppOptions, CaptureRequest};
use idcap::camera::SourceSpec;
use idcap::quality::{Analyzer, DocChoice, DocumentKind, Preset, Verdict};
use idcap::{decode, output};

#[derive(Parser)]
#[command(
    name = "idcap",
    version,
    about = "Take an ID photo that a KYC portal accepts on the first try.",
    override_usage = "idcap [OPTIONS] [FILE]...\n       idcap [OPTIONS] <COMMAND>",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Photos to review: the app opens on the review view with these files, as if they had been
    /// dropped on its window (the camera starts only when you switch to the live view).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Where frames come from: `webcam` (default), `demo` (built-in demo camera) or a folder of
    /// images replayed as a camera.
    #[arg(long, global = true, value_name = "demo|webcam|DIR")]
    source: Option<String>,
    /// Frames per second when replaying a folder.
    #[arg(long, global = true, default_value_t = 5.0)]
    fps: f64,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocArg {
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

#[derive(Clone, Copy, ValueEnum)]
enum PresetArg {
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

#[derive(Subcommand)]
enum Command {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check {
            json,
            doc,
            preset,
            files,
        }) => check(json, doc.into(), preset.into(), &files),
        Some(Command::Export {
            input,
            output,
            crop,
            preset,
            doc,
            force,
        }) => {
            let args = idcap::export::cli::ExportArgs {
                input,
                output,
                layout: if crop {
                    idcap::export::Layout::DeskewedCrop
                } else {
                    idcap::export::Layout::FullFrame
                },
                preset,
                doc: doc.into(),
                force,
            };
            let status = idcap::export::cli::run(
                &args,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            );
            ExitCode::from(status)
        }
        Some(Command::Capture {
            output,
            doc,
            accept_auto,
        }) => capture(cli.source.as_deref(), cli.fps, doc, output, accept_auto),
        None => gui(cli.source.as_deref(), cli.fps, cli.files),
    }
}

fn live_doc(doc: DocArg) -> Option<DocumentKind> {
    match doc {
        DocArg::IdCard => Some(DocumentKind::IdCard),
        DocArg::Passport => Some(DocumentKind::Passport),
        DocArg::Auto => None,
    }
}

fn gui(source: Option<&str>, fps: f64, open: Vec<PathBuf>) -> ExitCode {
    let options = AppOptions {
        source: source.map(|s| SourceSpec::parse(s, fps)),
        open,
        ..AppOptions::default()
    };
    match app::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("idcap: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}

fn capture(
    source: Option<&str>,
    fps: f64,
    doc: DocArg,
    output: PathBuf,
    accept_auto: bool,
) -> ExitCode {
    let result = Arc::new(Mutex::new(None));
    let options = AppOptions {
        source: source.map(|s| SourceSpec::parse(s, fps)),
        doc: live_doc(doc),
        capture_request: Some(CaptureRequest {
            output,
            accept_auto,
            result: result.clone(),
        }),
        ..AppOptions::default()
    };
    if let Err(e) = app::run(options) {
        eprintln!("idcap: cannot open the window: {e}");
        return ExitCode::from(2);
    }
    let outcome = result.lock().ok().and_then(|mut r| r.take());
    match outcome {
        Some(Ok(json)) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Some(Err(e)) => {
            eprintln!("idcap: {e}");
            ExitCode::from(1)
        }
        None => {
            eprintln!("idcap: the window was closed without a capture");
            ExitCode::from(1)
        }
    }
}

fn check(json: bool, doc: DocChoice, preset: Preset, files: &[PathBuf]) -> ExitCode {
    let profile = preset.profile(doc);
    let mut analyzer = Analyzer::new();
    let (mut any_fail, mut any_error) = (false, false);
    let stdout = std::io::stdout();
    for path in files {
        let name = path.display().to_string();
        let t0 = Instant::now();
        let line = match decode::read_file(path) {
            Err(e) => {
                any_error = true;
                let msg = format!("cannot read {name}: {e}");
                if json {
                    output::json_error(&name, &msg).to_string()
                } else {
                    msg
                }
            }
            Ok(photo) => {
                let decode_ms = t0.elapsed().as_secs_f64() * 1e3;
                let t1 = Instant::now();
                let rep = analyzer.assess(&photo.image, &profile);
                let analyze_ms = t1.elapsed().as_secs_f64() * 1e3;
                any_fail |= rep.verdict() == Verdict::Fail;
                let timings = output::Timings {
                    decode_ms,
                    analyze_ms,
                };
                let meta = idcap::metadata::read(photo.exif.as_deref(), photo.format);
                let flags = idcap::quality::flags::soft_flags(&photo.image, &rep, &meta);
                if json {
                    let mut line = output::json_line(&name, &rep, timings);
                    output::add_warnings(&mut line, &flags);
                    line.to_string()
                } else {
                    output::human(&name, &rep, timings) + &output::human_warnings(&flags)
                }
            }
        };
        let mut out = stdout.lock();
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            // stdout closed (for example piped into `head`): stop quietly.
            return ExitCode::from(2);
        }
    }
    if any_error {
        ExitCode::from(2)
    } else if any_fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
