//! Unit tests of the auto-capture state machine, with scripted reports.

use super::scripted::{no_document, report};
use super::*;

const DT: f64 = 1.0 / 30.0;

fn machine() -> AutoCapture<u32> {
    AutoCapture::new(CaptureConfig::default())
}

/// Feeds `n` passing frames at 30 fps from frame index `start`, the card at `pos(i)`.
fn feed(
    ac: &mut AutoCapture<u32>,
    start: u32,
    n: u32,
    pos: impl Fn(u32) -> (f64, f64),
    sharp: impl Fn(u32) -> f64,
) -> Vec<(Phase, Option<Captured<u32>>)> {
    (start..start + n)
        .map(|i| {
            let (x, y) = pos(i);
            ac.push(f64::from(i) * DT, &report(true, x, y, sharp(i)), i)
        })
        .collect()
}

#[test]
fn steady_passing_frames_count_down_then_capture() {
    let mut ac = machine();
    let out = feed(&mut ac, 0, 90, |_| (190.0, 76.0), |_| 5.0);
    // 0.3 s at 30 fps: frame 9 starts the countdown.
    assert!(matches!(out[0].0, Phase::Steadying { .. }));
    assert!(matches!(out[8].0, Phase::Steadying { .. }));
    assert!(
        matches!(out[9].0, Phase::Countdown { remaining_s } if (remaining_s - 1.5).abs() < 1e-9)
    );
    // 1.5 s later (45 frames): captured, exactly once.
    let first = out.iter().position(|(_, c)| c.is_some()).expect("captured");
    assert_eq!(first, 54);
    assert_eq!(out[first].0, Phase::Captured);
    assert_eq!(out.iter().filter(|(_, c)| c.is_some()).count(), 1);
    assert!(out[first + 1..].iter().all(|(p, _)| *p == Phase::Captured));
}

#[test]
fn countdown_is_monotonic() {
    let mut ac = machine();
    let out = feed(&mut ac, 0, 54, |_| (190.0, 76.0), |_| 5.0);
    let remaining: Vec<f64> = out
        .iter()
        .filter_map(|(p, _)| match p {
            Phase::Countdown { remaining_s } => Some(*remaining_s),
            _ => None,
        })
        .collect();
    assert_eq!(remaining.len(), 45);
    assert!(remaining.windows(2).all(|w| w[1] < w[0]));
}

#[test]
fn jittery_corners_never_capture() {
    let mut ac = machine();
    // The card shakes by ±8 px (≈ 0.8 % of its 1066 px diagonal) every frame.
    let out = feed(
        &mut ac,
        0,
        300,
        |i| (190.0 + if i.is_multiple_of(2) { 8.0 } else { -8.0 }, 76.0),
        |_| 5.0,
    );
    assert!(out.iter().all(|(_, c)| c.is_none()));
    assert!(
        out.iter()
            .all(|(p, _)| !matches!(p, Phase::Countdown { .. } | Phase::Captured))
    );
    assert!(!ac.stability_check().pass);
}

#[test]
fn sub_limit_tremor_still_captures() {
    let mut ac = machine();
    // ±2 px on a 1066 px diagonal: 0.4 % peak to peak, under the 0.5 % limit.
    let out = feed(
        &mut ac,
        0,
        90,
        |i| (190.0 + if i.is_multiple_of(2) { 2.0 } else { -2.0 }, 76.0),
        |_| 5.0,
    );
    assert!(out.iter().any(|(_, c)| c.is_some()));
}

#[test]
fn slow_drift_restarts_the_stable_window() {
    let mut ac = machine();
    // 2 px per frame: after 3 frames the first corners are 6 px (0.56 %) away.
    let out = feed(
        &mut ac,
        0,
        120,
        |i| (100.0 + 2.0 * f64::from(i), 76.0),
        |_| 5.0,
    );
    assert!(out.iter().all(|(_, c)| c.is_none()));
}

