//! The webcam source: finds the camera, opens it with the format idcap chose, and turns its
//! buffers into frames, on the camera thread.
//!
//! Decides which node opens (the remembered stable id, else the first usable node: metadata and
//! infrared nodes are never candidates), that the format is requested exactly as the camera
//! listed it (`format::choose_format`), what a bad buffer costs (a frame that does not decode or
//! has the wrong length is skipped; only `MAX_CONSECUTIVE_DECODE_FAILURES` in a row count as a
//! lost camera), and what a failure means: no camera, busy, unplugged and read errors are all
//! `Unavailable`, so the camera thread keeps retrying and reconnects when the camera is back.

use std::collections::HashSet;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::backend::{CameraBackend, CameraStream, StreamError};
use super::device::{CameraDevice, classify, find};
use super::frames::{self, MAX_CONSECUTIVE_DECODE_FAILURES};
use super::nokhwa_backend::NokhwaBackend;
use super::platform::{Permission, request_access};
use super::{CameraFrame, ControlInfo, FrameSource, SourceCommand, SourceError};

/// A camera the system lists, for the picker.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Device {
    /// The backend's index now (changes across replug: remember `id` instead).
    pub(crate) index: u32,
    pub(crate) name: String,
    /// Stable id: name plus bus or device path (see `device::classify`).
    pub(crate) id: String,
}

/// Usable cameras the system lists now (empty without cameras or when listing fails).
pub(crate) fn list_devices() -> Vec<Device> {
    devices(&mut NokhwaBackend::new(), super::DEFAULT_MAX_SIZE)
        .into_iter()
        .filter(CameraDevice::is_usable)
        .map(|d| Device {
            index: d.probe.index,
            name: d.probe.name.clone(),
            id: d.id,
        })
        .collect()
}

/// Every node a backend lists, classified and sorted (usable first), or nothing when listing
/// fails.
pub(crate) fn devices(backend: &mut dyn CameraBackend, limit: [u32; 2]) -> Vec<CameraDevice> {
    backend
        .probe()
        .map(|probes| classify(probes, limit))
        .unwrap_or_default()
}

/// How long opening a camera waits for an earlier stream of the same device (a camera or
/// resolution switch, an abandoned stuck thread) to release it before saying it is busy.
pub(crate) const RELEASE_WAIT: Duration = Duration::from_secs(2);

/// Device paths with an open stream in this process, so a new stream waits for the old one to
/// release its device instead of failing with EBUSY.
fn open_paths() -> &'static (Mutex<HashSet<String>>, Condvar) {
    static OPEN: OnceLock<(Mutex<HashSet<String>>, Condvar)> = OnceLock::new();
    OPEN.get_or_init(Default::default)
}

/// Holds a device path while its stream is open; released on drop, after the stream.
struct Lease(String);

impl Lease {
    /// Takes the path, waiting up to `wait` for another stream of this process to let it go.
    fn take(path: &str, wait: Duration) -> Option<Lease> {
        let (lock, released) = open_paths();
        let guard = lock.lock().ok()?;
        let (mut held, _) = released
            .wait_timeout_while(guard, wait, |held| held.contains(path))
            .ok()?;
        if !held.insert(path.to_string()) {
            return None;
        }
        Some(Lease(path.to_string()))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let (lock, released) = open_paths();
        if let Ok(mut held) = lock.lock() {
            held.remove(&self.0);
        }
        released.notify_all();
    }
}

/// An open stream and the lease on its device (declared in drop order: stream first).
struct OpenStream {
    stream: Box<dyn CameraStream>,
    _lease: Lease,
}

/// How long one attempt to open waits for the camera-permission answer (macOS); the camera
/// thread asks again on its next attempt, so the watchdog never sees a long wait.
const PERMISSION_WAIT: Duration = Duration::from_secs(1);

/// Which camera the source should open.
#[derive(Clone, Debug, PartialEq)]
pub enum Wanted {
    /// The first usable camera.
    First,
    /// The camera with this stable id (see `Device::id`), and nothing else (`idcap cameras --test
    /// ID`).
    Id(String),
    /// The camera with this stable id, or the first usable one while it is not connected, with a
    /// notice saying so (the app's remembered camera).
    Preferred(String),
    /// The node the backend lists at this index now (old settings; prefer `Id`).
    Index(u32),
}

