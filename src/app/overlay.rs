//! Painting a quality report over an image on screen.
//!
//! Decides how a `Report` looks on top of the photo it describes: the detected document outline
//! (green when the photo passes, amber when the document is framed but something else fails, red when
//! the framing itself fails), glare regions outlined where they are, the machine-readable zone's band
//! (green when it reads, amber when not), and an optional alignment frame
//! for an ID card or a passport page. Knows nothing about live state: the live view and the review
//! view both call it.

use egui::{Painter, Pos2, Rect, Shape, Stroke, StrokeKind, pos2};

use super::style;
use crate::quality::{CheckId, DocumentKind, Report, Verdict};

/// What to paint besides the report itself.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct OverlayOptions {
    /// Draw the alignment frame for this document kind.
    pub(crate) guide: Option<DocumentKind>,
    /// The image is shown mirrored left–right (a selfie-style preview): mirror the overlay too.
    pub(crate) mirror: bool,
    /// The document in view will not be taken (the front shown again when the back is asked for):
    /// its outline is amber even when every check passes, so green never means "go" for it.
    pub(crate) refused: bool,
    /// The live view's vote has not yet confirmed the report's valid zone
    /// (`quality::mrz::vote`): its band is drawn in the neutral guide colour, not green.
    pub(crate) zone_unconfirmed: bool,
}

/// Maps image pixel coordinates to screen points inside `image_rect`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ImageToScreen {
    rect: Rect,
    sx: f32,
    sy: f32,
    mirror: bool,
}

impl ImageToScreen {
    pub(crate) fn new(image_rect: Rect, image_size: [u32; 2], mirror: bool) -> Self {
        let w = image_size[0].max(1) as f32;
        let h = image_size[1].max(1) as f32;
        ImageToScreen {
            rect: image_rect,
            sx: image_rect.width() / w,
            sy: image_rect.height() / h,
            mirror,
        }
    }

    /// The screen point of image pixel position (x, y).
    pub(crate) fn point(&self, x: f64, y: f64) -> Pos2 {
        let px = x as f32 * self.sx;
        let py = y as f32 * self.sy;
        let sx = if self.mirror {
            self.rect.max.x - px
        } else {
            self.rect.min.x + px
        };
        pos2(sx, self.rect.min.y + py)
    }
}

/// The colour of a report's document outline.
pub(crate) fn outline_color(report: &Report) -> egui::Color32 {
    if report.verdict() == Verdict::Pass {
        style::PASS
    } else if [CheckId::Corners, CheckId::Fill, CheckId::Tilt]
        .iter()
        .all(|id| report.passes(*id))
    {
        style::WARN
    } else {
        style::FAIL
    }
}

/// The largest rectangle of the document's aspect ratio, centred in `image_rect`, covering
/// `style::GUIDE_FILL_FRAC` of it: where the person should place the document.
pub(crate) fn guide_rect(image_rect: Rect, kind: DocumentKind) -> Rect {
    let aspect = kind.aspect() as f32;
    let avail = image_rect.size() * style::GUIDE_FILL_FRAC;
    let (w, h) = if avail.x / avail.y > aspect {
        (avail.y * aspect, avail.y)
    } else {
        (avail.x, avail.x / aspect)
    };
    Rect::from_center_size(image_rect.center(), egui::vec2(w, h))
}

/// Paints the alignment frame as four corner brackets.
pub(crate) fn paint_guide(painter: &Painter, image_rect: Rect, kind: DocumentKind) {
    let r = guide_rect(image_rect, kind);
    let len = r.width().min(r.height()) * style::GUIDE_BRACKET_FRAC;
    let stroke = Stroke::new(style::GUIDE_WIDTH, style::GUIDE);
    for (corner, dx, dy) in [
        (r.left_top(), 1.0, 1.0),
        (r.right_top(), -1.0, 1.0),
        (r.right_bottom(), -1.0, -1.0),
        (r.left_bottom(), 1.0, -1.0),
    ] {
        painter.line_segment([corner, corner + egui::vec2(dx * len, 0.0)], stroke);
        painter.line_segment([corner, corner + egui::vec2(0.0, dy * len)], stroke);
    }
}

