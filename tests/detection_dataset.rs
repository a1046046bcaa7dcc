//! Document detection on the real MIDV-500 dev frames (../shared/datasets/midv500-dev): the quad
//! and the `corners` decision against ground truth, with the thresholds issue 2 sets.
//! `cargo run --release --example midv_eval` prints the same figures per frame.

mod common;

use common::midv;
use idcap::decode;
use idcap::quality::checks::corners;
use idcap::quality::{Analyzer, CheckId, Profile};

/// The dataset must be there in CI; elsewhere its absence is reported, not failed.
fn dataset() -> Option<std::path::PathBuf> {
    let dir = midv::dataset_dir();
    if dir.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs ../shared/datasets/midv500-dev"
        );
        eprintln!("skipped: ../shared/datasets/midv500-dev not found beside the repository");
    }
    dir
}

#[test]
fn quads_and_corners_on_midv500_dev() {
    let Some(dir) = dataset() else { return };
    let samples = midv::load(&dir);
    assert!(
        samples.len() >= 50,
        "expected the 59 dev frames, found {}",
        samples.len()
    );
    let profile = Profile::default();
    let mut analyzer = Analyzer::new();
    let mut inside_ious = Vec::new();
    let (mut found_inside, mut clear_right, mut clear_total) = (0usize, 0usize, 0usize);
    for s in &samples {
        let photo = decode::read_file(&s.image).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        let (w, h) = photo.image.dimensions();
        let truth = s.truth_quad();
        let report = analyzer.assess(&photo.image, &profile);
        let all_inside = truth
            .corners()
            .iter()
            .all(|p| p.x >= 0.0 && p.y >= 0.0 && p.x <= f64::from(w) && p.y <= f64::from(h));
        if all_inside {
            found_inside += usize::from(report.document.is_some());
            inside_ious.push(report.document.as_ref().map_or(0.0, |d| d.quad.iou(&truth)));
        }
        let truth_pass = corners::corners(&truth, w, h, &profile).pass;
        if truth_pass || !all_inside {
            clear_total += 1;
            clear_right += usize::from(report.passes(CheckId::Corners) == truth_pass);
        }
    }
    let n = inside_ious.len() as f64;
    let mean = inside_ious.iter().sum::<f64>() / n;
    let over = inside_ious.iter().filter(|&&v| v > 0.9).count() as f64 / n;
    let corners = clear_right as f64 / clear_total as f64;
    println!(
        "found {found_inside}/{}; mean IoU {mean:.4}; IoU > 0.9 on {:.1}%; corners {clear_right}/{clear_total} ({:.1}%)",
        inside_ious.len(),
        100.0 * over,
        100.0 * corners
    );
    assert_eq!(
        found_inside,
        inside_ious.len(),
        "a document must be found on every frame with all corners inside"
    );
    assert!(mean >= 0.95, "mean quad IoU {mean:.4} < 0.95");
    // Issue 2 asks ≥ 97 %; 51 of the 52 frames is 98.1 %. The one frame below (04_aut_id 04) has a
    // ground-truth quad about 15 px off the card's visible edge.
    assert!(over >= 0.97, "IoU > 0.9 on {:.1}% < 97%", 100.0 * over);
    // Issue 2 asks 98 %: one miss in 47 frames is already 97.9 %. The last one fixed (14_deu 04, a
    // pale card on white paper) needed the hidden side of three-line quads fitted to its edge
    // pixels (document.rs, `ThreeLine::fit_hidden_side`).
    assert!(
        corners >= 0.98,
        "corners decision right on {:.1}%",
        100.0 * corners
    );
}

/// The "corner pushed out of the frame" degradation: each frame is cropped so that the
/// document corner nearest the left or right border ends 3 % of the document's width outside the
/// picture. `corners` must fail on ≥ 95 % of them, and pass on ≥ 95 % of the untouched frames
/// whose corners are well inside.
#[test]
fn a_corner_pushed_out_of_the_frame_fails_corners() {
    let Some(dir) = dataset() else { return };
    let profile = Profile::default();
    let mut analyzer = Analyzer::new();
    let (mut cut_failed, mut cut_total, mut clean_passed, mut clean_total) = (0, 0, 0, 0);
    for s in midv::load(&dir) {
        let photo = decode::read_file(&s.image).unwrap_or_else(|e| panic!("{}: {e}", s.id));
        let (w, h) = photo.image.dimensions();
        let truth = s.truth_quad();
        if !corners::corners(&truth, w, h, &profile).pass {
            continue;
        }
        clean_total += 1;
        clean_passed += usize::from(
            analyzer
                .assess(&photo.image, &profile)
                .passes(CheckId::Corners),
        );
        let (long, _) = truth.side_lengths();
        let left = truth
            .corners()
            .iter()
            .map(|p| p.x)
            .fold(f64::INFINITY, f64::min);
        let right = truth
            .corners()
            .iter()
            .map(|p| p.x)
            .fold(f64::NEG_INFINITY, f64::max);
        let push = 0.03 * long;
        let (x0, x1) = if left <= f64::from(w) - right {
            ((left + push).ceil() as u32, w)
        } else {
            (0, (right - push).floor() as u32)
        };
        let cut = image::imageops::crop_imm(&photo.image, x0, 0, x1 - x0, h).to_image();
        let report = analyzer.assess(&cut, &profile);
        cut_total += 1;
        let failed = !report.passes(CheckId::Corners);
        cut_failed += usize::from(failed);
        if !failed {
            println!("{}: corner pushed out but corners passed", s.id);
            if let Some(dir) = std::env::var_os("IDCAP_TEST_DUMP") {
                let _ = cut.save(std::path::Path::new(&dir).join(format!("{}_cut.png", s.id)));
            }
        }
    }
    let fail_rate = cut_failed as f64 / cut_total as f64;
    let pass_rate = clean_passed as f64 / clean_total as f64;
    println!(
        "corner pushed out: corners fails on {cut_failed}/{cut_total}; untouched: passes on {clean_passed}/{clean_total}"
    );
    assert!(
        fail_rate >= 0.95,
        "corners failed on only {:.1}% of cut frames",
        100.0 * fail_rate
    );
    assert!(
        pass_rate >= 0.95,
        "corners passed on only {:.1}% of untouched frames",
        100.0 * pass_rate
    );
}
