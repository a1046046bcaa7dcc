//! The machine-readable zone: found, read and checked offline, on the document alone.
//!
//! Decides whether a document image (the rectified document, or a scan that is only the document)
//! holds an MRZ (TD1 3×30, TD2 2×36, TD3 2×44), what it says, and whether that reading is
//! *valid*: every check digit holds and every character is confidently read. A wrong reading is
//! never valid; when unsure the reading says why it is not readable (cut off, blurry, reflection).
//! Pure and deterministic: "today" is passed in, nothing is logged.
//!
//! Pipeline: `locate` (long dark text lines near the bottom) → `segment` (fixed-pitch cells,
//! normalised patches) → `classify` (a small perceptron over 37 classes) → `correct` (best allowed
//! class per position, check-digit-proven corrections) → `fields` (the `mrz` crate parses).

pub mod classify;
pub(crate) mod correct;
pub mod fields;
pub mod layout;
pub(crate) mod locate;
pub(crate) mod segment;
pub mod vote;

use serde::Serialize;

use self::classify::{CLASSES, Mlp};
use self::locate::{InkMap, TextLine};
use self::segment::{LineCells, Plane};
use super::profile::DocumentKind;
use super::rectify::Rectified;
use crate::quality::Point;

pub(crate) use self::correct::Ranked;
pub use self::fields::{CalendarDate, MrzFields};
pub use self::layout::MrzFormat;

/// Planes wider than this (pixels) are box-averaged down before reading; an MRZ spanning 90 % of
/// 1024 px still has a pitch of 21 px (TD3).
pub(crate) const MAX_READ_WIDTH: usize = 1024;

/// On an ID card, a group of two lines whose fixed-pitch grid crosses more ink than this on its
/// cell boundaries (`segment::LineCells::boundary_ink`, relative to the mean ink per column, 0–1)
/// is proportional print, not a zone, and is not classified. Zones that read: at most 0.15 on
/// 783 synthetic readings (blur σ ≤ 2 px) and 0.21 on MIDV-500's passports; the print of the
/// ID-card fronts in `benches/assess.rs` that was tried as TD2/TD3: 0.59–0.84.
const MAX_ID_CARD_TWO_LINE_BOUNDARY_INK: f64 = 0.45;
/// Pixels at or above this grey level (0–255) in the MRZ band are taken as a reflection.
const GLARE_LEVEL: u8 = 245;
/// A reading that fails is blamed on a reflection when this fraction (0–1) of its band is glare.
const GLARE_FRACTION: f64 = 0.03;
/// … or when this fraction (0–1) of an unsure character's cell is glare.
const CELL_GLARE: f64 = 0.1;

/// Why an MRZ that was found could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unreadable {
    /// Part of the zone lies outside the document image (or the camera's frame).
    CutOff,
    /// The characters are too soft or small to read with confidence.
    Blurry,
    /// A bright reflection covers part of the zone.
    Reflection,
}

impl Unreadable {
    /// Guidance for the user.
    pub fn hint(self) -> &'static str {
        match self {
            Unreadable::CutOff => "The lines at the bottom are cut off",
            Unreadable::Blurry => "The lines at the bottom are too blurry",
            Unreadable::Reflection => "The lines at the bottom are covered by a reflection",
        }
    }
}

/// A borrowed document image: luma row-major `width × height`, and optionally a mask (same
/// size, 0 where the document lay outside the camera frame).
#[derive(Clone, Copy)]
pub struct DocView<'a> {
    /// Luma, row-major, `width × height` bytes.
    pub luma: &'a [u8],
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Mask (same size; 0 where the document lay outside the camera frame), or `None` when all
    /// pixels are valid.
    pub valid: Option<&'a [u8]>,
}

impl<'a> DocView<'a> {
    /// A view of a rectified document's luma and validity mask.
    pub fn from_rectified(doc: &'a Rectified) -> Self {
        DocView {
            luma: &doc.luma,
            width: doc.width,
            height: doc.height,
            valid: Some(&doc.valid),
        }
    }
}

/// One character as read: the best class its position allows and the runner-up.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub(crate) struct CharRead {
    pub(crate) best: char,
    /// Probability 0–1 among the classes the position allows.
    pub(crate) best_prob: f32,
    pub(crate) second: char,
    pub(crate) second_prob: f32,
}

