//! The captured stills: the front and back (or the passport page) the person captured, and their
//! view.
//!
//! Decides what happens to a capture: it is shown with its report and checklist, kept ("Next: back
//! side", "Done", or written and the window closed for `idcap capture`), retaken, or exported
//! through the compliant export dialog.

use std::sync::Arc;

use egui::{RichText, TextureHandle, TextureOptions, Ui};

use super::commands::Command;
use super::export_ui::ExportRequest;
use super::{App, checklist, overlay, save, style};
use crate::analysis::Analysed;
use crate::capture::Captured;
use crate::capture::flip::Signature;
use crate::quality::{DocumentKind, Report};

/// The side of the document being captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The front of the document (the side with the photo, or a passport's data page).
    Front,
    /// The back of the document.
    Back,
}

impl Side {
    pub(super) fn index(self) -> usize {
        match self {
            Side::Front => 0,
            Side::Back => 1,
        }
    }

    /// "Front" or "Back".
    pub fn label(self) -> &'static str {
        match self {
            Side::Front => "Front",
            Side::Back => "Back",
        }
    }

    fn other(self) -> Side {
        match self {
            Side::Front => Side::Back,
            Side::Back => Side::Front,
        }
    }
}

/// A captured still.
pub struct Still {
    /// The frame and the report it was scored with.
    pub frame: Analysed,
    /// True when the auto-capture took it, false when the person did.
    pub auto: bool,
    texture: Option<TextureHandle>,
}

impl Still {
    /// The report the still was scored with.
    pub fn report(&self) -> &Report {
        &self.frame.report
    }
}

impl App {
    /// Shows a captured frame as the still of the current side.
    pub(super) fn keep(&mut self, captured: Captured<Analysed>, auto: bool) {
        let still = Still {
            frame: captured.frame,
            auto,
            texture: None,
        };
        self.stills[self.side.index()] = Some(still);
        self.showing_still = true;
        self.flash_started = Some(std::time::Instant::now());
        if auto
            && let Some(req) = &self.capture_request
            && req.accept_auto
        {
            self.accept();
        }
    }

    /// Drops the still of `side` and goes back to the live view to capture it again.
    pub(super) fn retake(&mut self, side: Side) {
        self.stills[side.index()] = None;
        self.side = side;
        self.showing_still = false;
        match side {
            Side::Front => self.live.expect_front(),
            Side::Back => self.live.expect_back(self.front_signature()),
        }
    }

    /// The signature of the kept front, to tell a turned-over card from the front shown again.
    fn front_signature(&self) -> Option<Signature> {
        let front = self.stills[Side::Front.index()].as_ref()?;
        let doc = front.report().document.as_ref()?;
        Signature::of(&front.frame.frame.image, doc.quad.corners())
    }

