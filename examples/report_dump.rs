//! Prints every report the quality engine gives on a fixed set of frames, one line each, so an
//! optimisation can be shown to change nothing: dump before, dump after, `diff` the two.
//!
//! ```text
//! cargo run --release --example report_dump > before.txt
//! (change the code)
//! cargo run --release --example report_dump > after.txt && diff before.txt after.txt
//! ```
//!
//! The frames: every MIDV-500 dev frame as a still, the same frames blurred, with a glare spot,
//! darkened and cut off at the left (stills again), and the benchmark frames
//! (benches/assess.rs) at 1080p and 720p shown to a stream analyzer ten times each, shifted by a
//! pixel now and then so that tracking has something to follow. Floats print in full, so any
//! change of any value shows.

#[path = "../tests/common/midv.rs"]
mod midv;
#[path = "../tests/common/synth.rs"]
mod synth;

use idcap::quality::{Analyzer, Frame, Profile};

fn main() {
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository");
        std::process::exit(2);
    };
    let profile = Profile::default();
    let mut analyzer = Analyzer::new();
    for s in midv::load(&dir) {
        let Ok(photo) = idcap::decode::read_file(&s.image) else {
            eprintln!("{}: cannot read", s.id);
            continue;
        };
        let frame = photo.image;
        let truth = s.truth_quad();
        let variants: [(&str, Frame); 5] = [
            ("plain", frame.clone()),
            ("blur", synth::gaussian_blur(&frame, 3.0)),
            ("glare", synth::add_glare(&frame, &truth, (0.35, 0.4), 0.02)),
            ("dark", synth::scale_brightness(&frame, 0.2)),
            ("cut", shift_left(&frame, frame.width() / 4)),
        ];
        for (label, img) in variants {
            print(
                &format!("{} {label}", s.id),
                &analyzer.assess(&img, &profile),
            );
        }
    }
    for (label, size) in [("1080p", (1920u32, 1080u32)), ("720p", (1280, 720))] {
        let mut stream = Analyzer::for_stream();
        for (k, frame) in midv::benchmark_frames(&dir, size).iter().enumerate() {
            for i in 0..10u32 {
                let moved = shift_left(frame, i / 3);
                let report = stream.assess(&moved, &profile);
                print(&format!("stream {label} {k} {i}"), &report);
            }
        }
    }
}

/// `frame` moved `dx` pixels to the left, the uncovered strip at the right filled with grey.
fn shift_left(frame: &Frame, dx: u32) -> Frame {
    Frame::from_fn(frame.width(), frame.height(), |x, y| {
        if x + dx < frame.width() {
            *frame.get_pixel(x + dx, y)
        } else {
            image::Rgb([128, 128, 128])
        }
    })
}

/// One line: the label and the report's `Debug` form (every float in full, unlike the JSON,
/// which rounds coordinates for people).
fn print(label: &str, report: &idcap::quality::Report) {
    println!("{label} {report:?}");
}
