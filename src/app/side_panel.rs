//! The live view's side panel: camera picker, resolution, camera controls, document type, mirror,
//! and the live checklist. Reads state, returns `Command`s; changes nothing itself.

use egui::{RichText, Ui};

use super::settings::{RESOLUTIONS, Settings};
use super::{Command, checklist, style};
use crate::camera::webcam::Device;
use crate::camera::{ControlInfo, ControlKind, DEFAULT_MAX_SIZE, SourceSpec};
use crate::quality::{DocumentKind, Report};

pub struct SidePanel<'a> {
    pub settings: &'a Settings,
    pub devices: &'a [Device],
    pub current: Option<&'a SourceSpec>,
    pub source_name: &'a str,
    pub controls: &'a [ControlInfo],
    pub report: Option<&'a Report>,
    /// Show the live checklist (hidden while a still, which has its own, is shown).
    pub show_checks: bool,
}

impl SidePanel<'_> {
    pub fn ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        // A quarter of the window at most, so a 1024-point window keeps its width for the preview.
        let width = style::side_panel_width(ui.ctx().content_rect().width());
        egui::Panel::right("side-panel")
            .exact_size(width)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    self.camera_ui(ui, &mut commands);
                    ui.separator();
                    self.document_ui(ui, &mut commands);
                    if self.show_checks {
                        ui.separator();
                        ui.label(RichText::new("Checks").strong());
                        checklist::checklist_ui(ui, self.report);
                    }
                });
            });
        commands
    }

    fn camera_ui(&self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.label(RichText::new("Camera").strong());
        ui.label(if self.source_name.is_empty() {
            "—"
        } else {
            self.source_name
        });
        let current_label = match self.current {
            Some(SourceSpec::Demo) => "Demo camera".to_string(),
            Some(SourceSpec::Folder { dir, .. }) => format!(
                "Folder {}",
                dir.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| dir.display().to_string())
            ),
            Some(SourceSpec::Webcam { index: Some(i), .. }) => self
                .devices
                .iter()
                .find(|d| d.index == *i)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| format!("Camera {i}")),
            Some(SourceSpec::Webcam { index: None, .. }) => "First webcam".to_string(),
            None => "Test source".to_string(),
        };
        egui::ComboBox::from_label("Source")
            .selected_text(current_label)
            .show_ui(ui, |ui| {
                let size = self.settings.max_size;
                if ui.selectable_label(false, "First webcam").clicked() {
                    commands.push(Command::UseSource(SourceSpec::Webcam {
                        index: None,
                        max_size: size,
                    }));
                }
                for d in self.devices {
                    if ui
                        .selectable_label(false, format!("{} (#{})", d.name, d.index))
                        .clicked()
                    {
                        commands.push(Command::UseSource(SourceSpec::Webcam {
                            index: Some(d.index),
                            max_size: size,
                        }));
                    }
                }
                if ui.selectable_label(false, "Demo camera").clicked() {
                    commands.push(Command::UseSource(SourceSpec::Demo));
                }
            });
        if matches!(self.current, Some(SourceSpec::Webcam { .. })) {
            let size = self.settings.max_size;
            egui::ComboBox::from_label("Resolution (up to)")
                .selected_text(format!("{}×{}", size[0], size[1]))
                .show_ui(ui, |ui| {
                    for r in RESOLUTIONS {
                        if ui
                            .selectable_label(r == size, format!("{}×{}", r[0], r[1]))
                            .clicked()
                        {
                            commands.push(Command::SetResolution(r));
                        }
                    }
                });
        } else if self.devices.is_empty() {
            ui.label(RichText::new("No webcam found; still looking.").weak());
        } else if ui.button("Switch to the webcam").clicked() {
            commands.push(Command::UseSource(SourceSpec::Webcam {
                index: self.settings.camera,
                max_size: if self.settings.max_size == [0, 0] {
                    DEFAULT_MAX_SIZE
                } else {
                    self.settings.max_size
                },
            }));
        }
        for c in self.controls {
            control_ui(ui, c, commands);
        }
        let mut mirror = self.settings.mirror;
        if ui
            .checkbox(&mut mirror, "Mirror the preview")
            .on_hover_text("Only the preview: photos are never saved mirrored.")
            .changed()
        {
            commands.push(Command::SetMirror(mirror));
        }
    }

    fn document_ui(&self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.label(RichText::new("Document").strong());
        ui.horizontal(|ui| {
            for kind in [DocumentKind::IdCard, DocumentKind::Passport] {
                if ui.radio(self.settings.doc == kind, kind.label()).clicked()
                    && self.settings.doc != kind
                {
                    commands.push(Command::SetDocument(kind));
                }
            }
        });
    }
}

/// One camera control (focus, exposure, anti-flicker) as a slider, checkbox or choice.
fn control_ui(ui: &mut Ui, c: &ControlInfo, commands: &mut Vec<Command>) {
    match &c.kind {
        ControlKind::Range {
            min,
            max,
            step,
            value,
        } => {
            let mut v = *value;
            let slider = egui::Slider::new(&mut v, *min..=*max)
                .step_by(*step as f64)
                .text(&c.name);
            if ui.add(slider).drag_stopped() {
                commands.push(Command::SetControl { id: c.id, value: v });
            }
        }
        ControlKind::Toggle { value } => {
            let mut v = *value;
            if ui.checkbox(&mut v, &c.name).changed() {
                commands.push(Command::SetControl {
                    id: c.id,
                    value: i64::from(v),
                });
            }
        }
        ControlKind::Choice { options, value } => {
            egui::ComboBox::from_label(&c.name)
                .selected_text(choice_label(&c.name, *value))
                .show_ui(ui, |ui| {
                    for o in options {
                        if ui
                            .selectable_label(o == value, choice_label(&c.name, *o))
                            .clicked()
                        {
                            commands.push(Command::SetControl {
                                id: c.id,
                                value: *o,
                            });
                        }
                    }
                });
        }
        // Named menus get their own widget with the side-panel rework (issue 13, after the restructure).
        ControlKind::Menu { .. } => {}
    }
}

/// V4L2's power-line menu is 0 off, 1 50 Hz, 2 60 Hz, 3 auto; other menus show their number.
fn choice_label(name: &str, v: i64) -> String {
    if name.to_ascii_lowercase().contains("power line") {
        match v {
            0 => "Off".into(),
            1 => "50 Hz".into(),
            2 => "60 Hz".into(),
            3 => "Auto".into(),
            _ => v.to_string(),
        }
    } else {
        v.to_string()
    }
}
