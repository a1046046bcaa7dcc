//! The "Open photos…" dialog: one for the whole app, used from the live view and the review.
//!
//! Decides how photos are chosen from disk without blocking the window: the picker (the platform
//! dialog, or a test's closure) answers through `dialogs::Reply`, the app polls once per frame, and
//! the chosen photos become `Command::AddPhotos`. While the dialog is open its buttons are disabled
//! and asking again opens nothing.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use super::dialogs::{Answer, DialogSlot, Reply, await_on_thread};

/// Asks which photos to open: shows a dialog and answers through the `Reply` whenever the person
/// has chosen (`None`: cancelled, or no dialog available). Must not wait for the answer itself.
pub type OpenPicker = Box<dyn FnMut(Reply<Vec<PathBuf>>)>;

/// Ctrl+O (Cmd+O on macOS).
pub(crate) const OPEN_SHORTCUT: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND, Key::O);

/// The platform "open files" dialog (rfd, async: see `dialogs`). Lists formats idcap cannot read too
/// (HEIC, PDF) so that choosing one gives a clear message instead of an invisible file.
pub(crate) fn rfd_open_picker() -> OpenPicker {
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

/// The "Open photos…" dialog's state.
pub(crate) struct OpenPhotosDialog {
    picker: OpenPicker,
    /// The dialog while it is open.
    slot: DialogSlot<Vec<PathBuf>>,
    /// Shown in the review toolbar after the dialog returned nothing.
    note: Option<String>,
}

impl Default for OpenPhotosDialog {
    fn default() -> Self {
        OpenPhotosDialog {
            picker: rfd_open_picker(),
            slot: DialogSlot::default(),
            note: None,
        }
    }
}

impl OpenPhotosDialog {
    /// Replaces the picker (tests pass a closure answering with their files).
    pub(crate) fn set_picker(&mut self, picker: OpenPicker) {
        self.picker = picker;
    }

    /// Shows the dialog and returns at once; the photos come from `poll`. Ignored while the dialog
    /// is already open.
    pub(crate) fn start(&mut self, ctx: &egui::Context) {
        self.slot.start(ctx, &mut self.picker);
    }

    /// Whether the dialog is open (its buttons are disabled meanwhile).
    pub(crate) fn is_open(&self) -> bool {
        self.slot.is_open()
    }

    /// The chosen photos, once the dialog answered with some. Never waits. An empty or cancelled
    /// answer leaves a note saying so.
    pub(crate) fn poll(&mut self) -> Option<Vec<PathBuf>> {
        match self.slot.poll()? {
            Answer::Chosen(paths) if !paths.is_empty() => {
                self.note = None;
                Some(paths)
            }
            _ => {
                self.note = Some(
                    "No photos chosen (if no dialog appeared, drop the files on the window instead)."
                        .into(),
                );
                None
            }
        }
    }

    /// What to tell the person about the last answer, if anything.
    pub(crate) fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The "Open photos…" button, disabled while the dialog is open: the review toolbar and the
    /// live view both show it.
    pub(crate) fn button(&self, ui: &mut Ui) -> egui::Response {
        ui.add_enabled(!self.is_open(), egui::Button::new("Open photos…"))
            .on_disabled_hover_text("The file dialog is open.")
    }
}
