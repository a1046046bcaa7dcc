//! The review view: photos dropped on the window or opened, each checked with the same engine and
//! profile as live frames.
//!
//! Decides how a reviewed photo is presented: the photo with the detected outline, glare regions and
//! alignment (helper B's `overlay::paint_report`), the checklist with values, limits, guidance and
//! portal wording (`checklist::checklist_ui`), the soft-flag warnings (screenshot, edited, no colour),
//! and a strip of thumbnails with pass/fail badges; arrow keys move between photos. Decoding and
//! analysis run on `review::ReviewSession`'s worker thread; this view only drains results, uploads
//! bounded textures (≤ 2048 px, prepared off-thread) and shows progress, so it never waits.
//!
//! The view changes nothing when drawn: `ui` returns the `Command`s the person gave (select,
//! remove, export…) and the app applies them through the methods here. Photos arrive through
//! `add_paths` / `add_bytes` (drops and "Open photos…", both owned by the app), and `poll` takes in
//! the worker's results once per frame.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, FontId, Rect, RichText, Sense, TextureHandle, TextureOptions, Ui, pos2, vec2};
use image::RgbImage;

use super::checklist::checklist_ui;
use super::commands::Command;
use super::export_ui::{EXPORT_SHORTCUT, ExportRequest, warning_box};
use super::open_photos::{OPEN_SHORTCUT, OpenPhotosDialog};
use super::overlay::{OverlayOptions, fit_rect, paint_report};
use super::style;
use crate::quality::{DocChoice, Preset, Profile, Verdict};
use crate::review::{Entry, EntryState, ReviewSession, Source};

struct Textures {
    display: TextureHandle,
    thumbnail: TextureHandle,
}

/// Photos under review.
pub struct ReviewView {
    /// Created on the first photo, so an unused review view starts no thread.
    session: Option<ReviewSession>,
    profile: Profile,
    textures: HashMap<u64, Textures>,
}

impl Default for ReviewView {
    fn default() -> Self {
        ReviewView {
            session: None,
            profile: Profile {
                today: Some(crate::clock::today()),
                ..Preset::Standard.profile(DocChoice::Auto)
            },
            textures: HashMap::new(),
        }
    }
}

impl ReviewView {
    fn session(&mut self) -> &mut ReviewSession {
        let profile = self.profile.clone();
        self.session
            .get_or_insert_with(|| ReviewSession::new(profile))
    }

    /// Adds image files to review (read, decoded and scored in the background).
    pub(crate) fn add_paths(&mut self, paths: Vec<PathBuf>) {
        let first_new = self.len();
        let added = !paths.is_empty();
        for p in paths {
            self.session().add(Source::Path(p));
        }
        // Open on the first of the photos just added, the one the person chose or dropped first.
        if added {
            self.select(first_new);
        }
    }

    /// Adds an image held in memory (a file dropped without a path, for example).
    pub(crate) fn add_bytes(&mut self, name: String, bytes: Arc<[u8]>) {
        self.session().add(Source::Bytes { name, bytes });
    }

    pub fn is_empty(&self) -> bool {
        self.session.as_ref().is_none_or(ReviewSession::is_empty)
    }

    /// Number of photos in the list.
    pub fn len(&self) -> usize {
        self.session.as_ref().map_or(0, |s| s.entries.len())
    }

    /// Index of the selected photo.
    pub fn selected(&self) -> Option<usize> {
        self.session
            .as_ref()
            .filter(|s| !s.is_empty())
            .map(|s| s.selected)
    }

    /// Photos still being read or checked.
    pub fn in_progress(&self) -> usize {
        self.session.as_ref().map_or(0, ReviewSession::in_progress)
    }

    /// The review model (entries, states, reports), for the shell and for tests.
    pub fn session_ref(&self) -> Option<&ReviewSession> {
        self.session.as_ref()
    }

    /// What to export for the selected photo, if it was read.
    pub(crate) fn export_request(&self) -> Option<ExportRequest> {
        let entry = self
            .session
            .as_ref()
            .and_then(ReviewSession::selected_entry)?;
        let r = entry.reviewed()?;
        let mut request = ExportRequest::new(
            Arc::clone(&r.image),
            Some(r.report.clone()),
            ExportRequest::name_for(&entry.name),
        );
        request.flags = r.flags.clone();
        request.icc_profile = r.icc_profile.clone();
        Some(request)
    }

    /// Selects photo `index` (ignored when there is no such photo).
    pub(crate) fn select(&mut self, index: usize) {
        if let Some(s) = self.session.as_mut()
            && index < s.entries.len()
        {
            s.selected = index;
        }
    }

