//! A frame source that cannot hang its caller: the real source runs on a thread of its own, and
//! when it delivers nothing for `STALL_LIMIT` the caller hears "no frame" and the stuck thread is
//! abandoned (never joined) while a fresh source is started from the same factory.
//!
//! Decides the stall limit and the hand-over: one frame is requested at a time (so no frame
//! waits stale in a queue), commands reach the source between frames, and a source thread that
//! is abandoned stops at its next chance and drops its device. A panic in the source is caught
//! on its own thread and reported as "unavailable", like any other driver failure.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded, unbounded};

use super::{CameraFrame, ControlInfo, FrameSource, SourceCommand, SourceError};

/// How long without a frame before the camera counts as stalled: a webcam in dim light slows to
/// a few frames per second, never to one in three seconds.
pub const STALL_LIMIT: Duration = Duration::from_secs(3);

/// Builds the watched source, on the thread that will use it; called again after a stall.
pub(crate) type Rebuild = Arc<dyn Fn() -> Box<dyn FrameSource> + Send + Sync>;

struct Worker {
    requests: Sender<()>,
    results: Receiver<Result<CameraFrame, SourceError>>,
    commands: Sender<SourceCommand>,
    stop: Arc<AtomicBool>,
    /// A request was sent and its answer has not arrived yet.
    waiting: bool,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The source seen by the camera thread.
pub struct WatchedSource {
    rebuild: Rebuild,
    worker: Option<Worker>,
    limit: Duration,
    name: Arc<Mutex<String>>,
    controls: Arc<Mutex<Vec<ControlInfo>>>,
    /// The source's notice (`FrameSource::notice`), until taken.
    notice: Arc<Mutex<Option<String>>>,
    /// Source threads abandoned so far (stalls).
    abandoned: u32,
}

impl WatchedSource {
    /// A source built (and rebuilt after a stall) by `rebuild`, reported as stalled after
    /// `limit` without a frame.
    pub fn new(rebuild: Rebuild, limit: Duration) -> WatchedSource {
        WatchedSource {
            rebuild,
            worker: None,
            limit,
            name: Arc::new(Mutex::new("Webcam".to_string())),
            controls: Arc::default(),
            notice: Arc::default(),
            abandoned: 0,
        }
    }

    /// Source threads given up on after a stall.
    #[cfg(test)]
    pub(crate) fn abandoned(&self) -> u32 {
        self.abandoned
    }

    fn start_worker(&mut self) -> Result<Worker, SourceError> {
        let (req_tx, req_rx) = bounded::<()>(1);
        let (res_tx, res_rx) = bounded(1);
        let (cmd_tx, cmd_rx) = unbounded::<SourceCommand>();
        let stop = Arc::new(AtomicBool::new(false));
        let rebuild = self.rebuild.clone();
        let (name, controls, notice, thread_stop) = (
            self.name.clone(),
            self.controls.clone(),
            self.notice.clone(),
            stop.clone(),
        );
        std::thread::Builder::new()
            .name("camera-source".into())
            .spawn(move || {
                let run = std::panic::AssertUnwindSafe(|| {
                    let mut source = rebuild();
                    while req_rx.recv().is_ok() {
                        if thread_stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let mut changed = false;
                        while let Ok(cmd) = cmd_rx.try_recv() {
                            source.command(&cmd);
                            changed = true;
                        }
                        let result = source.next_frame();
                        if thread_stop.load(Ordering::Relaxed) {
                            return;
                        }
                        if result.is_ok() {
                            if let Ok(mut n) = name.lock() {
                                *n = source.name();
                            }
                            if let Some(news) = source.notice()
                                && let Ok(mut n) = notice.lock()
                            {
                                *n = Some(news);
                            }
                            let fresh = controls.lock().map(|c| c.is_empty()).unwrap_or(false);
                            if changed || fresh {
                                let now = source.controls();
                                if let Ok(mut c) = controls.lock() {
                                    *c = now;
                                }
                            }
                        }
                        if res_tx.send(result).is_err() {
                            return;
                        }
                    }
                });
                if std::panic::catch_unwind(run).is_err() {
                    let _ = res_tx.send(Err(SourceError::Unavailable(
                        "The camera driver failed; retrying…".to_string(),
                    )));
                }
            })
            .map_err(|e| SourceError::Unavailable(format!("cannot start a camera thread: {e}")))?;
        Ok(Worker {
            requests: req_tx,
            results: res_rx,
            commands: cmd_tx,
            stop,
            waiting: false,
        })
    }
}

impl FrameSource for WatchedSource {
    fn name(&self) -> String {
        self.name
            .lock()
            .map(|n| n.clone())
            .unwrap_or_else(|_| "Webcam".to_string())
    }

    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        if self.worker.is_none() {
            self.worker = Some(self.start_worker()?);
        }
        let Some(worker) = self.worker.as_mut() else {
            return Err(SourceError::Unavailable("No camera found.".to_string()));
        };
        if !worker.waiting {
            if worker.requests.send(()).is_err() {
                self.worker = None;
                return Err(SourceError::Unavailable(
                    "The camera thread ended; restarting it…".to_string(),
                ));
            }
            worker.waiting = true;
        }
        match worker.results.recv_timeout(self.limit) {
            Ok(result) => {
                worker.waiting = false;
                result
            }
            Err(RecvTimeoutError::Timeout) => {
                // Stuck in the driver: leave that thread behind and start afresh next time.
                self.worker = None;
                self.abandoned += 1;
                if let Ok(mut c) = self.controls.lock() {
                    c.clear();
                }
                Err(SourceError::Unavailable(format!(
                    "No frame from the camera for {} s. Waiting for it; if it stays frozen, unplug \
                     it and plug it back in.",
                    self.limit.as_secs_f64()
                )))
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.worker = None;
                Err(SourceError::Unavailable(
                    "The camera thread ended; restarting it…".to_string(),
                ))
            }
        }
    }

