//! Runs `Analyzer::assess` once on each benchmark frame (the same MIDV-500 frames as
//! benches/assess.rs, turned landscape, at 1080p or 720p), for an instruction count that does not
//! depend on machine load:
//!
//! ```text
//! cargo build --release --example assess_profile
//! valgrind --tool=callgrind --toggle-collect='idcap::quality::Analyzer::assess' \
//!     target/release/examples/assess_profile 1080p
//! ```
//!
//! Divide the total by the frame count printed. `--stream N` assesses each frame N times in a
//! row with one stream analyzer (a card held still), as the live view does; `--stills N` assesses
//! each N times with a stills analyzer (a full search every time), so that `perf stat` on the
//! process measures the search rather than the JPEG decoding.
//!
//! `--passports` replaces the frames with the Serbian passport frames (41_*) at their own size,
//! 1080×1920 (a camera held portrait), page upright: turned landscape, the benchmark's passport
//! page lies sideways and its zone never reads, so only these show what reading a zone that
//! reads costs a stream.

#[path = "../tests/common/midv.rs"]
mod midv;

use idcap::quality::{Analyzer, Profile};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size = match args.first().map(String::as_str) {
        Some("720p") => (1280u32, 720u32),
        _ => (1920, 1080),
    };
    let count_after = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|n| n.parse::<usize>().ok())
    };
    let stream = count_after("--stream").is_some();
    let repeat = count_after("--stream")
        .or(count_after("--stills"))
        .unwrap_or(1)
        .max(1);
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository");
        std::process::exit(2);
    };
    let frames = if args.iter().any(|a| a == "--passports") {
        midv::load(&dir)
            .into_iter()
            .filter(|s| s.id.starts_with("41_"))
            .filter_map(|s| idcap::decode::read_file(&s.image).ok())
            .map(|p| p.image)
            .collect()
    } else {
        midv::benchmark_frames(&dir, size)
    };
    let profile = Profile::default();
    let (mut found, mut tracked, mut fresh_valid) = (0, 0, 0);
    // One analyzer for all frames, as benches/assess.rs has: its buffers are allocated once (a
    // fresh analyzer per frame would count zeroing them every time), and in a stream each new
    // frame first fails to track the previous card, as in the live view.
    let mut analyzer = if stream {
        Analyzer::for_stream()
    } else {
        Analyzer::new()
    };
    for frame in &frames {
        for _ in 0..repeat {
            let report = analyzer.assess(black_box(frame), &profile);
            found += usize::from(report.document.is_some());
            tracked += usize::from(analyzer.last_frame_tracked());
            fresh_valid += usize::from(report.mrz.is_some_and(|m| m.fresh && m.report.valid));
        }
    }
    println!(
        "{} frames × {repeat} at {:?}: document found {found} times, tracked {tracked} times, \
         a valid zone read {fresh_valid} times",
        frames.len(),
        frames.first().map(image::ImageBuffer::dimensions),
    );
}