/// Paints `report` over the image shown in `image_rect` (the image is `image_size` pixels).
pub(crate) fn paint_report(
    painter: &Painter,
    image_rect: Rect,
    image_size: [u32; 2],
    report: &Report,
    options: &OverlayOptions,
) {
    if let Some(kind) = options.guide {
        paint_guide(painter, image_rect, kind);
    }
    let map = ImageToScreen::new(image_rect, image_size, options.mirror);
    let clipped = painter.with_clip_rect(image_rect);
    let glare = Stroke::new(style::GLARE_WIDTH, style::GLARE);
    stroke_regions(&clipped, &map, &report.glare_regions, 2.0, glare);
    let covered = Stroke::new(style::OCCLUSION_WIDTH, style::OCCLUSION);
    stroke_regions(&clipped, &map, &report.occlusion_regions, 4.0, covered);
    // The machine-readable zone: green when it reads (and, live, once the vote confirms it),
    // amber when it does not.
    // Print the `mrz` check does not take for a zone (two unread lines on an ID card) gets no band.
    let kind = report.document.as_ref().map(|d| d.kind);
    if let Some(band) = report
        .mrz
        .as_ref()
        .filter(|m| crate::quality::checks::mrz::is_zone(&m.report, kind))
        .and_then(|m| m.band.map(|b| (b, m.report.valid)))
    {
        let (corners, valid) = band;
        let color = match (valid, options.zone_unconfirmed) {
            (true, false) => style::PASS,
            (true, true) => style::GUIDE,
            (false, _) => style::WARN,
        };
        let points: Vec<Pos2> = corners.iter().map(|p| map.point(p.x, p.y)).collect();
        clipped.add(Shape::closed_line(
            points,
            Stroke::new(style::GLARE_WIDTH, color),
        ));
    }
    if let Some(doc) = &report.document {
        let color = match outline_color(report) {
            c if options.refused && c == style::PASS => style::WARN,
            c => c,
        };
        let points: Vec<Pos2> = doc
            .quad
            .corners()
            .iter()
            .map(|p| map.point(p.x, p.y))
            .collect();
        for p in &points {
            clipped.circle_filled(*p, style::CORNER_DOT_RADIUS, color);
        }
        clipped.add(Shape::closed_line(
            points,
            Stroke::new(style::OUTLINE_WIDTH, color),
        ));
    }
}

/// Where to show an image of `image_size` pixels inside `available`: as large as fits, centred,
/// Outlines each of `regions` (image pixels) 2 points outside it, with corners rounded by
/// `corner_radius` points.
fn stroke_regions(
    painter: &Painter,
    map: &ImageToScreen,
    regions: &[crate::quality::Region],
    corner_radius: f32,
    stroke: Stroke,
) {
    for r in regions {
        let a = map.point(r.x, r.y);
        let b = map.point(r.x + r.w, r.y + r.h);
        painter.rect_stroke(
            Rect::from_two_pos(a, b).expand(2.0),
            corner_radius,
            stroke,
            StrokeKind::Outside,
        );
    }
}

/// aspect ratio kept.
pub(crate) fn fit_rect(available: Rect, image_size: [u32; 2]) -> Rect {
    let w = image_size[0].max(1) as f32;
    let h = image_size[1].max(1) as f32;
    let scale = (available.width() / w).min(available.height() / h).max(0.0);
    Rect::from_center_size(available.center(), egui::vec2(w * scale, h * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_scales_and_mirrors() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), egui::vec2(640.0, 360.0));
        let m = ImageToScreen::new(rect, [1280, 720], false);
        assert_eq!(m.point(0.0, 0.0), pos2(10.0, 20.0));
        assert_eq!(m.point(1280.0, 720.0), pos2(650.0, 380.0));
        let mm = ImageToScreen::new(rect, [1280, 720], true);
        assert_eq!(mm.point(0.0, 0.0), pos2(650.0, 20.0));
    }

    #[test]
    fn guide_keeps_document_aspect() {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(1280.0, 720.0));
        let g = guide_rect(rect, DocumentKind::IdCard);
        assert!((g.width() / g.height() - 1.586).abs() < 0.01);
        assert!(rect.contains_rect(g));
        let p = guide_rect(rect, DocumentKind::Passport);
        assert!((p.width() / p.height() - 1.420).abs() < 0.01);
    }

    #[test]
    fn fit_rect_letterboxes() {
        let avail = Rect::from_min_size(Pos2::ZERO, egui::vec2(1000.0, 1000.0));
        let r = fit_rect(avail, [2000, 1000]);
        assert_eq!(r.width(), 1000.0);
        assert_eq!(r.height(), 500.0);
        assert_eq!(r.center(), avail.center());
    }
}