    /// Selects the next photo in the strip.
    pub(crate) fn select_next(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.select_next();
        }
    }

    /// Selects the previous photo in the strip.
    pub(crate) fn select_previous(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.select_previous();
        }
    }

    /// Removes photo `index` from the list.
    pub(crate) fn remove(&mut self, index: usize) {
        if let Some(s) = self.session.as_mut() {
            s.remove(index);
        }
    }

    /// Empties the list.
    pub(crate) fn clear(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.clear();
        }
    }

    /// Takes in the worker's results and uploads at most one photo's textures. Call once per frame
    /// while the view is shown; never waits.
    pub(crate) fn poll(&mut self, ctx: &egui::Context) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        session.poll();
        if session.in_progress() > 0 {
            ctx.request_repaint_after(Duration::from_millis(50));
        }
        // Upload at most one photo's textures per frame so a batch of drops never stalls a frame.
        let live: Vec<u64> = session.entries.iter().map(|e| e.id).collect();
        self.textures.retain(|id, _| live.contains(id));
        if let Some((id, r)) = session.entries.iter().find_map(|e| {
            e.reviewed()
                .filter(|_| !self.textures.contains_key(&e.id))
                .map(|r| (e.id, r))
        }) {
            let textures = Textures {
                display: upload(ctx, &format!("review-{id}"), &r.display),
                thumbnail: upload(ctx, &format!("review-thumb-{id}"), &r.thumbnail),
            };
            self.textures.insert(id, textures);
            ctx.request_repaint();
        }
    }

    /// Shows the review: toolbar, thumbnail strip, details panel, photo with overlay. `open` is the
    /// app's "Open photos…" dialog (its button and note are in the toolbar). Returns the commands
    /// the person gave.
    pub(crate) fn ui(&self, ui: &mut Ui, open: &OpenPhotosDialog) -> Vec<Command> {
        let mut commands = Vec::new();
        egui::Panel::top("review-toolbar").show(ui, |ui| self.toolbar_ui(ui, open, &mut commands));
        if self.is_empty() {
            egui::CentralPanel::default().show(ui, empty_ui);
            return commands;
        }
        egui::Panel::bottom("review-strip")
            .exact_size(style::STRIP_HEIGHT)
            .show(ui, |ui| self.strip_ui(ui, &mut commands));
        egui::Panel::right("review-details")
            .min_size(style::SIDE_PANEL_WIDTH)
            .default_size(style::SIDE_PANEL_WIDTH * 1.2)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.details_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| self.photo_ui(ui));
        commands
    }

    fn toolbar_ui(&self, ui: &mut Ui, open: &OpenPhotosDialog, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let choosing = open.is_open();
            if open
                .button(ui)
                .on_hover_text(ui.ctx().format_shortcut(&OPEN_SHORTCUT))
                .clicked()
            {
                commands.push(Command::OpenPhotos);
            }
            if choosing {
                ui.spinner();
                ui.label(
                    RichText::new("Choose photos in the file dialog…")
                        .small()
                        .weak(),
                );
            }
            let can_export = self
                .session
                .as_ref()
                .and_then(ReviewSession::selected_entry)
                .is_some_and(|e| e.reviewed().is_some());
            if ui
                .add_enabled(can_export, egui::Button::new("Export…"))
                .on_hover_text(ui.ctx().format_shortcut(&EXPORT_SHORTCUT))
                .clicked()
            {
                commands.push(Command::ExportSelectedPhoto);
            }
            if let Some(selected) = self.selected() {
                if ui.button("Remove").clicked() {
                    commands.push(Command::RemovePhoto(selected));
                }
                if ui.button("Clear all").clicked() {
                    commands.push(Command::ClearPhotos);
                }
            }
            let (busy, total) = self
                .session
                .as_ref()
                .map_or((0, 0), |s| (s.in_progress(), s.entries.len()));
            if busy > 0 {
                ui.separator();
                ui.spinner();
                let done = total - busy;
                ui.add(
                    egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                        .desired_width(style::TOOLBAR_PROGRESS_WIDTH)
                        .text(format!("Checked {done} of {total}")),
                );
            }
            if let Some(note) = open.note() {
                ui.label(RichText::new(note).small().weak());
            }
        });
    }

    fn strip_ui(&self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        egui::ScrollArea::horizontal().show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, entry) in session.entries.iter().enumerate() {
                    let selected = i == session.selected;
                    let tex = self.textures.get(&entry.id).map(|t| &t.thumbnail);
                    if thumbnail_ui(ui, entry, tex, selected) {
                        commands.push(Command::SelectPhoto(i));
                    }
                }
            });
        });
    }

    fn details_ui(&self, ui: &mut Ui) {
        let Some(entry) = self
            .session
            .as_ref()
            .and_then(ReviewSession::selected_entry)
        else {
            return;
        };
        ui.label(RichText::new(&entry.name).strong());
        match &entry.state {
            EntryState::Working(stage) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(stage.label());
                });
            }
            EntryState::Failed(error) => {
                ui.label(
                    RichText::new("This file cannot be checked")
                        .color(style::FAIL)
                        .strong(),
                );
                ui.label(error);
            }
            EntryState::Done(r) => {
                let (w, h) = r.image.dimensions();
                let camera = r
                    .metadata
                    .camera()
                    .unwrap_or_else(|| "unknown camera".into());
                ui.label(
                    RichText::new(format!(
                        "{w}×{h} px · {camera} · checked in {:.0} ms",
                        r.total_ms
                    ))
                    .small()
                    .weak(),
                );
                if r.metadata.has_gps {
                    ui.label(
                        RichText::new(
                            "This file contains its GPS location; the export removes it.",
                        )
                        .small(),
                    );
                }
                if !r.flags.is_empty() {
                    ui.add_space(style::ROW_SPACING);
                    ui.label(RichText::new("Warnings").color(style::WARN).strong());
                    for flag in &r.flags {
                        warning_box(ui, &format!("{}: {}", flag.id.label(), flag.message));
                    }
                }
                ui.add_space(style::ROW_SPACING);
                what_to_fix_ui(ui, &r.report);
                checklist_ui(ui, Some(&r.report));
                if let Some(zone) = &r.report.mrz {
                    ui.add_space(style::ROW_SPACING);
                    super::mrz_panel::ui(ui, &zone.report);
                }
            }
        }
    }

    fn photo_ui(&self, ui: &mut Ui) {
        let Some(entry) = self
            .session
            .as_ref()
            .and_then(ReviewSession::selected_entry)
        else {
            return;
        };
        let avail = ui.available_rect_before_wrap();
        match &entry.state {
            EntryState::Done(r) => {
                let Some(tex) = self.textures.get(&entry.id) else {
                    ui.centered_and_justified(egui::Ui::spinner);
                    return;
                };
                let size = [r.report.width, r.report.height];
                let rect = fit_rect(avail, size);
                let painter = ui.painter_at(avail);
                painter.image(
                    tex.display.id(),
                    rect,
                    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
                let guide = r.report.document.as_ref().map(|d| d.kind);
                paint_report(
                    &painter,
                    rect,
                    size,
                    &r.report,
                    &OverlayOptions {
                        guide: guide.filter(|_| r.report.document.is_none()),
                        mirror: false,
                        refused: false,
                        zone_unconfirmed: false,
                    },
                );
                ui.allocate_rect(avail, Sense::hover());
            }
            EntryState::Working(stage) => {
                ui.vertical_centered(|ui| {
                    ui.add_space(avail.height() * 0.35);
                    ui.spinner();
                    ui.label(format!("{} {}", entry.name, stage.label()));
                    ui.add(
                        egui::ProgressBar::new(stage.fraction())
                            .desired_width(style::PROGRESS_WIDTH)
                            .animate(true),
                    );
                });
            }
            EntryState::Failed(error) => {
                ui.vertical_centered(|ui| {
                    ui.add_space(avail.height() * 0.35);
                    ui.label(
                        RichText::new(format!("Cannot check {}", entry.name))
                            .color(style::FAIL)
                            .size(style::ERROR_TITLE_SIZE),
                    );
                    ui.label(error);
                });
            }
        }
    }
}