    fn controls(&mut self) -> Vec<ControlInfo> {
        self.controls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn command(&mut self, cmd: &SourceCommand) {
        if let Some(w) = &self.worker {
            let _ = w.commands.send(cmd.clone());
        }
    }

    fn notice(&mut self) -> Option<String> {
        self.notice.lock().ok().and_then(|mut n| n.take())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};

    use super::*;
    use crate::camera::device::NodeProbe;
    use crate::camera::fake::{FakeBackend, FakeCamera, Step};
    use crate::camera::webcam::{Wanted, WebcamSource};

    fn backend(script: Vec<Step>) -> FakeBackend {
        FakeBackend::new(vec![FakeCamera {
            probe: NodeProbe {
                index: 0,
                name: "Cam".into(),
                path: "/dev/video0".into(),
                bus: "usb-1".into(),
                captures_video: Some(true),
                formats: vec![CameraFormat::new(
                    Resolution::new(32, 24),
                    FrameFormat::MJPEG,
                    30,
                )],
                other_formats: Vec::new(),
            },
            controls: Vec::new(),
            script,
        }])
    }

    fn watched(b: &FakeBackend, limit: Duration) -> WatchedSource {
        let b = b.clone();
        WatchedSource::new(
            Arc::new(move || {
                Box::new(
                    WebcamSource::with_backend(Box::new(b.clone()), Wanted::First, [1920, 1080])
                        .with_release_wait(Duration::from_millis(100)),
                )
            }),
            limit,
        )
    }

    #[test]
    fn frames_pass_through_with_the_source_name() {
        let b = backend(vec![]);
        let mut src = watched(&b, Duration::from_secs(3));
        for seq in 0..3 {
            assert_eq!(src.next_frame().unwrap().seq, seq);
        }
        assert_eq!(src.name(), "Cam");
        assert_eq!(src.abandoned(), 0);
    }

    #[test]
    fn a_stuck_read_is_reported_within_the_limit_and_a_fresh_source_takes_over() {
        // The second read is stuck for 900 ms; the limit is 300 ms.
        let b = backend(vec![Step::Good, Step::Stall(Duration::from_millis(900))]);
        let mut src = watched(&b, Duration::from_millis(300));
        assert!(src.next_frame().is_ok());
        let t0 = Instant::now();
        let err = src.next_frame().unwrap_err();
        assert!(
            t0.elapsed() < Duration::from_millis(800),
            "{:?}",
            t0.elapsed()
        );
        assert!(
            err.to_string()
                .starts_with("No frame from the camera for 0.3 s"),
            "{err}"
        );
        assert_eq!(src.abandoned(), 1);
        // The stuck thread still holds the device: the fresh source says so until it lets go,
        // then opens it again and frames flow.
        let mut messages = Vec::new();
        let frame = loop {
            match src.next_frame() {
                Ok(frame) => break frame,
                Err(e) => messages.push(e.to_string()),
            }
            assert!(t0.elapsed() < Duration::from_secs(3), "{messages:?}");
        };
        assert!(
            messages
                .iter()
                .any(|m| m.contains("still held by its previous stream")),
            "{messages:?}"
        );
        assert_eq!(frame.seq, 0, "a new source counts from 0");
        assert_eq!(b.opened().len(), 2);
    }

    #[test]
    fn a_camera_that_never_returns_is_reported_again_and_again_without_blocking() {
        let b = backend(vec![Step::Hang]);
        let mut src = watched(&b, Duration::from_millis(200));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(src.next_frame().is_err());
        }
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    }

    #[test]
    fn a_stall_shorter_than_the_limit_is_no_error() {
        let b = backend(vec![Step::Stall(Duration::from_millis(100))]);
        let mut src = watched(&b, Duration::from_millis(600));
        assert!(src.next_frame().is_ok());
        assert_eq!(src.abandoned(), 0);
    }

    struct Panicky;
    impl FrameSource for Panicky {
        fn name(&self) -> String {
            "panicky".into()
        }
        fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
            panic!("driver bug")
        }
    }

    #[test]
    fn a_panicking_source_is_unavailable_not_a_crash() {
        let mut src = WatchedSource::new(Arc::new(|| Box::new(Panicky)), Duration::from_secs(2));
        let err = src.next_frame().unwrap_err();
        assert_eq!(
            err,
            SourceError::Unavailable("The camera driver failed; retrying…".into())
        );
        // The next call starts a new thread.
        assert!(src.next_frame().is_err());
    }
}
