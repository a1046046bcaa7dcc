//! Reading the MRZ of a real passport frame (MIDV-500 41_*, 1080×1920, a 1080p frame turned
//! portrait) from its rectified document: `MrzReader::read_rectified` alone, and the rectification
//! plus the read. Run: `cargo bench --bench mrz`.

#[path = "../tests/common/midv.rs"]
mod midv;

use criterion::{Criterion, criterion_group, criterion_main};
use idcap::quality::DocumentKind;
use idcap::quality::mrz::MrzReader;
use idcap::quality::rectify::Rectified;

fn bench(c: &mut Criterion) {
    let Some(dir) = midv::dataset_dir() else {
        eprintln!("dataset not found beside the repository: nothing to benchmark");
        return;
    };
    let Some(sample) = midv::load(&dir)
        .into_iter()
        .find(|s| s.id == "41_srb_passport__knir41_01")
    else {
        eprintln!("passport frame not found: nothing to benchmark");
        return;
    };
    let Ok(photo) = idcap::decode::read_file(&sample.image) else {
        return;
    };
    let frame = photo.image;
    let quad = sample.truth_quad();
    let kind = DocumentKind::Passport;
    let mut doc = Rectified::default();
    doc.build(&frame, &quad, kind, frame.width(), frame.height());
    let mut reader = MrzReader::default();
    let valid = reader.read_rectified(&doc, kind).is_some_and(|r| r.valid);
    eprintln!("the benchmarked frame reads valid: {valid}");
    c.bench_function("mrz read (rectified 1080p passport frame)", |b| {
        b.iter(|| reader.read_rectified(&doc, kind));
    });
    c.bench_function("mrz rectify + read (1080p passport frame)", |b| {
        b.iter(|| {
            doc.build(&frame, &quad, kind, frame.width(), frame.height());
            reader.read_rectified(&doc, kind)
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
