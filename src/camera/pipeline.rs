//! The threads between a source and the UI: camera thread → newest frame → analysis worker →
//! analysed frames → UI.
//!
//! Decides the flow control. Live, the camera thread never waits for the analysis: the frame slot
//! holds one frame and a new frame replaces an unread one, so only the newest frame is analysed; the
//! UI's queue is short and drops when the UI is not reading. In `lockstep` mode (tests, scripted
//! runs) nothing is dropped: each stage waits for the next, so every frame is analysed, in order,
//! and results are reproducible. Nothing here blocks the UI thread: it only `poll`s.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, unbounded};

use super::{CameraFrame, FrameSource, SourceCommand, SourceError, SourceFactory, SourceStatus};
use crate::quality::{Analyzer, Frame, Profile, Report};

/// Scores frames; the analysis worker owns one. `Analyzer` is the real one; tests can script one.
pub trait Assess: Send {
    fn assess(&mut self, frame: &Frame, profile: &Profile) -> Report;
}

impl Assess for Analyzer {
    fn assess(&mut self, frame: &Frame, profile: &Profile) -> Report {
        Analyzer::assess(self, frame, profile)
    }
}

impl<F: FnMut(&Frame, &Profile) -> Report + Send> Assess for F {
    fn assess(&mut self, frame: &Frame, profile: &Profile) -> Report {
        self(frame, profile)
    }
}

/// A frame and what the analysis found.
#[derive(Clone, Debug)]
pub struct Analysed {
    pub frame: CameraFrame,
    pub report: Report,
    /// Wall time the analysis took, milliseconds.
    pub analysis_ms: f64,
}

/// How long the camera thread waits before trying an unavailable source again.
pub const RETRY_INTERVAL: Duration = Duration::from_millis(1000);
/// Analysed frames queued for the UI before the oldest are dropped (live mode).
const UI_QUEUE: usize = 8;

/// A running source and analysis. Dropping it stops both threads (the camera thread after the
/// frame it is waiting for).
pub struct Pipeline {
    analysed: Receiver<Analysed>,
    status: Receiver<SourceStatus>,
    commands: Sender<SourceCommand>,
    profile: Arc<Mutex<Profile>>,
    stop: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
    newest: Arc<Mutex<Option<CameraFrame>>>,
}

/// Something to call when there is news for the UI (`egui::Context::request_repaint`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

impl Pipeline {
    /// Starts the camera thread and the analysis worker.
    pub fn start(
        source: SourceFactory,
        assess: Box<dyn Assess>,
        profile: Profile,
        lockstep: bool,
        waker: Waker,
    ) -> Pipeline {
        let (frame_tx, frame_rx) = bounded::<CameraFrame>(1);
        let (out_tx, out_rx) = bounded::<Analysed>(if lockstep { 1 } else { UI_QUEUE });
        let (status_tx, status_rx) = unbounded();
        let (cmd_tx, cmd_rx) = unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let produced = Arc::new(AtomicU64::new(0));
        let profile = Arc::new(Mutex::new(profile));
        let newest = Arc::new(Mutex::new(None));

        let camera = CameraThread {
            newest: newest.clone(),
            frames: frame_tx,
            stale: frame_rx.clone(),
            status: status_tx.clone(),
            commands: cmd_rx,
            stop: stop.clone(),
            produced: produced.clone(),
            lockstep,
            waker: waker.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("camera".into())
            .spawn(move || camera.run(source()));
        if let Err(e) = spawned {
            let _ = status_tx.send(SourceStatus::Failed(format!(
                "cannot start the camera thread: {e}"
            )));
        }

        let worker_profile = profile.clone();
        let worker_stop = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || {
                analysis_loop(
                    assess,
                    frame_rx,
                    out_tx,
                    worker_profile,
                    worker_stop,
                    lockstep,
                    waker,
                )
            });
        if let Err(e) = spawned {
            let _ = status_tx.send(SourceStatus::Failed(format!(
                "cannot start the analysis thread: {e}"
            )));
        }
        Pipeline {
            analysed: out_rx,
            status: status_rx,
            commands: cmd_tx,
            profile,
            stop,
            produced,
            newest,
        }
    }

