//! The camera thread and the one-frame slot it fills for the analysis.
//!
//! Decides the camera side of the flow control. Live, the camera thread never waits for the
//! analysis: the slot holds one frame and a new frame replaces an unread one, so only the newest
//! frame is analysed. In `lockstep` mode (tests, scripted runs) the thread waits until the slot is
//! read, so nothing is dropped. A source that is unavailable is retried every `RETRY_INTERVAL`; a
//! driver that panics counts as unavailable. Status changes are queued for the UI: after a control is set, the controls are read back for
//! the next `READBACK_FRAMES` frames and sent again whenever they differ from what the UI has, so
//! it shows what the camera really took (a refused or clamped value). Whatever reads the slot is
//! `crate::analysis`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded, unbounded};

use super::{CameraFrame, FrameSource, SourceCommand, SourceError, SourceFactory, SourceStatus};

/// How long the camera thread waits before trying an unavailable source again.
pub(crate) const RETRY_INTERVAL: Duration = Duration::from_millis(1000);

/// Frames after a command during which the controls are read back (frames, 1–10). A watched
/// source applies a command before the frame after the one already requested, so its read-back
/// arrives by the second frame; three leaves one spare.
pub const READBACK_FRAMES: u32 = 3;

/// Something to call when there is news for the UI (`egui::Context::request_repaint`).
pub(crate) type Waker = Arc<dyn Fn() + Send + Sync>;

/// A running camera thread, seen from the UI side: status changes, camera controls. Dropping it stops the thread (after the frame it is waiting for).
pub(crate) struct CameraFeed {
    status_tx: Sender<SourceStatus>,
    status: Receiver<SourceStatus>,
    commands: Sender<SourceCommand>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
}

/// How often a paused camera thread looks for a command, the resume or the stop.
const PAUSE_POLL: Duration = Duration::from_millis(100);

impl CameraFeed {
    /// Starts the camera thread. Returns the feed and the reading side of the frame slot.
    pub(crate) fn start(
        source: SourceFactory,
        lockstep: bool,
        waker: Waker,
    ) -> (CameraFeed, Receiver<CameraFrame>) {
        let (frame_tx, frame_rx) = bounded::<CameraFrame>(1);
        let (status_tx, status_rx) = unbounded();
        let (cmd_tx, cmd_rx) = unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let paused = Arc::new(AtomicBool::new(false));
        let produced = Arc::new(AtomicU64::new(0));

        let camera = CameraThread {
            frames: frame_tx,
            stale: frame_rx.clone(),
            status: status_tx.clone(),
            commands: cmd_rx,
            stop: stop.clone(),
            paused: paused.clone(),
            produced: produced.clone(),
            lockstep,
            waker,
        };
        let spawned = std::thread::Builder::new()
            .name("camera".into())
            .spawn(move || camera.run(source()));
        if let Err(e) = spawned {
            let _ = status_tx.send(SourceStatus::Failed(format!(
                "cannot start the camera thread: {e}"
            )));
        }
        let feed = CameraFeed {
            status_tx,
            status: status_rx,
            commands: cmd_tx,
            stop,
            paused,
            produced,
        };
        (feed, frame_rx)
    }

    /// The flag that stops the camera thread; set when the feed is dropped. Threads working on
    /// the feed's frames can share it to stop with it.
    pub(crate) fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Adds a status change to the feed's queue (for trouble further down the line).
    pub(crate) fn report(&self, status: SourceStatus) {
        let _ = self.status_tx.send(status);
    }

    /// Status changes since the last call. Never blocks.
    pub(crate) fn poll_status(&self) -> Vec<SourceStatus> {
        self.status.try_iter().collect()
    }

    /// Frames the source delivered so far (analysed or dropped).
    pub(crate) fn frames_produced(&self) -> u64 {
        self.produced.load(Ordering::Relaxed)
    }

    /// Forwards a command (a camera control) to the source.
    pub(crate) fn command(&self, cmd: SourceCommand) {
        let _ = self.commands.send(cmd);
    }

    /// Stops (or resumes) reading the source: while paused no frame is taken, converted or
    /// rendered, so a hidden live view costs nothing. A demo resumes its script where it stopped.
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::Relaxed);
    }
}

