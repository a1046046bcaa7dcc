//! Stage: when the machine-readable zone is read, and what a frame's report carries about it.
//!
//! Decides which frames pay for a reading (`mrz::MrzReader`, a few milliseconds):
//! - a still: always, on the rectified document; when no document was found, on the whole photo
//!   (a scan or an exported crop that is only the document);
//! - a stream: only on frames whose document was found and is steady (its corners moved less than
//!   `STEADY_STEP_FRAC` of its diagonal since the previous frame), and then only on every
//!   `READ_EVERY_STEADY_FRAMES`-th frame of the steady run, so tracked frames stay cheap. Between
//!   readings the latest one is carried, its band mapped through the current quad, until the
//!   document is lost. Within one steady run a valid reading is not replaced by a misread (the
//!   document has not moved; the misread is a moment's blur or a sampling phase the grid fit
//!   missed), so a card that reads never flickers between "reads" and "too blurry". Once
//!   `vote::MIN_VOTES` fresh readings of the run agree on the same valid lines (what the live
//!   view's vote waits for), the run is not read again: the document has not moved, so another
//!   reading could only repeat them, or be a misread the run would not show anyway.
//!
//! The report's dates are judged against `Profile::today` (the shell's clock); without it the
//! fields are still parsed and `expired` is `null`.

use serde::Serialize;

use super::mrz::vote::MIN_VOTES;
use super::mrz::{CalendarDate, DocView, MrzReader, MrzReading, MrzReport, Unreadable};
use super::profile::{DocumentKind, Profile};
use super::rectify::Rectified;
use super::{Frame, Point, Quad, Region};

/// A document is steady when no corner moved more than this fraction (0–1) of its diagonal since
/// the previous frame; 0.005 is 5 px on a 1000-px diagonal, the auto-capture's own jitter limit
/// (`capture::CaptureConfig::max_jitter_frac`).
pub const STEADY_STEP_FRAC: f64 = 0.005;

/// In a steady run the zone is read on its 1st, (1 + n)th, (1 + 2n)th … frame: at 30 fps two
/// readings (what the live view's vote needs) take 4 frames, 0.13 s.
pub const READ_EVERY_STEADY_FRAMES: u32 = 3;

/// What a frame's report says about the machine-readable zone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MrzSeen {
    /// The `mrz` object of `check --json`.
    pub report: MrzReport,
    /// The zone's outline in image pixels, clockwise from its top-left; `None` when it cannot be
    /// mapped into the frame.
    pub band: Option<[Point; 4]>,
    /// Read on this frame; `false` when carried from an earlier frame of the same stream.
    pub fresh: bool,
}

/// The MRZ stage of an `Analyzer`; owns the reader's scratch and, in a stream, the carried reading.
#[derive(Default)]
pub struct MrzStage {
    reader: MrzReader,
    /// Stream only: the latest reading (document pixels) of the document still in view.
    carried: Option<(MrzReading, DocumentKind)>,
    previous_quad: Option<Quad>,
    steady_frames: u32,
    /// Stream only: fresh readings of the current steady run that read the carried reading's
    /// valid lines; at `MIN_VOTES` the run is settled and not read again.
    run_votes: usize,
    /// Stream only: whether any frame of the document in view was steady enough to read yet.
    tried: bool,
    /// Readings made, for the tests to tell a read frame from a carried one.
    #[cfg(test)]
    reads: usize,
}

impl MrzStage {
    /// A still's document: read it now.
    pub fn still(
        &mut self,
        doc: &Rectified,
        kind: DocumentKind,
        profile: &Profile,
    ) -> Option<MrzSeen> {
        let reading = self.reader.read_rectified(doc, kind)?;
        Some(seen(&reading, Some(doc), profile.today, true))
    }

