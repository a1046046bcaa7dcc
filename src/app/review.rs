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
//! Dropped files reach the view through `handle_drops` (the app shell calls it once per frame) or
//! `add_paths` / `add_bytes`. "Open photos…" (Ctrl+O) and the export dialog's "save as" are pickers
//! the owner can replace, answered through `dialogs::Reply` and polled every frame: the view never
//! waits for a dialog, and tests never open a real one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{
    Align2, Color32, FontId, Key, KeyboardShortcut, Modifiers, Rect, RichText, Sense,
    TextureHandle, TextureOptions, Ui, pos2, vec2,
};
use image::RgbImage;

use super::checklist::checklist_ui;
use super::dialogs::{Answer, DialogSlot, Reply, await_on_thread};
use super::export_ui::{ExportDialog, ExportRequest, SavePicker, warning_box};
use super::overlay::{OverlayOptions, fit_rect, paint_report};
use super::style;
use crate::quality::{DocChoice, Preset, Profile, Verdict};
use crate::review::{Entry, EntryState, ReviewSession, Source};

/// Asks which photos to open: shows a dialog and answers through the `Reply` whenever the person
/// has chosen (`None`: cancelled, or no dialog available). Must not wait for the answer itself.
pub type OpenPicker = Box<dyn FnMut(Reply<Vec<PathBuf>>)>;

/// The platform "open files" dialog (rfd, async: see `dialogs`). Lists formats idcap cannot read too
/// (HEIC, PDF) so that choosing one gives a clear message instead of an invisible file.
pub fn rfd_open_picker() -> OpenPicker {
    Box::new(|reply| {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Open photos to check")
            .add_filter(
                "Photos",
                &[
                    "jpg", "jpeg", "png", "webp", "tif", "tiff", "bmp", "heic", "heif",
                ],
            )
            .add_filter("All files", &["*"])
            .pick_files();
        await_on_thread(reply, async move {
            let files = dialog.await?;
            Some(files.iter().map(|f| f.path().to_path_buf()).collect())
        });
    })
}

/// Ctrl+O (Cmd+O on macOS).
pub const OPEN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
/// Ctrl+S (Cmd+S on macOS).
pub const EXPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

/// Height of a thumbnail in the strip, points.
const THUMB_HEIGHT: f32 = 72.0;
/// Width of a thumbnail's cell in the strip (the name is truncated to it), points.
const THUMB_CELL_WIDTH: f32 = 120.0;
/// Height of the thumbnail strip panel, points.
const STRIP_HEIGHT: f32 = THUMB_HEIGHT + 34.0;

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
    export: ExportDialog,
    open_picker: OpenPicker,
    /// The "Open photos…" dialog while it is open.
    open_dialog: DialogSlot<Vec<PathBuf>>,
    /// Shown in the toolbar after "Open photos…" returned nothing.
    note: Option<String>,
}

impl Default for ReviewView {
    fn default() -> Self {
        ReviewView {
            session: None,
            profile: Preset::Standard.profile(DocChoice::Auto),
            textures: HashMap::new(),
            export: ExportDialog::default(),
            open_picker: rfd_open_picker(),
            open_dialog: DialogSlot::default(),
            note: None,
        }
    }
}

impl ReviewView {
    /// A view whose dialogs are `open` and `save` (tests pass closures; the app uses the defaults).
    pub fn with_pickers(open: OpenPicker, save: SavePicker) -> Self {
        ReviewView {
            open_picker: open,
            export: ExportDialog::with_picker(save),
            ..ReviewView::default()
        }
    }

    /// Replaces the "Open photos…" dialog (tests; the app shell's live view opens through it too).
    pub fn set_open_picker(&mut self, picker: OpenPicker) {
        self.open_picker = picker;
    }

    /// The profile photos added from now on are checked against (the live view's, normally).
    pub fn set_profile(&mut self, profile: Profile) {
        if profile != self.profile {
            self.profile = profile;
            if self.session.as_ref().is_some_and(ReviewSession::is_empty) {
                self.session = None;
            }
        }
    }

    fn session(&mut self) -> &mut ReviewSession {
        let profile = self.profile.clone();
        self.session
            .get_or_insert_with(|| ReviewSession::new(profile))
    }

