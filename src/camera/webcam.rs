//! A webcam through nokhwa, owned by the camera thread.
//!
//! Decides which device opens (the chosen index, else the first node that opens: a webcam usually
//! appears as two /dev/video nodes and one of them is metadata only), which format is asked for (the
//! closest to `max_size` in MJPEG at 30 fps, else YUYV), how frames become RGB (MJPEG decoded with
//! `image`, other formats with nokhwa's pure-Rust converters), and what a failure means: no camera,
//! busy, unplugged and read errors are all `Unavailable`, so the camera thread keeps retrying and
//! reconnects when the camera comes back.

use std::sync::Arc;
use std::time::Instant;

use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, ControlValueDescription, ControlValueSetter,
    FrameFormat, KnownCameraControl, RequestedFormat, RequestedFormatType, Resolution,
};

use super::{CameraFrame, ControlInfo, ControlKind, FrameSource, SourceCommand, SourceError};

/// A camera the system lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    pub index: u32,
    pub name: String,
}

/// Cameras the system lists now (empty without cameras or when listing fails).
pub fn list_devices() -> Vec<Device> {
    nokhwa::query(ApiBackend::Auto)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|info| {
            let index = info.index().as_index().ok()?;
            Some(Device {
                index,
                name: info.human_name(),
            })
        })
        .collect()
}

/// The nokhwa webcam source.
pub struct WebcamSource {
    wanted: Option<u32>,
    max_size: [u32; 2],
    camera: Option<Camera>,
    name: String,
    start: Instant,
    seq: u64,
}

impl WebcamSource {
    pub fn new(wanted: Option<u32>, max_size: [u32; 2]) -> Self {
        WebcamSource {
            wanted,
            max_size,
            camera: None,
            name: "Webcam".to_string(),
            start: Instant::now(),
            seq: 0,
        }
    }

    fn open(&mut self) -> Result<(), SourceError> {
        let candidates: Vec<Device> = match self.wanted {
            Some(i) => vec![Device {
                index: i,
                name: format!("Camera {i}"),
            }],
            None => list_devices(),
        };
        if candidates.is_empty() {
            return Err(SourceError::Unavailable("No camera found.".to_string()));
        }
        let mut last_error = String::new();
        for dev in candidates {
            match open_device(dev.index, self.max_size) {
                Ok(cam) => {
                    self.name = cam.info().human_name();
                    if self.name.is_empty() {
                        self.name = dev.name.clone();
                    }
                    self.camera = Some(cam);
                    return Ok(());
                }
                Err(e) => last_error = format!("{}: {e}", dev.name),
            }
        }
        Err(SourceError::Unavailable(format!(
            "No camera could be opened (busy or not permitted?). {last_error}"
        )))
    }
}

