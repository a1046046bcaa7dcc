//! Hough transform of the working image's edges: which lines have the most edge pixels on them.
//!
//! Each edge pixel votes only for normal angles near its own gradient direction; the strongest
//! distinct local maxima of the accumulator become candidate lines.

use super::super::prepare::Prepared;

/// How many Hough peaks are refitted, at most, to find `MAX_LINES` distinct lines.
const MAX_PEAKS: usize = 64;
/// An edge pixel votes for normal angles within this many degrees (0–89) of its gradient
/// direction.
const VOTE_SPREAD_DEG: i32 = 3;
/// A Hough peak needs at least this many votes (≈ working pixels of edge along it).
const MIN_LINE_VOTES: u16 = 24;
/// A peak within this many degrees (modulo 180°)…
const PEAK_MERGE_ANGLE_DEG: f64 = 3.0;
/// …and this many working pixels of ρ of a stronger one is the same line and is dropped.
const PEAK_MERGE_RHO_PX: f64 = 5.0;

/// Appends to `peaks` the (votes, k, r) of the cells r of accumulator row k that have at least
/// `MIN_LINE_VOTES` votes and are local maxima: not below the cells before and after (of two
/// equal ones, the one whose centre is nearer the image's centre, `from_centre`), and no cell of
/// the rows above and below (`None` at k = 0 and 179) within one ρ has more.
/// Cells in increasing r.
fn row_peaks(
    k: usize,
    [up, row, down]: [Option<&[u16]>; 3],
    from_centre: impl Fn(usize) -> u32,
    peaks: &mut Vec<(u16, usize, usize)>,
) {
    let Some(row) = row else {
        return;
    };
    let n = row.len();
    if n < 3 {
        return;
    }
    // Hand-written hot loop: nearly every cell is below `MIN_LINE_VOTES`, and a whole chunk of
    // them is ruled out by one vectorised saturating subtract and OR.
    const CHUNK: usize = 16;
    let below = MIN_LINE_VOTES - 1;
    let mut start = 1;
    while start < n - 1 {
        let end = (start + CHUNK).min(n - 1);
        let any = row[start..end]
            .iter()
            .fold(0, |any, &v| any | v.saturating_sub(below));
        if any != 0 {
            for r in start..end {
                let v = row[r];
                if v < MIN_LINE_VOTES || v < row[r - 1] || v < row[r + 1] {
                    continue;
                }
                // Of two equal neighbours the one nearer the centre is the peak, which a mirrored
                // photo keeps (both when they are equally near, straddling the centre).
                let farther = |a: usize, b: usize| from_centre(a) > from_centre(b);
                if (v == row[r - 1] && farther(r, r - 1)) || (v == row[r + 1] && farther(r, r + 1))
                {
                    continue;
                }
                let beaten = [up, down]
                    .into_iter()
                    .flatten()
                    .any(|nb| nb[r - 1] > v || nb[r] > v || nb[r + 1] > v);
                if !beaten {
                    peaks.push((v, k, r));
                }
            }
        }
        start = end;
    }
}

/// Whether the cells of normal angle `k` are centred on half pixels: at 0° (and near it) ρ from the
/// centre of an even-width image is a half-integer for every pixel column, so cells must span
/// [n, n + 1) to hold one column each; an odd width gives integers, and cells [n − ½, n + ½).
/// Near 90° the height decides. 45° and 135° (no column or row falls on a boundary) use whole
/// pixels.
fn half_pixel_cells(k: usize, width: u32, height: u32) -> bool {
    let along = if (46..135).contains(&k) {
        height
    } else {
        width
    };
    k != 45 && k != 135 && along % 2 == 0
}

/// cos and sin of every whole normal angle 0–179°, built from 0–45° so that the angle of a turned
/// or mirrored line gets exactly the swapped or negated values (cos(k + 90°) = −sin k,
/// cos(180° − k) = −cos k): its votes then land on exactly the same ρ.
fn symmetric_trig() -> [(f32, f32); 180] {
    let mut t = [(0.0f32, 0.0f32); 180];
    for (k, slot) in t.iter_mut().enumerate().take(46) {
        let (s, c) = (k as f32).to_radians().sin_cos();
        *slot = (c, s);
    }
    for k in 46..=90 {
        let (c, s) = t[90 - k];
        t[k] = (s, c);
    }
    for k in 91..180 {
        let (c, s) = t[180 - k];
        t[k] = (-c, s);
    }
    t
}

