//! The review view and the export dialog, driven through egui_kittest on the whole app (the shipped
//! frame loop, drop handling and command handler): dropping files (valid, invalid, several), the
//! drag-over hint, arrow keys, "Open photos…", and the export flow with an injected save path (no
//! real dialog is ever opened). Injected pickers answer through the same
//! reply channel and per-frame polling as the real dialogs; late ones show the window keeps running
//! frames, and opens only one dialog, while a dialog is open.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::dialogs::LatePicker;
use common::fixtures::{jpeg_with_metadata, phone_exif, png_bomb, sensor_scene};
use egui::{HoveredFile, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use idcap::app::export_ui::SavePicker;
use idcap::app::open_photos::OpenPicker;
use idcap::app::{App, AppOptions, Command, Mode};
use idcap::camera::{self, CameraFrame, FrameSource, SourceError};
use idcap::quality::{Frame, Profile};
use idcap::review::EntryState;

/// A webcam that is not there: the app's camera stays idle while these tests review photos.
struct NoCamera;

impl FrameSource for NoCamera {
    fn name(&self) -> String {
        "Webcam".into()
    }
    fn next_frame(&mut self) -> Result<CameraFrame, SourceError> {
        Err(SourceError::Unavailable("No camera found.".into()))
    }
}

/// A file dropped by the test, with a path like the native backend gives.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// An "Open photos…" that is cancelled at once.
fn cancel_open() -> OpenPicker {
    Box::new(|reply| reply.send(None))
}

/// A save dialog that is cancelled at once.
fn cancel_save() -> SavePicker {
    Box::new(|_, reply| reply.send(None))
}

/// The app on its review view, with `open` and `save` as its file dialogs.
fn harness(open: OpenPicker, save: SavePicker) -> Harness<'static, App> {
    // No `allow_missing_glyphs`: a character egui's built-in fonts lack (a ✔ in the checklist,
    // say) shows as a box to people, so it fails the test here.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            App::new(
                cc,
                AppOptions {
                    injected_source: Some(camera::ready(NoCamera)),
                    assess: Some(Box::new(|_: &Frame, _: &Profile| {
                        idcap::capture::scripted::no_document()
                    })),
                    lockstep: true,
                    ignore_saved_settings: true,
                    ..AppOptions::default()
                },
            )
        });
    h.state_mut().set_open_picker(open);
    h.state_mut().set_save_picker(save);
    h.state_mut().send(Command::ShowReview);
    h.step();
    assert_eq!(h.state().mode, Mode::Review);
    h
}

/// Steps frames until every photo is checked and its textures are up (or 60 s pass).
fn settle(h: &mut Harness<'static, App>) {
    let end = Instant::now() + Duration::from_secs(60);
    while h.state().review.in_progress() > 0 && Instant::now() < end {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    // Textures upload one photo per frame.
    for _ in 0..(h.state().review.len() + 3) {
        h.step();
    }
    assert_eq!(
        h.state().review.in_progress(),
        0,
        "photos still being checked"
    );
}

fn drop_files(h: &mut Harness<'static, App>, paths: &[PathBuf]) {
    for p in paths {
        h.input_mut()
            .dropped_files
            .push(Arc::new(DroppedPath(p.clone())));
    }
    h.step();
}

/// Writes the test files: a phone photo, a PDF, a zero-byte file, a HEIC header, a PNG bomb.
fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "phone.jpg",
            jpeg_with_metadata(&sensor_scene(1600, 1200), phone_exif(6, "G991BXXU5CVLL")),
        ),
        ("scan.pdf", b"%PDF-1.7\n1 0 obj".to_vec()),
        ("empty.jpg", Vec::new()),
        (
            "IMG_0001.HEIC",
            b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(),
        ),
        ("huge.png", png_bomb()),
    ];
    files
        .into_iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            std::fs::write(&p, bytes).expect("write fixture");
            p
        })
        .collect()
}

