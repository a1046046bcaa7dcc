//! The quality engine: one frame in, one report out.
//!
//! Pure and deterministic: no I/O, no threads, no UI. `Analyzer::assess` runs every check on an RGB
//! frame and returns a `Report` whose checks follow the contract in docs/ARCHITECTURE.md (stable ids,
//! pass/value/limit/message, plus the wording portals use when they reject). The analyzer owns scratch
//! buffers so a live stream does not allocate per frame.

pub mod border;
pub mod checks;
pub(crate) mod detect;
pub mod flags;
pub mod geometry;
pub(crate) mod histogram;
pub mod mrz;
pub mod mrz_extend;
pub mod mrz_stage;
pub mod prepare;
pub(crate) mod profile;
pub mod rectify;
pub(crate) mod sharpness;
pub mod shown;
mod simd;
#[cfg(test)]
mod test_card;
pub mod track;

use checks::{
    background, corners, document, expiry, exposure, fill, focus, glare, mrz as mrz_check,
    occlusion, resolution, tilt,
};
use serde::Serialize;

pub use geometry::{Point, Quad};
pub use mrz_stage::MrzSeen;
pub use profile::{DocChoice, DocumentKind, Preset, Profile};

/// The frame type every check reads: 8-bit RGB, row-major, after EXIF orientation.
pub type Frame = image::RgbImage;

/// Stable check ids (docs/ARCHITECTURE.md): add more, never rename.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    /// `document`: a document was found.
    Document,
    /// `corners`: all four corners are inside the frame.
    Corners,
    /// `fill`: the document fills enough of the frame without touching its edges.
    Fill,
    /// `tilt`: the document is viewed squarely enough.
    Tilt,
    /// `resolution`: the document is large enough in pixels for its print to be legible.
    Resolution,
    /// `focus`: the document is sharp.
    Focus,
    /// `glare`: no reflection hides part of the document.
    Glare,
    /// `exposure`: the document is neither too dark nor washed out.
    Exposure,
    /// Something (a finger, a sleeve) covers part of the document (issue 15).
    Occlusion,
    /// The document's outline barely stands out from the surface behind it (issue 15).
    Background,
    /// Live only: the document held still over several frames (set by `capture`, not by `assess`).
    Stability,
    /// The machine-readable zone is there (passport page) and every check digit holds.
    Mrz,
    /// The document has not expired (judged from the zone's expiry date).
    Expiry,
}

impl CheckId {
    /// The check's id as it appears in `check --json` ("document", "focus", …).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Document => "document",
            CheckId::Corners => "corners",
            CheckId::Fill => "fill",
            CheckId::Tilt => "tilt",
            CheckId::Resolution => "resolution",
            CheckId::Focus => "focus",
            CheckId::Glare => "glare",
            CheckId::Exposure => "exposure",
            CheckId::Occlusion => "occlusion",
            CheckId::Background => "background",
            CheckId::Stability => "stability",
            CheckId::Mrz => "mrz",
            CheckId::Expiry => "expiry",
        }
    }

    /// A short name for a checklist.
    pub(crate) fn label(self) -> &'static str {
        match self {
            CheckId::Document => "Document found",
            CheckId::Corners => "All corners visible",
            CheckId::Fill => "Fills the frame",
            CheckId::Tilt => "Held flat and straight",
            CheckId::Resolution => "Enough detail",
            CheckId::Focus => "Sharp",
            CheckId::Glare => "No reflections",
            CheckId::Exposure => "Well lit",
            CheckId::Occlusion => "Nothing covers it",
            CheckId::Background => "Stands out from the background",
            CheckId::Stability => "Held still",
            CheckId::Mrz => "Lines at the bottom readable",
            CheckId::Expiry => "Not expired",
        }
    }

    /// The unit of `value` and `limit`, for display.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            CheckId::Document => "",
            CheckId::Corners => "% of short side",
            CheckId::Fill => "% of frame",
            CheckId::Tilt => "°",
            CheckId::Resolution => "dpi",
            CheckId::Focus => "mm blur",
            CheckId::Glare => "% of document",
            CheckId::Exposure => "",
            CheckId::Occlusion => "% of document",
            CheckId::Background => "levels",
            CheckId::Stability => "% of diagonal",
            CheckId::Mrz => "",
            CheckId::Expiry => "days left",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// Which check this is.
    pub id: CheckId,
    /// Whether the frame passes it.
    pub pass: bool,
    /// The measured value, in the unit the check documents (`CheckId::unit`).
    pub value: Option<f64>,
    /// The threshold `value` was compared with.
    pub limit: Option<f64>,
    /// The unit of `value` and `limit`: `CheckId::unit`, unless the check reports another
    /// measurement for the problem it found (`tilt` failing on the shape reports the aspect ratio,
    /// unitless).
    pub unit: &'static str,
    /// What is wrong and what to do, with the numbers ("Move closer: the card covers 31% of the
    /// frame width, 40% needed").
    pub message: String,
    /// A few words to show large over a live view ("Move closer").
    pub(crate) hint: String,
    /// The wording a KYC portal uses when it rejects for this reason ("Photo too blurry").
    pub portal: &'static str,
}