/// The webcam source.
pub struct WebcamSource {
    backend: Box<dyn CameraBackend>,
    wanted: Wanted,
    max_size: [u32; 2],
    stream: Option<OpenStream>,
    /// The device that is open, with the format it was opened with.
    open: Option<CameraDevice>,
    name: String,
    start: Instant,
    seq: u64,
    /// Frames in a row that did not decode.
    failures: u32,
    /// Frames that did not decode since the source was made.
    decode_failures: u64,
    /// How long opening waits for an earlier stream to release the device.
    release_wait: Duration,
    /// What to tell the person about the device opened (another camera than the remembered one).
    notice: Option<String>,
}

impl WebcamSource {
    /// The real webcam (nokhwa) that `wanted` names.
    pub fn new(wanted: Wanted, max_size: [u32; 2]) -> Self {
        // Built by the factory on the camera thread: the thread that will make every nokhwa call.
        super::platform::prepare_thread();
        WebcamSource::with_backend(Box::new(NokhwaBackend::new()), wanted, max_size)
    }

    /// A webcam on any backend (the fake one in tests).
    pub fn with_backend(
        backend: Box<dyn CameraBackend>,
        wanted: Wanted,
        max_size: [u32; 2],
    ) -> Self {
        WebcamSource {
            backend,
            wanted,
            max_size,
            stream: None,
            open: None,
            name: "Webcam".to_string(),
            start: Instant::now(),
            seq: 0,
            failures: 0,
            decode_failures: 0,
            release_wait: RELEASE_WAIT,
            notice: None,
        }
    }

    /// Waits `wait` instead of `RELEASE_WAIT` for an earlier stream to release the device.
    #[cfg(test)]
    pub(crate) fn with_release_wait(mut self, wait: Duration) -> Self {
        self.release_wait = wait;
        self
    }

    /// Buffers that did not decode (and were skipped) since the source was made.
    pub(crate) fn decode_failures(&self) -> u64 {
        self.decode_failures
    }

    /// The device that is open now and the format it streams.
    pub(crate) fn opened(&self) -> Option<&CameraDevice> {
        self.open.as_ref()
    }

    fn open(&mut self) -> Result<(), SourceError> {
        // macOS asks the person once; elsewhere this is `Granted` at once.
        if let Permission::Denied(why) = request_access(PERMISSION_WAIT) {
            return Err(SourceError::Unavailable(why));
        }
        let all = devices(self.backend.as_mut(), self.max_size);
        let mut notice = None;
        let device = match &self.wanted {
            Wanted::First => find(&all, None),
            Wanted::Id(id) => find(&all, Some(id)),
            Wanted::Preferred(id) => find(&all, Some(id)).or_else(|| {
                let first = find(&all, None)?;
                notice = Some(format!(
                    "The camera you chose before ({id}) is not connected; showing {} instead.",
                    first.probe.name
                ));
                Some(first)
            }),
            Wanted::Index(i) => all.iter().find(|d| d.probe.index == *i && d.is_usable()),
        };
        let Some(device) = device.cloned() else {
            return Err(SourceError::Unavailable(no_camera_message(
                &all,
                &self.wanted,
            )));
        };
        let Some(choice) = device.choice().cloned() else {
            return Err(SourceError::Unavailable(
                "No usable camera found.".to_string(),
            ));
        };
        let key = format!("{}:{}", self.backend.device_namespace(), device.probe.path);
        let Some(lease) = Lease::take(&key, self.release_wait) else {
            return Err(SourceError::Unavailable(format!(
                "{} is still held by its previous stream; waiting for it to be released…",
                device.probe.name
            )));
        };
        match self.backend.open(&device.probe, choice.format) {
            Ok(stream) => {
                self.name = device.probe.name.clone();
                self.stream = Some(OpenStream {
                    stream,
                    _lease: lease,
                });
                self.open = Some(device);
                self.failures = 0;
                self.notice = notice;
                Ok(())
            }
            Err(e) => Err(SourceError::Unavailable(format!(
                "{} could not be opened (in use by another app, or not permitted?): {e}",
                device.probe.name
            ))),
        }
    }

    /// Closes the stream so the next frame reopens the device.
    fn lose(&mut self) {
        self.stream = None;
        self.open = None;
        self.failures = 0;
    }

    /// Sets a control and returns it as the camera reports it afterwards.
    pub fn set_control(&mut self, id: u64, value: i64) -> Result<ControlInfo, String> {
        let open = self.stream.as_mut().ok_or("the camera is not open")?;
        open.stream.set_control(id, value)
    }
}

