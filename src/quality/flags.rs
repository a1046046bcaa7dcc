//! Soft flags: things a portal's fraud checks may reject that are warnings, not pass/fail checks.
//!
//! Decides, from pixels only, whether the document has no colour (a black-and-white photo or a
//! photocopy) and whether it shows a screen's pixel grid (a photo of a screen). Colour is measured as the spread of the document's chromaticity (colour with brightness
//! divided out, so a warm or cool cast over a grey copy does not count as colour) over a grid of
//! samples inside the document's quad. The metadata flags (screenshot, edited, no camera information)
//! live in `crate::metadata`; both kinds share `SoftFlag`.
//!
//! Pure: no I/O.

use serde::Serialize;

use super::{Frame, Quad, Report};

/// Stable soft-flag ids (JSON `warnings[].id`): add more, never rename.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum FlagId {
    /// EXIF or file type says screenshot.
    Screenshot,
    /// A JPEG with no camera make or model.
    NoCameraInfo,
    /// EXIF software is a photo editor.
    Edited,
    /// The document has no colour: black-and-white photo or photocopy.
    NoColour,
    /// A sharp periodic pattern like a screen's pixel grid: a photo of a screen.
    ScreenPattern,
}

impl FlagId {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FlagId::Screenshot => "screenshot",
            FlagId::NoCameraInfo => "no-camera-info",
            FlagId::Edited => "edited",
            FlagId::NoColour => "no-colour",
            FlagId::ScreenPattern => "screen-pattern",
        }
    }

    /// A short title for a warning row.
    pub(crate) fn label(self) -> &'static str {
        match self {
            FlagId::Screenshot => "Screenshot or photo of a screen",
            FlagId::NoCameraInfo => "No camera information",
            FlagId::Edited => "Edited photo",
            FlagId::NoColour => "Black and white / photocopy",
            FlagId::ScreenPattern => "Photo of a screen",
        }
    }
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct SoftFlag {
    pub(crate) id: FlagId,
    /// What was seen and what to do.
    pub(crate) message: String,
}

impl SoftFlag {
    pub(crate) fn new(id: FlagId, message: impl Into<String>) -> Self {
        SoftFlag {
            id,
            message: message.into(),
        }
    }
}

/// Below this colour spread the document counts as having no colour. Unit: standard deviation of the
/// opponent chromaticities (R−G and (R+G)/2−B, each divided by R+G+B and scaled to 0–255).
/// Measured on the 59 MIDV-500 dev frames inside the true quad (`tests/export_flags.rs`): the least
/// colourful colour document 7.5; the same frames made grey with a warm cast at most 0.6.
pub const NO_COLOUR_SPREAD: f64 = 4.0;

/// Samples taken across the document's bounding box, per side.
const GRID: u32 = 96;

/// Pixels darker than this sum of R+G+B (0–765) are skipped: their chromaticity is mostly noise.
const MIN_RGB_SUM: u32 = 60;