    /// The newest frame the source delivered (for the preview, which runs at the camera's rate
    /// while the overlay follows the analysis). Never blocks for long: the lock is held only to
    /// swap an `Arc`.
    pub fn newest_frame(&self) -> Option<CameraFrame> {
        self.newest.lock().ok().and_then(|f| f.clone())
    }

    /// Analysed frames that arrived since the last call, oldest first. Never blocks.
    pub fn poll(&self) -> Vec<Analysed> {
        self.analysed.try_iter().collect()
    }

    /// Status changes since the last call. Never blocks.
    pub fn poll_status(&self) -> Vec<SourceStatus> {
        self.status.try_iter().collect()
    }

    /// Frames the source delivered so far (analysed or dropped).
    pub fn frames_produced(&self) -> u64 {
        self.produced.load(Ordering::Relaxed)
    }

    /// Changes the thresholds (document type) for the next frames.
    pub fn set_profile(&self, profile: Profile) {
        if let Ok(mut p) = self.profile.lock() {
            *p = profile;
        }
    }

    /// Forwards a command (a camera control) to the source.
    pub fn command(&self, cmd: SourceCommand) {
        let _ = self.commands.send(cmd);
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct CameraThread {
    newest: Arc<Mutex<Option<CameraFrame>>>,
    frames: Sender<CameraFrame>,
    /// The analysis side of the frame slot, to take out a frame nobody read yet.
    stale: Receiver<CameraFrame>,
    status: Sender<SourceStatus>,
    commands: Receiver<SourceCommand>,
    stop: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
    lockstep: bool,
    waker: Waker,
}

impl CameraThread {
    fn run(self, mut source: Box<dyn FrameSource>) {
        let mut live = false;
        while !self.stop.load(Ordering::Relaxed) {
            while let Ok(cmd) = self.commands.try_recv() {
                source.command(&cmd);
            }
            // A camera driver that panics must not take the app's camera thread with it: treat
            // it as the camera going away, and retry.
            let next =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| source.next_frame()))
                    .unwrap_or_else(|_| {
                        Err(SourceError::Unavailable(
                            "The camera driver failed; retrying…".to_string(),
                        ))
                    });
            match next {
                Ok(frame) => {
                    self.produced.fetch_add(1, Ordering::Relaxed);
                    if !live {
                        live = true;
                        let (w, h) = frame.image.dimensions();
                        let _ = self.status.send(SourceStatus::Live {
                            name: source.name(),
                            width: w,
                            height: h,
                        });
                        let controls = source.controls();
                        if !controls.is_empty() {
                            let _ = self.status.send(SourceStatus::Controls(controls));
                        }
                        (self.waker)();
                    }
                    if let Ok(mut n) = self.newest.lock() {
                        *n = Some(frame.clone());
                    }
                    if !self.deliver(frame) {
                        return;
                    }
                }
                Err(SourceError::Unavailable(msg)) => {
                    live = false;
                    let _ = self.status.send(SourceStatus::Waiting(msg));
                    (self.waker)();
                    let until = Instant::now() + RETRY_INTERVAL;
                    while Instant::now() < until && !self.stop.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                Err(SourceError::Fatal(msg)) => {
                    let _ = self.status.send(SourceStatus::Failed(msg));
                    (self.waker)();
                    return;
                }
            }
        }
    }

    /// Hands a frame to the analysis; false when the analysis is gone.
    fn deliver(&self, frame: CameraFrame) -> bool {
        if self.lockstep {
            return self.frames.send(frame).is_ok();
        }
        match self.frames.try_send(frame) {
            Ok(()) => true,
            Err(TrySendError::Disconnected(_)) => false,
            Err(TrySendError::Full(frame)) => {
                // Replace the unread older frame with this newer one.
                let _ = self.stale.try_recv();
                !matches!(
                    self.frames.try_send(frame),
                    Err(TrySendError::Disconnected(_))
                )
            }
        }
    }
}

fn analysis_loop(
    mut assess: Box<dyn Assess>,
    frames: Receiver<CameraFrame>,
    out: Sender<Analysed>,
    profile: Arc<Mutex<Profile>>,
    stop: Arc<AtomicBool>,
    lockstep: bool,
    waker: Waker,
) {
    loop {
        let frame = match frames.recv_timeout(Duration::from_millis(200)) {
            Ok(f) => f,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                continue;
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let profile = profile.lock().map(|p| p.clone()).unwrap_or_default();
        let t0 = Instant::now();
        let assessed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            assess.assess(&frame.image, &profile)
        }));
        // A frame the analysis cannot handle is skipped, not fatal.
        let Ok(report) = assessed else {
            continue;
        };
        let analysed = Analysed {
            frame,
            report,
            analysis_ms: t0.elapsed().as_secs_f64() * 1e3,
        };
        let delivered = if lockstep {
            out.send(analysed).is_ok()
        } else {
            !matches!(out.try_send(analysed), Err(TrySendError::Disconnected(_)))
        };
        if !delivered {
            return;
        }
        waker();
    }
}

