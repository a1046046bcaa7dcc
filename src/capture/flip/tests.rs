//! The flip guard on the demo card: the front under every problem the demo shows stays "the front",
//! the back (either way up) is another side, and the guard arms only on a different document.

use super::*;
use crate::camera::demo::{
    Act, BACK_SETTLED_S, DemoCamera, Pose, SETTLED_S, act_start, card_size, pose_at, project,
};

fn signature_at(cam: &DemoCamera, pose: &Pose) -> Signature {
    let (cw, ch) = card_size();
    let quad = project(pose, cw, ch);
    // The back is seen mirrored through the projection: its own top-left is the quad's top-right.
    let quad = if crate::camera::demo::shows_back(pose) {
        [quad[1], quad[0], quad[3], quad[2]]
    } else {
        quad
    };
    let image = cam.render_pose(pose);
    Signature::of(&image, &quad).expect("card inside the frame")
}

fn at(cam: &DemoCamera, t: f64) -> Signature {
    signature_at(cam, &pose_at(t))
}

#[test]
fn the_front_stays_the_front_under_glare_defocus_and_tilt() {
    let cam = DemoCamera::new(30.0, false);
    let front = at(&cam, SETTLED_S + 1.0);
    for t in [
        act_start(Act::Defocus) + 1.0,
        act_start(Act::Glare) + 1.0,
        act_start(Act::Tilt) + 0.7,
        SETTLED_S + 4.0,
    ] {
        let l = front.likeness(&at(&cam, t));
        assert!(l.same(), "t = {t}: {l:?}");
        assert!(l.layout > 0.8, "t = {t}: {l:?}");
    }
}

#[test]
fn the_front_upside_down_is_still_the_front() {
    let cam = DemoCamera::new(30.0, false);
    let front = at(&cam, SETTLED_S + 1.0);
    let turned = Pose {
        roll_deg: 180.0,
        ..pose_at(SETTLED_S + 1.0)
    };
    let (cw, ch) = card_size();
    // Quad clockwise from the image's top-left, as the detector reports it.
    let q = project(&turned, cw, ch);
    let quad = [q[2], q[3], q[0], q[1]];
    let sig = Signature::of(&cam.render_pose(&turned), &quad).expect("inside");
    let l = front.likeness(&sig);
    assert!(l.same(), "{l:?}");
}

#[test]
fn the_back_is_another_side_either_way_up() {
    let cam = DemoCamera::new(30.0, false);
    let front = at(&cam, SETTLED_S + 1.0);
    let back = at(&cam, BACK_SETTLED_S + 1.0);
    let l = front.likeness(&back);
    assert!(!l.same(), "{l:?}");
    assert!(l.layout < 0.5, "{l:?}");
}

#[test]
fn the_guard_arms_only_on_a_document_unlike_the_front() {
    let cam = DemoCamera::new(30.0, false);
    let front = at(&cam, SETTLED_S + 1.0);
    let mut guard = FlipGuard::new(front.clone());
    assert_eq!(guard.state(), FlipState::TurnOver);
    assert!(matches!(
        guard.push(Some(&at(&cam, SETTLED_S + 2.0))),
        FlipState::StillFront(_)
    ));
    assert_eq!(guard.push(None), FlipState::TurnOver);
    // Shown again after leaving the view: still refused.
    assert!(matches!(
        guard.push(Some(&at(&cam, SETTLED_S + 3.0))),
        FlipState::StillFront(_)
    ));
    assert_eq!(
        guard.push(Some(&at(&cam, BACK_SETTLED_S + 1.0))),
        FlipState::Ready
    );
}

#[test]
fn a_document_mostly_outside_the_frame_has_no_signature() {
    let cam = DemoCamera::new(30.0, false);
    let pose = pose_at(0.2);
    let (cw, ch) = card_size();
    let quad = project(&pose, cw, ch);
    assert!(Signature::of(&cam.render_pose(&pose), &quad).is_none());
}

#[test]
fn flat_or_empty_signatures_compare_without_panicking() {
    let grey = RgbImage::from_pixel(40, 30, image::Rgb([128, 128, 128]));
    let quad = [
        Point::new(2.0, 2.0),
        Point::new(38.0, 2.0),
        Point::new(38.0, 28.0),
        Point::new(2.0, 28.0),
    ];
    let a = Signature::of(&grey, &quad).expect("inside");
    let l = a.likeness(&a);
    assert_eq!(l.layout, 0.0);
    assert!(!l.same());
    assert!(Signature::of(&RgbImage::new(1, 1), &quad).is_none());
}