/// What the reader saw. Geometry is in the document image's pixels (map it through
/// `Rectified::to_image` for an overlay in the camera frame).
#[derive(Clone, Debug, PartialEq)]
pub struct MrzReading {
    /// The zone's layout (TD1, TD2 or TD3).
    pub format: MrzFormat,
    /// The lines as read (after proven corrections), even when not valid.
    pub lines: Vec<String>,
    /// Every check digit holds and every character was confidently read.
    pub valid: bool,
    /// Why it is not valid; `None` when valid.
    pub unreadable: Option<Unreadable>,
    /// Each line's box, clockwise from its top-left.
    pub line_boxes: Vec<[Point; 4]>,
    /// The whole zone's box, clockwise from its top-left.
    pub band: [Point; 4],
    /// Character pitch, document pixels.
    pub pitch: f64,
    /// Per line, per character: best and runner-up.
    pub(crate) chars: Vec<Vec<CharRead>>,
    /// Characters changed to their runner-up because every check digit confirmed it.
    pub(crate) corrections: usize,
    /// The least probability among the characters read, 0–1.
    pub min_confidence: f32,
}

/// The `mrz` object of `check --json` (issue 11).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MrzReport {
    /// The zone's layout (TD1, TD2 or TD3).
    pub format: MrzFormat,
    /// The text lines read, top to bottom, `<` as fillers.
    pub lines: Vec<String>,
    /// True when every check digit matches.
    pub valid: bool,
    /// The parsed fields; `null` when the lines do not parse.
    pub fields: Option<MrzFields>,
    /// Expiry before today; `null` unless valid with a calendar expiry date.
    pub expired: Option<bool>,
    /// Days from today to the expiry date (negative once expired); `null` like `expired`.
    pub days_to_expiry: Option<i64>,
    /// Why the zone is not valid: `cut-off`, `blurry`, `reflection`; `null` when valid.
    pub unreadable: Option<Unreadable>,
}

impl MrzReading {
    /// The fields, with birth-date centuries judged from `today`.
    pub fn fields(&self, today: CalendarDate) -> Option<MrzFields> {
        fields::parse(self.format, &self.lines, today)
    }

    /// The JSON object for `today`.
    pub fn report(&self, today: CalendarDate) -> MrzReport {
        let fields = self.fields(today);
        let days = fields
            .as_ref()
            .and_then(|f| f.expiry_date)
            .filter(|_| self.valid)
            .map(|e| today.days_until(e));
        MrzReport {
            format: self.format,
            lines: self.lines.clone(),
            valid: self.valid,
            fields,
            expired: days.map(|d| d < 0),
            days_to_expiry: days,
            unreadable: self.unreadable,
        }
    }
}

/// Reads MRZs; owns its scratch buffers so a stream does not allocate per frame.
#[derive(Default)]
pub struct MrzReader {
    ink: InkMap,
    small: Vec<u8>,
    hidden: Vec<f32>,
}

/// A group of lines cut for one format, with its classification.
struct Attempt {
    format: MrzFormat,
    cells: Vec<LineCells>,
    decision: correct::Decision,
}

impl MrzReader {
    /// Reads the MRZ of a rectified document.
    pub fn read_rectified(&mut self, doc: &Rectified, kind: DocumentKind) -> Option<MrzReading> {
        self.read(DocView::from_rectified(doc), Some(kind))
    }

    /// Reads the MRZ of an image that is only the document. `kind` orders the layouts tried
    /// (passport: TD3 first; ID card: TD1 first); `None` tries all. `None` is returned when no
    /// MRZ-like group of lines is seen, or when the compiled-in classifier is missing.
    pub fn read(&mut self, doc: DocView<'_>, kind: Option<DocumentKind>) -> Option<MrzReading> {
        let net = Mlp::builtin()?;
        let (w, h) = (doc.width as usize, doc.height as usize);
        if w < 16 || h < 16 || doc.luma.len() < w * h {
            return None;
        }
        // Work on a plane at most MAX_READ_WIDTH wide; `scale` maps back to the document.
        let factor = w.div_ceil(MAX_READ_WIDTH).max(1);
        let mut small = std::mem::take(&mut self.small);
        let plane = if factor == 1 {
            Plane {
                luma: doc.luma,
                width: w,
                height: h,
            }
        } else {
            let (sw, sh) = box_shrink(doc.luma, w, h, factor, &mut small);
            Plane {
                luma: &small,
                width: sw,
                height: sh,
            }
        };
        let result = self.read_plane(plane, net, kind);
        let reading = result.map(|attempt| self.finish(plane, doc, factor as f64, attempt));
        self.small = small;
        reading
    }

