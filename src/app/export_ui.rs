//! The "Export…" dialog: from a reviewed photo or a captured frame to a compliant JPG on disk.
//!
//! Decides the export flow a person goes through: choose the preset and full photo vs deskewed crop,
//! read a warning naming every failing check (and the soft flags) before writing, pick the file in a
//! save dialog, confirm before replacing an existing file, then watch it being written on a worker
//! thread (12 MP takes a few seconds: the size search encodes several times) and read the result or a
//! clear error. The save dialog never blocks the window: it is a picker answering through
//! `dialogs::Reply`, polled every frame, and the owner can replace it, so tests inject a path and
//! never open a real dialog. While it is open the export dialog waits for it and cannot be closed.
//!
//! The live view uses the same dialog: `ExportDialog::open(ExportRequest::new(frame, report, name))`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossbeam_channel::{Receiver, TryRecvError, bounded};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use image::RgbImage;

use super::dialogs::{Answer, DialogSlot, Reply, await_on_thread};
use super::stills::Side;
use super::style;
use crate::export::{self, ExportPreset, Exported, Layout};
use crate::quality::Report;
use crate::quality::flags::SoftFlag;

/// Ctrl+S (Cmd+S on macOS): export the still or the selected photo.
pub(crate) const EXPORT_SHORTCUT: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

/// Asks where to save, offering the suggested file name: shows a dialog and answers through the
/// `Reply` when the person has chosen (`None`: cancelled, or no dialog available). Must not wait for
/// the answer itself.
pub type SavePicker = Box<dyn FnMut(&str, Reply<PathBuf>)>;

/// The platform save dialog (rfd, async: see `dialogs`). On Linux without a portal or zenity it
/// answers `None` at once.
pub(crate) fn rfd_save_picker() -> SavePicker {
    Box::new(|suggested: &str, reply| {
        let dialog = rfd::AsyncFileDialog::new()
            .set_title("Export a compliant JPG")
            .set_file_name(suggested)
            .add_filter("JPEG image", &["jpg", "jpeg"])
            .save_file();
        await_on_thread(
            reply,
            async move { Some(dialog.await?.path().to_path_buf()) },
        );
    })
}

/// What to export: upright full-resolution pixels and their report.
#[derive(Clone)]
pub(crate) struct ExportRequest {
    pub(crate) image: Arc<RgbImage>,
    pub(crate) report: Option<Report>,
    /// Soft-flag warnings to repeat before exporting.
    pub(crate) flags: Vec<SoftFlag>,
    /// The ICC profile the pixels are in, when not sRGB (a phone's Display P3); converted on export.
    pub(crate) icc_profile: Option<Arc<[u8]>>,
    /// The file name offered in the save dialog ("passport-idcap.jpg").
    pub(crate) suggested_name: String,
    /// Which side of an ID card this is, named in the dialog; `None` for a photo or a passport.
    pub side: Option<Side>,
    /// The other side of an ID card, offered as "Both sides" (written as …-front.jpg and
    /// …-back.jpg, this one first).
    pub other_side: Option<Box<ExportRequest>>,
}

impl ExportRequest {
    pub(crate) fn new(
        image: Arc<RgbImage>,
        report: Option<Report>,
        suggested_name: String,
    ) -> Self {
        ExportRequest {
            image,
            report,
            flags: Vec::new(),
            icc_profile: None,
            suggested_name,
            side: None,
            other_side: None,
        }
    }

    /// Names the side this request exports.
    pub fn for_side(mut self, side: Side) -> Self {
        self.side = Some(side);
        self
    }

    /// Offers `other` (the other side) for a "Both sides" export.
    pub fn with_other_side(mut self, other: ExportRequest) -> Self {
        self.other_side = Some(Box::new(other));
        self
    }

    /// "IMG_2041.jpg" → "IMG_2041-idcap.jpg".
    pub(crate) fn name_for(source_name: &str) -> String {
        let stem = Path::new(source_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "photo".into());
        format!("{stem}-idcap.jpg")
    }
}

enum Step {
    /// Choosing preset and layout.
    Options,
    /// The save dialog is open; its answer comes through the slot.
    ChoosingFile(DialogSlot<PathBuf>),
    /// The chosen file exists: replace it?
    ConfirmReplace(PathBuf),
    /// A worker thread is writing the file (both files, for both sides).
    Writing(PathBuf, Receiver<Result<Vec<Exported>, String>>),
    /// Finished: the file, or why not.
    Done(Result<Exported, String>),
}