/// The Hough transform's scratch, kept from frame to frame.
#[derive(Default)]
pub(super) struct Hough {
    /// The edge pixels' columns and rows, sorted by gradient direction.
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// run_start[a]: index in `xs`/`ys` of the first edge pixel of direction a (0–179);
    /// run_start[180] = the number of edge pixels.
    run_start: Vec<u32>,
    /// ρ + r0 of one run's votes.
    rho: Vec<u32>,
    /// Three accumulator rows of `n_rho` cells: normal angle k in row k mod 3.
    rows: Vec<u16>,
}

impl Hough {
    /// Hough transform with gradient-directed voting; returns (θ degrees, ρ) of the strongest
    /// distinct peaks.
    ///
    /// Hand-written hot loop, since voting is most of the transform's cost: one accumulator row
    /// (normal angle θ) at a time instead of one edge pixel at a time. The edge pixels are first
    /// sorted by direction, so the pixels voting for θ (direction within `VOTE_SPREAD_DEG`) are one
    /// or two runs of that list, and ρ for a run is a plain loop over `f32` slices that
    /// vectorises. Each vote is one `f32` expression evaluated in a fixed order, so every vote
    /// lands in the same cell whatever the loop order. The peak test needs rows θ − 1, θ and
    /// θ + 1, so three rows are kept instead of all 180.
    pub(super) fn peaks(&mut self, prep: &Prepared) -> Vec<(f64, f64)> {
        let (w, h) = (f64::from(prep.width), f64::from(prep.height));
        // ρ is measured from the image's centre, so turning or mirroring the photo (EXIF
        // orientations) maps every vote onto the same ρ, and the peaks onto the same cells.
        let (cx, cy) = ((w - 1.0) / 2.0, (h - 1.0) / 2.0);
        let r0 = (0.5 * w.hypot(h)).ceil() as i32 + 1;
        let n_rho = (2 * r0 + 1) as usize;
        self.sort_edges_by_angle(prep);
        let Hough {
            xs,
            ys,
            run_start,
            rho,
            rows,
        } = self;
        rows.clear();
        rows.resize(3 * n_rho, 0);
        let r0_f = r0 as f32;
        let (cx_f, cy_f) = (cx as f32, cy as f32);
        let trig = symmetric_trig();
        // Votes for normal angle k (0–179) into `row`, which must be zero.
        let (width, height) = (prep.width, prep.height);
        let mut vote = |k: usize, row: &mut [u16]| {
            let (c, s) = trig[k];
            let offset = r0_f
                + if half_pixel_cells(k, width, height) {
                    0.0
                } else {
                    0.5
                };
            let spread = VOTE_SPREAD_DEG as usize;
            // Directions k − 3 … k + 3 modulo 180: one run of the sorted list, or two when the
            // window wraps past 0 or 179.
            let (first, second) = if k < spread {
                ((180 + k - spread, 180), (0, k + spread + 1))
            } else if k + spread >= 180 {
                ((k - spread, 180), (0, k + spread + 1 - 180))
            } else {
                ((k - spread, k + spread + 1), (0, 0))
            };
            for (a, b) in [first, second] {
                let (from, to) = (run_start[a] as usize, run_start[b] as usize);
                let (x, y) = (&xs[from..to], &ys[from..to]);
                rho.clear();
                rho.extend(x.iter().zip(y).map(|(&x, &y)| {
                    // ρ from the centre (exactly negated for a mirrored pixel), shifted to cell
                    // `offset` and truncated: ρ + offset is never negative, so truncating floors.
                    let v = (x - cx_f) * c + (y - cy_f) * s + offset;
                    // A plain `as` cast must saturate, which LLVM does one lane at a time instead
                    // of vectorising.
                    // SAFETY: x, y < 2^16 (they were u16), |c|, |s| ≤ 1 and r0 < 2^17, so `v` is
                    // finite and |v| < 2^19: it fits i32.
                    unsafe { v.to_int_unchecked::<i32>() as u32 }
                }));
                for &r in rho.iter() {
                    // A cell counts the pixels of one 1-px band across a working image at most
                    // 640 px long: at most ⌈1/sin 45°⌉ = 2 per column or row, 1 280 in all, so
                    // u16 never wraps.
                    if let Some(cell) = row.get_mut(r as usize) {
                        *cell = cell.wrapping_add(1);
                    }
                }
            }
        };
        // Twice the centre ρ of cell r of angle k (an integer either way).
        let twice_centre = |k: usize, r: usize| {
            2 * (r as i32 - r0) + i32::from(half_pixel_cells(k, width, height))
        };
        let from_centre = |k: usize, r: usize| twice_centre(k, r).unsigned_abs();
        let mut peaks: Vec<(u16, usize, usize)> = Vec::new();
        // Row k lives in slot k mod 3; rows 0 and 1 first, then row k + 1 before testing row k.
        {
            let (slot0, rest) = rows.split_at_mut(n_rho);
            vote(0, slot0);
            vote(1, &mut rest[..n_rho]);
        }
        for k in 0..180 {
            if k + 1 < 180 {
                let slot = (k + 1) % 3;
                let row = &mut rows[slot * n_rho..(slot + 1) * n_rho];
                if k + 1 >= 2 {
                    // Held row k − 2, no longer needed.
                    row.fill(0);
                    vote(k + 1, row);
                }
            }
            let row_of = |j: usize| &rows[(j % 3) * n_rho..(j % 3 + 1) * n_rho];
            let row = row_of(k);
            let up = (k > 0).then(|| row_of(k - 1));
            let down = (k < 179).then(|| row_of(k + 1));
            row_peaks(k, [up, Some(row), down], |r| from_centre(k, r), &mut peaks);
        }
        // Equal votes are ordered by distance from the centre, then by the angle's distance from
        // the nearest axis, which turning the photo does not change, and only then by cell.
        let from_axis = |k: usize| (k % 90).min(90 - k % 90);
        peaks.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(from_centre(a.1, a.2).cmp(&from_centre(b.1, b.2)))
                .then(from_axis(a.1).cmp(&from_axis(b.1)))
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
        });
        let mut chosen: Vec<(f64, f64)> = Vec::with_capacity(MAX_PEAKS);
        // ρ from the centre here, so that which peaks merge does not depend on the turn either.
        for (_, k, r) in peaks {
            let theta = k as f64;
            let rho = 0.5 * f64::from(twice_centre(k, r));
            let duplicate = chosen.iter().any(|&(t, p)| {
                let d = (theta - t).abs();
                if d <= PEAK_MERGE_ANGLE_DEG {
                    (rho - p).abs() <= PEAK_MERGE_RHO_PX
                } else if d >= 180.0 - PEAK_MERGE_ANGLE_DEG {
                    (rho + p).abs() <= PEAK_MERGE_RHO_PX
                } else {
                    false
                }
            });
            if !duplicate {
                chosen.push((theta, rho));
                if chosen.len() == MAX_PEAKS {
                    break;
                }
            }
        }
        // Back to ρ from the image's origin, as lines are given.
        for (theta, rho) in &mut chosen {
            let (c, s) = trig[*theta as usize];
            *rho += cx * f64::from(c) + cy * f64::from(s);
        }
        chosen
    }

    /// Sorts the edge pixels by gradient direction into `self` (a counting sort: within a
    /// direction they stay in row order).
    fn sort_edges_by_angle(&mut self, prep: &Prepared) {
        let Hough {
            xs, ys, run_start, ..
        } = self;
        run_start.clear();
        run_start.resize(181, 0);
        for e in &prep.edges {
            // `EdgePoint::angle` is 0–179.
            run_start[usize::from(e.angle.min(179)) + 1] += 1;
        }
        for a in 0..180 {
            run_start[a + 1] += run_start[a];
        }
        let n = prep.edges.len();
        xs.clear();
        xs.resize(n, 0.0);
        ys.clear();
        ys.resize(n, 0.0);
        // Next free place per direction.
        let mut next: [u32; 180] = [0; 180];
        next.copy_from_slice(&run_start[..180]);
        for e in &prep.edges {
            let slot = &mut next[usize::from(e.angle.min(179))];
            let i = *slot as usize;
            *slot += 1;
            xs[i] = f32::from(e.x);
            ys[i] = f32::from(e.y);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::Frame;
    use crate::quality::prepare::EdgePoint;
    use image::Rgb;
    use imageproc::drawing::draw_polygon_mut;
    use imageproc::point::Point as Vertex;

    /// The edges of a slanted card and a stripe on a grey desk, 640 × 360 (working size).
    fn upright() -> Prepared {
        let mut img = Frame::from_pixel(640, 360, Rgb([90, 90, 96]));
        let card = [
            Vertex::new(131, 52),
            Vertex::new(497, 81),
            Vertex::new(478, 301),
            Vertex::new(109, 268),
        ];
        draw_polygon_mut(&mut img, &card, Rgb([226, 221, 210]));
        let stripe = [
            Vertex::new(0, 320),
            Vertex::new(639, 331),
            Vertex::new(639, 340),
            Vertex::new(0, 328),
        ];
        draw_polygon_mut(&mut img, &stripe, Rgb([30, 30, 30]));
        let mut prep = Prepared::default();
        prep.build(&img);
        assert_eq!(prep.factor, 1);
        prep
    }

    /// `prep` with its edge pixels moved by `to` (pixel, gradient angle) into a `width × height`
    /// image, in the same order.
    fn moved(
        prep: &Prepared,
        (width, height): (u32, u32),
        to: impl Fn(u16, u16, u8) -> (u16, u16, u8),
    ) -> Prepared {
        let mut out = Prepared::default();
        (out.width, out.height) = (width, height);
        out.edges = prep
            .edges
            .iter()
            .map(|e| {
                let (x, y, angle) = to(e.x, e.y, e.angle);
                EdgePoint { x, y, angle }
            })
            .collect();
        out
    }

    /// The peaks as (normal angle, ρ from the image's centre in thousandths of a pixel), sorted.
    fn centred_peaks(prep: &Prepared) -> Vec<(i64, i64)> {
        let (cx, cy) = (
            (f64::from(prep.width) - 1.0) / 2.0,
            (f64::from(prep.height) - 1.0) / 2.0,
        );
        let mut out: Vec<(i64, i64)> = Hough::default()
            .peaks(prep)
            .into_iter()
            .map(|(theta, rho)| {
                let (s, c) = theta.to_radians().sin_cos();
                (
                    theta.round() as i64,
                    ((rho - cx * c - cy * s) * 1000.0).round() as i64,
                )
            })
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn turned_or_mirrored_edges_give_the_same_peaks_turned() {
        // EXIF orientations must not change the verdict (issue 14). Given the same edge pixels
        // turned by 90° (normal angle + 90°; past 180° the normal flips and ρ changes sign) or
        // mirrored left to right (θ → 180° − θ, ρ kept), the same votes land in the same cells
        // and the same peaks are chosen.
        let prep = upright();
        let (w, h) = (prep.width as u16, prep.height as u16);
        let base = centred_peaks(&prep);
        assert!(base.len() >= 5, "{base:?}");
        let fold = |theta: i64, rho: i64| {
            if theta >= 180 {
                (theta - 180, -rho)
            } else {
                (theta, rho)
            }
        };
        let mut turned: Vec<(i64, i64)> = base.iter().map(|&(t, r)| fold(t + 90, r)).collect();
        turned.sort_unstable();
        let r90 = moved(&prep, (prep.height, prep.width), |x, y, a| {
            (h - 1 - y, x, ((u16::from(a) + 90) % 180) as u8)
        });
        assert_eq!(centred_peaks(&r90), turned);
        let mut mirrored: Vec<(i64, i64)> = base
            .iter()
            .map(|&(t, r)| if t == 0 { (0, -r) } else { (180 - t, r) })
            .collect();
        mirrored.sort_unstable();
        let flipped = moved(&prep, (prep.width, prep.height), |x, y, a| {
            (w - 1 - x, y, ((180 - u16::from(a)) % 180) as u8)
        });
        assert_eq!(centred_peaks(&flipped), mirrored);
    }
}
