//! The seam between idcap's webcam source and a camera library: list nodes with their formats,
//! open one with an exact format, read buffers, read and set controls.
//!
//! Decides what a backend must report and nothing else: `nokhwa_backend` implements it on real
//! cameras, `fake` plays back recorded listings and scripted trouble (corrupt frames, stalls,
//! unplugs) so the webcam source is tested without hardware. An open stream is not `Send` (nokhwa's
//! camera is not): it lives and dies on the camera thread that opened it.

use nokhwa::utils::{CameraFormat, FrameFormat};

use super::ControlInfo;
use super::device::NodeProbe;

/// One buffer as the camera delivered it, before decoding.
#[derive(Clone, Debug, PartialEq)]
pub struct RawBuffer {
    /// The format that was requested for the stream (what the bytes should be).
    pub(crate) format: FrameFormat,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) data: Vec<u8>,
}

/// Why an open stream gave no buffer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StreamError {
    /// The device is gone or failed (unplugged, driver error): reopen it.
    #[error("{0}")]
    Lost(String),
}

/// A camera library seen from idcap.
pub trait CameraBackend: Send {
    /// Every node the system lists now, with its formats (empty without cameras). Errors are the
    /// system's own words ("permission denied").
    fn probe(&mut self) -> Result<Vec<NodeProbe>, String>;

    /// Opens `node` and starts streaming `format`, which must be one of `node.formats` (requested
    /// exactly, never "closest").
    fn open(
        &mut self,
        node: &NodeProbe,
        format: CameraFormat,
    ) -> Result<Box<dyn CameraStream>, String>;

    /// Which device namespace this backend opens: streams of two backends with the same key and
    /// node path use the same device. The system's cameras are one namespace (0); each scripted
    /// fake is its own.
    fn device_namespace(&self) -> usize {
        0
    }

    /// The controls idcap would offer for `node` without streaming it, where the system allows
    /// that (V4L2); empty elsewhere.
    fn node_controls(&mut self, node: &NodeProbe) -> Vec<ControlInfo> {
        let _ = node;
        Vec::new()
    }
}

/// A streaming camera. Dropping it stops the stream and releases the device.
pub trait CameraStream {
    /// The next buffer; blocks until the camera delivers one (a stalled camera can block for
    /// ever: the pipeline's watchdog deals with that, not the stream).
    fn next_buffer(&mut self) -> Result<RawBuffer, StreamError>;

    /// The controls idcap offers (focus, exposure, anti-flicker), as the camera reports them now.
    fn controls(&mut self) -> Vec<ControlInfo>;

    /// Sets a control and returns it as the camera reports it afterwards (a refused or clamped
    /// value shows up here), or why it could not be set.
    fn set_control(&mut self, id: u64, value: i64) -> Result<ControlInfo, String>;
}
