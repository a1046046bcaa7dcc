//! The flip to the back of an ID card: decides whether the document in view is still the front that
//! was just kept (and so must not be captured as the back), and when the auto-capture may arm again.
//!
//! Pure: a coarse `Signature` of the rectified document (a grid of mean colours) is taken of the
//! kept front and of each new frame's document, and the two are compared by layout (correlation of
//! the brightness pattern) and colour (difference of the brightness-normalised tints). A card turned
//! upside down is still the same side, so the comparison also tries the candidate rotated by 180°.
//! The auto-capture is armed only while the document in view does not look like the front.
//!
//! It also decides when the turn is over: until a document that is not the front has been seen
//! flat for `SETTLED_AFTER_S`, the card is still being turned, and a half-turned card's narrow,
//! dark or cut-off outline is not a problem to name ("Move closer") but part of the turn.

use image::RgbImage;

use crate::quality::Point;
use crate::quality::geometry::Homography;

/// Cells across the long side of the document in a signature.
const GRID_W: usize = 16;
/// Cells across the short side.
const GRID_H: usize = 10;
/// Samples per cell along each axis (3 × 3 bilinear samples average a cell).
const SAMPLES: usize = 3;

/// Two documents whose brightness patterns correlate at least this much (Pearson, −1 to 1) have the
/// same layout. 0.6: the same side of the demo card under a glare spot, defocus or a 10° tilt stays
/// above 0.8, and most pairs of frames of one MIDV-500 document above 0.7, while the two sides of
/// the demo card and pairs of different MIDV-500 documents stay below it (tests/flip_dataset.rs).
pub const SAME_LAYOUT_MIN_CORRELATION: f64 = 0.6;

/// Two documents whose mean tints differ by at most this much have the same colour: the mean over
/// the grid of the per-cell RGB difference after dividing each signature by its own mean brightness,
/// as a fraction of that brightness (0 = identical tints). 0.12 leaves room for white balance and
/// lamp changes between two frames of one side, which move the tint by a few percent.
pub const SAME_COLOUR_MAX_DIFFERENCE: f64 = 0.12;

/// The card counts as turned over once a document that is not the front has been seen flat (its
/// `tilt` check passing) on every frame for this many seconds (0.5 s: a handful of frames at the
/// 5–30 fps of a webcam; the demo's flip shows a flat-looking outline for single frames only).
pub const SETTLED_AFTER_S: f64 = 0.5;

/// A coarse picture of a rectified document: `GRID_W × GRID_H` mean RGB values, row by row, the
/// long side across.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    cells: Vec<[f64; 3]>,
}

/// How a document compares with the front.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Likeness {
    /// Correlation of the brightness patterns, −1 to 1 (the better of 0° and 180°).
    pub layout: f64,
    /// Tint difference, 0 and up (see `SAME_COLOUR_MAX_DIFFERENCE`).
    pub colour: f64,
}

impl Likeness {
    /// Whether the two look like the same side of the same document.
    pub fn same(&self) -> bool {
        self.layout >= SAME_LAYOUT_MIN_CORRELATION && self.colour <= SAME_COLOUR_MAX_DIFFERENCE
    }
}

impl Signature {
    /// The signature of the document at `quad` (image pixels, clockwise) in `image`. `None` when
    /// less than 90 % of the quad lies inside the image (nothing fair to compare).
    pub fn of(image: &RgbImage, quad: &[Point; 4]) -> Option<Signature> {
        let (w, h) = image.dimensions();
        if w < 2 || h < 2 {
            return None;
        }
        let inside = crate::quality::Quad(*quad).fraction_inside(f64::from(w), f64::from(h));
        if inside < 0.9 {
            return None;
        }
        // Start at a corner whose next edge is a long side, so the grid's width runs along it.
        let start = if quad[0].dist(quad[1]) >= quad[1].dist(quad[2]) {
            0
        } else {
            1
        };
        let corners: [Point; 4] = std::array::from_fn(|i| quad[(start + i) % 4]);
        let unit = [
            Point::new(0.0, 0.0),
            Point::new(1.0, 0.0),
            Point::new(1.0, 1.0),
            Point::new(0.0, 1.0),
        ];
        let to_image = Homography::from_points(&unit, &corners)?;
        let mut cells = Vec::with_capacity(GRID_W * GRID_H);
        for gy in 0..GRID_H {
            for gx in 0..GRID_W {
                let mut sum = [0.0; 3];
                for sy in 0..SAMPLES {
                    for sx in 0..SAMPLES {
                        let u = (gx as f64 + (sx as f64 + 0.5) / SAMPLES as f64) / GRID_W as f64;
                        let v = (gy as f64 + (sy as f64 + 0.5) / SAMPLES as f64) / GRID_H as f64;
                        let p = to_image.apply(Point::new(u, v));
                        let c = sample(image, p);
                        for k in 0..3 {
                            sum[k] += c[k];
                        }
                    }
                }
                let n = (SAMPLES * SAMPLES) as f64;
                cells.push(sum.map(|s| s / n));
            }
        }
        Some(Signature { cells })
    }

