//! `idcap [FILE…]` without a subcommand: open the app, on the review of FILE… when given (as
//! "Open with" in a file manager does).
//!
//! Decides the exit status (`super::EXIT_*`): `EXIT_PASS` (0) when the window was closed normally,
//! `EXIT_ERROR` (2) when it could not open (the reason goes to stderr).

use std::io::Write;
use std::path::PathBuf;

use super::{EXIT_ERROR, EXIT_PASS};
use crate::app::{self, AppOptions};
use crate::camera::SourceSpec;

/// The arguments of `idcap` without a subcommand.
#[derive(Clone, Debug)]
pub(crate) struct OpenArgs {
    /// Where frames come from; `None`: the saved webcam.
    pub(crate) source: Option<SourceSpec>,
    /// Photos to review from the start; the camera starts only in the live view.
    pub(crate) files: Vec<PathBuf>,
}

/// Runs the app until its window closes and returns the exit status.
pub(crate) fn run(args: &OpenArgs, _stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let options = AppOptions {
        source: args.source.clone(),
        open: args.files.clone(),
        ..AppOptions::default()
    };
    match app::run(options) {
        Ok(()) => EXIT_PASS,
        Err(e) => {
            let _ = writeln!(stderr, "idcap: {}", super::window_error(&e));
            EXIT_ERROR
        }
    }
}
