//! Where frames come from: the `FrameSource` trait and its three sources (a webcam through nokhwa,
//! the built-in demo camera, a folder of images replayed as a camera), plus the camera thread that
//! runs a source and keeps its newest frame for the analysis (`feed`; the analysis itself is
//! `crate::analysis`).
//!
//! Decides what a frame is (upright 8-bit RGB, a sequence number, a timestamp in seconds from the
//! source's start) and how a source reports trouble: `Unavailable` means "try again later" (no
//! camera yet, unplugged, busy), `Fatal` means the source can never deliver.

pub(crate) mod backend;
pub mod controls;
pub mod demo;
pub mod demo_thumb;
pub mod device;
pub mod fake;
pub(crate) mod feed;
pub mod format;
pub(crate) mod frames;
pub mod inspect;
#[cfg(target_os = "linux")]
mod linux_probe;
pub mod mrz_specimen;
pub(crate) mod nokhwa_backend;
pub(crate) mod platform;
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
    /// The pixels (RGB, `width × height`).
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
    pub(crate) id: u64,
    /// The control's name as the driver gives it ("Power Line Frequency").
    pub name: String,
    /// Its type, range or menu, and current value.
    pub kind: ControlKind,
    /// False when the camera ignores the control in its present mode (V4L2 `flags=inactive`:
    /// exposure time while auto exposure is on, focus while autofocus is on). Show it disabled.
    pub active: bool,
}

/// One named entry of a menu control ("50 Hz", "Aperture Priority Mode").
#[derive(Clone, Debug, PartialEq)]
pub struct MenuOption {
    /// The value to set.
    pub value: i64,
    /// The name shown ("50 Hz").
    pub label: String,
}

/// A camera control as the app shows it: its type, range or menu, and current value.
#[derive(Clone, Debug, PartialEq)]
pub enum ControlKind {
    /// A number from `min` to `max` in steps of `step` (driver units).
    Range {
        /// Smallest value (driver units).
        min: i64,
        /// Largest value (driver units).
        max: i64,
        /// Step between valid values (1 or more).
        step: i64,
        /// Current value (driver units).
        value: i64,
    },
    /// An on/off switch.
    Toggle {
        /// Current state.
        value: bool,
    },
    /// A list of values without names (a backend that gives no labels).
    Choice {
        /// The valid values.
        options: Vec<i64>,
        /// Current value (one of `options`).
        value: i64,
    },
    /// A menu with named entries: only these values are valid (power-line frequency: Disabled /
    /// 50 Hz / 60 Hz / Auto; auto exposure: Manual Mode / Aperture Priority Mode).
    Menu {
        /// The named entries.
        options: Vec<MenuOption>,
        /// Current value (one of the entries' `value`).
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
    /// Set a camera control to a value.
    SetControl {
        /// The control's id, as the source listed it.
        id: u64,
        /// The new value (driver units), within the control's range or menu.
        value: i64,
    },
}

/// What a source tells the app besides frames.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SourceStatus {
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
    /// The controls the device offers, sent when frames start and again after a set changed
    /// them (the values the camera reports, not the ones asked for).
    Controls(Vec<ControlInfo>),
    /// Something to tell the person about the source that is live (the remembered camera is not
    /// connected, so another one opened).
    Notice(String),
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
    /// A message for the person about the device just opened, taken once (read when frames
    /// start); `None` for most sources.
    fn notice(&mut self) -> Option<String> {
        None
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
    /// A webcam: the one with the stable `id` (`Device::id`; the first usable one while it is
    /// not connected), else the one at `index` (settings saved before ids), else the first usable
    /// one. `max_size` caps the requested resolution.
    Webcam {
        /// Which webcam, counted from 0; `None`: the first one that opens.
        index: Option<u32>,
        /// Missing in settings saved before ids: `None`.
        #[serde(default)]
        id: Option<String>,
        /// The largest resolution asked of the camera, pixels (width, height).
        max_size: [u32; 2],
    },
    /// The built-in demo camera.
    Demo,
    /// The images of a folder, in name order, looping, at `fps`.
    Folder {
        /// The folder the images are read from.
        dir: PathBuf,
        /// Frames per second (above 0).
        fps: f64,
    },
}

/// Largest webcam resolution requested by default.
pub const DEFAULT_MAX_SIZE: [u32; 2] = [1920, 1080];

impl SourceSpec {
    /// `demo` or a folder path, as given to `--source`.
    pub(crate) fn parse(arg: &str, fps: f64) -> SourceSpec {
        if arg == "demo" {
            SourceSpec::Demo
        } else if arg == "webcam" || arg == "camera" {
            SourceSpec::Webcam {
                index: None,
                id: None,
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
    pub(crate) fn label(&self) -> String {
        match self {
            SourceSpec::Webcam { .. } => "Webcam".to_string(),
            SourceSpec::Demo => "Demo camera".to_string(),
            SourceSpec::Folder { dir, .. } => format!("Folder {}", dir.display()),
        }
    }

    /// A factory that builds this source on the camera thread.
    pub(crate) fn factory(&self, paced: bool) -> SourceFactory {
        let spec = self.clone();
        Box::new(move || spec.open(paced))
    }

    /// Builds the source. `paced` false makes the demo and replay run as fast as they are read
    /// (tests); a webcam is always paced by the device.
    pub(crate) fn open(&self, paced: bool) -> Box<dyn FrameSource> {
        match self {
            SourceSpec::Webcam {
                index,
                id,
                max_size,
            } => {
                // The webcam runs behind the watchdog: a driver stuck in its read cannot freeze
                // the camera thread, and a fresh source replaces it.
                let wanted = match (id, index) {
                    (Some(id), _) => webcam::Wanted::Preferred(id.clone()),
                    (None, Some(i)) => webcam::Wanted::Index(*i),
                    (None, None) => webcam::Wanted::First,
                };
                let max_size = *max_size;
                Box::new(watchdog::WatchedSource::new(
                    std::sync::Arc::new(move || {
                        Box::new(webcam::WebcamSource::new(wanted.clone(), max_size))
                            as Box<dyn FrameSource>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webcam_spec_saved_before_ids_still_loads() {
        let old = r#"{"Webcam": {"index": 2, "max_size": [1280, 720]}}"#;
        let spec: SourceSpec = serde_json::from_str(old).unwrap();
        assert_eq!(
            spec,
            SourceSpec::Webcam {
                index: Some(2),
                id: None,
                max_size: [1280, 720]
            }
        );
        let new = SourceSpec::Webcam {
            index: None,
            id: Some("HD Webcam C270@usb-0000:00:14.0-2".into()),
            max_size: DEFAULT_MAX_SIZE,
        };
        let text = serde_json::to_string(&new).unwrap();
        assert_eq!(serde_json::from_str::<SourceSpec>(&text).unwrap(), new);
    }
}