/// The export dialog's state. Call `ui` every frame; it shows nothing while closed.
pub struct ExportDialog {
    request: Option<ExportRequest>,
    step: Step,
    preset: ExportPreset,
    layout: Layout,
    /// Shown under the buttons after a cancelled save dialog.
    note: Option<String>,
    picker: SavePicker,
    /// Export both sides of an ID card (offered when the request has the other side).
    both_sides: bool,
    /// Files written besides the one `Step::Done` reports (the back, for both sides).
    also_written: Vec<Exported>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            request: None,
            step: Step::Options,
            preset: ExportPreset::default(),
            layout: Layout::FullFrame,
            note: None,
            picker: rfd_save_picker(),
            both_sides: false,
            also_written: Vec::new(),
        }
    }
}

impl ExportDialog {
    pub(crate) fn set_picker(&mut self, picker: SavePicker) {
        self.picker = picker;
    }

    /// Opens the dialog for `request`. Ignored while a save dialog is open or a file is being
    /// written: that export finishes first.
    pub(crate) fn open(&mut self, request: ExportRequest) {
        if self.is_busy() {
            return;
        }
        if self.layout == Layout::DeskewedCrop
            && request
                .report
                .as_ref()
                .and_then(|r| r.document.as_ref())
                .is_none()
        {
            self.layout = Layout::FullFrame;
        }
        // Two sides to export: offer both by default, as portals ask for both.
        self.both_sides = request.other_side.is_some();
        self.request = Some(request);
        self.step = Step::Options;
        self.note = None;
        self.also_written.clear();
    }

    /// Every file the last finished export wrote (two for both sides).
    pub fn written(&self) -> Vec<&Exported> {
        match &self.step {
            Step::Done(Ok(first)) => std::iter::once(first).chain(&self.also_written).collect(),
            _ => Vec::new(),
        }
    }

    /// Chooses "both sides" (true) or only the side the dialog was opened for.
    pub fn set_both_sides(&mut self, both: bool) {
        self.both_sides = both
            && self
                .request
                .as_ref()
                .is_some_and(|r| r.other_side.is_some());
    }

    pub(crate) fn is_open(&self) -> bool {
        self.request.is_some()
    }

    /// Whether a file is being written right now.
    pub(crate) fn is_writing(&self) -> bool {
        matches!(self.step, Step::Writing(..))
    }

    /// Whether the save dialog is open.
    pub fn is_choosing_file(&self) -> bool {
        matches!(self.step, Step::ChoosingFile(..))
    }

    /// Waiting for the save dialog or the writer: the dialog cannot be closed or reopened.
    fn is_busy(&self) -> bool {
        self.is_writing() || self.is_choosing_file()
    }

    /// The last finished export, if the dialog is showing one.
    pub(crate) fn result(&self) -> Option<&Result<Exported, String>> {
        match &self.step {
            Step::Done(r) => Some(r),
            _ => None,
        }
    }

    pub(crate) fn close(&mut self) {
        if !self.is_busy() {
            self.request = None;
            self.step = Step::Options;
        }
    }