/// Waits (off the UI thread: scripts and tests) for the next analysed frame, up to `timeout`.
pub fn wait_analysed(p: &Pipeline, timeout: Duration) -> Option<Analysed> {
    p.analysed.recv_timeout(timeout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::demo::DemoCamera;
    use crate::capture::scripted;

    fn noop() -> Waker {
        Arc::new(|| {})
    }

    #[test]
    fn lockstep_analyses_every_frame_in_order() {
        let assess = |_: &Frame, _: &Profile| scripted::report(true, 190.0, 76.0, 1.0);
        let p = Pipeline::start(
            crate::camera::ready(DemoCamera::new(30.0, false)),
            Box::new(assess),
            Profile::default(),
            true,
            noop(),
        );
        let seqs: Vec<u64> = (0..5)
            .filter_map(|_| wait_analysed(&p, Duration::from_secs(10)))
            .map(|a| a.frame.seq)
            .collect();
        assert_eq!(seqs, [0, 1, 2, 3, 4]);
        let status = p.poll_status();
        assert!(matches!(
            status.first(),
            Some(SourceStatus::Live {
                width: 1280,
                height: 720,
                ..
            })
        ));
    }

    #[test]
    fn live_mode_drops_frames_behind_a_slow_analysis() {
        let assess = |_: &Frame, _: &Profile| {
            std::thread::sleep(Duration::from_millis(60));
            scripted::no_document()
        };
        let p = Pipeline::start(
            crate::camera::ready(DemoCamera::new(30.0, false)),
            Box::new(assess),
            Profile::default(),
            false,
            noop(),
        );
        let got: Vec<Analysed> = (0..4)
            .filter_map(|_| wait_analysed(&p, Duration::from_secs(10)))
            .collect();
        assert_eq!(got.len(), 4);
        // The unpaced demo makes frames far faster than 60 ms: most are dropped, never queued.
        assert!(got.windows(2).any(|w| w[1].frame.seq > w[0].frame.seq + 1));
        assert!(p.frames_produced() > 4);
    }

    /// A source whose driver panics on its first frame, then works.
    struct PanicsOnce(bool);

    impl FrameSource for PanicsOnce {
        fn name(&self) -> String {
            "panicky".into()
        }
        fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
            if !self.0 {
                self.0 = true;
                panic!("driver bug");
            }
            Ok(CameraFrame {
                image: Arc::new(Frame::new(8, 8)),
                seq: 0,
                time_s: 0.0,
            })
        }
    }

    #[test]
    fn a_panicking_driver_is_retried_not_fatal() {
        let p = Pipeline::start(
            crate::camera::ready(PanicsOnce(false)),
            Box::new(|_: &Frame, _: &Profile| scripted::no_document()),
            Profile::default(),
            true,
            noop(),
        );
        assert!(wait_analysed(&p, Duration::from_secs(10)).is_some());
        let status = p.poll_status();
        assert!(matches!(status.first(), Some(SourceStatus::Waiting(m)) if m.contains("retrying")));
    }

    #[test]
    fn a_failing_source_reports_and_stops() {
        let dir = std::env::temp_dir().join("idcap-no-such-folder-for-test");
        let p = Pipeline::start(
            crate::camera::ready(crate::camera::replay::FolderReplay::new(dir, 5.0, false)),
            Box::new(Analyzer::for_stream()),
            Profile::default(),
            false,
            noop(),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut status = Vec::new();
        while status.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            status = p.poll_status();
        }
        assert!(matches!(status.first(), Some(SourceStatus::Failed(_))));
    }
}