/// What to tell people when no camera can be opened: none at all, only skipped nodes, or not the
/// remembered one.
fn no_camera_message(all: &[CameraDevice], wanted: &Wanted) -> String {
    if all.iter().any(CameraDevice::is_usable) {
        return match wanted {
            Wanted::Id(id) | Wanted::Preferred(id) => format!("The camera {id} is not connected."),
            Wanted::Index(i) => format!("There is no usable camera number {i}."),
            Wanted::First => "No usable camera found.".to_string(),
        };
    }
    let skipped: Vec<String> = all
        .iter()
        .filter_map(|d| Some(format!("{} ({})", d.probe.path, d.skip_reason()?)))
        .collect();
    if skipped.is_empty() {
        "No camera found.".to_string()
    } else {
        format!("No usable camera found. Skipped: {}", skipped.join("; "))
    }
}

impl FrameSource for WebcamSource {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.stream.is_none() {
            self.open()?;
        }
        loop {
            let Some(open) = self.stream.as_mut() else {
                return Err(SourceError::Unavailable("No camera found.".to_string()));
            };
            let buffer = match open.stream.next_buffer() {
                Ok(b) => b,
                Err(StreamError::Lost(e)) => {
                    self.lose();
                    return Err(SourceError::Unavailable(format!(
                        "The camera stopped delivering frames ({e}); reconnecting…"
                    )));
                }
            };
            match frames::decode(buffer.format, buffer.width, buffer.height, buffer.data) {
                Ok(image) => {
                    self.failures = 0;
                    let frame = CameraFrame {
                        image: Arc::new(image),
                        seq: self.seq,
                        time_s: self.start.elapsed().as_secs_f64(),
                    };
                    self.seq += 1;
                    return Ok(frame);
                }
                Err(problem) => {
                    // A corrupt frame now and then is normal on USB cameras: skip it.
                    self.failures += 1;
                    self.decode_failures += 1;
                    if self.failures >= MAX_CONSECUTIVE_DECODE_FAILURES {
                        let n = self.failures;
                        self.lose();
                        return Err(SourceError::Unavailable(format!(
                            "The camera sent {n} frames in a row that could not be read \
                             ({problem}); reconnecting…"
                        )));
                    }
                }
            }
        }
    }

    fn controls(&mut self) -> Vec<ControlInfo> {
        self.stream
            .as_mut()
            .map(|s| s.stream.controls())
            .unwrap_or_default()
    }

    fn command(&mut self, cmd: &SourceCommand) {
        let SourceCommand::SetControl { id, value } = cmd;
        // A refused value leaves the camera as it was; `controls()` reads back what it reports.
        let _ = self.set_control(*id, *value);
    }

    fn notice(&mut self) -> Option<String> {
        self.notice.take()
    }
}

/// Keeps the list of cameras fresh off the UI thread (every `WATCH_INTERVAL`), so the picker and
/// the "no camera" screen notice a camera being plugged in.
pub(crate) struct DeviceWatcher {
    devices: std::sync::Arc<std::sync::Mutex<Vec<Device>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// How often the camera list is refreshed.
pub(crate) const WATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

impl DeviceWatcher {
    /// Starts watching; `enabled` false (tests with an injected source) never lists devices.
    pub(crate) fn start(enabled: bool) -> DeviceWatcher {
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
                    super::platform::prepare_thread();
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

    pub(crate) fn devices(&self) -> Vec<Device> {
        self.devices.lock().map(|d| d.clone()).unwrap_or_default()
    }
}

impl Drop for DeviceWatcher {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};

    use super::*;
    use crate::camera::controls::{ControlDescription, DescriptionKind};
    use crate::camera::device::NodeProbe;
    use crate::camera::fake::{FakeBackend, FakeCamera, Step};

    fn f(format: FrameFormat, w: u32, h: u32, fps: u32) -> CameraFormat {
        CameraFormat::new(Resolution::new(w, h), format, fps)
    }

    /// A small camera (formats kept tiny so tests stay fast) plus its metadata node.
    fn camera(script: Vec<Step>) -> Vec<FakeCamera> {
        let node = |index: u32, formats: Vec<CameraFormat>, video: bool| NodeProbe {
            index,
            name: "Test Cam".into(),
            path: format!("/dev/video{index}"),
            bus: "usb-0000:00:14.0-1".into(),
            captures_video: Some(video),
            formats,
            other_formats: Vec::new(),
        };
        vec![
            FakeCamera {
                probe: node(1, Vec::new(), false),
                controls: Vec::new(),
                script: Vec::new(),
            },
            FakeCamera {
                probe: node(
                    0,
                    vec![
                        f(FrameFormat::YUYV, 64, 48, 30),
                        f(FrameFormat::MJPEG, 64, 48, 30),
                        f(FrameFormat::MJPEG, 32, 24, 60),
                        f(FrameFormat::YUYV, 128, 96, 5),
                    ],
                    true,
                ),
                controls: vec![ControlDescription {
                    id: 0x0098_0918,
                    name: "power_line_frequency".into(),
                    kind: DescriptionKind::Menu {
                        items: vec![
                            (0, "Disabled".into()),
                            (1, "50 Hz".into()),
                            (2, "60 Hz".into()),
                        ],
                    },
                    value: 2,
                    inactive: false,
                }],
                script,
            },
        ]
    }

