//! Renders the app's review view with real photos to a PNG through egui_kittest's software renderer: no
//! window, no display, no file dialog. (The README's docs/review.png is the real app instead:
//! `xvfb-run -s "-screen 0 1280x800x24" idcap PHOTO…`, then `import -window root`.)
//!
//! Run: `cargo run --example review_screenshot -- OUT.png PHOTO…` (the first photo is shown selected;
//! the others fill the thumbnail strip).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use idcap::app::{App, AppOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: review_screenshot OUT.png PHOTO…");
        std::process::exit(2);
    };
    let photos: Vec<PathBuf> = args.map(PathBuf::from).collect();
    // Opened on photos, the app shows the review and leaves the camera off.
    let options = AppOptions {
        open: photos,
        ignore_saved_settings: true,
        injected_source: Some(Box::new(|| {
            Box::new(idcap::camera::demo::DemoCamera::new(30.0, false))
        })),
        ..AppOptions::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| App::new(cc, options));
    let end = Instant::now() + Duration::from_secs(120);
    while harness.state().review.in_progress() > 0 && Instant::now() < end {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    // Select the first photo (the strip selects the last one added), let textures upload.
    for _ in 0..harness.state().review.len() {
        harness.key_press(egui::Key::ArrowLeft);
        harness.step();
    }
    harness.run_steps(8);
    match harness.render() {
        Ok(image) => match image.save(&out) {
            Ok(()) => println!("wrote {}", out.display()),
            Err(e) => {
                eprintln!("cannot write {}: {e}", out.display());
                std::process::exit(2);
            }
        },
        Err(e) => {
            eprintln!("cannot render: {e}");
            std::process::exit(2);
        }
    }
}