#[test]
fn dropping_several_files_reviews_the_good_one_and_explains_the_bad_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let mut h = harness(cancel_open(), cancel_save());
    h.step();
    assert!(h.query_by_label_contains("Drop photos here").is_some());

    // Dragging over the window shows that the drop will be accepted.
    h.input_mut().hovered_files = vec![
        HoveredFile {
            path: Some(files[0].clone()),
            mime: String::new(),
        },
        HoveredFile {
            path: Some(files[1].clone()),
            mime: String::new(),
        },
    ];
    let hovering = h.input().hovered_files.clone();
    h.step();
    // A new window area is measured in its first frame and shown from the second.
    h.input_mut().hovered_files = hovering;
    h.step();
    assert!(h.query_by_label("Drop to check these 2 photos").is_some());
    h.input_mut().hovered_files.clear();

    drop_files(&mut h, &files);
    assert_eq!(h.state().review.len(), 5);
    settle(&mut h);
    assert!(h.query_by_label("Drop to check these 2 photos").is_none());

    let session = h.state().review.session_ref().expect("session");
    let states: Vec<&EntryState> = session.entries.iter().map(|e| &e.state).collect();
    let EntryState::Done(photo) = states[0] else {
        panic!("the phone photo was not reviewed");
    };
    // EXIF orientation 6 honoured: the stored 1600 × 1200 is shown 1200 × 1600.
    assert_eq!(photo.image.dimensions(), (1200, 1600));
    for (i, expected) in [(1, "PDF"), (2, "empty"), (3, "HEIC"), (4, "memory")] {
        match states[i] {
            EntryState::Failed(msg) => assert!(
                msg.contains(expected) || (i == 4 && msg.contains("30000")),
                "{msg}"
            ),
            _ => panic!("entry {i} should have failed"),
        }
    }

    // The strip lists every file with a badge; the first dropped is selected (issue 14).
    assert!(h.query_by_label_contains("FAIL phone.jpg").is_some());
    assert!(h.query_by_label_contains("ERROR scan.pdf").is_some());
    assert_eq!(h.state().review.selected(), Some(0));

    // Click the phone photo: checklist with portal wording, GPS note.
    h.get_by_label_contains("FAIL phone.jpg").click();
    h.step();
    h.step();
    assert_eq!(h.state().review.selected(), Some(0));
    assert!(h.query_by_label("Document found").is_some());
    assert!(h.query_by_label_contains("GPS location").is_some());
    assert!(
        h.query_all_by_label_contains("Portal would say")
            .next()
            .is_some()
    );
}

#[test]
fn ctrl_o_on_the_live_tab_opens_photos_into_the_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let mut h = harness(
        Box::new(move |reply| reply.send(Some(files.clone()))),
        cancel_save(),
    );
    h.state_mut().send(Command::ShowLive);
    h.step();
    assert_eq!(h.state().mode, Mode::Live);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    assert_eq!(h.state().mode, Mode::Review);
    assert_eq!(h.state().review.len(), 5);
}

#[test]
fn arrow_keys_move_between_photos_and_open_uses_the_picker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let to_open = files.clone();
    let mut h = harness(
        Box::new(move |reply| reply.send(Some(to_open.clone()))),
        cancel_save(),
    );
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    // The answer comes through the dialog's channel, read at the start of the next frame.
    h.run_steps(2);
    assert_eq!(h.state().review.len(), 5);
    settle(&mut h);
    // The review opens on the first photo opened (issue 14); go to the last with the arrow key.
    assert_eq!(h.state().review.selected(), Some(0));
    for _ in 0..4 {
        h.key_press(Key::ArrowRight);
        h.step();
    }
    assert_eq!(h.state().review.selected(), Some(4));
    h.key_press(Key::ArrowLeft);
    h.step();
    assert_eq!(h.state().review.selected(), Some(3));
    h.key_press(Key::ArrowLeft);
    h.step();
    h.key_press(Key::ArrowLeft);
    h.key_press(Key::ArrowLeft);
    h.key_press(Key::ArrowLeft);
    h.step();
    assert_eq!(h.state().review.selected(), Some(0));
    h.key_press(Key::ArrowRight);
    h.step();
    assert_eq!(h.state().review.selected(), Some(1));
}

