//! Scripted reports: hand-made `Report`s with a chosen verdict, document position and sharpness.
//!
//! Decides nothing about photos; it exists so the auto-capture and the live view can be tested
//! (unit tests, UI tests) without depending on what the quality engine measures today.

use crate::quality::{Check, CheckId, Document, DocumentKind, Point, Quad, Report};

/// A 1280 × 720 report with an ID card whose top-left corner is at (`x`, `y`), 900 × 567 px,
/// every check passing when `pass` (else `focus` fails), with the given sharpness.
pub fn report(pass: bool, x: f64, y: f64, sharpness: f64) -> Report {
    let (w, h) = (900.0, 567.0);
    let quad = Quad([
        Point::new(x, y),
        Point::new(x + w, y),
        Point::new(x + w, y + h),
        Point::new(x, y + h),
    ]);
    let mut checks: Vec<Check> = crate::quality::ASSESSED_CHECKS
        .into_iter()
        .map(|id| {
            Check::new(id, true, Some(1.0), Some(1.0))
                .message("scripted")
                .hint("scripted")
        })
        .collect();
    if !pass {
        checks[5] = Check::new(CheckId::Focus, false, Some(0.3), Some(0.16))
            .message("Hold still: the photo is blurred.")
            .hint("Hold still");
    }
    Report {
        width: 1280,
        height: 720,
        document: Some(Document {
            kind: DocumentKind::IdCard,
            quad,
            edge_support: 1.0,
        }),
        checks,
        glare_regions: Vec::new(),
        occlusion_regions: Vec::new(),
        blur_kind: None,
        sharpness,
        mrz: None,
    }
}

/// A report of a frame without a document.
pub fn no_document() -> Report {
    Report {
        width: 1280,
        height: 720,
        document: None,
        checks: vec![
            Check::new(CheckId::Document, false, Some(0.0), Some(0.5))
                .message("No document found.")
                .hint("Show the document to the camera"),
        ],
        glare_regions: Vec::new(),
        occlusion_regions: Vec::new(),
        blur_kind: None,
        sharpness: 0.0,
        mrz: None,
    }
}
