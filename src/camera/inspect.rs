//! What `idcap cameras` reports: every node a backend lists (formats merged and sorted, controls,
//! the format idcap would choose and why, or why the node is skipped), and `--test`: a few
//! seconds of streaming with counts, rates, latency, analysis time and a one-line verdict.
//!
//! Decides the report's fields (JSON field names are a public contract: add, never rename) and
//! the verdict rules. The test streams on its own thread and is never joined while a camera
//! hangs: after `hang_limit` without news it reports the hang and abandons the thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::backend::CameraBackend;
use super::device::{CameraDevice, classify};
use super::format::{FormatChoice, MIN_FPS, effective_fps, merge_formats};
use super::webcam::{Wanted, WebcamSource};
use super::{ControlInfo, ControlKind, FrameSource};
use crate::quality::Frame;

/// One size of one pixel format.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct SizeEntry {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Frame rates, fastest first (29.97 shown as 29.97).
    pub(crate) fps: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct FormatEntry {
    /// "MJPEG", "YUYV", "NV12", "GRAY", "RAWRGB", "RAWBGR".
    pub(crate) format: String,
    /// Largest first.
    pub(crate) sizes: Vec<SizeEntry>,
}

/// The format, size and frame rate idcap would request (in `cameras --json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChoiceEntry {
    pub(crate) format: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) fps: f64,
    /// "MJPEG 1280×720 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps".
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct ControlEntry {
    pub(crate) id: u64,
    pub(crate) name: String,
    /// "range", "toggle", "choice", "menu".
    pub(crate) kind: String,
    pub(crate) value: i64,
    pub(crate) active: bool,
    /// Ranges only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max: Option<i64>,
    /// Menus and choices: "value: label" entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) options: Vec<String>,
}

/// One node as `idcap cameras` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CameraEntry {
    /// Stable id (name@bus); what `--test ID` and the app's settings take.
    pub(crate) id: String,
    pub(crate) name: String,
    /// The node's device path (`/dev/video0` on Linux).
    pub path: String,
    pub(crate) usable: bool,
    /// Why a node is not offered (metadata, infrared, no decodable format).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// What idcap would request, or `None` when the node is skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<ChoiceEntry>,
    pub(crate) formats: Vec<FormatEntry>,
    /// Pixel formats listed that idcap cannot decode ("H264").
    pub(crate) other_formats: Vec<String>,
    pub(crate) controls: Vec<ControlEntry>,
}

