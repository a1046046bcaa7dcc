//! The `document` check: was a document found, and is its outline clear enough to trust?
//!
//! Decides pass/fail from the detector's (or tracker's) edge support of the quad; finding the quad
//! is `detect`'s job.

use crate::quality::profile::Profile;
use crate::quality::{Check, CheckId, Document};

/// The `document` check when nothing was found.
pub(crate) fn missing(profile: &Profile) -> Check {
    let limit = profile.min_edge_support;
    Check::new(CheckId::Document, false, Some(0.0), Some(limit))
        .message("No document found: place the whole ID card or passport page in the frame, on a plain background that contrasts with it.")
        .hint("Show the document to the camera")
}

/// The `document` check for a found document: value is the fraction of its visible outline backed
/// by edges (0–1), limit `profile.min_edge_support`.
pub(crate) fn found(doc: &Document, profile: &Profile) -> Check {
    let limit = profile.min_edge_support;
    // Decided on the reported value, rounded to two decimals.
    let value = (doc.edge_support * 100.0).round() / 100.0;
    let pass = value >= limit;
    let check = Check::new(CheckId::Document, pass, Some(value), Some(limit));
    if pass {
        check
            .message(format!(
                "{} found ({:.0}% of its outline seen).",
                doc.kind.label(),
                100.0 * doc.edge_support
            ))
            .hint("Document found")
    } else {
        check
            .message(format!(
                "The document's outline is unclear ({:.0}% seen): use a plain background that contrasts with the document and keep fingers off its edges.",
                100.0 * doc.edge_support
            ))
            .hint("Use a plain, contrasting background")
    }
}
