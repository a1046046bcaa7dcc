//! The checklist panel: every check of a report with its live value, limit, unit, message and the
//! wording a KYC portal would use to reject the photo.
//!
//! Decides how one check reads to a person. Knows nothing about live state: the live view and the
//! review view both call `checklist_ui`.

use egui::{RichText, Ui};

use super::style;
use crate::quality::{Check, CheckId, Report, Verdict};

/// "0.12 / 0.16 mm blur" style text for a check's value against its limit (the rule shared with
/// the command line and the checks' messages: `quality::shown`).
pub(crate) fn value_text(check: &Check) -> String {
    crate::quality::shown::value_text(check)
}

/// A check's status, as the checklist marks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mark {
    Pass,
    Fail,
    /// No value (no document to measure on).
    NotMeasured,
}

impl Mark {
    pub(crate) fn of(check: &Check) -> Mark {
        if check.pass {
            Mark::Pass
        } else if check.value.is_none() && check.id != CheckId::Document {
            Mark::NotMeasured
        } else {
            Mark::Fail
        }
    }

    /// The word screen readers (and UI tests) get for the painted mark.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Mark::Pass => "OK",
            Mark::Fail => "FAIL",
            Mark::NotMeasured => "not measured",
        }
    }

    pub(crate) fn color(self) -> egui::Color32 {
        match self {
            Mark::Pass => style::PASS,
            Mark::Fail => style::FAIL,
            Mark::NotMeasured => style::NOT_MEASURED,
        }
    }
}

/// Paints `mark` as a filled circle with a tick, a cross or a dash — shapes, not glyphs, so it reads
/// the same with any font (egui's built-in fonts have no ✔/✖). Its accessible label is the word.
pub(crate) fn mark_icon(ui: &mut Ui, mark: Mark) -> egui::Response {
    let size = style::MARK_SIZE;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, mark.word()));
    if ui.is_rect_visible(rect) {
        let painter = ui.painter();
        let c = rect.center();
        let r = size * 0.5;
        painter.circle_filled(c, r, mark.color());
        let stroke = egui::Stroke::new(size * 0.14, style::MARK_SYMBOL);
        let p = |x: f32, y: f32| c + egui::vec2(x * r, y * r);
        match mark {
            Mark::Pass => {
                painter.line(vec![p(-0.5, 0.02), p(-0.15, 0.38), p(0.5, -0.32)], stroke);
            }
            Mark::Fail => {
                painter.line_segment([p(-0.4, -0.4), p(0.4, 0.4)], stroke);
                painter.line_segment([p(-0.4, 0.4), p(0.4, -0.4)], stroke);
            }
            Mark::NotMeasured => {
                painter.line_segment([p(-0.45, 0.0), p(0.45, 0.0)], stroke);
            }
        }
    }
    response
}

/// One row of the checklist: mark and name, then the value against its limit, the message, and
/// (when failing) the portal's wording. Every line wraps (the name truncates, with the full name on
/// hover) so nothing overlaps in a narrow panel.
fn check_row(ui: &mut Ui, check: &Check) {
    let mark = Mark::of(check);
    ui.horizontal(|ui| {
        mark_icon(ui, mark);
        ui.add(egui::Label::new(RichText::new(check.id.label()).strong()).truncate());
    });
    let value = value_text(check);
    if !value.is_empty() {
        ui.add(
            egui::Label::new(RichText::new(value).monospace().small().color(mark.color())).wrap(),
        );
    }
    if !check.message.is_empty() {
        ui.add(egui::Label::new(RichText::new(&check.message).small()).wrap());
    }
    // A check that could not be measured has not failed in a portal's eyes either.
    if mark == Mark::Fail {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Portal would say: “{}”", check.portal))
                    .small()
                    .weak(),
            )
            .wrap(),
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
    fn marks_distinguish_not_measured() {
        let n = Check::new(CheckId::Glare, false, None, Some(0.5));
        assert_eq!(Mark::of(&n), Mark::NotMeasured);
        let f = Check::new(CheckId::Glare, false, Some(2.0), Some(0.5));
        assert_eq!(Mark::of(&f), Mark::Fail);
        let p = Check::new(CheckId::Glare, true, Some(0.0), Some(0.5));
        assert_eq!(Mark::of(&p), Mark::Pass);
        // No document: the document check itself fails rather than being "not measured".
        let d = Check::new(CheckId::Document, false, None, Some(0.5));
        assert_eq!(Mark::of(&d), Mark::Fail);
    }
}
