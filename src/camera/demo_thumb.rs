//! The demo camera's thumb: for a moment of the loop a thumb reaches over the card from its bottom
//! edge, so the live view shows the `occlusion` hint ("Move your fingers off the card").
//!
//! Decides when the thumb shows (`THUMB_WINDOW_S`) and how it is drawn: a shaded, round-tipped
//! band of skin in the card's own millimetres, projected into the frame with the card. Pure: the
//! same time and card corners give the same pixels.

use image::{Rgb, RgbImage};

use super::demo::{Act, act_start};
use crate::quality::geometry::Homography;
use crate::quality::{DocumentKind, Point};

/// When the thumb is over the card, seconds into the demo's loop (start, end): the first 3 s of
/// the back side held flat, so the person sees the hint before the back is captured (the front's
/// capture keeps its timing).
pub const THUMB_WINDOW_S: (f64, f64) = (
    act_start(Act::SettleBack) + 0.3,
    act_start(Act::SettleBack) + 3.0,
);
/// How far the thumb reaches past the card's bottom edge at its deepest, millimetres.
const REACH_MM: f64 = 14.0;
/// Width of the thumb, millimetres.
const WIDTH_MM: f64 = 18.0;
/// Where along the bottom edge the thumb's centre lies, millimetres from the card's left edge.
const CENTRE_MM: f64 = 62.0;
/// Skin colour in the light of the desk lamp.
const SKIN: [f64; 3] = [214.0, 160.0, 128.0];

/// How far in the thumb reaches at `t` seconds (0 when it is away): it slides in over 0.4 s,
/// stays, and slides out over 0.4 s.
fn reach_at(t: f64, loop_s: f64) -> f64 {
    let t = t.rem_euclid(loop_s);
    let (start, end) = THUMB_WINDOW_S;
    if t <= start || t >= end {
        return 0.0;
    }
    let k = ((t - start) / 0.4).min((end - t) / 0.4).clamp(0.0, 1.0);
    REACH_MM * k
}

/// Draws the thumb over `frame` when the script has it at `t`. `card` holds the card's corners in
/// the frame (its top-left, top-right, bottom-right, bottom-left).
pub fn draw(frame: &mut RgbImage, card: &[Point; 4], t: f64, loop_s: f64) {
    let reach = reach_at(t, loop_s);
    if reach <= 0.0 {
        return;
    }
    let (w_mm, h_mm) = DocumentKind::IdCard.size_mm();
    let mm = [
        Point::new(0.0, 0.0),
        Point::new(w_mm, 0.0),
        Point::new(w_mm, h_mm),
        Point::new(0.0, h_mm),
    ];
    let (Some(to_card), Some(to_frame)) = (
        Homography::from_points(card, &mm),
        Homography::from_points(&mm, card),
    ) else {
        return;
    };
    let half = WIDTH_MM / 2.0;
    // The thumb runs from 40 mm below the card's bottom edge to `reach` above it.
    let (top, bottom) = (h_mm - reach, h_mm + 40.0);
    let corners = [
        to_frame.apply(Point::new(CENTRE_MM - half, top)),
        to_frame.apply(Point::new(CENTRE_MM + half, top)),
        to_frame.apply(Point::new(CENTRE_MM + half, bottom)),
        to_frame.apply(Point::new(CENTRE_MM - half, bottom)),
    ];
    let (fw, fh) = frame.dimensions();
    let x0 = corners
        .iter()
        .map(|p| p.x)
        .fold(f64::MAX, f64::min)
        .max(0.0) as u32;
    let y0 = corners
        .iter()
        .map(|p| p.y)
        .fold(f64::MAX, f64::min)
        .max(0.0) as u32;
    let x1 = (corners
        .iter()
        .map(|p| p.x)
        .fold(f64::MIN, f64::max)
        .ceil()
        .max(0.0) as u32)
        .min(fw);
    let y1 = (corners
        .iter()
        .map(|p| p.y)
        .fold(f64::MIN, f64::max)
        .ceil()
        .max(0.0) as u32)
        .min(fh);
    let tip = Point::new(CENTRE_MM, top + half);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = to_card.apply(Point::new(f64::from(x) + 0.5, f64::from(y) + 0.5));
            let across = p.x - CENTRE_MM;
            // Signed distance to the thumb's outline, mm (negative inside): a round tip on a band.
            let dist = if p.y < tip.y {
                p.dist(tip) - half
            } else {
                (across.abs() - half).max(p.y - bottom)
            };
            // A soft edge about 0.6 mm wide: the thumb is nearer the camera than the card.
            let alpha = (0.5 - dist / 0.6).clamp(0.0, 1.0);
            if alpha <= 0.0 {
                continue;
            }
            let u = (across / half).clamp(-1.0, 1.0);
            let shade = 0.65 + 0.35 * (1.0 - u * u).sqrt();
            if let Some(px) = frame.get_pixel_mut_checked(x, y) {
                let old = px.0;
                *px = Rgb(std::array::from_fn(|k| {
                    (f64::from(old[k]) * (1.0 - alpha) + SKIN[k] * shade * alpha).round() as u8
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> [Point; 4] {
        [
            Point::new(160.0, 100.0),
            Point::new(1120.0, 100.0),
            Point::new(1120.0, 705.0),
            Point::new(160.0, 705.0),
        ]
    }

    #[test]
    fn the_thumb_shows_only_in_its_window_and_covers_the_card_from_the_bottom() {
        let blank = RgbImage::from_pixel(1280, 720, Rgb([240, 240, 240]));
        let mut before = blank.clone();
        draw(
            &mut before,
            &card(),
            THUMB_WINDOW_S.0 - 0.5,
            super::super::demo::LOOP_S,
        );
        assert!(before == blank);
        let mut during = blank.clone();
        draw(
            &mut during,
            &card(),
            THUMB_WINDOW_S.0 + 1.0,
            super::super::demo::LOOP_S,
        );
        // The thumb's centre, 5 mm above the card's bottom edge (11.2 px per mm), is skin.
        let centre = during
            .get_pixel((160.0 + CENTRE_MM * 11.215) as u32, 705 - 56)
            .0;
        assert!(centre[0] > centre[2] + 40, "{centre:?}");
        // The card's top half is untouched.
        assert_eq!(during.get_pixel(640, 200).0, [240, 240, 240]);
    }
}
