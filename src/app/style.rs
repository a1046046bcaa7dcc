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
