//! `quality::Analyzer::assess` per frame at 1080p and 720p, on real MIDV-500 frames turned to
//! landscape (the dev set is 1080×1920 portrait) and on the same frames scaled to 720p.
//! Run: `cargo bench --bench assess`.

#[path = "../tests/common/midv.rs"]
mod midv;

use criterion::{Criterion, criterion_group, criterion_main};
use idcap::decode;
use idcap::quality::{Analyzer, Frame, Profile};
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
            &format!("assess {label} ({} MIDV frames, round robin)", scaled.len()),
            |b| {
                b.iter(|| {
                    let r = analyzer.assess(&scaled[i % scaled.len()], &profile);
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