    /// Shows the dialog (a modal window) when open.
    pub(crate) fn ui(&mut self, ctx: &egui::Context) {
        if self.request.is_none() {
            return;
        }
        self.poll_save_dialog();
        self.poll_writer(ctx);
        let modal = egui::Modal::new(egui::Id::unique("idcap-export-dialog")).show(ctx, |ui| {
            ui.set_width(style::SIDE_PANEL_WIDTH * 1.5);
            ui.heading("Export a compliant JPG");
            ui.add_space(style::ROW_SPACING);
            match &self.step {
                Step::Options => self.options_ui(ui),
                Step::ConfirmReplace(path) => {
                    let path = path.clone();
                    self.confirm_ui(ui, path);
                }
                Step::ChoosingFile(_) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Choose where to save the JPG in the file dialog…");
                    });
                }
                Step::Writing(path, _) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(format!("Writing {}…", path.display()));
                    });
                }
                Step::Done(result) => {
                    let result = result.clone();
                    self.done_ui(ui, &result);
                }
            }
        });
        if modal.should_close() && !self.is_busy() {
            self.close();
        }
    }

    fn options_ui(&mut self, ui: &mut Ui) {
        let Some(request) = &self.request else {
            return;
        };
        let has_document = request
            .report
            .as_ref()
            .is_some_and(|r| r.document.is_some());
        if let Some(side) = request.side.map(Side::label) {
            ui.label(RichText::new("Which side").strong());
            match &request.other_side {
                Some(other) => {
                    let other_name = other.side.map(Side::label).unwrap_or("other side");
                    let (a, b) = both_names(&request.suggested_name);
                    ui.radio_value(
                        &mut self.both_sides,
                        true,
                        format!("Both sides: {a} and {b}"),
                    );
                    ui.radio_value(&mut self.both_sides, false, format!("{side} only"));
                    ui.label(
                        RichText::new(format!(
                            "Portals ask for the two sides as two uploads. ({side} and {other_name} \
                             are written with the same settings.)"
                        ))
                        .small()
                        .weak(),
                    );
                }
                None => {
                    ui.label(format!("{side} only"));
                }
            }
            ui.add_space(style::ROW_SPACING);
        }
        ui.label(RichText::new("Portal rules").strong());
        egui::ComboBox::from_id_salt("export-preset")
            .selected_text(self.preset.label)
            .width(ui.available_width())
            .show_ui(ui, |ui| {
                for p in ExportPreset::ALL {
                    ui.selectable_value(&mut self.preset, p, p.label);
                }
            });
        ui.add_space(style::ROW_SPACING);
        ui.label(RichText::new("What to export").strong());
        ui.radio_value(
            &mut self.layout,
            Layout::FullFrame,
            Layout::FullFrame.label(),
        );
        ui.add_enabled_ui(has_document, |ui| {
            ui.radio_value(
                &mut self.layout,
                Layout::DeskewedCrop,
                Layout::DeskewedCrop.label(),
            )
            .on_disabled_hover_text(
                "No document was found in this photo, so it cannot be cropped.",
            );
        });
        ui.label(
            RichText::new(
                "Original pixels, no filters. EXIF, GPS location and other metadata are removed; the \
                 orientation is kept in the pixels.",
            )
            .small()
            .weak(),
        );
        ui.add_space(style::ROW_SPACING);
        let both = self.both_sides && request.other_side.is_some();
        let sides: Vec<&ExportRequest> = std::iter::once(request)
            .chain(request.other_side.as_deref().filter(|_| both))
            .collect();
        for r in &sides {
            if let Some(warning) = r.report.as_ref().and_then(export::failure_warning) {
                let side = r
                    .side
                    .map(|s| format!("{}: ", s.label()))
                    .unwrap_or_default();
                warning_box(ui, &format!("{side}{warning}\nYou can still export it."));
            }
        }
        for flag in &request.flags {
            warning_box(ui, &format!("{}: {}", flag.id.label(), flag.message));
        }
        ui.add_space(style::ROW_SPACING);
        let mut choose = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            let label = if both {
                "Choose file and export both…"
            } else {
                "Choose file and export…"
            };
            choose = ui.button(label).clicked();
            cancel = ui.button("Cancel").clicked();
        });
        if let Some(note) = &self.note {
            ui.label(RichText::new(note).small().weak());
        }
        if cancel {
            self.close();
        } else if choose {
            let mut slot = DialogSlot::default();
            let (picker, suggested) = (&mut self.picker, request.suggested_name.as_str());
            slot.start(ui.ctx(), |reply| picker(suggested, reply));
            self.step = Step::ChoosingFile(slot);
        }
    }

    /// Takes the save dialog's answer if it came: on to writing (or asking before replacing), or
    /// back to the options with a note when cancelled. Never waits.
    fn poll_save_dialog(&mut self) {
        let Step::ChoosingFile(slot) = &mut self.step else {
            return;
        };
        match slot.poll() {
            None => {}
            Some(Answer::Cancelled) => {
                self.step = Step::Options;
                self.note = Some(
                    "No file chosen. (If no save dialog appeared, this system has no file \
                     dialog: install zenity or xdg-desktop-portal, or use `idcap export`.)"
                        .into(),
                );
            }
            Some(Answer::Chosen(path)) => {
                let path = with_jpg_extension(path);
                if self.targets(&path).iter().any(|p| p.exists()) {
                    self.step = Step::ConfirmReplace(path);
                } else {
                    self.step = Step::Options;
                    self.start_writing(path, false);
                }
            }
        }
    }

    /// The files an export to `path` writes: `path`, or its -front and -back names.
    fn targets(&self, path: &Path) -> Vec<PathBuf> {
        let both = self.both_sides
            && self
                .request
                .as_ref()
                .is_some_and(|r| r.other_side.is_some());
        if !both {
            return vec![path.to_path_buf()];
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (front, back) = both_names(&name);
        let named = |r: &ExportRequest| match r.side {
            Some(Side::Back) => path.with_file_name(&back),
            _ => path.with_file_name(&front),
        };
        match &self.request {
            Some(r) => std::iter::once(r)
                .chain(r.other_side.as_deref())
                .map(named)
                .collect(),
            None => Vec::new(),
        }
    }

    fn confirm_ui(&mut self, ui: &mut Ui, path: PathBuf) {
        let existing: Vec<String> = self
            .targets(&path)
            .iter()
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        ui.label(format!(
            "{} already exists. Replace it with the export?",
            existing.join(" and ")
        ));
        ui.horizontal(|ui| {
            if ui.button("Replace").clicked() {
                self.start_writing(path.clone(), true);
            }
            if ui.button("Keep the existing file").clicked() {
                self.step = Step::Options;
            }
        });
    }

    fn done_ui(&mut self, ui: &mut Ui, result: &Result<Exported, String>) {
        match result {
            Ok(e) => {
                ui.label(RichText::new("Exported").color(style::PASS).strong());
                for e in std::iter::once(e).chain(&self.also_written) {
                    ui.label(e.summary());
                    for note in &e.notes {
                        ui.label(RichText::new(note).small());
                    }
                }
            }
            Err(e) => {
                ui.label(RichText::new("Not exported").color(style::FAIL).strong());
                ui.label(e);
            }
        }
        ui.horizontal(|ui| {
            if ui.button("Close").clicked() {
                self.close();
            }
            if result.is_err() && ui.button("Try again").clicked() {
                self.step = Step::Options;
            }
        });
    }

    fn start_writing(&mut self, path: PathBuf, overwrite: bool) {
        let Some(request) = &self.request else {
            return;
        };
        let (tx, rx) = bounded(1);
        let targets = self.targets(&path);
        // Each side alone (its pixels, report and colour profile) with the file it goes to.
        let jobs: Vec<(ExportRequest, PathBuf)> = std::iter::once(request)
            .chain(request.other_side.as_deref())
            .zip(targets)
            .map(|(r, target)| {
                let side = ExportRequest {
                    other_side: None,
                    ..r.clone()
                };
                (side, target)
            })
            .collect();
        let (preset, layout) = (self.preset, self.layout);
        let spawned = std::thread::Builder::new()
            .name("idcap-export".into())
            .spawn(move || {
                let mut written = Vec::new();
                for (side, target) in jobs {
                    // A bug in the export becomes this export's error, not a dead thread.
                    let result = crate::guard::catch_panic(|| {
                        export::export_with_profile(
                            &side.image,
                            side.icc_profile.as_deref(),
                            side.report.as_ref(),
                            &preset,
                            layout,
                            &target,
                            overwrite,
                        )
                        .map_err(|e| e.to_string())
                    })
                    .unwrap_or_else(|e| Err(e.to_string()));
                    match result {
                        Ok(e) => written.push(e),
                        Err(e) => {
                            let _ = tx.send(Err(format!("{}: {e}", target.display())));
                            return;
                        }
                    }
                }
                let _ = tx.send(Ok(written));
            });
        self.step = match spawned {
            Ok(_) => Step::Writing(path, rx),
            Err(e) => Step::Done(Err(format!("cannot start writing: {e}"))),
        };
    }

    fn poll_writer(&mut self, ctx: &egui::Context) {
        if let Step::Writing(_, rx) = &self.step {
            match rx.try_recv() {
                Ok(Ok(mut written)) if !written.is_empty() => {
                    let first = written.remove(0);
                    self.also_written = written;
                    self.step = Step::Done(Ok(first));
                }
                Ok(Ok(_)) => self.step = Step::Done(Err("nothing was written".into())),
                Ok(Err(e)) => self.step = Step::Done(Err(e)),
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(50));
                }
                Err(TryRecvError::Disconnected) => {
                    self.step = Step::Done(Err("the export stopped unexpectedly".into()));
                }
            }
        }
    }
}

