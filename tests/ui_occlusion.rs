//! The `occlusion` check in the live view (egui_kittest, no display): the demo camera's frame with
//! its thumb over the back of the card, fed over and over as a still camera would, analysed by the
//! real `Analyzer`. The thumb must fail `occlusion`, its hint must be the one the live view shows,
//! and the covered region must be drawn over the picture.

mod common;

use common::ui::StillSource;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idcap::app::{App, AppOptions};
use idcap::camera;
use idcap::camera::demo::DemoCamera;
use idcap::camera::demo_thumb::THUMB_WINDOW_S;
use idcap::quality::CheckId;

/// The overlay's colour for covered regions (`app::style::OCCLUSION`, crate-private).
const OCCLUSION_STROKE: egui::Color32 = egui::Color32::from_rgb(255, 150, 0);

/// Rectangles stroked in `color` among `shapes`, nested ones included.
fn stroked_rects(shapes: &[egui::Shape], color: egui::Color32) -> usize {
    shapes
        .iter()
        .map(|s| match s {
            egui::Shape::Rect(r) => usize::from(r.stroke.color == color && r.stroke.width > 0.0),
            egui::Shape::Vec(v) => stroked_rects(v, color),
            _ => 0,
        })
        .sum()
}

#[test]
fn the_demo_thumb_is_the_main_hint_and_its_region_is_drawn() {
    // The middle of the thumb's window: it reaches its full depth over the card's bottom edge.
    let t = (THUMB_WINDOW_S.0 + THUMB_WINDOW_S.1) / 2.0;
    let image = Arc::new(DemoCamera::new(30.0, false).frame_at(t));
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    injected_source: Some(camera::ready(StillSource::showing(image))),
                    lockstep: true,
                    ignore_saved_settings: true,
                    ..AppOptions::default()
                },
            )
        });
    // A few analysed frames, so the stream analyzer tracks the card as it would live.
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        h.step();
        if h.state().live.latest().is_some_and(|a| a.frame.seq >= 5) {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    h.step();
    let report = h.state().live.latest().expect("analysed").report.clone();
    assert!(
        report.document.is_some(),
        "the card is found under the thumb"
    );
    assert!(!report.passes(CheckId::Occlusion), "the thumb is a cover");
    assert!(
        !report.occlusion_regions.is_empty(),
        "with a covered region"
    );

    let hint = "Move your fingers off the card";
    assert_eq!(h.state().live.guidance(), hint, "the main hint");
    assert!(
        h.query_all_by_label(hint).count() >= 1,
        "the guidance line shows the hint"
    );
    let shapes: Vec<egui::Shape> = h.output().shapes.iter().map(|c| c.shape.clone()).collect();
    assert!(
        stroked_rects(&shapes, OCCLUSION_STROKE) >= 1,
        "the covered region is outlined over the picture"
    );
}