    fn source(backend: &FakeBackend) -> WebcamSource {
        WebcamSource::with_backend(Box::new(backend.clone()), Wanted::First, [1920, 1080])
    }

    #[test]
    fn opens_the_chosen_format_exactly_and_skips_the_metadata_node() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut src = source(&backend);
        let frame = src.next_frame().unwrap();
        assert_eq!(frame.image.dimensions(), (64, 48));
        assert_eq!(
            backend.opened(),
            vec![("/dev/video0".to_string(), f(FrameFormat::MJPEG, 64, 48, 30))]
        );
        assert_eq!(src.name(), "Test Cam");
        assert_eq!(src.opened().unwrap().id, "Test Cam@usb-0000:00:14.0-1");
    }

    #[test]
    fn a_corrupt_first_frame_is_skipped_without_an_error() {
        let backend = FakeBackend::new(camera(vec![Step::Corrupt, Step::Good]));
        let mut src = source(&backend);
        let frame = src.next_frame().unwrap();
        assert_eq!(frame.seq, 0);
        assert_eq!(backend.opened().len(), 1, "no reconnect for one bad frame");
    }

    #[test]
    fn a_run_of_corrupt_frames_means_the_camera_is_lost_and_it_reopens() {
        let n = MAX_CONSECUTIVE_DECODE_FAILURES as usize;
        // One short of the limit is still skipped.
        let mut script = vec![Step::Corrupt; n - 1];
        script.push(Step::Good);
        script.extend(vec![Step::Corrupt; n]);
        let backend = FakeBackend::new(camera(script));
        let mut src = source(&backend);
        assert!(src.next_frame().is_ok());
        let err = src.next_frame().unwrap_err();
        let SourceError::Unavailable(msg) = err else {
            panic!("{err:?}")
        };
        assert!(msg.contains(&format!("{n} frames in a row")), "{msg}");
        assert!(src.next_frame().is_ok(), "reopens and goes on");
        assert_eq!(backend.opened().len(), 2);
    }

    #[test]
    fn an_oversized_buffer_never_leaves_with_the_wrong_size() {
        // YUYV only, rows padded by 32 bytes.
        let mut cams = camera(vec![Step::Strided { extra: 32 }, Step::Good]);
        cams[1]
            .probe
            .formats
            .retain(|c| c.format() == FrameFormat::YUYV);
        let backend = FakeBackend::new(cams);
        let mut src = source(&backend);
        for _ in 0..2 {
            let frame = src.next_frame().unwrap();
            assert_eq!(frame.image.dimensions(), (64, 48));
            assert_eq!(frame.image.as_raw().len(), 64 * 48 * 3);
        }
    }

    #[test]
    fn an_unplugged_camera_waits_and_reconnects_when_replugged() {
        let backend = FakeBackend::new(camera(vec![Step::Good, Step::Unplug { probes: 2 }]));
        let mut src = source(&backend);
        assert!(src.next_frame().is_ok());
        let lost = src.next_frame().unwrap_err();
        assert!(lost.to_string().contains("reconnecting"), "{lost}");
        // Gone for two listings: the source says so.
        for _ in 0..2 {
            let err = src.next_frame().unwrap_err().to_string();
            assert!(err.starts_with("No usable camera found."), "{err}");
        }
        let frame = src.next_frame().unwrap();
        assert_eq!(frame.seq, 1);
        assert_eq!(backend.opened().len(), 2);
    }