/// The document's colour spread (see `NO_COLOUR_SPREAD`), measured inside `quad`, or over the whole
/// frame without one. `None` when too few samples are bright enough.
pub fn colour_spread(frame: &Frame, quad: Option<&Quad>) -> Option<f64> {
    let (w, h) = frame.dimensions();
    if w == 0 || h == 0 {
        return None;
    }
    let (x0, y0, x1, y1) = match quad {
        Some(q) => {
            let c = q.corners();
            let xs = c.iter().map(|p| p.x);
            let ys = c.iter().map(|p| p.y);
            (
                xs.clone().fold(f64::INFINITY, f64::min).max(0.0),
                ys.clone().fold(f64::INFINITY, f64::min).max(0.0),
                xs.fold(f64::NEG_INFINITY, f64::max).min(f64::from(w - 1)),
                ys.fold(f64::NEG_INFINITY, f64::max).min(f64::from(h - 1)),
            )
        }
        None => (0.0, 0.0, f64::from(w - 1), f64::from(h - 1)),
    };
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    let (mut n, mut s_rg, mut s_yb, mut s_rg2, mut s_yb2) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
    for j in 0..GRID {
        let y = y0 + (y1 - y0) * (f64::from(j) + 0.5) / f64::from(GRID);
        for i in 0..GRID {
            let x = x0 + (x1 - x0) * (f64::from(i) + 0.5) / f64::from(GRID);
            if let Some(q) = quad
                && !inside(q, x, y)
            {
                continue;
            }
            let p = frame.get_pixel(x as u32, y as u32).0;
            let (r, g, b) = (f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
            let sum = r + g + b;
            if (sum as u32) < MIN_RGB_SUM {
                continue;
            }
            let scale = 255.0 / sum;
            let rg = (r - g) * scale;
            let yb = (0.5 * (r + g) - b) * scale;
            n += 1.0;
            s_rg += rg;
            s_yb += yb;
            s_rg2 += rg * rg;
            s_yb2 += yb * yb;
        }
    }
    if n < 100.0 {
        return None;
    }
    let var_rg = (s_rg2 / n - (s_rg / n).powi(2)).max(0.0);
    let var_yb = (s_yb2 / n - (s_yb / n).powi(2)).max(0.0);
    Some((var_rg + var_yb).sqrt())
}

/// Whether (x, y) lies inside the convex quad (either winding).
fn inside(q: &Quad, x: f64, y: f64) -> bool {
    let c = q.corners();
    let mut sign = 0.0f64;
    for i in 0..4 {
        let (a, b) = (c[i], c[(i + 1) % 4]);
        let z = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
        if z != 0.0 {
            if sign != 0.0 && z.signum() != sign {
                return false;
            }
            sign = z.signum();
        }
    }
    true
}

/// The pixel-based soft flags for a frame and its detected document.
pub(crate) fn pixel_flags(frame: &Frame, quad: Option<&Quad>) -> Vec<SoftFlag> {
    let mut out = Vec::new();
    if let Some(spread) = colour_spread(frame, quad)
        && spread < NO_COLOUR_SPREAD
    {
        out.push(SoftFlag::new(
            FlagId::NoColour,
            format!(
                "The document has no colour (colour spread {spread:.1}, {NO_COLOUR_SPREAD:.0} \
                 expected): a black-and-white photo or a photocopy. Portals want a colour photo of \
                 the original document."
            ),
        ));
    }
    if let Some(peak) = periodic_peak(frame, quad)
        && peak > SCREEN_PEAK_RATIO
    {
        out.push(SoftFlag::new(
            FlagId::ScreenPattern,
            format!(
                "A fine regular grid runs across the document (periodic peak {peak:.0}, above \
                 {SCREEN_PEAK_RATIO:.0}), as when photographing a screen. Portals reject photos of \
                 screens: photograph the physical document."
            ),
        ));
    }
    out
}

/// Above this `periodic_peak` the photo is flagged as a photo of a screen. Unitless power ratio.
/// Measured (`tests/export_flags.rs`): the 59 MIDV-500 dev frames (printed documents with guilloche
/// patterns, filmed by phones) peak at most at 348; the same frames overlaid with a ±10 % screen
/// grid of 4.3 px pitch, turned 3° and saved as JPEG, at least at 9 238. Untested on real photos of
/// screens: a heuristic, shown only as a warning.
pub const SCREEN_PEAK_RATIO: f64 = 1000.0;

/// Side of the square window whose spectrum the moiré measure reads, pixels (a power of two).
pub(crate) const MOIRE_WINDOW_PX: usize = 256;

/// A peak must be this many times stronger than the spectrum `MOIRE_RADIAL_STEP` bins nearer and
/// farther along its own direction.
const MOIRE_ISOLATION: f32 = 4.0;
/// Radial distance to the bins a peak is compared with, in frequency bins.
const MOIRE_RADIAL_STEP: f64 = 3.0;

/// Lowest spatial frequency considered, cycles per window: lower ones are the document's layout
/// (text lines, photo edges), not a screen's pixel grid.
const MOIRE_MIN_RADIUS: usize = 20;

/// The strongest isolated periodic pattern in the document: the largest ratio of a spectral bin's
/// power to the median power of its ring (same spatial frequency, all directions), over windows of
/// `MOIRE_WINDOW_PX` at full resolution inside the document (or the photo's centre without one).
/// Frequencies of JPEG's 8-pixel block grid are skipped. A photo of a screen shows the screen's
/// pixel lattice as sharp peaks; paper prints spread their power. `None` for photos smaller than a
/// window.
pub fn periodic_peak(frame: &Frame, quad: Option<&Quad>) -> Option<f64> {
    let (w, h) = frame.dimensions();
    let n = MOIRE_WINDOW_PX;
    if (w as usize) < n || (h as usize) < n {
        return None;
    }
    let (cx, cy) = match quad {
        Some(q) => {
            let c = q.centroid();
            (c.x, c.y)
        }
        None => (f64::from(w) / 2.0, f64::from(h) / 2.0),
    };
    let half = (n / 2) as f64;
    let x0 = (cx - half).clamp(0.0, f64::from(w) - n as f64) as u32;
    let y0 = (cy - half).clamp(0.0, f64::from(h) - n as f64) as u32;
    // Hann-windowed luma.
    let hann: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
        .collect();
    let mut re = vec![0f32; n * n];
    let mut im = vec![0f32; n * n];
    let mut mean = 0f32;
    for y in 0..n {
        for x in 0..n {
            let p = frame.get_pixel(x0 + x as u32, y0 + y as u32).0;
            let l = 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
            re[y * n + x] = l;
            mean += l;
        }
    }
    mean /= (n * n) as f32;
    for y in 0..n {
        for x in 0..n {
            re[y * n + x] = (re[y * n + x] - mean) * hann[x] * hann[y];
        }
    }
    fft_2d(&mut re, &mut im, n);
    // Power per bin, grouped by ring (integer radius); only the upper half-plane (real input is
    // symmetric). A bin counts as a peak candidate only when it is isolated along its own direction
    // (`MOIRE_ISOLATION` times the bins `MOIRE_RADIAL_STEP` closer and farther): a grid gives a
    // spike, while a straight edge or a texture gives a ridge that falls off smoothly.
    let power: Vec<f32> = re.iter().zip(&im).map(|(r, i)| r * r + i * i).collect();
    let at = |fu: i64, fv: i64| -> f32 {
        let u = fu.rem_euclid(n as i64) as usize;
        let v = fv.rem_euclid(n as i64) as usize;
        power[v * n + u]
    };
    let mut rings: Vec<Vec<f32>> = vec![Vec::new(); n / 2];
    let mut bins: Vec<(usize, f32)> = Vec::new();
    let block = n / 8;
    for v in 0..=n / 2 {
        for u in 0..n {
            let fu = if u > n / 2 {
                u as i64 - n as i64
            } else {
                u as i64
            };
            let fv = v as i64;
            let rf = ((fu * fu + fv * fv) as f64).sqrt();
            let r = rf.round() as usize;
            if r < MOIRE_MIN_RADIUS || r >= n / 2 {
                continue;
            }
            let p = power[v * n + u];
            rings[r].push(p);
            let near_block = |f: i64| {
                let m = f.rem_euclid(block as i64);
                m <= 1 || m >= block as i64 - 1
            };
            // JPEG's 8 × 8 blocks put peaks on multiples of n/8 along each axis.
            if near_block(fu) && near_block(fv) {
                continue;
            }
            let step = MOIRE_RADIAL_STEP / rf;
            let inner = at(
                (fu as f64 * (1.0 - step)).round() as i64,
                (fv as f64 * (1.0 - step)).round() as i64,
            );
            let outer = at(
                (fu as f64 * (1.0 + step)).round() as i64,
                (fv as f64 * (1.0 + step)).round() as i64,
            );
            if p >= MOIRE_ISOLATION * inner.max(outer) {
                bins.push((r, p));
            }
        }
    }
    let medians: Vec<f32> = rings
        .iter_mut()
        .map(|ring| {
            if ring.is_empty() {
                return 0.0;
            }
            let mid = ring.len() / 2;
            *ring.select_nth_unstable_by(mid, f32::total_cmp).1
        })
        .collect();
    // Noise floor: the power one grey level of white noise gives a bin through the Hann window
    // (n² · Σw²/n² ≈ 0.14 n²), so flat synthetic images (screenshots, test patterns) with empty
    // rings do not divide by nearly zero.
    let floor = 0.14 * (n * n) as f32;
    bins.iter()
        .map(|(r, p)| f64::from(p / medians[*r].max(floor)))
        .max_by(f64::total_cmp)
        .or(Some(0.0))
}

/// In-place 2-D FFT of an `n × n` complex image (`n` a power of two), rows then columns.
fn fft_2d(re: &mut [f32], im: &mut [f32], n: usize) {
    let mut col_re = vec![0f32; n];
    let mut col_im = vec![0f32; n];
    let twiddles = Twiddles::new(n);
    for y in 0..n {
        fft(
            &mut re[y * n..(y + 1) * n],
            &mut im[y * n..(y + 1) * n],
            &twiddles,
        );
    }
    for x in 0..n {
        for y in 0..n {
            col_re[y] = re[y * n + x];
            col_im[y] = im[y * n + x];
        }
        fft(&mut col_re, &mut col_im, &twiddles);
        for y in 0..n {
            re[y * n + x] = col_re[y];
            im[y * n + x] = col_im[y];
        }
    }
}

/// The FFT's twiddle factors e^(−2πik/n), k < n/2, computed once per transform size: computing
/// them inside the butterflies makes `sin_cos` more than half of the screen-pattern check's time.
struct Twiddles {
    n: usize,
    cos: Vec<f32>,
    sin: Vec<f32>,
}

impl Twiddles {
    fn new(n: usize) -> Self {
        let angle = -2.0 * std::f64::consts::PI / n as f64;
        let (sin, cos) = (0..n / 2).map(|k| (angle * k as f64).sin_cos()).fold(
            (Vec::with_capacity(n / 2), Vec::with_capacity(n / 2)),
            |(mut sin, mut cos), (s, c)| {
                sin.push(s as f32);
                cos.push(c as f32);
                (sin, cos)
            },
        );
        Twiddles { n, cos, sin }
    }
}

/// Iterative radix-2 Cooley–Tukey FFT, in place; the length must be a power of two, the one
/// `twiddles` was made for.
fn fft(re: &mut [f32], im: &mut [f32], twiddles: &Twiddles) {
    let n = re.len();
    if n != twiddles.n || im.len() != n {
        return;
    }
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let stride = n / len;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (wr, wi) = (twiddles.cos[k * stride], twiddles.sin[k * stride]);
                let (a, b) = (start + k, start + k + len / 2);
                let (br, bi) = (re[b] * wr - im[b] * wi, re[b] * wi + im[b] * wr);
                re[b] = re[a] - br;
                im[b] = im[a] - bi;
                re[a] += br;
                im[a] += bi;
            }
        }
        len <<= 1;
    }
}

