//! The live analysis: a worker thread that scores the frames a camera feed delivers, and the
//! `Pipeline` that wires camera → analysis → UI.
//!
//! Decides the analysis side of the flow control. Live, the worker takes whatever frame is newest
//! in the camera's slot (`camera::feed`) and hands results to a short queue that drops when the UI
//! is not reading. In `lockstep` mode (tests, scripted runs) nothing is dropped: each stage waits
//! for the next, so every frame is analysed, in order, and results are reproducible. Each frame's
//! analysis runs behind `guard::catch_panic`: a frame whose analysis panics reaches the UI as an
//! internal error (`Analysed::internal_error`, and a report whose `document` check fails with
//! that message, so nothing is captured from it), and the analyzer is replaced by a fresh
//! `Analyzer::for_stream()` so the next frame starts clean. Nothing here blocks the UI thread: it
//! only `poll`s.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TrySendError, bounded};

use crate::camera::feed::{CameraFeed, Waker};
use crate::camera::{CameraFrame, SourceCommand, SourceFactory, SourceStatus};
use crate::guard::{self, InternalError};
use crate::quality::{Analyzer, Check, CheckId, Frame, Profile, Report};

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
    pub(crate) analysis_ms: f64,
    /// Set when the analysis of this frame panicked; `report` then holds only a failing
    /// `document` check that says so (`internal_error_report`).
    pub internal_error: Option<InternalError>,
}

/// The hint shown over the live view for a frame whose analysis failed with an internal error.
pub const INTERNAL_ERROR_HINT: &str = "Internal error — please report it";

/// The report the UI gets for a frame whose analysis panicked: nothing measured, and a failing
/// `document` check carrying the plain internal-error message (so auto-capture never fires on it).
pub fn internal_error_report(width: u32, height: u32) -> Report {
    let check = Check::new(CheckId::Document, false, None, None)
        .message(format!(
            "{}: the analysis of this camera frame failed",
            guard::INTERNAL_ERROR_MESSAGE
        ))
        .hint(INTERNAL_ERROR_HINT);
    Report {
        width,
        height,
        document: None,
        checks: vec![check],
        glare_regions: Vec::new(),
        occlusion_regions: Vec::new(),
        mrz: None,
        blur_kind: None,
        sharpness: 0.0,
    }
}

/// Analysed frames queued for the UI before the oldest are dropped (live mode).
const UI_QUEUE: usize = 8;

/// A running source and analysis. Dropping it stops both threads (the camera thread after the
/// frame it is waiting for).
pub(crate) struct Pipeline {
    camera: CameraFeed,
    analysed: Receiver<Analysed>,
    profile: Arc<Mutex<Profile>>,
}