#[test]
fn any_failure_cancels_the_countdown() {
    let mut ac = machine();
    let out = feed(&mut ac, 0, 30, |_| (190.0, 76.0), |_| 5.0);
    assert!(matches!(out[29].0, Phase::Countdown { .. }));
    let (phase, cap) = ac.push(30.0 * DT, &report(false, 190.0, 76.0, 5.0), 30);
    assert_eq!(phase, Phase::Idle);
    assert!(cap.is_none());
    assert!(!ac.stability_check().pass);
    // It starts over: a full stable window is needed again.
    let out = feed(&mut ac, 31, 9, |_| (190.0, 76.0), |_| 5.0);
    assert!(
        out.iter()
            .all(|(p, _)| matches!(p, Phase::Steadying { .. }))
    );
    let (phase, _) = ac.push(40.0 * DT, &report(true, 190.0, 76.0, 5.0), 40);
    assert!(matches!(phase, Phase::Countdown { .. }));
}

#[test]
fn losing_the_document_cancels() {
    let mut ac = machine();
    feed(&mut ac, 0, 20, |_| (190.0, 76.0), |_| 5.0);
    let (phase, _) = ac.push(20.0 * DT, &no_document(), 20);
    assert_eq!(phase, Phase::Idle);
}

#[test]
fn a_jump_during_countdown_cancels_it() {
    let mut ac = machine();
    feed(&mut ac, 0, 20, |_| (190.0, 76.0), |_| 5.0);
    let (phase, _) = ac.push(20.0 * DT, &report(true, 230.0, 76.0, 5.0), 20);
    assert!(matches!(phase, Phase::Steadying { .. }));
}

#[test]
fn keeps_the_sharpest_frame_of_the_run() {
    let mut ac = machine();
    // Sharpness peaks at frame 17; frames are labelled by index.
    let out = feed(
        &mut ac,
        0,
        60,
        |_| (190.0, 76.0),
        |i| 10.0 - (f64::from(i) - 17.0).abs() * 0.1,
    );
    let cap = out.into_iter().find_map(|(_, c)| c).expect("captured");
    assert_eq!(cap.frame, 17);
    assert!((cap.time_s - 17.0 * DT).abs() < 1e-9);
    assert!((cap.report.sharpness - 10.0).abs() < 1e-9);
}

#[test]
fn sharpest_frame_survives_the_kept_frame_limit() {
    let mut ac = AutoCapture::new(CaptureConfig {
        max_kept_frames: 2,
        ..CaptureConfig::default()
    });
    let out = feed(
        &mut ac,
        0,
        60,
        |_| (190.0, 76.0),
        |i| if i == 3 { 50.0 } else { f64::from(i % 7) },
    );
    let cap = out.into_iter().find_map(|(_, c)| c).expect("captured");
    assert_eq!(cap.frame, 3);
    let held = ac.run.iter().filter(|e| e.kept.is_some()).count();
    assert_eq!(held, 0, "the run is released after a capture");
}

#[test]
fn frames_before_a_jump_are_not_kept() {
    let mut ac = machine();
    // A very sharp frame at another position, then a stable run elsewhere.
    ac.push(0.0, &report(true, 100.0, 76.0, 99.0), 0);
    let out = feed(&mut ac, 1, 60, |_| (190.0, 76.0), |_| 5.0);
    let cap = out.into_iter().find_map(|(_, c)| c).expect("captured");
    assert_ne!(cap.frame, 0);
}

#[test]
fn reset_allows_a_new_capture() {
    let mut ac = machine();
    let out = feed(&mut ac, 0, 60, |_| (190.0, 76.0), |_| 5.0);
    assert!(out.iter().any(|(_, c)| c.is_some()));
    ac.reset();
    let out = feed(&mut ac, 60, 60, |_| (190.0, 76.0), |_| 5.0);
    assert!(out.iter().any(|(_, c)| c.is_some()));
}

#[test]
fn stability_check_reports_jitter_in_percent() {
    let mut ac = machine();
    feed(&mut ac, 0, 12, |_| (190.0, 76.0), |_| 5.0);
    let c = ac.stability_check();
    assert!(c.pass);
    assert_eq!(c.value, Some(0.0));
    assert_eq!(c.limit, Some(0.5));
    assert_eq!(c.id, CheckId::Stability);
}