impl Check {
    /// A check result with its measured `value` and the `limit` it was compared with (units per
    /// check, as in the profile); no message.
    pub fn new(id: CheckId, pass: bool, value: Option<f64>, limit: Option<f64>) -> Self {
        Check {
            id,
            pass,
            value,
            limit,
            unit: id.unit(),
            message: String::new(),
            hint: String::new(),
            portal: default_portal_wording(id),
        }
    }

    /// Adds the sentence shown to the person.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub(crate) fn portal(mut self, portal: &'static str) -> Self {
        self.portal = portal;
        self
    }

    /// Reports `value` and `limit` in another unit than the id's (see `unit`).
    pub fn unit(mut self, unit: &'static str) -> Self {
        self.unit = unit;
        self
    }
}

/// The seed table of portal rejection wording, per check.
pub(crate) fn default_portal_wording(id: CheckId) -> &'static str {
    match id {
        CheckId::Document => "No document detected",
        CheckId::Corners => "Document not fully visible",
        CheckId::Fill => "Document too small in the photo",
        CheckId::Tilt => "Document not straight",
        CheckId::Resolution => "Image resolution too low",
        CheckId::Focus => "Photo too blurry",
        CheckId::Glare => "Reflection detected",
        CheckId::Exposure => "Photo too dark",
        CheckId::Occlusion => "Document not fully visible",
        CheckId::Background => "Background too dark",
        CheckId::Stability => "Photo too blurry",
        CheckId::Mrz => "Document not fully visible",
        CheckId::Expiry => "Document expired",
    }
}

/// The overall verdict of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Every check passed.
    Pass,
    /// At least one check failed.
    Fail,
}

/// How a blurred frame is blurred, when it can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlurKind {
    /// The blur runs in one direction (the camera or the document moved).
    Motion,
    /// The blur is even in all directions (the camera is not focused on the document).
    OutOfFocus,
}

/// The document that was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// Card or passport, as detected or chosen.
    #[serde(rename = "type")]
    pub kind: DocumentKind,
    /// Corners in image pixels, clockwise from the one nearest the image's top-left. Corners of a
    /// document partly out of frame are extrapolated and may lie outside the image.
    pub quad: Quad,
    /// Fraction 0–1 of the quad's outline backed by a measured edge.
    #[serde(skip)]
    pub edge_support: f64,
}

/// An axis-aligned rectangle in image pixels.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Region {
    /// Left edge, image pixels.
    pub x: f64,
    /// Top edge, image pixels.
    pub y: f64,
    /// Width, pixels.
    pub w: f64,
    /// Height, pixels.
    pub h: f64,
}

/// Everything `assess` found out about one frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Frame width, pixels.
    pub width: u32,
    /// Frame height, pixels.
    pub height: u32,
    /// The document found, or `None`.
    pub document: Option<Document>,
    /// The checks that ran.
    pub checks: Vec<Check>,
    /// Specular highlights on the document, in image pixels, for an overlay.
    pub(crate) glare_regions: Vec<Region>,
    /// Parts of the document something covers (a finger, a sleeve), in image pixels, for an
    /// overlay; empty when `occlusion` passes.
    pub occlusion_regions: Vec<Region>,
    /// Motion blur or defocus, when focus fails and the kind can be told.
    pub(crate) blur_kind: Option<BlurKind>,
    /// Higher is sharper: the reciprocal of the measured blur in mm (0 without a document). Used to
    /// keep the sharpest of several frames of the same document.
    pub(crate) sharpness: f64,
    /// The machine-readable zone, when one was seen (read on this frame or, in a stream, carried).
    pub mrz: Option<MrzSeen>,
}

