//! Reading the MIDV-500 dev frames and their ground-truth quads (../shared/datasets/midv500-dev).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use idcap::quality::{Point, Quad};

pub struct Sample {
    pub id: String,
    pub image: PathBuf,
    /// Ground-truth corners in the document's own order (its top-left, top-right, …).
    pub truth: [Point; 4],
}

impl Sample {
    pub fn truth_quad(&self) -> Quad {
        Quad::ordered(self.truth)
    }
}

/// The dataset folder, if it is present beside this repository.
pub fn dataset_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/midv500-dev");
    dir.join("manifest.csv").is_file().then_some(dir)
}

/// Every frame with its ground truth, sorted by id.
pub fn load(dir: &Path) -> Vec<Sample> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir.join("ground_truth")) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Some(id) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let Some(q) = v.get("quad").and_then(|q| q.as_array()) else {
            continue;
        };
        let pts: Vec<Point> = q
            .iter()
            .filter_map(|p| {
                let a = p.as_array()?;
                Some(Point::new(a.first()?.as_f64()?, a.get(1)?.as_f64()?))
            })
            .collect();
        if pts.len() != 4 {
            continue;
        }
        out.push(Sample {
            image: dir.join("images").join(format!("{id}.jpg")),
            id,
            truth: [pts[0], pts[1], pts[2], pts[3]],
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// The speed benchmark's frames (benches/assess.rs, examples/assess_profile.rs): every 8th dev
/// frame, decoded, turned landscape (the dev set is 1080×1920 portrait) and scaled to `size`.
pub fn benchmark_frames(dir: &Path, size: (u32, u32)) -> Vec<idcap::quality::Frame> {
    use image::imageops::{self, FilterType};
    load(dir)
        .into_iter()
        .step_by(8)
        .filter_map(|s| idcap::decode::read_file(&s.image).ok())
        .map(|p| imageops::rotate270(&p.image))
        .map(|f| {
            if f.dimensions() == size {
                f
            } else {
                imageops::resize(&f, size.0, size.1, FilterType::Triangle)
            }
        })
        .collect()
}
