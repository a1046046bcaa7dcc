//! The machine-readable zone panel: what the zone says, shown to the person it belongs to.
//!
//! Decides how a read zone is shown: the name as printed on the document, its number, the dates and
//! the nationality; one line "Enter your name exactly as: SURNAME GIVEN" with a copy button (KYC
//! portals reject a name typed differently from the document's romanisation); or why the zone
//! could not be read. The text appears only here and in the JSON the person asks for, never in a
//! log.

use egui::{RichText, Ui};

use super::style;
use crate::quality::mrz::{CalendarDate, MrzReport};

/// The copy button's label.
pub const COPY_LABEL: &str = "Copy name";

/// The name the way a portal expects it typed: surname, then given names, as the zone spells them.
pub fn name_as_printed(zone: &MrzReport) -> Option<String> {
    let f = zone.fields.as_ref()?;
    let name = format!("{} {}", f.surname.trim(), f.given_names.trim());
    let name = name.trim().to_string();
    (!name.is_empty()).then_some(name)
}

/// Shows `zone`. The copy button puts the name on the clipboard (`ctx.copy_text`).
pub fn ui(ui: &mut Ui, zone: &MrzReport) {
    ui.label(RichText::new(format!("Machine-readable zone ({})", zone.format.as_str())).strong());
    let fields = zone.fields.as_ref().filter(|_| zone.valid);
    let Some(f) = fields else {
        let why = zone
            .unreadable
            .map_or("The lines at the bottom could not be read", |u| u.hint());
        ui.colored_label(style::WARN, format!("{why}."));
        return;
    };
    let date = |d: Option<CalendarDate>| d.map_or_else(|| "unknown".to_string(), |d| d.to_string());
    egui::Grid::new("mrz_fields").num_columns(2).show(ui, |ui| {
        let mut row = |label: &str, value: String| {
            ui.label(label);
            ui.label(RichText::new(value).monospace());
            ui.end_row();
        };
        row("Surname", f.surname.clone());
        row("Given names", f.given_names.clone());
        row("Document number", f.document_number.clone());
        row("Nationality", f.nationality.clone());
        row("Date of birth", date(f.birth_date));
        row("Expiry date", date(f.expiry_date));
    });
    match zone.expired {
        Some(true) => {
            ui.colored_label(style::FAIL, "This document has expired.");
        }
        Some(false) => {
            if let Some(days) = zone.days_to_expiry.filter(|&d| d < 30) {
                ui.colored_label(style::WARN, format!("Expires in {days} days."));
            }
        }
        None => {}
    }
    if let Some(name) = name_as_printed(zone) {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("Enter your name exactly as: {name}"));
            if ui.button(COPY_LABEL).clicked() {
                ui.ctx().copy_text(name);
            }
        });
    }
}