    /// The cells of the bottom-most group of lines that could be `format`, without reading them
    /// (the trainer labels these patches with the true text). `None` when no such group is seen
    /// or the plane is wider than `MAX_READ_WIDTH`.
    pub fn cut_as(&mut self, doc: DocView<'_>, format: MrzFormat) -> Option<Vec<LineCells>> {
        let (w, h) = (doc.width as usize, doc.height as usize);
        if w < 16 || h < 16 || w > MAX_READ_WIDTH || doc.luma.len() < w * h {
            return None;
        }
        let plane = Plane {
            luma: doc.luma,
            width: w,
            height: h,
        };
        self.ink.build(plane.luma, w, h);
        let lines = self.ink.lines();
        let count = format.line_count();
        let end = (count..=lines.len())
            .rev()
            .find(|&end| plausible_group(&lines[end - count..end], w))?;
        let group = &lines[end - count..end];
        let height = group.iter().map(TextLine::height).max().unwrap_or(0) as f64;
        segment::cut_group(plane, &self.ink, group, format.line_len(), height)
    }

    fn read_plane(
        &mut self,
        plane: Plane<'_>,
        net: &Mlp,
        kind: Option<DocumentKind>,
    ) -> Option<Attempt> {
        self.ink.build(plane.luma, plane.width, plane.height);
        let lines = self.ink.lines();
        let sizes: &[usize] = match kind {
            Some(DocumentKind::Passport) => &[2, 3],
            _ => &[3, 2],
        };
        let mut fallback: Option<Attempt> = None;
        for &count in sizes {
            // Groups nearest the bottom first.
            for end in (count..=lines.len()).rev() {
                let group = &lines[end - count..end];
                if !plausible_group(group, plane.width) {
                    continue;
                }
                // Layouts are classified best grid first, and only until one is valid; a
                // layout's patches are sampled only when it is classified.
                for (format, mut cells) in self.cut_layouts(plane, group, kind) {
                    // An ID card's two lines of proportional print (a front's address or
                    // signature line) are not classified: nothing there can read, and a
                    // zone's 88 cells cost more than the rest of the frame's checks.
                    let boundary = cells.first().map_or(1.0, |c| c.boundary_ink);
                    if kind == Some(DocumentKind::IdCard)
                        && count == 2
                        && boundary > MAX_ID_CARD_TWO_LINE_BOUNDARY_INK
                    {
                        continue;
                    }
                    segment::sample_patches(plane, group, format.line_len(), &mut cells);
                    let attempt = self.classify(net, format, cells);
                    if attempt.decision.valid() {
                        return Some(attempt);
                    }
                    if fallback.is_none() {
                        fallback = Some(attempt);
                    }
                }
            }
        }
        fallback
    }

    /// The layouts a group of lines could be, each cut into cells (patches not sampled yet), best
    /// grid first.
    fn cut_layouts(
        &self,
        plane: Plane<'_>,
        group: &[TextLine],
        kind: Option<DocumentKind>,
    ) -> Vec<(MrzFormat, Vec<LineCells>)> {
        let formats: &[MrzFormat] = match (group.len(), kind) {
            (3, _) => &[MrzFormat::Td1],
            (_, Some(DocumentKind::IdCard)) => &[MrzFormat::Td2, MrzFormat::Td3],
            _ => &[MrzFormat::Td3, MrzFormat::Td2],
        };
        let height = group.iter().map(TextLine::height).max().unwrap_or(0) as f64;
        let profiles = segment::line_profiles(plane, &self.ink, group);
        let mut cut: Vec<(MrzFormat, Vec<LineCells>, f64)> = formats
            .iter()
            .filter_map(|&f| {
                let cells = segment::fit_group(&self.ink, group, &profiles, f.line_len(), height)?;
                let boundary = cells.iter().map(|c| c.boundary_ink).sum::<f64>();
                Some((f, cells, boundary))
            })
            .collect();
        cut.sort_by(|a, b| a.2.total_cmp(&b.2));
        cut.into_iter().map(|(f, cells, _)| (f, cells)).collect()
    }