/// Every soft flag for a photo: `metadata_flags` first (from the file, made by
/// `crate::metadata::flags`, which reads it), then the pixel flags, measured inside the document
/// `report` found (or over the whole photo without one).
pub(crate) fn soft_flags(
    frame: &Frame,
    report: &Report,
    metadata_flags: Vec<SoftFlag>,
) -> Vec<SoftFlag> {
    let mut out = metadata_flags;
    out.extend(pixel_flags(
        frame,
        report.document.as_ref().map(|d| &d.quad),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Point;
    use image::Rgb;

    fn card(colour: bool, cast: [f64; 3]) -> Frame {
        Frame::from_fn(400, 300, |x, y| {
            let base: [f64; 3] = if !colour {
                // Irregular dark "print" on light paper (a hash, not a grid).
                let hash = (x / 3).wrapping_mul(2_654_435_761) ^ (y / 4).wrapping_mul(40_503);
                let v = if hash % 7 == 0 { 40.0 } else { 220.0 };
                [v, v, v]
            } else if x < 200 {
                [200.0, 80.0, 90.0]
            } else if y < 150 {
                [80.0, 150.0, 210.0]
            } else {
                [230.0, 220.0, 120.0]
            };
            Rgb([
                (base[0] * cast[0]).min(255.0) as u8,
                (base[1] * cast[1]).min(255.0) as u8,
                (base[2] * cast[2]).min(255.0) as u8,
            ])
        })
    }

    #[test]
    fn a_grey_copy_under_a_warm_light_has_no_colour() {
        let spread = colour_spread(&card(false, [1.08, 1.0, 0.85]), None).expect("spread");
        assert!(spread < NO_COLOUR_SPREAD, "{spread}");
        let flags = pixel_flags(&card(false, [1.08, 1.0, 0.85]), None);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].id, FlagId::NoColour);
    }

    #[test]
    fn a_colour_card_has_colour() {
        let spread = colour_spread(&card(true, [1.0, 1.0, 1.0]), None).expect("spread");
        assert!(spread > 2.0 * NO_COLOUR_SPREAD, "{spread}");
        assert!(pixel_flags(&card(true, [1.0, 1.0, 1.0]), None).is_empty());
    }

    /// A smooth card-like scene, optionally overlaid with a screen's pixel grid.
    fn scene(grid_pitch: Option<f32>) -> Frame {
        Frame::from_fn(640, 480, |x, y| {
            let (xf, yf) = (x as f32, y as f32);
            let base = 150.0 + 60.0 * ((xf / 90.0).sin() * (yf / 70.0).cos());
            let m = grid_pitch.map_or(1.0, |p| {
                let a = (2.0 * std::f32::consts::PI * xf / p).cos();
                let b = (2.0 * std::f32::consts::PI * yf / p).cos();
                (0.9 + 0.1 * a) * (0.9 + 0.1 * b)
            });
            let v = (base * m).clamp(0.0, 255.0) as u8;
            Rgb([v, v / 2 + 60, 255 - v])
        })
    }

    #[test]
    fn a_screen_grid_is_flagged_and_a_smooth_print_is_not() {
        let print = periodic_peak(&scene(None), None).expect("measured");
        assert!(print < SCREEN_PEAK_RATIO, "{print}");
        let screen = periodic_peak(&scene(Some(4.3)), None).expect("measured");
        assert!(screen > SCREEN_PEAK_RATIO, "{screen}");
        assert!(
            pixel_flags(&scene(Some(4.3)), None)
                .iter()
                .any(|f| f.id == FlagId::ScreenPattern)
        );
        assert!(periodic_peak(&Frame::new(100, 100), None).is_none());
    }

    #[test]
    fn the_fft_finds_a_pure_tone_in_its_bin() {
        let n = 64;
        let mut re: Vec<f32> = (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * 5.0 * i as f32 / n as f32).cos())
            .collect();
        let mut im = vec![0f32; n];
        fft(&mut re, &mut im, &Twiddles::new(n));
        let power: Vec<f32> = re.iter().zip(&im).map(|(r, i)| r * r + i * i).collect();
        assert!((power[5] - (n as f32 / 2.0).powi(2)).abs() < 1.0);
        assert!((power[n - 5] - (n as f32 / 2.0).powi(2)).abs() < 1.0);
        assert!(power[4] < 1e-3 && power[6] < 1e-3);
    }

    #[test]
    fn only_the_document_counts_not_a_colourful_desk() {
        // A grey document in the middle of a saturated red/green desk.
        let img = Frame::from_fn(400, 300, |x, y| {
            if (100..300).contains(&x) && (75..225).contains(&y) {
                let v = if (x + y) % 9 == 0 { 50 } else { 210 };
                Rgb([v, v, v])
            } else if x % 20 < 10 {
                Rgb([220, 30, 30])
            } else {
                Rgb([30, 200, 40])
            }
        });
        let quad = Quad([
            Point::new(100.0, 75.0),
            Point::new(300.0, 75.0),
            Point::new(300.0, 225.0),
            Point::new(100.0, 225.0),
        ]);
        assert!(colour_spread(&img, None).expect("spread") > NO_COLOUR_SPREAD);
        assert!(colour_spread(&img, Some(&quad)).expect("spread") < 1.0);
    }
}