    /// The person keeps the still of the current side.
    pub(super) fn accept(&mut self) {
        let side = self.side;
        if let Some(req) = self.capture_request.clone() {
            let Some(still) = &self.stills[side.index()] else {
                return;
            };
            let name = req.output.display().to_string();
            let result = save::save_jpeg(&req.output, &still.frame.frame.image)
                .map(|()| {
                    let timings = crate::output::Timings {
                        decode_ms: 0.0,
                        analyze_ms: still.frame.analysis_ms,
                    };
                    let image = &still.frame.frame.image;
                    crate::output::capture_line(&name, still.report(), timings, image).to_string()
                })
                .map_err(|e| format!("{e:#}"));
            let ok = result.is_ok();
            if let Err(e) = &result {
                self.notice = Some(e.clone());
            }
            if let Ok(mut slot) = req.result.lock() {
                *slot = Some(result);
            }
            if ok {
                self.ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            return;
        }
        if side == Side::Front
            && self.settings.doc == DocumentKind::IdCard
            && self.stills[1].is_none()
        {
            self.side = Side::Back;
            self.showing_still = false;
            let front = self.front_signature();
            self.live.expect_back(front);
        } else {
            // Both sides (or the passport page) are done: stay on the stills.
            self.showing_still = true;
        }
    }

    /// Opens the compliant export dialog (presets, size band, no metadata, crop, warnings about
    /// failing checks, overwrite protection, atomic write) for the still of `side`.
    /// With both sides of an ID card captured, the dialog offers "both sides" (…-front.jpg and
    /// …-back.jpg), and names the side it exports either way.
    pub(super) fn export(&mut self, side: Side) {
        let request_for = |side: Side| -> Option<ExportRequest> {
            let still = self.stills[side.index()].as_ref()?;
            let name = match (self.settings.doc, side) {
                (DocumentKind::Passport, _) => "passport-idcap.jpg",
                (DocumentKind::IdCard, Side::Front) => "id-idcap-front.jpg",
                (DocumentKind::IdCard, Side::Back) => "id-idcap-back.jpg",
            };
            let request = ExportRequest::new(
                Arc::clone(&still.frame.frame.image),
                Some(still.report().clone()),
                name.to_string(),
            );
            Some(match self.settings.doc {
                DocumentKind::Passport => request,
                DocumentKind::IdCard => request.for_side(side),
            })
        };
        let Some(mut request) = request_for(side) else {
            return;
        };
        if self.settings.doc == DocumentKind::IdCard
            && let Some(other) = request_for(side.other())
        {
            request = request.with_other_side(other);
        }
        self.export.open(request);
    }

    pub(super) fn side_label(&self) -> String {
        match (self.settings.doc, self.side) {
            (DocumentKind::Passport, _) => "Passport photo page".to_string(),
            (DocumentKind::IdCard, Side::Front) => "ID card — front".to_string(),
            (DocumentKind::IdCard, Side::Back) => "ID card — back".to_string(),
        }
    }

    /// The primary actions under the stills (next side or done, export), big and centred.
    fn still_actions_ui(&self, ui: &mut Ui, sides: &[Side]) -> Vec<Command> {
        let mut commands = Vec::new();
        let current_side = self.side;
        let id_card = self.settings.doc == DocumentKind::IdCard;
        let capture_mode = self.capture_request.is_some();
        egui::Panel::bottom("still-actions").show(ui, |ui| {
            ui.add_space(style::ACTION_GAP);
            if let Some(n) = &self.notice {
                ui.label(n);
            }
            // The primary actions, big and centred under the stills.
            ui.horizontal(|ui| {
                let accept_label = if capture_mode {
                    "Use this photo"
                } else if id_card && current_side == Side::Front && self.stills[1].is_none() {
                    "Next: back side"
                } else {
                    "Done"
                };
                let is_done = !capture_mode
                    && (!id_card || self.stills[0].is_some() && self.stills[1].is_some());
                let export_label = if id_card && sides.len() == 2 {
                    "Export both sides…"
                } else {
                    "Export…"
                };
                let n = if is_done { 1.0 } else { 2.0 };
                let button_width = style::primary_button_size(ui.ctx().content_rect().width()).x;
                let width = n * button_width + (n - 1.0) * style::ACTION_GAP;
                ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
                if !is_done && primary_button(ui, accept_label).clicked() {
                    commands.push(Command::Accept);
                }
                if primary_button(ui, export_label).clicked() {
                    commands.push(Command::Export(current_side));
                }
            });
            ui.add_space(style::ACTION_GAP);
        });
        commands
    }

    pub(super) fn stills_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let ctx = ui.ctx().clone();
        let sides: Vec<Side> = match self.settings.doc {
            DocumentKind::Passport => vec![Side::Front],
            DocumentKind::IdCard => [Side::Front, Side::Back]
                .into_iter()
                .filter(|s| self.stills[s.index()].is_some())
                .collect(),
        };
        commands.extend(self.still_actions_ui(ui, &sides));
        let id_card = self.settings.doc == DocumentKind::IdCard;
        egui::CentralPanel::default().show(ui, |ui| {
            let n = sides.len().max(1) as f32;
            let avail = ui.available_rect_before_wrap();
            let w = avail.width() / n;
            for (k, side) in sides.iter().enumerate() {
                let cell = egui::Rect::from_min_size(
                    avail.min + egui::vec2(w * k as f32, 0.0),
                    egui::vec2(w, avail.height()),
                );
                let Some(still) = &mut self.stills[side.index()] else {
                    continue;
                };
                ui.scope_builder(
                    egui::UiBuilder::new().max_rect(cell.shrink(style::STILL_MARGIN)),
                    |ui| {
                        let title = match (id_card, side) {
                            (false, _) => "Passport photo page",
                            (true, Side::Front) => "Front",
                            (true, Side::Back) => "Back",
                        };
                        let how = if still.auto {
                            "auto-captured"
                        } else {
                            "captured"
                        };
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(format!("{title} — {how}")).heading());
                            if ui.button(RichText::new("Retake").strong()).clicked() {
                                commands.push(Command::Retake(*side));
                            }
                            if ui.button("Export this side…").clicked() {
                                commands.push(Command::Export(*side));
                            }
                        });
                        let img = &still.frame.frame.image;
                        let size = [img.width(), img.height()];
                        let texture = still.texture.get_or_insert_with(|| {
                            let c = egui::ColorImage::from_rgb(
                                [size[0] as usize, size[1] as usize],
                                img.as_raw(),
                            );
                            ctx.load_texture(format!("still-{k}"), c, TextureOptions::LINEAR)
                        });
                        let area = ui.available_rect_before_wrap();
                        let (image_area, checks_area, beside) = still_cell_layout(area);
                        let mut rect = overlay::fit_rect(image_area, size);
                        if beside {
                            // Level with the checklist's first line rather than centred in the height.
                            rect = rect.translate(egui::vec2(0.0, image_area.top() - rect.top()));
                        }
                        let painter = ui.painter_at(image_area);
                        painter.image(
                            texture.id(),
                            rect,
                            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                            egui::Color32::WHITE,
                        );
                        overlay::paint_report(
                            &painter,
                            rect,
                            size,
                            still.report(),
                            &overlay::OverlayOptions::default(),
                        );
                        ui.allocate_rect(image_area, egui::Sense::hover());
                        ui.scope_builder(egui::UiBuilder::new().max_rect(checks_area), |ui| {
                            egui::ScrollArea::vertical()
                                .id_salt(("still-checks", k))
                                .show(ui, |ui| checklist::checklist_ui(ui, Some(still.report())));
                        });
                    },
                );
            }
            // The shutter: a white flash over the new still that fades in `FLASH_S`.
            if let Some(t0) = self.flash_started {
                let t = t0.elapsed().as_secs_f32() / style::FLASH_S;
                if t < 1.0 {
                    let alpha = (220.0 * (1.0 - t)) as u8;
                    ui.painter()
                        .rect_filled(avail, 0.0, egui::Color32::from_white_alpha(alpha));
                    ctx.request_repaint();
                } else {
                    self.flash_started = None;
                }
            }
        });
        commands
    }
}