    /// A still in which no document was found: the photo may be only the document.
    pub fn whole_photo(&mut self, frame: &Frame, profile: &Profile) -> Option<MrzSeen> {
        let luma: Vec<u8> = frame
            .pixels()
            .map(|p| {
                let [r, g, b] = p.0;
                ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8) as u8
            })
            .collect();
        let view = DocView {
            luma: &luma,
            width: frame.width(),
            height: frame.height(),
            valid: None,
        };
        let reading = self.reader.read(view, None)?;
        Some(seen(&reading, None, profile.today, true))
    }

    /// A stream frame whose document was found at `quad`: read when steady and due, else carry.
    pub fn stream(
        &mut self,
        doc: &Rectified,
        quad: &Quad,
        kind: DocumentKind,
        profile: &Profile,
    ) -> Option<MrzSeen> {
        let steady = self
            .previous_quad
            .is_some_and(|prev| corner_step_frac(&prev, quad) <= STEADY_STEP_FRAC);
        self.previous_quad = Some(*quad);
        if self.carried.as_ref().is_some_and(|(_, k)| *k != kind) {
            self.carried = None;
            self.run_votes = 0;
        }
        if !steady {
            self.steady_frames = 0;
            self.run_votes = 0;
        } else {
            self.steady_frames += 1;
            let due = (self.steady_frames - 1).is_multiple_of(READ_EVERY_STEADY_FRAMES);
            if due && self.run_votes < MIN_VOTES {
                self.tried = true;
                #[cfg(test)]
                {
                    self.reads += 1;
                }
                let read = self.reader.read_rectified(doc, kind);
                // In a steady run the document has not moved, so a frame that misreads a zone
                // an earlier frame of the run read with every check digit holding (a moment's
                // blur, a sub-pixel phase the grid fit misses) keeps that valid reading; a check
                // digit proof does not hold by chance.
                let earlier_in_run = self
                    .carried
                    .as_ref()
                    .filter(|(r, _)| self.steady_frames > 1 && r.valid)
                    .map(|(r, _)| r);
                if let Some(reading) = read.filter(|r| r.valid || earlier_in_run.is_none()) {
                    let agrees = earlier_in_run.is_some_and(|e| e.lines == reading.lines);
                    self.run_votes = match (reading.valid, agrees) {
                        (false, _) => 0,
                        (true, true) => self.run_votes + 1,
                        (true, false) => 1,
                    };
                    let s = seen(&reading, Some(doc), profile.today, true);
                    self.carried = Some((reading, kind));
                    return Some(s);
                }
                // Nothing seen on a steady frame: an earlier reading is kept (a glint or a
                // finger may hide the zone for a moment).
            }
        }
        let (reading, _) = self.carried.as_ref()?;
        Some(seen(reading, Some(doc), profile.today, false))
    }

    /// A stream frame without a document: the next document starts afresh.
    pub fn lost(&mut self) {
        self.carried = None;
        self.previous_quad = None;
        self.steady_frames = 0;
        self.run_votes = 0;
        self.tried = false;
    }

    /// Stream only: whether the document in view has been still long enough to be read at least
    /// once (before that, a missing zone is not yet a finding).
    pub fn tried(&self) -> bool {
        self.tried
    }
}

/// The report and image-space band of a reading; `doc` maps document pixels to the image
/// (`None`: the document is the image).
pub(crate) fn seen(
    reading: &MrzReading,
    doc: Option<&Rectified>,
    today: Option<CalendarDate>,
    fresh: bool,
) -> MrzSeen {
    let band = match doc {
        None => Some(reading.band),
        Some(d) => {
            let mapped: Option<Vec<Point>> =
                reading.band.iter().map(|&p| d.to_image_point(p)).collect();
            mapped.and_then(|v| <[Point; 4]>::try_from(v).ok())
        }
    };
    MrzSeen {
        report: report_for(reading, today),
        band,
        fresh,
    }
}

/// `reading.report(today)`; without a today the birth-date century is judged against the expiry
/// date (a holder is born before the document expires) and nothing is said about expiry.
pub fn report_for(reading: &MrzReading, today: Option<CalendarDate>) -> MrzReport {
    match today {
        Some(t) => reading.report(t),
        None => {
            // The expiry year is always 20xx whatever the anchor; any anchor finds it.
            let anchor = CalendarDate::new(2000, 1, 1)
                .and_then(|a| reading.fields(a))
                .and_then(|f| f.expiry_date)
                .or(CalendarDate::new(2000, 1, 1));
            match anchor {
                Some(a) => MrzReport {
                    expired: None,
                    days_to_expiry: None,
                    ..reading.report(a)
                },
                None => MrzReport {
                    format: reading.format,
                    lines: reading.lines.clone(),
                    valid: reading.valid,
                    fields: None,
                    expired: None,
                    days_to_expiry: None,
                    unreadable: reading.unreadable,
                },
            }
        }
    }
}

/// A zone found but not read, with a glare region over its band, is blamed on the reflection
/// (`Unreadable::Reflection`) whatever the reader guessed: the glare check sees highlights the
/// reader's own test misses (a glint under its level, or over a character read with confidence),
/// and tilting the document is what moves them off the lines. `glare` is in image pixels.
pub(crate) fn blame_reflection(seen: Option<&mut MrzSeen>, glare: &[Region]) {
    let Some(seen) = seen.filter(|s| !s.report.valid) else {
        return;
    };
    let Some(band) = seen.band else {
        return;
    };
    if glare.iter().any(|r| band_meets_region(&band, r)) {
        seen.report.unreadable = Some(Unreadable::Reflection);
    }
}

