//! The real camera backend: nokhwa 0.10 for streaming on every OS; on Linux the node listing and
//! the controls come straight from V4L2 (`linux_probe`), because nokhwa's own lose fractional
//! frame rates, bus paths and menu entries.
//!
//! Decides how a camera is opened (`RequestedFormatType::Exact` on an entry of the camera's own
//! list, never `Closest`), that a buffer leaves nokhwa as raw bytes labelled with the requested
//! format (nokhwa's AVFoundation backend labels every buffer GRAY), and that nothing nokhwa does
//! can panic through: every call that reaches a driver runs inside `catch_unwind`. On Windows and
//! macOS, where a listing needs an open camera, the formats a node reported are remembered for the
//! process, so listing while that camera streams does not have to reopen it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use nokhwa::Camera;
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{CameraFormat, CameraIndex, RequestedFormat, RequestedFormatType};

use super::ControlInfo;
use super::backend::{CameraBackend, CameraStream, RawBuffer, StreamError};
use super::controls::{ControlDescription, offered, settable};
use super::device::NodeProbe;

/// nokhwa behind idcap's backend seam.
#[derive(Default)]
pub(crate) struct NokhwaBackend;

impl NokhwaBackend {
    pub(crate) fn new() -> NokhwaBackend {
        NokhwaBackend
    }
}

fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(format!("{what}: the driver failed")))
}

impl CameraBackend for NokhwaBackend {
    fn probe(&mut self) -> Result<Vec<NodeProbe>, String> {
        super::platform::prepare_thread();
        #[cfg(target_os = "linux")]
        {
            Ok(super::linux_probe::probe())
        }
        #[cfg(not(target_os = "linux"))]
        {
            guarded("listing cameras", other_os::probe)
        }
    }

    #[cfg(target_os = "linux")]
    fn node_controls(&mut self, node: &NodeProbe) -> Vec<ControlInfo> {
        offered(&super::linux_probe::controls(&node.path))
    }

    fn open(
        &mut self,
        node: &NodeProbe,
        format: CameraFormat,
    ) -> Result<Box<dyn CameraStream>, String> {
        super::platform::prepare_thread();
        let camera = guarded("opening the camera", || {
            let request = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Exact(format));
            let mut cam =
                Camera::new(CameraIndex::Index(node.index), request).map_err(|e| e.to_string())?;
            cam.open_stream().map_err(|e| e.to_string())?;
            Ok(cam)
        })?;
        Ok(Box::new(NokhwaStream {
            camera,
            format,
            path: node.path.clone(),
        }))
    }
}

struct NokhwaStream {
    camera: Camera,
    format: CameraFormat,
    /// The node path, for V4L2 controls on Linux.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    path: String,
}

impl CameraStream for NokhwaStream {
    fn next_buffer(&mut self) -> Result<RawBuffer, StreamError> {
        let format = self.format;
        let camera = &mut self.camera;
        let data = guarded("reading a frame", || {
            camera
                .frame()
                .map(|b| b.buffer().to_vec())
                .map_err(|e| e.to_string())
        })
        .map_err(StreamError::Lost)?;
        Ok(RawBuffer {
            format: format.format(),
            width: format.width(),
            height: format.height(),
            data,
        })
    }

    fn controls(&mut self) -> Vec<ControlInfo> {
        offered(&self.descriptions())
    }

    fn set_control(&mut self, id: u64, value: i64) -> Result<ControlInfo, String> {
        let info = settable(self.controls(), id, value)?;
        let boolean = matches!(info.kind, super::ControlKind::Toggle { .. });
        self.write_control(id, value, boolean)?;
        self.controls()
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| format!("control {id:#x} vanished"))
    }
}

#[cfg(target_os = "linux")]
impl NokhwaStream {
    fn descriptions(&mut self) -> Vec<ControlDescription> {
        super::linux_probe::controls(&self.path)
    }

    fn write_control(&mut self, id: u64, value: i64, boolean: bool) -> Result<(), String> {
        super::linux_probe::set_control(&self.path, id, value, boolean)
    }
}

#[cfg(not(target_os = "linux"))]
impl NokhwaStream {
    fn descriptions(&mut self) -> Vec<ControlDescription> {
        let camera = &self.camera;
        guarded("reading controls", || Ok(other_os::descriptions(camera))).unwrap_or_default()
    }

