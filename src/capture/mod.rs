//! Auto-capture: decides when a stream of analysed frames is good enough to keep, and which frame.
//!
//! Pure and deterministic: fed (time, report, frame handle) in frame order, it tracks the run of
//! consecutive frames that pass every check with the document's corners steady, starts a countdown
//! once the run has lasted `stable_window_s`, cancels on any failing or jittery frame, and at the end
//! of the countdown hands back the sharpest frame of the run (by `Report::sharpness`). Time is the
//! frame's own timestamp, so tests step it and a slow analysis does not stretch the countdown.

pub mod flip;
pub mod scripted;

use crate::quality::{Check, CheckId, Point, Report, Verdict};

/// Tuning of the auto-capture.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureConfig {
    /// How long, in seconds, every check must pass with steady corners before the countdown starts.
    /// Default 0.3 s (≈ 9 frames at 30 fps).
    pub stable_window_s: f64,
    /// Corner jitter limit: the largest distance any corner may move from its position in the newest
    /// frame, as a fraction of the document's diagonal. Default 0.005 (0.5 %: 5 px on a 1000 px
    /// diagonal).
    pub max_jitter_frac: f64,
    /// Length of the visible countdown, seconds. Default 1.5 s.
    pub countdown_s: f64,
    /// Most full-resolution frames held for the best-frame pick (the sharpest ones of the run are
    /// kept). Default 6.
    pub max_kept_frames: usize,
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            stable_window_s: 0.3,
            max_jitter_frac: 0.005,
            countdown_s: 1.5,
            max_kept_frames: 6,
        }
    }
}

/// Where the auto-capture stands after a frame.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    /// Some check fails (or there is no document): nothing is happening.
    Idle,
    /// Every check passes; the corners have been steady for `held_s` of the `needed_s` seconds.
    Steadying { held_s: f64, needed_s: f64 },
    /// Stable: capturing when `remaining_s` reaches 0.
    Countdown { remaining_s: f64 },
    /// A frame was captured (returned once by `push`); further frames are ignored until `reset`.
    Captured,
}

/// The kept frame, with the report it was scored with.
#[derive(Clone, Debug)]
pub(crate) struct Captured<T> {
    pub(crate) frame: T,
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "read only by the unit tests so far")
    )]
    pub(crate) report: Report,
    #[cfg_attr(
        not(test),
        allow(dead_code, reason = "read only by the unit tests so far")
    )]
    pub(crate) time_s: f64,
}

struct Entry<T> {
    time_s: f64,
    corners: [Point; 4],
    sharpness: f64,
    /// Only the sharpest `max_kept_frames` entries of the run keep their frame.
    kept: Option<(T, Report)>,
}

/// The auto-capture state machine.
pub(crate) struct AutoCapture<T> {
    config: CaptureConfig,
    run: Vec<Entry<T>>,
    countdown_start: Option<f64>,
    done: bool,
    /// Corner jitter of the newest frame against the run, fraction of the diagonal.
    last_jitter: Option<f64>,
}

/// Largest corner displacement between two quads, as a fraction of `b`'s diagonal.
pub(crate) fn corner_jitter(a: &[Point; 4], b: &[Point; 4]) -> f64 {
    let diag = b[0].dist(b[2]).max(b[1].dist(b[3])).max(1.0);
    a.iter()
        .zip(b.iter())
        .map(|(p, q)| p.dist(*q))
        .fold(0.0, f64::max)
        / diag
}

impl<T> AutoCapture<T> {
    pub(crate) fn new(config: CaptureConfig) -> Self {
        AutoCapture {
            config,
            run: Vec::new(),
            countdown_start: None,
            done: false,
            last_jitter: None,
        }
    }

    /// The timings and tolerances this auto-capture runs with.
    pub(crate) fn config(&self) -> &CaptureConfig {
        &self.config
    }

    /// Forgets everything (after a retake, a new camera, a new document type).
    pub(crate) fn reset(&mut self) {
        self.run.clear();
        self.countdown_start = None;
        self.done = false;
        self.last_jitter = None;
    }

    fn cancel(&mut self) -> Phase {
        self.run.clear();
        self.countdown_start = None;
        Phase::Idle
    }