    /// Adds image files to review (read, decoded and scored in the background).
    pub fn add_paths(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            self.session().add(Source::Path(p));
        }
    }

    /// Adds an image held in memory (a file dropped without a path, for example).
    pub fn add_bytes(&mut self, name: String, bytes: Arc<[u8]>) {
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

    /// The export dialog, so the shell can show it and the live view can open it with a frame.
    pub fn export_dialog(&mut self) -> &mut ExportDialog {
        &mut self.export
    }

    pub fn export_dialog_ref(&self) -> &ExportDialog {
        &self.export
    }

    /// Takes the files dropped on the window this frame. Returns true when photos were added (the
    /// shell then switches to the review view). Native drops carry a path and are read off-thread;
    /// a drop without a path is read through its handle.
    pub fn handle_drops(&mut self, ctx: &egui::Context) -> bool {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if dropped.is_empty() {
            return false;
        }
        for file in dropped {
            let path = file.path().to_path_buf();
            if path.is_absolute() && path.exists() {
                self.session().add(Source::Path(path));
            } else {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "dropped file".into());
                match file.bytes() {
                    Ok(bytes) => self.add_bytes(name, bytes.into()),
                    // Unreadable handle: still listed, with the reason, like any bad file.
                    Err(e) => self.add_bytes(format!("{name} ({e})"), Arc::from(&[][..])),
                }
            }
        }
        true
    }

    /// While files are dragged over the window, covers it with "Drop to check N photos". Call once
    /// per frame from the shell (any mode: a drop always opens the review).
    pub fn paint_drop_hint(ctx: &egui::Context) {
        let hovered = ctx.input(|i| i.raw.hovered_files.len());
        if hovered == 0 {
            return;
        }
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("idcap-drop-hint"),
        ));
        let rect = ctx.content_rect();
        painter.rect_filled(rect, 0.0, Color32::from_black_alpha(170));
        painter.rect_stroke(
            rect.shrink(12.0),
            8.0,
            egui::Stroke::new(3.0, style::PASS),
            egui::StrokeKind::Inside,
        );
        let text = if hovered == 1 {
            "Drop to check this photo".to_string()
        } else {
            format!("Drop to check these {hovered} photos")
        };
        egui::Area::new(egui::Id::unique("idcap-drop-hint-text"))
            .order(egui::Order::Tooltip)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .interactable(false)
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(text)
                        .size(style::GUIDANCE_SIZE)
                        .color(Color32::WHITE),
                );
                ui.label(
                    RichText::new("Each photo gets the same checks as the live camera.")
                        .color(Color32::from_gray(220)),
                );
            });
    }

    /// Opens the export dialog for the selected photo, if it was read.
    pub fn open_export(&mut self) -> bool {
        let Some(entry) = self
            .session
            .as_ref()
            .and_then(ReviewSession::selected_entry)
        else {
            return false;
        };
        let Some(r) = entry.reviewed() else {
            return false;
        };
        let mut request = ExportRequest::new(
            Arc::clone(&r.image),
            Some(r.report.clone()),
            ExportRequest::name_for(&entry.name),
        );
        request.flags = r.flags.clone();
        request.icc_profile = r.icc_profile.clone();
        self.export.open(request);
        true
    }

    /// "Open photos…": shows the dialog and returns at once; the photos are added by
    /// `poll_open_dialog` when it answers. Ignored while the dialog is already open.
    pub fn open_photos(&mut self, ctx: &egui::Context) {
        self.open_dialog.start(ctx, &mut self.open_picker);
    }

    /// Whether the "Open photos…" dialog is open (its buttons are disabled meanwhile).
    pub fn is_open_dialog_open(&self) -> bool {
        self.open_dialog.is_open()
    }

    /// Takes the "Open photos…" answer if it came. Returns true when photos were added (the shell
    /// then switches to the review view). Never waits; `ui` calls it too.
    pub fn poll_open_dialog(&mut self) -> bool {
        match self.open_dialog.poll() {
            None => false,
            Some(Answer::Chosen(paths)) if !paths.is_empty() => {
                self.note = None;
                self.add_paths(paths);
                true
            }
            Some(_) => {
                self.note = Some(
                    "No photos chosen (if no dialog appeared, drop the files on the window instead)."
                        .into(),
                );
                false
            }
        }
    }

    fn poll(&mut self, ctx: &egui::Context) {
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

    fn shortcuts(&mut self, ui: &mut Ui) {
        if self.export.is_open() {
            return;
        }
        let (open, export, next, prev) = ui.input_mut(|i| {
            (
                i.consume_shortcut(&OPEN_SHORTCUT),
                i.consume_shortcut(&EXPORT_SHORTCUT),
                i.consume_key(Modifiers::NONE, Key::ArrowRight)
                    || i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::ArrowLeft)
                    || i.consume_key(Modifiers::NONE, Key::ArrowUp),
            )
        });
        if open {
            self.open_photos(ui.ctx());
        }
        if export {
            self.open_export();
        }
        if let Some(s) = self.session.as_mut() {
            if next {
                s.select_next();
            }
            if prev {
                s.select_previous();
            }
        }
    }

    /// Shows the review: toolbar, thumbnail strip, details panel, photo with overlay, export dialog.
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll_open_dialog();
        self.poll(&ctx);
        self.shortcuts(ui);
        egui::Panel::top("review-toolbar").show(ui, |ui| self.toolbar_ui(ui));
        if self.is_empty() {
            egui::CentralPanel::default().show(ui, empty_ui);
            self.export.ui(&ctx);
            return;
        }
        egui::Panel::bottom("review-strip")
            .exact_size(STRIP_HEIGHT)
            .show(ui, |ui| self.strip_ui(ui));
        egui::Panel::right("review-details")
            .min_size(style::SIDE_PANEL_WIDTH)
            .default_size(style::SIDE_PANEL_WIDTH * 1.2)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| self.details_ui(ui));
            });
        egui::CentralPanel::default().show(ui, |ui| self.photo_ui(ui));
        self.export.ui(&ctx);
    }

    fn toolbar_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let choosing = self.open_dialog.is_open();
            if open_photos_button(ui, choosing)
                .on_hover_text(ui.ctx().format_shortcut(&OPEN_SHORTCUT))
                .clicked()
            {
                self.open_photos(ui.ctx());
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
                self.open_export();
            }
            if !self.is_empty() {
                if ui.button("Remove").clicked()
                    && let Some(s) = self.session.as_mut()
                {
                    let i = s.selected;
                    s.remove(i);
                }
                if ui.button("Clear all").clicked()
                    && let Some(s) = self.session.as_mut()
                {
                    s.clear();
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
                        .desired_width(160.0)
                        .text(format!("Checked {done} of {total}")),
                );
            }
            if let Some(note) = &self.note {
                ui.label(RichText::new(note).small().weak());
            }
        });
    }

    fn strip_ui(&mut self, ui: &mut Ui) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        let mut clicked = None;
        egui::ScrollArea::horizontal().show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, entry) in session.entries.iter().enumerate() {
                    let selected = i == session.selected;
                    let tex = self.textures.get(&entry.id).map(|t| &t.thumbnail);
                    if thumbnail_ui(ui, entry, tex, selected) {
                        clicked = Some(i);
                    }
                }
            });
            if let Some(i) = clicked {
                session.selected = i;
            }
        });
    }

    fn details_ui(&mut self, ui: &mut Ui) {
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
                checklist_ui(ui, Some(&r.report));
            }
        }
    }

    fn photo_ui(&mut self, ui: &mut Ui) {
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
                    ui.centered_and_justified(|ui| ui.spinner());
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
                            .desired_width(240.0)
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
                            .size(20.0),
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
        ui.label(RichText::new("Drop photos here to check them").size(24.0));
        ui.label(
            RichText::new(format!(
                "or use “Open photos…” ({}). JPEG, PNG, WebP, TIFF, BMP.",
                ui.ctx().format_shortcut(&OPEN_SHORTCUT)
            ))
            .weak(),
        );
    });
}