fn upload(ctx: &egui::Context, name: &str, image: &RgbImage) -> TextureHandle {
    let (w, h) = image.dimensions();
    let color = egui::ColorImage::from_rgb([w as usize, h as usize], image.as_raw());
    ctx.load_texture(name, color, TextureOptions::LINEAR)
}

fn empty_ui(ui: &mut Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(ui.available_height() * 0.35);
        ui.label(RichText::new("Drop photos here to check them").size(style::EMPTY_TITLE_SIZE));
        ui.label(
            RichText::new(format!(
                "or use “Open photos…” ({}). JPEG, PNG, WebP, TIFF, BMP.",
                ui.ctx().format_shortcut(&OPEN_SHORTCUT)
            ))
            .weak(),
        );
    });
}

/// One line above the checklist naming the most important thing to fix, as the live view's
/// guidance line does, or saying the photo is ready.
fn what_to_fix_ui(ui: &mut Ui, report: &crate::quality::Report) {
    let (text, color) = match report.primary_problem() {
        Some(c) => (format!("To fix: {}", c.message), style::WARN),
        None if report.verdict() == Verdict::Pass => (
            "Ready to upload: every check passes.".to_string(),
            style::PASS,
        ),
        None => match report.failing_checks().first() {
            Some(c) => (format!("To fix: {}", c.message), style::WARN),
            None => (String::new(), style::PASS),
        },
    };
    if !text.is_empty() {
        ui.label(
            RichText::new(text)
                .size(style::WHAT_TO_FIX_SIZE)
                .color(color)
                .strong(),
        );
        ui.add_space(style::ROW_SPACING);
    }
}