#[test]
fn export_warns_about_failing_checks_then_writes_and_never_overwrites_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let out = dir.path().join("export.jpg");
    let asked = Arc::new(Mutex::new(Vec::<String>::new()));
    let asked_in = Arc::clone(&asked);
    let target = out.clone();
    let mut h = harness(
        cancel_open(),
        Box::new(move |suggested: &str, reply| {
            if let Ok(mut a) = asked_in.lock() {
                a.push(suggested.to_string());
            }
            reply.send(Some(target.clone()));
        }),
    );
    drop_files(&mut h, &files[..1]);
    settle(&mut h);

    // Ctrl+S opens the dialog, which names the failing checks before anything is written.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    h.step();
    assert!(h.query_by_label("Export a compliant JPG").is_some());
    assert!(h.query_by_label_contains("fails").is_some());
    assert!(
        h.query_all_by_label_contains("Portal would say")
            .next()
            .is_some()
            && h.query_all_by_label_contains("(document)").next().is_some()
                | h.query_all_by_label_contains("(focus)").next().is_some()
    );
    assert!(!out.exists());

    h.get_by_label("Choose file and export…").click();
    h.step();
    let end = Instant::now() + Duration::from_secs(60);
    while h.query_by_label("Exported").is_none() && Instant::now() < end {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        h.query_by_label("Exported").is_some(),
        "export did not finish"
    );
    assert_eq!(
        asked.lock().map(|a| a.clone()).unwrap_or_default(),
        ["phone-idcap.jpg"]
    );
    let len = std::fs::metadata(&out).expect("written").len();
    assert!((102_400..=5_000_000).contains(&len), "{len} bytes");
    let written = std::fs::read(&out).expect("read");
    h.get_by_label("Close").click();
    h.run_steps(5);
    assert!(h.query_by_label("Export a compliant JPG").is_none());

    // Exporting again to the same file asks first; keeping it leaves the file untouched.
    h.get_by_label("Export…").click();
    h.step();
    h.step();
    h.get_by_label("Choose file and export…").click();
    // The dialog re-centres over a couple of frames when its content changes size.
    h.run_steps(4);
    assert!(h.query_by_label_contains("already exists").is_some());
    h.get_by_label("Keep the existing file").click();
    h.run_steps(2);
    assert!(h.query_by_label("Choose file and export…").is_some());
    assert_eq!(std::fs::read(&out).expect("read"), written);
}

#[test]
fn a_cancelled_save_dialog_writes_nothing_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let mut h = harness(cancel_open(), cancel_save());
    drop_files(&mut h, &files[..1]);
    settle(&mut h);
    h.get_by_label("Export…").click();
    h.step();
    h.step();
    h.get_by_label("Choose file and export…").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("No file chosen").is_some());
    let jpgs = std::fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("idcap"))
        .count();
    assert_eq!(jpgs, 0);
}

/// Whether the button labelled `label` is shown and disabled.
fn is_disabled(h: &Harness<'static, App>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn the_window_keeps_running_while_the_open_dialog_is_open_and_opens_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let late = LatePicker::default();
    let mut h = harness(cancel_open(), cancel_save());
    let picker = late.open(&h.ctx, 20, Some(files.clone()));
    h.state_mut().set_open_picker(picker);
    h.step();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.step();
    assert_eq!(late.calls(), 1);
    assert!(h.state().is_open_dialog_open());

    // Frames keep coming while the dialog is open; asking again (shortcut or button) opens nothing.
    h.run_steps(3);
    assert!(h.query_by_label_contains("in the file dialog").is_some());
    assert!(is_disabled(&h, "Open photos…"));
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.step();
    h.get_by_label("Open photos…").click();
    h.step();
    assert_eq!(late.calls(), 1, "a second dialog was opened");
    assert_eq!(h.state().review.len(), 0);

    // The answer arrives after the picker's 20 frames, through the same polling as a real dialog.
    let end = Instant::now() + Duration::from_secs(20);
    while h.state().review.is_empty() && Instant::now() < end {
        h.step();
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(
        !late.starved(),
        "the UI stopped running frames while the dialog was open"
    );
    assert_eq!(h.state().review.len(), 5);
    assert!(!h.state().is_open_dialog_open());
    settle(&mut h);
    assert!(!is_disabled(&h, "Open photos…"));
    assert!(h.query_by_label_contains("in the file dialog").is_none());

    // Closed again: the next Ctrl+O opens a dialog.
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.step();
    assert_eq!(late.calls(), 2);
}

#[test]
fn a_cancelled_open_dialog_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let late = LatePicker::default();
    let mut h = harness(cancel_open(), cancel_save());
    drop_files(&mut h, &files[..1]);
    settle(&mut h);
    let picker = late.open(&h.ctx, 5, None);
    h.state_mut().set_open_picker(picker);
    h.get_by_label("Open photos…").click();
    h.step();
    assert!(h.state().is_open_dialog_open());
    let end = Instant::now() + Duration::from_secs(20);
    while h.state().is_open_dialog_open() && Instant::now() < end {
        h.step();
        std::thread::sleep(Duration::from_millis(1));
    }
    h.step();
    assert!(!late.starved());
    assert_eq!(late.calls(), 1);
    assert_eq!(
        h.state().review.len(),
        1,
        "the photo under review is still there, alone"
    );
    assert_eq!(h.state().review.selected(), Some(0));
    assert!(h.query_by_label_contains("No photos chosen").is_some());
    assert!(!is_disabled(&h, "Open photos…"));
}

