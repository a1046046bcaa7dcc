//! Prints detection accuracy on the MIDV-500 dev frames: quad IoU per frame, the corners decision,
//! and analysis time. Run: `cargo run --release --example midv_eval [-- --verbose]`.
//! `--scale F` resizes every frame and its truth by F first (0.667: the 1080 × 1920 frames as a
//! 720p camera would see them), to check that the figures hold at webcam resolutions.

#[path = "../tests/common/midv.rs"]
mod midv;

use std::time::Instant;

use idcap::decode;
use idcap::quality::checks::corners;
use idcap::quality::{Analyzer, CheckId, Profile};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    // `--draw DIR`: write each frame with the truth (green) and the detection (red) drawn on it.
    let draw_dir = args
        .iter()
        .position(|a| a == "--draw")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let scale = args
        .iter()
        .position(|a| a == "--scale")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|f| *f > 0.05 && *f <= 1.0)
        .unwrap_or(1.0);
    let Some(dir) = midv::dataset_dir() else {
        eprintln!(
            "dataset not found: expected ../shared/datasets/midv500-dev beside the repository"
        );
        std::process::exit(2);
    };
    let samples = midv::load(&dir);
    let profile = Profile::default();
    let mut analyzer = Analyzer::new();
    let (mut ious, mut inside_ious) = (Vec::new(), Vec::new());
    let (mut corner_right, mut corner_total, mut found_inside, mut n_inside) = (0, 0, 0, 0);
    // The classes: corners well inside (margin at least the profile's) must pass, any
    // corner outside the image must fail; frames in between are reported, not judged.
    let (mut clear_right, mut clear_total) = (0, 0);
    let mut times = Vec::new();
    for s in &samples {
        let Ok(mut photo) = decode::read_file(&s.image) else {
            eprintln!("{}: cannot read", s.id);
            continue;
        };
        let mut truth = s.truth_quad();
        if scale != 1.0 {
            let (w, h) = photo.image.dimensions();
            let (sw, sh) = (
                (f64::from(w) * scale).round() as u32,
                (f64::from(h) * scale).round() as u32,
            );
            photo.image = image::imageops::resize(
                &photo.image,
                sw,
                sh,
                image::imageops::FilterType::Triangle,
            );
            truth = idcap::quality::Quad::ordered(truth.corners().map(|p| p.scale(scale)));
        }
        let (w, h) = photo.image.dimensions();
        let t = Instant::now();
        let report = analyzer.assess(&photo.image, &profile);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        let iou = report.document.as_ref().map_or(0.0, |d| d.quad.iou(&truth));
        let all_inside = truth
            .corners()
            .iter()
            .all(|p| p.x >= 0.0 && p.y >= 0.0 && p.x <= w as f64 && p.y <= h as f64);
        let truth_corners = corners::corners(&truth, w, h, &profile).pass;
        if verbose {
            let kind = report
                .document
                .as_ref()
                .map_or(idcap::quality::DocumentKind::IdCard, |d| d.kind);
            let pose = idcap::quality::geometry::Pose::estimate(
                &truth,
                kind,
                w,
                h,
                profile.assumed_hfov_deg,
            );
            println!(
                "{:<32} truth tilt {:.1} aspect {:.3}",
                s.id, pose.tilt_deg, pose.aspect
            );
        }
        let ours = report.passes(CheckId::Corners);
        corner_total += 1;
        corner_right += usize::from(ours == truth_corners);
        if truth_corners || !all_inside {
            clear_total += 1;
            clear_right += usize::from(ours == truth_corners);
        }
        ious.push(iou);
        if all_inside {
            n_inside += 1;
            found_inside += usize::from(report.document.is_some());
            inside_ious.push(iou);
        }
        if let Some(dir) = &draw_dir {
            let mut img = photo.image.clone();
            draw_quad(&mut img, &truth, image::Rgb([0, 255, 0]));
            if let Some(d) = &report.document {
                draw_quad(&mut img, &d.quad, image::Rgb([255, 0, 0]));
            }
            let small =
                image::imageops::resize(&img, w / 2, h / 2, image::imageops::FilterType::Triangle);
            if let Err(e) = small.save(dir.join(format!("{}.png", s.id))) {
                eprintln!("cannot write drawing: {e}");
            }
        }
        if verbose || iou < 0.9 || ours != truth_corners {
            println!(
                "{:<32} iou {:.3}  corners ours {:<5} truth {:<5} {}",
                s.id,
                iou,
                ours,
                truth_corners,
                report
                    .check(CheckId::Corners)
                    .map(|c| c.message.as_str())
                    .unwrap_or("")
            );
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let over =
        |v: &[f64], t: f64| v.iter().filter(|&&x| x > t).count() as f64 / v.len().max(1) as f64;
    times.sort_by(f64::total_cmp);
    println!(
        "frames: {} ({} with all corners inside)",
        samples.len(),
        n_inside
    );
    println!("document found (all corners inside): {found_inside}/{n_inside}");
    println!(
        "quad IoU, corners-inside frames: mean {:.4}, > 0.9 on {:.1}%; all frames: mean {:.4}, > 0.9 on {:.1}%",
        mean(&inside_ious),
        100.0 * over(&inside_ious, 0.9),
        mean(&ious),
        100.0 * over(&ious, 0.9)
    );
    println!(
        "corners decision, well inside vs any corner outside: {clear_right}/{clear_total} ({:.1}%)",
        100.0 * clear_right as f64 / clear_total.max(1) as f64
    );
    println!(
        "corners decision agrees with the same check on the truth, all frames: {corner_right}/{corner_total} ({:.1}%)",
        100.0 * corner_right as f64 / corner_total.max(1) as f64
    );
    if !times.is_empty() {
        let (w, h) = (1080.0 * scale, 1920.0 * scale);
        println!(
            "analysis time per {w:.0}×{h:.0} frame: median {:.2} ms",
            times[times.len() / 2]
        );
    }
}

fn draw_quad(img: &mut image::RgbImage, q: &idcap::quality::Quad, color: image::Rgb<u8>) {
    for i in 0..4 {
        let (a, b) = q.edge(i);
        for off in [-1.0f32, 0.0, 1.0] {
            imageproc::drawing::draw_line_segment_mut(
                img,
                (a.x as f32 + off, a.y as f32),
                (b.x as f32 + off, b.y as f32),
                color,
            );
        }
    }
}
