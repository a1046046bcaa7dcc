//! The machine-readable zone panel (`app::mrz_panel`) in egui_kittest, on a synthetic passport
//! still (needs fonts-ocr-b): the analyzer reads the zone, the panel shows the fields, the name
//! line and a copy button that puts the name on the clipboard. And the live view: the panel shows
//! a zone only once two frames of the document in view read it alike (`quality::mrz::vote`).

mod common;

use common::ui::StillSource;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::ocrb::{self, Degrade, Rng};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idcap::app::mrz_panel::{self, COPY_LABEL};
use idcap::app::{App, AppOptions};
use idcap::camera;
use idcap::camera::mrz_specimen::UTOPIA_TD1;
use idcap::capture::scripted;
use idcap::quality::mrz::{CalendarDate, MrzFormat, MrzReport, fields};
use idcap::quality::{Analyzer, DocChoice, Frame, MrzSeen, Point, Preset, Profile};

#[test]
fn a_passport_still_shows_its_fields_and_copies_the_name() {
    let font = ocrb::load_font();
    let mut rng = Rng(0x5549_4d52_5a01);
    let degrade = Degrade {
        max_blur: 0.6,
        ..Degrade::default()
    };
    let s = ocrb::scene(
        &font,
        &mut rng,
        MrzFormat::Td3,
        (1600, 1200),
        0.75,
        &degrade,
    );
    let profile = Profile {
        today: CalendarDate::new(2026, 12, 4),
        ..Preset::Standard.profile(DocChoice::Passport)
    };
    let report = Analyzer::new().assess(&s.frame, &profile);
    let zone = report.mrz.expect("the zone is seen").report;
    assert!(zone.valid, "{:?}", zone.unreadable);
    assert_eq!(zone.lines, s.zone, "read exactly");
    let fields = zone.fields.clone().expect("fields");
    let name = format!("{} {}", fields.surname, fields.given_names);

    let panel_zone = zone.clone();
    let mut h = Harness::new_ui(move |ui| mrz_panel::ui(ui, &panel_zone));
    h.run();
    assert!(
        h.query_by_label_contains(&format!("Enter your name exactly as: {name}"))
            .is_some()
    );
    for value in [&fields.document_number, &fields.nationality] {
        assert!(h.query_by_label(value).is_some(), "{value} shown");
    }
    let expiry = fields.expiry_date.expect("a calendar date").to_string();
    assert!(h.query_by_label(&expiry).is_some());
    h.get_by_label(COPY_LABEL).click();
    // One frame: the click is handled and the copy is in that frame's output.
    h.step();
    let copied = h
        .output()
        .platform_output
        .commands
        .iter()
        .any(|c| matches!(c, egui::OutputCommand::CopyText(t) if *t == name));
    assert!(copied, "the copy button puts the name on the clipboard");
}

/// Steps the UI until `cond` holds (at most 30 s of wall time), then once more so the panel is
/// drawn; returns whether it held.
fn step_until(h: &mut Harness<'_, App>, cond: impl Fn(&App) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && !cond(h.state()) {
        h.step();
        std::thread::sleep(Duration::from_millis(1));
    }
    h.step();
    cond(h.state())
}

#[test]
fn the_live_view_shows_a_zone_only_once_two_frames_read_it_alike() {
    let today = CalendarDate::new(2026, 12, 4).expect("a date");
    let lines: Vec<String> = UTOPIA_TD1.map(str::to_string).to_vec();
    let zone = MrzReport {
        format: MrzFormat::Td1,
        fields: fields::parse(MrzFormat::Td1, &lines, today),
        lines,
        valid: true,
        expired: Some(true),
        days_to_expiry: Some(-5346),
        unreadable: None,
    };
    // How many more frames may be read afresh; every other frame carries the reading.
    let fresh_reads = Arc::new(AtomicUsize::new(1));
    let budget = Arc::clone(&fresh_reads);
    let assess = move |_: &Frame, _: &Profile| {
        // `focus` fails so the auto-capture never takes the view away.
        let mut report = scripted::report(false, 190.0, 76.0, 1.0);
        let fresh = budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        report.mrz = Some(MrzSeen {
            report: zone.clone(),
            band: Some([
                Point::new(200.0, 520.0),
                Point::new(1080.0, 520.0),
                Point::new(1080.0, 630.0),
                Point::new(200.0, 630.0),
            ]),
            fresh,
        });
        report
    };
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    injected_source: Some(camera::ready(StillSource::blank())),
                    assess: Some(Box::new(assess)),
                    lockstep: true,
                    ignore_saved_settings: true,
                    ..AppOptions::default()
                },
            )
        });
    let name = "Enter your name exactly as: ERIKSSON ANNA MARIA";
    // One fresh reading and several carried ones: not shown yet.
    assert!(step_until(&mut h, |app| app
        .live
        .latest()
        .is_some_and(|a| a.frame.seq >= 4)));
    assert!(h.state().live.shown_zone().is_none());
    assert!(h.query_by_label_contains(name).is_none());
    // A second frame reads the same lines: the panel shows the fields and the name.
    fresh_reads.store(1, Ordering::SeqCst);
    assert!(step_until(&mut h, |app| app.live.shown_zone().is_some()));
    assert!(h.query_by_label_contains(name).is_some());
    assert!(
        h.query_by_label("D23145890").is_some(),
        "the document number"
    );
}