/// The two file names of a both-sides export for a chosen `name`: "id-idcap.jpg" →
/// ("id-idcap-front.jpg", "id-idcap-back.jpg"); a chosen name already ending in -front or -back
/// is not doubled.
pub fn both_names(name: &str) -> (String, String) {
    let path = Path::new(name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem
        .strip_suffix("-front")
        .or_else(|| stem.strip_suffix("-back"))
        .unwrap_or(&stem)
        .to_string();
    let stem = if stem.is_empty() { "id".into() } else { stem };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "jpg".into());
    (format!("{stem}-front.{ext}"), format!("{stem}-back.{ext}"))
}

/// Adds ".jpg" to a name chosen without an extension.
fn with_jpg_extension(path: PathBuf) -> PathBuf {
    match path.extension() {
        Some(_) => path,
        None => path.with_extension("jpg"),
    }
}

/// An amber-framed warning paragraph.
pub(crate) fn warning_box(ui: &mut Ui, text: &str) {
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, style::WARN))
        .inner_margin(6.0)
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(text);
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggested_names_keep_the_stem() {
        assert_eq!(
            ExportRequest::name_for("IMG_2041.HEIC"),
            "IMG_2041-idcap.jpg"
        );
        assert_eq!(ExportRequest::name_for(""), "photo-idcap.jpg");
        assert_eq!(
            both_names("id-idcap.jpg"),
            ("id-idcap-front.jpg".into(), "id-idcap-back.jpg".into())
        );
        assert_eq!(
            both_names("mine-back.jpeg"),
            ("mine-front.jpeg".into(), "mine-back.jpeg".into())
        );
        assert_eq!(
            with_jpg_extension(PathBuf::from("/tmp/out")),
            PathBuf::from("/tmp/out.jpg")
        );
    }
}
