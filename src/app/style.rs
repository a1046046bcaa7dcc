//! Visual constants of the app: colours, stroke widths, sizes and spacing, in one place.
//!
//! The live view, the overlay, the checklist and the review view all read these, so the app looks
//! the same everywhere and a colour is changed once.

use egui::Color32;

/// A check or a document outline that passes.
pub(crate) const PASS: Color32 = Color32::from_rgb(46, 184, 92);
/// A document that was found but fails a check other than framing.
pub(crate) const WARN: Color32 = Color32::from_rgb(240, 170, 30);
/// A failing check, or a document outline that is badly framed.
pub(crate) const FAIL: Color32 = Color32::from_rgb(226, 62, 62);
/// Checks that were not measured (no document).
pub(crate) const NOT_MEASURED: Color32 = Color32::from_rgb(140, 140, 140);
/// The alignment frame drawn over the live view.
pub(crate) const GUIDE: Color32 = Color32::from_rgba_premultiplied(235, 235, 235, 200);
/// Outline of glare regions.
pub(crate) const GLARE: Color32 = Color32::from_rgb(255, 0, 220);
/// Outline of the parts of the document something covers (a finger, a sleeve).
pub const OCCLUSION: Color32 = Color32::from_rgb(255, 150, 0);
/// Background behind the big guidance line.
pub(crate) const GUIDANCE_BG: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 170);
/// Text of the big guidance line.
pub(crate) const GUIDANCE_TEXT: Color32 = Color32::WHITE;
/// The tick / cross drawn on a checklist mark's coloured circle.
pub(crate) const MARK_SYMBOL: Color32 = Color32::WHITE;
/// Colour of the countdown digits.
pub(crate) const COUNTDOWN: Color32 = Color32::from_rgb(255, 255, 255);

/// Document outline stroke width, points.
pub(crate) const OUTLINE_WIDTH: f32 = 3.0;
/// Glare region stroke width, points.
pub(crate) const GLARE_WIDTH: f32 = 2.0;
/// Covered-region stroke width, points.
pub const OCCLUSION_WIDTH: f32 = 2.5;
/// Alignment-frame stroke width, points.
pub(crate) const GUIDE_WIDTH: f32 = 2.5;
/// Length of the alignment frame's corner brackets, as a fraction of the frame's shorter side.
pub(crate) const GUIDE_BRACKET_FRAC: f32 = 0.18;
/// The alignment frame covers this fraction of the image's width or height (whichever limits).
pub(crate) const GUIDE_FILL_FRAC: f32 = 0.78;
/// Radius of the corner dots of the document outline, points.
pub(crate) const CORNER_DOT_RADIUS: f32 = 4.0;

/// Size of the big guidance line, points.
pub(crate) const GUIDANCE_SIZE: f32 = 30.0;
/// Radius of the countdown's dark disc, as a fraction of the preview's shorter side.
pub const COUNTDOWN_RADIUS_FRAC: f32 = 0.22;
/// Smallest and largest radius of the countdown's disc, points.
pub const COUNTDOWN_MIN_RADIUS: f32 = 72.0;
pub const COUNTDOWN_MAX_RADIUS: f32 = 140.0;
/// Width of the countdown's ring, points.
pub const COUNTDOWN_RING_WIDTH: f32 = 8.0;
/// The countdown's dark backing, so the digit reads over a light card.
pub const COUNTDOWN_BACKING: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 190);
/// The part of the countdown's ring already used up.
pub const COUNTDOWN_RING_TRACK: Color32 = Color32::from_rgba_premultiplied(90, 90, 90, 160);
/// Shade over the preview outside the alignment frame.
pub const OUTSIDE_GUIDE_SHADE: Color32 = Color32::from_black_alpha(110);
/// The white flash over a still just captured: how long it fades, seconds.
pub const FLASH_S: f32 = 0.35;
/// Size of a primary action button (capture, next side, export), points.
pub const PRIMARY_BUTTON_SIZE: egui::Vec2 = egui::vec2(260.0, 46.0);
/// Text size of a primary action button, points.
pub const PRIMARY_TEXT_SIZE: f32 = 20.0;
/// Text size of a notice beside the primary actions (a refused capture), points.
pub const NOTICE_TEXT_SIZE: f32 = 16.0;
/// Space around the primary actions, points.
pub const ACTION_GAP: f32 = 6.0;
/// Smallest text anywhere (detail lines, values, the status line), points at a 1280-point-wide
/// window; text grows with wider windows (`text_scale`).
pub const SMALL_TEXT_SIZE: f32 = 12.5;
/// Body text size, points at a 1280-point-wide window.
pub const BODY_TEXT_SIZE: f32 = 14.0;
/// Weak (secondary) text: light grey, 8:1 contrast on egui's dark panel fill (WCAG AA asks 4.5:1).
pub const WEAK_TEXT: Color32 = Color32::from_gray(185);
/// Width of the live view's side panel as a fraction of the window, and its bounds, points.
pub const SIDE_PANEL_FRAC: f32 = 0.24;
pub const SIDE_PANEL_MIN: f32 = 230.0;

/// How much text grows with the window: 1 up to 1280 points wide, up to 1.3 at 1920 and beyond.
pub fn text_scale(window_width: f32) -> f32 {
    (window_width / 1280.0).clamp(1.0, 1.3)
}

/// Size of a primary action button in a window `window_width` points wide, points: it grows with
/// the text (`text_scale`), so the main action stays the obvious one on a large screen.
pub fn primary_button_size(window_width: f32) -> egui::Vec2 {
    PRIMARY_BUTTON_SIZE * text_scale(window_width)
}

