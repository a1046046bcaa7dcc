//! Document tracking in a stream (src/quality/track.rs) on rendered scenes with known quads: a card
//! held still or moved a little is tracked and followed; a jump, a card taken away, or the periodic
//! search falls back to the full search; stills are never tracked.

#[path = "common/synth.rs"]
mod synth;

use idcap::quality::track::FULL_SEARCH_EVERY_FRAMES;
use idcap::quality::{Analyzer, CheckId, Point, Profile, Quad};
use synth::{Background, CardScene};

fn scene(dx: f64, dy: f64) -> CardScene {
    CardScene {
        width: 1280,
        height: 720,
        background: Background::Wood,
        center: (640.0 + dx, 360.0 + dy),
        long_side_px: 900.0,
        rotation_deg: 4.0,
        keystone: 0.04,
        ..CardScene::default()
    }
}

/// Largest distance between matching corners of two quads, pixels.
fn corner_error(a: &Quad, b: &Quad) -> f64 {
    a.corners()
        .iter()
        .zip(b.corners())
        .map(|(p, q)| p.dist(*q))
        .fold(0.0, f64::max)
}

#[test]
fn a_card_held_still_or_moved_a_little_is_tracked_and_followed() {
    let profile = Profile::default();
    let mut analyzer = Analyzer::for_stream();
    let (first, truth) = synth::render_card(&scene(0.0, 0.0));
    let report = analyzer.assess(&first, &profile);
    assert!(
        !analyzer.last_frame_tracked(),
        "the first frame is searched"
    );
    let found = report.document.expect("card found");
    assert!(corner_error(&found.quad, &truth) < 1.5);

    let report = analyzer.assess(&first, &profile);
    assert!(
        analyzer.last_frame_tracked(),
        "the same frame again is tracked"
    );
    let tracked = report.document.expect("card tracked");
    assert!(corner_error(&tracked.quad, &found.quad) < 0.5);

    // Small moves, as a hand makes between frames: the outline follows the card.
    for (dx, dy) in [(3.0, 0.0), (5.0, -2.0), (2.0, -6.0)] {
        let (img, truth) = synth::render_card(&scene(dx, dy));
        let report = analyzer.assess(&img, &profile);
        assert!(analyzer.last_frame_tracked(), "moved by ({dx}, {dy})");
        let quad = report.document.expect("card tracked").quad;
        let err = corner_error(&quad, &truth);
        assert!(err < 1.5, "moved by ({dx}, {dy}): corner error {err:.2} px");
        assert!(report.checks.iter().all(|c| c.pass), "{:?}", report.checks);
    }
}

#[test]
fn a_card_cut_off_by_the_frame_is_tracked_with_its_hidden_side_carried_over() {
    let profile = Profile::default();
    let mut analyzer = Analyzer::for_stream();
    // The card's right side lies past the frame's right edge.
    let (first, truth) = synth::render_card(&scene(300.0, 0.0));
    assert!(
        truth.corners()[1..3].iter().all(|p| p.x > 1280.0),
        "{truth:?}"
    );
    let report = analyzer.assess(&first, &profile);
    assert!(!analyzer.last_frame_tracked());
    assert!(!report.passes(CheckId::Corners));
    let found = report.document.expect("found with a predicted side").quad;
    for dx in [0.0, -3.0, -6.0] {
        let (img, _) = synth::render_card(&scene(300.0 + dx, 0.0));
        let report = analyzer.assess(&img, &profile);
        assert!(analyzer.last_frame_tracked(), "moved by {dx}");
        assert!(!report.passes(CheckId::Corners));
        let quad = report.document.expect("card tracked").quad;
        // The two corners in the frame follow the card (compared with where the search put them:
        // this test is about tracking, not about the search).
        for k in [0, 3] {
            let moved = found.corners()[k].plus(Point::new(dx, 0.0));
            let err = quad.corners()[k].dist(moved);
            assert!(err < 1.0, "moved by {dx}: corner {k} off by {err:.2} px");
        }
    }
}

#[test]
fn a_jump_or_a_card_taken_away_falls_back_to_the_full_search() {
    let profile = Profile::default();
    let mut analyzer = Analyzer::for_stream();
    let (first, _) = synth::render_card(&scene(0.0, 0.0));
    analyzer.assess(&first, &profile);
    analyzer.assess(&first, &profile);
    assert!(analyzer.last_frame_tracked());

    // 60 px in one frame: beyond the tracking band, found again by the search.
    let (jumped, truth) = synth::render_card(&scene(60.0, 30.0));
    let report = analyzer.assess(&jumped, &profile);
    assert!(!analyzer.last_frame_tracked());
    let quad = report.document.expect("card found after the jump").quad;
    assert!(corner_error(&quad, &truth) < 1.5);

    // The card taken away: nothing is tracked onto the background.
    let background = image::RgbImage::from_fn(1280, 720, |x, y| {
        image::Rgb([(100 + (x / 40) % 3 * 10) as u8, 80, (60 + y % 7) as u8])
    });
    let report = analyzer.assess(&background, &profile);
    assert!(!analyzer.last_frame_tracked());
    assert!(report.document.is_none());
}

#[test]
fn a_full_search_runs_periodically_and_stills_are_never_tracked() {
    let profile = Profile::default();
    let (img, _) = synth::render_card(&scene(0.0, 0.0));
    let mut stream = Analyzer::for_stream();
    let tracked: Vec<bool> = (0..2 * FULL_SEARCH_EVERY_FRAMES)
        .map(|_| {
            stream.assess(&img, &profile);
            stream.last_frame_tracked()
        })
        .collect();
    let searches = tracked.iter().filter(|t| !**t).count();
    assert_eq!(searches, 2, "{tracked:?}");
    assert!(!tracked[0] && !tracked[FULL_SEARCH_EVERY_FRAMES as usize]);

    let mut stills = Analyzer::new();
    for _ in 0..3 {
        stills.assess(&img, &profile);
        assert!(!stills.last_frame_tracked());
    }
}