    #[test]
    fn a_stall_delays_the_frame_but_is_not_an_error() {
        let backend = FakeBackend::new(camera(vec![Step::Stall(Duration::from_millis(30))]));
        let mut src = source(&backend);
        let t0 = std::time::Instant::now();
        assert!(src.next_frame().is_ok());
        assert!(t0.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn the_remembered_id_opens_that_camera_or_says_it_is_missing() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut src = WebcamSource::with_backend(
            Box::new(backend.clone()),
            Wanted::Id("Test Cam@usb-0000:00:14.0-1".into()),
            [1920, 1080],
        );
        assert!(src.next_frame().is_ok());
        let mut other = WebcamSource::with_backend(
            Box::new(backend.clone()),
            Wanted::Id("Other@usb-9".into()),
            [1920, 1080],
        );
        assert_eq!(
            other.next_frame().unwrap_err(),
            SourceError::Unavailable("The camera Other@usb-9 is not connected.".into())
        );
        // Only a metadata node: the reason is given.
        let mut cams = camera(vec![]);
        cams.remove(1);
        let mut meta_only = source(&FakeBackend::new(cams));
        assert_eq!(
            meta_only.next_frame().unwrap_err(),
            SourceError::Unavailable(
                "No usable camera found. Skipped: /dev/video1 (metadata node: it cannot capture video)"
                    .into()
            )
        );
        let mut failing = source(&FakeBackend::failing("permission denied"));
        assert_eq!(
            failing.next_frame().unwrap_err(),
            SourceError::Unavailable("No camera found.".into())
        );
    }

    #[test]
    fn a_remembered_camera_that_is_gone_falls_back_to_the_first_with_a_notice() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut src = WebcamSource::with_backend(
            Box::new(backend.clone()),
            Wanted::Preferred("Old Cam@usb-9".into()),
            [1920, 1080],
        );
        assert!(src.next_frame().is_ok());
        assert_eq!(
            src.notice().as_deref(),
            Some(
                "The camera you chose before (Old Cam@usb-9) is not connected; showing Test Cam \
                 instead."
            )
        );
        assert_eq!(src.notice(), None, "said once");
        drop(src);
        // The remembered camera is there: it opens, nothing to say.
        let mut src = WebcamSource::with_backend(
            Box::new(backend),
            Wanted::Preferred("Test Cam@usb-0000:00:14.0-1".into()),
            [1920, 1080],
        );
        assert!(src.next_frame().is_ok());
        assert_eq!(src.notice(), None);
        // No camera at all: the usual message.
        let mut none = WebcamSource::with_backend(
            Box::new(FakeBackend::new(vec![])),
            Wanted::Preferred("Old Cam@usb-9".into()),
            [1920, 1080],
        );
        assert_eq!(
            none.next_frame().unwrap_err(),
            SourceError::Unavailable("No camera found.".into())
        );
    }

    #[test]
    fn a_new_stream_waits_for_the_old_one_to_release_the_device() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut first = source(&backend);
        first.next_frame().unwrap();
        // Still held after RELEASE_WAIT: the second source says so.
        let mut second = source(&backend);
        let t0 = std::time::Instant::now();
        let err = second.next_frame().unwrap_err().to_string();
        assert!(t0.elapsed() >= RELEASE_WAIT);
        assert!(err.contains("still held by its previous stream"), "{err}");
        // Released while the other waits: it opens at once.
        let b2 = backend.clone();
        let waiter = std::thread::spawn(move || {
            let mut third = source(&b2);
            let t0 = std::time::Instant::now();
            let ok = third.next_frame().is_ok();
            (ok, t0.elapsed())
        });
        std::thread::sleep(Duration::from_millis(200));
        drop(first);
        let (ok, waited) = waiter.join().unwrap();
        assert!(ok);
        assert!(waited < Duration::from_secs(1), "{waited:?}");
        // Another backend's node of the same path is another device.
        let mut elsewhere = source(&FakeBackend::new(camera(vec![])));
        assert!(elsewhere.next_frame().is_ok());
    }

    #[test]
    fn a_smaller_size_limit_requests_a_smaller_listed_format() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut src =
            WebcamSource::with_backend(Box::new(backend.clone()), Wanted::First, [32, 24]);
        assert_eq!(src.next_frame().unwrap().image.dimensions(), (32, 24));
        assert_eq!(backend.opened()[0].1, f(FrameFormat::MJPEG, 32, 24, 60));
    }

    #[test]
    fn controls_are_menus_and_a_set_reads_the_value_back() {
        let backend = FakeBackend::new(camera(vec![]));
        let mut src = source(&backend);
        assert!(src.set_control(0x0098_0918, 1).is_err(), "not open yet");
        src.next_frame().unwrap();
        let controls = src.controls();
        assert_eq!(controls.len(), 1);
        assert!(matches!(
            controls[0].kind,
            crate::camera::ControlKind::Menu { value: 2, .. }
        ));
        let after = src.set_control(0x0098_0918, 1).unwrap();
        assert_eq!(after.kind.value(), 1);
        assert!(src.set_control(0x0098_0918, 7).is_err());
        src.command(&SourceCommand::SetControl {
            id: 0x0098_0918,
            value: 0,
        });
        assert_eq!(src.controls()[0].kind.value(), 0);
    }
}