/// Text size of a primary action button in a window `window_width` points wide, points.
pub fn primary_text_size(window_width: f32) -> f32 {
    PRIMARY_TEXT_SIZE * text_scale(window_width)
}

/// Sets the text sizes and the weak text colour for a window `window_width` points wide.
pub fn apply_text_style(ctx: &egui::Context, window_width: f32) {
    use egui::{FontId, TextStyle};
    let k = text_scale(window_width);
    ctx.all_styles_mut(|style| {
        let sizes = [
            (TextStyle::Small, SMALL_TEXT_SIZE),
            (TextStyle::Body, BODY_TEXT_SIZE),
            (TextStyle::Button, BODY_TEXT_SIZE),
            (TextStyle::Monospace, SMALL_TEXT_SIZE + 0.5),
            (TextStyle::Heading, 20.0),
        ];
        for (text_style, size) in sizes {
            let family = style
                .text_styles
                .get(&text_style)
                .map(|f| f.family.clone())
                .unwrap_or(egui::FontFamily::Proportional);
            style
                .text_styles
                .insert(text_style, FontId::new(size * k, family));
        }
        style.visuals.weak_text_color = Some(WEAK_TEXT);
    });
}

/// Width of the live view's side panel in a window `window_width` points wide: a quarter of the
/// width, at least `SIDE_PANEL_MIN`, at most `SIDE_PANEL_WIDTH`.
pub fn side_panel_width(window_width: f32) -> f32 {
    (window_width * SIDE_PANEL_FRAC).clamp(SIDE_PANEL_MIN, SIDE_PANEL_WIDTH)
}
/// Width of the side panels, points.
pub(crate) const SIDE_PANEL_WIDTH: f32 = 330.0;
/// Diameter of a checklist pass/fail mark, points.
pub(crate) const MARK_SIZE: f32 = 14.0;
/// Vertical space between checklist rows, points.
pub(crate) const ROW_SPACING: f32 = 4.0;
/// Inner margin of floating labels over the image, points.
pub(crate) const LABEL_PADDING: f32 = 10.0;

/// Height of a thumbnail in the review's strip, points.
pub(crate) const THUMB_HEIGHT: f32 = 72.0;
/// Width of a thumbnail's cell in the strip (the name is truncated to it), points.
pub(crate) const THUMB_CELL_WIDTH: f32 = 120.0;
/// Height of the thumbnail strip panel, points.
pub(crate) const STRIP_HEIGHT: f32 = THUMB_HEIGHT + 34.0;
/// Fill of a thumbnail whose texture is not uploaded yet.
pub(crate) const THUMB_PLACEHOLDER: Color32 = Color32::from_gray(60);
/// Size of the review's "To fix: …" line above the checklist, points.
pub const WHAT_TO_FIX_SIZE: f32 = 16.0;
/// Size of the PASS / FAIL badge text on a thumbnail, points.
pub const BADGE_TEXT_SIZE: f32 = 12.0;
/// Size of the empty review's "Drop photos here" line, points.
pub(crate) const EMPTY_TITLE_SIZE: f32 = 24.0;
/// Size of the "Cannot check …" line of a file that failed, points.
pub(crate) const ERROR_TITLE_SIZE: f32 = 20.0;
/// Width of the progress bar of a photo being checked, points.
pub(crate) const PROGRESS_WIDTH: f32 = 240.0;
/// Width of the review toolbar's "Checked n of m" progress bar, points.
pub(crate) const TOOLBAR_PROGRESS_WIDTH: f32 = 160.0;

/// Shade over the window while files are dragged over it.
pub(crate) const DROP_HINT_SHADE: Color32 = Color32::from_black_alpha(170);
/// Second line of the drop hint.
pub(crate) const DROP_HINT_SUBTEXT: Color32 = Color32::from_gray(220);
/// Distance of the drop hint's frame from the window's edge, points.
pub(crate) const DROP_HINT_INSET: f32 = 12.0;
/// Corner radius of the drop hint's frame, points.
pub(crate) const DROP_HINT_CORNER_RADIUS: f32 = 8.0;
/// Stroke width of the drop hint's frame, points.
pub(crate) const DROP_HINT_STROKE_WIDTH: f32 = 3.0;

/// Margin around each still's cell, points.
pub(crate) const STILL_MARGIN: f32 = 6.0;
/// Gap between a still and the checklist beside it, points.
pub(crate) const STILL_CHECKLIST_GAP: f32 = 12.0;
/// Share of a narrow still cell's height given to the photo (the checklist goes underneath).
pub(crate) const STILL_PHOTO_SHARE: f32 = 0.55;
/// A still cell at least this many side-panel widths wide puts the checklist beside the photo.
pub(crate) const STILL_BESIDE_MIN_PANELS: f32 = 2.5;
/// Space above the "No camera" message, points.
pub(crate) const NO_CAMERA_TOP_SPACE: f32 = 60.0;
/// Space between the "No camera" message and its buttons, points.
pub(crate) const NO_CAMERA_BUTTON_SPACE: f32 = 20.0;
/// Corner radius of the guidance line's background, points.
pub(crate) const GUIDANCE_CORNER_RADIUS: f32 = 6.0;
/// Gap between the guidance line and the preview, points.
pub(crate) const GUIDANCE_GAP: f32 = 4.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primary_actions_grow_with_the_window_like_the_text() {
        assert_eq!(primary_button_size(1024.0), PRIMARY_BUTTON_SIZE);
        assert_eq!(primary_text_size(1024.0), PRIMARY_TEXT_SIZE);
        let big = primary_button_size(1920.0);
        assert!((big.x / PRIMARY_BUTTON_SIZE.x - text_scale(1920.0)).abs() < 1e-6);
        assert!(big.y > PRIMARY_BUTTON_SIZE.y);
    }
}