impl Drop for CameraFeed {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

struct CameraThread {
    frames: Sender<CameraFrame>,
    /// The reading side of the frame slot, to take out a frame nobody read yet.
    stale: Receiver<CameraFrame>,
    status: Sender<SourceStatus>,
    commands: Receiver<SourceCommand>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    produced: Arc<AtomicU64>,
    lockstep: bool,
    waker: Waker,
}

impl CameraThread {
    fn run(self, mut source: Box<dyn FrameSource>) {
        let mut live = false;
        // The controls the UI was last sent, and frames left to read them back after a command.
        let mut sent_controls = Vec::new();
        let mut readback = 0;
        while !self.stop.load(Ordering::Relaxed) {
            while let Ok(cmd) = self.commands.try_recv() {
                source.command(&cmd);
                readback = READBACK_FRAMES;
            }
            if self.paused.load(Ordering::Relaxed) {
                if let Ok(cmd) = self.commands.recv_timeout(PAUSE_POLL) {
                    source.command(&cmd);
                }
                continue;
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
                        if let Some(notice) = source.notice() {
                            let _ = self.status.send(SourceStatus::Notice(notice));
                        }
                        sent_controls = source.controls();
                        if !sent_controls.is_empty() {
                            let _ = self
                                .status
                                .send(SourceStatus::Controls(sent_controls.clone()));
                        }
                        (self.waker)();
                    } else if readback > 0 {
                        readback -= 1;
                        let now = source.controls();
                        if now != sent_controls {
                            sent_controls = now;
                            let _ = self
                                .status
                                .send(SourceStatus::Controls(sent_controls.clone()));
                            (self.waker)();
                        }
                    }
                    // No repaint here: the preview shows analysed frames, and the analysis wakes the
                    // UI when one is ready.
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

    /// Puts a frame in the slot; false when nothing reads the slot any more.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Frame;

    fn noop() -> Waker {
        Arc::new(|| {})
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
        let (feed, frames) =
            CameraFeed::start(crate::camera::ready(PanicsOnce(false)), true, noop());
        assert!(frames.recv_timeout(Duration::from_secs(10)).is_ok());
        let status = feed.poll_status();
        assert!(matches!(status.first(), Some(SourceStatus::Waiting(m)) if m.contains("retrying")));
    }

    /// A camera with one 0–10 control that clamps what it is given, as cameras do.
    struct Clamping {
        value: i64,
        seq: u64,
    }

    impl FrameSource for Clamping {
        fn name(&self) -> String {
            "clamping".into()
        }
        fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
            std::thread::sleep(Duration::from_millis(5));
            self.seq += 1;
            Ok(CameraFrame {
                image: Arc::new(Frame::new(8, 8)),
                seq: self.seq,
                time_s: 0.0,
            })
        }
        fn controls(&mut self) -> Vec<crate::camera::ControlInfo> {
            vec![crate::camera::ControlInfo {
                id: 1,
                name: "Exposure".into(),
                kind: crate::camera::ControlKind::Range {
                    min: 0,
                    max: 10,
                    step: 1,
                    value: self.value,
                },
                active: true,
            }]
        }
        fn command(&mut self, cmd: &SourceCommand) {
            let SourceCommand::SetControl { value, .. } = cmd;
            self.value = (*value).clamp(0, 10);
        }
    }

    fn control_values(status: &[SourceStatus]) -> Vec<i64> {
        status
            .iter()
            .filter_map(|s| match s {
                SourceStatus::Controls(c) => c.first().map(|c| c.kind.value()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn controls_are_read_back_after_a_set_and_show_the_cameras_value() {
        let (feed, frames) = CameraFeed::start(
            crate::camera::ready(Clamping { value: 3, seq: 0 }),
            false,
            noop(),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut values = Vec::new();
        let mut asked = false;
        while Instant::now() < deadline && values.len() < 2 {
            let _ = frames.try_recv();
            values.extend(control_values(&feed.poll_status()));
            if values == [3] && !asked {
                feed.command(SourceCommand::SetControl { id: 1, value: 99 });
                asked = true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        // Sent once when frames start, once after the set: the clamped 10, not the 99 asked.
        assert_eq!(values, [3, 10]);
        // Nothing changes without a set: no more sends.
        std::thread::sleep(Duration::from_millis(100));
        assert!(control_values(&feed.poll_status()).is_empty());
    }

    #[test]
    fn a_failing_source_reports_and_stops() {
        let dir = std::env::temp_dir().join("idcap-no-such-folder-for-test");
        let (feed, _frames) = CameraFeed::start(
            crate::camera::ready(crate::camera::replay::FolderReplay::new(dir, 5.0, false)),
            false,
            noop(),
        );
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut status = Vec::new();
        while status.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            status = feed.poll_status();
        }
        assert!(matches!(status.first(), Some(SourceStatus::Failed(_))));
    }
}
