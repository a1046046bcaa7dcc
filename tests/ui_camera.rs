//! UI tests of the real webcam path without hardware: the `App` driven through egui_kittest with
//! the webcam source on idcap's scripted camera backend (built from a real camera's listing in
//! ../shared/cameras), behind the same watchdog the app uses. What the person sees during a stall,
//! and how the camera's controls are offered.

mod common;

use common::ui::step_until;

#[allow(dead_code)]
#[path = "common/camera_listings.rs"]
mod camera_listings;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use idcap::app::live::SourceState;
use idcap::app::{App, AppOptions};
use idcap::camera::fake::{FakeBackend, FakeCamera, Step};
use idcap::camera::watchdog::{STALL_LIMIT, WatchedSource};
use idcap::camera::webcam::{Wanted, WebcamSource};
use idcap::camera::{ControlKind, FrameSource, SourceFactory};
use idcap::capture::scripted;
use idcap::quality::{Frame, Profile};

/// Small frames keep the fake camera cheap: the C920 offers 640×480 in MJPEG.
const SIZE_LIMIT: [u32; 2] = [640, 480];

fn harness(source: SourceFactory) -> Harness<'static, App> {
    let options = AppOptions {
        injected_source: Some(source),
        assess: Some(Box::new(|_: &Frame, _: &Profile| {
            scripted::report(false, 190.0, 76.0, 1.0)
        })),
        ignore_saved_settings: true,
        ..AppOptions::default()
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| App::new(cc, options))
}

/// The webcam source on `backend` behind the watchdog, as `SourceSpec::Webcam` builds it.
fn watched_webcam(backend: FakeBackend) -> SourceFactory {
    Box::new(move || {
        Box::new(WatchedSource::new(
            Arc::new(move || {
                Box::new(WebcamSource::with_backend(
                    Box::new(backend.clone()),
                    Wanted::First,
                    SIZE_LIMIT,
                )) as Box<dyn FrameSource>
            }),
            STALL_LIMIT,
        )) as Box<dyn FrameSource>
    })
}

/// The C920 of a real listing, its stream following `script`.
fn c920(script: Vec<Step>) -> FakeBackend {
    let listing = camera_listings::load("linux-logitech-c920.txt");
    FakeBackend::new(
        listing
            .nodes
            .iter()
            .map(|n| FakeCamera {
                probe: camera_listings::probe_of(&listing, n),
                controls: n
                    .controls
                    .iter()
                    .map(camera_listings::description_of)
                    .collect(),
                script: script.clone(),
            })
            .collect(),
    )
}

#[test]
fn a_stalled_camera_is_reported_within_the_watchdog_time_and_the_ui_keeps_running() {
    // Twenty frames, then the driver never returns from its read.
    let mut script = vec![Step::Good; 20];
    script.push(Step::Hang);
    let mut h = harness(watched_webcam(c920(script)));
    assert!(step_until(&mut h, 20.0, |app| matches!(
        app.live.state,
        SourceState::Live { .. }
    )));
    assert!(
        h.query_by_label_contains("640×480").is_some(),
        "the status line shows the live camera"
    );
    // Follow the frames until they stop, then time how long the view takes to say so, and how
    // long each UI frame takes meanwhile.
    let mut last_seq = None;
    let mut last_new_frame = Instant::now();
    let mut slowest_step = Duration::ZERO;
    let mut steps = 0;
    let deadline = Instant::now() + STALL_LIMIT * 4;
    let mut said_at = None;
    while Instant::now() < deadline {
        let t0 = Instant::now();
        h.step();
        slowest_step = slowest_step.max(t0.elapsed());
        steps += 1;
        let seq = h.state().live.latest().map(|a| a.frame.seq);
        if seq != last_seq {
            last_seq = seq;
            last_new_frame = Instant::now();
        }
        if h.query_by_label_contains("No frame from the camera for 3 s")
            .is_some()
        {
            said_at = Some(Instant::now());
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let said_at = said_at.expect("the stall is never reported");
    let after = said_at - last_new_frame;
    println!(
        "stall reported {after:?} after the last frame; slowest UI frame {slowest_step:?}; {steps} UI frames"
    );
    assert!(
        after < STALL_LIMIT + Duration::from_millis(1500),
        "said {after:?} after the last frame"
    );
    assert!(
        slowest_step < Duration::from_millis(500),
        "a UI frame took {slowest_step:?} during the stall"
    );
    assert!(steps > 50, "only {steps} UI frames during the stall");
    // Not "Live" any more, but the live view with the last frame (not the "no camera" screen).
    assert!(matches!(h.state().live.state, SourceState::Waiting(_)));
    assert!(h.query_by_label_contains("640×480").is_none());
    assert!(h.query_by_label("No camera").is_none());
    assert_eq!(h.state().live.latest().map(|a| a.frame.seq), last_seq);
    // Still responsive afterwards: the mirror checkbox takes a click.
    h.get_by_label("Mirror the preview").click();
    h.step();
    h.step();
    assert!(h.state().mirror_preview());
}

/// The controls the app shows now.
fn control_value(app: &App, name: &str) -> Option<i64> {
    app.live
        .controls()
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.kind.value())
}

#[test]
fn menus_are_combo_boxes_inactive_controls_are_disabled_and_sets_are_read_back() {
    let mut h = harness(watched_webcam(c920(Vec::new())));
    assert!(step_until(&mut h, 20.0, |app| !app
        .live
        .controls()
        .is_empty()));
    h.step();
    let plf = "Power line frequency";
    assert!(matches!(
        h.state()
            .live
            .controls()
            .iter()
            .find(|c| c.name == plf)
            .map(|c| &c.kind),
        Some(ControlKind::Menu { value: 2, .. })
    ));
    // A combo box showing the camera's entry by name, opening on the named entries.
    let shown = |h: &Harness<'_, App>| {
        h.get_by_role_and_label(Role::ComboBox, plf)
            .accesskit_node()
            .value()
    };
    assert_eq!(shown(&h).as_deref(), Some("60 Hz"));
    h.get_by_role_and_label(Role::ComboBox, plf).click();
    h.step();
    h.step();
    assert!(h.query_by_label("Disabled").is_some());
    h.get_by_label("50 Hz").click();
    // The camera thread sets it and the app shows what the camera reports afterwards.
    assert!(step_until(&mut h, 10.0, |app| control_value(app, plf) == Some(1)));
    h.step();
    assert_eq!(shown(&h).as_deref(), Some("50 Hz"));
    // Exposure time and focus are inactive under auto exposure and autofocus: disabled, and the
    // tooltip says why.
    for (name, why) in [
        ("Exposure time absolute", "while auto exposure is on"),
        ("Focus absolute", "while autofocus is on"),
    ] {
        let info = h
            .state()
            .live
            .controls()
            .iter()
            .find(|c| c.name == name)
            .cloned()
            .unwrap();
        assert!(!info.active, "{name}");
        let node = h.get_by_role_and_label(Role::Slider, name);
        assert!(
            node.accesskit_node().is_disabled(),
            "{name} is not shown disabled"
        );
        node.hover();
        // Tooltips show after the pointer rests a moment (egui's tooltip delay).
        for _ in 0..60 {
            h.step();
        }
        assert!(
            h.query_by_label_contains(why).is_some(),
            "{name}: no tooltip saying {why}"
        );
    }
    // An active control is enabled.
    assert!(
        !h.get_by_label("Focus automatic continuous")
            .accesskit_node()
            .is_disabled()
    );
}
