//! `quality::Analyzer::assess` per frame at 1080p and 720p, on real MIDV-500 frames turned to
//! landscape (the dev set is 1080×1920 portrait) and on the same frames scaled to 720p.
//!
//! Two cases: "stills" assesses a different frame every time with a stills analyzer (every frame
//! gets the full document search); "stream" shows each frame `HELD_FRAMES` times in a row to a
//! stream analyzer, as a card held in front of the camera, so the document is tracked between
//! full searches (src/quality/track.rs).
//! A third group times what `occlusion` and `background` add to a frame: sampling the outline
//! (`quality::border`) and both checks, on each 1080p frame's rectified document.
//! Run: `cargo bench --bench assess`. For counts that do not depend on machine load, see
//! examples/assess_profile.rs.

#[path = "../tests/common/midv.rs"]
mod midv;

use criterion::{Criterion, criterion_group, criterion_main};
use idcap::quality::border::Border;
use idcap::quality::checks::{background, occlusion};
use idcap::quality::rectify::Rectified;
use idcap::quality::{Analyzer, Profile};

/// Frames in a row the same card is shown in the stream case (1/3 s at 30 fps).
const HELD_FRAMES: usize = 10;

fn bench(c: &mut Criterion) {
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository: nothing to benchmark");
        return;
    };
    let profile = Profile::default();
    for (label, size) in [("1080p", (1920u32, 1080u32)), ("720p", (1280, 720))] {
        let scaled = midv::benchmark_frames(&dir, size);
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
                });
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
                });
            },
        );
    }
}

/// `occlusion` and `background` alone, as `Analyzer::assess` runs them after rectifying.
fn bench_cover_checks(c: &mut Criterion) {
    let Some(dir) = midv::dataset_dir() else {
        return;
    };
    let profile = Profile::default();
    let frames = midv::benchmark_frames(&dir, (1920, 1080));
    // Each frame with its document rectified the way the analyzer does it.
    let docs: Vec<_> = frames
        .iter()
        .filter_map(|frame| {
            let doc = Analyzer::new().assess(frame, &profile).document?;
            let (w, h) = frame.dimensions();
            let mut rectified = Rectified::default();
            rectified.build(frame, &doc.quad, doc.kind, w, h);
            Some((frame, rectified))
        })
        .collect();
    if docs.is_empty() {
        return;
    }
    let mut i = 0;
    c.bench_function(
        &format!(
            "occlusion + background 1080p ({} MIDV documents, round robin)",
            docs.len()
        ),
        |b| {
            b.iter(|| {
                let (frame, rectified) = &docs[i % docs.len()];
                i += 1;
                let border = Border::new(frame, rectified)?;
                let stations = border.stations();
                let o = occlusion::assess_stations(&border, &stations, &profile);
                Some((o.check, background::assess_stations(&stations, &profile)))
            });
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60);
    targets = bench, bench_cover_checks
}
criterion_main!(benches);
