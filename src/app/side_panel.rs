//! The live view's side panel: camera picker, resolution, camera controls, document type, mirror,
//! the live checklist and the machine-readable zone the live view's vote agreed on. Reads state, returns `Command`s; changes nothing itself.
//!
//! Decides how a camera control is shown: a range as a slider, a toggle as a checkbox, a menu as a
//! combo box of its named entries, an inactive control disabled with the reason as its tooltip,
//! always with the value the camera reports.

use egui::{RichText, Ui};

use super::settings::{RESOLUTIONS, Settings};
use super::{Command, checklist, mrz_panel, style};
use crate::camera::webcam::Device;
use crate::camera::{ControlInfo, ControlKind, DEFAULT_MAX_SIZE, SourceSpec, controls};
use crate::quality::mrz::MrzReport;
use crate::quality::{DocumentKind, Report};

pub(crate) struct SidePanel<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) devices: &'a [Device],
    pub(crate) current: Option<&'a SourceSpec>,
    pub(crate) source_name: &'a str,
    pub(crate) controls: &'a [ControlInfo],
    /// What the source said about the camera it opened ("the camera you chose before is not
    /// connected…").
    pub notice: Option<&'a str>,
    pub(crate) report: Option<&'a Report>,
    /// Show the live checklist (hidden while a still, which has its own, is shown).
    pub(crate) show_checks: bool,
    /// The zone to show under the checklist (`LiveView::shown_zone`).
    pub(crate) zone: Option<&'a MrzReport>,
}

impl SidePanel<'_> {
    pub(crate) fn ui(&mut self, ui: &mut Ui) -> Vec<Command> {
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
                        if let Some(zone) = self.zone {
                            ui.separator();
                            mrz_panel::ui(ui, zone);
                        }
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
        if let Some(notice) = self.notice {
            ui.label(RichText::new(notice).color(style::WARN));
        }
        let size = if self.settings.max_size == [0, 0] {
            DEFAULT_MAX_SIZE
        } else {
            self.settings.max_size
        };
        let webcam = |index: Option<u32>, id: Option<String>| SourceSpec::Webcam {
            index,
            id,
            max_size: size,
        };
        egui::ComboBox::from_label("Source")
            .selected_text(self.current_label())
            .show_ui(ui, |ui| {
                if ui.selectable_label(false, "First webcam").clicked() {
                    commands.push(Command::UseSource(webcam(None, None)));
                }
                for d in self.devices {
                    if ui
                        .selectable_label(false, &d.name)
                        .on_hover_text(&d.id)
                        .clicked()
                    {
                        commands.push(Command::UseSource(webcam(None, Some(d.id.clone()))));
                    }
                }
                if ui.selectable_label(false, "Demo camera").clicked() {
                    commands.push(Command::UseSource(SourceSpec::Demo));
                }
            });
        if matches!(self.current, Some(SourceSpec::Webcam { .. })) {
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
            commands.push(Command::UseSource(self.settings.webcam()));
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

    /// The source picker's text for the running source.
    fn current_label(&self) -> String {
        match self.current {
            Some(SourceSpec::Demo) => "Demo camera".to_string(),
            Some(SourceSpec::Folder { dir, .. }) => format!(
                "Folder {}",
                dir.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_else(|| dir.display().to_string())
            ),
            Some(SourceSpec::Webcam { id: Some(id), .. }) => self
                .devices
                .iter()
                .find(|d| d.id == *id)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| id.clone()),
            Some(SourceSpec::Webcam { index: Some(i), .. }) => self
                .devices
                .iter()
                .find(|d| d.index == *i)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| format!("Camera {i}")),
            Some(SourceSpec::Webcam { .. }) => "First webcam".to_string(),
            None => "Test source".to_string(),
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

/// One camera control (focus, exposure, anti-flicker) as a slider, checkbox or menu, showing the
/// value the camera reports (read back after every set). An inactive control is disabled, and
/// its tooltip says why.
fn control_ui(ui: &mut Ui, c: &ControlInfo, commands: &mut Vec<Command>) {
    let shown = ui.add_enabled_ui(c.active, |ui| control_widget(ui, c, commands));
    if !c.active {
        shown
            .inner
            .on_disabled_hover_text(controls::inactive_reason(&c.name));
    }
}

fn control_widget(ui: &mut Ui, c: &ControlInfo, commands: &mut Vec<Command>) -> egui::Response {
    let mut set = |value: i64| commands.push(Command::SetControl { id: c.id, value });
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
            let r = ui.add(slider);
            // A drag is sent once, when it ends; keys and clicks on the rail at once.
            if v != *value && (r.drag_stopped() || (r.changed() && !r.dragged())) {
                set(v);
            }
            r
        }
        ControlKind::Toggle { value } => {
            let mut v = *value;
            let r = ui.checkbox(&mut v, &c.name);
            if r.changed() {
                set(i64::from(v));
            }
            r
        }
        ControlKind::Choice { options, value } => {
            let labelled: Vec<(i64, String)> = options
                .iter()
                .map(|o| (*o, choice_label(&c.name, *o)))
                .collect();
            menu_ui(ui, &c.name, &labelled, *value, &mut set)
        }
        ControlKind::Menu { options, value } => {
            let labelled: Vec<(i64, String)> =
                options.iter().map(|o| (o.value, o.label.clone())).collect();
            menu_ui(ui, &c.name, &labelled, *value, &mut set)
        }
    }
}

/// A combo box of named values; the camera's value shows as its name, or as a number when the
/// camera reports a value its menu does not list.
fn menu_ui(
    ui: &mut Ui,
    name: &str,
    options: &[(i64, String)],
    value: i64,
    set: &mut dyn FnMut(i64),
) -> egui::Response {
    let selected = options
        .iter()
        .find(|(v, _)| *v == value)
        .map_or_else(|| value.to_string(), |(_, label)| label.clone());
    egui::ComboBox::from_label(name)
        .selected_text(selected)
        .show_ui(ui, |ui| {
            for (v, label) in options {
                if ui.selectable_label(*v == value, label).clicked() && *v != value {
                    set(*v);
                }
            }
        })
        .response
}

/// V4L2's power-line menu is 0 off, 1 50 Hz, 2 60 Hz, 3 auto; other unnamed values show their
/// number.
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