    /// How `other` compares with `self`: the better of `other` as it is and turned by 180°.
    pub fn likeness(&self, other: &Signature) -> Likeness {
        let turned = Signature {
            cells: other.cells.iter().rev().copied().collect(),
        };
        let a = self.compare(other);
        let b = self.compare(&turned);
        if a.layout >= b.layout { a } else { b }
    }

    fn compare(&self, other: &Signature) -> Likeness {
        let luma = |s: &Signature| -> Vec<f64> {
            s.cells
                .iter()
                .map(|c| 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])
                .collect()
        };
        let (la, lb) = (luma(self), luma(other));
        let layout = correlation(&la, &lb);
        let mean = |l: &[f64]| (l.iter().sum::<f64>() / l.len().max(1) as f64).max(1.0);
        let (ma, mb) = (mean(&la), mean(&lb));
        let colour = self
            .cells
            .iter()
            .zip(&other.cells)
            .map(|(a, b)| (0..3).map(|k| (a[k] / ma - b[k] / mb).abs()).sum::<f64>() / 3.0)
            .sum::<f64>()
            / self.cells.len().max(1) as f64;
        Likeness { layout, colour }
    }
}

/// Pearson correlation of two equally long series; 0 when either is flat.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let ma = a.iter().take(n).sum::<f64>() / n as f64;
    let mb = b.iter().take(n).sum::<f64>() / n as f64;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b).take(n) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa <= 1e-9 || sbb <= 1e-9 {
        return 0.0;
    }
    sab / (saa * sbb).sqrt()
}

/// Bilinear sample at `p` (pixel centres at +0.5), edges clamped.
fn sample(img: &RgbImage, p: Point) -> [f64; 3] {
    let (w, h) = img.dimensions();
    let x = (p.x - 0.5).clamp(0.0, f64::from(w - 1));
    let y = (p.y - 0.5).clamp(0.0, f64::from(h - 1));
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - f64::from(x0), y - f64::from(y0));
    let px = |xx, yy| img.get_pixel(xx, yy).0.map(f64::from);
    let (a, b, c, d) = (px(x0, y0), px(x1, y0), px(x0, y1), px(x1, y1));
    std::array::from_fn(|k| {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        top + (bottom - top) * fy
    })
}

/// Where the flip stands after a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FlipState {
    /// No document to compare (none found, or mostly outside the frame): "Turn the card over".
    TurnOver,
    /// The document in view looks like the front that was kept: it is not captured.
    StillFront(Likeness),
    /// A document that does not look like the front: the auto-capture may run.
    Ready,
}

/// Watches the frames after the front was kept until the card has been turned over.
#[derive(Clone, Debug)]
pub struct FlipGuard {
    front: Signature,
    state: FlipState,
    /// Since when (frame time, seconds) every frame has shown a flat document that is not the front.
    flat_since: Option<f64>,
    /// That has lasted `SETTLED_AFTER_S` up to the newest frame fed to `settle`.
    settled: bool,
}

impl FlipGuard {
    /// Starts waiting for the back of the card whose front has `front` as signature.
    pub fn new(front: Signature) -> Self {
        FlipGuard {
            front,
            state: FlipState::TurnOver,
            flat_since: None,
            settled: false,
        }
    }

    /// Feeds the signature of the newest frame's document (`None`: no document to compare).
    pub fn push(&mut self, current: Option<&Signature>) -> FlipState {
        self.state = match current {
            None => FlipState::TurnOver,
            Some(s) => {
                let likeness = self.front.likeness(s);
                if likeness.same() {
                    FlipState::StillFront(likeness)
                } else {
                    FlipState::Ready
                }
            }
        };
        self.state
    }

    /// The state after the last frame.
    pub fn state(&self) -> FlipState {
        self.state
    }

    /// Notes, after `push`, whether the frame at `time_s` (seconds) shows its document flat
    /// (`tilt` passing). A frame that is not flat, or still the front, starts the wait over.
    pub fn settle(&mut self, time_s: f64, flat: bool) {
        self.flat_since = if flat && self.state == FlipState::Ready {
            Some(self.flat_since.unwrap_or(time_s))
        } else {
            None
        };
        self.settled = self
            .flat_since
            .is_some_and(|since| time_s - since >= SETTLED_AFTER_S);
    }

    /// Whether the card has been turned over and held flat for `SETTLED_AFTER_S`: from then on
    /// the checks' own hints apply again.
    pub fn settled(&self) -> bool {
        self.settled
    }
}

#[cfg(test)]
mod tests;
