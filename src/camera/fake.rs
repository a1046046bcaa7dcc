//! A scripted camera backend: cameras that exist only as a list of formats and controls (taken
//! from a real camera's listing) and a script of what their stream does.
//!
//! Decides nothing about real cameras; it lets tests (and `idcap cameras` tests) drive the webcam
//! source through what real cameras do: good frames, a corrupt first frame, a run of corrupt
//! frames, an oversized or strided buffer, a stall, a hang, an unplug and a replug. It records
//! every format it was asked to open, and refuses one that is not in the camera's own list, as
//! AVFoundation does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nokhwa::utils::{CameraFormat, FrameFormat};

use super::ControlInfo;
use super::backend::{CameraBackend, CameraStream, RawBuffer, StreamError};
use super::controls::{ControlDescription, offered, settable};
use super::device::NodeProbe;

/// What the stream does at one step of its script. After the script, it delivers good frames.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A good frame in the stream's format and size (a grey gradient).
    Good,
    /// Bytes that do not decode (a cut-off JPEG; a short YUYV buffer).
    Corrupt,
    /// A good frame with `extra` bytes of padding after every row.
    Strided {
        /// Padding after each row, bytes.
        extra: usize,
    },
    /// Sleeps this long, then goes on with the next step.
    Stall(Duration),
    /// Never returns (until the process ends): a driver stuck in its read.
    Hang,
    /// The device disappears: this read fails, opening fails, and the camera is missing from the
    /// next `probes` listings; then it is back.
    Unplug {
        /// How many listings the camera is missing from.
        probes: u32,
    },
}

/// One fake camera node.
#[derive(Clone, Debug)]
pub struct FakeCamera {
    /// The node as a listing would show it (name, path, bus, formats).
    pub probe: NodeProbe,
    /// The controls the camera offers.
    pub controls: Vec<ControlDescription>,
    /// What each read does, in order; the last step repeats (an empty script: good frames).
    pub script: Vec<Step>,
}

#[derive(Default)]
struct State {
    cameras: Vec<FakeCamera>,
    /// Per camera path: the next script step.
    cursor: HashMap<String, usize>,
    /// Per camera path: listings left while unplugged.
    absent: HashMap<String, u32>,
    /// Per camera path: current control values.
    values: HashMap<String, HashMap<u64, i64>>,
    opened: Vec<(String, CameraFormat)>,
    probe_error: Option<String>,
}

/// The backend; clones share the cameras, so a test keeps one to look at what happened.
#[derive(Clone, Default)]
pub struct FakeBackend {
    state: Arc<Mutex<State>>,
}

impl FakeBackend {
    /// A backend listing `cameras` (all present, none failing).
    pub fn new(cameras: Vec<FakeCamera>) -> FakeBackend {
        let backend = FakeBackend::default();
        if let Ok(mut s) = backend.state.lock() {
            s.cameras = cameras;
        }
        backend
    }

    /// A backend whose listing fails with `error` (permission denied, no backend).
    #[cfg(test)]
    pub(crate) fn failing(error: &str) -> FakeBackend {
        let backend = FakeBackend::default();
        if let Ok(mut s) = backend.state.lock() {
            s.probe_error = Some(error.to_string());
        }
        backend
    }

    /// Every (path, format) opened so far, in order.
    pub fn opened(&self) -> Vec<(String, CameraFormat)> {
        self.state
            .lock()
            .map(|s| s.opened.clone())
            .unwrap_or_default()
    }
}

impl CameraBackend for FakeBackend {
    fn device_namespace(&self) -> usize {
        Arc::as_ptr(&self.state) as usize
    }

    fn node_controls(&mut self, node: &NodeProbe) -> Vec<ControlInfo> {
        let Ok(s) = self.state.lock() else {
            return Vec::new();
        };
        s.cameras
            .iter()
            .find(|c| c.probe.path == node.path)
            .map(|c| offered(&c.controls))
            .unwrap_or_default()
    }

    fn probe(&mut self) -> Result<Vec<NodeProbe>, String> {
        let mut s = self.state.lock().map_err(|e| e.to_string())?;
        if let Some(e) = &s.probe_error {
            return Err(e.clone());
        }
        let mut out = Vec::new();
        let cameras = s.cameras.clone();
        for cam in cameras {
            let left = s.absent.get(&cam.probe.path).copied().unwrap_or(0);
            if left > 0 {
                s.absent.insert(cam.probe.path.clone(), left - 1);
                continue;
            }
            out.push(cam.probe.clone());
        }
        Ok(out)
    }

