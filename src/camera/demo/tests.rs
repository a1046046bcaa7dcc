//! Tests of the demo camera's script, pacing and pictures.

use super::*;

#[test]
fn frames_are_deterministic_and_sized() {
    let cam = DemoCamera::new(DEMO_FPS, false);
    let a = cam.frame_at(11.0);
    let b = cam.frame_at(11.0);
    assert_eq!(a.dimensions(), DEMO_SIZE);
    assert!(a == b);
}

#[test]
fn settled_card_is_inside_the_frame_and_large() {
    let (cw, ch) = card_size();
    let q = project(&pose_at(12.0), cw, ch);
    for p in &q {
        assert!(
            p.x > 20.0 && p.x < 1260.0 && p.y > 20.0 && p.y < 700.0,
            "{p:?}"
        );
    }
    let width = q[1].x - q[0].x;
    assert!(width > 900.0, "{width}");
}

#[test]
fn script_starts_cut_off_and_tilts_before_settling() {
    let (cw, ch) = card_size();
    let start = project(&pose_at(0.2), cw, ch);
    assert!(start.iter().any(|p| p.x < 0.0), "the card starts cut off");
    assert!(pose_at(4.0).blur > 0.9);
    assert!(pose_at(6.5).glare.is_some());
    assert!(pose_at(9.0).yaw_deg > 15.0);
    let settled = pose_at(SETTLED_S + 0.5);
    assert_eq!(
        (settled.blur, settled.yaw_deg, settled.glare),
        (0.0, 0.0, None)
    );
}

#[test]
fn glare_clips_pixels_on_the_card() {
    let cam = DemoCamera::new(DEMO_FPS, false);
    let f = cam.frame_at(6.5);
    let clipped = f.pixels().filter(|p| p.0.iter().all(|&c| c >= 250)).count();
    assert!(clipped > 500, "{clipped}");
    let s = cam.frame_at(12.0);
    let clipped = s.pixels().filter(|p| p.0.iter().all(|&c| c >= 250)).count();
    assert_eq!(clipped, 0);
}

#[test]
fn script_turns_the_card_over_after_the_front_settles() {
    assert_eq!(act_at(SETTLED_S + 1.0).0, Act::SettleFront);
    assert!(!shows_back(&pose_at(SETTLED_S + 1.0)));
    assert!(shows_back(&pose_at(BACK_SETTLED_S + 1.0)));
    // Edge-on half-way through the flip: no card to find.
    let (cw, ch) = card_size();
    let mid = project(&pose_at(act_start(Act::Flip) + 1.25), cw, ch);
    let width = (mid[1].x - mid[0].x).abs();
    assert!(width < 60.0, "{width}");
    let back = pose_at(BACK_SETTLED_S + 1.0);
    assert_eq!((back.blur, back.glare), (0.0, None));
}

#[test]
fn the_back_looks_different_from_the_front() {
    let cam = DemoCamera::new(DEMO_FPS, false);
    let front = cam.frame_at(SETTLED_S + 1.0);
    let back = cam.frame_at(BACK_SETTLED_S + 1.0);
    let (cw, ch) = card_size();
    let quad = project(&pose_at(SETTLED_S + 1.0), cw, ch);
    let changed = front
        .pixels()
        .zip(back.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 40))
        .count();
    let card_px = (quad[1].x - quad[0].x) * (quad[3].y - quad[0].y);
    assert!(changed as f64 > 0.2 * card_px, "{changed} of {card_px}");
}

#[test]
fn a_paused_demo_resumes_its_script() {
    let mut cam = DemoCamera::new(30.0, true);
    let a = cam.next_frame().expect("frame");
    std::thread::sleep(Duration::from_millis(700));
    let b = cam.next_frame().expect("frame");
    assert!(b.time_s - a.time_s < 0.1, "{} → {}", a.time_s, b.time_s);
}

#[test]
fn paced_source_keeps_to_the_wall_clock() {
    let mut cam = DemoCamera::new(30.0, true);
    let a = cam.next_frame().expect("frame");
    std::thread::sleep(Duration::from_millis(300));
    let b = cam.next_frame().expect("frame");
    assert_eq!((a.seq, b.seq), (0, 1));
    assert!(b.time_s >= 0.29, "{}", b.time_s);
}

#[test]
fn unpaced_source_counts_time_by_frames() {
    let mut cam = DemoCamera::new(10.0, false);
    let a = cam.next_frame().expect("frame");
    let b = cam.next_frame().expect("frame");
    assert_eq!((a.seq, b.seq), (0, 1));
    assert!((b.time_s - 0.1).abs() < 1e-12);
}

#[test]
fn the_back_reads_its_zone_and_warns_of_the_expiry_yet_passes() {
    use crate::quality::mrz::CalendarDate;
    use crate::quality::{Analyzer, CheckId, DocChoice, Preset, Profile, Verdict};
    let today = CalendarDate::new(2026, 12, 4).expect("a date");
    let cam = DemoCamera::on_day(DEMO_FPS, false, today);
    let frame = cam.frame_at(BACK_SETTLED_S + 1.0);
    let profile = Profile {
        today: Some(today),
        ..Preset::Standard.profile(DocChoice::IdCard)
    };
    let report = Analyzer::new().assess(&frame, &profile);
    let zone = &report.mrz.as_ref().expect("the zone is seen").report;
    assert!(zone.valid, "{:?}", zone.unreadable);
    assert_eq!(zone.days_to_expiry, Some(20));
    let expiry = report.check(CheckId::Expiry).expect("expiry");
    assert!(expiry.pass);
    assert_eq!(expiry.hint, "Expires in 20 days");
    assert_eq!(
        report.verdict(),
        Verdict::Pass,
        "{:?}",
        report.failing_checks()
    );
}

#[test]
fn a_reflection_over_the_backs_zone_gets_its_own_guidance() {
    use crate::quality::mrz::{CalendarDate, Unreadable};
    use crate::quality::{Analyzer, CheckId, DocChoice, Preset, Profile};
    let today = CalendarDate::new(2026, 12, 4).expect("a date");
    let cam = DemoCamera::on_day(DEMO_FPS, false, today);
    // The back, settled, with the lamp's spot on the middle of the zone (its lines lie at 70–92 %
    // of the card's height).
    let pose = Pose {
        glare: Some((0.45, 0.8)),
        ..pose_at(BACK_SETTLED_S + 1.0)
    };
    let frame = cam.render_pose(&pose);
    let profile = Profile {
        today: Some(today),
        ..Preset::Standard.profile(DocChoice::IdCard)
    };
    let report = Analyzer::new().assess(&frame, &profile);
    let zone = &report.mrz.as_ref().expect("the zone is seen").report;
    assert!(!zone.valid);
    assert_eq!(zone.unreadable, Some(Unreadable::Reflection));
    let problem = report.primary_problem().expect("a problem");
    assert_eq!(problem.id, CheckId::Mrz, "{:?}", report.failing_checks());
    assert_eq!(
        problem.hint,
        "The lines at the bottom are covered by a reflection — tilt the card"
    );
}