#[test]
fn the_window_keeps_running_while_the_save_dialog_is_open_and_opens_it_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = fixtures(dir.path());
    let out = dir.path().join("late.jpg");
    let late = LatePicker::default();
    let mut h = harness(cancel_open(), cancel_save());
    let picker = late.save(&h.ctx, 20, Some(out.clone()));
    h.state_mut().set_save_picker(picker);
    drop_files(&mut h, &files[..1]);
    settle(&mut h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    h.get_by_label("Choose file and export…").click();
    h.step();
    assert_eq!(late.calls(), 1);
    assert!(h.state().export_dialog().is_choosing_file());

    // Frames keep coming; Ctrl+S, Escape and clicking outside neither open another dialog nor
    // close this one.
    h.run_steps(3);
    assert!(h.query_by_label_contains("in the file dialog").is_some());
    assert!(h.query_by_label("Choose file and export…").is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    h.key_press(Key::Escape);
    h.step();
    assert_eq!(late.calls(), 1, "a second save dialog was opened");
    assert!(h.state().export_dialog().is_choosing_file());
    assert!(!out.exists());

    let end = Instant::now() + Duration::from_secs(60);
    while h.query_by_label("Exported").is_none() && Instant::now() < end {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        !late.starved(),
        "the UI stopped running frames while the dialog was open"
    );
    assert!(
        h.query_by_label("Exported").is_some(),
        "export did not finish"
    );
    assert!(out.exists());
    assert_eq!(late.calls(), 1);
}

/// The checklist in a narrow panel: every text stays inside the panel (wrapped or truncated) and no
/// two texts overlap; the marks are painted shapes whose accessible labels say pass or fail.
#[test]
fn checklist_fits_a_narrow_panel_without_overlaps() {
    use idcap::app::checklist::checklist_ui;
    use idcap::quality::{Check, CheckId};

    let mut report = idcap::capture::scripted::report(false, 190.0, 76.0, 1.0);
    report.checks = vec![
        Check::new(CheckId::Corners, true, Some(2.81), Some(2.0))
            .message("All four corners are inside the frame (2.8% margin)."),
        Check::new(CheckId::Tilt, false, Some(18.04), Some(10.0)).message(
            "Hold the document flat, facing the camera: tilt 18° (≤ 10°), rotation −3° (≤ 20°).",
        ),
        Check::new(CheckId::Glare, false, None, Some(0.5)).message("Not measured."),
    ];
    let width = 110.0;
    let mut h = Harness::builder()
        .with_size(egui::vec2(width, 600.0))
        .build_ui(move |ui| checklist_ui(ui, Some(&report)));
    h.run_steps(2);
    assert_eq!(h.query_all_by_label("OK").count(), 1);
    assert_eq!(h.query_all_by_label("FAIL").count(), 1);
    assert_eq!(h.query_all_by_label("not measured").count(), 1);
    let rects: Vec<(String, egui::Rect)> = h
        .query_all_by_role(egui::Role::Label)
        .map(|n| (n.value().unwrap_or_default(), n.rect()))
        .collect();
    assert!(rects.len() >= 9, "{rects:?}");
    for (text, r) in &rects {
        assert!(
            r.right() <= width + 0.5,
            "{text:?} runs out of the panel: {r:?}"
        );
    }
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            let overlap = ra.intersect(*rb);
            assert!(
                !overlap.is_positive() || overlap.area() < 1.0,
                "{a:?} {ra:?} overlaps {b:?} {rb:?}"
            );
        }
    }
}