/// The checks `Analyzer::assess` reports, in report order (`stability` is added by `capture`).
pub const ASSESSED_CHECKS: [CheckId; 12] = [
    CheckId::Document,
    CheckId::Corners,
    CheckId::Fill,
    CheckId::Tilt,
    CheckId::Resolution,
    CheckId::Focus,
    CheckId::Glare,
    CheckId::Exposure,
    CheckId::Occlusion,
    CheckId::Background,
    CheckId::Mrz,
    CheckId::Expiry,
];

/// The order in which problems are worth fixing: the first failing check in this list is the one
/// the live view tells the person about. A report adjusts it to its own causes
/// (`Report::guidance_order`).
///
/// `background` and `occlusion` come late: a weak outline or a finger is worth mentioning when the
/// document is otherwise fine, and a finger over the card also lowers the outline's support, which
/// the checks before them report in their own words. `mrz` follows them (a finger or a reflection
/// over the zone is the cause to fix first), and `expiry` is last: no retake fixes it.
pub(crate) const GUIDANCE_ORDER: [CheckId; 13] = [
    CheckId::Document,
    CheckId::Exposure,
    CheckId::Corners,
    CheckId::Fill,
    CheckId::Resolution,
    CheckId::Tilt,
    CheckId::Stability,
    CheckId::Focus,
    CheckId::Glare,
    CheckId::Background,
    CheckId::Occlusion,
    CheckId::Mrz,
    CheckId::Expiry,
];

impl Report {
    /// `Pass` when every check passed, otherwise `Fail`.
    pub fn verdict(&self) -> Verdict {
        if self.checks.iter().all(|c| c.pass) {
            Verdict::Pass
        } else {
            Verdict::Fail
        }
    }

    /// The result of check `id`, when it ran.
    pub fn check(&self, id: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Whether the check `id` is present and passes.
    pub fn passes(&self, id: CheckId) -> bool {
        self.check(id).is_some_and(|c| c.pass)
    }

    /// The most important failing check, by `guidance_order` (a check not in it is never the
    /// primary problem).
    pub(crate) fn primary_problem(&self) -> Option<&Check> {
        let order = self.guidance_order();
        self.checks
            .iter()
            .filter(|c| !c.pass && order.contains(&c.id))
            .min_by_key(|c| guidance_rank(&order, c.id))
    }

    /// Every failing check, in the order worth fixing: `guidance_order`, then any other check in
    /// report order.
    pub fn failing_checks(&self) -> Vec<&Check> {
        let order = self.guidance_order();
        let mut failing: Vec<&Check> = self.checks.iter().filter(|c| !c.pass).collect();
        failing.sort_by_key(|c| guidance_rank(&order, c.id));
        failing
    }

    /// `GUIDANCE_ORDER`, with the causes this report shows put first:
    /// - a failing `focus` comes before `corners` and `tilt`: a blurred edge makes the outline
    ///   overshoot, so its corners and shape are not to be trusted. It stays after `fill` and
    ///   `resolution`: a document too small in the frame reads as blurred in millimetres, and
    ///   moving closer is the fix then (an overshooting outline only makes it look bigger);
    /// - a failing `glare` comes before a `tilt` that fails on the shape (aspect) alone: a
    ///   reflection over an edge moves the outline;
    /// - an `mrz` failing under a reflection comes just before `glare`: its hint says which lines
    ///   the reflection hides.
    pub fn guidance_order(&self) -> Vec<CheckId> {
        let fails = |id: CheckId| self.check(id).is_some_and(|c| !c.pass);
        let mut order = GUIDANCE_ORDER.to_vec();
        if self.document.is_some() && fails(CheckId::Focus) {
            move_after(&mut order, CheckId::Focus, CheckId::Resolution);
            move_after(&mut order, CheckId::Corners, CheckId::Focus);
        }
        let tilt_on_shape = self
            .check(CheckId::Tilt)
            .is_some_and(|c| !c.pass && c.unit.is_empty());
        if fails(CheckId::Glare) && tilt_on_shape {
            move_after(&mut order, CheckId::Tilt, CheckId::Glare);
        }
        let zone_under_glare = self
            .mrz
            .as_ref()
            .is_some_and(|m| m.report.unreadable == Some(mrz::Unreadable::Reflection));
        if fails(CheckId::Mrz) && zone_under_glare {
            move_before(&mut order, CheckId::Mrz, CheckId::Glare);
        }
        order
    }
}

/// Where `move_next_to` puts a check: just before or just after its anchor.
#[derive(Clone, Copy)]
enum Side {
    Before,
    After,
}

/// Moves `id` to just after `anchor` in `order` (no change when either is missing).
fn move_after(order: &mut Vec<CheckId>, id: CheckId, anchor: CheckId) {
    move_next_to(order, id, anchor, Side::After);
}

/// Moves `id` to just before `anchor` in `order` (no change when either is missing).
fn move_before(order: &mut Vec<CheckId>, id: CheckId, anchor: CheckId) {
    move_next_to(order, id, anchor, Side::Before);
}

/// Moves `id` next to `anchor` in `order`, on `side` of it (no change when either is missing).
fn move_next_to(order: &mut Vec<CheckId>, id: CheckId, anchor: CheckId, side: Side) {
    if !order.contains(&anchor) {
        return;
    }
    if let Some(i) = order.iter().position(|c| *c == id) {
        order.remove(i);
        let at = order
            .iter()
            .position(|c| *c == anchor)
            .map_or(order.len(), |a| match side {
                Side::Before => a,
                Side::After => a + 1,
            });
        order.insert(at, id);
    }
}

/// A check's place in `order` (`usize::MAX` for a check not in it).
fn guidance_rank(order: &[CheckId], id: CheckId) -> usize {
    order.iter().position(|g| *g == id).unwrap_or(usize::MAX)
}

/// Runs every check; owns scratch memory so that analysing a stream does not allocate per frame.
#[derive(Default)]
pub struct Analyzer {
    prepared: prepare::Prepared,
    detector: detect::Detector,
    /// Follows the document from frame to frame; only in a stream.
    tracker: Option<track::Tracker>,
    rectified: rectify::Rectified,
    focus_scratch: sharpness::FocusScratch,
    glare_scratch: glare::GlareScratch,
    mrz: mrz_stage::MrzStage,
    /// Scratch for `mrz_extend` (a still's look below its quad).
    mrz_reader: mrz::MrzReader,
}

impl Analyzer {
    /// An analyzer for unrelated stills: every frame is judged on its own.
    pub fn new() -> Self {
        Self::default()
    }

