//! Visual constants of the app: colours, stroke widths, sizes and spacing, in one place.
//!
//! The live view, the overlay, the checklist and the review view all read these, so the app looks
//! the same everywhere and a colour is changed once.

use egui::Color32;

/// A check or a document outline that passes.
pub const PASS: Color32 = Color32::from_rgb(46, 184, 92);
/// A document that was found but fails a check other than framing.
pub const WARN: Color32 = Color32::from_rgb(240, 170, 30);
/// A failing check, or a document outline that is badly framed.
pub const FAIL: Color32 = Color32::from_rgb(226, 62, 62);
/// Checks that were not measured (no document).
pub const NOT_MEASURED: Color32 = Color32::from_rgb(140, 140, 140);
/// The alignment frame drawn over the live view.
pub const GUIDE: Color32 = Color32::from_rgba_premultiplied(235, 235, 235, 200);
/// Outline of glare regions.
pub const GLARE: Color32 = Color32::from_rgb(255, 0, 220);
/// Outline of the parts of the document something covers (a finger, a sleeve).
pub const OCCLUSION: Color32 = Color32::from_rgb(255, 150, 0);
/// Background behind the big guidance line.
pub const GUIDANCE_BG: Color32 = Color32::from_rgba_premultiplied(0, 0, 0, 170);
/// Text of the big guidance line.
pub const GUIDANCE_TEXT: Color32 = Color32::WHITE;
/// The tick / cross drawn on a checklist mark's coloured circle.
pub const MARK_SYMBOL: Color32 = Color32::WHITE;
/// Colour of the countdown digits.
pub const COUNTDOWN: Color32 = Color32::from_rgb(255, 255, 255);

/// Document outline stroke width, points.
pub const OUTLINE_WIDTH: f32 = 3.0;
/// Glare region stroke width, points.
pub const GLARE_WIDTH: f32 = 2.0;
/// Covered-region stroke width, points.
pub const OCCLUSION_WIDTH: f32 = 2.5;
/// Alignment-frame stroke width, points.
pub const GUIDE_WIDTH: f32 = 2.5;
/// Length of the alignment frame's corner brackets, as a fraction of the frame's shorter side.
pub const GUIDE_BRACKET_FRAC: f32 = 0.18;
/// The alignment frame covers this fraction of the image's width or height (whichever limits).
pub const GUIDE_FILL_FRAC: f32 = 0.78;
/// Radius of the corner dots of the document outline, points.
pub const CORNER_DOT_RADIUS: f32 = 4.0;

/// Size of the big guidance line, points.
pub const GUIDANCE_SIZE: f32 = 30.0;
/// Size of the countdown digits, points.
pub const COUNTDOWN_SIZE: f32 = 96.0;
/// Width of the side panels, points.
pub const SIDE_PANEL_WIDTH: f32 = 330.0;
/// Diameter of a checklist pass/fail mark, points.
pub const MARK_SIZE: f32 = 14.0;
/// Vertical space between checklist rows, points.
pub const ROW_SPACING: f32 = 4.0;
/// Inner margin of floating labels over the image, points.
pub const LABEL_PADDING: f32 = 10.0;

/// Height of a thumbnail in the review's strip, points.
pub const THUMB_HEIGHT: f32 = 72.0;
/// Width of a thumbnail's cell in the strip (the name is truncated to it), points.
pub const THUMB_CELL_WIDTH: f32 = 120.0;
/// Height of the thumbnail strip panel, points.
pub const STRIP_HEIGHT: f32 = THUMB_HEIGHT + 34.0;
/// Fill of a thumbnail whose texture is not uploaded yet.
pub const THUMB_PLACEHOLDER: Color32 = Color32::from_gray(60);
/// Size of the PASS / FAIL badge text on a thumbnail, points.
pub const BADGE_TEXT_SIZE: f32 = 11.0;
/// Size of the empty review's "Drop photos here" line, points.
pub const EMPTY_TITLE_SIZE: f32 = 24.0;
/// Size of the "Cannot check …" line of a file that failed, points.
pub const ERROR_TITLE_SIZE: f32 = 20.0;
/// Width of the progress bar of a photo being checked, points.
pub const PROGRESS_WIDTH: f32 = 240.0;
/// Width of the review toolbar's "Checked n of m" progress bar, points.
pub const TOOLBAR_PROGRESS_WIDTH: f32 = 160.0;

/// Shade over the window while files are dragged over it.
pub const DROP_HINT_SHADE: Color32 = Color32::from_black_alpha(170);
/// Second line of the drop hint.
pub const DROP_HINT_SUBTEXT: Color32 = Color32::from_gray(220);
/// Distance of the drop hint's frame from the window's edge, points.
pub const DROP_HINT_INSET: f32 = 12.0;
/// Corner radius of the drop hint's frame, points.
pub const DROP_HINT_CORNER_RADIUS: f32 = 8.0;
/// Stroke width of the drop hint's frame, points.
pub const DROP_HINT_STROKE_WIDTH: f32 = 3.0;

/// Margin around each still's cell, points.
pub const STILL_MARGIN: f32 = 6.0;
/// Gap between a still and the checklist beside it, points.
pub const STILL_CHECKLIST_GAP: f32 = 12.0;
/// Share of a narrow still cell's height given to the photo (the checklist goes underneath).
pub const STILL_PHOTO_SHARE: f32 = 0.55;
/// A still cell at least this many side-panel widths wide puts the checklist beside the photo.
pub const STILL_BESIDE_MIN_PANELS: f32 = 2.5;
/// Space above the "No camera" message, points.
pub const NO_CAMERA_TOP_SPACE: f32 = 60.0;
/// Space between the "No camera" message and its buttons, points.
pub const NO_CAMERA_BUTTON_SPACE: f32 = 20.0;
/// Corner radius of the guidance line's background, points.
pub const GUIDANCE_CORNER_RADIUS: f32 = 6.0;
/// Gap between the guidance line and the preview, points.
pub const GUIDANCE_GAP: f32 = 4.0;
