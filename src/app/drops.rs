//! Files dropped on the window: the hint shown while they are dragged over it, and the commands a
//! drop becomes.
//!
//! Decides how a dropped file reaches the review. A native drop carries a path and is read off the
//! UI thread by the review; a drop without a usable path (a browser drag, a platform that gives no
//! path) is read through its handle and reviewed from memory. Any drop opens the review view.

use std::sync::Arc;

use egui::{Align2, Color32, RichText, vec2};

use super::commands::Command;
use super::style;

/// The commands for the files dropped on the window this frame (none when nothing was dropped).
pub(crate) fn dropped_photos(ctx: &egui::Context) -> Vec<Command> {
    let dropped = ctx.input(|i| i.raw.dropped_files.clone());
    let mut commands: Vec<Command> = Vec::new();
    for file in dropped {
        let path = file.path().to_path_buf();
        if path.is_absolute() && path.exists() {
            // Consecutive files on disk go in one command; the list keeps the order of the drop.
            match commands.last_mut() {
                Some(Command::AddPhotos(paths)) => paths.push(path),
                _ => commands.push(Command::AddPhotos(vec![path])),
            }
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dropped file".into());
        commands.push(match file.bytes() {
            Ok(bytes) => Command::AddPhotoBytes {
                name,
                bytes: bytes.into(),
            },
            // Unreadable handle: still listed, with the reason, like any bad file.
            Err(e) => Command::AddPhotoBytes {
                name: format!("{name} ({e})"),
                bytes: Arc::from(&[][..]),
            },
        });
    }
    commands
}

/// While files are dragged over the window, covers it with "Drop to check N photos". Called once
/// per frame in any mode: a drop always opens the review.
pub(crate) fn paint_drop_hint(ctx: &egui::Context) {
    let hovered = ctx.input(|i| i.raw.hovered_files.len());
    if hovered == 0 {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("idcap-drop-hint"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, style::DROP_HINT_SHADE);
    painter.rect_stroke(
        rect.shrink(style::DROP_HINT_INSET),
        style::DROP_HINT_CORNER_RADIUS,
        egui::Stroke::new(style::DROP_HINT_STROKE_WIDTH, style::PASS),
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
                    .color(style::DROP_HINT_SUBTEXT),
            );
        });
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// A dropped file with the given path, whose bytes are `bytes` (or an error when `None`).
    #[derive(Debug)]
    struct Dropped(PathBuf, Option<Vec<u8>>);

    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            self.1.clone().ok_or_else(|| "handle closed".to_string())
        }
    }

    fn commands_for(files: Vec<Dropped>) -> Vec<Command> {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        for f in files {
            input.dropped_files.push(Arc::new(f));
        }
        let mut commands = Vec::new();
        let mut output = ctx.run_ui(input, |ui| commands = dropped_photos(ui.ctx()));
        // No renderer here: the font texture egui made is not needed.
        output.textures_delta.clear();
        commands
    }

    #[test]
    fn a_drop_with_a_path_is_read_by_path_and_one_without_from_its_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let on_disk = dir.path().join("card.jpg");
        std::fs::write(&on_disk, b"x").expect("write");
        let commands = commands_for(vec![
            Dropped(on_disk.clone(), None),
            Dropped(PathBuf::from("from-browser.png"), Some(vec![1, 2, 3])),
            Dropped(PathBuf::new(), None),
        ]);
        assert_eq!(
            commands,
            [
                Command::AddPhotos(vec![on_disk]),
                Command::AddPhotoBytes {
                    name: "from-browser.png".into(),
                    bytes: Arc::from(&[1u8, 2, 3][..]),
                },
                Command::AddPhotoBytes {
                    name: "dropped file (handle closed)".into(),
                    bytes: Arc::from(&[][..]),
                },
            ]
        );
    }

    #[test]
    fn no_drop_no_command() {
        assert!(commands_for(Vec::new()).is_empty());
    }
}
