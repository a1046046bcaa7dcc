//! Frames that hold no document must not be accepted as one: a checkerboard (whose grid lines once
//! made a "passport page", issue 16), stripes, a grid of small cards and noise, square-on, rotated
//! and in perspective. Each is generated here, so the true answer is known: no document, and a
//! failing verdict. And the other way round: a card lying on a checkerboard desk, on stripes that
//! continue its top and bottom sides, along a table's edge or in a table's corner is still found,
//! where it is (the grid test must tell a grid from texture along one direction).

#[path = "common/synth.rs"]
mod synth;

use idcap::quality::geometry::Homography;
use idcap::quality::{self, CheckId, DocumentKind, Point, Profile, Verdict};
use image::{Rgb, RgbImage};
use synth::{Background, CardScene, render_card};

/// A `w` × `h` frame of a flat pattern seen in perspective: `pattern(u, v)` is drawn on the unit
/// square, which the camera sees as a trapezoid whose top side is `keystone` (0–1) shorter than its
/// bottom one, filling the frame (0 = square-on). One sample per pixel, at its centre.
fn in_perspective(w: u32, h: u32, keystone: f64, pattern: impl Fn(f64, f64) -> bool) -> RgbImage {
    let (fw, fh) = (f64::from(w), f64::from(h));
    let inset = 0.5 * keystone * fw;
    let seen = [
        Point::new(inset, 0.0),
        Point::new(fw - inset, 0.0),
        Point::new(fw, fh),
        Point::new(0.0, fh),
    ];
    let unit = [
        Point::new(0.0, 0.0),
        Point::new(1.0, 0.0),
        Point::new(1.0, 1.0),
        Point::new(0.0, 1.0),
    ];
    let to_plane = Homography::from_points(&seen, &unit).expect("a proper trapezoid");
    RgbImage::from_fn(w, h, |x, y| {
        let p = to_plane.apply(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5));
        let inside = (0.0..1.0).contains(&p.x) && (0.0..1.0).contains(&p.y);
        if inside && pattern(p.x, p.y) {
            Rgb([235, 230, 220])
        } else {
            Rgb([30, 32, 36])
        }
    })
}

/// A `w` × `h` frame of a flat pattern turned `angle_deg` clockwise about the frame's centre:
/// `pattern(u, v)` is drawn on the plane in pixels from the centre, before the turn, and fills
/// the frame.
fn rotated(w: u32, h: u32, angle_deg: f64, pattern: impl Fn(f64, f64) -> bool) -> RgbImage {
    let (s, c) = angle_deg.to_radians().sin_cos();
    let (cx, cy) = (0.5 * f64::from(w), 0.5 * f64::from(h));
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (f64::from(x) + 0.5 - cx, f64::from(y) + 0.5 - cy);
        // Turn the pixel back by the pattern's angle.
        let (u, v) = (c * dx + s * dy, -s * dx + c * dy);
        if pattern(u, v) {
            Rgb([235, 230, 220])
        } else {
            Rgb([30, 32, 36])
        }
    })
}

/// A checkerboard of `cell_px` squares filling a `w` × `h` frame, turned `angle_deg`.
fn rotated_checkerboard(w: u32, h: u32, cell_px: f64, angle_deg: f64) -> RgbImage {
    rotated(w, h, angle_deg, |u, v| {
        ((u / cell_px).floor() + (v / cell_px).floor()).rem_euclid(2.0) < 1.0
    })
}

/// Light ID-1 cards `card_w` pixels wide in cells 1.25 times their size, filling a `w` × `h`
/// frame, turned `angle_deg`.
fn rotated_grid_of_cards(w: u32, h: u32, card_w: f64, angle_deg: f64) -> RgbImage {
    let card_h = card_w / 1.586;
    let (cell_w, cell_h) = (1.25 * card_w, 1.25 * card_h);
    rotated(w, h, angle_deg, |u, v| {
        let (fu, fv) = ((u / cell_w).rem_euclid(1.0), (v / cell_h).rem_euclid(1.0));
        fu < 0.8 && fv < 0.8
    })
}

/// A board of `cols` × `rows` alternating squares (or rectangles) filling a `w` × `h` frame.
fn checkerboard(w: u32, h: u32, cols: u32, rows: u32) -> RgbImage {
    checkerboard_in_perspective(w, h, cols, rows, 0.0)
}

/// `checkerboard` seen in perspective (`in_perspective`).
fn checkerboard_in_perspective(w: u32, h: u32, cols: u32, rows: u32, keystone: f64) -> RgbImage {
    let (c, r) = (f64::from(cols), f64::from(rows));
    in_perspective(w, h, keystone, |u, v| {
        ((u * c).floor() + (v * r).floor()).rem_euclid(2.0) < 1.0
    })
}