/// Whether the convex quadrilateral `band` and the axis-aligned rectangle `r` overlap (separating
/// axes: the rectangle's two and the band's four edge normals).
fn band_meets_region(band: &[Point; 4], r: &Region) -> bool {
    let rect = [
        Point::new(r.x, r.y),
        Point::new(r.x + r.w, r.y),
        Point::new(r.x + r.w, r.y + r.h),
        Point::new(r.x, r.y + r.h),
    ];
    let span = |pts: &[Point; 4], (ax, ay): (f64, f64)| {
        pts.iter()
            .map(|p| p.x * ax + p.y * ay)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let band_normals = (0..4).map(|i| {
        let (a, b) = (band[i], band[(i + 1) % 4]);
        (b.y - a.y, a.x - b.x)
    });
    [(1.0, 0.0), (0.0, 1.0)]
        .into_iter()
        .chain(band_normals)
        .all(|axis| {
            let (a, b) = (span(band, axis), span(&rect, axis));
            a.0 <= b.1 && b.0 <= a.1
        })
}

/// The largest corner displacement from `a` to `b`, as a fraction of `b`'s diagonal.
fn corner_step_frac(a: &Quad, b: &Quad) -> f64 {
    let (ca, cb) = (a.corners(), b.corners());
    let diagonal = cb[0].dist(cb[2]).max(cb[1].dist(cb[3])).max(1.0);
    ca.iter()
        .zip(cb.iter())
        .map(|(p, q)| p.dist(*q))
        .fold(0.0, f64::max)
        / diagonal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quad(x: f64) -> Quad {
        Quad([
            Point::new(x, 0.0),
            Point::new(x + 600.0, 0.0),
            Point::new(x + 600.0, 800.0),
            Point::new(x, 800.0),
        ])
    }

    #[test]
    fn a_corner_step_is_a_fraction_of_the_diagonal() {
        assert_eq!(corner_step_frac(&quad(0.0), &quad(0.0)), 0.0);
        assert!((corner_step_frac(&quad(0.0), &quad(10.0)) - 0.01).abs() < 1e-9);
    }

    fn unread(band: Option<[Point; 4]>, valid: bool) -> MrzSeen {
        MrzSeen {
            report: MrzReport {
                format: super::super::mrz::MrzFormat::Td1,
                lines: vec!["I<UTO".into()],
                valid,
                fields: None,
                expired: None,
                days_to_expiry: None,
                unreadable: (!valid).then_some(Unreadable::Blurry),
            },
            band,
            fresh: true,
        }
    }

    #[test]
    fn glare_over_an_unread_band_is_blamed_for_it() {
        // A band tilted by 20°, 600 × 80 px, from (100, 400).
        let (c, s) = (20f64.to_radians().cos(), 20f64.to_radians().sin());
        let at = |u: f64, v: f64| Point::new(100.0 + u * c - v * s, 400.0 + u * s + v * c);
        let band = [at(0.0, 0.0), at(600.0, 0.0), at(600.0, 80.0), at(0.0, 80.0)];
        let spot = |x: f64, y: f64| Region {
            x,
            y,
            w: 20.0,
            h: 20.0,
        };
        // On the band's middle; then inside its bounding box but off the band (above its right
        // end), then far away.
        let middle = at(300.0, 40.0);
        let on = spot(middle.x - 10.0, middle.y - 10.0);
        let above_right = spot(at(560.0, 0.0).x, 420.0);
        assert!(band_meets_region(&band, &on));
        assert!(!band_meets_region(&band, &above_right));
        assert!(!band_meets_region(&band, &spot(1000.0, 0.0)));

        let mut seen = unread(Some(band), false);
        blame_reflection(Some(&mut seen), &[above_right]);
        assert_eq!(seen.report.unreadable, Some(Unreadable::Blurry));
        blame_reflection(Some(&mut seen), &[above_right, on]);
        assert_eq!(seen.report.unreadable, Some(Unreadable::Reflection));
        // A valid zone, or one without a band in the frame, is left alone.
        let mut valid = unread(Some(band), true);
        blame_reflection(Some(&mut valid), &[on]);
        assert_eq!(valid.report.unreadable, None);
        let mut unmapped = unread(None, false);
        blame_reflection(Some(&mut unmapped), &[on]);
        assert_eq!(unmapped.report.unreadable, Some(Unreadable::Blurry));
    }

    #[test]
    fn a_misread_in_a_steady_run_keeps_the_runs_valid_reading() {
        use crate::camera::demo::{BACK_SETTLED_S, DemoCamera};
        use crate::quality::mrz::CalendarDate;
        let today = CalendarDate::new(2026, 12, 4).expect("a date");
        let sharp = DemoCamera::on_day(30.0, false, today).frame_at(BACK_SETTLED_S + 1.0);
        let blurred = image::imageops::blur(&sharp, 3.0);
        let profile = Profile {
            today: Some(today),
            ..Profile::default()
        };
        let doc_of = |frame: &Frame, q: &Quad| {
            let mut doc = Rectified::default();
            doc.build(
                frame,
                q,
                DocumentKind::IdCard,
                frame.width(),
                frame.height(),
            );
            doc
        };
        let q = crate::quality::Analyzer::new()
            .assess(&sharp, &profile)
            .document
            .expect("the demo back is found")
            .quad;
        let (doc_sharp, doc_blurred) = (doc_of(&sharp, &q), doc_of(&blurred, &q));
        let read = |stage: &mut MrzStage, doc: &Rectified| {
            stage.stream(doc, &q, DocumentKind::IdCard, &profile)
        };

        // The blurred back alone misreads: what the kept reading replaces is really a misread.
        let mut alone = MrzStage::default();
        read(&mut alone, &doc_blurred);
        let misread = read(&mut alone, &doc_blurred).expect("a zone is seen");
        assert!(misread.fresh && !misread.report.valid);

        let mut stage = MrzStage::default();
        read(&mut stage, &doc_sharp);
        assert!(read(&mut stage, &doc_sharp).expect("read").report.valid);
        // Frames 2–4 of the run: the 4th is read, misreads, and the valid reading is kept.
        for _ in 0..3 {
            let kept = read(&mut stage, &doc_blurred).expect("carried");
            assert!(kept.report.valid && !kept.fresh);
        }
        // Once the run breaks, the next reading stands whatever it says.
        stage.lost();
        read(&mut stage, &doc_blurred);
        assert!(!read(&mut stage, &doc_blurred).expect("read").report.valid);
    }

    #[test]
    fn a_run_whose_readings_agree_is_not_read_again_until_it_breaks() {
        use crate::camera::demo::{BACK_SETTLED_S, DemoCamera};
        let today = CalendarDate::new(2026, 12, 4).expect("a date");
        let frame = DemoCamera::on_day(30.0, false, today).frame_at(BACK_SETTLED_S + 1.0);
        let profile = Profile {
            today: Some(today),
            ..Profile::default()
        };
        let q = crate::quality::Analyzer::new()
            .assess(&frame, &profile)
            .document
            .expect("the demo back is found")
            .quad;
        let mut doc = Rectified::default();
        doc.build(
            &frame,
            &q,
            DocumentKind::IdCard,
            frame.width(),
            frame.height(),
        );
        let moved = Quad(q.corners().map(|p| Point::new(p.x + 40.0, p.y)));
        let mut stage = MrzStage::default();
        let step = |stage: &mut MrzStage, quad: &Quad| {
            stage
                .stream(&doc, quad, DocumentKind::IdCard, &profile)
                .expect("a zone")
        };
        // The first frame of a document is not steady: nothing read, nothing carried yet.
        assert!(
            stage
                .stream(&doc, &q, DocumentKind::IdCard, &profile)
                .is_none()
        );
        // Steady frames 1 and 4 read the same valid lines: the vote has what it needs.
        let first = step(&mut stage, &q);
        assert!(first.fresh && first.report.valid);
        for _ in 0..3 {
            step(&mut stage, &q);
        }
        assert_eq!((stage.reads, stage.run_votes), (2, MIN_VOTES));
        // Frames 7 and 10 would be due: they carry the agreed reading instead.
        for _ in 0..6 {
            let carried = step(&mut stage, &q);
            assert!(!carried.fresh && carried.report == first.report);
        }
        assert_eq!(stage.reads, 2);
        // The document moves: the next steady run is read afresh.
        step(&mut stage, &moved);
        assert!(step(&mut stage, &moved).fresh);
        assert_eq!(stage.reads, 3);
    }

    #[test]
    fn a_stream_reads_only_once_the_document_is_steady() {
        // A blank document: the reader finds no zone, so only `tried` tells a reading happened.
        let frame = Frame::from_pixel(800, 600, image::Rgb([200, 200, 200]));
        let mut doc = Rectified::default();
        let q = quad(100.0);
        doc.build(&frame, &q, DocumentKind::Passport, 800, 600);
        let profile = Profile::default();
        let mut stage = MrzStage::default();
        assert!(
            stage
                .stream(&doc, &q, DocumentKind::Passport, &profile)
                .is_none()
        );
        assert!(
            !stage.tried(),
            "the first frame of a document is not steady yet"
        );
        stage.stream(&doc, &quad(130.0), DocumentKind::Passport, &profile);
        assert!(!stage.tried(), "a moving document is not read");
        stage.stream(&doc, &quad(130.0), DocumentKind::Passport, &profile);
        assert!(stage.tried());
        assert_eq!(stage.steady_frames, 1);
        stage.lost();
        assert!(!stage.tried());
    }
}
