//! `idcap capture -o OUT [--doc KIND] [--accept-auto]`: the live view, for one photo.
//!
//! Decides the command's result: when the person accepts a photo (or the first automatic capture,
//! with `--accept-auto`) the app writes it and closes, and its report goes to stdout as one JSON
//! line (the `check --json` format). Exit status (`super::EXIT_*`): `EXIT_PASS` (0) a photo was
//! written; `EXIT_FAIL` (1) no photo (the window was closed first, or writing it failed);
//! `EXIT_ERROR` (2) the window could not open. Messages go to stderr.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::{EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::app::{self, AppOptions, CaptureRequest};
use crate::camera::SourceSpec;
use crate::quality::DocumentKind;

/// The arguments of `idcap capture`.
#[derive(Clone, Debug)]
pub(crate) struct CaptureArgs {
    /// Where frames come from; `None`: the saved webcam.
    pub(crate) source: Option<SourceSpec>,
    /// The document to capture; `None`: the saved choice.
    pub(crate) doc: Option<DocumentKind>,
    /// The JPG to write.
    pub(crate) output: PathBuf,
    /// Accept the first automatic capture without asking.
    pub(crate) accept_auto: bool,
}

/// Opens the window, waits until it closes, and returns the exit status.
pub(crate) fn run(args: &CaptureArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let result = Arc::new(Mutex::new(None));
    let options = AppOptions {
        source: args.source.clone(),
        doc: args.doc,
        capture_request: Some(CaptureRequest {
            output: args.output.clone(),
            accept_auto: args.accept_auto,
            result: result.clone(),
        }),
        ..AppOptions::default()
    };
    if let Err(e) = app::run(options) {
        let _ = writeln!(stderr, "idcap: {}", super::window_error(&e));
        return EXIT_ERROR;
    }
    let outcome = result.lock().ok().and_then(|mut r| r.take());
    match outcome {
        Some(Ok(json)) => {
            let _ = writeln!(stdout, "{json}");
            EXIT_PASS
        }
        Some(Err(e)) => {
            let _ = writeln!(stderr, "idcap: {e}");
            EXIT_FAIL
        }
        None => {
            let _ = writeln!(stderr, "idcap: the window was closed without a capture");
            EXIT_FAIL
        }
    }
}