    fn write_control(&mut self, id: u64, value: i64, boolean: bool) -> Result<(), String> {
        let camera = &mut self.camera;
        guarded("setting a control", || {
            other_os::set_control(camera, id, value, boolean)
        })
    }
}

/// Windows and macOS: listing through nokhwa (not compiled on the Linux build machine).
#[cfg(not(target_os = "linux"))]
mod other_os {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};

    use nokhwa::Camera;
    use nokhwa::pixel_format::RgbFormat;
    use nokhwa::utils::{
        ApiBackend, CameraFormat, CameraIndex, ControlValueDescription, ControlValueSetter,
        KnownCameraControl, RequestedFormat, RequestedFormatType,
    };

    use super::super::controls::{ControlDescription, DescriptionKind};
    use super::super::device::NodeProbe;

    /// Formats per (name, path), remembered for the process.
    fn cache() -> &'static Mutex<HashMap<(String, String), Vec<CameraFormat>>> {
        static CACHE: OnceLock<Mutex<HashMap<(String, String), Vec<CameraFormat>>>> =
            OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    fn formats_of(index: u32) -> Vec<CameraFormat> {
        // Opening needs some format: nokhwa's `None` takes the first one the camera lists.
        let request = RequestedFormat::new::<RgbFormat>(RequestedFormatType::None);
        Camera::new(CameraIndex::Index(index), request)
            .and_then(|mut cam| cam.compatible_camera_formats())
            .unwrap_or_default()
    }

    pub(crate) fn probe() -> Result<Vec<NodeProbe>, String> {
        let infos = nokhwa::query(ApiBackend::Auto).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for info in infos {
            let Ok(index) = info.index().as_index() else {
                continue;
            };
            let key = (info.human_name(), info.misc());
            let known = cache().lock().ok().and_then(|c| c.get(&key).cloned());
            let formats = match known {
                Some(f) if !f.is_empty() => f,
                _ => {
                    let f = formats_of(index);
                    if let Ok(mut c) = cache().lock() {
                        c.insert(key.clone(), f.clone());
                    }
                    f
                }
            };
            out.push(NodeProbe {
                index,
                name: info.human_name(),
                // Windows: the device's symbolic link; macOS: its unique id. Both survive
                // replug on the same port.
                path: info.misc(),
                bus: String::new(),
                captures_video: None,
                formats,
                other_formats: Vec::new(),
            });
        }
        Ok(out)
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

    pub(crate) fn descriptions(camera: &Camera) -> Vec<ControlDescription> {
        let Ok(controls) = camera.camera_controls() else {
            return Vec::new();
        };
        controls
            .into_iter()
            .map(|c| {
                let (kind, value) = match c.description() {
                    ControlValueDescription::IntegerRange {
                        min,
                        max,
                        value,
                        step,
                        ..
                    } => (
                        DescriptionKind::Integer {
                            min: *min,
                            max: *max,
                            step: *step,
                        },
                        *value,
                    ),
                    ControlValueDescription::Boolean { value, .. } => {
                        (DescriptionKind::Boolean, i64::from(*value))
                    }
                    ControlValueDescription::Enum {
                        value, possible, ..
                    } => (
                        DescriptionKind::Values {
                            values: possible.clone(),
                        },
                        *value,
                    ),
                    _ => (DescriptionKind::Other, 0),
                };
                ControlDescription {
                    id: control_id(c.control()),
                    name: c.name().to_string(),
                    kind,
                    value,
                    inactive: !c.active(),
                }
            })
            .collect()
    }

    pub(crate) fn set_control(
        camera: &mut Camera,
        id: u64,
        value: i64,
        boolean: bool,
    ) -> Result<(), String> {
        let controls = camera.camera_controls().map_err(|e| e.to_string())?;
        let control = controls
            .iter()
            .map(|c| c.control())
            .find(|c| control_id(*c) == id)
            .ok_or_else(|| format!("no control {id:#x}"))?;
        let is_enum = controls.iter().any(|c| {
            c.control() == control
                && matches!(c.description(), ControlValueDescription::Enum { .. })
        });
        let setter = if boolean {
            ControlValueSetter::Boolean(value != 0)
        } else if is_enum {
            ControlValueSetter::EnumValue(value)
        } else {
            ControlValueSetter::Integer(value)
        };
        camera
            .set_camera_control(control, setter)
            .map_err(|e| e.to_string())
    }
}