    /// An analyzer for consecutive frames of one camera. It remembers the previous frame's quad:
    /// the document is tracked rather than searched for while it stays put (`track`), and a full
    /// search prefers a candidate in the same place, so the outline does not flicker between a
    /// card's edge and a printed band just inside it.
    pub fn for_stream() -> Self {
        Analyzer {
            tracker: Some(track::Tracker::default()),
            ..Self::default()
        }
    }

    /// Whether the latest frame's document was tracked from the previous frame instead of searched
    /// for (always false for stills).
    pub fn last_frame_tracked(&self) -> bool {
        self.tracker.as_ref().is_some_and(track::Tracker::tracked)
    }

    /// Scores one frame. Deterministic: the same sequence of frames and profile gives the same
    /// reports (for a stream analyzer, the same sequence in the same order).
    pub fn assess(&mut self, frame: &Frame, profile: &Profile) -> Report {
        let previous = self.tracker.as_ref().and_then(track::Tracker::last_quad);
        let tracked = self
            .tracker
            .as_mut()
            .and_then(|t| t.track(frame, profile.doc));
        let found = match tracked {
            Some(doc) => Some(doc),
            None => {
                self.prepared.build(frame);
                let found =
                    self.detector
                        .detect(&self.prepared, frame, profile.doc, previous.as_ref());
                if let Some(t) = self.tracker.as_mut() {
                    t.searched(found.as_ref(), profile.doc);
                }
                found
            }
        };
        let frame_clipped = prepare::clipped_fraction(frame, profile.frame_clip_level);
        let (width, height) = frame.dimensions();
        let mut report = Report {
            width,
            height,
            document: None,
            checks: Vec::with_capacity(ASSESSED_CHECKS.len()),
            glare_regions: Vec::new(),
            occlusion_regions: Vec::new(),
            blur_kind: None,
            sharpness: 0.0,
            mrz: None,
        };
        let Some(doc) = found else {
            report.checks.push(document::missing(profile));
            // Every check but `document` (reported above) and `exposure` (judged below).
            for &id in &ASSESSED_CHECKS[1..7] {
                report.checks.push(
                    Check::new(id, false, None, None)
                        .message("Not measured: no document was found.")
                        .hint("Show the document to the camera"),
                );
            }
            // Light can still be judged on the whole frame: in the dark or in glaring light the
            // document is often not found at all, and "More light" is the useful advice then.
            report.checks.push(exposure::frame_only(
                frame_clipped,
                self.prepared.luma_percentile(0.95),
                profile,
            ));
            for id in [CheckId::Occlusion, CheckId::Background] {
                report.checks.push(
                    Check::new(id, false, None, None)
                        .message("Not measured: no document was found.")
                        .hint("Show the document to the camera"),
                );
            }
            // A still may be only the document (a scan, an exported crop): its zone still reads.
            report.mrz = match self.tracker {
                None => self.mrz.whole_photo(frame, profile),
                Some(_) => {
                    self.mrz.lost();
                    None
                }
            };
            let zone = report.mrz.as_ref().map(|m| &m.report);
            report.checks.push(mrz_check::mrz(zone, None, false));
            report.checks.push(expiry::expiry(zone, profile));
            return report;
        };
        if self.tracker.is_some() {
            return self.score(frame, doc, profile, frame_clipped, report);
        }
        // A still: when no valid zone reads, the quad may stop just above a passport's zone.
        let first = self.score(frame, doc.clone(), profile, frame_clipped, report.clone());
        if first.mrz.as_ref().is_some_and(|m| m.report.valid) {
            return first;
        }
        match mrz_extend::look_below(
            frame,
            &doc,
            profile.doc,
            profile.today,
            &mut self.rectified,
            &mut self.mrz_reader,
        ) {
            Some(mrz_extend::Beyond::Extended(extended)) => {
                let second = self.score(frame, extended, profile, frame_clipped, report);
                if second.mrz.as_ref().is_some_and(|m| m.report.valid) {
                    second
                } else {
                    first
                }
            }
            Some(mrz_extend::Beyond::Zone(zone)) => with_zone(first, *zone, profile),
            None => first,
        }
    }