impl Pipeline {
    /// Starts the camera thread and the analysis worker.
    pub(crate) fn start(
        source: SourceFactory,
        assess: Box<dyn Assess>,
        profile: Profile,
        lockstep: bool,
        waker: Waker,
    ) -> Pipeline {
        let (camera, frames) = CameraFeed::start(source, lockstep, waker.clone());
        let (out_tx, out_rx) = bounded::<Analysed>(if lockstep { 1 } else { UI_QUEUE });
        let profile = Arc::new(Mutex::new(profile));

        let worker_profile = profile.clone();
        let worker_stop = camera.stop_flag();
        let spawned = std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || {
                analysis_loop(
                    assess,
                    frames,
                    out_tx,
                    worker_profile,
                    worker_stop,
                    lockstep,
                    waker,
                );
            });
        if let Err(e) = spawned {
            camera.report(SourceStatus::Failed(format!(
                "cannot start the analysis thread: {e}"
            )));
        }
        Pipeline {
            camera,
            analysed: out_rx,
            profile,
        }
    }

    /// Analysed frames that arrived since the last call, oldest first. Never blocks.
    pub(crate) fn poll(&self) -> Vec<Analysed> {
        self.analysed.try_iter().collect()
    }

    /// Status changes since the last call. Never blocks.
    pub(crate) fn poll_status(&self) -> Vec<SourceStatus> {
        self.camera.poll_status()
    }

    /// Frames the source delivered so far (analysed or dropped).
    pub(crate) fn frames_produced(&self) -> u64 {
        self.camera.frames_produced()
    }

    /// Changes the thresholds (document type) for the next frames.
    pub(crate) fn set_profile(&self, profile: Profile) {
        if let Ok(mut p) = self.profile.lock() {
            *p = profile;
        }
    }

    /// Forwards a command (a camera control) to the source.
    pub(crate) fn command(&self, cmd: SourceCommand) {
        self.camera.command(cmd);
    }

    /// Stops (or resumes) reading the camera, and so the analysis, while the live view is hidden.
    pub fn set_paused(&self, paused: bool) {
        self.camera.set_paused(paused);
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
        let (report, internal_error) =
            match guard::catch_panic(|| assess.assess(&frame.image, &profile)) {
                Ok(report) => (report, None),
                Err(e) => {
                    // The analyzer's tracker and scratch may be half-updated: start clean.
                    assess = Box::new(Analyzer::for_stream());
                    let (w, h) = frame.image.dimensions();
                    (internal_error_report(w, h), Some(e))
                }
            };
        let analysed = Analysed {
            frame,
            report,
            analysis_ms: t0.elapsed().as_secs_f64() * 1e3,
            internal_error,
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
#[cfg(test)]
pub(crate) fn wait_analysed(p: &Pipeline, timeout: Duration) -> Option<Analysed> {
    p.analysed.recv_timeout(timeout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::demo::DemoCamera;
    use crate::camera::{FrameSource, SourceError};
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

    /// A source of tiny frames, delivered as fast as they are read (far faster than any analysis,
    /// however busy the machine).
    struct Counter(u64);

    impl FrameSource for Counter {
        fn name(&self) -> String {
            "counter".into()
        }
        fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
            self.0 += 1;
            Ok(CameraFrame {
                image: Arc::new(Frame::new(8, 8)),
                seq: self.0 - 1,
                time_s: 0.0,
            })
        }
    }

    #[test]
    fn live_mode_drops_frames_behind_a_slow_analysis() {
        let assess = |_: &Frame, _: &Profile| {
            std::thread::sleep(Duration::from_millis(60));
            scripted::no_document()
        };
        let p = Pipeline::start(
            crate::camera::ready(Counter(0)),
            Box::new(assess),
            Profile::default(),
            false,
            noop(),
        );
        let got: Vec<Analysed> = (0..4)
            .filter_map(|_| wait_analysed(&p, Duration::from_secs(10)))
            .collect();
        assert_eq!(got.len(), 4);
        // The source makes frames far faster than 60 ms: most are dropped, never queued.
        assert!(got.windows(2).any(|w| w[1].frame.seq > w[0].frame.seq + 1));
        assert!(p.frames_produced() > 4);
    }

    #[test]
    fn a_panicking_analysis_reports_an_internal_error_and_the_next_frame_starts_clean() {
        // Panics on its second frame; were it kept after that, every later frame would carry the
        // scripted pass report.
        let mut calls = 0u32;
        let assess = move |_: &Frame, _: &Profile| {
            calls += 1;
            assert!(calls != 2, "a bug in the analysis");
            scripted::report(true, 190.0, 76.0, 1.0)
        };
        let p = Pipeline::start(
            crate::camera::ready(DemoCamera::new(30.0, false)),
            Box::new(assess),
            Profile::default(),
            true,
            noop(),
        );
        let got: Vec<Analysed> = (0..3)
            .filter_map(|_| wait_analysed(&p, Duration::from_secs(30)))
            .collect();
        let seqs: Vec<u64> = got.iter().map(|a| a.frame.seq).collect();
        assert_eq!(seqs, [0, 1, 2], "no frame is lost, the failed one included");
        assert!(got[0].internal_error.is_none());
        assert_eq!(got[0].report.verdict(), crate::quality::Verdict::Pass);

        let failed = &got[1];
        let error = failed
            .internal_error
            .as_ref()
            .expect("the panic is reported");
        assert!(
            error.detail.contains("a bug in the analysis"),
            "{}",
            error.detail
        );
        let problem = failed.report.primary_problem().expect("a failing check");
        assert_eq!(problem.id, CheckId::Document);
        assert!(problem.message.contains(guard::INTERNAL_ERROR_MESSAGE));
        assert_eq!(problem.hint, INTERNAL_ERROR_HINT);
        assert_eq!((failed.report.width, failed.report.height), (1280, 720));

        // The third frame is scored by a fresh stream analyzer, not the scripted one.
        let next = &got[2];
        assert!(next.internal_error.is_none());
        assert_eq!(
            next.report.checks.len(),
            crate::quality::ASSESSED_CHECKS.len()
        );
        assert_ne!(next.report, scripted::report(true, 190.0, 76.0, 1.0));
    }
}