    /// Feeds one analysed frame, in time order. Returns the phase after it and, exactly once per
    /// capture, the kept frame.
    pub(crate) fn push(
        &mut self,
        time_s: f64,
        report: &Report,
        frame: T,
    ) -> (Phase, Option<Captured<T>>) {
        if self.done {
            return (Phase::Captured, None);
        }
        let corners = match &report.document {
            Some(doc) if report.verdict() == Verdict::Pass => *doc.quad.corners(),
            _ => {
                self.last_jitter = None;
                return (self.cancel(), None);
            }
        };
        // Drop the start of the run up to the last frame whose corners are too far from these.
        let limit = self.config.max_jitter_frac;
        if let Some(last_bad) = self
            .run
            .iter()
            .rposition(|e| corner_jitter(&e.corners, &corners) > limit)
        {
            self.run.drain(..=last_bad);
            self.countdown_start = None;
        }
        self.last_jitter = Some(
            self.run
                .iter()
                .map(|e| corner_jitter(&e.corners, &corners))
                .fold(0.0, f64::max),
        );
        self.run.push(Entry {
            time_s,
            corners,
            sharpness: report.sharpness,
            kept: Some((frame, report.clone())),
        });
        self.limit_kept();

        let held = time_s - self.run[0].time_s;
        let Some(start) = self.countdown_start else {
            if held + 1e-9 >= self.config.stable_window_s {
                self.countdown_start = Some(time_s);
                return (
                    Phase::Countdown {
                        remaining_s: self.config.countdown_s,
                    },
                    None,
                );
            }
            return (
                Phase::Steadying {
                    held_s: held,
                    needed_s: self.config.stable_window_s,
                },
                None,
            );
        };
        let remaining = self.config.countdown_s - (time_s - start);
        if remaining > 1e-9 {
            return (
                Phase::Countdown {
                    remaining_s: remaining,
                },
                None,
            );
        }
        self.done = true;
        let best = self
            .run
            .iter_mut()
            .filter(|e| e.kept.is_some())
            .max_by(|a, b| a.sharpness.total_cmp(&b.sharpness))
            .and_then(|e| e.kept.take().map(|k| (e.time_s, k)));
        self.run.clear();
        self.countdown_start = None;
        let captured = best.map(|(t, (frame, report))| Captured {
            frame,
            report,
            time_s: t,
        });
        (Phase::Captured, captured)
    }

    /// Keeps the frames of only the `max_kept_frames` sharpest entries (ties: the newer one).
    fn limit_kept(&mut self) {
        let kept = self.run.iter().filter(|e| e.kept.is_some()).count();
        if kept <= self.config.max_kept_frames.max(1) {
            return;
        }
        if let Some(worst) = self
            .run
            .iter_mut()
            .filter(|e| e.kept.is_some())
            .min_by(|a, b| a.sharpness.total_cmp(&b.sharpness))
        {
            worst.kept = None;
        }
    }

    /// The live-only `stability` check for the newest frame: value and limit in % of the document
    /// diagonal; not measured while some other check fails.
    pub(crate) fn stability_check(&self) -> Check {
        let limit = 100.0 * self.config.max_jitter_frac;
        match self.last_jitter {
            None => Check::new(CheckId::Stability, false, None, Some(limit))
                .message("Not measured: fix the other checks first.")
                .hint("Hold still"),
            Some(j) => {
                let value = (1000.0 * j).round() / 10.0;
                let held = self
                    .run
                    .first()
                    .zip(self.run.last())
                    .map(|(a, b)| b.time_s - a.time_s)
                    .unwrap_or(0.0);
                let steady_long_enough = held + 1e-9 >= self.config.stable_window_s;
                let pass = j <= self.config.max_jitter_frac && steady_long_enough;
                let c = Check::new(CheckId::Stability, pass, Some(value), Some(limit));
                if steady_long_enough {
                    c.message(format!("Steady for {held:.1} s."))
                        .hint("Hold still")
                } else {
                    c.message(format!(
                        "Hold the document still for {:.1} s.",
                        self.config.stable_window_s
                    ))
                    .hint("Hold still")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