    /// Classifies every cell of a cut zone and decides its text.
    fn classify(&mut self, net: &Mlp, format: MrzFormat, cells: Vec<LineCells>) -> Attempt {
        let probs: Vec<Vec<[f32; CLASSES]>> = cells
            .iter()
            .map(|line| {
                (0..format.line_len())
                    .map(|k| {
                        let mut p = [0.0; CLASSES];
                        if let Some(patch) = line.patch(k) {
                            net.probabilities(patch, &mut self.hidden, &mut p);
                        }
                        p
                    })
                    .collect()
            })
            .collect();
        let decision = correct::decide(format, &probs);
        Attempt {
            format,
            cells,
            decision,
        }
    }

    /// The reading of an attempt, with geometry in document pixels and the reason it fails.
    fn finish(&self, plane: Plane<'_>, doc: DocView<'_>, scale: f64, a: Attempt) -> MrzReading {
        let n = a.format.line_len();
        let lines = a.decision.lines();
        let valid = a.decision.valid() && fields::crate_valid(a.format, &lines);
        let boxes_plane: Vec<[Point; 4]> = a.cells.iter().map(|c| c.corners(n)).collect();
        let to_doc = |p: Point| Point::new(p.x * scale, p.y * scale);
        let line_boxes: Vec<[Point; 4]> = boxes_plane.iter().map(|b| b.map(to_doc)).collect();
        let band = match (line_boxes.first(), line_boxes.last()) {
            (Some(f), Some(l)) => [f[0], f[1], l[2], l[3]],
            _ => [Point::new(0.0, 0.0); 4],
        };
        let pitch = a.cells.first().map_or(0.0, |c| c.pitch * scale);
        let letter = |c: usize| char::from(layout::ALPHABET.get(c).copied().unwrap_or(b'<'));
        let chars: Vec<Vec<CharRead>> = a
            .decision
            .ranked
            .iter()
            .map(|line| {
                line.iter()
                    .map(|r| CharRead {
                        best: letter(r.best),
                        best_prob: r.best_prob,
                        second: letter(r.second),
                        second_prob: r.second_prob,
                    })
                    .collect()
            })
            .collect();
        let min_confidence = a
            .decision
            .ranked
            .iter()
            .flatten()
            .map(|r| r.best_prob)
            .fold(1.0, f32::min);
        let unreadable =
            (!valid).then(|| why_unreadable(plane, doc, &a.cells, &a.decision.ranked, band));
        MrzReading {
            format: a.format,
            lines,
            valid,
            unreadable,
            line_boxes,
            band,
            pitch,
            chars,
            corrections: a.decision.corrected.len(),
            min_confidence,
        }
    }
}

/// Lines that could be one MRZ: similar heights, regular spacing, aligned left and right.
fn plausible_group(group: &[TextLine], width: usize) -> bool {
    let hmax = group.iter().map(TextLine::height).max().unwrap_or(0) as f64;
    if hmax < 3.0 {
        return false;
    }
    let tolerance = 0.06 * width as f64;
    let first = group[0];
    group.iter().all(|l| l.height() as f64 >= 0.35 * hmax)
        && group.windows(2).all(|p| {
            let d = p[1].centre() - p[0].centre();
            (1.0 * hmax..=3.2 * hmax).contains(&d)
        })
        && group.iter().all(|l| {
            (l.left as f64 - first.left as f64).abs() <= tolerance
                && (l.right as f64 - first.right as f64).abs() <= tolerance
        })
}