/// What a badge means, for its tooltip (the amber PASS in particular).
pub fn badge_meaning(entry: &Entry) -> String {
    match &entry.state {
        EntryState::Working(_) => "Being checked…".into(),
        EntryState::Failed(_) => "This file cannot be checked.".into(),
        EntryState::Done(r) => match r.report.verdict() {
            Verdict::Pass if r.flags.is_empty() => "PASS (green): every check passes.".into(),
            Verdict::Pass => format!(
                "PASS (amber): every check passes, but with {} warning{} a portal may question \
                 (see Warnings beside the photo).",
                r.flags.len(),
                if r.flags.len() == 1 { "" } else { "s" }
            ),
            Verdict::Fail => {
                "FAIL (red): at least one check fails; the list says what to fix.".into()
            }
        },
    }
}

/// The badge of an entry: a short word and its colour. Words, not symbols: egui's built-in fonts
/// have no check-mark glyphs, and a badge must read the same on every system.
pub(crate) fn badge(entry: &Entry) -> (&'static str, Color32) {
    match &entry.state {
        EntryState::Working(_) => ("…", style::NOT_MEASURED),
        EntryState::Failed(_) => ("ERROR", style::FAIL),
        EntryState::Done(r) => match r.report.verdict() {
            Verdict::Pass if r.flags.is_empty() => ("PASS", style::PASS),
            Verdict::Pass => ("PASS", style::WARN),
            Verdict::Fail => ("FAIL", style::FAIL),
        },
    }
}

/// One thumbnail with its badge and name; returns true when clicked. Every cell has the same width
/// (the image centred in it, the name truncated to it, the full name on hover), so the strip reads
/// as even columns; the cell's accessible label is "FAIL name.jpg".
fn thumbnail_ui(ui: &mut Ui, entry: &Entry, tex: Option<&TextureHandle>, selected: bool) -> bool {
    let (word, color) = badge(entry);
    let width = tex.map_or(style::THUMB_HEIGHT, |t| {
        let [w, h] = t.size();
        (style::THUMB_HEIGHT * w as f32 / h.max(1) as f32)
            .clamp(style::THUMB_HEIGHT * 0.5, style::THUMB_HEIGHT * 2.0)
    });
    let cell_width = width.max(style::THUMB_CELL_WIDTH);
    let mut clicked = false;
    ui.vertical(|ui| {
        ui.set_max_width(cell_width);
        let (cell, response) =
            ui.allocate_exact_size(vec2(cell_width, style::THUMB_HEIGHT), Sense::click());
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Button,
                true,
                selected,
                format!("{word} {}", entry.name),
            )
        });
        let rect = Rect::from_center_size(cell.center(), vec2(width, style::THUMB_HEIGHT));
        let painter = ui.painter_at(cell);
        match tex {
            Some(t) => {
                painter.image(
                    t.id(),
                    rect,
                    Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
                    Color32::WHITE,
                );
            }
            None => {
                painter.rect_filled(rect, 4.0, style::THUMB_PLACEHOLDER);
            }
        }
        if selected {
            painter.rect_stroke(
                rect,
                2.0,
                egui::Stroke::new(3.0, ui.visuals().selection.stroke.color),
                egui::StrokeKind::Inside,
            );
        }
        let galley = painter.layout_no_wrap(
            word.to_string(),
            FontId::proportional(style::BADGE_TEXT_SIZE),
            Color32::WHITE,
        );
        let badge = Rect::from_min_size(
            rect.right_top() + vec2(-galley.size().x - 10.0, 4.0),
            galley.size() + vec2(6.0, 2.0),
        );
        painter.rect_filled(badge, 3.0, color);
        painter.galley(badge.min + vec2(3.0, 1.0), galley, Color32::WHITE);
        clicked |= response.on_hover_text(badge_meaning(entry)).clicked();
        clicked |= ui
            .add(egui::Button::selectable(selected, entry.name.as_str()).truncate())
            .on_hover_text(&entry.name)
            .clicked();
    });
    clicked
}
