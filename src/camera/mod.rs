//! Where frames come from: the `FrameSource` trait and its three sources (a webcam through nokhwa,
//! the built-in demo camera, a folder of images replayed as a camera), plus the camera thread that
//! runs a source and keeps its newest frame for the analysis (`feed`; the analysis itself is
//! `crate::analysis`).
//!
//! Decides what a frame is (upright 8-bit RGB, a sequence number, a timestamp in seconds from the
//! source's start) and how a source reports trouble: `Unavailable` means "try again later" (no
//! camera yet, unplugged, busy), `Fatal` means the source can never deliver.

pub mod backend;
pub mod controls;
pub mod demo;
pub mod device;
pub mod fake;
pub mod feed;
pub mod format;
pub mod frames;
pub mod inspect;
#[cfg(target_os = "linux")]
mod linux_probe;
pub mod mrz_specimen;
pub mod nokhwa_backend;
pub mod platform;
pub mod replay;
pub mod watchdog;
pub mod webcam;

use std::path::PathBuf;
use std::sync::Arc;

use thiserror::Error;

use crate::quality::Frame;

/// One frame from a source.
#[derive(Clone, Debug)]
pub struct CameraFrame {
    pub image: Arc<Frame>,
    /// Counts up from 0 per source.
    pub seq: u64,
    /// Seconds since the source started (the demo and replay use frame index / fps, so their time
    /// is deterministic).
    pub time_s: f64,
}

/// Why a source gave no frame.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SourceError {
    /// Nothing right now; worth trying again (no camera, unplugged, busy, permission denied).
    #[error("{0}")]
    Unavailable(String),
    /// This source can never deliver (an empty folder, for example).
    #[error("{0}")]
    Fatal(String),
}

/// A camera control the source exposes (focus, exposure, anti-flicker), for the side panel.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlInfo {
    /// Opaque id the source understands in `SourceCommand::SetControl` (the V4L2 control id on
    /// Linux).
    pub id: u64,
    pub name: String,
    pub kind: ControlKind,
    /// False when the camera ignores the control in its present mode (V4L2 `flags=inactive`:
    /// exposure time while auto exposure is on, focus while autofocus is on). Show it disabled.
    pub active: bool,
}

/// One named entry of a menu control ("50 Hz", "Aperture Priority Mode").
#[derive(Clone, Debug, PartialEq)]
pub struct MenuOption {
    pub value: i64,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ControlKind {
    Range {
        min: i64,
        max: i64,
        step: i64,
        value: i64,
    },
    Toggle {
        value: bool,
    },
    /// A list of values without names (a backend that gives no labels).
    Choice {
        options: Vec<i64>,
        value: i64,
    },
    /// A menu with named entries: only these values are valid (power-line frequency: Disabled /
    /// 50 Hz / 60 Hz / Auto; auto exposure: Manual Mode / Aperture Priority Mode).
    Menu {
        options: Vec<MenuOption>,
        value: i64,
    },
}

impl ControlKind {
    /// The value the camera reports now (toggles as 0 or 1).
    pub fn value(&self) -> i64 {
        match self {
            ControlKind::Range { value, .. }
            | ControlKind::Choice { value, .. }
            | ControlKind::Menu { value, .. } => *value,
            ControlKind::Toggle { value } => i64::from(*value),
        }
    }
}

/// What the app can ask a running source to do.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceCommand {
    SetControl { id: u64, value: i64 },
}

/// What a source tells the app besides frames.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceStatus {
    /// Frames are flowing from the named device at this resolution.
    Live {
        name: String,
        width: u32,
        height: u32,
    },
    /// No frames for now; the source keeps trying.
    Waiting(String),
    /// The source stopped for good.
    Failed(String),
    /// The controls the device offers.
    Controls(Vec<ControlInfo>),
}

/// A producer of frames. `next_frame` may block (a camera waits for its next frame, the demo and
/// replay sleep to keep their frame rate); it runs on the camera thread, never on the UI thread.
/// Sources need not be `Send` (nokhwa's camera is not): the camera thread builds its source from a
/// `SourceFactory`.
pub trait FrameSource {
    /// A name for people ("Demo camera", "HD Webcam C270", "folder frames/").
    fn name(&self) -> String;
    /// The next frame, or why there is none.
    fn next_frame(&mut self) -> Result<CameraFrame, SourceError>;
    /// Controls the source offers, read after it starts delivering.
    fn controls(&mut self) -> Vec<ControlInfo> {
        Vec::new()
    }
    /// Applies a command from the app; sources without controls ignore it.
    fn command(&mut self, cmd: &SourceCommand) {
        let _ = cmd;
    }
}

/// Builds a source on the camera thread.
pub type SourceFactory = Box<dyn FnOnce() -> Box<dyn FrameSource> + Send>;

/// A factory for a source that already exists and can move to the camera thread (tests).
pub fn ready<S: FrameSource + Send + 'static>(source: S) -> SourceFactory {
    Box::new(move || Box::new(source))
}

/// Which source to start, as chosen on the command line or in the app.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum SourceSpec {
    /// A webcam: `None` is the first one that opens. `max_size` caps the requested resolution.
    Webcam {
        index: Option<u32>,
        max_size: [u32; 2],
    },
    /// The built-in demo camera.
    Demo,
    /// The images of a folder, in name order, looping, at `fps`.
    Folder { dir: PathBuf, fps: f64 },
}

/// Largest webcam resolution requested by default.
pub const DEFAULT_MAX_SIZE: [u32; 2] = [1920, 1080];

impl SourceSpec {
    /// `demo` or a folder path, as given to `--source`.
    pub fn parse(arg: &str, fps: f64) -> SourceSpec {
        if arg == "demo" {
            SourceSpec::Demo
        } else if arg == "webcam" || arg == "camera" {
            SourceSpec::Webcam {
                index: None,
                max_size: DEFAULT_MAX_SIZE,
            }
        } else {
            SourceSpec::Folder {
                dir: PathBuf::from(arg),
                fps,
            }
        }
    }

    /// A name for people before the source has said its own.
    pub fn label(&self) -> String {
        match self {
            SourceSpec::Webcam { .. } => "Webcam".to_string(),
            SourceSpec::Demo => "Demo camera".to_string(),
            SourceSpec::Folder { dir, .. } => format!("Folder {}", dir.display()),
        }
    }

    /// A factory that builds this source on the camera thread.
    pub fn factory(&self, paced: bool) -> SourceFactory {
        let spec = self.clone();
        Box::new(move || spec.open(paced))
    }

    /// Builds the source. `paced` false makes the demo and replay run as fast as they are read
    /// (tests); a webcam is always paced by the device.
    pub fn open(&self, paced: bool) -> Box<dyn FrameSource> {
        match self {
            SourceSpec::Webcam { index, max_size } => {
                // The webcam runs behind the watchdog: a driver stuck in its read cannot freeze
                // the camera thread, and a fresh source replaces it.
                let (index, max_size) = (*index, *max_size);
                Box::new(watchdog::WatchedSource::new(
                    std::sync::Arc::new(move || {
                        Box::new(webcam::WebcamSource::new(index, max_size)) as Box<dyn FrameSource>
                    }),
                    watchdog::STALL_LIMIT,
                ))
            }
            SourceSpec::Demo => Box::new(demo::DemoCamera::new(demo::DEMO_FPS, paced)),
            SourceSpec::Folder { dir, fps } => {
                Box::new(replay::FolderReplay::new(dir.clone(), *fps, paced))
            }
        }
    }
}