/// Opens and starts one device: MJPEG close to `max_size` first, then YUYV.
fn open_device(index: u32, max_size: [u32; 2]) -> Result<Camera, String> {
    let mut last = String::new();
    for format in [FrameFormat::MJPEG, FrameFormat::YUYV] {
        let request = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(
            CameraFormat::new(Resolution::new(max_size[0], max_size[1]), format, 30),
        ));
        match Camera::new(CameraIndex::Index(index), request) {
            Ok(mut cam) => match cam.open_stream() {
                Ok(()) => return Ok(cam),
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// Names of the controls worth offering: focus, exposure and anti-flicker.
fn wanted_control(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("focus") || n.contains("exposure") || n.contains("power line")
}

/// A stable numeric id for a nokhwa control.
fn control_id(c: KnownCameraControl) -> u64 {
    match c {
        KnownCameraControl::Other(v) => (v as u64) | (1 << 63),
        known => nokhwa::utils::all_known_camera_controls()
            .iter()
            .position(|k| *k == known)
            .map_or(u64::MAX, |i| i as u64),
    }
}

fn control_from_id(id: u64, available: &[KnownCameraControl]) -> Option<KnownCameraControl> {
    available.iter().copied().find(|c| control_id(*c) == id)
}

impl FrameSource for WebcamSource {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.camera.is_none() {
            self.open()?;
        }
        let Some(cam) = self.camera.as_mut() else {
            return Err(SourceError::Unavailable("No camera found.".to_string()));
        };
        let buffer = match cam.frame() {
            Ok(b) => b,
            Err(e) => {
                self.camera = None;
                return Err(SourceError::Unavailable(format!(
                    "The camera stopped delivering frames ({e}); reconnecting…"
                )));
            }
        };
        let image = match buffer.source_frame_format() {
            FrameFormat::MJPEG => {
                image::load_from_memory_with_format(buffer.buffer(), image::ImageFormat::Jpeg)
                    .map(|i| i.to_rgb8())
                    .map_err(|e| e.to_string())
            }
            _ => buffer
                .decode_image::<RgbFormat>()
                .map_err(|e| e.to_string()),
        };
        let image = image.map_err(|e| {
            // A corrupt frame now and then happens on USB cameras: skip it.
            SourceError::Unavailable(format!("A camera frame could not be decoded: {e}"))
        })?;
        let frame = CameraFrame {
            image: Arc::new(image),
            seq: self.seq,
            time_s: self.start.elapsed().as_secs_f64(),
        };
        self.seq += 1;
        Ok(frame)
    }

    fn controls(&mut self) -> Vec<ControlInfo> {
        let Some(cam) = self.camera.as_ref() else {
            return Vec::new();
        };
        let Ok(controls) = cam.camera_controls() else {
            return Vec::new();
        };
        controls
            .into_iter()
            .filter(|c| wanted_control(c.name()))
            .filter_map(|c| {
                let kind = match c.description() {
                    ControlValueDescription::IntegerRange {
                        min,
                        max,
                        value,
                        step,
                        ..
                    } => ControlKind::Range {
                        min: *min,
                        max: *max,
                        step: (*step).max(1),
                        value: *value,
                    },
                    ControlValueDescription::Boolean { value, .. } => {
                        ControlKind::Toggle { value: *value }
                    }
                    ControlValueDescription::Enum {
                        value, possible, ..
                    } => ControlKind::Choice {
                        options: possible.clone(),
                        value: *value,
                    },
                    _ => return None,
                };
                Some(ControlInfo {
                    id: control_id(c.control()),
                    name: c.name().to_string(),
                    kind,
                })
            })
            .collect()
    }

    fn command(&mut self, cmd: &SourceCommand) {
        let SourceCommand::SetControl { id, value } = cmd;
        let Some(cam) = self.camera.as_mut() else {
            return;
        };
        let Ok(controls) = cam.camera_controls() else {
            return;
        };
        let known: Vec<KnownCameraControl> = controls.iter().map(|c| c.control()).collect();
        let Some(control) = control_from_id(*id, &known) else {
            return;
        };
        let setter = match controls
            .iter()
            .find(|c| c.control() == control)
            .map(|c| c.description().clone())
        {
            Some(ControlValueDescription::Boolean { .. }) => {
                ControlValueSetter::Boolean(*value != 0)
            }
            Some(ControlValueDescription::Enum { .. }) => ControlValueSetter::EnumValue(*value),
            _ => ControlValueSetter::Integer(*value),
        };
        // A refused value leaves the camera as it was; the panel shows the value read back.
        let _ = cam.set_camera_control(control, setter);
    }
}

/// Keeps the list of cameras fresh off the UI thread (every `WATCH_INTERVAL`), so the picker and
/// the "no camera" screen notice a camera being plugged in.
pub struct DeviceWatcher {
    devices: std::sync::Arc<std::sync::Mutex<Vec<Device>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// How often the camera list is refreshed.
pub const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

impl DeviceWatcher {
    /// Starts watching; `enabled` false (tests with an injected source) never lists devices.
    pub fn start(enabled: bool) -> DeviceWatcher {
        use std::sync::atomic::Ordering;
        let w = DeviceWatcher {
            devices: Default::default(),
            stop: Default::default(),
        };
        if enabled {
            let devices = w.devices.clone();
            let stop = w.stop.clone();
            let _ = std::thread::Builder::new()
                .name("camera-list".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let list = list_devices();
                        if let Ok(mut d) = devices.lock() {
                            *d = list;
                        }
                        let until = std::time::Instant::now() + WATCH_INTERVAL;
                        while std::time::Instant::now() < until && !stop.load(Ordering::Relaxed) {
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                    }
                });
        }
        w
    }

    pub fn devices(&self) -> Vec<Device> {
        self.devices.lock().map(|d| d.clone()).unwrap_or_default()
    }
}

impl Drop for DeviceWatcher {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