/// Vertical stripes `period` pixels wide.
fn stripes(w: u32, h: u32, period: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, _| {
        if (x / period).is_multiple_of(2) {
            Rgb([220, 210, 200])
        } else {
            Rgb([40, 50, 60])
        }
    })
}

/// A `cols` × `rows` grid of light card-shaped rectangles (ID-1 aspect 1.586) on a dark desk,
/// each 80 % of its cell's width (or 90 % of its height, if less), seen in perspective
/// (`in_perspective`).
fn grid_of_cards(w: u32, h: u32, cols: u32, rows: u32, keystone: f64) -> RgbImage {
    let (cell_w, cell_h) = (
        f64::from(w) / f64::from(cols),
        f64::from(h) / f64::from(rows),
    );
    let card_w = (0.8 * cell_w).min(0.9 * cell_h * 1.586);
    let card_h = card_w / 1.586;
    let (mx, my) = (
        0.5 * (cell_w - card_w) / cell_w,
        0.5 * (cell_h - card_h) / cell_h,
    );
    let (c, r) = (f64::from(cols), f64::from(rows));
    in_perspective(w, h, keystone, |u, v| {
        let (fu, fv) = ((u * c).fract(), (v * r).fract());
        (mx..1.0 - mx).contains(&fu) && (my..1.0 - my).contains(&fv)
    })
}

/// Uniform random colour noise from a fixed seed (xorshift).
fn noise(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut s = seed;
    RgbImage::from_fn(w, h, |_, _| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let b = s.to_le_bytes();
        Rgb([b[0], b[1], b[2]])
    })
}

fn assert_no_document(name: &str, image: &RgbImage) {
    let report = quality::assess(image, &Profile::default());
    assert!(
        report.document.is_none(),
        "{name}: taken for a {:?} at {:?}",
        report.document.as_ref().map(|d| d.kind),
        report.document.as_ref().map(|d| d.quad)
    );
    assert!(!report.passes(CheckId::Document), "{name}");
    assert_eq!(report.verdict(), Verdict::Fail, "{name}");
}

#[test]
fn a_checkerboard_is_not_a_document() {
    assert_no_document("8×8 board, square frame", &checkerboard(1024, 1024, 8, 8));
    assert_no_document("8×8 board, 16:9 frame", &checkerboard(1280, 720, 8, 8));
    assert_no_document("16×9 squares, 16:9 frame", &checkerboard(1280, 720, 16, 9));
    assert_no_document("6×4 board, 4:3 frame", &checkerboard(1600, 1200, 6, 4));
    assert_no_document("5×3 board, 16:9 frame", &checkerboard(1280, 720, 5, 3));
    assert_no_document("12×7 board, 1080p", &checkerboard(1920, 1080, 12, 7));
}

#[test]
fn a_checkerboard_in_perspective_is_not_a_document() {
    let board = checkerboard_in_perspective(1280, 720, 8, 6, 0.15);
    assert_no_document("8×6 board, top 15 % shorter", &board);
    let board = checkerboard_in_perspective(1600, 1200, 7, 5, 0.08);
    assert_no_document("7×5 board, 4:3, top 8 % shorter", &board);
    // Cells in perspective at the frame's edge, where some sides leave the frame.
    let board = checkerboard_in_perspective(1080, 1440, 6, 9, 0.25);
    assert_no_document("6×9 board, portrait, top 25 % shorter", &board);
    let board = checkerboard_in_perspective(1920, 1080, 10, 6, 0.1);
    assert_no_document("10×6 board, 1080p, top 10 % shorter", &board);
}

#[test]
fn a_turned_checkerboard_is_not_a_document() {
    for (cell_px, angle_deg) in [(100.0, 12.0), (70.0, 30.0), (150.0, -20.0)] {
        assert_no_document(
            &format!("{cell_px} px squares turned {angle_deg}°"),
            &rotated_checkerboard(1280, 720, cell_px, angle_deg),
        );
    }
}