/// The badge of an entry: a short word and its colour. Words, not symbols: egui's built-in fonts
/// have no check-mark glyphs, and a badge must read the same on every system.
pub fn badge(entry: &Entry) -> (&'static str, Color32) {
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
    let width = tex.map_or(THUMB_HEIGHT, |t| {
        let [w, h] = t.size();
        (THUMB_HEIGHT * w as f32 / h.max(1) as f32).clamp(THUMB_HEIGHT * 0.5, THUMB_HEIGHT * 2.0)
    });
    let cell_width = width.max(THUMB_CELL_WIDTH);
    let mut clicked = false;
    ui.vertical(|ui| {
        ui.set_max_width(cell_width);
        let (cell, response) =
            ui.allocate_exact_size(vec2(cell_width, THUMB_HEIGHT), Sense::click());
        response.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::Button,
                true,
                selected,
                format!("{word} {}", entry.name),
            )
        });
        let rect = Rect::from_center_size(cell.center(), vec2(width, THUMB_HEIGHT));
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
                painter.rect_filled(rect, 4.0, Color32::from_gray(60));
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
        let galley =
            painter.layout_no_wrap(word.to_string(), FontId::proportional(11.0), Color32::WHITE);
        let badge = Rect::from_min_size(
            rect.right_top() + vec2(-galley.size().x - 10.0, 4.0),
            galley.size() + vec2(6.0, 2.0),
        );
        painter.rect_filled(badge, 3.0, color);
        painter.galley(badge.min + vec2(3.0, 1.0), galley, Color32::WHITE);
        clicked |= response.clicked();
        clicked |= ui
            .add(egui::Button::selectable(selected, entry.name.as_str()).truncate())
            .on_hover_text(&entry.name)
            .clicked();
    });
    clicked
}

/// The "Open photos…" button, disabled while the file dialog (`dialog_open`) is open: the review
/// toolbar and the shell's live view both show it.
pub fn open_photos_button(ui: &mut Ui, dialog_open: bool) -> egui::Response {
    ui.add_enabled(!dialog_open, egui::Button::new("Open photos…"))
        .on_disabled_hover_text("The file dialog is open.")
}
