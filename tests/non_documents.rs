//! Frames that hold no document must not be accepted as one: a checkerboard (whose grid lines once
//! made a "passport page", issue 16), stripes, a grid of small cards and noise. Each is generated
//! here, so the true answer is known: no document, and a failing verdict.
//!
//! The checkerboard and the grid of cards are still taken for documents (ignored below until the
//! detector rejects quads made of lines that run on past their corners: see issue 16).

use idcap::quality::{self, CheckId, Profile, Verdict};
use image::{Rgb, RgbImage};

/// A board of `cols` × `rows` alternating squares (or rectangles) filling a `w` × `h` frame.
fn checkerboard(w: u32, h: u32, cols: u32, rows: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if (x * cols / w + y * rows / h).is_multiple_of(2) {
            Rgb([235, 235, 235])
        } else {
            Rgb([25, 25, 25])
        }
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

/// A 4 × 4 grid of light card-shaped rectangles (ID-1 aspect 1.586) on a dark desk.
fn grid_of_cards(w: u32, h: u32) -> RgbImage {
    let (cell_w, cell_h) = (w / 4, h / 4);
    let card_w = cell_w * 8 / 10;
    let card_h = ((f64::from(card_w) / 1.586) as u32).min(cell_h * 9 / 10);
    RgbImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (x % cell_w, y % cell_h);
        let (mx, my) = ((cell_w - card_w) / 2, (cell_h - card_h) / 2);
        if (mx..mx + card_w).contains(&cx) && (my..my + card_h).contains(&cy) {
            Rgb([225, 220, 205])
        } else {
            Rgb([45, 50, 55])
        }
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
#[ignore = "issue 16: the detector still builds a card-shaped quad from the grid lines"]
fn a_checkerboard_is_not_a_document() {
    assert_no_document("8×8 board, square frame", &checkerboard(1024, 1024, 8, 8));
    assert_no_document("8×8 board, 16:9 frame", &checkerboard(1280, 720, 8, 8));
    assert_no_document("16×9 squares, 16:9 frame", &checkerboard(1280, 720, 16, 9));
    assert_no_document("6×4 board, 4:3 frame", &checkerboard(1600, 1200, 6, 4));
}

#[test]
fn stripes_are_not_a_document() {
    assert_no_document("40 px stripes", &stripes(1280, 720, 40));
    assert_no_document("160 px stripes", &stripes(1280, 720, 160));
}

#[test]
#[ignore = "issue 16: the detector takes the grid's outer envelope for one card"]
fn a_grid_of_cards_is_not_a_document() {
    assert_no_document("4×4 cards", &grid_of_cards(1280, 720));
}

#[test]
fn noise_is_not_a_document() {
    assert_no_document("noise", &noise(1280, 720, 0x1d_ca9));
}
