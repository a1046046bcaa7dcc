//! `quality::Analyzer::assess` per frame at 1080p and 720p, on real MIDV-500 frames turned to
//! landscape (the dev set is 1080×1920 portrait) and on the same frames scaled to 720p.
//!
//! Two cases: "stills" assesses a different frame every time with a stills analyzer (every frame
//! gets the full document search); "stream" shows each frame `HELD_FRAMES` times in a row to a
//! stream analyzer, as a card held in front of the camera, so the document is tracked between
//! full searches (src/quality/track.rs).
//! Run: `cargo bench --bench assess`. For counts that do not depend on machine load, see
//! examples/assess_profile.rs.

#[path = "../tests/common/midv.rs"]
mod midv;

use criterion::{Criterion, criterion_group, criterion_main};
use idcap::decode;
use idcap::quality::{Analyzer, Frame, Profile};

/// Frames in a row the same card is shown in the stream case (1/3 s at 30 fps).
const HELD_FRAMES: usize = 10;
use image::imageops::{self, FilterType};

fn frames() -> Vec<(String, Frame)> {
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository: nothing to benchmark");
        return Vec::new();
    };
    midv::load(&dir)
        .into_iter()
        .step_by(8)
        .filter_map(|s| {
            decode::read_file(&s.image)
                .ok()
                .map(|p| (s.id, imageops::rotate270(&p.image)))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let frames = frames();
    let profile = Profile::default();
    for (label, size) in [("1080p", (1920u32, 1080u32)), ("720p", (1280, 720))] {
        let scaled: Vec<Frame> = frames
            .iter()
            .map(|(_, f)| {
                if f.dimensions() == size {
                    f.clone()
                } else {
                    imageops::resize(f, size.0, size.1, FilterType::Triangle)
                }
            })
            .collect();
        if scaled.is_empty() {
            continue;
        }
        let mut analyzer = Analyzer::new();
        let mut i = 0;
        c.bench_function(
            &format!(
                "assess {label} stills ({} MIDV frames, round robin)",
                scaled.len()
            ),
            |b| {
                b.iter(|| {
                    let r = analyzer.assess(&scaled[i % scaled.len()], &profile);
                    i += 1;
                    r
                })
            },
        );
        let mut analyzer = Analyzer::for_stream();
        let mut i = 0;
        c.bench_function(
            &format!(
                "assess {label} stream ({} MIDV frames, each held {HELD_FRAMES} frames)",
                scaled.len()
            ),
            |b| {
                b.iter(|| {
                    let r = analyzer.assess(&scaled[(i / HELD_FRAMES) % scaled.len()], &profile);
                    i += 1;
                    r
                })
            },
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60);
    targets = bench
}
criterion_main!(benches);