/// Splits a still's cell below its title into the photo's area and the checklist's. A wide cell
/// (one still) puts the checklist beside the photo, so both are seen whole (`true`); a narrow one
/// (front and back side by side) puts it underneath.
fn still_cell_layout(area: egui::Rect) -> (egui::Rect, egui::Rect, bool) {
    let beside = area.width() >= style::SIDE_PANEL_WIDTH * style::STILL_BESIDE_MIN_PANELS;
    if beside {
        let split = area.max.x - style::SIDE_PANEL_WIDTH;
        (
            egui::Rect::from_min_max(
                area.min,
                egui::pos2(split - style::STILL_CHECKLIST_GAP, area.max.y),
            ),
            egui::Rect::from_min_max(egui::pos2(split, area.min.y), area.max),
            true,
        )
    } else {
        let split = area.min.y + area.height() * style::STILL_PHOTO_SHARE;
        (
            egui::Rect::from_min_max(area.min, egui::pos2(area.max.x, split)),
            egui::Rect::from_min_max(
                egui::pos2(area.min.x, split + style::STILL_MARGIN),
                area.max,
            ),
            false,
        )
    }
}

/// A big button for a primary action (next side, export).
fn primary_button(ui: &mut Ui, label: &str) -> egui::Response {
    let window_width = ui.ctx().content_rect().width();
    ui.add(
        egui::Button::new(
            RichText::new(label)
                .size(style::primary_text_size(window_width))
                .strong(),
        )
        .min_size(style::primary_button_size(window_width)),
    )
}