#[test]
#[ignore = "issue 16: still taken for a card: the envelope of rows of cards whose gaps are wider \
            than the cards (the lines along the cards' sides are mostly gap, so do not count as \
            crossing it)"]
fn rows_of_cards_far_apart_are_not_a_document() {
    assert_no_document("5×6 cards, portrait", &grid_of_cards(1080, 1440, 5, 6, 0.0));
}

#[test]
fn stripes_are_not_a_document() {
    assert_no_document("40 px stripes", &stripes(1280, 720, 40));
    assert_no_document("160 px stripes", &stripes(1280, 720, 160));
}

#[test]
fn a_grid_of_cards_is_not_a_document() {
    assert_no_document("4×4 cards", &grid_of_cards(1280, 720, 4, 4, 0.0));
    assert_no_document(
        "4×4 cards, top 12 % shorter",
        &grid_of_cards(1280, 720, 4, 4, 0.12),
    );
    assert_no_document("3×3 cards", &grid_of_cards(1280, 720, 3, 3, 0.0));
    assert_no_document("6×5 cards, 1080p", &grid_of_cards(1920, 1080, 6, 5, 0.0));
    for (card_w, angle_deg) in [(240.0, 10.0), (300.0, -25.0)] {
        assert_no_document(
            &format!("{card_w} px cards turned {angle_deg}°"),
            &rotated_grid_of_cards(1280, 720, card_w, angle_deg),
        );
    }
}

/// Asserts that the scene's card is found as an ID card, within 1 % of the frame's long side.
fn assert_card_found(name: &str, scene: &CardScene) {
    let (image, truth) = render_card(scene);
    let report = quality::assess(&image, &Profile::default());
    let doc = report
        .document
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: no document found"));
    assert_eq!(doc.kind, DocumentKind::IdCard, "{name}");
    let off = doc
        .quad
        .corners()
        .iter()
        .zip(truth.corners())
        .map(|(p, q)| p.dist(*q))
        .fold(0.0, f64::max);
    let tolerance = 0.01 * f64::from(scene.width.max(scene.height));
    assert!(
        off <= tolerance,
        "{name}: a corner {off:.1} px off (found {:?}, truth {:?})",
        doc.quad,
        truth
    );
}

#[test]
fn a_card_on_a_checkerboard_desk_is_found() {
    // Not yet with 60 px squares and the card at ±14°: a corner lands 17 px off (the outline
    // takes a square's edge next to the card's), with or without the grid test.
    for (cell_px, rotation_deg) in [(90.0, 8.0), (140.0, 25.0)] {
        let scene = CardScene {
            background: Background::Checker { cell_px },
            rotation_deg,
            long_side_px: 760.0,
            ..CardScene::default()
        };
        assert_card_found(
            &format!("{cell_px} px squares, card at {rotation_deg}°"),
            &scene,
        );
    }
}

#[test]
fn a_card_along_a_table_edge_is_found() {
    // The card's bottom side lies on the table's edge, which runs on across the whole frame.
    let scene = CardScene::default();
    let bottom = synth::card_corners(&scene)[2].y;
    for (name, edge_y) in [("on the edge", bottom), ("2 px beyond it", bottom + 2.0)] {
        let scene = CardScene {
            background: Background::TableEdge { edge_y },
            ..scene.clone()
        };
        assert_card_found(name, &scene);
    }
}

#[test]
fn a_card_on_stripes_continuing_its_sides_is_found() {
    // Bands whose edges continue the card's top and bottom sides both ways across the frame (the
    // demo's wood grain does this along stretches): texture along one direction, not a grid.
    let scene = CardScene::default();
    let corners = synth::card_corners(&scene);
    let (top, bottom) = (corners[0].y, corners[2].y);
    for bands in [1.0, 2.0, 4.0] {
        for offset_px in [0.0, 2.0] {
            let scene = CardScene {
                background: Background::Stripes {
                    first_y: top - offset_px,
                    period_px: (bottom - top) / bands,
                },
                ..scene.clone()
            };
            assert_card_found(&format!("{bands} bands, {offset_px} px off"), &scene);
        }
    }
}

#[test]
fn a_card_in_a_table_corner_is_found() {
    // The table's front and side edges continue the card's bottom side and one short side, each
    // past a different corner: an L of edges, not a grid.
    let scene = CardScene {
        long_side_px: 760.0,
        ..CardScene::default()
    };
    let corners = synth::card_corners(&scene);
    for offset_px in [0.0, 2.0] {
        for (name, corner, table_left) in [
            ("table to the right", corners[3], false),
            ("table to the left", corners[2], true),
        ] {
            let x = if table_left {
                corner.x + offset_px
            } else {
                corner.x - offset_px
            };
            let scene = CardScene {
                background: Background::TableCorner {
                    x,
                    y: corner.y + offset_px,
                    table_left,
                },
                ..scene.clone()
            };
            assert_card_found(&format!("{name}, {offset_px} px beyond it"), &scene);
        }
    }
}

#[test]
fn noise_is_not_a_document() {
    assert_no_document("noise", &noise(1280, 720, 0x1d_ca9));
}
