//! Everything the person (or a test) can ask the app to do, and the one place it is done.
//!
//! Decides what each `Command` changes. Panels and views only return commands; `App::handle` applies
//! them (in the order they were given), so every action a button or a key can start is also one a
//! test can send.

use std::path::PathBuf;
use std::sync::Arc;

use super::stills::Side;
use super::{App, Mode, profile_for};
use crate::camera::{SourceCommand, SourceSpec};
use crate::quality::DocumentKind;

/// Everything the person (or a test) can ask the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Live: switch to this source (webcam, demo camera or folder).
    UseSource(SourceSpec),
    /// Use this document type's thresholds from now on.
    SetDocument(DocumentKind),
    /// Show the live preview mirrored (true) or as the camera sends it (false).
    SetMirror(bool),
    /// Ask the webcam for this resolution, `[width, height]` in pixels.
    SetResolution([u32; 2]),
    /// Set a camera control (focus, exposure, …) to `value`.
    SetControl {
        /// The control's id, as the source listed it.
        id: u64,
        /// The new value, within the control's own range or menu.
        value: i64,
    },
    /// Live: take a still of the frame on screen now (refused while the back is expected and the
    /// frame still shows the front).
    CaptureNow,
    /// Live: take a still of the frame on screen even though it looks like the front shown again
    /// (the person says it is the back).
    CaptureAnyway,
    /// Discard the still of this side and capture it again.
    Retake(Side),
    /// Keep the still of the current side and go on (to the back, or finish).
    Accept,
    /// Open the export dialog for this side's still.
    Export(Side),
    /// Show the "Open photos…" dialog.
    OpenPhotos,
    /// Review: add these files to the list.
    AddPhotos(Vec<PathBuf>),
    /// A photo dropped without a path, read into memory; `name` is what the list shows.
    AddPhotoBytes {
        /// The name the list shows (the dropped file's name).
        name: String,
        /// The file's bytes.
        bytes: Arc<[u8]>,
    },
    /// Review: select photo `n` of the strip.
    SelectPhoto(usize),
    /// Review: select the next photo of the strip.
    SelectNextPhoto,
    /// Review: select the previous photo of the strip.
    SelectPreviousPhoto,
    /// Review: remove photo `n` from the list.
    RemovePhoto(usize),
    /// Review: remove every photo from the list.
    ClearPhotos,
    /// Review: open the export dialog for the selected photo.
    ExportSelectedPhoto,
    /// Live: let the auto-capture take stills, or not.
    SetAutoCapture(bool),
    /// Switch to the live (camera) view.
    ShowLive,
    /// Switch to the review (dropped photos) view.
    ShowReview,
    /// Something to tell the person (a save that worked or failed).
    Notice(String),
}

impl App {
    /// Queues a command as if a panel had sent it (tests use this for what needs a file dialog).
    pub fn send(&mut self, cmd: Command) {
        self.pending.push(cmd);
    }

    /// The one place commands are handled.
    pub(crate) fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::UseSource(spec) => {
                self.settings.remember(&spec);
                let source = spec.factory(!self.lockstep);
                self.deferred_source = None;
                self.start_source(source, None, Some(spec));
                self.showing_still = false;
                self.mode = Mode::Live;
            }
            Command::SetDocument(doc) => {
                self.settings.doc = doc;
                if let Some(p) = &self.live.pipeline {
                    p.set_profile(profile_for(doc));
                }
                self.live.reset_capture();
                if doc == DocumentKind::Passport {
                    self.side = Side::Front;
                    self.live.expect_front();
                }
            }
            Command::SetMirror(m) => self.settings.mirror = m,
            Command::SetResolution(size) => {
                self.settings.max_size = size;
                // Stops the stream and opens the same camera again with a format within `size`.
                if let Some(SourceSpec::Webcam { index, id, .. }) = self.current_source.clone() {
                    self.handle(Command::UseSource(SourceSpec::Webcam {
                        index,
                        id,
                        max_size: size,
                    }));
                }
            }
            Command::SetControl { id, value } => {
                if let Some(p) = &self.live.pipeline {
                    p.command(SourceCommand::SetControl { id, value });
                }
            }
            Command::CaptureNow | Command::CaptureAnyway => {
                let anyway = cmd == Command::CaptureAnyway;
                if let Some(c) = self.live.manual_capture(anyway) {
                    self.keep(c, false);
                }
            }
            Command::Retake(side) => self.retake(side),
            Command::Accept => self.accept(),
            Command::Export(side) => self.export(side),
            // Returns at once; the photos arrive through `App::logic` polling the dialog.
            Command::OpenPhotos => self.open_photos.start(&self.ctx),
            Command::AddPhotos(paths) => {
                if !paths.is_empty() {
                    self.review.add_paths(paths);
                    self.mode = Mode::Review;
                }
            }
            Command::AddPhotoBytes { name, bytes } => {
                self.review.add_bytes(name, bytes);
                self.mode = Mode::Review;
            }
            Command::SelectPhoto(n) => self.review.select(n),
            Command::SelectNextPhoto => self.review.select_next(),
            Command::SelectPreviousPhoto => self.review.select_previous(),
            Command::RemovePhoto(n) => self.review.remove(n),
            Command::ClearPhotos => self.review.clear(),
            Command::ExportSelectedPhoto => {
                if let Some(request) = self.review.export_request() {
                    self.export.open(request);
                }
            }
            Command::SetAutoCapture(on) => self.live.auto_enabled = on,
            Command::ShowLive => {
                self.start_deferred_source();
                self.mode = Mode::Live;
            }
            Command::ShowReview => self.mode = Mode::Review,
            Command::Notice(msg) => self.notice = Some(msg),
        }
    }
}