/// Why a found zone failed: part of it outside the document or frame, glare over it (or over an
/// unsure character), or blur.
fn why_unreadable(
    plane: Plane<'_>,
    doc: DocView<'_>,
    cells: &[LineCells],
    ranked: &[Vec<Ranked>],
    band: [Point; 4],
) -> Unreadable {
    let n = ranked.first().map_or(0, Vec::len);
    let (w, h) = (plane.width as f64, plane.height as f64);
    let cut_in_plane = cells.iter().any(|c| {
        let half = 0.6 * c.height;
        let x1 = c.x0 + c.pitch * n as f64;
        c.x0 < 0.3 * c.pitch
            || x1 > w - 0.3 * c.pitch
            || c.centre_y(c.x0) + half >= h - 1.0
            || c.centre_y(x1) + half >= h - 1.0
    });
    // Band bounds in document pixels, clamped.
    let xs = band.map(|p| p.x);
    let ys = band.map(|p| p.y);
    let (dw, dh) = (doc.width as usize, doc.height as usize);
    let clamp = |v: f64, hi: usize| (v.max(0.0) as usize).min(hi);
    let (x0, x1) = (
        clamp(xs.iter().copied().fold(f64::INFINITY, f64::min), dw),
        clamp(xs.iter().copied().fold(0.0, f64::max) + 1.0, dw),
    );
    let (y0, y1) = (
        clamp(ys.iter().copied().fold(f64::INFINITY, f64::min), dh),
        clamp(ys.iter().copied().fold(0.0, f64::max) + 1.0, dh),
    );
    // Also look a little below the band: an MRZ cut by the frame's edge loses its bottom.
    let below = clamp(y1 as f64 + 0.5 * (y1 - y0) as f64, dh);
    let out_of_frame = doc.valid.is_some_and(|mask| {
        (y0..below).any(|y| {
            mask.get(y * dw + x0..y * dw + x1)
                .is_some_and(|row| row.contains(&0))
        })
    });
    if cut_in_plane || out_of_frame {
        return Unreadable::CutOff;
    }
    let (mut bright, mut total) = (0usize, 0usize);
    for y in y0..y1 {
        if let Some(row) = doc.luma.get(y * dw + x0..y * dw + x1) {
            bright += row.iter().filter(|&&v| v >= GLARE_LEVEL).count();
            total += row.len();
        }
    }
    // Glare over any character read with doubt counts, however small the spot.
    let glare_on_doubt = cells.iter().zip(ranked).any(|(line, reads)| {
        reads.iter().enumerate().any(|(k, r)| {
            r.best_prob < correct::MIN_UNCOVERED_PROB && cell_glare(plane, line, k) > CELL_GLARE
        })
    });
    if glare_on_doubt || (total > 0 && bright as f64 > GLARE_FRACTION * total as f64) {
        Unreadable::Reflection
    } else {
        Unreadable::Blurry
    }
}

/// The fraction 0–1 of cell `k`'s pixels at or above `GLARE_LEVEL`.
fn cell_glare(plane: Plane<'_>, line: &LineCells, k: usize) -> f64 {
    let x0 = line.x0 + k as f64 * line.pitch;
    let cy = line.centre_y(x0 + 0.5 * line.pitch);
    let (xa, xb) = (
        x0.max(0.0) as usize,
        ((x0 + line.pitch).max(0.0) as usize).min(plane.width),
    );
    let half = 0.6 * line.height;
    let (ya, yb) = (
        (cy - half).max(0.0) as usize,
        ((cy + half).max(0.0) as usize).min(plane.height),
    );
    let (mut bright, mut total) = (0usize, 0usize);
    for y in ya..yb {
        if let Some(row) = plane.luma.get(y * plane.width + xa..y * plane.width + xb) {
            bright += row.iter().filter(|&&v| v >= GLARE_LEVEL).count();
            total += row.len();
        }
    }
    if total == 0 {
        0.0
    } else {
        bright as f64 / total as f64
    }
}

/// Averages `factor × factor` blocks of `luma` into `out`; returns the new size.
fn box_shrink(luma: &[u8], w: usize, h: usize, factor: usize, out: &mut Vec<u8>) -> (usize, usize) {
    let (sw, sh) = (w / factor, h / factor);
    out.clear();
    out.reserve(sw * sh);
    let area = (factor * factor) as u32;
    for sy in 0..sh {
        for sx in 0..sw {
            let mut sum = 0u32;
            for y in sy * factor..(sy + 1) * factor {
                let row = y * w + sx * factor;
                sum += luma
                    .get(row..row + factor)
                    .map_or(0, |r| r.iter().map(|&v| u32::from(v)).sum());
            }
            out.push((sum / area) as u8);
        }
    }
    (sw, sh)
}