    /// The checks of a found document, added to `report` (which holds nothing yet).
    fn score(
        &mut self,
        frame: &Frame,
        doc: Document,
        profile: &Profile,
        frame_clipped: f64,
        mut report: Report,
    ) -> Report {
        let (width, height) = frame.dimensions();
        report.checks.push(document::found(&doc, profile));
        let pose =
            geometry::Pose::estimate(&doc.quad, doc.kind, width, height, profile.assumed_hfov_deg);
        report
            .checks
            .push(corners::corners(&doc.quad, width, height, profile));
        report
            .checks
            .push(fill::fill(&doc.quad, width, height, profile));
        report
            .checks
            .push(tilt::tilt(&doc.quad, &pose, doc.kind, profile));
        report
            .checks
            .push(resolution::resolution(&doc.quad, &pose, doc.kind, profile));

        self.rectified
            .build(frame, &doc.quad, doc.kind, width, height);
        let focus = focus::assess_with(&self.rectified, profile, &mut self.focus_scratch);
        report.blur_kind = focus.blur_kind;
        report.sharpness = focus.sharpness;
        report.checks.push(focus.check);
        let histograms = histogram::LumaHistograms::of(&self.rectified);
        let glare = glare::assess_with(
            &self.rectified,
            &histograms,
            profile,
            &mut self.glare_scratch,
        );
        report.glare_regions = glare.regions;
        report.checks.push(glare.check);
        report.checks.push(exposure::assess_in_frame(
            &histograms,
            frame_clipped,
            profile,
        ));
        let border = border::Border::new(frame, &self.rectified);
        let stations = border.as_ref().map(border::Border::stations);
        match (&border, &stations) {
            (Some(b), Some(s)) => {
                let occlusion = occlusion::assess_stations(b, s, profile);
                report.occlusion_regions = occlusion.regions;
                report.checks.push(occlusion.check);
                report.checks.push(background::assess_stations(s, profile));
            }
            _ => {
                let occlusion = occlusion::assess(frame, &self.rectified, profile);
                report.checks.push(occlusion.check);
                report.checks.push(background::assess(None, profile));
            }
        }
        report.mrz = match self.tracker {
            None => self.mrz.still(&self.rectified, doc.kind, profile),
            Some(_) => self
                .mrz
                .stream(&self.rectified, &doc.quad, doc.kind, profile),
        };
        mrz_stage::blame_reflection(report.mrz.as_mut(), &report.glare_regions);
        let waiting = self.tracker.is_some() && !self.mrz.tried();
        let zone = report.mrz.as_ref().map(|m| &m.report);
        report
            .checks
            .push(mrz_check::mrz(zone, Some(doc.kind), waiting));
        report.checks.push(expiry::expiry(zone, profile));
        report.document = Some(doc);
        report
    }
}

/// `report` with its zone, and the `mrz` and `expiry` checks judged on it, replaced by `zone`.
fn with_zone(mut report: Report, mut zone: MrzSeen, profile: &Profile) -> Report {
    let kind = report.document.as_ref().map(|d| d.kind);
    mrz_stage::blame_reflection(Some(&mut zone), &report.glare_regions);
    let judged = [
        mrz_check::mrz(Some(&zone.report), kind, false),
        expiry::expiry(Some(&zone.report), profile),
    ];
    for check in judged {
        if let Some(slot) = report.checks.iter_mut().find(|c| c.id == check.id) {
            *slot = check;
        }
    }
    report.mrz = Some(zone);
    report
}

/// Scores one frame with a fresh analyzer (convenient for stills; use an `Analyzer` for streams).
pub fn assess(frame: &Frame, profile: &Profile) -> Report {
    Analyzer::new().assess(frame, profile)
}

#[cfg(test)]
mod report_order_tests {
    use super::*;

