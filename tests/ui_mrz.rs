//! The machine-readable zone panel (`app::mrz_panel`) in egui_kittest, on a synthetic passport
//! still (needs fonts-ocr-b): the analyzer reads the zone, the panel shows the fields, the name
//! line and a copy button that puts the name on the clipboard.

mod common;

use common::ocrb::{self, Degrade, Rng};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idcap::app::mrz_panel::{self, COPY_LABEL};
use idcap::quality::mrz::{CalendarDate, MrzFormat};
use idcap::quality::{Analyzer, DocChoice, Preset, Profile};

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