fn choice_entry(c: &FormatChoice) -> ChoiceEntry {
    ChoiceEntry {
        format: c.format.format().to_string(),
        width: c.format.width(),
        height: c.format.height(),
        fps: round2(effective_fps(c.format.frame_rate())),
        reason: c.reason.clone(),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn control_entry(c: &ControlInfo) -> ControlEntry {
    let (kind, min, max, options) = match &c.kind {
        ControlKind::Range { min, max, .. } => ("range", Some(*min), Some(*max), Vec::new()),
        ControlKind::Toggle { .. } => ("toggle", None, None, Vec::new()),
        ControlKind::Choice { options, .. } => (
            "choice",
            None,
            None,
            options.iter().map(ToString::to_string).collect(),
        ),
        ControlKind::Menu { options, .. } => (
            "menu",
            None,
            None,
            options
                .iter()
                .map(|o| format!("{}: {}", o.value, o.label))
                .collect(),
        ),
    };
    ControlEntry {
        id: c.id,
        name: c.name.clone(),
        kind: kind.to_string(),
        value: c.kind.value(),
        active: c.active,
        min,
        max,
        options,
    }
}

fn entry(d: &CameraDevice, controls: &[ControlInfo]) -> CameraEntry {
    CameraEntry {
        id: d.id.clone(),
        name: d.probe.name.clone(),
        path: d.probe.path.clone(),
        usable: d.is_usable(),
        skipped: d.skip_reason().map(str::to_string),
        choice: d.choice().map(choice_entry),
        formats: merge_formats(&d.probe.formats)
            .into_iter()
            .map(|g| FormatEntry {
                format: g.format.to_string(),
                sizes: g
                    .sizes
                    .into_iter()
                    .map(|(width, height, rates)| SizeEntry {
                        width,
                        height,
                        fps: rates
                            .into_iter()
                            .map(|r| round2(effective_fps(r)))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
        other_formats: d.probe.other_formats.clone(),
        controls: controls.iter().map(control_entry).collect(),
    }
}

/// Every node the backend lists, usable first, with controls of the usable ones. `Err` carries
/// the message the app shows when there is no camera at all (or the listing failed).
pub fn list_cameras(
    backend: &mut dyn CameraBackend,
    limit: [u32; 2],
) -> Result<Vec<CameraEntry>, String> {
    let probes = backend.probe()?;
    if probes.is_empty() {
        return Err("No camera found.".to_string());
    }
    Ok(classify(probes, limit)
        .iter()
        .map(|d| {
            let controls = if d.is_usable() {
                backend.node_controls(&d.probe)
            } else {
                Vec::new()
            };
            entry(d, &controls)
        })
        .collect())
}

/// `idcap cameras` as text.
pub fn render_list(cameras: &[CameraEntry]) -> String {
    let mut out = String::new();
    for c in cameras {
        out.push_str(&format!("{}  ({})\n  id: {}\n", c.name, c.path, c.id));
        match (&c.choice, &c.skipped) {
            (Some(choice), _) => out.push_str(&format!("  idcap uses: {}\n", choice.reason)),
            (None, Some(why)) => out.push_str(&format!("  skipped: {why}\n")),
            (None, None) => {}
        }
        for f in &c.formats {
            let sizes: Vec<String> = f
                .sizes
                .iter()
                .map(|s| {
                    let rates: Vec<String> = s.fps.iter().map(ToString::to_string).collect();
                    format!("{}×{} @ {}", s.width, s.height, rates.join("/"))
                })
                .collect();
            out.push_str(&format!("  {:<6} {}\n", f.format, sizes.join(", ")));
        }
        if !c.other_formats.is_empty() {
            out.push_str(&format!("  not decoded: {}\n", c.other_formats.join(", ")));
        }
        for k in &c.controls {
            let detail = match (k.min, k.max) {
                (Some(min), Some(max)) => format!("{min}…{max}"),
                _ => k.options.join(", "),
            };
            let inactive = if k.active { "" } else { " (inactive)" };
            let detail = if k.kind == "toggle" {
                " (on/off)".to_string()
            } else {
                format!(" [{detail}]")
            };
            out.push_str(&format!(
                "  control {}: {}{detail}{inactive}\n",
                k.name, k.value
            ));
        }
        out.push('\n');
    }
    out
}

/// What `idcap cameras --test` measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct TestReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    /// The format requested, as in the listing's `choice.reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) format: Option<String>,
    /// Seconds the stream was watched.
    pub(crate) seconds: f64,
    pub(crate) frames: u64,
    /// Frames per second received.
    pub(crate) fps: f64,
    /// Buffers that did not decode (skipped).
    pub(crate) decode_failures: u64,
    /// Milliseconds from asking to open to the first frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_frame_ms: Option<f64>,
    /// Mean analysis time per frame, milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) analysis_ms: Option<f64>,
    /// True when the camera works for idcap.
    pub(crate) works: bool,
    /// "works", or what failed and what to try.
    pub(crate) verdict: String,
}

enum Event {
    Opened {
        id: String,
        name: String,
        format: String,
    },
    Frame {
        analysis_ms: f64,
    },
    Failed(String),
    Done {
        decode_failures: u64,
    },
}

/// What to try when a camera opens but sends nothing.
const HANG_ADVICE: &str = "try another USB port or cable, close other apps that use the camera \
                           (video calls, browser tabs), then unplug and replug it";

/// Streams the camera `id` (or the first usable one) for `duration`, analysing each frame with
/// `analyse`. Gives up after `hang_limit` without a frame (the stuck thread is left behind, never
/// waited for), so a hanging camera is reported within `hang_limit` plus the opening time.
pub(crate) fn test_camera(
    backend: Box<dyn CameraBackend>,
    id: Option<String>,
    limit: [u32; 2],
    duration: Duration,
    hang_limit: Duration,
    mut analyse: Box<dyn FnMut(&Frame) + Send>,
) -> TestReport {
    let (tx, rx) = crossbeam_channel::unbounded();
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let wanted = id.clone().map_or(Wanted::First, Wanted::Id);
    let start = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("camera-test".into())
        .spawn(move || {
            super::platform::prepare_thread();
            let mut src = WebcamSource::with_backend(backend, wanted, limit);
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                stream_for_test(&mut src, &tx, &thread_stop, analyse.as_mut())
            }));
            let decode_failures = run.unwrap_or(0);
            let _ = tx.send(Event::Done { decode_failures });
        });
    let mut report = TestReport {
        id,
        name: None,
        format: None,
        seconds: 0.0,
        frames: 0,
        fps: 0.0,
        decode_failures: 0,
        first_frame_ms: None,
        analysis_ms: None,
        works: false,
        verdict: String::new(),
    };
    if let Err(e) = spawned {
        report.verdict = format!("cannot start the camera thread: {e}");
        return report;
    }
    let mut analysis_total = 0.0;
    let mut failure: Option<String> = None;
    let mut first_at: Option<Instant> = None;
    let mut hung = false;
    let mut last_event = start;
    loop {
        // Until the first frame, the hang limit covers opening too.
        let deadline = match first_at {
            Some(t) => t + duration,
            None => start + hang_limit,
        };
        let now = Instant::now();
        if now >= deadline {
            hung = first_at.is_none();
            break;
        }
        let quiet_left = hang_limit.saturating_sub(last_event.elapsed());
        match rx.recv_timeout((deadline - now).min(quiet_left)) {
            Ok(event) => {
                last_event = Instant::now();
                match event {
                    Event::Opened { id, name, format } => {
                        report.id = Some(id);
                        report.name = Some(name);
                        report.format = Some(format);
                    }
                    Event::Frame { analysis_ms } => {
                        if first_at.is_none() {
                            first_at = Some(last_event);
                            report.first_frame_ms = Some(start.elapsed().as_secs_f64() * 1e3);
                        }
                        report.frames += 1;
                        analysis_total += analysis_ms;
                    }
                    Event::Failed(msg) => {
                        failure = Some(msg);
                        break;
                    }
                    Event::Done { decode_failures } => {
                        report.decode_failures = decode_failures;
                        break;
                    }
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if last_event.elapsed() >= hang_limit {
                    hung = true;
                    break;
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
    }
    stop.store(true, Ordering::Relaxed);
    if !hung {
        // The thread stops after the frame it is reading; its last counts arrive with Done.
        if let Ok(Event::Done { decode_failures }) = wait_done(&rx, hang_limit) {
            report.decode_failures = decode_failures;
        }
    }
    let watched = first_at.map_or(0.0, |t| {
        t.elapsed().as_secs_f64().min(duration.as_secs_f64())
    });
    report.seconds = round2(watched);
    if watched > 0.0 {
        report.fps = round2(report.frames as f64 / watched);
    }
    if report.frames > 0 {
        report.analysis_ms = Some(round2(analysis_total / report.frames as f64));
    }
    (report.works, report.verdict) = verdict(&report, failure.as_deref(), hung, hang_limit);
    report
}

/// The test's camera thread: frames until stopped or failed, each analysed and reported.
/// Returns the count of buffers that did not decode.
fn stream_for_test(
    src: &mut WebcamSource,
    tx: &crossbeam_channel::Sender<Event>,
    stop: &AtomicBool,
    analyse: &mut (dyn FnMut(&Frame) + Send),
) -> u64 {
    let mut opened = false;
    while !stop.load(Ordering::Relaxed) {
        match src.next_frame() {
            Ok(frame) => {
                if !opened {
                    opened = true;
                    let (id, format) = src.opened().map_or_else(
                        || (String::new(), String::new()),
                        |d| {
                            let format = d.choice().map(|c| c.reason.clone());
                            (d.id.clone(), format.unwrap_or_default())
                        },
                    );
                    let _ = tx.send(Event::Opened {
                        id,
                        name: src.name(),
                        format,
                    });
                }
                let t0 = Instant::now();
                analyse(&frame.image);
                let analysis_ms = t0.elapsed().as_secs_f64() * 1e3;
                let _ = tx.send(Event::Frame { analysis_ms });
            }
            Err(e) => {
                let _ = tx.send(Event::Failed(e.to_string()));
                break;
            }
        }
    }
    src.decode_failures()
}

fn wait_done(rx: &crossbeam_channel::Receiver<Event>, limit: Duration) -> Result<Event, ()> {
    let until = Instant::now() + limit;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e @ Event::Done { .. }) => return Ok(e),
            Ok(_) => continue,
            Err(_) => return Err(()),
        }
    }
}

/// The one-line verdict and whether the camera works.
fn verdict(
    r: &TestReport,
    failure: Option<&str>,
    hung: bool,
    hang_limit: Duration,
) -> (bool, String) {
    if hung {
        let secs = round2(hang_limit.as_secs_f64());
        return if r.frames == 0 {
            (
                false,
                format!("no frame within {secs} s: the camera hangs; {HANG_ADVICE}"),
            )
        } else {
            (
                false,
                format!("the camera stopped sending frames for {secs} s; {HANG_ADVICE}"),
            )
        };
    }
    if r.frames == 0 {
        let why = failure.unwrap_or("the camera sent no frame");
        return (
            false,
            format!(
                "{why} Close other apps that use the camera, check the system's camera permission \
                 for idcap, or try another USB port."
            ),
        );
    }
    if r.decode_failures > r.frames {
        return (
            false,
            format!(
                "more corrupt frames ({}) than good ones ({}): try another USB port or cable",
                r.decode_failures, r.frames
            ),
        );
    }
    if r.seconds >= 1.0 && r.fps < MIN_FPS / 2.0 {
        return (
            true,
            format!(
                "works, but slowly ({} fps): in dim light webcams lower their frame rate; add light, \
                 or try another USB port",
                r.fps
            ),
        );
    }
    (true, "works".to_string())
}

/// `idcap cameras --test` as text.
pub(crate) fn render_test(r: &TestReport) -> String {
    let mut out = String::new();
    if let (Some(name), Some(id)) = (&r.name, &r.id) {
        out.push_str(&format!("{name}  (id: {id})\n"));
    }
    if let Some(f) = &r.format {
        out.push_str(&format!("format: {f}\n"));
    }
    out.push_str(&format!(
        "frames: {} in {} s ({} fps), decode failures: {}\n",
        r.frames, r.seconds, r.fps, r.decode_failures
    ));
    if let Some(ms) = r.first_frame_ms {
        out.push_str(&format!("first frame after {ms:.0} ms\n"));
    }
    if let Some(ms) = r.analysis_ms {
        out.push_str(&format!("analysis: {ms:.1} ms per frame\n"));
    }
    out.push_str(&format!("verdict: {}\n", r.verdict));
    out
}

#[cfg(test)]
mod tests {
    use nokhwa::utils::{CameraFormat, FrameFormat, Resolution};

    use super::*;
    use crate::camera::controls::{ControlDescription, DescriptionKind};
    use crate::camera::device::NodeProbe;
    use crate::camera::fake::{FakeBackend, FakeCamera, Step};

    fn cams(script: Vec<Step>) -> Vec<FakeCamera> {
        let f = |w, h, fps| CameraFormat::new(Resolution::new(w, h), FrameFormat::MJPEG, fps);
        vec![
            FakeCamera {
                probe: NodeProbe {
                    index: 0,
                    name: "Cam".into(),
                    path: "/dev/video0".into(),
                    bus: "usb-1".into(),
                    captures_video: Some(true),
                    formats: vec![
                        f(64, 48, 30),
                        f(64, 48, 15),
                        f(64, 48, 30),
                        f(32, 24, 30000),
                    ],
                    other_formats: vec!["H264".into()],
                },
                controls: vec![ControlDescription {
                    id: 9,
                    name: "focus_absolute".into(),
                    kind: DescriptionKind::Integer {
                        min: 0,
                        max: 250,
                        step: 5,
                    },
                    value: 0,
                    inactive: true,
                }],
                script,
            },
            FakeCamera {
                probe: NodeProbe {
                    index: 1,
                    name: "Cam".into(),
                    path: "/dev/video1".into(),
                    bus: "usb-1".into(),
                    captures_video: Some(false),
                    formats: Vec::new(),
                    other_formats: Vec::new(),
                },
                controls: Vec::new(),
                script: Vec::new(),
            },
        ]
    }

    #[test]
    fn the_list_merges_formats_and_shows_skipped_nodes() {
        let mut backend = FakeBackend::new(cams(vec![]));
        let list = list_cameras(&mut backend, [1920, 1080]).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, "Cam@usb-1");
        assert_eq!(
            list[0].formats[0].sizes,
            vec![
                SizeEntry {
                    width: 64,
                    height: 48,
                    fps: vec![30.0, 15.0]
                },
                SizeEntry {
                    width: 32,
                    height: 24,
                    fps: vec![29.97]
                },
            ]
        );
        assert_eq!(list[0].controls[0].kind, "range");
        assert!(!list[0].controls[0].active);
        assert_eq!(
            list[1].skipped.as_deref(),
            Some("metadata node: it cannot capture video")
        );
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(
            json[0]["choice"]["reason"],
            "MJPEG 64×48 @ 30 fps: largest ≤ 1920×1080 with ≥ 15 fps"
        );
        assert_eq!(json[1]["usable"], false);
        let text = render_list(&list);
        assert!(text.contains("idcap uses: MJPEG 64×48 @ 30 fps"), "{text}");
        assert!(
            text.contains("MJPEG  64×48 @ 30/15, 32×24 @ 29.97"),
            "{text}"
        );
        assert!(text.contains("not decoded: H264"), "{text}");
        assert!(
            text.contains("control Focus absolute: 0 [0…250] (inactive)"),
            "{text}"
        );
        assert!(text.contains("skipped: metadata node"), "{text}");
        assert_eq!(
            list_cameras(&mut FakeBackend::new(vec![]), [1920, 1080]).unwrap_err(),
            "No camera found."
        );
    }

    fn run(script: Vec<Step>, hang: Duration) -> (TestReport, Duration) {
        let t0 = Instant::now();
        let report = test_camera(
            Box::new(FakeBackend::new(cams(script))),
            None,
            [1920, 1080],
            Duration::from_millis(400),
            hang,
            Box::new(|_: &Frame| {}),
        );
        (report, t0.elapsed())
    }

    #[test]
    fn a_working_camera_reports_frames_and_works() {
        let (r, _) = run(vec![Step::Corrupt], Duration::from_secs(3));
        assert!(r.works, "{r:?}");
        assert_eq!(r.verdict, "works");
        assert!(r.frames > 5, "{r:?}");
        assert_eq!(r.decode_failures, 1);
        assert_eq!(r.id.as_deref(), Some("Cam@usb-1"));
        assert!(r.first_frame_ms.is_some() && r.analysis_ms.is_some());
        assert!(render_test(&r).contains("verdict: works"));
    }

    #[test]
    fn a_hanging_camera_is_reported_without_waiting_for_it() {
        let (r, took) = run(vec![Step::Hang], Duration::from_millis(500));
        assert!(!r.works);
        assert!(
            r.verdict
                .starts_with("no frame within 0.5 s: the camera hangs"),
            "{}",
            r.verdict
        );
        assert!(took < Duration::from_secs(2), "{took:?}");
        // Hanging after some frames.
        let mut script = vec![Step::Good; 3];
        script.push(Step::Hang);
        let (r, took) = run(script, Duration::from_millis(300));
        assert_eq!(r.frames, 3);
        assert!(
            r.verdict.starts_with("the camera stopped sending frames"),
            "{}",
            r.verdict
        );
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn corrupt_streams_and_missing_cameras_say_what_to_try() {
        let n = crate::camera::frames::MAX_CONSECUTIVE_DECODE_FAILURES as usize;
        let (r, _) = run(vec![Step::Corrupt; n], Duration::from_secs(3));
        assert!(!r.works);
        assert!(r.verdict.contains("could not be read"), "{}", r.verdict);
        assert!(r.verdict.contains("another USB port"), "{}", r.verdict);
        let r = test_camera(
            Box::new(FakeBackend::new(vec![])),
            Some("Gone@usb-3".into()),
            [1920, 1080],
            Duration::from_millis(200),
            Duration::from_secs(1),
            Box::new(|_: &Frame| {}),
        );
        assert!(r.verdict.starts_with("No camera found."), "{}", r.verdict);
    }
}