    /// A report whose checks fail or pass as listed, in that (report) order.
    fn report(checks: &[(CheckId, bool)]) -> Report {
        Report {
            width: 0,
            height: 0,
            document: None,
            checks: checks
                .iter()
                .map(|&(id, pass)| Check::new(id, pass, None, None))
                .collect(),
            glare_regions: vec![],
            occlusion_regions: vec![],
            blur_kind: None,
            sharpness: 0.0,
            mrz: None,
        }
    }

    #[test]
    fn failing_checks_follow_the_guidance_order_and_the_first_is_the_primary_problem() {
        let r = report(&[
            (CheckId::Glare, false),
            (CheckId::Fill, true),
            (CheckId::Focus, false),
            (CheckId::Corners, false),
        ]);
        let ids: Vec<CheckId> = r.failing_checks().iter().map(|c| c.id).collect();
        assert_eq!(ids, [CheckId::Corners, CheckId::Focus, CheckId::Glare]);
        assert_eq!(r.primary_problem().map(|c| c.id), Some(CheckId::Corners));
        let passing = report(&[(CheckId::Glare, true)]);
        assert!(passing.failing_checks().is_empty());
        assert!(passing.primary_problem().is_none());
    }

    /// `report` with a document found (the outline's checks were measured).
    fn with_document(mut r: Report) -> Report {
        r.document = Some(Document {
            kind: DocumentKind::IdCard,
            quad: Quad::rect(100.0, 100.0, 856.0, 540.0),
            edge_support: 1.0,
        });
        r
    }

    #[test]
    fn blur_is_named_before_tilt_and_corners_but_after_distance() {
        let blurred_and_tilted = with_document(report(&[
            (CheckId::Document, true),
            (CheckId::Corners, false),
            (CheckId::Tilt, false),
            (CheckId::Focus, false),
        ]));
        let ids: Vec<CheckId> = blurred_and_tilted
            .failing_checks()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, [CheckId::Focus, CheckId::Corners, CheckId::Tilt]);
        // Sharp: the outline is trusted and the tilt comes first again.
        let sharp = with_document(report(&[(CheckId::Tilt, false), (CheckId::Focus, true)]));
        assert_eq!(sharp.primary_problem().map(|c| c.id), Some(CheckId::Tilt));
        // Too small in the frame: moving closer also fixes the blur read in millimetres.
        let far = with_document(report(&[
            (CheckId::Fill, false),
            (CheckId::Tilt, false),
            (CheckId::Focus, false),
        ]));
        let ids: Vec<CheckId> = far.failing_checks().iter().map(|c| c.id).collect();
        assert_eq!(ids, [CheckId::Fill, CheckId::Focus, CheckId::Tilt]);
    }

    #[test]
    fn a_reflection_is_named_before_a_shape_it_may_have_caused() {
        let mut r = with_document(report(&[(CheckId::Tilt, false), (CheckId::Glare, false)]));
        // Tilt failing on the angle: hold it flat first (that also moves the reflection).
        assert_eq!(r.primary_problem().map(|c| c.id), Some(CheckId::Tilt));
        // Tilt failing on the aspect ratio (unitless): the reflection first.
        r.checks[0].unit = "";
        assert_eq!(r.primary_problem().map(|c| c.id), Some(CheckId::Glare));
    }
}
