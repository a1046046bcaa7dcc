//! The checklist panel: every check of a report with its live value, limit, unit, message and the
//! wording a KYC portal would use to reject the photo.
//!
//! Decides how one check reads to a person. Knows nothing about live state: the live view and the
//! review view both call `checklist_ui`.

use egui::{RichText, Ui};

use super::style;
use crate::quality::{Check, CheckId, Report, Verdict};

/// "0.12 / 0.16 mm blur" style text for a check's value against its limit.
pub fn value_text(check: &Check) -> String {
    let unit = check.id.unit();
    let sep = if unit.starts_with('%') || unit == "°" || unit.is_empty() {
        ""
    } else {
        " "
    };
    let fmt = |v: f64| {
        if v.abs() >= 100.0 {
            format!("{v:.0}")
        } else if v.abs() >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    };
    match (check.value, check.limit) {
        (Some(v), Some(l)) => format!("{} / {}{sep}{unit}", fmt(v), fmt(l)),
        (Some(v), None) => format!("{}{sep}{unit}", fmt(v)),
        (None, Some(l)) => format!("– / {}{sep}{unit}", fmt(l)),
        (None, None) => String::new(),
    }
}

/// The text of a check's status mark: "OK" passes, "FAIL" fails, "–" not measured.
pub fn mark(check: &Check) -> (&'static str, egui::Color32) {
    if check.pass {
        ("OK", style::PASS)
    } else if check.value.is_none() && check.id != CheckId::Document {
        ("–", style::NOT_MEASURED)
    } else {
        ("FAIL", style::FAIL)
    }
}

/// One row of the checklist: mark and name, then the value against its limit, the message, and
/// (when failing) the portal's wording.
fn check_row(ui: &mut Ui, check: &Check) {
    let (m, color) = mark(check);
    ui.horizontal(|ui| {
        ui.label(RichText::new(m).color(color).strong());
        ui.label(RichText::new(check.id.label()).strong());
    });
    let value = value_text(check);
    if !value.is_empty() {
        ui.label(RichText::new(value).monospace().small().color(color));
    }
    if !check.message.is_empty() {
        ui.label(RichText::new(&check.message).small());
    }
    if !check.pass {
        ui.label(
            RichText::new(format!("Portal would say: “{}”", check.portal))
                .small()
                .weak(),
        );
    }
    ui.add_space(style::ROW_SPACING);
}

/// Shows every check of `report` (or a placeholder without one).
pub fn checklist_ui(ui: &mut Ui, report: Option<&Report>) {
    let Some(report) = report else {
        ui.label(RichText::new("No frame analysed yet.").weak());
        return;
    };
    let (verdict, color) = match report.verdict() {
        Verdict::Pass => ("All checks pass", style::PASS),
        Verdict::Fail => {
            let n = report.checks.iter().filter(|c| !c.pass).count();
            let text = if n == 1 {
                "1 check fails"
            } else {
                "Some checks fail"
            };
            (text, style::FAIL)
        }
    };
    ui.label(RichText::new(verdict).color(color).strong());
    ui.separator();
    for check in &report.checks {
        check_row(ui, check);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_text_has_units() {
        let c = Check::new(CheckId::Focus, false, Some(0.213), Some(0.16));
        assert_eq!(value_text(&c), "0.21 / 0.16 mm blur");
        let f = Check::new(CheckId::Fill, true, Some(55.0), Some(40.0));
        assert_eq!(value_text(&f), "55.0 / 40.0% of frame");
        let r = Check::new(CheckId::Resolution, true, Some(312.4), Some(250.0));
        assert_eq!(value_text(&r), "312 / 250 dpi");
        let n = Check::new(CheckId::Glare, false, None, Some(0.5));
        assert_eq!(value_text(&n), "– / 0.50% of document");
    }

    #[test]
    fn marks_distinguish_not_measured() {
        let n = Check::new(CheckId::Glare, false, None, Some(0.5));
        assert_eq!(mark(&n).0, "–");
        let f = Check::new(CheckId::Glare, false, Some(2.0), Some(0.5));
        assert_eq!(mark(&f).0, "FAIL");
        let p = Check::new(CheckId::Glare, true, Some(0.0), Some(0.5));
        assert_eq!(mark(&p).0, "OK");
    }
}