    fn open(
        &mut self,
        node: &NodeProbe,
        format: CameraFormat,
    ) -> Result<Box<dyn CameraStream>, String> {
        let mut s = self.state.lock().map_err(|e| e.to_string())?;
        let Some(cam) = s
            .cameras
            .iter()
            .find(|c| c.probe.path == node.path)
            .cloned()
        else {
            return Err(format!("{}: no such device", node.path));
        };
        if s.absent.get(&node.path).copied().unwrap_or(0) > 0 {
            return Err(format!("{}: no such device", node.path));
        }
        if !cam.probe.formats.contains(&format) {
            return Err(format!(
                "{}: format {format} is not in the camera's list",
                node.path
            ));
        }
        s.opened.push((node.path.clone(), format));
        drop(s);
        Ok(Box::new(FakeStream {
            state: self.state.clone(),
            camera: cam,
            format,
        }))
    }
}

struct FakeStream {
    state: Arc<Mutex<State>>,
    camera: FakeCamera,
    format: CameraFormat,
}

impl FakeStream {
    fn next_step(&self) -> Step {
        let Ok(mut s) = self.state.lock() else {
            return Step::Good;
        };
        let at = s.cursor.entry(self.camera.probe.path.clone()).or_insert(0);
        let step = self.camera.script.get(*at).cloned().unwrap_or(Step::Good);
        *at += 1;
        step
    }

    fn buffer(&self, data: Vec<u8>) -> RawBuffer {
        RawBuffer {
            format: self.format.format(),
            width: self.format.width(),
            height: self.format.height(),
            data,
        }
    }

    fn descriptions(&self) -> Vec<ControlDescription> {
        let values = self
            .state
            .lock()
            .ok()
            .and_then(|s| s.values.get(&self.camera.probe.path).cloned())
            .unwrap_or_default();
        self.camera
            .controls
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if let Some(v) = values.get(&c.id) {
                    c.value = *v;
                }
                c
            })
            .collect()
    }
}

/// A good frame of `format`: a horizontal grey gradient, `extra` padding bytes after each row.
pub(crate) fn good_frame(format: CameraFormat, extra: usize) -> Vec<u8> {
    let (w, h) = (format.width() as usize, format.height() as usize);
    let luma = |x: usize| (16 + x * 219 / w.max(1)) as u8;
    let row = |bytes: Vec<u8>| bytes.into_iter().chain(std::iter::repeat_n(0, extra));
    match format.format() {
        FrameFormat::MJPEG => {
            let img = image::RgbImage::from_fn(w as u32, h as u32, |x, _| {
                let v = luma(x as usize);
                image::Rgb([v, v, v])
            });
            let mut out = Vec::new();
            let _ = img.write_to(
                &mut std::io::Cursor::new(&mut out),
                image::ImageFormat::Jpeg,
            );
            out
        }
        FrameFormat::YUYV => (0..h)
            .flat_map(|_| row((0..w).flat_map(|x| [luma(x), 128]).collect()))
            .collect(),
        FrameFormat::NV12 => {
            let mut out: Vec<u8> = (0..h).flat_map(|_| (0..w).map(luma)).collect();
            out.resize(out.len() + w.div_ceil(2) * h.div_ceil(2) * 2, 128);
            out
        }
        FrameFormat::GRAY => (0..h)
            .flat_map(|_| row((0..w).map(luma).collect()))
            .collect(),
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => (0..h)
            .flat_map(|_| row((0..w).flat_map(|x| [luma(x); 3]).collect()))
            .collect(),
    }
}

impl CameraStream for FakeStream {
    fn next_buffer(&mut self) -> Result<RawBuffer, StreamError> {
        loop {
            match self.next_step() {
                Step::Good => return Ok(self.buffer(good_frame(self.format, 0))),
                Step::Strided { extra } => {
                    return Ok(self.buffer(good_frame(self.format, extra)));
                }
                Step::Corrupt => {
                    let mut data = good_frame(self.format, 0);
                    data.truncate(data.len() / 3);
                    return Ok(self.buffer(data));
                }
                Step::Stall(d) => std::thread::sleep(d),
                Step::Hang => loop {
                    std::thread::sleep(Duration::from_secs(3600));
                },
                Step::Unplug { probes } => {
                    if let Ok(mut s) = self.state.lock() {
                        s.absent.insert(self.camera.probe.path.clone(), probes);
                    }
                    return Err(StreamError::Lost(
                        "No such device (os error 19)".to_string(),
                    ));
                }
            }
        }
    }

    fn controls(&mut self) -> Vec<ControlInfo> {
        offered(&self.descriptions())
    }

    fn set_control(&mut self, id: u64, value: i64) -> Result<ControlInfo, String> {
        settable(self.controls(), id, value)?;
        if let Ok(mut s) = self.state.lock() {
            s.values
                .entry(self.camera.probe.path.clone())
                .or_default()
                .insert(id, value);
        }
        self.controls()
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| format!("control {id:#x} vanished"))
    }
}
